import random, sys
random.seed(15)
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
