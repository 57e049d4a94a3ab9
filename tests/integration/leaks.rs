//! Property: an auditor build never leaks confidential material (DESIGN §5).
//!
//! Each case generates a small valid site (reviews, actions, nonconformities, objectives,
//! audits, pages, the home page) with random `confidential = true` on records, decisions and
//! action updates, random `{.confidential}` sections (with nested sub-headings, quoted and
//! listed headings, tables), planned reviews, folder records with attachments, loose files,
//! and `[[ID]]`, `[[ID|label]]`, `[[ID#D1]]`, `[[ID#heading]]` and Markdown links between them.
//! Every piece of text only withheld material carries is a unique marker (`LEAKMARK0001`…):
//! titles, bodies, headings, fields, decision texts, update notes, link labels, attachment
//! and file names and contents. The site is built twice through the library, `internal` and
//! `auditor`, and:
//!
//! 1. no marker appears anywhere in the auditor edition: any byte of any file written to the
//!    output folder (pages, exports, feed, search index, charts, `SHA256SUMS`, copied files,
//!    the marker file), nor in any file's path; matched ignoring case (made heading ids are
//!    lower case);
//! 2. the internal edition shows every marker (the generator really produces them);
//! 3. the figures are the same in both editions: the metrics stage's output, and
//!    `reviews[].metrics` (with the period they cover) in `exports/site.json`;
//! 4. "Referenced by" on a shown record's auditor page lists only records that refer to it
//!    from shown material (a link in shown text, a shown decision or action update, a field).
//!
//! `PROPTEST_CASES=N` runs more cases.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use quorum::{OutputFile, RenderOptions};

use crate::support::Site;

/// Whether wikilinks inside `.confidential` sections of shown records may point at shown
/// records. They do since backlinks are computed section-aware in the published view (such a
/// link is counted as a withheld mention, never listed under "Referenced by").
const LINKS_IN_CONFIDENTIAL_SECTIONS: bool = true;

/// Whether attachments of shown folder records may be linked only from withheld text (a
/// `.confidential` section, or a withheld record). They may: such an attachment is withheld
/// with the text (docs/content-format.md 2.3), so it carries markers like the text.
const ATTACHMENTS_LINKED_ONLY_FROM_CONFIDENTIAL_TEXT: bool = true;

/// Cases per run; `PROPTEST_CASES` overrides.
const CASES: u32 = 40;

/// The prefix of every marker; searched for ignoring case.
const MARK: &str = "LEAKMARK";

/// Loose files (outside folder records) the generator may link, under `content/pages/docs/`.
const LOOSE_FILES: usize = 3;
const LOOSE_DIR: &str = "content/pages/docs";

/// Heading ids that are review input keys (their sections get evidence panels).
const INPUT_KEYS: [&str; 6] = ["previous-actions", "nonconformities", "audits", "objectives", "risk", "issues"];

// ---------------------------------------------------------------------------------------------
// The plan: random choices only. References are `Index`es taken modulo the number of
// candidates when the site is written, so every plan (and every shrunk plan) is a valid site.

#[derive(Clone, Debug)]
enum Piece {
    Word,
    /// `[[ID]]`; `frag`: (decision, else heading) of the target; `label`: `[[ID|label]]`.
    Wiki {
        target: Index,
        frag: Option<(bool, Index)>,
        label: bool,
    },
    /// `[label](relative path)` (or `![alt](…)`) to an attachment of some folder record.
    Attachment {
        target: Index,
        which: Index,
        image: bool,
    },
    /// `[label](../actions/A-1.md#frag)`: an ordinary link to a record's file (or a folder
    /// record's folder), with a decision or heading fragment.
    RecordFile {
        target: Index,
        frag: Option<(bool, Index)>,
        folder: bool,
    },
    /// `[label](relative path)` to a loose file.
    Loose(Index),
}

#[derive(Clone, Debug)]
enum Block {
    Para(Vec<Piece>),
    /// A block quote holding a heading of the section's own rank: it must not end the section.
    Quote(Vec<Piece>),
    /// A list holding a heading of the section's own rank, likewise.
    List(Vec<Piece>),
    Table,
    /// Raw HTML (sanitised): an element with text and an attribute.
    Html,
    /// A fenced code block whose lines look like a heading and a link: neither.
    Code,
}

#[derive(Clone, Debug)]
enum HeadingId {
    Made,
    Explicit,
    Input(Index),
}

#[derive(Clone, Debug)]
struct Sub {
    confidential: bool,
    explicit_id: bool,
    blocks: Vec<Block>,
    /// A heading one more level down at the end of the sub-section: (confidential, blocks).
    deeper: Option<(bool, Vec<Block>)>,
}

#[derive(Clone, Debug)]
struct Section {
    confidential: bool,
    /// Written as a setext heading (`Title\n===`), not an ATX one.
    setext: bool,
    id: HeadingId,
    blocks: Vec<Block>,
    subs: Vec<Sub>,
}

#[derive(Clone, Debug)]
struct Body {
    /// Rank of the top-level sections (1 or 2); sub-sections are one and two below.
    level: usize,
    intro: Vec<Block>,
    sections: Vec<Section>,
}

#[derive(Clone, Debug)]
struct Common {
    confidential: bool,
    /// The record file has CRLF line endings.
    crlf: bool,
    folder: bool,
    attachments: usize,
    body: Body,
}

#[derive(Clone, Debug)]
struct ReviewPlan {
    c: Common,
    /// 0, 1 held; 2 approved; 3 planned.
    status: u8,
    extraordinary: bool,
    decisions: Vec<(bool, Vec<Index>)>,
    updates: Vec<(Index, bool)>,
}

