//! As-of facts of DESIGN §3, pure functions of records and a date: action and nonconformity
//! statuses, re-planned due dates, objective attainment.

use serde::Serialize;

use crate::date::Date;
use crate::record::{Action, Direction, Nonconformity, Objective, ReviewStatus};

/// An action's status as of a date (first match wins, DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    NotYetRaised,
    Cancelled,
    Closed,
    Overdue,
    Open,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::NotYetRaised => "not yet raised",
            ActionStatus::Cancelled => "cancelled",
            ActionStatus::Closed => "closed",
            ActionStatus::Overdue => "overdue",
            ActionStatus::Open => "open",
        }
    }

    /// Open or overdue: what "open" means in totals.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::Overdue)
    }
}

/// The due date in force on `d`: the `due` of the latest update dated ≤ d that re-plans
/// (later in the file wins on the same date), else the original `due`.
pub fn due_as_of(a: &Action, d: Date) -> Date {
    let mut best: Option<(Date, usize, Date)> = None;
    for (i, u) in a.updates.iter().enumerate() {
        let date = *u.date.get_ref();
        if let Some(due) = &u.due
            && date <= d
            && best.is_none_or(|(bd, bi, _)| (date, i) > (bd, bi))
        {
            best = Some((date, i, *due.get_ref()));
        }
    }
    best.map_or(*a.due.get_ref(), |(_, _, due)| due)
}

pub fn action_status(a: &Action, d: Date) -> ActionStatus {
    if *a.raised.get_ref() > d {
        ActionStatus::NotYetRaised
    } else if a.cancelled.as_ref().is_some_and(|c| *c.get_ref() <= d) {
        ActionStatus::Cancelled
    } else if a.closed.as_ref().is_some_and(|c| *c.get_ref() <= d) {
        ActionStatus::Closed
    } else if d > due_as_of(a, d) {
        ActionStatus::Overdue
    } else {
        ActionStatus::Open
    }
}

/// Closed on or before its original `due` (re-plans don't count).
pub fn closed_on_time(a: &Action) -> Option<bool> {
    a.closed.as_ref().map(|c| c.get_ref() <= a.due.get_ref())
}

/// A nonconformity's status as of a date (first match wins, DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NcStatus {
    NotYetRaised,
    Ineffective,
    Verified,
    Closed,
    Open,
}

impl NcStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NcStatus::NotYetRaised => "not yet raised",
            NcStatus::Ineffective => "ineffective",
            NcStatus::Verified => "verified",
            NcStatus::Closed => "closed",
            NcStatus::Open => "open",
        }
    }

    /// Open or ineffective: what counts as open in totals.
    pub fn is_open(self) -> bool {
        matches!(self, NcStatus::Open | NcStatus::Ineffective)
    }
}

pub fn nc_status(nc: &Nonconformity, d: Date) -> NcStatus {
    let verified = nc.verified.as_ref().is_some_and(|v| *v.get_ref() <= d);
    if *nc.raised.get_ref() > d {
        NcStatus::NotYetRaised
    } else if verified && nc.effective.as_ref().is_some_and(|e| !*e.get_ref()) {
        NcStatus::Ineffective
    } else if verified {
        NcStatus::Verified
    } else if nc.closed.as_ref().is_some_and(|c| *c.get_ref() <= d) {
        NcStatus::Closed
    } else {
        NcStatus::Open
    }
}

/// An objective's attainment as of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attainment {
    Met,
    Amber,
    Missed,
    None,
}

impl Attainment {
    pub fn as_str(self) -> &'static str {
        match self {
            Attainment::Met => "met",
            Attainment::Amber => "amber",
            Attainment::Missed => "missed",
            Attainment::None => "none",
        }
    }
}

/// The latest measurement dated ≤ d (later in the file wins on the same date).
pub fn latest_measurement(o: &Objective, d: Date) -> Option<&crate::record::Measurement> {
    o.measurements
        .iter()
        .enumerate()
        .filter(|(_, m)| *m.date.get_ref() <= d)
        .max_by_key(|(i, m)| (*m.date.get_ref(), *i))
        .map(|(_, m)| m)
}

pub fn attainment(o: &Objective, d: Date) -> Attainment {
    let Some(m) = latest_measurement(o, d) else {
        return Attainment::None;
    };
    let better_or_equal = |a: f64, b: f64| match o.direction {
        Direction::HigherBetter => a >= b,
        Direction::LowerBetter => a <= b,
    };
    if better_or_equal(m.value, o.target) {
        Attainment::Met
    } else if o.amber.as_ref().is_some_and(|amber| better_or_equal(m.value, *amber.get_ref())) {
        Attainment::Amber
    } else {
        Attainment::Missed
    }
}

/// A review's status as of a date: an approval dated after it is not yet given.
pub fn review_status(status: ReviewStatus, approved_on: Option<Date>, d: Date) -> ReviewStatus {
    match status {
        ReviewStatus::Approved if approved_on.is_none_or(|a| a > d) => ReviewStatus::Held,
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(extra: &str) -> Action {
        toml::from_str(&format!("title = \"t\"\nowner = \"o\"\nraised = 2025-01-10\ndue = 2025-03-31\n{extra}"))
            .unwrap()
    }
    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn action_statuses_follow_the_first_match() {
        let a = action("closed = 2025-04-02\n");
        assert_eq!(action_status(&a, d("2025-01-09")), ActionStatus::NotYetRaised);
        assert_eq!(action_status(&a, d("2025-03-31")), ActionStatus::Open);
        assert_eq!(action_status(&a, d("2025-04-01")), ActionStatus::Overdue);
        assert_eq!(action_status(&a, d("2025-04-02")), ActionStatus::Closed);
        assert_eq!(closed_on_time(&a), Some(false));
        let c = action("cancelled = 2025-02-01\ncancel_reason = \"x\"\n");
        assert_eq!(action_status(&c, d("2025-02-01")), ActionStatus::Cancelled);
    }

    #[test]
    fn replans_by_date_not_file_order() {
        let a = action(
            "[[updates]]\ndate = 2025-05-01\nnote = \"b\"\ndue = 2025-09-30\n\
             [[updates]]\ndate = 2025-03-01\nnote = \"a\"\ndue = 2025-06-30\n\
             [[updates]]\ndate = 2025-05-01\nnote = \"c\"\n",
        );
        assert_eq!(due_as_of(&a, d("2025-02-28")), d("2025-03-31"));
        assert_eq!(due_as_of(&a, d("2025-03-01")), d("2025-06-30"));
        assert_eq!(due_as_of(&a, d("2025-05-01")), d("2025-09-30"));
        assert_eq!(action_status(&a, d("2025-07-01")), ActionStatus::Open);
        assert_eq!(action_status(&a, d("2025-10-01")), ActionStatus::Overdue);
    }

    #[test]
    fn attainment_is_inclusive() {
        let o: Objective = toml::from_str(
            "title = \"t\"\ntarget = 95\namber = 90\ndirection = \"higher_better\"\n\
             [[measurements]]\ndate = 2025-01-01\nvalue = 95\n[[measurements]]\ndate = 2025-02-01\nvalue = 90\n\
             [[measurements]]\ndate = 2025-03-01\nvalue = 89.9\n",
        )
        .unwrap();
        assert_eq!(attainment(&o, d("2024-12-31")), Attainment::None);
        assert_eq!(attainment(&o, d("2025-01-15")), Attainment::Met);
        assert_eq!(attainment(&o, d("2025-02-01")), Attainment::Amber);
        assert_eq!(attainment(&o, d("2025-03-01")), Attainment::Missed);
    }
}
