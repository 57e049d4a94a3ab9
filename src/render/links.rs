//! How a record's body links: `[[ID]]`, `[[ID#D1]]` and local Markdown links resolved
//! against the published view, relative to the page.

use std::collections::HashMap;

use crate::context as ctx;
use crate::markdown::{Resolver, WikiTarget};
use crate::model::{Published, normalize_local};
use crate::record::Kind;
use crate::site_map;

/// Resolves links in one record's body, relative to its page.
pub(super) struct Links<'a> {
    pub(super) site: &'a Published,
    /// Evidence panel HTML by input key (review pages only).
    pub(super) panels: HashMap<String, String>,
    /// Site-relative folder of the record's file.
    pub(super) dir: &'a str,
    /// From the page to the output root.
    pub(super) root: String,
    /// The body's headings, with the ids they have in every edition.
    pub(super) headings: &'a [crate::record::Heading],
    /// On a dated page (a review's minutes): the statuses it quotes as of its date.
    pub(super) at: Option<ctx::At<'a>>,
}

impl Resolver for Links<'_> {
    fn wiki(&self, target: &str) -> WikiTarget {
        let r = ctx::reference_at(self.site, target, self.at.as_ref());
        if r.withheld {
            return WikiTarget::Plain;
        }
        let label = match target.split_once('#') {
            Some((id, frag))
                if self.site.review(id).is_some_and(|rv| rv.fm.decisions.iter().any(|d| d.id.get_ref() == frag)) =>
            {
                format!("{}, decision {frag}", self.site.canonical_id(id).unwrap_or(id))
            }
            Some((id, frag)) => {
                let heading = self.site.heading_text(id, frag).unwrap_or(frag);
                let title = self.site.title_of(id).unwrap_or_default();
                format!("{} {title}: {heading}", self.site.canonical_id(id).unwrap_or(id))
            }
            // Free pages are known by their title; records by ID and title.
            None if matches!(self.site.lookup(target), Some((Kind::Page, _))) => r.title,
            None => format!("{} {}", r.id, r.title),
        };
        WikiTarget::Link {
            href: format!("{}{}", self.root, r.href),
            label,
            status: r.status.map(|b| (b.class.to_string(), b.label)),
            now: r.now.map(|b| (b.class.to_string(), b.label)),
        }
    }

    fn link(&self, dest: &str) -> Option<String> {
        let (target, suffix) = normalize_local(self.dir, dest).ok()?;
        if let Some(id) =
            self.site.record_files.get(&target).or_else(|| self.site.record_files.get(&format!("{target}/index.md")))
        {
            let (kind, _) = self.site.lookup(id)?;
            if let Some((_, frag)) = suffix.split_once('#')
                && self.site.fragment_withheld(id, frag)
            {
                return None;
            }
            return Some(format!("{}{}{suffix}", self.root, site_map::href(kind, id)));
        }
        self.site.assets.get(&target).map(|out| format!("{}{}{suffix}", self.root, crate::escape::url_path(out)))
    }

    fn panel(&self, heading_id: &str) -> Option<String> {
        self.panels.get(heading_id).cloned()
    }

    fn heading_ids(&self) -> &[crate::record::Heading] {
        self.headings
    }

    fn raw_html(&self) -> crate::config::RawHtml {
        self.site.config.raw_html
    }
}
