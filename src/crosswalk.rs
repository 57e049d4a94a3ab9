//! Crosswalks as data (docs/crosswalks.md): the requirements of another framework (SOC 2,
//! NIS2, DORA, or one a site defines) that the review records evidence, each with the rules
//! that find its evidence, and the evaluation of those rules as of the site's date.
//!
//! A crosswalk is an index of evidence, not an opinion that a requirement is met: it lists
//! what the records hold for each requirement, and says when nothing recent does.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::metrics::Figures;
use crate::model::Site;
use crate::record::{Kind, ReviewStatus};

/// A crosswalk: a framework's requirements and how quorum finds their evidence.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Crosswalk {
    /// The framework's name as a reader knows it ("SOC 2 Trust Services Criteria").
    pub(crate) title: String,
    /// What `requirements` entries start with to name one of its requirements ("SOC2").
    pub(crate) prefix: String,
    /// The edition or legal source, cited exactly.
    #[serde(default)]
    pub(crate) source: String,
    pub(crate) requirements: Vec<Requirement>,
}

/// One requirement of a crosswalk.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Requirement {
    /// The reference within the framework, exactly as cited ("CC1.2", "Art. 20(1)").
    #[serde(rename = "ref")]
    pub(crate) reference: String,
    /// A short title, in our own words.
    pub(crate) title: String,
    /// How often evidence is expected; none: evidence at any time counts.
    #[serde(default)]
    pub(crate) interval_months: Option<u32>,
    /// What the status warning says is missing ("no approval of the measures by the
    /// management body"); by default "no evidence".
    #[serde(default)]
    pub(crate) missing: Option<String>,
    /// The clause 9.3.2 inputs (keys) this requirement rests on, for the page.
    #[serde(default)]
    pub(crate) inputs: Vec<String>,
    /// The implicit rules; explicit `requirements` tags always count as well.
    #[serde(default)]
    pub(crate) evidence: Vec<Rule>,
}

/// An implicit rule: what quorum already knows that evidences a requirement.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Rule {
    /// Held or approved reviews whose minutes cover every one of `inputs` (any held review
    /// when empty).
    Reviews {
        #[serde(default)]
        inputs: Vec<String>,
    },
    /// Held or approved reviews with a member of top management present.
    TopManagement,
    /// Decisions of one of `kinds` at held or approved reviews (with top management present,
    /// if `top_management`).
    Decisions {
        kinds: Vec<String>,
        #[serde(default)]
        top_management: bool,
    },
    /// Held or approved reviews whose minutes cover the nonconformities input: the register
    /// reported to management, with the open count and their age at the review.
    Nonconformities,
    /// Nonconformities closed with corrective actions, with their time to close.
    NcClosures,
    /// Objectives' measurements.
    Objectives,
    /// Audits, dated by their end (or start).
    Audits,
}

impl Rule {
    /// The rule in words, for the page.
    pub(crate) fn describe(&self) -> String {
        match self {
            Rule::Reviews { inputs } if inputs.is_empty() => "management reviews held".into(),
            Rule::Reviews { inputs } => format!("reviews whose minutes cover {}", inputs.join(", ")),
            Rule::TopManagement => "reviews with top management present".into(),
            Rule::Decisions { kinds, top_management } => format!(
                "decisions on {}{}",
                kinds.iter().map(|k| crate::warnings::decision_topic(k)).collect::<Vec<_>>().join(" or "),
                if *top_management { " taken with top management present" } else { "" }
            ),
            Rule::Nonconformities => "nonconformities reported to reviews, with their age".into(),
            Rule::NcClosures => "nonconformities closed with corrective actions, with their time to close".into(),
            Rule::Objectives => "objectives measured".into(),
            Rule::Audits => "audits completed".into(),
        }
    }
}

