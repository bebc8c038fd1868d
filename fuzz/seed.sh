#!/bin/sh
# Seeds the fuzz corpus with the parser's fixtures (valid and invalid queries).
# Run from anywhere: fuzz/seed.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../crates/kql-syntax/tests/fixtures"
corpus="$here/corpus/parse"
mkdir -p "$corpus"
n=0
for f in "$fixtures"/ok/*.kql "$fixtures"/err/*.kql; do
    [ -f "$f" ] || continue
    kind=$(basename "$(dirname "$f")")
    cp "$f" "$corpus/${kind}_$(basename "$f")"
    n=$((n + 1))
done
echo "seeded $n files into $corpus"
