//! The table catalog: which tables exist and which columns, of which KQL types, they have.
//!
//! The binder sees tables only through the [`Catalog`] trait, so it can be tested against a
//! small mock. [`SchemaCatalog`] is the concrete catalog: the built-in Defender XDR and
//! Sentinel tables ([`SchemaCatalog::defender`]), tables from a user schema file
//! ([`SchemaCatalog::load`]), or both ([`SchemaCatalog::merge`]).
//!
//! # Schema file format
//!
//! A JSON object that maps each table name to its columns, in order, each a `[name, type]`
//! pair:
//!
//! ```json
//! {
//!   "DeviceProcessEvents": [["Timestamp", "datetime"], ["DeviceName", "string"]],
//!   "MyWatchlist": [["Domain", "string"], ["Added", "datetime"]]
//! }
//! ```
//!
//! Types are KQL type names (`bool`, `int`, `long`, `real`, `decimal`, `string`, `datetime`,
//! `timespan`, `guid`, `dynamic`) or their aliases (`boolean`, `double`, `date`, `time`, `uuid`);
//! the .NET names that Kusto's and Defender's APIs print (`String`, `DateTime`, `Int64`,
//! `System.Object`...) are accepted too. A malformed file is reported with its file name, line
//! and column, and what was expected there.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::types::Type;

/// The built-in catalog's source: every Defender XDR advanced-hunting table plus the common
/// Sentinel (Log Analytics) tables. See `data/README.md` for where each table comes from.
const DEFENDER_TABLES_JSON: &str = include_str!("../data/defender-tables.json");

/// The KQL type names a schema may use, for error messages.
const VALID_TYPES: &str = "bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic";

/// One column of a table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Column {
    /// The column name, exactly as Kusto spells it (names are case-sensitive).
    pub name: String,
    /// The column's KQL type.
    pub ty: Type,
}

impl Column {
    /// A column called `name` of type `ty`.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Column { name: name.into(), ty }
    }
}

/// A table: its name and its columns in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSchema {
    /// The table name, exactly as Kusto spells it.
    pub name: String,
    /// The columns in their documented order; names are unique.
    pub columns: Vec<Column>,
}

impl TableSchema {
    /// A table called `name` with `columns`.
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Self {
        TableSchema { name: name.into(), columns }
    }

    /// The column called exactly `name`. Case-sensitive, as in Kusto: `AccountUPN` is not
    /// `AccountUpn`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column names in order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.columns.iter().map(|c| c.name.as_str())
    }
}

/// What the binder knows about tables.
pub trait Catalog {
    /// The table called exactly `name` (case-sensitive).
    fn table(&self, name: &str) -> Option<&TableSchema>;

    /// The names of all tables, sorted.
    fn table_names(&self) -> Vec<&str>;
}

/// A catalog held in memory: the built-in tables, a user's schema file, or a merge of both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaCatalog {
    tables: BTreeMap<String, TableSchema>,
}

impl SchemaCatalog {
    /// A catalog with no tables.
    pub fn empty() -> Self {
        SchemaCatalog::default()
    }

    /// The built-in catalog: every Defender XDR advanced-hunting table in both flavours (the
    /// Defender columns, plus `TimeGenerated`, `TenantId`, `SourceSystem`, `Type` and
    /// `MachineGroup` that the same tables have in Sentinel), and the Sentinel tables hunting
    /// queries read (`SigninLogs`, `AuditLogs`, `SecurityEvent`...).
    pub fn defender() -> Self {
        Self::defender_ref().clone()
    }

