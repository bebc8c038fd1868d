//! Every JSON export, recognised from its content:
//!
//! - NDJSON: one record per line, for the table named by the file or folder.
//! - Defender streaming API (Storage `PT1H.json` lines, or Event Hub `{"records":[...]}`):
//!   `{"category": "AdvancedHunting-<Table>", "properties": {<row>}, ...}`; the table comes
//!   from `category` and the row is `properties` (`time` is when Defender received it).
//! - Advanced-hunting API responses: `{"Schema": [{"Name","Type"}], "Results": [{...}]}`, and
//!   the Graph `runHuntingQuery` response (`schema`/`results`, either casing of the keys).
//! - Log Analytics query API responses: `{"tables": [{"name", "columns", "rows": [[...]]}]}`.
//! - A JSON array of records.
//!
//! A file whose first line is a whole JSON value is read line by line: a bad line is rejected
//! with its line number and the next line is read. Other files (pretty-printed responses,
//! arrays, single-line documents) are streamed as JSON documents, element by element, so a
//! response of any size is read in bounded memory; a syntax error there ends that file (the
//! records before it are kept) and is reported with its line and column.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use kql_semantics::{Column, TableSchema, Type};
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::codes;
use crate::row::{Key, RawRow, Shape, shape, unquote};
use crate::sink::TableSet;
use crate::table::Location;

/// The prefix of `category` in streaming-API records.
const CATEGORY_PREFIX: &str = "AdvancedHunting-";

/// How many bytes are looked at to tell line mode from document mode.
const SNIFF: usize = 1 << 16;

/// Reads one JSON file of any of the shapes above; `table` names records that do not name
/// their own table.
pub fn read_json(mut reader: impl BufRead, path: &Path, table: &str, set: &mut TableSet<'_>) {
    let mode = match sniff(&mut reader) {
        Ok(mode) => mode,
        Err(e) => {
            let at = Location { file: Arc::from(path), line: 1 };
            let reason = format!("cannot read the file: {e}");
            return set.reject(table, &at, codes::TRUNCATED, reason, None);
        }
    };
    match mode {
        Mode::Lines => read_lines(reader, path, table, set),
        Mode::Document => read_document(reader, path, table, set),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Mode {
    Lines,
    Document,
}

/// Looks at the start of the file (without consuming it, except a byte-order mark).
fn sniff(reader: &mut impl BufRead) -> std::io::Result<Mode> {
    // Fill up to SNIFF bytes so the first line is usually seen whole.
    let head = reader.fill_buf()?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let head = reader.fill_buf()?;
    let head = &head[..head.len().min(SNIFF)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return Ok(Mode::Lines) };
    let rest = &head[start..];
    if rest[0] == b'[' {
        return Ok(Mode::Document);
    }
    if rest[0] != b'{' {
        return Ok(Mode::Lines);
    }
    // The first key says whether this is a response document.
    let after = &rest[1..];
    let k = after.iter().position(|b| !b.is_ascii_whitespace());
    match k {
        None => return Ok(Mode::Document),
        Some(k) if after[k] == b'"' => {
            let key = &after[k + 1..];
            let end = key.iter().position(|&b| b == b'"').unwrap_or(key.len());
            let key = &key[..end];
            let document_keys: [&[u8]; 9] = [
                b"records",
                b"Schema",
                b"schema",
                b"Results",
                b"results",
                b"Stats",
                b"tables",
                b"@odata.context",
                b"value",
            ];
            if document_keys.contains(&key) {
                return Ok(Mode::Document);
            }
        }
        Some(_) => {}
    }
    // A pretty-printed record: the first line is not a whole value.
    let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let first = rest[..line_end].trim_ascii();
    if matches!(first.last(), Some(b'{' | b'[' | b',' | b':')) {
        return Ok(Mode::Document);
    }
    Ok(Mode::Lines)
}

/// Line mode: NDJSON, streaming-API lines, single-line envelopes.
fn read_lines(mut reader: impl BufRead, path: &Path, table: &str, set: &mut TableSet<'_>) {
    let max = set.options().max_line_bytes;
    let mut buf = Vec::new();
    let mut at = Location { file: Arc::from(path), line: 0 };
    loop {
        // Every whole line in the read buffer is handled where it lies, without a copy; a
        // line that runs past the buffer (or a read error, or the end) takes the copying path.
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => &[][..],
        };
        let mut used = 0;
        while let Some(i) = memchr_newline(&chunk[used..]) {
            if i + 1 > max.saturating_add(1) {
                break;
            }
            at.line += 1;
            one_line(&chunk[used..used + i + 1], &at, table, set);
            used += i + 1;
        }
        if used > 0 {
            reader.consume(used);
            continue;
        }
        buf.clear();
        let (consumed, too_long, error) = read_line_bounded(&mut reader, &mut buf, max);
        if let Some(e) = error {
            at.line += 1;
            let reason = format!("the file ends early ({e}); the record here is cut off");
            set.reject(table, &at, codes::TRUNCATED, reason, Some(&buf));
            return;
        }
        if consumed == 0 {
            return;
        }
        at.line += 1;
        if too_long {
            let reason = format!("line longer than {max} bytes");
            set.reject(table, &at, codes::LINE_TOO_LONG, reason, None);
            continue;
        }
        one_line(&buf, &at, table, set);
    }
}

/// One line of a line-mode file (with its line end, if any).
fn one_line(mut line: &[u8], at: &Location, table: &str, set: &mut TableSet<'_>) {
    if let Some(rest) = line.strip_suffix(b"\n") {
        line = rest;
    }
    if let Some(rest) = line.strip_suffix(b"\r") {
        line = rest;
    }
    // A byte-order mark starts the file, or each part of files joined with `cat`.
    if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
        line = rest;
    }
    if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
        return;
    }
    match std::str::from_utf8(line) {
        Ok(text) => dispatch(text, at, table, set, 0),
        Err(e) => {
            let reason = format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1);
            set.reject(table, at, codes::INVALID_UTF8, reason, Some(line));
        }
    }
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `max` bytes: a longer line is
/// consumed to its end but not kept. Returns the bytes consumed, whether the line was too
/// long, and the read error that ended the input early, if any (`buf` then holds the part
/// read).
pub(crate) fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> (usize, bool, Option<std::io::Error>) {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return (consumed, too_long, Some(e)),
        };
        if chunk.is_empty() {
            return (consumed, too_long, None);
        }
        let (take, done) = match memchr_newline(chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > max.saturating_add(1) {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        consumed += take;
        if done {
            return (consumed, too_long, None);
        }
    }
}