/// The built-in crosswalks, by name.
pub(crate) fn builtin() -> Vec<(&'static str, Crosswalk)> {
    let req = |reference: &str, title: &str, missing: &str, inputs: &[&str], evidence: Vec<Rule>| Requirement {
        reference: reference.into(),
        title: title.into(),
        interval_months: Some(12),
        missing: Some(missing.into()),
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        evidence,
    };
    let reviews = |inputs: &[&str]| Rule::Reviews { inputs: inputs.iter().map(|s| s.to_string()).collect() };
    let decisions = |kinds: &[&str], top_management: bool| Rule::Decisions {
        kinds: kinds.iter().map(|s| s.to_string()).collect(),
        top_management,
    };
    vec![
        (
            "soc2",
            Crosswalk {
                title: "SOC 2 Trust Services Criteria".into(),
                prefix: "SOC2".into(),
                source: "AICPA, 2017 Trust Services Criteria for Security, Availability, Processing Integrity, Confidentiality, and Privacy (with revised points of focus, 2022)".into(),
                requirements: vec![
                    req("CC1.2", "The board oversees internal control, independently of management", "no review with top management present", &[], vec![Rule::TopManagement]),
                    req("CC1.3", "Management sets structures, reporting lines, authorities and responsibilities", "no decision on resources or roles", &[], vec![decisions(&["resources"], false)]),
                    req("CC2.2", "Objectives and responsibilities are communicated internally", "no review covering the objectives and no measurement of them", &["objectives"], vec![reviews(&["objectives"]), Rule::Objectives]),
                    req("CC3.2", "Risks to the objectives are identified and analysed", "no review covering the risks", &["risk"], vec![reviews(&["risk"])]),
                    req("CC3.4", "Significant changes are identified and assessed", "no review covering changes in internal and external issues", &["issues"], vec![reviews(&["issues"])]),
                    req("CC4.1", "Ongoing and separate evaluations of the controls", "no audit and no review covering monitoring", &["monitoring", "audits"], vec![Rule::Audits, reviews(&["monitoring"])]),
                    req("CC4.2", "Deficiencies are communicated in time to those responsible, including senior management and the board", "no review covering nonconformities and corrective actions", &["nonconformities"], vec![Rule::Nonconformities]),
                    req("CC5.3", "Policies are deployed, with procedures that put them into action", "no policy decision", &[], vec![decisions(&["policy"], false)]),
                ],
            },
        ),
        (
            "nis2",
            Crosswalk {
                title: "NIS2 Directive".into(),
                prefix: "NIS2".into(),
                source: "Directive (EU) 2022/2555 of the European Parliament and of the Council of 14 December 2022 (NIS2)".into(),
                requirements: vec![
                    req("Art. 20(1)", "The management body approves the cybersecurity risk-management measures and oversees their implementation", "no approval of the risk-management measures by the management body", &["risk"], vec![decisions(&["risk_acceptance", "policy"], true)]),
                    req("Art. 20(2)", "Members of the management body follow cybersecurity training", "no record of training for the management body", &[], vec![]),
                    req("Art. 21(2)(f)", "Policies and procedures assess the effectiveness of the risk-management measures", "no audit and no review covering the ISMS's performance", &["performance", "audits"], vec![reviews(&["performance"]), Rule::Audits]),
                    req("Art. 21(4)", "Corrective measures are taken without undue delay", "no nonconformity closed with corrective actions", &["nonconformities"], vec![Rule::NcClosures]),
                ],
            },
        ),
        (
            "dora",
            Crosswalk {
                title: "Digital Operational Resilience Act (DORA)".into(),
                prefix: "DORA".into(),
                source: "Regulation (EU) 2022/2554 of the European Parliament and of the Council of 14 December 2022 (DORA)".into(),
                requirements: vec![
                    req("Art. 5(2)", "The management body defines, approves and oversees the ICT risk-management framework", "no decision of the management body on the ICT risk-management framework", &["risk"], vec![decisions(&["risk_acceptance", "policy", "isms_change"], true)]),
                    req("Art. 5(4)", "The management body keeps its knowledge of ICT risk up to date", "no record of ICT-risk training for the management body", &[], vec![]),
                    req("Art. 6(5)", "The ICT risk-management framework is documented and reviewed at least once a year", "no review covering the risks", &["risk"], vec![reviews(&["risk"])]),
                ],
            },
        ),
    ]
}

