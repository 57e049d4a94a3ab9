//! `quorum new`: a new record from a template, with the next free ID. A new review gets a
//! heading for every input of its framework and, under the previous-actions input, the
//! actions open on its date.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::record::Kind;

/// What `quorum new` was asked for.
pub struct Request<'a> {
    /// What to create.
    pub kind: Kind,
    /// The ID to give it; else the next free one.
    pub id: Option<&'a str>,
    /// Its date (`raised`, `date`, `start`).
    pub date: Date,
}

/// The file written, relative to the site.
pub struct Created {
    /// The new record's ID.
    pub id: String,
    /// Its file.
    pub path: PathBuf,
    /// Something the user should know (e.g. the site has errors, so no actions were listed).
    pub note: Option<String>,
}

fn prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Review => "MR",
        Kind::Action => "A",
        Kind::Nonconformity => "NC",
        Kind::Objective => "OBJ",
        Kind::Audit => "IA",
        Kind::Page | Kind::Home => "P",
    }
}

/// The next free ID of a kind: `A-2025-015` after `A-2025-014` (actions, nonconformities,
/// reviews and audits count per year), `OBJ-06` after `OBJ-05`.
pub(crate) fn next_id(kind: Kind, taken: &[String], year: i16) -> String {
    let p = prefix(kind);
    let per_year = kind != Kind::Objective;
    let stem = if per_year { format!("{p}-{year}-") } else { format!("{p}-") };
    let (mut max, mut width) = (0u64, if per_year { 3 } else { 2 });
    for id in taken {
        if let Some(rest) = id.strip_prefix(&stem)
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = rest.parse::<u64>()
        {
            max = max.max(n);
            width = width.max(rest.len());
        }
    }
    loop {
        max += 1;
        let id = format!("{stem}{max:0width$}");
        if !taken.iter().any(|t| t.eq_ignore_ascii_case(&id)) {
            return id;
        }
    }
}

