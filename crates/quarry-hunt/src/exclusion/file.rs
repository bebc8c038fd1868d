//! The exclusions file (`--exclusions FILE`): YAML, a list of entries (or a mapping with an
//! `exclusions:` list), each
//!
//! ```yaml
//! - rule: a0000000-0000-4000-8000-000000000003   # a rule id, or "*" for every rule
//!   # tool: ConnectWise                           # or: every rule about this tool
//!   table: DeviceProcessEvents                    # optional: only rules over this table
//!   where: InitiatingProcessFileName =~ "backup.exe"
//!   reason: Nightly backup agent, ticket CHG-1042
//!   expires: 2025-06-30                            # optional; ignored (and reported) after
//! ```
//!
//! Errors name the file, the line and the column of the offending value.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

/// Which rules an exclusion applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The rule with this id.
    Rule(String),
    /// Every rule whose tool is this one (case-insensitive).
    Tool(String),
    /// Every rule.
    All,
}

/// One entry of an exclusions file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileExclusion {
    /// Which rules.
    pub target: Target,
    /// Only rules whose main table is this one, when given.
    pub table: Option<String>,
    /// The KQL predicate matching the events to exclude.
    pub predicate: String,
    /// Why the exclusion exists.
    pub reason: String,
    /// When it stops applying (nanoseconds since the epoch), when given.
    pub expires: Option<i64>,
    /// The text of `expires` as written.
    pub expires_text: Option<String>,
    /// `FILE:LINE` of the entry.
    pub origin: String,
    /// Line and column of the `where` value, to place errors in the predicate.
    pub where_at: (u32, u32),
}

impl FileExclusion {
    /// Whether the exclusion applies to a rule with this id, tool and main table.
    pub fn applies_to(&self, rule_id: &str, tool: Option<&str>, table: Option<&str>) -> bool {
        let target = match &self.target {
            Target::All => true,
            Target::Rule(id) => id == rule_id,
            Target::Tool(name) => tool.is_some_and(|t| t.eq_ignore_ascii_case(name)),
        };
        let table_ok = match &self.table {
            None => true,
            Some(t) => table == Some(t.as_str()),
        };
        target && table_ok
    }
}

/// A loaded exclusions file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExclusionFile {
    /// The good entries, in file order.
    pub exclusions: Vec<FileExclusion>,
    /// The entries that were rejected, with why; the others are kept.
    pub errors: Vec<ExclusionFileError>,
}

/// A problem with an exclusions file, placed in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusionFileError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ExclusionFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)
    }
}

/// Reads and parses an exclusions file. An unreadable file is one error at 1:1.
pub fn load_exclusions(path: &Path) -> ExclusionFile {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_exclusions(path, &text),
        Err(e) => ExclusionFile {
            exclusions: Vec::new(),
            errors: vec![ExclusionFileError {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!("cannot read the exclusions file: {e}"),
            }],
        },
    }
}

/// Parses the text of an exclusions file; `path` names it in errors and origins.
pub fn parse_exclusions(path: &Path, text: &str) -> ExclusionFile {
    let mut out = ExclusionFile::default();
    let error = |line: u32, column: u32, message: String| ExclusionFileError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let document: Value = match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, column) = e.location().map_or((1, 1), |l| (to_u32(l.line()), to_u32(l.column())));
            out.errors.push(error(line, column, format!("not valid YAML: {e}")));
            return out;
        }
    };
    let entries = match document {
        Value::Null => return out,
        Value::Sequence(items) => items,
        Value::Mapping(map) => match map.get("exclusions") {
            Some(Value::Sequence(items)) => items.clone(),
            Some(Value::Null) | None => {
                out.errors.push(error(1, 1, "expected a list of exclusions, or an `exclusions:` list".into()));
                return out;
            }
            Some(_) => {
                out.errors.push(error(1, 1, "`exclusions` must be a list".into()));
                return out;
            }
        },
        _ => {
            out.errors.push(error(1, 1, "expected a list of exclusions".into()));
            return out;
        }
    };
    let starts = entry_lines(text);
    for (index, entry) in entries.iter().enumerate() {
        let entry_line = starts.get(index).copied().unwrap_or(1);
        let at = |key: &str| key_position(text, entry_line, key).unwrap_or((entry_line, 1));
        let Value::Mapping(map) = entry else {
            out.errors.push(error(
                entry_line,
                1,
                "expected a mapping with `where`, `reason` and `rule` or `tool`".into(),
            ));
            continue;
        };
        let string = |key: &str| -> Result<Option<String>, ExclusionFileError> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(Value::Bool(b)) => Ok(Some(b.to_string())),
                Some(_) => {
                    let (l, c) = at(key);
                    Err(error(l, c, format!("`{key}` must be a string")))
                }
            }
        };
        let parsed = (|| -> Result<FileExclusion, ExclusionFileError> {
            for key in map.keys() {
                let name = key.as_str().unwrap_or("");
                if !["rule", "tool", "table", "where", "reason", "expires"].contains(&name) {
                    let (l, c) = at(name);
                    return Err(error(
                        l,
                        c,
                        format!("unknown key `{name}`; expected rule, tool, table, where, reason, expires"),
                    ));
                }
            }
            let target = match (string("rule")?, string("tool")?) {
                (Some(_), Some(_)) => {
                    let (l, c) = at("tool");
                    return Err(error(l, c, "give `rule` or `tool`, not both".into()));
                }
                (Some(r), None) if r == "*" => Target::All,
                (Some(r), None) => Target::Rule(r),
                (None, Some(t)) if t == "*" => Target::All,
                (None, Some(t)) => Target::Tool(t),
                (None, None) => {
                    return Err(error(entry_line, 1, "missing `rule` (a rule id or \"*\") or `tool`".into()));
                }
            };
            let Some(predicate) = string("where")? else {
                return Err(error(entry_line, 1, "missing `where`: the KQL predicate of the events to exclude".into()));
            };
            let where_at = value_position(text, at("where"), "where");
            let parsed = kql_syntax::parse(&format!("T | where {predicate}"));
            if let Some(d) = parsed.diagnostics.iter().find(|d| d.severity == kql_syntax::Severity::Error) {
                let offset = u32::try_from(d.span.range().start.saturating_sub(10)).unwrap_or(0);
                // Multi-line predicates are placed at their first line.
                let column = if predicate.contains('\n') { where_at.1 } else { where_at.1 + offset };
                return Err(error(
                    where_at.0,
                    column,
                    format!("the `where` predicate is not valid KQL: {}", d.message),
                ));
            }
            let Some(reason) = string("reason")? else {
                return Err(error(entry_line, 1, "missing `reason`: say why these events are benign".into()));
            };
            let expires_text = string("expires")?;
            let expires = match &expires_text {
                None => None,
                Some(t) => match kql_engine::plan::literal::parse_datetime(t) {
                    Some(n) => Some(n),
                    None => {
                        let (l, c) = value_position(text, at("expires"), "expires");
                        return Err(error(l, c, format!("`{t}` is not a date; write it like 2025-06-30")));
                    }
                },
            };
            Ok(FileExclusion {
                target,
                table: string("table")?,
                predicate,
                reason,
                expires,
                expires_text,
                origin: format!("{}:{}", path.display(), entry_line),
                where_at,
            })
        })();
        match parsed {
            Ok(e) => out.exclusions.push(e),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The 1-based lines where the list's entries start: lines whose first non-blank text is `- `
/// at the smallest indentation any such line has.
fn entry_lines(text: &str) -> Vec<u32> {
    let dashes: Vec<(usize, u32)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let indent = l.len() - l.trim_start().len();
            let rest = l.trim_start();
            (rest == "-" || rest.starts_with("- ")).then_some((indent, to_u32(i + 1)))
        })
        .collect();
    let Some(min) = dashes.iter().map(|(i, _)| *i).min() else { return Vec::new() };
    dashes.into_iter().filter(|(i, _)| *i == min).map(|(_, l)| l).collect()
}

