//! Evidence for management reviews, computed from the site and its figures: the panel under
//! each input heading of a review, the review's figures, the trend charts and the clause 9.3
//! evidence matrix. Everything here is as of a review's date, never later.

use serde::Serialize;

use crate::chart::{self, Chart, Series, Table};
use crate::context::{self as ctx, Badge, Ref};
use crate::date::Date;
use crate::metrics::{self, Figures, ReviewMetrics};
use crate::model::{Entry, LeftOut, Published, Shown};
use crate::record::{self, Kind};

/// An action listed in the previous-actions panel.
#[derive(Serialize)]
pub(crate) struct PanelAction {
    pub(crate) reference: Ref,
    pub(crate) owner: String,
    pub(crate) due: String,
    /// As of the review, with the status now where it differs.
    pub(crate) status: Badge,
    pub(crate) now: Option<Badge>,
    pub(crate) update: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct SeverityRow {
    pub(crate) severity: String,
    pub(crate) raised: u64,
    pub(crate) closed: u64,
    pub(crate) open: u64,
}

#[derive(Serialize)]
pub(crate) struct AuditRow {
    pub(crate) reference: Ref,
    pub(crate) dates: String,
    pub(crate) result: Option<String>,
    pub(crate) findings: Vec<Ref>,
}

#[derive(Serialize)]
pub(crate) struct ObjectiveRow {
    pub(crate) reference: Ref,
    pub(crate) target: String,
    pub(crate) value: Option<String>,
    pub(crate) measured: Option<String>,
    /// As of the review, with the attainment now where it differs.
    pub(crate) status: Badge,
    pub(crate) now: Option<Badge>,
}

#[derive(Serialize)]
pub(crate) struct RiskRow {
    pub(crate) label: &'static str,
    pub(crate) previous: Option<u32>,
    pub(crate) current: Option<u32>,
    pub(crate) change: String,
}

/// The evidence panels of one review, by panel name.
#[derive(Serialize, Default)]
pub(crate) struct Panels {
    pub(crate) as_of: String,
    pub(crate) period: String,
    pub(crate) previous_review: Option<Ref>,
    pub(crate) previous_actions: Vec<PanelAction>,
    pub(crate) previous_actions_withheld: usize,
    /// What each panel's withheld entries were ("1 confidential action withheld").
    pub(crate) previous_actions_withheld_text: LeftOut,
    pub(crate) nonconformities: Vec<SeverityRow>,
    pub(crate) nc_chart: Option<Chart>,
    pub(crate) audits: Vec<AuditRow>,
    pub(crate) audits_withheld: usize,
    pub(crate) audits_withheld_text: LeftOut,
    pub(crate) objectives: Vec<ObjectiveRow>,
    pub(crate) objectives_withheld: usize,
    pub(crate) objectives_withheld_text: LeftOut,
    pub(crate) risk: Vec<RiskRow>,
    pub(crate) risk_missing: bool,
}

/// A period as words: "2025-06-13 to 2025-12-04", "up to 2025-06-12".
pub(crate) fn period_text(p: &metrics::Period) -> String {
    match p.first_day() {
        Some(first) => format!("{first} to {}", p.end),
        None => format!("up to {}", p.end),
    }
}

/// Panels for review `i` of `site.reviews` (a shown review).
pub(crate) fn panels(site: &Published, figures: &Figures, i: usize) -> Panels {
    let Some(review) = site.reviews[i].shown() else { return Panels::default() };
    let p = figures.periods[i];
    let e = &figures.evidence[i];
    let d = p.as_of;
    let mut out = Panels {
        as_of: d.to_string(),
        period: period_text(&p.period),
        previous_review: e.previous_review.map(|k| ctx::reference(site, site.reviews[k].id())),
        ..Panels::default()
    };
    for (k, facts) in &e.previous_actions {
        let a = match &site.actions[*k] {
            Entry::Shown(a) => a,
            Entry::Withheld(_, why) => {
                out.previous_actions_withheld += 1;
                out.previous_actions_withheld_text.record(Kind::Action, *why);
                continue;
            }
        };
        let update = (review.fm.action_updates.iter())
            .find(|u| u.action.get_ref().eq_ignore_ascii_case(&a.id))
            .map(|u| u.note.clone());
        out.previous_actions.push(PanelAction {
            reference: Ref { status: None, ..ctx::reference(site, &a.id) },
            owner: a.fm.owner.clone(),
            due: facts.due.to_string(),
            status: ctx::action_badge(facts),
            now: e.quoted.get(&(Kind::Action, *k)).and_then(ctx::now_badge),
            update,
        });
    }
    let m = &figures.metrics[i];
    out.nonconformities = severity_rows(site, m, &e.nc_closed);
    // The periods up to this review, at most the last few: a review page's size does not grow
    // with the series (the whole series is on /trends/).
    let system = site.systems.of(Kind::Review, i);
    let own_series = figures.system_series.get(system).map_or(&[][..], Vec::as_slice);
    let upto: Vec<usize> = own_series.iter().copied().filter(|&k| k <= i).collect();
    let upto = upto[upto.len().saturating_sub(REVIEW_CHART_PERIODS)..].to_vec();
    if !upto.is_empty() {
        out.nc_chart = Some(nc_chart(site, figures, &upto, &format!("nc-{}", review.id)));
    }
    audits_in(site, e, &mut out);
    objectives_at(site, e, d, &mut out);
    out.risk_missing = e.risk.is_none();
    if let Some(now) = &e.risk {
        let before = e.previous_review.and_then(|k| figures.evidence[k].risk.as_ref());
        out.risk = risk_rows(now, before);
    }
    out
}

fn severity_rows(site: &Published, m: &ReviewMetrics, closed: &metrics::SeverityCounts) -> Vec<SeverityRow> {
    site.config
        .severities
        .iter()
        .map(|s| SeverityRow {
            severity: s.clone(),
            raised: m.nc_raised.get(s),
            closed: closed.get(s),
            open: m.nc_open.get(s),
        })
        .collect()
}

fn audits_in(site: &Published, e: &metrics::ReviewEvidence, out: &mut Panels) {
    for (k, findings) in &e.audits {
        let a = match &site.audits[*k] {
            Entry::Shown(a) => a,
            Entry::Withheld(_, why) => {
                out.audits_withheld += 1;
                out.audits_withheld_text.record(Kind::Audit, *why);
                continue;
            }
        };
        let findings = findings
            .iter()
            .map(|&(n, status)| {
                let mut r = ctx::reference(site, site.nonconformities[n].id());
                if !r.withheld {
                    let (then, now) = match e.quoted.get(&(Kind::Nonconformity, n)) {
                        Some(q) => ctx::quoted_badges(q, "at this review"),
                        None => (ctx::nc_badge(status), None),
                    };
                    (r.status, r.now) = (Some(then), now);
                }
                r
            })
            .collect();
        let start = a.fm.start.get_ref().to_string();
        let dates = match &a.fm.end {
            Some(e) if e.get_ref().to_string() != start => format!("{start} to {}", e.get_ref()),
            _ => start,
        };
        out.audits.push(AuditRow {
            reference: ctx::reference(site, &a.id),
            dates,
            result: a.fm.result.clone(),
            findings,
        });
    }
}

fn objectives_at(site: &Published, e: &metrics::ReviewEvidence, d: Date, out: &mut Panels) {
    for &(k, attainment) in &e.objectives {
        let o = match &site.objectives[k] {
            Entry::Shown(o) => o,
            Entry::Withheld(_, why) => {
                out.objectives_withheld += 1;
                out.objectives_withheld_text.record(Kind::Objective, *why);
                continue;
            }
        };
        let m = metrics::latest_measurement(&o.fm, d);
        out.objectives.push(ObjectiveRow {
            reference: Ref { status: None, ..ctx::reference(site, &o.id) },
            target: ctx::number(o.fm.target, &o.fm.unit),
            value: m.map(|m| ctx::number(m.value, &o.fm.unit)),
            measured: m.map(|m| m.date.get_ref().to_string()),
            status: ctx::attainment_badge(attainment),
            now: e.quoted.get(&(Kind::Objective, k)).and_then(ctx::now_badge),
        });
    }
}

fn risk_rows(now: &record::RiskSnapshot, before: Option<&record::RiskSnapshot>) -> Vec<RiskRow> {
    type Field = fn(&record::RiskSnapshot) -> Option<u32>;
    let rows: [(&'static str, Field); 5] = [
        ("Risks in the register", |r| r.total),
        ("Above risk appetite", |r| r.above_appetite),
        ("Treatments planned", |r| r.treatments_total),
        ("Treatments done", |r| r.treatments_done),
        ("Treatments overdue", |r| r.treatments_overdue),
    ];
    rows.iter()
        .map(|(label, get)| {
            let (previous, current) = (before.and_then(get), get(now));
            let change = match (previous, current) {
                (Some(a), Some(b)) if b > a => format!("+{}", b - a),
                (Some(a), Some(b)) if b < a => format!("−{}", a - b),
                (Some(_), Some(_)) => "no change".into(),
                _ => String::new(),
            };
            RiskRow { label, previous, current, change }
        })
        .collect()
}

/// How many periods a review page's charts show: that review's and the ones before it.
pub(crate) const REVIEW_CHART_PERIODS: usize = 8;

/// Labels for series reviews on a chart axis: the review ID.
fn series_labels(site: &Published, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&k| site.reviews[k].id().to_string()).collect()
}

/// Nonconformities raised per period by severity, with the open backlog.
pub(crate) fn nc_chart(site: &Published, figures: &Figures, idx: &[usize], id: &str) -> Chart {
    let labels = series_labels(site, idx);
    let stacks: Vec<Series> = site
        .config
        .severities
        .iter()
        .enumerate()
        .map(|(c, s)| Series {
            name: s.clone(),
            values: idx.iter().map(|&k| figures.metrics[k].nc_raised.get(s) as f64).collect(),
            colour: [0, 1, 2, 5, 4, 3][c % 6],
        })
        .collect();
    let backlog = Series {
        name: "open at the review".into(),
        values: idx.iter().map(|&k| figures.metrics[k].nc_open.total() as f64).collect(),
        colour: 0,
    };
    let title = &series_title(site, idx, "Nonconformities raised per review period, by severity, and the open backlog");
    let desc = format!(
        "Stacked bars show nonconformities raised in each review period by severity; the dashed line shows those open or ineffective at each review. {}",
        idx.last().map_or(String::new(), |&k| format!(
            "At {}: {} raised in the period, {} open.",
            site.reviews[k].id(),
            figures.metrics[k].nc_raised.total(),
            figures.metrics[k].nc_open.total()
        ))
    );
    let svg = chart::stacked_with_line(id, title, &desc, &labels, "nonconformities", &stacks, &backlog);
    let mut headers = vec!["Review".to_string(), "Period".to_string()];
    headers.extend(site.config.severities.iter().map(|s| format!("Raised: {s}")));
    headers.push("Open at review".into());
    let rows = idx
        .iter()
        .map(|&k| {
            let m = &figures.metrics[k];
            let mut row = vec![site.reviews[k].id().to_string(), period_text(&figures.periods[k].period)];
            row.extend(site.config.severities.iter().map(|s| m.nc_raised.get(s).to_string()));
            row.push(m.nc_open.total().to_string());
            row
        })
        .collect();
    Chart { id: id.into(), title: title.into(), desc, svg, table: Table { headers, rows } }
}

/// A series chart's title; on a site of several management systems it names the system of
/// the reviews it plots ("AIMS: …"), so two charts on one page never share a name.
fn series_title(site: &Published, idx: &[usize], title: &str) -> String {
    match idx.first().and_then(|&k| site.systems.label(Kind::Review, k)) {
        Some(system) => format!("{system}: {title}"),
        None => title.to_string(),
    }
}

/// Action closure per period (closed, open, overdue) with the on-time closure rate.
pub(crate) fn action_chart(site: &Published, figures: &Figures, idx: &[usize], id: &str) -> Chart {
    let labels = series_labels(site, idx);
    let get = |f: fn(&ReviewMetrics) -> u64| idx.iter().map(|&k| f(&figures.metrics[k]) as f64).collect::<Vec<_>>();
    let groups = vec![
        Series { name: "closed in period".into(), values: get(|m| m.actions_closed), colour: 3 },
        Series { name: "open at review".into(), values: get(|m| m.actions_open - m.actions_overdue), colour: 4 },
        Series { name: "overdue at review".into(), values: get(|m| m.actions_overdue), colour: 0 },
    ];
    let rate: Vec<Option<f64>> = idx.iter().map(|&k| figures.metrics[k].on_time_closure_rate).collect();
    let title = &series_title(site, idx, "Action closure per review period, with the on-time closure rate");
    let desc = "Bars show actions closed in each review period and actions open (not overdue) and overdue at each review; the dashed line shows the share of closures made by the original due date.".to_string();
    let svg = chart::grouped_with_rate(id, title, &desc, &labels, "actions", &groups, "on-time closure rate", &rate);
    let headers =
        ["Review", "Period", "Raised", "Closed", "Cancelled", "Open", "Overdue", "On time", "Median days to close"]
            .map(String::from)
            .to_vec();
    let rows = idx
        .iter()
        .map(|&k| {
            let m = &figures.metrics[k];
            vec![
                site.reviews[k].id().to_string(),
                period_text(&figures.periods[k].period),
                m.actions_raised.to_string(),
                m.actions_closed.to_string(),
                m.actions_cancelled.to_string(),
                m.actions_open.to_string(),
                m.actions_overdue.to_string(),
                m.on_time_closure_rate.map_or("–".into(), |r| format!("{} %", chart::pct(r))),
                m.median_days_to_close.map_or("–".into(), |v| format!("{v:.1}")),
            ]
        })
        .collect();
    Chart { id: id.into(), title: title.into(), desc, svg, table: Table { headers, rows } }
}

/// Risks above appetite and treatment progress from the reviews' `[risk]` snapshots.
pub(crate) fn risk_chart(site: &Published, figures: &Figures, idx: &[usize], id: &str) -> Option<Chart> {
    let with: Vec<usize> = idx.iter().copied().filter(|&k| figures.evidence[k].risk.is_some()).collect();
    if with.is_empty() {
        return None;
    }
    let labels = series_labels(site, &with);
    let snap = |k: usize| figures.evidence[k].risk.clone().expect("filtered");
    let groups = vec![
        Series {
            name: "above appetite".into(),
            values: with.iter().map(|&k| f64::from(snap(k).above_appetite.unwrap_or(0))).collect(),
            colour: 0,
        },
        Series {
            name: "treatments overdue".into(),
            values: with.iter().map(|&k| f64::from(snap(k).treatments_overdue.unwrap_or(0))).collect(),
            colour: 1,
        },
    ];
    let rate: Vec<Option<f64>> = with
        .iter()
        .map(|&k| {
            let r = snap(k);
            match (r.treatments_done, r.treatments_total) {
                (Some(d), Some(t)) if t > 0 => Some(f64::from(d) / f64::from(t)),
                _ => None,
            }
        })
        .collect();
    let title = &series_title(site, &with, "Risks above appetite and risk treatment progress");
    let desc = "Bars show risks above appetite and overdue treatments at each review; the dashed line shows the share of planned treatments done.".to_string();
    let svg =
        chart::grouped_with_rate(id, title, &desc, &labels, "risks and treatments", &groups, "treatments done", &rate);
    let headers = ["Review", "Risks", "Above appetite", "Treatments", "Done", "Overdue"].map(String::from).to_vec();
    let opt = |v: Option<u32>| v.map_or("–".into(), |v| v.to_string());
    let rows = with
        .iter()
        .map(|&k| {
            let r = snap(k);
            vec![
                site.reviews[k].id().to_string(),
                opt(r.total),
                opt(r.above_appetite),
                opt(r.treatments_total),
                opt(r.treatments_done),
                opt(r.treatments_overdue),
            ]
        })
        .collect();
    Some(Chart { id: id.into(), title: title.into(), desc, svg, table: Table { headers, rows } })
}

/// One objective's measurements (up to the site's date) against its target.
pub(crate) fn objective_chart(o: &Shown<record::Objective>, id: &str) -> Chart {
    let mut ms: Vec<(usize, &record::Measurement)> = o.fm.measurements.iter().enumerate().collect();
    ms.sort_by_key(|(i, m)| (*m.date.get_ref(), *i));
    let points: Vec<(Date, f64)> = ms.iter().map(|(_, m)| (*m.date.get_ref(), m.value)).collect();
    // The same objective is drawn on its page and on /trends/, and again by every rebuild of
    // `serve`: a chart is a pure function of these inputs, so it is drawn once per inputs.
    let key = ChartKey {
        id: id.to_string(),
        record: o.id.clone(),
        title: o.fm.title.clone(),
        unit: o.fm.unit.clone(),
        target: o.fm.target.to_bits(),
        amber: o.fm.amber.as_ref().map(|a| a.get_ref().to_bits()),
        higher_better: o.fm.direction == record::Direction::HigherBetter,
        points: points.iter().map(|(d, v)| (*d, v.to_bits())).collect(),
    };
    let memo = OBJECTIVE_CHARTS.get_or_init(Default::default);
    if let Some(chart) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return chart;
    }
    let chart = draw_objective_chart(o, id, &points);
    if let Ok(mut m) = memo.lock() {
        // Bounded: a long preview session edits objectives over and over.
        if m.len() >= OBJECTIVE_CHART_MEMO {
            m.clear();
        }
        m.insert(key, chart.clone());
    }
    chart
}

