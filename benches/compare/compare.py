#!/usr/bin/env python3
"""Compares two screening result CSVs row by row (issue 6).

Typical use: the SciPy baseline against owngraph's `screen -o out.csv` (whose column names
are not final, hence every column name is an option), or either against exact.py's reference.

    compare.py A.csv B.csv [--a-name scipy] [--b-name owngraph]
        [--a-id id] [--a-q q] [--a-u u | --a-upper COL] [--a-verdict verdict]   (same for --b-*)
        [--a-q-percent] [--b-q-percent]   the share column is in percent (50.0 = one half)
        [--verdict-map 'pass=eligible,fail=not_eligible']   renames verdicts in both files
        [--eps 1e-9] [--show 20] [--exact DIR [--ru-companies-only]]

Value columns may hold floats ('0.5', '5e-1'), exact fractions ('1/2', owngraph's exact share)
or percents ('50%'). The upper bound is q + u; give --x-upper when a file has the upper bound
instead of u.

Reports: rows in both / only one; verdict agreement matrix; every disagreement classified by
how close the values are to the threshold 1/2 (q and upper, in A's values); how many rows of
each file are within EPS of 1/2 (where a float verdict may be wrong); the largest differences
of q and of the upper bound. With --exact DIR, every disagreement and every row within EPS of
1/2 in either file is recomputed in exact rational arithmetic (exact.py), and the report
says which side agrees with the exact verdict.
Exit status: 0 if all verdicts of the common rows agree, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction

import numpy as np
import pandas as pd


def to_float(col: pd.Series, percent: bool) -> np.ndarray:
    """Floats from '0.5', '1/2', '50%' (and percent numbers if percent=True)."""
    s = col.astype(str).str.strip()
    cat = s.astype("category").cat

    def one(x: str) -> float:
        if x in ("", "nan", "None"):
            return float("nan")
        if x.endswith("%"):
            return float(Fraction(x[:-1]) / 100)
        if "/" in x:
            return float(Fraction(x))  # exact to the nearest float
        v = float(x)
        return v / 100 if percent else v

    vals = np.array([one(x) for x in cat.categories], dtype=float) if len(cat.categories) else np.zeros(0)
    codes = cat.codes.to_numpy()
    out = np.full(len(s), np.nan)
    out[codes >= 0] = vals[codes[codes >= 0]]
    return out


def load(path, p, side):
    g = lambda k: getattr(p, f"{side}_{k}")  # noqa: E731
    cols = [g("id"), g("q"), g("verdict")] + [c for c in (g("u"), g("upper")) if c]
    df = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=lambda c: c in cols)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        sys.exit(f"{path}: no column {', '.join(missing)} (columns: see --{side}-* options)")
    q = to_float(df[g("q")], g("q_percent"))
    if g("upper"):
        upper = to_float(df[g("upper")], g("q_percent"))
    else:
        upper = q + to_float(df[g("u")], g("q_percent"))
    verdict = df[g("verdict")].str.strip()
    if p.verdict_map:
        m = dict(kv.split("=", 1) for kv in p.verdict_map.split(","))
        verdict = verdict.replace(m)
    out = pd.DataFrame({"q": q, "upper": upper, "verdict": verdict.to_numpy(), "q_text": df[g("q")].to_numpy()})
    out.index = df[g("id")].to_numpy()
    if not out.index.is_unique:
        sys.exit(f"{path}: duplicate ids")
    return out


def band(x: np.ndarray) -> np.ndarray:
    d = np.abs(x - 0.5)
    return np.select(
        [d == 0, d <= 1e-12, d <= 1e-9, d <= 1e-6, d <= 1e-3], ["=1/2", "<=1e-12", "<=1e-9", "<=1e-6", "<=1e-3"], "far"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    for side, name in (("a", "scipy"), ("b", "owngraph")):
        ap.add_argument(f"--{side}-name", default=name)
        ap.add_argument(f"--{side}-id", default="id")
        ap.add_argument(f"--{side}-q", default="q", help="column of the qualifying share")
        ap.add_argument(f"--{side}-u", default="u", help="column of the unknown share (upper = q + u)")
        ap.add_argument(f"--{side}-upper", default=None, help="column of the upper bound q + u (instead of u)")
        ap.add_argument(f"--{side}-verdict", default="verdict")
        ap.add_argument(f"--{side}-q-percent", action="store_true", help="plain numbers in the share columns are percents")
    ap.add_argument("--verdict-map", default=None, help="'old=new,...' applied to both verdict columns")
    ap.add_argument("--eps", type=float, default=1e-9)
    ap.add_argument("--show", type=int, default=20, help="list this many disagreements")
    ap.add_argument("--ru-companies-only", action="store_true",
                    help="with --exact: a company whose country is not RU is not_eligible (as owngraph's ru regime)")
    ap.add_argument("--exact", metavar="DIR", help="graph directory: re-check disagreements and near-threshold rows exactly")
    p = ap.parse_args()
    for side in ("a", "b"):
        if getattr(p, f"{side}_upper"):
            setattr(p, f"{side}_u", None)

    A, B = load(p.a, p, "a"), load(p.b, p, "b")
    na, nb = p.a_name, p.b_name
    common = A.index.intersection(B.index, sort=False)
    print(f"{na}: {len(A)} rows ({p.a}); {nb}: {len(B)} rows ({p.b}); common {len(common)}; "
          f"only in {na}: {len(A) - len(common)}; only in {nb}: {len(B) - len(common)}")
    A, B = A.loc[common], B.loc[common]

    # ---- verdicts ---------------------------------------------------------------------
    print(f"\nverdicts ({na} rows x {nb} columns):")
    print(pd.crosstab(pd.Series(A["verdict"].to_numpy(), name=na), pd.Series(B["verdict"].to_numpy(), name=nb),
                      margins=True).to_string())
    dis = A["verdict"].to_numpy() != B["verdict"].to_numpy()
    print(f"\ndisagreements: {int(dis.sum())} of {len(common)}")

    # ---- closeness to the threshold ---------------------------------------------------
    for name, T in ((na, A), (nb, B)):
        near_q = np.abs(T["q"].to_numpy() - 0.5) <= p.eps
        near_u = np.abs(T["upper"].to_numpy() - 0.5) <= p.eps
        print(f"{name}: q within {p.eps:g} of 1/2: {int(near_q.sum())} (exactly 0.5: {int((T['q'] == 0.5).sum())}); "
              f"upper within {p.eps:g}: {int(near_u.sum())} (exactly 0.5: {int((T['upper'] == 0.5).sum())})")
    if dis.any():
        bq, bu = band(A["q"].to_numpy()[dis]), band(A["upper"].to_numpy()[dis])
        print(f"\ndisagreements by |x - 1/2| in {na}'s values (q band x upper band):")
        print(pd.crosstab(pd.Series(bq, name="q"), pd.Series(bu, name="upper")).to_string())

    dq = np.abs(A["q"].to_numpy() - B["q"].to_numpy())
    du = np.abs(A["upper"].to_numpy() - B["upper"].to_numpy())
    print(f"\nlargest |q difference| {np.nanmax(dq) if len(dq) else 0:.3g}, largest |upper difference| "
          f"{np.nanmax(du) if len(du) else 0:.3g}; rows with |q difference| > 1e-9: {int((dq > 1e-9).sum())}, "
          f"> 1e-6: {int((dq > 1e-6).sum())}")

    if dis.any() and p.show:
        rows = pd.DataFrame({
            f"{na}_q": A["q"][dis], f"{na}_upper": A["upper"][dis], f"{na}_verdict": A["verdict"][dis],
            f"{nb}_q": B["q"][dis], f"{nb}_upper": B["upper"][dis], f"{nb}_verdict": B["verdict"][dis],
        })
        rows["dist"] = np.minimum(np.abs(rows[f"{na}_q"] - 0.5), np.abs(rows[f"{na}_upper"] - 0.5))
        rows = rows.sort_values("dist").head(p.show)
        with pd.option_context("display.float_format", lambda x: f"{x:.17g}", "display.width", 200):
            print(f"\nfirst {len(rows)} disagreements, closest to 1/2 first:")
            print(rows.to_string())

    # ---- exact re-check ---------------------------------------------------------------
    if p.exact:
        from exact import ExactGraph, verdict

        near = (np.abs(A["q"].to_numpy() - 0.5) <= p.eps) | (np.abs(A["upper"].to_numpy() - 0.5) <= p.eps) \
            | (np.abs(B["q"].to_numpy() - 0.5) <= p.eps) | (np.abs(B["upper"].to_numpy() - 0.5) <= p.eps)
        pick = dis | near
        ids = list(common[pick])
        g = ExactGraph(p.exact)
        res = g.solve(ids)
        ex = np.array([verdict(*res[t], p.ru_companies_only and t in g.non_ru) for t in ids], dtype=object)
        av, bv = A["verdict"].to_numpy()[pick], B["verdict"].to_numpy()[pick]
        print(f"\nexact re-check of {len(ids)} rows (disagreements and rows within {p.eps:g} of 1/2):")
        print("  (exact under the baseline rules: every nonprofit qualifying, shares capital only)")
        print(f"  {na} verdict differs from the exact one: {int((av != ex).sum())}")
        print(f"  {nb} verdict differs from the exact one: {int((bv != ex).sum())}")
        for name, side in ((na, av), (nb, bv)):
            wrong = [i for i in range(len(ids)) if side[i] != ex[i]]
            if wrong and p.show:
                print(f"  {name} wrong (first {min(len(wrong), p.show)}):")
            for i in wrong[: p.show]:
                q, u = res[ids[i]]
                print(f"    {ids[i]}: {na} {av[i]}, {nb} {bv[i]}, exact {ex[i]} (q = {q}, u = {u})")
    return 1 if dis.any() else 0


if __name__ == "__main__":
    sys.exit(main())
