//! Markdown rendering and the output link check on arbitrary text: the body renders with a
//! resolver that resolves some of everything, with raw HTML sanitised or trusted, and the link
//! check reads the result. (Confidential sections are cut in the model, before rendering; the
//! leak property test in tests/integration/leaks.rs covers that cut.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use quorum::{OutputFile, RawHtml, Resolver, WikiTarget, render_markdown as render};

struct Any(RawHtml);

impl Resolver for Any {
    fn wiki(&self, target: &str) -> WikiTarget {
        if target.len() % 2 == 0 {
            WikiTarget::Link { href: format!("../{target}/index.html"), label: target.into(), status: None, now: None }
        } else {
            WikiTarget::Plain
        }
    }
    fn link(&self, dest: &str) -> Option<String> {
        (dest.len() % 3 != 0).then(|| format!("x/{dest}"))
    }
    fn panel(&self, heading_id: &str) -> Option<String> {
        heading_id.starts_with('p').then(|| "<div>panel</div>".into())
    }
    fn raw_html(&self) -> RawHtml {
        self.0
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for raw_html in [RawHtml::Sanitize, RawHtml::Trusted] {
        let html = render(text, &Any(raw_html));
        let files = [OutputFile { path: "a/index.html".into(), bytes: html.into_bytes().into() }];
        let _ = quorum::check_links(&files);
    }
});
