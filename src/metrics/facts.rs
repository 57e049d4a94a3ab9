//! Facts the evidence panels, the matrix and the dashboard show that count records whatever
//! the audience (DESIGN §3: figures never depend on who reads them). Computed once, from the
//! full site; the render side looks each record up in the published view, shows the ones the
//! reader may see and says how many it leaves out.

use std::collections::BTreeMap;

use crate::model::Site;
use crate::record::{self, Kind, ReviewStatus};

use super::{
    ActionStatus, Attainment, Figures, NcStatus, SeverityCounts, action_status, attainment, closed_on_time, due_as_of,
    nc_status, review_status, verified_by,
};
use crate::date::Date;

/// What an action's status rests on, as of one date: the render side only formats it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ActionFacts {
    pub(crate) status: ActionStatus,
    /// The due date in force (re-plans applied).
    pub(crate) due: Date,
    /// Days past `due`, when overdue (else 0).
    pub(crate) days_overdue: i64,
    /// Closed by its original due date, when closed by the date.
    pub(crate) closed_on_time: Option<bool>,
    /// Closure verified by the date.
    pub(crate) verified: bool,
}

/// An action's facts as of `d`.
pub(crate) fn action_facts(a: &record::Action, d: Date) -> ActionFacts {
    let status = action_status(a, d);
    let due = due_as_of(a, d);
    let closed = a.closed.as_ref().is_some_and(|c| *c.get_ref() <= d);
    ActionFacts {
        status,
        due,
        days_overdue: if status == ActionStatus::Overdue { due.days_until(d) } else { 0 },
        closed_on_time: if closed { closed_on_time(a) } else { None },
        verified: verified_by(a, d),
    }
}

/// A review's status as of `d`: an approval dated after it is not yet given, and a meeting
/// dated after it has not yet been held.
pub(crate) fn review_status_of(r: &record::Review, d: Date) -> ReviewStatus {
    if *r.date.get_ref() > d {
        return ReviewStatus::Planned;
    }
    review_status(*r.status.get_ref(), r.approved_on.as_ref().map(|a| *a.get_ref()), d)
}

/// A record's status as of one date, whatever its kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Status {
    Action(ActionFacts),
    Nonconformity(NcStatus),
    Objective(Attainment),
    Review(ReviewStatus),
}

/// A status as of one date, with the day it began when it is settled: the closing or
/// cancelling of an action, the closing or verification of a nonconformity, the approval or
/// meeting of a review, the measurement an attainment rests on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Dated {
    pub(crate) status: Status,
    pub(crate) since: Option<Date>,
}

/// A record's status as a dated page quotes it: `then` as of the page's date (a review's
/// meeting, an audit's end), `now` as of the site's date.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Quote {
    pub(crate) then: Dated,
    pub(crate) now: Dated,
}

/// Statuses a dated page quotes, by record kind and index into the site's lists.
pub(crate) type Quotes = BTreeMap<(Kind, usize), Quote>;

/// The status of record `i` of `kind` as of `d`, for the kinds that have one.
pub(crate) fn dated(site: &Site, kind: Kind, i: usize, d: Date) -> Option<Dated> {
    let day = |x: &Option<crate::record::Sp<Date>>| x.as_ref().map(|x| *x.get_ref());
    Some(match kind {
        Kind::Action => {
            let a = &site.actions.get(i)?.fm;
            let facts = action_facts(a, d);
            let since = match facts.status {
                ActionStatus::Closed => day(&a.closed),
                ActionStatus::Cancelled => day(&a.cancelled),
                _ => None,
            };
            Dated { status: Status::Action(facts), since }
        }
        Kind::Nonconformity => {
            let n = &site.nonconformities.get(i)?.fm;
            let status = nc_status(n, d);
            let since = match status {
                NcStatus::Closed => day(&n.closed),
                NcStatus::Verified | NcStatus::Ineffective => day(&n.verified),
                _ => None,
            };
            Dated { status: Status::Nonconformity(status), since }
        }
        Kind::Objective => {
            let o = &site.objectives.get(i)?.fm;
            let since = super::latest_measurement(o, d).map(|m| *m.date.get_ref());
            Dated { status: Status::Objective(attainment(o, d)), since }
        }
        Kind::Review => {
            let r = &site.reviews.get(i)?.fm;
            let status = review_status_of(r, d);
            let since = match status {
                ReviewStatus::Approved => day(&r.approved_on),
                ReviewStatus::Held => Some(*r.date.get_ref()),
                ReviewStatus::Planned => None,
            };
            Dated { status: Status::Review(status), since }
        }
        _ => return None,
    })
}