#[derive(Clone, Debug)]
struct ActionPlan {
    c: Common,
    due: Index,
    /// 0 open, 1 closed, 2 cancelled, 3 closed and verified.
    state: u8,
    /// (0 review, 1 nonconformity, 2 audit; which; with a decision; which decision).
    origin: Option<(u8, Index, bool, Index)>,
    updates: Vec<bool>,
}

#[derive(Clone, Debug)]
struct NcPlan {
    c: Common,
    severity: Index,
    audit: Option<Index>,
    actions: Vec<Index>,
    /// 0 open, 1 closed, 2 verified, 3 verified and not effective.
    state: u8,
    repeat_of: Option<Index>,
}

#[derive(Clone, Debug)]
struct ObjectivePlan {
    c: Common,
    higher_better: bool,
    measurements: Vec<Index>,
}

#[derive(Clone, Debug)]
struct Plan {
    reviews: Vec<ReviewPlan>,
    actions: Vec<ActionPlan>,
    ncs: Vec<NcPlan>,
    objectives: Vec<ObjectivePlan>,
    audits: Vec<(Common, Index)>,
    pages: Vec<(Common, Option<i64>)>,
    home: Option<Body>,
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        2 => Just(Piece::Word),
        5 => (any::<Index>(), prop::option::of((any::<bool>(), any::<Index>())), any::<bool>())
            .prop_map(|(target, frag, label)| Piece::Wiki { target, frag, label }),
        1 => (any::<Index>(), any::<Index>(), prop::bool::weighted(0.3))
            .prop_map(|(target, which, image)| Piece::Attachment { target, which, image }),
        1 => (any::<Index>(), prop::option::of((any::<bool>(), any::<Index>())), any::<bool>())
            .prop_map(|(target, frag, folder)| Piece::RecordFile { target, frag, folder }),
        1 => any::<Index>().prop_map(Piece::Loose),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    let pieces = || prop::collection::vec(piece(), 1..4);
    prop_oneof![
        5 => pieces().prop_map(Block::Para),
        1 => pieces().prop_map(Block::Quote),
        1 => pieces().prop_map(Block::List),
        1 => Just(Block::Table),
        1 => Just(Block::Html),
        1 => Just(Block::Code),
    ]
}

fn blocks(max: usize) -> impl Strategy<Value = Vec<Block>> {
    prop::collection::vec(block(), 0..=max)
}

fn secret() -> impl Strategy<Value = bool> {
    prop::bool::weighted(0.4)
}

fn sub() -> impl Strategy<Value = Sub> {
    (secret(), any::<bool>(), blocks(2), prop::option::of((secret(), blocks(1))))
        .prop_map(|(confidential, explicit_id, blocks, deeper)| Sub { confidential, explicit_id, blocks, deeper })
}

fn section() -> impl Strategy<Value = Section> {
    let id = prop_oneof![Just(HeadingId::Made), Just(HeadingId::Explicit), any::<Index>().prop_map(HeadingId::Input)];
    (secret(), prop::bool::weighted(0.2), id, blocks(2), prop::collection::vec(sub(), 0..=2))
        .prop_map(|(confidential, setext, id, blocks, subs)| Section { confidential, setext, id, blocks, subs })
}

fn body() -> impl Strategy<Value = Body> {
    (1usize..=2, blocks(1), prop::collection::vec(section(), 0..=3)).prop_map(|(level, intro, sections)| Body {
        level,
        intro,
        sections,
    })
}

fn common() -> impl Strategy<Value = Common> {
    (prop::bool::weighted(0.35), prop::bool::weighted(0.2), any::<bool>(), 0usize..=2, body()).prop_map(
        |(confidential, crlf, folder, attachments, body)| Common { confidential, crlf, folder, attachments, body },
    )
}

fn review() -> impl Strategy<Value = ReviewPlan> {
    (
        common(),
        0u8..=3,
        prop::bool::weighted(0.25),
        prop::collection::vec((secret(), prop::collection::vec(any::<Index>(), 0..=2)), 0..=3),
        prop::collection::vec((any::<Index>(), secret()), 0..=2),
    )
        .prop_map(|(c, status, extraordinary, decisions, updates)| ReviewPlan {
            c,
            status,
            extraordinary,
            decisions,
            updates,
        })
}

fn action() -> impl Strategy<Value = ActionPlan> {
    (
        common(),
        any::<Index>(),
        0u8..=3,
        prop::option::of((0u8..=2, any::<Index>(), any::<bool>(), any::<Index>())),
        prop::collection::vec(any::<bool>(), 0..=2),
    )
        .prop_map(|(c, due, state, origin, updates)| ActionPlan { c, due, state, origin, updates })
}

fn nc() -> impl Strategy<Value = NcPlan> {
    (
        common(),
        any::<Index>(),
        prop::option::of(any::<Index>()),
        prop::collection::vec(any::<Index>(), 0..=2),
        0u8..=3,
        prop::option::of(any::<Index>()),
    )
        .prop_map(|(c, severity, audit, actions, state, repeat_of)| NcPlan {
            c,
            severity,
            audit,
            actions,
            state,
            repeat_of,
        })
}

fn objective() -> impl Strategy<Value = ObjectivePlan> {
    (common(), any::<bool>(), prop::collection::vec(any::<Index>(), 0..=3))
        .prop_map(|(c, higher_better, measurements)| ObjectivePlan { c, higher_better, measurements })
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        prop::collection::vec(review(), 1..=3),
        prop::collection::vec(action(), 1..=4),
        prop::collection::vec(nc(), 0..=3),
        prop::collection::vec(objective(), 0..=2),
        prop::collection::vec((common(), any::<Index>()), 0..=2),
        prop::collection::vec((common(), prop::option::of(1i64..=3)), 0..=3),
        prop::option::of(body()),
    )
        .prop_map(|(reviews, actions, ncs, objectives, audits, pages, home)| Plan {
            reviews,
            actions,
            ncs,
            objectives,
            audits,
            pages,
            home,
        })
}

