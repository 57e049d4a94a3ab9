//! The data of each page kind: review pages with their panels, record pages, registers, the
//! dashboard and the trends page.

use std::collections::HashMap;

use serde::Serialize;

use super::files::error_chain;
use super::{Links, RenderError, Renderer};
use crate::context::{self as ctx, Ref};
use crate::fingerprint::Part;
use crate::markdown;
use crate::model::{LeftOut, Shown, left_out, shown};
use crate::record::Kind;

/// How many entries a dashboard list shows: nothing on it grows with the number of records.
pub(super) const DASHBOARD_TOP: usize = 10;

/// How a review page labels the statuses it quotes as of its meeting.
pub(super) const AT_REVIEW: &str = "at this review";

/// An input of the review's framework that its minutes have no heading for: listed under
/// "Inputs not covered in the minutes", with its evidence panel when it has one.
#[derive(Serialize)]
struct MissingInput {
    key: String,
    title: String,
    clause: String,
    panel: Option<String>,
}

impl Renderer<'_> {
    /// A review page: minutes with each input's evidence panel under its heading, the
    /// figures of its period, and the panels of inputs the minutes lack.
    pub(super) fn review(&self, i: usize, r: &Shown<crate::record::Review>) -> Result<Box<dyn Part>, RenderError> {
        let site = self.site;
        let fw_name = r.fm.framework.as_ref().map_or(site.config.framework.as_str(), |f| f.get_ref().as_str());
        let typed = crate::evidence::panels(site, self.figures, i);
        let in_panel: Vec<String> = typed.previous_actions.iter().map(|a| a.reference.id.to_lowercase()).collect();
        let panels = tera::Value::from_serializable(&typed);
        let mut html = HashMap::new();
        // The panels the page shows (in the minutes or under the missing inputs), by name.
        let mut shown_panels = Vec::new();
        let mut missing = Vec::new();
        let root = "../../";
        for input in site.config.framework(fw_name).map(|f| f.inputs.as_slice()).unwrap_or_default() {
            let has_heading = r.scan.headings.iter().any(|h| h.explicit_id.as_deref() == Some(input.key.as_str()));
            let panel = match &input.panel {
                Some(name) => {
                    let mut c = tera::Context::new();
                    c.insert("root", root);
                    c.insert("name", name);
                    c.insert("input", input);
                    c.insert_value("panels", panels.clone());
                    c.insert_value("site", self.shared.site.clone());
                    let out = self.tera.render("panel.html", &c).map_err(|e| {
                        RenderError(format!("cannot render panel {name} for {}: {}", r.id, error_chain(&e)))
                    })?;
                    // A panel with nothing to show (a risk panel without a snapshot) is left out.
                    (!out.trim().is_empty()).then(|| {
                        shown_panels.push(name.clone());
                        out
                    })
                }
                _ => None,
            };
            match (has_heading, panel) {
                (true, Some(p)) => {
                    html.insert(input.key.clone(), p);
                }
                (false, panel) if !r.scan.headings.is_empty() || panel.is_some() => missing.push(MissingInput {
                    key: input.key.clone(),
                    title: input.title.clone(),
                    clause: input.clause.clone(),
                    panel,
                }),
                _ => {}
            }
        }
        let at = ctx::At { quotes: &self.figures.evidence[i].quoted, when: AT_REVIEW };
        let links =
            Links { site, dir: &r.dir, root: root.into(), panels: html, headings: &r.scan.headings, at: Some(at) };
        let body = super::with_cut_sections(markdown::render(&r.body, &links), r);
        #[derive(Serialize)]
        struct Full {
            #[serde(flatten)]
            page: ctx::ReviewPage,
            in_series: bool,
            period: String,
            figures_as_of: String,
            figures: Vec<crate::evidence::FigureRow>,
            missing_inputs: Vec<MissingInput>,
            /// The evidence panels shown on the page (`risk`, `previous-actions`, …): what
            /// they show is not repeated below.
            shown_panels: Vec<String>,
            /// How many action updates the panel does not already show.
            other_updates: usize,
            /// The period's length in days when it is shorter than a month: its rates say
            /// little, and the page says so.
            short_period: Option<i64>,
        }
        let p = &self.figures.periods[i];
        let mut page = ctx::review_page(site, r, body, &at);
        if shown_panels.iter().any(|n| n == "previous-actions") {
            for u in &mut page.action_updates {
                u.in_panel = in_panel.contains(&u.action.id.to_lowercase());
            }
        }
        let short = crate::evidence::short_period(&p.period, p.as_of);
        Ok(Box::new(Full {
            other_updates: page.action_updates.iter().filter(|u| !u.in_panel).count(),
            page,
            shown_panels,
            in_series: p.in_series,
            period: crate::evidence::period_text(&p.period),
            figures_as_of: p.as_of.to_string(),
            figures: crate::evidence::figure_rows(site, &self.figures.metrics[i], short),
            short_period: short,
            missing_inputs: missing,
        }))
    }

    pub(super) fn trends(&self) -> TrendsCtx {
        let site = self.site;
        let several = site.systems.several();
        let systems = if several {
            (0..site.systems.names.len())
                .map(|s| self.system_trends(s, &format!("-{}", site.systems.anchor(s))))
                .collect()
        } else {
            Vec::new()
        };
        TrendsCtx { primary: self.system_trends(0, ""), systems }
    }

    /// One system's trends; `suffix` keeps chart ids unique on a page of several systems.
    fn system_trends(&self, s: usize, suffix: &str) -> SystemTrends {
        let site = self.site;
        let f = self.figures;
        let idx: &[usize] = f.system_series.get(s).map_or(&[], Vec::as_slice);
        let of_system = |k: usize| site.systems.of(Kind::Objective, k) == s;
        let framework = site.systems.framework(s).unwrap_or(&site.config.framework);
        SystemTrends {
            system: site.systems.name(s).to_string(),
            framework: site.config.framework(framework).map_or_else(|| framework.to_string(), |f| f.title.clone()),
            anchor: site.systems.anchor(s),
            reviews: idx.len(),
            nc: (!idx.is_empty()).then(|| crate::evidence::nc_chart(site, f, idx, &format!("trend-nc{suffix}"))),
            actions: (!idx.is_empty())
                .then(|| crate::evidence::action_chart(site, f, idx, &format!("trend-actions{suffix}"))),
            risk: crate::evidence::risk_chart(site, f, idx, &format!("trend-risk{suffix}")),
            objectives: (crate::model::shown_at(&site.objectives).filter(|(k, _)| of_system(*k)))
                .map(|(_, o)| crate::evidence::objective_chart(o, &format!("obj-{}", o.id)))
                .collect(),
            objectives_withheld: left_out(
                Kind::Objective,
                site.objectives.iter().enumerate().filter(|(k, _)| of_system(*k)).map(|(_, o)| o),
            )
            .count(),
            objectives_withheld_text: left_out(
                Kind::Objective,
                site.objectives.iter().enumerate().filter(|(k, _)| of_system(*k)).map(|(_, o)| o),
            ),
        }
    }

    pub(super) fn record(&self, kind: Kind, i: usize) -> Result<(String, String, Box<dyn Part>), RenderError> {
        let site = self.site;
        fn json<T: Part + 'static>(v: T) -> Box<dyn Part> {
            Box::new(v)
        }
        let gone = || RenderError(format!("{} {i} is not shown in this edition", kind.label()));
        match kind {
            Kind::Review => {
                let r = site.reviews[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), self.review(i, r)?))
            }
            Kind::Action => {
                let r = site.actions[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::action_page(site, r, self.body(r, kind)))))
            }
            Kind::Nonconformity => {
                let r = site.nonconformities[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::nc_page(site, r, self.body(r, kind)))))
            }
            Kind::Objective => {
                let r = site.objectives[i].shown().ok_or_else(gone)?;
                #[derive(Serialize)]
                struct WithChart {
                    #[serde(flatten)]
                    page: ctx::ObjectivePage,
                    chart: crate::chart::Chart,
                }
                let page = ctx::objective_page(site, r, self.body(r, kind));
                let chart = crate::evidence::objective_chart(r, &format!("obj-{}", r.id));
                Ok((r.id.clone(), r.fm.title.clone(), json(WithChart { page, chart })))
            }
            Kind::Audit => {
                let r = site.audits[i].shown().ok_or_else(gone)?;
                Ok((
                    r.id.clone(),
                    r.fm.title.clone(),
                    json(ctx::audit_page(site, r, self.body(r, kind), &self.figures.audit_quotes[i])),
                ))
            }
            Kind::Page | Kind::Home => {
                let r = site.pages[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::page_page(site, r, self.body(r, Kind::Page)))))
            }
        }
    }

    pub(super) fn list(&self, kind: Kind) -> Box<dyn Part> {
        let site = self.site;
        macro_rules! rows {
            ($kind:expr, $list:expr, $row:path, $order:expr) => {{
                let mut shown: Vec<_> = shown(&$list).collect();
                $order(&mut shown);
                let rows: Vec<_> = shown.into_iter().map(|r| $row(site, r)).collect();
                let left = left_out($kind, &$list);
                Box::new(ListCtx { rows, systems: site.systems.several(), withheld: left.count(), withheld_text: left })
                    as Box<dyn Part>
            }};
        }
        match kind {
            Kind::Review => rows!(kind, site.reviews, ctx::review_row, ctx::order::reviews),
            Kind::Action => rows!(kind, site.actions, ctx::action_row, |r: &mut [_]| ctx::order::actions(site, r)),
            Kind::Nonconformity => {
                rows!(kind, site.nonconformities, ctx::nc_row, |r: &mut [_]| ctx::order::nonconformities(site, r))
            }
            Kind::Objective => rows!(kind, site.objectives, ctx::objective_row, ctx::order::keep),
            _ => rows!(Kind::Audit, site.audits, ctx::audit_row, ctx::order::audits),
        }
    }

    pub(super) fn home(&self) -> HomeCtx {
        let site = self.site;
        let intro = site.home.as_ref().map(|h| {
            let links = Links {
                site,
                dir: &h.dir,
                root: String::new(),
                panels: HashMap::new(),
                headings: &h.scan.headings,
                at: None,
            };
            markdown::render(&h.body, &links)
        });
        let dash = &self.figures.dashboard;
        // The latest held review and the next one, of one system or (`None`) of all.
        let latest_and_next = |system: Option<usize>| {
            let of = |k: usize| system.is_none_or(|s| site.systems.of(Kind::Review, k) == s);
            let held: Vec<&Shown<crate::record::Review>> = (crate::model::shown_at(&site.reviews))
                .filter(|(k, r)| of(*k) && *r.fm.status.get_ref() != crate::record::ReviewStatus::Planned)
                .map(|(_, r)| r)
                .collect();
            let latest = held.last().map(|r| ctx::review_row(site, r));
            let next = (dash.planned.iter())
                .filter(|&&k| of(k))
                .find_map(|&k| site.reviews[k].shown())
                .map(|r| ctx::review_row(site, r));
            let next_due = held.last().and_then(|r| r.fm.next_review.as_ref().map(|n| n.get_ref().to_string()));
            (latest, next, next_due)
        };
        let (latest, next, next_due) = latest_and_next(None);
        // Headline figures count every record present, whatever the audience (DESIGN §3);
        // only the lists leave withheld records out, and say how many.
        // The ten most overdue; the register, filtered to overdue, has the rest.
        let mut overdue: Vec<_> = dash.overdue.iter().filter_map(|&k| site.actions[k].shown()).collect();
        ctx::order::actions(site, &mut overdue);
        let overdue_more = overdue.len().saturating_sub(DASHBOARD_TOP);
        let overdue: Vec<_> = overdue.into_iter().take(DASHBOARD_TOP).map(|a| ctx::action_row(site, a)).collect();
        let overdue_withheld = left_out(Kind::Action, dash.overdue.iter().map(|&k| &site.actions[k]));
        let pages: Vec<Ref> = shown(&site.pages).map(|p| ctx::reference(site, &p.id)).collect();
        let title = site.home.as_ref().and_then(|h| h.fm.title.clone());
        let recent = |s: usize| -> Vec<usize> {
            let own = self.figures.system_series.get(s).map_or(&[][..], Vec::as_slice);
            own[own.len().saturating_sub(6)..].to_vec()
        };
        let charts = |s: usize, suffix: &str| {
            let idx = recent(s);
            (!idx.is_empty()).then(|| {
                (
                    crate::evidence::nc_chart(site, self.figures, &idx, &format!("home-nc{suffix}")),
                    crate::evidence::action_chart(site, self.figures, &idx, &format!("home-actions{suffix}")),
                )
            })
        };
        let systems = if site.systems.several() {
            (0..site.systems.names.len())
                .map(|s| {
                    let anchor = site.systems.anchor(s);
                    let (nc_chart, action_chart) = charts(s, &format!("-{anchor}")).unzip();
                    let (latest, next, next_due) = latest_and_next(Some(s));
                    HomeSystem {
                        latest,
                        next,
                        next_due,
                        system: site.systems.name(s).to_string(),
                        reviews: self.figures.system_series.get(s).map_or(0, Vec::len),
                        anchor,
                        nc_chart,
                        action_chart,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let (nc_chart, action_chart) = charts(0, "").unzip();
        HomeCtx {
            systems,
            nc_chart,
            action_chart,
            title,
            intro,
            latest,
            next,
            next_due,
            overdue,
            overdue_more,
            attention: ctx::attention::groups(site, self.figures, self.warnings),
            open_actions: dash.open_actions,
            overdue_actions: dash.overdue.len(),
            overdue_withheld: overdue_withheld.count(),
            overdue_withheld_text: overdue_withheld,
            open_ncs: dash.open_ncs,
            reviews: self.figures.series.len(),
            objectives: shown(&site.objectives).map(|o| ctx::objective_row(site, o)).collect(),
            objectives_withheld: left_out(Kind::Objective, &site.objectives).count(),
            objectives_withheld_text: left_out(Kind::Objective, &site.objectives),
            pages_withheld: left_out(Kind::Page, &site.pages).count(),
            pages_withheld_text: left_out(Kind::Page, &site.pages),
            pages,
            extra: site.home.as_ref().map_or_else(Vec::new, |h| ctx::extra(&h.fm.extra)),
        }
    }
}

/// The dashboard (`index.html`): a contract with site templates, extended only.
#[derive(Serialize)]
pub(super) struct HomeCtx {
    /// The recent trends of the site's own system.
    nc_chart: Option<crate::chart::Chart>,
    action_chart: Option<crate::chart::Chart>,
    /// On a site of several management systems, each one's recent trends; else empty.
    systems: Vec<HomeSystem>,
    title: Option<String>,
    intro: Option<String>,
    latest: Option<ctx::ReviewRow>,
    next: Option<ctx::ReviewRow>,
    next_due: Option<String>,
    /// The most overdue actions, most overdue first (at most [`DASHBOARD_TOP`]).
    overdue: Vec<ctx::ActionRow>,
    /// How many more shown actions are overdue (the register filtered to overdue lists them).
    overdue_more: usize,
    /// The rest of "Needs attention", by group, each capped at a fixed top N.
    attention: Vec<ctx::attention::Group>,
    open_actions: usize,
    overdue_actions: usize,
    overdue_withheld: usize,
    /// What the withheld entries of each list were ("2 confidential actions withheld").
    overdue_withheld_text: LeftOut,
    open_ncs: usize,
    reviews: usize,
    objectives: Vec<ctx::ObjectiveRow>,
    objectives_withheld: usize,
    objectives_withheld_text: LeftOut,
    pages_withheld: usize,
    pages_withheld_text: LeftOut,
    pages: Vec<Ref>,
    /// `[extra]` of `content/_index.md`, for site templates.
    extra: Vec<ctx::ExtraField>,
}

/// One management system's recent trends on the dashboard.
#[derive(Serialize)]
pub(super) struct HomeSystem {
    system: String,
    anchor: String,
    /// Its series reviews held.
    reviews: usize,
    /// Its latest held review, its next planned one, and the `next_review` date of the latest.
    latest: Option<ctx::ReviewRow>,
    next: Option<ctx::ReviewRow>,
    next_due: Option<String>,
    nc_chart: Option<crate::chart::Chart>,
    action_chart: Option<crate::chart::Chart>,
}

/// The trends page: the whole series of the site's own system (the fields every site
/// template knows), and on a site of several systems, each system's on its own.
#[derive(Serialize)]
pub(super) struct TrendsCtx {
    #[serde(flatten)]
    primary: SystemTrends,
    /// Every system, the site's own first, when there are several; else empty.
    systems: Vec<SystemTrends>,
}

/// One management system's series on the trends page.
#[derive(Serialize)]
pub(super) struct SystemTrends {
    /// "ISMS".
    system: String,
    /// Unique on the page: "aims".
    anchor: String,
    /// The title of its framework ("ISO/IEC 42001:2023 clause 9.3").
    framework: String,
    reviews: usize,
    nc: Option<crate::chart::Chart>,
    actions: Option<crate::chart::Chart>,
    risk: Option<crate::chart::Chart>,
    objectives: Vec<crate::chart::Chart>,
    objectives_withheld: usize,
    objectives_withheld_text: LeftOut,
}

/// A page whose template needs no data (search).
#[derive(Serialize)]
pub(super) struct Empty {}

/// A register page: the visible rows, how many were withheld and what they were.
#[derive(Serialize)]
pub(super) struct ListCtx<T: Serialize> {
    rows: Vec<T>,
    /// The site reviews several management systems: the register has a System column.
    systems: bool,
    withheld: usize,
    withheld_text: LeftOut,
}