/// The first `\n` in `chunk`, eight bytes at a time.
fn memchr_newline(chunk: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut words = chunk.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let x = u64::from_le_bytes(b) ^ (LO * u64::from(b'\n'));
        if x.wrapping_sub(LO) & !x & HI != 0 {
            break;
        }
        at += 8;
    }
    chunk[at..].iter().position(|&b| b == b'\n').map(|i| at + i)
}

/// A streaming-API record parsed in one pass: its category and its properties' fields.
struct Envelope<'a> {
    category: Option<Cow<'a, str>>,
    properties: Option<RawRow<'a>>,
}

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a streaming-API record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'de>, A::Error> {
                let mut env = Envelope { category: None, properties: None };
                while let Some(Key(key)) = map.next_key()? {
                    match key.as_ref() {
                        "category" if env.category.is_none() => env.category = Some(map.next_value::<Cow<'de, str>>()?),
                        "properties" if env.properties.is_none() => env.properties = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(env)
            }
        }
        d.deserialize_map(V)
    }
}

/// The fast path for streaming-API lines: one scan (see [`super::scan`]), values decoded
/// straight from the line into the table's builder; then, for lines the scanner leaves to
/// serde, one serde parse. `false` when the line is something else (or the table's schema is
/// still being settled).
fn dispatch_streaming(text: &str, at: &Location, set: &mut TableSet<'_>) -> bool {
    let mut fields = std::mem::take(&mut set.scan_fields);
    let scanned = super::scan::scan_streaming(text.as_bytes(), &mut fields);
    let done = match scanned {
        Some((start, end)) => match text[start..end].strip_prefix(CATEGORY_PREFIX) {
            Some(name) => set.try_record_scanned(name, text, &fields, at),
            None => false,
        },
        None => false,
    };
    set.scan_fields = fields;
    done || dispatch_streaming_serde(text, at, set)
}

/// The streaming fast path with serde: one parse into the envelope and the properties' fields.
fn dispatch_streaming_serde(text: &str, at: &Location, set: &mut TableSet<'_>) -> bool {
    // `category` comes early in streaming records; other lines skip the envelope parse.
    let mut end = text.len().min(512);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if !text[..end].contains("\"category\"") {
        return false;
    }
    let Ok(env) = serde_json::from_str::<Envelope<'_>>(text) else { return false };
    let (Some(category), Some(properties)) = (env.category, env.properties) else { return false };
    let Some(name) = category.strip_prefix(CATEGORY_PREFIX) else { return false };
    let name = set.canonical(name);
    set.try_record_row(&name, &properties, at)
}

