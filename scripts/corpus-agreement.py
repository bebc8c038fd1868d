#!/usr/bin/env python3
"""Measure how often Quarry's parser agrees with Kusto's on a corpus of .kql files.

usage: scripts/corpus-agreement.py CORPUS_DIR [--quarry BINARY] [--oracle-cache FILE]
                                   [--rejected-out FILE] [--json FILE] [--max-list N]

Runs the Kusto oracle (scripts/oracle/oracle.js; `npm ci --prefix scripts/oracle` first) or loads
its cached JSON Lines, runs `quarry check --syntax-only --format json CORPUS_DIR`, joins the two by
path and prints:

  - how many files Kusto accepts, and how many of those Quarry accepts too (%)
  - how many files Kusto rejects, and how many of those Quarry rejects too (%)
  - of the files both reject, how many have their first error on the same line
  - the wall time of the Quarry run
  - the disagreements both ways (and the rejected files whose first errors are on different
    lines), each with Quarry's and Kusto's first diagnostic

It also writes the files Kusto rejects, with all of Kusto's diagnostics and the offending source
lines, to --rejected-out (default /tmp/oracle-rejected.txt).

This is a measurement, not a test: it exits 0 whatever the agreement (2 only on a usage error or
when a tool cannot be run at all). Python 3 standard library only.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.path.join(HERE, "oracle", "oracle.js")


def die(msg):
    print(f"corpus-agreement: {msg}", file=sys.stderr)
    sys.exit(2)


def norm(path, corpus):
    """A path relative to the corpus folder, with / separators, so both tools' paths join."""
    full = os.path.realpath(path if os.path.isabs(path) else os.path.join(os.getcwd(), path))
    rel = os.path.relpath(full, corpus)
    return rel.replace(os.sep, "/")


def read_jsonl(text, what):
    records = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            print(f"corpus-agreement: {what}: line {n} is not JSON ({e}): {line[:200]}", file=sys.stderr)
    return records


def run_oracle(corpus, cache):
    if cache and os.path.exists(cache):
        with open(cache, encoding="utf-8") as f:
            text = f.read()
        source = f"cache {cache}"
    else:
        node = shutil.which("node") or die("node not found (the oracle needs Node 18+)")
        if not os.path.isdir(os.path.join(HERE, "oracle", "node_modules")):
            die("the oracle is not installed: run `npm ci --prefix scripts/oracle`")
        proc = subprocess.run([node, ORACLE, corpus], capture_output=True, text=True)
        if proc.returncode != 0:
            die(f"oracle failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")
        text = proc.stdout
        source = "oracle run"
        if cache:
            with open(cache, "w", encoding="utf-8") as f:
                f.write(text)
    results = {}
    for r in read_jsonl(text, "oracle"):
        if "path" not in r:
            continue
        results[norm(r["path"], corpus)] = r
    return results, source


def find_quarry(explicit):
    if explicit:
        return explicit
    for profile in ("release", "dist", "debug"):
        p = os.path.join(ROOT, "target", profile, "quarry")
        if os.path.exists(p):
            return p
    die("no quarry binary found in target/{release,dist,debug}: build it or pass --quarry")


def run_quarry(binary, corpus):
    cmd = [binary, "check", "--syntax-only", "--format", "json", corpus]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        die(f"cannot run {binary}: {e}")
    wall = time.perf_counter() - start
    records = read_jsonl(proc.stdout, "quarry")
    results, summary = {}, None
    for r in records:
        if "summary" in r and "path" not in r:
            summary = r["summary"]
            continue
        if "path" not in r:
            continue
        key = norm(r["path"], corpus)
        # A file holding several rules gives several records: the file is ok if all are.
        prev = results.get(key)
        if prev is None:
            results[key] = {"ok": bool(r.get("ok")), "diagnostics": list(r.get("diagnostics") or [])}
        else:
            prev["ok"] = prev["ok"] and bool(r.get("ok"))
            prev["diagnostics"].extend(r.get("diagnostics") or [])
    if not results:
        print(f"corpus-agreement: quarry printed no file records (exit {proc.returncode}); "
              f"stderr: {proc.stderr.strip()[:2000]}", file=sys.stderr)
    return results, summary, wall, proc.returncode, proc.stderr


def first_diag(diags, errors_only=True):
    for d in diags or []:
        if not errors_only or str(d.get("severity", "error")).lower() == "error":
            return f'{d.get("line")}:{d.get("column")} {d.get("message")}'
    return "-"


def first_line(diags):
    for d in diags or []:
        if str(d.get("severity", "error")).lower() == "error":
            return d.get("line")
    return None


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def source_line(corpus, rel, line):
    try:
        with open(os.path.join(corpus, rel), encoding="utf-8-sig", errors="replace") as f:
            lines = f.read().split("\n")
        return lines[line - 1].rstrip("\r") if 1 <= line <= len(lines) else ""
    except OSError:
        return ""