// ---------------------------------------------------------------------------------------------
// Writing the site from a plan.

/// What links need to know about a record before any body is written.
struct Meta {
    id: String,
    /// The folder under `content/`, `""` for the home page.
    folder: &'static str,
    /// Left out of the auditor edition (confidential, or a planned review).
    withheld: bool,
    /// The folder relative links resolve from (`content/actions`, `content/reviews/MR-1`).
    dir: String,
    /// The record file.
    file: String,
    /// Attachment file names, with a placeholder for the stem (see `attachment_placeholder`).
    attachments: Vec<String>,
    /// Decision ids with their `confidential` flag.
    decisions: Vec<(String, bool)>,
    /// Explicit heading ids, with whether the heading lies in a confidential section.
    headings: Vec<(String, bool)>,
}

impl Meta {
    fn page(&self) -> String {
        match self.folder {
            "pages" => format!("{}/index.html", self.id),
            f => format!("{f}/{}/index.html", self.id),
        }
    }
}

/// The generated site and what the checks need to know about it.
#[derive(Default)]
struct Generated {
    files: Vec<(String, String)>,
    markers: Vec<String>,
    /// (from, to): `from` refers to `to` from material the auditor edition shows.
    edges: BTreeSet<(String, String)>,
    /// Loose files linked so far → linked from shown text.
    loose: BTreeMap<usize, bool>,
    /// Attachments (record index, attachment index) linked so far → linked from shown text.
    attached: BTreeMap<(usize, usize), bool>,
    /// Every record: ID, output page, withheld from auditors.
    pages: Vec<(String, String, bool)>,
}

impl Generated {
    fn marker(&mut self) -> String {
        let m = format!("{MARK}{:04}", self.markers.len() + 1);
        self.markers.push(m.clone());
        m
    }

    /// `plain`, with a fresh marker when the text is withheld from auditors.
    fn text(&mut self, secret: bool, plain: &str) -> String {
        if secret { format!("{plain} {}", self.marker()) } else { plain.to_string() }
    }

    fn edge(&mut self, from: &str, to: &str) {
        if from != to {
            self.edges.insert((from.to_string(), to.to_string()));
        }
    }
}

/// Where a piece of Markdown sits.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    /// The record it belongs to (none for the home page).
    from: Option<&'a str>,
    dir: &'a str,
    /// The record is shown in the auditor edition.
    shown: bool,
    /// The text is withheld from auditors (withheld record or confidential section).
    secret: bool,
}

/// A heading of a body, in the order the body is written.
struct Head {
    level: usize,
    id: Option<String>,
    class: bool,
    in_confidential: bool,
}

fn heads(body: &Body) -> Vec<Head> {
    let mut out = Vec::new();
    let mut used = BTreeSet::new();
    let mut n = 0;
    let l = body.level;
    for s in &body.sections {
        n += 1;
        let id = match &s.id {
            HeadingId::Made => None,
            HeadingId::Explicit => Some(format!("xs{n}")),
            HeadingId::Input(i) => {
                let key = INPUT_KEYS[i.index(INPUT_KEYS.len())];
                used.insert(key).then(|| key.to_string())
            }
        };
        out.push(Head { level: l, id, class: s.confidential, in_confidential: s.confidential });
        for sub in &s.subs {
            n += 1;
            let in_confidential = s.confidential || sub.confidential;
            let id = sub.explicit_id.then(|| format!("xs{n}"));
            out.push(Head { level: l + 1, id, class: sub.confidential, in_confidential });
            if let Some((c, _)) = &sub.deeper {
                out.push(Head { level: l + 2, id: None, class: *c, in_confidential: in_confidential || *c });
            }
        }
    }
    out
}

/// A relative link from the folder `from` to the content path `to`.
fn relative(from: &str, to: &str) -> String {
    let f: Vec<&str> = from.split('/').collect();
    let t: Vec<&str> = to.split('/').collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; f.len() - common];
    parts.extend(&t[common..]);
    parts.join("/")
}

/// Names that depend on who links the file are written as placeholders, replaced at the end.
fn loose_placeholder(k: usize) -> String {
    format!("@@LOOSE{k}@@")
}

fn attachment_placeholder(i: usize, j: usize) -> String {
    format!("@@ATT{i}-{j}@@")
}

struct Writer<'a> {
    metas: &'a [Meta],
    g: Generated,
}