/// Everything an objective's chart is drawn from, compared exactly (no hash stands in for it).
#[derive(Clone, PartialEq, Eq, Hash)]
struct ChartKey {
    id: String,
    record: String,
    title: String,
    unit: Option<String>,
    target: u64,
    amber: Option<u64>,
    higher_better: bool,
    points: Vec<(Date, u64)>,
}

/// How many objective charts the memo keeps before it starts again.
const OBJECTIVE_CHART_MEMO: usize = 4096;

static OBJECTIVE_CHARTS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<ChartKey, Chart>>> =
    std::sync::OnceLock::new();

fn draw_objective_chart(o: &Shown<record::Objective>, id: &str, points: &[(Date, f64)]) -> Chart {
    let unit = o.fm.unit.clone().unwrap_or_default();
    let title = format!("{} {}: measurements against target", o.id, o.fm.title);
    let direction = match o.fm.direction {
        record::Direction::HigherBetter => "higher is better",
        record::Direction::LowerBetter => "lower is better",
    };
    let desc = format!(
        "Target {} ({direction}){}. {}",
        ctx::number(o.fm.target, &o.fm.unit),
        o.fm.amber.as_ref().map_or(String::new(), |a| format!(", amber at {}", ctx::number(*a.get_ref(), &o.fm.unit))),
        points
            .last()
            .map_or("No measurement yet.".into(), |(d, v)| format!("Latest: {} on {d}.", ctx::number(*v, &o.fm.unit)))
    );
    let svg =
        chart::objective(id, &title, &desc, points, o.fm.target, o.fm.amber.as_ref().map(|a| *a.get_ref()), &unit);
    let rows = points
        .iter()
        .map(|(d, v)| {
            let status = metrics::attainment_of(&o.fm, *v).as_str();
            vec![d.to_string(), ctx::number(*v, &o.fm.unit), status.to_string()]
        })
        .collect();
    Chart {
        id: id.into(),
        title,
        desc,
        svg,
        table: Table { headers: ["Date", "Value", "Against target"].map(String::from).to_vec(), rows },
    }
}

