use proptest::prelude::*;

use super::*;
use crate::date::Date;

fn labels(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("MR-2026-H{i}")).collect()
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A `<text>` of a drawing as a browser would place it.
#[derive(Debug)]
struct Text {
    content: String,
    class: String,
    rect: Rect,
}

/// One drawing (one `<svg>`): its size, texts, point markers and target line.
#[derive(Debug)]
struct Drawing {
    class: String,
    w: f64,
    h: f64,
    texts: Vec<Text>,
    points: Vec<Rect>,
    target: Option<Rect>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

fn num(tag: &str, name: &str) -> Option<f64> {
    attr(tag, name).and_then(|v| v.parse().ok())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Reads the drawings of a chart's SVG back: every text with the box it occupies (estimated as
/// the placement does), every point marker and the target line.
fn drawings(svg: &str) -> Vec<Drawing> {
    svg.split("<svg ")
        .filter(|s| !s.is_empty())
        .map(|part| {
            let head = &format!(" {}", &part[..part.find('>').unwrap()]);
            let font = num(head, "font-size").unwrap();
            let view: Vec<f64> = attr(head, "viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
            let mut texts = Vec::new();
            let mut rest = part;
            while let Some(i) = rest.find("<text ") {
                let tag_end = rest[i..].find('>').unwrap() + i;
                let tag = &rest[i..tag_end];
                let close = rest[tag_end..].find("</text>").unwrap() + tag_end;
                let content = unescape(&rest[tag_end + 1..close]);
                let anchor = match attr(tag, "text-anchor").as_deref() {
                    Some("middle") => Anchor::Middle,
                    Some("end") => Anchor::End,
                    _ => Anchor::Start,
                };
                let f = num(tag, "font-size").unwrap_or(font);
                let bold = attr(tag, "font-weight").is_some();
                let rect = text_box(num(tag, "x").unwrap(), num(tag, "y").unwrap(), anchor, &content, f, bold);
                texts.push(Text { content, class: attr(tag, "class").unwrap_or_default(), rect });
                rest = &rest[close..];
            }
            let points = part
                .match_indices("<circle class=\"pt\"")
                .map(|(i, _)| {
                    let tag = &part[i..i + part[i..].find("/>").unwrap()];
                    let (x, y) = (num(tag, "cx").unwrap(), num(tag, "cy").unwrap());
                    Rect { x0: x - 3.5, y0: y - 3.5, x1: x + 3.5, y1: y + 3.5 }
                })
                .collect();
            let target = part.find("<line class=\"target\"").map(|i| {
                let tag = &part[i..i + part[i..].find("/>").unwrap()];
                let y = num(tag, "y1").unwrap();
                Rect { x0: num(tag, "x1").unwrap(), y0: y - 1.0, x1: num(tag, "x2").unwrap(), y1: y + 1.0 }
            });
            Drawing { class: attr(head, "class").unwrap(), w: view[2], h: view[3], texts, points, target }
        })
        .collect()
}

/// The period labels of a drawing, left to right.
fn x_labels(dr: &Drawing) -> Vec<&str> {
    let mut xl: Vec<&Text> = dr.texts.iter().filter(|t| t.class == "xlabel").collect();
    xl.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
    xl.iter().map(|t| t.content.as_str()).collect()
}

/// No two texts overlap, none covers a point or the target line, all lie inside the drawing.
fn assert_no_overlap(svg: &str) -> Result<(), String> {
    for dr in drawings(svg) {
        for (i, a) in dr.texts.iter().enumerate() {
            let r = &a.rect;
            if r.x0 < -0.01 || r.y0 < -0.01 || r.x1 > dr.w + 0.01 || r.y1 > dr.h + 0.01 {
                return Err(format!("{}: {:?} lies outside the drawing", dr.class, a.content));
            }
            for b in &dr.texts[i + 1..] {
                if a.rect.overlaps(&b.rect) {
                    return Err(format!("{}: {:?} overlaps {:?}", dr.class, a.content, b.content));
                }
            }
            if let Some(p) = dr.points.iter().find(|p| p.overlaps(&a.rect)) {
                return Err(format!("{}: {:?} covers the point at {p:?}", dr.class, a.content));
            }
            if let Some(t) = dr.target
                && t.overlaps(&a.rect)
            {
                return Err(format!("{}: {:?} lies on the target line", dr.class, a.content));
            }
        }
    }
    Ok(())
}

/// The tick values of each drawing's left axis.
fn ticks(svg: &str) -> Vec<Vec<f64>> {
    drawings(svg)
        .iter()
        .map(|dr| dr.texts.iter().filter(|t| t.class == "tick").map(|t| t.content.parse().unwrap()).collect())
        .collect()
}

/// Ticks are evenly spaced at 1, 2, 2.5 or 5 × 10ⁿ.
fn assert_round_ticks(ticks: &[f64]) -> Result<(), String> {
    if ticks.len() < 2 {
        return Err(format!("only {} tick(s)", ticks.len()));
    }
    let step = ticks[1] - ticks[0];
    for w in ticks.windows(2) {
        if ((w[1] - w[0]) - step).abs() > step * 1e-6 {
            return Err(format!("uneven ticks {ticks:?}"));
        }
    }
    let m = step / 10f64.powf(step.log10().floor());
    if ![1.0, 2.0, 2.5, 5.0, 10.0].iter().any(|r| (m - r).abs() < 1e-6) {
        return Err(format!("step {step} of {ticks:?} is not 1, 2, 2.5 or 5 × 10ⁿ"));
    }
    Ok(())
}

#[test]
fn steps_are_round() {
    assert_eq!(nice_step(0.3, false), 0.5);
    assert_eq!(nice_step(0.2, false), 0.2);
    assert_eq!(nice_step(23.0, false), 25.0);
    assert_eq!(nice_step(23.0, true), 25.0);
    assert_eq!(nice_step(2.2, false), 2.5);
    assert_eq!(nice_step(2.2, true), 5.0, "a count axis has no 2.5 step");
    assert_eq!(nice_step(0.4, true), 1.0, "a count axis has no step below 1");
    assert_eq!(nice_step(0.0, false), 1.0);
}

#[test]
fn count_axes_start_at_zero() {
    assert_eq!(count_axis(0.0, 6), Axis { lo: 0.0, hi: 1.0, step: 1.0, truncated: false });
    assert_eq!(count_axis(3.0, 6), Axis { lo: 0.0, hi: 3.0, step: 1.0, truncated: false });
    assert_eq!(count_axis(17.0, 6), Axis { lo: 0.0, hi: 20.0, step: 5.0, truncated: false });
    assert_eq!(count_axis(120.0, 6), Axis { lo: 0.0, hi: 125.0, step: 25.0, truncated: false });
}

#[test]
fn availability_axis_is_truncated_marked_and_within_100() {
    // The case in the issue: availability against a 99.9 % target; 97.5 … 102 ticks before.
    let axis = value_axis(&[99.95, 99.7, 99.92, 99.9, 99.8], true, 6);
    assert!(axis.truncated);
    assert_eq!(axis.hi, 100.0, "a percentage axis stops at 100 %");
    assert!(axis.lo <= 99.7 && axis.lo > 99.0, "{axis:?}");
    let labels: Vec<String> = axis.ticks().iter().map(|v| axis.label(*v)).collect();
    assert_eq!(labels.last().map(String::as_str), Some("100.0"), "{labels:?}");
    assert_round_ticks(&axis.ticks()).unwrap();
    // Values that would fill most of a zero-based axis start at zero.
    let axis = value_axis(&[40.0, 70.0, 90.0], true, 6);
    assert_eq!((axis.lo, axis.truncated), (0.0, false));
    assert!(axis.hi == 100.0, "{axis:?}");
}

#[test]
fn value_labels_keep_their_precision() {
    assert_eq!(fmt_value(99.95), "99.95");
    assert_eq!(fmt_value(100.0), "100");
    assert_eq!(fmt_value(0.1 + 0.2), "0.3");
    assert_eq!(fmt_value(-2.5), "-2.5");
    let svg = objective(
        "obj",
        "Availability",
        "Monthly availability.",
        &[(d("2026-01-31"), 99.95), (d("2026-02-28"), 99.7), (d("2026-03-31"), 99.92)],
        99.9,
        Some(99.8),
        "%",
    );
    assert!(svg.contains(">99.95</text>"), "99.95 is not rounded to 100.0");
    assert!(svg.contains("axis starts at"), "a truncated axis says so");
    assert!(svg.contains("class=\"axis-break\""), "and carries a break mark");
    assert_no_overlap(&svg).unwrap();
}

#[test]
fn both_drawings_and_the_narrow_one_shows_the_latest_periods() {
    let labels = labels(7);
    let svg = stacked_with_line(
        "nc",
        "NCs",
        "desc",
        &labels,
        "nonconformities",
        &[Series { name: "minor".into(), values: vec![1.0; 7], colour: 1 }],
        &Series { name: "open at the review".into(), values: vec![2.0; 7], colour: 0 },
    );
    let ds = drawings(&svg);
    assert_eq!(ds.len(), 2);
    assert!(ds[0].class.contains("chart-wide") && ds[1].class.contains("chart-narrow"));
    assert!(svg.contains("id=\"nc\"") && svg.contains("id=\"nc-n\""), "unique ids");
    let narrow_x: Vec<&str> = x_labels(&ds[1]);
    assert_eq!(narrow_x, ["MR-2026-H4", "MR-2026-H5", "MR-2026-H6", "MR-2026-H7"]);
    let wide_x = ds[0].texts.iter().filter(|t| t.class == "xlabel").count();
    assert_eq!(wide_x, 7, "the wide drawing labels every period");
    assert!(
        ds[0].texts.iter().any(|t| t.class == "axis-title" && t.content == "nonconformities"),
        "the unit is on the axis"
    );
}

#[test]
fn a_long_series_thins_its_labels_not_its_data() {
    let n = 60;
    let labels = labels(n);
    let svg = grouped_with_rate(
        "act",
        "Actions",
        "desc",
        &labels,
        "actions",
        &[Series { name: "closed".into(), values: (0..n).map(|i| (i % 9) as f64).collect(), colour: 3 }],
        "on-time closure rate",
        &(0..n).map(|i| Some((i % 5) as f64 / 4.0)).collect::<Vec<_>>(),
    );
    let wide = &drawings(&svg)[0];
    let bars = svg.split("<svg ").nth(1).unwrap().matches("</title></rect>").count();
    assert_eq!(bars, n, "every period keeps its bar");
    let xl: Vec<&str> = x_labels(wide);
    assert!(xl.len() < n && xl.len() > 3, "{} labels", xl.len());
    assert_eq!(xl.last(), Some(&"MR-2026-H60"), "the latest is always labelled");
    assert_no_overlap(&svg).unwrap();
}

#[test]
fn stacked_chart_snapshot() {
    let svg = stacked_with_line(
        "nc",
        "Nonconformities raised per period",
        "Raised by severity, with the open backlog.",
        &labels(3),
        "nonconformities",
        &[
            Series { name: "major".into(), values: vec![1.0, 0.0, 2.0], colour: 0 },
            Series { name: "minor".into(), values: vec![2.0, 3.0, 0.0], colour: 1 },
        ],
        &Series { name: "open at the review".into(), values: vec![3.0, 4.0, 2.0], colour: 7 },
    );
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"nc-title\">"));
    assert_no_overlap(&svg).unwrap();
    insta::assert_snapshot!("stacked", svg);
}

#[test]
fn grouped_chart_snapshot() {
    let svg = grouped_with_rate(
        "act",
        "Action closure per period",
        "Closed, open and overdue actions, with the on-time closure rate.",
        &labels(3),
        "actions",
        &[
            Series { name: "closed".into(), values: vec![4.0, 2.0, 0.0], colour: 3 },
            Series { name: "open".into(), values: vec![3.0, 5.0, 6.0], colour: 4 },
            Series { name: "overdue".into(), values: vec![0.0, 1.0, 2.0], colour: 0 },
        ],
        "on-time closure rate",
        &[Some(0.75), Some(0.5), None],
    );
    assert!(svg.contains(">75 %<") && svg.contains(">50 %<"));
    assert_no_overlap(&svg).unwrap();
    insta::assert_snapshot!("grouped", svg);
}

#[test]
fn objective_chart_snapshot() {
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
    assert_no_overlap(&svg).unwrap();
    insta::assert_snapshot!("objective", svg);
}

/// The case proptest found: a phone's drawing of an axis that starts at 99.1175 days, whose
/// full "axis starts at" sentence is wider than the drawing. It still says where the axis
/// starts, in fewer words.
#[test]
fn a_long_axis_start_is_said_in_fewer_words_on_a_phone() {
    let svg = objective("o", "t", "d", &[], 99.13, Some(99.12), "days");
    assert_no_overlap(&svg).unwrap();
    assert!(svg.contains("value in days · axis starts at 99.1175, not 0"), "the wide drawing has room: {svg}");
    assert!(svg.contains(", not 0<") && svg.matches("99.1175, not 0").count() == 2, "both drawings say it: {svg}");
}

#[test]
fn pct_rounds_half_up() {
    assert_eq!(pct(0.125), 13);
    assert_eq!(pct(0.5), 50);
    assert_eq!(pct(2.0 / 3.0), 67);
    assert_eq!(pct(0.005), 1);
}

/// Values of the kinds that break axes: zero, tiny, near 100, all equal, negative.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        0.0..1.0f64,
        0.0..100.0f64,
        (99.0..100.0f64).prop_map(|v| (v * 100.0).round() / 100.0),
        -50.0..50.0f64,
        (0u32..2000).prop_map(f64::from),
    ]
}

