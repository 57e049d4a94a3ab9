//! Output escaping: a hostile string in every string field of every record kind and of
//! site.toml never comes out unescaped, in any file of any edition: no script in HTML, SVG
//! or Atom, no raw line break in an iCalendar value, no formula in a CSV cell, and only
//! JSON-escaped text in `site.json` and `search-index.js`.

use std::collections::BTreeMap;

use crate::support::{Built, Site, tags};

/// What every hostile value carries after its lead and tag: markup that would close an SVG
/// `<text>` and open a script, an entity, both quotes, the ICS separators, CR, LF, U+2028.
const PAYLOAD: &str = "</text><script>x(\"1\")</script>&amp;'\",;\\ \r\n\u{2028}Z";

/// Leads that make a spreadsheet read a cell as a formula (OWASP), one per field in turn.
const LEADS: [&str; 6] = ["=", "+", "-", "@", "\t", "\r"];

/// The fields given hostile values, each tagged `Q_<tag>_` so its way to the output can be
/// followed. Tags never contain one another.
struct Fields {
    tags: Vec<String>,
}

impl Fields {
    /// A hostile value for `tag`: `<lead>HYPERLINK("x")Q_<tag>_<PAYLOAD>`.
    fn value(&mut self, tag: &str) -> String {
        assert!(!self.tags.iter().any(|t| t == tag), "tag {tag} used twice");
        let lead = LEADS[self.tags.len() % LEADS.len()];
        self.tags.push(tag.to_string());
        format!("{lead}HYPERLINK(\"x\")Q_{tag}_{PAYLOAD}")
    }

