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

/// How a kind's IDs are numbered, as read from its existing IDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `MR-2026-H1`: one per half-year.
    Half,
    /// `MR-2026-Q3`: one per quarter.
    Quarter,
    /// `A-2025-014`: counted within each year.
    Yearly,
    /// `OBJ-05`: counted.
    Plain,
}

impl Shape {
    /// The period letter and the periods in a year, for `Half` and `Quarter`.
    fn period(self) -> Option<(char, u64)> {
        match self {
            Shape::Half => Some(('H', 2)),
            Shape::Quarter => Some(('Q', 4)),
            Shape::Yearly | Shape::Plain => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Shape::Half => "half-year",
            Shape::Quarter => "quarter",
            Shape::Yearly | Shape::Plain => "number",
        }
    }
}

/// One existing ID read as `PREFIX-YEAR-H1`, `PREFIX-YEAR-Q3`, `PREFIX-YEAR-014` or `PREFIX-05`.
#[derive(Clone, Debug)]
struct Parsed<'a> {
    prefix: &'a str,
    shape: Shape,
    /// The year (0 for `Plain`).
    year: i16,
    /// The half-year, quarter or count.
    n: u64,
    /// The number as written, for its zero-padded width (`Yearly`, `Plain`).
    digits: &'a str,
    /// `H` or `Q` as written.
    letter: char,
}

fn parse_id(id: &str) -> Option<Parsed<'_>> {
    let (head, last) = id.rsplit_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let year = head.rsplit_once('-').and_then(|(prefix, y)| {
        let year = (y.len() == 4 && digits(y)).then(|| y.parse::<i16>().ok()).flatten()?;
        (!prefix.is_empty() && (1900..=2999).contains(&year)).then_some((prefix, year))
    });
    let mut chars = last.chars();
    let letter = chars.next()?;
    let rest = chars.as_str();
    match year {
        Some((prefix, year)) if digits(rest) && matches!(letter, 'H' | 'h' | 'Q' | 'q') => {
            let (shape, n) = if letter.eq_ignore_ascii_case(&'h') { (Shape::Half, 2) } else { (Shape::Quarter, 4) };
            let p = rest.parse::<u64>().ok().filter(|p| (1..=n).contains(p) && rest.len() == 1)?;
            Some(Parsed { prefix, shape, year, n: p, digits: rest, letter })
        }
        Some((prefix, year)) if digits(last) => {
            Some(Parsed { prefix, shape: Shape::Yearly, year, n: last.parse().ok()?, digits: last, letter })
        }
        Some(_) => None,
        None if !head.is_empty() && digits(last) => {
            Some(Parsed { prefix: head, shape: Shape::Plain, year: 0, n: last.parse().ok()?, digits: last, letter })
        }
        None => None,
    }
}

/// The scheme a kind's IDs follow: a shape and a prefix, spelled and padded as the site does.
#[derive(Debug)]
struct Scheme<'a> {
    shape: Shape,
    prefix: String,
    letter: char,
    width: usize,
    /// The existing IDs that follow it.
    members: Vec<Parsed<'a>>,
}

/// Why `quorum new` cannot choose an ID itself.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NoId {
    /// The kind's IDs follow no scheme, or several with none dominant.
    Unclear,
    /// The period of the record's date is taken (`id`); `next` is the first free one after
    /// the latest existing period, which runs from `from` to `to`.
    PeriodTaken { id: String, shape: &'static str, next: String, from: Date, to: Date },
}

