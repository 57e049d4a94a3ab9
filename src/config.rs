//! `site.toml` → [`Config`]: one typed struct, validated when read.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::crosswalk::{self, Crosswalk};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceText};
use crate::framework::{self, Framework};
use crate::parse::toml_diagnostic;

/// A build profile: what a given readership may see.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Audience {
    /// Keep records, decisions, updates and sections marked confidential.
    #[serde(default)]
    pub(crate) include_confidential: bool,
    /// Keep reviews with status `planned`.
    #[serde(default)]
    pub(crate) include_planned: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    organization: Option<String>,
    base_url: Option<String>,
    theme: Option<Spanned<String>>,
    framework: Option<Spanned<String>>,
    review_interval_months: Option<u32>,
    carry_over_limit: Option<u32>,
    severities: Option<Spanned<Vec<String>>>,
    kpi_severities: Option<Spanned<Vec<String>>>,
    as_of: Option<Date>,
    #[serde(default)]
    frameworks: BTreeMap<String, Framework>,
    /// `crosswalks = ["soc2", "nis2"]`, or a table: `enabled = [...]` and `[crosswalks.NAME]`
    /// definitions (read by hand: TOML cannot hold a list and tables under one key).
    crosswalks: Option<toml::Value>,
    #[serde(default)]
    audiences: BTreeMap<String, Audience>,
    #[serde(default)]
    raw_html: RawHtml,
    extra: Option<toml::Table>,
}

/// What happens to raw HTML written in Markdown bodies (`raw_html` in site.toml).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawHtml {
    /// Kept only as far as it is harmless: scripts, event handlers, `javascript:` URLs,
    /// forms, frames and styles are removed.
    #[default]
    Sanitize,
    /// Passed through unchanged: for sites whose every author is trusted.
    Trusted,
}

/// The site's configuration with every default applied.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) title: String,
    pub(crate) organization: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) theme: String,
    pub(crate) framework: String,
    pub(crate) review_interval_months: u32,
    pub(crate) carry_over_limit: u32,
    pub(crate) severities: Vec<String>,
    pub(crate) kpi_severities: Vec<String>,
    pub(crate) as_of: Option<Date>,
    pub(crate) frameworks: BTreeMap<String, Framework>,
    /// The enabled crosswalks, in the order `site.toml` lists them (docs/crosswalks.md).
    pub(crate) crosswalks: Vec<(String, Crosswalk)>,
    /// Where each enabled crosswalk is named in `site.toml` (line, column), for warnings.
    pub(crate) crosswalk_at: BTreeMap<String, (usize, usize)>,
    pub(crate) audiences: BTreeMap<String, Audience>,
    pub(crate) raw_html: RawHtml,
    pub(crate) extra: Option<toml::Table>,
}

impl Config {
    pub(crate) fn framework(&self, name: &str) -> Option<&Framework> {
        self.frameworks.get(name)
    }

    pub(crate) fn audience(&self, name: &str) -> Option<Audience> {
        self.audiences.get(name).cloned()
    }

    fn from_raw(raw: RawConfig, src: &SourceText) -> Result<Config, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut frameworks: BTreeMap<String, Framework> =
            framework::builtin().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        for (name, fw) in raw.frameworks {
            validate_framework(&name, &fw, src, &mut diags);
            frameworks.insert(name, fw);
        }
        let framework = match raw.framework {
            Some(f) if !frameworks.contains_key(f.get_ref()) => {
                diags.push(unknown_value(src, &f, "framework", frameworks.keys()));
                f.into_inner()
            }
            Some(f) => f.into_inner(),
            None => "iso27001-2022".to_string(),
        };
        let (crosswalks, crosswalk_at) = crosswalks(raw.crosswalks, frameworks.get(&framework), src, &mut diags);
        let theme = raw.theme.map_or_else(|| "default".to_string(), Spanned::into_inner);
        let severities = severities(raw.severities, src, &mut diags);
        let kpi_severities = kpi_severities(raw.kpi_severities, &severities, src, &mut diags);
        let mut audiences = BTreeMap::from([
            ("internal".to_string(), Audience { include_confidential: true, include_planned: true }),
            ("auditor".to_string(), Audience::default()),
        ]);
        audiences.extend(raw.audiences);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Config {
            title: raw.title,
            organization: raw.organization,
            base_url: raw.base_url,
            theme,
            framework,
            review_interval_months: raw.review_interval_months.unwrap_or(12),
            carry_over_limit: raw.carry_over_limit.unwrap_or(3),
            severities,
            kpi_severities,
            as_of: raw.as_of,
            frameworks,
            crosswalks,
            crosswalk_at,
            audiences,
            raw_html: raw.raw_html,
            extra: raw.extra,
        })
    }
}