    /// The same, as a TOML basic string (CR, LF, tab and U+2028 written as escapes).
    fn toml(&mut self, tag: &str) -> String {
        toml_str(&self.value(tag))
    }
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Markdown text (no raw HTML: that is the sanitiser's business) with the payload's
/// characters as text, in a code span, in a heading, and a link to a hostile title.
const BODY: &str = "Text Q_body_ x('1') &amp; \u{2028} Z and `</text><script>x('1')</script>` in code.\n\n\
                    ### Notes on x('1') &amp; `<b>` {#notes}\n\n\
                    See [[A-1]], [[A-1|its own label]], [[MR-1#D1]] and [[notes#notes]].\n";

/// Input sections for the review minutes (the hostile framework of site.toml).
const MINUTES: &str = "## Earlier actions {#previous-actions}\n\nDone, see [[A-1]].\n\n\
                       ## Findings {#nonconformities}\n\nSee [[NC-1]].\n\n\
                       ## Audits {#audits}\n\nSee [[AU-1]].\n\n\
                       ## Objectives {#objectives}\n\nSee [[OBJ-1]].\n\n\
                       ## Risk {#risk}\n\nSteady.\n";

/// The audience name (a TOML key, and a `--audience` argument).
fn audience() -> String {
    format!("Q_audience_{PAYLOAD}")
}

fn hostile_site() -> (Site, Fields) {
    let mut f = Fields { tags: Vec::new() };
    let sev = f.value("site.severity");
    let sev_toml = toml_str(&sev);
    let fw = f.value("site.framework_name");
    let fw_toml = toml_str(&fw);
    let aud = toml_str(&audience());
    let inputs: Vec<String> = [
        ("previous-actions", "previous-actions"),
        ("nonconformities", "nonconformities"),
        ("audits", "audits"),
        ("objectives", "objectives"),
        ("risk", "risk"),
    ]
    .iter()
    .map(|(key, panel)| {
        format!(
            "{{ key = \"{key}\", title = {}, clause = {}, panel = \"{panel}\" }}",
            f.toml(&format!("input.{key}.title")),
            f.toml(&format!("input.{key}.clause"))
        )
    })
    .collect();
    let site_toml = format!(
        "title = {title}\norganization = {org}\nbase_url = {base}\nas_of = 2025-12-31\n\
         severities = [\"major\", {sev_toml}, \"observation\"]\nframework = {fw_toml}\n\n\
         [frameworks.{fw_toml}]\ntitle = {fw_title}\ninputs = [{inputs}]\noutputs = [\"improvement\"]\n\n\
         [audiences.{aud}]\ninclude_confidential = false\n\n\
         [extra]\n{key} = {extra}\n",
        title = f.toml("site.title"),
        org = f.toml("site.organization"),
        base = toml_str(&format!("https://isms.example/{}/", f.value("site.base_url"))),
        fw_title = f.toml("site.framework_title"),
        inputs = inputs.join(", "),
        key = f.toml("site.extra_key"),
        extra = f.toml("site.extra"),
    );
    let review = |f: &mut Fields, id: &str, date: &str| {
        let t = |f: &mut Fields, field: &str| f.toml(&format!("{id}.{field}"));
        format!(
            "+++\ntitle = {}\ndate = {date}\nstatus = \"approved\"\nchair = {}\napproved_by = {}\napproved_on = {date}\n\n\
             [[attendees]]\nname = {}\nrole = {}\ntop_management = true\n\n\
             [conclusion]\nsuitable = true\nadequate = true\neffective = true\nrationale = {}\n\n\
             [risk]\ntotal = 4\nabove_appetite = 1\ntreatments_total = 3\ntreatments_done = 1\ntreatments_overdue = 1\n\n\
             [[decisions]]\nid = \"D1\"\ntext = {}\nkind = \"improvement\"\nactions = [\"A-1\"]\nrequirements = [{}]\n\n\
             [[action_updates]]\naction = \"A-1\"\nnote = {}\n\n\
             [extra]\n{} = {}\n+++\n{MINUTES}\n{BODY}",
            t(f, "title"),
            t(f, "chair"),
            t(f, "approved_by"),
            t(f, "attendee.name"),
            t(f, "attendee.role"),
            t(f, "rationale"),
            t(f, "decision.text"),
            t(f, "decision.requirement"),
            t(f, "update.note"),
            t(f, "extra_key"),
            t(f, "extra"),
        )
    };
    let mr1 = review(&mut f, "MR-1", "2025-03-31");
    let mr2 = review(&mut f, "MR-2", "2025-09-30");
    let a1 = format!(
        "+++\ntitle = {}\nowner = {}\nraised = 2025-01-10\ndue = 2025-12-01\norigin = \"MR-1#D1\"\n\n\
         [[updates]]\ndate = 2025-02-01\nnote = {}\n\n[extra]\nticket = {}\n+++\n{BODY}",
        f.toml("A-1.title"),
        f.toml("A-1.owner"),
        f.toml("A-1.update.note"),
        f.toml("A-1.extra"),
    );
    let a2 = format!(
        "+++\ntitle = {}\nowner = {}\nraised = 2025-01-10\ndue = 2025-12-01\ncancelled = 2025-04-01\ncancel_reason = {}\n+++\n",
        f.toml("A-2.title"),
        f.toml("A-2.owner"),
        f.toml("A-2.cancel_reason"),
    );
    let nc = format!(
        "+++\ntitle = {}\nraised = 2025-02-01\nseverity = {sev_toml}\nsource = \"internal_audit\"\naudit = \"AU-1\"\n\
         requirements = [{}, {}]\nowner = {}\ncorrection = {}\nroot_cause = {}\nactions = [\"A-1\"]\n\n[extra]\nref = {}\n+++\n{BODY}",
        f.toml("NC-1.title"),
        f.toml("NC-1.requirement1"),
        f.toml("NC-1.requirement2"),
        f.toml("NC-1.owner"),
        f.toml("NC-1.correction"),
        f.toml("NC-1.root_cause"),
        f.toml("NC-1.extra"),
    );
    let obj = format!(
        "+++\ntitle = {}\nowner = {}\nunit = {}\ntarget = 95\namber = 90\ndirection = \"higher_better\"\n\n\
         [[measurements]]\ndate = 2025-03-01\nvalue = 88\nnote = {}\n\n\
         [[measurements]]\ndate = 2025-09-01\nvalue = 96\n\n[extra]\nk = {}\n+++\n{BODY}",
        f.toml("OBJ-1.title"),
        f.toml("OBJ-1.owner"),
        f.toml("OBJ-1.unit"),
        f.toml("OBJ-1.measurement.note"),
        f.toml("OBJ-1.extra"),
    );
    let audit = format!(
        "+++\ntitle = {}\nkind = \"internal\"\nstart = 2025-01-20\nend = 2025-01-22\nauditor = {}\nscope = {}\nresult = {}\n\
         requirements = [{}]\n\n[extra]\nk = {}\n+++\n{BODY}",
        f.toml("AU-1.title"),
        f.toml("AU-1.auditor"),
        f.toml("AU-1.scope"),
        f.toml("AU-1.result"),
        f.toml("AU-1.requirement"),
        f.toml("AU-1.extra"),
    );
    let page = format!(
        "+++\ntitle = {}\nweight = 1\n\n[extra]\nk = {}\n+++\n{BODY}",
        f.toml("about.title"),
        f.toml("about.extra")
    );
    let home = format!("+++\ntitle = {}\n+++\n{BODY}", f.toml("home.title"));
    let site = Site::new(&[
        ("site.toml", &site_toml),
        ("content/_index.md", &home),
        ("content/reviews/MR-1.md", &mr1),
        ("content/reviews/MR-2.md", &mr2),
        ("content/actions/A-1.md", &a1),
        ("content/actions/A-2.md", &a2),
        ("content/nonconformities/NC-1.md", &nc),
        ("content/objectives/OBJ-1.md", &obj),
        ("content/audits/AU-1.md", &audit),
        ("content/pages/notes.md", &page),
    ]);
    (site, f)
}

/// Text files of a build, by path (the theme's own static files left out).
fn text_files(built: &Built) -> BTreeMap<String, String> {
    built
        .tree()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("static/"))
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"));
            (path, text)
        })
        .collect()
}