/// Record `i` of `kind` as quoted on a page dated `d`.
fn quote(site: &Site, kind: Kind, i: usize, d: Date) -> Option<Quote> {
    Some(Quote { then: dated(site, kind, i, d)?, now: dated(site, kind, i, site.as_of)? })
}

/// Every record's status as of the site's date, by index into the site's lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecordFacts {
    pub(crate) actions: Vec<ActionFacts>,
    pub(crate) nonconformities: Vec<NcStatus>,
    pub(crate) objectives: Vec<Attainment>,
    pub(crate) reviews: Vec<ReviewStatus>,
}

/// What one review's evidence shows, by index into the site's lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReviewEvidence {
    /// Actions raised before the review and open at the previous series review (all of them,
    /// if there is none), in `site.actions` order, with their facts as of the review.
    pub(crate) previous_actions: Vec<(usize, ActionFacts)>,
    /// The series review before this one, if any.
    pub(crate) previous_review: Option<usize>,
    /// Nonconformities closed in the period, by severity.
    pub(crate) nc_closed: SeverityCounts,
    /// Audits started in the period, each with the nonconformities raised against it by the
    /// review's figures date and their status then.
    pub(crate) audits: Vec<(usize, Vec<(usize, NcStatus)>)>,
    /// The attainment as of the review of every objective of its system, by index into
    /// `site.objectives`, in that order.
    pub(crate) objectives: Vec<(usize, Attainment)>,
    /// Decisions per kind of [`crate::framework::DECISION_KINDS`], confidential ones counted.
    pub(crate) decisions: Vec<u64>,
    /// Actions the review raised (series reviews only), and how many were followed up by the
    /// as-of date: closed, cancelled, or reported on in a later review's action updates.
    pub(crate) actions_raised: usize,
    pub(crate) followed_up: usize,
    /// Explicit heading ids of the minutes (the whole body), each with whether prose follows.
    pub(crate) input_headings: Vec<(String, bool)>,
    /// The review's `[risk]` snapshot.
    pub(crate) risk: Option<record::RiskSnapshot>,
    /// Every record the review's page shows a status for (linked from the minutes, the
    /// decisions and the action updates; listed in its evidence panels), as of the review.
    pub(crate) quoted: Quotes,
}

/// The dashboard's headline figures as of the site's date.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dashboard {
    /// Overdue actions, in `site.actions` order.
    pub(crate) overdue: Vec<usize>,
    pub(crate) open_actions: usize,
    pub(crate) open_ncs: usize,
    /// Planned reviews dated on or after the as-of date, in `site.reviews` order.
    pub(crate) planned: Vec<usize>,
}

