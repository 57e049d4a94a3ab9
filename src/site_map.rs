//! One owner for the URL layout: every kind of page the site has, with its path, template,
//! navigation entry and title, and the other top-level names the build writes. [`href`], the
//! navigation, the reserved page IDs and the list, export and feed paths all come from here:
//! adding a page type is one entry in [`SECTIONS`] and one template.

use crate::record::Kind;

/// A page of the site that is not a record's own page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Section {
    /// The navigation key (`section` in templates): the entry marked current.
    pub(crate) key: &'static str,
    /// Output path.
    pub(crate) path: &'static str,
    /// Theme template.
    pub(crate) template: &'static str,
    /// Page title (the dashboard's is the site's title).
    pub(crate) title: &'static str,
    /// Label in the main navigation; empty for a page the navigation does not list.
    pub(crate) nav: &'static str,
    /// The register of this kind, for list pages.
    pub(crate) kind: Option<Kind>,
}

const fn section(
    key: &'static str,
    path: &'static str,
    template: &'static str,
    title: &'static str,
    nav: &'static str,
    kind: Option<Kind>,
) -> Section {
    Section { key, path, template, title, nav, kind }
}

/// Every section page, in navigation order.
pub(crate) const SECTIONS: &[Section] = &[
    section("home", "index.html", "index.html", "", "Dashboard", None),
    section("reviews", "reviews/index.html", "reviews.html", "Management reviews", "Reviews", Some(Kind::Review)),
    section("actions", "actions/index.html", "actions.html", "Actions", "Actions", Some(Kind::Action)),
    section(
        "nonconformities",
        "nonconformities/index.html",
        "nonconformities.html",
        "Nonconformities",
        "Nonconformities",
        Some(Kind::Nonconformity),
    ),
    section(
        "objectives",
        "objectives/index.html",
        "objectives.html",
        "Objectives",
        "Objectives",
        Some(Kind::Objective),
    ),
    section("audits", "audits/index.html", "audits.html", "Audits", "Audits", Some(Kind::Audit)),
    section("owners", "owners/index.html", "owners.html", "Owners", "Owners", None),
    section("trends", "trends/index.html", "trends.html", "Trends", "Trends", None),
    section("evidence", "evidence/index.html", "evidence.html", "Clause 9.3 evidence", "Evidence", None),
    section("search", "search/index.html", "search.html", "Search", "Search", None),
    // Linked from every footer, not from the navigation.
    section("about", "about/index.html", "about.html", "About this copy", "", None),
];

/// The page of one owner (`key` from [`crate::model::owner_key`]: `a-z`, `0-9` and `-` only).
pub(crate) fn owner_href(key: &str) -> String {
    format!("owners/{key}/index.html")
}

/// The Atom feed of reviews.
pub(crate) const FEED: &str = "atom.xml";
/// The search index, loaded by the search page as a script.
pub(crate) const SEARCH_INDEX: &str = "search-index.js";
/// The checksums of every file.
pub(crate) const CHECKSUMS: &str = "SHA256SUMS";
/// Every shown record with its derived status, for other tools.
pub(crate) const SITE_JSON: &str = "exports/site.json";
/// The action register, for spreadsheets.
pub(crate) const ACTIONS_CSV: &str = "exports/actions.csv";
/// The nonconformity register, for spreadsheets.
pub(crate) const NONCONFORMITIES_CSV: &str = "exports/nonconformities.csv";
/// Open actions on their due dates, for calendars.
pub(crate) const ACTIONS_ICS: &str = "exports/actions.ics";

/// Top-level names the build writes besides the sections: a page may not take one as its ID.
const OTHER_NAMES: &[&str] = &["exports", "files", "static", FEED, CHECKSUMS, SIGNATURE, "404.html", SEARCH_INDEX];

/// The SSH signature of `SHA256SUMS` (`quorum build --sign`); not listed in it.
pub(crate) const SIGNATURE: &str = "SHA256SUMS.sig";

/// Whether a page ID would collide with a top-level name of the site (case-insensitive).
pub(crate) fn reserved(id: &str) -> bool {
    let top = |path: &'static str| path.split('/').next().unwrap_or(path);
    SECTIONS.iter().map(|s| top(s.path)).chain(OTHER_NAMES.iter().copied()).any(|n| n.eq_ignore_ascii_case(id))
}

/// The register (list page) of a record kind.
pub(crate) fn register(kind: Kind) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.kind == Some(kind))
}

/// The template of a record's own page.
pub(crate) fn record_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Review => "review.html",
        Kind::Action => "action.html",
        Kind::Nonconformity => "nonconformity.html",
        Kind::Objective => "objective.html",
        Kind::Audit => "audit.html",
        Kind::Page | Kind::Home => "page.html",
    }
}

/// The output folder of a record's page (`actions/A-1`, `scope`).
pub(crate) fn page_dir(kind: Kind, id: &str) -> String {
    match kind.folder() {
        "" => id.to_string(),
        f => format!("{f}/{id}"),
    }
}

/// Site-relative href of a record page.
pub(crate) fn href(kind: Kind, id: &str) -> String {
    format!("{}/index.html", page_dir(kind, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_register_and_top_level_name_is_reserved() {
        for kind in [Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit] {
            let list = register(kind).expect("every record kind but pages has a register");
            assert_eq!(list.path, format!("{}/index.html", kind.folder()));
            assert!(reserved(kind.folder()));
        }
        for name in
            ["Trends", "evidence", "search", "exports", "files", "static", "atom.xml", "SHA256SUMS", "about", "owners"]
        {
            assert!(reserved(name), "{name}");
        }
        assert!(!reserved("scope") && !reserved("index"));
        assert_eq!(href(Kind::Page, "scope"), "scope/index.html");
        assert_eq!(href(Kind::Action, "A-1"), "actions/A-1/index.html");
    }
}