fn count() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), (0u32..5).prop_map(f64::from), (0u32..400).prop_map(f64::from)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn value_axes_hold_their_values(vals in prop::collection::vec(value(), 1..12), percent in any::<bool>()) {
        let axis = value_axis(&vals, percent, 6);
        let (mn, mx) = (vals.iter().copied().fold(f64::INFINITY, f64::min), vals.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        prop_assert!(axis.lo <= mn + 1e-9 && axis.hi >= mx - 1e-9, "{axis:?} for {vals:?}");
        assert_round_ticks(&axis.ticks()).map_err(TestCaseError::fail)?;
        if percent && mn >= 0.0 && mx <= 100.0 {
            prop_assert!(axis.lo >= 0.0 && axis.hi <= 100.0, "{axis:?} for {vals:?}");
        }
        if mn >= 0.0 && !axis.truncated {
            prop_assert_eq!(axis.lo, 0.0);
        }
        let labels: Vec<String> = axis.ticks().iter().map(|v| axis.label(*v)).collect();
        let mut unique = labels.clone();
        unique.dedup();
        prop_assert_eq!(unique.len(), labels.len(), "tick labels tell ticks apart: {:?}", labels);
    }

    #[test]
    fn bar_charts_keep_labels_apart(
        n in 1usize..14,
        a in prop::collection::vec(count(), 14),
        b in prop::collection::vec(count(), 14),
        l in prop::collection::vec(count(), 14),
        rate in prop::collection::vec(prop::option::of(0.0..=1.0f64), 14),
    ) {
        let labels = labels(n);
        let stacks = [
            Series { name: "major".into(), values: a[..n].to_vec(), colour: 0 },
            Series { name: "minor".into(), values: b[..n].to_vec(), colour: 1 },
        ];
        let line = Series { name: "open at the review".into(), values: l[..n].to_vec(), colour: 0 };
        let svg = stacked_with_line("s", "t", "d", &labels, "nonconformities", &stacks, &line);
        assert_no_overlap(&svg).map_err(TestCaseError::fail)?;
        for t in ticks(&svg) {
            prop_assert_eq!(t[0], 0.0, "counts start at zero");
            assert_round_ticks(&t).map_err(TestCaseError::fail)?;
        }
        let svg = grouped_with_rate("g", "t", "d", &labels, "actions", &stacks, "on-time closure rate", &rate[..n]);
        assert_no_overlap(&svg).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn objective_charts_keep_labels_apart(
        vals in prop::collection::vec(value(), 0..10),
        target in value(),
        amber in prop::option::of(value()),
        percent in any::<bool>(),
        gap in 1i64..120,
    ) {
        let mut day = d("2025-01-01");
        let mut points: Vec<(Date, f64)> = Vec::new();
        for v in &vals {
            points.push((day, *v));
            for _ in 0..gap {
                day = day.succ();
            }
        }
        let svg = objective("o", "t", "d", &points, target, amber, if percent { "%" } else { "days" });
        assert_no_overlap(&svg).map_err(TestCaseError::fail)?;
        for t in ticks(&svg) {
            assert_round_ticks(&t).map_err(TestCaseError::fail)?;
        }
    }
}

#[test]
fn the_latest_period_is_labelled_even_at_the_drawing_s_edge() {
    // 20 periods with labels that reach past the right edge when centred (the corpus case).
    let labels: Vec<String> = (0..20).map(|i| format!("MR-{i:03}")).collect();
    let svg = stacked_with_line(
        "nc",
        "t",
        "d",
        &labels,
        "nonconformities",
        &[Series { name: "minor".into(), values: vec![3.0; 20], colour: 1 }],
        &Series { name: "open at the review".into(), values: (0..20).map(f64::from).collect(), colour: 0 },
    );
    for dr in drawings(&svg) {
        assert_eq!(x_labels(&dr).last(), Some(&"MR-019"), "{}", dr.class);
    }
    assert_no_overlap(&svg).unwrap();
}
