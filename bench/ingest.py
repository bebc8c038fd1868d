#!/usr/bin/env python3
"""Benchmark: `quarry ingest` against DuckDB's read_json -> COPY TO parquet, same files, same run.

Usage: bench/ingest.py SCALE [--work DIR] [--gzip] [--rounds N] [--quarry PATH] [--threads N]
       bench/ingest.py --data DIR [--work DIR] [--rounds N] ...

- With --data, reads an existing streaming-API export instead (e.g. one written by
  `quarry gen --format streaming`): its insights-logs-advancedhunting-* folders are the input of
  both engines; nothing is generated.

- Generates SCALE Defender streaming-API records (Storage layout:
  insights-logs-advancedhunting-<table>/tenantId=../y=../m=../d=../h=../m=00/PT1H.json, one JSON
  record per line with category and properties, ~2.8 KB per record like real DeviceProcessEvents
  rows) with a seeded generator, once per work folder (reused when present).
- Runs, alternating, `quarry ingest` into a fresh store and DuckDB converting the same files to
  Parquet (one COPY per table, `SELECT properties.*`, i.e. the same rows and columns), each under
  /usr/bin/time -v for wall time, CPU time and peak RSS.
- Prints MB/s (input bytes as stored / wall seconds), MB/s per core (/ CPU seconds), peak RSS and
  the ratio quarry/DuckDB, best and median over the rounds, with the load average (1 min) before
  each run: on a shared machine the figures are only as good as the quiet. Not a test: nothing
  is asserted.

Needs a release build: `cargo build --release -p quarry-cli`. Installs duckdb with pip if missing.
"""

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TENANT = "0b6e2f4a-9c1d-4e7b-8a3f-5d2c1b0a9e8f"
TABLES = [  # (table, share of records)
    ("DeviceProcessEvents", 0.45),
    ("DeviceNetworkEvents", 0.25),
    ("DeviceFileEvents", 0.20),
    ("DeviceRegistryEvents", 0.10),
]
TOOLS = ["AnyDesk.exe", "ScreenConnect.ClientService.exe", "AteraAgent.exe", "pulseway.exe", "cmd.exe",
         "powershell.exe", "svchost.exe", "chrome.exe", "msedge.exe", "teams.exe", "outlook.exe", "notepad.exe"]


def ensure_duckdb():
    try:
        import duckdb  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "duckdb"])
    import duckdb
    return duckdb


def iso(ts_ns):
    secs, ns = divmod(ts_ns, 1_000_000_000)
    t = time.gmtime(secs)
    frac = f"{ns // 100:07d}".rstrip("0")
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + (("." + frac) if frac else "") + "Z"


