//! Evidence for management reviews, computed from the site and its figures: the panel under
//! each input heading of a review, the review's figures, the trend charts and the clause 9.3
//! evidence matrix. Everything here is as of a review's date, never later.

use serde::Serialize;

use crate::chart::{self, Chart, Series, Table};
use crate::context::{self as ctx, Badge, Ref};
use crate::date::Date;
use crate::load::Kind;
use crate::metrics::{self, Figures, ReviewMetrics};
use crate::model::Site;
use crate::record::{self, Record};

/// An action listed in the previous-actions panel.
#[derive(Serialize)]
pub struct PanelAction {
    pub reference: Ref,
    pub owner: String,
    pub due: String,
    pub status: Badge,
    pub update: Option<String>,
}

#[derive(Serialize)]
pub struct SeverityRow {
    pub severity: String,
    pub raised: u64,
    pub closed: u64,
    pub open: u64,
}

#[derive(Serialize)]
pub struct AuditRow {
    pub reference: Ref,
    pub dates: String,
    pub result: Option<String>,
    pub findings: Vec<Ref>,
}

#[derive(Serialize)]
pub struct ObjectiveRow {
    pub reference: Ref,
    pub target: String,
    pub value: Option<String>,
    pub measured: Option<String>,
    pub status: Badge,
}

#[derive(Serialize)]
pub struct RiskRow {
    pub label: &'static str,
    pub previous: Option<u32>,
    pub current: Option<u32>,
    pub change: String,
}

/// The evidence panels of one review, by panel name.
#[derive(Serialize, Default)]
pub struct Panels {
    pub as_of: String,
    pub period: String,
    pub previous_review: Option<Ref>,
    pub previous_actions: Vec<PanelAction>,
    pub previous_actions_withheld: usize,
    pub nonconformities: Vec<SeverityRow>,
    pub nc_chart: Option<Chart>,
    pub audits: Vec<AuditRow>,
    pub audits_withheld: usize,
    pub objectives: Vec<ObjectiveRow>,
    pub objectives_withheld: usize,
    pub risk: Vec<RiskRow>,
    pub risk_missing: bool,
}

/// A period as words: "2025-06-13 to 2025-12-04", "up to 2025-06-12".
pub fn period_text(p: &metrics::Period) -> String {
    match p.first_day() {
        Some(first) => format!("{first} to {}", p.end),
        None => format!("up to {}", p.end),
    }
}

/// The series review before review `i` (by date, then ID), if any.
fn previous_series(figures: &Figures, i: usize) -> Option<usize> {
    figures.series.iter().copied().rfind(|&k| k < i)
}

/// Panels for review `i` of `site.reviews`.
pub fn panels(site: &Site, figures: &Figures, i: usize) -> Panels {
    let review = &site.reviews[i];
    let p = figures.periods[i];
    let d = p.as_of;
    let prev = previous_series(figures, i);
    let mut out = Panels {
        as_of: d.to_string(),
        period: period_text(&p.period),
        previous_review: prev.map(|k| ctx::reference(site, &site.reviews[k].id)),
        ..Panels::default()
    };
    // Previous actions: raised before this review and open at the previous one.
    let prev_date = prev.map(|k| *site.reviews[k].fm.date.get_ref());
    let review_date = *review.fm.date.get_ref();
    for a in &site.actions {
        let raised = *a.fm.raised.get_ref();
        let relevant = raised < review_date
            && match prev_date {
                Some(pd) => metrics::action_status(&a.fm, pd).is_open(),
                None => true,
            };
        if !relevant {
            continue;
        }
        if !site.visible(&a.id) {
            out.previous_actions_withheld += 1;
            continue;
        }
        let update = review
            .fm
            .action_updates
            .iter()
            .filter(|u| !(u.confidential && site.redact()))
            .find(|u| u.action.get_ref().eq_ignore_ascii_case(&a.id))
            .map(|u| u.note.clone());
        out.previous_actions.push(PanelAction {
            reference: Ref { status: None, ..ctx::reference(site, &a.id) },
            owner: a.fm.owner.clone(),
            due: metrics::due_as_of(&a.fm, d).to_string(),
            status: ctx::action_badge(&a.fm, d),
            update,
        });
    }
    let m = &figures.metrics[i];
    out.nonconformities = severity_rows(site, m, &p.period);
    let upto: Vec<usize> = figures.series.iter().copied().filter(|&k| k <= i).collect();
    if !upto.is_empty() {
        out.nc_chart = Some(nc_chart(site, figures, &upto, &format!("nc-{}", review.id)));
    }
    audits_in(site, &p.period, d, &mut out);
    objectives_at(site, d, &mut out);
    out.risk_missing = review.fm.risk.is_none();
    if let Some(now) = &review.fm.risk {
        let before = prev.and_then(|k| site.reviews[k].fm.risk.as_ref());
        out.risk = risk_rows(now, before);
    }
    out
}

