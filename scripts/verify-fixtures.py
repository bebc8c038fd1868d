#!/usr/bin/env python3
"""Check the parser's test fixtures against the Kusto oracle.

usage: scripts/verify-fixtures.py [--write-headers] [FIXTURES_DIR]

FIXTURES_DIR defaults to crates/kql-syntax/tests/fixtures. Every ok/*.kql file must have no
Kusto syntax error; every err/*.kql file must have at least one, and its first line must be
`// kusto: LINE:COLUMN MESSAGE`, the earliest Kusto syntax error (line and column in the file,
1-based, columns in characters). With --write-headers that first line is (re)written from the
oracle's answer instead of checked; the first line of an err file must already be a `//` comment
(it is replaced, so line numbers below it do not move).

Needs the oracle installed: `npm ci --prefix scripts/oracle`. Python 3 standard library only.
Exits 1 when a fixture disagrees with Kusto, 0 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.path.join(HERE, "oracle", "oracle.js")


def oracle(paths):
    proc = subprocess.run(["node", ORACLE, "--errors-only", *paths], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"verify-fixtures: oracle failed: {proc.stderr.strip()}")
    out = {}
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        out[os.path.realpath(r["path"])] = r
    return out


def kql_files(folder):
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".kql"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fixtures", nargs="?", default=os.path.join(ROOT, "crates", "kql-syntax", "tests", "fixtures"))
    ap.add_argument("--write-headers", action="store_true")
    args = ap.parse_args()

    ok_files = kql_files(os.path.join(args.fixtures, "ok"))
    err_files = kql_files(os.path.join(args.fixtures, "err"))
    results = oracle(ok_files + err_files)
    problems = 0

    for f in ok_files:
        r = results[os.path.realpath(f)]
        if not r["ok"]:
            problems += 1
            d = r["diagnostics"][0]
            print(f"ok/{os.path.basename(f)}: Kusto rejects it: {d['line']}:{d['column']} {d['message']}")

    for f in err_files:
        r = results[os.path.realpath(f)]
        name = f"err/{os.path.basename(f)}"
        if r["ok"]:
            problems += 1
            print(f"{name}: Kusto accepts it")
            continue
        d = next(d for d in r["diagnostics"] if d["kind"] == "syntax")
        header = f"// kusto: {d['line']}:{d['column']} {d['message']}"
        with open(f, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        if args.write_headers:
            if not lines[0].startswith("//"):
                problems += 1
                print(f"{name}: first line is not a // comment, not rewritten")
                continue
            if lines[0] != header:
                lines[0] = header
                with open(f, "w", encoding="utf-8") as fh:
                    fh.write("\n".join(lines))
                print(f"{name}: {header}")
        elif lines[0] != header:
            problems += 1
            print(f"{name}: header is {lines[0]!r}, Kusto says {header!r}")

    print(f"{len(ok_files)} ok fixtures, {len(err_files)} err fixtures, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
