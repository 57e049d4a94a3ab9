//! Links in a record's body, checked before anything is left out: `[[ID]]` and `[[ID#D1]]`
//! wikilinks, relative links to files of the site, and the fragments they point at.

use crate::record::Kind;
use crate::record::{self, Record};

use super::links::resolve_local;
use super::rules::Checker;

impl Checker<'_> {
    /// `[[links]]` and relative links in a body.
    pub(super) fn body<T>(&mut self, r: &Record<T>) {
        for w in &r.scan.wikilinks {
            let (id, frag) = match w.target.split_once('#') {
                Some((i, f)) => (i, Some(f)),
                None => (w.target.as_str(), None),
            };
            match self.ids.get(&id.to_lowercase()) {
                None => {
                    let hint = self.suggest(
                        id,
                        &[Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit, Kind::Page],
                    );
                    self.diags.push(
                        r.src.diag("unknown-id", w.span.clone(), format!("link to unknown ID `{id}`")).hint(hint),
                    );
                }
                Some(_) => {
                    if let Some(f) = frag {
                        let key = id.to_lowercase();
                        let ok = self.failed.contains(&key)
                            || self.decisions.get(&key).is_some_and(|d| d.iter().any(|x| x == f))
                            || self.headings.get(&key).is_some_and(|h| h.iter().any(|x| x == f));
                        if !ok {
                            self.diags.push(
                                r.src
                                    .diag(
                                        "unknown-id",
                                        w.span.clone(),
                                        format!("`{id}` has no decision or heading `{f}`"),
                                    )
                                    .hint("decisions are linked as [[REVIEW#D1]]"),
                            );
                        }
                    }
                }
            }
        }
        for l in &r.scan.links {
            match resolve_local(&r.dir, &l.dest, self.loaded) {
                Err((code, msg, hint)) => self.diags.push(r.src.diag(code, l.span.clone(), msg).hint(hint)),
                Ok(target) => self.fragment(r, l, &target),
            }
        }
    }

    /// `[x](#heading)`, `[x](other.md#heading)`: the fragment must be a heading id of the target
    /// record, or one of its decisions. Fragments of other files (`report.pdf#page=2`) are free.
    fn fragment<T>(&mut self, r: &Record<T>, l: &record::LocalLink, target: &str) {
        let Some(frag) =
            l.dest.split_once('#').map(|(_, f)| crate::escape::percent_decode(f)).filter(|f| !f.is_empty())
        else {
            return;
        };
        let key = if target.is_empty() {
            r.id.to_lowercase()
        } else {
            match self.files.get(target).or_else(|| self.files.get(&format!("{target}/index.md"))) {
                Some(k) => k.clone(),
                None => return,
            }
        };
        if self.failed.contains(&key) {
            return;
        }
        let headings = self.headings.get(&key).map(Vec::as_slice).unwrap_or_default();
        let decisions = self.decisions.get(&key).map(Vec::as_slice).unwrap_or_default();
        if headings.iter().chain(decisions).any(|x| *x == frag) {
            return;
        }
        let whose = if target.is_empty() { "this file".to_string() } else { format!("`{target}`") };
        let mut ids: Vec<&str> = headings.iter().chain(decisions).map(String::as_str).collect();
        let hint = match crate::diagnostics::did_you_mean(&frag, ids.iter().copied()) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if ids.is_empty() => format!("{whose} has no headings; link the page without a fragment"),
            None => {
                let more = ids.len() > 12;
                ids.truncate(12);
                format!("its ids: {}{}", ids.join(", "), if more { ", …" } else { "" })
            }
        };
        self.diags.push(
            r.src
                .diag(
                    "broken-link",
                    l.span.clone(),
                    format!("link `{}`: {whose} has no heading or decision with the id `{frag}`", l.dest),
                )
                .hint(format!("{hint} (heading ids are lower case, words joined by `-`; set one with {{#id}})")),
        );
    }
}