impl Writer<'_> {
    /// A decision or explicit heading id of `m` (and whether auditors lose it), if it has any.
    fn fragment<'m>(m: &'m Meta, frag: &Option<(bool, Index)>) -> (Option<&'m str>, bool) {
        match frag {
            Some((true, i)) if !m.decisions.is_empty() => {
                let (d, c) = &m.decisions[i.index(m.decisions.len())];
                (Some(d.as_str()), *c)
            }
            Some((false, i)) if !m.headings.is_empty() => {
                let (h, c) = &m.headings[i.index(m.headings.len())];
                (Some(h.as_str()), *c)
            }
            _ => (None, false),
        }
    }

    fn wiki(&mut self, ctx: Ctx, target: &Index, frag: &Option<(bool, Index)>, label: bool) -> String {
        let metas = self.metas;
        let mut t = target.index(metas.len());
        if ctx.secret && ctx.shown && !LINKS_IN_CONFIDENTIAL_SECTIONS && !metas[t].withheld {
            let withheld: Vec<usize> = (0..metas.len()).filter(|&i| metas[i].withheld).collect();
            if withheld.is_empty() {
                return self.g.text(true, "unlinked");
            }
            t = withheld[target.index(withheld.len())];
        }
        let m = &metas[t];
        let (frag, frag_withheld) = Self::fragment(m, frag);
        if !ctx.secret
            && !m.withheld
            && let Some(from) = ctx.from
        {
            self.g.edge(from, &m.id);
        }
        let mut s = format!("[[{}", m.id);
        if let Some(f) = frag {
            s.push('#');
            s.push_str(f);
        }
        if label {
            s.push('|');
            s.push_str(&self.g.text(ctx.secret || m.withheld || frag_withheld, "this link"));
        }
        s.push_str("]]");
        s
    }

    fn piece(&mut self, ctx: Ctx, p: &Piece) -> String {
        match p {
            Piece::Word => self.g.text(ctx.secret, "word"),
            Piece::Wiki { target, frag, label } => self.wiki(ctx, target, frag, *label),
            Piece::Attachment { target, which, image } => {
                let with: Vec<usize> =
                    (0..self.metas.len()).filter(|&i| !self.metas[i].attachments.is_empty()).collect();
                if with.is_empty() {
                    return self.g.text(ctx.secret, "nothing attached");
                }
                let i = with[target.index(with.len())];
                let m = &self.metas[i];
                let j = which.index(m.attachments.len());
                let name = &m.attachments[j];
                *self.g.attached.entry((i, j)).or_default() |= !ctx.secret;
                let label = self.g.text(ctx.secret, "the file");
                let bang = if *image { "!" } else { "" };
                format!("{bang}[{label}]({})", relative(ctx.dir, &format!("{}/{name}", m.dir)))
            }
            Piece::RecordFile { target, frag, folder } => {
                let m = &self.metas[target.index(self.metas.len())];
                let is_folder = m.file.ends_with("/index.md");
                let to_folder = *folder && is_folder && ctx.dir != m.dir;
                let mut path = relative(ctx.dir, if to_folder { &m.dir } else { &m.file });
                if let (Some(f), _) = Self::fragment(m, frag) {
                    path.push('#');
                    path.push_str(f);
                }
                // A link to withheld material keeps its text (by design): no marker unless the
                // text itself is withheld.
                format!("[{}]({path})", self.g.text(ctx.secret, "the record"))
            }
            Piece::Loose(k) => {
                let k = k.index(LOOSE_FILES);
                *self.g.loose.entry(k).or_default() |= !ctx.secret;
                let label = self.g.text(ctx.secret, "the document");
                format!("[{label}]({})", relative(ctx.dir, &format!("{LOOSE_DIR}/{}", loose_placeholder(k))))
            }
        }
    }

    fn pieces(&mut self, ctx: Ctx, ps: &[Piece]) -> String {
        let v: Vec<String> = ps.iter().map(|p| self.piece(ctx, p)).collect();
        v.join(" ")
    }

    fn block(&mut self, ctx: Ctx, b: &Block, level: usize) -> String {
        let hashes = "#".repeat(level);
        match b {
            Block::Para(p) => self.pieces(ctx, p),
            Block::Quote(p) => {
                let h = self.g.text(ctx.secret, "Quoted");
                format!("> {hashes} {h}\n>\n> {}", self.pieces(ctx, p))
            }
            Block::List(p) => {
                let item = self.pieces(ctx, p);
                format!("- {item}\n- {hashes} {}", self.g.text(ctx.secret, "Listed"))
            }
            Block::Table => {
                let (a, b) = (self.g.text(ctx.secret, "cell"), self.g.text(ctx.secret, "cell"));
                format!("| a | b |\n|---|---|\n| {a} | {b} |")
            }
            Block::Html => {
                let (a, b) = (self.g.text(ctx.secret, "note"), self.g.text(ctx.secret, "raw"));
                format!("<div>\n<abbr title=\"{a}\">ISMS</abbr> <b>{b}</b>\n</div>")
            }
            Block::Code => {
                let (a, b) = (self.g.text(ctx.secret, "Not a heading"), self.g.text(ctx.secret, "code"));
                format!("```\n{hashes} {a}\n[[NOT-AN-ID]] {b}\n```")
            }
        }
    }

    fn heading(&mut self, h: &Head, secret: bool, word: &str, setext: bool) -> String {
        let text = if secret { format!("Secret {}", self.g.marker()) } else { word.to_string() };
        let attrs = match (&h.id, h.class) {
            (None, false) => String::new(),
            (None, true) => " {.confidential}".into(),
            (Some(id), false) => format!(" {{#{id}}}"),
            (Some(id), true) => format!(" {{#{id} .confidential}}"),
        };
        if setext && h.level <= 2 {
            let underline = if h.level == 1 { "===" } else { "---" };
            format!("{text}{attrs}\n{underline}")
        } else {
            format!("{} {text}{attrs}", "#".repeat(h.level))
        }
    }

    fn body(&mut self, ctx: Ctx, body: &Body) -> String {
        let heads = heads(body);
        let mut heads = heads.iter();
        let mut parts = Vec::new();
        for b in &body.intro {
            parts.push(self.block(ctx, b, body.level));
        }
        for s in &body.sections {
            let h = heads.next().expect("section heading");
            let sctx = Ctx { secret: ctx.secret || h.in_confidential, ..ctx };
            parts.push(self.heading(h, sctx.secret, "Part", s.setext));
            for b in &s.blocks {
                parts.push(self.block(sctx, b, body.level));
            }
            for sub in &s.subs {
                let h = heads.next().expect("sub heading");
                let cctx = Ctx { secret: ctx.secret || h.in_confidential, ..ctx };
                parts.push(self.heading(h, cctx.secret, "Detail", false));
                for b in &sub.blocks {
                    parts.push(self.block(cctx, b, body.level));
                }
                if let Some((_, blocks)) = &sub.deeper {
                    let h = heads.next().expect("deeper heading");
                    let dctx = Ctx { secret: ctx.secret || h.in_confidential, ..ctx };
                    parts.push(self.heading(h, dctx.secret, "Point", false));
                    for b in blocks {
                        parts.push(self.block(dctx, b, body.level));
                    }
                }
            }
        }
        let mut out = parts.join("\n\n");
        out.push('\n');
        out
    }
}

