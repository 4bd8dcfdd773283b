#!/usr/bin/env python3
"""The usual analyst's other baseline: path enumeration in NetworkX (issue 6).

The ownership graph is an nx.DiGraph (holder -> held, attribute `c` = capital fraction; parallel
`shares` relations between the same pair are summed). A virtual node `__undisclosed__` holds
the remainder 1 - (sum of listed holders) of every company. For each target company v, every
simple path from a terminal holder up to v is enumerated and the product of the shares along
it is added to

    q(v)  if the terminal qualifies for `ru` (see common.py; all nonprofits count as qualifying)
    u(v)  if it is an `unknown` party or `__undisclosed__`

Verdict as in scipy_solve.py (eligible q > 1/2, not_eligible q + u <= 1/2, else undetermined).

Methods:
  nx   (default) the textbook way: A = nx.ancestors(G, v); T = terminals in A;
       for path in nx.all_simple_paths(G.reverse(copy=False), v, T): add prod of shares.
  dfs  the same enumeration by a hand-written depth-first search over G.pred (no
       ancestor set, no per-step set arithmetic): a faster path enumerator, same answers.

INCOMPLETE ON CYCLES: a simple path never visits a node twice, so walks around an ownership
cycle (cross-holdings T -> H -> T) and treasury self-holdings (a self-loop) are not counted:
the geometric series of the cycle is cut after its first term, and a treasury stake is not
redistributed (q is too small by the factor 1 / (1 - treasury)). Targets whose ancestor
closure contains a cycle are flagged `incomplete` in the output.

Cost grows with the number of paths, which can be exponential in the depth of a pyramid;
a single target may take arbitrarily long. So: --targets N samples N target companies
(uniformly, --seed), --timeout SECONDS stops the enumeration (checked between targets and
every 10 000 paths inside one). The report gives targets/second over the finished targets
and an EXTRAPOLATION to all companies (rate x companies; it assumes the sample is typical).

Usage: networkx_paths.py DIR [--targets N|all | --ids ID,...] [--timeout S] [--method nx|dfs] [-o OUT.csv]
Writes OUT.csv with id,q,u,verdict,paths,incomplete for the finished targets.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time

import networkx as nx
import numpy as np

from common import COMPANY, QUAL, UNKNOWN, read_graph, rss_mib

UNDISCLOSED = "__undisclosed__"
CHECK_EVERY = 10_000


class Timeout(Exception):
    pass


def build(g):
    """The DiGraph with node attribute `val` (1 qualifying, 0 other terminal, 'u' unknown,
    None company) and edge attribute `c`."""
    import pandas as pd

    ids = g.ids.to_numpy(dtype=object)
    val_of_cls = {QUAL: 1, UNKNOWN: "u", COMPANY: None}
    G = nx.DiGraph()
    G.add_nodes_from(
        (ids[i], {"val": val_of_cls.get(int(c), 0)}) for i, c in enumerate(g.cls)
    )
    # shares into companies only (regime ru), parallel relations summed
    into_company = g.cls[g.dst] == COMPANY
    df = pd.DataFrame({"s": g.src[into_company], "d": g.dst[into_company], "c": g.cap[into_company]})
    df = df.groupby(["s", "d"], sort=False, as_index=False)["c"].sum()
    G.add_weighted_edges_from(zip(ids[df["s"].to_numpy()], ids[df["d"].to_numpy()], df["c"].to_numpy().tolist()), weight="c")
    listed = np.bincount(df["d"].to_numpy(), weights=df["c"].to_numpy(), minlength=len(ids))
    companies = np.flatnonzero(g.cls == COMPANY)
    rem = 1.0 - listed[companies]
    G.add_node(UNDISCLOSED, val="u")
    has = rem > 0
    G.add_weighted_edges_from(zip([UNDISCLOSED] * int(has.sum()), ids[companies[has]], rem[has].tolist()), weight="c")
    return G, ids[companies].tolist()


def cyclic_companies(G, companies):
    """Companies on an ownership cycle or holding themselves (SciPy strong components of the
    company-to-company graph; only used to flag targets, not timed)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    pos = {c: i for i, c in enumerate(companies)}
    rows, cols, loops = [], [], set()
    for c in companies:
        for h in G._pred[c]:
            j = pos.get(h)
            if j is not None:
                if h == c:
                    loops.add(c)
                rows.append(j)
                cols.append(pos[c])
    n = len(companies)
    A = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, label = connected_components(A, directed=True, connection="strong")
    size = np.bincount(label)
    return {companies[i] for i in np.flatnonzero(size[label] > 1)} | loops