def record(rng, table, ts_ns, i):
    dev = rng.randrange(2000)
    tool = rng.choice(TOOLS)
    folder = "C:\\Program Files\\Vendor%d\\%s" % (rng.randrange(50), tool)
    props = {
        "Timestamp": iso(ts_ns),
        "DeviceId": "%040x" % (dev * 2654435761 % (1 << 160)),
        "DeviceName": "host-%04d.corp.example" % dev,
        "ActionType": {"DeviceProcessEvents": "ProcessCreated", "DeviceNetworkEvents": "ConnectionSuccess",
                       "DeviceFileEvents": "FileCreated", "DeviceRegistryEvents": "RegistryValueSet"}[table],
        "FileName": tool,
        "FolderPath": folder,
        "SHA1": "%040x" % rng.getrandbits(160),
        "SHA256": "%064x" % rng.getrandbits(256),
        "MD5": "%032x" % rng.getrandbits(128),
        "FileSize": rng.randrange(1 << 24),
        "ProcessId": rng.randrange(1 << 16),
        "ProcessCommandLine": "\"%s\" --session %d --mode service --log C:\\ProgramData\\log%d.txt" % (tool, i, rng.randrange(99)),
        "ProcessIntegrityLevel": "System",
        "ProcessTokenElevation": "TokenElevationTypeDefault",
        "ProcessCreationTime": iso(ts_ns - 1_000_000_000),
        "AccountDomain": "corp",
        "AccountName": "user%03d" % rng.randrange(500),
        "AccountSid": "S-1-5-21-1004336348-1177238915-682003330-%d" % (1000 + rng.randrange(500)),
        "LogonId": rng.randrange(1 << 40),
        "InitiatingProcessAccountDomain": "nt authority",
        "InitiatingProcessAccountName": "system",
        "InitiatingProcessAccountSid": "S-1-5-18",
        "InitiatingProcessSHA1": "%040x" % rng.getrandbits(160),
        "InitiatingProcessSHA256": "%064x" % rng.getrandbits(256),
        "InitiatingProcessMD5": "%032x" % rng.getrandbits(128),
        "InitiatingProcessFileName": "services.exe",
        "InitiatingProcessFileSize": 700000 + rng.randrange(1000),
        "InitiatingProcessVersionInfoCompanyName": "Microsoft Corporation",
        "InitiatingProcessVersionInfoProductName": "Microsoft Windows Operating System",
        "InitiatingProcessVersionInfoProductVersion": "10.0.19041.1",
        "InitiatingProcessVersionInfoFileDescription": "Services and Controller app",
        "InitiatingProcessId": rng.randrange(1 << 16),
        "InitiatingProcessCommandLine": "services.exe",
        "InitiatingProcessCreationTime": iso(ts_ns - 3_600_000_000_000),
        "InitiatingProcessFolderPath": "c:\\windows\\system32\\services.exe",
        "InitiatingProcessParentId": 4,
        "InitiatingProcessParentFileName": "wininit.exe",
        "InitiatingProcessParentCreationTime": iso(ts_ns - 7_200_000_000_000),
        "InitiatingProcessSignerType": "OsVendor",
        "InitiatingProcessSignatureStatus": "Valid",
        "ReportId": 639199803770000000 + i,
        "AppGuardContainerId": "",
        "AdditionalFields": "{\"ProcessStartKey\":%d,\"Flags\":[\"a\",\"b\"]}" % rng.getrandbits(50),
        "InitiatingProcessSessionId": 0,
        "IsInitiatingProcessRemoteSession": False,
        "IsProcessRemoteSession": False,
        "ProcessUniqueId": str(rng.getrandbits(40)),
        "InitiatingProcessUniqueId": str(rng.getrandbits(40)),
        "MachineGroup": "Servers",
    }
    if table == "DeviceNetworkEvents":
        props.update(RemoteIP="203.0.%d.%d" % (rng.randrange(256), rng.randrange(256)), RemotePort=443,
                     RemoteUrl="relay%d.example.net" % rng.randrange(100), LocalIP="10.0.0.%d" % rng.randrange(256),
                     LocalPort=rng.randrange(1024, 65535), Protocol="Tcp")
    if table == "DeviceRegistryEvents":
        props.update(RegistryKey="HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\%d" % rng.randrange(100),
                     RegistryValueName="Start", RegistryValueData=str(rng.randrange(5)))
    envelope = {"time": iso(ts_ns + 60_000_000_000), "tenantId": TENANT, "operationName": "Publish",
                "category": "AdvancedHunting-" + table, "_TimeReceivedBySvc": iso(ts_ns + 30_000_000_000),
                "properties": props, "Tenant": "DefaultTenant"}
    return json.dumps(envelope, separators=(", ", ": "))


