//! Rule-metadata extraction and checks, on made-up rules: each check fires on a bad rule and
//! not on a good one, at the position of the offending value in the file, whether the file is
//! valid YAML, YAML that only the line scanner can read, or a seed document.

use std::collections::BTreeSet;
use std::path::Path;

use quarry_hunt::lint::{MetadataFinding, Severity, codes, duplicate_ids, lint_metadata};
use quarry_hunt::{Position, QuerySource, RuleMetadata, SourceFormat, discover, load_text};

fn load(path: &str, text: &str, format: SourceFormat) -> QuerySource {
    load_text(Path::new(path), text, format).unwrap_or_else(|e| panic!("{e}"))
}

fn yaml(text: &str) -> RuleMetadata {
    load("rule.yaml", text, SourceFormat::RuleYaml).metadata.expect("rule YAML has metadata")
}

fn tables(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn codes_of(findings: &[MetadataFinding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

/// The 1-based line and column of the first `needle` in `text` at or after line `from`.
fn find(text: &str, needle: &str, from: u32) -> Position {
    for (i, line) in text.lines().enumerate().skip(from as usize - 1) {
        if let Some(byte) = line.find(needle) {
            let column = line[..byte].chars().count() + 1;
            return Position { line: i as u32 + 1, column: column as u32 };
        }
    }
    panic!("{needle:?} not in the text");
}

/// A made-up analytics rule with every field right.
const GOOD: &str = "\
id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d
name: RMM tool - ZetaDesk - Process and Network
description: |
  Made-up rule for quarry's tests.
severity: Medium
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1d
requiredDataConnectors:
  - connectorId: MicrosoftThreatProtection
    dataTypes:
      - DeviceProcessEvents
      - DeviceNetworkEvents
tactics:
  - CommandAndControl
  - Persistence
relevantTechniques:
  - T1219
  - T1543.003
query: |
  DeviceProcessEvents
  | where FileName =~ 'zetadesk.exe'
  | join kind=inner (DeviceNetworkEvents | where RemoteUrl has 'zetadesk.example') on DeviceId
";

#[test]
fn a_good_rule_is_clean_and_fully_read() {
    let meta = yaml(GOOD);
    assert_eq!(lint_metadata(&meta, Some(&tables(&["DeviceProcessEvents", "DeviceNetworkEvents"]))), []);
    assert_eq!(lint_metadata(&meta, None), []);

    let id = meta.id.as_ref().unwrap();
    assert_eq!(id.value, "9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d");
    assert_eq!((id.start, id.end), (Position { line: 1, column: 5 }, Position { line: 1, column: 41 }));
    assert_eq!(meta.name.as_ref().unwrap().value, "RMM tool - ZetaDesk - Process and Network");
    assert_eq!(meta.description.as_ref().unwrap().value, "Made-up rule for quarry's tests.\n");
    assert_eq!(meta.description.as_ref().unwrap().start, Position { line: 4, column: 3 });
    assert_eq!(meta.severity.as_ref().unwrap().value, "Medium");
    assert_eq!(meta.kind.as_ref().unwrap().value, "Scheduled");
    assert_eq!(meta.query_frequency.as_ref().unwrap().value, "1h");
    assert_eq!(meta.query_period.as_ref().unwrap().value, "1d");
    let tactics: Vec<(&str, Position)> = meta.tactics.iter().map(|t| (t.value.as_str(), t.start)).collect();
    assert_eq!(
        tactics,
        [("CommandAndControl", find(GOOD, "CommandAndControl", 1)), ("Persistence", find(GOOD, "Persistence", 1))]
    );
    let techniques: Vec<&str> = meta.relevant_techniques.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(techniques, ["T1219", "T1543.003"]);
    assert_eq!(meta.required_data_connectors.len(), 1);
    let connector = &meta.required_data_connectors[0];
    assert_eq!(connector.connector_id.as_ref().unwrap().value, "MicrosoftThreatProtection");
    assert_eq!(connector.start, Position { line: 10, column: 3 });
    let data_types: Vec<(&str, u32)> = connector.data_types.iter().map(|d| (d.value.as_str(), d.start.line)).collect();
    assert_eq!(data_types, [("DeviceProcessEvents", 12), ("DeviceNetworkEvents", 13)]);
    assert_eq!(meta.key_position("requiredDataConnectors"), Some(Position { line: 9, column: 1 }));
}

#[test]
fn kql_files_have_no_metadata() {
    let source = load("q.kql", "DeviceProcessEvents | take 1\n", SourceFormat::Kql);
    assert!(source.metadata.is_none());
}

#[test]
fn missing_and_empty_id() {
    let text = "name: No id here\ntactics:\n  - Execution\nquery: |\n  DeviceProcessEvents\n";
    let findings = lint_metadata(&yaml(text), None);
    assert_eq!(codes_of(&findings), [codes::MISSING_ID]);
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].start, Position { line: 1, column: 1 });
    assert_eq!(findings[0].message, "the rule has no `id`");

    let text = "name: Empty id\nid:\nquery: |\n  DeviceProcessEvents\n";
    let findings = lint_metadata(&yaml(text), None);
    assert_eq!(codes_of(&findings), [codes::MISSING_ID]);
    assert_eq!(findings[0].start, Position { line: 2, column: 1 });
    assert_eq!(findings[0].message, "the rule's `id` is empty");
}

#[test]
fn id_that_is_not_a_guid() {
    let text = "name: Bad id\nid: 'zetadesk-process-rule'\nquery: |\n  DeviceProcessEvents\n";
    let findings = lint_metadata(&yaml(text), None);
    assert_eq!(codes_of(&findings), [codes::ID_NOT_GUID]);
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].message, "the rule's id `zetadesk-process-rule` is not a GUID");
    assert_eq!(findings[0].start, find(text, "zetadesk-process-rule", 1));
    assert_eq!(findings[0].end, Position { line: 2, column: 27 });

    // A number is not a GUID either.
    let findings = lint_metadata(&yaml("id: 12345\nquery: |\n  T\n"), None);
    assert_eq!(codes_of(&findings), [codes::ID_NOT_GUID]);
}

