//! `quarry rules`: list, show and export the built-in rule pack (the rules generated from the
//! RMM catalogue, see `quarry_hunt::generate`).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, bail};
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Value, json};

use quarry_hunt::Rule;
use quarry_hunt::catalog;
use quarry_hunt::exclusion::{ScenarioOutcome, scenario_exclusions};
use quarry_hunt::generate::{RuleKind, builtin_pack, yaml};

use crate::Outcome;
use crate::args::{ListFormat, RuleFilter, RulesArgs, RulesCommand};

/// Runs `quarry rules`.
pub fn run(args: RulesArgs) -> anyhow::Result<Outcome> {
    match args.command {
        RulesCommand::List(list) => {
            let rules = select(builtin_pack(), &list.filter)?;
            let mut out = io::stdout().lock();
            match list.format {
                ListFormat::Table => write_table(&rules, &mut out)?,
                ListFormat::Json => {
                    let value = Value::Array(rules.iter().map(|r| summary(r)).collect());
                    writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
                }
            }
            Ok(Outcome::Clean)
        }
        RulesCommand::Show(show) => {
            let rule = find(builtin_pack(), &show.id)?;
            let mut out = io::stdout().lock();
            match show.format {
                ListFormat::Table => write_rule(rule, &mut out)?,
                ListFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&detail(rule))?)?,
            }
            Ok(Outcome::Clean)
        }
        RulesCommand::Export(export) => {
            let rules = select(builtin_pack(), &export.filter)?;
            let written = write_files(&rules, &export.dir)?;
            eprintln!("quarry: wrote {written} rules to {}", export.dir.display());
            Ok(Outcome::Clean)
        }
    }
}

/// The rules of `pack` that pass `filter`. An unknown tool is an error naming near matches,
/// rather than an empty list that looks like "no rules for this tool".
fn select<'a>(pack: &'a [Rule], filter: &RuleFilter) -> anyhow::Result<Vec<&'a Rule>> {
    let tool = match &filter.tool {
        Some(name) => match catalog::builtin().find(name) {
            Some(tool) => Some(tool.name.as_str()),
            None => bail!("unknown RMM tool `{name}`{}", suggest_tool(name)),
        },
        None => None,
    };
    let table = match &filter.table {
        Some(t) => match RuleKind::parse(t).or_else(|| RuleKind::from_table(t)) {
            Some(kind) => Some(kind.table()),
            None => bail!(
                "unknown table or rule kind `{t}`: expected one of {} or {}",
                RuleKind::ALL.map(RuleKind::table).join(", "),
                RuleKind::ALL.map(RuleKind::as_str).join(", ")
            ),
        },
        None => None,
    };
    Ok(pack
        .iter()
        .filter(|r| tool.is_none_or(|t| r.tool.as_deref() == Some(t)))
        .filter(|r| table.is_none_or(|t| tables(r).iter().any(|x| x.eq_ignore_ascii_case(t))))
        .filter(|r| filter.tactic.as_ref().is_none_or(|t| r.tactics.iter().any(|x| x.eq_ignore_ascii_case(t.trim()))))
        .filter(|r| {
            filter.technique.as_ref().is_none_or(|t| {
                let t = t.trim();
                r.techniques.iter().any(|x| {
                    x.eq_ignore_ascii_case(t)
                        || (x.len() > t.len() && x[..t.len()].eq_ignore_ascii_case(t) && x[t.len()..].starts_with('.'))
                })
            })
        })
        .collect())
}

/// ", did you mean ...?" with up to three catalogue names that contain `name` or that `name`
/// contains; empty when none do.
fn suggest_tool(name: &str) -> String {
    let wanted = name.trim().to_lowercase();
    if wanted.len() < 3 {
        return String::new();
    }
    let near: Vec<&str> = catalog::builtin()
        .tools()
        .iter()
        .filter(|t| {
            t.names().any(|n| {
                let n = n.to_lowercase();
                n.contains(&wanted) || (n.len() >= 3 && wanted.contains(&n))
            })
        })
        .map(|t| t.name.as_str())
        .take(3)
        .collect();
    if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) }
}

/// The rule with this id (case-insensitive), or the one rule whose id starts with it.
fn find<'a>(pack: &'a [Rule], id: &str) -> anyhow::Result<&'a Rule> {
    let id = id.trim();
    if let Some(rule) = pack.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        return Ok(rule);
    }
    let lower = id.to_ascii_lowercase();
    let matches: Vec<&Rule> =
        pack.iter().filter(|r| lower.len() >= 8 && r.id.to_ascii_lowercase().starts_with(&lower)).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => bail!("no built-in rule has id `{id}` (see `quarry rules list`)"),
        many => bail!("`{id}` is the start of {} rule ids; give more of it", many.len()),
    }
}

