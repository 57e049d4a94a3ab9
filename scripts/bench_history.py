#!/usr/bin/env python3
"""Benchmarks what reading git history adds to `quorum build`.

Usage: scripts/bench_history.py [--runs N] [--keep DIR] [RECORDS [COMMITS]]
       (default: 5 runs, 10000 records, 2000 commits)

Generates a corpus with scripts/gen_corpus.py, makes it a git repository whose history has
COMMITS commits (the first adds every file; each later one edits one to five random record
files, written with `git fast-import`, so the repository takes seconds to make), then times
`quorum build` with and without `--no-history`, interleaved, and reports the medians of the
wall times, the median of the per-run differences, and the medians of the history walk (which
runs beside the checks) and of the provenance work left after them
(QUORUM_LOG=debug). Run it on an otherwise idle machine; use a RAM-backed folder (--keep
/dev/shm/…) to keep the disk out of the figures.
"""
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_repo(site, commits, seed=7):
    """git init + fast-import: one commit with every file, then commits editing records."""
    files = []
    for dirpath, _, names in os.walk(site):
        for n in names:
            files.append(os.path.relpath(os.path.join(dirpath, n), site))
    files.sort()
    records = [f for f in files if f.startswith("content/") and f.endswith(".md")]
    rnd = random.Random(seed)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", site], check=True, env=env)
    contents = {}
    for f in files:
        with open(os.path.join(site, f), "rb") as fh:
            contents[f] = fh.read()
    t0 = 1_700_000_000
    chunks = []

    def data(b):
        chunks.append(b"data %d\n" % len(b) + b + b"\n")

    def header(i):
        who = b"Author %d <a%d@example.org> %d +0000" % (i % 7, i % 7, t0 + i * 3600)
        chunks.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n" % (i + 1, who, who))
        data(b"Change %d" % i)
        if i:
            chunks.append(b"from :%d\n" % i)

    header(0)
    for f in files:
        chunks.append(b"M 100644 inline %s\n" % f.encode())
        data(contents[f])
    for i in range(1, commits):
        header(i)
        for f in rnd.sample(records, rnd.randint(1, 5)):
            contents[f] += b"\nEdit %d.\n" % i
            chunks.append(b"M 100644 inline %s\n" % f.encode())
            data(contents[f])
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(chunks), cwd=site, check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=site, check=True, env=env)
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=site, check=True, env=env)


def main():
    args = sys.argv[1:]
    runs, keep = 5, None
    while args[:1] and args[0].startswith("--"):
        if args[0] == "--runs":
            runs, args = int(args[1]), args[2:]
        elif args[0] == "--keep":
            keep, args = args[1], args[2:]
        else:
            sys.exit(__doc__)
    records = int(args[0]) if args else 10000
    commits = int(args[1]) if len(args) > 1 else 2000
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "quorum")
    tmp = keep or tempfile.mkdtemp(prefix="quorum-bench-history-")
    site = os.path.join(tmp, "site")
    if not os.path.isdir(os.path.join(site, ".git")):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_corpus.py"), str(records), site],
                       check=True, stdout=subprocess.DEVNULL)
        start = time.perf_counter()
        make_repo(site, commits)
        print(f"repository: {records} records, {commits} commits, made in {time.perf_counter() - start:.1f} s")
    out = os.path.join(tmp, "out")
    walls = {"history": [], "no-history": []}
    stages = {"history walk (on its own thread, beside the checks)": [], "after the checks (digest, approvals)": []}
    patterns = {
        "history walk (on its own thread, beside the checks)": r"provenance: history walk took ([0-9.]+) ms",
        "after the checks (digest, approvals)": r"provenance \(after the checks\) took ([0-9.]+) ms",
    }
    for i in range(runs + 1):
        for mode in ("history", "no-history"):
            cmd = [binary, "build", "--root", site, "--output-dir", out]
            if mode == "no-history":
                cmd.append("--no-history")
            start = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "QUORUM_LOG": "debug"})
            wall = time.perf_counter() - start
            if r.returncode != 0:
                sys.exit(f"build failed:\n{r.stderr}")
            if i == 0:
                continue  # warm-up
            walls[mode].append(wall)
            for name, pattern in patterns.items():
                m = re.search(pattern, r.stderr)
                if m and mode == "history":
                    stages[name].append(float(m.group(1)))
    diffs = [a - b for a, b in zip(walls["history"], walls["no-history"])]
    print(f"build with history:    median {statistics.median(walls['history']):.3f} s over {runs} runs")
    print(f"build --no-history:    median {statistics.median(walls['no-history']):.3f} s")
    print(f"history adds:          median {statistics.median(diffs):.3f} s per build (pairwise)")
    for name, values in stages.items():
        if values:
            print(f"{name}: median {statistics.median(values):.0f} ms")


if __name__ == "__main__":
    main()
