# The day's changes for `screen --since` and `screen --changes` (issue 15): halves N random
# `shares` relations of SRC (seed 15) and writes today's relations.csv to DST; with DELTA_DIR,
# also the delta itself, as a CSV pair: each company whose holders changed, its record and
# every relation into it as of today.
#   python3 delta.py SRC/relations.csv DST/relations.csv N [DELTA_DIR]
import os, random, sys
random.seed(15)
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
delta = sys.argv[4] if len(sys.argv) > 4 else None
lines = open(src).read().split("\n")
header = lines[0].split(",")
cap = header.index("capital")
cands = [i for i in range(1, len(lines)) if lines[i].startswith("shares,") and lines[i].split(",")[cap].endswith("%")]
picked = random.sample(cands, n)
for i in picked:
    f = lines[i].split(",")
    v = float(f[cap][:-1])
    f[cap] = ("%.2f%%" % (v / 2)) if v > 0.02 else "0.01%"
    lines[i] = ",".join(f)
open(dst, "w").write("\n".join(lines))
print(len(cands), "share relations,", n, "changed")
if delta:
    to = header.index("to")
    changed = {lines[i].split(",")[to] for i in picked}
    os.makedirs(delta, exist_ok=True)
    with open(os.path.join(delta, "relations.csv"), "w") as out:
        out.write(lines[0] + "\n")
        for line in lines[1:]:
            if line and line.split(",")[to] in changed:
                out.write(line + "\n")
    parties = os.path.join(os.path.dirname(os.path.abspath(src)), "parties.csv")
    with open(parties) as f, open(os.path.join(delta, "parties.csv"), "w") as out:
        out.write(f.readline())
        for line in f:
            if line.split(",", 1)[0] in changed:
                out.write(line)
    print(len(changed), "companies in the delta", delta)