/// The scheme of a kind's existing IDs; `Ok(None)` when it has none (the defaults apply).
///
/// The dominant shape is the one most IDs follow, if it holds at least half of them and
/// more than any other shape: IDs of no known shape (`MR-2025-X1`) are outvoted, not fatal.
/// Within it, the kind's default prefix wins if the site uses it (audits `IA-` among `CB-`
/// and `SUP-`: `quorum new audit` writes an internal audit), else the prefix of most of them.
fn scheme<'a>(kind: Kind, ids: &[&'a str]) -> Result<Option<Scheme<'a>>, NoId> {
    if ids.is_empty() {
        return Ok(None);
    }
    let parsed: Vec<Parsed> = ids.iter().filter_map(|id| parse_id(id)).collect();
    let count = |shape: Shape| parsed.iter().filter(|p| p.shape == shape).count();
    let shapes = [Shape::Half, Shape::Quarter, Shape::Yearly, Shape::Plain];
    let (best, n) = shapes.iter().map(|&s| (s, count(s))).max_by_key(|&(_, n)| n).ok_or(NoId::Unclear)?;
    if n == 0 || n * 2 < ids.len() || shapes.iter().any(|&s| s != best && count(s) == n) {
        return Err(NoId::Unclear);
    }
    let of_shape: Vec<Parsed> = parsed.into_iter().filter(|p| p.shape == best).collect();
    let with = |prefix: &str| of_shape.iter().filter(|p| p.prefix.eq_ignore_ascii_case(prefix)).count();
    let prefix = if with(prefix(kind)) > 0 {
        prefix(kind)
    } else {
        let most = of_shape.iter().max_by_key(|p| with(p.prefix)).map(|p| p.prefix).ok_or(NoId::Unclear)?;
        if with(most) * 2 <= of_shape.len() {
            return Err(NoId::Unclear);
        }
        most
    };
    let members: Vec<Parsed> = of_shape.into_iter().filter(|p| p.prefix.eq_ignore_ascii_case(prefix)).collect();
    let latest = members.iter().max_by_key(|p| (p.year, p.n)).ok_or(NoId::Unclear)?;
    // The padding the site chose: the longest zero-padded number, else the shortest number.
    let padded = members.iter().filter(|p| p.digits.len() > 1 && p.digits.starts_with('0'));
    let width = padded.map(|p| p.digits.len()).max().or_else(|| members.iter().map(|p| p.digits.len()).min());
    Ok(Some(Scheme {
        shape: best,
        prefix: latest.prefix.to_string(),
        letter: latest.letter,
        width: width.unwrap_or(1),
        members,
    }))
}

/// The half-year or quarter (1-based) that holds `date`, of `per_year` periods.
fn period_of(date: Date, per_year: u64) -> u64 {
    let months = 12 / per_year;
    (1..per_year)
        .rev()
        .find(|&p| Date::new(date.year(), (p * months + 1) as i8, 1).is_some_and(|start| date >= start))
        .map_or(1, |p| p + 1)
}

/// The first and last day of period `p` (1-based) of `year`, of `per_year` periods.
fn period_dates(year: i16, p: u64, per_year: u64) -> (Date, Date) {
    let months = 12 / per_year;
    let (first, last) = ((p - 1) * months + 1, p * months);
    // Periods end in March, June, September or December.
    let day = if matches!(last, 6 | 9) { 30 } else { 31 };
    let date = |m: u64, d: i8| Date::new(year, m as i8, d).expect("a period's first or last day");
    (date(first, 1), date(last, day))
}

/// The next free ID of a kind, following the scheme of its existing IDs (`kind_ids`):
/// `MR-2026-H2` (the half-year or quarter of `date`), `A-2025-015` after `A-2025-014` (the
/// count of `date`'s year), `OBJ-06` after `OBJ-05`. `taken` holds every ID of the site.
/// Without IDs of the kind: `PREFIX-YEAR-001`, objectives `OBJ-01`.
pub(crate) fn next_id(kind: Kind, kind_ids: &[&str], taken: &[&str], date: Date) -> Result<String, NoId> {
    let is_taken = |id: &str| taken.iter().chain(kind_ids).any(|t| t.eq_ignore_ascii_case(id));
    let Some(s) = scheme(kind, kind_ids)? else {
        let (shape, width) = if kind == Kind::Objective { (Shape::Plain, 2) } else { (Shape::Yearly, 3) };
        let s = Scheme { shape, prefix: prefix(kind).to_string(), letter: 'H', width, members: Vec::new() };
        return Ok(counted(&s, date.year(), is_taken));
    };
    let Some((_, per_year)) = s.shape.period() else {
        return Ok(counted(&s, date.year(), is_taken));
    };
    let id_of = |year: i16, p: u64| format!("{}-{year}-{}{p}", s.prefix, s.letter);
    let (year, p) = (date.year(), period_of(date, per_year));
    if !is_taken(&id_of(year, p)) {
        return Ok(id_of(year, p));
    }
    let latest = s.members.iter().map(|m| (m.year, m.n)).max().unwrap_or((year, p));
    let (mut y, mut q) = latest.max((year, p));
    loop {
        (y, q) = if q == per_year { (y + 1, 1) } else { (y, q + 1) };
        if !is_taken(&id_of(y, q)) {
            let (from, to) = period_dates(y, q, per_year);
            return Err(NoId::PeriodTaken { id: id_of(year, p), shape: s.shape.name(), next: id_of(y, q), from, to });
        }
    }
}