/// The words of a reference, for comparing: single spaces, lower case.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// What a `requirements` entry names, given the enabled crosswalks.
#[derive(Debug, PartialEq)]
pub(crate) enum Named<'a> {
    /// Requirement `index` of enabled crosswalk `name`.
    Requirement { name: &'a str, index: usize },
    /// An enabled crosswalk's prefix, but none of its requirements: the closest, if any.
    Unknown { name: &'a str, suggestion: Option<String> },
    /// Free text (`ISO27001:2022 A.5.18`), or a crosswalk that is not enabled.
    Free,
}

/// Reads a `requirements` entry against the enabled crosswalks.
pub(crate) fn resolve<'a>(entry: &str, enabled: &'a [(String, Crosswalk)]) -> Named<'a> {
    let entry = entry.trim();
    let Some((prefix, rest)) = entry.split_once(char::is_whitespace) else { return Named::Free };
    let Some((name, cw)) = enabled.iter().find(|(_, c)| c.prefix.eq_ignore_ascii_case(prefix)) else {
        return Named::Free;
    };
    let want = norm(rest);
    match cw.requirements.iter().position(|r| norm(&r.reference) == want) {
        Some(index) => Named::Requirement { name, index },
        None => {
            let refs: Vec<&str> = cw.requirements.iter().map(|r| r.reference.as_str()).collect();
            let suggestion = crate::diagnostics::did_you_mean(rest.trim(), refs.iter().copied())
                .map(|s| format!("{} {s}", cw.prefix));
            Named::Unknown { name, suggestion }
        }
    }
}

/// Where a piece of evidence is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Source {
    pub(crate) kind: Kind,
    pub(crate) id: String,
    /// A decision of a review (`D2`).
    pub(crate) decision: Option<String>,
    /// An action update given at the review, about this action.
    pub(crate) update_of: Option<String>,
    /// A heading of the minutes (an input's section id).
    pub(crate) section: Option<String>,
}

impl Source {
    fn record(kind: Kind, id: &str) -> Self {
        Source { kind, id: id.to_string(), decision: None, update_of: None, section: None }
    }
}

/// One piece of evidence for a requirement.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Item {
    pub(crate) date: Date,
    pub(crate) source: Source,
    /// What it is, in words ("decision D2: …", "minutes cover Risk").
    pub(crate) what: String,
    /// Why it counts: "tagged" or the implicit rule in words.
    pub(crate) why: String,
}

/// Where a requirement stands as of the site's date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum Standing {
    /// Evidenced, the latest on `latest`; fresh until `until` (none: no interval).
    Current { latest: Date, until: Option<Date> },
    /// The latest evidence, on `latest`, is older than the interval: stale since `since`.
    Stale { latest: Date, since: Date },
    /// Nothing in the records evidences it.
    Never,
}

/// A requirement with its evidence, newest first.
#[derive(Clone, Debug)]
pub(crate) struct Evaluated {
    pub(crate) standing: Standing,
    pub(crate) items: Vec<Item>,
}

/// An enabled crosswalk, evaluated.
#[derive(Clone, Debug)]
pub(crate) struct Evaluation {
    pub(crate) name: String,
    pub(crate) crosswalk: Crosswalk,
    pub(crate) requirements: Vec<Evaluated>,
}

/// The standing of a requirement whose latest evidence is `latest`, as of `a`: current while
/// `a` is no later than `interval` months after it (exactly 12 months still counts).
pub(crate) fn standing(latest: Option<Date>, interval: Option<u32>, a: Date) -> Standing {
    match (latest, interval) {
        (None, _) => Standing::Never,
        (Some(l), None) => Standing::Current { latest: l, until: None },
        (Some(l), Some(m)) => {
            let until = l.add_months(m as i32);
            if a <= until {
                Standing::Current { latest: l, until: Some(until) }
            } else {
                Standing::Stale { latest: l, since: until }
            }
        }
    }
}

