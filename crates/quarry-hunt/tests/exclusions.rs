//! The 25 false-positive scenarios of the seed documents (fixture copies of their filter lines):
//! each is a working KQL exclusion over the rule's table, or reported as prose-only or
//! unmappable with the reason. The field map is documented in docs/field-map.md.

use std::path::{Path, PathBuf};

use quarry_hunt::exclusion::{ScenarioOutcome, scenario_exclusions};
use quarry_hunt::load::load_rules;

fn fixtures(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn outcomes(id: &str) -> Vec<ScenarioOutcome> {
    let loaded = load_rules(&[fixtures("seeds")]);
    let rule = loaded.rules.iter().find(|r| r.id == id).expect("rule");
    scenario_exclusions(rule).into_iter().map(|s| s.outcome).collect()
}

fn mapped(kql: &str) -> ScenarioOutcome {
    ScenarioOutcome::Mapped { kql: kql.to_string(), note: None }
}

#[test]
fn pulseway_process_scenarios_are_prose_only() {
    let got = outcomes("a0000000-0000-4000-8000-000000000001");
    assert_eq!(got.len(), 5);
    for outcome in got {
        match outcome {
            ScenarioOutcome::ProseOnly { reason } => assert!(reason.starts_with("prose only"), "{reason}"),
            other => panic!("expected prose-only, got {other:?}"),
        }
    }
}

#[test]
fn pulseway_signature_scenarios_name_fields_the_certificate_table_lacks() {
    let got = outcomes("a0000000-0000-4000-8000-000000000002");
    let fields: Vec<Vec<String>> = got
        .iter()
        .map(|o| match o {
            ScenarioOutcome::Unmappable { fields, reason } => {
                assert!(reason.starts_with("DeviceFileCertificateInfo has no column for"), "{reason}");
                fields.clone()
            }
            other => panic!("expected unmappable, got {other:?}"),
        })
        .collect();
    let expected: Vec<Vec<&str>> = vec![
        vec!["process.parent_process_name", "file.name"],
        vec!["process.user", "process.name"],
        vec!["process.name", "file.name"],
        vec!["process.name", "process.parent_process_name"],
        vec!["process.name", "event_id"],
    ];
    assert_eq!(fields, expected);
}

#[test]
fn connectwise_scenarios_map_like_to_substring_operators() {
    assert_eq!(
        outcomes("a0000000-0000-4000-8000-000000000003"),
        [
            mapped(r#"InitiatingProcessFileName =~ "connectwise" or ProcessCommandLine contains "scheduled_job""#),
            mapped(r#"InitiatingProcessFileName =~ "connectwise" and FolderPath contains "software_update""#),
            mapped(
                r#"InitiatingProcessFileName =~ "connectwise_agent" or FolderPath endswith "connectwise_agent.exe""#
            ),
            mapped(r#"InitiatingProcessFileName =~ "connectwise" and FolderPath contains "diagnostic_script""#),
            mapped(r#"InitiatingProcessFileName =~ "connectwise" and FolderPath contains "third_party_integration""#),
        ]
    );
}

#[test]
fn pdq_scenarios_map_process_fields_of_the_created_process() {
    assert_eq!(
        outcomes("a0000000-0000-4000-8000-000000000004"),
        [
            mapped(r#"InitiatingProcessFileName =~ "Task Scheduler" or ProcessCommandLine contains "schtasks.exe""#),
            mapped(r#"ProcessCommandLine contains "PatchManagement" or AccountName contains "ITAdminsGroup""#),
            mapped(r#"FileName contains "nagios.exe" or FileName contains "solarwinds.exe""#),
            mapped(r#"ProcessCommandLine contains "DeployApp.exe" or AccountName contains "SoftwareDeploymentGroup""#),
            mapped(r#"ProcessCommandLine contains "ConfigUpdate.exe" or AccountName contains "ConfigAdminsGroup""#),
        ]
    );
}

#[test]
fn action1_keep_filters_are_negated_into_exclusions() {
    let got = outcomes("a0000000-0000-4000-8000-000000000005");
    let kql: Vec<&str> = got
        .iter()
        .map(|o| match o {
            ScenarioOutcome::Mapped { kql, note: Some(note) } => {
                assert!(note.starts_with("written as the events to keep"), "{note}");
                kql.as_str()
            }
            other => panic!("expected a negated keep-filter, got {other:?}"),
        })
        .collect();
    assert_eq!(
        kql,
        [
            r#"InitiatingProcessFileName =~ "setup.exe" or InitiatingProcessFileName =~ "microsoft-windows-servicemodel-http-activation" or InitiatingProcessFileName =~ "sccmclient" or RemoteIP =~ "10.10.10.10""#,
            r#"InitiatingProcessFileName =~ "ncc.exe" or InitiatingProcessFileName =~ "solarwinds" or RemoteIP =~ "10.10.10.20""#,
            r#"InitiatingProcessFileName =~ "altirisagent.exe" or InitiatingProcessFileName =~ "inventory.exe" or RemoteIP =~ "10.10.10.30""#,
            r#"InitiatingProcessFileName =~ "intunewin32.exe" or InitiatingProcessFileName =~ "MicrosoftIntune" or RemoteIP =~ "10.10.10.40""#,
            r#"InitiatingProcessFileName =~ "vsaagent.exe" or InitiatingProcessFileName =~ "kaseya" or RemoteIP =~ "10.10.10.50""#,
        ]
    );
}

#[test]
fn every_mapped_exclusion_is_valid_kql_over_its_table() {
    let loaded = load_rules(&[fixtures("seeds")]);
    let catalog = kql_semantics::SchemaCatalog::defender();
    let mut checked = 0;
    for rule in &loaded.rules {
        let table = quarry_hunt::hunt::shape::analyse(&rule.query).table.unwrap();
        for s in scenario_exclusions(rule) {
            if let ScenarioOutcome::Mapped { kql, .. } = s.outcome {
                let parsed = kql_syntax::parse(&format!("{table} | where not({kql})"));
                assert!(!parsed.has_errors(), "{kql}: {:?}", parsed.diagnostics);
                let analysis = kql_semantics::bind(&parsed.script, &catalog);
                assert!(!analysis.has_errors(), "{kql}: {:?}", analysis.diagnostics);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 15);
}
