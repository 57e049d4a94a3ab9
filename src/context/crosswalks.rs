//! The page of one enabled crosswalk (`/evidence/NAME/`), its CSV and its `site.json` entry:
//! each requirement with its standing as of A and its evidence, as this edition shows it.

use serde::Serialize;

use crate::crosswalk::{Evaluation, Item, Source, Standing};
use crate::model::Published;
use crate::record::Kind;
use crate::site_map;

/// How many pieces of evidence a requirement lists on its page (newest first); the CSV and
/// `site.json` have them all.
pub(crate) const LISTED: usize = 10;

/// The path of a crosswalk's page.
pub(crate) fn page_href(name: &str) -> String {
    format!("evidence/{name}/index.html")
}

/// The path of a crosswalk's CSV.
pub(crate) fn csv_href(name: &str) -> String {
    format!("exports/crosswalk-{name}.csv")
}

#[derive(Serialize)]
pub(crate) struct CrosswalkPage {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) prefix: String,
    pub(crate) source: String,
    pub(crate) csv: String,
    pub(crate) current: usize,
    pub(crate) stale: usize,
    pub(crate) never: usize,
    pub(crate) requirements: Vec<RequirementCtx>,
}

#[derive(Serialize)]
pub(crate) struct RequirementCtx {
    /// The whole reference, as written in `requirements` ("NIS2 Art. 20(1)").
    pub(crate) reference: String,
    /// An id for the requirement's heading (`nis2-art-20-1`).
    pub(crate) anchor: String,
    pub(crate) title: String,
    /// "every 12 months", or empty.
    pub(crate) interval: String,
    /// `current`, `stale` or `never`.
    pub(crate) class: &'static str,
    /// "Evidenced on 2026-06-04; current until 2027-06-04", "Stale since …", "Never evidenced".
    pub(crate) standing: String,
    /// The clause 9.3.2 inputs it rests on ("9.3.2 f Risk").
    pub(crate) inputs: Vec<String>,
    /// The implicit rules in words, and "tagged with …" always.
    pub(crate) rules: Vec<String>,
    pub(crate) items: Vec<ItemCtx>,
    /// Evidence not listed (in the CSV).
    pub(crate) more: usize,
}

#[derive(Serialize)]
pub(crate) struct ItemCtx {
    pub(crate) date: String,
    /// The record's ID (and decision), or empty when withheld.
    pub(crate) label: String,
    pub(crate) href: Option<String>,
    pub(crate) what: String,
    pub(crate) why: String,
    pub(crate) withheld: bool,
}

/// A piece of evidence as this edition shows it: withheld when its record, decision or
/// update is left out (it still counts; the page says so, without naming it).
pub(crate) fn item(site: &Published, it: &Item) -> ItemCtx {
    let s = &it.source;
    let withheld = withheld(site, s);
    if withheld {
        return ItemCtx {
            date: it.date.to_string(),
            label: String::new(),
            href: None,
            what: format!("withheld from this edition ({})", withheld_what(s)),
            why: it.why.clone(),
            withheld: true,
        };
    }
    let id = site.canonical_id(&s.id).unwrap_or(&s.id).to_string();
    let mut href = site_map::href(s.kind, &id);
    let label = match (&s.decision, &s.section) {
        (Some(d), _) => {
            href.push_str(&format!("#{d}"));
            format!("{id}, decision {d}")
        }
        (None, Some(sec)) => {
            href.push_str(&format!("#{sec}"));
            id
        }
        _ => id,
    };
    ItemCtx {
        date: it.date.to_string(),
        label,
        href: Some(href),
        what: it.what.clone(),
        why: it.why.clone(),
        withheld: false,
    }
}

fn withheld_what(s: &Source) -> &'static str {
    match (s.kind, &s.decision, &s.update_of) {
        (_, Some(_), _) => "a confidential decision",
        (_, _, Some(_)) => "a confidential action update",
        (Kind::Review, ..) => "a review",
        (Kind::Action, ..) => "a confidential action",
        (Kind::Nonconformity, ..) => "a confidential nonconformity",
        (Kind::Objective, ..) => "a confidential objective",
        (Kind::Audit, ..) => "a confidential audit",
        _ => "a confidential record",
    }
}

fn withheld(site: &Published, s: &Source) -> bool {
    if site.lookup(&s.id).is_none() {
        return true;
    }
    if let Some(d) = &s.decision {
        return site.fragment_withheld(&s.id, d);
    }
    if let Some(a) = &s.update_of {
        return site.review(&s.id).is_none_or(|r| !r.fm.action_updates.iter().any(|u| u.action.get_ref() == a));
    }
    false
}

