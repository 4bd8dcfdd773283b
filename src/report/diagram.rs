//! What the diagram of a rights holder shows (p. 5 "а", p. 42 "а", p. 5¹ "а"): the parties and
//! relations above the target up to the ultimate holders, each node's shape by kind and fill by
//! its class under the regime, each edge's interest, the qualifying and controlling chains, a
//! title with the verdicts and a legend. Everything is read off a finished [`CheckReport`] and
//! the graph; the DOT ([`super::dot`]) and SVG ([`super::svg`]) writers only draw this value.
//!
//! Edges follow the Beneficial Ownership Data Standard visualiser: ownership purple, control
//! light blue, dotted where the interest or the party is undisclosed, pen width growing with the
//! share.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use super::text::{rule_point, status_word, w};
use super::words::{short_percent, short_share};
use crate::fraction::Fraction;
use crate::law::check::CheckReport;
use crate::law::control::{Indicator, Member};
use crate::law::participation::{Holder, HolderShare, ParticipationAssessment};
use crate::law::policy::{Policies, Regime};
use crate::law::qualify::{Foreignness, Status, classify_direct, foreignness};
use crate::law::wording::{Lang, Statement, percent, term};
use crate::model::{DisposalBasis, Graph, Interest, Party, PartyIdx, PartyKind, Relation};

/// Most nodes a diagram shows by default; beyond, small holders are left out.
pub const READABLE_NODES: usize = 60;

/// Most edges a diagram shows by default.
pub const READABLE_EDGES: usize = 110;

/// The largest ultimate holders that stay on the picture whatever the threshold.
pub const KEEP_LARGEST: usize = 8;

/// Chains of a kept holder that keep their parties on the picture (largest first).
const KEEP_CHAINS: usize = 1;

/// Chains of a drawn holder whose intermediate companies are drawn (largest first).
const SHOWN_CHAINS: usize = 2;

/// Thresholds tried, smallest first, when a structure is too large to draw whole.
const AUTO_THRESHOLDS: [(i64, i64); 12] = [
    (1, 10_000),
    (2, 10_000),
    (5, 10_000),
    (1, 1_000),
    (2, 1_000),
    (5, 1_000),
    (1, 100),
    (2, 100),
    (5, 100),
    (10, 100),
    (20, 100),
    (25, 100),
];

/// What to draw.
#[derive(Clone, Debug)]
pub struct DiagramOptions {
    /// The regime whose classes fill the nodes (qualifying, foreign, unknown). `None`: the
    /// regime that applies to the rights holder (p. 42 "а" for a company of another EAEU
    /// member state, p. 5¹ "а" when only `pak` is shown, p. 5 "а" otherwise).
    pub fill: Option<Regime>,
    /// The regimes whose verdicts the title gives and whose chains stand out.
    pub shown: Vec<Regime>,
    /// Leave out ultimate holders whose share of the target is below this. `None`: all, unless
    /// the structure has more than `max_nodes` parties or `max_edges` relations; then the
    /// smallest of 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25 % that brings it down,
    /// and if none does (and `depth` is `None`) the deepest depth that does. The largest
    /// holders, every controller and every disclosed holder stay whatever the threshold.
    pub min_share: Option<Fraction>,
    /// Leave out parties more than this many relations above the target.
    pub depth: Option<usize>,
    /// Language of the labels.
    pub lang: Lang,
    /// Most nodes before the automatic threshold applies.
    pub max_nodes: usize,
    /// Most edges before the automatic threshold applies.
    pub max_edges: usize,
}

impl Default for DiagramOptions {
    fn default() -> Self {
        DiagramOptions {
            fill: None,
            shown: vec![Regime::Ru, Regime::Eaeu, Regime::Pak],
            min_share: None,
            depth: None,
            lang: Lang::Ru,
            max_nodes: READABLE_NODES,
            max_edges: READABLE_EDGES,
        }
    }
}

/// The regime whose classes fill the nodes of `report`'s diagram.
pub fn fill_regime(report: &CheckReport, opts: &DiagramOptions) -> Regime {
    if let Some(r) = opts.fill {
        return r;
    }
    let shows = |r: Regime| opts.shown.contains(&r);
    let eaeu_target = report.target_country.is_some_and(|c| c.is_eaeu_member() && !c.is_russia());
    if eaeu_target && shows(Regime::Eaeu) {
        Regime::Eaeu
    } else if shows(Regime::Ru) {
        Regime::Ru
    } else if shows(Regime::Eaeu) {
        Regime::Eaeu
    } else {
        Regime::Pak
    }
}

/// A node's outline, by the party's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// A natural person: ellipse.
    Person,
    /// A state, a region or a municipality: a house.
    Public,
    /// A commercial organization: rounded box.
    Company,
    /// A nonprofit: octagon.
    Nonprofit,
    /// An international organization: double octagon.
    InternationalOrg,
    /// A foreign structure without a legal entity: parallelogram.
    ForeignStructure,
    /// An undisclosed party or remainder: diamond, dashed.
    Unknown,
}

impl Shape {
    /// The shape of a kind of party.
    pub fn of(kind: PartyKind) -> Shape {
        match kind {
            PartyKind::Person => Shape::Person,
            PartyKind::State | PartyKind::Region | PartyKind::Municipality => Shape::Public,
            PartyKind::Company => Shape::Company,
            PartyKind::Nonprofit => Shape::Nonprofit,
            PartyKind::InternationalOrg => Shape::InternationalOrg,
            PartyKind::ForeignStructure => Shape::ForeignStructure,
            PartyKind::Unknown => Shape::Unknown,
        }
    }

    /// What the shape stands for, in words.
    pub fn meaning(&self, lang: Lang) -> String {
        match self {
            Shape::Person => term("kind.person", lang).to_string(),
            Shape::Public => format!(
                "{}, {}, {}",
                term("kind.state", lang),
                term("kind.region", lang),
                term("kind.municipality", lang)
            ),
            Shape::Company => term("kind.company", lang).to_string(),
            Shape::Nonprofit => term("kind.nonprofit", lang).to_string(),
            Shape::InternationalOrg => term("kind.international_org", lang).to_string(),
            Shape::ForeignStructure => term("kind.foreign_structure", lang).to_string(),
            Shape::Unknown => term("kind.unknown", lang).to_string(),
        }
    }

    /// The outline in a word, for a legend without pictures.
    pub fn outline_word(&self, lang: Lang) -> &'static str {
        match self {
            Shape::Person => w(lang, "овал", "ellipse"),
            Shape::Public => w(lang, "домик", "house"),
            Shape::Company => w(lang, "скруглённый прямоугольник", "rounded box"),
            Shape::Nonprofit => w(lang, "восьмиугольник", "octagon"),
            Shape::InternationalOrg => w(lang, "двойной восьмиугольник", "double octagon"),
            Shape::ForeignStructure => w(lang, "параллелограмм", "parallelogram"),
            Shape::Unknown => w(lang, "ромб пунктиром", "dashed diamond"),
        }
    }
}

/// A node's fill: its class under the regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fill {
    /// The rights holder checked.
    Target,
    /// Counts towards the regime's share (for `pak`: not foreign).
    Qualifying,
    /// A foreign person.
    Foreign,
    /// Does not count, though not foreign.
    NotQualifying,
    /// Undisclosed: counts only in the upper bound.
    Unknown,
    /// An intermediate commercial organization, followed through to its holders.
    Company,
    /// Anything else.
    Neutral,
}

impl Fill {
    /// The fill colour.
    pub fn color(&self) -> &'static str {
        match self {
            Fill::Target => "#cfe2ff",
            Fill::Qualifying => "#b9e4c9",
            Fill::Foreign => "#f7c1c1",
            Fill::NotQualifying => "#fde0b6",
            Fill::Unknown => "#e4e4e4",
            Fill::Company => "#fff4c2",
            Fill::Neutral => "#ffffff",
        }
    }
}