/// Line and column of `key:` at or after `from_line` (before the next entry).
fn key_position(text: &str, from_line: u32, key: &str) -> Option<(u32, u32)> {
    for (i, line) in text.lines().enumerate().skip(from_line.saturating_sub(1) as usize) {
        let number = to_u32(i + 1);
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if number > from_line && (line.trim_start() == "-" || line.trim_start().starts_with("- ")) {
            return None;
        }
        if trimmed.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')) {
            let column = line.len() - trimmed.len() + 1;
            return Some((number, to_u32(column)));
        }
    }
    None
}

/// Where the value after `key:` starts, given where the key is.
fn value_position(text: &str, (line, column): (u32, u32), key: &str) -> (u32, u32) {
    let Some(l) = text.lines().nth(line.saturating_sub(1) as usize) else { return (line, column) };
    let start = (column as usize).saturating_sub(1) + key.len();
    let after = l.get(start..).unwrap_or("");
    let after_colon = after.trim_start().strip_prefix(':').unwrap_or(after);
    let skipped = after.len() - after_colon.trim_start().len();
    let mut col = start + skipped + 1;
    // Quotes are part of YAML, not of the predicate.
    if after_colon.trim_start().starts_with(['"', '\'']) {
        col += 1;
    }
    let prefix = l.get(..(col - 1).min(l.len())).unwrap_or(l);
    (line, to_u32(prefix.chars().count() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_errors_and_positions() {
        let text = "\
- rule: r1
  where: FileName =~ \"a.exe\"
  reason: ok
  expires: 2025-01-31
- tool: Pulseway
  where: FileName ==
  reason: broken
- rule: \"*\"
  where: true
- rule: r2
  where: A == 1
  reason: x
  expires: someday
- rule: r3
  wher: A == 1
";
        let file = parse_exclusions(Path::new("ex.yaml"), text);
        assert_eq!(file.exclusions.len(), 1);
        assert_eq!(file.exclusions[0].target, Target::Rule("r1".into()));
        assert_eq!(file.exclusions[0].origin, "ex.yaml:1");
        assert_eq!(file.exclusions[0].expires_text.as_deref(), Some("2025-01-31"));
        let errors: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(errors[0].starts_with("ex.yaml:6:21: the `where` predicate is not valid KQL"), "{}", errors[0]);
        assert_eq!(errors[1], "ex.yaml:8:1: missing `reason`: say why these events are benign");
        assert_eq!(errors[2], "ex.yaml:13:12: `someday` is not a date; write it like 2025-06-30");
        assert!(errors[3].starts_with("ex.yaml:15:3: unknown key `wher`"), "{}", errors[3]);
    }

    #[test]
    fn odd_files_never_panic() {
        for text in [
            "",
            "- ",
            "-\n  where: \u{3000}x",
            "exclusions: 3",
            "- rule: r\n  where: \"é ==\"\n  reason: r",
            "[1, 2]",
            "\u{feff}- rule: x",
        ] {
            let _ = parse_exclusions(Path::new("x.yaml"), text);
        }
    }

    #[test]
    fn invalid_yaml_is_placed() {
        let file = parse_exclusions(Path::new("ex.yaml"), "- rule: [\n");
        assert_eq!(file.errors.len(), 1);
        assert!(file.errors[0].to_string().starts_with("ex.yaml:"), "{}", file.errors[0]);
    }
}