/// The heading ids of a crosswalk's requirements on its page (`nis2-art-20-1`), unique: a
/// requirement whose id an earlier one already has gets `-2`, `-3`…
pub(crate) fn anchors(cw: &crate::crosswalk::Crosswalk) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(cw.requirements.len());
    for r in &cw.requirements {
        let base = slug(&format!("{} {}", cw.prefix, r.reference));
        let mut id = base.clone();
        let mut n = 1;
        while out.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        out.push(id);
    }
    out
}

/// `Art. 20(1)` → `art-20-1`. Unlike [`crate::markdown::slugify`], which drops punctuation
/// (`Art. 20(1)` would read `art-201`, the same as `Art. 201`), every run of punctuation
/// separates, so references keep their parts apart.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The standing in words, and its class.
pub(crate) fn standing_text(s: Standing) -> (&'static str, String) {
    match s {
        Standing::Current { latest, until: Some(u) } => {
            ("current", format!("Evidenced on {latest}; current until {u}"))
        }
        Standing::Current { latest, until: None } => ("current", format!("Evidenced on {latest}")),
        Standing::Stale { latest, since } => ("stale", format!("Stale since {since}: latest evidence {latest}")),
        Standing::Never => ("never", "Never evidenced".to_string()),
    }
}

pub(crate) fn page(site: &Published, ev: &Evaluation) -> CrosswalkPage {
    let cw = &ev.crosswalk;
    let fw = site.config.framework(&site.config.framework);
    let mut counts = [0usize; 3];
    let requirements = cw
        .requirements
        .iter()
        .zip(&ev.requirements)
        .zip(anchors(cw))
        .map(|((req, r), anchor)| {
            let (class, standing) = standing_text(r.standing);
            counts[match class {
                "current" => 0,
                "stale" => 1,
                _ => 2,
            }] += 1;
            let reference = format!("{} {}", cw.prefix, req.reference);
            let mut rules: Vec<String> = req.evidence.iter().map(|x| x.describe()).collect();
            rules.push(format!("records, decisions and action updates tagged {reference}"));
            RequirementCtx {
                anchor,
                reference,
                title: req.title.clone(),
                interval: req.interval_months.map_or(String::new(), |m| {
                    format!("every {}", if m == 1 { "month".into() } else { super::plural(i64::from(m), "month") })
                }),
                class,
                standing,
                inputs: req
                    .inputs
                    .iter()
                    .map(|k| fw.and_then(|f| f.input(k)).map_or(k.clone(), |i| format!("{} {}", i.clause, i.title)))
                    .collect(),
                rules,
                items: r.items.iter().take(LISTED).map(|i| item(site, i)).collect(),
                more: r.items.len().saturating_sub(LISTED),
            }
        })
        .collect();
    CrosswalkPage {
        name: ev.name.clone(),
        title: cw.title.clone(),
        prefix: cw.prefix.clone(),
        source: cw.source.clone(),
        csv: csv_href(&ev.name),
        current: counts[0],
        stale: counts[1],
        never: counts[2],
        requirements,
    }
}

/// The CSV rows of a crosswalk: one per piece of evidence, and one per requirement without.
pub(crate) fn csv_rows(site: &Published, ev: &Evaluation) -> Vec<Vec<String>> {
    let cw = &ev.crosswalk;
    let mut rows = Vec::new();
    for (req, r) in cw.requirements.iter().zip(&ev.requirements) {
        let (class, _) = standing_text(r.standing);
        let reference = format!("{} {}", cw.prefix, req.reference);
        let base = |rows: &mut Vec<Vec<String>>, date: String, label: String, what: String, why: String| {
            rows.push(vec![reference.clone(), req.title.clone(), class.to_string(), date, label, what, why]);
        };
        if r.items.is_empty() {
            base(&mut rows, String::new(), String::new(), String::new(), String::new());
        }
        for it in &r.items {
            let c = item(site, it);
            base(&mut rows, c.date, c.label, c.what, c.why);
        }
    }
    rows
}

/// The CSV's header.
pub(crate) const CSV_HEADER: &[&str] = &["requirement", "title", "standing", "date", "evidence", "what", "why"];

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slug("NIS2 Art. 20(1)"), "nis2-art-20-1");
        assert_eq!(super::slug("SOC2 CC1.2"), "soc2-cc1-2");
        assert_eq!(super::slug("NIS2 Art. 21(2)(f)"), "nis2-art-21-2-f");
    }

    #[test]
    fn anchors_are_unique_on_a_page() {
        let req = |r: &str| crate::crosswalk::Requirement {
            reference: r.into(),
            title: "T".into(),
            interval_months: None,
            missing: None,
            inputs: vec![],
            evidence: vec![],
        };
        let cw = crate::crosswalk::Crosswalk {
            title: "G".into(),
            prefix: "GRP".into(),
            source: String::new(),
            requirements: vec![req("P.1"), req("P 1"), req("P-1"), req("P.2")],
        };
        assert_eq!(super::anchors(&cw), ["grp-p-1", "grp-p-1-2", "grp-p-1-3", "grp-p-2"]);
    }
}