def share_nx(G, R, v, deadline, counter):
    """nx.all_simple_paths on the reversed view, targets = terminal ancestors of v."""
    anc = nx.ancestors(G, v)
    node_val = G.nodes
    terms = {a for a in anc if node_val[a]["val"] is not None}
    q = u = 0.0
    paths = 0
    if terms:
        pred = G.pred
        for path in nx.all_simple_paths(R, v, terms):
            w = 1.0
            for i in range(len(path) - 1):
                w *= pred[path[i]][path[i + 1]]["c"]
            val = node_val[path[-1]]["val"]
            if val == "u":
                u += w
            elif val == 1:
                q += w
            paths += 1
            if paths % CHECK_EVERY == 0 and time.perf_counter() > deadline:
                raise Timeout(paths)
    counter["paths"] += paths
    return q, u, paths, anc


def share_dfs(G, v, deadline, counter, vals):
    """Depth-first enumeration of all simple paths from terminals up to v over G.pred."""
    pred = G._pred
    q = u = 0.0
    paths = 0
    cyclic = False
    on_path = {v}
    # stack of (node, weight so far, iterator over its holders)
    stack = [(v, 1.0, iter(pred[v].items()))]
    while stack:
        node, w, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            stack.pop()
            on_path.discard(node)
            continue
        h, attr = nxt
        if h in on_path:
            cyclic = True  # a walk around a cycle (or a treasury self-loop) is lost here
            continue
        wh = w * attr["c"]
        val = vals[h]
        if val is None:
            on_path.add(h)
            stack.append((h, wh, iter(pred[h].items())))
        else:
            paths += 1
            if val == 1:
                q += wh
            elif val == "u":
                u += wh
            if paths % CHECK_EVERY == 0 and time.perf_counter() > deadline:
                raise Timeout(paths)
    counter["paths"] += paths
    return q, u, paths, cyclic


