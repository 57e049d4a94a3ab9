//! Charts as inline SVG, drawn at build time: a pure function from series to markup. No
//! script, no web font, no external URL. Every chart has `role="img"`, a `<title>` and a
//! `<desc>`, uses the Okabe–Ito palette with a pattern per series (so a black-and-white print
//! still reads) and direct labels, and comes with its data as a table.
//!
//! Each chart is drawn twice, for the space it gets rather than scaled down: a wide drawing
//! (720 units, text at 14) for a desktop column and paper, and a narrow one (300 units, text
//! at 13) with the latest periods for a phone or a dashboard column; the stylesheet shows one
//! of them by the width of the chart's box (a container query), so text renders at 12 CSS px
//! or more in both. Axes are honest (docs/charts.md): ticks at 1, 2, 2.5 or 5 × 10ⁿ, counts
//! from zero, percentages within 0–100 %, a value axis that does not start at zero says so and
//! carries a break mark, and values are labelled at the precision they were recorded with.
//! Labels are placed, not just written: each label tries a few positions and takes the first
//! that overlaps no other label, point or target line; one that fits nowhere is left out (its
//! number is in the table below the chart).

use std::fmt::Write as _;

use serde::Serialize;

use crate::escape::svg as escape;

/// Okabe–Ito colours, in the order series take them.
pub(crate) const PALETTE: [&str; 7] = ["#D55E00", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#CC79A7", "#F0E442"];

/// A chart ready for a template: the SVG (both drawings) and the same numbers as a table.
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

/// The size a drawing is made for, in SVG units (CSS px when shown at its natural width).
#[derive(Clone, Copy, Debug)]
struct Size {
    w: f64,
    h: f64,
    font: f64,
    /// The class the stylesheet picks the drawing by.
    class: &'static str,
    /// The suffix of the drawing's id (ids are unique on a page).
    suffix: &'static str,
}

const WIDE: Size = Size { w: 720.0, h: 340.0, font: 14.0, class: "chart-wide", suffix: "" };
const NARROW: Size = Size { w: 300.0, h: 300.0, font: 13.0, class: "chart-narrow", suffix: "-n" };
/// How many of the latest periods the narrow drawing shows (the table below has them all).
pub(crate) const NARROW_PERIODS: usize = 4;
/// How many of the latest measurements the narrow objective drawing shows.
const NARROW_MEASUREMENTS: usize = 5;

// ---------------------------------------------------------------------------------------------
// Numbers and axes

/// Steps of an axis: 1, 2, 2.5 or 5 × 10ⁿ, the smallest not below `raw`. A count axis
/// (`integer`) takes whole steps only (no 2.5, nothing below 1).
pub(crate) fn nice_step(raw: f64, integer: bool) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let s = m * mag;
        if integer && (s < 1.0 || (s - s.round()).abs() > 1e-9) {
            continue;
        }
        if s >= raw * (1.0 - 1e-9) {
            return s;
        }
    }
    if integer { (10.0 * mag).max(1.0) } else { 10.0 * mag }
}

/// A value axis: from `lo` to `hi` in steps of `step`; `truncated` when it does not reach zero.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) step: f64,
    pub(crate) truncated: bool,
}

impl Axis {
    /// The tick values, lo to hi.
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        let d = decimals(self.step) as i32;
        let scale = 10f64.powi(d);
        (0..=n.max(0)).map(|k| ((self.lo + self.step * k as f64) * scale).round() / scale).collect()
    }

    /// A tick's label: every tick with as many decimals as the step needs.
    pub(crate) fn label(&self, v: f64) -> String {
        let d = decimals(self.step);
        let s = format!("{v:.d$}");
        if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() { s[1..].to_string() } else { s }
    }
}

