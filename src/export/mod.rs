//! The published view → the exports (`site.json`, CSV, calendar) and the Atom feed. The view
//! holds no fact dated after the as-of date, so none is exported.

use serde_json::{Map, Value};

use crate::date::Date;

mod site_json;
pub(crate) use site_json::site_json;

use crate::escape::{self, ics_text};
use crate::metrics::Figures;
use crate::model::{Published, shown};
use crate::output::{OutputFile, toml_to_json};
use crate::record::Kind;
use crate::record::Sp;
use crate::site_map::{self, href};

fn extra(t: &Option<toml::Table>) -> Value {
    t.as_ref().map_or(Value::Object(Map::new()), |t| toml_to_json(&toml::Value::Table(t.clone())))
}

/// Every file under `exports/` plus the Atom feed.
pub(crate) fn exports(site: &Published, figures: &Figures, base_url: Option<&str>) -> Vec<OutputFile> {
    let base = base_url.or(site.config.base_url.as_deref());
    let mut files = vec![
        OutputFile { path: site_map::SITE_JSON.into(), bytes: site_json(site, figures).into_bytes().into() },
        OutputFile { path: site_map::ACTIONS_CSV.into(), bytes: actions_csv(site).into_bytes().into() },
        OutputFile { path: site_map::NONCONFORMITIES_CSV.into(), bytes: nonconformities_csv(site).into_bytes().into() },
        OutputFile { path: site_map::ACTIONS_ICS.into(), bytes: actions_ics(site, base).into_bytes().into() },
        OutputFile { path: site_map::FEED.into(), bytes: atom(site, base).into_bytes().into() },
    ];
    // One CSV per enabled crosswalk, for the auditor's workpapers.
    for ev in &figures.crosswalks {
        let rows = crate::context::crosswalks::csv_rows(site, ev);
        files.push(OutputFile {
            path: crate::context::crosswalks::csv_href(&ev.name),
            bytes: csv(crate::context::crosswalks::CSV_HEADER, rows).into_bytes().into(),
        });
    }
    files
}

/// RFC 4180 text: CRLF line ends, a header row; a UTF-8 BOM so spreadsheets read accents
/// right. Cells are written by the `csv` crate (quoted only when needed) after the formula
/// guard of [`escape::csv_cell`].
fn csv(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer("\u{feff}".as_bytes().to_vec());
    let header = header.iter().map(|h| escape::csv_cell(h));
    // Writing into memory cannot fail, and every cell is UTF-8 text.
    w.write_record(header.map(|c| c.into_owned())).expect("CSV into memory");
    for row in rows {
        w.write_record(row.iter().map(|c| escape::csv_cell(c).into_owned())).expect("CSV into memory");
    }
    let bytes = w.into_inner().expect("CSV into memory");
    String::from_utf8(bytes).expect("UTF-8 cells make UTF-8 CSV")
}

fn opt_date(d: &Option<Sp<Date>>) -> String {
    d.as_ref().map_or(String::new(), |x| x.get_ref().to_string())
}

fn actions_csv(site: &Published) -> String {
    let rows = shown(&site.actions)
        .map(|r| {
            let f = &r.fm;
            vec![
                r.id.clone(),
                f.title.clone(),
                f.owner.clone(),
                serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                f.origin.as_ref().map_or(String::new(), |o| o.get_ref().clone()),
                f.raised.get_ref().to_string(),
                f.due.get_ref().to_string(),
                site.facts.actions[r.at].due.to_string(),
                opt_date(&f.closed),
                opt_date(&f.cancelled),
                opt_date(&f.verified),
                site.facts.actions[r.at].status.as_str().to_string(),
                href(Kind::Action, &r.id),
            ]
        })
        .collect();
    csv(
        &[
            "id",
            "title",
            "owner",
            "kind",
            "origin",
            "raised",
            "due",
            "due_as_of",
            "closed",
            "cancelled",
            "verified",
            "status",
            "url",
        ],
        rows,
    )
}

