//! The rule model: a hunting rule as Quarry runs it, whatever file or generator it came from.
//!
//! A [`Rule`] is built from a Sentinel rule YAML file, a `.kql` file, a seed document, or the
//! RMM catalogue's generator. Loaders fill what their format has; the rest stays empty.

use std::path::PathBuf;

use crate::origin::Origin;

/// A hunting rule.
///
/// Build one with [`Rule::new`] and struct update syntax (`Rule { tool: .., ..Rule::new(..) }`)
/// so that fields added later do not break the code.
#[derive(Clone, Debug, Default)]
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
    /// Maps byte offsets of [`query`](Self::query) to lines and columns of the rule's file, so
    /// that a failing rule is reported at the file's own line and column. `None` for generated
    /// rules.
    pub origin: Option<Origin>,
}

impl Rule {
    /// A rule with an id, a name and a query; everything else empty, source built-in.
    pub fn new(id: impl Into<String>, name: impl Into<String>, query: impl Into<String>) -> Self {
        Rule { id: id.into(), name: name.into(), query: query.into(), ..Rule::default() }
    }
}

/// Rules compare by content; where the query sits in its file does not matter.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.description == other.description
            && self.hypothesis == other.hypothesis
            && self.severity == other.severity
            && self.data_connectors == other.data_connectors
            && self.tactics == other.tactics
            && self.techniques == other.techniques
            && self.query == other.query
            && self.tool == other.tool
            && self.scenarios == other.scenarios
            && self.source == other.source
    }
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scenario {
    /// The situation, e.g. "An administrator deploys updates with Pulseway".
    pub scenario: String,
    /// More detail, when the source gives it.
    pub description: Option<String>,
    /// The exclusion as the source wrote it (KQL, the seed documents' field notation, or prose).
    pub exclusion: Option<String>,
}

/// Where a rule came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RuleSource {
    /// Loaded from a file.
    File(PathBuf),
    /// Generated from the built-in RMM catalogue.
    #[default]
    BuiltIn,
}
