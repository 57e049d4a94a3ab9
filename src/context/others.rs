//! Objectives, audits and free pages: register rows and record pages.

use super::*;

#[derive(Serialize)]
pub(crate) struct MeasurementCtx {
    pub(crate) date: String,
    pub(crate) value: String,
    pub(crate) note: Option<String>,
    /// The value against the target: "met", "amber" or "missed".
    pub(crate) against: &'static str,
}

#[derive(Serialize)]
pub(crate) struct ObjectiveRow {
    /// Its management system, on a site of several (a register column); else `None`.
    pub(crate) system: Option<String>,
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) owner: Option<String>,
    pub(crate) owner_href: Option<String>,
    pub(crate) target: String,
    pub(crate) amber: Option<String>,
    pub(crate) direction: &'static str,
    pub(crate) latest: Option<MeasurementCtx>,
    pub(crate) status: Badge,
}

/// Numbers as written: integers without a decimal point.
pub(crate) fn number(v: f64, unit: &Option<String>) -> String {
    let n = if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") };
    match unit.as_deref() {
        Some("%") => format!("{n} %"),
        Some(u) if !u.is_empty() => format!("{n} {}", unit_for(v, u)),
        _ => n,
    }
}

/// A unit as it reads after `v`: a plural word unit (`hours`, `days`, `incidents`) is singular
/// after exactly 1 ("1 hour"); symbols and anything else stay as written.
pub(crate) fn unit_for(v: f64, unit: &str) -> &str {
    match unit.strip_suffix('s') {
        Some(one)
            if v == 1.0 && one.len() >= 3 && one.chars().all(|c| c.is_ascii_lowercase()) && !one.ends_with('s') =>
        {
            one
        }
        _ => unit,
    }
}

pub(crate) fn objective_row(site: &Published, r: &Shown<record::Objective>) -> ObjectiveRow {
    let o = &r.fm;
    ObjectiveRow {
        system: super::system_of(site, Kind::Objective, r.at),
        id: r.id.clone(),
        href: href(Kind::Objective, &r.id),
        title: o.title.clone(),
        owner: o.owner.clone(),
        owner_href: o.owner.as_deref().and_then(|x| owner_href(site, x)),
        target: number(o.target, &o.unit),
        amber: o.amber.as_ref().map(|a| number(*a.get_ref(), &o.unit)),
        direction: match o.direction {
            record::Direction::HigherBetter => "Higher is better",
            record::Direction::LowerBetter => "Lower is better",
        },
        latest: metrics::latest_measurement(o, site.as_of).map(|m| MeasurementCtx {
            date: m.date.get_ref().to_string(),
            value: number(m.value, &o.unit),
            note: m.note.clone(),
            against: metrics::attainment_of(o, m.value).as_str(),
        }),
        status: attainment_badge(site.facts.objectives[r.at]),
    }
}

#[derive(Serialize)]
pub(crate) struct ObjectivePage {
    /// Its management system, on a site of several; else `None`.
    pub(crate) system: Option<String>,
    #[serde(flatten)]
    pub(crate) row: ObjectiveRow,
    pub(crate) measurements: Vec<MeasurementCtx>,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
}

pub(crate) fn objective_page(site: &Published, r: &Shown<record::Objective>, body: String) -> ObjectivePage {
    let o = &r.fm;
    let mut ms: Vec<(usize, &record::Measurement)> = o.measurements.iter().enumerate().collect();
    ms.sort_by_key(|(i, m)| (*m.date.get_ref(), *i));
    ObjectivePage {
        system: super::system_of(site, Kind::Objective, r.at),
        row: objective_row(site, r),
        measurements: ms
            .into_iter()
            .map(|(_, m)| MeasurementCtx {
                date: m.date.get_ref().to_string(),
                value: number(m.value, &o.unit),
                note: m.note.clone(),
                against: metrics::attainment_of(o, m.value).as_str(),
            })
            .collect(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&o.extra),
        attachments: attachments(site, r),
    }
}

#[derive(Serialize)]
pub(crate) struct AuditRow {
    /// Its management system, on a site of several (a register column); else `None`.
    pub(crate) system: Option<String>,
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) kind: &'static str,
    pub(crate) start: String,
    pub(crate) end: Option<String>,
    pub(crate) auditor: Option<String>,
    pub(crate) result: Option<String>,
    pub(crate) findings: usize,
}

