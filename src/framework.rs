//! Review frameworks as data: the inputs a management review must consider (key, title,
//! clause, evidence panel, parent) and the decision kinds it is expected to produce.

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// One required input of a management review.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    pub(crate) key: String,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) clause: String,
    /// Which computed evidence panel the input shows (`previous-actions`, `nonconformities`,
    /// `audits`, `objectives`, `risk`), if any.
    #[serde(default)]
    pub(crate) panel: Option<String>,
    /// The key of the input this one belongs to.
    #[serde(default)]
    pub(crate) parent: Option<String>,
}

/// A review framework: ISO/IEC 27001:2022 9.3 and friends, or one a site defines.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Framework {
    #[serde(default)]
    pub(crate) title: String,
    pub(crate) inputs: Vec<Input>,
    #[serde(default)]
    pub(crate) outputs: Vec<String>,
    #[serde(default)]
    pub(crate) climate_from: Option<Date>,
    /// The management system the framework governs ("ISMS", "QMS", "AIMS"), as its labels
    /// name it ("Change to the AIMS"); empty: "management system".
    #[serde(default)]
    pub(crate) system: String,
}

/// The evidence panels a framework input may name.
pub(crate) const PANELS: &[&str] = &["previous-actions", "nonconformities", "audits", "objectives", "risk"];

/// Decision kinds of DESIGN §2.
pub(crate) const DECISION_KINDS: &[&str] =
    &["improvement", "isms_change", "resources", "risk_acceptance", "policy", "objectives", "other"];

