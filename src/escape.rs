//! Text → output formats: the one escaping function per format quorum writes (HTML, XML for
//! Atom and SVG, iCalendar TEXT, CSV cells, JSON inside a script, URIs). Every piece of
//! content that Rust code puts into markup or an export goes through one of these; templates
//! get the same HTML rules from Tera's autoescape.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// HTML element text and attribute values (double- or single-quoted): `& < > " '`.
pub(crate) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_html(&mut out, c);
    }
    out
}

fn push_html(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(c),
    }
}

/// Whether XML 1.0 allows the character at all (its `Char` production): C0 controls other
/// than tab, LF and CR, and U+FFFE/U+FFFF, make a feed or an SVG file not well-formed, even
/// written as character references.
fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// XML text and attribute values (Atom): the HTML set, with characters XML 1.0 forbids
/// replaced by U+FFFD (there is no way to write them).
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_html(&mut out, if xml_char(c) { c } else { '\u{fffd}' });
    }
    out
}

/// SVG text and attribute values: XML rules (an inline chart must also stand as an `.svg`).
pub(crate) fn svg(s: &str) -> String {
    xml(s)
}

/// A CSS string literal, quotes included, for a `content:` value inside a `<style>` element:
/// letters, digits, spaces and a few safe marks stay; every other character is written as a
/// CSS escape (`\3c ` for `<`), so no text can end the string, the rule or the element.
/// Control characters become U+FFFD.
pub(crate) fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        let c = if c.is_control() { '\u{fffd}' } else { c };
        if c.is_alphanumeric() || matches!(c, ' ' | '.' | ',' | '-' | '_' | ':' | '(' | ')') {
            out.push(c);
        } else {
            let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    out
}

/// iCalendar TEXT (RFC 5545 3.3.11): backslash, `;` and `,` escaped, a line break (LF, CRLF
/// or a lone CR) written `\n`; other control characters, which TEXT cannot hold, become
/// U+FFFD. Tab stays (TEXT allows it).
pub(crate) fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_ascii_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, that
/// some programs strip before looking for one): OWASP "CSV injection".
const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text of one CSV cell: a cell that begins with `=`, `+`, `-`, `@`, tab or CR gets a
/// leading `'` so spreadsheets show it as text instead of running it as a formula (OWASP
/// "CSV injection"). RFC 4180 quoting is the CSV writer's job (`csv` crate, in export).
pub(crate) fn csv_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_LEADS) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// JSON text made safe to sit inside a `<script>` element or a `.js` file: `<`, `>`, `&`,
/// U+2028 and U+2029 become `\u` escapes. Those characters only occur inside JSON strings,
/// where the escape means the same character, so any JSON parser reads the same value.
pub(crate) fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Characters a URI cannot hold anywhere (RFC 3986): controls, space, `"<>\\^`{|}`; non-ASCII
/// is always encoded.
const NOT_IN_URI: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'\\').add(b'^').add(b'`').add(b'{').add(b'|').add(b'}');

/// A URI built from configuration (`base_url`): every character RFC 3986 does not allow
/// anywhere in a URI (controls, space, `"<>\\^`{|}`, non-ASCII) is percent-encoded as UTF-8,
/// so a URL can never end a line of a calendar or break out of a value. `%` is kept: an
/// existing escape stays as written.
pub(crate) fn uri(s: &str) -> Cow<'_, str> {
    utf8_percent_encode(s, NOT_IN_URI).into()
}

/// Encoded in a relative URL path: everything but letters, digits, the unreserved and
/// sub-delimiter characters, `/`, `:`, `@` and `%` (an escape already present stays).
const IN_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'%');

/// A site-relative file path as an `href` (`files/a b.csv` → `files/a%20b.csv`).
pub(crate) fn url_path(path: &str) -> String {
    utf8_percent_encode(path, IN_PATH).to_string()
}

/// Decodes `%XX` escapes in a URL path or fragment; malformed escapes stay as written and
/// bytes that are not UTF-8 become U+FFFD.
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "Q</text><script>x(\"1\")</script>&amp;'\",;\\\r\n\u{2028}Z";

    #[test]
    fn css_strings_cannot_end_the_string_the_rule_or_the_style_element() {
        let out = css_string(HOSTILE);
        assert!(out.starts_with('"') && out.ends_with('"'));
        let inner = &out[1..out.len() - 1];
        for bad in ['"', '<', '>', ';', '{', '}', '\'', '\n', '\r', '&'] {
            assert!(!inner.contains(bad) || (bad == '\\'), "{bad:?} in {out}");
        }
        assert!(!inner.contains("</"), "{out}");
        assert_eq!(css_string("MR-2026-H1 Review (first half), é"), "\"MR-2026-H1 Review (first half), é\"");
        assert_eq!(css_string("a\"b"), "\"a\\22 b\"");
        assert_eq!(css_string("x</style>"), "\"x\\3c \\2f style\\3e \"");
    }

    #[test]
    fn html_escapes_the_five() {
        assert_eq!(html("a & <b> \"c\" 'd'"), "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39;");
        assert_eq!(html("plain text, é"), "plain text, é");
        assert!(!html(HOSTILE).contains(['<', '>', '"', '\'']));
    }

    #[test]
    fn xml_replaces_what_xml_cannot_hold() {
        assert_eq!(xml("a\u{0}b\u{1b}c\u{ffff}"), "a\u{fffd}b\u{fffd}c\u{fffd}");
        assert_eq!(xml("tab\tlf\ncr\r"), "tab\tlf\ncr\r");
        assert_eq!(xml("</text><script>"), "&lt;/text&gt;&lt;script&gt;");
        assert_eq!(svg("a & b"), "a &amp; b");
    }

    #[test]
    fn ics_text_escapes_rfc_5545() {
        assert_eq!(ics_text("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
        assert_eq!(ics_text("crlf\r\nlone cr\rend"), "crlf\\nlone cr\\nend");
        assert_eq!(ics_text("bell\u{7}"), "bell\u{fffd}");
        assert!(!ics_text(HOSTILE).contains(['\r', '\n']));
    }

    #[test]
    fn csv_cells_guard_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "a, b");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for lead in ["+1", "-5", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(lead).starts_with('\''), "{lead:?}");
        }
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("a-b"), "a-b");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn json_for_script_keeps_the_value() {
        let json = serde_json::to_string(HOSTILE).expect("serializes");
        let safe = json_for_script(&json);
        assert!(!safe.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{safe}");
        assert_eq!(serde_json::from_str::<String>(&safe).expect("parses"), HOSTILE);
    }

    #[test]
    fn uri_encodes_only_what_a_uri_cannot_hold() {
        assert_eq!(uri("https://isms.example/a/b?x=1&y=%20#f"), "https://isms.example/a/b?x=1&y=%20#f");
        assert_eq!(uri("https://e.example/Q<\"x\r\n é"), "https://e.example/Q%3C%22x%0D%0A%20%C3%A9");
    }
}
