//! Rule files to [`Rule`]s: Sentinel hunting and analytics rule YAML, `.kql` files and seed
//! documents, found with [`crate::discover`]. A file that cannot be loaded is reported with why,
//! and loading goes on with the others.
//!
//! ```
//! use std::path::Path;
//! use quarry_hunt::{SourceFormat, load_text};
//! use quarry_hunt::load::rule_from_source;
//!
//! let yaml = "id: r-1\nname: RMM tool - ZetaDesk - Process\ntactics: CommandAndControl\nquery: |\n  DeviceProcessEvents\n";
//! let source = load_text(Path::new("r.yaml"), yaml, SourceFormat::RuleYaml).unwrap();
//! let rule = rule_from_source(&source);
//! assert_eq!(rule.tactics, ["CommandAndControl"]);
//! assert_eq!(rule.tool.as_deref(), Some("ZetaDesk"));
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_yaml_ng::Value;

use crate::discover::discover;
use crate::format::seed;
use crate::lint::Located;
use crate::origin::Position;
use crate::rule::{DataConnectorRef, Rule, RuleSource, Scenario};
use crate::source::{QuerySource, SourceFormat};

/// The rules found under some paths, and the files that gave none.
#[derive(Debug, Default)]
pub struct LoadedRules {
    /// The rules, in discovery order (paths in the order given, folders walked in sorted order).
    pub rules: Vec<Arc<Rule>>,
    /// Files that gave no rule, and problems with rules that were still loaded.
    pub problems: Vec<LoadProblem>,
}

impl LoadedRules {
    /// Whether any file failed to give a rule (warnings do not count).
    pub fn has_failures(&self) -> bool {
        self.problems.iter().any(|p| p.fatal)
    }
}

/// A file that gave no rule, or a rule that loaded with a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    /// The file.
    pub path: PathBuf,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// Stable code: `QH001` unreadable, `QH002` no query, `QH003` invalid YAML, `QH004`
    /// duplicate rule id.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Whether the file gave no rule (`true`) or the rule loaded anyway (`false`).
    pub fatal: bool,
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        write!(f, ": {} [{}]", self.message, self.code)
    }
}

/// Code of a rule id used by more than one file; the later rule keeps loading, under its id.
pub const DUPLICATE_ID: &str = "QH004";

/// Finds and loads the rules under `paths` (files or folders; see [`crate::discover`]).
pub fn load_rules(paths: &[PathBuf]) -> LoadedRules {
    let discovery = discover(paths);
    let mut loaded = LoadedRules::default();
    for error in discovery.errors {
        loaded.problems.push(LoadProblem {
            path: error.path().to_path_buf(),
            position: None,
            code: error.code(),
            message: error.reason(),
            fatal: true,
        });
    }
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for source in &discovery.sources {
        for note in &source.notes {
            loaded.problems.push(LoadProblem {
                path: source.path.clone(),
                position: note.position,
                code: note.code,
                message: note.message.clone(),
                fatal: false,
            });
        }
        let rule = rule_from_source(source);
        if let Some(first) = seen.get(&rule.id) {
            loaded.problems.push(LoadProblem {
                path: source.path.clone(),
                position: source.metadata.as_ref().and_then(|m| m.id.as_ref()).map(|id| id.start),
                code: DUPLICATE_ID,
                message: format!("rule id `{}` is also used by {}", rule.id, first.display()),
                fatal: false,
            });
        } else {
            seen.insert(rule.id.clone(), source.path.clone());
        }
        loaded.rules.push(Arc::new(rule));
    }
    loaded
}