/// Writes the new record; refuses to overwrite anything or to reuse an ID.
pub fn create(root: &Path, req: &Request) -> Result<Created, String> {
    let config = crate::config::load(root).map_err(|e| match e {
        crate::config::LoadError::Io(m) => m,
        crate::config::LoadError::Content(d) => format!("site.toml has errors:\n{}", d.render()),
    })?;
    let (loaded, _) = crate::load::load(root).map_err(|e| e.to_string())?;
    let taken: Vec<String> = loaded.sources.iter().map(|s| s.id.clone()).collect();
    let id = match req.id {
        Some(id) if !crate::load::valid_id(id) => {
            return Err(format!(
                "`{id}` is not a valid ID: start with a letter or digit, then letters, digits, `.`, `_`, `-`"
            ));
        }
        Some(id) => id.to_string(),
        None => next_id(req.kind, &taken, req.date.year()),
    };
    if let Some(s) = loaded.sources.iter().find(|s| s.id.eq_ignore_ascii_case(&id)) {
        return Err(format!("ID `{id}` is taken by {}", s.text.file));
    }
    let folder = Path::new("content").join(req.kind.folder());
    // Actions and nonconformities kept in year folders stay that way.
    let year_dir = folder.join(req.date.year().to_string());
    let dir = if matches!(req.kind, Kind::Action | Kind::Nonconformity) && root.join(&year_dir).is_dir() {
        year_dir
    } else {
        folder
    };
    let path = dir.join(format!("{id}.md"));
    let mut note = None;
    let text = match req.kind {
        Kind::Review => {
            let (text, n) = review(root, &config, &id, req.date);
            note = n;
            text
        }
        Kind::Action => action(req.date),
        Kind::Nonconformity => nonconformity(&config, req.date),
        Kind::Objective => objective(req.date),
        Kind::Audit => audit(req.date),
        Kind::Page | Kind::Home => {
            return Err("quorum new makes reviews, actions, nonconformities, objectives and audits".into());
        }
    };
    let full = root.join(&path);
    std::fs::create_dir_all(root.join(&dir)).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&full)
        .map_err(|e| format!("cannot create {}: {e}", full.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", full.display()))?;
    Ok(Created { id, path, note })
}

fn action(date: Date) -> String {
    format!(
        "+++\ntitle = \"\"\nowner = \"\"\nraised = {date}\ndue = {}\n# origin = \"MR-…#D1\"   # the review, decision, nonconformity or audit that raised it\n# kind = \"corrective\"   # review | correction | corrective | improvement | risk_treatment\n+++\n\nWhat is to be done, and how completion will be shown.\n",
        date.add_months(1)
    )
}

fn nonconformity(config: &crate::config::Config, date: Date) -> String {
    let severity = config.severities.first().map_or("minor", String::as_str);
    format!(
        "+++\ntitle = \"\"\nraised = {date}\nseverity = \"{severity}\"   # {}\nsource = \"self\"   # internal_audit | external_audit | incident | monitoring | management_review | complaint | self\n# requirements = [\"ISO27001:2022 A.5.18\"]\n# correction = \"\"\n# root_cause = \"\"\n# actions = []\n+++\n\nWhat was found, where and when, and the evidence.\n",
        config.severities.join(" | ")
    )
}

fn objective(date: Date) -> String {
    format!(
        "+++\ntitle = \"\"\n# owner = \"\"\nunit = \"%\"\ntarget = 0\n# amber = 0   # warning threshold, on the worse side of the target\ndirection = \"higher_better\"   # or lower_better\n\n# [[measurements]]\n# date = {date}\n# value = 0\n+++\n\nWhy this objective matters and how it is measured.\n"
    )
}

fn audit(date: Date) -> String {
    format!(
        "+++\ntitle = \"\"\nkind = \"internal\"   # internal | external | certification | surveillance | supplier\nstart = {date}\n# end = {date}\n# auditor = \"\"\n# scope = \"\"\n# result = \"\"\n+++\n\nScope, method and findings.\n"
    )
}

/// A planned review with every input heading of the site's framework and the actions open on
/// its date under previous-actions.
fn review(root: &Path, config: &crate::config::Config, id: &str, date: Date) -> (String, Option<String>) {
    let framework = config.framework(&config.framework);
    let mut body = String::new();
    let mut note = None;
    for input in framework.map(|f| f.inputs.as_slice()).unwrap_or_default() {
        let level = if input.parent.is_some() { "###" } else { "##" };
        body.push_str(&format!("{level} {} {{#{}}}\n\n", input.title, input.key));
        if input.key == "previous-actions" {
            match open_actions(root, date) {
                Ok(list) if list.is_empty() => body.push_str("No action was open.\n\n"),
                Ok(list) => {
                    for line in list {
                        body.push_str(&line);
                    }
                    body.push('\n');
                }
                Err(why) => note = Some(why),
            }
        } else {
            body.push('\n');
        }
    }
    let text = format!(
        "+++\ntitle = \"Management review {id}\"\ndate = {date}\nstatus = \"planned\"   # held, then approved\n# chair = \"\"\n# climate_relevant = false\n\n# [[attendees]]\n# name = \"\"\n# role = \"\"\n# top_management = true\n\n# [[decisions]]\n# id = \"D1\"\n# text = \"\"\n# kind = \"improvement\"   # improvement | isms_change | resources | risk_acceptance | policy | objectives | other\n+++\n\n{body}"
    );
    (text, note)
}

/// `- [[A-1]] due 2025-06-30, owner` for every action open or overdue on `date`.
fn open_actions(root: &Path, date: Date) -> Result<Vec<String>, String> {
    let opts = crate::Options { root: root.to_path_buf(), as_of: Some(date), audience: "internal".into() };
    let checked = crate::check(&opts)
        .map_err(|_| "the site has errors (run `quorum check`), so the open actions were not listed".to_string())?;
    Ok(checked
        .site
        .actions
        .iter()
        .filter(|a| crate::metrics::action_status(&a.fm, date).is_open())
        .map(|a| format!("- [[{}]], due {}, {}\n", a.id, crate::metrics::due_as_of(&a.fm, date), a.fm.owner))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_ids() {
        let taken: Vec<String> =
            ["A-2025-014", "A-2025-002", "a-2024-099", "OBJ-05", "MR-2025-H1"].map(String::from).to_vec();
        assert_eq!(next_id(Kind::Action, &taken, 2025), "A-2025-015");
        assert_eq!(next_id(Kind::Action, &taken, 2026), "A-2026-001");
        assert_eq!(next_id(Kind::Objective, &taken, 2026), "OBJ-06");
        assert_eq!(next_id(Kind::Review, &taken, 2025), "MR-2025-001");
    }
}