def verdict(q, u):
    if q > 0.5:
        return "eligible"
    if q + u <= 0.5:
        return "not_eligible"
    return "undetermined"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--targets", default="1000", help="number of sampled target companies, or 'all' (default 1000)")
    ap.add_argument("--timeout", type=float, default=300.0, help="stop the enumeration after this many seconds (default 300)")
    ap.add_argument("--ids", default=None, help="comma-separated target ids (instead of a sample)")
    ap.add_argument("--method", choices=["nx", "dfs"], default="nx")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--engine", default="c", choices=["c", "pyarrow"], help="pandas read_csv engine (default c)")
    ap.add_argument("--keep-gc", action="store_true",
                    help="leave Python's cyclic garbage collector on (by default it is disabled: building a "
                         "DiGraph of millions of dicts otherwise triggers it over and over, about 2x slower)")
    ap.add_argument("-o", "--out", default=None)
    ap.add_argument("--timings", default=None, help="append the results as one JSON line to this file")
    a = ap.parse_args()

    if not a.keep_gc:
        gc.disable()
    t0 = time.perf_counter()
    g = read_graph(a.dir, engine=a.engine)
    t_read = time.perf_counter()
    load_timings = dict(g.timings)
    G, companies = build(g)
    del g
    t_built = time.perf_counter()
    print(f"DiGraph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, built in {t_built - t_read:.2f} s", file=sys.stderr)

    if a.ids:
        targets = a.ids.split(",")
        missing = [t for t in targets if t not in G or G.nodes[t]["val"] is not None]
        if missing:
            sys.exit(f"not companies of the graph: {', '.join(missing)}")
    elif a.targets == "all":
        targets = companies
    else:
        k = min(int(a.targets), len(companies))
        targets = random.Random(a.seed).sample(companies, k)

    # Cycle detection for the `incomplete` flag of the nx method (untimed: not part of the
    # analyst's computation). The dfs method detects it while enumerating.
    cyclic_nodes = set()
    t_cyc = 0.0
    if a.method == "nx":
        tc = time.perf_counter()
        cyclic_nodes = cyclic_companies(G, companies)
        t_cyc = time.perf_counter() - tc
        print(f"cycle detection for the flags (untimed): {len(cyclic_nodes)} companies on cycles, {t_cyc:.2f} s", file=sys.stderr)

    rows = []
    counter = {"paths": 0}
    vals = {n: d["val"] for n, d in G.nodes(data=True)} if a.method == "dfs" else None
    R = G.reverse(copy=False)
    timed_out = False
    unfinished = None
    max_paths = 0
    t_start = time.perf_counter()
    deadline = t_start + a.timeout
    for v in targets:
        if time.perf_counter() > deadline:
            timed_out = True
            break
        try:
            if a.method == "nx":
                q, u, paths, anc = share_nx(G, R, v, deadline, counter)
                incomplete = v in cyclic_nodes or not cyclic_nodes.isdisjoint(anc)
            else:
                q, u, paths, incomplete = share_dfs(G, v, deadline, counter, vals)
        except Timeout as e:
            timed_out = True
            unfinished = {"id": v, "paths_so_far": e.args[0]}
            break
        max_paths = max(max_paths, paths)
        rows.append((v, q, u, verdict(q, u), paths, int(incomplete)))
    t_end = time.perf_counter()
    compute = t_end - t_start
    done = len(rows)
    rate = done / compute if compute > 0 else float("inf")
    n_comp = len(companies)
    res = {
        "tool": "networkx_paths",
        "method": a.method,
        "engine": a.engine,
        "networkx": nx.__version__,
        "gc": "on" if a.keep_gc else "off",
        "dir": a.dir,
        "companies": n_comp,
        "targets_requested": len(targets),
        "targets_done": done,
        "timed_out": timed_out,
        "timeout_s": a.timeout,
        "paths": counter["paths"],
        "unfinished_target": unfinished,
        "max_paths_one_target": max_paths,
        "incomplete_targets": sum(r[5] for r in rows),
        "read_csv_s": load_timings["read_csv"],
        "parse_s": load_timings["parse"],
        "load_s": t_read - t0,
        "build_s": t_built - t_read,
        "cycle_flags_untimed_s": t_cyc,
        "compute_s": compute,
        "targets_per_s": rate,
        "extrapolated_all_targets_s": n_comp / rate if rate > 0 else None,
        "peak_rss_mib_self": rss_mib(),
        "verdicts": {k: sum(1 for r in rows if r[3] == k) for k in ("eligible", "not_eligible", "undetermined")},
    }
    if a.out:
        import csv

        with open(a.out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "q", "u", "verdict", "paths", "incomplete"])
            for v, q, u, vd, p, inc in rows:
                w.writerow([v, repr(q), repr(u), vd, p, inc])
    for k, val in res.items():
        shown = f"{val:.3f}" if isinstance(val, float) else val
        print(f"  {k}: {shown}", file=sys.stderr)
    print(
        f"  {done} of {len(targets)} targets in {compute:.2f} s = {rate:.1f} targets/s; "
        f"EXTRAPOLATION to all {n_comp} companies: {n_comp / rate if rate else float('inf'):.0f} s "
        f"(+ load {t_read - t0:.1f} s + build {t_built - t_read:.1f} s)"
        + (" -- timed out, the slowest targets are missing from the sample, so this is a lower bound" if timed_out else ""),
        file=sys.stderr,
    )
    if a.timings:
        with open(a.timings, "a") as f:
            f.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