def generate(work, scale, use_gzip):
    data = os.path.join(work, "data")
    stamp = os.path.join(work, "data.done")
    if os.path.exists(stamp) and open(stamp).read().strip() == f"{scale} {use_gzip}":
        return data
    shutil.rmtree(data, ignore_errors=True)
    rng = random.Random(20240501)
    start = 1714521600 * 1_000_000_000  # 2024-05-01T00:00:00Z
    span = 7 * 86400 * 1_000_000_000
    hours = 7 * 24
    per_hour = max(1, scale // hours)
    i = 0
    t0 = time.time()
    for h in range(hours):
        if i >= scale:
            break
        n_hour = per_hour if h < hours - 1 else scale - i
        base = start + h * 3_600_000_000_000
        for table, share in TABLES:
            n = int(round(n_hour * share))
            if table == TABLES[-1][0]:
                n = n_hour - sum(int(round(n_hour * s)) for _, s in TABLES[:-1])
            n = min(n, scale - i)
            if n <= 0:
                continue
            tm = time.gmtime(base // 1_000_000_000)
            rel = "insights-logs-advancedhunting-%s/tenantId=%s/y=%04d/m=%02d/d=%02d/h=%02d/m=00/PT1H.json" % (
                table.lower(), TENANT, tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour)
            path = os.path.join(data, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            opener = (lambda p: gzip.open(p + ".gz", "wt", compresslevel=1)) if use_gzip else (lambda p: open(p, "w"))
            with opener(path) as f:
                lines = []
                for _ in range(n):
                    ts = base + rng.randrange(3_600_000_000_000)
                    lines.append(record(rng, table, ts, i))
                    i += 1
                f.write("\r\n".join(lines) + "\r\n")
    with open(stamp, "w") as f:
        f.write(f"{scale} {use_gzip}")
    print(f"generated {i} records in {time.time() - t0:.0f} s", file=sys.stderr)
    return data


def input_bytes(data):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(data) for f in fs)


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, peak RSS MB, stdout)."""
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    wall = time.time() - t0
    if p.returncode not in (0, 3):
        sys.stderr.write(p.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", p.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", p.stderr).group(1))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return wall, user + system, rss_kb / 1024, p.stdout


DUCK_SCRIPT = r"""
import duckdb, glob, os, sys
data, out, gz = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
con = duckdb.connect()
con.execute("SET preserve_insertion_order = false")
for table_dir in sorted(glob.glob(os.path.join(data, "insights-logs-advancedhunting-*"))):
    table = os.path.basename(table_dir)[len("insights-logs-advancedhunting-"):]
    pattern = os.path.join(table_dir, "**", "*.json.gz" if gz else "*.json")
    con.execute(f"COPY (SELECT properties.* FROM read_json('{pattern}', format='newline_delimited', "
                f"maximum_object_size=67108864)) TO '{os.path.join(out, table)}.parquet' (FORMAT parquet)")
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scale", type=int, nargs="?", help="records to generate (e.g. 1000000)")
    ap.add_argument("--data", help="an existing streaming-API export to read (nothing generated)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench-ingest"))
    ap.add_argument("--gzip", action="store_true", help="gzip the generated files (disk is short)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--quarry", default=os.path.join(ROOT, "target", "release", "quarry"))
    ap.add_argument("--threads", type=int, default=None, help="quarry ingest --threads")
    args = ap.parse_args()
    if (args.scale is None) == (args.data is None):
        ap.error("give SCALE or --data DIR")
    ensure_duckdb()
    os.makedirs(args.work, exist_ok=True)
    data = args.data or generate(args.work, args.scale, args.gzip)
    inputs = sorted(os.path.join(data, d) for d in os.listdir(data) if d.startswith("insights-logs-advancedhunting-"))
    size_mb = sum(input_bytes(d) for d in inputs) / 1e6
    cores = os.cpu_count()
    gz = args.gzip or any(f.endswith(".gz") for d in inputs for _, _, fs in os.walk(d) for f in fs)
    what = f"{args.scale} records" if args.scale else data
    print(f"input: {what}, {size_mb:.0f} MB as stored ({'gzip' if gz else 'plain'}), {cores} cores")
    duck_py = os.path.join(args.work, "duck.py")
    with open(duck_py, "w") as f:
        f.write(DUCK_SCRIPT)
    results = {"quarry": [], "duckdb": []}
    for r in range(args.rounds):
        store = os.path.join(args.work, "store")
        shutil.rmtree(store, ignore_errors=True)
        cmd = [args.quarry, "ingest", *inputs, "--store", store, "--quiet"]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        load = os.getloadavg()[0]
        wall, cpu, rss, out = timed(cmd)
        rows = sum(int(l.split()[1]) for l in out.splitlines()[1:] if l.strip())
        results["quarry"].append((wall, cpu, rss))
        print(f"round {r + 1} quarry: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB peak RSS, {rows} rows, "
              f"load {load:.2f}", flush=True)
        duck_out = os.path.join(args.work, "duck")
        shutil.rmtree(duck_out, ignore_errors=True)
        os.makedirs(duck_out)
        load = os.getloadavg()[0]
        wall, cpu, rss, _ = timed([sys.executable, duck_py, data, duck_out, "1" if gz else "0"])
        results["duckdb"].append((wall, cpu, rss))
        print(f"round {r + 1} duckdb: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB peak RSS, load {load:.2f}",
              flush=True)
        shutil.rmtree(duck_out, ignore_errors=True)
    shutil.rmtree(os.path.join(args.work, "store"), ignore_errors=True)
    print()
    print(f"{'engine':<8} {'':<7} {'MB/s':>8} {'MB/s/core':>10} {'peak RSS MB':>12}")
    figures = {}
    for name, runs in results.items():
        for how, pick in (("best", min), ("median", lambda xs: sorted(xs)[len(xs) // 2])):
            wall = pick([r[0] for r in runs])
            cpu = pick([r[1] for r in runs])
            rss = max(r[2] for r in runs)
            figures[name, how] = (size_mb / wall, size_mb / cpu)
            print(f"{name:<8} {how:<7} {size_mb / wall:>8.1f} {size_mb / cpu:>10.1f} {rss:>12.0f}")
    for how in ("best", "median"):
        q, d = figures["quarry", how], figures["duckdb", how]
        print(f"ratio quarry/duckdb ({how}): {q[0] / d[0]:.2f}x wall throughput, {q[1] / d[1]:.2f}x per core")


if __name__ == "__main__":
    main()