def write_rejected(path, corpus, oracle):
    rejected = sorted(p for p, r in oracle.items() if not r["ok"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {len(rejected)} corpus files rejected by Kusto.Language "
                f"(KustoCode.Parse + GetSyntaxDiagnostics), corpus {corpus}\n")
        for p in rejected:
            f.write(f"\n== {p}\n")
            for d in oracle[p]["diagnostics"]:
                if d.get("kind", "syntax") != "syntax":
                    continue
                f.write(f'  {d["line"]}:{d["column"]} {d["code"]} {d["severity"]}: {d["message"]}\n')
                text = source_line(corpus, p, d["line"])
                if text:
                    f.write(f"      | {text[:300]}\n")
                    f.write(f"      | {' ' * (d['column'] - 1)}^\n")
    return len(rejected)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", metavar="CORPUS_DIR")
    ap.add_argument("--quarry", help="path to the quarry binary (default: target/{release,dist,debug}/quarry)")
    ap.add_argument("--oracle-cache", help="JSON Lines from oracle.js; read if it exists, else written")
    ap.add_argument("--rejected-out", default="/tmp/oracle-rejected.txt",
                    help="where to write Kusto's rejected files (default %(default)s)")
    ap.add_argument("--json", help="also write the numbers and disagreements as JSON to this file")
    ap.add_argument("--max-list", type=int, default=200, help="list at most N disagreements each way")
    ap.add_argument("--oracle-only", action="store_true", help="only run the oracle and write the rejected list")
    args = ap.parse_args()

    corpus = os.path.realpath(args.corpus)
    if not os.path.isdir(corpus):
        die(f"{args.corpus} is not a folder")

    oracle, oracle_source = run_oracle(corpus, args.oracle_cache)
    n_rej = write_rejected(args.rejected_out, corpus, oracle)
    print(f"oracle ({oracle_source}): {len(oracle)} files, {len(oracle) - n_rej} accepted, "
          f"{n_rej} rejected; rejected list in {args.rejected_out}")
    if args.oracle_only:
        return 0

    binary = find_quarry(args.quarry)
    quarry, qsummary, wall, qcode, qerr = run_quarry(binary, corpus)

    accepted = sorted(p for p, r in oracle.items() if r["ok"])
    rejected = sorted(p for p, r in oracle.items() if not r["ok"])
    missing = sorted(p for p in oracle if p not in quarry)
    extra = sorted(p for p in quarry if p not in oracle)

    both_accept = [p for p in accepted if p in quarry and quarry[p]["ok"]]
    both_reject = [p for p in rejected if p in quarry and not quarry[p]["ok"]]
    false_reject = [p for p in accepted if p in quarry and not quarry[p]["ok"]]
    false_accept = [p for p in rejected if p in quarry and quarry[p]["ok"]]

    print(f"quarry: {binary} (exit {qcode}), wall time {wall:.3f} s, {len(quarry)} file records")
    if qsummary is not None:
        print(f"quarry summary: {json.dumps(qsummary)}")
    print()
    print(f"Kusto accepts {len(accepted)}; Quarry accepts {len(both_accept)} of them "
          f"({pct(len(both_accept), len(accepted))})")
    print(f"Kusto rejects {len(rejected)}; Quarry rejects {len(both_reject)} of them "
          f"({pct(len(both_reject), len(rejected))})")
    same_line = [p for p in both_reject if first_line(quarry[p]["diagnostics"]) == first_line(oracle[p]["diagnostics"])]
    print(f"Of the {len(both_reject)} both reject, the first error is on the same line in {len(same_line)} "
          f"({pct(len(same_line), len(both_reject))})")
    print(f"Quarry wall time: {wall:.3f} s")
    if missing:
        print(f"{len(missing)} files had no Quarry record, e.g. {', '.join(missing[:5])}")
    if extra:
        print(f"{len(extra)} Quarry records had no oracle record, e.g. {', '.join(extra[:5])}")

    def listing(title, paths):
        print()
        print(f"## {title}: {len(paths)}")
        for p in paths[: args.max_list]:
            print(f"{p}")
            print(f"    quarry: {first_diag(quarry[p]['diagnostics'])}")
            print(f"    kusto:  {first_diag(oracle[p]['diagnostics'])}")
        if len(paths) > args.max_list:
            print(f"... and {len(paths) - args.max_list} more")

    listing("Kusto accepts, Quarry rejects", false_reject)
    listing("Kusto rejects, Quarry accepts", false_accept)
    listing("both reject, first error on different lines", [p for p in both_reject if p not in same_line])

    if args.json:
        out = {
            "corpus": corpus,
            "oracle_accepted": len(accepted),
            "quarry_accepts_of_those": len(both_accept),
            "oracle_rejected": len(rejected),
            "quarry_rejects_of_those": len(both_reject),
            "same_first_error_line": len(same_line),
            "quarry_wall_seconds": wall,
            "quarry_exit": qcode,
            "missing_in_quarry": missing,
            "false_reject": [{"path": p, "quarry": first_diag(quarry[p]["diagnostics"]),
                              "kusto": first_diag(oracle[p]["diagnostics"])} for p in false_reject],
            "false_accept": [{"path": p, "quarry": first_diag(quarry[p]["diagnostics"]),
                              "kusto": first_diag(oracle[p]["diagnostics"])} for p in false_accept],
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