/// Builds a [`Rule`] from a loaded query: what the file says about the rule, with the query.
///
/// - id: the rule's `id`, else the file name without its extension;
/// - name: the rule's `name`, else the id;
/// - tactics and techniques: lists or single (comma-separated) strings alike;
/// - tool: a top-level `tool:` key of rule YAML, else the middle part of a name shaped
///   `Remote Management and Monitoring tool - <Tool> - <what>` (also `RMM ... - <Tool> - ...`);
/// - hypothesis and false-positive scenarios: from a seed document's text, or from a YAML
///   rule's `hypothesis:` key and `scenarios:` list (`scenario`, `description`, `exclusion`).
pub fn rule_from_source(source: &QuerySource) -> Rule {
    let meta = source.metadata.as_ref();
    let text = |v: Option<&Located<String>>| v.map(|l| l.value.trim().to_string()).filter(|v| !v.is_empty());
    let id = source
        .rule_id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .or_else(|| text(meta.and_then(|m| m.id.as_ref())))
        .unwrap_or_else(|| file_stem(&source.path));
    let name = source
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| text(meta.and_then(|m| m.name.as_ref())))
        .unwrap_or_else(|| id.clone());
    let list = |values: &[Located<String>]| {
        values.iter().map(|v| v.value.trim().to_string()).filter(|v| !v.is_empty()).collect()
    };
    let mut rule = Rule {
        description: text(meta.and_then(|m| m.description.as_ref())).unwrap_or_default(),
        severity: text(meta.and_then(|m| m.severity.as_ref())),
        tactics: meta.map(|m| list(&m.tactics)).unwrap_or_default(),
        techniques: meta.map(|m| list(&m.relevant_techniques)).unwrap_or_default(),
        data_connectors: meta
            .map(|m| {
                m.required_data_connectors
                    .iter()
                    .map(|c| DataConnectorRef {
                        connector_id: c.connector_id.as_ref().map(|l| l.value.clone()).unwrap_or_default(),
                        data_types: list(&c.data_types),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        source: RuleSource::File(source.path.clone()),
        origin: Some(source.origin.clone()),
        ..Rule::new(id, name, source.query.clone())
    };
    let file_text = source.origin.file_text();
    match source.format {
        SourceFormat::SeedDocument => {
            rule.hypothesis = seed::hypothesis(file_text);
            rule.scenarios = seed::scenarios(file_text).into_iter().map(|s| s.scenario).collect();
        }
        SourceFormat::RuleYaml => {
            if let Ok(Value::Mapping(map)) = serde_yaml_ng::from_str::<Value>(file_text) {
                let string = |key: &str| match map.get(key) {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    _ => None,
                };
                rule.tool = string("tool");
                rule.hypothesis = string("hypothesis");
                if let Some(Value::Sequence(items)) = map.get("scenarios") {
                    rule.scenarios = items.iter().filter_map(yaml_scenario).collect();
                }
            }
        }
        _ => {}
    }
    if rule.tool.is_none() {
        rule.tool = tool_from_name(&rule.name);
    }
    rule
}

fn yaml_scenario(value: &Value) -> Option<Scenario> {
    let Value::Mapping(map) = value else { return None };
    let get = |key: &str| match map.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    Some(Scenario {
        scenario: get("scenario")?,
        description: get("description"),
        exclusion: get("exclusion").or_else(|| get("filter")),
    })
}

/// The tool of an RMM rule named `<RMM prefix> - <Tool> - <what>`.
pub fn tool_from_name(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split(" - ").map(str::trim).collect();
    if parts.len() < 3 {
        return None;
    }
    let prefix = parts[0].to_ascii_lowercase();
    let rmm =
        prefix.starts_with("remote management") || prefix.starts_with("remote monitoring") || prefix.contains("rmm");
    (rmm && !parts[1].is_empty()).then(|| parts[1].to_string())
}

fn file_stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_comes_from_rmm_names_only() {
        assert_eq!(
            tool_from_name("Remote Management and Monitoring tool - Pulseway - Create Process").as_deref(),
            Some("Pulseway")
        );
        assert_eq!(
            tool_from_name("Remote Management and Montioring tool - Action1 - Network Connection").as_deref(),
            Some("Action1")
        );
        assert_eq!(tool_from_name("RMM tool - ZetaDesk - File"), Some("ZetaDesk".to_string()));
        assert_eq!(tool_from_name("Suspicious - thing - here"), None);
        assert_eq!(tool_from_name("Remote Management - Pulseway"), None);
    }
}
