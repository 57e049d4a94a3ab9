//! The dashboard's "Needs attention" section (docs/dashboard.md): what the status and content
//! warnings say, and what is due soon, in plain English, grouped and capped at a fixed top N
//! so that the dashboard never grows with the number of records. Each item links to its
//! record; a group with more links to its register, filtered, where the register can filter
//! to it.

use std::cmp::Reverse;

use super::*;
use crate::metrics::Figures;
use crate::warnings::Warnings;

/// How many items a group shows.
pub(crate) const TOP: usize = 10;

/// How far ahead "due soon" looks, in days.
pub(crate) const DUE_SOON_DAYS: i64 = 30;

/// One group of the section: its heading, its first [`TOP`] items and how many more there are.
#[derive(Serialize)]
pub(crate) struct Group {
    /// The heading's id on the dashboard (`attention-unapproved`).
    pub(crate) key: &'static str,
    pub(crate) title: String,
    pub(crate) items: Vec<Item>,
    pub(crate) total: usize,
    pub(crate) more: usize,
    /// The register filtered to the whole group, where it can be.
    pub(crate) more_href: Option<String>,
}

/// One record that needs attention, and why, in words.
#[derive(Serialize)]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) text: String,
}

/// The notices with one of `codes` of each shown record of `list`, as items, in list order.
fn noticed<T>(
    list: &[crate::model::Entry<T>],
    kind: Kind,
    title: fn(&T) -> &str,
    w: &Warnings,
    codes: &[&str],
) -> Vec<Item> {
    crate::model::shown(list)
        .flat_map(|r| {
            w.of(&r.id).iter().filter(|n| codes.contains(&n.code)).map(|n| Item {
                id: r.id.clone(),
                href: href(kind, &r.id),
                title: title(&r.fm).to_string(),
                text: n.message.clone(),
            })
        })
        .collect()
}

fn group(key: &'static str, title: impl Into<String>, items: Vec<Item>, more_href: Option<String>) -> Group {
    let total = items.len();
    Group {
        key,
        title: title.into(),
        items: items.into_iter().take(TOP).collect(),
        total,
        more: total.saturating_sub(TOP),
        more_href,
    }
}

