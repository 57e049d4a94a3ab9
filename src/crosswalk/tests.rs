use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn enabled() -> Vec<(String, Crosswalk)> {
    builtin().into_iter().filter(|(n, _)| *n != "dora").map(|(n, c)| (n.to_string(), c)).collect()
}

#[test]
fn references_resolve_by_prefix_and_reference() {
    let e = enabled();
    assert_eq!(resolve("NIS2 Art. 20(1)", &e), Named::Requirement { name: "nis2", index: 0 });
    assert_eq!(resolve("nis2   art. 20(1)", &e), Named::Requirement { name: "nis2", index: 0 }, "case and spaces");
    assert_eq!(resolve("SOC2 CC4.2", &e), Named::Requirement { name: "soc2", index: 6 });
    // A typo in an enabled crosswalk is caught, with the closest requirement.
    assert_eq!(
        resolve("NIS2 Art 20(1)", &e),
        Named::Unknown { name: "nis2", suggestion: Some("NIS2 Art. 20(1)".into()) }
    );
    // Free text, and a crosswalk that is not enabled, stay free.
    assert_eq!(resolve("ISO27001:2022 A.5.18", &e), Named::Free);
    assert_eq!(resolve("DORA Art. 5(2)", &e), Named::Free);
    assert_eq!(resolve("SOC2", &e), Named::Free);
}

#[test]
fn exactly_twelve_months_is_still_current() {
    let latest = Some(d("2025-06-12"));
    assert_eq!(
        standing(latest, Some(12), d("2026-06-12")),
        Standing::Current { latest: d("2025-06-12"), until: Some(d("2026-06-12")) }
    );
    assert_eq!(
        standing(latest, Some(12), d("2026-06-13")),
        Standing::Stale { latest: d("2025-06-12"), since: d("2026-06-12") }
    );
    // Month ends: 31 August plus six months is the end of February.
    assert_eq!(
        standing(Some(d("2025-08-31")), Some(6), d("2026-03-01")),
        Standing::Stale { latest: d("2025-08-31"), since: d("2026-02-28") }
    );
    assert_eq!(standing(None, Some(12), d("2026-01-01")), Standing::Never);
    assert_eq!(standing(latest, None, d("2040-01-01")), Standing::Current { latest: d("2025-06-12"), until: None });
}

#[test]
fn built_in_crosswalks_cite_what_the_issue_names() {
    let all = builtin();
    let refs = |name: &str| -> Vec<String> {
        all.iter().find(|(n, _)| *n == name).unwrap().1.requirements.iter().map(|r| r.reference.clone()).collect()
    };
    assert_eq!(refs("soc2"), ["CC1.2", "CC1.3", "CC2.2", "CC3.2", "CC3.4", "CC4.1", "CC4.2", "CC5.3"]);
    assert_eq!(refs("nis2"), ["Art. 20(1)", "Art. 20(2)", "Art. 21(2)(f)", "Art. 21(4)"]);
    assert_eq!(refs("dora"), ["Art. 5(2)", "Art. 5(4)", "Art. 6(5)"]);
    // Every input a built-in rule names is an input of ISO/IEC 27001:2022.
    let fw = crate::framework::builtin().remove(0).1;
    for (_, cw) in &all {
        for r in &cw.requirements {
            for rule in &r.evidence {
                if let Rule::Reviews { inputs } = rule {
                    assert!(inputs.iter().all(|i| fw.input(i).is_some()), "{} {}", cw.prefix, r.reference);
                }
            }
            assert!(r.inputs.iter().all(|i| fw.input(i).is_some()), "{} {}", cw.prefix, r.reference);
        }
    }
}
