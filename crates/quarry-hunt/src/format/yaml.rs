//! Sentinel hunting and analytics rules: YAML with top-level `id`, `name` and `query` fields.
//!
//! The file is parsed as YAML first. When that fails, which happens with real rule files (a
//! mis-indented list, a tab), the line scanner in `yaml_scan` finds the top-level fields
//! anyway and the failure becomes a warning note. Either way the query's positions are mapped
//! to the file by aligning the value with the raw lines of the `query:` entry.

use std::sync::Arc;

use serde_yaml_ng::{Mapping, Value};

use super::yaml_scan::{ScannedScalar, scan_key, scan_metadata};
use super::{Extracted, lines};
use crate::codes;
use crate::lint::{DataConnector, Located, RuleMetadata};
use crate::origin::{FileText, Origin, Position};
use crate::source::{SourceNote, slice_origin};

/// Whether `text` has a top-level `query:` entry, the mark of a rule file.
pub(crate) fn looks_like_rule(text: &str) -> bool {
    scan_key(text, "query").is_some()
}

/// Whether a YAML file met in a folder walk is meant as a rule: it has a top-level `query`, or
/// at least the `id` and `name` every Sentinel rule has (so a rule that lost its query is
/// reported). Other YAML (Sigma rules, tool catalogues, CI files) is none of our business.
pub(crate) fn is_rule_candidate(text: &str) -> bool {
    looks_like_rule(text) || scan_key(text, "id").is_some() && scan_key(text, "name").is_some()
}

pub(crate) fn extract(file: &Arc<FileText>) -> Result<Extracted, String> {
    let text = file.text();
    let scanned_query = scan_key(text, "query");
    match serde_yaml_ng::from_str::<Value>(text) {
        Ok(document) => {
            let field = |key: &str| match &document {
                Value::Mapping(map) => map.get(key).cloned(),
                _ => None,
            };
            let query = match field("query") {
                Some(Value::String(query)) => query,
                Some(Value::Null) | None => return Err("no `query` field".to_string()),
                Some(_) => return Err("the `query` field is not a string".to_string()),
            };
            if query.trim().is_empty() {
                return Err("the `query` field is empty".to_string());
            }
            let origin = match &scanned_query {
                Some(scanned) => Origin::aligned(Arc::clone(file), &query, &scanned.lines, scanned.style),
                None => slice_origin(file, 0),
            };
            let metadata = match &document {
                Value::Mapping(map) => merge_metadata(scan_metadata(text, &lines(text), false), map),
                _ => scan_metadata(text, &lines(text), false),
            };
            Ok(Extracted {
                rule_id: field("id").and_then(scalar_text),
                name: field("name").and_then(scalar_text),
                query,
                origin,
                notes: Vec::new(),
                metadata: Some(metadata),
            })
        }
        Err(error) => {
            let Some(ScannedScalar { value, lines, style, .. }) = scanned_query else {
                return Err(format!("not valid YAML ({error}) and no top-level `query:` line"));
            };
            if value.trim().is_empty() {
                return Err(format!("not valid YAML ({error}) and the `query:` block is empty"));
            }
            let note = SourceNote {
                code: codes::INVALID_YAML,
                message: format!("invalid YAML: {error}"),
                help: Some(
                    "the query was found by scanning the file's lines; YAML tools and Sentinel \
                     deployment may reject the file"
                        .to_string(),
                ),
                position: error.location().map(|l| Position {
                    line: u32::try_from(l.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(l.column()).unwrap_or(u32::MAX),
                }),
            };
            let scalar = |key: &str| scan_key(text, key).map(|s| s.value.trim().to_string()).filter(|v| !v.is_empty());
            Ok(Extracted {
                rule_id: scalar("id"),
                name: scalar("name"),
                origin: Origin::aligned(Arc::clone(file), &value, &lines, style),
                query: value,
                notes: vec![note],
                metadata: Some(scan_metadata(text, &super::lines(text), false)),
            })
        }
    }
}

/// The text of a scalar YAML value: strings as they are, numbers and booleans printed.
fn scalar_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The rule's metadata from the parsed document, placed in the file with the positions the
/// line scanner found (`scanned`). Values come from the YAML parser, which is right about
/// quoting, escapes and structure; a value the scanner did not find where the parser did is
/// placed at its key, or at the start of the rule.
fn merge_metadata(scanned: RuleMetadata, map: &Mapping) -> RuleMetadata {
    let mut meta = RuleMetadata::new(scanned.start);
    meta.keys = scanned.keys.clone();
    let at_key = |key: &str| scanned.key_position(key).unwrap_or(scanned.start);
    let scalar = |key: &str, found: &Option<Located<String>>| -> Option<Located<String>> {
        let value = map.get(key)?;
        let text = match value {
            Value::Null => String::new(),
            other => match scalar_text(other.clone()) {
                Some(text) => text,
                // A list or mapping where a scalar belongs: as written.
                None => found.as_ref().map_or_else(String::new, |f| f.value.clone()),
            },
        };
        Some(match found {
            Some(found) => Located::new(text, found.start, found.end),
            None => Located::new(text, at_key(key), at_key(key)),
        })
    };
    meta.id = scalar("id", &scanned.id);
    meta.name = scalar("name", &scanned.name);
    meta.description = scalar("description", &scanned.description);
    meta.severity = scalar("severity", &scanned.severity);
    meta.kind = scalar("kind", &scanned.kind);
    meta.query_frequency = scalar("queryFrequency", &scanned.query_frequency);
    meta.query_period = scalar("queryPeriod", &scanned.query_period);
    meta.tactics = place(list_values(map.get("tactics")), &scanned.tactics, at_key("tactics"));
    meta.relevant_techniques =
        place(list_values(map.get("relevantTechniques")), &scanned.relevant_techniques, at_key("relevantTechniques"));
    if let Some(Value::Sequence(entries)) = map.get("requiredDataConnectors") {
        let fallback = at_key("requiredDataConnectors");
        meta.required_data_connectors = entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| {
                let Value::Mapping(entry) = entry else { return None };
                let found = scanned.required_data_connectors.get(i);
                let start = found.map_or(fallback, |c| c.start);
                let connector_id = entry.get("connectorId").cloned().and_then(scalar_text).map(|id| {
                    match found.and_then(|c| c.connector_id.as_ref()) {
                        Some(f) => Located::new(id, f.start, f.end),
                        None => Located::new(id, start, start),
                    }
                });
                let scanned_types = found.map_or(&[][..], |c| &c.data_types[..]);
                let data_types = place(list_values(entry.get("dataTypes")), scanned_types, start);
                Some(DataConnector { start, connector_id, data_types })
            })
            .collect();
    }
    meta
}

