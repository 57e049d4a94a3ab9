//! The built-in theme, embedded from `themes/default/` with an explicit table, so a missing
//! file fails at compile time. Lookup order: site `templates/`, then the theme.

/// Template files by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../themes/default/templates/base.html")),
    ("macros.html", include_str!("../themes/default/templates/macros.html")),
    ("index.html", include_str!("../themes/default/templates/index.html")),
    ("reviews.html", include_str!("../themes/default/templates/reviews.html")),
    ("review.html", include_str!("../themes/default/templates/review.html")),
    ("actions.html", include_str!("../themes/default/templates/actions.html")),
    ("action.html", include_str!("../themes/default/templates/action.html")),
    ("nonconformities.html", include_str!("../themes/default/templates/nonconformities.html")),
    ("nonconformity.html", include_str!("../themes/default/templates/nonconformity.html")),
    ("objectives.html", include_str!("../themes/default/templates/objectives.html")),
    ("objective.html", include_str!("../themes/default/templates/objective.html")),
    ("audits.html", include_str!("../themes/default/templates/audits.html")),
    ("audit.html", include_str!("../themes/default/templates/audit.html")),
    ("page.html", include_str!("../themes/default/templates/page.html")),
    ("related.html", include_str!("../themes/default/templates/related.html")),
    ("panel.html", include_str!("../themes/default/templates/panel.html")),
    ("trends.html", include_str!("../themes/default/templates/trends.html")),
    ("evidence.html", include_str!("../themes/default/templates/evidence.html")),
    ("crosswalk.html", include_str!("../themes/default/templates/crosswalk.html")),
    ("search.html", include_str!("../themes/default/templates/search.html")),
    ("about.html", include_str!("../themes/default/templates/about.html")),
    ("owners.html", include_str!("../themes/default/templates/owners.html")),
    ("owner.html", include_str!("../themes/default/templates/owner.html")),
];

/// Static files, published under `static/`.
pub(crate) const STATIC: &[(&str, &[u8])] = &[
    ("quorum.css", include_bytes!("../themes/default/static/quorum.css")),
    ("register.js", include_bytes!("../themes/default/static/register.js")),
    ("search.js", include_bytes!("../themes/default/static/search.js")),
];