/// TOML front matter, line by line.
#[derive(Default)]
struct Toml(String);

impl Toml {
    fn raw(&mut self, line: &str) -> &mut Self {
        self.0.push_str(line);
        self.0.push('\n');
        self
    }
    fn s(&mut self, key: &str, v: &str) -> &mut Self {
        self.raw(&format!("{key} = {v:?}"))
    }
    fn list(&mut self, key: &str, v: &[String]) -> &mut Self {
        let items: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
        self.raw(&format!("{key} = [{}]", items.join(", ")))
    }
}

const DATES_DUE: [&str; 3] = ["2025-03-31", "2025-08-31", "2026-06-30"];
const VALUES: [&str; 4] = ["80.0", "88.5", "93.0", "97.0"];
const SEVERITIES: [&str; 3] = ["major", "minor", "observation"];
const SOURCES: [&str; 3] = ["internal_audit", "incident", "self"];
const AUDIT_KINDS: [&str; 3] = ["internal", "external", "supplier"];
const DECISION_KINDS: [&str; 4] = ["improvement", "isms_change", "resources", "other"];

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}-{i}")).collect()
}

fn pick(list: &[String], i: &Index) -> Option<String> {
    (!list.is_empty()).then(|| list[i.index(list.len())].clone())
}

fn generate(plan: &Plan) -> Generated {
    let g = Generated::default();
    let review_ids = ids("MR", plan.reviews.len());
    let action_ids = ids("A", plan.actions.len());
    let nc_ids = ids("NC", plan.ncs.len());
    let objective_ids = ids("OBJ", plan.objectives.len());
    let audit_ids = ids("IA", plan.audits.len());
    let page_ids = ids("P", plan.pages.len());

    // Phase 1: what every record offers links.
    let mut metas = Vec::new();
    let mut meta = |folder: &'static str, id: &str, withheld: bool, c: &Common, decisions: Vec<(String, bool)>| {
        let is_folder = c.folder || c.attachments > 0;
        let dir = if is_folder { format!("content/{folder}/{id}") } else { format!("content/{folder}") };
        let file = if is_folder { format!("{dir}/index.md") } else { format!("{dir}/{id}.md") };
        let i = metas.len();
        let attachments = (0..c.attachments)
            .map(|j| format!("{}.{}", attachment_placeholder(i, j), if j % 2 == 0 { "pdf" } else { "csv" }))
            .collect();
        let headings = heads(&c.body).into_iter().filter_map(|h| h.id.map(|id| (id, h.in_confidential))).collect();
        metas.push(Meta { id: id.to_string(), folder, withheld, dir, file, attachments, decisions, headings });
    };
    for (r, id) in plan.reviews.iter().zip(&review_ids) {
        let decisions = r.decisions.iter().enumerate().map(|(j, (c, _))| (format!("D{}", j + 1), *c)).collect();
        meta("reviews", id, r.c.confidential || r.status == 3, &r.c, decisions);
    }
    for (r, id) in plan.actions.iter().zip(&action_ids) {
        meta("actions", id, r.c.confidential, &r.c, Vec::new());
    }
    for (r, id) in plan.ncs.iter().zip(&nc_ids) {
        meta("nonconformities", id, r.c.confidential, &r.c, Vec::new());
    }
    for (r, id) in plan.objectives.iter().zip(&objective_ids) {
        meta("objectives", id, r.c.confidential, &r.c, Vec::new());
    }
    for ((c, _), id) in plan.audits.iter().zip(&audit_ids) {
        meta("audits", id, c.confidential, c, Vec::new());
    }
    for ((c, _), id) in plan.pages.iter().zip(&page_ids) {
        meta("pages", id, c.confidential, c, Vec::new());
    }
    let by_id: BTreeMap<String, usize> = metas.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    let shown = |id: &str| !metas[by_id[id]].withheld;

    // Phase 2: the files.
    let mut w = Writer { metas: &metas, g };
    let mut records: Vec<(usize, String, &Common)> = Vec::new();

    for (k, r) in plan.reviews.iter().enumerate() {
        let i = k;
        let (id, secret) = (&review_ids[k], metas[i].withheld);
        let mut t = Toml::default();
        t.s("title", &w.g.text(secret, "Management review"));
        let month = 2 + 3 * k;
        match r.status {
            3 => t.s("status", "planned").raw(&format!("date = 2026-0{}-15", k + 1)),
            2 => t
                .s("status", "approved")
                .raw(&format!("date = 2025-{month:02}-10"))
                .s("approved_by", &w.g.text(secret, "Board"))
                .raw(&format!("approved_on = 2025-{month:02}-20")),
            _ => t.s("status", "held").raw(&format!("date = 2025-{month:02}-10")),
        };
        if r.status != 3 {
            t.s("chair", &w.g.text(secret, "Ann Chair"));
        }
        if r.extraordinary {
            t.s("kind", "extraordinary");
        }
        t.raw("climate_relevant = true");
        if r.c.confidential {
            t.raw("confidential = true");
        }
        t.raw("\n[[attendees]]").s("name", &w.g.text(secret, "Ann Chair")).raw("top_management = true");
        if r.status == 2 {
            t.raw("\n[conclusion]\nsuitable = true\nadequate = true\neffective = true");
            t.s("rationale", &w.g.text(secret, "It works"));
        }
        t.raw("\n[risk]\ntotal = 10\nabove_appetite = 2\ntreatments_total = 5\ntreatments_done = 3\ntreatments_overdue = 1");
        for (j, (conf, acts)) in r.decisions.iter().enumerate() {
            let hidden = secret || *conf;
            let acts: BTreeSet<String> = acts.iter().filter_map(|a| pick(&action_ids, a)).collect();
            let acts: Vec<String> = acts.into_iter().collect();
            t.raw("\n[[decisions]]").s("id", &format!("D{}", j + 1));
            t.s("text", &w.g.text(hidden, "Decided")).s("kind", DECISION_KINDS[j % DECISION_KINDS.len()]);
            t.list("actions", &acts).list("requirements", &[w.g.text(hidden, "ISO27001:2022 A.5.1")]);
            if *conf {
                t.raw("confidential = true");
            }
            if !hidden {
                for a in acts.iter().filter(|a| shown(a)) {
                    w.g.edge(id, a);
                }
            }
        }
        for (a, conf) in &r.updates {
            let a = pick(&action_ids, a).expect("at least one action");
            let hidden = secret || *conf;
            t.raw("\n[[action_updates]]").s("action", &a).s("note", &w.g.text(hidden, "Progress reported"));
            if *conf {
                t.raw("confidential = true");
            }
            if !hidden && shown(&a) {
                w.g.edge(id, &a);
            }
        }
        t.raw("\n[extra]").s("ticket", &w.g.text(secret, "T-1"));
        records.push((i, t.0, &r.c));
    }

    let base = plan.reviews.len();
    for (k, a) in plan.actions.iter().enumerate() {
        let i = base + k;
        let (id, secret) = (&action_ids[k], metas[i].withheld);
        let mut t = Toml::default();
        t.s("title", &w.g.text(secret, "Do the thing")).s("owner", &w.g.text(secret, "IT Ops"));
        t.raw(&format!("raised = 2025-01-{:02}", 10 + k)).raw(&format!("due = {}", DATES_DUE[a.due.index(3)]));
        if let Some((kind, which, with_decision, d)) = &a.origin {
            let origin = match kind {
                0 => {
                    let r = which.index(plan.reviews.len());
                    let n = plan.reviews[r].decisions.len();
                    let dec = if *with_decision && n > 0 { format!("#D{}", d.index(n) + 1) } else { String::new() };
                    Some((review_ids[r].clone(), dec))
                }
                1 => pick(&nc_ids, which).map(|x| (x, String::new())),
                _ => pick(&audit_ids, which).map(|x| (x, String::new())),
            };
            if let Some((o, dec)) = origin {
                t.s("origin", &format!("{o}{dec}"));
                if !secret && shown(&o) {
                    w.g.edge(id, &o);
                }
            }
        }
        match a.state {
            1 => t.raw("closed = 2025-05-20"),
            2 => t.raw("cancelled = 2025-04-02").s("cancel_reason", &w.g.text(secret, "Superseded")),
            3 => t.raw("closed = 2025-05-20\nverified = 2025-06-30"),
            _ => &mut t,
        };
        if a.c.confidential {
            t.raw("confidential = true");
        }
        for (j, due) in a.updates.iter().enumerate() {
            t.raw("\n[[updates]]").raw(&format!("date = 2025-04-{:02}", j + 1));
            t.s("note", &w.g.text(secret, "Half done"));
            if *due {
                t.raw("due = 2025-10-31");
            }
        }
        t.raw("\n[extra]").s("ticket", &w.g.text(secret, "T-2"));
        records.push((i, t.0, &a.c));
    }

    let base = base + plan.actions.len();
    for (k, n) in plan.ncs.iter().enumerate() {
        let i = base + k;
        let (id, secret) = (&nc_ids[k], metas[i].withheld);
        let mut t = Toml::default();
        t.s("title", &w.g.text(secret, "Something went wrong"));
        t.raw(&format!("raised = 2025-02-{:02}", 10 + k)).s("severity", SEVERITIES[n.severity.index(3)]);
        t.s("source", SOURCES[n.severity.index(3)]);
        if let Some(a) = n.audit.as_ref().and_then(|a| pick(&audit_ids, a)) {
            t.s("audit", &a);
            if !secret && shown(&a) {
                w.g.edge(id, &a);
            }
        }
        t.list("requirements", &[w.g.text(secret, "ISO27001:2022 A.5.18")]);
        t.s("owner", &w.g.text(secret, "Quality"));
        t.s("correction", &w.g.text(secret, "Contained")).s("root_cause", &w.g.text(secret, "Process gap"));
        let acts: BTreeSet<String> = n.actions.iter().filter_map(|a| pick(&action_ids, a)).collect();
        let acts: Vec<String> = acts.into_iter().collect();
        t.list("actions", &acts);
        if !secret {
            for a in acts.iter().filter(|a| shown(a)) {
                w.g.edge(id, a);
            }
        }
        match n.state {
            1 => t.raw("closed = 2025-07-01"),
            2 => t.raw("closed = 2025-07-01\nverified = 2025-09-01"),
            3 => t.raw("closed = 2025-07-01\nverified = 2025-09-01\neffective = false"),
            _ => &mut t,
        };
        if let Some(r) = n.repeat_of.as_ref().and_then(|r| pick(&nc_ids, r)).filter(|r| r != id) {
            t.list("repeat_of", std::slice::from_ref(&r));
            if !secret && shown(&r) {
                w.g.edge(id, &r);
            }
        }
        if n.c.confidential {
            t.raw("confidential = true");
        }
        t.raw("\n[extra]").s("ticket", &w.g.text(secret, "T-3"));
        records.push((i, t.0, &n.c));
    }

    let base = base + plan.ncs.len();
    for (k, o) in plan.objectives.iter().enumerate() {
        let i = base + k;
        let secret = metas[i].withheld;
        let mut t = Toml::default();
        t.s("title", &w.g.text(secret, "Patch fast")).s("owner", &w.g.text(secret, "IT Ops")).s("unit", "%");
        t.raw("target = 90");
        if o.higher_better {
            t.s("direction", "higher_better").raw("amber = 85");
        } else {
            t.s("direction", "lower_better").raw("amber = 95");
        }
        if o.c.confidential {
            t.raw("confidential = true");
        }
        for (j, v) in o.measurements.iter().enumerate() {
            t.raw("\n[[measurements]]").raw(&format!("date = 2025-{:02}-28", 3 + 3 * j));
            t.raw(&format!("value = {}", VALUES[v.index(VALUES.len())]));
            t.s("note", &w.g.text(secret, "Measured"));
        }
        t.raw("\n[extra]").s("ticket", &w.g.text(secret, "T-4"));
        records.push((i, t.0, &o.c));
    }

    let base = base + plan.objectives.len();
    for (k, (c, kind)) in plan.audits.iter().enumerate() {
        let i = base + k;
        let secret = metas[i].withheld;
        let mut t = Toml::default();
        t.s("title", &w.g.text(secret, "Internal audit")).s("kind", AUDIT_KINDS[kind.index(3)]);
        t.raw(&format!("start = 2025-03-{:02}", 10 + k)).raw(&format!("end = 2025-03-{:02}", 12 + k));
        t.s("auditor", &w.g.text(secret, "Claire Dunn")).s("scope", &w.g.text(secret, "Whole ISMS"));
        t.s("result", &w.g.text(secret, "Two findings"));
        t.list("requirements", &[w.g.text(secret, "ISO27001:2022 A.7.1")]);
        if c.confidential {
            t.raw("confidential = true");
        }
        t.raw("\n[extra]").s("ticket", &w.g.text(secret, "T-5"));
        records.push((i, t.0, c));
    }

    let base = base + plan.audits.len();
    for (k, (c, weight)) in plan.pages.iter().enumerate() {
        let i = base + k;
        let secret = metas[i].withheld;
        let mut t = Toml::default();
        t.s("title", &w.g.text(secret, "Scope"));
        if let Some(wt) = weight {
            t.raw(&format!("weight = {wt}"));
        }
        if c.confidential {
            t.raw("confidential = true");
        }
        t.raw("\n[extra]").s("ticket", &w.g.text(secret, "T-6"));
        records.push((i, t.0, c));
    }

    // Bodies.
    let mut files = Vec::new();
    let mut crlf = BTreeSet::new();
    for (i, front, c) in records {
        let m = &metas[i];
        let ctx = Ctx { from: Some(&m.id), dir: &m.dir, shown: !m.withheld, secret: m.withheld };
        let body = w.body(ctx, &c.body);
        files.push((m.file.clone(), format!("+++\n{front}+++\n{body}")));
        if c.crlf {
            crlf.insert(m.file.clone());
        }
    }
    if let Some(body) = &plan.home {
        let ctx = Ctx { from: None, dir: "content", shown: true, secret: false };
        let body = w.body(ctx, body);
        files.push(("content/_index.md".into(), format!("+++\ntitle = \"Home\"\n+++\n{body}")));
    }
    // Loose files: withheld (a marker in name and content) unless shown text links them.
    let loose = std::mem::take(&mut w.g.loose);
    let mut names = Vec::new();
    // Attachments: withheld with their record, or (when so configured) when only withheld
    // text links them.
    let attached = std::mem::take(&mut w.g.attached);
    for (i, m) in metas.iter().enumerate() {
        for (j, name) in m.attachments.iter().enumerate() {
            let linked_only_from_withheld_text = attached.get(&(i, j)) == Some(&false);
            let secret =
                m.withheld || (ATTACHMENTS_LINKED_ONLY_FROM_CONFIDENTIAL_TEXT && linked_only_from_withheld_text);
            let ph = attachment_placeholder(i, j);
            let stem = if secret { format!("evidence-{j}-{}", w.g.marker()) } else { format!("evidence-{j}") };
            let content = format!("%PDF-1.4 attachment of {}{}\n", m.id, w.g.text(secret, ""));
            files.push((format!("{}/{}", m.dir, name.replace(&ph, &stem)), content));
            names.push((ph, stem));
        }
    }
    for (k, public) in loose {
        let (name, content) = if public {
            (format!("loose-{k}.txt"), "public document\n".to_string())
        } else {
            let m = w.g.marker();
            (format!("loose-{k}-{m}.txt"), format!("withheld document {}\n", w.g.marker()))
        };
        names.push((loose_placeholder(k), name.clone()));
        files.push((format!("{LOOSE_DIR}/{name}"), content));
    }
    for (path, text) in &mut files {
        for (ph, name) in &names {
            *text = text.replace(ph.as_str(), name);
        }
        if crlf.contains(path.as_str()) {
            *text = text.replace('\n', "\r\n");
        }
    }
    let mut g = w.g;
    g.files = files;
    g.pages = metas.iter().map(|m| (m.id.clone(), m.page(), m.withheld)).collect();
    g
}

