//! The user's seed rules, compiled in (`data/seeds/`). For the tool and kind of each, the
//! built-in pack carries the seed itself: its id, its query and its false-positive scenarios.
//!
//! A seed document is a hypothesis, a `KQL Query` line, the query, then the flattened Sentinel
//! rule (`id:`, `name:`, ...) and the scenarios as `Scenario:` / `Description:` /
//! `Filter/Exclusion:` lines.

use std::sync::OnceLock;

use super::RuleKind;
use crate::rule::Scenario;

/// One seed rule, as the generator uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedRule {
    /// The catalogue name of the tool.
    pub tool: &'static str,
    /// The kind of rule it is.
    pub kind: RuleKind,
    /// Its Sentinel id.
    pub id: String,
    /// Its name, as the seed spells it.
    pub name: String,
    /// The rule's description, as the seed writes it.
    pub description: String,
    /// The hypothesis (the document's opening paragraph).
    pub hypothesis: String,
    /// The query, as the document writes it.
    pub query: String,
    /// The false-positive scenarios, each with its exclusion as written.
    pub scenarios: Vec<Scenario>,
}

const SEEDS: &[(&str, RuleKind, &str)] = &[
    ("Pulseway", RuleKind::Process, include_str!("../../data/seeds/pulseway-process.txt")),
    ("Pulseway", RuleKind::Signature, include_str!("../../data/seeds/pulseway-signature.txt")),
    ("ConnectWise", RuleKind::Process, include_str!("../../data/seeds/connectwise-process.txt")),
    ("PDQ", RuleKind::Process, include_str!("../../data/seeds/pdq-process.txt")),
    ("Action1", RuleKind::Network, include_str!("../../data/seeds/action1-network.txt")),
];

/// The seed rules compiled into the binary.
pub fn seed_rules() -> &'static [SeedRule] {
    static RULES: OnceLock<Vec<SeedRule>> = OnceLock::new();
    RULES.get_or_init(|| SEEDS.iter().map(|(tool, kind, text)| parse(tool, *kind, text)).collect())
}

/// Reads one seed document. The documents are fixed, compiled-in data (checked by the tests),
/// so a missing part gives an empty field rather than an error.
fn parse(tool: &'static str, kind: RuleKind, text: &str) -> SeedRule {
    let text = text.replace("\r\n", "\n");
    let (head, rest) = text.split_once("\nKQL Query\n").unwrap_or(("", &text));
    let (query, meta) = rest.split_once("\nid: ").unwrap_or((rest, ""));
    let field =
        |key: &str| meta.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().to_string()).unwrap_or_default();
    let id = meta.lines().next().unwrap_or("").trim().to_string();
    let mut scenarios: Vec<Scenario> = Vec::new();
    for line in meta.lines() {
        let line = line.trim();
        if let Some(s) = line.strip_prefix("Scenario:") {
            scenarios.push(Scenario { scenario: s.trim().to_string(), description: None, exclusion: None });
        } else if let Some(d) = line.strip_prefix("Description:") {
            if let Some(last) = scenarios.last_mut() {
                last.description = Some(d.trim().to_string());
            }
        } else if let Some(e) = line.strip_prefix("Filter/Exclusion:")
            && let Some(last) = scenarios.last_mut()
        {
            last.exclusion = Some(e.trim().to_string());
        }
    }
    // `description: |` is followed by its lines, up to the next key.
    let description = meta
        .split_once("\ndescription: |\n")
        .map(|(_, rest)| rest.split("\nrequiredDataConnectors:").next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    SeedRule {
        tool,
        kind,
        id,
        description,
        name: field("name: "),
        hypothesis: head.trim().to_string(),
        query: format!("{}\n", query.trim()),
        scenarios,
    }
}
