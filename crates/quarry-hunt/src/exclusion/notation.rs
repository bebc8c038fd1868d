//! The field notation of the seed documents' `Filter/Exclusion:` lines, translated to KQL over
//! the Defender columns of the rule's table. The field map and the decisions behind it are in
//! `docs/field-map.md`; keep the two in step.
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! expr   := and ( ("||" | "OR") and )*
//! and    := unary ( ("&&" | "AND") unary )*
//! unary  := ("!" | "NOT") unary | "(" expr ")" | field op value
//! op     := "==" | "=" | "!=" | "<>" | "contains" | "NOT contains" | "LIKE" | "NOT LIKE"
//!           | "startswith" | "endswith"
//! value  := "string" | 'string' | number
//! field  := name ( "." name )*
//! ```
//!
//! Strings compare case-insensitively (`==` becomes `=~`, `!=` becomes `!~`), as Windows file
//! names, paths and account names are. `LIKE` takes `%` as its only wildcard: `_` is a literal
//! underscore, since the seeds use it inside names (`%scheduled_job%`) and a wider exclusion
//! would hide more than its author meant.

use kql_semantics::{TableSchema, Type};

/// A translated filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The KQL predicate matching the events to exclude.
    pub kql: String,
    /// Set when the line was written as the events to keep (every comparison is `!=`, joined
    /// by AND) and was negated to give the events to exclude.
    pub note: Option<String>,
}

/// Why a filter line could not be translated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotationError {
    /// Not a filter expression: a sentence describing what to exclude.
    Prose(String),
    /// A well-formed filter naming fields that the table has no column for.
    Unmappable {
        /// The fields, as written, in order of first use.
        fields: Vec<String>,
        /// Why, e.g. "DeviceFileCertificateInfo has no column for process.parent_process_name".
        reason: String,
    },
}

/// Translates `text` into a KQL predicate over `table`.
pub fn translate(text: &str, table: &TableSchema) -> Result<Translation, NotationError> {
    let tokens = lex(text).map_err(|at| prose(text, &format!("unexpected character at column {}", at + 1)))?;
    let mut parser = Parser { tokens: &tokens, at: 0 };
    let expr = parser.expr().map_err(|why| prose(text, &why))?;
    if parser.at < tokens.len() {
        return Err(prose(text, &format!("unexpected `{}`", tokens[parser.at].text())));
    }
    let mut missing = Vec::new();
    expr.fields(&mut |field| {
        if column_for(field, table).is_none() && !missing.iter().any(|m: &String| m == field) {
            missing.push(field.to_string());
        }
    });
    if !missing.is_empty() {
        let reason = format!(
            "{} has no column for {}",
            table.name,
            missing.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
        );
        return Err(NotationError::Unmappable { fields: missing, reason });
    }
    if expr.is_keep_filter() {
        let kql = expr.negate().to_kql(table);
        return Ok(Translation {
            kql,
            note: Some(
                "written as the events to keep (every condition is `!=`, joined by AND); the exclusion is its \
                 negation: events where any of the fields equals its value"
                    .to_string(),
            ),
        });
    }
    Ok(Translation { kql: expr.to_kql(table), note: None })
}

fn prose(text: &str, why: &str) -> NotationError {
    let looks_like_filter = text.contains("==") || text.contains("!=") || text.contains("&&") || text.contains("||");
    if looks_like_filter {
        NotationError::Prose(format!("not a well-formed filter ({why})"))
    } else {
        NotationError::Prose("prose only: describes the exclusion in words, with no filter expression".to_string())
    }
}

