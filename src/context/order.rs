//! The order of each register (docs/registers.md): what needs attention first. Actions:
//! overdue (most overdue first), then open by due date, then closed or cancelled, newest
//! first. Nonconformities: found ineffective, then open (past their due date first, then by
//! severity as site.toml ranks it, then oldest first), then closed and awaiting the
//! effectiveness check (longest waiting first; only `kpi_severities` wait for one), then
//! verified or closed, newest first. Reviews and
//! audits: newest first. Objectives keep their ID order. Ties keep the ID order.

use std::cmp::Reverse;

use crate::date::Date;
use crate::metrics::{ActionStatus, NcStatus};
use crate::model::{Published, Shown};
use crate::record;

/// Sorts `rows` (stably, so equal rows keep their ID order) by `key`.
fn sort_by<T, K: Ord>(rows: &mut [&Shown<T>], key: impl Fn(&Shown<T>) -> K) {
    rows.sort_by_key(|r| key(r));
}

pub(crate) fn actions(site: &Published, rows: &mut [&Shown<record::Action>]) {
    sort_by(rows, |r| {
        let f = &site.facts.actions[r.at];
        let done = r.fm.closed.as_ref().or(r.fm.cancelled.as_ref()).map(|d| *d.get_ref());
        match f.status {
            ActionStatus::Overdue => (0, Reverse(f.days_overdue), Some(f.due), None),
            ActionStatus::Open | ActionStatus::NotYetRaised => (1, Reverse(0), Some(f.due), None),
            ActionStatus::Closed | ActionStatus::Cancelled => (2, Reverse(0), None, done.map(Reverse)),
        }
    });
}

pub(crate) fn nonconformities(site: &Published, rows: &mut [&Shown<record::Nonconformity>]) {
    let a = site.as_of;
    let rank = |s: &str| site.config.severities.iter().position(|x| x == s).unwrap_or(usize::MAX);
    let date = |d: &Option<record::Sp<Date>>| d.as_ref().map(|d| *d.get_ref());
    sort_by(rows, |r| {
        let n = &r.fm;
        match site.facts.nonconformities[r.at] {
            NcStatus::Ineffective => (0, false, 0, Some(*n.raised.get_ref()), None),
            NcStatus::Open | NcStatus::NotYetRaised => {
                let late = n.due.as_ref().is_some_and(|d| *d.get_ref() < a);
                (1, !late, rank(n.severity.get_ref()), Some(*n.raised.get_ref()), None)
            }
            // Only the severities counted as KPIs wait for an effectiveness check.
            NcStatus::Closed if site.config.kpi_severities.contains(n.severity.get_ref()) => {
                (2, false, 0, date(&n.closed), None)
            }
            NcStatus::Closed => (3, false, 0, None, date(&n.closed).map(Reverse)),
            NcStatus::Verified => (3, false, 0, None, date(&n.verified).map(Reverse)),
        }
    });
}

pub(crate) fn reviews(rows: &mut [&Shown<record::Review>]) {
    sort_by(rows, |r| Reverse(*r.fm.date.get_ref()));
}

pub(crate) fn audits(rows: &mut [&Shown<record::Audit>]) {
    sort_by(rows, |r| Reverse(*r.fm.start.get_ref()));
}

/// No reordering (objectives).
pub(crate) fn keep<T>(_: &mut [&Shown<T>]) {}