    /// The built-in catalog without copying it.
    pub fn defender_ref() -> &'static SchemaCatalog {
        static DEFENDER: OnceLock<SchemaCatalog> = OnceLock::new();
        DEFENDER.get_or_init(|| {
            // The data file is part of the crate and a test parses it, so this cannot fail
            // on any user input.
            SchemaCatalog::from_json_named(DEFENDER_TABLES_JSON, "defender-tables.json")
                .unwrap_or_else(|e| panic!("the built-in table catalog is invalid: {e}"))
        })
    }

    /// Parses a schema file's text (see the module documentation for the format). Errors name
    /// the file as `<schema>`; use [`SchemaCatalog::load`] or
    /// [`SchemaCatalog::from_json_named`] to name it.
    pub fn from_json(text: &str) -> Result<SchemaCatalog, SchemaError> {
        Self::from_json_named(text, "<schema>")
    }

    /// Parses a schema file's text; errors name it `file`.
    pub fn from_json_named(text: &str, file: &str) -> Result<SchemaCatalog, SchemaError> {
        // Editors on Windows like to start JSON files with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let problem = RefCell::new(None);
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let parsed = de::DeserializeSeed::deserialize(CatalogSeed { problem: &problem }, &mut deserializer)
            .and_then(|catalog| deserializer.end().map(|()| catalog));
        match parsed {
            Ok(catalog) => Ok(catalog),
            Err(error) => Err(schema_error(text, file, &error, problem.into_inner())),
        }
    }

    /// Reads and parses the schema file at `path`.
    pub fn load(path: &Path) -> Result<SchemaCatalog, SchemaError> {
        let text = std::fs::read_to_string(path).map_err(|e| SchemaError {
            file: path.display().to_string(),
            location: None,
            kind: Box::new(SchemaErrorKind::Io(e)),
        })?;
        Self::from_json_named(&text, &path.display().to_string())
    }

    /// Adds `table`, replacing a table of the same name.
    pub fn insert(&mut self, table: TableSchema) {
        self.tables.insert(table.name.clone(), table);
    }

    /// Adds all of `other`'s tables; they replace tables of the same name in `self`.
    pub fn merge(&mut self, other: SchemaCatalog) {
        self.tables.extend(other.tables);
    }

    /// The tables, sorted by name.
    pub fn tables(&self) -> impl Iterator<Item = &TableSchema> + '_ {
        self.tables.values()
    }

    /// How many tables there are.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether there are no tables.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

impl Catalog for SchemaCatalog {
    fn table(&self, name: &str) -> Option<&TableSchema> {
        self.tables.get(name)
    }

    fn table_names(&self) -> Vec<&str> {
        self.tables.keys().map(String::as_str).collect()
    }
}

impl FromIterator<TableSchema> for SchemaCatalog {
    fn from_iter<I: IntoIterator<Item = TableSchema>>(tables: I) -> Self {
        let mut catalog = SchemaCatalog::empty();
        for table in tables {
            catalog.insert(table);
        }
        catalog
    }
}

/// Parses a column type as a schema file may spell it: a KQL type name or alias (`string`,
/// `boolean`), in any case (`String`, `DateTime`), or a .NET type name as Kusto's and
/// Defender's APIs print it (`Int64`, `System.Object`, `SByte`).
pub fn parse_type_name(name: &str) -> Option<Type> {
    if let Some(ty) = Type::from_name(name) {
        return Some(ty);
    }
    let lower = name.trim().to_ascii_lowercase();
    if let Some(ty) = Type::from_name(&lower) {
        return Some(ty);
    }
    let short = lower.strip_prefix("system.").unwrap_or(&lower);
    Some(match short {
        "sbyte" => Type::Bool,
        "int32" => Type::Int,
        "int64" => Type::Long,
        "single" => Type::Real,
        "data.sqltypes.sqldecimal" | "sqldecimal" => Type::Decimal,
        "object" => Type::Dynamic,
        _ => return Type::from_name(short),
    })
}

/// Why a schema file could not be used: the file, where in it, and what is wrong.
///
/// Displays as `file:line:column: message` (or `file: message` when there is no position).
#[derive(Debug)]
pub struct SchemaError {
    file: String,
    location: Option<(usize, usize)>,
    kind: Box<SchemaErrorKind>,
}

impl SchemaError {
    /// The schema file's name (`<schema>` for text given without one).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The 1-based line and column the error points at; none when the file could not be read.
    pub fn location(&self) -> Option<(usize, usize)> {
        self.location
    }

