//! Figures, charts, evidence pages and exports of a small site whose every number was worked
//! out by hand (the comments show the arithmetic).

use serde_json::{Value, json};

use crate::support::Site;

const SITE: &str = "title = \"T\"\nas_of = 2025-12-31\n";

fn review(date: &str, status: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"Review\"\ndate = {date}\nstatus = \"{status}\"\nchair = \"C\"\nclimate_relevant = false\n{extra}\
         [[attendees]]\nname = \"C\"\ntop_management = true\n\
         [[decisions]]\nid = \"D1\"\ntext = \"No change needed.\"\nkind = \"isms_change\"\n\
         [[decisions]]\nid = \"D2\"\ntext = \"Improve.\"\nkind = \"improvement\"\nactions = [\"A-3\"]\n+++\n\
         ## Previous actions {{#previous-actions}}\n\nDiscussed.\n\n## Risk {{#risk}}\n\nDiscussed.\n"
    )
}

fn site() -> Site {
    let r1 = review(
        "2025-03-31",
        "approved",
        "approved_by = \"C\"\napproved_on = 2025-04-02\n[conclusion]\nsuitable = true\n",
    );
    let r2 = review("2025-09-30", "held", "[risk]\ntotal = 10\nabove_appetite = 2\n");
    Site::new(&[
        ("site.toml", SITE),
        ("content/reviews/R-1.md", &r1),
        ("content/reviews/R-2.md", &r2),
        ("content/reviews/P-1.md", "+++\ntitle = \"Next\"\ndate = 2026-03-31\nstatus = \"planned\"\n+++\n"),
        // Closed late (due 03-15, closed 03-20): 64 days.
        (
            "content/actions/A-1.md",
            "+++\ntitle = \"One\"\nowner = \"O\"\nraised = 2025-01-15\ndue = 2025-03-15\nclosed = 2025-03-20\n+++\n",
        ),
        // Closed on its due date: 149 days.
        (
            "content/actions/A-2.md",
            "+++\ntitle = \"Two, \\\"quoted\\\"\"\nowner = \"O\"\nraised = 2025-02-01\ndue = 2025-06-30\nclosed = 2025-06-30\n+++\n",
        ),
        // Re-planned on 05-20 to 08-31: overdue at R-2 (09-30).
        (
            "content/actions/A-3.md",
            "+++\ntitle = \"Three\"\nowner = \"O\"\nraised = 2025-04-10\ndue = 2025-05-31\n\
             [[updates]]\ndate = 2025-05-20\nnote = \"Slipped.\"\ndue = 2025-08-31\n+++\n",
        ),
        (
            "content/actions/A-4.md",
            "+++\ntitle = \"Four\"\nowner = \"O\"\nraised = 2025-06-01\ndue = 2025-07-01\ncancelled = 2025-06-15\ncancel_reason = \"Superseded.\"\n+++\n",
        ),
        (
            "content/nonconformities/NC-1.md",
            "+++\ntitle = \"N1\"\nraised = 2025-02-10\nseverity = \"major\"\nsource = \"incident\"\nclosed = 2025-05-01\nroot_cause = \"R\"\nverified = 2025-06-01\n+++\n",
        ),
        (
            "content/nonconformities/NC-2.md",
            "+++\ntitle = \"N2\"\nraised = 2025-05-05\nseverity = \"minor\"\nsource = \"self\"\n+++\n",
        ),
        (
            "content/nonconformities/NC-3.md",
            "+++\ntitle = \"N3\"\nraised = 2025-08-01\nseverity = \"observation\"\nsource = \"monitoring\"\n+++\n",
        ),
    ])
}