/// The review's own figures as rows (label, value) for its page.
#[derive(Serialize)]
pub(crate) struct FigureRow {
    pub(crate) label: String,
    pub(crate) value: String,
}

/// A period shorter than this many days is too short for its rates to mean much.
pub(crate) const SHORT_PERIOD_DAYS: i64 = 30;

/// The days a period covers up to `as_of` (first day and last both counted) when that is
/// fewer than [`SHORT_PERIOD_DAYS`]; None for a longer or unbounded period.
pub(crate) fn short_period(period: &metrics::Period, as_of: Date) -> Option<i64> {
    let first = period.first_day()?;
    let days = first.days_until(period.end.min(as_of)) + 1;
    (days < SHORT_PERIOD_DAYS).then_some(days.max(0))
}

/// The review's own figures; in a period of `short` days, the rates say how few closures
/// they rest on.
pub(crate) fn figure_rows(site: &Published, m: &ReviewMetrics, short: Option<i64>) -> Vec<FigureRow> {
    let caveat = |v: String| match short {
        Some(d) if v != "–" => format!(
            "{v}, from {} in a period of {} so far",
            ctx::plural(m.actions_closed as i64, "closure"),
            ctx::plural(d, "day")
        ),
        _ => v,
    };
    let row = |label: &str, value: String| FigureRow { label: label.into(), value };
    let per_sev = |c: &metrics::SeverityCounts| {
        let parts: Vec<String> = c.0.iter().map(|(s, n)| format!("{n} {s}")).collect();
        format!("{} ({})", c.total(), parts.join(", "))
    };
    let kpi = site.config.kpi_severities.join(", ");
    vec![
        row("Nonconformities raised in the period", per_sev(&m.nc_raised)),
        row(&format!("Nonconformities closed in the period ({kpi})"), m.nc_closed.to_string()),
        row("Nonconformities open at the review", per_sev(&m.nc_open)),
        row(
            &format!("Mean age of open nonconformities ({kpi})"),
            m.nc_open_mean_age_days.map_or("–".into(), |v| format!("{v:.1} days")),
        ),
        row("Actions raised in the period", m.actions_raised.to_string()),
        row("Actions closed in the period", m.actions_closed.to_string()),
        row("Actions cancelled in the period", m.actions_cancelled.to_string()),
        row("Actions open at the review", format!("{} ({} overdue)", m.actions_open, m.actions_overdue)),
        row(
            "Closed by the original due date",
            caveat(m.on_time_closure_rate.map_or("–".into(), |r| format!("{} %", chart::pct(r)))),
        ),
        row(
            "Median time from raised to closed",
            caveat(m.median_days_to_close.map_or("–".into(), |v| format!("{v:.1} days"))),
        ),
    ]
}

