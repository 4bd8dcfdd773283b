#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with the bundled fixtures, the starting points of each target.
set -euo pipefail
cd "$(dirname "$0")"
f=../fixtures
mkdir -p corpus/{native_json,json_lines,csv_pair,declaration_csv,declaration_json,egrul,bods}
cp $f/example-*.json $f/holders-with-details.json corpus/native_json/
cp $f/bods-cases/*.jsonl corpus/json_lines/ 2>/dev/null || true
cp $f/declarations/*.csv corpus/declaration_csv/
cp $f/declarations/*.json corpus/declaration_json/
cp $f/egrul/*.xml corpus/egrul/
cp $f/bods/*.json $f/bods-cases/*.json corpus/bods/
# The CSV pair target splits its input at the first NUL byte: parties, then relations.
printf 'id,kind,country,citizenship\nT,company,RU,\np,person,,RU\n\0type,from,to,capital\nshares,p,T,60%%\n' > corpus/csv_pair/pair