/// The decimals a step needs to be written exactly (2.5 → 1, 0.25 → 2, 50 → 0).
fn decimals(step: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            (x - x.round()).abs() < 1e-6 * x.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// An axis for counts: from zero, whole steps, at most `max_ticks` ticks.
pub(crate) fn count_axis(max: f64, max_ticks: usize) -> Axis {
    let max = if max.is_finite() { max.max(1.0) } else { 1.0 };
    let intervals = max_ticks.max(2) - 1;
    let step = nice_step(max / intervals as f64, true);
    Axis { lo: 0.0, hi: (max / step - 1e-9).ceil() * step, step, truncated: false }
}

/// An axis for measured values (with the target and amber threshold among `values`): from zero
/// where the values would still fill at least 40 % of the height, else truncated (and marked);
/// a percentage axis stays within 0–100 % unless a value itself is outside it.
pub(crate) fn value_axis(values: &[f64], percent: bool, max_ticks: usize) -> Axis {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (mn, mx) = if finite.is_empty() {
        (0.0, 1.0)
    } else {
        (finite.iter().copied().fold(f64::INFINITY, f64::min), finite.iter().copied().fold(f64::NEG_INFINITY, f64::max))
    };
    // Where the axis must reach: zero as well, unless that would squash the values.
    let (mut a, mut b) = if mn >= 0.0 {
        if mn <= 0.6 * mx || mx == 0.0 { (0.0, mx) } else { (mn, mx) }
    } else if mx <= 0.0 {
        if mx >= 0.6 * mn { (mn, 0.0) } else { (mn, mx) }
    } else {
        (mn, mx)
    };
    if b - a <= 0.0 {
        // All equal: a band around the value (or 0–1 at zero).
        let pad = if a == 0.0 { 1.0 } else { (a.abs() * 0.01).max(1e-3) };
        if a == 0.0 {
            b = 1.0;
        } else {
            a -= pad;
            b += pad;
        }
    }
    // Headroom for labels, at the ends the axis does not pin to zero.
    let span = b - a;
    let top = if b == 0.0 { b } else { b + span * 0.08 };
    let bottom = if a == 0.0 { a } else { a - span * 0.08 };
    let intervals = max_ticks.max(2) - 1;
    let step = nice_step((top - bottom) / intervals as f64, false);
    let mut lo = (bottom / step + 1e-9).floor() * step;
    let mut hi = (top / step - 1e-9).ceil() * step;
    if percent {
        if mx <= 100.0 {
            hi = hi.min(100.0);
        }
        if mn >= 0.0 {
            lo = lo.max(0.0);
        }
    }
    if hi <= lo {
        hi = lo + step;
    }
    let truncated = (mn >= 0.0 && lo > 0.0) || (mx <= 0.0 && hi < 0.0);
    Axis { lo, hi, step, truncated }
}

/// A measured value at the precision it was recorded with (99.95 stays 99.95; at most four
/// decimals), an integer without a point.
pub(crate) fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A whole percentage, rounded half-up.
pub(crate) fn pct(r: f64) -> i64 {
    (r * 100.0 + 0.5 + 1e-9).floor() as i64
}

// ---------------------------------------------------------------------------------------------
// Text boxes and placement

/// A rectangle in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl Rect {
    pub(crate) fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn attr(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A generous estimate of a text's width: the advance widths of a wide sans-serif (DejaVu
/// Sans, the fallback of `system-ui` on Linux), a little more for bold, so a box drawn from it
/// holds the text a browser renders.
pub(crate) fn text_width(text: &str, font: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.64,
            ' ' => 0.32,
            '.' | ',' | ':' | ';' | '\'' | '|' | 'i' | 'j' | 'l' | 'I' => 0.34,
            '-' | '(' | ')' | 'f' | 't' | 'r' => 0.42,
            '%' => 0.96,
            'm' | 'w' | 'M' | 'W' => 0.98,
            'A'..='Z' => 0.76,
            _ => 0.63,
        })
        .sum();
    em * font * if bold { 1.1 } else { 1.0 }
}

/// The box of a text written at (x, y) (y is the baseline).
pub(crate) fn text_box(x: f64, y: f64, anchor: Anchor, text: &str, font: f64, bold: bool) -> Rect {
    let w = text_width(text, font, bold);
    let x0 = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - w / 2.0,
        Anchor::End => x - w,
    };
    Rect { x0: x0 - 1.0, y0: y - 0.8 * font, x1: x0 + w + 1.0, y1: y + 0.25 * font }
}

/// Reserved boxes, filed by the vertical strips of the drawing they cross, so a label is
/// checked against its neighbours only: a chart of a long series places hundreds of labels,
/// and comparing each with every other made placement quadratic.
#[derive(Default)]
struct Boxes {
    rects: Vec<Rect>,
    /// Per strip of [`STRIP`] units, the indices of the boxes that reach into it.
    strips: Vec<Vec<u32>>,
}

/// The width of a strip of [`Boxes`], in drawing units.
const STRIP: f64 = 32.0;

impl Boxes {
    fn span(r: &Rect) -> std::ops::RangeInclusive<usize> {
        let a = (r.x0.max(0.0) / STRIP) as usize;
        let b = (r.x1.max(0.0) / STRIP) as usize;
        a..=b.max(a)
    }

    fn push(&mut self, r: Rect) {
        let i = self.rects.len() as u32;
        for k in Self::span(&r) {
            if self.strips.len() <= k {
                self.strips.resize_with(k + 1, Vec::new);
            }
            self.strips[k].push(i);
        }
        self.rects.push(r);
    }