// ---------------------------------------------------------------------------------------------
// Building and checking.

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES);
    Config { cases, failure_persistence: None, ..Config::default() }
}

fn dump(files: &[(String, String)]) -> String {
    files.iter().map(|(p, t)| format!("=== {p}\n{t}")).collect::<Vec<_>>().join("")
}

fn build(site: &Site, audience: &str) -> Result<(quorum::Checked, Vec<OutputFile>), String> {
    let mut opts = quorum::Options::new(site.root());
    opts.audience = audience.into();
    quorum::build(&opts, &RenderOptions::default()).map_err(|f| match f {
        quorum::Failure::Content(d) => d.render(),
        quorum::Failure::Render(m) | quorum::Failure::Fatal(m) => m,
    })
}

/// The first marker in `hay` (already lower case), as written in the sources.
fn find_marker(hay: &str) -> Option<(usize, String)> {
    let i = hay.find(&MARK.to_lowercase())?;
    let digits: String = hay[i + MARK.len()..].chars().take_while(char::is_ascii_digit).collect();
    Some((i, format!("{MARK}{digits}")))
}

/// The IDs of the records a page lists under "Referenced by".
fn referenced_by(html: &str) -> Vec<String> {
    let Some(i) = html.find("id=\"q-backlinks\"") else { return Vec::new() };
    let section = &html[i..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    crate::support::urls(section)
        .iter()
        .map(|u| {
            let path = u.split('#').next().unwrap_or(u);
            let path = path.strip_suffix("/index.html").unwrap_or(path);
            path.rsplit('/').next().unwrap_or(path).to_string()
        })
        .collect()
}

/// The figures of the metrics stage, in a form that compares.
fn figures(c: &quorum::Checked) -> String {
    c.figures_text()
}

/// Review ID → what site.json says about its figures.
fn json_figures(files: &[OutputFile]) -> BTreeMap<String, serde_json::Value> {
    let f = files.iter().find(|f| f.path == "exports/site.json").expect("exports/site.json");
    let json: serde_json::Value = serde_json::from_slice(&f.bytes).expect("site.json parses");
    json["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .map(|r| {
            let keep: serde_json::Value = ["metrics", "metrics_as_of", "in_series", "period"]
                .iter()
                .map(|k| (k.to_string(), r[*k].clone()))
                .collect::<serde_json::Map<_, _>>()
                .into();
            (r["id"].as_str().expect("id").to_string(), keep)
        })
        .collect()
}

