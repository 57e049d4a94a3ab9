//! As-of facts of DESIGN §3, pure functions of records and a date: action and nonconformity
//! statuses, re-planned due dates, objective attainment.

use serde::Serialize;

mod facts;

pub(crate) use facts::{ActionFacts, Dashboard, Quote, Quotes, RecordFacts, ReviewEvidence, Status};

use crate::date::Date;
use crate::record::{Action, Direction, Kind, Nonconformity, Objective, ReviewStatus};

/// An action's status as of a date (first match wins, DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActionStatus {
    NotYetRaised,
    Cancelled,
    Closed,
    Overdue,
    Open,
}

impl ActionStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ActionStatus::NotYetRaised => "not yet raised",
            ActionStatus::Cancelled => "cancelled",
            ActionStatus::Closed => "closed",
            ActionStatus::Overdue => "overdue",
            ActionStatus::Open => "open",
        }
    }

    /// Open or overdue: what "open" means in totals.
    pub(crate) fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::Overdue)
    }
}

/// The due date in force on `d`: the `due` of the latest update dated ≤ d that re-plans
/// (later in the file wins on the same date), else the original `due`.
pub(crate) fn due_as_of(a: &Action, d: Date) -> Date {
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

pub(crate) fn action_status(a: &Action, d: Date) -> ActionStatus {
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

/// Whether an action's closure was verified by `d`.
pub(crate) fn verified_by(a: &Action, d: Date) -> bool {
    a.verified.as_ref().is_some_and(|v| *v.get_ref() <= d)
}

/// Closed on or before its original `due` (re-plans don't count).
pub(crate) fn closed_on_time(a: &Action) -> Option<bool> {
    a.closed.as_ref().map(|c| c.get_ref() <= a.due.get_ref())
}

/// A nonconformity's status as of a date (first match wins, DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NcStatus {
    NotYetRaised,
    Ineffective,
    Verified,
    Closed,
    Open,
}

impl NcStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NcStatus::NotYetRaised => "not yet raised",
            NcStatus::Ineffective => "ineffective",
            NcStatus::Verified => "verified",
            NcStatus::Closed => "closed",
            NcStatus::Open => "open",
        }
    }

    /// Open or ineffective: what counts as open in totals.
    pub(crate) fn is_open(self) -> bool {
        matches!(self, NcStatus::Open | NcStatus::Ineffective)
    }
}

pub(crate) fn nc_status(nc: &Nonconformity, d: Date) -> NcStatus {
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
pub(crate) enum Attainment {
    Met,
    Amber,
    Missed,
    None,
}

impl Attainment {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Attainment::Met => "met",
            Attainment::Amber => "amber",
            Attainment::Missed => "missed",
            Attainment::None => "none",
        }
    }
}

/// The latest measurement dated ≤ d (later in the file wins on the same date).
pub(crate) fn latest_measurement(o: &Objective, d: Date) -> Option<&crate::record::Measurement> {
    o.measurements
        .iter()
        .enumerate()
        .filter(|(_, m)| *m.date.get_ref() <= d)
        .max_by_key(|(i, m)| (*m.date.get_ref(), *i))
        .map(|(_, m)| m)
}

pub(crate) fn attainment(o: &Objective, d: Date) -> Attainment {
    match latest_measurement(o, d) {
        Some(m) => attainment_of(o, m.value),
        None => Attainment::None,
    }
}

/// How a measured value stands against the objective's target and amber threshold.
pub(crate) fn attainment_of(o: &Objective, value: f64) -> Attainment {
    let better_or_equal = |a: f64, b: f64| match o.direction {
        Direction::HigherBetter => a >= b,
        Direction::LowerBetter => a <= b,
    };
    if better_or_equal(value, o.target) {
        Attainment::Met
    } else if o.amber.as_ref().is_some_and(|amber| better_or_equal(value, *amber.get_ref())) {
        Attainment::Amber
    } else {
        Attainment::Missed
    }
}

