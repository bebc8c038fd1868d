//! Rules as Sentinel hunting-rule YAML, the form `quarry rules export` writes.
//!
//! The fields are Sentinel's: `id`, `name`, `description`, `requiredDataConnectors`, `tactics`,
//! `relevantTechniques`, `query`, plus `severity` and `tags` (the RMM tool's name, so a
//! Sentinel user can filter on it). Quarry's own loader reads the tool back from the rule's
//! name (`... - <Tool> - ...`); the seed rules' hypothesis and false-positive scenarios are
//! kept as `hypothesis` and `scenarios` keys, which Quarry reads and Sentinel ignores.

use crate::rule::Rule;

use super::RuleKind;

/// A YAML double-quoted scalar. JSON string escaping is a subset of YAML's double-quoted style.
fn quoted(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string())
}

/// A literal block scalar (`|`) at `indent` spaces, for multi-line text. The text's own line
/// breaks are kept; a final line break is added when missing.
fn block(value: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("|\n");
    for line in value.trim_end_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Whether `value` can be written as a literal block: no tabs or control characters, and a
/// first line that does not start with a space (YAML would read that as extra indentation).
fn block_safe(value: &str) -> bool {
    !value.starts_with(' ') && value.chars().all(|c| c == '\n' || !c.is_control())
}

fn text(key: &str, value: &str) -> String {
    if value.contains('\n') && block_safe(value) {
        format!("{key}: {}", block(value, 2))
    } else {
        format!("{key}: {}\n", quoted(value))
    }
}

/// The rule as a Sentinel hunting-rule YAML document.
pub fn to_sentinel_yaml(rule: &Rule) -> String {
    let mut out = String::new();
    out.push_str(&format!("id: {}\n", quoted(&rule.id)));
    out.push_str(&format!("name: {}\n", quoted(&rule.name)));
    out.push_str(&text("description", &format!("{}\n", rule.description.trim())));
    if let Some(severity) = &rule.severity {
        out.push_str(&format!("severity: {}\n", quoted(severity)));
    }
    out.push_str("requiredDataConnectors:\n");
    for connector in &rule.data_connectors {
        out.push_str(&format!("  - connectorId: {}\n    dataTypes:\n", quoted(&connector.connector_id)));
        for table in &connector.data_types {
            out.push_str(&format!("      - {}\n", quoted(table)));
        }
    }
    out.push_str("tactics:\n");
    for t in &rule.tactics {
        out.push_str(&format!("  - {}\n", quoted(t)));
    }
    out.push_str("relevantTechniques:\n");
    for t in &rule.techniques {
        out.push_str(&format!("  - {}\n", quoted(t)));
    }
    if let Some(tool) = &rule.tool {
        out.push_str(&format!("tags:\n  - \"RMM\"\n  - {}\n", quoted(tool)));
    }
    out.push_str(&text("query", &rule.query));
    if !rule.scenarios.is_empty() {
        if let Some(h) = &rule.hypothesis {
            out.push_str(&format!("hypothesis: {}\n", quoted(h.trim())));
        }
        out.push_str("scenarios:\n");
        for s in &rule.scenarios {
            out.push_str(&format!("  - scenario: {}\n", quoted(&s.scenario)));
            if let Some(d) = &s.description {
                out.push_str(&format!("    description: {}\n", quoted(d)));
            }
            if let Some(e) = &s.exclusion {
                out.push_str(&format!("    exclusion: {}\n", quoted(e)));
            }
        }
    }
    out
}

/// The file name of a rule of the pack: `<tool slug>-<kind>.yaml`, or `<id>.yaml` for a rule
/// that is not one of the catalogue's.
pub fn file_name(rule: &Rule) -> String {
    let kind = rule.data_connectors.first().and_then(|c| c.data_types.first()).and_then(|t| RuleKind::from_table(t));
    let slug = rule.tool.as_deref().and_then(|t| crate::catalog::builtin().find(t)).map(|t| t.slug.clone());
    match (slug, kind) {
        (Some(slug), Some(kind)) => format!("{slug}-{}.yaml", kind.as_str()),
        _ => format!("{}.yaml", rule.id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")),
    }
}