#[test]
fn tactics_in_every_shape() {
    let list =
        "id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\ntactics:\n  - Persistence\n  - Command and Control\nquery: |\n  T\n";
    let findings = lint_metadata(&yaml(list), None);
    assert_eq!(codes_of(&findings), [codes::UNKNOWN_TACTIC]);
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].start, Position { line: 4, column: 5 });
    assert_eq!(findings[0].end, Position { line: 4, column: 24 });
    assert_eq!(
        findings[0].message,
        "`Command and Control` is not an ATT&CK tactic name as Sentinel spells it; did you mean `CommandAndControl`?"
    );
    assert!(findings[0].help.as_deref().unwrap().contains("InhibitResponseFunction"));

    // A single string, comma-separated: each name is placed at its own column.
    let csv =
        "id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\ntactics: Persistence, Lateral Movement,TA0011\nquery: |\n  T\n";
    let meta = yaml(csv);
    let names: Vec<&str> = meta.tactics.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(names, ["Persistence", "Lateral Movement", "TA0011"]);
    let findings = lint_metadata(&meta, None);
    assert_eq!(codes_of(&findings), [codes::UNKNOWN_TACTIC, codes::UNKNOWN_TACTIC]);
    assert_eq!(findings[0].start, find(csv, "Lateral", 1));
    assert!(findings[0].message.ends_with("did you mean `LateralMovement`?"), "{}", findings[0].message);
    assert_eq!(findings[1].start, find(csv, "TA0011", 1));
    assert!(findings[1].message.ends_with("did you mean `CommandAndControl`?"), "{}", findings[1].message);

    // A flow list, and a single quoted name.
    let flow = "id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\ntactics: [Execution, \"Persistance\"]\nquery: |\n  T\n";
    let findings = lint_metadata(&yaml(flow), None);
    assert_eq!(codes_of(&findings), [codes::UNKNOWN_TACTIC]);
    assert_eq!(findings[0].start, find(flow, "Persistance", 1));
    assert!(findings[0].message.ends_with("did you mean `Persistence`?"));
    let single = "id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\ntactics: 'ImpairProcessControl'\nquery: |\n  T\n";
    assert_eq!(lint_metadata(&yaml(single), None), []);
}