    /// What is wrong.
    pub fn kind(&self) -> &SchemaErrorKind {
        &self.kind
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

// The message already includes the I/O error's text, so it is not repeated as a source.
impl std::error::Error for SchemaError {}

/// What is wrong with a schema file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaErrorKind {
    /// The file could not be read.
    #[error("cannot read schema file: {0}")]
    Io(std::io::Error),
    /// The text is not JSON, or not the shape of a schema file.
    #[error("{message}")]
    Syntax {
        /// What is wrong and what was expected.
        message: String,
    },
    /// A column type that is not a KQL type.
    #[error(
        "table `{table}`, column `{column}`: unknown type `{type_name}`; expected one of {VALID_TYPES}{}",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
    )]
    UnknownType {
        /// The table.
        table: String,
        /// The column whose type is unknown.
        column: String,
        /// The type as written.
        type_name: String,
        /// The nearest valid type name, if one is close.
        suggestion: Option<String>,
    },
    /// A table lists the same column twice.
    #[error("table `{table}` has column `{column}` twice; expected unique column names")]
    DuplicateColumn {
        /// The table.
        table: String,
        /// The repeated column.
        column: String,
    },
    /// The file defines the same table twice.
    #[error("table `{table}` is defined twice; expected each table once")]
    DuplicateTable {
        /// The table.
        table: String,
    },
    /// A table with an empty column list.
    #[error("table `{table}` has no columns; expected at least one [column, type] pair")]
    EmptyTable {
        /// The table.
        table: String,
    },
    /// An empty table name.
    #[error("empty table name; expected a non-empty name")]
    EmptyTableName,
    /// An empty column name.
    #[error("empty column name in table `{table}`; expected a non-empty name")]
    EmptyColumnName {
        /// The table.
        table: String,
    },
}

impl SchemaErrorKind {
    /// Where in the source the error should point, relative to the position serde_json gives.
    fn anchor(&self) -> Anchor {
        match self {
            SchemaErrorKind::UnknownType { .. } => Anchor::PairType,
            SchemaErrorKind::DuplicateColumn { .. } | SchemaErrorKind::EmptyColumnName { .. } => Anchor::PairName,
            SchemaErrorKind::DuplicateTable { .. } | SchemaErrorKind::EmptyTableName => Anchor::Key,
            SchemaErrorKind::EmptyTable { .. } => Anchor::ListOpen,
            SchemaErrorKind::Io(_) | SchemaErrorKind::Syntax { .. } => Anchor::Here,
        }
    }
}

/// How to move from serde_json's error position (just after the offending value) to the start
/// of what the user should look at.
#[derive(Clone, Copy, Debug)]
enum Anchor {
    /// The position is after a `[name, type]` pair: point at the type.
    PairType,
    /// The position is after a `[name, type]` pair: point at the name.
    PairName,
    /// The position is after an object key: point at the key.
    Key,
    /// The position is after a list: point at its `[`.
    ListOpen,
    /// Keep serde_json's position: it is the offending character.
    Here,
}

fn schema_error(text: &str, file: &str, error: &serde_json::Error, kind: Option<SchemaErrorKind>) -> SchemaError {
    let position = (error.line().max(1), error.column().max(1));
    let kind = kind.unwrap_or_else(|| SchemaErrorKind::Syntax { message: strip_position(&error.to_string()) });
    let location = anchor_position(text, position.0, error.column(), kind.anchor()).unwrap_or(position);
    SchemaError { file: file.to_string(), location: Some(location), kind: Box::new(kind) }
}

/// serde_json's messages end with " at line L column C"; the location is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => message[..at].to_string(),
        _ => message.to_string(),
    }
}

/// Moves serde_json's position (1-based `line`, `column` = bytes of that line already read) to
/// the start of the value the error is about. Returns a 1-based line and character column, or
/// `None` to keep serde_json's position.
fn anchor_position(text: &str, line: usize, column: usize, anchor: Anchor) -> Option<(usize, usize)> {
    let line_start = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
    let end = (line_start + column).min(text.len());
    let bytes = text.as_bytes();
    let target = match anchor {
        Anchor::Here => return None,
        Anchor::ListOpen => text.get(..end)?.rfind('[')?,
        Anchor::PairType | Anchor::PairName => {
            // serde_json stops after the pair's `]` (or just before it). Walk back to its `[`.
            let open = text.get(..end)?.rfind('[')?;
            let name_start = skip_ws(bytes, open + 1);
            if anchor_is_name(anchor) {
                name_start
            } else {
                let after_name = skip_string(bytes, name_start)?;
                let comma = skip_ws(bytes, after_name);
                if bytes.get(comma) != Some(&b',') {
                    return None;
                }
                skip_ws(bytes, comma + 1)
            }
        }
        Anchor::Key => {
            // serde_json stops after the key's closing quote: find its opening quote.
            let close = text.get(..end)?.rfind('"')?;
            let mut i = close;
            loop {
                i = text.get(..i)?.rfind('"')?;
                if !is_escaped(bytes, i) {
                    break i;
                }
            }
        }
    };
    let before = text.get(..target.min(text.len()))?;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Some((line, column))
}

