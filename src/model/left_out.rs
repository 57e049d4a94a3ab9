//! What a list of an edition left out, said by kind: "1 planned review not included;
//! 2 confidential actions withheld". An auditor who reads a bare "3 withheld" under a list
//! cannot tell a plan that is not yet evidence from a record kept from them; the kinds make
//! the gap read as a stated policy, not as concealment, and the counts still reconcile the
//! list with the figures (which count everything).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::record::{DecisionKind, Kind};

/// Why a record is missing from this edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    /// A planned review, for an audience without `include_planned`: not evidence yet.
    Planned,
    /// A `confidential = true` record, for an audience without `include_confidential`.
    Confidential,
}

/// A tally of left-out entries by what they are. Serialises as its sentence (empty when
/// nothing was left out), so a template writes `{% if x %}<p>{{ x }}.</p>{% endif %}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LeftOut {
    /// (withheld rather than merely not included, what it is in the singular) → how many.
    /// Plans not included come first, then what was withheld, each by name.
    parts: BTreeMap<(bool, String), usize>,
}

impl LeftOut {
    /// One record of `kind` left out for `why`.
    pub(crate) fn record(&mut self, kind: Kind, why: Why) {
        match why {
            Why::Planned => self.add("planned review", false),
            Why::Confidential => self.add(&format!("confidential {}", kind.label()), true),
        }
    }

    /// One confidential decision of `kind` left out: "risk-acceptance decision"; a change to
    /// the management system names the review's `system` ("AIMS-change decision").
    pub(crate) fn decision(&mut self, kind: DecisionKind, system: &str) {
        let change = format!("{}-change decision", system.replace(' ', "-"));
        let what = match kind {
            DecisionKind::Improvement => "improvement decision",
            DecisionKind::IsmsChange => change.as_str(),
            DecisionKind::Resources => "resources decision",
            DecisionKind::RiskAcceptance => "risk-acceptance decision",
            DecisionKind::Policy => "policy decision",
            DecisionKind::Objectives => "objectives decision",
            DecisionKind::Other => "confidential decision",
        };
        self.add(what, true);
    }

    /// `n` withheld entries described as `what` (singular: "confidential action update").
    pub(crate) fn add_n(&mut self, what: &str, n: usize) {
        if n > 0 {
            *self.parts.entry((true, what.to_string())).or_default() += n;
        }
    }

    fn add(&mut self, what: &str, withheld: bool) {
        *self.parts.entry((withheld, what.to_string())).or_default() += 1;
    }

    /// How many entries were left out in all.
    pub(crate) fn count(&self) -> usize {
        self.parts.values().sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The sentence, without its full stop: "1 planned review not included; 2 confidential
    /// actions withheld". Empty when nothing was left out.
    pub(crate) fn text(&self) -> String {
        let part = |((withheld, what), n): (&(bool, String), &usize)| {
            let what = if *n == 1 { what.clone() } else { plural(what) };
            format!("{n} {what} {}", if *withheld { "withheld" } else { "not included" })
        };
        self.parts.iter().map(part).collect::<Vec<_>>().join("; ")
    }
}

impl Serialize for LeftOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// The plural of a phrase: its last word's ("confidential nonconformity" → "…nonconformities").
fn plural(what: &str) -> String {
    let (head, last) = what.rsplit_once(' ').map_or(("", what), |(h, l)| (h, l));
    let last = match last.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ if last.ends_with('s') => last.to_string(),
        _ => format!("{last}s"),
    };
    if head.is_empty() { last } else { format!("{head} {last}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_kind_each_entry_was() {
        let mut l = LeftOut::default();
        assert_eq!(l.text(), "");
        l.record(Kind::Nonconformity, Why::Confidential);
        l.record(Kind::Review, Why::Planned);
        l.record(Kind::Nonconformity, Why::Confidential);
        l.decision(DecisionKind::RiskAcceptance, "ISMS");
        l.decision(DecisionKind::IsmsChange, "AIMS");
        l.add_n("confidential action update", 0);
        assert_eq!(l.count(), 5);
        assert_eq!(
            l.text(),
            "1 planned review not included; 1 AIMS-change decision withheld; 2 confidential nonconformities withheld; 1 risk-acceptance decision withheld"
        );
        assert_eq!(serde_json::to_string(&l).unwrap(), format!("\"{}\"", l.text()));
    }

    #[test]
    fn plurals_of_the_last_word() {
        assert_eq!(plural("confidential review"), "confidential reviews");
        assert_eq!(plural("confidential nonconformity"), "confidential nonconformities");
        assert_eq!(plural("policy decision"), "policy decisions");
        assert_eq!(plural("resources"), "resources");
        assert_eq!(plural("survey"), "surveys");
    }
}
