//! Quarry's rule model: hunting queries and the rules that carry them.
//!
//! In Quarry's data flow this crate sits beside the telemetry readers: it turns files in a rules
//! folder into queries that `kql-syntax` parses and, later, the engine runs. This first piece
//! finds and loads queries from three kinds of file:
//!
//! - `.kql`, `.csl` and `.kusto` files, where the whole file is the query;
//! - Sentinel hunting and analytics rules in YAML (`id`, `name`, `query`), including files that
//!   are not valid YAML but whose `query:` block can still be found;
//! - seed documents, the text format of the first RMM rules (a hypothesis, a `KQL Query` line,
//!   the query, then a flattened rule).
//!
//! Every [`QuerySource`] carries an [`Origin`] mapping byte offsets in its query back to lines
//! and columns of the file, so a syntax error in a YAML rule's query is reported at the YAML
//! file's own line and column.
//!
//! Rule YAML and seed documents also give a [`RuleMetadata`] (id, tactics, techniques, data
//! connectors, ...), each value with its position, also when the YAML is malformed. The
//! [`lint`] module checks it: [`lint_metadata`] for one rule, [`duplicate_ids`] across files.
//!
//! ```
//! use std::path::Path;
//! use quarry_hunt::{Position, SourceFormat, load_text};
//!
//! let yaml = "id: r-1\nname: Demo\nquery: |\n  DeviceProcessEvents\n  | take 10\n";
//! let source = load_text(Path::new("demo.yaml"), yaml, SourceFormat::RuleYaml).unwrap();
//! assert_eq!(source.query, "DeviceProcessEvents\n| take 10\n");
//! assert_eq!(source.rule_id.as_deref(), Some("r-1"));
//! // Byte 22 of the query is `take`, on line 5, column 5 of the YAML file.
//! assert_eq!(source.origin.position(22), Position { line: 5, column: 5 });
//! ```

#![deny(missing_docs)]

pub mod catalog;
mod discover;
mod error;
pub mod exclusion;
mod format;
pub mod generate;
pub mod hunt;
pub mod lint;
pub mod load;
mod origin;
pub mod rule;
mod source;

pub use discover::{Discovery, discover};
pub use error::{LoadError, LoadErrorKind, codes};
pub use lint::{
    DataConnector, Located, MetadataFinding, RuleMetadata, Severity as LintSeverity, duplicate_ids, lint_metadata,
};
pub use origin::{Origin, Position};
pub use rule::{DataConnectorRef, Rule, RuleSource, Scenario};
pub use source::{QuerySource, SourceFormat, SourceNote, is_seed_document, load_file, load_text};
