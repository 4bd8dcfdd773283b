//! A layered (Sugiyama-style) layout for ownership diagrams, so a diagram of p. 5 "а" / p. 5¹ "а"
//! chains can be drawn as SVG where Graphviz is not installed: holders above, the held below,
//! the target at the bottom, edges that close a cycle of holdings drawn back up, and every
//! edge label in a slot of its own next to its line, so labels never land on other lines.
//!
//! The steps, each iterative (no recursion):
//! 1. ranks: edges marked `back` are turned round (and any cycle left is broken by a
//!    depth-first search); each node's layer is its longest path down to a sink (the target);
//! 2. virtual nodes: rank `2·layer` holds the parties, the odd ranks between hold the labels;
//!    every rank an edge crosses gets a virtual node, the one next to the held entity carries
//!    the label;
//! 3. order: barycentre sweeps down and up, then adjacent swaps while they remove crossings;
//!    the order with the fewest crossings (counted in O(E log V)) is kept;
//! 4. x: repeated sweeps pulling each node toward the mean of its neighbours, each rank solved
//!    as a weighted least-squares fit that keeps order and spacing (pool adjacent violators);
//! 5. tracks: where several edges meet a node, each edge gets its own port on the node's side
//!    and its own level in the gap beside the node, ordered so that they do not cross there;
//! 6. y: ranks stacked by their tallest member, each gap as tall as its tracks need.
//!
//! Time: O(I · (V + E) log V) for I sweeps over V nodes (virtual ones included) and E segments.

/// A node to place: its box, and room to its right for a self-holding loop.
#[derive(Clone, Copy, Debug)]
pub struct LayoutNode {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Room on the right for a loop and its label (0 without one).
    pub loop_room: f64,
}

/// An edge to route: holder `from` → held `to`.
#[derive(Clone, Copy, Debug)]
pub struct LayoutEdge {
    /// The holder.
    pub from: usize,
    /// The held entity.
    pub to: usize,
    /// The label's width and height (0 × 0 for none).
    pub label: (f64, f64),
    /// Closes a cycle: drawn from below back up.
    pub back: bool,
}

/// Where an edge goes.
#[derive(Clone, Debug, Default)]
pub struct Route {
    /// From the holder to the held entity (the arrow at the last point); empty for a loop.
    pub points: Vec<(f64, f64)>,
    /// Top-left corner of the label.
    pub label: Option<(f64, f64)>,
}

/// The placed graph.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Centre of each node.
    pub centers: Vec<(f64, f64)>,
    /// Route of each edge.
    pub routes: Vec<Route>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

const NODE_GAP: f64 = 26.0;
const THIN_GAP: f64 = 10.0;
const RANK_GAP: f64 = 14.0;
const MARGIN: f64 = 10.0;
const LABEL_OFFSET: f64 = 6.0;
/// Vertical distance between two tracks in a gap.
const TRACK: f64 = 5.0;
const SWEEPS: usize = 24;

/// One member of a rank: a node, or a point of an edge.
#[derive(Clone, Copy, Debug)]
struct Slot {
    rank: usize,
    left: f64,
    right: f64,
    height: f64,
    weight: f64,
    real: bool,
}