/// The entries of a list-valued field: a sequence of scalars, or one string whose
/// comma-separated parts are the entries.
fn list_values(value: Option<&Value>) -> Vec<String> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().cloned().filter_map(scalar_text).collect(),
        Some(Value::String(s)) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        Some(other) => scalar_text(other.clone()).into_iter().collect(),
    }
}

/// Places parsed list entries at the positions the scanner found for them: entry `i` at the
/// scanner's entry `i` when both found as many, or when the texts agree; else at `fallback`.
fn place(values: Vec<String>, scanned: &[Located<String>], fallback: Position) -> Vec<Located<String>> {
    let same_count = values.len() == scanned.len();
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| match scanned.get(i) {
            Some(found) if same_count || found.value == value => Located::new(value, found.start, found.end),
            _ => Located::new(value, fallback, fallback),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::{Position, QuerySource, SourceFormat, load_text};

    fn load(text: &str) -> QuerySource {
        load_text(Path::new("rule.yaml"), text, SourceFormat::RuleYaml).unwrap()
    }

    /// A made-up RMM rule in Sentinel's shape. The query starts on file line 12.
    const RULE: &str = "\
id: 3f1c9a7e-2222-4d6b-8e1f-000000000002
name: RMM tool - ZetaDesk - Network Connection
description: |
  Made-up rule used as a test fixture.
severity: Medium
requiredDataConnectors:
  - connectorId: MicrosoftThreatProtection
    dataTypes:
      - DeviceNetworkEvents
tactics:
  - CommandAndControl
query: |
  DeviceNetworkEvents
  | where RemoteUrl has 'relay.zetadesk.example'
  | where isnotempty(InitiatingProcessFileName)
  | summarize Count=count() by DeviceId, DeviceName
version: 1.0.0
";

    #[test]
    fn valid_rule_yaml() {
        let source = load(RULE);
        assert_eq!(source.rule_id.as_deref(), Some("3f1c9a7e-2222-4d6b-8e1f-000000000002"));
        assert_eq!(source.name.as_deref(), Some("RMM tool - ZetaDesk - Network Connection"));
        assert!(source.query.starts_with("DeviceNetworkEvents\n| where RemoteUrl"));
        assert!(source.query.ends_with("by DeviceId, DeviceName\n"));
        assert!(source.notes.is_empty());
        let at = source.query.find("isnotempty").unwrap();
        assert_eq!(source.origin.position(at), Position { line: 15, column: 11 });
    }

    #[test]
    fn error_on_query_line_3_col_5_maps_to_file_line_13_col_7() {
        // `query: |` on file line 10, the block indented by two spaces.
        let text = "\
id: 11111111-0000-4000-8000-000000000003
name: Fixture
description: x
severity: Low
tactics:
  - CommandAndControl
relevantTechniques:
  - T1219
queryFrequency: 1d
query: |
  DeviceProcessEvents
  | where FileName =~ 'zz.exe'
      whre FolderPath has 'zz'
";
        let source = load(text);
        let line3 = source.query.match_indices('\n').nth(1).unwrap().0 + 1;
        let offset = line3 + 4; // query line 3, column 5: `whre`, after 4 spaces
        assert_eq!(&source.query[offset..offset + 4], "whre");
        assert_eq!(source.origin.position(offset), Position { line: 13, column: 7 });
        let range = source.origin.file_range(offset..offset + 4);
        assert_eq!(&text[range], "whre");
    }

    /// Mis-indented `dataTypes:` makes this invalid YAML, as in some published rules.
    const BROKEN: &str = "\
id: 5d0a7b3c-3333-4e7a-9c2d-000000000004
name: RMM tool - ZetaDesk - Create Process
description: |
    Made-up rule used as a test fixture.
requiredDataConnectors:
    - connectorId: MicrosoftThreatProtection
    dataTypes:
        - DeviceProcessEvents
tactics: CommandAndControl
query: |
  DeviceProcessEvents
  | where FileName startswith 'zetadesk'
      and FolderPath has_any (
          @'\\Program Files\\ZetaDesk\\'
      )
  | summarize Count=count() by DeviceId
";

    #[test]
    fn invalid_yaml_still_gives_its_query() {
        let source = load(BROKEN);
        assert_eq!(source.rule_id.as_deref(), Some("5d0a7b3c-3333-4e7a-9c2d-000000000004"));
        assert_eq!(source.name.as_deref(), Some("RMM tool - ZetaDesk - Create Process"));
        assert_eq!(
            source.query,
            "DeviceProcessEvents\n| where FileName startswith 'zetadesk'\n    and FolderPath \
             has_any (\n        @'\\Program Files\\ZetaDesk\\'\n    )\n| summarize Count=count() \
             by DeviceId\n"
        );
        assert_eq!(source.notes.len(), 1);
        assert_eq!(source.notes[0].code, "QH003");
        assert!(source.notes[0].position.is_some());
        let at = source.query.find("has_any").unwrap();
        assert_eq!(source.origin.position(at), Position { line: 13, column: 22 });
    }

    #[test]
    fn folded_and_quoted_queries() {
        let source = load("id: 7\nname: x\nquery: >-\n  T\n  | take 1\n");
        assert_eq!(source.query, "T | take 1");
        assert_eq!(source.rule_id.as_deref(), Some("7"));
        assert_eq!(source.origin.position(4), Position { line: 5, column: 5 });

        let source = load("query: \"T | where a == \\\"x\\\" | take 1\"\n");
        assert_eq!(source.query, "T | where a == \"x\" | take 1");
        let take = source.query.find("take").unwrap();
        assert_eq!(source.origin.position(take), Position { line: 1, column: 32 });
    }

    #[test]
    fn crlf_rule_maps_columns() {
        let text = RULE.replace('\n', "\r\n");
        let source = load(&text);
        assert!(!source.query.contains('\r'));
        let at = source.query.find("isnotempty").unwrap();
        assert_eq!(source.origin.position(at), Position { line: 15, column: 11 });
    }

    #[test]
    fn rule_without_query_is_an_error() {
        let err = load_text(Path::new("r.yaml"), "id: 1\nname: n\n", SourceFormat::RuleYaml).unwrap_err();
        assert_eq!(err.code(), "QH002");
        assert!(err.to_string().contains("no `query` field"), "{err}");
        let err = load_text(Path::new("r.yaml"), "id: [\nname: n\n", SourceFormat::RuleYaml).unwrap_err();
        assert!(err.to_string().contains("not valid YAML"), "{err}");
    }
}
