//! Exclusions: KQL predicates over the events of a rule's table that remove known-benign
//! activity before the rule aggregates. They come from a rule's false-positive scenarios (the
//! seed documents' field notation, translated by [`notation`]) and from an exclusions file
//! ([`file`]). Each has a reason and may expire.
//!
//! ```
//! use quarry_hunt::Rule;
//! use quarry_hunt::exclusion::{ScenarioOutcome, scenario_exclusions};
//! use quarry_hunt::rule::Scenario;
//!
//! let rule = Rule {
//!     scenarios: vec![Scenario {
//!         scenario: "Patching".into(),
//!         description: None,
//!         exclusion: Some(r#"process.command_line contains "PatchManagement""#.into()),
//!     }],
//!     ..Rule::new("r", "R", "DeviceProcessEvents | summarize count()")
//! };
//! let found = scenario_exclusions(&rule);
//! assert_eq!(
//!     found[0].outcome,
//!     ScenarioOutcome::Mapped { kql: r#"ProcessCommandLine contains "PatchManagement""#.into(), note: None }
//! );
//! ```

pub mod file;
pub mod notation;

use kql_semantics::{Catalog, SchemaCatalog};

use crate::hunt::shape::analyse;
use crate::rule::Rule;

pub use file::{ExclusionFile, ExclusionFileError, FileExclusion, Target, load_exclusions, parse_exclusions};

/// What became of one false-positive scenario's exclusion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioOutcome {
    /// A working KQL predicate over the rule's table.
    Mapped {
        /// The predicate matching the events to exclude.
        kql: String,
        /// How the line was read, when that needs saying (see [`notation::Translation`]).
        note: Option<String>,
    },
    /// The scenario's exclusion is a sentence, not a filter.
    ProseOnly {
        /// Why it was read as prose.
        reason: String,
    },
    /// The filter names fields the rule's table has no column for.
    Unmappable {
        /// The fields, as written.
        fields: Vec<String>,
        /// Why, naming the table.
        reason: String,
    },
    /// The scenario has no `Filter/Exclusion` line.
    Missing,
}

impl ScenarioOutcome {
    /// `mapped`, `prose-only`, `unmappable` or `missing`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ScenarioOutcome::Mapped { .. } => "mapped",
            ScenarioOutcome::ProseOnly { .. } => "prose-only",
            ScenarioOutcome::Unmappable { .. } => "unmappable",
            ScenarioOutcome::Missing => "missing",
        }
    }
}

/// One scenario of a rule and its exclusion's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioExclusion {
    /// 1-based position among the rule's scenarios.
    pub number: usize,
    /// The scenario's text.
    pub scenario: String,
    /// The exclusion as written.
    pub written: Option<String>,
    /// What became of it.
    pub outcome: ScenarioOutcome,
}

/// Translates each scenario exclusion of `rule` into KQL over the rule's main table (the table
/// its query starts from), with the built-in Defender catalog.
pub fn scenario_exclusions(rule: &Rule) -> Vec<ScenarioExclusion> {
    scenario_exclusions_with(rule, SchemaCatalog::defender_ref())
}

/// As [`scenario_exclusions`], with the tables of `catalog` (e.g. the data's own columns).
pub fn scenario_exclusions_with(rule: &Rule, catalog: &SchemaCatalog) -> Vec<ScenarioExclusion> {
    let table_name = analyse(&rule.query).table;
    let table = table_name.as_deref().and_then(|t| catalog.table(t));
    rule.scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let written = s.exclusion.clone().filter(|e| !e.trim().is_empty());
            let outcome = match (&written, table) {
                (None, _) => ScenarioOutcome::Missing,
                (Some(text), Some(table)) => match notation::translate(text, table) {
                    Ok(t) => ScenarioOutcome::Mapped { kql: t.kql, note: t.note },
                    Err(notation::NotationError::Prose(reason)) => ScenarioOutcome::ProseOnly { reason },
                    Err(notation::NotationError::Unmappable { fields, reason }) => {
                        ScenarioOutcome::Unmappable { fields, reason }
                    }
                },
                (Some(text), None) => match notation::translate(text, &kql_semantics::TableSchema::new("?", vec![])) {
                    Err(notation::NotationError::Prose(reason)) => ScenarioOutcome::ProseOnly { reason },
                    _ => ScenarioOutcome::Unmappable {
                        fields: Vec::new(),
                        reason: match &table_name {
                            Some(t) => format!("the rule's table {t} is not a known table"),
                            None => "the rule's query does not start from a table".to_string(),
                        },
                    },
                },
            };
            ScenarioExclusion { number: i + 1, scenario: s.scenario.clone(), written, outcome }
        })
        .collect()
}
