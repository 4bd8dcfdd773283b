#!/usr/bin/env bash
# Runs the analyst baselines on one generated graph and prints a table (issue 6).
#
#   benches/compare/run.sh DIR [OUTDIR]
#
# DIR holds parties.csv and relations.csv (examples/synth --companies N --out DIR).
# OUTDIR (default DIR/baselines) receives scipy-<engine>.csv, networkx-<method>.csv,
# timings.jsonl and the /usr/bin/time -v logs.
# Environment: ENGINES="c pyarrow" (pandas read_csv engines for scipy_solve; pyarrow is
# skipped if not installed), METHODS="nx dfs" (networkx_paths methods), TARGETS=1000
# (sampled targets for networkx, or "all"), TIMEOUT=300 (seconds of path enumeration),
# NX_ENGINE=c, PYTHON=python3.
set -euo pipefail

dir=${1:?usage: run.sh DIR [OUTDIR]}
out=${2:-$dir/baselines}
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
engines=${ENGINES:-c pyarrow}
methods=${METHODS:-nx dfs}
targets=${TARGETS:-1000}
timeout=${TIMEOUT:-300}
nx_engine=${NX_ENGINE:-c}
mkdir -p "$out"
timings="$out/timings.jsonl"
: >"$timings"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "graph: $dir ($(($(wc -l <"$dir/parties.csv") - 1)) parties, $(($(wc -l <"$dir/relations.csv") - 1)) relations)"

run() { # name, log, command...
  local name=$1 log=$2
  shift 2
  echo "== $name: $*" >&2
  /usr/bin/time -v "$@" 2>"$log" || { tail -20 "$log" >&2; echo "$name failed" >&2; return 1; }
  local rss wall
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$log")
  # attach the process-level facts to the last JSON line the tool wrote
  "$py" - "$timings" "$name" "$rss" "$wall" <<'EOF'
import json, sys
path, name, rss, wall = sys.argv[1:]
lines = open(path).read().splitlines()
last = json.loads(lines[-1])
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
last.update(name=name, peak_rss_mib=int(rss) / 1024, wall_s=secs)
lines[-1] = json.dumps(last)
open(path, "w").write("\n".join(lines) + "\n")
EOF
}

for e in $engines; do
  if [ "$e" = pyarrow ] && ! "$py" -c 'import pyarrow' 2>/dev/null; then
    echo "pyarrow not installed: skipping the pyarrow engine" >&2
    continue
  fi
  run "scipy spsolve ($e)" "$out/scipy-$e.time.log" \
    "$py" "$here/scipy_solve.py" "$dir" --engine "$e" -o "$out/scipy-$e.csv" --timings "$timings"
done
for m in $methods; do
  run "networkx paths ($m)" "$out/networkx-$m.time.log" \
    "$py" "$here/networkx_paths.py" "$dir" --method "$m" --engine "$nx_engine" --targets "$targets" \
    --timeout "$timeout" -o "$out/networkx-$m.csv" --timings "$timings"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$py" - "$timings" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print()
print("| tool | load s | compute s | write s | total s (wall) | peak RSS MiB | notes |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    if r["tool"] == "scipy_solve":
        notes = (f"{r['companies']} companies; build {r['build_s']:.2f} s + spsolve {r['solve_s']:.2f} s; "
                 f"{r['q_within_eps_of_half']} q and {r['upper_within_eps_of_half']} q+u within {r['eps']:g} of 1/2")
        print(f"| {r['name']} | {r['load_s']:.2f} | {r['compute_s']:.2f} | {r['write_s']:.2f} | {r['wall_s']:.2f} "
              f"| {r['peak_rss_mib']:.0f} | {notes} |")
    else:
        done, req = r["targets_done"], r["targets_requested"]
        ext = r["extrapolated_all_targets_s"]
        notes = (f"build DiGraph {r['build_s']:.2f} s; {done}/{req} targets in {r['compute_s']:.2f} s = "
                 f"{r['targets_per_s']:.0f} targets/s{' (TIMED OUT)' if r['timed_out'] else ''}; "
                 f"{r['paths']} paths, max {r['max_paths_one_target']} for one target; "
                 f"{r['incomplete_targets']} targets touch a cycle (incomplete)"
                 + (f"; wall includes {r['cycle_flags_untimed_s']:.1f} s of untimed cycle flagging" if r['cycle_flags_untimed_s'] else ""))
        comp = f"{r['compute_s']:.2f} ({done} targets); all {r['companies']}: ~{ext:.0f} extrapolated" if done < r["companies"] else f"{r['compute_s']:.2f}"
        print(f"| {r['name']} | {r['load_s'] + r['build_s']:.2f} | {comp} | - | {r['wall_s']:.2f} "
              f"| {r['peak_rss_mib']:.0f} | {notes} |")
print()
print("load = pandas read_csv + parsing (+ building the DiGraph for networkx); total = wall time of the process "
      "from /usr/bin/time -v (includes Python start-up and imports); peak RSS from the same.")
EOF
