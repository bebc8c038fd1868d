#!/usr/bin/env python3
"""Measure how often Quarry's binder agrees with Kusto's on a corpus of .kql files.

usage: scripts/semantic-agreement.py CORPUS_DIR --tables SCHEMA_JSON [--quarry BINARY]
                                     [--oracle-cache FILE] [--max-list N]

SCHEMA_JSON is a table schema file ({"Table": [["Column", "type"], ...]}), e.g. the Defender
tables of shared/schema/defender-tables-extended.json. Each table is given to Kusto.Language in
both flavours, Defender's and Sentinel's (plus TimeGenerated, TenantId, SourceSystem, Type,
MachineGroup), and the binder runs with those tables only.

The queries measured are those that parse and read only those tables (Kusto reports no unknown
table). Of those, the ones Kusto binds without error ("bound") and those it flags. For both sets it
prints how often Quarry (`quarry check --format json`, semantic) agrees, the disagreements with
both tools' first error, and counts of the disagreements by Quarry's diagnostic code and Kusto's
message. A measurement: exits 0 whatever the agreement.
"""

import argparse
import collections
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("corpus_agreement", os.path.join(HERE, "corpus-agreement.py"))
ca = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ca)

SENTINEL_COLUMNS = [["TimeGenerated", "datetime"], ["TenantId", "string"], ["SourceSystem", "string"],
                    ["Type", "string"], ["MachineGroup", "string"]]
UNKNOWN_TABLE = re.compile(r"does not refer to any known table")


def both_flavours(tables):
    out = {}
    for name, columns in tables.items():
        have = {c for c, _ in columns}
        out[name] = columns + [c for c in SENTINEL_COLUMNS if c[0] not in have]
    return out


def run_oracle(corpus, schema_path, cache):
    if cache and os.path.exists(cache):
        with open(cache, encoding="utf-8") as f:
            text = f.read()
    else:
        proc = subprocess.run(["node", ca.ORACLE, "--schema", schema_path, "--errors-only", corpus],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            ca.die(f"oracle failed: {proc.stderr[:2000]}")
        text = proc.stdout
        if cache:
            with open(cache, "w", encoding="utf-8") as f:
                f.write(text)
    return {ca.norm(r["path"], corpus): r for r in ca.read_jsonl(text, "oracle") if "path" in r}


def run_quarry(binary, corpus, schema_path):
    cmd = [binary, "check", "--format", "json", "--schema", schema_path, "--no-builtin-schema", corpus]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    results = {}
    for r in ca.read_jsonl(proc.stdout, "quarry"):
        if "path" not in r:
            continue
        results[ca.norm(r["path"], corpus)] = r
    return results, wall


def first_error(diags):
    for d in diags or []:
        if str(d.get("severity", "error")).lower() == "error":
            return d
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--tables", required=True, help="table schema JSON given to both tools")
    ap.add_argument("--quarry")
    ap.add_argument("--oracle-cache")
    ap.add_argument("--max-list", type=int, default=60)
    args = ap.parse_args()
    corpus = os.path.realpath(args.corpus)
    with open(args.tables, encoding="utf-8") as f:
        tables = both_flavours(json.load(f))
    schema = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(tables, schema)
    schema.close()

    oracle = run_oracle(corpus, schema.name, args.oracle_cache)
    binary = ca.find_quarry(args.quarry)
    quarry, wall = run_quarry(binary, corpus, schema.name)

    measured = {}
    for path, r in oracle.items():
        diags = r.get("diagnostics") or []
        if not r.get("ok"):
            continue  # syntax error
        if any(UNKNOWN_TABLE.search(d.get("message", "")) for d in diags):
            continue  # reads a table outside the schema
        measured[path] = first_error(diags)
    bound = sorted(p for p, d in measured.items() if d is None)
    flagged = sorted(p for p, d in measured.items() if d is not None)
    q_err = {p: first_error(quarry[p].get("diagnostics")) for p in measured if p in quarry}
    both_bound = [p for p in bound if p in q_err and q_err[p] is None]
    both_flag = [p for p in flagged if p in q_err and q_err[p] is not None]
    false_flag = [p for p in bound if p in q_err and q_err[p] is not None]
    missed = [p for p in flagged if p in q_err and q_err[p] is None]
    accountupn = [p for p in flagged if "AccountUpn" in (measured[p].get("message") or "")]

    print(f"measured: {len(measured)} queries that parse and read only the given tables")
    print(f"Kusto binds {len(bound)}; Quarry binds {len(both_bound)} of them ({ca.pct(len(both_bound), len(bound))})")
    print(f"Kusto flags {len(flagged)} ({len(accountupn)} on AccountUpn); Quarry flags {len(both_flag)} of them "
          f"({ca.pct(len(both_flag), len(flagged))})")
    print(f"Quarry wall time over the whole corpus: {wall:.3f} s")

    def fmt(d):
        return "-" if d is None else f'{d.get("line")}:{d.get("column")} {d.get("code", "")} {d.get("message")}'

    print(f"\n## Kusto binds, Quarry flags: {len(false_flag)}; by Quarry code")
    for code, n in collections.Counter(q_err[p].get("code") for p in false_flag).most_common():
        print(f"  {n:4} {code}")
    for p in false_flag[: args.max_list]:
        print(f"{p}\n    quarry: {fmt(q_err[p])}")
    print(f"\n## Kusto flags, Quarry binds: {len(missed)}; by Kusto message")
    by_msg = collections.Counter(re.sub(r"'[^']*'", "'_'", measured[p].get("message", "")) for p in missed)
    for msg, n in by_msg.most_common():
        print(f"  {n:4} {msg}")
    for p in missed[: args.max_list]:
        print(f"{p}\n    kusto: {fmt(measured[p])}")
    os.unlink(schema.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
