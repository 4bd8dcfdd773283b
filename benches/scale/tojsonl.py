import csv, json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(dst, "w") as out:
    for name in ("parties.csv", "relations.csv"):
        with open(f"{src}/{name}", newline="") as f:
            for row in csv.DictReader(f):
                rec = {}
                for k, v in row.items():
                    if v == "":
                        continue
                    if k == "citizenship":
                        rec[k] = v.split(";")
                    elif k == "sole_executive":
                        rec[k] = v.lower() == "true"
                    else:
                        rec[k] = v
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
