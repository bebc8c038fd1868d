//! The rule generator: turns the RMM catalogue into hunting rules, the built-in pack.
//!
//! Each tool gets up to five rules, one per kind of indicator it has ([`RuleKind`]), each in the
//! shape of the user's seed rules: a five-day window, the indicator predicate, and one row per
//! device with `FirstSeen`, `LastSeen`, `Report` (the set of `ReportId`s) and `Count`. Network
//! rules also group by `RemoteUrl`, as the Action1 seed does.
//!
//! Where the user has a seed rule for a tool and kind (Pulseway process and signature,
//! ConnectWise process, PDQ process, Action1 network), the generated rule is the seed: its id,
//! its query, its false-positive scenarios. The catalogue keeps exactly the seed's indicators
//! for those kinds, so the hunt and the synthetic-data generator agree with the seed.
//!
//! Rule ids are stable: [`rule_id`] derives a UUID-shaped id from the tool's slug and the kind
//! (FNV-1a 128-bit over `quarry.rmm/<slug>/<kind>`, version nibble 5, RFC 4122 variant), so
//! the same catalogue always gives the same ids and Sentinel sees an update, not a new rule.

pub mod kql;
mod seeds;
pub mod yaml;

use std::sync::OnceLock;

use crate::catalog::{self, Catalogue, Tool};
use crate::rule::{DataConnectorRef, Rule, RuleSource};

pub use seeds::{SeedRule, seed_rules};

/// The kind of indicator a generated rule hunts for; one rule per tool and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleKind {
    /// A process of the tool started (`DeviceProcessEvents`).
    Process,
    /// A file signed by the tool's vendor is on the device (`DeviceFileCertificateInfo`).
    Signature,
    /// A connection to the tool's domains (`DeviceNetworkEvents`).
    Network,
    /// A file in the tool's install folders (`DeviceFileEvents`).
    File,
    /// A registry key of the tool (`DeviceRegistryEvents`).
    Registry,
}

impl RuleKind {
    /// Every kind, in the order rules are generated.
    pub const ALL: [RuleKind; 5] =
        [RuleKind::Process, RuleKind::Signature, RuleKind::Network, RuleKind::File, RuleKind::Registry];

