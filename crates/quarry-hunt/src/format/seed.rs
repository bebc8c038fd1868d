//! Seed documents: the text format the first RMM rules were written in.
//!
//! ```text
//! <hypothesis paragraph>
//! KQL Query
//! <the query, unindented>
//! id: <uuid>
//! name: <rule name>
//! <the rest of a Sentinel rule, flattened: no indentation>
//! | Sentinel Table | Notes |
//! |---|---|
//! ...
//! Scenario: ...
//! Filter/Exclusion: ...
//! ```
//!
//! The query is the lines between the `KQL Query` line and the `id:` line, trailing blank lines
//! dropped. It is a verbatim slice of the file, so positions map one to one. A Markdown code
//! fence right after the marker is honoured too.

use std::sync::Arc;

use super::yaml_scan::scan_metadata;
use super::{Extracted, Line, is_blank, lines};
use crate::lint::RuleMetadata;
use crate::origin::{FileText, Position};
use crate::rule::Scenario;
use crate::source::slice_origin;

/// The index of the `KQL Query` line among `lines(text)`, if there is one. The marker may be a
/// Markdown heading or end with a colon: `## KQL Query`, `KQL Query:`.
pub(crate) fn find_marker(text: &str) -> Option<usize> {
    lines(text).iter().position(|line| is_marker(line.text(text)))
}

fn is_marker(line: &str) -> bool {
    let line = line.trim().trim_start_matches('#').trim_matches(['*', ':', ' ', '\t']);
    line.eq_ignore_ascii_case("KQL Query")
}

pub(crate) fn extract(file: &Arc<FileText>) -> Result<Extracted, String> {
    let text = file.text();
    let all = lines(text);
    let marker =
        all.iter().position(|line| is_marker(line.text(text))).ok_or_else(|| "no `KQL Query` line".to_string())?;
    let after = &all[marker + 1..];
    let first = after.iter().position(|l| !is_blank(l.text(text)));
    let (body, rest) = match first {
        Some(i) if is_fence(after[i].text(text)) => {
            let body = &after[i + 1..];
            let close = body.iter().position(|l| is_fence(l.text(text))).unwrap_or(body.len());
            (&body[..close], &body[close..])
        }
        Some(i) => {
            let body = &after[i..];
            let end =
                body.iter().enumerate().position(|(j, l)| ends_query(text, l, body.get(j + 1))).unwrap_or(body.len());
            (&body[..end], &body[end..])
        }
        None => (after, &after[after.len()..]),
    };
    let first = body.iter().position(|l| !is_blank(l.text(text)));
    let last = body.iter().rposition(|l| !is_blank(l.text(text)));
    let (Some(first), Some(last)) = (first, last) else {
        return Err("nothing between the `KQL Query` line and the `id:` line".to_string());
    };
    let start = body[first].start;
    let query = text[start..body[last].end].to_string();
    Ok(Extracted {
        rule_id: field(text, rest, "id"),
        name: field(text, rest, "name"),
        query,
        origin: slice_origin(file, start),
        notes: Vec::new(),
        metadata: metadata(text, rest),
    })
}

/// The flattened rule after the query, if there is one: the lines of `rest` up to the
/// Markdown table or the first scenario, read by the line scanner with no indentation.
fn metadata(text: &str, rest: &[Line]) -> Option<RuleMetadata> {
    let end = rest
        .iter()
        .enumerate()
        .position(|(i, l)| {
            let line = l.text(text);
            line.starts_with("Scenario:")
                || line.trim_start().starts_with('|')
                    && rest.get(i + 1).is_some_and(|n| is_table_separator(n.text(text)))
        })
        .unwrap_or(rest.len());
    let meta = scan_metadata(text, &rest[..end], true);
    (!meta.keys.is_empty()).then_some(meta)
}

/// Whether `line` is where the query stops: the flattened rule's `id:` line, a Markdown table
/// (a row followed by a `|---|` separator) or the first scenario.
fn ends_query(text: &str, line: &Line, next: Option<&Line>) -> bool {
    let current = line.text(text);
    if key_value(current, "id").is_some() || current.starts_with("Scenario:") {
        return true;
    }
    current.trim_start().starts_with('|') && next.is_some_and(|n| is_table_separator(n.text(text)))
}