/// Every group with at least one item, in the order a board would take them: the minutes,
/// the nonconformities, the actions, the schedule, then incomplete records. (Overdue actions
/// come first, in their own table: see the dashboard's `overdue`.)
pub(crate) fn groups(site: &Published, figures: &Figures, w: &Warnings) -> Vec<Group> {
    let a = site.as_of;
    fn review_title(r: &record::Review) -> &str {
        &r.title
    }
    fn action_title(r: &record::Action) -> &str {
        &r.title
    }
    fn nc_title(r: &record::Nonconformity) -> &str {
        &r.title
    }
    let mut out = Vec::new();

    out.push(group(
        "attention-unapproved",
        "Minutes not approved after 30 days",
        noticed(&site.reviews, Kind::Review, review_title, w, &["review-not-approved"]),
        Some("reviews/index.html#status=Held".to_string()),
    ));
    out.push(group(
        "attention-changed",
        "Minutes changed after approval",
        noticed(&site.reviews, Kind::Review, review_title, w, &["edited-after-approval"]),
        None,
    ));

    // Closed nonconformities of the severities that need an effectiveness check, without one
    // by the as-of date: longest waiting first.
    let mut waiting: Vec<(i64, Item)> = crate::model::shown(&site.nonconformities)
        .filter(|r| site.facts.nonconformities[r.at] == NcStatus::Closed)
        .filter(|r| site.config.kpi_severities.contains(r.fm.severity.get_ref()))
        .filter_map(|r| {
            let closed = *r.fm.closed.as_ref()?.get_ref();
            let days = closed.days_until(a);
            let late = if days > VERIFY_WITHIN_DAYS { "; the check is overdue" } else { "" };
            let text = format!("Closed on {closed}, {} ago{late}.", plural(days, "day"));
            Some((
                days,
                Item { id: r.id.clone(), href: href(Kind::Nonconformity, &r.id), title: r.fm.title.clone(), text },
            ))
        })
        .collect();
    waiting.sort_by_key(|(days, _)| Reverse(*days));
    out.push(group(
        "attention-unverified",
        "Nonconformities awaiting an effectiveness check",
        waiting.into_iter().map(|(_, i)| i).collect(),
        Some("nonconformities/index.html#status=awaiting".to_string()),
    ));

    // The most severe nonconformities still open, oldest first.
    if let Some(top) = site.config.severities.first() {
        let items: Vec<Item> = crate::model::shown(&site.nonconformities)
            .filter(|r| r.fm.severity.get_ref() == top && site.facts.nonconformities[r.at] == NcStatus::Open)
            .map(|r| Item {
                id: r.id.clone(),
                href: href(Kind::Nonconformity, &r.id),
                title: r.fm.title.clone(),
                text: format!(
                    "Open since {} ({}).",
                    r.fm.raised.get_ref(),
                    plural(r.fm.raised.get_ref().days_until(a), "day")
                ),
            })
            .collect();
        out.push(group(
            "attention-majors",
            format!("Open {top} nonconformities"),
            items,
            Some(format!("nonconformities/index.html#severity={}&status=open", fragment_value(top))),
        ));
    }

    let mut carried = noticed(&site.actions, Kind::Action, action_title, w, &["action-carried-over"]);
    carried.sort_by_key(|i| Reverse(figures.carry_over.get(&i.id.to_lowercase()).copied().unwrap_or(0)));
    out.push(group("attention-carried", "Actions carried over past the limit", carried, None));

    // Open actions due within the next 30 days, soonest first.
    let mut soon: Vec<(Date, Item)> = crate::model::shown(&site.actions)
        .filter_map(|r| {
            let f = &site.facts.actions[r.at];
            let days = a.days_until(f.due);
            (f.status == ActionStatus::Open && (0..=DUE_SOON_DAYS).contains(&days)).then(|| {
                let when = if days == 0 { "today".to_string() } else { format!("in {}", plural(days, "day")) };
                let text = format!("Due {}, {when}.", f.due);
                (f.due, Item { id: r.id.clone(), href: href(Kind::Action, &r.id), title: r.fm.title.clone(), text })
            })
        })
        .collect();
    soon.sort_by_key(|(due, _)| *due);
    out.push(group(
        "attention-due-soon",
        format!("Actions due in the next {DUE_SOON_DAYS} days"),
        soon.into_iter().map(|(_, i)| i).collect(),
        Some("actions/index.html#status=open".to_string()),
    ));

    out.push(group(
        "attention-schedule",
        "Reviews behind schedule",
        noticed(&site.reviews, Kind::Review, review_title, w, &["planned-review-past", "review-gap"]),
        None,
    ));

    // Requirements of the enabled crosswalks without evidence within their interval.
    let mut stale = Vec::new();
    for ev in &figures.crosswalks {
        let anchors = super::crosswalks::anchors(&ev.crosswalk);
        for ((req, r), anchor) in ev.crosswalk.requirements.iter().zip(&ev.requirements).zip(anchors) {
            if matches!(r.standing, crate::crosswalk::Standing::Current { .. }) {
                continue;
            }
            let reference = format!("{} {}", ev.crosswalk.prefix, req.reference);
            stale.push(Item {
                href: format!("{}#{anchor}", super::crosswalks::page_href(&ev.name)),
                id: reference,
                title: req.title.clone(),
                text: format!("{}.", super::crosswalks::standing_text(r.standing).1),
            });
        }
    }
    out.push(group("attention-crosswalks", "Requirements without recent evidence", stale, None));

    // What the content warnings say: records with something missing.
    const INCOMPLETE: &[&str] = &[
        "missing-input",
        "empty-input",
        "no-top-management",
        "missing-output",
        "missing-conclusion",
        "missing-climate",
        "missing-root-cause",
        "closed-with-open-action",
    ];
    // One item per record: its first gap, and how many more its page lists.
    let mut incomplete = noticed(&site.reviews, Kind::Review, review_title, w, INCOMPLETE);
    incomplete.extend(noticed(&site.nonconformities, Kind::Nonconformity, nc_title, w, INCOMPLETE));
    let mut per_record: Vec<(Item, usize)> = Vec::new();
    for item in incomplete {
        match per_record.last_mut() {
            Some((first, n)) if first.id == item.id => *n += 1,
            _ => per_record.push((item, 0)),
        }
    }
    let incomplete = per_record
        .into_iter()
        .map(|(mut item, more)| {
            if more > 0 {
                let gaps = if more == 1 { "gap" } else { "gaps" };
                item.text = format!("{} And {more} more {gaps} on its page.", item.text);
            }
            item
        })
        .collect();
    out.push(group("attention-incomplete", "Records with something missing", incomplete, None));

    out.retain(|g| g.total > 0);
    out
}

/// A value for a register's fragment (`#severity=major`): unreserved characters as they are,
/// every other byte percent-encoded, as the register script's `decodeURIComponent` reads it.
fn fragment_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
