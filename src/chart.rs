//! Charts as inline SVG, drawn at build time: a pure function from series to markup. No
//! script, no web font, no external URL. Every chart has `role="img"`, a `<title>` and a
//! `<desc>`, uses the Okabe–Ito palette with a pattern per series (so a black-and-white print
//! still reads) and direct labels, and comes with its data as a table.

use std::fmt::Write as _;

use serde::Serialize;

use crate::escape::svg as escape;

/// Okabe–Ito colours, in the order series take them.
pub(crate) const PALETTE: [&str; 7] = ["#D55E00", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#CC79A7", "#F0E442"];

/// A chart ready for a template: the SVG and the same numbers as a table.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Chart {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) desc: String,
    pub(crate) svg: String,
    pub(crate) table: Table,
}

#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// One stacked or grouped bar series.
#[derive(Clone, Debug)]
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) values: Vec<f64>,
    /// Index into [`PALETTE`].
    pub(crate) colour: usize,
}

const W: f64 = 720.0;
const H: f64 = 320.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 56.0;
const TOP: f64 = 52.0;
const BOTTOM: f64 = 56.0;

/// A "nice" axis maximum and step for values up to `max`.
fn nice(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let step = if max <= 5.0 && step < 1.0 { 1.0 } else { step };
    ((max / step).ceil() * step, step)
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v:.1}") }
}

/// Pattern fills: solid, diagonal hatch, dots, cross-hatch, vertical lines… each over its colour.
fn pattern_defs(id: &str, colours: &[usize]) -> String {
    let mut s = String::from("<defs>");
    for (i, c) in colours.iter().enumerate() {
        let colour = PALETTE[c % PALETTE.len()];
        let overlay = match i % 5 {
            0 => String::new(),
            1 => {
                "<path d=\"M0 8L8 0M-2 2L2 -2M6 10L10 6\" stroke=\"#000\" stroke-opacity=\".55\" stroke-width=\"1.5\"/>"
                    .into()
            }
            2 => "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#000\" fill-opacity=\".55\"/>".into(),
            3 => "<path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#000\" stroke-opacity=\".5\" stroke-width=\"1\"/>".into(),
            _ => "<path d=\"M4 0V8\" stroke=\"#000\" stroke-opacity=\".5\" stroke-width=\"1.5\"/>".into(),
        };
        let _ = write!(
            s,
            "<pattern id=\"{id}-p{i}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{overlay}</pattern>"
        );
    }
    s.push_str("</defs>");
    s
}

fn open_svg(id: &str, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-family=\"system-ui, sans-serif\" font-size=\"12\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// Horizontal gridlines and left axis labels from 0 to `max`.
fn y_axis(s: &mut String, max: f64, step: f64, suffix: &str) {
    let plot_h = H - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= max + step / 2.0 {
        let y = TOP + plot_h - v / max * plot_h;
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"{}\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"currentColor\">{}{suffix}</text>",
            W - RIGHT,
            if v == 0.0 { "0.6" } else { "0.15" },
            LEFT - 6.0,
            y + 4.0,
            fmt_num(v)
        );
        v += step;
    }
}

/// Right-hand axis for percentages (0–100 %).
fn y_axis_pct(s: &mut String) {
    let plot_h = H - TOP - BOTTOM;
    for pct in [0, 25, 50, 75, 100] {
        let y = TOP + plot_h - f64::from(pct) / 100.0 * plot_h;
        let _ =
            write!(s, "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"currentColor\">{pct} %</text>", W - RIGHT + 6.0, y + 4.0);
    }
}

fn x_labels(s: &mut String, labels: &[String], slot: f64) {
    for (i, label) in labels.iter().enumerate() {
        let x = LEFT + slot * (i as f64 + 0.5);
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
            H - BOTTOM + 16.0,
            escape(label)
        );
    }
}

/// A legend row at the top: swatch + name per series (+ an extra line item).
fn legend(s: &mut String, id: &str, names: &[String], line: Option<&str>) {
    let mut x = LEFT;
    for (i, name) in names.iter().enumerate() {
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"12\" width=\"14\" height=\"14\" fill=\"url(#{id}-p{i})\" stroke=\"currentColor\" stroke-width=\"0.5\"/>\
             <text x=\"{:.1}\" y=\"23\" fill=\"currentColor\">{}</text>",
            x + 19.0,
            escape(name)
        );
        x += 19.0 + 7.0 * name.chars().count() as f64 + 18.0;
    }
    if let Some(line) = line {
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"19\" y2=\"19\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>\
             <circle cx=\"{:.1}\" cy=\"19\" r=\"3.5\" fill=\"currentColor\"/><text x=\"{:.1}\" y=\"23\" fill=\"currentColor\">{}</text>",
            x + 22.0,
            x + 11.0,
            x + 27.0,
            escape(line)
        );
    }
}

