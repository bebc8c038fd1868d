//! Regular expressions with Kusto's (RE2's) syntax, compiled once and shared.
//!
//! Kusto documents its regular expressions as RE2 syntax
//! (<https://learn.microsoft.com/kusto/query/re2>). The `regex` crate takes the same syntax,
//! with one difference that changes results: RE2's Perl classes `\d`, `\w`, `\s` and the word
//! boundary `\b` are ASCII-only, while the crate's are Unicode-aware. [`compile`] rewrites them
//! to their ASCII meaning before compiling.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use datafusion::common::{DataFusionError, Result};
use regex::Regex;

/// Compiled patterns, shared by every query of the process. Cleared when it grows past
/// `CACHE_LIMIT` entries (patterns are nearly always literals of a query, so few).
static CACHE: LazyLock<Mutex<HashMap<String, Arc<Regex>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
const CACHE_LIMIT: usize = 1024;

/// Compiles a Kusto regular expression, or finds it compiled already.
pub(crate) fn compile(pattern: &str) -> Result<Arc<Regex>> {
    {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(re) = cache.get(pattern) {
            return Ok(Arc::clone(re));
        }
    }
    // A lazy DFA cache of 32 MiB (the crate's default is 2 MiB): a hunt's scan filter joins
    // hundreds of case-insensitive patterns into one, whose DFA states would otherwise be
    // thrown away and rebuilt all the time (a third of a pack hunt's time). The cache grows
    // only as far as a pattern needs.
    let re = regex::RegexBuilder::new(&to_rust_syntax(pattern))
        .dfa_size_limit(32 << 20)
        .build()
        .map_err(|e| DataFusionError::Execution(format!("invalid regular expression {pattern:?}: {e}")))?;
    let re = Arc::new(re);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(pattern.to_string(), Arc::clone(&re));
    Ok(re)
}

/// The last pattern compiled for a column of per-row patterns, so that runs of the same
/// pattern cost one lookup.
#[derive(Default)]
pub(crate) struct Memo {
    last: Option<(String, Arc<Regex>)>,
}

impl Memo {
    pub(crate) fn get(&mut self, pattern: &str) -> Result<Arc<Regex>> {
        if let Some((p, re)) = &self.last
            && p == pattern
        {
            return Ok(Arc::clone(re));
        }
        let re = compile(pattern)?;
        self.last = Some((pattern.to_string(), Arc::clone(&re)));
        Ok(re)
    }
}

/// Rewrites RE2's ASCII-only Perl classes and word boundaries for the `regex` crate.
fn to_rust_syntax(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                Some('D') => out.push_str("[^0-9]"),
                Some('w') => out.push_str(if in_class { "0-9A-Za-z_" } else { "[0-9A-Za-z_]" }),
                Some('W') => out.push_str("[^0-9A-Za-z_]"),
                Some('s') => out.push_str(if in_class { r"\t\n\f\r\x20" } else { r"[\t\n\f\r\x20]" }),
                Some('S') => out.push_str(r"[^\t\n\f\r\x20]"),
                Some('b') if !in_class => out.push_str(r"(?-u:\b)"),
                Some('B') if !in_class => out.push_str(r"(?-u:\B)"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A `]` first in a class is a literal.
                if chars.peek() == Some(&']') {
                    out.push_str(r"\]");
                    chars.next();
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // A POSIX class such as `[:alpha:]`: copied whole.
                out.push('[');
                for p in chars.by_ref() {
                    out.push(p);
                    if p == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii() {
        let re = compile(r"\w+").unwrap();
        assert_eq!(re.find("café").unwrap().as_str(), "caf");
        let re = compile(r"\d+").unwrap();
        assert!(re.find("١٢٣").is_none(), "Arabic-Indic digits are not \\d in RE2");
        let re = compile(r"[\d\s]+").unwrap();
        assert_eq!(re.find("a1 2b").unwrap().as_str(), "1 2");
        let re = compile(r"[^\D]+").unwrap();
        assert_eq!(re.find("ab12c").unwrap().as_str(), "12");
        let re = compile(r"\bcmd\b").unwrap();
        assert!(re.is_match("C:\\cmd.exe"));
        assert!(!re.is_match("xcmd"));
        let re = compile(r"[]a]+").unwrap();
        assert_eq!(re.find("x]a]").unwrap().as_str(), "]a]");
        let re = compile(r"[[:alpha:]]+").unwrap();
        assert_eq!(re.find("12ab3").unwrap().as_str(), "ab");
        let re = compile(r"(?i)\\HKLM").unwrap();
        assert!(re.is_match(r"\hklm\x"));
    }

    #[test]
    fn invalid_patterns_are_errors() {
        let err = compile("(").unwrap_err().to_string();
        assert!(err.contains("invalid regular expression"), "{err}");
    }

    #[test]
    fn memo_reuses() {
        let mut memo = Memo::default();
        let a = memo.get("a+").unwrap();
        let b = memo.get("a+").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }
}