/// Places `nodes` and routes `edges`.
pub fn layout(nodes: &[LayoutNode], edges: &[LayoutEdge]) -> Layout {
    let n = nodes.len();
    if n == 0 {
        return Layout::default();
    }
    // 1. Which end of each edge is drawn on top.
    let mut ends: Vec<Option<(usize, usize)>> = edges
        .iter()
        .map(|e| {
            (e.from != e.to && e.from < n && e.to < n).then_some(if e.back { (e.to, e.from) } else { (e.from, e.to) })
        })
        .collect();
    break_cycles(n, &mut ends);
    let layer = layers(n, &ends);
    let top_layer = layer.iter().copied().max().unwrap_or(0);
    let rank_of = |v: usize| 2 * (top_layer - layer[v]);
    let ranks = 2 * top_layer + 1;

    // 2. Slots: the nodes, then the virtual points of each edge.
    let mut slots: Vec<Slot> = nodes
        .iter()
        .enumerate()
        .map(|(v, nd)| Slot {
            rank: rank_of(v),
            left: nd.width / 2.0,
            right: nd.width / 2.0 + nd.loop_room,
            height: nd.height,
            weight: 1.0,
            real: true,
        })
        .collect();
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    let mut label_slot: Vec<Option<usize>> = vec![None; edges.len()];
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        let Some((t, b)) = ends[i] else { continue };
        let (rt, rb) = (rank_of(t), rank_of(b));
        // The label sits in the slot next to the held entity.
        let label_rank = if t == e.to { rt + 1 } else { rb - 1 };
        let mut chain = vec![t];
        for r in rt + 1..rb {
            let labelled = r == label_rank && e.label.0 > 0.0;
            let s = slots.len();
            slots.push(Slot {
                rank: r,
                left: 3.0,
                right: if labelled { e.label.0 + LABEL_OFFSET + 4.0 } else { 3.0 },
                height: if labelled { e.label.1 } else { 0.0 },
                weight: 4.0,
                real: false,
            });
            if labelled {
                label_slot[i] = Some(s);
            }
            chain.push(s);
        }
        chain.push(b);
        for w in chain.windows(2) {
            segments.push((w[0], w[1]));
        }
        chains[i] = chain;
    }
    let m = slots.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); m];
    for &(a, b) in &segments {
        down[a].push(b);
        up[b].push(a);
    }

    // 3. Order within ranks.
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for (s, slot) in slots.iter().enumerate() {
        order[slot.rank].push(s);
    }
    let order = reduce_crossings(order, &up, &down, m);

    // 4. x by least-squares pulls toward the neighbours.
    let mut x = vec![0.0; m];
    for rank in &order {
        let mut at = 0.0;
        for (k, &s) in rank.iter().enumerate() {
            if k > 0 {
                at += separation(&slots[rank[k - 1]], &slots[s]);
            }
            x[s] = at;
        }
    }
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let last = sweep + 1 == SWEEPS;
        let rank_ids: Vec<usize> = if downward { (0..ranks).collect() } else { (0..ranks).rev().collect() };
        for r in rank_ids {
            let rank = &order[r];
            let desired: Vec<f64> = rank
                .iter()
                .map(|&s| {
                    let nbrs: Vec<usize> = if last {
                        up[s].iter().chain(down[s].iter()).copied().collect()
                    } else if downward {
                        up[s].clone()
                    } else {
                        down[s].clone()
                    };
                    if nbrs.is_empty() { x[s] } else { nbrs.iter().map(|&u| x[u]).sum::<f64>() / nbrs.len() as f64 }
                })
                .collect();
            let weights: Vec<f64> = rank.iter().map(|&s| slots[s].weight).collect();
            let seps: Vec<f64> = rank.windows(2).map(|p| separation(&slots[p[0]], &slots[p[1]])).collect();
            for (k, v) in fit_in_order(&desired, &weights, &seps).into_iter().enumerate() {
                x[rank[k]] = v;
            }
        }
    }
    let min_x = (0..m).map(|s| x[s] - slots[s].left).fold(f64::INFINITY, f64::min);
    for v in x.iter_mut() {
        *v += MARGIN - min_x;
    }
    let width = (0..m).map(|s| x[s] + slots[s].right).fold(0.0, f64::max) + MARGIN;

    // 5. Tracks: where several edges meet a node, each runs to its port on a level of its
    // own in the gap beside the node, ordered so that they do not cross there.
    let ports = ports(nodes, &chains, &x);
    let mut fan_in: Vec<Vec<(f64, f64, usize)>> = vec![Vec::new(); n];
    let mut fan_out: Vec<Vec<(f64, f64, usize)>> = vec![Vec::new(); n];
    for (i, c) in chains.iter().enumerate() {
        if c.len() < 3 {
            continue;
        }
        fan_out[c[0]].push((ports[i].0, x[c[1]], i));
        fan_in[c[c.len() - 1]].push((ports[i].1, x[c[c.len() - 2]], i));
    }
    // Track index per edge end (0: farthest from the node), and tracks per gap below a rank.
    // The edges of one side of one node form a block of adjacent tracks, in the order that
    // keeps them from crossing; blocks whose spans overlap in a gap get disjoint tracks.
    let mut out_track: Vec<Option<usize>> = vec![None; edges.len()];
    let mut in_track: Vec<Option<usize>> = vec![None; edges.len()];
    let mut gap_tracks = vec![0usize; ranks];
    // (gap, span start, span end, members in track order, fan-in?)
    let mut blocks: Vec<(usize, f64, f64, Vec<usize>, bool)> = Vec::new();
    for v in 0..n {
        let r = slots[v].rank;
        for (list, inward, gap) in [(&fan_in[v], true, r.checked_sub(1)), (&fan_out[v], false, Some(r))] {
            let Some(gap) = gap else { continue };
            // From the left or to the left: the larger port farther; from or to the right: the smaller.
            let mut left: Vec<&(f64, f64, usize)> = list.iter().filter(|e| e.1 < e.0 - 1.5).collect();
            let mut right: Vec<&(f64, f64, usize)> = list.iter().filter(|e| e.1 > e.0 + 1.5).collect();
            left.sort_by(|a, b| b.0.total_cmp(&a.0));
            right.sort_by(|a, b| a.0.total_cmp(&b.0));
            for side in [left, right] {
                if side.is_empty() {
                    continue;
                }
                let lo = side.iter().map(|e| e.0.min(e.1)).fold(f64::INFINITY, f64::min);
                let hi = side.iter().map(|e| e.0.max(e.1)).fold(f64::NEG_INFINITY, f64::max);
                blocks.push((gap, lo, hi, side.iter().map(|e| e.2).collect(), inward));
            }
        }
    }
    blocks.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut placed: Vec<(usize, f64, f64, usize, usize)> = Vec::new();
    for (gap, lo, hi, members, inward) in blocks {
        let len = members.len();
        let mut base = 0;
        // Lowest base whose tracks are free over the block's span (at most one pass per block).
        loop {
            let clash = placed
                .iter()
                .filter(|p| p.0 == gap && p.1 <= hi + 4.0 && lo <= p.2 + 4.0)
                .filter(|p| base < p.3 + p.4 && p.3 < base + len)
                .map(|p| p.3 + p.4)
                .max();
            match clash {
                Some(next) => base = next,
                None => break,
            }
        }
        placed.push((gap, lo, hi, base, len));
        gap_tracks[gap] = gap_tracks[gap].max(base + len);
        for (k, i) in members.into_iter().enumerate() {
            if inward {
                in_track[i] = Some(base + k);
            } else {
                out_track[i] = Some(base + k);
            }
        }
    }
    // Fan-out tracks count from the far side of their gap.
    for (i, t) in out_track.iter_mut().enumerate() {
        if let (Some(k), Some(&top)) = (t.as_mut(), chains[i].first()) {
            *k = gap_tracks[slots[top].rank] - 1 - *k;
        }
    }

    // 6. y by rank heights, each gap tall enough for its tracks.
    let mut rank_h: Vec<f64> = vec![0.0; ranks];
    for s in &slots {
        rank_h[s.rank] = rank_h[s.rank].max(s.height);
    }
    let gap = |r: usize| RANK_GAP.max((gap_tracks[r] + 1) as f64 * TRACK);
    let mut rank_y = vec![0.0; ranks];
    let mut at = MARGIN;
    for r in 0..ranks {
        let h = if r % 2 == 1 { rank_h[r].max(6.0) } else { rank_h[r] };
        rank_y[r] = at + h / 2.0;
        rank_h[r] = h;
        at += h + if r + 1 < ranks { gap(r) } else { 0.0 };
    }
    let height = at + MARGIN;

    let centers: Vec<(f64, f64)> = (0..n).map(|v| (x[v], rank_y[slots[v].rank])).collect();
    let mut routes = Vec::with_capacity(edges.len());
    for (i, e) in edges.iter().enumerate() {
        let chain = &chains[i];
        if chain.is_empty() {
            // A self-holding: the writer draws a loop on the right with the label beside it.
            let route = if e.from < n {
                let (cx, cy) = centers[e.from];
                Route { points: Vec::new(), label: Some((cx + nodes[e.from].width / 2.0 + 40.0, cy - e.label.1 / 2.0)) }
            } else {
                Route::default()
            };
            routes.push(route);
            continue;
        }
        let (t, b) = (chain[0], chain[chain.len() - 1]);
        let bottom_of = |r: usize| rank_y[r] + rank_h[r] / 2.0;
        let top_of = |r: usize| rank_y[r] - rank_h[r] / 2.0;
        let mut pts = vec![(ports[i].0, centers[t].1 + nodes[t].height / 2.0)];
        if let (Some(k), Some(&next)) = (out_track[i], chain.get(1)) {
            let r = slots[t].rank;
            let y = bottom_of(r) + (k + 1) as f64 * TRACK;
            pts.push((ports[i].0, y));
            pts.push((x[next], y));
        }
        for &s in &chain[1..chain.len() - 1] {
            let r = slots[s].rank;
            pts.push((x[s], top_of(r)));
            pts.push((x[s], bottom_of(r)));
        }
        if let Some(k) = in_track[i] {
            let r = slots[b].rank - 1;
            let y = bottom_of(r) + (k + 1) as f64 * TRACK;
            let prev = chain[chain.len() - 2];
            pts.push((x[prev], y));
            pts.push((ports[i].1, y));
        }
        pts.push((ports[i].1, centers[b].1 - nodes[b].height / 2.0));
        let label = label_slot[i].map(|s| (x[s] + LABEL_OFFSET, rank_y[slots[s].rank] - e.label.1 / 2.0));
        if t != e.from {
            pts.reverse();
        }
        routes.push(Route { points: pts, label });
    }
    Layout { centers, routes, width, height }
}