    fn overlaps(&self, r: &Rect) -> bool {
        Self::span(r).any(|k| self.strips.get(k).is_some_and(|s| s.iter().any(|&i| self.rects[i as usize].overlaps(r))))
    }
}

/// A drawing under way: its markup and the boxes of what labels must not cover.
struct Canvas {
    size: Size,
    s: String,
    /// Labels, points and target lines: nothing may overlap these.
    hard: Boxes,
    /// Bars: a label avoids them where it can.
    soft: Boxes,
}

/// How a text is written.
#[derive(Clone, Copy)]
struct Style {
    bold: bool,
    halo: bool,
    /// Font size relative to the drawing's (e.g. -1 for bar values).
    delta: f64,
    class: &'static str,
}

const PLAIN: Style = Style { bold: false, halo: false, delta: 0.0, class: "" };

impl Canvas {
    fn new(size: Size, id: &str, title: &str, desc: &str) -> Self {
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg class=\"chart {}\" id=\"{id}{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}{}-title {id}{}-desc\" \
             font-family=\"system-ui, sans-serif\" font-size=\"{}\"><title id=\"{id}{}-title\">{}</title><desc id=\"{id}{}-desc\">{}</desc>",
            size.class,
            size.suffix,
            size.w,
            size.h,
            size.suffix,
            size.suffix,
            size.font,
            size.suffix,
            escape(title),
            size.suffix,
            escape(desc)
        );
        Canvas { size, s, hard: Boxes::default(), soft: Boxes::default() }
    }

    fn finish(mut self) -> String {
        self.s.push_str("</svg>");
        self.s
    }

    fn inside(&self, r: &Rect) -> bool {
        r.x0 >= 0.0 && r.y0 >= 0.0 && r.x1 <= self.size.w && r.y1 <= self.size.h
    }

    fn write_text(&mut self, x: f64, y: f64, anchor: Anchor, text: &str, st: Style) {
        let font = self.size.font + st.delta;
        let _ = write!(self.s, "<text x=\"{x:.1}\" y=\"{y:.1}\"");
        if anchor != Anchor::Start {
            let _ = write!(self.s, " text-anchor=\"{}\"", anchor.attr());
        }
        if st.delta != 0.0 {
            let _ = write!(self.s, " font-size=\"{font}\"");
        }
        if st.bold {
            self.s.push_str(" font-weight=\"700\"");
        }
        match (st.halo, st.class.is_empty()) {
            (true, true) => self.s.push_str(" class=\"halo\""),
            (true, false) => {
                let _ = write!(self.s, " class=\"halo {}\"", st.class);
            }
            (false, false) => {
                let _ = write!(self.s, " class=\"{}\"", st.class);
            }
            (false, true) => {}
        }
        let _ = write!(self.s, " fill=\"currentColor\">{}</text>", escape(text));
    }

    /// Writes a text where it must go (axis ticks, legend) and reserves its box.
    fn text(&mut self, x: f64, y: f64, anchor: Anchor, text: &str, st: Style) -> Rect {
        let (x, y) = (round1(x), round1(y));
        let r = text_box(x, y, anchor, text, self.size.font + st.delta, st.bold);
        self.write_text(x, y, anchor, text, st);
        self.hard.push(r);
        r
    }

    /// Writes a label at the first of `spots` that stays inside the drawing and overlaps
    /// nothing reserved, preferring spots clear of bars too; leaves it out where none is free.
    fn label(&mut self, spots: &[(f64, f64, Anchor)], text: &str, st: Style) -> bool {
        let font = self.size.font + st.delta;
        for avoid_bars in [true, false] {
            for &(x, y, anchor) in spots {
                // Checked where it will be written: at the 0.1 units the markup carries.
                let (x, y) = (round1(x), round1(y));
                let r = text_box(x, y, anchor, text, font, st.bold);
                let free = self.inside(&r) && !self.hard.overlaps(&r) && !(avoid_bars && self.soft.overlaps(&r));
                if free {
                    self.write_text(x, y, anchor, text, st);
                    self.hard.push(r);
                    return true;
                }
            }
        }
        false
    }

    /// A point marker, reserved so no label covers it.
    fn point(&mut self, x: f64, y: f64) {
        let _ = write!(self.s, "<circle class=\"pt\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"currentColor\"/>");
        self.hard.push(Rect { x0: x - 4.5, y0: y - 4.5, x1: x + 4.5, y1: y + 4.5 });
    }
}

