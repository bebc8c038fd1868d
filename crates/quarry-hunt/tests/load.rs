//! Loading rules from files: seed documents, Sentinel hunting and analytics YAML, `.kql` files,
//! with per-file failures that do not stop the others.

use std::path::{Path, PathBuf};

use quarry_hunt::load::load_rules;
use quarry_hunt::{Rule, RuleSource};

fn fixtures(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn by_id<'a>(rules: &'a [std::sync::Arc<Rule>], id: &str) -> &'a Rule {
    rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"))
}

#[test]
fn seed_documents_load_as_rules_with_hypothesis_and_five_scenarios() {
    let loaded = load_rules(&[fixtures("seeds")]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.rules.len(), 5);
    for rule in &loaded.rules {
        assert_eq!(rule.scenarios.len(), 5, "{}", rule.id);
        assert!(rule.hypothesis.as_deref().is_some_and(|h| h.starts_with("Hunt for")), "{}", rule.id);
        assert_eq!(rule.tactics, ["CommandAndControl"]);
        assert_eq!(rule.techniques, ["T1219"]);
        assert_eq!(rule.description, "Fixture rule in the seed document format.");
        assert!(matches!(rule.source, RuleSource::File(_)));
    }
    let pulseway = by_id(&loaded.rules, "a0000000-0000-4000-8000-000000000002");
    assert_eq!(pulseway.name, "Remote Management and Monitoring tool - Pulseway - File Signature");
    assert_eq!(pulseway.tool.as_deref(), Some("Pulseway"));
    assert_eq!(pulseway.data_connectors.len(), 1);
    assert_eq!(pulseway.data_connectors[0].connector_id, "MicrosoftThreatProtection");
    assert_eq!(pulseway.data_connectors[0].data_types, ["DeviceFileCertificateInfo"]);
    assert!(pulseway.query.starts_with("let Time_start = now(-5d);"));
    assert!(pulseway.query.ends_with("by DeviceId, DeviceName"));
    let first = &pulseway.scenarios[0];
    assert_eq!(first.scenario, "Update through a Pulseway job");
    assert_eq!(first.description.as_deref(), Some("A signed update package arrives by a Pulseway job."));
    assert_eq!(
        first.exclusion.as_deref(),
        Some(r#"process.parent_process_name == "Pulseway.exe" && file.name contains "update""#)
    );
    // Scenarios without a Description line.
    let action1 = by_id(&loaded.rules, "a0000000-0000-4000-8000-000000000005");
    assert_eq!(action1.tool.as_deref(), Some("Action1"));
    assert_eq!(action1.scenarios[4].description, None);
    assert!(action1.scenarios[4].exclusion.as_deref().unwrap().ends_with(r#"destination_ip != "10.10.10.50""#));
}

#[test]
fn yaml_and_kql_rules_load_and_bad_files_are_reported_with_why() {
    let loaded = load_rules(&[fixtures("rules")]);
    let ids: Vec<&str> = loaded.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["b0000000-0000-4000-8000-000000000002", "b0000000-0000-4000-8000-000000000001", "plain"]);

    let hunting = by_id(&loaded.rules, "b0000000-0000-4000-8000-000000000001");
    assert_eq!(hunting.tactics, ["CommandAndControl", "Persistence"]);
    assert_eq!(hunting.severity.as_deref(), Some("Medium"));
    assert_eq!(hunting.tool.as_deref(), Some("ZetaDesk"));
    assert_eq!(hunting.hypothesis.as_deref(), Some("ZetaDesk relays carry remote sessions."));
    assert_eq!(hunting.scenarios.len(), 1);
    assert_eq!(hunting.scenarios[0].exclusion.as_deref(), Some(r#"InitiatingProcessAccountName =~ "helpdesk""#));

    let analytics = by_id(&loaded.rules, "b0000000-0000-4000-8000-000000000002");
    assert_eq!(analytics.tactics, ["CommandAndControl", "Persistence"]);
    assert_eq!(analytics.techniques, ["T1219"]);
    assert_eq!(analytics.tool.as_deref(), Some("ZetaDesk"), "the `tool:` key wins over the name");

    let plain = by_id(&loaded.rules, "plain");
    assert_eq!(plain.name, "plain");
    assert_eq!(plain.tool, None);
    assert!(plain.tactics.is_empty());

    let failures: Vec<(String, &str, bool)> = loaded
        .problems
        .iter()
        .map(|p| (p.path.file_name().unwrap().to_string_lossy().into_owned(), p.code, p.fatal))
        .collect();
    assert_eq!(failures, [("empty.kql".to_string(), "QH002", true), ("no_query.yaml".to_string(), "QH002", true)]);
    assert!(loaded.problems[1].to_string().contains("no `query` field"), "{}", loaded.problems[1]);
    assert!(loaded.has_failures());
}

#[test]
fn a_duplicate_id_is_a_warning_and_both_rules_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), "id: same\nname: A\nquery: |\n  T\n").unwrap();
    std::fs::write(dir.path().join("b.yaml"), "id: same\nname: B\nquery: |\n  T\n").unwrap();
    let loaded = load_rules(&[dir.path().to_path_buf()]);
    assert_eq!(loaded.rules.len(), 2);
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].code, "QH004");
    assert!(!loaded.has_failures());
    assert_eq!(loaded.problems[0].position.map(|p| (p.line, p.column)), Some((1, 5)));
}