/// Per-review evidence facts, every audit's findings and the dashboard figures.
pub(super) fn compute(site: &Site, figures: &mut Figures) {
    figures.findings = crate::model::findings(site);
    let d = site.as_of;
    figures.records = RecordFacts {
        actions: site.actions.iter().map(|a| action_facts(&a.fm, d)).collect(),
        nonconformities: site.nonconformities.iter().map(|n| nc_status(&n.fm, d)).collect(),
        objectives: site.objectives.iter().map(|o| attainment(&o.fm, d)).collect(),
        reviews: site.reviews.iter().map(|r| review_status_of(&r.fm, d)).collect(),
    };
    figures.audit_quotes = (site.audits.iter().zip(&figures.findings))
        .map(|(a, found)| {
            let end = *a.fm.end.as_ref().unwrap_or(&a.fm.start).get_ref();
            let at = end.min(d);
            found
                .iter()
                .filter_map(|&n| Some(((Kind::Nonconformity, n), quote(site, Kind::Nonconformity, n, at)?)))
                .collect()
        })
        .collect();
    let ups = FollowUps::new(site);
    let evidence = {
        use rayon::prelude::*;
        (0..site.reviews.len()).into_par_iter().map(|i| review(site, figures, &ups, i)).collect()
    };
    figures.evidence = evidence;
    figures.dashboard = Dashboard {
        overdue: (site.actions.iter().enumerate())
            .filter(|(_, a)| action_status(&a.fm, d) == ActionStatus::Overdue)
            .map(|(i, _)| i)
            .collect(),
        open_actions: site.actions.iter().filter(|a| action_status(&a.fm, d).is_open()).count(),
        open_ncs: site.nonconformities.iter().filter(|n| nc_status(&n.fm, d).is_open()).count(),
        planned: (site.reviews.iter().enumerate())
            .filter(|(_, r)| *r.fm.status.get_ref() == ReviewStatus::Planned && *r.fm.date.get_ref() >= d)
            .map(|(i, _)| i)
            .collect(),
    };
}

fn review(site: &Site, figures: &Figures, ups: &FollowUps, i: usize) -> ReviewEvidence {
    let r = &site.reviews[i];
    let p = figures.periods[i];
    // A review's evidence is its own system's: the series review before it, and the actions,
    // nonconformities, audits and objectives of that system (model::systems).
    let system = site.systems.of(Kind::Review, i);
    let mine = |kind: Kind, k: usize| site.systems.of(kind, k) == system;
    let prev = (figures.system_series.get(system).into_iter().flatten()).copied().rfind(|&k| k < i);
    let prev_date = prev.map(|k| *site.reviews[k].fm.date.get_ref());
    let review_date = *r.fm.date.get_ref();
    let previous_actions = (site.actions.iter().enumerate())
        .filter(|(k, a)| {
            mine(Kind::Action, *k)
                && *a.fm.raised.get_ref() < review_date
                && prev_date.is_none_or(|pd| action_status(&a.fm, pd).is_open())
        })
        .map(|(k, a)| (k, action_facts(&a.fm, p.as_of)))
        .collect();
    let nc_closed = SeverityCounts(
        (site.config.severities.iter())
            .map(|s| {
                let n = (site.nonconformities.iter().enumerate())
                    .filter(|(k, n)| {
                        mine(Kind::Nonconformity, *k)
                            && n.fm.severity.get_ref() == s
                            && n.fm.closed.as_ref().is_some_and(|c| p.period.contains(*c.get_ref()))
                    })
                    .count();
                (s.clone(), n as u64)
            })
            .collect(),
    );
    let audits = (site.audits.iter().enumerate())
        .filter(|(k, a)| mine(Kind::Audit, *k) && p.period.contains(*a.fm.start.get_ref()))
        .map(|(k, _)| {
            let raised = |n: &usize| *site.nonconformities[*n].fm.raised.get_ref() <= p.as_of;
            let status = |n: usize| (n, nc_status(&site.nonconformities[n].fm, p.as_of));
            (k, figures.findings[k].iter().copied().filter(raised).map(status).collect())
        })
        .collect();
    let decisions = (crate::framework::DECISION_KINDS.iter())
        .map(|kind| r.fm.decisions.iter().filter(|d| d.kind.as_str() == *kind).count() as u64)
        .collect();
    let (actions_raised, followed_up) = if p.in_series { follow_up(site, ups, i) } else { (0, 0) };
    let mut e = ReviewEvidence {
        previous_actions,
        previous_review: prev,
        nc_closed,
        audits,
        objectives: (site.objectives.iter().enumerate())
            .filter(|(k, _)| mine(Kind::Objective, *k))
            .map(|(k, o)| (k, attainment(&o.fm, p.as_of)))
            .collect(),
        decisions,
        actions_raised,
        followed_up,
        input_headings: (r.scan.headings.iter())
            .filter_map(|h| h.explicit_id.clone().map(|id| (id, h.has_text)))
            .collect(),
        risk: r.fm.risk.clone(),
        quoted: BTreeMap::new(),
    };
    e.quoted = quoted(site, i, &e, p.as_of);
    e
}

