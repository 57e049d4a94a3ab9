//! People's own lists (docs/registers.md section 3): `/owners/`, and one page per owner with
//! their overdue and open actions and nonconformities, what they closed recently, and the
//! objectives they own.

use super::*;
use crate::model::Owner;

/// How far back "closed recently" looks, in days before the as-of date.
pub(crate) const RECENT_DAYS: i64 = 90;

#[derive(Serialize)]
pub(crate) struct OwnerRow {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) overdue_actions: usize,
    pub(crate) open_actions: usize,
    pub(crate) open_nonconformities: usize,
    pub(crate) closed_recently: usize,
}

#[derive(Serialize)]
pub(crate) struct OwnersPage {
    pub(crate) rows: Vec<OwnerRow>,
    pub(crate) recent_days: i64,
}

#[derive(Serialize)]
pub(crate) struct OwnerPage {
    pub(crate) name: String,
    /// Overdue actions, most overdue first; then open ones by due date.
    pub(crate) overdue: Vec<ActionRow>,
    pub(crate) open: Vec<ActionRow>,
    /// Open nonconformities and those awaiting their effectiveness check, in register order.
    pub(crate) nonconformities: Vec<NcRow>,
    /// Actions and nonconformities closed in the last `recent_days` days, newest first.
    pub(crate) closed_actions: Vec<ActionRow>,
    pub(crate) closed_nonconformities: Vec<NcRow>,
    pub(crate) objectives: Vec<ObjectiveRow>,
    pub(crate) recent_days: i64,
    /// How the records write this owner ("Sam Reid, IT Operations").
    pub(crate) written: Vec<String>,
    /// Actions and nonconformities closed, cancelled or verified before the recent window:
    /// on no list above, so the page says how many and links the registers filtered to them.
    pub(crate) earlier_actions: usize,
    pub(crate) earlier_nonconformities: usize,
    /// The registers' filter links for this owner (`actions/index.html#owner=sam-reid`).
    pub(crate) actions_href: String,
    pub(crate) nonconformities_href: String,
}

/// What one owner has: (overdue, open, open or unverified nonconformities, closed recently).
struct Work<'a> {
    overdue: Vec<&'a Shown<record::Action>>,
    open: Vec<&'a Shown<record::Action>>,
    ncs: Vec<&'a Shown<record::Nonconformity>>,
    closed: Vec<&'a Shown<record::Action>>,
    closed_ncs: Vec<&'a Shown<record::Nonconformity>>,
    /// Closed, cancelled or verified before the recent window.
    earlier: usize,
    earlier_ncs: usize,
}

fn recent(d: &Option<record::Sp<Date>>, a: Date) -> bool {
    d.as_ref().is_some_and(|d| *d.get_ref() <= a && d.get_ref().days_until(a) <= RECENT_DAYS)
}

fn work<'a>(site: &'a Published, o: &Owner) -> Work<'a> {
    let a = site.as_of;
    let mut actions: Vec<&Shown<record::Action>> = o.actions.iter().filter_map(|&i| site.actions[i].shown()).collect();
    order::actions(site, &mut actions);
    let mut ncs: Vec<&Shown<record::Nonconformity>> =
        o.nonconformities.iter().filter_map(|&i| site.nonconformities[i].shown()).collect();
    order::nonconformities(site, &mut ncs);
    let status = |r: &Shown<record::Action>| site.facts.actions[r.at].status;
    let mut w = Work {
        overdue: vec![],
        open: vec![],
        ncs: vec![],
        closed: vec![],
        closed_ncs: vec![],
        earlier: 0,
        earlier_ncs: 0,
    };
    for r in actions {
        match status(r) {
            ActionStatus::Overdue => w.overdue.push(r),
            ActionStatus::Open => w.open.push(r),
            ActionStatus::Closed if recent(&r.fm.closed, a) => w.closed.push(r),
            ActionStatus::Closed | ActionStatus::Cancelled => w.earlier += 1,
            ActionStatus::NotYetRaised => {}
        }
    }
    for r in ncs {
        let s = site.facts.nonconformities[r.at];
        let kpi = site.config.kpi_severities.contains(r.fm.severity.get_ref());
        let unverified = s == NcStatus::Closed && kpi;
        if s.is_open() || unverified {
            w.ncs.push(r);
        }
        let closed = matches!(s, NcStatus::Closed | NcStatus::Verified);
        if closed && recent(&r.fm.closed, a) {
            w.closed_ncs.push(r);
        } else if !(s.is_open() || unverified) {
            w.earlier_ncs += 1;
        }
    }
    w.closed.sort_by_key(|r| std::cmp::Reverse(r.fm.closed.as_ref().map(|d| *d.get_ref())));
    w.closed_ncs.sort_by_key(|r| std::cmp::Reverse(r.fm.closed.as_ref().map(|d| *d.get_ref())));
    w
}

pub(crate) fn owners_page(site: &Published) -> OwnersPage {
    let rows = (site.owners.iter())
        .map(|(key, o)| {
            let w = work(site, o);
            OwnerRow {
                name: o.name.clone(),
                href: crate::site_map::owner_href(key),
                overdue_actions: w.overdue.len(),
                open_actions: w.overdue.len() + w.open.len(),
                open_nonconformities: w.ncs.len(),
                closed_recently: w.closed.len() + w.closed_ncs.len(),
            }
        })
        .collect();
    OwnersPage { rows, recent_days: RECENT_DAYS }
}

pub(crate) fn owner_page(site: &Published, key: &str, o: &Owner) -> OwnerPage {
    let w = work(site, o);
    let mut written: Vec<String> = (o
        .actions
        .iter()
        .filter_map(|&i| site.actions[i].shown())
        .map(|r| r.fm.owner.clone()))
    .chain(o.nonconformities.iter().filter_map(|&i| site.nonconformities[i].shown()).filter_map(|r| r.fm.owner.clone()))
    .chain(o.objectives.iter().filter_map(|&i| site.objectives[i].shown()).filter_map(|r| r.fm.owner.clone()))
    .collect();
    written.sort();
    written.dedup();
    OwnerPage {
        name: o.name.clone(),
        overdue: w.overdue.into_iter().map(|r| action_row(site, r)).collect(),
        open: w.open.into_iter().map(|r| action_row(site, r)).collect(),
        nonconformities: w.ncs.into_iter().map(|r| nc_row(site, r)).collect(),
        closed_actions: w.closed.into_iter().map(|r| action_row(site, r)).collect(),
        closed_nonconformities: w.closed_ncs.into_iter().map(|r| nc_row(site, r)).collect(),
        objectives: o
            .objectives
            .iter()
            .filter_map(|&i| site.objectives[i].shown())
            .map(|r| objective_row(site, r))
            .collect(),
        recent_days: RECENT_DAYS,
        written,
        earlier_actions: w.earlier,
        earlier_nonconformities: w.earlier_ncs,
        actions_href: format!("actions/index.html#owner={key}"),
        nonconformities_href: format!("nonconformities/index.html#owner={key}"),
    }
}
