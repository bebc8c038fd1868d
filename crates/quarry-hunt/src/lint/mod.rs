//! Checks of a rule's metadata: the fields of a Sentinel rule besides its query.
//!
//! [`lint_metadata`] checks one rule: its `id`, `tactics`, `relevantTechniques`, `severity`,
//! and, when the caller knows which tables the query reads, its `requiredDataConnectors`.
//! [`duplicate_ids`] checks a set of rules for ids used more than once. Findings carry stable
//! codes (see [`codes`]) and positions in the rule's file.
//!
//! ```
//! use std::collections::BTreeSet;
//! use std::path::Path;
//! use quarry_hunt::{SourceFormat, load_text};
//! use quarry_hunt::lint::{Severity, codes, lint_metadata};
//!
//! let yaml = "\
//! id: 3f1c9a7e-2222-4d6b-8e1f-00000000a001
//! tactics: Command and Control
//! requiredDataConnectors:
//!   - connectorId: MicrosoftThreatProtection
//!     dataTypes: [DeviceProcessEvents]
//! query: |
//!   DeviceNetworkEvents | take 1
//! ";
//! let source = load_text(Path::new("demo.yaml"), yaml, SourceFormat::RuleYaml).unwrap();
//! let meta = source.metadata.as_ref().unwrap();
//!
//! let findings = lint_metadata(meta, None);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].code, codes::UNKNOWN_TACTIC);
//! assert_eq!(findings[0].severity, Severity::Error);
//! assert_eq!((findings[0].start.line, findings[0].start.column), (2, 10));
//! assert!(findings[0].message.ends_with("did you mean `CommandAndControl`?"));
//!
//! // Given the tables the query reads, the data connectors are checked too.
//! let tables = BTreeSet::from(["DeviceNetworkEvents".to_string()]);
//! let codes: Vec<&str> = lint_metadata(meta, Some(&tables)).iter().map(|f| f.code).collect();
//! assert_eq!(codes, [codes::UNKNOWN_TACTIC, codes::TABLE_NOT_LISTED, codes::DATA_TYPE_NOT_READ]);
//! ```

mod attack;
pub mod codes;
mod metadata;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

pub use metadata::{DataConnector, Located, RuleMetadata};

use crate::origin::Position;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The rule would be rejected or is wrong: the check fails.
    Error,
    /// Worth a look; does not fail the check.
    Warning,
}

/// A problem with a rule's metadata, placed in the rule's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetadataFinding {
    /// Stable code, `QH1xx` (see [`codes`]).
    pub code: &'static str,
    /// Error or warning; fixed per code.
    pub severity: Severity,
    /// What is wrong, naming the value.
    pub message: String,
    /// How to fix it, when there is more to say than the message.
    pub help: Option<String>,
    /// Where the offending value (or, for a missing field, the rule) starts.
    pub start: Position,
    /// The character after its end.
    pub end: Position,
}

impl MetadataFinding {
    fn new(code: &'static str, severity: Severity, message: String, start: Position, end: Position) -> Self {
        MetadataFinding { code, severity, message, help: None, start, end }
    }

