//! Site-level `templates/` override the theme file by file; site-level `static/` is copied over
//! the theme's.

use crate::support::{ACTION, Site};

const PAGE_OVERRIDE: &str =
    "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">CUSTOM {{ page.title }}</p>{% endblock content %}";

fn site() -> Site {
    Site::new(&[
        ("templates/page.html", PAGE_OVERRIDE),
        ("content/pages/notes.md", "+++\ntitle = \"About us\"\n+++\nHello.\n"),
        ("content/pages/scope.md", "+++\ntitle = \"Scope\"\nweight = 1\n+++\nAll.\n"),
        ("content/actions/A-1.md", ACTION),
    ])
}

#[test]
fn site_template_overrides_the_theme_for_pages() {
    let built = site().build_ok(&[]);
    for (path, title) in [("notes/index.html", "About us"), ("scope/index.html", "Scope")] {
        let html = built.read(path);
        assert!(
            html.contains(&format!("<p id=\"custom\">CUSTOM {title}</p>")),
            "{path} uses the site's page.html:\n{html}"
        );
        assert!(html.contains("site-nav"), "{path} still extends the theme's base.html");
    }
}

#[test]
fn other_templates_still_come_from_the_theme() {
    let built = site().build_ok(&[]);
    for path in ["index.html", "actions/index.html", "actions/A-1/index.html"] {
        let html = built.read(path);
        assert!(!html.contains("CUSTOM"), "{path} must not use the page override");
        assert!(html.contains("site-nav"), "{path} uses the theme");
    }
    assert!(built.read("actions/A-1/index.html").contains("Encrypt laptops"));
}

#[test]
fn site_template_error_fails_the_build_and_keeps_the_previous_output() {
    let s = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    crate::support::assert_success(&s.build(&out, &[]), "first build");
    let before = crate::support::tree(&out);
    s.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}",
    );
    let o = s.build(&out, &[]);
    assert_eq!(o.status.code(), Some(1), "a template error is a build failure: {}", crate::support::lossy(&o.stderr));
    assert!(crate::support::lossy(&o.stderr).contains("page.html"), "names the template");
    crate::support::assert_same_tree(&before, &crate::support::tree(&out));
}

#[test]
fn template_syntax_error_fails_the_build_without_output() {
    let s = site();
    s.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}{% if %}{% endblock content %}");
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    let o = s.build(&out, &[]);
    assert!(!o.status.success());
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn site_static_files_are_copied_over_the_theme() {
    let s = site();
    s.write("static/quorum.css", "body { color: red }\n");
    s.write("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let built = s.build_ok(&[]);
    assert_eq!(built.read("static/quorum.css"), "body { color: red }\n");
    assert!(built.exists("static/img/logo.svg"));
}
