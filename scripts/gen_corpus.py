#!/usr/bin/env python3
"""Generates a synthetic quorum site of about N records for benchmarks.

Usage: scripts/gen_corpus.py [--mode stress|realistic] N DIR

The mix mirrors a busy ISMS: for every review ~40 actions and ~15 nonconformities, plus
objectives and audits; bodies cross-link records with [[ID]] so link resolution, backlinks
and registers all do real work. The output is deterministic for a given N and mode.

Modes:
  stress     (the default) about one old action in eight stays open for ever, so the open
             backlog, and every page that lists it, grows without bound; objectives are
             measured every quarter of the whole history. It keeps one review per 60 records
             and one objective per 100, so a bigger site has more reviews (166 over 83 years
             at 10,000 records) and every review page lists more objectives: pages that grow
             with the site, the worst case.
  realistic  every action and nonconformity raised more than about 18 months before the
             as-of date is closed or cancelled, and objectives are measured over the last
             three years only: what a site looks like when its owners keep it up. Its
             calendar is an organisation's: half-yearly reviews over at most 20 years (40)
             and at most 40 objectives, so a bigger site has more records per period.
"""
import os
import random
import sys
from datetime import date, timedelta


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# The realistic mode's calendar: 20 years of half-yearly reviews, and at most this many objectives.
MAX_REVIEWS = 40
MAX_OBJECTIVES = 40