/// A coordinate as the markup writes it (`{:.1}`).
fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The spots around a point a label may take: above, below, right, left, then diagonals.
fn spots_around(x: f64, y: f64, font: f64) -> [(f64, f64, Anchor); 8] {
    let up = y - 8.0;
    let down = y + font + 5.0;
    let mid = y + font * 0.35;
    [
        (x, up, Anchor::Middle),
        (x, down, Anchor::Middle),
        (x + 8.0, mid, Anchor::Start),
        (x - 8.0, mid, Anchor::End),
        (x + 6.0, up, Anchor::Start),
        (x - 6.0, up, Anchor::End),
        (x + 6.0, down, Anchor::Start),
        (x - 6.0, down, Anchor::End),
    ]
}

// ---------------------------------------------------------------------------------------------
// Pieces shared by the charts

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

/// What a legend entry shows beside its name.
enum Key {
    /// A swatch filled with pattern `k` of the chart.
    Swatch(usize),
    /// A dashed line with a point (a series drawn as a line).
    Dashed,
    /// A solid bold line (a target).
    Solid,
}

/// The legend from the top left, wrapping onto further rows; returns the y below it.
fn legend(c: &mut Canvas, id: &str, entries: &[(Key, String)]) -> f64 {
    let font = c.size.font;
    let row_h = font * 1.5;
    let (mut x, mut y) = (4.0, font + 4.0);
    for (key, name) in entries {
        let item_w = 24.0 + text_width(name, font, false);
        if x > 4.0 && x + item_w > c.size.w - 4.0 {
            x = 4.0;
            y += row_h;
        }
        let mid = y - font * 0.35;
        match key {
            Key::Swatch(k) => {
                let _ = write!(
                    c.s,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"14\" fill=\"url(#{id}-p{k})\" stroke=\"currentColor\" stroke-width=\"0.5\"/>",
                    mid - 7.0
                );
            }
            Key::Dashed => {
                let _ = write!(
                    c.s,
                    "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"{mid:.1}\" y2=\"{mid:.1}\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-dasharray=\"5 2\"/>\
                     <circle cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"3.5\" fill=\"currentColor\"/>",
                    x + 18.0,
                    x + 9.0
                );
            }
            Key::Solid => {
                let _ = write!(
                    c.s,
                    "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"{mid:.1}\" y2=\"{mid:.1}\" stroke=\"currentColor\" stroke-width=\"2.5\"/>",
                    x + 18.0
                );
            }
        }
        c.hard.push(Rect { x0: x, y0: mid - 7.0, x1: x + 18.0, y1: mid + 7.0 });
        c.text(x + 22.0, y, Anchor::Start, name, PLAIN);
        x += item_w + 14.0;
    }
    y + font * 0.4
}

/// Gridlines with their tick labels on the left of the plot, and a break mark at the bottom
/// of an axis that does not start at zero.
fn value_ticks(c: &mut Canvas, axis: &Axis, x0: f64, x1: f64, y_of: &dyn Fn(f64) -> f64) {
    for v in axis.ticks() {
        let y = y_of(v);
        let strong = v == 0.0 || (axis.truncated && v == axis.lo);
        let _ = write!(
            c.s,
            "<line x1=\"{x0:.1}\" x2=\"{x1:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"{}\" stroke-width=\"1\"/>",
            if strong { "0.6" } else { "0.15" }
        );
        let font = c.size.font;
        c.text(x0 - 6.0, y + font * 0.35, Anchor::End, &axis.label(v), Style { class: "tick", ..PLAIN });
    }
    if axis.truncated {
        // Two short slanted strokes across the axis foot: the value axis is broken here.
        let y = y_of(axis.lo);
        let _ = write!(
            c.s,
            "<path class=\"axis-break\" d=\"M{:.1} {:.1}l6 -8M{:.1} {:.1}l6 -8\" stroke=\"currentColor\" stroke-width=\"1.5\"/>",
            x0 - 1.0,
            y + 2.0,
            x0 + 4.0,
            y + 2.0
        );
    }
}