/// The `crosswalks` setting: a list of names to enable, or a table with `enabled` and
/// definitions (`[crosswalks.NAME]`, which define a new crosswalk or replace a built-in one;
/// without `enabled`, the table enables the ones it defines).
#[allow(clippy::type_complexity)]
fn crosswalks(
    raw: Option<toml::Value>,
    fw: Option<&Framework>,
    src: &SourceText,
    diags: &mut Diagnostics,
) -> (Vec<(String, Crosswalk)>, BTreeMap<String, (usize, usize)>) {
    let mut known: BTreeMap<String, Crosswalk> =
        crosswalk::builtin().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    // Where a text first appears in site.toml after `from` (its line for a diagnostic).
    let find = |needle: &str, from: usize| src.text[from..].find(needle).map_or(from, |i| i + from);
    let start = find("crosswalks", 0);
    let bad = |what: String| src.diag("invalid-value", start..start + 1, what);
    let names: Vec<String> = match raw {
        None => return (Vec::new(), BTreeMap::new()),
        Some(toml::Value::Array(list)) => {
            let mut names = Vec::new();
            for v in list {
                match v {
                    toml::Value::String(s) => names.push(s),
                    other => diags.push(bad(format!("`crosswalks` lists names (strings), not {}", other.type_str()))),
                }
            }
            names
        }
        Some(toml::Value::Table(table)) => {
            let mut enabled = None;
            let mut defined = Vec::new();
            for (name, v) in table {
                if name == "enabled" {
                    match v {
                        toml::Value::Array(list) => {
                            enabled = Some(list.into_iter().filter_map(|x| x.as_str().map(String::from)).collect())
                        }
                        _ => diags.push(bad("`crosswalks.enabled` is a list of names".into())),
                    }
                    continue;
                }
                let at = find(&format!("crosswalks.{name}"), 0);
                // The name is a folder of the output (`evidence/NAME/`) and part of a file name.
                let name_ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !name_ok {
                    let d = src.diag("invalid-id", at..at + 1, format!("crosswalk name `{name}` is not valid"));
                    diags.push(d.hint("crosswalk names are lower-case letters, digits and `-`: `group-policy`"));
                    continue;
                }
                match v.try_into::<Crosswalk>() {
                    Ok(cw) => {
                        validate_crosswalk(&name, &cw, fw, src, at, diags);
                        known.insert(name.clone(), cw);
                        defined.push(name);
                    }
                    Err(e) => diags.push(src.diag(
                        "invalid-value",
                        at..at + 1,
                        format!("crosswalk `{name}`: {}", e.message().trim_end()),
                    )),
                }
            }
            enabled.unwrap_or(defined)
        }
        Some(other) => {
            diags.push(bad(format!("`crosswalks` is a list of names or a table, not {}", other.type_str())));
            return (Vec::new(), BTreeMap::new());
        }
    };
    let mut out = Vec::new();
    let mut at = BTreeMap::new();
    for name in names {
        let pos = find(&format!("\"{name}\""), start);
        match known.get(&name) {
            Some(cw) if !out.iter().any(|(n, _): &(String, Crosswalk)| *n == name) => {
                at.insert(name.clone(), src.line_col(pos));
                out.push((name, cw.clone()));
            }
            Some(_) => diags.push(src.diag(
                "invalid-value",
                pos..pos + name.len() + 2,
                format!("`crosswalks` names `{name}` twice"),
            )),
            None => {
                let list: Vec<&str> = known.keys().map(String::as_str).collect();
                let mut hint = format!("crosswalks: {} (define others as [crosswalks.NAME])", list.join(", "));
                if let Some(s) = crate::diagnostics::did_you_mean(&name, list.iter().copied()) {
                    hint = format!("did you mean `{s}`? {hint}");
                }
                diags.push(
                    src.diag("unknown-value", pos..pos + name.len() + 2, format!("unknown crosswalk `{name}`"))
                        .hint(hint),
                );
            }
        }
    }
    // Two enabled crosswalks must not share a prefix: a reference would be ambiguous.
    for (i, (name, cw)) in out.iter().enumerate() {
        if let Some((other, _)) = out[..i].iter().find(|(_, c)| c.prefix.eq_ignore_ascii_case(&cw.prefix)) {
            diags.push(bad(format!("crosswalks `{other}` and `{name}` share the prefix `{}`", cw.prefix)));
        }
    }
    (out, at)
}

