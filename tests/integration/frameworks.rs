//! Built-in frameworks beyond ISO/IEC 27001: ISO/IEC 42001:2023 (the AIMS) and ISO 9001:2015
//! with the 2024 climate amendment; labels that name each framework's own management system.

use crate::support::Site;

fn review(date: &str, framework: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"Review\"\ndate = {date}\nstatus = \"held\"\nchair = \"C\"\nframework = \"{framework}\"\n{extra}\
         [[attendees]]\nname = \"C\"\ntop_management = true\n\
         [[decisions]]\nid = \"D1\"\ntext = \"Keep the system as it is.\"\nkind = \"isms_change\"\n+++\n\
         ## Previous actions {{#previous-actions}}\n\nNone.\n"
    )
}

#[test]
fn quality_reviews_are_asked_about_climate_from_23_february_2024_and_not_before() {
    let s = Site::new(&[
        ("site.toml", "title = \"T\"\nas_of = 2024-06-30\nframework = \"iso9001-2015\"\n"),
        ("content/reviews/Q-1.md", &review("2024-02-22", "iso9001-2015", "")),
        ("content/reviews/Q-2.md", &review("2024-02-23", "iso9001-2015", "")),
    ]);
    let (_, diags) = s.check_json(&[]);
    let climate: Vec<&str> = diags.iter().filter(|d| d.code == "missing-climate").map(|d| d.file.as_str()).collect();
    assert_eq!(climate, ["content/reviews/Q-2.md"]);
}

#[test]
fn an_ai_review_reads_in_the_words_of_its_own_system() {
    let s = Site::new(&[
        ("site.toml", "title = \"T\"\nas_of = 2025-06-30\nframework = \"iso42001-2023\"\n"),
        ("content/reviews/AI-1.md", &review("2025-03-31", "iso42001-2023", "climate_relevant = false\n")),
        (
            "content/reviews/AI-2.md",
            &review("2025-05-31", "iso42001-2023", "climate_relevant = false\n")
                .replace("kind = \"isms_change\"", "kind = \"improvement\""),
        ),
    ]);
    let (_, diags) = s.check_json(&[]);
    // Only inputs of ISO/IEC 42001 are asked for: no feedback, risk or objectives.
    let missing: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "missing-input" && d.file.ends_with("AI-1.md"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        missing.iter().all(|m| !m.contains("`risk`") && !m.contains("`feedback`") && !m.contains("`objectives`")),
        "{missing:#?}"
    );
    assert!(missing.iter().any(|m| m.contains("`improvement`")), "{missing:#?}");
    let built = s.build_ok(&[]);
    let page = built.read("reviews/AI-1/index.html");
    assert!(page.contains("Change to the AIMS") && !page.contains("Change to the ISMS"), "the decision kind's label");
    let two = built.read("reviews/AI-2/index.html");
    assert!(two.contains("No decision about changes to the AIMS was recorded."), "the missing output, in its words");
    let matrix = built.read("evidence/index.html");
    assert!(matrix.contains("<th scope=\"row\">AIMS change</th>") && !matrix.contains("ISMS"), "the evidence matrix");
}