/// The x labels of evenly spaced periods: on one row where they fit, staggered over two where
/// they fit that way, else thinned to every k-th counted back from the latest.
fn period_labels(c: &mut Canvas, labels: &[String], x_of: &dyn Fn(usize) -> f64, slot: f64, y: f64) {
    let font = c.size.font;
    let widest = labels.iter().map(|l| text_width(l, font, false)).fold(0.0, f64::max);
    let rows = period_label_rows(widest, slot);
    let n = labels.len();
    let every = if rows == 0 { ((widest + 8.0) / slot).ceil().max(1.0) as usize } else { 1 };
    // From the latest back, so the latest is labelled whatever else must give way.
    for (i, label) in labels.iter().enumerate().rev() {
        if !(n - 1 - i).is_multiple_of(every) {
            continue;
        }
        // Staggered: the latest on the first row, alternating back from it.
        let row = if rows == 2 { (n - 1 - i) % 2 } else { 0 };
        let ly = y + font * 1.3 * row as f64;
        // Centred under its period, or, at either end, kept inside the drawing.
        let (x, half) = (x_of(i), text_width(label, font, false) / 2.0 + 2.0);
        let spot = if x + half > c.size.w {
            [(c.size.w - 2.0, ly, Anchor::End)]
        } else if x - half < 0.0 {
            [(2.0, ly, Anchor::Start)]
        } else {
            [(x, ly, Anchor::Middle)]
        };
        c.label(&spot, label, Style { class: "xlabel", ..PLAIN });
    }
}

/// 1 when period labels fit on one row, 2 when staggered, 0 when they must be thinned.
fn period_label_rows(widest: f64, slot: f64) -> usize {
    if widest + 8.0 <= slot {
        1
    } else if widest + 8.0 <= 2.0 * slot {
        2
    } else {
        0
    }
}

/// A dashed line through points (None breaks it) with a marker at each.
fn dashed_line(c: &mut Canvas, points: &[(f64, Option<f64>)]) {
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
            c.s,
            "<path d=\"{path}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>"
        );
    }
    for (x, y) in points {
        if let Some(y) = y {
            c.point(*x, *y);
        }
    }
}

/// Labels for the points of a line, each placed where it is free.
fn point_labels(c: &mut Canvas, points: &[(f64, Option<f64>)], labels: &[String]) {
    let font = c.size.font;
    for ((x, y), label) in points.iter().zip(labels) {
        if let Some(y) = y
            && !label.is_empty()
        {
            c.label(&spots_around(*x, *y, font), label, Style { bold: true, halo: true, class: "value", ..PLAIN });
        }
    }
}

/// A series name after a count: "treatments overdue" after 1 is "treatment overdue".
fn counted(v: f64, name: &str) -> String {
    let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
    let one = crate::context::unit_for(v, first);
    if rest.is_empty() { one.to_string() } else { format!("{one} {rest}") }
}

// ---------------------------------------------------------------------------------------------
// Bar charts

/// What a bar chart draws per period.
enum Bars<'a> {
    /// Stacked bars with a line on the same (count) scale.
    Stacked { stacks: &'a [Series], line: &'a Series },
    /// Grouped bars with a percentage line on a right-hand 0–100 % axis.
    Grouped { groups: &'a [Series], rate_name: &'a str, rate: &'a [Option<f64>] },
}

/// The last `n` entries of a slice.
fn last<T: Clone>(v: &[T], n: usize) -> Vec<T> {
    v[v.len().saturating_sub(n)..].to_vec()
}

fn last_series(series: &[Series], n: usize) -> Vec<Series> {
    series.iter().map(|s| Series { values: last(&s.values, n), ..s.clone() }).collect()
}

/// Both drawings of a bar chart: the wide one with every period, the narrow one with the last
/// [`NARROW_PERIODS`].
fn bar_chart(id: &str, title: &str, desc: &str, labels: &[String], unit: &str, bars: &Bars) -> String {
    // Chart ids are record IDs (safe characters), escaped all the same: they sit in attributes.
    let id = &escape(id);
    let mut out = draw_bars(WIDE, id, title, desc, labels, unit, bars);
    let n = NARROW_PERIODS;
    let narrow_labels = last(labels, n);
    let narrow = match bars {
        Bars::Stacked { stacks, line } => {
            let stacks = last_series(stacks, n);
            let line = Series { values: last(&line.values, n), ..(*line).clone() };
            draw_bars(NARROW, id, title, desc, &narrow_labels, unit, &Bars::Stacked { stacks: &stacks, line: &line })
        }
        Bars::Grouped { groups, rate_name, rate } => {
            let groups = last_series(groups, n);
            let rate = last(rate, n);
            draw_bars(
                NARROW,
                id,
                title,
                desc,
                &narrow_labels,
                unit,
                &Bars::Grouped { groups: &groups, rate_name, rate: &rate },
            )
        }
    };
    out.push_str(&narrow);
    out
}