/// Routes one JSON value (a line, or an element of a document) to its table.
fn dispatch(text: &str, at: &Location, table: &str, set: &mut TableSet<'_>, depth: u8) {
    if dispatch_streaming(text, at, set) {
        return;
    }
    let row = match RawRow::parse(text) {
        Ok(row) => row,
        Err(reason) => return set.reject(table, at, codes::INVALID_RECORD, reason, Some(text.as_bytes())),
    };
    let get = |key: &str| row.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.get());
    // Streaming API: the table is in `category`, the row in `properties`.
    if let (Some(category), Some(properties)) = (get("category"), get("properties"))
        && shape(category) == Shape::String
        && shape(properties) == Shape::Nested
        && properties.starts_with('{')
    {
        let category = unquote(category);
        if let Some(name) = category.strip_prefix(CATEGORY_PREFIX) {
            let name = set.canonical(name);
            return set.record(&name, properties, at);
        }
    }
    if depth == 0 && row.fields.len() <= 3 {
        // Event Hub message body, or a whole response on one line.
        let list = get("records").or_else(|| get("Results")).or_else(|| get("results")).or_else(|| get("value"));
        let tables = get("tables");
        if let Some(list) = list
            && list.starts_with('[')
        {
            if let Some(schema) = get("Schema").or_else(|| get("schema")) {
                declare_api_schema(schema, table, set);
            }
            return each_element(list, at, table, set);
        }
        if let Some(tables) = tables
            && tables.starts_with('[')
        {
            return read_la_tables_text(tables, at, table, set);
        }
    }
    set.record_row(table, &row, text, at);
}

fn each_element(list: &str, at: &Location, table: &str, set: &mut TableSet<'_>) {
    match serde_json::from_str::<Vec<&RawValue>>(list) {
        Ok(items) => {
            for item in items {
                dispatch(item.get(), at, table, set, 1);
            }
        }
        Err(e) => set.reject(table, at, codes::INVALID_RECORD, format!("invalid JSON: {e}"), None),
    }
}

/// A column of an API response's schema.
#[derive(Deserialize)]
struct SchemaColumn {
    #[serde(alias = "Name", alias = "ColumnName", alias = "columnName")]
    name: String,
    #[serde(alias = "Type", alias = "ColumnType", alias = "columnType", default)]
    r#type: String,
}

/// The KQL type for a type name in an API response: .NET names (`DateTime`, `Int64`) in the
/// advanced-hunting APIs, KQL names (`datetime`, `long`) in Log Analytics.
fn declared_type(name: &str) -> Type {
    match name.to_ascii_lowercase().trim_start_matches("system.") {
        "datetime" | "date" => Type::DateTime,
        "int64" | "long" => Type::Long,
        "int32" | "int" | "int16" => Type::Int,
        "boolean" | "bool" | "sbyte" => Type::Bool,
        "double" | "real" | "single" | "float" => Type::Real,
        "decimal" | "sqldecimal" => Type::Decimal,
        "timespan" | "time" => Type::TimeSpan,
        "guid" | "uniqueid" => Type::Guid,
        "object" | "dynamic" => Type::Dynamic,
        _ => Type::String,
    }
}

