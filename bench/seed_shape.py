#!/usr/bin/env python3
"""Benchmark: the seed rules' shape (`has` filter + summarize) over DeviceProcessEvents in
Parquet, Quarry against DuckDB, in one run.

usage: bench/seed_shape.py [--rows N] [--runs K] [--quarry BINARY] [--workdir DIR]

Generates N rows (default 10,000,000) of DeviceProcessEvents with DuckDB into one Parquet file
(deterministic: the same N gives the same file), checks that Quarry and DuckDB return the same
rows for the Pulseway rule, then times both K times each, alternating, each in its own process,
and prints the median wall time, the ratio Quarry/DuckDB and each one's peak memory (max RSS).
Needs the `duckdb` Python package (`pip install duckdb`) and a release build of quarry
(`cargo build --release -p quarry-cli`). A measurement, not a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

NOW = "2024-05-03T00:00:00Z"

KQL = """
let Time_start = now(-5d);
let Time_end = now();
DeviceProcessEvents
| where Timestamp between (Time_start..Time_end)
| where ProcessVersionInfoCompanyName has 'MMSoft Design'
and ProcessVersionInfoProductName has 'Pulseway'
| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),
Report=make_set(ReportId), Count=count() by DeviceId, DeviceName
"""

# KQL's `has` is a whole-term match, case-insensitive: the same as a regex with non-alphanumeric
# (or string-edge) boundaries around the lower-cased needle.
SQL = """
SELECT DeviceId, DeviceName, min(Timestamp) AS FirstSeen, max(Timestamp) AS LastSeen,
       list(DISTINCT ReportId) AS Report, count(*) AS Count
FROM read_parquet('{path}')
WHERE Timestamp BETWEEN TIMESTAMP '2024-04-28 00:00:00' AND TIMESTAMP '2024-05-03 00:00:00'
  AND regexp_matches(lower(ProcessVersionInfoCompanyName), '(^|[^a-z0-9])mmsoft design($|[^a-z0-9])')
  AND regexp_matches(lower(ProcessVersionInfoProductName), '(^|[^a-z0-9])pulseway($|[^a-z0-9])')
GROUP BY DeviceId, DeviceName
"""

GENERATE = """
COPY (
  SELECT
    TIMESTAMP '2024-04-20 00:00:00' + to_microseconds(((i * 7919) % (13 * 86400 * 1000)) * 1000) AS Timestamp,
    'dev-' || lpad(CAST((i * 31) % 2000 AS VARCHAR), 4, '0') AS DeviceId,
    'host-' || lpad(CAST((i * 31) % 2000 AS VARCHAR), 4, '0') || '.corp.local' AS DeviceName,
    'ProcessCreated' AS ActionType,
    CAST(i AS BIGINT) AS ReportId,
    CASE WHEN i % 997 = 0 THEN 'MMSoft Design Ltd.'
         WHEN i % 991 = 0 THEN 'MMSoftDesign'
         WHEN i % 5 = 0 THEN 'Microsoft Corporation'
         WHEN i % 5 = 1 THEN 'Google LLC'
         WHEN i % 5 = 2 THEN 'Mozilla Corporation'
         ELSE 'Contoso Ltd.' END AS ProcessVersionInfoCompanyName,
    CASE WHEN i % 997 = 0 OR i % 991 = 0 THEN 'Pulseway'
         WHEN i % 3 = 0 THEN 'Microsoft Windows Operating System'
         ELSE 'Contoso Updater' END AS ProcessVersionInfoProductName,
    CASE i % 4 WHEN 0 THEN 'svchost.exe' WHEN 1 THEN 'chrome.exe' WHEN 2 THEN 'powershell.exe' ELSE 'PCMonitorSrv.exe' END AS FileName,
    'C:\\Windows\\System32\\' || CAST(i % 100 AS VARCHAR) AS FolderPath,
    'process.exe --flag ' || CAST(i % 10007 AS VARCHAR) AS ProcessCommandLine
  FROM range({rows}) t(i)
) TO '{path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)
"""


def run_measured(cmd):
    """Runs `cmd`; returns (wall seconds, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[:2000]}")
    return wall, proc.stdout


def peak_rss(cmd):
    """Max RSS (MB) of one run, from /usr/bin/time."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    last = proc.stderr.strip().splitlines()[-1]
    return int(last) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quarry", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "quarry"))
    ap.add_argument("--workdir", default="/tmp/quarry-bench")
    args = ap.parse_args()
    import duckdb  # noqa: E402  (installed by the user; see the docstring)

    data = os.path.join(args.workdir, f"rows-{args.rows}")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(data, "DeviceProcessEvents.parquet")
    if not os.path.exists(path):
        t = time.perf_counter()
        duckdb.sql(GENERATE.format(rows=args.rows, path=path))
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s: {os.path.getsize(path) / 1e6:.0f} MB")
    query_file = os.path.join(args.workdir, "pulseway.kql")
    with open(query_file, "w") as f:
        f.write(KQL)
    sql_file = os.path.join(args.workdir, "pulseway.sql")
    with open(sql_file, "w") as f:
        f.write(SQL.format(path=path))

    quarry_cmd = [args.quarry, "query", "-f", query_file, "-d", data, "--now", NOW, "--format", "json"]
    duck_cmd = [sys.executable, "-c", f"import duckdb,sys; print(duckdb.sql(open({sql_file!r}).read()).fetchall())"]

    # Same rows from both before timing anything.
    _, quarry_out = run_measured(quarry_cmd)
    quarry_rows = {(r[0], r[1]): (r[5], sorted(r[4])) for r in json.loads(quarry_out)["rows"]}
    con = duckdb.connect()
    duck_rows = {(r[0], r[1]): (r[5], sorted(r[4])) for r in con.sql(SQL.format(path=path)).fetchall()}
    if quarry_rows != duck_rows:
        only = sorted(set(quarry_rows) ^ set(duck_rows))[:5]
        sys.exit(f"results differ: quarry {len(quarry_rows)} groups, duckdb {len(duck_rows)}; e.g. {only}")
    print(f"both engines return the same {len(quarry_rows)} groups ({sum(c for c, _ in quarry_rows.values())} events)")

    times = {"quarry": [], "duckdb": []}
    for _ in range(args.runs):
        times["quarry"].append(run_measured(quarry_cmd)[0])
        times["duckdb"].append(run_measured(duck_cmd)[0])
    # DuckDB's process includes Python's start and `import duckdb`; also time its query alone.
    in_process = []
    for _ in range(args.runs):
        t = time.perf_counter()
        con.sql(SQL.format(path=path)).fetchall()
        in_process.append(time.perf_counter() - t)
    q, d = statistics.median(times["quarry"]), statistics.median(times["duckdb"])
    d_query = statistics.median(in_process)
    print(f"{'engine':8} {'median s':>9} {'runs':>30} {'peak MB':>8}")
    print(f"{'quarry':8} {q:9.3f} {str([round(t, 3) for t in times['quarry']]):>30} {peak_rss(quarry_cmd):8.0f}")
    print(f"{'duckdb':8} {d:9.3f} {str([round(t, 3) for t in times['duckdb']]):>30} {peak_rss(duck_cmd):8.0f}")
    print(f"{'duckdb in-process (query only)':31} {d_query:.3f}")
    print(f"ratio quarry/duckdb, whole process: {q / d:.2f}; quarry process vs duckdb query alone: {q / d_query:.2f}"
          " (below 1 means Quarry is faster)")


if __name__ == "__main__":
    main()