fn draw_bars(size: Size, id: &str, title: &str, desc: &str, labels: &[String], unit: &str, bars: &Bars) -> String {
    let font = size.font;
    let mut c = Canvas::new(size, id, title, desc);
    // Patterns are named after the drawing, not the chart: both drawings are on the page.
    let id = &format!("{id}{}", size.suffix);
    let (series, line_name) = match bars {
        Bars::Stacked { stacks, line } => (*stacks, line.name.as_str()),
        Bars::Grouped { groups, rate_name, .. } => (*groups, *rate_name),
    };
    c.s.push_str(&pattern_defs(id, &series.iter().map(|x| x.colour).collect::<Vec<_>>()));
    let mut entries: Vec<(Key, String)> =
        series.iter().enumerate().map(|(k, s)| (Key::Swatch(k), s.name.clone())).collect();
    entries.push((Key::Dashed, line_name.to_string()));
    let below_legend = legend(&mut c, id, &entries);
    // The unit of the value axis, above it.
    let title_y = below_legend + font * 1.2;
    c.text(4.0, title_y, Anchor::Start, unit, Style { class: "axis-title", ..PLAIN });
    let grouped = matches!(bars, Bars::Grouped { .. });
    if grouped {
        c.text(size.w - 4.0, title_y, Anchor::End, "%", Style { class: "axis-title", ..PLAIN });
    }
    let y0 = title_y + font * 1.6;
    let n = labels.len().max(1);
    // The left margin holds the widest tick label; the right one the % ticks.
    let totals: Vec<f64> = match bars {
        Bars::Stacked { stacks, line } => {
            (0..labels.len()).map(|i| stacks.iter().map(|s| s.values[i]).sum::<f64>().max(line.values[i])).collect()
        }
        Bars::Grouped { groups, .. } => {
            (0..labels.len()).map(|i| groups.iter().map(|g| g.values[i]).fold(0.0, f64::max)).collect()
        }
    };
    let max = totals.iter().copied().fold(0.0, f64::max);
    let x0 = 12.0 + text_width(&fmt_value(count_axis(max, 6).hi), font, false);
    let x1 = size.w - if grouped { 12.0 + text_width("100 %", font, false) } else { 12.0 };
    let slot = (x1 - x0) / n as f64;
    let widest = labels.iter().map(|l| text_width(l, font, false)).fold(0.0, f64::max);
    let label_rows = period_label_rows(widest, slot).max(1) as f64;
    let y1 = size.h - 8.0 - font * 1.3 * label_rows;
    let max_ticks = ((y1 - y0) / (font * 2.4)).floor().clamp(2.0, 6.0) as usize;
    let axis = count_axis(max, max_ticks);
    let y_of = |v: f64| y1 - (v - axis.lo) / (axis.hi - axis.lo) * (y1 - y0);
    let x_of = |i: usize| x0 + slot * (i as f64 + 0.5);
    value_ticks(&mut c, &axis, x0, x1, &y_of);
    if grouped {
        let pct_ticks: &[i32] = if y1 - y0 > font * 8.0 { &[0, 25, 50, 75, 100] } else { &[0, 50, 100] };
        for &p in pct_ticks {
            let y = y1 - f64::from(p) / 100.0 * (y1 - y0);
            c.text(x1 + 6.0, y + font * 0.35, Anchor::Start, &format!("{p} %"), Style { class: "tick-right", ..PLAIN });
        }
    }
    // Bars, with the value over each where there is room.
    let mut values_over: Vec<(f64, f64, String, f64)> = Vec::new();
    match bars {
        Bars::Stacked { stacks, .. } => {
            let bar_w = (slot * 0.55).min(56.0);
            for (i, label) in labels.iter().enumerate() {
                let x = x_of(i) - bar_w / 2.0;
                let mut base = 0.0;
                for (k, s) in stacks.iter().enumerate() {
                    let v = s.values[i];
                    if v > 0.0 {
                        bar(&mut c, id, k, x, y_of(base + v), bar_w, y_of(base) - y_of(base + v), label, v, &s.name);
                    }
                    base += v;
                }
                let total: f64 = stacks.iter().map(|s| s.values[i]).sum();
                if total > 0.0 {
                    values_over.push((x_of(i), y_of(total), fmt_value(total), bar_w));
                }
            }
        }
        Bars::Grouped { groups, .. } => {
            let group_w = (slot * 0.75).min(96.0);
            let bar_w = group_w / groups.len().max(1) as f64;
            for (i, label) in labels.iter().enumerate() {
                let gx = x_of(i) - group_w / 2.0;
                for (k, g) in groups.iter().enumerate() {
                    let v = g.values[i];
                    let x = gx + bar_w * k as f64;
                    bar(&mut c, id, k, x, y_of(v), bar_w - 1.0, y1 - y_of(v), label, v, &g.name);
                    if v > 0.0 {
                        values_over.push((x + (bar_w - 1.0) / 2.0, y_of(v), fmt_value(v), bar_w));
                    }
                }
            }
        }
    }
    // The line's points are reserved before any value label is placed.
    let (points, point_text): (Vec<(f64, Option<f64>)>, Vec<String>) = match bars {
        Bars::Stacked { line, .. } => {
            line.values.iter().enumerate().map(|(i, v)| ((x_of(i), Some(y_of(*v))), fmt_value(*v))).unzip()
        }
        Bars::Grouped { rate, .. } => rate
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    (x_of(i), r.map(|r| y1 - r.clamp(0.0, 1.0) * (y1 - y0))),
                    r.map_or(String::new(), |r| format!("{} %", pct(r))),
                )
            })
            .unzip(),
    };
    dashed_line(&mut c, &points);
    period_labels(&mut c, labels, &x_of, slot, y1 + font + 6.0);
    // Values over the bars first (each has one place), then the line's (which can move).
    let small = Style { delta: -1.0, class: "bar-value", ..PLAIN };
    for (x, top, text, bar_w) in values_over {
        // Over the bar, and only where it is no wider than the bar's slot.
        if text_width(&text, font - 1.0, false) <= bar_w + 2.0 {
            c.label(&[(x, top - 4.0, Anchor::Middle)], &text, small);
        }
    }
    point_labels(&mut c, &points, &point_text);
    c.finish()
}