/// How many reviews one table of the evidence matrix shows; earlier reviews follow in further
/// tables, so the matrix fits a screen and A4 paper whatever the number of reviews.
pub(crate) const MATRIX_COLUMNS: usize = 6;

/// The clause 9.3 evidence matrix: inputs and decisions as rows, reviews as columns (latest
/// first, in tables of [`MATRIX_COLUMNS`]), then each review's approval and follow-up.
#[derive(Serialize)]
pub(crate) struct Matrix {
    pub(crate) framework: String,
    /// The enabled crosswalks, linked from the page.
    pub(crate) crosswalks: Vec<CrosswalkLink>,
    pub(crate) tables: Vec<MatrixTable>,
    pub(crate) followup: Vec<FollowUpRow>,
    pub(crate) withheld: usize,
    pub(crate) withheld_text: LeftOut,
    /// On a site of several management systems, each one's matrix, the site's own first (its
    /// tables and follow-up are the fields above); else empty.
    pub(crate) systems: Vec<MatrixSystem>,
}

/// One management system's part of the evidence matrix.
#[derive(Clone, Serialize)]
pub(crate) struct MatrixSystem {
    /// "AIMS".
    pub(crate) system: String,
    /// Unique on the page: "aims".
    pub(crate) anchor: String,
    /// The title of the framework whose inputs are its rows.
    pub(crate) framework: String,
    pub(crate) tables: Vec<MatrixTable>,
    pub(crate) followup: Vec<FollowUpRow>,
    pub(crate) withheld: usize,
    pub(crate) withheld_text: LeftOut,
}