/// A dashed line with markers and a value label at each point; `None` values break it.
fn line(s: &mut String, points: &[(f64, Option<f64>)], labels: &[String]) {
    let mut path = String::new();
    let mut pen_up = true;
    for (x, y) in points {
        match y {
            Some(y) => {
                let _ = write!(path, "{}{x:.1} {y:.1}", if pen_up { "M" } else { "L" });
                pen_up = false;
            }
            None => pen_up = true,
        }
    }
    if !path.is_empty() {
        let _ = write!(
            s,
            "<path d=\"{path}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>"
        );
    }
    for ((x, y), label) in points.iter().zip(labels) {
        if let Some(y) = y {
            let _ = write!(
                s,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"currentColor\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\" font-weight=\"700\" fill=\"currentColor\" class=\"halo\">{}</text>",
                x + 6.0,
                y - 7.0,
                escape(label)
            );
        }
    }
}

/// Stacked bars per period (e.g. nonconformities raised by severity) with a line on the same
/// scale (e.g. the open backlog).
pub(crate) fn stacked_with_line(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    stacks: &[Series],
    line_series: &Series,
) -> String {
    // Chart ids are record IDs (safe characters), escaped all the same: they sit in attributes.
    let id = &escape(id);
    let n = labels.len().max(1);
    let totals: Vec<f64> = (0..labels.len()).map(|i| stacks.iter().map(|s| s.values[i]).sum()).collect();
    let max = totals.iter().chain(&line_series.values).copied().fold(0.0, f64::max);
    let (max, step) = nice(max);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / n as f64;
    let bar_w = (slot * 0.55).min(56.0);
    let y_of = |v: f64| TOP + plot_h - v / max * plot_h;
    let mut s = open_svg(id, title, desc);
    s.push_str(&pattern_defs(id, &stacks.iter().map(|x| x.colour).collect::<Vec<_>>()));
    y_axis(&mut s, max, step, "");
    for i in 0..labels.len() {
        let x = LEFT + slot * (i as f64 + 0.5) - bar_w / 2.0;
        let mut base = 0.0;
        for (k, series) in stacks.iter().enumerate() {
            let v = series.values[i];
            if v > 0.0 {
                let (y0, y1) = (y_of(base), y_of(base + v));
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"url(#{id}-p{k})\" stroke=\"currentColor\" stroke-width=\"0.5\"><title>{}: {} {}</title></rect>",
                    y0 - y1,
                    escape(&labels[i]),
                    fmt_num(v),
                    escape(&counted(v, &series.name))
                );
            }
            base += v;
        }
        if totals[i] > 0.0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                x + bar_w / 2.0,
                y_of(totals[i]) - 5.0,
                fmt_num(totals[i])
            );
        }
    }
    let points: Vec<(f64, Option<f64>)> =
        line_series.values.iter().enumerate().map(|(i, v)| (LEFT + slot * (i as f64 + 0.5), Some(y_of(*v)))).collect();
    let point_labels: Vec<String> = line_series.values.iter().map(|v| fmt_num(*v)).collect();
    line(&mut s, &points, &point_labels);
    x_labels(&mut s, labels, slot);
    let names: Vec<String> = stacks.iter().map(|s| s.name.clone()).collect();
    legend(&mut s, id, &names, Some(&line_series.name));
    s.push_str("</svg>");
    s
}

/// Grouped bars per period with a percentage line on a right-hand 0–100 % axis.
pub(crate) fn grouped_with_rate(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    groups: &[Series],
    rate_name: &str,
    rate: &[Option<f64>],
) -> String {
    // Chart ids are record IDs (safe characters), escaped all the same: they sit in attributes.
    let id = &escape(id);
    let n = labels.len().max(1);
    let max = groups.iter().flat_map(|g| g.values.iter().copied()).fold(0.0, f64::max);
    let (max, step) = nice(max);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / n as f64;
    let group_w = (slot * 0.75).min(96.0);
    let bar_w = group_w / groups.len().max(1) as f64;
    let y_of = |v: f64| TOP + plot_h - v / max * plot_h;
    let mut s = open_svg(id, title, desc);
    s.push_str(&pattern_defs(id, &groups.iter().map(|x| x.colour).collect::<Vec<_>>()));
    y_axis(&mut s, max, step, "");
    y_axis_pct(&mut s);
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + slot * (i as f64 + 0.5) - group_w / 2.0;
        for (k, g) in groups.iter().enumerate() {
            let v = g.values[i];
            let x = x0 + bar_w * k as f64;
            let y = y_of(v);
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"url(#{id}-p{k})\" stroke=\"currentColor\" stroke-width=\"0.5\"><title>{}: {} {}</title></rect>",
                bar_w - 1.0,
                TOP + plot_h - y,
                escape(label),
                fmt_num(v),
                escape(&counted(v, &g.name))
            );
            if v > 0.0 && bar_w >= 12.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"currentColor\">{}</text>",
                    x + (bar_w - 1.0) / 2.0,
                    y - 3.0,
                    fmt_num(v)
                );
            }
        }
    }
    let points: Vec<(f64, Option<f64>)> = rate
        .iter()
        .enumerate()
        .map(|(i, r)| (LEFT + slot * (i as f64 + 0.5), r.map(|r| TOP + plot_h - r * plot_h)))
        .collect();
    let point_labels: Vec<String> = rate.iter().map(|r| r.map_or(String::new(), |r| format!("{} %", pct(r)))).collect();
    line(&mut s, &points, &point_labels);
    x_labels(&mut s, labels, slot);
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    legend(&mut s, id, &names, Some(rate_name));
    s.push_str("</svg>");
    s
}