/// One bar, with its value as a tooltip; a bar avoids labels where they can go elsewhere.
#[allow(clippy::too_many_arguments)]
fn bar(c: &mut Canvas, id: &str, k: usize, x: f64, y: f64, w: f64, h: f64, label: &str, v: f64, name: &str) {
    let _ = write!(
        c.s,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"url(#{id}-p{k})\" stroke=\"currentColor\" stroke-width=\"0.5\"><title>{}: {} {}</title></rect>",
        h.max(0.0),
        escape(label),
        fmt_value(v),
        escape(&counted(v, name))
    );
    c.soft.push(Rect { x0: x, y0: y, x1: x + w, y1: y + h.max(0.0) });
}

/// Stacked bars per period (e.g. nonconformities raised by severity) with a line on the same
/// scale (e.g. the open backlog); `unit` names what the value axis counts.
pub(crate) fn stacked_with_line(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    unit: &str,
    stacks: &[Series],
    line_series: &Series,
) -> String {
    bar_chart(id, title, desc, labels, unit, &Bars::Stacked { stacks, line: line_series })
}

/// Grouped bars per period with a percentage line on a right-hand 0–100 % axis.
#[allow(clippy::too_many_arguments)]
pub(crate) fn grouped_with_rate(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    unit: &str,
    groups: &[Series],
    rate_name: &str,
    rate: &[Option<f64>],
) -> String {
    bar_chart(id, title, desc, labels, unit, &Bars::Grouped { groups, rate_name, rate })
}

// ---------------------------------------------------------------------------------------------
// Objective charts

/// An objective's measurements over time against its target, with the amber band shaded:
/// the wide drawing with every measurement, the narrow one with the latest few.
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
    // Both drawings share the value axis of the whole series: the phone's is the same picture,
    // cropped to the latest measurements.
    let values: Vec<f64> = points.iter().map(|p| p.1).chain([target]).chain(amber).collect();
    let mut out = draw_objective(WIDE, id, title, desc, points, &values, target, amber, unit);
    let latest = last(points, NARROW_MEASUREMENTS);
    out.push_str(&draw_objective(NARROW, id, title, desc, &latest, &values, target, amber, unit));
    out
}

/// The words above an objective chart's value axis, in at most `room` of width. A truncated
/// axis always says where it starts, in fewer words when the full sentence does not fit (a
/// phone's drawing with a long start such as 99.1175).
fn value_axis_title(unit: &str, axis: &Axis, room: f64, font: f64) -> String {
    let what = match unit {
        "" => "value".to_string(),
        "%" => "value in %".to_string(),
        u => format!("value in {u}"),
    };
    if !axis.truncated {
        return what;
    }
    let from = axis.label(if axis.lo > 0.0 { axis.lo } else { axis.hi });
    let choices = [
        format!("{what} · axis starts at {from}, not 0"),
        format!("{what} · axis from {from}, not 0"),
        format!("axis starts at {from}, not 0"),
    ];
    let fallback = format!("from {from}, not 0");
    choices.into_iter().find(|t| text_width(t, font, false) <= room).unwrap_or(fallback)
}