/// An enabled crosswalk as the evidence page links it.
#[derive(Serialize)]
pub(crate) struct CrosswalkLink {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) current: usize,
    pub(crate) total: usize,
}

/// One table of the matrix: a run of reviews, latest first.
#[derive(Clone, Serialize)]
pub(crate) struct MatrixTable {
    /// "MR-2026-H2 to MR-2024-H1", for the caption.
    pub(crate) span: String,
    pub(crate) columns: Vec<MatrixColumn>,
    pub(crate) inputs: Vec<MatrixRow>,
    pub(crate) decisions: Vec<MatrixRow>,
}

#[derive(Clone, Serialize)]
pub(crate) struct MatrixColumn {
    pub(crate) review: Ref,
    pub(crate) date: String,
    pub(crate) extraordinary: bool,
}

/// An input or a decision kind across the reviews of a table.
#[derive(Clone, Serialize)]
pub(crate) struct MatrixRow {
    /// The clause ("9.3.2 a") of an input; empty for a decision kind.
    pub(crate) clause: String,
    pub(crate) label: String,
    /// The input's full title (for `abbr`), or for a decision kind what it stands for.
    pub(crate) title: String,
    pub(crate) cells: Vec<MatrixCell>,
}

#[derive(Clone, Serialize)]
pub(crate) struct MatrixCell {
    /// `covered`, `empty`, `missing`, `na`; for decisions `count`, `none` or `expected`
    /// (none of a kind the review's framework expects as an output).
    pub(crate) class: &'static str,
    pub(crate) text: String,
}