/// The Defender column a field stands for in `table`, if the table has it.
pub fn column_for<'t>(field: &str, table: &'t TableSchema) -> Option<&'t kql_semantics::Column> {
    let lower = field.to_ascii_lowercase();
    // A Defender column written as is (`FileName`, `RemoteIP`) is taken as is.
    if let Some(column) = table.column(field) {
        return Some(column);
    }
    // On DeviceProcessEvents the event's process is the one created, and its parent is the
    // initiating process; elsewhere the event's process is the initiating process.
    let created = table.name == "DeviceProcessEvents";
    let process =
        |created_col: &'static str, initiating_col: &'static str| if created { created_col } else { initiating_col };
    let name = match lower.as_str() {
        "process.name" | "process.process_name" | "process.executable" | "process_name" => {
            process("FileName", "InitiatingProcessFileName")
        }
        "process.parent_process_name" | "process.parent_name" | "process.parent.name" | "parent_process_name" => {
            process("InitiatingProcessFileName", "InitiatingProcessParentFileName")
        }
        "process.command_line" | "process.commandline" | "command_line" => {
            process("ProcessCommandLine", "InitiatingProcessCommandLine")
        }
        "process.parent_command_line" | "process.parent.command_line" => process("InitiatingProcessCommandLine", ""),
        "process.file_path" | "process.path" | "process.folder_path" => {
            process("FolderPath", "InitiatingProcessFolderPath")
        }
        "process.user" | "process.user.name" | "user.name" | "process.account_name" => {
            process("AccountName", "InitiatingProcessAccountName")
        }
        "process.user.domain" | "user.domain" => process("AccountDomain", "InitiatingProcessAccountDomain"),
        "process.pid" | "process.id" => process("ProcessId", "InitiatingProcessId"),
        "process.hash.sha256" | "process.sha256" => process("SHA256", "InitiatingProcessSHA256"),
        "process.hash.sha1" | "process.sha1" => process("SHA1", "InitiatingProcessSHA1"),
        "process.hash.md5" | "process.md5" => process("MD5", "InitiatingProcessMD5"),
        "file.name" => "FileName",
        "file.path" | "file.folder_path" => "FolderPath",
        "file.hash.sha1" | "file.sha1" => "SHA1",
        "file.hash.sha256" | "file.sha256" => "SHA256",
        "file.signer" | "signer" => "Signer",
        "host.name" | "device.name" | "hostname" | "device_name" => "DeviceName",
        "device.id" | "device_id" => "DeviceId",
        "destination_ip" | "destination.ip" | "dest_ip" | "dst_ip" | "remote_ip" => "RemoteIP",
        "destination_port" | "destination.port" | "dest_port" | "dst_port" | "remote_port" => "RemotePort",
        "destination_url" | "destination.domain" | "url" | "domain" | "remote_url" => "RemoteUrl",
        "source_ip" | "source.ip" | "src_ip" | "local_ip" => "LocalIP",
        "source_port" | "source.port" | "src_port" | "local_port" => "LocalPort",
        "action_type" | "event.action" => "ActionType",
        _ => return None,
    };
    // `file.name` on DeviceNetworkEvents would be FileName, which that table lacks: unmappable.
    table.column(name)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Field(String),
    Str(String),
    Num(String),
    Op(&'static str),
    And,
    Or,
    Not,
    LParen,
    RParen,
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Field(f) => f.clone(),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Num(n) => n.clone(),
            Tok::Op(o) => (*o).to_string(),
            Tok::And => "AND".into(),
            Tok::Or => "OR".into(),
            Tok::Not => "NOT".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
        }
    }
}

/// Splits a line into tokens; `Err(byte offset)` at a character no token starts with.
fn lex(text: &str) -> Result<Vec<Tok>, usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let rest = &text[i..];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with("&&") {
            out.push(Tok::And);
            i += 2;
        } else if rest.starts_with("||") {
            out.push(Tok::Or);
            i += 2;
        } else if rest.starts_with("==") {
            out.push(Tok::Op("=="));
            i += 2;
        } else if rest.starts_with("!=") || rest.starts_with("<>") {
            out.push(Tok::Op("!="));
            i += 2;
        } else if c == b'=' {
            out.push(Tok::Op("=="));
            i += 1;
        } else if c == b'!' {
            out.push(Tok::Not);
            i += 1;
        } else if c == b'(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == b')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == b'"' || c == b'\'' {
            // No escapes in the notation: the string ends at the next matching quote.
            let end = text[i + 1..].find(c as char).ok_or(i)?;
            out.push(Tok::Str(text[i + 1..i + 1 + end].to_string()));
            i += end + 2;
        } else if c.is_ascii_digit() {
            let len = rest.find(|ch: char| !(ch.is_ascii_digit() || ch == '.')).unwrap_or(rest.len());
            out.push(Tok::Num(rest[..len].to_string()));
            i += len;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'@' {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '@'))
                .unwrap_or(rest.len());
            let word = rest[..len].trim_end_matches('.');
            let len = word.len();
            out.push(match word.to_ascii_lowercase().as_str() {
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "contains" => Tok::Op("contains"),
                "like" => Tok::Op("like"),
                "startswith" => Tok::Op("startswith"),
                "endswith" => Tok::Op("endswith"),
                _ => Tok::Field(word.to_string()),
            });
            i += len.max(1);
        } else {
            return Err(i);
        }
    }
    Ok(out)
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cmp { field: String, op: &'static str, negated: bool, value: Value },
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(String),
    Num(String),
}