/// Up to 120 bytes either side of byte `i`, for messages.
fn around(text: &str, i: usize) -> &str {
    let mut start = i.saturating_sub(120);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (i + 120).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

fn ext(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(_, e)| e)
}

/// Markup: nothing the payload carries survives as markup (no element, no attribute of its
/// own, no quote that ends an attribute early), and every script is the theme's.
fn check_markup(path: &str, text: &str) {
    let raws: &[&str] = match ext(path) {
        // Element text may hold a raw `"` (Markdown bodies do); quotes only matter in tags.
        "html" => &["</text><script>", "<script>x(", "</script>&"],
        _ => &["</text><script>", "<script>x(", "</script>&", "x(\"1\")"],
    };
    for tag in tags(text) {
        assert!(tag.name != "text" || text.contains("<svg"), "{path}: a <text> outside SVG");
        for (name, value) in &tag.attrs {
            let plain = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-:_".contains(c));
            assert!(plain, "{path}: attribute {name:?} on <{}>", tag.name);
            assert!(!name.starts_with("on") || !value.contains("Q_"), "{path}: content in {name} on <{}>", tag.name);
            // Decoded, a hostile value is whole: a raw quote would have cut it short.
            // (or, for a URL, percent-encoded whole).
            let encoded = matches!(name.as_str(), "href" | "src")
                && !value.contains(|c: char| c.is_whitespace() || "\"<>".contains(c))
                && value.contains("Z/");
            // An owner's filter key is the part before its first comma (docs/registers.md).
            let before_comma = PAYLOAD.split(',').next().unwrap_or_default();
            let owner_key =
                matches!(name.as_str(), "data-key" | "data-label") && value.ends_with(before_comma.trim_end());
            assert!(
                !value.contains("Q_") || value.contains(PAYLOAD) || encoded || owner_key,
                "{path}: attribute {name} cut short: {value:?}"
            );
        }
    }
    for raw in raws {
        if let Some(i) = text.find(raw) {
            panic!("{path}: unescaped `{raw}` in {:?}", around(text, i));
        }
    }
    for (i, _) in text.match_indices("<script") {
        assert!(text[i..].starts_with("<script src=\""), "{path}: a script that is not the theme's at byte {i}");
    }
    if ext(path) == "xml" || ext(path) == "svg" {
        let bad = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        assert!(bad.is_none(), "{path}: holds {bad:?}, which XML 1.0 does not allow");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#39;"].contains(&entity)
                || (entity.starts_with("&#") && entity.len() <= 10);
            assert!(known, "{path}: `&` that starts no entity at byte {i}: {:?}", &text[i..(i + 12).min(text.len())]);
        }
    }
}

/// iCalendar: CRLF ends every line and nowhere else; TEXT values escape `\ ; ,` and line
/// breaks; a URL value holds nothing a URI cannot.
fn check_ics(path: &str, text: &str) {
    assert!(text.ends_with("\r\n"), "{path}: last line not CRLF-terminated");
    for line in text.split("\r\n") {
        assert!(!line.contains(['\r', '\n']), "{path}: bare CR or LF inside a content line: {line:?}");
    }
    let unfolded = text.replace("\r\n ", "");
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("{path}: line without `:`: {line:?}"));
        let name = name.split(';').next().unwrap_or_default();
        match name {
            "SUMMARY" | "DESCRIPTION" | "X-WR-CALNAME" | "UID" => {
                let mut chars = value.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            let next = chars.next();
                            assert!(
                                matches!(next, Some('\\' | ';' | ',' | 'n' | 'N')),
                                "{path}: bad escape `\\{next:?}` in {line:?}"
                            );
                        }
                        ';' | ',' => panic!("{path}: unescaped `{c}` in TEXT value {line:?}"),
                        c if c.is_ascii_control() && c != '\t' => panic!("{path}: control {c:?} in {line:?}"),
                        _ => {}
                    }
                }
            }
            "URL" => assert!(
                value.bytes().all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b)),
                "{path}: URL holds what a URI cannot: {line:?}"
            ),
            _ => assert!(value.is_ascii() && !value.contains(['<', '"']), "{path}: unexpected value {line:?}"),
        }
    }
}

