"""Shared loading code for the analyst baselines (issue 6).

Reads the CSV pair written by `examples/synth` (and by `owngraph`'s CSV input format):

    parties.csv    id,kind,name,country,citizenship          (citizenship separated by ';')
    relations.csv  type,from,to,capital,votes,basis,of,sole_executive,share

Only `shares` relations and their `capital` are used: the `ru` regime on the capital base
(policy P4 default), dual citizens count as Russian (policy P1 default).

Value of a holder h for `ru` (docs/DOMAIN.md, "Participation" and "Parties"):
  QUAL      1   state with country RU, region, municipality, person with RU citizenship,
                nonprofit (ALL nonprofits count as qualifying here: a baseline simplification;
                owngraph computes the NCO status from `governs` and control instead)
  FOREIGN   0   other terminals: foreign persons, foreign states, international_org,
                foreign_structure
  UNKNOWN   -   `unknown` parties; they go to u, the undisclosed share
  COMPANY   -   followed through: val(h) = q(h)
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

QUAL, FOREIGN, UNKNOWN, COMPANY = 0, 1, 2, 3
CLASS_NAMES = {QUAL: "qualifying", FOREIGN: "non-qualifying", UNKNOWN: "unknown", COMPANY: "company"}


def parse_fractions(s: pd.Series) -> np.ndarray:
    """Parses '12.34%', '1/3', '0.5', '1' into float64 (vectorised). Empty or bad -> NaN."""
    s = s.astype(str).str.strip()
    out = np.full(len(s), np.nan)
    pct = s.str.endswith("%").to_numpy()
    slash = s.str.contains("/", regex=False).to_numpy() & ~pct
    plain = ~pct & ~slash
    if pct.any():
        out[pct] = pd.to_numeric(s[pct].str[:-1], errors="coerce").to_numpy() / 100.0
    if slash.any():
        parts = s[slash].str.split("/", n=1, expand=True)
        num = pd.to_numeric(parts[0], errors="coerce").to_numpy()
        den = pd.to_numeric(parts[1], errors="coerce").to_numpy()
        out[slash] = num / den
    if plain.any():
        out[plain] = pd.to_numeric(s[plain], errors="coerce").to_numpy()
    return out


def _per_category(col: pd.Series, f) -> np.ndarray:
    """Applies f to each distinct value of a column (as str) and spreads the result back."""
    cat = col.astype("category").cat
    values = np.array([f("" if pd.isna(x) else str(x)) for x in cat.categories], dtype=object)
    codes = cat.codes.to_numpy()
    out = np.empty(len(codes), dtype=object)
    out[codes >= 0] = values[codes[codes >= 0]] if len(values) else None
    out[codes < 0] = f("")
    return out


def classify(parties: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Class of each party (QUAL, FOREIGN, UNKNOWN, COMPANY) for regime `ru`, and whether it
    is a company whose country is not RU."""
    kind = _per_category(parties["kind"], lambda x: x)
    country = _per_category(parties["country"], lambda x: x)
    # RU among the ';'-separated citizenships (policy P1: dual citizens are Russian).
    has_ru = _per_category(parties["citizenship"], lambda x: "RU" in [c.strip() for c in x.split(";")]).astype(bool)
    cls = np.full(len(parties), FOREIGN, dtype=np.int8)
    cls[(kind == "state") & (country == "RU")] = QUAL
    cls[(kind == "region") | (kind == "municipality") | (kind == "nonprofit")] = QUAL
    cls[(kind == "person") & has_ru] = QUAL
    cls[kind == "unknown"] = UNKNOWN
    cls[kind == "company"] = COMPANY
    return cls, (kind == "company") & (country != "RU")


@dataclass
class Graph:
    ids: pd.Series           # party ids (strings; pandas Series, positional)
    cls: np.ndarray          # class per party (int8)
    foreign_company: np.ndarray  # company with a country other than RU (bool)
    src: np.ndarray          # shares relation holder (party index, int64)
    dst: np.ndarray          # shares relation held (party index, int64)
    cap: np.ndarray          # capital fraction (float64)
    n_relations: int         # all relations in the file (every type)
    timings: dict


def _fractions_by_category(s: pd.Series) -> np.ndarray:
    """Parses a categorical column once per distinct value (a few thousand), then takes."""
    cat = s.astype("category").cat
    return parse_fractions(pd.Series(cat.categories.astype(str)))[cat.codes.to_numpy()] if len(s) else np.zeros(0)