    fn at(code: &'static str, severity: Severity, message: String, value: &Located<String>) -> Self {
        MetadataFinding::new(code, severity, message, value.start, value.end)
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Checks one rule's metadata. `tables_read` are the tables the rule's query reads, as the
/// binder resolves them; with `None` the `requiredDataConnectors` checks are skipped. Findings
/// come in file order.
pub fn lint_metadata(meta: &RuleMetadata, tables_read: Option<&BTreeSet<String>>) -> Vec<MetadataFinding> {
    let mut findings = Vec::new();
    check_id(meta, &mut findings);
    check_tactics(meta, &mut findings);
    check_techniques(meta, &mut findings);
    check_severity(meta, &mut findings);
    if let Some(tables) = tables_read {
        check_data_types(meta, tables, &mut findings);
    }
    findings.sort_by_key(|f| f.start);
    findings
}

fn check_id(meta: &RuleMetadata, findings: &mut Vec<MetadataFinding>) {
    let help = "give the rule a new GUID, e.g. from `uuidgen` or PowerShell's `New-Guid`";
    match &meta.id {
        None => findings.push(
            MetadataFinding::new(
                codes::MISSING_ID,
                Severity::Error,
                "the rule has no `id`".to_string(),
                meta.start,
                meta.start,
            )
            .with_help(help),
        ),
        Some(id) if id.value.trim().is_empty() => findings.push(
            MetadataFinding::at(codes::MISSING_ID, Severity::Error, "the rule's `id` is empty".to_string(), id)
                .with_help(help),
        ),
        Some(id) if !is_guid(id.value.trim()) => findings.push(
            MetadataFinding::at(
                codes::ID_NOT_GUID,
                Severity::Error,
                format!("the rule's id `{}` is not a GUID", id.value),
                id,
            )
            .with_help(
                "Sentinel rule ids are GUIDs: 8-4-4-4-12 hexadecimal digits, e.g. 3f1c9a7e-2222-4d6b-8e1f-0123456789ab",
            ),
        ),
        Some(_) => {}
    }
}

/// Whether `id` is a GUID: 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn check_tactics(meta: &RuleMetadata, findings: &mut Vec<MetadataFinding>) {
    for tactic in &meta.tactics {
        if attack::is_tactic(&tactic.value) {
            continue;
        }
        let mut message = format!("`{}` is not an ATT&CK tactic name as Sentinel spells it", tactic.value);
        if let Some(suggestion) = attack::suggest_tactic(&tactic.value) {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        findings.push(
            MetadataFinding::at(codes::UNKNOWN_TACTIC, Severity::Error, message, tactic)
                .with_help(format!("Sentinel's tactic names are {}", attack::tactic_list())),
        );
    }
}

fn check_techniques(meta: &RuleMetadata, findings: &mut Vec<MetadataFinding>) {
    for technique in &meta.relevant_techniques {
        if attack::is_technique(&technique.value) {
            continue;
        }
        findings.push(
            MetadataFinding::at(
                codes::INVALID_TECHNIQUE,
                Severity::Error,
                format!("`{}` is not an ATT&CK technique id like `T1219` or `T1059.001`", technique.value),
                technique,
            )
            .with_help(attack::technique_help(&technique.value)),
        );
    }
}

fn check_severity(meta: &RuleMetadata, findings: &mut Vec<MetadataFinding>) {
    let Some(severity) = &meta.severity else { return };
    if attack::SEVERITIES.contains(&severity.value.as_str()) {
        return;
    }
    let mut message = format!("severity `{}` is not one Sentinel accepts", severity.value);
    if let Some(suggestion) = attack::suggest_severity(&severity.value) {
        message.push_str(&format!("; did you mean `{suggestion}`?"));
    }
    findings.push(
        MetadataFinding::at(codes::INVALID_SEVERITY, Severity::Warning, message, severity)
            .with_help(format!("Sentinel's severities are {}", attack::SEVERITIES.join(", "))),
    );
}

/// The table a `dataTypes` entry names: its first word, so that `CommonSecurityLog (Fortinet)`
/// names `CommonSecurityLog`.
fn data_type_table(entry: &str) -> &str {
    entry.split_whitespace().next().unwrap_or("")
}

fn check_data_types(meta: &RuleMetadata, tables: &BTreeSet<String>, findings: &mut Vec<MetadataFinding>) {
    let listed: Vec<&Located<String>> = meta.data_types().collect();
    let listed_tables: BTreeSet<&str> = listed.iter().map(|l| data_type_table(&l.value)).collect();
    let anchor = meta.key_position("requiredDataConnectors");
    for table in tables {
        if listed_tables.contains(table.as_str()) || listed_tables.iter().any(|l| l.eq_ignore_ascii_case(table)) {
            continue;
        }
        let (message, at) = match anchor {
            Some(at) => (format!("the query reads `{table}`, but no `requiredDataConnectors` entry lists it"), at),
            None => (format!("the query reads `{table}`, but the rule has no `requiredDataConnectors`"), meta.start),
        };
        let help = if listed.is_empty() && meta.key_position("dataTypes").is_some() {
            "`dataTypes` is written at the top level of the file, so it belongs to no connector; \
             indent it under the entry's `connectorId`"
                .to_string()
        } else {
            format!(
                "add `{table}` to the `dataTypes` of the connector that brings it \
                 (`MicrosoftThreatProtection` for Defender XDR tables)"
            )
        };
        findings
            .push(MetadataFinding::new(codes::TABLE_NOT_LISTED, Severity::Warning, message, at, at).with_help(help));
    }
    let mut reported = BTreeSet::new();
    for entry in listed {
        let table = data_type_table(&entry.value);
        if table.is_empty() || tables.contains(table) || !reported.insert(table) {
            continue;
        }
        let finding = match tables.iter().find(|t| t.eq_ignore_ascii_case(table)) {
            Some(read) => MetadataFinding::at(
                codes::DATA_TYPE_NOT_READ,
                Severity::Warning,
                format!("`dataTypes` lists `{table}`, but the query reads `{read}`: table names are case-sensitive"),
                entry,
            )
            .with_help(format!("write `{read}`")),
            None => MetadataFinding::at(
                codes::DATA_TYPE_NOT_READ,
                Severity::Warning,
                format!("`dataTypes` lists `{table}`, but the query does not read it"),
                entry,
            )
            .with_help("remove it, or check that the query reads the table it should"),
        };
        findings.push(finding);
    }
}

/// Finds rule ids used by more than one of `rules`, each a file's path and its metadata (if it
/// has any). Returns one list per rule, in the same order: for a rule whose id another rule
/// also has, one [`codes::DUPLICATE_ID`] finding at its id naming the other files. Ids are
/// compared without surrounding spaces and ignoring case, as GUIDs are.
pub fn duplicate_ids<'a>(
    rules: impl IntoIterator<Item = (&'a Path, Option<&'a RuleMetadata>)>,
) -> Vec<Vec<MetadataFinding>> {
    let rules: Vec<(&Path, Option<&Located<String>>)> =
        rules.into_iter().map(|(path, meta)| (path, meta.and_then(|m| m.id.as_ref()))).collect();
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, id)) in rules.iter().enumerate() {
        if let Some(id) = id.filter(|id| !id.value.trim().is_empty()) {
            by_id.entry(id.value.trim().to_ascii_lowercase()).or_default().push(i);
        }
    }
    let mut out = vec![Vec::new(); rules.len()];
    for users in by_id.values().filter(|users| users.len() > 1) {
        for &i in users {
            let (_, Some(id)) = rules[i] else { continue };
            let others: Vec<String> =
                users.iter().filter(|&&j| j != i).map(|&j| format!("`{}`", rules[j].0.display())).collect();
            let shown = others.len().min(3);
            let mut list = others[..shown].join(", ");
            if others.len() > shown {
                list.push_str(&format!(" and {} more", others.len() - shown));
            }
            out[i].push(
                MetadataFinding::at(
                    codes::DUPLICATE_ID,
                    Severity::Warning,
                    format!("id `{}` is also the id of {list}", id.value.trim()),
                    id,
                )
                .with_help("deploying both makes one rule replace the other; give each rule its own GUID"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    fn value(text: &str, line: u32, column: u32) -> Located<String> {
        let len = u32::try_from(text.chars().count()).unwrap();
        Located::new(text.to_string(), at(line, column), at(line, column + len))
    }

    fn good() -> RuleMetadata {
        let mut meta = RuleMetadata::new(at(1, 1));
        meta.id = Some(value("3f1c9a7e-2222-4d6b-8e1f-00000000a001", 1, 5));
        meta.tactics = vec![value("CommandAndControl", 2, 5)];
        meta.relevant_techniques = vec![value("T1219", 3, 5), value("T1059.001", 4, 5)];
        meta.severity = Some(value("Medium", 5, 11));
        meta.keys.insert("requiredDataConnectors".to_string(), at(6, 1));
        meta.required_data_connectors = vec![DataConnector {
            start: at(7, 3),
            connector_id: Some(value("MicrosoftThreatProtection", 7, 18)),
            data_types: vec![value("DeviceProcessEvents", 9, 9)],
        }];
        meta
    }

    fn codes_of(findings: &[MetadataFinding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_good_rule_is_clean() {
        let tables = BTreeSet::from(["DeviceProcessEvents".to_string()]);
        assert_eq!(lint_metadata(&good(), Some(&tables)), []);
        assert_eq!(lint_metadata(&good(), None), []);
    }

    #[test]
    fn guids() {
        assert!(is_guid("3f1c9a7e-2222-4d6b-8e1f-00000000a001"));
        assert!(is_guid("3F1C9A7E-2222-4D6B-8E1F-00000000A001"));
        assert!(!is_guid("3f1c9a7e-2222-4d6b-8e1f-00000000a0"));
        assert!(!is_guid("3f1c9a7e22224d6b8e1f00000000a001"));
        assert!(!is_guid("{3f1c9a7e-2222-4d6b-8e1f-00000000a001}"));
        assert!(!is_guid("3f1c9a7e-2222-4d6b-8e1f-00000000a00g"));
    }

    #[test]
    fn id_checks() {
        let mut meta = good();
        meta.id = None;
        let findings = lint_metadata(&meta, None);
        assert_eq!(codes_of(&findings), [codes::MISSING_ID]);
        assert_eq!(findings[0].start, at(1, 1));
        meta.id = Some(value("", 1, 1));
        assert_eq!(codes_of(&lint_metadata(&meta, None)), [codes::MISSING_ID]);
        meta.id = Some(value("zetadesk-rule", 1, 5));
        let findings = lint_metadata(&meta, None);
        assert_eq!(codes_of(&findings), [codes::ID_NOT_GUID]);
        assert_eq!((findings[0].start, findings[0].end), (at(1, 5), at(1, 18)));
        assert_eq!(findings[0].severity, Severity::Error);
    }

    #[test]
    fn tactic_technique_and_severity_checks() {
        let mut meta = good();
        meta.tactics.push(value("Command and Control", 2, 30));
        meta.relevant_techniques.push(value("T1219/001", 3, 30));
        meta.severity = Some(value("high", 5, 11));
        let findings = lint_metadata(&meta, None);
        assert_eq!(codes_of(&findings), [codes::UNKNOWN_TACTIC, codes::INVALID_TECHNIQUE, codes::INVALID_SEVERITY]);
        assert_eq!(
            findings[0].message,
            "`Command and Control` is not an ATT&CK tactic name as Sentinel spells it; did you mean `CommandAndControl`?"
        );
        assert_eq!(findings[1].help.as_deref(), Some("did you mean `T1219.001`?"));
        assert_eq!(findings[2].message, "severity `high` is not one Sentinel accepts; did you mean `High`?");
        let severities: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
        assert_eq!(severities, [Severity::Error, Severity::Error, Severity::Warning]);
    }

    #[test]
    fn data_types_against_tables_read() {
        let meta = good();
        let tables = BTreeSet::from(["DeviceNetworkEvents".to_string()]);
        let findings = lint_metadata(&meta, Some(&tables));
        assert_eq!(codes_of(&findings), [codes::TABLE_NOT_LISTED, codes::DATA_TYPE_NOT_READ]);
        assert_eq!(findings[0].start, at(6, 1));
        assert!(findings[0].message.contains("`DeviceNetworkEvents`"), "{}", findings[0].message);
        assert_eq!(findings[1].start, at(9, 9));
        assert!(findings.iter().all(|f| f.severity == Severity::Warning));

        let tables = BTreeSet::from(["deviceprocessevents".to_string()]);
        let findings = lint_metadata(&meta, Some(&tables));
        assert_eq!(codes_of(&findings), [codes::DATA_TYPE_NOT_READ]);
        assert!(findings[0].message.contains("case-sensitive"), "{}", findings[0].message);

        let mut bare = good();
        bare.keys.clear();
        bare.required_data_connectors.clear();
        let tables = BTreeSet::from(["DeviceProcessEvents".to_string()]);
        let findings = lint_metadata(&bare, Some(&tables));
        assert_eq!(codes_of(&findings), [codes::TABLE_NOT_LISTED]);
        assert!(findings[0].message.ends_with("the rule has no `requiredDataConnectors`"));

        let mut qualified = good();
        qualified.required_data_connectors[0].data_types = vec![value("DeviceProcessEvents (Defender)", 9, 9)];
        assert_eq!(lint_metadata(&qualified, Some(&tables)), []);
    }

    #[test]
    fn duplicates_name_the_other_files() {
        let a = good();
        let mut b = good();
        b.id = Some(value(" 3F1C9A7E-2222-4D6B-8E1F-00000000A001", 1, 5));
        let mut c = good();
        c.id = Some(value("0b6e2a5c-1111-4c2b-9a3e-00000000a002", 1, 5));
        let rules = [
            (Path::new("a.yaml"), Some(&a)),
            (Path::new("b.yaml"), Some(&b)),
            (Path::new("c.yaml"), Some(&c)),
            (Path::new("d.kql"), None),
        ];
        let found = duplicate_ids(rules);
        assert_eq!(found.len(), 4);
        assert_eq!(codes_of(&found[0]), [codes::DUPLICATE_ID]);
        assert_eq!(found[0][0].message, "id `3f1c9a7e-2222-4d6b-8e1f-00000000a001` is also the id of `b.yaml`");
        assert_eq!(found[1][0].message, "id `3F1C9A7E-2222-4D6B-8E1F-00000000A001` is also the id of `a.yaml`");
        assert!(found[2].is_empty() && found[3].is_empty());
    }

    #[test]
    fn many_duplicates_are_summarised() {
        let a = good();
        let paths: Vec<String> = (0..6).map(|i| format!("r{i}.yaml")).collect();
        let found = duplicate_ids(paths.iter().map(|p| (Path::new(p.as_str()), Some(&a))));
        assert_eq!(
            found[0][0].message,
            "id `3f1c9a7e-2222-4d6b-8e1f-00000000a001` is also the id of `r1.yaml`, `r2.yaml`, `r3.yaml` and 2 more"
        );
    }
}
