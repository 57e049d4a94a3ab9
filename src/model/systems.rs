//! Which management system each record belongs to (DESIGN §9, docs/content-format.md §9):
//! a site may review several systems, such as an ISMS and an AIMS, each with its own series.
//!
//! A review belongs to the system of its framework. Another record belongs to the system of
//! the first of: its own `framework`; for an action, the record its `origin` names (a review
//! or one of its decisions, a nonconformity, an audit); for a nonconformity, its `audit`;
//! else the site's framework. Attribution is a property of the record and of what it names,
//! never of what later names it, so a figure of a past review does not change when a later
//! review mentions a record.

use std::collections::HashMap;

use crate::config::Config;
use crate::record::{self, Kind, Record};

/// The systems of a site and each record's, by index into the site's lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct Systems {
    /// Each system's key and its name as pages show it ("ISMS"): the site's own first, then
    /// the others in the order records first name them (reviews first, in date order).
    pub(crate) names: Vec<(String, String)>,
    /// Per system, the framework whose inputs stand for it: the site's framework for the
    /// site's own system; for another, the framework of its latest review (held ones first).
    pub(crate) frameworks: Vec<String>,
    pub(crate) reviews: Vec<usize>,
    pub(crate) actions: Vec<usize>,
    pub(crate) nonconformities: Vec<usize>,
    pub(crate) objectives: Vec<usize>,
    pub(crate) audits: Vec<usize>,
}

impl Systems {
    /// Whether the site reviews more than one management system.
    pub(crate) fn several(&self) -> bool {
        self.names.len() > 1
    }

    /// The system of record `i` of `kind` (0, the site's own, for kinds without one).
    pub(crate) fn of(&self, kind: Kind, i: usize) -> usize {
        let list = match kind {
            Kind::Review => &self.reviews,
            Kind::Action => &self.actions,
            Kind::Nonconformity => &self.nonconformities,
            Kind::Objective => &self.objectives,
            Kind::Audit => &self.audits,
            Kind::Page | Kind::Home => return 0,
        };
        list.get(i).copied().unwrap_or(0)
    }

    /// System `s`'s name as an anchor ("isms", "aims"), numbered when two systems share a
    /// name (two custom frameworks that name no system).
    pub(crate) fn anchor(&self, s: usize) -> String {
        let slug = |s: usize| -> String {
            let raw: String = (self.name(s).chars())
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                .collect();
            raw.trim_matches('-').to_string()
        };
        let own = slug(s);
        if (0..s).any(|t| slug(t) == own) { format!("{own}-{}", s + 1) } else { own }
    }

    /// The framework whose inputs stand for system `s` (see `frameworks`).
    pub(crate) fn framework(&self, s: usize) -> Option<&str> {
        self.frameworks.get(s).map(String::as_str)
    }

    /// The name of record `i`'s system, on a site of several; `None` on a site of one, whose
    /// pages and exports name no system.
    pub(crate) fn label(&self, kind: Kind, i: usize) -> Option<&str> {
        self.several().then(|| self.name(self.of(kind, i)))
    }

    /// The name pages show for system `s` ("ISMS").
    pub(crate) fn name(&self, s: usize) -> &str {
        self.names.get(s).map_or("ISMS", |(_, n)| n.as_str())
    }
}

/// The key of a framework's system: its `system`, or for a framework that names none, the
/// framework itself (two unnamed custom frameworks are not one system).
fn key(config: &Config, framework: &str) -> (String, String) {
    match config.framework(framework) {
        Some(f) if !f.system.trim().is_empty() => (f.system.trim().to_string(), f.system_name().to_string()),
        Some(f) => (format!("framework {framework}"), f.system_name().to_string()),
        None => (format!("framework {framework}"), "management system".to_string()),
    }
}

/// Every record's system. `index` maps lower-cased IDs to kind and position.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attribute(
    config: &Config,
    index: &HashMap<String, (Kind, usize)>,
    reviews: &[Record<record::Review>],
    actions: &[Record<record::Action>],
    nonconformities: &[Record<record::Nonconformity>],
    objectives: &[Record<record::Objective>],
    audits: &[Record<record::Audit>],
) -> Systems {
    let mut names: Vec<(String, String)> = vec![key(config, &config.framework)];
    // The framework that first named each system: what stands for a system without reviews.
    let mut first: Vec<String> = vec![config.framework.clone()];
    let mut system = |framework: &str| {
        let k = key(config, framework);
        match names.iter().position(|(n, _)| *n == k.0) {
            Some(i) => i,
            None => {
                names.push(k);
                first.push(framework.to_string());
                names.len() - 1
            }
        }
    };
    let own = |f: &Option<record::Sp<String>>| f.as_ref().map(|f| f.get_ref().clone());
    let review_systems: Vec<usize> =
        reviews.iter().map(|r| system(own(&r.fm.framework).as_deref().unwrap_or(&config.framework))).collect();
    let audit_systems: Vec<usize> =
        audits.iter().map(|a| system(own(&a.fm.framework).as_deref().unwrap_or(&config.framework))).collect();
    let lookup = |id: &str| index.get(&id.split('#').next().unwrap_or_default().to_lowercase()).copied();
    let nc_systems: Vec<usize> = nonconformities
        .iter()
        .map(|n| match (&n.fm.framework, n.fm.audit.as_ref().and_then(|a| lookup(a.get_ref()))) {
            (Some(f), _) => system(f.get_ref()),
            (None, Some((Kind::Audit, k))) => audit_systems.get(k).copied().unwrap_or(0),
            _ => 0,
        })
        .collect();
    let action_systems: Vec<usize> = actions
        .iter()
        .map(|a| match (&a.fm.framework, a.fm.origin.as_ref().and_then(|o| lookup(o.get_ref()))) {
            (Some(f), _) => system(f.get_ref()),
            (None, Some((Kind::Review, k))) => review_systems.get(k).copied().unwrap_or(0),
            (None, Some((Kind::Nonconformity, k))) => nc_systems.get(k).copied().unwrap_or(0),
            (None, Some((Kind::Audit, k))) => audit_systems.get(k).copied().unwrap_or(0),
            _ => 0,
        })
        .collect();
    let objective_systems: Vec<usize> =
        objectives.iter().map(|o| o.fm.framework.as_ref().map_or(0, |f| system(f.get_ref()))).collect();
    let frameworks = (0..names.len())
        .map(|s| {
            let latest = |held: bool| {
                (reviews.iter().zip(&review_systems).rev())
                    .filter(|(r, rs)| **rs == s && (!held || *r.fm.status.get_ref() != record::ReviewStatus::Planned))
                    .map(|(r, _)| own(&r.fm.framework).unwrap_or_else(|| config.framework.clone()))
                    .next()
            };
            if s == 0 { None } else { latest(true).or_else(|| latest(false)) }.unwrap_or_else(|| first[s].clone())
        })
        .collect();
    Systems {
        names,
        frameworks,
        reviews: review_systems,
        actions: action_systems,
        nonconformities: nc_systems,
        objectives: objective_systems,
        audits: audit_systems,
    }
}