fn schema_of(table: &str, columns: &[SchemaColumn]) -> TableSchema {
    let mut seen = std::collections::HashSet::new();
    let cols = columns
        .iter()
        .filter(|c| !c.name.is_empty() && seen.insert(c.name.clone()))
        .map(|c| Column::new(c.name.clone(), declared_type(&c.r#type)))
        .collect();
    TableSchema::new(table.to_string(), cols)
}

fn declare_api_schema(schema: &str, table: &str, set: &mut TableSet<'_>) {
    if let Ok(columns) = serde_json::from_str::<Vec<SchemaColumn>>(schema) {
        set.declare(table, schema_of(table, &columns));
    }
}

/// `tables` of a Log Analytics response given as text (line mode).
fn read_la_tables_text(tables: &str, at: &Location, table: &str, set: &mut TableSet<'_>) {
    #[derive(Deserialize)]
    struct LaTable<'a> {
        #[serde(default)]
        columns: Vec<SchemaColumn>,
        #[serde(borrow, default)]
        rows: Vec<Vec<&'a RawValue>>,
    }
    match serde_json::from_str::<Vec<LaTable<'_>>>(tables) {
        Ok(list) => {
            for t in list {
                let mut la = LaShape::new(&t.columns, table, set);
                for row in t.rows {
                    la.row(&row, at, set);
                }
            }
        }
        Err(e) => set.reject(table, at, codes::INVALID_RECORD, format!("invalid Log Analytics response: {e}"), None),
    }
}

/// The columns of one Log Analytics result table, to turn its rows (arrays) into records.
struct LaShape {
    names: Vec<String>,
    dynamic: Vec<bool>,
    table: String,
    type_column: Option<usize>,
    scratch: String,
}

impl LaShape {
    fn new(columns: &[SchemaColumn], fallback: &str, set: &mut TableSet<'_>) -> LaShape {
        // A file named after a table holds that table; otherwise the `Type` column, which
        // Log Analytics fills with each row's table, names it.
        let fallback_known = set.catalog().table(fallback).is_some();
        let type_column = if fallback_known { None } else { columns.iter().position(|c| c.name == "Type") };
        if type_column.is_none() {
            set.declare(fallback, schema_of(fallback, columns));
        }
        LaShape {
            names: columns.iter().map(|c| c.name.clone()).collect(),
            dynamic: columns.iter().map(|c| declared_type(&c.r#type) == Type::Dynamic).collect(),
            table: fallback.to_string(),
            type_column,
            scratch: String::new(),
        }
    }

    fn row(&mut self, cells: &[&RawValue], at: &Location, set: &mut TableSet<'_>) {
        if cells.len() != self.names.len() {
            let reason = format!("a row has {} values for {} columns", cells.len(), self.names.len());
            return set.reject(&self.table, at, codes::RAGGED_ROW, reason, None);
        }
        let mut table = self.table.clone();
        if let Some(i) = self.type_column {
            let raw = cells[i].get();
            if shape(raw) == Shape::String {
                let name = unquote(raw);
                if !name.is_empty() {
                    table = set.canonical(&name);
                }
            }
        }
        let out = &mut self.scratch;
        out.clear();
        out.push('{');
        for (i, (name, cell)) in self.names.iter().zip(cells).enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_string(out, name);
            out.push(':');
            let raw = cell.get();
            // Dynamic cells arrive as JSON text inside a string: keep the JSON itself.
            if self.dynamic[i] && shape(raw) == Shape::String {
                let inner = unquote(raw);
                if serde_json::from_str::<IgnoredAny>(&inner).is_ok() {
                    out.push_str(&inner);
                    continue;
                }
            }
            out.push_str(raw);
        }
        out.push('}');
        let text = std::mem::take(&mut self.scratch);
        set.record(&table, &text, at);
        self.scratch = text;
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---- document mode ----

/// Counts the lines read through it, so records in a document get a line number.
struct LineCounter<R> {
    inner: R,
    lines: Rc<Cell<u64>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if newlines > 0 {
            self.lines.set(self.lines.get() + newlines);
        }
        Ok(n)
    }
}

struct Ctx<'s, 'a> {
    set: &'s mut TableSet<'a>,
    file: Arc<Path>,
    lines: Rc<Cell<u64>>,
    table: String,
}

impl Ctx<'_, '_> {
    fn at(&self) -> Location {
        Location { file: self.file.clone(), line: self.lines.get() + 1 }
    }
}

fn read_document(reader: impl BufRead, path: &Path, table: &str, set: &mut TableSet<'_>) {
    let lines = Rc::new(Cell::new(0));
    let counted = LineCounter { inner: reader, lines: lines.clone() };
    // `reader` is buffered already; serde reads it a byte at a time, so the count of lines
    // read so far is the line the parser is on.
    let mut de = serde_json::Deserializer::from_reader(counted);
    let mut ctx = Ctx { set, file: Arc::from(path), lines, table: table.to_string() };
    loop {
        if let Err(e) = (Top { ctx: &mut ctx }).deserialize(&mut de) {
            let code = if e.is_eof() || e.is_io() { codes::TRUNCATED } else { codes::INVALID_RECORD };
            let at = Location { file: ctx.file.clone(), line: e.line() as u64 };
            let reason = format!(
                "invalid JSON document at column {}: {}; the rest of the file is skipped",
                e.column(),
                strip_position(&e.to_string())
            );
            ctx.set.reject(&ctx.table, &at, code, reason, None);
            return;
        }
        // Several documents may follow one another (one Event Hub body per line).
        if de.end().is_ok() {
            return;
        }
    }
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

/// The top-level value of a document.
struct Top<'c, 's, 'a> {
    ctx: &'c mut Ctx<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Element { ctx: &mut *self.ctx })?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut plain: Vec<(String, Box<RawValue>)> = Vec::new();
        let mut envelope = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "records" | "Results" | "results" | "value" => {
                    envelope = true;
                    map.next_value_seed(Elements { ctx: &mut *self.ctx })?;
                }
                "Schema" | "schema" => {
                    envelope = true;
                    let raw: Box<RawValue> = map.next_value()?;
                    let table = self.ctx.table.clone();
                    declare_api_schema(raw.get(), &table, self.ctx.set);
                }
                "tables" => {
                    envelope = true;
                    map.next_value_seed(LaTables { ctx: &mut *self.ctx })?;
                }
                _ if envelope => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    // Perhaps one pretty-printed record: keep its fields (bounded by the
                    // record's own size).
                    let raw: Box<RawValue> = map.next_value()?;
                    plain.push((key, raw));
                }
            }
        }
        if !envelope && !plain.is_empty() {
            let mut text = String::from("{");
            for (i, (k, v)) in plain.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                push_json_string(&mut text, k);
                text.push(':');
                text.push_str(v.get());
            }
            text.push('}');
            let at = self.ctx.at();
            let table = self.ctx.table.clone();
            dispatch(&text, &at, &table, self.ctx.set, 1);
        }
        Ok(())
    }
}