    /// Short name used in ids and file names: `process`, `signature`, `network`, `file`,
    /// `registry`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Process => "process",
            RuleKind::Signature => "signature",
            RuleKind::Network => "network",
            RuleKind::File => "file",
            RuleKind::Registry => "registry",
        }
    }

    /// The table the rule reads.
    pub fn table(self) -> &'static str {
        match self {
            RuleKind::Process => "DeviceProcessEvents",
            RuleKind::Signature => "DeviceFileCertificateInfo",
            RuleKind::Network => "DeviceNetworkEvents",
            RuleKind::File => "DeviceFileEvents",
            RuleKind::Registry => "DeviceRegistryEvents",
        }
    }

    /// The last part of the rule's name, as the seed rules spell it.
    pub fn title(self) -> &'static str {
        match self {
            RuleKind::Process => "Create Process",
            RuleKind::Signature => "File Signature",
            RuleKind::Network => "Network Connection",
            RuleKind::File => "File Artefact",
            RuleKind::Registry => "Registry Artefact",
        }
    }

    /// The kind of rule that reads `table` (case-insensitive).
    pub fn from_table(table: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.table().eq_ignore_ascii_case(table))
    }

    /// The kind whose [`RuleKind::as_str`] is `name`.
    pub fn parse(name: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

/// The prefix of every generated rule's name.
pub const NAME_PREFIX: &str = "Remote Management and Monitoring tool";

/// The stable id of the generated rule for a tool (by slug) and kind.
pub fn rule_id(slug: &str, kind: RuleKind) -> String {
    // FNV-1a, 128-bit (offset basis and prime from the FNV specification).
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for byte in format!("quarry.rmm/{slug}/{}", kind.as_str()).bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    let mut bytes = hash.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5 (name-based)
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The generated rule's name: `Remote Management and Monitoring tool - <Tool> - <Kind title>`.
pub fn rule_name(tool: &str, kind: RuleKind) -> String {
    format!("{NAME_PREFIX} - {tool} - {}", kind.title())
}

/// The built-in pack: the rules generated from the built-in catalogue, built once.
pub fn builtin_pack() -> &'static [Rule] {
    static PACK: OnceLock<Vec<Rule>> = OnceLock::new();
    PACK.get_or_init(|| generate(catalog::builtin()))
}

/// Generates the rules of every tool in `catalogue`, in catalogue order, kinds in
/// [`RuleKind::ALL`] order. A tool with no usable indicator of a kind gets no rule of it.
pub fn generate(catalogue: &Catalogue) -> Vec<Rule> {
    let seeds = seed_rules();
    let mut rules = Vec::new();
    for tool in catalogue.tools() {
        for kind in RuleKind::ALL {
            let seed =
                seeds.iter().find(|s| s.kind == kind && catalogue.find(s.tool).is_some_and(|t| t.slug == tool.slug));
            let rule = match seed {
                Some(seed) => Some(seed_rule(tool, seed)),
                None => generate_rule(tool, kind),
            };
            rules.extend(rule);
        }
    }
    rules
}

/// The rule of one tool and kind, generated from the catalogue (seeds not consulted). `None`
/// when the tool has no usable indicator of that kind.
pub fn generate_rule(tool: &Tool, kind: RuleKind) -> Option<Rule> {
    let (predicate, listed) = match kind {
        RuleKind::Process => (kql::process(tool)?, Vec::new()),
        RuleKind::Signature => (kql::signers(tool)?, Vec::new()),
        RuleKind::Network => (kql::domains(tool)?, Vec::new()),
        RuleKind::File => kql::paths(tool)?,
        RuleKind::Registry => kql::keys(tool)?,
    };
    let group = if kind == RuleKind::Network { "DeviceId, DeviceName,\n    RemoteUrl" } else { "DeviceId, DeviceName" };
    let mut query = String::from("let Time_start = now(-5d);\nlet Time_end = now();\n");
    // The regex predicates are hard to read; the indicators they were built from are listed.
    for item in &listed {
        query.push_str(&format!("// {}: {}\n", kind.as_str(), item.replace('\n', " ")));
    }
    if listed.is_empty() {
        query.push_str("//\n");
    }
    query.push_str(&format!(
        "{table}\n| where Timestamp between (Time_start..Time_end)\n| where {predicate}\n\
         | summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),\n    \
         Report=make_set(ReportId), Count=count() by {group}\n",
        table = kind.table(),
    ));
    Some(base_rule(tool, kind, query))
}

/// A generated rule of `tool` and `kind` with this query.
fn base_rule(tool: &Tool, kind: RuleKind, query: String) -> Rule {
    Rule {
        id: rule_id(&tool.slug, kind),
        name: rule_name(&tool.name, kind),
        description: description(tool, kind),
        hypothesis: Some(hypothesis(tool, kind)),
        severity: Some("Medium".to_string()),
        data_connectors: vec![DataConnectorRef {
            connector_id: "MicrosoftThreatProtection".to_string(),
            data_types: vec![kind.table().to_string()],
        }],
        tactics: vec!["CommandAndControl".to_string()],
        techniques: vec!["T1219".to_string()],
        query,
        tool: Some(tool.name.clone()),
        scenarios: Vec::new(),
        source: RuleSource::BuiltIn,
        origin: None,
    }
}

/// The rule carrying a seed: the seed's id, query, description, hypothesis and scenarios, with the generated
/// rule's metadata. The name follows the pack's pattern (the Action1 seed misspells "Monitoring").
fn seed_rule(tool: &Tool, seed: &SeedRule) -> Rule {
    let mut rule = base_rule(tool, seed.kind, seed.query.clone());
    rule.id = seed.id.clone();
    if !seed.description.is_empty() {
        rule.description = seed.description.clone();
    }
    rule.hypothesis = Some(seed.hypothesis.clone());
    rule.scenarios = seed.scenarios.clone();
    rule
}

fn description(tool: &Tool, kind: RuleKind) -> String {
    let what = match kind {
        RuleKind::Process => "processes whose PE version information or file name is that of",
        RuleKind::Signature => "files signed with a code-signing certificate of",
        RuleKind::Network => "network connections to domains of",
        RuleKind::File => "file activity in the install folders of",
        RuleKind::Registry => "registry activity on keys created by",
    };
    format!(
        "Finds {what} {name}, a remote monitoring and management (RMM) tool. Attackers install RMM tools \
         to keep remote access and a command-and-control channel that blends in with IT administration \
         (MITRE ATT&CK T1219). Generated by Quarry from its RMM catalogue.",
        name = tool.name
    )
}

fn hypothesis(tool: &Tool, kind: RuleKind) -> String {
    let evidence = match kind {
        RuleKind::Process => "started its processes",
        RuleKind::Signature => "left files signed by its vendor",
        RuleKind::Network => "connected to its service",
        RuleKind::File => "wrote files in its install folders",
        RuleKind::Registry => "created its registry keys",
    };
    format!(
        "An adversary installed or ran {} on a device for remote access and {evidence}; \
         a device where IT does not use this tool deserves a look.",
        tool.name
    )
}
