//! The generated pack: every rule parses and binds against the Defender schema, ids are stable
//! and unique, seed rules keep their ids, and domains never reach KQL as literal wildcards.

use std::collections::HashSet;

use kql_semantics::SchemaCatalog;
use quarry_hunt::catalog;
use quarry_hunt::generate::{self, RuleKind, builtin_pack, rule_id, seed_rules};

#[test]
fn every_generated_rule_parses_and_binds_without_diagnostics() {
    let schema = SchemaCatalog::defender();
    for rule in builtin_pack() {
        let parsed = kql_syntax::parse(&rule.query);
        assert!(parsed.diagnostics.is_empty(), "{}: {:?}\n{}", rule.name, parsed.diagnostics, rule.query);
        let analysis = kql_semantics::bind(&parsed.script, &schema);
        assert!(analysis.diagnostics.is_empty(), "{}: {:?}\n{}", rule.name, analysis.diagnostics, rule.query);
        let tables: Vec<&String> = analysis.tables_read.iter().collect();
        assert_eq!(tables.len(), 1, "{}", rule.name);
        assert_eq!(rule.data_connectors[0].data_types, vec![tables[0].clone()], "{}", rule.name);
    }
}

#[test]
fn ids_are_unique_guids_and_names_unique() {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for rule in builtin_pack() {
        assert!(ids.insert(rule.id.clone()), "duplicate id {}", rule.id);
        assert!(names.insert(rule.name.clone()), "duplicate name {}", rule.name);
        let groups: Vec<usize> = rule.id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{}", rule.id);
        assert!(rule.id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
        assert_eq!(rule.tactics, ["CommandAndControl"]);
        assert_eq!(rule.techniques, ["T1219"]);
        let tool = rule.tool.as_deref().expect("every built-in rule names its tool");
        assert!(catalog::builtin().find(tool).is_some(), "{tool}");
    }
}

#[test]
fn rule_ids_are_stable_and_depend_on_slug_and_kind() {
    assert_eq!(rule_id("anydesk", RuleKind::Process), rule_id("anydesk", RuleKind::Process));
    assert_ne!(rule_id("anydesk", RuleKind::Process), rule_id("anydesk", RuleKind::Network));
    assert_ne!(rule_id("anydesk", RuleKind::Process), rule_id("atera", RuleKind::Process));
    // Version 5, RFC 4122 variant.
    let id = rule_id("anydesk", RuleKind::Process);
    assert_eq!(&id[14..15], "5");
    assert!("89ab".contains(&id[19..20]));
}

#[test]
fn seed_rules_keep_their_ids_queries_and_scenarios() {
    let pack = builtin_pack();
    let seeds = seed_rules();
    assert_eq!(seeds.len(), 5);
    for seed in seeds {
        let rule = pack.iter().find(|r| r.id == seed.id).unwrap_or_else(|| panic!("seed {} not in pack", seed.id));
        assert_eq!(rule.query, seed.query);
        assert_eq!(rule.tool.as_deref(), Some(seed.tool));
        assert_eq!(rule.scenarios.len(), 5, "{}", seed.name);
        assert!(rule.scenarios.iter().all(|s| s.exclusion.is_some()));
        assert!(rule.query.contains(seed.kind.table()));
        // No second rule of the same tool and kind.
        let same = pack.iter().filter(|r| r.tool == rule.tool && r.data_connectors == rule.data_connectors).count();
        assert_eq!(same, 1, "{}", seed.name);
    }
    let ids: Vec<&str> = seeds.iter().map(|s| s.id.as_str()).collect();
    assert!(ids.contains(&"f6f5c4c8-d942-447b-aa61-9d6df846b17f"));
    assert!(ids.contains(&"7da76b41-8c1d-4602-91c6-5d99738d38f4"));
}

#[test]
fn generic_rules_of_seed_tools_match_the_seed_predicates() {
    // The catalogue keeps exactly the seed's indicators for a seeded kind, so the rule the
    // generator would write from the catalogue uses the same predicate as the seed.
    let c = catalog::builtin();
    let pulseway = generate::generate_rule(c.find("Pulseway").unwrap(), RuleKind::Process).unwrap();
    assert!(pulseway.query.contains(
        "where ProcessVersionInfoCompanyName has 'MMSoft Design'\n    and ProcessVersionInfoProductName has 'Pulseway'"
    ));
    let cw = generate::generate_rule(c.find("ConnectWise").unwrap(), RuleKind::Process).unwrap();
    assert!(
        cw.query
            .contains("ProcessVersionInfoCompanyName has_any ('ConnectWise', 'Continuum Managed', 'ScreenConnect')")
    );
}

#[test]
fn wildcard_domains_never_reach_kql_as_asterisks() {
    let mut wildcard_tools = 0;
    for tool in catalog::builtin().tools() {
        if tool.domains.iter().any(|d| d.starts_with("*.")) {
            wildcard_tools += 1;
        }
    }
    assert!(wildcard_tools > 50, "expected many wildcard domains in the catalogue");
    for rule in builtin_pack().iter().filter(|r| r.data_connectors[0].data_types[0] == "DeviceNetworkEvents") {
        for line in rule.query.lines() {
            if line.contains("has_any") || line.trim_start().starts_with("| where RemoteUrl has") {
                assert!(!line.contains('*'), "{}: {line}", rule.name);
            }
        }
        assert!(!rule.query.contains("'*."), "{}", rule.name);
    }
}

#[test]
fn every_tool_with_a_process_signer_or_domain_indicator_gets_rules_of_those_kinds() {
    let pack = builtin_pack();
    let has = |tool: &str, table: &str| {
        pack.iter().any(|r| r.tool.as_deref() == Some(tool) && r.data_connectors[0].data_types[0] == table)
    };
    for tool in catalog::builtin().tools() {
        if !tool.signers.is_empty() {
            assert!(has(&tool.name, "DeviceFileCertificateInfo"), "{}", tool.name);
        }
        if !tool.executables.is_empty() {
            assert!(has(&tool.name, "DeviceProcessEvents"), "{}", tool.name);
        }
        if !tool.domains.is_empty() {
            assert!(has(&tool.name, "DeviceNetworkEvents"), "{}", tool.name);
        }
    }
}

#[test]
fn every_catalogue_indicator_is_usable_by_the_generator() {
    // The synthetic-data generator plants what the catalogue lists; an indicator the rule
    // generator would skip would be planted activity no rule can find.
    use quarry_hunt::generate::kql::{key_regex, parse_domain, path_regex};
    let mut unusable = Vec::new();
    for tool in catalog::builtin().tools() {
        unusable.extend(
            tool.domains.iter().filter(|d| parse_domain(d).is_none()).map(|d| format!("{}: domain {d}", tool.name)),
        );
        unusable.extend(
            tool.install_paths.iter().filter(|p| path_regex(p).is_none()).map(|p| format!("{}: path {p}", tool.name)),
        );
        unusable.extend(
            tool.registry_keys.iter().filter(|k| key_regex(k).is_none()).map(|k| format!("{}: key {k}", tool.name)),
        );
    }
    assert!(unusable.is_empty(), "{} unusable:\n{}", unusable.len(), unusable.join("\n"));
}

#[test]
fn seed_rules_carry_the_seed_description_and_hypothesis() {
    let rule = builtin_pack().iter().find(|r| r.id == "262e8802-7dd0-4825-830f-3f0a034cc8b4").unwrap();
    assert!(rule.description.starts_with("Remote Monitoring and Management (RMM) programs"), "{}", rule.description);
    assert!(rule.description.contains("jischell-msft/RemoteManagementMonitoringTools"));
    assert!(rule.hypothesis.as_deref().unwrap().contains("PDQ"));
    assert_eq!(rule.name, "Remote Management and Monitoring tool - PDQ - Create Process");
}