#[test]
fn techniques() {
    let text = "\
id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d
relevantTechniques:
  - T1219
  - T1219/001
  - Remote Access Software
  - T1059.001
query: |
  T
";
    let findings = lint_metadata(&yaml(text), None);
    assert_eq!(codes_of(&findings), [codes::INVALID_TECHNIQUE, codes::INVALID_TECHNIQUE]);
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
    assert_eq!(findings[0].start, Position { line: 4, column: 5 });
    assert_eq!(findings[0].help.as_deref(), Some("did you mean `T1219.001`?"));
    assert_eq!(findings[1].start, Position { line: 5, column: 5 });
    assert_eq!(
        findings[1].message,
        "`Remote Access Software` is not an ATT&CK technique id like `T1219` or `T1059.001`"
    );

    let single = "id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\nrelevantTechniques: T1219, t1021.001\nquery: |\n  T\n";
    let findings = lint_metadata(&yaml(single), None);
    assert_eq!(codes_of(&findings), [codes::INVALID_TECHNIQUE]);
    assert_eq!(findings[0].start, find(single, "t1021", 1));
    assert_eq!(findings[0].help.as_deref(), Some("did you mean `T1021.001`?"));
}

#[test]
fn severity() {
    let text =
        |severity: &str| format!("id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\nseverity: {severity}\nquery: |\n  T\n");
    for good in ["Informational", "Low", "Medium", "High"] {
        assert_eq!(lint_metadata(&yaml(&text(good)), None), [], "{good}");
    }
    let findings = lint_metadata(&yaml(&text("Critical")), None);
    assert_eq!(codes_of(&findings), [codes::INVALID_SEVERITY]);
    assert_eq!(findings[0].severity, Severity::Warning);
    assert_eq!(findings[0].start, Position { line: 2, column: 11 });
    assert_eq!(findings[0].message, "severity `Critical` is not one Sentinel accepts");
    let findings = lint_metadata(&yaml(&text("high")), None);
    assert!(findings[0].message.ends_with("did you mean `High`?"));
    // No severity at all is fine: hunting queries have none.
    assert_eq!(lint_metadata(&yaml("id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\nquery: |\n  T\n"), None), []);
}

#[test]
fn data_types_against_tables_read() {
    let meta = yaml(GOOD);
    let findings = lint_metadata(&meta, Some(&tables(&["DeviceProcessEvents", "DeviceFileEvents"])));
    assert_eq!(codes_of(&findings), [codes::TABLE_NOT_LISTED, codes::DATA_TYPE_NOT_READ]);
    assert!(findings.iter().all(|f| f.severity == Severity::Warning));
    // The missing table at the `requiredDataConnectors:` key, the unread one at its entry.
    assert_eq!(findings[0].start, Position { line: 9, column: 1 });
    assert_eq!(
        findings[0].message,
        "the query reads `DeviceFileEvents`, but no `requiredDataConnectors` entry lists it"
    );
    assert_eq!(findings[1].start, find(GOOD, "- DeviceNetworkEvents", 1).with_column_offset(2));
    assert_eq!(findings[1].message, "`dataTypes` lists `DeviceNetworkEvents`, but the query does not read it");

    let bare = yaml("id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d\nquery: |\n  DeviceProcessEvents\n");
    let findings = lint_metadata(&bare, Some(&tables(&["DeviceProcessEvents"])));
    assert_eq!(codes_of(&findings), [codes::TABLE_NOT_LISTED]);
    assert_eq!(findings[0].start, Position { line: 1, column: 1 });
}