/// A whole percentage, rounded half-up.
pub(crate) fn pct(r: f64) -> i64 {
    (r * 100.0 + 0.5 + 1e-9).floor() as i64
}

/// An objective's measurements over time against its target, with the amber band shaded.
pub(crate) fn objective(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(crate::date::Date, f64)],
    target: f64,
    amber: Option<f64>,
    unit: &str,
) -> String {
    // Chart ids are record IDs (safe characters), escaped all the same: they sit in attributes.
    let id = &escape(id);
    let axes = ObjectiveAxes::new(points, target, amber);
    let mut s = open_svg(id, title, desc);
    s.push_str(&pattern_defs(id, &[6, 6]));
    value_grid(&mut s, &axes);
    if let Some(a) = amber {
        amber_band(&mut s, id, &axes, a, target);
    }
    target_line(&mut s, &axes, target, &unit_suffix(crate::context::unit_for(target, unit)));
    measurements(&mut s, &axes, points);
    s.push_str("</svg>");
    s
}

/// Where an objective chart draws a value (from `lo` at the bottom to `hi` at the top) and a
/// date (from the first measurement to the last, left to right).
struct ObjectiveAxes {
    lo: f64,
    hi: f64,
    first: Option<crate::date::Date>,
    /// Days from the first measurement to the last (at least 1).
    span: f64,
    /// More than one measurement: the dates spread over the plot (else the one is centred).
    spread: bool,
}

impl ObjectiveAxes {
    /// Values cover the measurements, the target and the amber threshold, padded, and start
    /// at zero or above unless one is negative.
    fn new(points: &[(crate::date::Date, f64)], target: f64, amber: Option<f64>) -> Self {
        let mut lo = points.iter().map(|p| p.1).chain([target]).chain(amber).fold(f64::INFINITY, f64::min);
        let mut hi = points.iter().map(|p| p.1).chain([target]).chain(amber).fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() || !hi.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.02).max(0.5);
        let (lo, hi) = ((lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY }), hi + pad);
        let first = points.first().map(|p| p.0);
        let span = match (first, points.last()) {
            (Some(a), Some(b)) => a.days_until(b.0).max(1) as f64,
            _ => 1.0,
        };
        ObjectiveAxes { lo, hi, first, span, spread: points.len() > 1 }
    }

    /// The y coordinate of the value `v`.
    fn y(&self, v: f64) -> f64 {
        let plot_h = H - TOP - BOTTOM;
        TOP + plot_h - (v - self.lo) / (self.hi - self.lo) * plot_h
    }

    /// The x coordinate of the date `d`.
    fn x(&self, d: crate::date::Date) -> f64 {
        let plot_w = W - LEFT - RIGHT;
        match self.first {
            Some(f) if self.spread => LEFT + 20.0 + f.days_until(d) as f64 / self.span * (plot_w - 40.0),
            _ => LEFT + plot_w / 2.0,
        }
    }
}

/// A series name after a count: "treatments overdue" after 1 is "treatment overdue".
fn counted(v: f64, name: &str) -> String {
    let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
    let one = crate::context::unit_for(v, first);
    if rest.is_empty() { one.to_string() } else { format!("{one} {rest}") }
}

/// The text after a value in the target's label: ` %`, nothing, or the escaped unit.
fn unit_suffix(unit: &str) -> String {
    // The unit is front matter: text like any other (it once went in raw).
    if unit == "%" {
        " %".to_string()
    } else if unit.is_empty() {
        String::new()
    } else {
        format!(" {}", escape(unit))
    }
}