fn nonconformities_csv(site: &Published) -> String {
    let rows = shown(&site.nonconformities)
        .map(|r| {
            let f = &r.fm;
            vec![
                r.id.clone(),
                f.title.clone(),
                f.severity.get_ref().clone(),
                serde_json::to_value(f.source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                f.audit.as_ref().map_or(String::new(), |x| x.get_ref().clone()),
                f.owner.clone().unwrap_or_default(),
                f.raised.get_ref().to_string(),
                opt_date(&f.closed),
                opt_date(&f.verified),
                site.facts.nonconformities[r.at].as_str().to_string(),
                f.actions.iter().map(|x| x.get_ref().as_str()).collect::<Vec<_>>().join(" "),
                f.requirements.join("; "),
                href(Kind::Nonconformity, &r.id),
            ]
        })
        .collect();
    csv(
        &[
            "id",
            "title",
            "severity",
            "source",
            "audit",
            "owner",
            "raised",
            "closed",
            "verified",
            "status",
            "actions",
            "requirements",
            "url",
        ],
        rows,
    )
}

/// Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character.
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn compact(d: Date) -> String {
    d.to_string().replace('-', "")
}

/// One all-day event per open action, on its due date as of the site's date.
fn actions_ics(site: &Published, base: Option<&str>) -> String {
    let a = site.as_of;
    let mut out = String::new();
    let host = base.and_then(|b| b.split("//").nth(1)).and_then(|h| h.split('/').next()).unwrap_or("quorum.invalid");
    for l in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//quorum//ISMS actions//EN", "CALSCALE:GREGORIAN"] {
        ics_line(&mut out, l);
    }
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(&format!("{}: open actions", site.config.title))));
    for r in shown(&site.actions) {
        let facts = &site.facts.actions[r.at];
        let status = facts.status;
        if !status.is_open() {
            continue;
        }
        let due = facts.due;
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &format!("UID:{}", ics_text(&format!("{}@{host}", r.id))));
        ics_line(&mut out, &format!("DTSTAMP:{}T000000Z", compact(a)));
        ics_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", compact(due)));
        ics_line(&mut out, &format!("DTEND;VALUE=DATE:{}", compact(due.succ())));
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&format!("Due: {} {}", r.id, r.fm.title))));
        let description =
            format!("Owner: {}. Status as of {a}: {}. Raised {}.", r.fm.owner, status.as_str(), r.fm.raised.get_ref());
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&description)));
        ics_line(&mut out, "TRANSP:TRANSPARENT");
        if let Some(b) = base {
            // A URI value, not TEXT: percent-encoded, so it cannot hold a line break.
            let url = format!("{}/{}", b.trim_end_matches('/'), href(Kind::Action, &r.id));
            ics_line(&mut out, &format!("URL:{}", escape::uri(&url)));
        }
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

/// An Atom feed of the reviews held by the site's date, newest first.
fn atom(site: &Published, base: Option<&str>) -> String {
    let xml = escape::xml;
    let base = base.map(|b| escape::uri(b.trim_end_matches('/')).into_owned());
    let link = |path: &str| match &base {
        Some(b) => format!("{b}/{path}"),
        None => path.to_string(),
    };
    let id_of = |path: &str| match &base {
        Some(b) => format!("{b}/{path}"),
        None => format!("urn:quorum:{}", path.trim_end_matches("/index.html").replace('/', ":")),
    };
    let mut reviews: Vec<_> =
        shown(&site.reviews).filter(|r| *r.fm.status.get_ref() != crate::record::ReviewStatus::Planned).collect();
    reviews.reverse();
    let updated = reviews.first().map_or(site.as_of, |r| *r.fm.date.get_ref());
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <title>{}: management reviews</title>\n", xml(&site.config.title)));
    let reviews_list = site_map::register(Kind::Review).map_or("reviews/index.html", |l| l.path);
    out.push_str(&format!("  <id>{}</id>\n", xml(&id_of(reviews_list))));
    out.push_str(&format!("  <link rel=\"alternate\" href=\"{}\"/>\n", xml(&link(reviews_list))));
    if base.is_some() {
        out.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n", xml(&link(site_map::FEED))));
    }
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(site.config.organization.as_deref().unwrap_or(&site.config.title))
    ));
    out.push_str("  <generator>quorum</generator>\n");
    for r in reviews {
        let path = href(Kind::Review, &r.id);
        let status = site.facts.reviews[r.at];
        let summary = format!(
            "{} review held on {}{}; {} decisions; status {}.",
            if r.fm.kind == crate::record::ReviewKind::Extraordinary { "Extraordinary" } else { "Scheduled" },
            r.fm.date.get_ref(),
            r.fm.chair.as_ref().map_or(String::new(), |c| format!(", chaired by {c}")),
            r.fm.decisions.len() + r.decisions_withheld.count(),
            match status {
                crate::record::ReviewStatus::Approved => "approved",
                crate::record::ReviewStatus::Held => "held, not approved",
                crate::record::ReviewStatus::Planned => "planned",
            }
        );
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{} {}</title>\n", xml(&r.id), xml(&r.fm.title)));
        out.push_str(&format!("    <id>{}</id>\n", xml(&id_of(&path))));
        out.push_str(&format!("    <link rel=\"alternate\" href=\"{}\"/>\n", xml(&link(&path))));
        out.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", r.fm.date.get_ref()));
        out.push_str(&format!("    <summary>{}</summary>\n", xml(&summary)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed_and_guards_formulas() {
        assert_eq!(csv(&["a", "b"], vec![vec!["1".into(), "x\ny".into()]]), "\u{feff}a,b\r\n1,\"x\ny\"\r\n");
        assert_eq!(csv(&["a", "b"], vec![vec!["=1+1".into(), "@x, y".into()]]), "\u{feff}a,b\r\n'=1+1,\"'@x, y\"\r\n");
    }

    #[test]
    fn ics_folds_and_escapes() {
        let mut out = String::new();
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&"é, x; y".repeat(20))));
        assert!(out.lines().all(|l| l.len() <= 75), "{out}");
        assert!(out.contains("\\,") && out.contains("\\;"));
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", ics_text(&"é, x; y".repeat(20))));
    }
}
