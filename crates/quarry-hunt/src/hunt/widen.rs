//! A cheaper filter for the shared scan: one regex per column instead of hundreds of predicates.
//!
//! The shared scan only has to keep a *superset* of the rows some rule needs, because every rule
//! then runs its own, unchanged query over the kept rows. So each rule's alternative (the
//! conjunction of its leading `where` clauses) can be replaced by one of its conjuncts, and the
//! conjuncts over the same column merged into one case-insensitive regex: a pack's hundred file
//! rules become one pass of one automaton over `FolderPath`, its two hundred network rules one
//! pass over `RemoteUrl`. Each conjunct maps to a regex that accepts at least what it accepts:
//!
//! - `C has 'x'` and `C has_any ('x', ...)`: `(?i)x`, i.e. contains (a whole-term match is a
//!   substring match; <https://learn.microsoft.com/kusto/query/has-operator>);
//! - `C in~ ('x', ...)`: `(?i)^(?:x|...)$` (<https://learn.microsoft.com/kusto/query/in-cs-operator>);
//! - `C matches regex 'r'`: `(?i)(?:r)` (case-insensitive is a superset of case-sensitive).
//!
//! `(?i)` folds Unicode case, a superset of the ASCII folding these operators use. Anything this
//! module cannot read exactly (another operator, a top-level `or`, an unusual literal) is left as
//! it was, so the scan stays exact for it.

/// Rewrites `alternatives` (each a rule's conjunction, as KQL text) into fewer, cheaper ones that
/// keep at least the same rows.
pub(crate) fn widen_alternatives(alternatives: Vec<String>) -> Vec<String> {
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    for alt in alternatives {
        match widened(&alt) {
            Some((column, fragment)) => match merged.iter_mut().find(|(c, _)| *c == column) {
                Some((_, fragments)) => {
                    if !fragments.contains(&fragment) {
                        fragments.push(fragment);
                    }
                }
                None => merged.push((column, vec![fragment])),
            },
            None => out.push(alt),
        }
    }
    for (column, fragments) in merged {
        let pattern = format!("(?i){}", fragments.iter().map(|f| format!("(?:{f})")).collect::<Vec<_>>().join("|"));
        out.push(format!("({column} matches regex @'{}')", pattern.replace('\'', "''")));
    }
    out
}

/// The column and regex fragment of the best conjunct of `alt`, if it can be read exactly.
fn widened(alt: &str) -> Option<(String, String)> {
    let mut conjuncts = Vec::new();
    flatten_and(alt, &mut conjuncts)?;
    let mut best: Option<(u8, String, String)> = None;
    for c in conjuncts {
        if let Some((rank, column, fragment)) = lead(c)
            && best.as_ref().is_none_or(|(r, _, _)| rank > *r)
        {
            best = Some((rank, column, fragment));
        }
    }
    best.map(|(_, column, fragment)| (column, fragment))
}

/// Splits `text` into its top-level conjuncts, looking through parentheses; `None` when some
/// level has a top-level `or` (then no single conjunct bounds the whole).
fn flatten_and<'a>(text: &'a str, into: &mut Vec<&'a str>) -> Option<()> {
    let text = strip_parens(text)?;
    if split_top(text, "or")?.len() > 1 {
        return None;
    }
    let parts = split_top(text, "and")?;
    if parts.len() == 1 {
        let inner = strip_parens(parts[0])?;
        if inner.len() < parts[0].trim().len() {
            return flatten_and(inner, into);
        }
        into.push(inner);
        return Some(());
    }
    for part in parts {
        flatten_and(part, into)?;
    }
    Some(())
}

/// `text` trimmed, without parentheses that enclose all of it.
fn strip_parens(text: &str) -> Option<&str> {
    let mut text = text.trim();
    while text.starts_with('(') && close_of(text, 0)? == text.len() - 1 {
        text = text[1..text.len() - 1].trim();
    }
    Some(text)
}

/// The byte index of the `)` closing the `(` at `open`.
fn close_of(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'\'' | b'"' => i = string_end(text, i)?,
            b'@' if matches!(bytes.get(i + 1), Some(b'\'' | b'"')) => i = verbatim_end(text, i + 1)?,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits `text` at the keyword `word` where it stands outside brackets and strings.
fn split_top<'a>(text: &'a str, word: &str) -> Option<Vec<&'a str>> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
            b'\'' | b'"' => i = string_end(text, i)?,
            b'@' if matches!(bytes.get(i + 1), Some(b'\'' | b'"')) => i = verbatim_end(text, i + 1)?,
            _ if depth == 0
                && text[i..].starts_with(word)
                && (i == 0 || !is_word(bytes[i - 1]))
                && !bytes.get(i + word.len()).is_some_and(|&b| is_word(b)) =>
            {
                parts.push(&text[start..i]);
                start = i + word.len();
                i = start;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    Some(parts)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'~' || b == b'!' || b == b'-'
}