/// A review's approval and the follow-up of the actions it raised.
#[derive(Clone, Serialize)]
pub(crate) struct FollowUpRow {
    pub(crate) review: Ref,
    pub(crate) date: String,
    pub(crate) extraordinary: bool,
    pub(crate) top_management: Vec<String>,
    pub(crate) approved: bool,
    /// "2026-06-12 by Ruth Okafor, 8 days after the meeting" or "Not approved after 15 days".
    pub(crate) approval: String,
    pub(crate) actions_raised: usize,
    pub(crate) followed_up: usize,
}

/// `previous-actions` as "Previous actions".
fn key_in_words(key: &str) -> String {
    let words = key.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One held review's facts for the matrix.
struct Column<'a> {
    review: &'a Shown<record::Review>,
    index: usize,
}

/// Every held review (the series and extraordinary ones) × every input of the site's
/// framework and every decision kind, then approvals and follow-up.
pub(crate) fn matrix(site: &Published, figures: &Figures) -> Matrix {
    let fw_name = site.config.framework.clone();
    let mut withheld = vec![LeftOut::default(); site.systems.names.len().max(1)];
    // Held and approved reviews, latest first (by date, then ID).
    let mut held: Vec<Column> = Vec::new();
    for (k, entry) in site.reviews.iter().enumerate() {
        if site.facts.reviews[k] == record::ReviewStatus::Planned {
            continue;
        }
        let s = site.systems.of(Kind::Review, k).min(withheld.len() - 1);
        match entry {
            Entry::Shown(r) => held.push(Column { review: r, index: k }),
            Entry::Withheld(_, why) => withheld[s].record(Kind::Review, *why),
        }
    }
    held.sort_by(|a, b| (b.review.fm.date.get_ref(), &b.review.id).cmp(&(a.review.fm.date.get_ref(), &a.review.id)));
    // Each management system has a matrix of its own, its rows the inputs of its framework:
    // the site's framework for the site's own system, else that of its latest held review.
    let mut systems: Vec<MatrixSystem> = (0..withheld.len())
        .map(|s| {
            let cols: Vec<&Column> = held.iter().filter(|c| site.systems.of(Kind::Review, c.index) == s).collect();
            let name = site.systems.framework(s).unwrap_or(fw_name.as_str());
            let fw = site.config.framework(name).cloned().unwrap_or_else(|| crate::framework::builtin().remove(0).1);
            let own: Vec<Column> = cols.iter().map(|c| Column { review: c.review, index: c.index }).collect();
            MatrixSystem {
                system: site.systems.name(s).to_string(),
                anchor: site.systems.anchor(s),
                framework: fw.title.clone(),
                tables: own.chunks(MATRIX_COLUMNS).map(|cols| matrix_table(site, figures, &fw, name, cols)).collect(),
                followup: own.iter().map(|c| follow_up_row(site, figures, c)).collect(),
                withheld: withheld[s].count(),
                withheld_text: withheld[s].clone(),
            }
        })
        .collect();
    let crosswalks = (figures.crosswalks.iter())
        .map(|ev| CrosswalkLink {
            href: ctx::crosswalks::page_href(&ev.name),
            title: ev.crosswalk.title.clone(),
            current: (ev.requirements.iter())
                .filter(|r| matches!(r.standing, crate::crosswalk::Standing::Current { .. }))
                .count(),
            total: ev.requirements.len(),
        })
        .collect();
    let first = if site.systems.several() { systems[0].clone() } else { systems.remove(0) };
    Matrix {
        framework: first.framework,
        crosswalks,
        tables: first.tables,
        followup: first.followup,
        withheld: first.withheld,
        withheld_text: first.withheld_text,
        systems,
    }
}

