#!/usr/bin/env python3
"""Checks the expectations of tests/binder.rs and tests/diagnostics.rs against Kusto.Language.

Every query of those two files is run through scripts/oracle/oracle.js (Microsoft's own parser and
binder): `T`, `U`, `V` from tests/cases/schema.json, the Defender queries against
data/defender-tables.json. It reports

- an `assert_columns`/`assert_defender_columns`/`assert_type` whose expected columns differ from
  the columns Kusto infers, or whose query Kusto rejects;
- an `assert_rejected` query that Kusto accepts;
- an `assert_diagnostics` query expecting an error that Kusto accepts, or expecting no error that
  Kusto rejects (warnings are Quarry's own and are not compared).

Needs the oracle installed (`npm ci --prefix scripts/oracle`). Run from anywhere:

    python3 crates/kql-semantics/tests/cases/verify.py

Exit status 1 when anything disagrees.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
CRATE = TESTS.parent
ROOT = CRATE.parent.parent
ORACLE = ROOT / "scripts" / "oracle" / "oracle.js"
SMALL = TESTS / "cases" / "schema.json"
DEFENDER = CRATE / "data" / "defender-tables.json"

# A Rust string literal: raw r#"..."# or plain "..." with escapes.
STRING = r'(r#"(?:.|\n)*?"#|"(?:[^"\\]|\\.)*")'


def unquote(literal):
    if literal.startswith('r#"'):
        return literal[3:-2]
    body = literal[1:-1]
    escapes = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body)


def test_name(text, offset):
    names = list(re.finditer(r"fn (\w+)\(", text[:offset]))
    return names[-1].group(1) if names else "?"


def cases():
    """(test, schema, query, kind, expected) for every checked call."""
    out = []
    binder = (TESTS / "binder.rs").read_text()
    for m in re.finditer(r"\bassert_columns\(\s*" + STRING + r",\s*" + STRING, binder):
        out.append((test_name(binder, m.start()), SMALL, unquote(m.group(1)), "columns", unquote(m.group(2))))
    for m in re.finditer(r"\bassert_defender_columns\(\s*" + STRING + r",\s*" + STRING, binder):
        out.append((test_name(binder, m.start()), DEFENDER, unquote(m.group(1)), "columns", unquote(m.group(2))))
    for m in re.finditer(r"\bassert_type\(\s*" + STRING + r",\s*" + STRING + r",\s*" + STRING, binder):
        query = f"{unquote(m.group(1))} | project x = {unquote(m.group(2))}"
        out.append((test_name(binder, m.start()), SMALL, query, "columns", "x:" + unquote(m.group(3))))
    for m in re.finditer(r"\bassert_rejected\(\s*" + STRING, binder):
        out.append((test_name(binder, m.start()), SMALL, unquote(m.group(1)), "rejected", None))

    diagnostics = (TESTS / "diagnostics.rs").read_text()
    for m in re.finditer(r"\bassert_diagnostics\(\s*(" + STRING + r"|query),\s*&\[\s*((?:" + STRING + r"\s*,?\s*)*)\]", diagnostics):
        name = test_name(diagnostics, m.start())
        if m.group(1) == "query":
            body = diagnostics[diagnostics.rfind(f"fn {name}(", 0, m.start()) : m.start()]
            let = re.search(r"let query = " + STRING + ";", body)
            query = unquote(let.group(1))
        else:
            query = unquote(m.group(1))
        kind = "rejected" if re.search(r'"error ', m.group(3)) else "accepted"
        out.append((name, DEFENDER, query, kind, None))
    return out


def oracle(schema, queries):
    lines = "\n".join(json.dumps({"id": str(i), "text": q}) for i, q in enumerate(queries))
    run = subprocess.run(
        ["node", str(ORACLE), "--result-schema", "--schema", str(schema), "--stdin-lines"],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
    )
    results = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        results[int(record["path"])] = record
    return [results[i] for i in range(len(queries))]


def main():
    all_cases = cases()
    problems = 0
    for schema in (SMALL, DEFENDER):
        selected = [c for c in all_cases if c[1] == schema]
        for (name, _, query, kind, expected), record in zip(selected, oracle(schema, [c[2] for c in selected])):
            errors = [d for d in record["diagnostics"] if d["severity"] == "error"]
            columns = record.get("columns")
            kusto = None if columns is None else ", ".join(f"{n}:{t}" for n, t in columns)
            problem = None
            if kind == "columns" and errors:
                problem = "Kusto rejects it: " + "; ".join(d["message"] for d in errors)
            elif kind == "columns" and kusto != expected:
                problem = f"expected {expected}\n    Kusto    {kusto}"
            elif kind == "rejected" and not errors:
                problem = "Kusto accepts it"
            elif kind == "accepted" and errors:
                problem = "Kusto rejects it: " + "; ".join(d["message"] for d in errors)
            if problem:
                problems += 1
                print(f"{name}: {query!r}\n    {problem}")
    print(f"{len(all_cases)} queries checked, {problems} disagree with Kusto", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