/// The next count: within `year` for `Yearly`, overall for `Plain`.
fn counted(s: &Scheme, year: i16, is_taken: impl Fn(&str) -> bool) -> String {
    let stem = match s.shape {
        Shape::Plain => format!("{}-", s.prefix),
        _ => format!("{}-{year}-", s.prefix),
    };
    let same = |m: &&Parsed| s.shape == Shape::Plain || m.year == year;
    let mut n = s.members.iter().filter(same).map(|m| m.n).max().unwrap_or(0);
    loop {
        n += 1;
        let id = format!("{stem}{n:0width$}", width = s.width);
        if !is_taken(&id) {
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
    let id = choose_id(&loaded.sources, req)?;
    if let Some(s) = loaded.sources.iter().find(|s| s.id.eq_ignore_ascii_case(&id)) {
        return Err(format!("ID `{id}` is taken by {}", s.text.file));
    }
    let folder = Path::new("content").join(req.kind.folder());
    // Actions and nonconformities kept in year folders stay that way, in a new year too.
    let year_dir = folder.join(req.date.year().to_string());
    let by_year = root.join(&year_dir).is_dir() || has_year_folders(&root.join(&folder));
    let dir = if matches!(req.kind, Kind::Action | Kind::Nonconformity) && by_year { year_dir } else { folder };
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

/// Whether `dir` holds a folder named like a year (`2025`).
fn has_year_folders(dir: &Path) -> bool {
    std::fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit()) && e.path().is_dir()
    })
}