struct Parser<'a> {
    tokens: &'a [Tok],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::Or(parts) })
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.unary()?];
        while self.peek() == Some(&Tok::And) {
            self.at += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn unary(&mut self) -> Result<Expr, String> {
        match self.peek().cloned() {
            Some(Tok::Not) => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Tok::LParen) => {
                self.at += 1;
                let inner = self.expr()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err("a `(` is not closed".to_string());
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Tok::Field(field)) => {
                self.at += 1;
                let negated = self.peek() == Some(&Tok::Not);
                if negated {
                    self.at += 1;
                }
                let op = match self.peek() {
                    Some(Tok::Op(op)) if !(negated && matches!(*op, "==" | "!=")) => *op,
                    Some(other) => {
                        return Err(format!("expected a comparison after `{field}`, found `{}`", other.text()));
                    }
                    None => return Err(format!("expected a comparison after `{field}`")),
                };
                self.at += 1;
                let value = match self.peek() {
                    Some(Tok::Str(s)) => Value::Str(s.clone()),
                    Some(Tok::Num(n)) => Value::Num(n.clone()),
                    _ => return Err(format!("expected a quoted value after `{field} {op}`")),
                };
                self.at += 1;
                Ok(Expr::Cmp { field, op, negated, value })
            }
            Some(other) => Err(format!("unexpected `{}`", other.text())),
            None => Err("the filter ends too early".to_string()),
        }
    }
}

impl Expr {
    fn fields(&self, f: &mut impl FnMut(&str)) {
        match self {
            Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| p.fields(f)),
            Expr::Not(inner) => inner.fields(f),
            Expr::Cmp { field, .. } => f(field),
        }
    }

    /// Every comparison is `!=` and they are joined by AND (or there is just one).
    fn is_keep_filter(&self) -> bool {
        let is_ne = |e: &Expr| matches!(e, Expr::Cmp { op: "!=", negated: false, .. });
        match self {
            Expr::And(parts) => parts.iter().all(is_ne),
            other => is_ne(other),
        }
    }

    /// De Morgan for a keep-filter: `a != x && b != y` becomes `a == x || b == y`.
    fn negate(&self) -> Expr {
        let flip = |e: &Expr| match e {
            Expr::Cmp { field, value, .. } => {
                Expr::Cmp { field: field.clone(), op: "==", negated: false, value: value.clone() }
            }
            other => Expr::Not(Box::new(other.clone())),
        };
        match self {
            Expr::And(parts) => Expr::Or(parts.iter().map(flip).collect()),
            other => flip(other),
        }
    }

    fn to_kql(&self, table: &TableSchema) -> String {
        match self {
            Expr::And(parts) => parts.iter().map(|p| p.to_kql_nested(table)).collect::<Vec<_>>().join(" and "),
            Expr::Or(parts) => parts.iter().map(|p| p.to_kql_nested(table)).collect::<Vec<_>>().join(" or "),
            Expr::Not(inner) => format!("not({})", inner.to_kql(table)),
            Expr::Cmp { field, op, negated, value } => {
                let Some(column) = column_for(field, table) else { return "false".to_string() };
                cmp_kql(&column.name, column.ty, op, *negated, value)
            }
        }
    }

    fn to_kql_nested(&self, table: &TableSchema) -> String {
        match self {
            Expr::And(_) | Expr::Or(_) => format!("({})", self.to_kql(table)),
            _ => self.to_kql(table),
        }
    }
}

fn cmp_kql(column: &str, ty: Type, op: &str, negated: bool, value: &Value) -> String {
    let numeric = matches!(ty, Type::Int | Type::Long | Type::Real | Type::Decimal);
    if let (true, Value::Num(n), "==" | "!=") = (numeric, value, op) {
        return format!("{column} {op} {n}");
    }
    let text = match value {
        Value::Str(s) | Value::Num(s) => s.as_str(),
    };
    let column = if numeric || ty != Type::String { format!("tostring({column})") } else { column.to_string() };
    let lit = kql_string(text);
    let (base, neg) = match op {
        "==" => return format!("{column} {} {lit}", if negated { "!~" } else { "=~" }),
        "!=" => return format!("{column} !~ {lit}"),
        "contains" => ("contains", negated),
        "startswith" => ("startswith", negated),
        "endswith" => ("endswith", negated),
        _ => return like_kql(&column, text, negated),
    };
    format!("{column} {}{base} {lit}", if neg { "!" } else { "" })
}