fn check_plan(plan: &Plan) -> Result<(), TestCaseError> {
    let g = generate(plan);
    let sources = dump(&g.files);
    let pairs: Vec<(&str, &str)> = g.files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = Site::new(&pairs);
    let (internal_checked, internal) =
        build(&site, "internal").map_err(|e| TestCaseError::fail(format!("internal build failed:\n{e}\n{sources}")))?;
    let (auditor_checked, auditor) =
        build(&site, "auditor").map_err(|e| TestCaseError::fail(format!("auditor build failed:\n{e}\n{sources}")))?;

    // Where a marker came from, for the report.
    let origin = |marker: &str| -> String {
        let m = marker.to_lowercase();
        g.files
            .iter()
            .filter(|(p, t)| p.to_lowercase().contains(&m) || t.to_lowercase().contains(&m))
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };

    // (1) Nothing withheld in the auditor edition as written to disk: every byte, every path.
    let out = tempfile::tempdir().expect("tempdir");
    let out_dir = out.path().join("public");
    quorum::write(&out_dir, site.root(), &auditor, false).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let written = crate::support::tree(&out_dir);
    prop_assert!(written.len() > auditor.len(), "the written tree holds every output file and the marker file");
    for (path, bytes) in &written {
        if let Some((_, marker)) = find_marker(&path.to_lowercase()) {
            prop_assert!(
                false,
                "auditor output file name {path:?} leaks {marker} (from {})\n{sources}",
                origin(&marker)
            );
        }
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        if let Some((at, marker)) = find_marker(&text) {
            let from = text[..at].char_indices().rev().nth(160).map_or(0, |(i, _)| i);
            let to = text[at..].char_indices().nth(80).map_or(text.len(), |(i, _)| at + i);
            prop_assert!(
                false,
                "auditor output {path} leaks {marker} (from {}):\n…{}…\n{sources}",
                origin(&marker),
                &text[from..to]
            );
        }
    }

    // (2) The internal edition shows every marker.
    let mut hay = String::new();
    for f in &internal {
        hay.push_str(&f.path.to_lowercase());
        hay.push('\n');
        hay.push_str(&String::from_utf8_lossy(&f.bytes).to_lowercase());
    }
    for m in &g.markers {
        prop_assert!(hay.contains(&m.to_lowercase()), "the internal edition lacks {m} (from {})\n{sources}", origin(m));
    }

    // (3) The same figures in both editions.
    prop_assert_eq!(figures(&internal_checked), figures(&auditor_checked), "metrics stage\n{}", sources);
    let (fi, fa) = (json_figures(&internal), json_figures(&auditor));
    for (id, v) in &fa {
        prop_assert_eq!(Some(v), fi.get(id), "site.json figures of {} differ between editions\n{}", id, sources);
    }

    // (4) "Referenced by" names only records that refer to the page from shown material.
    let pages: BTreeMap<&str, &[u8]> = auditor.iter().map(|f| (f.path.as_str(), &f.bytes[..])).collect();
    for (id, page, withheld) in &g.pages {
        if *withheld {
            prop_assert!(!pages.contains_key(page.as_str()), "withheld {} has an auditor page {}", id, page);
            continue;
        }
        let html = pages.get(page.as_str()).map(|b| String::from_utf8_lossy(b).into_owned());
        let Some(html) = html else {
            return Err(TestCaseError::fail(format!("shown record {id} has no auditor page {page}\n{sources}")));
        };
        for from in referenced_by(&html) {
            prop_assert!(
                g.edges.contains(&(from.clone(), id.clone())),
                "the auditor page of {} lists {} under \"Referenced by\", but {} refers to it only from withheld material\n{}",
                id,
                from,
                from,
                sources
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn auditor_edition_never_leaks_confidential_material(plan in plan()) {
        check_plan(&plan)?;
    }
}
