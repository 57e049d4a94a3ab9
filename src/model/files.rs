//! Attachments that are more than documents: files under `content/` a browser would run as a
//! page or script when opened from the published site (`active-file`, docs/security.md).

use crate::config::{Config, RawHtml};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Loaded;

/// Extensions of files a browser runs as a document that can hold scripts (HTML, SVG, XML
/// with stylesheets) or as script itself, when opened from the site's origin.
/// SVG is judged by its content ([`active_svg`]); compressed SVG cannot be, so it is refused.
const ACTIVE_EXTENSIONS: [&str; 10] = ["html", "htm", "xhtml", "xht", "shtml", "svgz", "xml", "xsl", "js", "mjs"];

/// Files under `content/` that a browser would run as a page or script when opened from
/// the published site (an HTML or SVG attachment with a `<script>`), unless the site
/// trusts raw HTML: the same line the Markdown sanitiser draws.
pub(super) fn active_files(config: &Config, loaded: &Loaded, diags: &mut Diagnostics) {
    if config.raw_html == RawHtml::Trusted {
        return;
    }
    for asset in &loaded.assets {
        let name = asset.rsplit('/').next().unwrap_or(asset);
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let why = match ext.as_str() {
            // A diagram is welcome as long as it is only a picture.
            "svg" => match loaded.asset_paths.get(asset) {
                Some(path) => match crate::fs::read_file(path, crate::fs::MAX_ATTACHMENT_BYTES) {
                    Ok(bytes) => active_svg(&bytes).map(|what| format!("this SVG file holds {what}")),
                    // Unreadable files are reported where they are published.
                    Err(_) => None,
                },
                None => None,
            },
            e if ACTIVE_EXTENSIONS.contains(&e) => Some(format!("a `.{e}` file is run as a page or script")),
            _ => None,
        };
        if let Some(why) = why {
            diags.push(
                Diagnostic::file(
                    "active-file",
                    asset,
                    format!("`{name}` could run script in the browsers of the site's readers: {why}"),
                )
                .hint(
                    "publish documents as PDF and diagrams as PNG, or set raw_html = \"trusted\" in site.toml \
                     if every author of this site is trusted",
                ),
            );
        }
    }
}

/// What makes an SVG file more than a picture when it is opened from the site, if anything:
/// scripts, event-handler attributes, embedded HTML or frames, animations (which can rewrite
/// links), entity declarations, or a link that leaves the file (`href` must be `#fragment`, so
/// no `javascript:` in any spelling). Conservative on purpose: a diagram exported by a drawing
/// program passes; anything cleverer is refused with the reason.
pub(crate) fn active_svg(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    active_element(&text).or_else(|| active_attribute(&text))
}

/// The first active element, declaration or `javascript:` URL anywhere in the lower-cased
/// SVG `text`, named for the diagnostic.
fn active_element(text: &str) -> Option<String> {
    for (needle, what) in [
        ("<script", "a <script> element"),
        ("<foreignobject", "a <foreignObject> element (embedded HTML)"),
        ("<iframe", "an <iframe> element"),
        ("<embed", "an <embed> element"),
        ("<object", "an <object> element"),
        ("<handler", "a <handler> element"),
        ("<listener", "a <listener> element"),
        ("<set", "a <set> animation"),
        ("<animate", "an animation element"),
        ("<!entity", "an entity declaration"),
        ("javascript:", "a javascript: URL"),
    ] {
        if text.contains(needle) {
            return Some(what.to_string());
        }
    }
    None
}

/// The first active attribute in the lower-cased SVG `text`: an event handler (`on…=`) or an
/// `href` whose value is not a `#fragment`.
fn active_attribute(text: &str) -> Option<String> {
    let b = text.as_bytes();
    // Inside a tag and outside its quoted values, an attribute name starts after whitespace
    // (or after `xlink:`); text content is never judged.
    let (mut in_tag, mut quote) = (false, None);
    for i in 0..b.len() {
        match (in_tag, quote, b[i]) {
            (false, _, b'<') => in_tag = true,
            (true, None, b'>') => in_tag = false,
            (true, None, q @ (b'"' | b'\'')) => quote = Some(q),
            (true, Some(q), c) if c == q => quote = None,
            _ => {}
        }
        if !in_tag || quote.is_some() {
            continue;
        }
        // `on…=` is an event handler.
        let starts_attr = i > 0 && b[i - 1].is_ascii_whitespace();
        if starts_attr && b[i..].starts_with(b"on") {
            let name_end = b[i..].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(b.len(), |p| i + p);
            let rest = b[name_end..].iter().find(|c| !c.is_ascii_whitespace());
            if name_end > i + 2 && rest == Some(&b'=') {
                return Some(format!("an event-handler attribute `{}`", &text[i..name_end]));
            }
        }
        if (starts_attr || b.get(i.wrapping_sub(1)) == Some(&b':'))
            && b[i..].starts_with(b"href")
            && href_leaves_file(b, i + 4)
        {
            return Some("a link that leaves the file (only `href=\"#…\"` is allowed)".into());
        }
    }
    None
}

/// Whether the `href` attribute whose name ends at byte `j` of `b` has a quoted value that is
/// not a `#fragment` (an `href` without `=` is no link).
fn href_leaves_file(b: &[u8], mut j: usize) -> bool {
    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    if b.get(j) != Some(&b'=') {
        return false;
    }
    j += 1;
    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    matches!(b.get(j), Some(b'"' | b'\'')) && b.get(j + 1) != Some(&b'#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_pictures_pass_and_active_svg_is_named() {
        let picture = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><title>Incidents</title><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="2" height="3"/><use xlink:href="#g"/><text> one = two, onwards</text></svg>"##;
        assert_eq!(active_svg(picture), None);
        for (svg, what) in [
            (&br#"<svg><SCRIPT>alert(1)</SCRIPT></svg>"#[..], "<script>"),
            (br#"<svg onload="alert(1)"/>"#, "onload"),
            (br#"<svg><rect ONCLICK = 'x'/></svg>"#, "onclick"),
            (br#"<svg><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>"#, "leaves the file"),
            (br#"<svg><a xlink:href='https://evil.example/'>x</a></svg>"#, "leaves the file"),
            (br#"<svg><foreignObject><body/></foreignObject></svg>"#, "foreignObject"),
            (br#"<svg><animate attributeName="href" to="x"/></svg>"#, "animation"),
            (br#"<!DOCTYPE svg [<!ENTITY x "y">]><svg/>"#, "entity"),
        ] {
            let found = active_svg(svg).unwrap_or_else(|| panic!("{} passed", String::from_utf8_lossy(svg)));
            assert!(found.contains(what), "{found}");
        }
    }
}