fn severity_rows(site: &Site, m: &ReviewMetrics, p: &metrics::Period) -> Vec<SeverityRow> {
    site.config
        .severities
        .iter()
        .map(|s| SeverityRow {
            severity: s.clone(),
            raised: m.nc_raised.get(s),
            closed: site
                .nonconformities
                .iter()
                .filter(|n| {
                    n.fm.severity.get_ref() == s && n.fm.closed.as_ref().is_some_and(|c| p.contains(*c.get_ref()))
                })
                .count() as u64,
            open: m.nc_open.get(s),
        })
        .collect()
}

fn audits_in(site: &Site, p: &metrics::Period, d: Date, out: &mut Panels) {
    for a in site.audits.iter().filter(|a| p.contains(*a.fm.start.get_ref())) {
        if !site.visible(&a.id) {
            out.audits_withheld += 1;
            continue;
        }
        let findings = site
            .nonconformities
            .iter()
            .filter(|n| {
                n.fm.audit.as_ref().is_some_and(|x| x.get_ref().eq_ignore_ascii_case(&a.id))
                    && *n.fm.raised.get_ref() <= d
            })
            .map(|n| {
                let mut r = ctx::reference(site, &n.id);
                if !r.withheld {
                    r.status = Some(ctx::nc_badge(&n.fm, d));
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

fn objectives_at(site: &Site, d: Date, out: &mut Panels) {
    for o in &site.objectives {
        if !site.visible(&o.id) {
            out.objectives_withheld += 1;
            continue;
        }
        let m = metrics::latest_measurement(&o.fm, d);
        out.objectives.push(ObjectiveRow {
            reference: Ref { status: None, ..ctx::reference(site, &o.id) },
            target: ctx::number(o.fm.target, &o.fm.unit),
            value: m.map(|m| ctx::number(m.value, &o.fm.unit)),
            measured: m.map(|m| m.date.get_ref().to_string()),
            status: ctx::attainment_badge(&o.fm, d),
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

/// Labels for series reviews on a chart axis: the review ID.
fn series_labels(site: &Site, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&k| site.reviews[k].id.clone()).collect()
}

/// Nonconformities raised per period by severity, with the open backlog.
pub fn nc_chart(site: &Site, figures: &Figures, idx: &[usize], id: &str) -> Chart {
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
    let title = "Nonconformities raised per review period, by severity, and the open backlog";
    let desc = format!(
        "Stacked bars show nonconformities raised in each review period by severity; the dashed line shows those open or ineffective at each review. {}",
        idx.last().map_or(String::new(), |&k| format!(
            "At {}: {} raised in the period, {} open.",
            site.reviews[k].id,
            figures.metrics[k].nc_raised.total(),
            figures.metrics[k].nc_open.total()
        ))
    );
    let svg = chart::stacked_with_line(id, title, &desc, &labels, &stacks, &backlog);
    let mut headers = vec!["Review".to_string(), "Period".to_string()];
    headers.extend(site.config.severities.iter().map(|s| format!("Raised: {s}")));
    headers.push("Open at review".into());
    let rows = idx
        .iter()
        .map(|&k| {
            let m = &figures.metrics[k];
            let mut row = vec![site.reviews[k].id.clone(), period_text(&figures.periods[k].period)];
            row.extend(site.config.severities.iter().map(|s| m.nc_raised.get(s).to_string()));
            row.push(m.nc_open.total().to_string());
            row
        })
        .collect();
    Chart { id: id.into(), title: title.into(), desc, svg, table: Table { headers, rows } }
}

/// Action closure per period (closed, open, overdue) with the on-time closure rate.
pub fn action_chart(site: &Site, figures: &Figures, idx: &[usize], id: &str) -> Chart {
    let labels = series_labels(site, idx);
    let get = |f: fn(&ReviewMetrics) -> u64| idx.iter().map(|&k| f(&figures.metrics[k]) as f64).collect::<Vec<_>>();
    let groups = vec![
        Series { name: "closed in period".into(), values: get(|m| m.actions_closed), colour: 3 },
        Series { name: "open at review".into(), values: get(|m| m.actions_open - m.actions_overdue), colour: 4 },
        Series { name: "overdue at review".into(), values: get(|m| m.actions_overdue), colour: 0 },
    ];
    let rate: Vec<Option<f64>> = idx.iter().map(|&k| figures.metrics[k].on_time_closure_rate).collect();
    let title = "Action closure per review period, with the on-time closure rate";
    let desc = "Bars show actions closed in each review period and actions open (not overdue) and overdue at each review; the dashed line shows the share of closures made by the original due date.".to_string();
    let svg = chart::grouped_with_rate(id, title, &desc, &labels, &groups, "on-time closure rate", &rate);
    let headers =
        ["Review", "Period", "Raised", "Closed", "Cancelled", "Open", "Overdue", "On time", "Median days to close"]
            .map(String::from)
            .to_vec();
    let rows = idx
        .iter()
        .map(|&k| {
            let m = &figures.metrics[k];
            vec![
                site.reviews[k].id.clone(),
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
pub fn risk_chart(site: &Site, idx: &[usize], id: &str) -> Option<Chart> {
    let with: Vec<usize> = idx.iter().copied().filter(|&k| site.reviews[k].fm.risk.is_some()).collect();
    if with.is_empty() {
        return None;
    }
    let labels = series_labels(site, &with);
    let snap = |k: usize| site.reviews[k].fm.risk.clone().expect("filtered");
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
    let title = "Risks above appetite and risk treatment progress";
    let desc = "Bars show risks above appetite and overdue treatments at each review; the dashed line shows the share of planned treatments done.".to_string();
    let svg = chart::grouped_with_rate(id, title, &desc, &labels, &groups, "treatments done", &rate);
    let headers = ["Review", "Risks", "Above appetite", "Treatments", "Done", "Overdue"].map(String::from).to_vec();
    let opt = |v: Option<u32>| v.map_or("–".into(), |v| v.to_string());
    let rows = with
        .iter()
        .map(|&k| {
            let r = snap(k);
            vec![
                site.reviews[k].id.clone(),
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
pub fn objective_chart(site: &Site, o: &Record<record::Objective>, id: &str) -> Chart {
    let mut ms: Vec<(usize, &record::Measurement)> =
        o.fm.measurements.iter().enumerate().filter(|(_, m)| *m.date.get_ref() <= site.as_of).collect();
    ms.sort_by_key(|(i, m)| (*m.date.get_ref(), *i));
    let points: Vec<(Date, f64)> = ms.iter().map(|(_, m)| (*m.date.get_ref(), m.value)).collect();
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
        chart::objective(id, &title, &desc, &points, o.fm.target, o.fm.amber.as_ref().map(|a| *a.get_ref()), &unit);
    let rows = points
        .iter()
        .map(|(d, v)| {
            let status = attainment_word(&o.fm, *v);
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

fn attainment_word(o: &record::Objective, v: f64) -> &'static str {
    let better = |a: f64, b: f64| match o.direction {
        record::Direction::HigherBetter => a >= b,
        record::Direction::LowerBetter => a <= b,
    };
    if better(v, o.target) {
        "met"
    } else if o.amber.as_ref().is_some_and(|a| better(v, *a.get_ref())) {
        "amber"
    } else {
        "missed"
    }
}

/// The review's own figures as rows (label, value) for its page.
#[derive(Serialize)]
pub struct FigureRow {
    pub label: String,
    pub value: String,
}

pub fn figure_rows(site: &Site, m: &ReviewMetrics) -> Vec<FigureRow> {
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
            m.on_time_closure_rate.map_or("–".into(), |r| format!("{} %", chart::pct(r))),
        ),
        row("Median days from raised to closed", m.median_days_to_close.map_or("–".into(), |v| format!("{v:.1}"))),
    ]
}

/// One row of the clause 9.3 evidence matrix.
#[derive(Serialize)]
pub struct MatrixRow {
    pub review: Ref,
    pub date: String,
    /// Per column input: "covered", "empty", "missing" or "n/a".
    pub cells: Vec<&'static str>,
    pub decisions: Vec<u64>,
    pub top_management: Vec<String>,
    pub actions_raised: usize,
    pub followed_up: usize,
    pub approved: bool,
}

#[derive(Serialize)]
pub struct Matrix {
    pub framework: String,
    pub inputs: Vec<crate::framework::Input>,
    pub decision_kinds: Vec<(String, String)>,
    pub rows: Vec<MatrixRow>,
    pub withheld: usize,
}

/// Every series review × every input of the site's framework, decisions by kind, top
/// management present, and actions raised and followed up.
pub fn matrix(site: &Site, figures: &Figures) -> Matrix {
    let fw_name = site.config.framework.clone();
    let fw = site.config.framework(&fw_name).cloned().unwrap_or_else(|| crate::framework::builtin().remove(0).1);
    let kinds: Vec<(String, String)> =
        crate::framework::DECISION_KINDS.iter().map(|k| (k.to_string(), decision_label(k))).collect();
    let mut rows = Vec::new();
    let mut withheld = 0;
    for &k in &figures.series {
        let r = &site.reviews[k];
        if !site.visible(&r.id) {
            withheld += 1;
            continue;
        }
        let own_fw = r.fm.framework.as_ref().map_or(fw_name.as_str(), |f| f.get_ref().as_str());
        let own = site.config.framework(own_fw);
        let cells = fw
            .inputs
            .iter()
            .map(|input| {
                if own.and_then(|f| f.input(&input.key)).is_none() {
                    return "n/a";
                }
                match r.scan.headings.iter().find(|h| h.explicit_id.as_deref() == Some(input.key.as_str())) {
                    Some(h) if h.has_text => "covered",
                    Some(_) => "empty",
                    None => "missing",
                }
            })
            .collect();
        let decisions = kinds
            .iter()
            .map(|(kind, _)| r.fm.decisions.iter().filter(|d| d.kind.as_str() == kind).count() as u64)
            .collect();
        let (raised, followed) = follow_up(site, figures, k);
        rows.push(MatrixRow {
            review: Ref { status: None, ..ctx::reference(site, &r.id) },
            date: r.fm.date.get_ref().to_string(),
            cells,
            decisions,
            top_management: r
                .fm
                .attendees
                .iter()
                .filter(|a| a.top_management && a.present)
                .map(|a| a.name.clone())
                .collect(),
            actions_raised: raised,
            followed_up: followed,
            approved: metrics::review_status(
                *r.fm.status.get_ref(),
                r.fm.approved_on.as_ref().map(|a| *a.get_ref()),
                site.as_of,
            ) == record::ReviewStatus::Approved,
        });
    }
    Matrix { framework: fw.title.clone(), inputs: fw.inputs.clone(), decision_kinds: kinds, rows, withheld }
}

fn decision_label(kind: &str) -> String {
    match kind {
        "isms_change" => "ISMS change".into(),
        "risk_acceptance" => "Risk acceptance".into(),
        k => k[..1].to_uppercase() + &k[1..],
    }
}

/// Actions a review raised (its decisions' actions and actions whose origin is the review or
/// one of its decisions) and how many were followed up by the site's date: closed, cancelled,
/// or reported on in a later review's action updates.
fn follow_up(site: &Site, figures: &Figures, k: usize) -> (usize, usize) {
    let r = &site.reviews[k];
    let mut ids: Vec<String> =
        r.fm.decisions.iter().flat_map(|d| d.actions.iter().map(|a| a.get_ref().to_lowercase())).collect();
    for a in &site.actions {
        if let Some(o) = &a.fm.origin {
            let origin = o.get_ref().split('#').next().unwrap_or_default();
            if origin.eq_ignore_ascii_case(&r.id) {
                ids.push(a.id.to_lowercase());
            }
        }
    }
    ids.sort();
    ids.dedup();
    let later: Vec<&Record<record::Review>> =
        figures.periods.iter().enumerate().filter(|(j, _)| *j > k).map(|(j, _)| &site.reviews[j]).collect();
    let mut raised = 0;
    let mut followed = 0;
    for id in &ids {
        let Some(a) = site.actions.iter().find(|a| a.id.to_lowercase() == *id) else { continue };
        raised += 1;
        let done = !matches!(
            metrics::action_status(&a.fm, site.as_of),
            metrics::ActionStatus::Open | metrics::ActionStatus::Overdue
        );
        let reported = later.iter().any(|l| {
            *l.fm.status.get_ref() != record::ReviewStatus::Planned
                && l.fm.action_updates.iter().any(|u| u.action.get_ref().eq_ignore_ascii_case(&a.id))
        });
        if done || reported {
            followed += 1;
        }
    }
    (raised, followed)
}

/// Which kind a record link resolves to, for templates that need the section name.
pub fn kind_of(site: &Site, id: &str) -> Option<Kind> {
    site.lookup(id).map(|(k, _)| k)
}
