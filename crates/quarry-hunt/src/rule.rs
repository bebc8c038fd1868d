//! The rule model: a hunting rule as Quarry runs it, whatever file or generator it came from.
//!
//! A [`Rule`] is built from a Sentinel rule YAML file, a `.kql` file, a seed document, or the
//! RMM catalogue's generator. Loaders fill what their format has; the rest stays empty.

use std::path::PathBuf;

/// A hunting rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Stable identifier (a GUID for Sentinel rules); for `.kql` files, derived from the path.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// What the rule detects.
    pub description: String,
    /// Why a hunter would run it: the hypothesis of a seed document.
    pub hypothesis: Option<String>,
    /// `informational`, `low`, `medium` or `high`, when the rule says.
    pub severity: Option<String>,
    /// Sentinel's `requiredDataConnectors`.
    pub data_connectors: Vec<DataConnectorRef>,
    /// MITRE ATT&CK tactics, e.g. `CommandAndControl`.
    pub tactics: Vec<String>,
    /// MITRE ATT&CK techniques, e.g. `T1219`.
    pub techniques: Vec<String>,
    /// The KQL query.
    pub query: String,
    /// The RMM tool the rule concerns (its catalogue name), for RMM rules.
    pub tool: Option<String>,
    /// False-positive scenarios, each with an optional exclusion.
    pub scenarios: Vec<Scenario>,
    /// Where the rule came from.
    pub source: RuleSource,
}

/// One entry of a rule's `requiredDataConnectors`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataConnectorRef {
    /// e.g. `MicrosoftThreatProtection`.
    pub connector_id: String,
    /// Tables the connector provides that the rule reads, e.g. `DeviceProcessEvents`.
    pub data_types: Vec<String>,
}

/// A false-positive scenario of a rule: a legitimate activity that would match, and how to
/// exclude it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The situation, e.g. "An administrator deploys updates with Pulseway".
    pub scenario: String,
    /// More detail, when the source gives it.
    pub description: Option<String>,
    /// The exclusion as the source wrote it (KQL, the seed documents' field notation, or prose).
    pub exclusion: Option<String>,
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSource {
    /// Loaded from a file.
    File(PathBuf),
    /// Generated from the built-in RMM catalogue.
    BuiltIn,
}