/// RFC 4180 records of a CSV file (after its BOM), cells unquoted.
fn parse_csv(path: &str, text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("{path}: no BOM"));
    let mut rows = vec![];
    let (mut row, mut cell) = (vec![], String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, '"') => panic!("{path}: quote inside an unquoted cell after {cell:?}"),
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert!(c != '\r' && c != '\n', "{path}: bare line break outside quotes after {cell:?}");
                cell.push(c);
            }
        }
    }
    assert!(!quoted && cell.is_empty() && row.is_empty(), "{path}: does not end with CRLF");
    rows
}

fn check_csv(path: &str, text: &str) {
    let rows = parse_csv(path, text);
    let width = rows[0].len();
    for row in &rows {
        assert_eq!(row.len(), width, "{path}: a row with {} cells, header has {width}: {row:?}", row.len());
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{path}: formula cell {cell:?}");
        }
    }
    let hostile: Vec<&String> = rows.iter().flatten().filter(|c| c.contains("HYPERLINK(\"x\")Q_")).collect();
    assert!(!hostile.is_empty(), "{path}: no hostile cell");
    for cell in hostile {
        let lead = cell.strip_prefix('\'').and_then(|c| c.chars().next());
        assert!(lead.is_some_and(|c| "=+-@\t\r".contains(c)), "{path}: hostile cell without its guard: {cell:?}");
    }
}

/// JSON: parses, and the payload appears only JSON-escaped; a `.js` file is JSON that a
/// page could also inline: no `<`, `>`, `&`, U+2028 or U+2029 at all.
fn check_json(path: &str, text: &str) {
    let json = match ext(path) {
        "js" => {
            assert!(!text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{path}: unescaped script characters");
            text.strip_prefix("window.QUORUM_SEARCH = ")
                .and_then(|t| t.strip_suffix(";\n"))
                .unwrap_or_else(|| panic!("{path}: not `window.QUORUM_SEARCH = …;`"))
        }
        _ => text,
    };
    let value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {json:.200}"));
    assert!(!text.contains(['\r']) && !text.contains("x(\"1\")"), "{path}: payload not JSON-escaped");
    assert!(value.to_string().contains(PAYLOAD_JSON_CORE), "{path}: the payload did not come through whole");
}

/// The payload as serde_json writes it in compact form, up to the U+2028 (kept raw).
const PAYLOAD_JSON_CORE: &str = r#"</text><script>x(\"1\")</script>&amp;'\",;\\ \r\n"#;

fn check_edition(built: &Built) -> BTreeMap<String, String> {
    let files = text_files(built);
    for (path, text) in &files {
        match ext(path) {
            "html" | "svg" | "xml" => check_markup(path, text),
            "ics" => check_ics(path, text),
            "csv" => check_csv(path, text),
            "js" | "json" => check_json(path, text),
            _ => assert!(!text.contains("Q_"), "{path}: content in a file the scan does not know"),
        }
    }
    files
}

#[test]
fn hostile_strings_come_out_escaped_in_every_edition() {
    let (site, fields) = hostile_site();
    site.assert_clean();
    let aud = audience();
    let editions = [
        ("internal", site.build_ok(&[])),
        ("auditor", site.build_ok(&["--audience", "auditor"])),
        ("hostile audience", site.build_ok(&["--audience", &aud])),
    ];
    let mut internal = BTreeMap::new();
    for (name, built) in &editions {
        let files = check_edition(built);
        assert!(files.keys().any(|p| p.ends_with(".ics")) && files.contains_key("atom.xml"), "{name}: exports");
        if *name == "internal" {
            internal = files;
        }
    }
    // The objective chart's target label carries the unit: escaped, not raw.
    let obj = &internal["objectives/OBJ-1/index.html"];
    let svg = &obj[obj.find("<svg").expect("chart")..obj.find("</svg>").expect("chart end")];
    assert!(svg.contains("Q_OBJ-1.unit_&lt;/text&gt;&lt;script&gt;x(&quot;1&quot;)"), "unit in the chart: {svg:.3000}");
    // Each field reaches some file of the internal edition (so the scan above saw it), save
    // those quorum shows nowhere.
    // site.toml `[extra]` is for a site's own templates: the default theme shows none of it.
    let shown_nowhere = ["site.extra_key", "site.extra"];
    for tag in shown_nowhere {
        assert!(!internal.values().any(|t| t.contains(&format!("Q_{tag}_"))), "{tag} is shown: scan it");
    }
    for tag in fields.tags.iter().filter(|t| !shown_nowhere.contains(&t.as_str())) {
        let needle = format!("Q_{tag}_");
        assert!(internal.values().any(|t| t.contains(&needle)), "field {tag} is in no output file");
    }
    assert!(internal["index.html"].contains("Q_home.title_"));
    assert!(text_files(&editions[2].1).values().any(|t| t.contains("Q_audience_")), "audience name shown");
    assert!(internal["search-index.js"].contains("q_au-1.auditor_"), "the index holds the auditor (lower-cased)");
}
