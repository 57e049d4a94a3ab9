//! The parse stage on arbitrary bytes: decode, split, typed front matter, body scan. The
//! first byte picks the record kind; the rest is the file. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quorum::Kind;

const KINDS: [Kind; 7] =
    [Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit, Kind::Page, Kind::Home];

fuzz_target!(|data: &[u8]| {
    let Some((&k, rest)) = data.split_first() else { return };
    let kind = KINDS[k as usize % KINDS.len()];
    if let Err(diags) = quorum::parse_one(kind, "X-1.md", rest.to_vec()) {
        // Diagnostics must render whatever their spans.
        let _ = quorum::Diagnostics(diags).render();
    }
});