/// A review's status as of a date: an approval dated after it is not yet given.
pub(crate) fn review_status(status: ReviewStatus, approved_on: Option<Date>, d: Date) -> ReviewStatus {
    match status {
        ReviewStatus::Approved if approved_on.is_none_or(|a| a > d) => ReviewStatus::Held,
        s => s,
    }
}

/// A review period: dates `d` with `after < d` (or `start <= d`) and `d <= end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Period {
    /// Inclusive start (`period_start`), if given.
    pub(crate) start: Option<Date>,
    /// Exclusive lower bound (the previous series review's date), if any.
    pub(crate) after: Option<Date>,
    pub(crate) end: Date,
}

impl Period {
    pub(crate) fn contains(&self, d: Date) -> bool {
        d <= self.end && self.start.is_none_or(|s| d >= s) && self.after.is_none_or(|a| d > a)
    }

    /// The first day of the period, if bounded below.
    pub(crate) fn first_day(&self) -> Option<Date> {
        self.start.or(self.after.map(Date::succ))
    }
}

/// What the series logic needs of a review.
#[derive(Clone, Debug)]
pub(crate) struct ReviewFacts {
    pub(crate) date: Date,
    pub(crate) planned: bool,
    pub(crate) scheduled: bool,
    pub(crate) period_start: Option<Date>,
    /// The management system it reviews (`model::Systems`): each system has its own series.
    pub(crate) system: usize,
}

/// Where a review stands: in the series or not, the period its figures cover, and the date
/// they are computed as of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ReviewPeriod {
    pub(crate) in_series: bool,
    pub(crate) period: Period,
    pub(crate) as_of: Date,
}

/// Periods of every review (same order as `reviews`, which must be sorted by date, then ID).
/// Series reviews (held or approved, scheduled) cover `[period_start, date]` or
/// `(previous series date, date]`; the others show figures as of `min(date, a)` for
/// `(last series review before it, that date]`.
pub(crate) fn periods(reviews: &[ReviewFacts], a: Date) -> Vec<ReviewPeriod> {
    // The date of the latest series review so far, per system: a review of one system never
    // ends a period of another.
    let mut last_series: std::collections::HashMap<usize, Date> = std::collections::HashMap::new();
    reviews
        .iter()
        .map(|r| {
            let after = last_series.get(&r.system).copied();
            if r.scheduled && !r.planned {
                let period = match r.period_start {
                    Some(s) => Period { start: Some(s), after: None, end: r.date },
                    None => Period { start: None, after, end: r.date },
                };
                last_series.insert(r.system, r.date);
                ReviewPeriod { in_series: true, period, as_of: r.date }
            } else {
                let d = r.date.min(a);
                ReviewPeriod { in_series: false, period: Period { start: None, after, end: d }, as_of: d }
            }
        })
        .collect()
}

/// Counts per severity, in the order of the site's scale, zeros included.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SeverityCounts(pub Vec<(String, u64)>);

impl SeverityCounts {
    fn new(scale: &[String]) -> Self {
        SeverityCounts(scale.iter().map(|s| (s.clone(), 0)).collect())
    }