fn metrics(json: &Value, id: &str) -> Value {
    json["reviews"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["metrics"].clone()
}

#[test]
fn site_json_has_the_hand_computed_figures() {
    let built = site().build_ok(&[]);
    let doc: Value = serde_json::from_str(&built.read("exports/site.json")).unwrap();
    // R-1 covers everything up to 03-31.
    assert_eq!(
        metrics(&doc, "R-1"),
        json!({
            "nc_raised": {"major": 1, "minor": 0, "observation": 0},
            "nc_closed": 0,
            "nc_open": {"major": 1, "minor": 0, "observation": 0},
            "nc_open_mean_age_days": 49.0,
            "actions_raised": 2, "actions_closed": 1, "actions_cancelled": 0,
            "actions_open": 1, "actions_overdue": 0,
            "on_time_closure_rate": 0.0, "median_days_to_close": 64.0,
        })
    );
    // R-2 covers (03-31, 09-30].
    assert_eq!(
        metrics(&doc, "R-2"),
        json!({
            "nc_raised": {"major": 0, "minor": 1, "observation": 1},
            "nc_closed": 1,
            "nc_open": {"major": 0, "minor": 1, "observation": 1},
            "nc_open_mean_age_days": 148.0,
            "actions_raised": 2, "actions_closed": 1, "actions_cancelled": 1,
            "actions_open": 1, "actions_overdue": 1,
            "on_time_closure_rate": 1.0, "median_days_to_close": 149.0,
        })
    );
    // The planned review: as of min(2026-03-31, 2025-12-31), since R-2.
    let p = metrics(&doc, "P-1");
    assert_eq!(
        (p["actions_raised"].clone(), p["actions_open"].clone(), p["actions_overdue"].clone()),
        (json!(0), json!(1), json!(1))
    );
    assert_eq!(p["nc_open_mean_age_days"], json!(240.0));
    assert_eq!(p["on_time_closure_rate"], Value::Null);
    let r2 = doc["reviews"].as_array().unwrap().iter().find(|r| r["id"] == "R-2").unwrap();
    assert_eq!(r2["period"], json!({"start": "2025-04-01", "end": "2025-09-30"}));
    assert_eq!(r2["in_series"], json!(true));
}

#[test]
fn figures_do_not_depend_on_the_audience() {
    let s = site();
    s.write(
        "content/actions/A-3.md",
        &std::fs::read_to_string(s.path("content/actions/A-3.md"))
            .unwrap()
            .replace("+++\ntitle", "+++\nconfidential = true\ntitle"),
    );
    let internal: Value = serde_json::from_str(&s.build_ok(&[]).read("exports/site.json")).unwrap();
    let auditor: Value =
        serde_json::from_str(&s.build_ok(&["--audience", "auditor"]).read("exports/site.json")).unwrap();
    assert_eq!(metrics(&internal, "R-2"), metrics(&auditor, "R-2"));
    assert!(auditor["actions"].as_array().unwrap().iter().all(|a| a["id"] != "A-3"));
}

#[test]
fn review_page_shows_panels_under_input_headings_and_figures() {
    let built = site().build_ok(&[]);
    let html = built.read("reviews/R-2/index.html");
    let heading = html.find("id=\"previous-actions\"").expect("input heading");
    let panel = html.find("panel-previous-actions").expect("previous-actions panel");
    let next = html.find("id=\"risk\"").expect("risk heading");
    assert!(heading < panel && panel < next, "the panel sits in its input's section");
    // Open at R-1: A-2 (A-1 closed 03-20). Its status on 09-30 is closed.
    let section = &html[panel..next];
    assert!(section.contains("A-2") && !section.contains("A-1/index.html"), "{section}");
    assert!(html.contains("panel-risk") && html.contains("Above risk appetite"));
    // Inputs without a section are listed with their panels.
    assert!(html.contains("Inputs without a section in the minutes") && html.contains("panel-nonconformities"));
    assert!(html.contains("Actions open at the review") && html.contains("1 (1 overdue)"));
}

#[test]
fn charts_are_accessible_svg_with_data_tables() {
    let built = site().build_ok(&[]);
    let html = built.read("trends/index.html");
    let svgs = html.matches("<svg class=\"chart chart-wide\"").count();
    assert!(svgs >= 3, "nonconformity, action and risk charts: {svgs}");
    // Each drawn twice, for a wide and a narrow box; the stylesheet shows one.
    assert_eq!(html.matches("<svg class=\"chart chart-narrow\"").count(), svgs);
    assert_eq!(html.matches("role=\"img\"").count(), 2 * svgs);
    assert!(html.contains("<title id=\"trend-nc-title\">") && html.contains("<desc id=\"trend-nc-desc\">"));
    assert!(html.contains("<title id=\"trend-nc-n-title\">"), "the narrow drawing has ids of its own");
    assert!(html.contains("<caption class=\"visually-hidden\">Data for the chart"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    // The action table shows the rounded on-time rate and the median.
    assert!(
        html.contains("<td data-head=\"On time\">100 %</td>")
            && html.contains("<td data-head=\"Median days to close\">149.0</td>"),
        "rates and medians in the table, each cell naming its column for the phone layout"
    );
}

#[test]
fn evidence_matrix_marks_missing_inputs() {
    let built = site().build_ok(&[]);
    let html = built.read("evidence/index.html");
    assert_eq!(html.matches("class=\"cell-covered\"").count(), 4, "two inputs covered in each of two reviews");
    assert_eq!(html.matches("class=\"cell-missing\"").count(), 18, "nine inputs missing in each");
    // Reviews are columns, latest first; inputs are rows.
    let matrix = &html[html.find("<table class=\"matrix\"").unwrap()..];
    assert!(matrix.find(">R-2</a>").unwrap() < matrix.find(">R-1</a>").unwrap(), "latest first");
    assert!(matrix.contains("<caption>Latest reviews: R-2 to R-1</caption>"));
    // Both reviews decided on improvement and on changes to the ISMS, the two outputs of
    // ISO/IEC 27001:2022 9.3.3: nothing flagged. Resources are not expected: a plain 0.
    assert_eq!(html.matches("class=\"cell-expected\"").count(), 0);
    // Approval: R-1 met 03-31, approved 04-02; R-2 met 09-30, not approved by 12-31 (92 days).
    assert!(html.contains("2025-04-02 by C, 2 days after the meeting"), "approval with its delay");
    assert!(html.contains("<strong>Not approved, 92 days after the meeting</strong>"));
    // R-2 decides on resources instead of the ISMS: its ISMS change cell is flagged.
    let s = site();
    let r2 = std::fs::read_to_string(s.path("content/reviews/R-2.md")).unwrap();
    s.write("content/reviews/R-2.md", &r2.replace("kind = \"isms_change\"", "kind = \"resources\""));
    let html = s.build_ok(&[]).read("evidence/index.html");
    let row = &html[html.find("<th scope=\"row\">ISMS change</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(row.matches("class=\"cell-expected\"").count(), 1, "{row}");
    assert!(row.find("cell-expected").unwrap() < row.find("cell-count").unwrap(), "in R-2's column, the first");
}

#[test]
fn evidence_matrix_tables_of_six_with_extraordinary_reviews_marked() {
    let s = series(12);
    s.write(
        "content/reviews/X-1.md",
        &review("2024-05-15", "held", "kind = \"extraordinary\"\n").replace("## Risk {#risk}\n\nDiscussed.\n", ""),
    );
    let built = s.build_ok(&[]);
    let html = built.read("evidence/index.html");
    // 13 held reviews: six, six and one, latest first; X-1 sits by its date between R-06
    // (2024-06-30) and R-05 (2024-03-31).
    let captions: Vec<&str> =
        html.match_indices("<caption>").map(|(i, _)| &html[i + 9..i + html[i..].find("</caption>").unwrap()]).collect();
    assert_eq!(captions, ["Latest reviews: R-12 to R-07", "Earlier reviews: R-06 to R-02", "Earlier reviews: R-01"]);
    let second = &html[html.find("Earlier reviews: R-06").unwrap()..];
    let cols: Vec<usize> =
        ["R-06", "X-1", "R-05"].iter().map(|id| second.find(&format!(">{id}</a>")).unwrap()).collect();
    assert!(cols[0] < cols[1] && cols[1] < cols[2], "by date");
    assert!(second[cols[1]..].split("</th>").next().unwrap().contains("Extraordinary"), "marked");
    assert_eq!(html.matches("<table class=\"matrix\"").count(), 3);
}

#[test]
fn csv_exports_are_rfc4180_with_derived_status() {
    let built = site().build_ok(&[]);
    let csv = built.read("exports/actions.csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheets");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(lines[0].starts_with("id,title,owner,kind,origin,raised,due,due_as_of,closed"));
    assert!(lines.iter().any(|l| l.starts_with("A-2,\"Two, \"\"quoted\"\"\",O,")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.starts_with("A-3,") && l.contains(",2025-08-31,") && l.contains(",overdue,")));
    assert_eq!(lines.last(), Some(&""), "every record ends with CRLF");
    let ncs = built.read("exports/nonconformities.csv");
    assert!(ncs.contains("NC-1,N1,major,incident,") && ncs.contains(",verified,"));
}

#[test]
fn ics_lists_open_actions_on_their_due_date() {
    let built = site().build_ok(&[]);
    let ics = built.read("exports/actions.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "only A-3 is open");
    assert!(ics.contains("DTSTART;VALUE=DATE:20250831\r\n") && ics.contains("DTEND;VALUE=DATE:20250901\r\n"));
    assert!(ics.contains("DTSTAMP:20251231T000000Z\r\n"));
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
}

#[test]
fn atom_feed_lists_held_reviews() {
    let built = site().build_ok(&["--base-url", "https://isms.example/"]);
    let atom = built.read("atom.xml");
    assert!(atom.contains("<updated>2025-09-30T00:00:00Z</updated>"));
    assert!(atom.contains("href=\"https://isms.example/reviews/R-2/index.html\""));
    assert!(!atom.contains("P-1"), "planned reviews are not in the feed");
    assert!(atom.find("R-2").unwrap() < atom.find("R-1").unwrap(), "newest first");
}

#[test]
fn custom_framework_from_site_toml() {
    let s = site();
    s.write(
        "site.toml",
        "title = \"T\"\nas_of = 2025-12-31\nframework = \"mini\"\n\
         [frameworks.mini]\ninputs = [{ key = \"previous-actions\", title = \"Earlier actions\", clause = \"1\", panel = \"previous-actions\" }, { key = \"risk\", title = \"Risk\", clause = \"2\", panel = \"risk\" }]\n\
         outputs = [\"improvement\"]\n",
    );
    s.assert_clean();
    let built = s.build_ok(&[]);
    let html = built.read("evidence/index.html");
    assert_eq!(html.matches("class=\"cell-covered\"").count(), 4);
    assert_eq!(html.matches("class=\"cell-missing\"").count(), 0);
    // A decision input outside the framework is an error.
    s.write(
        "content/reviews/R-1.md",
        &std::fs::read_to_string(s.path("content/reviews/R-1.md"))
            .unwrap()
            .replace("kind = \"improvement\"", "kind = \"improvement\"\ninputs = [\"audits\"]"),
    );
    assert!(s.errors().iter().any(|d| d.code == "unknown-value" && d.file == "content/reviews/R-1.md"));
}

/// A series of `n` held reviews, one a quarter from 2023-03-31, with one action closed before them.
fn series(n: usize) -> Site {
    let mut files: Vec<(String, String)> = vec![
        ("site.toml".into(), "title = \"T\"\nas_of = 2026-12-31\n".into()),
        // The action every review's decision D2 names.
        (
            "content/actions/A-3.md".into(),
            "+++\ntitle = \"Three\"\nowner = \"O\"\nraised = 2023-01-10\ndue = 2023-02-28\nclosed = 2023-02-20\n+++\n"
                .into(),
        ),
    ];
    for k in 0..n {
        let (y, q) = (2023 + k / 4, k % 4);
        let date = format!("{y}-{}", ["03-31", "06-30", "09-30", "12-31"][q]);
        files.push((format!("content/reviews/R-{:02}.md", k + 1), review(&date, "held", "")));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Site::new(&refs)
}

#[test]
fn review_page_charts_show_at_most_the_last_eight_periods_up_to_it() {
    let built = series(12).build_ok(&[]);
    let page = built.read("reviews/R-10/index.html");
    let wide = &page[page.find("<svg class=\"chart chart-wide\"").unwrap()..];
    let wide = &wide[..wide.find("</svg>").unwrap()];
    // R-03 … R-10: eight periods, none after this review.
    for k in 3..=10 {
        assert!(wide.contains(&format!(">R-{k:02}</text>")), "R-{k:02} is in the window");
    }
    for k in [1, 2, 11, 12] {
        assert!(!wide.contains(&format!("R-{k:02}")), "R-{k:02} is outside the window");
    }
    // /trends/ keeps the whole series.
    let trends = built.read("trends/index.html");
    assert!(trends.contains(">R-01</text>"), "the series starts at R-01 on /trends/");
    // A review page does not grow with the series: R-10 of 12 and R-10 of 20 are the same size,
    // but for the links to the later reviews.
    let longer = series(20).build_ok(&[]).read("reviews/R-10/index.html");
    let charts = |html: &str| html.matches("<rect ").count();
    assert_eq!(charts(&page), charts(&longer));
}