def read_graph(d: str | Path, engine: str = "c", quiet: bool = False) -> Graph:
    """Reads DIR/parties.csv and DIR/relations.csv with pandas; times reading and parsing.

    engine "c": pandas' default C parser, ids as Python strings (object), the small
    columns (type, kind, capital) as categoricals so each distinct fraction is parsed once.
    engine "pyarrow": pandas' pyarrow parser (multithreaded) with Arrow-backed strings, ids
    looked up with pyarrow.compute.index_in. Both give identical arrays.
    """
    d = Path(d)
    t0 = time.perf_counter()
    if engine == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        opts = dict(engine="pyarrow", dtype_backend="pyarrow")
        parties = pd.read_csv(d / "parties.csv", usecols=["id", "kind", "country", "citizenship"], **opts)
        rel = pd.read_csv(d / "relations.csv", usecols=["type", "from", "to", "capital"], **opts)
        t1 = time.perf_counter()
        n_relations = len(rel)
        parties = parties.fillna("")
        rel = rel[(rel["type"] == "shares").to_numpy()]
        ids, fr, to = (pa.chunked_array(pa.array(x)) for x in (parties["id"], rel["from"], rel["to"]))
        n, m = len(ids), len(fr)
        if pc.count_distinct(ids).as_py() != n:
            sys.exit("parties.csv: duplicate ids")
        # one lookup table over the party ids, one pass over both endpoint columns
        codes = pc.index_in(pa.chunked_array(fr.chunks + to.chunks), value_set=ids)
        codes = codes.fill_null(-1).to_numpy().astype(np.int64)
        src, dst = codes[:m], codes[m:]
        capcol = rel["capital"].fillna("")
    elif engine == "c":
        parties = pd.read_csv(
            d / "parties.csv",
            keep_default_na=False,
            usecols=["id", "kind", "country", "citizenship"],
            dtype={"id": object, "kind": "category", "country": "category", "citizenship": "category"},
        )
        rel = pd.read_csv(
            d / "relations.csv",
            keep_default_na=False,
            usecols=["type", "from", "to", "capital"],
            dtype={"type": "category", "from": object, "to": object, "capital": "category"},
        )
        t1 = time.perf_counter()
        n_relations = len(rel)
        rel = rel[(rel["type"] == "shares").to_numpy()]
        # One hash pass over all ids: parties first, so a party's code is its position.
        ids = parties["id"].to_numpy(dtype=object)
        n, m = len(ids), len(rel)
        codes, _ = pd.factorize(np.concatenate([ids, rel["from"].to_numpy(dtype=object), rel["to"].to_numpy(dtype=object)]))
        if not (codes[:n] == np.arange(n)).all():
            sys.exit("parties.csv: duplicate ids")
        src, dst = codes[n : n + m], codes[n + m :]
        src = np.where(src < n, src, -1)
        dst = np.where(dst < n, dst, -1)
        capcol = rel["capital"]
    else:
        raise ValueError(f"unknown engine {engine}")
    bad = (src < 0) | (dst < 0)
    if bad.any():
        first = rel[bad].iloc[0]
        sys.exit(f"relations.csv: {int(bad.sum())} shares relations name unknown parties, e.g. {first['from']} -> {first['to']}")
    cap = _fractions_by_category(capcol)
    if np.isnan(cap).any():
        sys.exit(f"relations.csv: {int(np.isnan(cap).sum())} shares relations have no readable capital")
    cls, foreign_company = classify(parties)
    t2 = time.perf_counter()
    timings = {"read_csv": t1 - t0, "parse": t2 - t1}
    if not quiet:
        print(
            f"loaded {len(parties)} parties, {n_relations} relations ({len(rel)} shares) with engine {engine}: "
            f"read_csv {t1 - t0:.2f} s, parse {t2 - t1:.2f} s",
            file=sys.stderr,
        )
    return Graph(
        ids=parties["id"].reset_index(drop=True),
        cls=cls,
        foreign_company=foreign_company,
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        cap=cap,
        n_relations=n_relations,
        timings=timings,
    )


def verdicts(q: np.ndarray, u: np.ndarray, not_russian: np.ndarray | None = None) -> np.ndarray:
    """eligible if q > 1/2, not_eligible if q + u <= 1/2, else undetermined (float comparison).
    Rows flagged in not_russian (a non-RU company, with --ru-companies-only) are not_eligible."""
    v = np.full(len(q), "undetermined", dtype=object)
    v[q + u <= 0.5] = "not_eligible"
    v[q > 0.5] = "eligible"
    v[~(np.isfinite(q) & np.isfinite(u))] = "no_solution"
    if not_russian is not None:
        v[not_russian] = "not_eligible"
    return v


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux ru_maxrss is KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