/// What a party is on the picture, beyond its fill: each has a cue that is not a colour (a
/// short tag in the label), and a code for the SVG's `data-roles`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The rights holder checked.
    Target,
    /// Controls the target (p. 5¹ "а"), not a foreign person.
    Controller,
    /// A foreign person that controls the target.
    ForeignController,
    /// Could control the target through undisclosed votes.
    Potential,
    /// A foreign person (p. 5¹ "а").
    Foreign,
    /// Counts towards the regime's share.
    Qualifying,
    /// Does not count.
    NotQualifying,
    /// Undisclosed.
    Undisclosed,
    /// On the disclosure list of p. 10 "б" / p. 47 "б".
    Disclosed,
    /// One of the largest ultimate holders.
    Largest,
    /// An intermediate company, followed through to its holders.
    Intermediate,
    /// Some of its holders are not drawn: its label sums them up.
    Hidden,
}

impl Role {
    /// The code in `data-roles`.
    pub fn code(&self) -> &'static str {
        match self {
            Role::Target => "target",
            Role::Controller => "controller",
            Role::ForeignController => "foreign-controller",
            Role::Potential => "potential-controller",
            Role::Foreign => "foreign",
            Role::Qualifying => "qualifying",
            Role::NotQualifying => "not-qualifying",
            Role::Undisclosed => "undisclosed",
            Role::Disclosed => "disclosed",
            Role::Largest => "largest",
            Role::Intermediate => "intermediate",
            Role::Hidden => "holders-hidden",
        }
    }

    /// The tag's sign, printed in black and white alike.
    pub fn sign(&self) -> Option<&'static str> {
        match self {
            Role::Controller | Role::ForeignController => Some("⚑"),
            Role::Potential => Some("⚐"),
            Role::Foreign => Some("✱"),
            Role::Qualifying => Some("✓"),
            Role::NotQualifying => Some("✗"),
            Role::Undisclosed => Some("?"),
            Role::Disclosed => Some("≡"),
            Role::Hidden => Some("▲"),
            _ => None,
        }
    }
}

/// Ownership or control, as the BODS visualiser tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Shares: purple.
    Ownership,
    /// Votes disposed of, decision rights, appointment, management company, forming a
    /// nonprofit's supreme body: light blue.
    Control,
}

impl EdgeKind {
    /// The line colour (BODS visualiser: `#652eb1` owns, `#349aee` controls).
    pub fn color(&self) -> &'static str {
        match self {
            EdgeKind::Ownership => "#652eb1",
            EdgeKind::Control => "#349aee",
        }
    }

    /// The code in `data-roles`.
    pub fn code(&self) -> &'static str {
        match self {
            EdgeKind::Ownership => "ownership",
            EdgeKind::Control => "control",
        }
    }
}

/// How an edge stands out, least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Highlight {
    /// Not on a chain of interest.
    None,
    /// On a chain of a qualifying holder (p. 5 "а" / p. 42 "а").
    Qualifying,
    /// On a chain by which a foreign person could control through undisclosed votes.
    Potential,
    /// On the chain of a controller that is not foreign.
    Control,
    /// On the chain of a foreign controller (p. 5¹ "а").
    ForeignControl,
}

impl Highlight {
    /// The halo colour, `None` when the edge does not stand out.
    pub fn color(&self) -> Option<&'static str> {
        match self {
            Highlight::None => None,
            Highlight::Qualifying => Some("#2e9e4f"),
            Highlight::Potential => Some("#ef7d00"),
            Highlight::Control => Some("#d4a017"),
            Highlight::ForeignControl => Some("#d32f2f"),
        }
    }

    /// The code in `data-roles`.
    pub fn code(&self) -> &'static str {
        match self {
            Highlight::None => "none",
            Highlight::Qualifying => "qualifying-chain",
            Highlight::Potential => "potential-control-chain",
            Highlight::Control => "control-chain",
            Highlight::ForeignControl => "foreign-control-chain",
        }
    }
}

/// One party (or an undisclosed remainder, or a summary of hidden holders) on the diagram.
#[derive(Clone, Debug)]
pub struct Node {
    /// A key unique in the diagram: the party id, `?<company>` for the undisclosed holders of a
    /// company, `+<party>` for the hidden holders of a party. Never shown to a reader.
    pub key: String,
    /// The party's id (`None` for undisclosed or hidden holders).
    pub party: Option<String>,
    /// The label, line by line (name, identifiers, country, share of the target).
    pub lines: Vec<String>,
    /// The role tags, line by line (`⚑ контроль (1)`), drawn under the label.
    pub tags: Vec<String>,
    /// The tooltip: every detail p. 4 "е" asks for that the input has, the share, the basis.
    pub tip: Vec<String>,
    /// What a search matches: name, ИНН, ОГРН, id, lower case.
    pub search: String,
    /// Outline.
    pub shape: Shape,
    /// Fill.
    pub fill: Fill,
    /// The rights holder checked.
    pub target: bool,
    /// Some of its holders are not drawn (depth or share).
    pub holders_hidden: bool,
    /// What it is (`data-roles`).
    pub roles: Vec<Role>,
    /// The indicators of p. 5¹ "а" by which it controls the target (1 to 4).
    pub indicators: Vec<u8>,
    /// Its share of the target as an ultimate holder.
    pub share: Option<Fraction>,
    /// The edges of the chains that carry its share (indices into [`Diagram::edges`]).
    pub carries: Vec<usize>,
    /// The edges of the control chains it heads.
    pub heads: Vec<usize>,
}

/// One relation on the diagram, holder → held.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Index of the holder in [`Diagram::nodes`].
    pub from: usize,
    /// Index of the held entity.
    pub to: usize,
    /// The relation: `r<position in the input>`, `?<company>` for an undisclosed remainder,
    /// `+<party>` for hidden holders.
    pub relation: String,
    /// Ownership or control.
    pub kind: EdgeKind,
    /// The label, line by line.
    pub label: Vec<String>,
    /// The share that sets the pen width; `None` for rights without a share.
    pub weight: Option<Fraction>,
    /// Undisclosed interest or party.
    pub dotted: bool,
    /// Every chain of interest it is on, most important first (a halo each).
    pub highlights: Vec<Highlight>,
    /// It closes a cycle of holdings: drawn back up, not used to rank the nodes.
    pub back: bool,
}

impl Edge {
    /// Pen width in points: 1 plus 5 per whole share, 2.5 for a right without a share.
    pub fn pen_width(&self) -> f64 {
        match &self.weight {
            // Display only: the width is no decision.
            Some(f) => 1.0 + 5.0 * f.to_f64().clamp(0.0, 1.0),
            None => 2.5,
        }
    }

    /// A self-holding (treasury shares).
    pub fn is_loop(&self) -> bool {
        self.from == self.to
    }

    /// The most important chain it is on.
    pub fn highlight(&self) -> Highlight {
        self.highlights.first().copied().unwrap_or(Highlight::None)
    }

    /// The codes of its `data-roles`.
    pub fn role_codes(&self) -> Vec<&'static str> {
        let mut v = vec![self.kind.code()];
        v.extend(self.highlights.iter().map(Highlight::code));
        if self.back {
            v.push("cross-holding");
        }
        if self.dotted {
            v.push("undisclosed");
        }
        v
    }
}

/// What a legend entry shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sample {
    /// A fill swatch.
    Fill(Fill),
    /// An outline.
    Shape(Shape),
    /// A line of this kind, dotted or not.
    Line(EdgeKind, bool),
    /// A halo.
    Halo(Highlight),
    /// A line drawn back up.
    Back,
    /// A role's tag.
    Tag(Role),
}