fn matrix_table(
    site: &Published,
    figures: &Figures,
    fw: &crate::framework::Framework,
    fw_name: &str,
    cols: &[Column],
) -> MatrixTable {
    let own = |c: &Column| {
        let name = c.review.fm.framework.as_ref().map_or(fw_name, |f| f.get_ref().as_str());
        site.config.framework(name)
    };
    let inputs = fw
        .inputs
        .iter()
        .map(|input| MatrixRow {
            clause: input.clause.clone(),
            label: key_in_words(&input.key),
            title: input.title.clone(),
            cells: cols
                .iter()
                .map(|c| {
                    let (class, text) = if own(c).and_then(|f| f.input(&input.key)).is_none() {
                        ("na", "n/a")
                    } else {
                        match figures.evidence[c.index].input_headings.iter().find(|(id, _)| *id == input.key) {
                            Some((_, true)) => ("covered", "Covered"),
                            Some(_) => ("empty", "Empty"),
                            None => ("missing", "Missing"),
                        }
                    };
                    MatrixCell { class, text: text.into() }
                })
                .collect(),
        })
        .collect();
    let decisions = crate::framework::DECISION_KINDS
        .iter()
        .enumerate()
        .map(|(n, kind)| MatrixRow {
            clause: String::new(),
            label: decision_label(kind, fw.system_name()),
            title: format!("Decisions on {}", crate::warnings::decision_topic_in(kind, fw.system_name())),
            cells: cols
                .iter()
                .map(|c| {
                    let count = figures.evidence[c.index].decisions.get(n).copied().unwrap_or(0);
                    let expected = own(c).is_some_and(|f| f.outputs.iter().any(|o| o == kind));
                    match (count, expected) {
                        (0, true) => MatrixCell { class: "expected", text: "None".into() },
                        (0, false) => MatrixCell { class: "none", text: "0".into() },
                        (n, _) => MatrixCell { class: "count", text: n.to_string() },
                    }
                })
                .collect(),
        })
        .collect();
    let span = match (cols.first(), cols.last()) {
        (Some(a), Some(b)) if cols.len() > 1 => format!("{} to {}", a.review.id, b.review.id),
        (Some(a), _) => a.review.id.clone(),
        _ => String::new(),
    };
    MatrixTable {
        span,
        columns: cols
            .iter()
            .map(|c| MatrixColumn {
                review: Ref { status: None, ..ctx::reference(site, &c.review.id) },
                date: c.review.fm.date.get_ref().to_string(),
                extraordinary: c.review.fm.kind == record::ReviewKind::Extraordinary,
            })
            .collect(),
        inputs,
        decisions,
    }
}

