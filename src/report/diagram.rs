//! What the diagram of a rights holder shows (p. 5 "а", p. 42 "а", p. 5¹ "а"): the parties and
//! relations above the target up to the ultimate holders, each node's shape by kind and fill by
//! its class under the regime, each edge's interest, the qualifying and controlling chains, a
//! title with the verdicts and a legend. Everything is read off a finished [`CheckReport`] and
//! the graph; the DOT ([`super::dot`]) and SVG ([`super::svg`]) writers only draw this value.
//!
//! Edges follow the Beneficial Ownership Data Standard visualiser: ownership purple, control
//! light blue, dotted where the interest or the party is undisclosed, pen width growing with the
//! share.

use std::collections::{HashMap, HashSet, VecDeque};

use super::text::{rule_point, status_word, w};
use crate::fraction::Fraction;
use crate::law::check::CheckReport;
use crate::law::control::Member;
use crate::law::participation::{Holder, HolderShare, ParticipationAssessment};
use crate::law::policy::{Policies, Regime};
use crate::law::qualify::{Foreignness, Status, classify_direct, foreignness};
use crate::law::wording::{Lang, percent, term};
use crate::model::{DisposalBasis, Graph, Interest, Party, PartyIdx, PartyKind, Relation};

/// Most nodes a diagram shows by default; beyond, small holders are left out.
pub const READABLE_NODES: usize = 60;

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
    /// The regime whose classes fill the nodes (qualifying, foreign, unknown).
    pub fill: Regime,
    /// The regimes whose verdicts the title gives and whose chains stand out.
    pub shown: Vec<Regime>,
    /// Leave out ultimate holders whose share of the target is below this. `None`: all, unless
    /// the structure has more than `max_nodes` parties; then the smallest of 0.01, 0.02, 0.05,
    /// 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25 % that brings it down, and if none does (and `depth` is `None`) the deepest depth
    /// that does.
    pub min_share: Option<Fraction>,
    /// Leave out parties more than this many relations above the target.
    pub depth: Option<usize>,
    /// Language of the labels.
    pub lang: Lang,
    /// Most nodes before the automatic threshold applies.
    pub max_nodes: usize,
}

impl Default for DiagramOptions {
    fn default() -> Self {
        DiagramOptions {
            fill: Regime::Ru,
            shown: vec![Regime::Ru, Regime::Eaeu, Regime::Pak],
            min_share: None,
            depth: None,
            lang: Lang::Ru,
            max_nodes: READABLE_NODES,
        }
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
}

/// One party (or an undisclosed remainder) on the diagram.
#[derive(Clone, Debug)]
pub struct Node {
    /// The party id, or `undisclosed:<company>`.
    pub key: String,
    /// The label, line by line (name, id, country, share of the target, what is hidden).
    pub lines: Vec<String>,
    /// Outline.
    pub shape: Shape,
    /// Fill.
    pub fill: Fill,
    /// The rights holder checked.
    pub target: bool,
    /// Some of its holders are not drawn (depth or share).
    pub holders_hidden: bool,
}

/// One relation on the diagram, holder → held.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Index of the holder in [`Diagram::nodes`].
    pub from: usize,
    /// Index of the held entity.
    pub to: usize,
    /// Ownership or control.
    pub kind: EdgeKind,
    /// The label, line by line.
    pub label: Vec<String>,
    /// The share that sets the pen width; `None` for rights without a share.
    pub weight: Option<Fraction>,
    /// Undisclosed interest or party.
    pub dotted: bool,
    /// Whether it stands out.
    pub highlight: Highlight,
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
    /// What was left out, in words ("12 holders below 1 % not shown").
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
}

struct Selection {
    visible: Vec<bool>,
    small: Vec<bool>,
    deep: Vec<bool>,
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
    members.iter().filter_map(|m| key_of_member(graph, m)).collect()
}