/// One legend entry.
#[derive(Clone, Debug)]
pub struct LegendEntry {
    /// The sample.
    pub sample: Sample,
    /// Its meaning.
    pub text: String,
}

/// The diagram of one rights holder.
#[derive(Clone, Debug)]
pub struct Diagram {
    /// Language of the labels.
    pub lang: Lang,
    /// Title lines: the target, the date, one line per verdict.
    pub title: Vec<String>,
    /// Nodes; the target first.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
    /// What was left out, in words ("12 holders below 1 % not shown"), and how to show it.
    pub hidden: Vec<String>,
    /// "Legend" in the language.
    pub legend_title: String,
    /// The legend: only what the diagram uses.
    pub legend: Vec<LegendEntry>,
}

/// A node before selection: a party, or the undisclosed remainder of a company's capital.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Party(PartyIdx),
    Undisclosed(PartyIdx),
}

struct Item<'a> {
    key: Key,
    dist: usize,
    /// Share of the target as an ultimate holder.
    share: Option<Fraction>,
    holder: Option<&'a HolderShare>,
    protected: bool,
    /// Items this one is a direct holder of.
    holds: Vec<usize>,
    /// Number of direct holders.
    sources: usize,
    /// An intermediate company: drawn only when it carries a drawn holder's share.
    company: bool,
    /// For an ultimate holder, the items on its largest chains.
    via: Vec<usize>,
}

struct Selection {
    visible: Vec<bool>,
    hidden_small: usize,
    collapsed: usize,
    hidden_deep: usize,
    unreachable: usize,
    threshold: Option<Fraction>,
    depth: Option<usize>,
}

impl Selection {
    fn count(&self) -> usize {
        self.visible.iter().filter(|v| **v).count()
    }

    fn edges(&self, pairs: &[(usize, usize)]) -> usize {
        pairs.iter().filter(|(a, b)| self.visible[*a] && self.visible[*b]).count()
    }
}

fn key_of(graph: &Graph, id: &str) -> Option<Key> {
    graph.lookup(id).map(Key::Party)
}

/// A control member's node: a party, or the undisclosed members of an entity.
fn key_of_member(graph: &Graph, m: &Member) -> Option<Key> {
    match m {
        Member::Party(id) => key_of(graph, id),
        Member::Undisclosed(of) => graph.lookup(of).map(Key::Undisclosed),
    }
}

/// The parties the control evidence needs on the picture whatever their share: controllers,
/// their chains and the members whose votes they add up, potential controllers.
fn protected_keys(graph: &Graph, report: &CheckReport) -> HashSet<Key> {
    let mut members: Vec<Member> = Vec::new();
    if let Some(pak) = &report.regimes.pak {
        let groups = pak.foreign_group.iter().map(|g| (&g.members, &g.steps));
        for (chain, steps) in pak.controllers.iter().map(|c| (&c.chain, &c.steps)).chain(groups) {
            members.extend(chain.iter().cloned().map(Member::Party));
            for s in steps {
                members.push(s.from.clone());
                members.push(Member::Party(s.to.clone()));
                members.extend(s.counts.iter().flat_map(|c| c.parts.iter().map(|p| p.via.clone())));
                members.extend(s.rights.iter().map(|(_, who)| who.clone()));
            }
        }
        for p in &pak.potential_controllers {
            members.extend(p.chain.iter().cloned());
        }
    }
    let mut keys: HashSet<Key> = members.iter().filter_map(|m| key_of_member(graph, m)).collect();
    // The largest holders and every disclosed one, with the parties of their largest chains.
    for a in [&report.regimes.ru, &report.regimes.eaeu].into_iter().flatten() {
        let listed: HashSet<&str> = a.disclosure.holders.iter().map(|h| h.id.as_str()).collect();
        let largest = largest_holders(graph, a);
        for h in &a.holders {
            let keep = holder_key(graph, h).is_some_and(|k| largest.contains(&k))
                || h.holder.party_id().is_some_and(|id| listed.contains(id));
            if !keep {
                continue;
            }
            keys.extend(holder_key(graph, h));
            for c in h.chains.iter().take(KEEP_CHAINS) {
                keys.extend(c.path.iter().filter_map(|id| key_of(graph, id)));
            }
        }
    }
    keys
}

/// The largest ultimate holders: the first [`KEEP_LARGEST`] with at least a tenth of the
/// largest share.
fn largest_holders(graph: &Graph, a: &ParticipationAssessment) -> HashSet<Key> {
    let floor = a.holders.first().map(|h| &h.share / &Fraction::new(10, 1)).unwrap_or_else(Fraction::zero);
    a.holders.iter().take(KEEP_LARGEST).filter(|h| h.share >= floor).filter_map(|h| holder_key(graph, h)).collect()
}

/// The node of an ultimate holder.
fn holder_key(graph: &Graph, h: &HolderShare) -> Option<Key> {
    match &h.holder {
        Holder::Party { id, .. } => key_of(graph, id),
        Holder::Undisclosed { company } => graph.lookup(company).map(Key::Undisclosed),
    }
}

fn select(items: &[Item], threshold: Option<&Fraction>, depth: Option<usize>) -> Selection {
    let n = items.len();
    let mut small = vec![false; n];
    if let Some(t) = threshold {
        for (i, it) in items.iter().enumerate() {
            if !it.protected && it.dist > 0 && it.share.as_ref().is_some_and(|s| s < t) {
                small[i] = true;
            }
        }
    }
    // An intermediate company is drawn when it carries the share of a holder that is drawn.
    let mut needed = vec![false; n];
    if threshold.is_some() {
        for (i, it) in items.iter().enumerate() {
            if !small[i] && it.share.is_some() {
                for &j in &it.via {
                    needed[j] = true;
                }
            }
        }
    }
    let collapsed: Vec<bool> = items
        .iter()
        .enumerate()
        .map(|(i, it)| threshold.is_some() && it.company && !it.protected && !needed[i])
        .collect();
    let deep: Vec<bool> = items.iter().map(|it| !it.protected && depth.is_some_and(|d| it.dist > d)).collect();
    let mut visible: Vec<bool> = (0..n).map(|i| !small[i] && !collapsed[i] && !deep[i]).collect();
    // Keep only what still reaches the target through what is drawn.
    let mut reach = vec![false; n];
    let mut holders_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, it) in items.iter().enumerate() {
        for &j in &it.holds {
            holders_of[j].push(i);
        }
    }
    let mut queue: VecDeque<usize> = items.iter().position(|it| it.dist == 0).into_iter().collect();
    for &t in &queue {
        reach[t] = true;
    }
    while let Some(v) = queue.pop_front() {
        for &h in &holders_of[v] {
            if visible[h] && !reach[h] {
                reach[h] = true;
                queue.push_back(h);
            }
        }
    }
    let mut unreachable = 0;
    for i in 0..n {
        if visible[i] && !reach[i] {
            visible[i] = false;
            unreachable += 1;
        }
    }
    Selection {
        hidden_small: small.iter().filter(|s| **s).count(),
        collapsed: collapsed.iter().filter(|s| **s).count(),
        hidden_deep: deep.iter().filter(|s| **s).count(),
        visible,
        unreachable,
        threshold: threshold.cloned(),
        depth,
    }
}

/// Shows control characters and bidirectional overrides (other than the line break, where a
/// label may break) in their visible form ([`super::safe::lines`]).
pub fn clean(s: &str) -> String {
    super::safe::lines(s).into_owned()
}