#[allow(clippy::too_many_arguments)]
fn draw_objective(
    size: Size,
    id: &str,
    title: &str,
    desc: &str,
    points: &[(crate::date::Date, f64)],
    axis_values: &[f64],
    target: f64,
    amber: Option<f64>,
    unit: &str,
) -> String {
    let font = size.font;
    let mut c = Canvas::new(size, id, title, desc);
    let id = &format!("{id}{}", size.suffix);
    c.s.push_str(&pattern_defs(id, &[6, 6]));
    let mut entries = vec![(Key::Dashed, "measured".to_string()), (Key::Solid, "target".to_string())];
    if amber.is_some() {
        entries.push((Key::Swatch(1), "amber band".to_string()));
    }
    let below_legend = legend(&mut c, id, &entries);
    let title_y = below_legend + font * 1.2;
    let y0 = title_y + font * 1.6;
    let y1 = size.h - 8.0 - font * 1.3;
    let max_ticks = ((y1 - y0) / (font * 2.4)).floor().clamp(2.0, 6.0) as usize;
    let axis = value_axis(axis_values, unit == "%", max_ticks);
    let axis_title = value_axis_title(unit, &axis, size.w - 8.0, font);
    c.text(4.0, title_y, Anchor::Start, &axis_title, Style { class: "axis-title", ..PLAIN });
    let widest_tick = axis.ticks().iter().map(|v| text_width(&axis.label(*v), font, false)).fold(0.0, f64::max);
    let x0 = 12.0 + widest_tick;
    let x1 = size.w - 12.0;
    let y_of = |v: f64| y1 - (v - axis.lo) / (axis.hi - axis.lo) * (y1 - y0);
    value_ticks(&mut c, &axis, x0, x1, &y_of);
    // Dates left to right, inset by half a date label so the first and last fit.
    let inset = text_width("2000-00-00", font, false) / 2.0 + 4.0;
    let first = points.first().map(|p| p.0);
    let span = match (first, points.last()) {
        (Some(a), Some(b)) => a.days_until(b.0).max(1) as f64,
        _ => 1.0,
    };
    let x_of = |d: crate::date::Date| match first {
        Some(f) if points.len() > 1 => x0 + inset + f.days_until(d) as f64 / span * (x1 - x0 - 2.0 * inset),
        _ => (x0 + x1) / 2.0,
    };
    if let Some(a) = amber {
        let (ya, yb) = (y_of(a.max(target)), y_of(a.min(target)));
        let _ = write!(
            c.s,
            "<rect x=\"{x0:.1}\" y=\"{ya:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"url(#{id}-p1)\" fill-opacity=\"0.35\"/>",
            x1 - x0,
            (yb - ya).max(1.0)
        );
    }
    // The target: a bold line, reserved so no label sits on it.
    let ty = y_of(target);
    let _ = write!(
        c.s,
        "<line class=\"target\" x1=\"{x0:.1}\" x2=\"{x1:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"currentColor\" stroke-width=\"2\"/>"
    );
    c.hard.push(Rect { x0, y0: ty - 1.5, x1, y1: ty + 1.5 });
    let pts: Vec<(f64, Option<f64>)> = points.iter().map(|(d, v)| (x_of(*d), Some(y_of(*v)))).collect();
    dashed_line(&mut c, &pts);
    // Dates under the points, thinned from the latest back where they would collide.
    for (d, _) in points.iter().rev() {
        c.label(&[(x_of(*d), y1 + font + 6.0, Anchor::Middle)], &d.to_string(), Style { class: "xlabel", ..PLAIN });
    }
    let target_text = format!("target {}{}", fmt_value(target), unit_suffix(crate::context::unit_for(target, unit)));
    let above = ty - 6.0;
    let below = ty + font + 4.0;
    let bold = Style { bold: true, halo: true, class: "target-label", ..PLAIN };
    c.label(
        &[
            (x0 + 4.0, above, Anchor::Start),
            (x0 + 4.0, below, Anchor::Start),
            (x1 - 4.0, above, Anchor::End),
            (x1 - 4.0, below, Anchor::End),
            ((x0 + x1) / 2.0, above, Anchor::Middle),
            ((x0 + x1) / 2.0, below, Anchor::Middle),
        ],
        &target_text,
        bold,
    );
    let texts: Vec<String> = points.iter().map(|(_, v)| fmt_value(*v)).collect();
    point_labels(&mut c, &pts, &texts);
    if points.is_empty() {
        c.label(&[(size.w / 2.0, (y0 + y1) / 2.0, Anchor::Middle)], "No measurement yet", PLAIN);
    }
    c.finish()
}

/// The text after a value in the target's label: ` %`, nothing, or the unit (escaped when
/// written, as all text is).
fn unit_suffix(unit: &str) -> String {
    if unit == "%" {
        " %".to_string()
    } else if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

#[cfg(test)]
mod tests;