    fn add(&mut self, severity: &str) {
        if let Some(e) = self.0.iter_mut().find(|(s, _)| s == severity) {
            e.1 += 1;
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    pub(crate) fn get(&self, severity: &str) -> u64 {
        self.0.iter().find(|(s, _)| s == severity).map_or(0, |(_, n)| *n)
    }
}

impl Serialize for SeverityCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The figures of DESIGN §3 for one review (`reviews[].metrics` in site.json).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ReviewMetrics {
    pub(crate) nc_raised: SeverityCounts,
    pub(crate) nc_closed: u64,
    pub(crate) nc_open: SeverityCounts,
    pub(crate) nc_open_mean_age_days: Option<f64>,
    pub(crate) actions_raised: u64,
    pub(crate) actions_closed: u64,
    pub(crate) actions_cancelled: u64,
    pub(crate) actions_open: u64,
    pub(crate) actions_overdue: u64,
    pub(crate) on_time_closure_rate: Option<f64>,
    pub(crate) median_days_to_close: Option<f64>,
}

/// The records figures are computed from: every record present as of the site's date,
/// whatever the audience (figures never depend on it).
pub(crate) struct Records<'a> {
    pub(crate) actions: Vec<&'a Action>,
    pub(crate) nonconformities: Vec<&'a Nonconformity>,
    pub(crate) severities: &'a [String],
    pub(crate) kpi_severities: &'a [String],
}

fn in_period(d: &Option<toml::Spanned<Date>>, p: &Period) -> Option<Date> {
    d.as_ref().map(|x| *x.get_ref()).filter(|x| p.contains(*x))
}

/// `sum / count` rounded half-up to one decimal, in exact integer arithmetic.
pub(crate) fn mean_half_up_1dp(sum: i64, count: i64) -> f64 {
    let tenths = (20 * sum + count).div_euclid(2 * count);
    tenths as f64 / 10.0
}

/// The median of whole-day values; the mean of the two middle values for an even count.
pub(crate) fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] as f64 } else { (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0 })
}

/// The figures for period `p`, with statuses as of `d` (the review's date).
pub(crate) fn review_metrics(r: &Records, p: &Period, d: Date) -> ReviewMetrics {
    let kpi = |sev: &str| r.kpi_severities.iter().any(|k| k == sev);
    let mut nc_raised = SeverityCounts::new(r.severities);
    let mut nc_open = SeverityCounts::new(r.severities);
    let (mut nc_closed, mut age_sum, mut age_count) = (0, 0i64, 0i64);
    for n in &r.nonconformities {
        let raised = *n.raised.get_ref();
        if p.contains(raised) {
            nc_raised.add(n.severity.get_ref());
        }
        let sev = n.severity.get_ref().as_str();
        if kpi(sev) && in_period(&n.closed, p).is_some() {
            nc_closed += 1;
        }
        if nc_status(n, d).is_open() {
            nc_open.add(sev);
            if kpi(sev) {
                age_sum += raised.days_until(d);
                age_count += 1;
            }
        }
    }
    let (mut raised, mut closed, mut cancelled, mut open, mut overdue, mut on_time) = (0, 0, 0, 0, 0, 0);
    let mut days_to_close = Vec::new();
    for a in &r.actions {
        if p.contains(*a.raised.get_ref()) {
            raised += 1;
        }
        if in_period(&a.cancelled, p).is_some() {
            cancelled += 1;
        }
        if let Some(c) = in_period(&a.closed, p) {
            closed += 1;
            if c <= *a.due.get_ref() {
                on_time += 1;
            }
            days_to_close.push(a.raised.get_ref().days_until(c));
        }
        match action_status(a, d) {
            ActionStatus::Open => open += 1,
            ActionStatus::Overdue => {
                open += 1;
                overdue += 1
            }
            _ => {}
        }
    }
    ReviewMetrics {
        nc_raised,
        nc_closed,
        nc_open,
        nc_open_mean_age_days: (age_count > 0).then(|| mean_half_up_1dp(age_sum, age_count)),
        actions_raised: raised,
        actions_closed: closed,
        actions_cancelled: cancelled,
        actions_open: open,
        actions_overdue: overdue,
        on_time_closure_rate: (closed > 0).then(|| on_time as f64 / closed as f64),
        median_days_to_close: median(&mut days_to_close),
    }
}

/// Carry-over of an action at `d`: the series reviews dated after it was raised and on or
/// before `d` at which it was open or overdue.
pub(crate) fn carry_over(a: &Action, series_dates: &[Date], d: Date) -> usize {
    let raised = *a.raised.get_ref();
    series_dates.iter().filter(|&&rd| raised < rd && rd <= d && action_status(a, rd).is_open()).count()
}