fn is_table_separator(line: &str) -> bool {
    let line = line.trim();
    line.contains("---") && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn is_fence(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("```") || line.starts_with("~~~")
}

/// The value of the first unindented `key: value` line among `lines`.
fn field(text: &str, lines: &[Line], key: &str) -> Option<String> {
    lines.iter().find_map(|l| key_value(l.text(text), key)).map(unquote)
}

fn key_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let value = line.strip_prefix(key)?.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    let value = value.trim();
    (!value.is_empty()).then_some(value)
}

fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner.to_string();
        }
    }
    value.to_string()
}

/// The hypothesis of a seed document: the non-blank lines before its `KQL Query` line, joined
/// with single spaces (a Markdown heading's `#` marks dropped). `None` when there are none.
pub(crate) fn hypothesis(text: &str) -> Option<String> {
    let all = lines(text);
    let marker = all.iter().position(|line| is_marker(line.text(text)))?;
    let words: Vec<&str> = all[..marker]
        .iter()
        .map(|l| l.text(text).trim().trim_start_matches('#').trim())
        .filter(|l| !l.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A false-positive scenario of a seed document, with the line each part is written on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SeedScenario {
    pub scenario: Scenario,
    /// The `Scenario:` line.
    pub line: u32,
    /// Where the exclusion's text starts (after `Filter/Exclusion:`), when there is one.
    pub exclusion_at: Option<Position>,
}

/// The false-positive scenarios of a seed document: each `Scenario:` line, an optional
/// `Description:` line and an optional `Filter/Exclusion:` line (also spelled `Filter:`,
/// `Exclusion:`). Lines that start with none of these keys continue the previous part. Text
/// before the first `Scenario:` line is not read.
pub(crate) fn scenarios(text: &str) -> Vec<SeedScenario> {
    #[derive(Clone, Copy, PartialEq)]
    enum Part {
        Scenario,
        Description,
        Exclusion,
    }
    let mut out: Vec<SeedScenario> = Vec::new();
    let mut part = None;
    for (index, line) in lines(text).into_iter().enumerate() {
        let raw = line.text(text);
        let trimmed = raw.trim();
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let keyed = |key: &str| -> Option<(String, u32)> {
            let lead = raw.len() - raw.trim_start().len();
            let rest = trimmed.strip_prefix(key)?;
            let rest = rest.strip_prefix(':')?;
            let value = rest.trim_start();
            let column = raw[..lead + key.len() + 1 + (rest.len() - value.len())].chars().count() + 1;
            Some((value.trim_end().to_string(), u32::try_from(column).unwrap_or(u32::MAX)))
        };
        if let Some((value, _)) = keyed("Scenario") {
            out.push(SeedScenario {
                scenario: Scenario { scenario: value, description: None, exclusion: None },
                line: line_no,
                exclusion_at: None,
            });
            part = Some(Part::Scenario);
            continue;
        }
        let Some(current) = out.last_mut() else { continue };
        if let Some((value, _)) = keyed("Description") {
            current.scenario.description = Some(value);
            part = Some(Part::Description);
        } else if let Some((value, column)) =
            keyed("Filter/Exclusion").or_else(|| keyed("Filter")).or_else(|| keyed("Exclusion"))
        {
            current.scenario.exclusion = Some(value);
            current.exclusion_at = Some(Position { line: line_no, column });
            part = Some(Part::Exclusion);
        } else if !trimmed.is_empty() {
            // A continuation of the part above, as when a long filter wraps.
            let target = match part {
                Some(Part::Scenario) => Some(&mut current.scenario.scenario),
                Some(Part::Description) => current.scenario.description.as_mut(),
                Some(Part::Exclusion) => current.scenario.exclusion.as_mut(),
                None => None,
            };
            if let Some(target) = target {
                if !target.is_empty() {
                    target.push(' ');
                }
                target.push_str(trimmed);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::{Position, SourceFormat, load_text};

    const SEED: &str = "\
Adversaries may install the made-up ZetaDesk agent to keep remote access; hunt for its processes.
KQL Query
let lookback = 7d;
DeviceProcessEvents
| where Timestamp > ago(lookback)
| where ProcessVersionInfoCompanyName has 'Zeta Remote Ltd'

id: 0b6e2a5c-1111-4c2b-9a3e-000000000001
name: RMM tool - ZetaDesk - Create Process
description: |
Made-up rule used as a test fixture.
query: |
let lookback = 7d;
DeviceProcessEvents
| Sentinel Table | Notes |
|---|---|
DeviceProcessEvents | Ensure this data connector is enabled |
Scenario: An admin installs ZetaDesk on purpose.
Filter/Exclusion: Exclude the admin's devices.
";

    #[test]
    fn query_is_between_marker_and_id() {
        let source = load_text(Path::new("seed.txt"), SEED, SourceFormat::SeedDocument).unwrap();
        assert_eq!(
            source.query,
            "let lookback = 7d;\nDeviceProcessEvents\n| where Timestamp > ago(lookback)\n\
             | where ProcessVersionInfoCompanyName has 'Zeta Remote Ltd'"
        );
        assert_eq!(source.rule_id.as_deref(), Some("0b6e2a5c-1111-4c2b-9a3e-000000000001"));
        assert_eq!(source.name.as_deref(), Some("RMM tool - ZetaDesk - Create Process"));
        let has = source.query.find("has").unwrap();
        // Line 6 of the file, after `| where ProcessVersionInfoCompanyName `.
        assert_eq!(source.origin.position(has), Position { line: 6, column: 39 });
        assert_eq!(source.origin.line_text(6), "| where ProcessVersionInfoCompanyName has 'Zeta Remote Ltd'");
    }

    #[test]
    fn crlf_and_code_fence() {
        let text = "Why.\r\n## KQL Query\r\n```kql\r\nT\r\n| take 1\r\n```\r\nid: abc\r\nname: \"Fenced\"\r\n";
        let source = load_text(Path::new("s.txt"), text, SourceFormat::SeedDocument).unwrap();
        assert_eq!(source.query, "T\r\n| take 1");
        assert_eq!(source.rule_id.as_deref(), Some("abc"));
        assert_eq!(source.name.as_deref(), Some("Fenced"));
        assert_eq!(source.origin.position(5), Position { line: 5, column: 3 });
    }

    #[test]
    fn without_id_the_table_ends_the_query() {
        let text = "KQL Query\nT\n| take 1\n| Sentinel Table | Notes |\n|---|---|\nT | x |\n";
        let source = load_text(Path::new("s.txt"), text, SourceFormat::SeedDocument).unwrap();
        assert_eq!(source.query, "T\n| take 1");
        assert_eq!(source.rule_id, None);
    }

    #[test]
    fn hypothesis_and_scenarios() {
        assert_eq!(
            super::hypothesis(SEED).as_deref(),
            Some("Adversaries may install the made-up ZetaDesk agent to keep remote access; hunt for its processes.")
        );
        let text = "H1\n\n# H2\nKQL Query\nT\nid: x\nScenario: One\nDescription: D1\nFilter/Exclusion: \
                    process.name == \"a\"\n  && file.name contains \"b\"\nScenario: Two\r\nFilter/Exclusion: Exclude it.";
        assert_eq!(super::hypothesis(text).as_deref(), Some("H1 H2"));
        let found = super::scenarios(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].scenario.scenario, "One");
        assert_eq!(found[0].scenario.description.as_deref(), Some("D1"));
        assert_eq!(found[0].scenario.exclusion.as_deref(), Some("process.name == \"a\" && file.name contains \"b\""));
        assert_eq!(found[0].line, 7);
        assert_eq!(found[0].exclusion_at, Some(Position { line: 9, column: 19 }));
        assert_eq!(found[1].scenario.description, None);
        assert_eq!(found[1].scenario.exclusion.as_deref(), Some("Exclude it."));
        assert!(super::scenarios(SEED).len() == 1);
    }

    #[test]
    fn marker_without_query_is_an_error() {
        let err = load_text(Path::new("s.txt"), "KQL Query\n\nid: x\n", SourceFormat::SeedDocument).unwrap_err();
        assert_eq!(err.code(), "QH002");
        let err = load_text(Path::new("s.txt"), "no marker\n", SourceFormat::SeedDocument).unwrap_err();
        assert!(err.to_string().contains("KQL Query"), "{err}");
    }
}