fn follow_up_row(site: &Published, figures: &Figures, c: &Column) -> FollowUpRow {
    let r = &c.review.fm;
    let met = *r.date.get_ref();
    let approved = site.facts.reviews[c.index] == record::ReviewStatus::Approved;
    let days = |n: i64| ctx::plural(n, "day");
    let approval = match (approved, r.approved_on.as_ref().map(|d| *d.get_ref())) {
        (true, Some(on)) => {
            let by = r.approved_by.as_deref().map_or(String::new(), |b| format!(" by {b}"));
            let after = met.days_until(on);
            let when = if after == 0 {
                "the day of the meeting".to_string()
            } else {
                format!("{} after the meeting", days(after))
            };
            format!("{on}{by}, {when}")
        }
        (true, None) => "Approved".into(),
        (false, _) => format!("Not approved, {} after the meeting", days(met.days_until(site.as_of).max(0))),
    };
    let e = &figures.evidence[c.index];
    FollowUpRow {
        review: Ref { status: None, ..ctx::reference(site, &c.review.id) },
        date: met.to_string(),
        extraordinary: r.kind == record::ReviewKind::Extraordinary,
        top_management: r.attendees.iter().filter(|a| a.top_management && a.present).map(|a| a.name.clone()).collect(),
        approved,
        approval,
        actions_raised: e.actions_raised,
        followed_up: e.followed_up,
    }
}

fn decision_label(kind: &str, system: &str) -> String {
    match kind {
        "isms_change" => format!("{system} change"),
        "risk_acceptance" => "Risk acceptance".into(),
        k => k[..1].to_uppercase() + &k[1..],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_read_as_words() {
        assert_eq!(super::key_in_words("previous-actions"), "Previous actions");
        assert_eq!(super::key_in_words("risk"), "Risk");
        assert_eq!(super::key_in_words("ai_impact"), "Ai impact");
        assert_eq!(super::key_in_words(""), "");
    }
}
