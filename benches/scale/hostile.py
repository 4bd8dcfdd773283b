"""Hostile registers of issue 13 as CSV pairs: a 100 000-deep chain of 1/2 shares (half/), of
1/3 shares (third/), and 2 000 stacked cross-holding cycles (cycles/).

    python3 benches/scale/hostile.py OUTDIR
"""
import os, sys

out = sys.argv[1] if len(sys.argv) > 1 else "."


def write(d, parties, rels):
    os.makedirs(f"{out}/{d}", exist_ok=True)
    with open(f"{out}/{d}/parties.csv", "w") as f:
        f.write("id,kind,name,country,citizenship\n")
        for p in parties:
            f.write(",".join(p) + "\n")
    with open(f"{out}/{d}/relations.csv", "w") as f:
        f.write("type,from,to,capital\n")
        for r in rels:
            f.write(",".join(r) + "\n")


N = 100000
P = [("ru", "person", "Ru", "", "RU"), ("us", "person", "Us", "", "US")]
P += [(f"c{i}", "company", f"C{i}", "RU", "") for i in range(N)]
R = []
for i in range(N - 1):
    R.append(("shares", f"c{i+1}", f"c{i}", "1/2"))
    R.append(("shares", "ru" if i % 2 == 0 else "us", f"c{i}", "1/2"))
R.append(("shares", "ru", f"c{N-1}", "1"))
write("half", P, R)
R = []
for i in range(N - 1):
    R += [("shares", f"c{i+1}", f"c{i}", "1/3"), ("shares", "ru", f"c{i}", "1/3"), ("shares", "us", f"c{i}", "1/3")]
R.append(("shares", "ru", f"c{N-1}", "1"))
write("third", P, R)
K = 2000
P = [("ru", "person", "Ru", "", "RU"), ("us", "person", "Us", "", "US")]
R = []
for k in range(K):
    P += [(f"a{k}", "company", f"A{k}", "RU", ""), (f"b{k}", "company", f"B{k}", "RU", "")]
    R += [("shares", f"b{k}", f"a{k}", "1/3"), ("shares", f"a{k}", f"b{k}", "2/7")]
    R.append(("shares", f"b{k+1}" if k + 1 < K else "ru", f"a{k}", "1/3"))
    R += [("shares", "ru", f"a{k}", "1/3"), ("shares", "us", f"b{k}", "5/7")]
write("cycles", P, R)