/// The ID asked for, if valid, else the next one of the site's scheme for the kind; when that
/// cannot be told, a message that asks for the ID and shows the existing ones.
fn choose_id(sources: &[crate::load::Source], req: &Request) -> Result<String, String> {
    if let Some(id) = req.id {
        if !crate::load::valid_id(id) {
            return Err(format!(
                "`{id}` is not a valid ID: start with a letter or digit, then letters, digits, `.`, `_`, `-`"
            ));
        }
        return Ok(id.to_string());
    }
    let taken: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    let mut of_kind: Vec<&str> = sources.iter().filter(|s| s.kind == req.kind).map(|s| s.id.as_str()).collect();
    of_kind.sort_by_key(|id| id.to_ascii_lowercase());
    let kind = req.kind.label();
    match next_id(req.kind, &of_kind, &taken, req.date) {
        Ok(id) => Ok(id),
        Err(NoId::Unclear) => {
            let last = &of_kind[of_kind.len().saturating_sub(10)..];
            let shown = if last.len() < of_kind.len() { format!("the last {} of ", last.len()) } else { String::new() };
            Err(format!(
                "cannot tell which {kind} ID comes next: the existing {kind} IDs follow no one scheme \
                 (such as MR-2026-H1, MR-2026-Q3, A-2025-014 or OBJ-05).\n\
                 Give the ID: `quorum new {kind} {}-…`\n\
                 Existing {kind} IDs ({shown}{}): {}",
                prefix(req.kind),
                of_kind.len(),
                last.join(", ")
            ))
        }
        Err(NoId::PeriodTaken { id, shape, next, from, to }) => {
            let file = sources.iter().find(|s| s.id.eq_ignore_ascii_case(&id)).map(|s| s.text.file.clone());
            Err(format!(
                "{id}, the ID for the {shape} of {date}, is taken by {}.\n\
                 For the next free {shape}, {next}, give its date: `quorum new {kind} --date DATE` with a date from {from} to {to}.\n\
                 For another {kind} in the same {shape} (an extraordinary one), give its ID: `quorum new {kind} ID --date {date}`",
                file.as_deref().unwrap_or("another record"),
                date = req.date,
            ))
        }
    }
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

/// A planned review with every input heading of the site's framework, and an
/// `[[action_updates]]` entry to fill in for each action open on its date: the status of
/// previous actions lives in the front matter, where the previous-actions panel shows it,
/// not in a second list in the minutes that would go stale.
fn review(root: &Path, config: &crate::config::Config, id: &str, date: Date) -> (String, Option<String>) {
    let framework = config.framework(&config.framework);
    let (updates, prompt, note) = match open_actions(root, date) {
        Ok(open) if open.is_empty() => (String::new(), "No action was open.".to_string(), None),
        Ok(open) => (
            action_updates(&open, date),
            "Summarise here; each open action's status goes in its `[[action_updates]]` note above.".to_string(),
            None,
        ),
        Err(why) => (
            String::new(),
            format!("Add an `[[action_updates]]` entry for each action open on {date}, and summarise here."),
            Some(why),
        ),
    };
    let mut body = String::new();
    for input in framework.map(|f| f.inputs.as_slice()).unwrap_or_default() {
        let level = if input.parent.is_some() { "###" } else { "##" };
        body.push_str(&format!("{level} {} {{#{}}}\n\n", input.title, input.key));
        if input.key == "previous-actions" {
            body.push_str(&format!("{prompt}\n\n"));
        } else {
            body.push('\n');
        }
    }
    let text = format!(
        "+++\ntitle = \"Management review {id}\"\ndate = {date}\nstatus = \"planned\"   # held, then approved\n# chair = \"\"\n# climate_relevant = false\n\n# [[attendees]]\n# name = \"\"\n# role = \"\"\n# top_management = true\n\n# [[decisions]]\n# id = \"D1\"\n# text = \"\"\n# kind = \"improvement\"   # improvement | isms_change | resources | risk_acceptance | policy | objectives | other\n{updates}+++\n\n{body}"
    );
    (text, note)
}

/// An action open on a review's date, as its `[[action_updates]]` entry names it.
struct OpenAction {
    id: String,
    title: String,
    due: Date,
    owner: String,
    confidential: bool,
}

/// The `[[action_updates]]` entries for the open actions, each note empty and each action
/// named in a comment. An update about a confidential action starts confidential.
fn action_updates(open: &[OpenAction], date: Date) -> String {
    let mut text = format!(
        "\n# What management is told about each action open on {date}: write each note before the\n# review is held, and delete the entries it does not report on.\n"
    );
    for a in open {
        let title = if a.title.trim().is_empty() { "(no title)" } else { a.title.trim() };
        text.push_str(&format!(
            "\n[[action_updates]]\naction = \"{}\"   # {}; due {}; {}\nnote = \"\"\n",
            a.id,
            comment(title),
            a.due,
            comment(&a.owner)
        ));
        if a.confidential {
            text.push_str("confidential = true   # the action is confidential\n");
        }
    }
    text
}

/// Text fit for a TOML comment: one line, without control characters.
fn comment(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Every action open or overdue on `date`, with the due date in force then.
fn open_actions(root: &Path, date: Date) -> Result<Vec<OpenAction>, String> {
    let opts = crate::Options { root: root.to_path_buf(), as_of: Some(date), audience: "internal".into() };
    let checked = crate::check(&opts)
        .map_err(|_| "the site has errors (run `quorum check`), so the open actions were not listed".to_string())?;
    Ok(checked
        .site
        .actions
        .iter()
        .filter(|a| crate::metrics::action_status(&a.fm, date).is_open())
        .map(|a| OpenAction {
            id: a.id.clone(),
            title: a.fm.title.clone(),
            due: crate::metrics::due_as_of(&a.fm, date),
            owner: a.fm.owner.clone(),
            confidential: a.fm.confidential,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("a date")
    }

    /// The next ID of `kind` on a site whose IDs of that kind are `ids` (and no others).
    fn next(kind: Kind, ids: &[&str], date: &str) -> Result<String, NoId> {
        next_id(kind, ids, ids, d(date))
    }

    const EXAMPLE_REVIEWS: [&str; 6] =
        ["MR-2024-H2", "MR-2025-H1", "MR-2025-X1", "MR-2026-H1", "MR-2026-H2", "MR-2027-H1"];

    #[test]
    fn numbered_per_year_continues_the_year_and_keeps_the_width() {
        let ids = ["A-2025-014", "A-2025-002", "a-2024-099"];
        assert_eq!(next(Kind::Action, &ids, "2025-03-01").unwrap(), "A-2025-015");
        assert_eq!(next(Kind::Action, &ids, "2026-01-02").unwrap(), "A-2026-001", "a new year starts at 1");
        assert_eq!(next(Kind::Audit, &["IA-2024-02", "IA-2025-01"], "2025-05-01").unwrap(), "IA-2025-02");
        assert_eq!(next(Kind::Audit, &["IA-2024-02", "IA-2025-01"], "2026-05-01").unwrap(), "IA-2026-01");
        assert_eq!(next(Kind::Action, &["A-2025-1", "A-2025-9"], "2025-05-01").unwrap(), "A-2025-10", "no padding");
        assert_eq!(next(Kind::Action, &["A-2025-999"], "2025-05-01").unwrap(), "A-2025-1000");
    }

    #[test]
    fn plain_numbers_count_on() {
        assert_eq!(next(Kind::Objective, &["OBJ-05", "OBJ-01"], "2026-01-01").unwrap(), "OBJ-06");
        assert_eq!(next(Kind::Action, &["A-1"], "2026-01-01").unwrap(), "A-2");
    }

    #[test]
    fn half_years_take_the_half_year_of_the_date() {
        assert_eq!(next(Kind::Review, &["MR-2026-H1"], "2026-11-20").unwrap(), "MR-2026-H2");
        assert_eq!(next(Kind::Review, &["MR-2026-H1", "MR-2026-H2"], "2027-03-05").unwrap(), "MR-2027-H1");
        assert_eq!(next(Kind::Review, &["MR-2026-H1"], "2026-06-30").unwrap_err(), taken_h("MR-2026-H1", "MR-2026-H2"));
        assert_eq!(next(Kind::Review, &["MR-2026-H1"], "2026-07-01").unwrap(), "MR-2026-H2");
        // A free earlier period is the date's to take.
        assert_eq!(next(Kind::Review, &["MR-2024-H1", "MR-2025-H1"], "2024-10-01").unwrap(), "MR-2024-H2");
    }

    fn taken_h(id: &str, next: &str) -> NoId {
        let year: i16 = next[3..7].parse().unwrap();
        let (from, to) = if next.ends_with("H1") { ("01-01", "06-30") } else { ("07-01", "12-31") };
        NoId::PeriodTaken {
            id: id.into(),
            shape: "half-year",
            next: next.into(),
            from: d(&format!("{year}-{from}")),
            to: d(&format!("{year}-{to}")),
        }
    }

    #[test]
    fn quarters_roll_over_into_the_next_year() {
        assert_eq!(next(Kind::Review, &["MR-2026-Q3"], "2026-10-01").unwrap(), "MR-2026-Q4");
        assert_eq!(next(Kind::Review, &["MR-2026-Q3", "MR-2026-Q4"], "2027-02-10").unwrap(), "MR-2027-Q1");
        assert_eq!(next(Kind::Review, &["MR-2026-Q3"], "2026-04-01").unwrap(), "MR-2026-Q2");
        let Err(NoId::PeriodTaken { next: n, from, to, .. }) =
            next(Kind::Review, &["MR-2026-Q3", "MR-2026-Q4"], "2026-12-01")
        else {
            panic!("Q4 is taken")
        };
        assert_eq!((n.as_str(), from, to), ("MR-2027-Q1", d("2027-01-01"), d("2027-03-31")));
    }

    #[test]
    fn the_example_reviews_continue_by_half_year_despite_the_extraordinary_one() {
        assert_eq!(next(Kind::Review, &EXAMPLE_REVIEWS, "2027-09-15").unwrap(), "MR-2027-H2");
        assert_eq!(next(Kind::Review, &EXAMPLE_REVIEWS, "2028-01-15").unwrap(), "MR-2028-H1");
        // Taken: the period of the date is refused, naming the next free one after the latest.
        assert_eq!(
            next(Kind::Review, &EXAMPLE_REVIEWS, "2026-11-20").unwrap_err(),
            taken_h("MR-2026-H2", "MR-2027-H2")
        );
        assert_eq!(next(Kind::Review, &["MR-2025-H1", "MR-2025-X1"], "2025-08-01").unwrap(), "MR-2025-H2");
    }

    #[test]
    fn an_id_of_another_kind_is_not_reused() {
        let taken = ["A-2025-015", "MR-2026-H2"];
        assert_eq!(next_id(Kind::Action, &["A-2025-014"], &taken, d("2025-03-01")).unwrap(), "A-2025-016");
        assert!(next_id(Kind::Review, &["MR-2026-H1"], &taken, d("2026-08-01")).is_err());
    }

    #[test]
    fn a_kind_without_records_keeps_the_defaults() {
        assert_eq!(next(Kind::Review, &[], "2025-03-01").unwrap(), "MR-2025-001");
        assert_eq!(next(Kind::Action, &[], "2025-03-01").unwrap(), "A-2025-001");
        assert_eq!(next(Kind::Objective, &[], "2025-03-01").unwrap(), "OBJ-01");
    }

    #[test]
    fn the_default_prefix_wins_among_several() {
        let audits = ["CB-2025-01", "CB-2026-01", "IA-2024-02", "IA-2025-01", "IA-2026-01", "SUP-2026-01"];
        assert_eq!(next(Kind::Audit, &audits, "2026-12-01").unwrap(), "IA-2026-02");
        assert_eq!(next(Kind::Review, &["ISMS-2025-H1", "ISMS-2025-H2"], "2026-03-01").unwrap(), "ISMS-2026-H1");
        assert_eq!(next(Kind::Audit, &["CB-2025-01", "SUP-2026-01"], "2026-12-01").unwrap_err(), NoId::Unclear);
    }

    #[test]
    fn an_unclear_scheme_is_not_guessed() {
        let unclear = |ids: &[&str]| next(Kind::Review, ids, "2026-01-01").unwrap_err() == NoId::Unclear;
        assert!(unclear(&["spring-review", "autumn-review"]), "no known shape");
        assert!(unclear(&["MR-2025-X1"]), "only extraordinary reviews");
        assert!(unclear(&["MR-2025-H1", "MR-2025-Q3"]), "half-years and quarters, neither dominant");
        assert!(unclear(&["MR-2025-H1", "MR-2025-001", "MR-5"]), "three schemes");
        assert!(unclear(&["MR-2025-H1", "x", "y"]), "most IDs follow no scheme");
    }

    #[test]
    fn ids_are_read_by_shape() {
        let shape = |id: &'static str| parse_id(id).map(|p| (p.prefix, p.shape, p.year, p.n));
        assert_eq!(shape("MR-2026-H2"), Some(("MR", Shape::Half, 2026, 2)));
        assert_eq!(shape("MR-2026-Q4"), Some(("MR", Shape::Quarter, 2026, 4)));
        assert_eq!(shape("NC-2026-016"), Some(("NC", Shape::Yearly, 2026, 16)));
        assert_eq!(shape("OBJ-05"), Some(("OBJ", Shape::Plain, 0, 5)));
        assert_eq!(shape("ISMS-MR-2026-H1"), Some(("ISMS-MR", Shape::Half, 2026, 1)));
        for other in ["MR-2025-X1", "MR-2026-H3", "MR-2026-Q5", "MR-2026-H01", "intro", "-5", "A-2025-"] {
            assert!(shape(other).is_none(), "{other}");
        }
    }

    #[test]
    fn periods_of_dates() {
        assert_eq!([period_of(d("2026-06-30"), 2), period_of(d("2026-07-01"), 2)], [1, 2]);
        let q = ["2026-01-01", "2026-03-31", "2026-04-01", "2026-09-30", "2026-10-01", "2026-12-31"];
        assert_eq!(q.map(|x| period_of(d(x), 4)), [1, 1, 2, 3, 4, 4]);
        assert_eq!(period_dates(2026, 2, 4), (d("2026-04-01"), d("2026-06-30")));
        assert_eq!(period_dates(2026, 2, 2), (d("2026-07-01"), d("2026-12-31")));
    }

    #[test]
    fn open_actions_become_action_updates_to_fill_in() {
        let open = [OpenAction {
            id: "A-1".into(),
            title: "Encrypt\nlaptops".into(),
            due: d("2025-12-01"),
            owner: "IT".into(),
            confidential: true,
        }];
        let text = action_updates(&open, d("2025-06-30"));
        assert!(
            text.contains(
                "[[action_updates]]\naction = \"A-1\"   # Encrypt laptops; due 2025-12-01; IT\nnote = \"\"\n"
            ),
            "{text}"
        );
        let table: toml::Table = text.parse().expect("valid TOML");
        assert_eq!(table["action_updates"][0]["confidential"].as_bool(), Some(true));
    }
}