pub(crate) fn audit_kind_label(k: record::AuditKind) -> &'static str {
    match k {
        record::AuditKind::Internal => "Internal audit",
        record::AuditKind::External => "External audit",
        record::AuditKind::Certification => "Certification audit",
        record::AuditKind::Surveillance => "Surveillance audit",
        record::AuditKind::Supplier => "Supplier audit",
    }
}

/// Every nonconformity raised against an audit, shown or withheld (counts never depend on the
/// audience; lists show the ones the reader may see and say how many they leave out).
fn findings<'a>(site: &'a Published, id: &str) -> &'a [usize] {
    site.lookup(id).and_then(|(_, i)| site.findings.get(i)).map_or(&[], Vec::as_slice)
}

pub(crate) fn audit_row(site: &Published, r: &Shown<record::Audit>) -> AuditRow {
    let a = &r.fm;
    AuditRow {
        system: super::system_of(site, Kind::Audit, r.at),
        id: r.id.clone(),
        href: href(Kind::Audit, &r.id),
        title: a.title.clone(),
        kind: audit_kind_label(a.kind),
        start: a.start.get_ref().to_string(),
        end: opt_date(&a.end),
        auditor: a.auditor.clone(),
        result: a.result.clone(),
        findings: findings(site, &r.id).len(),
    }
}

#[derive(Serialize)]
pub(crate) struct AuditPage {
    /// Its management system, on a site of several; else `None`.
    pub(crate) system: Option<String>,
    #[serde(flatten)]
    pub(crate) row: AuditRow,
    pub(crate) scope: Option<String>,
    pub(crate) requirements: Vec<String>,
    pub(crate) findings: Vec<NcRow>,
    pub(crate) findings_withheld: usize,
    pub(crate) findings_withheld_text: crate::model::LeftOut,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
}

/// An audit's page; its findings show their status at the audit's end (`quotes`) and now.
pub(crate) fn audit_page(
    site: &Published,
    r: &Shown<record::Audit>,
    body: String,
    quotes: &crate::metrics::Quotes,
) -> AuditPage {
    AuditPage {
        system: super::system_of(site, Kind::Audit, r.at),
        row: audit_row(site, r),
        scope: r.fm.scope.clone(),
        requirements: crate::record::texts(&r.fm.requirements),
        findings: findings(site, &r.id)
            .iter()
            .filter_map(|&n| site.nonconformities[n].shown().map(|s| (n, s)))
            .map(|(n, s)| {
                let mut row = nc_row(site, s);
                // The table's column says "at the audit's end".
                if let Some(q) = quotes.get(&(Kind::Nonconformity, n)) {
                    (row.status, row.now) = (super::status_badge(&q.then.status), super::now_badge(q));
                }
                row
            })
            .collect(),
        findings_withheld: findings(site, &r.id).iter().filter(|&&n| site.nonconformities[n].shown().is_none()).count(),
        findings_withheld_text: crate::model::left_out(
            Kind::Nonconformity,
            findings(site, &r.id).iter().map(|&n| &site.nonconformities[n]),
        ),
        body,
        backlinks: backlinks_except(
            site,
            &r.id,
            findings(site, &r.id).iter().filter_map(|&n| site.nonconformities[n].shown().map(|s| s.id.as_str())),
        ),
        extra: extra(&r.fm.extra),
        attachments: attachments(site, r),
    }
}

#[derive(Serialize)]
pub(crate) struct PageCtx {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
}

pub(crate) fn page_page(site: &Published, r: &Shown<record::Page>, body: String) -> PageCtx {
    PageCtx {
        id: r.id.clone(),
        title: r.fm.title.clone(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&r.fm.extra),
        attachments: attachments(site, r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_field_names_read_as_words() {
        let hours = Some("hours".to_string());
        assert_eq!(number(1.0, &hours), "1 hour");
        assert_eq!(number(0.7, &hours), "0.7 hours");
        assert_eq!(number(2.0, &Some("days".into())), "2 days");
        // Symbols and words that are not plurals stay as written.
        for unit in ["%", "ms", "GBs", "bps", "class", "s"] {
            assert_eq!(unit_for(1.0, unit), unit, "{unit}");
        }
        assert_eq!(number(1.0, &Some("%".into())), "1 %");
        assert_eq!(super::super::field_label("breach_log"), "Breach log");
        assert_eq!(super::super::field_label("review-date"), "Review date");
        assert_eq!(super::super::field_label(""), "");
    }
}