/// Gridlines at five even steps of the value axis, each labelled on the left.
fn value_grid(s: &mut String, axes: &ObjectiveAxes) {
    let (lo, hi) = (axes.lo, axes.hi);
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        let y = axes.y(v);
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            fmt_num((v * 10.0).round() / 10.0)
        );
    }
}

/// The band between the amber threshold `a` and the target, shaded with the chart's pattern.
fn amber_band(s: &mut String, id: &str, axes: &ObjectiveAxes, a: f64, target: f64) {
    let plot_w = W - LEFT - RIGHT;
    let (y0, y1) = (axes.y(a.max(target)), axes.y(a.min(target)));
    let _ = write!(
        s,
        "<rect x=\"{LEFT}\" y=\"{y0:.1}\" width=\"{plot_w:.1}\" height=\"{:.1}\" fill=\"url(#{id}-p1)\" fill-opacity=\"0.35\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"currentColor\">amber band</text>",
        (y1 - y0).max(1.0),
        W - RIGHT - 4.0,
        (y0 + y1) / 2.0 + 4.0
    );
}

/// The target as a bold line across the plot, labelled with its value and unit.
fn target_line(s: &mut String, axes: &ObjectiveAxes, target: f64, suffix: &str) {
    let ty = axes.y(target);
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"currentColor\" stroke-width=\"2\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" fill=\"currentColor\" font-weight=\"700\">target {}{suffix}</text>",
        W - RIGHT,
        LEFT + 4.0,
        ty - 6.0,
        fmt_num(target)
    );
}

/// The measurements as a labelled line with their dates below it, or a note that there are
/// none yet.
fn measurements(s: &mut String, axes: &ObjectiveAxes, points: &[(crate::date::Date, f64)]) {
    let pts: Vec<(f64, Option<f64>)> = points.iter().map(|(d, v)| (axes.x(*d), Some(axes.y(*v)))).collect();
    let labels: Vec<String> = points.iter().map(|(_, v)| fmt_num(*v)).collect();
    line(s, &pts, &labels);
    for (d, _) in points {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"currentColor\">{d}</text>",
            axes.x(*d),
            H - BOTTOM + 16.0
        );
    }
    if points.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">No measurement yet</text>",
            W / 2.0,
            H / 2.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        vec!["MR-1".into(), "MR-2".into(), "MR-3".into()]
    }

    #[test]
    fn nice_axes() {
        assert_eq!(nice(0.0), (1.0, 1.0));
        assert_eq!(nice(3.0), (3.0, 1.0));
        assert_eq!(nice(17.0), (20.0, 5.0));
        assert_eq!(nice(120.0), (150.0, 50.0));
    }

    #[test]
    fn stacked_chart_snapshot() {
        let svg = stacked_with_line(
            "nc",
            "Nonconformities raised per period",
            "Raised by severity, with the open backlog.",
            &labels(),
            &[
                Series { name: "major".into(), values: vec![1.0, 0.0, 2.0], colour: 0 },
                Series { name: "minor".into(), values: vec![2.0, 3.0, 0.0], colour: 1 },
            ],
            &Series { name: "Open at review".into(), values: vec![3.0, 4.0, 2.0], colour: 7 },
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"nc-title\">"));
        insta::assert_snapshot!("stacked", svg);
    }

    #[test]
    fn grouped_chart_snapshot() {
        let svg = grouped_with_rate(
            "act",
            "Action closure per period",
            "Closed, open and overdue actions, with the on-time closure rate.",
            &labels(),
            &[
                Series { name: "closed".into(), values: vec![4.0, 2.0, 0.0], colour: 3 },
                Series { name: "open".into(), values: vec![3.0, 5.0, 6.0], colour: 4 },
                Series { name: "overdue".into(), values: vec![0.0, 1.0, 2.0], colour: 0 },
            ],
            "on-time closure rate",
            &[Some(0.75), Some(0.5), None],
        );
        assert!(svg.contains("75 %") && svg.contains("50 %"));
        insta::assert_snapshot!("grouped", svg);
    }

    #[test]
    fn objective_chart_snapshot() {
        let d = |s| crate::date::Date::parse(s).unwrap();
        let svg = objective(
            "obj",
            "OBJ-1 against target",
            "Quarterly measurements against the target of 95 %.",
            &[(d("2025-03-31"), 88.5), (d("2025-06-30"), 93.0), (d("2025-09-30"), 96.0)],
            95.0,
            Some(90.0),
            "%",
        );
        assert!(svg.contains("target 95 %") && svg.contains("amber band"));
        insta::assert_snapshot!("objective", svg);
    }

    #[test]
    fn pct_rounds_half_up() {
        assert_eq!(pct(0.125), 13);
        assert_eq!(pct(0.5), 50);
        assert_eq!(pct(2.0 / 3.0), 67);
        assert_eq!(pct(0.005), 1);
    }
}