fn select(items: &[Item], threshold: Option<&Fraction>, depth: Option<usize>) -> Selection {
    let n = items.len();
    let mut small = vec![false; n];
    let mut collapsed = vec![false; n];
    let mut queue = VecDeque::new();
    if let Some(t) = threshold {
        for (i, it) in items.iter().enumerate() {
            if !it.protected && it.dist > 0 && it.share.as_ref().is_some_and(|s| s < t) {
                small[i] = true;
                queue.push_back(i);
            }
        }
    }
    // An intermediate company all of whose holders are left out goes too (worklist, no recursion).
    let mut remaining: Vec<usize> = items.iter().map(|it| it.sources).collect();
    while let Some(h) = queue.pop_front() {
        for &j in &items[h].holds {
            remaining[j] = remaining[j].saturating_sub(1);
            let it = &items[j];
            if remaining[j] == 0 && !small[j] && !collapsed[j] && !it.protected && it.dist > 0 && it.share.is_none() {
                collapsed[j] = true;
                queue.push_back(j);
            }
        }
    }
    let deep: Vec<bool> = items.iter().map(|it| depth.is_some_and(|d| it.dist > d)).collect();
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
        small,
        deep,
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
    let pct = |f: &Fraction| percent(f, lang);
    match &r.interest {
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
                second.push_str(&format!(" ({})", clean(&graph.party(*o).id)));
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

/// Builds the diagram of `target` from its check and the graph.
pub fn build(graph: &Graph, target: PartyIdx, report: &CheckReport, opts: &DiagramOptions) -> Diagram {
    let lang = opts.lang;
    let part = match opts.fill {
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

    // What to leave out.
    let mut sel = select(&items, opts.min_share.as_ref(), opts.depth);
    let mut automatic = false;
    if opts.min_share.is_none() && sel.count() > opts.max_nodes {
        for (p, q) in AUTO_THRESHOLDS {
            sel = select(&items, Some(&Fraction::new(p, q)), opts.depth);
            automatic = true;
            if sel.count() <= opts.max_nodes {
                break;
            }
        }
    }
    // Still too many (parties the control evidence needs, or companies holding each other):
    // the deepest depth that fits.
    let mut automatic_depth = false;
    if opts.min_share.is_none() && opts.depth.is_none() && sel.count() > opts.max_nodes {
        let deepest = items.iter().map(|it| it.dist).max().unwrap_or(0);
        for d in (1..deepest).rev() {
            sel = select(&items, sel.threshold.clone().as_ref(), Some(d));
            automatic_depth = true;
            if sel.count() <= opts.max_nodes {
                break;
            }
        }
    }

    // Nodes: nearest first, larger holders first.
    let mut shown: Vec<usize> = (0..items.len()).filter(|&i| sel.visible[i]).collect();
    shown.sort_by(|&a, &b| {
        let (x, y) = (&items[a], &items[b]);
        x.dist.cmp(&y.dist).then_with(|| y.share.cmp(&x.share)).then_with(|| a.cmp(&b))
    });
    let mut node_of: HashMap<usize, usize> = HashMap::new();
    let target_id = clean(&graph.party(target).id);
    let mut small_into = vec![0usize; items.len()];
    let mut deep_into = vec![false; items.len()];
    for &(a, b) in &pairs {
        small_into[b] += usize::from(sel.small[a]);
        deep_into[b] |= sel.deep[a];
    }
    let mut nodes = Vec::with_capacity(shown.len());
    for &i in &shown {
        let it = &items[i];
        let (small_hidden, deep_hidden) = (small_into[i], deep_into[i]);
        let mut lines = Vec::new();
        let (shape, fill, key) = match it.key {
            Key::Party(p) => {
                let party = graph.party(p);
                lines.extend(wrap(&party.name, 26, 3));
                if party.id != party.name {
                    lines.push(format!("({})", wrap(&party.id, 40, 1).concat()));
                }
                let place = match party.kind {
                    PartyKind::Person => party.citizenship.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
                    _ => party.country.map(|c| c.to_string()).unwrap_or_default(),
                };
                if p == target {
                    let what = w(lang, "правообладатель", "rights holder");
                    lines.push(if place.is_empty() { what.to_string() } else { format!("{what}, {place}") });
                } else if !place.is_empty() {
                    lines.push(place);
                }
                let fill = if p == target {
                    Fill::Target
                } else {
                    fill_of(party, it.holder, part, opts.fill, &report.policies)
                };
                (Shape::of(party.kind), fill, party.id.clone())
            }
            Key::Undisclosed(c) => {
                lines.push(w(lang, "нераскрытые", "undisclosed").to_string());
                lines.push(format!("{} {}", w(lang, "участники", "holders of"), clean(&graph.party(c).id)));
                (Shape::Unknown, Fill::Unknown, format!("undisclosed:{}", graph.party(c).id))
            }
        };
        if let Some(s) = &it.share
            && it.dist > 0
        {
            lines.push(format!("{} {} {target_id}", percent(s, lang), w(lang, "в", "of")));
        }
        if small_hidden > 0
            && let Some(t) = &sel.threshold
        {
            lines.push(format!("+{small_hidden} {} {}", w(lang, "с долей <", "below"), percent(t, lang)));
        }
        if deep_hidden {
            lines.push(w(lang, "▲ участники не показаны", "▲ holders not shown").to_string());
        }
        node_of.insert(i, nodes.len());
        nodes.push(Node {
            key,
            lines,
            shape,
            fill,
            target: it.dist == 0,
            holders_hidden: small_hidden > 0 || deep_hidden,
        });
    }

    // Edges: every relation between drawn parties, and the undisclosed remainders.
    let mut edges = Vec::new();
    for r in graph.relations() {
        let (Some(a), Some(b)) = (index.get(&Key::Party(r.from)), index.get(&Key::Party(r.to))) else { continue };
        let (Some(&from), Some(&to)) = (node_of.get(a), node_of.get(b)) else { continue };
        let (kind, label, weight) = relation_view(graph, r, lang);
        edges.push(Edge {
            from,
            to,
            kind,
            label,
            weight,
            dotted: graph.party(r.from).kind == PartyKind::Unknown,
            highlight: Highlight::None,
            back: false,
        });
    }
    for (&i, &from) in &node_of {
        let Key::Undisclosed(c) = items[i].key else { continue };
        let Some(&to) = index.get(&Key::Party(c)).and_then(|b| node_of.get(b)) else { continue };
        let weight = remainders.get(&i).cloned();
        let label = match &weight {
            Some(f) => vec![percent(f, lang)],
            None => vec!["?".to_string()],
        };
        edges.push(Edge {
            from,
            to,
            kind: EdgeKind::Ownership,
            label,
            weight,
            dotted: true,
            highlight: Highlight::None,
            back: false,
        });
    }
    edges.sort_by_key(|e| (e.to, e.from));
    mark_back_edges(nodes.len(), &mut edges);
    highlight(graph, report, part, opts, &index, &node_of, &mut edges);

    let title = title(graph, target, report, opts);
    let mut hidden = Vec::new();
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
        if automatic {
            s.push_str(w(
                lang,
                " (автоматически; --min-share 0 покажет всех)",
                " (automatic; --min-share 0 shows all)",
            ));
        }
        hidden.push(s);
    }
    if sel.hidden_deep > 0
        && let Some(d) = sel.depth
    {
        let mut s = match lang {
            Lang::Ru => format!("{} лиц дальше {d} связей от {target_id} не показаны", sel.hidden_deep),
            Lang::En => format!("{} parties more than {d} relations above {target_id} not shown", sel.hidden_deep),
        };
        if automatic_depth {
            s.push_str(w(lang, " (автоматически; --depth N покажет глубже)", " (automatic; --depth N shows more)"));
        }
        hidden.push(s);
    }
    if sel.unreachable > 0 {
        hidden.push(match lang {
            Lang::Ru => format!("{} лиц, связанных с {target_id} только через скрытых, не показаны", sel.unreachable),
            Lang::En => format!("{} parties linked to {target_id} only through hidden ones not shown", sel.unreachable),
        });
    }
    let legend = legend(&nodes, &edges, opts);
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

fn highlight(
    graph: &Graph,
    report: &CheckReport,
    part: Option<&ParticipationAssessment>,
    opts: &DiagramOptions,
    index: &HashMap<Key, usize>,
    node_of: &HashMap<usize, usize>,
    edges: &mut [Edge],
) {
    let node = |k: Option<Key>| k.and_then(|k| index.get(&k)).and_then(|i| node_of.get(i)).copied();
    let mut marks: HashMap<(usize, usize), Highlight> = HashMap::new();
    let mut mark = |a: Option<Key>, b: Option<Key>, h: Highlight| {
        if let (Some(x), Some(y)) = (node(a), node(b)) {
            let e = marks.entry((x, y)).or_insert(Highlight::None);
            *e = (*e).max(h);
        }
    };
    let shows = |r: Regime| opts.shown.contains(&r);
    if let Some(a) = part
        && opts.fill != Regime::Pak
        && (shows(Regime::Ru) || shows(Regime::Eaeu))
    {
        for h in a.holders.iter().filter(|h| h.status == Status::Qualifying) {
            for c in &h.chains {
                for p in c.path.windows(2) {
                    mark(key_of(graph, &p[0]), key_of(graph, &p[1]), Highlight::Qualifying);
                }
            }
        }
    }
    if let Some(pak) = report.regimes.pak.as_ref().filter(|_| shows(Regime::Pak)) {
        let steps = pak
            .controllers
            .iter()
            .map(|c| (if c.foreign { Highlight::ForeignControl } else { Highlight::Control }, &c.steps))
            .chain(pak.foreign_group.iter().map(|g| (Highlight::ForeignControl, &g.steps)))
            .chain(pak.potential_controllers.iter().map(|p| (Highlight::Potential, &p.steps)));
        for (h, steps) in steps {
            for s in steps {
                let to = key_of(graph, &s.to);
                mark(key_of_member(graph, &s.from), to, h);
                for c in &s.counts {
                    for p in &c.parts {
                        mark(key_of_member(graph, &p.via), to, h);
                    }
                }
                for (_, who) in &s.rights {
                    mark(key_of_member(graph, who), to, h);
                }
            }
        }
    }
    for e in edges.iter_mut() {
        if let Some(h) = marks.get(&(e.from, e.to)) {
            e.highlight =
                if *h == Highlight::Qualifying && e.kind != EdgeKind::Ownership { Highlight::None } else { *h };
        }
    }
}

fn title(graph: &Graph, target: PartyIdx, report: &CheckReport, opts: &DiagramOptions) -> Vec<String> {
    let lang = opts.lang;
    let party = graph.party(target);
    let mut head = clean(&party.name).replace('\n', " ");
    if party.id != party.name {
        head.push_str(&format!(" ({})", clean(&party.id)));
    }
    let country = party.country.map(|c| format!(", {c}")).unwrap_or_default();
    let mut lines = vec![format!(
        "{head} · {}{country} · {} {}",
        term(kind_code(party.kind), lang),
        w(lang, "на", "as of"),
        report.as_of
    )];
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
                        "{} {} ({}), {} [{}; {}]",
                        w(lang, "доля", "share"),
                        percent(&a.share, lang),
                        a.share,
                        w(lang, "интервал", "interval"),
                        percent(&a.share, lang),
                        percent(&a.upper, lang)
                    )
                } else {
                    a.reason_in(lang)
                };
                format!("{}: {} — {body}", rule_point(a.rule, lang), term(a.verdict.code(), lang))
            }
            Regime::Pak => {
                let Some(a) = &report.regimes.pak else { continue };
                format!("{}: {} — {}", rule_point(a.rule, lang), term(a.verdict.code(), lang), a.reason_in(lang))
            }
        };
        // Lines of even length rather than a long one and a stub.
        let len = line.chars().count();
        let width = len.div_ceil(len.div_ceil(110).max(1)) + 6;
        lines.extend(wrap(&line, width, 4));
    }
    lines
}

fn legend(nodes: &[Node], edges: &[Edge], opts: &DiagramOptions) -> Vec<LegendEntry> {
    let lang = opts.lang;
    let rule = rule_point(opts.fill.rule(), lang);
    let mut out = Vec::new();
    let mut fills: Vec<Fill> = nodes.iter().map(|n| n.fill).collect();
    fills.sort_unstable();
    fills.dedup();
    for f in fills {
        let text = match (f, opts.fill) {
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
            text: w(lang, "нераскрытая доля или лицо", "undisclosed share or party").to_string(),
        });
    }
    if edges.iter().any(|e| e.back) {
        out.push(LegendEntry {
            sample: Sample::Back,
            text: w(lang, "перекрёстное владение (линия вверх)", "cross-holding (drawn upwards)").to_string(),
        });
    }
    let mut halos: Vec<Highlight> = edges.iter().map(|e| e.highlight).filter(|h| *h != Highlight::None).collect();
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