/// Evaluates every enabled crosswalk on the whole site (whatever the audience: evidence that
/// an edition withholds still counts, and the page says "withheld").
pub(crate) fn evaluate(site: &Site, figures: &Figures) -> Vec<Evaluation> {
    let enabled = &site.config.crosswalks;
    let mut tagged: Vec<Vec<Vec<Item>>> = enabled.iter().map(|(_, c)| vec![Vec::new(); c.requirements.len()]).collect();
    let mut tag = |entries: &[toml::Spanned<String>], item: &dyn Fn() -> Item| {
        for e in entries {
            if let Named::Requirement { name, index } = resolve(e.get_ref(), enabled) {
                let c = enabled.iter().position(|(n, _)| n == name).expect("enabled");
                tagged[c][index].push(Item { why: "tagged".into(), ..item() });
            }
        }
    };
    for r in &site.reviews {
        if *r.fm.status.get_ref() == ReviewStatus::Planned {
            continue;
        }
        let date = *r.fm.date.get_ref();
        for d in &r.fm.decisions {
            tag(&d.requirements, &|| Item {
                date,
                source: Source { decision: Some(d.id.get_ref().clone()), ..Source::record(Kind::Review, &r.id) },
                what: format!("decision {}: {}", d.id.get_ref(), d.text),
                why: String::new(),
            });
        }
        for u in &r.fm.action_updates {
            tag(&u.requirements, &|| Item {
                date,
                source: Source { update_of: Some(u.action.get_ref().clone()), ..Source::record(Kind::Review, &r.id) },
                what: format!("update on {}: {}", u.action.get_ref(), u.note),
                why: String::new(),
            });
        }
    }
    for a in &site.actions {
        // An action evidences its requirement once it is done.
        if let Some(c) = &a.fm.closed {
            let date = *c.get_ref();
            tag(&a.fm.requirements, &|| Item {
                date,
                source: Source::record(Kind::Action, &a.id),
                what: format!("{} (closed)", a.fm.title),
                why: String::new(),
            });
        }
    }
    for n in &site.nonconformities {
        let date = *n.fm.raised.get_ref();
        tag(&n.fm.requirements, &|| Item {
            date,
            source: Source::record(Kind::Nonconformity, &n.id),
            what: n.fm.title.clone(),
            why: String::new(),
        });
    }
    for au in &site.audits {
        let date = *au.fm.end.as_ref().unwrap_or(&au.fm.start).get_ref();
        tag(&au.fm.requirements, &|| Item {
            date,
            source: Source::record(Kind::Audit, &au.id),
            what: au.fm.title.clone(),
            why: String::new(),
        });
    }
    enabled
        .iter()
        .zip(tagged)
        .map(|((name, cw), tagged)| Evaluation {
            name: name.clone(),
            crosswalk: cw.clone(),
            requirements: cw
                .requirements
                .iter()
                .zip(tagged)
                .map(|(req, mut items)| {
                    for rule in &req.evidence {
                        implicit(site, figures, rule, &mut items);
                    }
                    items.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.source.cmp(&b.source)));
                    items = merge(items);
                    let latest = items.first().map(|i| i.date);
                    Evaluated { standing: standing(latest, req.interval_months, site.as_of), items }
                })
                .collect(),
        })
        .collect()
}

/// One entry per place: evidence from the same source on the same date (a decision both
/// tagged and of a counted kind, a review found by two rules) is listed once, with every
/// reason it counts. `items` is sorted, so such entries are neighbours.
fn merge(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for it in items {
        match out.last_mut() {
            Some(prev) if prev.date == it.date && prev.source == it.source => {
                if !prev.what.split("; ").any(|w| w == it.what) {
                    prev.what = format!("{}; {}", prev.what, it.what);
                }
                if !prev.why.split("; ").any(|w| w == it.why) {
                    prev.why = format!("{}; {}", prev.why, it.why);
                }
            }
            _ => out.push(it),
        }
    }
    out
}