def main():
    args = sys.argv[1:]
    mode = "stress"
    if args[:1] == ["--mode"] and len(args) >= 2:
        mode, args = args[1], args[2:]
    if len(args) != 2 or mode not in ("stress", "realistic"):
        sys.exit(__doc__)
    n, root = int(args[0]), args[1]
    realistic = mode == "realistic"
    rng = random.Random(n if not realistic else n * 7919)
    # Older than this before the as-of date, a realistic site has closed or cancelled it.
    settled_days = 548
    reviews = max(2, n // 60)
    audits = max(1, n // 100)
    objectives = max(1, n // 100)
    if realistic:
        # An organisation reviews twice a year and keeps a few dozen objectives, however many
        # records it holds: a bigger site has more records per period, not centuries of
        # reviews (at most 20 years) nor thousands of objectives.
        reviews = min(reviews, MAX_REVIEWS)
        objectives = min(objectives, MAX_OBJECTIVES)
    ncs = max(1, (n - reviews - audits - objectives) // 4)
    actions = max(1, n - reviews - audits - objectives - ncs)
    start = date(2018, 1, 15)
    as_of = start + timedelta(days=182 * reviews + 30)
    write(f"{root}/site.toml", f'title = "Benchmark site"\norganization = "Bench Ltd"\nas_of = {as_of}\nreview_interval_months = 6\n')
    write(f"{root}/content/_index.md", "+++\ntitle = \"Benchmark\"\n+++\n\nA generated site.\n")
    write(f"{root}/content/pages/scope.md", "+++\ntitle = \"Scope\"\nweight = 1\n+++\n\nEverything.\n")
    review_dates = [start + timedelta(days=182 * (i + 1)) for i in range(reviews)]
    action_ids = [f"A-{i:05d}" for i in range(actions)]
    nc_ids = [f"NC-{i:05d}" for i in range(ncs)]
    audit_ids = [f"IA-{i:04d}" for i in range(audits)]
    span = (review_dates[-1] - start).days
    for i, aid in enumerate(audit_ids):
        d = start + timedelta(days=rng.randrange(span))
        write(f"{root}/content/audits/{aid}.md",
              f'+++\ntitle = "Internal audit {i}"\nkind = "internal"\nstart = {d}\nend = {d + timedelta(days=2)}\n'
              f'auditor = "Auditor {i % 7}"\n+++\n\nAudit of area {i}.\n')
    for i, oid in enumerate(f"OBJ-{i:03d}" for i in range(objectives)):
        quarters = range(span // 91)
        if realistic:
            quarters = range(max(0, span // 91 - 12), span // 91)
        ms = "".join(f"[[measurements]]\ndate = {start + timedelta(days=91 * q)}\nvalue = {rng.randint(80, 100)}\n"
                     for q in quarters)
        write(f"{root}/content/objectives/{oid}.md",
              f'+++\ntitle = "Objective {i}"\nunit = "%"\ntarget = 95\namber = 90\ndirection = "higher_better"\n{ms}+++\n')
    for i, nid in enumerate(nc_ids):
        raised = start + timedelta(days=rng.randrange(span))
        sev = rng.choice(["major", "minor", "minor", "observation"])
        closed = raised + timedelta(days=rng.randint(10, 200))
        settled = realistic and (as_of - raised).days > settled_days
        if settled:
            closed = min(closed, as_of - timedelta(days=1))
        closed_line = (f"closed = {closed}\nroot_cause = \"Cause {i}.\"\n"
                       if closed < as_of and (settled or rng.random() < 0.8) else "")
        if settled and closed + timedelta(days=45) < as_of:
            closed_line += f"verified = {closed + timedelta(days=45)}\n"
        acts = ", ".join(f'"{a}"' for a in rng.sample(action_ids, 2))
        audit = f'audit = "{rng.choice(audit_ids)}"\n' if rng.random() < 0.3 else ""
        write(f"{root}/content/nonconformities/{raised.year}/{nid}.md",
              f'+++\ntitle = "Nonconformity {i}"\nraised = {raised}\nseverity = "{sev}"\nsource = "internal_audit"\n'
              f'{audit}actions = [{acts}]\n{closed_line}+++\n\nFound during routine checks; see [[{rng.choice(action_ids)}]].\n')
    for i, aid in enumerate(action_ids):
        raised = start + timedelta(days=rng.randrange(span))
        due = raised + timedelta(days=rng.randint(30, 240))
        extra = ""
        r = rng.random()
        # Most actions older than a review cycle are closed; recent ones are mostly open.
        closed_share = 0.88 if (as_of - raised).days > 240 else 0.3
        settled = realistic and (as_of - raised).days > settled_days
        if settled:
            closed_share = 0.96
        if r < closed_share:
            closed = raised + timedelta(days=rng.randint(5, 300))
            extra = f"closed = {min(closed, as_of - timedelta(days=1)) if settled else closed}\n"
        elif r < closed_share + 0.04 or settled:
            extra = f'cancelled = {raised + timedelta(days=20)}\ncancel_reason = "Superseded."\n'
        if rng.random() < 0.3:
            extra += f'[[updates]]\ndate = {raised + timedelta(days=25)}\nnote = "Re-planned."\ndue = {due + timedelta(days=60)}\n'
        write(f"{root}/content/actions/{raised.year}/{aid}.md",
              f'+++\ntitle = "Action {i}: improve control {i % 93}"\nowner = "Owner {i % 17}"\nraised = {raised}\ndue = {due}\n'
              f'kind = "{rng.choice(["review", "corrective", "improvement"])}"\n{extra}+++\n\n'
              f"Do the work described in [[{rng.choice(nc_ids)}]]. Report progress monthly.\n")
    inputs = ["previous-actions", "issues", "interested-parties", "performance", "nonconformities", "monitoring",
              "audits", "objectives", "feedback", "risk", "improvement"]
    for i, d in enumerate(review_dates):
        rid = f"MR-{i:03d}"
        decided = rng.sample(action_ids, 3)
        body = "".join(f"## Input {k} {{#{k}}}\n\nDiscussed; see [[{rng.choice(action_ids)}]] and [[{rng.choice(nc_ids)}]].\n\n"
                       for k in inputs)
        decisions = "".join(f'[[decisions]]\nid = "D{j + 1}"\ntext = "Decision {j + 1}."\nkind = "{k}"\nactions = ["{a}"]\n'
                            for j, (a, k) in enumerate(zip(decided, ["improvement", "isms_change", "resources"])))
        write(f"{root}/content/reviews/{rid}.md",
              f'+++\ntitle = "Management review {i}"\ndate = {d}\nstatus = "approved"\nchair = "Chair"\napproved_by = "Chair"\n'
              f'approved_on = {d + timedelta(days=7)}\nclimate_relevant = true\n'
              f'[[attendees]]\nname = "Chair"\ntop_management = true\n[conclusion]\nsuitable = true\nadequate = true\neffective = true\n'
              f'{decisions}+++\n\n{body}')
    total = reviews + actions + ncs + audits + objectives + 1
    print(f"{root}: {total} records ({reviews} reviews, {actions} actions, {ncs} nonconformities, "
          f"{audits} audits, {objectives} objectives, 1 page), as of {as_of}, {mode} mode")


if __name__ == "__main__":
    main()