/// The index of the quote closing the string literal opened at `open` (backslash escapes).
fn string_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The index of the quote closing the verbatim literal opened at `open` (a doubled quote is one).
fn verbatim_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `COLUMN has|has_any|in~|matches regex LITERAL(S)` as (rank, column, regex fragment).
fn lead(conjunct: &str) -> Option<(u8, String, String)> {
    let text = conjunct.trim();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (column, rest) = text.split_at(end);
    if column.is_empty() || column.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start();
    let (rank, fragment) = if let Some(after) = keyword(rest, "matches") {
        let after = keyword(after, "regex")?;
        let (pattern, tail) = literal(after)?;
        tail.trim().is_empty().then_some(())?;
        (3, pattern)
    } else if let Some(after) = keyword(rest, "in~") {
        let values = list(after)?;
        (2, format!("^(?:{})$", values.iter().map(|v| regex_escape(v)).collect::<Vec<_>>().join("|")))
    } else if let Some(after) = keyword(rest, "has_any") {
        let values = list(after)?;
        (1, values.iter().map(|v| regex_escape(v)).collect::<Vec<_>>().join("|"))
    } else if let Some(after) = keyword(rest, "has") {
        let (value, tail) = literal(after)?;
        tail.trim().is_empty().then_some(())?;
        (1, regex_escape(&value))
    } else {
        return None;
    };
    // An empty needle would keep every row (and `has ''` means something else); leave it exact.
    (!fragment.is_empty() && fragment != "^(?:)$").then(|| (rank, column.to_string(), fragment))
}

/// `text` after `word` and the whitespace following it, if `text` starts with that word.
fn keyword<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(word)?;
    (rest.starts_with(char::is_whitespace) || rest.starts_with('(') || rest.starts_with(['\'', '"', '@']))
        .then(|| rest.trim_start())
}

/// `('a', "b", ...)`, to the end of `text`.
fn list(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut values = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let (value, tail) = literal(rest)?;
        values.push(value);
        rest = tail.trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start();
        } else if !rest.is_empty() {
            return None;
        }
    }
    (!values.is_empty()).then_some(values)
}

/// One string literal at the start of `text`: its value and what follows. Only the forms the
/// rule generator and hand-written rules commonly use; anything else gives `None`.
fn literal(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    if let Some(body) = text.strip_prefix('@') {
        let quote = body.chars().next().filter(|c| *c == '\'' || *c == '"')?;
        let end = verbatim_end(body, 0)?;
        let doubled = format!("{quote}{quote}");
        return Some((body[1..end].replace(&doubled, &quote.to_string()), &body[end + 1..]));
    }
    if !text.starts_with(['\'', '"']) {
        return None;
    }
    let end = string_end(text, 0)?;
    let mut value = String::new();
    let mut chars = text[1..end].chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            value.push(match chars.next()? {
                '\\' => '\\',
                '\'' => '\'',
                '"' => '"',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => return None,
            });
        } else {
            value.push(c);
        }
    }
    Some((value, &text[end + 1..]))
}

/// `text` as a regex matching it literally.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conjuncts_become_one_regex_per_column() {
        let alternatives = vec![
            "((FolderPath matches regex @'(?i)^a\\b$'))".to_string(),
            "((RemoteUrl has_any ('x.com', 'y.org')\n    and RemoteUrl matches regex @'(?i)^(?:x\\.com)$'))"
                .to_string(),
            "((ProcessVersionInfoCompanyName has 'MMSoft Design'\nand ProcessVersionInfoProductName has 'Pulseway'))"
                .to_string(),
            "((FileName in~ ('a.exe', 'it''s.exe')))".to_string(),
            "((FileName in~ ('b.exe', \"q\\\"uote.exe\")))".to_string(),
            "((FolderPath matches regex @'it''s'))".to_string(),
        ];
        assert_eq!(
            widen_alternatives(alternatives),
            [
                "((FileName in~ ('a.exe', 'it''s.exe')))",
                "(FolderPath matches regex @'(?i)(?:(?i)^a\\b$)|(?:it''s)')",
                "(RemoteUrl matches regex @'(?i)(?:(?i)^(?:x\\.com)$)')",
                "(ProcessVersionInfoCompanyName matches regex @'(?i)(?:MMSoft Design)')",
                "(FileName matches regex @'(?i)(?:^(?:b\\.exe|q\"uote\\.exe)$)')",
            ]
        );
    }

    #[test]
    fn what_cannot_be_bounded_by_one_conjunct_stays_as_it_was() {
        for alt in [
            "((A has 'x' or B has 'y'))",
            "((A has 'x' and (B has 'y' or C has 'z')) or D has 'w')",
            "((A !has 'x'))",
            "((A has_cs 'x'))",
            "((A hasprefix 'x'))",
            "((A == 'x'))",
            "((A has ''))",
            "((tolower(A) has 'x'))",
            "((A has h'secret'))",
        ] {
            assert_eq!(widen_alternatives(vec![alt.to_string()]), [alt], "{alt}");
        }
        // A conjunction whose parts nest: the best conjunct anywhere in it bounds it.
        assert_eq!(
            widen_alternatives(vec!["((A == 1 and (B has 'x' and C > 2)))".to_string()]),
            ["(B matches regex @'(?i)(?:x)')"]
        );
    }
}
