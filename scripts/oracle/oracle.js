#!/usr/bin/env node
// Kusto oracle: parses KQL with Microsoft's Kusto.Language (the npm package
// @kusto/language-service-next, a Bridge.NET build of the C# parser) and prints one JSON line per
// query: {"path","ok","diagnostics":[{"code","severity","message","line","column",...}]}.
//
// This is a measurement and fixture-verification tool only; Quarry never depends on it.
// See README.md beside this file.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const USAGE = `usage: node oracle.js [options] PATH...
       node oracle.js [options] --stdin
       node oracle.js [options] --stdin-lines

Parses every .kql file under each PATH (files are taken as given, folders are walked
recursively, in sorted order) with Kusto.Language and prints one JSON line per file:
  {"path","ok","diagnostics":[{"code","severity","message","line","column","start","length","kind"}]}
"ok" is true when Kusto reports no syntax error. line/column are 1-based, columns count
Unicode characters; start/length are UTF-8 byte offsets (comparable with Quarry's spans).

options:
  --stdin         read one query from standard input (path "-")
  --stdin-lines   read JSON Lines from standard input, each a JSON string (the query text) or an
                  object {"id": ..., "text": ...}; path is the id, or the 1-based line number
  --semantic      also run semantic analysis (KustoCode.ParseAndAnalyze with the default
                  GlobalState, no database schema) and include its diagnostics with
                  "kind":"semantic"; "ok" still means "no syntax error"
  --schema FILE   with --semantic: analyse against the tables in FILE, a JSON object
                  {"Table": [["Column", "type"], ...], ...} (e.g. shared/schema/defender-tables.json),
                  as one database; implies --semantic
  --result-schema add "columns": [["name","type"], ...] with the result columns Kusto infers for the
                  query (needs --semantic, best with --schema); null when the result is not a table
  --errors-only   list only diagnostics whose severity is Error
  --keep-bom      do not strip a leading U+FEFF from file contents
  --summary       print a final {"summary":{"files","ok","rejected"}} line
  -h, --help      this text`;

function loadKusto() {
  const pkgDir = path.dirname(require.resolve('@kusto/language-service-next/package.json'));
  // Bridge.NET runtime first (defines the global `Bridge` and `System`), then the compiled
  // Kusto.Language assembly, which defines the global `Kusto` namespace.
  require(path.join(pkgDir, 'bridge.min.js'));
  require(path.join(pkgDir, 'Kusto.Language.Bridge.min.js'));
  if (!global.Kusto || !global.Kusto.Language || !global.Kusto.Language.KustoCode) {
    throw new Error('Kusto.Language did not load from ' + pkgDir);
  }
  return global.Kusto.Language;
}

function listOf(bridgeList) {
  const out = [];
  if (!bridgeList) return out;
  const n = bridgeList.Count;
  for (let i = 0; i < n; i++) out.push(bridgeList.getItem(i));
  return out;
}

// Converts UTF-16 offsets (what Kusto reports) into 1-based line/column (columns in Unicode
// scalar values, lines split at "\n") and UTF-8 byte offsets.
class Positions {
  constructor(text) {
    this.text = text;
    // For each UTF-16 index: precomputed lazily by walking once.
    const n = text.length;
    this.line = new Uint32Array(n + 1);
    this.col = new Uint32Array(n + 1);
    this.byte = new Uint32Array(n + 1);
    let line = 1, col = 1, byte = 0;
    for (let i = 0; i < n; ) {
      const cp = text.codePointAt(i);
      const units = cp > 0xffff ? 2 : 1;
      for (let u = 0; u < units; u++) {
        this.line[i + u] = line;
        this.col[i + u] = col;
        this.byte[i + u] = byte;
      }
      byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (cp === 0x0a) { line++; col = 1; } else { col++; }
      i += units;
    }
    this.line[n] = line;
    this.col[n] = col;
    this.byte[n] = byte;
  }
  at(offset) {
    const o = Math.max(0, Math.min(offset, this.text.length));
    return { line: this.line[o], column: this.col[o], byte: this.byte[o] };
  }
}

function loadGlobals(K, schemaFile) {
  const S = K.Symbols;
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const esc = (n) => n.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const tables = Object.entries(schema).map(([name, cols]) =>
    // TableSymbol(name, schema, description): the schema text is "(['a']:string, ['b']:long)".
    new S.TableSymbol.$ctor7(name, '(' + cols.map(([c, t]) => `['${esc(c)}']:${t}`).join(', ') + ')', null));
  const db = new S.DatabaseSymbol.ctor('db', tables);
  return K.GlobalState.Default.WithDatabase(db);
}

function resultColumns(code) {
  const rt = code.ResultType;
  if (!rt || !rt.Columns) return null;
  return listOf(rt.Columns).map((c) => [c.Name, c.Type ? c.Type.Name : null]);
}

function analyse(K, text, opts) {
  const code = opts.semantic
    ? K.KustoCode.ParseAndAnalyze(text, opts.globals || K.GlobalState.Default)
    : K.KustoCode.Parse(text);
  const syntax = listOf(code.GetSyntaxDiagnostics());
  let all = syntax.map((d) => ({ d, kind: 'syntax' }));
  // Kusto lists diagnostics in the order its parser found them, which is not always source
  // order; sort by position (stably) so "the first diagnostic" is the earliest in the text.
  all.sort((a, b) => a.d.Start - b.d.Start);
  if (opts.semantic) {
    // GetDiagnostics() returns syntax and semantic diagnostics together; keep the ones that are
    // not already in the syntax list.
    const seen = new Set(syntax.map((d) => `${d.Code}|${d.Start}|${d.Length}|${d.Message}`));
    for (const d of listOf(code.GetDiagnostics())) {
      const key = `${d.Code}|${d.Start}|${d.Length}|${d.Message}`;
      if (!seen.has(key)) all.push({ d, kind: 'semantic' });
    }
    all.sort((a, b) => a.d.Start - b.d.Start);
  }

  const pos = new Positions(text);
  const ok = !syntax.some((d) => d.Severity === 'Error');
  if (opts.errorsOnly) all = all.filter(({ d }) => d.Severity === 'Error');
  const diagnostics = all.map(({ d, kind }) => {
    const s = pos.at(d.Start);
    const e = pos.at(d.Start + d.Length);
    return {
      code: d.Code,
      severity: String(d.Severity).toLowerCase(),
      message: d.Message,
      line: s.line,
      column: s.column,
      start: s.byte,
      length: e.byte - s.byte,
      kind,
    };
  });
  const r = { ok, diagnostics };
  if (opts.resultSchema) r.columns = opts.semantic ? resultColumns(code) : null;
  return r;
}

function walk(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    const entries = fs.readdirSync(p).sort();
    for (const e of entries) {
      const child = path.join(p, e);
      const cst = fs.statSync(child);
      if (cst.isDirectory()) walk(child, out);
      else if (e.toLowerCase().endsWith('.kql')) out.push(child);
    }
  } else {
    out.push(p);
  }
}

function stripBom(text, opts) {
  return !opts.keepBom && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function main(argv) {
  const opts = { semantic: false, errorsOnly: false, keepBom: false, summary: false, stdin: false, stdinLines: false };
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--semantic') opts.semantic = true;
    else if (a === '--schema') { opts.schema = argv[++i]; opts.semantic = true; }
    else if (a === '--result-schema') opts.resultSchema = true;
    else if (a === '--errors-only') opts.errorsOnly = true;
    else if (a === '--keep-bom') opts.keepBom = true;
    else if (a === '--summary') opts.summary = true;
    else if (a === '--stdin') opts.stdin = true;
    else if (a === '--stdin-lines') opts.stdinLines = true;
    else if (a === '-h' || a === '--help') { console.log(USAGE); return 0; }
    else if (a.startsWith('--')) { console.error(`oracle: unknown option ${a}\n${USAGE}`); return 2; }
    else paths.push(a);
  }
  if (!opts.stdin && !opts.stdinLines && paths.length === 0) { console.error(USAGE); return 2; }

  const K = loadKusto();
  if (opts.schema) opts.globals = loadGlobals(K, opts.schema);
  let files = 0, okCount = 0;
  const emit = (p, text) => {
    const r = analyse(K, text, opts);
    files++;
    if (r.ok) okCount++;
    const rec = { path: p, ok: r.ok, diagnostics: r.diagnostics };
    if (opts.resultSchema) rec.columns = r.columns;
    process.stdout.write(JSON.stringify(rec) + '\n');
  };

  if (opts.stdin) {
    emit('-', stripBom(fs.readFileSync(0, 'utf8'), opts));
  }
  if (opts.stdinLines) {
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    let n = 0;
    for await (const line of rl) {
      n++;
      if (line.trim() === '') continue;
      const v = JSON.parse(line);
      if (typeof v === 'string') emit(String(n), v);
      else emit(v.id !== undefined ? String(v.id) : String(n), String(v.text));
    }
  }
  for (const p of paths) {
    const list = [];
    walk(p, list);
    for (const f of list) emit(f, stripBom(fs.readFileSync(f, 'utf8'), opts));
  }
  if (opts.summary) {
    process.stdout.write(JSON.stringify({ summary: { files, ok: okCount, rejected: files - okCount } }) + '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`oracle: ${err && err.stack ? err.stack : err}`); process.exitCode = 2; },
);
