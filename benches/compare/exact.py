#!/usr/bin/env python3
"""Exact re-check of chosen targets with Python's fractions.Fraction (issue 6 comparison aid).

Not an analyst baseline: it exists to tell which float verdicts are wrong. For each requested
company it takes the ancestor closure (company holders, transitively), splits it into strongly
connected components (Tarjan, holders first), and solves each component exactly: a single
company without treasury by substitution, a cycle or a treasury self-holding by Gaussian
elimination over Fraction. Same rules as common.py (`ru`, capital base, all nonprofits
qualifying, dual citizens Russian); a closed ownership loop (singular system) gives None.

Usage: exact.py DIR ID [ID...]           prints id,q,u,verdict with q and u as exact fractions
       exact.py DIR --all [-o OUT.csv]    every company (the exact reference for compare.py)
       exact.py DIR --near CSV [--eps E]  re-checks the rows of a result CSV (id,q,u,verdict)
                                          whose q or q+u lies within E of 1/2 (default 1e-9)
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from fractions import Fraction
from pathlib import Path

HALF = Fraction(1, 2)


def parse_fraction(s: str) -> Fraction:
    s = s.strip()
    if s.endswith("%"):
        return Fraction(s[:-1]) / 100
    return Fraction(s)  # '1/3', '0.25', '1'


class ExactGraph:
    """Shares relations into companies, kept as text until needed."""

    def __init__(self, d: str | Path):
        d = Path(d)
        t0 = time.perf_counter()
        self.val: dict[str, object] = {}  # id -> 1 (qualifying), 0, 'u' (unknown), None (company)
        self.non_ru: set[str] = set()  # companies whose country is not RU
        with open(d / "parties.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                kind = row["kind"]
                if kind == "company":
                    v = None
                    if row["country"] != "RU":
                        self.non_ru.add(row["id"])
                elif kind == "unknown":
                    v = "u"
                elif kind in ("region", "municipality", "nonprofit"):
                    v = 1
                elif kind == "state":
                    v = 1 if row["country"] == "RU" else 0
                elif kind == "person":
                    v = 1 if "RU" in [c.strip() for c in row["citizenship"].split(";")] else 0
                else:
                    v = 0
                self.val[row["id"]] = v
        self.pred: dict[str, list[tuple[str, str]]] = {}
        with open(d / "relations.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["type"] != "shares":
                    continue
                to = row["to"]
                if self.val.get(to, 0) is not None:
                    continue  # not a company
                self.pred.setdefault(to, []).append((row["from"], row["capital"]))
        self.q: dict[str, Fraction | None] = {}
        self.u: dict[str, Fraction | None] = {}
        self.load_s = time.perf_counter() - t0

    def holders(self, v: str):
        return [(h, parse_fraction(c)) for h, c in self.pred.get(v, [])]

    def _components(self, roots):
        """Tarjan's SCCs of the not-yet-solved ancestor closure of roots, holders first."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        out = []
        counter = 0
        for root in roots:
            if root in index or root in self.q:
                continue
            work = [(root, iter(self.pred.get(root, [])))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                v, it = work[-1]
                advanced = False
                for h, _ in it:
                    if self.val.get(h) is not None or h in self.q:
                        continue  # terminal, or solved already
                    if h not in index:
                        index[h] = low[h] = counter
                        counter += 1
                        stack.append(h)
                        on_stack.add(h)
                        work.append((h, iter(self.pred.get(h, []))))
                        advanced = True
                        break
                    if h in on_stack:
                        low[v] = min(low[v], index[h])
                if advanced:
                    continue
                work.pop()
                if work:
                    p = work[-1][0]
                    low[p] = min(low[p], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp)
        return out

    def solve(self, targets):
        for comp in self._components(targets):
            members = set(comp)
            # rows: x_i - sum_{j in comp} a_ij x_j = (bq_i, bu_i)
            rows = []
            for v in comp:
                a: dict[str, Fraction] = {}
                bq = Fraction(0)
                bu = Fraction(0)
                listed = Fraction(0)
                bad = False
                for h, c in self.holders(v):
                    listed += c
                    if h in members:
                        a[h] = a.get(h, Fraction(0)) + c
                        continue
                    val = self.val.get(h, 0)
                    if val is None:  # company solved before
                        if self.q[h] is None:
                            bad = True
                            continue
                        bq += c * self.q[h]
                        bu += c * self.u[h]
                    elif val == 1:
                        bq += c
                    elif val == "u":
                        bu += c
                if listed < 1:
                    bu += 1 - listed
                rows.append((v, a, bq, bu, bad))
            if len(comp) == 1 and not rows[0][1]:
                v, _, bq, bu, bad = rows[0]
                self.q[v], self.u[v] = (None, None) if bad else (bq, bu)
                continue
            self._gauss(comp, rows)
        return {t: (self.q.get(t), self.u.get(t)) for t in targets}

    def _gauss(self, comp, rows):
        n = len(comp)
        pos = {v: i for i, v in enumerate(comp)}
        m = [[Fraction(0)] * n + [bq, bu] for (_, _, bq, bu, _) in rows]
        for i, (v, a, _, _, _) in enumerate(rows):
            m[i][i] += 1
            for h, c in a.items():
                m[i][pos[h]] -= c
        if any(r[4] for r in rows):
            for v in comp:
                self.q[v] = self.u[v] = None
            return
        for col in range(n):
            piv = next((r for r in range(col, n) if m[r][col] != 0), None)
            if piv is None:  # closed ownership loop: no solution
                for v in comp:
                    self.q[v] = self.u[v] = None
                return
            m[col], m[piv] = m[piv], m[col]
            p = m[col][col]
            m[col] = [x / p for x in m[col]]
            for r in range(n):
                if r != col and m[r][col] != 0:
                    f = m[r][col]
                    m[r] = [x - f * y for x, y in zip(m[r], m[col])]
        for i, v in enumerate(comp):
            self.q[v], self.u[v] = m[i][n], m[i][n + 1]


def verdict(q, u, non_ru=False):
    if non_ru:
        return "not_eligible"
    if q is None:
        return "no_solution"
    if q > HALF:
        return "eligible"
    if q + u <= HALF:
        return "not_eligible"
    return "undetermined"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("ids", nargs="*")
    ap.add_argument("--near", help="result CSV with id,q,u,verdict: re-check rows near 1/2")
    ap.add_argument("--eps", type=float, default=1e-9)
    ap.add_argument("--ru-companies-only", action="store_true", help="a non-RU company is not_eligible")
    ap.add_argument("--all", action="store_true", help="every company, in the order of parties.csv")
    ap.add_argument("-o", "--out", help="write the CSV here instead of stdout")
    a = ap.parse_args()
    g = ExactGraph(a.dir)
    print(f"exact: loaded in {g.load_s:.1f} s", file=sys.stderr)
    ids = list(a.ids)
    floats = {}
    if a.near:
        with open(a.near, newline="") as f:
            for row in csv.DictReader(f):
                q, u = float(row["q"]), float(row["u"])
                if abs(q - 0.5) <= a.eps or abs(q + u - 0.5) <= a.eps:
                    ids.append(row["id"])
                    floats[row["id"]] = (q, u, row["verdict"])
    if a.all:
        ids += [p for p, v in g.val.items() if v is None]
    t0 = time.perf_counter()
    res = g.solve(ids)
    print(f"exact: {len(ids)} targets solved in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = open(a.out, "w", newline="") if a.out else sys.stdout
    w = csv.writer(out)
    w.writerow(["id", "q", "u", "verdict"] + (["float_q", "float_u", "float_verdict", "differs"] if a.near else []))
    differ = 0
    for t in ids:
        q, u = res[t]
        ev = verdict(q, u, a.ru_companies_only and t in g.non_ru)
        row = [t, str(q), str(u), ev]
        if a.near:
            fq, fu, fv = floats[t]
            row += [repr(fq), repr(fu), fv, int(fv != ev)]
            differ += fv != ev
        w.writerow(row)
    if a.out:
        out.close()
    if a.near:
        print(f"exact: {len(ids)} rows within {a.eps:g} of 1/2, {differ} float verdicts differ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