/// An array of records.
struct Elements<'c, 's, 'a> {
    ctx: &'c mut Ctx<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for Elements<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Element { ctx: &mut *self.ctx })?.is_some() {}
        Ok(())
    }
}

/// One record of an array.
struct Element<'c, 's, 'a> {
    ctx: &'c mut Ctx<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for Element<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let at = self.ctx.at();
        let raw = Box::<RawValue>::deserialize(d)?;
        let table = self.ctx.table.clone();
        dispatch(raw.get(), &at, &table, self.ctx.set, 1);
        Ok(())
    }
}

/// `tables` of a Log Analytics response.
struct LaTables<'c, 's, 'a> {
    ctx: &'c mut Ctx<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for LaTables<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LaTables<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of tables")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(LaTable { ctx: &mut *self.ctx })?.is_some() {}
        Ok(())
    }
}

struct LaTable<'c, 's, 'a> {
    ctx: &'c mut Ctx<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for LaTable<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LaTable<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table with columns and rows")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut shape: Option<LaShape> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "columns" => {
                    let columns: Vec<SchemaColumn> = map.next_value()?;
                    let table = self.ctx.table.clone();
                    shape = Some(LaShape::new(&columns, &table, self.ctx.set));
                }
                "rows" => match &mut shape {
                    Some(shape) => map.next_value_seed(LaRows { ctx: &mut *self.ctx, shape })?,
                    None => {
                        let at = self.ctx.at();
                        let table = self.ctx.table.clone();
                        let reason = "rows come before columns; they are skipped".to_string();
                        self.ctx.set.reject(&table, &at, codes::INVALID_RECORD, reason, None);
                        map.next_value::<IgnoredAny>()?;
                    }
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct LaRows<'c, 's, 'a, 'h> {
    ctx: &'c mut Ctx<'s, 'a>,
    shape: &'h mut LaShape,
}

impl<'de> DeserializeSeed<'de> for LaRows<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LaRows<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let at = self.ctx.at();
            let Some(row) = seq.next_element::<Vec<Box<RawValue>>>()? else { break };
            let cells: Vec<&RawValue> = row.iter().map(|b| b.as_ref()).collect();
            self.shape.row(&cells, &at, self.ctx.set);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        let m = |s: &str| sniff(&mut s.as_bytes()).unwrap();
        assert_eq!(m("{\"a\":1}\n{\"a\":2}\n"), Mode::Lines);
        assert_eq!(m("{\"time\":\"x\",\"category\":\"AdvancedHunting-X\"}\n"), Mode::Lines);
        assert_eq!(m("{\"records\":[{}]}"), Mode::Document);
        assert_eq!(m("\u{feff}  {\n  \"Schema\": []}"), Mode::Document);
        assert_eq!(m("{\n  \"a\": 1\n}"), Mode::Document);
        assert_eq!(m("[{\"a\":1}]"), Mode::Document);
        assert_eq!(m(""), Mode::Lines);
        assert_eq!(m("not json\n"), Mode::Lines);
    }

    #[test]
    fn declared_types() {
        assert_eq!(declared_type("DateTime"), Type::DateTime);
        assert_eq!(declared_type("Int64"), Type::Long);
        assert_eq!(declared_type("System.Int32"), Type::Int);
        assert_eq!(declared_type("Object"), Type::Dynamic);
        assert_eq!(declared_type("SByte"), Type::Bool);
        assert_eq!(declared_type("whatever"), Type::String);
    }
}