fn anchor_is_name(anchor: Anchor) -> bool {
    matches!(anchor, Anchor::PairName)
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The index just after the JSON string starting at `start`.
fn skip_string(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Whether the quote at `i` is escaped by an odd number of backslashes.
fn is_escaped(bytes: &[u8], i: usize) -> bool {
    bytes[..i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

// --- Deserialization -----------------------------------------------------------------------
//
// Hand-written visitors rather than derives: they keep column order, catch duplicate tables
// (which a map would silently overwrite), and say in the user's terms what was expected.

type ProblemCell = RefCell<Option<SchemaErrorKind>>;

/// Records `problem` and returns the error that stops deserialization; serde_json attaches the
/// position.
fn fail<E: de::Error>(cell: &ProblemCell, problem: SchemaErrorKind) -> E {
    let message = problem.to_string();
    *cell.borrow_mut() = Some(problem);
    E::custom(message)
}

struct CatalogSeed<'p> {
    problem: &'p ProblemCell,
}

impl<'de> DeserializeSeed<'de> for CatalogSeed<'_> {
    type Value = SchemaCatalog;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<SchemaCatalog, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CatalogSeed<'_> {
    type Value = SchemaCatalog;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object mapping table names to lists of [column, type] pairs")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SchemaCatalog, A::Error> {
        let mut tables = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            if name.is_empty() {
                return Err(fail(self.problem, SchemaErrorKind::EmptyTableName));
            }
            let slot = match tables.entry(name) {
                Entry::Vacant(slot) => slot,
                Entry::Occupied(existing) => {
                    let table = existing.key().clone();
                    return Err(fail(self.problem, SchemaErrorKind::DuplicateTable { table }));
                }
            };
            let name = slot.key().clone();
            let columns = map.next_value_seed(ColumnsSeed { table: &name, problem: self.problem })?;
            slot.insert(TableSchema { name, columns });
        }
        Ok(SchemaCatalog { tables })
    }
}

struct ColumnsSeed<'a> {
    table: &'a str,
    problem: &'a ProblemCell,
}

impl<'de> DeserializeSeed<'de> for ColumnsSeed<'_> {
    type Value = Vec<Column>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Column>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ColumnsSeed<'_> {
    type Value = Vec<Column>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of [column, type] pairs for table `{}`", self.table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Column>, A::Error> {
        let mut columns: Vec<Column> = Vec::new();
        while let Some(column) = seq.next_element_seed(PairSeed { table: self.table, problem: self.problem })? {
            if columns.iter().any(|c| c.name == column.name) {
                let problem = SchemaErrorKind::DuplicateColumn { table: self.table.to_string(), column: column.name };
                return Err(fail(self.problem, problem));
            }
            columns.push(column);
        }
        if columns.is_empty() {
            return Err(fail(self.problem, SchemaErrorKind::EmptyTable { table: self.table.to_string() }));
        }
        Ok(columns)
    }
}

struct PairSeed<'a> {
    table: &'a str,
    problem: &'a ProblemCell,
}

impl<'de> DeserializeSeed<'de> for PairSeed<'_> {
    type Value = Column;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Column, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PairSeed<'_> {
    type Value = Column;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a [column, type] pair in table `{}`", self.table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Column, A::Error> {
        let name = seq
            .next_element_seed(Text(format_args!("a column name in table `{}`", self.table)))?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let type_name = seq
            .next_element_seed(Text(format_args!("the type of column `{name}` as a string")))?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(3, &self));
        }
        if name.is_empty() {
            return Err(fail(self.problem, SchemaErrorKind::EmptyColumnName { table: self.table.to_string() }));
        }
        match parse_type_name(&type_name) {
            Some(ty) => Ok(Column { name, ty }),
            None => {
                let suggestion = suggest(&type_name, VALID_TYPES.split(", ")).map(str::to_string);
                let problem =
                    SchemaErrorKind::UnknownType { table: self.table.to_string(), column: name, type_name, suggestion };
                Err(fail(self.problem, problem))
            }
        }
    }
}