/// Everything the metrics stage derives from the site (DESIGN §3), by review index.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    /// Per review in `site.reviews` order.
    pub(crate) periods: Vec<ReviewPeriod>,
    pub(crate) metrics: Vec<ReviewMetrics>,
    /// Indices into `site.reviews` of the series reviews of every system, in order.
    pub(crate) series: Vec<usize>,
    /// Per management system (`site.systems`), indices into `site.reviews` of its series, in
    /// order: with one system, the same as `series`.
    pub(crate) system_series: Vec<Vec<usize>>,
    /// Carry-over at the as-of date, by lower-cased action ID.
    pub(crate) carry_over: std::collections::HashMap<String, usize>,
    /// Per review in `site.reviews` order: what its evidence panels and matrix row count.
    pub(crate) evidence: Vec<ReviewEvidence>,
    /// Per audit in `site.audits` order: the nonconformities raised against it.
    pub(crate) findings: Vec<Vec<usize>>,
    /// Per audit in `site.audits` order: its findings' statuses as of the audit's end (its
    /// start when it has no end; the site's date if that is earlier) and now.
    pub(crate) audit_quotes: Vec<Quotes>,
    pub(crate) dashboard: Dashboard,
    /// Every record's status as of the site's date.
    pub(crate) records: RecordFacts,
    /// The enabled crosswalks with each requirement's evidence and standing as of the date.
    pub(crate) crosswalks: Vec<crate::crosswalk::Evaluation>,
}

/// The metrics stage: figures for every review, from every record present as of the site's
/// date (whatever the audience).
pub(crate) fn compute(site: &crate::model::Site) -> Figures {
    let systems = &site.systems;
    let facts: Vec<ReviewFacts> = (site.reviews.iter().enumerate())
        .map(|(i, r)| ReviewFacts {
            date: *r.fm.date.get_ref(),
            planned: *r.fm.status.get_ref() == ReviewStatus::Planned,
            scheduled: r.fm.kind == crate::record::ReviewKind::Scheduled,
            period_start: r.fm.period_start.as_ref().map(|p| *p.get_ref()),
            system: systems.of(Kind::Review, i),
        })
        .collect();
    let periods = periods(&facts, site.as_of);
    // A review's figures count the records of its own system.
    let records: Vec<Records> = (0..systems.names.len().max(1))
        .map(|s| Records {
            actions: (site.actions.iter().enumerate())
                .filter(|(i, _)| systems.of(Kind::Action, *i) == s)
                .map(|(_, a)| &a.fm)
                .collect(),
            nonconformities: (site.nonconformities.iter().enumerate())
                .filter(|(i, _)| systems.of(Kind::Nonconformity, *i) == s)
                .map(|(_, n)| &n.fm)
                .collect(),
            severities: &site.config.severities,
            kpi_severities: &site.config.kpi_severities,
        })
        .collect();
    let metrics = (periods.iter().zip(&facts))
        .map(|(p, f)| review_metrics(&records[f.system.min(records.len() - 1)], &p.period, p.as_of))
        .collect();
    let series: Vec<usize> = periods.iter().enumerate().filter(|(_, p)| p.in_series).map(|(i, _)| i).collect();
    let system_series: Vec<Vec<usize>> = (0..systems.names.len().max(1))
        .map(|s| series.iter().copied().filter(|&i| facts[i].system == s).collect())
        .collect();
    let dates: Vec<Vec<Date>> =
        system_series.iter().map(|ss| ss.iter().map(|&i| periods[i].period.end).collect()).collect();
    let carry_over = (site.actions.iter().enumerate())
        .map(|(i, a)| {
            let own = &dates[systems.of(Kind::Action, i).min(dates.len() - 1)];
            (a.id.to_lowercase(), carry_over(&a.fm, own, site.as_of))
        })
        .collect();
    let mut figures = Figures { periods, metrics, series, system_series, carry_over, ..Figures::default() };
    facts::compute(site, &mut figures);
    figures.crosswalks = crate::crosswalk::evaluate(site, &figures);
    figures
}

#[cfg(test)]
mod tests;