/// `LIKE` with `%` wildcards, as the narrowest KQL operator that says the same.
fn like_kql(column: &str, pattern: &str, negated: bool) -> String {
    let bang = if negated { "!" } else { "" };
    let inner = pattern.trim_matches('%');
    let starts = pattern.starts_with('%');
    let ends = pattern.ends_with('%') && pattern.len() > 1;
    if !inner.contains('%') && !inner.is_empty() {
        let op = match (starts, ends) {
            (true, true) => "contains",
            (false, true) => "startswith",
            (true, false) => "endswith",
            (false, false) => return format!("{column} {} {}", if negated { "!~" } else { "=~" }, kql_string(inner)),
        };
        return format!("{column} {bang}{op} {}", kql_string(inner));
    }
    if inner.is_empty() && pattern.contains('%') {
        // `%` or `%%` matches every string.
        return if negated { "false".to_string() } else { "true".to_string() };
    }
    let regex: String = pattern.split('%').map(regex_escape).collect::<Vec<_>>().join(".*");
    let test = format!("{column} matches regex {}", kql_string(&format!("(?is)^{regex}$")));
    if negated { format!("not({test})") } else { test }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~ ".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A KQL string literal: double quotes, with `\` and `"` escaped.
pub fn kql_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use kql_semantics::{Catalog, SchemaCatalog};

    use super::*;

    fn table(name: &str) -> &'static TableSchema {
        SchemaCatalog::defender_ref().table(name).unwrap()
    }

    #[test]
    fn like_patterns_pick_the_narrowest_operator() {
        assert_eq!(like_kql("C", "%a_b%", false), "C contains \"a_b\"");
        assert_eq!(like_kql("C", "a%", false), "C startswith \"a\"");
        assert_eq!(like_kql("C", "%a.exe", true), "C !endswith \"a.exe\"");
        assert_eq!(like_kql("C", "abc", false), "C =~ \"abc\"");
        assert_eq!(like_kql("C", "a%b", false), "C matches regex \"(?is)^a.*b$\"");
        assert_eq!(like_kql("C", "%", false), "true");
    }

    #[test]
    fn precedence_and_parentheses() {
        let t = table("DeviceProcessEvents");
        let got = translate(
            r#"process.name == "a" || process.name == "b" && (file.name contains "c" OR NOT process.user == "d")"#,
            t,
        )
        .unwrap();
        assert_eq!(
            got.kql,
            r#"FileName =~ "a" or (FileName =~ "b" and (FileName contains "c" or not(AccountName =~ "d")))"#
        );
        assert_eq!(got.note, None);
    }

    #[test]
    fn numbers_on_numeric_columns() {
        let t = table("DeviceNetworkEvents");
        let got = translate("destination_port == 443 and destination_ip == \"1.2.3.4\"", t).unwrap();
        assert_eq!(got.kql, "RemotePort == 443 and RemoteIP =~ \"1.2.3.4\"");
    }

    #[test]
    fn odd_input_never_panics() {
        let t = table("DeviceNetworkEvents");
        let inputs = [
            "",
            " ",
            "\"",
            "'",
            "process.name == \"",
            "== \"a\"",
            "((process.name == \"a\")",
            "process.name LIKE",
            "process.name LIKE \"%%\"",
            "process.name LIKE \"%\"",
            "NOT",
            "&& ||",
            "process.name == \"é\u{3000}\" && x",
            "ünïcode == \"x\"",
            "process.name == 12.5.5",
            "a.b.c.d == \"x\" OR (",
            "process.name contains \"\\\"\"",
        ];
        for input in inputs {
            let _ = translate(input, t);
        }
        assert_eq!(
            translate(r#"process.name LIKE "%""#, t).unwrap().kql,
            "true",
            "a pattern of only wildcards matches everything"
        );
    }

    #[test]
    fn prose_and_broken_filters() {
        let t = table("DeviceProcessEvents");
        let err = translate("Exclude processes started by admins.", t).unwrap_err();
        assert!(matches!(&err, NotationError::Prose(r) if r.starts_with("prose only")), "{err:?}");
        let err = translate(r#"process.name == "a" &&"#, t).unwrap_err();
        assert!(matches!(&err, NotationError::Prose(r) if r.starts_with("not a well-formed filter")), "{err:?}");
    }
}