/// Breaks `text` into lines of at most `width` characters at spaces (and at its own line
/// breaks), cutting longer words; at most `max_lines` lines, the last ending in `…` if cut.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    // Linear in the text: each word is measured once and cut by slicing (issue 13: a
    // 3 000 000-character name took 33 s when every cut copied the rest of the word).
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    for para in clean(text).split('\n') {
        let mut line = String::new();
        let mut used = 0usize;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let mut rest = word;
            let mut len = rest.chars().count();
            loop {
                let room = if used == 0 { width } else { width.saturating_sub(used + 1) };
                if len <= room {
                    if used > 0 {
                        line.push(' ');
                        used += 1;
                    }
                    line.push_str(rest);
                    used += len;
                    break;
                }
                if used > 0 {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                    continue;
                }
                let cut = rest.char_indices().nth(width).map_or(rest.len(), |(i, _)| i);
                lines.push(rest[..cut].to_string());
                rest = &rest[cut..];
                len -= width;
            }
        }
        lines.push(line);
    }
    while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let mut chars: Vec<char> = last.chars().collect();
            chars.truncate(width.saturating_sub(1));
            *last = chars.into_iter().collect::<String>() + "…";
        }
    }
    lines
}

/// The catalog code of a kind's name (`kind.person`, ...).
pub fn kind_code(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::State => "kind.state",
        PartyKind::Region => "kind.region",
        PartyKind::Municipality => "kind.municipality",
        PartyKind::Person => "kind.person",
        PartyKind::Company => "kind.company",
        PartyKind::Nonprofit => "kind.nonprofit",
        PartyKind::InternationalOrg => "kind.international_org",
        PartyKind::ForeignStructure => "kind.foreign_structure",
        PartyKind::Unknown => "kind.unknown",
    }
}

fn basis_code(b: DisposalBasis) -> &'static str {
    match b {
        DisposalBasis::TrustManagement => "basis.trust_management",
        DisposalBasis::SimplePartnership => "basis.simple_partnership",
        DisposalBasis::Agency => "basis.agency",
        DisposalBasis::Pledge => "basis.pledge",
        DisposalBasis::Other => "basis.other",
    }
}

/// The label, kind, pen weight of a relation.
fn relation_view(graph: &Graph, r: &Relation, lang: Lang) -> (EdgeKind, Vec<String>, Option<Fraction>) {
    let pct = |f: &Fraction| short_percent(f, lang);
    match &r.interest() {
        Interest::Shares { capital, votes } => {
            let (c, v) = (capital.value(), votes.value());
            let mut label = if c == v {
                vec![pct(c)]
            } else {
                vec![
                    format!("{} {}", pct(c), w(lang, "капитала", "of capital")),
                    format!("{} {}", pct(v), w(lang, "голосов", "of votes")),
                ]
            };
            if r.from == r.to {
                label.insert(0, w(lang, "собственные акции (доли)", "own shares (treasury)").to_string());
            }
            (EdgeKind::Ownership, label, Some(c.clone()))
        }
        Interest::VoteDisposal { votes, basis, of } => {
            let mut second = format!("{} {}", pct(votes.value()), w(lang, "голосов", "of votes"));
            if let Some(o) = of {
                let owner = graph.party(*o);
                let name = owner.reader_name();
                second.push_str(&format!(" ({})", wrap(name, 24, 1).concat()));
            }
            (EdgeKind::Control, vec![term(basis_code(*basis), lang).to_string(), second], Some(votes.value().clone()))
        }
        Interest::DecisionRights => {
            (EdgeKind::Control, vec![w(lang, "определяет решения", "decision rights").to_string()], None)
        }
        Interest::Appoints { sole_executive, executive_board, board } => {
            let mut label = Vec::new();
            if *sole_executive {
                label.push(w(lang, "назначает ЕИО", "appoints the sole executive").to_string());
            }
            if executive_board.value().is_positive() {
                label.push(format!(
                    "{} {}",
                    pct(executive_board.value()),
                    w(lang, "коллегиального исп. органа", "of the executive board")
                ));
            }
            if board.value().is_positive() {
                label.push(format!("{} {}", pct(board.value()), w(lang, "совета директоров", "of the board")));
            }
            if label.is_empty() {
                label.push(w(lang, "право назначения", "appointment right").to_string());
            }
            (EdgeKind::Control, label, None)
        }
        Interest::ManagementCompany => {
            (EdgeKind::Control, vec![w(lang, "управляющая компания", "management company").to_string()], None)
        }
        Interest::Influence => (
            EdgeKind::Control,
            vec![w(lang, "влияние (контроль не доказан)", "influence (control not proven)").to_string()],
            None,
        ),
        Interest::Governs { share } => (
            EdgeKind::Control,
            vec![
                w(lang, "формирует", "forms").to_string(),
                format!("{} {}", pct(share.value()), w(lang, "высшего органа", "of the supreme body")),
            ],
            Some(share.value().clone()),
        ),
    }
}

/// The class of a party that is not the target under the regime: from the report where it is
/// an ultimate holder, from the law's classification otherwise.
fn fill_of(
    party: &Party,
    holder: Option<&HolderShare>,
    part: Option<&ParticipationAssessment>,
    regime: Regime,
    policies: &Policies,
) -> Fill {
    let foreign = foreignness(party, regime, policies);
    if regime == Regime::Pak {
        return match (foreign, party.kind) {
            (Foreignness::Foreign, _) => Fill::Foreign,
            (Foreignness::Unknown, _) => Fill::Unknown,
            (Foreignness::Domestic, PartyKind::Company) => Fill::Company,
            (Foreignness::Domestic, _) => Fill::Qualifying,
        };
    }
    let status = if let Some(h) = holder {
        Some(h.status)
    } else if party.kind == PartyKind::Company {
        return Fill::Company;
    } else if party.kind == PartyKind::Nonprofit {
        part.and_then(|a| a.nonprofits.iter().find(|n| n.id == party.id)).map(|n| n.status)
    } else {
        classify_direct(party, regime, policies).map(|c| c.status)
    };
    match status {
        Some(Status::Qualifying) => Fill::Qualifying,
        Some(Status::Unknown) => Fill::Unknown,
        Some(Status::NotQualifying) if foreign == Foreignness::Foreign => Fill::Foreign,
        Some(Status::NotQualifying) => Fill::NotQualifying,
        None => Fill::Neutral,
    }
}

/// The indicator numbers of p. 5¹ "а".
fn indicator_number(i: Indicator) -> u8 {
    match i {
        Indicator::Votes => 1,
        Indicator::DecisionRights => 2,
        Indicator::Appoints => 3,
        Indicator::ManagementCompany => 4,
    }
}

/// The tags of a node's roles, in the order a reader needs them.
fn role_tags(roles: &[Role], indicators: &[u8], listed_at: Option<usize>, lang: Lang) -> Vec<String> {
    let nums = indicators.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let mut tags = Vec::new();
    for r in roles {
        let Some(sign) = r.sign() else { continue };
        let words = match r {
            Role::ForeignController => format!("{} ({nums})", w(lang, "иностранный контроль", "foreign control")),
            Role::Controller => format!("{} ({nums})", w(lang, "контроль", "controls")),
            Role::Potential => w(lang, "возможный контроль", "possible control").to_string(),
            Role::Foreign if roles.contains(&Role::ForeignController) => continue,
            Role::Foreign => w(lang, "иностранное лицо", "foreign person").to_string(),
            Role::Qualifying => w(lang, "учитывается", "counts").to_string(),
            Role::NotQualifying if roles.contains(&Role::Foreign) => continue,
            Role::NotQualifying => w(lang, "не учитывается", "does not count").to_string(),
            Role::Undisclosed => w(lang, "не раскрыто", "undisclosed").to_string(),
            Role::Hidden => continue,
            Role::Disclosed => match listed_at {
                Some(k) => format!("{} № {}", w(lang, "в перечне", "disclosed"), k + 1),
                None => w(lang, "в перечне", "disclosed").to_string(),
            },
            _ => continue,
        };
        tags.push(format!("{sign} {words}"));
    }
    // Two tags a line.
    tags.chunks(2).map(|c| c.join(" · ")).collect()
}

