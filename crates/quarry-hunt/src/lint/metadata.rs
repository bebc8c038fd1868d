//! What a rule file says about its rule, each value with the place in the file it came from.
//!
//! The loader fills a [`RuleMetadata`] for every Sentinel rule YAML file (valid or not) and for
//! every seed document that carries a flattened rule after its query. The checks in
//! [`crate::lint`] read it; positions let their findings point at the offending value.

use std::collections::BTreeMap;

use crate::origin::Position;

/// A value and where it is written in the file: `start` is its first character, `end` the
/// character after its last one (both 1-based; see [`Position`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value, as YAML decodes it (quotes removed, escapes applied).
    pub value: T,
    /// Where the value starts in the file.
    pub start: Position,
    /// Where it ends: the character after its last one.
    pub end: Position,
}

impl<T> Located<T> {
    /// A value at `start..end`.
    pub fn new(value: T, start: Position, end: Position) -> Self {
        Located { value, start, end }
    }
}

/// One entry of `requiredDataConnectors`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataConnector {
    /// Where the entry starts (its `-` or first key).
    pub start: Position,
    /// `connectorId`, e.g. `MicrosoftThreatProtection`.
    pub connector_id: Option<Located<String>>,
    /// `dataTypes`: the tables the connector brings, e.g. `DeviceProcessEvents`.
    pub data_types: Vec<Located<String>>,
}

/// The metadata of a Sentinel rule: the fields besides `query` that Quarry checks.
///
/// A field is `None` (or empty) when the file does not have it. A field present with an empty
/// value (`id:` and nothing after it) is `Some` with an empty string, placed at its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMetadata {
    /// Where the rule's fields begin: the first top-level key of a YAML file, the `id:` line of
    /// a seed document. Findings about a missing field are placed here.
    pub start: Position,
    /// Every top-level key found, with the position of its first character. A `connectorId` or
    /// `dataTypes` written at the top level after `requiredDataConnectors` is listed here too
    /// (and read as part of that list wherever YAML allows it).
    pub keys: BTreeMap<String, Position>,
    /// `id`: a GUID that identifies the rule in Sentinel.
    pub id: Option<Located<String>>,
    /// `name`.
    pub name: Option<Located<String>>,
    /// `description`.
    pub description: Option<Located<String>>,
    /// `severity`: `Informational`, `Low`, `Medium` or `High`.
    pub severity: Option<Located<String>>,
    /// `kind` of an analytics rule: `Scheduled`, `NRT`, ...
    pub kind: Option<Located<String>>,
    /// `queryFrequency` of a scheduled rule, e.g. `1h`.
    pub query_frequency: Option<Located<String>>,
    /// `queryPeriod` of a scheduled rule, e.g. `1d`.
    pub query_period: Option<Located<String>>,
    /// `tactics`, one entry per name whether the file has a list, a single name or a
    /// comma-separated string.
    pub tactics: Vec<Located<String>>,
    /// `relevantTechniques`, one entry per technique, as for `tactics`.
    pub relevant_techniques: Vec<Located<String>>,
    /// `requiredDataConnectors`.
    pub required_data_connectors: Vec<DataConnector>,
}

impl RuleMetadata {
    /// Metadata with no fields, for a rule whose fields begin at `start`.
    pub fn new(start: Position) -> Self {
        RuleMetadata {
            start,
            keys: BTreeMap::new(),
            id: None,
            name: None,
            description: None,
            severity: None,
            kind: None,
            query_frequency: None,
            query_period: None,
            tactics: Vec::new(),
            relevant_techniques: Vec::new(),
            required_data_connectors: Vec::new(),
        }
    }

    /// Every `dataTypes` entry of every connector, in file order.
    pub fn data_types(&self) -> impl Iterator<Item = &Located<String>> {
        self.required_data_connectors.iter().flat_map(|c| &c.data_types)
    }

    /// Where the top-level `key` is written, if the file has it.
    pub fn key_position(&self, key: &str) -> Option<Position> {
        self.keys.get(key).copied()
    }
}