/// (key, title, clause, panel, parent)
type Row = (&'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>);

const ISO27001_2022: &[Row] = &[
    (
        "previous-actions",
        "Status of actions from previous management reviews",
        "9.3.2 a",
        Some("previous-actions"),
        None,
    ),
    ("issues", "Changes in external and internal issues relevant to the ISMS", "9.3.2 b", None, None),
    ("interested-parties", "Changes in needs and expectations of interested parties", "9.3.2 c", None, None),
    ("performance", "Feedback on information security performance", "9.3.2 d", None, None),
    (
        "nonconformities",
        "Nonconformities and corrective actions",
        "9.3.2 d 1",
        Some("nonconformities"),
        Some("performance"),
    ),
    ("monitoring", "Monitoring and measurement results", "9.3.2 d 2", None, Some("performance")),
    ("audits", "Audit results", "9.3.2 d 3", Some("audits"), Some("performance")),
    (
        "objectives",
        "Fulfilment of information security objectives",
        "9.3.2 d 4",
        Some("objectives"),
        Some("performance"),
    ),
    ("feedback", "Feedback from interested parties", "9.3.2 e", None, None),
    ("risk", "Results of risk assessment and status of the risk treatment plan", "9.3.2 f", Some("risk"), None),
    ("improvement", "Opportunities for continual improvement", "9.3.2 g", None, None),
];

const ISO27001_2013: &[Row] = &[
    ("previous-actions", "Status of actions from previous management reviews", "9.3 a", Some("previous-actions"), None),
    ("issues", "Changes in external and internal issues relevant to the ISMS", "9.3 b", None, None),
    ("performance", "Feedback on information security performance", "9.3 c", None, None),
    (
        "nonconformities",
        "Nonconformities and corrective actions",
        "9.3 c 1",
        Some("nonconformities"),
        Some("performance"),
    ),
    ("monitoring", "Monitoring and measurement results", "9.3 c 2", None, Some("performance")),
    ("audits", "Audit results", "9.3 c 3", Some("audits"), Some("performance")),
    ("objectives", "Fulfilment of information security objectives", "9.3 c 4", Some("objectives"), Some("performance")),
    ("feedback", "Feedback from interested parties", "9.3 d", None, None),
    ("risk", "Results of risk assessment and status of the risk treatment plan", "9.3 e", Some("risk"), None),
    ("improvement", "Opportunities for continual improvement", "9.3 f", None, None),
];

const ISO9001_2015: &[Row] = &[
    (
        "previous-actions",
        "Status of actions from previous management reviews",
        "9.3.2 a",
        Some("previous-actions"),
        None,
    ),
    ("issues", "Changes in external and internal issues relevant to the QMS", "9.3.2 b", None, None),
    ("performance", "Performance and effectiveness of the QMS", "9.3.2 c", None, None),
    (
        "customer-satisfaction",
        "Customer satisfaction and feedback from relevant interested parties",
        "9.3.2 c 1",
        None,
        Some("performance"),
    ),
    (
        "objectives",
        "Extent to which quality objectives have been met",
        "9.3.2 c 2",
        Some("objectives"),
        Some("performance"),
    ),
    (
        "process-performance",
        "Process performance and conformity of products and services",
        "9.3.2 c 3",
        None,
        Some("performance"),
    ),
    (
        "nonconformities",
        "Nonconformities and corrective actions",
        "9.3.2 c 4",
        Some("nonconformities"),
        Some("performance"),
    ),
    ("monitoring", "Monitoring and measurement results", "9.3.2 c 5", None, Some("performance")),
    ("audits", "Audit results", "9.3.2 c 6", Some("audits"), Some("performance")),
    ("external-providers", "Performance of external providers", "9.3.2 c 7", None, Some("performance")),
    ("resources", "Adequacy of resources", "9.3.2 d", None, None),
    ("risk", "Effectiveness of actions taken to address risks and opportunities", "9.3.2 e", Some("risk"), None),
    ("improvement", "Opportunities for improvement", "9.3.2 f", None, None),
];

fn from_rows(system: &str, title: &str, rows: &[Row], outputs: &[&str], climate_from: Option<Date>) -> Framework {
    Framework {
        system: system.to_string(),
        title: title.to_string(),
        inputs: rows
            .iter()
            .map(|&(key, title, clause, panel, parent)| Input {
                key: key.into(),
                title: title.into(),
                clause: clause.into(),
                panel: panel.map(Into::into),
                parent: parent.map(Into::into),
            })
            .collect(),
        outputs: outputs.iter().map(|s| s.to_string()).collect(),
        climate_from,
    }
}

/// The built-in frameworks, by name.
pub(crate) fn builtin() -> Vec<(&'static str, Framework)> {
    // ISO/IEC 27001:2022, ISO 9001:2015 and ISO/IEC 42001:2023 carry the climate text of the
    // harmonized structure from Amd 1:2024 (23 February 2024); ISO/IEC 27001:2013 was not amended.
    let climate = Date::new(2024, 2, 23);
    vec![
        (
            "iso27001-2022",
            from_rows("ISMS", "ISO/IEC 27001:2022 clause 9.3", ISO27001_2022, &["improvement", "isms_change"], climate),
        ),
        (
            "iso27001-2013",
            from_rows("ISMS", "ISO/IEC 27001:2013 clause 9.3", ISO27001_2013, &["improvement", "isms_change"], None),
        ),
        (
            "iso9001-2015",
            from_rows(
                "QMS",
                "ISO 9001:2015 clause 9.3",
                ISO9001_2015,
                &["improvement", "isms_change", "resources"],
                climate,
            ),
        ),
        (
            "iso42001-2023",
            from_rows("AIMS", "ISO/IEC 42001:2023 clause 9.3", ISO42001_2023, &["improvement", "isms_change"], climate),
        ),
    ]
}

/// ISO/IEC 42001:2023 clause 9.3.2: a) to e), with d) in three parts. There is no separate
/// feedback, risk or objectives input in this standard.
const ISO42001_2023: &[Row] = &[
    (
        "previous-actions",
        "Status of actions from previous management reviews",
        "9.3.2 a",
        Some("previous-actions"),
        None,
    ),
    ("issues", "Changes in external and internal issues relevant to the AI management system", "9.3.2 b", None, None),
    (
        "interested-parties",
        "Changes in needs and expectations of interested parties relevant to the AI management system",
        "9.3.2 c",
        None,
        None,
    ),
    ("performance", "Information on the performance of the AI management system", "9.3.2 d", None, None),
    (
        "nonconformities",
        "Nonconformities and corrective actions",
        "9.3.2 d 1",
        Some("nonconformities"),
        Some("performance"),
    ),
    ("monitoring", "Monitoring and measurement results", "9.3.2 d 2", None, Some("performance")),
    ("audits", "Audit results", "9.3.2 d 3", Some("audits"), Some("performance")),
    ("improvement", "Opportunities for continual improvement", "9.3.2 e", None, None),
];

impl Framework {
    pub(crate) fn input(&self, key: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.key == key)
    }

    /// The management system's name for labels: "ISMS", or "management system" when the
    /// framework names none.
    pub(crate) fn system_name(&self) -> &str {
        if self.system.trim().is_empty() { "management system" } else { self.system.trim() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(name: &str) -> Framework {
        builtin().into_iter().find(|(n, _)| *n == name).unwrap().1
    }

    #[test]
    fn iso42001_has_the_inputs_and_outputs_of_its_clause_9_3() {
        let fw = get("iso42001-2023");
        let rows: Vec<(&str, &str, Option<&str>)> =
            fw.inputs.iter().map(|i| (i.key.as_str(), i.clause.as_str(), i.parent.as_deref())).collect();
        assert_eq!(
            rows,
            [
                ("previous-actions", "9.3.2 a", None),
                ("issues", "9.3.2 b", None),
                ("interested-parties", "9.3.2 c", None),
                ("performance", "9.3.2 d", None),
                ("nonconformities", "9.3.2 d 1", Some("performance")),
                ("monitoring", "9.3.2 d 2", Some("performance")),
                ("audits", "9.3.2 d 3", Some("performance")),
                ("improvement", "9.3.2 e", None),
            ]
        );
        // No feedback, risk or objectives input: the standard has none.
        assert!(["feedback", "risk", "objectives"].iter().all(|k| fw.input(k).is_none()));
        assert_eq!(fw.outputs, ["improvement", "isms_change"]);
        assert_eq!(fw.climate_from, Date::new(2024, 2, 23));
        assert_eq!(fw.system_name(), "AIMS");
        assert!(fw.inputs[1].title.ends_with("relevant to the AI management system"));
    }

    #[test]
    fn the_amended_standards_ask_about_climate_from_23_february_2024() {
        for name in ["iso27001-2022", "iso9001-2015", "iso42001-2023"] {
            assert_eq!(get(name).climate_from, Date::new(2024, 2, 23), "{name}");
        }
        assert_eq!(get("iso27001-2013").climate_from, None, "27001:2013 was not amended");
    }

    #[test]
    fn each_framework_names_its_system() {
        let names: Vec<(&str, String)> = builtin().into_iter().map(|(n, f)| (n, f.system_name().to_string())).collect();
        assert_eq!(
            names,
            [
                ("iso27001-2022", "ISMS".into()),
                ("iso27001-2013", "ISMS".into()),
                ("iso9001-2015", "QMS".into()),
                ("iso42001-2023", "AIMS".into())
            ]
        );
        let custom =
            Framework { title: "T".into(), inputs: vec![], outputs: vec![], climate_from: None, system: " ".into() };
        assert_eq!(custom.system_name(), "management system");
    }
}