/// The statuses review `i`'s page shows, as of `d` (its figures date) and of the site's date.
fn quoted(site: &Site, i: usize, e: &ReviewEvidence, d: Date) -> Quotes {
    let r = &site.reviews[i];
    let by_id = |id: &str| site.index.get(&id.to_lowercase()).copied();
    let mut shown: Vec<(Kind, usize)> = Vec::new();
    // `[[ID#part]]` links a heading or decision, which has no status of its own.
    shown.extend(r.scan.wikilinks.iter().filter(|w| !w.target.contains('#')).filter_map(|w| by_id(&w.target)));
    shown.extend(r.fm.decisions.iter().flat_map(|x| &x.actions).filter_map(|a| by_id(a.get_ref())));
    shown.extend(r.fm.action_updates.iter().filter_map(|u| by_id(u.action.get_ref())));
    shown.extend(e.previous_actions.iter().map(|&(k, _)| (Kind::Action, k)));
    shown.extend(e.audits.iter().flat_map(|(_, f)| f.iter().map(|&(n, _)| (Kind::Nonconformity, n))));
    shown.extend(e.objectives.iter().map(|&(k, _)| (Kind::Objective, k)));
    shown.into_iter().filter_map(|(kind, k)| Some(((kind, k), quote(site, kind, k, d)?))).collect()
}

/// What the follow-up of every review needs, computed once: the actions whose `origin` names
/// each review, and the last held review whose action updates report on each action.
struct FollowUps {
    /// Lower-cased review ID → actions whose origin is the review or one of its decisions.
    by_origin: std::collections::HashMap<String, Vec<usize>>,
    /// Per action, the highest index of a held (not planned) review that reports on it.
    last_report: Vec<Option<usize>>,
}

impl FollowUps {
    fn new(site: &Site) -> FollowUps {
        let mut by_origin: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (i, a) in site.actions.iter().enumerate() {
            if let Some(o) = &a.fm.origin {
                let origin = o.get_ref().split('#').next().unwrap_or_default().to_lowercase();
                by_origin.entry(origin).or_default().push(i);
            }
        }
        let mut last_report = vec![None; site.actions.len()];
        for (j, r) in site.reviews.iter().enumerate() {
            if *r.fm.status.get_ref() == ReviewStatus::Planned {
                continue;
            }
            for u in &r.fm.action_updates {
                if let Some(&(Kind::Action, a)) = site.index.get(&u.action.get_ref().to_lowercase()) {
                    last_report[a] = last_report[a].max(Some(j));
                }
            }
        }
        FollowUps { by_origin, last_report }
    }
}

/// Actions a review raised (its decisions' actions and actions whose origin is the review or
/// one of its decisions) and how many were followed up by the site's date: closed,
/// cancelled, or reported on in a later held review's action updates.
fn follow_up(site: &Site, ups: &FollowUps, k: usize) -> (usize, usize) {
    let r = &site.reviews[k];
    let action = |id: &str| match site.index.get(&id.to_lowercase()) {
        Some(&(Kind::Action, a)) => Some(a),
        _ => None,
    };
    let mut ids: Vec<usize> =
        r.fm.decisions.iter().flat_map(|d| d.actions.iter().filter_map(|a| action(a.get_ref()))).collect();
    ids.extend(ups.by_origin.get(&r.id.to_lowercase()).into_iter().flatten());
    ids.sort_unstable();
    ids.dedup();
    let followed = (ids.iter())
        .filter(|&&a| {
            let done = !action_status(&site.actions[a].fm, site.as_of).is_open();
            done || ups.last_report[a].is_some_and(|j| j > k)
        })
        .count();
    (ids.len(), followed)
}
