//! A body as plain words, for the search index: the text a reader sees, without markup, raw
//! HTML, link targets or footnote definitions' labels.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

/// The visible text of a Markdown body, whitespace collapsed. A link reads as its text, an
/// image as its alt text; raw HTML is left out. A `[[target]]` reads as its target, followed
/// by its own text (`[[A-1|the plan]]`) only when `visible(target)`: the page shows nothing
/// but the ID of a withheld record, so its index entry must not either.
pub(crate) fn plain_text(body: &str, visible: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(body.len());
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    // Inside a `[[…]]` link: its depth of nested links, and whether its own text is dropped.
    let mut wiki: Option<(usize, bool)> = None;
    for event in Parser::new_ext(body, super::options()) {
        if let Some((depth, hidden)) = wiki.as_mut() {
            match &event {
                Event::Start(Tag::Link { .. }) => *depth += 1,
                Event::End(TagEnd::Link) if *depth == 0 => {
                    wiki = None;
                    continue;
                }
                Event::End(TagEnd::Link) => *depth -= 1,
                _ => {}
            }
            if *hidden {
                continue;
            }
        }
        match event {
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                space(&mut out);
                out.push_str(dest_url.trim());
                // Without a pothole the link's text is the target again.
                let hidden = !has_pothole || !visible(&dest_url);
                if !hidden {
                    out.push(' ');
                }
                wiki = Some((0, hidden));
            }
            Event::Text(t) | Event::Code(t) => {
                if t.starts_with(char::is_whitespace) {
                    space(&mut out);
                }
                for (k, word) in t.split_whitespace().enumerate() {
                    if k > 0 {
                        space(&mut out);
                    }
                    out.push_str(word);
                }
                if t.ends_with(char::is_whitespace) {
                    space(&mut out);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut out),
            Event::Start(Tag::Item | Tag::TableCell | Tag::Heading { .. } | Tag::Paragraph) => space(&mut out),
            Event::End(TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_) | TagEnd::Paragraph) => space(&mut out),
            _ => {}
        }
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_words_a_reader_sees() {
        let md = "## Risk {#risk .confidential}\n\nSee [[A-1]] and [the plan](https://x.example/p).\n\n\
                  <div class=\"x\">raw</div>\n\n| a | b |\n|---|---|\n| `c` | *d* |\n\n- one\n- two\n";
        assert_eq!(super::plain_text(md, &|_| true), "Risk See A-1 and the plan. a b c d one two");
    }

    #[test]
    fn a_withheld_target_reads_as_its_id_only() {
        let md = "See [[A-1|the *laptop* plan]] and [[NC-2|the secret]], [[A-3]].";
        let visible = |t: &str| t != "NC-2";
        assert_eq!(super::plain_text(md, &visible), "See A-1 the laptop plan and NC-2, A-3.");
    }
}
