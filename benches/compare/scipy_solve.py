#!/usr/bin/env python3
"""The usual analyst's baseline: one sparse linear solve in SciPy (issue 6).

For every company v (regime `ru`, capital base):

    q(v) = sum over direct holders h of c(h, v) * val(h)     val = 1 / 0 / q(h), see common.py
    u(v) = same equation with val = 1 for `unknown` holders, plus the remainder
           1 - sum of all listed holders of v (treasury included)

In matrix form, with M[v, h] = c(h, v) for company holders h (treasury: M[v, v]):

    (I - M) q = b      b[v] = sum of c(h, v) over qualifying terminals h
    (I - M) u = r      r[v] = sum of c(h, v) over `unknown` holders + remainder of v

solved with scipy.sparse.linalg.spsolve (SuperLU, float64), both right-hand sides in one call
(one factorisation). Verdict: eligible if q > 1/2, not_eligible if q + u <= 1/2, else
undetermined, decided on the float64 values (no exact re-check: that is the point). With
--ru-companies-only a company whose country is not RU is not_eligible whatever its share, as
owngraph's `ru` regime does.

Usage: scipy_solve.py DIR [-o OUT.csv] [--timings FILE.json] [--permc COLAMD|MMD_AT_PLUS_A|NATURAL|...]
Writes OUT.csv with columns id,q,u,verdict (one row per company, q and u with 17 digits).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from common import COMPANY, QUAL, UNKNOWN, read_graph, rss_mib, verdicts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="directory with parties.csv and relations.csv")
    ap.add_argument("-o", "--out", default=None, help="result CSV (id,q,u,verdict); none if omitted")
    ap.add_argument("--timings", default=None, help="append the phase timings as one JSON line to this file")
    ap.add_argument("--permc", default="COLAMD", help="SuperLU column ordering (spsolve permc_spec), default COLAMD")
    ap.add_argument("--engine", default="c", choices=["c", "pyarrow"], help="pandas read_csv engine (default c)")
    ap.add_argument("--ru-companies-only", action="store_true",
                    help="a company whose country is not RU is not_eligible whatever its share (docs/DOMAIN.md: "
                         "`ru` on a company that is not Russian); off by default: the verdict is the share's")
    ap.add_argument("--eps", type=float, default=1e-9, help="report values within EPS of 1/2 (default 1e-9)")
    a = ap.parse_args()

    t_start = time.perf_counter()
    g = read_graph(a.dir, engine=a.engine)
    t_loaded = time.perf_counter()

    # ---- build the system -------------------------------------------------------------
    is_company = g.cls == COMPANY
    comp_of_party = np.full(len(g.ids), -1, dtype=np.int64)
    companies = np.flatnonzero(is_company)
    n = len(companies)
    comp_of_party[companies] = np.arange(n)

    held = comp_of_party[g.dst]
    into_company = held >= 0
    ignored = int((~into_company).sum())  # shares in a non-company (not part of `ru`)
    src, held, cap = g.src[into_company], held[into_company], g.cap[into_company]
    hcls = g.cls[src]

    listed = np.bincount(held, weights=cap, minlength=n)
    over = listed > 1 + 1e-12
    remainder = np.clip(1.0 - listed, 0.0, None)

    b = np.bincount(held, weights=np.where(hcls == QUAL, cap, 0.0), minlength=n)
    r = np.bincount(held, weights=np.where(hcls == UNKNOWN, cap, 0.0), minlength=n) + remainder

    cm = hcls == COMPANY
    rows, cols, vals = held[cm], comp_of_party[src[cm]], cap[cm]
    treasury = int((rows == cols).sum())
    M = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))  # duplicates are summed
    A = (sp.identity(n, format="csc") - M).tocsc()
    t_built = time.perf_counter()

    # ---- solve ------------------------------------------------------------------------
    rhs = np.column_stack([b, r])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = spla.spsolve(A, rhs, permc_spec=a.permc)
    x = np.asarray(x).reshape(n, 2)
    q, u = x[:, 0], x[:, 1]
    t_solved = time.perf_counter()

    v = verdicts(q, u, g.foreign_company[companies] if a.ru_companies_only else None)
    t_verdicts = time.perf_counter()

    # ---- write ------------------------------------------------------------------------
    if a.out:
        import pandas as pd

        pd.DataFrame({"id": g.ids.take(companies).to_numpy(), "q": q, "u": u, "verdict": v}).to_csv(
            a.out, index=False, float_format="%.17g"
        )
    t_written = time.perf_counter()

    # ---- report -----------------------------------------------------------------------
    near_q = int((np.abs(q - 0.5) <= a.eps).sum())
    near_up = int((np.abs(q + u - 0.5) <= a.eps).sum())
    exact_half_q = int((q == 0.5).sum())
    counts = {k: int((v == k).sum()) for k in ("eligible", "not_eligible", "undetermined", "no_solution")}
    res = {
        "tool": "scipy_solve",
        "engine": a.engine,
        "ru_companies_only": a.ru_companies_only,
        "non_ru_companies": int(g.foreign_company.sum()),
        "dir": a.dir,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "companies": n,
        "relations": g.n_relations,
        "matrix_offdiag_nnz": int(M.nnz) - treasury,
        "treasury": treasury,
        "shares_into_non_companies_ignored": ignored,
        "holders_over_one": int(over.sum()),
        "read_csv_s": g.timings["read_csv"],
        "parse_s": g.timings["parse"],
        "load_s": t_loaded - t_start,
        "build_s": t_built - t_loaded,
        "solve_s": t_solved - t_built,
        "verdicts_s": t_verdicts - t_solved,
        "compute_s": t_verdicts - t_loaded,
        "write_s": t_written - t_verdicts,
        "total_s": t_written - t_start,
        "peak_rss_mib_self": rss_mib(),
        "warnings": [str(w.message) for w in caught],
        "verdicts": counts,
        "q_within_eps_of_half": near_q,
        "upper_within_eps_of_half": near_up,
        "q_exactly_half_in_float": exact_half_q,
        "eps": a.eps,
        "nonfinite": int((~np.isfinite(q) | ~np.isfinite(u)).sum()),
    }
    for k, val in res.items():
        if k in ("warnings",) and not val:
            continue
        shown = f"{val:.3f}" if isinstance(val, float) and k.endswith(("_s", "_mib_self")) else val
        print(f"  {k}: {shown}", file=sys.stderr)
    if a.timings:
        with open(a.timings, "a") as f:
            f.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