/// The p. 4 "е" details of a party, each as `label value`.
fn party_details(party: &Party, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for (label, v) in [
        (w(lang, "ИНН", "INN"), party.inn()),
        (w(lang, "ОГРН", "OGRN"), party.ogrn()),
        (w(lang, "документ", "document"), party.document()),
        (w(lang, "адрес", "address"), party.address()),
    ] {
        if let Some(v) = v {
            out.push(format!("{label} {}", clean(v)));
        }
    }
    out
}

/// Builds the diagram of `target` from its check and the graph.
pub fn build(graph: &Graph, target: PartyIdx, report: &CheckReport, opts: &DiagramOptions) -> Diagram {
    let lang = opts.lang;
    let fill_by = fill_regime(report, opts);
    let part = match fill_by {
        Regime::Eaeu => report.regimes.eaeu.as_ref().or(report.regimes.ru.as_ref()),
        _ => report.regimes.ru.as_ref().or(report.regimes.eaeu.as_ref()),
    };
    let holder_of: HashMap<&str, &HolderShare> = part
        .map(|a| a.holders.iter().filter_map(|h| h.holder.party_id().map(|id| (id, h))).collect())
        .unwrap_or_default();

    // Every party with a chain of relations into the target, breadth first (no recursion).
    let mut dist = vec![usize::MAX; graph.len()];
    dist[target.index()] = 0;
    let mut order = vec![target];
    let mut queue = VecDeque::from([target]);
    while let Some(v) = queue.pop_front() {
        for (_, r) in graph.incoming(v) {
            if dist[r.from.index()] == usize::MAX {
                dist[r.from.index()] = dist[v.index()] + 1;
                order.push(r.from);
                queue.push_back(r.from);
            }
        }
    }
    let protected = protected_keys(graph, report);
    let mut items: Vec<Item> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for &p in &order {
        let key = Key::Party(p);
        let holder = holder_of.get(graph.party(p).id.as_str()).copied();
        index.insert(key, items.len());
        items.push(Item {
            key,
            dist: dist[p.index()],
            share: holder.map(|h| h.share.clone()),
            holder,
            protected: p == target || protected.contains(&key),
            holds: Vec::new(),
            sources: 0,
            company: p != target && graph.party(p).kind == PartyKind::Company && holder.is_none(),
            via: Vec::new(),
        });
    }
    let mut remainders: HashMap<usize, Fraction> = HashMap::new();
    if let Some(a) = part {
        for h in &a.holders {
            let Holder::Undisclosed { company } = &h.holder else { continue };
            let Some(c) = graph.lookup(company) else { continue };
            if dist[c.index()] == usize::MAX {
                continue;
            }
            let key = Key::Undisclosed(c);
            let i = items.len();
            if let Some(f) = h.chains.first().and_then(|ch| ch.factors.first()) {
                remainders.insert(i, f.clone());
            }
            index.insert(key, i);
            items.push(Item {
                key,
                dist: dist[c.index()] + 1,
                share: Some(h.share.clone()),
                holder: Some(h),
                protected: protected.contains(&key),
                holds: Vec::new(),
                sources: 0,
                company: false,
                via: Vec::new(),
            });
        }
    }
    // Who holds whom among the items (self-holdings aside).
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for r in graph.relations() {
        if r.from == r.to {
            continue;
        }
        if let (Some(&a), Some(&b)) = (index.get(&Key::Party(r.from)), index.get(&Key::Party(r.to))) {
            pairs.push((a, b));
        }
    }
    for (&key, &i) in &index {
        if let Key::Undisclosed(c) = key
            && let Some(&b) = index.get(&Key::Party(c))
        {
            pairs.push((i, b));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    for &(a, b) in &pairs {
        items[a].holds.push(b);
        items[b].sources += 1;
    }
    for it in items.iter_mut() {
        if let Some(h) = it.holder {
            it.via = h
                .chains
                .iter()
                .take(SHOWN_CHAINS)
                .flat_map(|c| c.path.iter())
                .filter_map(|id| key_of(graph, id))
                .filter_map(|k| index.get(&k).copied())
                .collect();
        }
    }

    // What to leave out: the smallest threshold that fits; if none does (the parties that
    // always stay are many), the smallest that hides as much as any, then the deepest depth
    // that fits.
    let too_big = |sel: &Selection| sel.count() > opts.max_nodes || sel.edges(&pairs) > opts.max_edges;
    let size = |sel: &Selection| sel.count() + sel.edges(&pairs);
    let mut sel = select(&items, opts.min_share.as_ref(), opts.depth);
    let mut automatic = false;
    if opts.min_share.is_none() && too_big(&sel) {
        let tries: Vec<Selection> =
            AUTO_THRESHOLDS.iter().map(|&(p, q)| select(&items, Some(&Fraction::new(p, q)), opts.depth)).collect();
        let least = tries.iter().map(size).min().unwrap_or(0);
        let pick =
            tries.iter().position(|t| !too_big(t)).or_else(|| tries.iter().position(|t| size(t) <= least + least / 20));
        if let Some(k) = pick {
            sel = tries.into_iter().nth(k).unwrap_or(sel);
            automatic = true;
        }
    }
    let mut automatic_depth = false;
    if opts.min_share.is_none() && opts.depth.is_none() && too_big(&sel) {
        let deepest = items.iter().map(|it| it.dist).max().unwrap_or(0);
        for d in (1..deepest).rev() {
            let t = select(&items, sel.threshold.clone().as_ref(), Some(d));
            if !too_big(&t) {
                sel = t;
                automatic_depth = true;
                break;
            }
        }
    }

    // Roles.
    let pak = report.regimes.pak.as_ref().filter(|_| opts.shown.contains(&Regime::Pak));
    let mut controller_of: HashMap<&str, (&crate::law::control::Controller, Vec<u8>)> = HashMap::new();
    for c in pak.map(|p| p.controllers.as_slice()).unwrap_or_default() {
        controller_of.insert(c.id.as_str(), (c, c.indicators.iter().map(|i| indicator_number(*i)).collect()));
    }
    let potential: HashSet<&str> =
        pak.map(|p| p.potential_controllers.iter().filter_map(|c| c.id.as_deref()).collect()).unwrap_or_default();
    let listed: HashMap<&str, usize> = part
        .map(|a| a.disclosure.holders.iter().enumerate().map(|(k, h)| (h.id.as_str(), k)).collect())
        .unwrap_or_default();
    let largest: HashSet<Key> = part.map(|a| largest_holders(graph, a)).unwrap_or_default();

    // Nodes: nearest first, larger holders first.
    let mut shown: Vec<usize> = (0..items.len()).filter(|&i| sel.visible[i]).collect();
    shown.sort_by(|&a, &b| {
        let (x, y) = (&items[a], &items[b]);
        x.dist.cmp(&y.dist).then_with(|| y.share.cmp(&x.share)).then_with(|| a.cmp(&b))
    });
    let mut node_of: HashMap<usize, usize> = HashMap::new();
    let mut nodes = Vec::with_capacity(shown.len());
    for &i in &shown {
        let it = &items[i];
        let mut lines = Vec::new();
        let mut tip = Vec::new();
        let mut roles = Vec::new();
        let mut indicators = Vec::new();
        let mut search = String::new();
        let (shape, fill, key, party_id) = match it.key {
            Key::Party(p) => {
                let party = graph.party(p);
                let name = party.reader_name();
                lines.extend(wrap(name, 26, 3));
                let place = match party.kind {
                    PartyKind::Person => party.citizenship.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
                    _ => party.country.map(|c| c.to_string()).unwrap_or_default(),
                };
                let details = party_details(party, lang);
                tip.push(clean(name).replace('\n', " "));
                tip.push(if place.is_empty() {
                    term(kind_code(party.kind), lang).to_string()
                } else {
                    format!("{}, {place}", term(kind_code(party.kind), lang))
                });
                tip.extend(details.iter().cloned());
                search = format!(
                    "{} {} {} {}",
                    name,
                    party.id,
                    party.inn().unwrap_or_default(),
                    party.ogrn().unwrap_or_default()
                )
                .to_lowercase();
                if p == target {
                    let what = w(lang, "правообладатель", "rights holder");
                    lines.push(if place.is_empty() { what.to_string() } else { format!("{what}, {place}") });
                    lines.extend(
                        details
                            .iter()
                            .filter(|d| !d.starts_with(w(lang, "документ", "document")))
                            .take(2)
                            .map(|d| wrap(d, 40, 1).concat()),
                    );
                    roles.push(Role::Target);
                } else if !place.is_empty() {
                    lines.push(place);
                }
                let fill =
                    if p == target { Fill::Target } else { fill_of(party, it.holder, part, fill_by, &report.policies) };
                if p != target {
                    if let Some((c, inds)) = controller_of.get(party.id.as_str()) {
                        roles.push(if c.foreign { Role::ForeignController } else { Role::Controller });
                        indicators = inds.clone();
                        let words: Vec<&str> = c.indicators.iter().map(|i| term(i.code(), lang)).collect();
                        tip.push(format!(
                            "{}: {}",
                            w(lang, "контролирует правообладателя", "controls the rights holder"),
                            words.join("; ")
                        ));
                    }
                    if potential.contains(party.id.as_str()) {
                        roles.push(Role::Potential);
                    }
                    if foreignness(party, Regime::Pak, &report.policies) == Foreignness::Foreign {
                        roles.push(Role::Foreign);
                    }
                    match fill {
                        Fill::Qualifying if fill_by != Regime::Pak => roles.push(Role::Qualifying),
                        Fill::NotQualifying | Fill::Foreign if fill_by != Regime::Pak && it.holder.is_some() => {
                            roles.push(Role::NotQualifying)
                        }
                        Fill::Unknown => roles.push(Role::Undisclosed),
                        Fill::Company => roles.push(Role::Intermediate),
                        _ => {}
                    }
                    if listed.contains_key(party.id.as_str()) {
                        roles.push(Role::Disclosed);
                    }
                }
                (Shape::of(party.kind), fill, party.id.to_string(), Some(party.id.to_string()))
            }
            Key::Undisclosed(c) => {
                let company = graph.party(c);
                let cname = company.reader_name();
                lines.push(w(lang, "нераскрытые участники", "undisclosed holders of").to_string());
                lines.extend(wrap(cname, 26, 2));
                tip.push(format!("{} {}", w(lang, "нераскрытые участники", "undisclosed holders of"), clean(cname)));
                roles.push(Role::Undisclosed);
                (Shape::Unknown, Fill::Unknown, format!("?{}", company.id), None)
            }
        };
        if let Some(h) = it.holder {
            tip.push(format!("{}: {}", status_word(h.status, lang), h.basis.render(lang)));
        }
        if let Some(s) = &it.share
            && it.dist > 0
        {
            lines.push(format!("{} {}", w(lang, "доля", "share"), short_percent(s, lang)));
            tip.push(format!(
                "{}: {}",
                w(lang, "доля в правообладателе", "share of the rights holder"),
                short_share(s, lang)
            ));
        }
        if largest.contains(&it.key) && it.dist > 0 {
            roles.push(Role::Largest);
        }
        roles.sort_unstable();
        roles.dedup();
        let listed_at = party_id.as_deref().and_then(|id| listed.get(id).copied());
        let tags = role_tags(&roles, &indicators, listed_at, lang);
        node_of.insert(i, nodes.len());
        nodes.push(Node {
            key,
            party: party_id,
            lines,
            tags,
            tip,
            search,
            shape,
            fill,
            target: it.dist == 0,
            holders_hidden: false,
            roles,
            indicators,
            share: it.share.clone(),
            carries: Vec::new(),
            heads: Vec::new(),
        });
    }

    // Edges: every relation between drawn parties, and the undisclosed remainders.
    let mut edges = Vec::new();
    for (ri, r) in graph.relations().iter().enumerate() {
        let (Some(a), Some(b)) = (index.get(&Key::Party(r.from)), index.get(&Key::Party(r.to))) else { continue };
        let (Some(&from), Some(&to)) = (node_of.get(a), node_of.get(b)) else { continue };
        let (kind, label, weight) = relation_view(graph, r, lang);
        edges.push(Edge {
            from,
            to,
            relation: format!("r{ri}"),
            kind,
            label,
            weight,
            dotted: graph.party(r.from).kind == PartyKind::Unknown,
            highlights: Vec::new(),
            back: false,
        });
    }
    for (&i, &from) in &node_of {
        let Key::Undisclosed(c) = items[i].key else { continue };
        let Some(&to) = index.get(&Key::Party(c)).and_then(|b| node_of.get(b)) else { continue };
        let weight = remainders.get(&i).cloned();
        let label = match &weight {
            Some(f) => vec![short_percent(f, lang)],
            None => vec!["?".to_string()],
        };
        edges.push(Edge {
            from,
            to,
            relation: format!("?{}", graph.party(c).id),
            kind: EdgeKind::Ownership,
            label,
            weight,
            dotted: true,
            highlights: Vec::new(),
            back: false,
        });
    }

    // Holders not drawn: the drawn party they hold says how many and what part of its capital.
    let mut hidden_into: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for &(a, b) in &pairs {
        if !sel.visible[a] && sel.visible[b] {
            hidden_into[b].push(a);
        }
    }
    for &i in &shown {
        let hidden = &hidden_into[i];
        let Key::Party(held) = items[i].key else { continue };
        if hidden.is_empty() {
            continue;
        }
        let mut capital = Fraction::zero();
        for (_, r) in graph.incoming(held) {
            if let Some(&a) = index.get(&Key::Party(r.from))
                && hidden.contains(&a)
                && let Interest::Shares { capital: c, .. } = &r.interest()
            {
                capital += c.value();
            }
        }
        for &a in hidden {
            if let Some(f) = remainders.get(&a) {
                capital += f;
            }
        }
        let count = hidden.len();
        let line = match lang {
            Lang::Ru => format!(
                "▲ ещё {count} {}: {} капитала",
                plural_ru(count, "участник", "участника", "участников"),
                short_percent(&capital, lang)
            ),
            Lang::En => format!(
                "▲ {count} more {}: {} of capital",
                if count == 1 { "holder" } else { "holders" },
                short_percent(&capital, lang)
            ),
        };
        let n = &mut nodes[node_of[&i]];
        n.holders_hidden = true;
        n.tip.push(line.trim_start_matches("▲ ").to_string());
        n.tags.push(line);
        n.roles.push(Role::Hidden);
    }
    edges.sort_by_key(|e| (e.to, e.from));
    mark_back_edges(nodes.len(), &mut edges);
    highlight(graph, report, part, fill_by, opts, &index, &node_of, &mut nodes, &mut edges);

    let title = title(graph, target, report, opts);
    let mut hidden = Vec::new();
    let how = |automatic: bool, flag: &str| -> String {
        if automatic {
            match lang {
                Lang::Ru => {
                    format!(" (автоматически; в отчёте их покажет ползунок «порог доли», в командной строке — {flag})")
                }
                Lang::En => format!(" (automatic; the report's share threshold slider shows them, and so does {flag})"),
            }
        } else {
            String::new()
        }
    };
    if sel.hidden_small > 0
        && let Some(t) = &sel.threshold
    {
        let mut s = match lang {
            Lang::Ru => format!("{} держателей с долей менее {} не показаны", sel.hidden_small, percent(t, lang)),
            Lang::En => format!("{} holders below {} not shown", sel.hidden_small, percent(t, lang)),
        };
        if sel.collapsed > 0 {
            s.push_str(&match lang {
                Lang::Ru => format!(", с ними {} промежуточных организаций", sel.collapsed),
                Lang::En => format!(", nor {} intermediate organizations held only by them", sel.collapsed),
            });
        }
        s.push_str(&how(automatic, "--min-share 0"));
        hidden.push(s);
    }
    if sel.hidden_deep > 0
        && let Some(d) = sel.depth
    {
        let mut s = match lang {
            Lang::Ru => format!("{} лиц дальше {d} связей от правообладателя не показаны", sel.hidden_deep),
            Lang::En => {
                format!("{} parties more than {d} relations above the rights holder not shown", sel.hidden_deep)
            }
        };
        s.push_str(&how(automatic_depth, "--depth N"));
        hidden.push(s);
    }
    if sel.unreachable > 0 {
        hidden.push(match lang {
            Lang::Ru => {
                format!("{} лиц, связанных с правообладателем только через скрытых, не показаны", sel.unreachable)
            }
            Lang::En => {
                format!("{} parties linked to the rights holder only through hidden ones not shown", sel.unreachable)
            }
        });
    }
    if !hidden.is_empty() {
        hidden.push(
            w(
                lang,
                "Всегда показаны: крупнейшие владельцы, все контролирующие лица и все лица из перечня п. 10 «б»; скрытых участников лица сводит строка «▲ ещё N участников».",
                "Always shown: the largest holders, every controller and every holder on the p. 10 \"б\" list; a party's hidden holders are summed up in its line \"▲ N more holders\".",
            )
            .to_string(),
        );
    }
    let legend = legend(&nodes, &edges, fill_by, opts);
    Diagram {
        lang,
        title,
        nodes,
        edges,
        hidden,
        legend_title: w(lang, "Условные обозначения", "Legend").to_string(),
        legend,
    }
}

/// A Russian noun after a number: 1 участник, 2 участника, 5 участников.
fn plural_ru(n: usize, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    match (n % 10, n % 100) {
        (1, m) if m != 11 => one,
        (2..=4, m) if !(12..=14).contains(&m) => few,
        _ => many,
    }
}

/// Marks the edges that close a cycle of holdings, found by a depth-first search from the
/// target up through the holders (explicit stack): each edge into a party still on the stack.
fn mark_back_edges(n: usize, edges: &mut [Edge]) {
    let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in edges.iter().enumerate() {
        if !e.is_loop() {
            into[e.to].push(i);
        }
    }
    // 0 new, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&e) = into[v].get(*next) {
                *next += 1;
                let u = edges[e].from;
                match state[u] {
                    0 => {
                        state[u] = 1;
                        stack.push((u, 0));
                    }
                    1 => edges[e].back = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn highlight(
    graph: &Graph,
    report: &CheckReport,
    part: Option<&ParticipationAssessment>,
    fill_by: Regime,
    opts: &DiagramOptions,
    index: &HashMap<Key, usize>,
    node_of: &HashMap<usize, usize>,
    nodes: &mut [Node],
    edges: &mut [Edge],
) {
    let node = |k: Option<Key>| k.and_then(|k| index.get(&k)).and_then(|i| node_of.get(i)).copied();
    let mut edge_at: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, e) in edges.iter().enumerate() {
        edge_at.entry((e.from, e.to)).or_default().push(i);
    }
    let mut marks: Vec<BTreeSet<Highlight>> = vec![BTreeSet::new(); edges.len()];
    // The edges between two keys, marked `h` (ownership only for a qualifying chain).
    let mut on = |a: Option<Key>, b: Option<Key>, h: Option<Highlight>, acc: &mut BTreeSet<usize>| {
        if let (Some(x), Some(y)) = (node(a), node(b)) {
            for &i in edge_at.get(&(x, y)).map(Vec::as_slice).unwrap_or_default() {
                acc.insert(i);
                if let Some(h) = h
                    && (h != Highlight::Qualifying || edges[i].kind == EdgeKind::Ownership)
                {
                    marks[i].insert(h);
                }
            }
        }
    };
    let shows = |r: Regime| opts.shown.contains(&r);
    if let Some(a) = part {
        for h in &a.holders {
            let Some(n) = node(holder_key(graph, h)) else { continue };
            let halo = (h.status == Status::Qualifying
                && fill_by != Regime::Pak
                && (shows(Regime::Ru) || shows(Regime::Eaeu)))
            .then_some(Highlight::Qualifying);
            let mut acc = BTreeSet::new();
            for c in &h.chains {
                if let Holder::Undisclosed { company } = &h.holder {
                    on(holder_key(graph, h), key_of(graph, company), halo, &mut acc);
                }
                for p in c.path.windows(2) {
                    on(key_of(graph, &p[0]), key_of(graph, &p[1]), halo, &mut acc);
                }
            }
            nodes[n].carries = acc.into_iter().collect();
        }
    }
    if let Some(pak) = report.regimes.pak.as_ref().filter(|_| shows(Regime::Pak)) {
        let steps = pak
            .controllers
            .iter()
            .map(|c| {
                (Some(c.id.as_str()), if c.foreign { Highlight::ForeignControl } else { Highlight::Control }, &c.steps)
            })
            .chain(pak.foreign_group.iter().map(|g| (None, Highlight::ForeignControl, &g.steps)))
            .chain(pak.potential_controllers.iter().map(|p| (p.id.as_deref(), Highlight::Potential, &p.steps)));
        for (who, h, steps) in steps {
            let mut acc = BTreeSet::new();
            for s in steps {
                let to = key_of(graph, &s.to);
                on(key_of_member(graph, &s.from), to, Some(h), &mut acc);
                for c in &s.counts {
                    for p in &c.parts {
                        on(key_of_member(graph, &p.via), to, Some(h), &mut acc);
                    }
                }
                for (_, m) in &s.rights {
                    on(key_of_member(graph, m), to, Some(h), &mut acc);
                }
            }
            if let Some(n) = who.and_then(|id| node(key_of(graph, id))) {
                let mut heads: BTreeSet<usize> = nodes[n].heads.iter().copied().collect();
                heads.extend(acc);
                nodes[n].heads = heads.into_iter().collect();
            }
        }
    }
    for (e, m) in edges.iter_mut().zip(marks) {
        e.highlights = m.into_iter().rev().collect();
    }
}

fn title(graph: &Graph, target: PartyIdx, report: &CheckReport, opts: &DiagramOptions) -> Vec<String> {
    let lang = opts.lang;
    let party = graph.party(target);
    let name = party.reader_name();
    let mut head = clean(name).replace('\n', " ");
    let ids = party_details(party, lang)
        .into_iter()
        .filter(|d| !d.starts_with(w(lang, "документ", "document")) && !d.starts_with(w(lang, "адрес", "address")))
        .collect::<Vec<_>>();
    if !ids.is_empty() {
        head.push_str(&format!(" ({})", ids.join(", ")));
    }
    let country = party.country.map(|c| format!(", {c}")).unwrap_or_default();
    let mut lines = wrap(
        &format!(
            "{head} · {}{country} · {} {}",
            term(kind_code(party.kind), lang),
            w(lang, "на", "as of"),
            report.as_of
        ),
        110,
        2,
    );
    for regime in [Regime::Ru, Regime::Eaeu, Regime::Pak] {
        if !opts.shown.contains(&regime) {
            continue;
        }
        let line = match regime {
            Regime::Ru | Regime::Eaeu => {
                let a = if regime == Regime::Ru { &report.regimes.ru } else { &report.regimes.eaeu };
                let Some(a) = a else { continue };
                let body = if a.reason_code.starts_with("participation.")
                    && ["eligible", "not_eligible", "not_eligible_even_upper", "undetermined"]
                        .contains(&a.reason_code.trim_start_matches("participation."))
                {
                    format!(
                        "{} {}, {} [{}; {}]",
                        w(lang, "доля", "share"),
                        short_share(&a.share, lang),
                        w(lang, "интервал", "interval"),
                        short_percent(&a.share, lang),
                        short_percent(&a.upper, lang)
                    )
                } else {
                    short_reason(&a.reason, report, lang)
                };
                format!("{}: {} — {body}", rule_point(a.rule, lang), term(a.verdict.code(), lang))
            }
            Regime::Pak => {
                let Some(a) = &report.regimes.pak else { continue };
                format!(
                    "{}: {} — {}",
                    rule_point(a.rule, lang),
                    term(a.verdict.code(), lang),
                    short_reason(&a.reason, report, lang)
                )
            }
        };
        // Lines of even length rather than a long one and a stub.
        let len = line.chars().count();
        let width = len.div_ceil(len.div_ceil(110).max(1)) + 6;
        lines.extend(wrap(&line, width, 4));
    }
    lines
}

/// A reason as a title gives it: names for ids, short shares.
fn short_reason(s: &Statement, report: &CheckReport, lang: Lang) -> String {
    s.render_with(lang, &|f| short_share(f, lang), &|id| report.name_of(id))
}

fn legend(nodes: &[Node], edges: &[Edge], fill_by: Regime, opts: &DiagramOptions) -> Vec<LegendEntry> {
    let lang = opts.lang;
    let rule = rule_point(fill_by.rule(), lang);
    let mut out = Vec::new();
    let mut fills: Vec<Fill> = nodes.iter().map(|n| n.fill).collect();
    fills.sort_unstable();
    fills.dedup();
    for f in fills {
        let text = match (f, fill_by) {
            (Fill::Target, _) => w(lang, "правообладатель", "rights holder").to_string(),
            (Fill::Qualifying, Regime::Pak) => w(lang, "не иностранное лицо", "not a foreign person").to_string(),
            (Fill::Qualifying, _) => format!("{} ({rule})", status_word(Status::Qualifying, lang)),
            (Fill::Foreign, Regime::Pak) => w(lang, "иностранное лицо", "foreign person").to_string(),
            (Fill::Foreign, _) => {
                format!(
                    "{}, {}",
                    w(lang, "иностранное лицо", "foreign person"),
                    status_word(Status::NotQualifying, lang)
                )
            }
            (Fill::NotQualifying, _) => status_word(Status::NotQualifying, lang).to_string(),
            (Fill::Unknown, _) => term("qual.unknown_holder", lang).to_string(),
            (Fill::Company, Regime::Pak) => w(lang, "российская организация", "Russian organization").to_string(),
            (Fill::Company, _) => term("qual.company", lang).to_string(),
            (Fill::Neutral, _) => w(lang, "прочие лица", "other parties").to_string(),
        };
        out.push(LegendEntry { sample: Sample::Fill(f), text });
    }
    let mut roles: Vec<Role> = nodes
        .iter()
        .flat_map(|n| {
            n.roles.iter().copied().filter(|r| r.sign().is_some_and(|s| n.tags.iter().any(|t| t.contains(s))))
        })
        .collect();
    roles.sort_unstable();
    roles.dedup();
    for r in roles {
        let text = match r {
            Role::Controller => w(
                lang,
                "контролирующее лицо, в скобках признаки п. 5¹ «а»: 1 голоса, 2 право определять решения, 3 назначение органов, 4 управляющая компания",
                "controller, with the indicators of p. 5¹ \"а\": 1 votes, 2 decision rights, 3 appointment, 4 management company",
            ),
            Role::ForeignController => w(
                lang,
                "иностранное контролирующее лицо (признаки п. 5¹ «а» в скобках)",
                "foreign controller (indicators of p. 5¹ \"а\" in brackets)",
            ),
            Role::Potential => {
                w(lang, "мог бы контролировать через нераскрытые голоса", "could control through undisclosed votes")
            }
            Role::Foreign => w(lang, "иностранное лицо (п. 5¹ «а»)", "foreign person (p. 5¹ \"а\")"),
            Role::Qualifying => w(lang, "доля учитывается", "its share counts"),
            Role::NotQualifying => w(lang, "доля не учитывается", "its share does not count"),
            Role::Undisclosed => w(lang, "лицо или доля не раскрыты", "undisclosed party or share"),
            Role::Disclosed => {
                w(lang, "в перечне раскрытия (п. 10 «б»), с номером", "on the disclosure list (p. 10 \"б\"), numbered")
            }
            Role::Hidden => w(
                lang,
                "участники, которые не показаны, и их доля в капитале",
                "holders not shown and their part of the capital",
            ),
            _ => continue,
        };
        out.push(LegendEntry { sample: Sample::Tag(r), text: text.to_string() });
    }
    let mut shapes: Vec<Shape> = nodes.iter().map(|n| n.shape).collect();
    shapes.sort_unstable();
    shapes.dedup();
    for s in shapes {
        out.push(LegendEntry { sample: Sample::Shape(s), text: s.meaning(lang) });
    }
    if edges.iter().any(|e| e.kind == EdgeKind::Ownership) {
        out.push(LegendEntry {
            sample: Sample::Line(EdgeKind::Ownership, false),
            text: w(lang, "доля в капитале (толщина — по доле)", "share of capital (width grows with the share)")
                .to_string(),
        });
    }
    if edges.iter().any(|e| e.kind == EdgeKind::Control) {
        out.push(LegendEntry {
            sample: Sample::Line(EdgeKind::Control, false),
            text: w(
                lang,
                "контроль: голоса по договору, назначение органов, право определять решения, управляющая компания",
                "control: votes disposed of, appointments, decision rights, management company",
            )
            .to_string(),
        });
    }
    if edges.iter().any(|e| e.dotted) {
        out.push(LegendEntry {
            sample: Sample::Line(EdgeKind::Ownership, true),
            text: w(lang, "нераскрытая или скрытая доля", "undisclosed or hidden share").to_string(),
        });
    }
    if edges.iter().any(|e| e.back) {
        out.push(LegendEntry {
            sample: Sample::Back,
            text: w(lang, "перекрёстное владение (линия вверх)", "cross-holding (drawn upwards)").to_string(),
        });
    }
    let mut halos: Vec<Highlight> = edges.iter().flat_map(|e| e.highlights.iter().copied()).collect();
    halos.sort_unstable();
    halos.dedup();
    for h in halos.into_iter().rev() {
        let text = match h {
            Highlight::Qualifying => {
                format!("{} ({rule})", w(lang, "цепочка квалифицирующего участия", "chain of qualifying participation"))
            }
            Highlight::Potential => {
                w(lang, "возможный контроль через нераскрытые голоса", "possible control through undisclosed votes")
                    .to_string()
            }
            Highlight::Control => {
                w(lang, "цепочка контроля (не иностранное лицо)", "chain of control by a non-foreign person")
                    .to_string()
            }
            Highlight::ForeignControl => {
                w(lang, "цепочка иностранного контроля (п. 5¹ «а»)", "chain of foreign control (p. 5¹ \"а\")")
                    .to_string()
            }
            Highlight::None => continue,
        };
        out.push(LegendEntry { sample: Sample::Halo(h), text });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("ООО Ромашка и партнёры", 10, 3), vec!["ООО", "Ромашка и", "партнёры"]);
        assert_eq!(wrap("abcdefghijkl", 5, 3), vec!["abcde", "fghij", "kl"]);
        assert_eq!(wrap("a b c d e f", 1, 2), vec!["a", "…"]);
        assert_eq!(wrap("line1\nline2", 20, 3), vec!["line1", "line2"]);
        assert_eq!(clean("a\u{1}b"), "a\\u{1}b");
    }
}
