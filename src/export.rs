//! [`Site`] → `/exports/site.json`: every visible record with its derived status as of the
//! site's date, for other tools. Facts dated after the as-of date are left out.

use serde_json::{Map, Value, json};

use crate::context::href;
use crate::date::Date;
use crate::load::Kind;
use crate::metrics;
use crate::model::Site;
use crate::record::{self, Sp};

/// TOML → JSON, dates as `YYYY-MM-DD` strings.
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

fn extra(t: &Option<toml::Table>) -> Value {
    t.as_ref().map_or(Value::Object(Map::new()), |t| toml_to_json(&toml::Value::Table(t.clone())))
}

/// A date field, if it is dated on or before `a`.
fn until(d: &Option<Sp<Date>>, a: Date) -> Value {
    match d {
        Some(x) if *x.get_ref() <= a => json!(x.get_ref().to_string()),
        _ => Value::Null,
    }
}

pub fn site_json(site: &Site) -> String {
    let a = site.as_of;
    let redact = site.redact();
    let reviews: Vec<Value> = site
        .reviews
        .iter()
        .filter(|r| site.visible(&r.id))
        .map(|r| {
            let f = &r.fm;
            let approved_on = f.approved_on.as_ref().map(|x| *x.get_ref()).filter(|x| *x <= a);
            json!({
                "id": r.id,
                "url": href(Kind::Review, &r.id),
                "title": f.title,
                "date": f.date.get_ref().to_string(),
                "status": metrics::review_status(*f.status.get_ref(), approved_on, a),
                "kind": f.kind,
                "period_start": f.period_start.as_ref().map(|x| x.get_ref().to_string()),
                "chair": f.chair,
                "approved_by": if approved_on.is_some() { json!(f.approved_by) } else { Value::Null },
                "approved_on": approved_on.map(|x| x.to_string()),
                "next_review": f.next_review.as_ref().map(|x| x.get_ref().to_string()),
                "framework": f.framework.as_ref().map_or(site.config.framework.clone(), |x| x.get_ref().clone()),
                "climate_relevant": f.climate_relevant,
                "confidential": f.confidential,
                "attendees": f.attendees.iter().map(|x| json!({"name": x.name, "role": x.role, "top_management": x.top_management, "present": x.present})).collect::<Vec<_>>(),
                "conclusion": f.conclusion,
                "risk": f.risk,
                "decisions": f.decisions.iter().filter(|d| !(d.confidential && redact)).map(|d| json!({
                    "id": d.id.get_ref(),
                    "text": d.text,
                    "kind": d.kind,
                    "inputs": d.inputs.iter().map(|i| i.get_ref()).collect::<Vec<_>>(),
                    "actions": d.actions.iter().map(|i| i.get_ref()).collect::<Vec<_>>(),
                    "requirements": d.requirements,
                    "confidential": d.confidential,
                })).collect::<Vec<_>>(),
                "action_updates": f.action_updates.iter().filter(|u| !(u.confidential && redact)).map(|u| json!({
                    "action": u.action.get_ref(), "note": u.note, "confidential": u.confidential,
                })).collect::<Vec<_>>(),
                "extra": extra(&f.extra),
            })
        })
        .collect();
    let actions: Vec<Value> = site.actions.iter().filter(|r| site.visible(&r.id)).map(|r| action_json(r, a)).collect();
    let ncs: Vec<Value> = site.nonconformities.iter().filter(|r| site.visible(&r.id)).map(|r| nc_json(r, a)).collect();
    let objectives: Vec<Value> =
        site.objectives.iter().filter(|r| site.visible(&r.id)).map(|r| objective_json(r, a)).collect();
    let audits: Vec<Value> = site
        .audits
        .iter()
        .filter(|r| site.visible(&r.id))
        .map(|r| {
            let f = &r.fm;
            json!({
                "id": r.id, "url": href(Kind::Audit, &r.id), "title": f.title, "kind": f.kind,
                "start": f.start.get_ref().to_string(), "end": f.end.as_ref().map(|x| x.get_ref().to_string()),
                "auditor": f.auditor, "scope": f.scope, "result": f.result, "requirements": f.requirements,
                "confidential": f.confidential, "extra": extra(&f.extra),
            })
        })
        .collect();
    let pages: Vec<Value> = site
        .pages
        .iter()
        .filter(|r| site.visible(&r.id))
        .map(|r| json!({"id": r.id, "url": href(Kind::Page, &r.id), "title": r.fm.title, "weight": r.fm.weight, "confidential": r.fm.confidential, "extra": extra(&r.fm.extra)}))
        .collect();
    let doc = json!({
        "generator": concat!("quorum ", env!("CARGO_PKG_VERSION")),
        "site": {
            "title": site.config.title,
            "organization": site.config.organization,
            "base_url": site.config.base_url,
            "framework": site.config.framework,
            "severities": site.config.severities,
            "kpi_severities": site.config.kpi_severities,
            "as_of": a.to_string(),
            "audience": site.audience_name,
        },
        "reviews": reviews,
        "actions": actions,
        "nonconformities": ncs,
        "objectives": objectives,
        "audits": audits,
        "pages": pages,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("site.json serializes");
    s.push('\n');
    s
}

fn action_json(r: &record::Record<record::Action>, a: Date) -> Value {
    let f = &r.fm;
    let mut updates: Vec<(usize, &record::Update)> =
        f.updates.iter().enumerate().filter(|(_, u)| *u.date.get_ref() <= a).collect();
    updates.sort_by_key(|(i, u)| (*u.date.get_ref(), *i));
    let cancelled = f.cancelled.as_ref().is_some_and(|c| *c.get_ref() <= a);
    let closed = f.closed.as_ref().is_some_and(|c| *c.get_ref() <= a);
    json!({
        "id": r.id,
        "url": href(Kind::Action, &r.id),
        "title": f.title,
        "owner": f.owner,
        "kind": f.kind,
        "origin": f.origin.as_ref().map(|o| o.get_ref()),
        "raised": f.raised.get_ref().to_string(),
        "due": f.due.get_ref().to_string(),
        "due_as_of": metrics::due_as_of(f, a).to_string(),
        "closed": until(&f.closed, a),
        "cancelled": until(&f.cancelled, a),
        "cancel_reason": if cancelled { json!(f.cancel_reason.as_ref().map(|c| c.get_ref())) } else { Value::Null },
        "verified": until(&f.verified, a),
        "status": metrics::action_status(f, a),
        "closed_on_time": if closed { json!(metrics::closed_on_time(f)) } else { Value::Null },
        "confidential": f.confidential,
        "updates": updates.iter().map(|(_, u)| json!({"date": u.date.get_ref().to_string(), "note": u.note, "due": u.due.as_ref().map(|d| d.get_ref().to_string())})).collect::<Vec<_>>(),
        "extra": extra(&f.extra),
    })
}

fn nc_json(r: &record::Record<record::Nonconformity>, a: Date) -> Value {
    let f = &r.fm;
    let verified = f.verified.as_ref().is_some_and(|v| *v.get_ref() <= a);
    json!({
        "id": r.id,
        "url": href(Kind::Nonconformity, &r.id),
        "title": f.title,
        "raised": f.raised.get_ref().to_string(),
        "severity": f.severity.get_ref(),
        "source": f.source,
        "audit": f.audit.as_ref().map(|x| x.get_ref()),
        "requirements": f.requirements,
        "owner": f.owner,
        "due": f.due.as_ref().map(|x| x.get_ref().to_string()),
        "correction": f.correction,
        "root_cause": f.root_cause,
        "actions": f.actions.iter().map(|x| x.get_ref()).collect::<Vec<_>>(),
        "closed": until(&f.closed, a),
        "verified": until(&f.verified, a),
        "effective": if verified { json!(f.effective.as_ref().is_none_or(|e| *e.get_ref())) } else { Value::Null },
        "repeat_of": f.repeat_of.iter().map(|x| x.get_ref()).collect::<Vec<_>>(),
        "status": metrics::nc_status(f, a),
        "confidential": f.confidential,
        "extra": extra(&f.extra),
    })
}

fn objective_json(r: &record::Record<record::Objective>, a: Date) -> Value {
    let f = &r.fm;
    let mut ms: Vec<(usize, &record::Measurement)> =
        f.measurements.iter().enumerate().filter(|(_, m)| *m.date.get_ref() <= a).collect();
    ms.sort_by_key(|(i, m)| (*m.date.get_ref(), *i));
    json!({
        "id": r.id,
        "url": href(Kind::Objective, &r.id),
        "title": f.title,
        "owner": f.owner,
        "unit": f.unit,
        "target": f.target,
        "amber": f.amber.as_ref().map(|x| *x.get_ref()),
        "direction": f.direction,
        "attainment": metrics::attainment(f, a),
        "measurements": ms.iter().map(|(_, m)| json!({"date": m.date.get_ref().to_string(), "value": m.value, "note": m.note})).collect::<Vec<_>>(),
        "confidential": f.confidential,
        "extra": extra(&f.extra),
    })
}