fn separation(a: &Slot, b: &Slot) -> f64 {
    a.right + b.left + if a.real && b.real { NODE_GAP } else { THIN_GAP }
}

/// Turns round the edges a depth-first search finds closing a cycle (explicit stack).
fn break_cycles(n: usize, ends: &mut [Option<(usize, usize)>]) {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in ends.iter().enumerate() {
        if let Some((t, _)) = e {
            out[*t].push(i);
        }
    }
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&i) = out[v].get(*next) {
                *next += 1;
                let Some((t, b)) = ends[i] else { continue };
                match state[b] {
                    0 => {
                        state[b] = 1;
                        stack.push((b, 0));
                    }
                    1 => ends[i] = Some((b, t)),
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
}

/// Longest path from each node down to a sink, over acyclic `ends` (Kahn's order).
fn layers(n: usize, ends: &[Option<(usize, usize)>]) -> Vec<usize> {
    let mut below_count = vec![0usize; n];
    let mut above: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (t, b) in ends.iter().flatten() {
        below_count[*t] += 1;
        above[*b].push(*t);
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&v| below_count[v] == 0).collect();
    while let Some(b) = queue.pop() {
        for &t in &above[b] {
            layer[t] = layer[t].max(layer[b] + 1);
            below_count[t] -= 1;
            if below_count[t] == 0 {
                queue.push(t);
            }
        }
    }
    layer
}

/// Crossings between two adjacent ranks, by counting inversions with a Fenwick tree.
fn crossings_between(upper: &[usize], down: &[Vec<usize>], pos: &[usize], lower_len: usize) -> usize {
    let mut segs: Vec<(usize, usize)> = Vec::new();
    for &u in upper {
        for &v in &down[u] {
            segs.push((pos[u], pos[v]));
        }
    }
    segs.sort_unstable();
    let mut tree = vec![0usize; lower_len + 1];
    let mut total = 0;
    for (seen, &(_, p)) in segs.iter().enumerate() {
        // Segments already seen that end to the right of p cross this one.
        let mut i = p + 1;
        let mut not_greater = 0;
        while i > 0 {
            not_greater += tree[i];
            i &= i - 1;
        }
        total += seen - not_greater;
        let mut i = p + 1;
        while i <= lower_len {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    total
}

fn total_crossings(order: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    order.windows(2).map(|w| crossings_between(&w[0], down, pos, w[1].len())).sum()
}

fn positions(order: &[Vec<usize>], m: usize) -> Vec<usize> {
    let mut pos = vec![0; m];
    for rank in order {
        for (k, &s) in rank.iter().enumerate() {
            pos[s] = k;
        }
    }
    pos
}

fn reduce_crossings(mut order: Vec<Vec<usize>>, up: &[Vec<usize>], down: &[Vec<usize>], m: usize) -> Vec<Vec<usize>> {
    let mut pos = positions(&order, m);
    let mut best = order.clone();
    let mut best_count = total_crossings(&order, down, &pos);
    let mut stale = 0;
    for sweep in 0..SWEEPS {
        if best_count == 0 {
            break;
        }
        let downward = sweep % 2 == 0;
        let rank_ids: Vec<usize> =
            if downward { (1..order.len()).collect() } else { (0..order.len().saturating_sub(1)).rev().collect() };
        for r in rank_ids {
            let nbrs = if downward { up } else { down };
            let mut keyed: Vec<(f64, usize)> = order[r]
                .iter()
                .map(|&s| {
                    let ns = &nbrs[s];
                    let key = if ns.is_empty() {
                        pos[s] as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, s)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            order[r] = keyed.into_iter().map(|(_, s)| s).collect();
            for (k, &s) in order[r].iter().enumerate() {
                pos[s] = k;
            }
        }
        transpose(&mut order, &mut pos, up, down);
        let count = total_crossings(&order, down, &pos);
        if count < best_count {
            best_count = count;
            best = order.clone();
            stale = 0;
        } else {
            stale += 1;
            if stale >= 6 {
                break;
            }
        }
    }
    best
}

/// Crossings among the segments of `a` and `b` to one side when `a` is left of `b`.
fn pair_crossings(a: &[usize], b: &[usize], pos: &[usize]) -> usize {
    let mut c = 0;
    for &x in a {
        for &y in b {
            if pos[x] > pos[y] {
                c += 1;
            }
        }
    }
    c
}

/// Swaps neighbours within ranks while that removes crossings (a few passes at most).
fn transpose(order: &mut [Vec<usize>], pos: &mut [usize], up: &[Vec<usize>], down: &[Vec<usize>]) {
    for _ in 0..4 {
        let mut improved = false;
        for rank in order.iter_mut() {
            for k in 0..rank.len().saturating_sub(1) {
                let (a, b) = (rank[k], rank[k + 1]);
                if up[a].len() * up[b].len() + down[a].len() * down[b].len() > 400 {
                    continue;
                }
                let now = pair_crossings(&up[a], &up[b], pos) + pair_crossings(&down[a], &down[b], pos);
                let swapped = pair_crossings(&up[b], &up[a], pos) + pair_crossings(&down[b], &down[a], pos);
                if swapped < now {
                    rank.swap(k, k + 1);
                    pos[a] = k + 1;
                    pos[b] = k;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Positions as close as possible (weighted least squares) to `desired`, in the given order,
/// with `seps[k]` at least between members `k` and `k + 1`: pool adjacent violators on the
/// positions less their cumulative separations.
fn fit_in_order(desired: &[f64], weights: &[f64], seps: &[f64]) -> Vec<f64> {
    let n = desired.len();
    let mut offset = vec![0.0; n];
    for k in 1..n {
        offset[k] = offset[k - 1] + seps[k - 1];
    }
    // Blocks of (weighted mean, total weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(n);
    for k in 0..n {
        let w = weights[k].max(1e-9);
        blocks.push((desired[k] - offset[k], w, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = ((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(n);
    for (mean, _, count) in blocks {
        for _ in 0..count {
            let k = out.len();
            out.push(mean + offset[k]);
        }
    }
    out
}

/// Where each edge leaves its upper node and enters its lower one: the edges at a node's side
/// spread over the middle of that side in the order of where they go, so they do not meet.
fn ports(nodes: &[LayoutNode], chains: &[Vec<usize>], x: &[f64]) -> Vec<(f64, f64)> {
    let n = nodes.len();
    let mut bottom: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut top: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (i, c) in chains.iter().enumerate() {
        if c.len() < 2 {
            continue;
        }
        bottom[c[0]].push((x[c[1]], i));
        top[c[c.len() - 1]].push((x[c[c.len() - 2]], i));
    }
    let mut out = vec![(0.0, 0.0); chains.len()];
    for (v, nd) in nodes.iter().enumerate() {
        for (side, list) in [(0, &mut bottom[v]), (1, &mut top[v])] {
            list.sort_by(|a, b| a.0.total_cmp(&b.0));
            let k = list.len();
            let span = nd.width * if k > 4 { 0.86 } else { 0.5 };
            for (j, &(_, i)) in list.iter().enumerate() {
                let px = if k == 1 { x[v] } else { x[v] - span / 2.0 + span * j as f64 / (k - 1) as f64 };
                if side == 0 {
                    out[i].0 = px;
                } else {
                    out[i].1 = px;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> LayoutNode {
        LayoutNode { width: 60.0, height: 30.0, loop_room: 0.0 }
    }

    fn edge(from: usize, to: usize, back: bool) -> LayoutEdge {
        LayoutEdge { from, to, label: (30.0, 12.0), back }
    }

    #[test]
    fn holders_above_the_held_and_cycles_drawn_back_up() {
        // 0 = target; 1, 2 hold it; 3 holds 1; 0 holds 1 (a cycle, drawn back up).
        let nodes = vec![node(); 4];
        let edges = vec![edge(1, 0, false), edge(2, 0, false), edge(3, 1, false), edge(0, 1, true)];
        let l = layout(&nodes, &edges);
        let y = |v: usize| l.centers[v].1;
        assert!(y(1) < y(0) && y(2) < y(0) && y(3) < y(1));
        // The back edge runs from the target up to its holder: its last point is higher.
        let back = &l.routes[3].points;
        assert!(back.first().unwrap().1 > back.last().unwrap().1);
        assert!(l.routes.iter().all(|r| r.label.is_some()));
    }

    #[test]
    fn fit_keeps_order_and_spacing() {
        let x = fit_in_order(&[5.0, 5.0, 5.0], &[1.0, 1.0, 1.0], &[10.0, 10.0]);
        assert_eq!(x, vec![-5.0, 5.0, 15.0]);
        let x = fit_in_order(&[0.0, 100.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(x, vec![0.0, 100.0]);
    }

    #[test]
    fn counts_crossings() {
        // upper 0,1; lower 2,3; 0→3 and 1→2 cross once.
        let down = vec![vec![3], vec![2], vec![], vec![]];
        let pos = vec![0, 1, 0, 1];
        assert_eq!(crossings_between(&[0, 1], &down, &pos, 2), 1);
    }

    #[test]
    fn survives_unmarked_cycles_and_loops() {
        let nodes = vec![node(); 3];
        let edges = vec![edge(1, 0, false), edge(2, 1, false), edge(0, 2, false), edge(1, 1, false)];
        let l = layout(&nodes, &edges);
        assert_eq!(l.routes.len(), 4);
        assert!(l.routes[3].points.is_empty() && l.routes[3].label.is_some());
    }
}
