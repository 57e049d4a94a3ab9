//! No panics: the loader, the front-matter parser, the checks and the renderer take arbitrary
//! bytes, arbitrary TOML and arbitrary Markdown and always answer with a record or a
//! diagnostic. Cases are bounded so the suite stays fast (`PROPTEST_CASES=N` for more); edge
//! inputs, and any a fuzzer finds (`fuzz/`, see README), are kept as plain tests at the end.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use quorum::Kind;
use quorum::RenderOptions;
use quorum::{Diagnostic, Diagnostics};

use crate::support::Site;

const KINDS: [Kind; 7] =
    [Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit, Kind::Page, Kind::Home];

/// Field and table names of every record kind, so generated front matter gets past "unknown
/// field" often enough to reach the typed checks.
#[rustfmt::skip]
const FIELDS: &[&str] = &[
    "title", "date", "status", "kind", "period_start", "chair", "approved_by", "approved_on", "next_review",
    "framework", "climate_relevant", "confidential", "name", "role", "top_management", "present", "suitable",
    "adequate", "effective", "rationale", "total", "above_appetite", "treatments_total", "treatments_done",
    "treatments_overdue", "id", "text", "inputs", "actions", "requirements", "action", "note", "owner",
    "raised", "due", "origin", "closed", "cancelled", "cancel_reason", "verified", "severity", "source",
    "audit", "correction", "root_cause", "repeat_of", "unit", "target", "direction", "amber", "value", "start",
    "end", "auditor", "scope", "result", "weight",
];
#[rustfmt::skip]
const TABLES: &[&str] = &[
    "[[attendees]]", "[[decisions]]", "[[action_updates]]", "[[updates]]", "[[measurements]]", "[conclusion]",
    "[risk]", "[extra]", "[extra.sub]", "[[extra.list]]", "[decisions]", "[title]",
];
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "held", "approved", "planned", "scheduled", "extraordinary", "improvement", "isms_change", "review",
    "corrective", "major", "minor", "observation", "internal_audit", "incident", "higher_better",
    "lower_better", "internal", "A-1", "MR-1", "MR-1#D1", "MR-1#", "#", "D1", "iso27001-2022", "", "é", "\u{0}",
];

/// `cases` per property, or `PROPTEST_CASES` for a longer local run.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        select(WORDS).prop_map(|w| format!("{w:?}")),
        "[^\"\\\\\n]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[^'\n]{0,8}".prop_map(|s| format!("'{s}'")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| if f.is_nan() {
            "nan".into()
        } else if f.is_infinite() {
            "-inf".into()
        } else {
            format!("{f:?}")
        }),
        any::<bool>().prop_map(|b| b.to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
        "2025-0[1-9]-[0-2][0-9]T[01][0-9]:00:00(Z|\\+01:00)?",
        "\"\"\"[a-z\n]{0,10}\"\"\"",
        Just("[]".to_string()),
        Just("{}".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((select(FIELDS), inner), 0..3).prop_map(|kv| {
                let pairs: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", pairs.join(", "))
            }),
        ]
    })
}

/// A line of front matter: mostly `field = value` and table headers, sometimes junk.
fn toml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (select(FIELDS), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => select(TABLES).prop_map(str::to_string),
        1 => ("[a-z_\"\\.]{1,10}", value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => "[^\n]{0,20}",
        1 => Just("+++".to_string()),
    ]
}

fn toml_doc() -> impl Strategy<Value = String> {
    prop::collection::vec(toml_line(), 0..14).prop_map(|lines| lines.join("\n"))
}

/// The required fields of a kind, valid.
fn required(kind: Kind) -> &'static str {
    match kind {
        Kind::Review => "title = \"R\"\ndate = 2025-03-01\nstatus = \"held\"\nchair = \"C\"",
        Kind::Action => "title = \"A\"\nowner = \"O\"\nraised = 2025-02-01\ndue = 2025-09-01",
        Kind::Nonconformity => "title = \"N\"\nraised = 2025-02-01\nseverity = \"minor\"\nsource = \"self\"",
        Kind::Objective => "title = \"O\"\ntarget = 90\ndirection = \"higher_better\"",
        Kind::Audit => "title = \"I\"\nkind = \"internal\"\nstart = 2025-02-01",
        Kind::Page => "title = \"P\"",
        Kind::Home => "",
    }
}

/// Front matter for `kind`: mostly its required fields plus a few generated lines (so the
/// typed checks and everything after them run), sometimes generated lines only.
fn front_matter(kind: Kind) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(toml_line(), 0..3).prop_map(move |extra| format!("{}\n{}", required(kind), extra.join("\n"))),
        1 => toml_doc(),
    ]
}

#[rustfmt::skip]
const PIECES: &[&str] = &[
    "[[", "]]", "[[A-1]]", "[[MR-1#D1]]", "[[MR-1#risk]]", "[[nope]]", "[[A-1|", "|", "[x](", "![i](", ")",
    "](", "#", "#risk", "#D1", "%", "%e9", "%a", "%é", "é", "日本", "../", "./", "A-1.md", "MR-1.md", "..", "/",
    "?q=1", "{#risk}", "{#x .confidential}", "{.confidential}", "\n## ", "\n### ", "\n# ", "\n", "\n\n",
    "> [!NOTE]\n> ", "> [!WARNING]", "- [ ] ", "- [x] ", "| a | b |\n|---|---|\n", "<a href=\"", "\">", "</a>",
    "<script>", "[^1]", "[^1]: n", "`", "```\n", "*", "_", "~~", "\\", "\t", " ", "word", "<", "&amp;",
    "\u{200b}", "\r",
];

