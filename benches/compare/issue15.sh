#!/bin/bash
# Issue 15: `owngraph screen --all` from the CSV pair and from a snapshot against SciPy's float
# solve of `ru`, on the same files, in one run (BENCHMARKS.md, "Re-measured after the fast paths").
#
#   cargo build --release && cargo build --release --features synth --example synth
#   target/release/examples/synth --companies 1000000 --out DATA/nat1m
#   target/release/examples/synth --companies 3500000 --out DATA/nat3m5
#   target/release/owngraph index DATA/nat1m -o DATA/v2/nat1m.og   # likewise nat3m5
#   DATA=... PY=venv/bin/python benches/compare/issue15.sh
#
# Needs hyperfine and GNU time; PY must have benches/compare/requirements.txt installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
B=${B:-$here/../../target/release/owngraph}
PY=${PY:-python3}
S=$here/scipy_solve.py
cd "${DATA:?set DATA to the directory holding nat1m/, nat3m5/ and v2/*.og}"
out=${OUT:-$(mktemp -d)}
# Before each timed run: the page cache dropped (where allowed: root) and the inputs read back,
# so that every command starts from the same memory state with its files cached. On a virtual
# machine the cost of fresh pages depends on what the cache holds (BENCHMARKS.md).
warm() { echo "sync; echo 1 > /proc/sys/vm/drop_caches 2>/dev/null; cat $* > /dev/null"; }
echo "== $(date -u) $(uptime)"
hyperfine -N -w 1 -r 4 --prepare "bash -c '$(warm nat1m/*.csv v2/nat1m.og)'" --export-json "$out/h1m.json" \
  "$B screen nat1m --all -o $out/n1.csv" \
  "$B screen v2/nat1m.og --all -o $out/n1s.csv" \
  "$PY $S nat1m --engine pyarrow -o $out/s1.csv"
echo "== $(date -u) $(uptime)"
# One warm-up run each at 3.5 M too: on a virtual machine the first run after a smaller job
# touches memory the host has not backed yet, and took 13.4-14.0 s where the next two took
# 11.5-11.8 s (BENCHMARKS.md, "Again at 057522f").
hyperfine -N -w 1 -r 3 --prepare "bash -c '$(warm nat3m5/*.csv v2/nat3m5.og)'" --export-json "$out/h3m.json" \
  "$B screen nat3m5 --all -o $out/n3.csv" \
  "$B screen v2/nat3m5.og --all -o $out/n3s.csv" \
  "$PY $S nat3m5 --engine pyarrow -o $out/s3.csv"
echo "== peaks $(date -u) $(uptime)"
for c in "$B screen nat1m --all -o $out/p.csv" "$B screen v2/nat1m.og --all -o $out/p.csv" \
         "$PY $S nat1m --engine pyarrow -o $out/p.csv" "$B screen nat3m5 --all -o $out/p.csv" \
         "$B screen v2/nat3m5.og --all -o $out/p.csv" "$PY $S nat3m5 --engine pyarrow -o $out/p.csv"; do
  echo "-- $c"
  bash -c "$(warm nat1m/*.csv v2/nat1m.og nat3m5/*.csv v2/nat3m5.og)"
  OWNGRAPH_TIMING=1 /usr/bin/time -f '%e s wall %U u %S s %M KiB' $c 2>&1 | grep -E "screened|wall|total_s|load_s|compute_s"
done
cmp "$out/n1.csv" "$out/n1s.csv" && cmp "$out/n3.csv" "$out/n3s.csv" && echo "rows identical: CSV pair and snapshot"
echo "== end $(date -u); outputs in $out"