/// A string, with what it is for in the "expected ..." message.
struct Text<'a>(fmt::Arguments<'a>);

impl<'de> DeserializeSeed<'de> for Text<'_> {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for Text<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_fmt(self.0)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }
}

// --- Suggestions ---------------------------------------------------------------------------

/// The closest name to `name` among `candidates`, for "did you mean ...?".
///
/// In order of preference: a candidate equal to `name` ignoring case; the candidate at the
/// smallest edit distance (ignoring case, transpositions count once), if it is close enough
/// for the length of `name`; the shortest candidate that ends with `name` (so `AccountUpn`
/// suggests `InitiatingProcessAccountUpn` in a table that has no `AccountUpn`); the shortest
/// candidate that contains `name`; the longest candidate that `name` ends with. Ties go to the
/// candidate that comes first. A candidate equal to `name` is never suggested.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().filter(|c| *c != name && !c.is_empty()).collect();
    if name.is_empty() || candidates.is_empty() {
        return None;
    }
    let lower = name.to_lowercase();
    let lowered: Vec<String> = candidates.iter().map(|c| c.to_lowercase()).collect();

    if let Some(i) = lowered.iter().position(|c| *c == lower) {
        return Some(candidates[i]);
    }

    let name_chars: Vec<char> = lower.chars().collect();
    let n = name_chars.len();
    if n >= 3 {
        let limit = (n / 4).max(1);
        let mut best: Option<(usize, usize)> = None; // (distance, index)
        for (i, c) in lowered.iter().enumerate() {
            let c_chars: Vec<char> = c.chars().collect();
            if c_chars.len().abs_diff(n) > limit {
                continue;
            }
            let d = edit_distance(&name_chars, &c_chars);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        if let Some((_, i)) = best {
            return Some(candidates[i]);
        }

        let shortest = |pred: &dyn Fn(&str) -> bool| {
            lowered
                .iter()
                .enumerate()
                .filter(|(_, c)| pred(c))
                .min_by_key(|(i, c)| (c.len(), *i))
                .map(|(i, _)| candidates[i])
        };
        if let Some(c) = shortest(&|c: &str| c.ends_with(&lower)) {
            return Some(c);
        }
        if let Some(c) = shortest(&|c: &str| c.contains(&lower)) {
            return Some(c);
        }
        if let Some((i, _)) = lowered
            .iter()
            .enumerate()
            .filter(|(_, c)| c.chars().count() >= 4 && lower.ends_with(c.as_str()))
            .max_by_key(|(i, c)| (c.len(), std::cmp::Reverse(*i)))
        {
            return Some(candidates[i]);
        }
    }
    None
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions each cost 1.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut prev2 = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0; width];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(edit_distance(&chars("processid"), &chars("porcessid")), 1);
        assert_eq!(edit_distance(&chars(""), &chars("abc")), 3);
        assert_eq!(edit_distance(&chars("same"), &chars("same")), 0);
    }

    #[test]
    fn suggest_prefers_a_case_insensitive_match() {
        let columns = ["AccountUpn", "AccountUPNs", "InitiatingProcessAccountUpn"];
        assert_eq!(suggest("AccountUPN", columns), Some("AccountUpn"));
        assert_eq!(suggest("accountupn", columns), Some("AccountUpn"));
    }

    #[test]
    fn suggest_finds_typos_by_edit_distance() {
        let tables = ["DeviceProcessEvents", "DeviceNetworkEvents", "DeviceEvents"];
        assert_eq!(suggest("DeviceProcesEvents", tables), Some("DeviceProcessEvents"));
        assert_eq!(suggest("DeviceNetworkEvent", tables), Some("DeviceNetworkEvents"));
        assert_eq!(suggest("DevcieEvents", tables), Some("DeviceEvents"));
    }

    #[test]
    fn suggest_falls_back_to_a_longer_name_ending_with_the_name() {
        let columns = ["AccountDomain", "AccountName", "AccountSid", "InitiatingProcessAccountUpn", "RemoteUrl"];
        // `AccountSid` is three edits away: too far for a 10-letter name; the suffix wins.
        assert_eq!(suggest("AccountUpn", columns), Some("InitiatingProcessAccountUpn"));
        // Substring, then "the name ends with a candidate".
        assert_eq!(suggest("Url", ["RemoteUrlHost", "FileOriginUrlPath"]), Some("RemoteUrlHost"));
        assert_eq!(suggest("InitiatingProcessRemoteUrl", ["RemoteUrl", "Url"]), Some("RemoteUrl"));
    }

    #[test]
    fn suggest_gives_nothing_when_nothing_is_close() {
        assert_eq!(suggest("Foo", ["Timestamp", "DeviceName"]), None);
        assert_eq!(suggest("", ["Timestamp"]), None);
        assert_eq!(suggest("Timestamp", Vec::<&str>::new()), None);
        // A name is never its own suggestion.
        assert_eq!(suggest("Timestamp", ["Timestamp"]), None);
        // Very short names only match ignoring case.
        assert_eq!(suggest("Id", ["IP", "ReportId"]), None);
        assert_eq!(suggest("ip", ["IP", "ReportId"]), Some("IP"));
    }

    #[test]
    fn type_names_accept_aliases_and_api_spellings() {
        assert_eq!(parse_type_name("string"), Some(Type::String));
        assert_eq!(parse_type_name("String"), Some(Type::String));
        assert_eq!(parse_type_name("DateTime"), Some(Type::DateTime));
        assert_eq!(parse_type_name("boolean"), Some(Type::Bool));
        assert_eq!(parse_type_name("Int64"), Some(Type::Long));
        assert_eq!(parse_type_name("System.Int32"), Some(Type::Int));
        assert_eq!(parse_type_name("System.Object"), Some(Type::Dynamic));
        assert_eq!(parse_type_name("System.SByte"), Some(Type::Bool));
        assert_eq!(parse_type_name("System.Double"), Some(Type::Real));
        assert_eq!(parse_type_name("varchar"), None);
        assert_eq!(parse_type_name(""), None);
    }

    #[test]
    fn from_json_keeps_column_order_and_types() {
        let catalog = SchemaCatalog::from_json(r#"{"T": [["b", "long"], ["a", "string"], ["c", "dynamic"]]}"#).unwrap();
        let t = catalog.table("T").unwrap();
        assert_eq!(t.column_names().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(t.column("b").map(|c| c.ty), Some(Type::Long));
        assert_eq!(t.column("B"), None, "column lookup is case-sensitive");
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        let text = "{\n  \"T\": [\n    [\"a\", \"string\"],\n    [\"b\",   \"varchar\"]\n  ]\n}";
        let err = SchemaCatalog::from_json(text).unwrap_err();
        assert_eq!(err.location(), Some((4, 13)), "{err}");

        let text = "{\n  \"T\": [\n    [\"a\", \"string\"],\n    [\"a\", \"long\"]\n  ]\n}";
        let err = SchemaCatalog::from_json(text).unwrap_err();
        assert!(matches!(err.kind(), SchemaErrorKind::DuplicateColumn { .. }), "{err}");
        assert_eq!(err.location(), Some((4, 6)), "{err}");

        let text = "{\n  \"T\": [[\"a\", \"string\"]],\n  \"T\": [[\"b\", \"string\"]]\n}";
        let err = SchemaCatalog::from_json(text).unwrap_err();
        assert!(matches!(err.kind(), SchemaErrorKind::DuplicateTable { .. }), "{err}");
        assert_eq!(err.location(), Some((3, 3)), "{err}");
    }

    #[test]
    fn position_helpers_survive_odd_input() {
        // Anchoring must never panic, whatever serde_json reports.
        for anchor in [Anchor::PairType, Anchor::PairName, Anchor::Key, Anchor::ListOpen, Anchor::Here] {
            for (line, column) in [(1, 0), (1, 100), (5, 3), (1, 1)] {
                let _ = anchor_position("[\"a\\\"", line, column, anchor);
                let _ = anchor_position("", line, column, anchor);
                let _ = anchor_position("é[\"é\", ", line, column, anchor);
            }
        }
    }
}