/// Markdown built from the pieces quorum gives meaning to: links of every form, fragments,
/// percent escapes next to non-ASCII, heading attributes, alerts, task lists, raw HTML.
fn markdown() -> impl Strategy<Value = String> {
    let pieces = select(PIECES);
    prop::collection::vec(prop_oneof![4 => pieces.prop_map(str::to_string), 1 => "[^\u{0}]{0,6}"], 0..40)
        .prop_map(|v| v.concat())
}

/// Diagnostics must render (human and JSON) without panicking, whatever their spans.
fn render_all(diags: Vec<Diagnostic>) {
    let d = Diagnostics(diags);
    let _ = d.render();
    let _ = d.to_json();
}

fn check_file(kind: Kind, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    match quorum::parse_one(kind, "X-1.md", bytes) {
        Ok(()) => Ok(()),
        Err(diags) => {
            prop_assert!(!diags.is_empty(), "an error result carries diagnostics");
            for d in &diags {
                prop_assert!(d.line >= 1 && d.column >= 1, "1-based positions: {d:?}");
            }
            render_all(diags);
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_bytes_parse_or_diagnose(kind in select(&KINDS), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_file(kind, bytes)?;
    }

    #[test]
    fn arbitrary_bytes_after_an_opening_fence(kind in select(&KINDS), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut file = b"\xEF\xBB\xBF+++\r\n".to_vec();
        file.extend(bytes);
        check_file(kind, file)?;
    }

    #[test]
    fn arbitrary_toml_front_matter((kind, doc) in select(&KINDS).prop_flat_map(|k| (Just(k), front_matter(k))), body in markdown()) {
        check_file(kind, format!("+++\n{doc}\n+++\n{body}").into_bytes())?;
    }
}

const REVIEW: &str = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"C\"\nconfidential = false\n\n[[decisions]]\nid = \"D1\"\ntext = \"Go\"\nkind = \"improvement\"\nactions = [\"A-1\"]\n+++\n## Risk {#risk}\n\nText.\n\n## Secret {.confidential}\n\nHidden.\n";
const ACTION: &str =
    "+++\ntitle = \"Act\"\nowner = \"IT\"\nraised = 2025-06-20\ndue = 2025-12-01\norigin = \"MR-1#D1\"\n+++\n";

proptest! {
    // Each case writes a site and runs the whole build (check, render, link check): fewer cases.
    #![proptest_config(config(128))]

    #[test]
    fn arbitrary_records_in_a_site_check_or_diagnose(
        (kind, doc) in select(&KINDS[..6]).prop_flat_map(|k| (Just(k), front_matter(k))),
        body in markdown(),
        action_body in markdown(),
    ) {
        let folder = match kind { Kind::Page => "pages", k => k.folder() };
        let file = format!("content/{folder}/X-1.md");
        let action = format!("{ACTION}{action_body}");
        let record = format!("+++\n{doc}\n+++\n{body}");
        let site = Site::new(&[
            ("content/reviews/MR-1.md", REVIEW),
            ("content/actions/A-1.md", &action),
            (&file, &record),
            ("content/_index.md", &format!("+++\n+++\n{body}")),
        ]);
        for audience in ["internal", "auditor"] {
            let mut opts = quorum::Options::new(site.root());
            opts.audience = audience.into();
            match quorum::build(&opts, &RenderOptions::default()) {
                Ok(_) => {}
                Err(quorum::Failure::Content(d)) => {
                    prop_assert!(d.has_errors(), "a failed check names an error");
                    render_all(d.0);
                }
                // Raw HTML in a body may link anywhere; the debug build reports it.
                Err(quorum::Failure::Render(m)) => prop_assert!(m.contains("broken internal links"), "{m}"),
                Err(quorum::Failure::Fatal(m)) => prop_assert!(false, "fatal: {m}"),
            }
        }
    }
}

/// Inputs at the edges of the decoders: a lone fence, a lone BOM, CRLF fences, a percent
/// escape cut by a multi-byte character (which once made byte slicing panic), NUL bytes.
#[test]
fn edge_inputs_parse_or_diagnose() {
    let cases: [(Kind, &[u8]); 8] = [
        (Kind::Page, b"+++"),
        (Kind::Page, b"\xEF\xBB\xBF"),
        (Kind::Page, b"+++\r\n+++\r\n"),
        (Kind::Home, b"+++\r\n+++"),
        (Kind::Review, b"+++\n[[decisions]]\n[[decisions]]\nid = \"\"\n+++\n"),
        (Kind::Page, "+++\ntitle = \"P\"\n+++\n[x](%a\u{e9}.md) [y](#%e9) [z](%\u{e9}#%)\n".as_bytes()),
        (Kind::Action, b"+++\ntitle = \"\0\"\n+++\n\0# \0 {#\0}\n"),
        (Kind::Objective, b"+++\ntitle = \"O\"\ntarget = nan\ndirection = \"higher_better\"\n+++\n"),
    ];
    for (kind, bytes) in cases {
        check_file(kind, bytes.to_vec()).unwrap_or_else(|e| panic!("{kind:?} {bytes:?}: {e}"));
    }
}

#[test]
fn percent_escapes_cut_by_multibyte_characters_are_errors_not_panics() {
    let page = "+++\ntitle = \"P\"\n+++\n[a](%a\u{e9}.md) and [b](x.md#%\u{e9}9)\n";
    let site = Site::new(&[("content/pages/p.md", page)]);
    let errors = site.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors.iter().all(|d| d.code == "broken-link" && d.line == 4), "{errors:#?}");
}
