#!/usr/bin/env python3
"""Checks bench/kql2sql.py against Quarry on hand-picked edge cases of `has`, `has_any`, `in~`,
`=~` and `endswith`: term boundaries, punctuation in needles, case, non-ASCII letters (Ä, İ, Õ),
U+212A KELVIN SIGN, nulls and empty strings. Each predicate runs in the rules' shape through
`quarry query` and through DuckDB; the sets of matching ReportIds must be equal.

usage: python3 bench/check_kql2sql.py [--quarry target/release/quarry] [--workdir DIR]
Exits 1 on a difference. Needs the duckdb Python package.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import kql2sql  # noqa: E402

VALUES = [
    "MMSoft Design Ltd.", "MMSoftDesign", "mmsoft design", "XMMSoft Design", "MMSoft Designer", "(MMSoft Design)",
    "MMSoft  Design", "MMSOFT DESIGN", None, "", "Kr\u00e4mer IT Solutions GmbH", "KR\u00c4MER IT Solutions GmbH",
    "kr\u00e4mer it solutions gmbh", "Kr\u00e4mer IT Solutions GmbHx",
    "TEKNOPARS B\u0130L\u0130\u015e\u0130M TEKNOLOJ\u0130LER\u0130 SANAY\u0130 VE T\u0130CARET LTD.\u015eT\u0130.",
    "teknopars bili\u015fim teknolojileri sanayi ve ticaret ltd.\u015fti.", "ESET, spol. s r.o.", "eset, spol. s r.o.x",
    "xeset, spol. s r.o.", "DWSNET O\u00dc", "dwsnet o\u00fc", "DWSNET O\u00dcx", "AteraAgent.exe", "ATERAAGENT.EXE",
    "AteraAgent.exe ", "\u212aaseya", "Kaseya", "C:\\Windows\\System32\\cmd.exe",
]
PREDICATES = [
    "Company has 'MMSoft Design'",
    "Company has 'Kr\u00e4mer IT Solutions GmbH'",
    "Company has 'TEKNOPARS B\u0130L\u0130\u015e\u0130M TEKNOLOJ\u0130LER\u0130 SANAY\u0130 VE T\u0130CARET LTD.\u015eT\u0130.'",
    "Company has_any ('ESET, spol. s r.o.', 'DWSNET O\u00dc')",
    "Company has 'system32\\\\cmd.exe' or Company has '\\\\System32\\\\'",
    "FileName in~ ('AteraAgent.exe', 'kaseya')",
    "FileName =~ 'kaseya'",
    "FileName endswith '.EXE'",
    "(Company has 'kaseya' or FileName in~ ('mmsoftdesign')) and FileName has_any ('kaseya', 'MMSoftDesign')",
]
NOW = "2024-06-01T00:00:00Z"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quarry", default=os.path.join(os.path.dirname(HERE), "target", "release", "quarry"))
    ap.add_argument("--workdir", default="/tmp/quarry-kql2sql-check")
    args = ap.parse_args()
    import duckdb

    data = os.path.join(args.workdir, "data")
    os.makedirs(os.path.join(data, "DeviceProcessEvents"), exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(VALUES)))
    path = os.path.join(data, "DeviceProcessEvents", "edge.parquet")
    con.execute(f"""COPY (SELECT TIMESTAMP_NS '2024-05-30 00:00:00' + to_seconds(i) AS Timestamp, 'dev' AS DeviceId,
        'host' AS DeviceName, CAST(i AS BIGINT) AS ReportId, v AS Company, v AS FileName FROM t)
        TO '{path}' (FORMAT parquet)""")
    con.execute(f"CREATE VIEW DeviceProcessEvents AS SELECT * FROM read_parquet('{path}')")
    now = kql2sql.parse_now(NOW)
    failed = 0
    for predicate in PREDICATES:
        kql = ("let Time_start = now(-5d);\nlet Time_end = now();\nDeviceProcessEvents\n"
               "| where Timestamp between (Time_start..Time_end)\n"
               f"| where {predicate}\n"
               "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), "
               "Count=count() by DeviceId, DeviceName\n")
        kql_path = os.path.join(args.workdir, "q.kql")
        with open(kql_path, "w", encoding="utf-8") as f:
            f.write(kql)
        p = subprocess.run([args.quarry, "query", "-d", data, "--now", NOW, "--format", "json", "-f", kql_path],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"quarry failed on {predicate}: {p.stderr}")
            failed += 1
            continue
        rows = json.loads(p.stdout)["rows"]
        quarry = sorted(rows[0][4]) if rows else []
        duck_rows = con.execute(kql2sql.translate(kql, now)[0]).fetchall()
        duck = sorted(duck_rows[0][4]) if duck_rows else []
        same = quarry == duck
        failed += not same
        print(f"{'same' if same else 'DIFFERENT'}: {predicate}: quarry {quarry}, duckdb {duck}")
    print(f"{len(PREDICATES) - failed} of {len(PREDICATES)} predicates agree")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