fn validate_crosswalk(
    name: &str,
    cw: &Crosswalk,
    fw: Option<&Framework>,
    src: &SourceText,
    at: usize,
    diags: &mut Diagnostics,
) {
    let diag = |msg: String| src.diag("invalid-value", at..at + 1, format!("crosswalk `{name}`: {msg}"));
    if cw.prefix.trim().is_empty() || cw.prefix.contains(char::is_whitespace) {
        diags.push(diag(format!("`prefix` must be one word, such as `SOC2`, not `{}`", cw.prefix)));
    }
    for (i, r) in cw.requirements.iter().enumerate() {
        if r.reference.trim().is_empty() || r.title.trim().is_empty() {
            diags.push(diag("every requirement needs a `ref` and a `title`".into()));
        }
        if cw.requirements[..i].iter().any(|o| o.reference.eq_ignore_ascii_case(&r.reference)) {
            diags.push(diag(format!("requirement `{}` is listed twice", r.reference)));
        }
        let mut keys: Vec<&String> = r.inputs.iter().collect();
        for rule in &r.evidence {
            match rule {
                crosswalk::Rule::Reviews { inputs } => keys.extend(inputs),
                crosswalk::Rule::Decisions { kinds, .. } => {
                    for k in kinds.iter().filter(|k| !framework::DECISION_KINDS.contains(&k.as_str())) {
                        diags.push(
                            diag(format!("requirement `{}`: unknown decision kind `{k}`", r.reference))
                                .hint(format!("decision kinds: {}", framework::DECISION_KINDS.join(", "))),
                        );
                    }
                }
                _ => {}
            }
        }
        if let Some(fw) = fw {
            for k in keys.into_iter().filter(|k| fw.input(k).is_none()) {
                let all: Vec<&str> = fw.inputs.iter().map(|i| i.key.as_str()).collect();
                diags.push(
                    diag(format!("requirement `{}`: `{k}` is not an input of the site's framework", r.reference))
                        .hint(format!("inputs: {}", all.join(", "))),
                );
            }
        }
    }
}

/// `severities`: distinct, non-empty names; by default major, minor, observation.
fn severities(raw: Option<Spanned<Vec<String>>>, src: &SourceText, diags: &mut Diagnostics) -> Vec<String> {
    let Some(s) = raw else { return vec!["major".into(), "minor".into(), "observation".into()] };
    let span = s.span();
    let list = s.into_inner();
    let mut seen = std::collections::BTreeSet::new();
    if list.is_empty() || list.iter().any(|x| !seen.insert(x.as_str()) || x.trim().is_empty()) {
        diags.push(src.diag("invalid-value", span, "`severities` must list distinct, non-empty names"));
    }
    list
}

/// `kpi_severities`: each one of `severities`; by default all but `observation`.
fn kpi_severities(
    raw: Option<Spanned<Vec<String>>>,
    severities: &[String],
    src: &SourceText,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let Some(k) = raw else { return severities.iter().filter(|s| *s != "observation").cloned().collect() };
    for s in k.get_ref() {
        if !severities.contains(s) {
            let d = src.diag(
                "unknown-value",
                k.span(),
                format!("`kpi_severities` names `{s}`, which is not in `severities`"),
            );
            diags.push(d.hint(format!("severities are: {}", severities.join(", "))));
        }
    }
    k.into_inner()
}