/// The evidence one implicit rule finds.
fn implicit(site: &Site, figures: &Figures, rule: &Rule, out: &mut Vec<Item>) {
    let why = rule.describe();
    let fw_title = |key: &str| {
        site.config
            .framework(&site.config.framework)
            .and_then(|f| f.input(key))
            .map_or(key.to_string(), |i| i.title.clone())
    };
    match rule {
        Rule::Reviews { .. } | Rule::TopManagement | Rule::Decisions { .. } | Rule::Nonconformities => {
            for (k, r) in site.reviews.iter().enumerate() {
                if *r.fm.status.get_ref() == ReviewStatus::Planned {
                    continue;
                }
                let date = *r.fm.date.get_ref();
                let covered =
                    |key: &str| figures.evidence[k].input_headings.iter().any(|(id, text)| id == key && *text);
                let top: Vec<&str> = (r.fm.attendees.iter())
                    .filter(|a| a.top_management && a.present)
                    .map(|a| a.name.as_str())
                    .collect();
                let at = |section: Option<&str>| Source {
                    section: section.map(String::from),
                    ..Source::record(Kind::Review, &r.id)
                };
                match rule {
                    Rule::Reviews { inputs } if inputs.iter().all(|i| covered(i)) => out.push(Item {
                        date,
                        source: at(inputs.first().map(String::as_str)),
                        what: if inputs.is_empty() {
                            format!("{} held", r.fm.title)
                        } else {
                            format!(
                                "the minutes cover {}",
                                inputs
                                    .iter()
                                    .map(|i| crate::warnings::lower_first(&fw_title(i)))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            )
                        },
                        why: why.clone(),
                    }),
                    Rule::TopManagement if !top.is_empty() => out.push(Item {
                        date,
                        source: at(None),
                        what: format!("top management present: {}", top.join(", ")),
                        why: why.clone(),
                    }),
                    Rule::Decisions { kinds, top_management } if !*top_management || !top.is_empty() => {
                        for d in r.fm.decisions.iter().filter(|d| kinds.iter().any(|k| k == d.kind.as_str())) {
                            out.push(Item {
                                date,
                                source: Source { decision: Some(d.id.get_ref().clone()), ..at(None) },
                                what: format!("decision {}: {}", d.id.get_ref(), d.text),
                                why: why.clone(),
                            });
                        }
                    }
                    Rule::Nonconformities if covered("nonconformities") => {
                        let m = &figures.metrics[k];
                        let age = m.nc_open_mean_age_days.map_or(String::new(), |v| format!(", mean age {v:.0} days"));
                        out.push(Item {
                            date,
                            source: at(Some("nonconformities")),
                            what: format!(
                                "{} nonconformities open at the review{age}; {} raised and {} closed in the period",
                                m.nc_open.total(),
                                m.nc_raised.total(),
                                m.nc_closed
                            ),
                            why: why.clone(),
                        });
                    }
                    _ => {}
                }
            }
        }
        Rule::NcClosures => {
            for n in &site.nonconformities {
                if let Some(c) = &n.fm.closed
                    && !n.fm.actions.is_empty()
                {
                    let (raised, closed) = (*n.fm.raised.get_ref(), *c.get_ref());
                    let days = raised.days_until(closed);
                    out.push(Item {
                        date: closed,
                        source: Source::record(Kind::Nonconformity, &n.id),
                        what: format!(
                            "{}: closed {} after it was raised, with {}",
                            n.fm.title,
                            crate::context::plural(days, "day"),
                            crate::context::plural(n.fm.actions.len() as i64, "corrective action")
                        ),
                        why: why.clone(),
                    });
                }
            }
        }
        Rule::Objectives => {
            for o in &site.objectives {
                for m in &o.fm.measurements {
                    out.push(Item {
                        date: *m.date.get_ref(),
                        source: Source::record(Kind::Objective, &o.id),
                        what: format!("{}: measured {}", o.fm.title, crate::context::number(m.value, &o.fm.unit)),
                        why: why.clone(),
                    });
                }
            }
        }
        Rule::Audits => {
            for au in &site.audits {
                let date = *au.fm.end.as_ref().unwrap_or(&au.fm.start).get_ref();
                out.push(Item {
                    date,
                    source: Source::record(Kind::Audit, &au.id),
                    what: match &au.fm.result {
                        Some(r) => format!("{}: {r}", au.fm.title),
                        None => au.fm.title.clone(),
                    },
                    why: why.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