#[test]
fn several_connectors_and_flow_data_types() {
    let text = "\
id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d
requiredDataConnectors:
  - connectorId: MicrosoftThreatProtection
    dataTypes: [DeviceProcessEvents, DeviceFileEvents]
  - dataTypes:
      - SecurityEvent
    connectorId: SecurityEvents
query: |
  T
";
    let meta = yaml(text);
    type Connector<'a> = (Option<&'a str>, Vec<(&'a str, Position)>);
    let got: Vec<Connector<'_>> = meta
        .required_data_connectors
        .iter()
        .map(|c| {
            (
                c.connector_id.as_ref().map(|i| i.value.as_str()),
                c.data_types.iter().map(|d| (d.value.as_str(), d.start)).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("MicrosoftThreatProtection"),
                vec![
                    ("DeviceProcessEvents", find(text, "DeviceProcessEvents", 1)),
                    ("DeviceFileEvents", find(text, "DeviceFileEvents", 1))
                ]
            ),
            (Some("SecurityEvents"), vec![("SecurityEvent", find(text, "SecurityEvent", 6))]),
        ]
    );
}

#[test]
fn top_level_data_types_in_valid_yaml_belong_to_no_connector() {
    // Valid YAML, but `dataTypes` is a key of the document, not of the connector.
    let text = "\
id: 9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d
requiredDataConnectors:
- connectorId: MicrosoftThreatProtection
dataTypes:
- DeviceProcessEvents
query: |
  DeviceProcessEvents
";
    let source = load("rule.yaml", text, SourceFormat::RuleYaml);
    assert!(source.notes.is_empty(), "valid YAML");
    let meta = source.metadata.unwrap();
    assert_eq!(meta.data_types().count(), 0);
    let findings = lint_metadata(&meta, Some(&tables(&["DeviceProcessEvents"])));
    assert_eq!(codes_of(&findings), [codes::TABLE_NOT_LISTED]);
    assert!(findings[0].help.as_deref().unwrap().contains("top level"), "{:?}", findings[0].help);
}

/// Not valid YAML: `dataTypes` is indented like the `-` of its entry, as in many real rules.
const MALFORMED: &str = "\
id: 4b8d2f6a-1c3e-4a5b-9d7f-2e4c6a8b0d1f
name: RMM tool - ZetaDesk - Service
description: |
    Made-up rule for quarry's tests, with the indentation mistake of many real rules.
requiredDataConnectors:
    - connectorId: MicrosoftThreatProtection
    dataTypes:
        - DeviceEvents
        - DeviceRegistryEvents
tactics: Persistence, Defence Evasion
relevantTechniques:
    - T1543.003
    - T1112
severity: Low
query: |
  DeviceEvents
  | where ActionType == 'ServiceInstalled'
";

#[test]
fn malformed_yaml_still_gives_metadata() {
    let source = load("broken.yaml", MALFORMED, SourceFormat::RuleYaml);
    assert_eq!(source.notes.len(), 1, "the file is not valid YAML");
    let meta = source.metadata.unwrap();
    assert_eq!(meta.id.as_ref().unwrap().value, "4b8d2f6a-1c3e-4a5b-9d7f-2e4c6a8b0d1f");
    assert_eq!(meta.name.as_ref().unwrap().value, "RMM tool - ZetaDesk - Service");
    assert_eq!(meta.severity.as_ref().unwrap().value, "Low");
    let connector = &meta.required_data_connectors[0];
    assert_eq!(connector.connector_id.as_ref().unwrap().value, "MicrosoftThreatProtection");
    let data_types: Vec<(&str, u32)> = connector.data_types.iter().map(|d| (d.value.as_str(), d.start.line)).collect();
    assert_eq!(data_types, [("DeviceEvents", 8), ("DeviceRegistryEvents", 9)]);
    let techniques: Vec<&str> = meta.relevant_techniques.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(techniques, ["T1543.003", "T1112"]);

    let findings = lint_metadata(&meta, Some(&tables(&["DeviceEvents"])));
    assert_eq!(codes_of(&findings), [codes::DATA_TYPE_NOT_READ, codes::UNKNOWN_TACTIC]);
    assert_eq!(findings[0].start, find(MALFORMED, "DeviceRegistryEvents", 1));
    assert_eq!(findings[1].start, find(MALFORMED, "Defence Evasion", 1));
    assert!(findings[1].message.ends_with("did you mean `DefenseEvasion`?"), "{}", findings[1].message);
}

#[test]
fn malformed_yaml_with_a_tab_and_a_duplicated_key() {
    // A tab in the indentation and `tactics` twice: YAML rejects both; the first `tactics` counts.
    let text =
        "id: 4b8d2f6a-1c3e-4a5b-9d7f-2e4c6a8b0d1f\ntactics:\n\t- Exfiltration\ntactics: Nonsense\nquery: |\n  T\n";
    let source = load("tab.yaml", text, SourceFormat::RuleYaml);
    assert_eq!(source.notes.len(), 1);
    let meta = source.metadata.unwrap();
    let tactics: Vec<(&str, Position)> = meta.tactics.iter().map(|t| (t.value.as_str(), t.start)).collect();
    assert_eq!(tactics, [("Exfiltration", Position { line: 3, column: 4 })]);
    assert_eq!(lint_metadata(&meta, None), []);
}

/// A made-up seed document: hypothesis, query, flattened rule, table, scenarios.
const SEED: &str = "\
Adversaries may install the made-up ZetaDesk agent to keep remote access; hunt for its processes.
KQL Query
DeviceProcessEvents
| where ProcessVersionInfoCompanyName has 'Zeta Remote Ltd'
| summarize Count=count() by DeviceId, DeviceName

id: 0b6e2a5c-1111-4c2b-9a3e-0000000000aa
name: RMM tool - ZetaDesk - Create Process
description: |
Made-up rule used as a test fixture.
Note: this line is not a key.
requiredDataConnectors:
- connectorId: MicrosoftThreatProtection
dataTypes:
- DeviceProcessEvents
tactics: CommandAndControl
relevantTechniques: T1219
query: |
DeviceProcessEvents
| where ProcessVersionInfoCompanyName has 'Zeta Remote Ltd'
| summarize Count=count() by DeviceId, DeviceName
| Sentinel Table | Notes |
|---|---|
DeviceProcessEvents | Ensure this data connector is enabled |
Scenario: An admin installs ZetaDesk on purpose.
Filter/Exclusion: Exclude the admin's devices.
";

#[test]
fn seed_documents_carry_their_flattened_rule() {
    let source = load("seed.txt", SEED, SourceFormat::SeedDocument);
    let meta = source.metadata.expect("a flattened rule");
    assert_eq!(meta.start, Position { line: 7, column: 1 });
    assert_eq!(meta.id.as_ref().unwrap().start, Position { line: 7, column: 5 });
    assert_eq!(
        meta.description.as_ref().unwrap().value,
        "Made-up rule used as a test fixture.\nNote: this line is not a key."
    );
    let tactics: Vec<(&str, Position)> = meta.tactics.iter().map(|t| (t.value.as_str(), t.start)).collect();
    assert_eq!(tactics, [("CommandAndControl", Position { line: 16, column: 10 })]);
    let data_types: Vec<(&str, u32)> = meta.data_types().map(|d| (d.value.as_str(), d.start.line)).collect();
    assert_eq!(data_types, [("DeviceProcessEvents", 15)]);
    assert_eq!(lint_metadata(&meta, Some(&tables(&["DeviceProcessEvents"]))), []);

    let bad = SEED.replace("tactics: CommandAndControl", "tactics: Command & Control");
    let meta = load("seed.txt", &bad, SourceFormat::SeedDocument).metadata.unwrap();
    let findings = lint_metadata(&meta, None);
    assert_eq!(codes_of(&findings), [codes::UNKNOWN_TACTIC]);
    assert_eq!(findings[0].start, Position { line: 16, column: 10 });
}

#[test]
fn seed_without_a_flattened_rule_has_no_metadata() {
    let text = "KQL Query\nT\n| take 1\n| Sentinel Table | Notes |\n|---|---|\nT | x |\n";
    assert!(load("s.txt", text, SourceFormat::SeedDocument).metadata.is_none());
}

#[test]
fn duplicate_ids_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let one = GOOD;
    let two = GOOD.replace("Process and Network", "Copy");
    let three = GOOD.replace("9c4e1d2a-7b3f-4e5a-8c6d-1f2e3a4b5c6d", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    std::fs::write(dir.path().join("one.yaml"), one).unwrap();
    std::fs::write(dir.path().join("two.yaml"), two).unwrap();
    std::fs::write(dir.path().join("three.yaml"), three).unwrap();
    std::fs::write(dir.path().join("plain.kql"), "DeviceProcessEvents | take 1\n").unwrap();
    let found = discover(&[dir.path().to_path_buf()]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let names: Vec<String> =
        found.sources.iter().map(|s| s.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["one.yaml", "plain.kql", "three.yaml", "two.yaml"]);

    let duplicates = duplicate_ids(found.sources.iter().map(|s| (s.path.as_path(), s.metadata.as_ref())));
    let counts: Vec<usize> = duplicates.iter().map(Vec::len).collect();
    assert_eq!(counts, [1, 0, 0, 1]);
    let on_one = &duplicates[0][0];
    assert_eq!(on_one.code, codes::DUPLICATE_ID);
    assert_eq!(on_one.severity, Severity::Warning);
    assert_eq!(on_one.start, Position { line: 1, column: 5 });
    let two_path = dir.path().join("two.yaml");
    assert!(on_one.message.contains(&format!("`{}`", two_path.display())), "{}", on_one.message);
    let one_path = dir.path().join("one.yaml");
    assert!(duplicates[3][0].message.contains(&format!("`{}`", one_path.display())));
}

trait ColumnOffset {
    fn with_column_offset(self, by: u32) -> Self;
}

impl ColumnOffset for Position {
    fn with_column_offset(self, by: u32) -> Self {
        Position { line: self.line, column: self.column + by }
    }
}