fn unknown_value<'a>(
    src: &SourceText,
    value: &Spanned<String>,
    field: &str,
    allowed: impl Iterator<Item = &'a String> + Clone,
) -> Diagnostic {
    let list: Vec<&str> = allowed.clone().map(String::as_str).collect();
    let mut hint = format!("allowed values: {}", list.join(", "));
    if let Some(s) = crate::diagnostics::did_you_mean(value.get_ref(), list.iter().copied()) {
        hint = format!("did you mean `{s}`? ({hint})");
    }
    src.diag("unknown-value", value.span(), format!("unknown {field} `{}`", value.get_ref())).hint(hint)
}

fn validate_framework(name: &str, fw: &Framework, src: &SourceText, diags: &mut Diagnostics) {
    let at = src.text.find(&format!("[frameworks.{name}")).unwrap_or(0);
    let keys: Vec<&str> = fw.inputs.iter().map(|i| i.key.as_str()).collect();
    for (i, input) in fw.inputs.iter().enumerate() {
        if keys[..i].contains(&input.key.as_str()) {
            diags.push(src.diag(
                "duplicate-id",
                at..at + 1,
                format!("framework `{name}` lists input `{}` twice", input.key),
            ));
        }
        if let Some(p) = &input.panel
            && !framework::PANELS.contains(&p.as_str())
        {
            let d = src.diag(
                "unknown-value",
                at..at + 1,
                format!("framework `{name}`: input `{}` names unknown panel `{p}`", input.key),
            );
            diags.push(d.hint(format!("panels: {}", framework::PANELS.join(", "))));
        }
        let key_ok = input.key.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && input.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            let d = src.diag(
                "invalid-id",
                at..at + 1,
                format!("framework `{name}`: input key `{}` is not valid", input.key),
            );
            diags.push(d.hint("input keys are lower-case letters, digits and `-`, as heading ids: `previous-actions`"));
        }
        if let Some(p) = &input.parent
            && !keys[..i].contains(&p.as_str())
        {
            diags.push(src.diag(
                "unknown-id",
                at..at + 1,
                format!(
                    "framework `{name}`: input `{}` has parent `{p}`, which is not an input listed before it",
                    input.key
                ),
            ));
        }
    }
    for o in &fw.outputs {
        if !framework::DECISION_KINDS.contains(&o.as_str()) {
            let d = src.diag(
                "unknown-value",
                at..at + 1,
                format!("framework `{name}`: unknown output decision kind `{o}`"),
            );
            diags.push(d.hint(format!("decision kinds: {}", framework::DECISION_KINDS.join(", "))));
        }
    }
}

/// Reads and validates `ROOT/site.toml`.
pub(crate) fn load(root: &Path) -> Result<Config, LoadError> {
    let path = root.join("site.toml");
    let bytes = match crate::fs::read_file(&path, crate::fs::MAX_RECORD_BYTES) {
        Ok(b) => b,
        Err(crate::fs::ReadError::Io(e)) => {
            return Err(LoadError::Io(format!("cannot read {}: {e}", path.display())));
        }
        // A FIFO or device is refused, never read (it would block or never end).
        Err(e) => {
            let d = crate::load::read_diagnostic(
                "site.toml",
                e,
                "site.toml holds settings only; remove what does not belong in it",
            );
            return Err(LoadError::Content(Diagnostics(vec![d])));
        }
    };
    let text = match crate::load::decode("site.toml", bytes) {
        Ok(t) => t,
        Err(d) => return Err(LoadError::Content(Diagnostics(vec![d]))),
    };
    let src = SourceText { file: "site.toml".into(), text };
    let raw: RawConfig = toml::from_str(&src.text)
        .map_err(|e| LoadError::Content(Diagnostics(vec![toml_diagnostic(&src, 0, &e, None)])))?;
    if let Some(theme) = &raw.theme
        && theme.get_ref() != "default"
        && !root.join("themes").join(theme.get_ref()).is_dir()
    {
        let d = src.diag("unknown-value", theme.span(), format!("theme `{}` not found", theme.get_ref()));
        let hint = format!(
            "use the built-in `default`, or put the theme in themes/{}/ (templates/ and static/)",
            theme.get_ref()
        );
        return Err(LoadError::Content(Diagnostics(vec![d.hint(hint)])));
    }
    Config::from_raw(raw, &src).map_err(LoadError::Content)
}

/// Why `site.toml` could not be used.
#[derive(Debug)]
pub(crate) enum LoadError {
    Io(String),
    Content(Diagnostics),
}