fn tables(rule: &Rule) -> Vec<&str> {
    rule.data_connectors.iter().flat_map(|c| c.data_types.iter().map(String::as_str)).collect()
}

fn summary(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "name": rule.name,
        "tool": rule.tool,
        "tables": tables(rule),
        "tactics": rule.tactics,
        "techniques": rule.techniques,
        "severity": rule.severity,
    })
}

fn detail(rule: &Rule) -> Value {
    let mut value = summary(rule);
    value["description"] = json!(rule.description);
    value["hypothesis"] = json!(rule.hypothesis);
    value["query"] = json!(rule.query);
    value["scenarios"] = Value::Array(
        rule.scenarios
            .iter()
            .zip(scenario_exclusions(rule))
            .map(|(s, o)| {
                let (kql, reason) = match &o.outcome {
                    ScenarioOutcome::Mapped { kql, note } => (Some(kql.clone()), note.clone()),
                    ScenarioOutcome::ProseOnly { reason } | ScenarioOutcome::Unmappable { reason, .. } => {
                        (None, Some(reason.clone()))
                    }
                    ScenarioOutcome::Missing => (None, None),
                };
                json!({"scenario": s.scenario, "description": s.description, "exclusion": s.exclusion,
                       "exclusion_status": o.outcome.as_str(), "exclusion_kql": kql, "exclusion_note": reason})
            })
            .collect(),
    );
    value
}

fn write_table(rules: &[&Rule], out: &mut dyn Write) -> io::Result<()> {
    if !rules.is_empty() {
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
        table.set_header(vec!["ID", "Tool", "Table", "Tactics", "Techniques"]);
        for rule in rules {
            table.add_row(vec![
                rule.id.clone(),
                rule.tool.clone().unwrap_or_default(),
                tables(rule).join(", "),
                rule.tactics.join(", "),
                rule.techniques.join(", "),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    writeln!(out, "({} {})", rules.len(), if rules.len() == 1 { "rule" } else { "rules" })
}

fn write_rule(rule: &Rule, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "id:          {}", rule.id)?;
    writeln!(out, "name:        {}", rule.name)?;
    writeln!(out, "tool:        {}", rule.tool.as_deref().unwrap_or("-"))?;
    writeln!(out, "tables:      {}", tables(rule).join(", "))?;
    writeln!(out, "tactics:     {}", rule.tactics.join(", "))?;
    writeln!(out, "techniques:  {}", rule.techniques.join(", "))?;
    writeln!(out, "severity:    {}", rule.severity.as_deref().unwrap_or("-"))?;
    writeln!(out, "\ndescription:")?;
    write_indented(&rule.description, out)?;
    if let Some(h) = &rule.hypothesis {
        writeln!(out, "\nhypothesis:")?;
        write_indented(h, out)?;
    }
    writeln!(out, "\nquery:")?;
    for line in rule.query.lines() {
        writeln!(out, "  {line}")?;
    }
    if rule.scenarios.is_empty() {
        writeln!(out, "\nfalse-positive scenarios: none recorded")?;
    }
    let outcomes = scenario_exclusions(rule);
    for (i, s) in rule.scenarios.iter().enumerate() {
        writeln!(out, "\nscenario {}: {}", i + 1, s.scenario)?;
        if let Some(d) = &s.description {
            writeln!(out, "  description: {d}")?;
        }
        if let Some(e) = &s.exclusion {
            writeln!(out, "  exclusion (as written): {e}")?;
        }
        // The exclusion as `quarry hunt --scenario-exclusions` applies it (docs/field-map.md).
        match outcomes.get(i).map(|o| &o.outcome) {
            Some(ScenarioOutcome::Mapped { kql, note }) => {
                writeln!(out, "  exclusion (KQL): {kql}")?;
                if let Some(note) = note {
                    writeln!(out, "  note: {note}")?;
                }
            }
            Some(ScenarioOutcome::ProseOnly { reason }) => writeln!(out, "  exclusion (KQL): none, {reason}")?,
            Some(ScenarioOutcome::Unmappable { reason, .. }) => {
                writeln!(out, "  exclusion (KQL): none, unmappable: {reason}")?
            }
            Some(ScenarioOutcome::Missing) | None => {}
        }
    }
    Ok(())
}

fn write_indented(text: &str, out: &mut dyn Write) -> io::Result<()> {
    for line in text.trim().lines() {
        writeln!(out, "  {}", line.trim_end())?;
    }
    Ok(())
}

/// Writes one YAML file per rule into `dir`; returns how many.
fn write_files(rules: &[&Rule], dir: &Path) -> anyhow::Result<usize> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for rule in rules {
        let path = dir.join(yaml::file_name(rule));
        fs::write(&path, yaml::to_sentinel_yaml(rule)).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(rules.len())
}
