//! The hunt: a pack of rules over the data registered in an [`Engine`].
//!
//! Each table the pack reads is scanned once: one query keeps the rows that any rule's leading
//! `where` clauses (and `--since`/`--until`) accept, with the union of the columns the rules
//! use, and registers them in a second engine under the table's name. Each rule's unchanged
//! query then runs over that engine. A rule whose shape cannot be analysed contributes no
//! filter (its table's scan keeps every row) and needs every column, so the results are those
//! of running each rule over the whole data. See [`super::shape`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Array, Int64Array, RecordBatch};
use kql_engine::{Engine, QueryError};
use kql_semantics::SchemaCatalog;

use super::report::{HuntReport, RuleRun, RuleStatus, Suppression, TableScan};
use super::shape::{Shape, analyse};
use super::window::{self, Bounds, datetime_literal};
use crate::exclusion::{FileExclusion, ScenarioOutcome, scenario_exclusions_with};
use crate::rule::{Rule, RuleSource};

/// How to run a hunt.
#[derive(Clone, Debug, Default)]
pub struct HuntOptions {
    /// `now()`, in nanoseconds since the epoch.
    pub now: i64,
    /// Only events at or after this instant (nanoseconds since the epoch).
    pub since: Option<i64>,
    /// Only events before this instant.
    pub until: Option<i64>,
    /// Tools whose rules are skipped.
    pub allow: Vec<AllowedTool>,
    /// Exclusions from an exclusions file.
    pub exclusions: Vec<FileExclusion>,
    /// Apply the rules' own false-positive scenarios that translate to KQL.
    pub scenario_exclusions: bool,
    /// Run every rule straight over the data, reading each table once per rule (for comparison
    /// and benchmarks). `--since`/`--until` still apply.
    pub direct: bool,
}

/// A tool named with `--allow`, with every name it is known by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedTool {
    /// As the user wrote it.
    pub given: String,
    /// Names that match a rule's tool, compared case-insensitively (the given name, and the
    /// catalogue's name, slug and aliases of the tool when the catalogue knows it).
    pub names: Vec<String>,
}

impl AllowedTool {
    /// A tool known by `given` only.
    pub fn new(given: impl Into<String>) -> Self {
        let given = given.into();
        AllowedTool { names: vec![given.clone()], given }
    }

    fn matches(&self, tool: &str) -> bool {
        self.names.iter().any(|n| n.trim().eq_ignore_ascii_case(tool.trim()))
    }
}

/// What the hunt is doing, for a progress bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Scanning a table, before the rules run.
    Scanning {
        /// The table.
        table: String,
        /// The scan's query (shown with `--verbose`).
        query: String,
    },
    /// A rule finished (ran, skipped or failed); `done` of `total`.
    RuleDone {
        /// Rules finished so far.
        done: usize,
        /// Rules in the pack.
        total: usize,
        /// The rule's name.
        name: String,
    },
}

/// A rule that will run, with what was worked out about it.
struct Planned {
    index: usize,
    shape: Shape,
    tables: BTreeSet<String>,
    /// The query with exclusions inserted.
    query: String,
    /// Applied exclusions: (predicate, reason, origin).
    applied: Vec<(String, String, String)>,
    /// Exclusions reported but not applied.
    not_applied: Vec<Suppression>,
}

/// Runs `rules` over the tables registered in `engine`. Inside a Tokio runtime the rules run
/// side by side, one per core; elsewhere one after another.
pub async fn hunt(
    engine: &Arc<Engine>,
    rules: &[Arc<Rule>],
    options: &HuntOptions,
    progress: &mut dyn FnMut(Progress),
) -> HuntReport {
    let data_tables: BTreeSet<String> = engine.table_names().into_iter().collect();
    let catalog = engine.catalog();
    let total = rules.len();
    let mut runs: Vec<Option<RuleRun>> = vec![None; total];
    let mut planned = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        match plan_rule(&catalog, &data_tables, rule, options) {
            Ok(mut p) => {
                p.index = index;
                planned.push(Arc::new(p));
            }
            Err(status) => runs[index] = Some(not_run(rule, status)),
        }
    }
    let skipped_or_failed = runs.iter().filter(|r| r.is_some()).count();
    let mut done = 0;
    for run in runs.iter().flatten() {
        done += 1;
        progress(Progress::RuleDone { done, total, name: run.rule.name.clone() });
    }
    debug_assert_eq!(done, skipped_or_failed);

    // The tables the runnable rules read, and how.
    let mut readers: BTreeMap<String, Vec<&Planned>> = BTreeMap::new();
    for p in &planned {
        for table in &p.tables {
            readers.entry(table.clone()).or_default().push(p.as_ref());
        }
    }
    let mut scans = Vec::new();
    let mut scanned = Engine::new(options.now);
    let mut scan_failed: BTreeSet<String> = BTreeSet::new();
    let shared = !options.direct || options.since.is_some() || options.until.is_some();
    if shared {
        for (table, readers) in &readers {
            let schema = engine.table_schema(table);
            let columns: Vec<String> =
                schema.as_ref().map(|s| s.fields().iter().map(|f| f.name().clone()).collect()).unwrap_or_default();
            let filters: Option<Vec<Vec<String>>> =
                if options.direct { None } else { readers.iter().map(|p| rule_filter(p, table, &columns)).collect() };
            // The loosest window holding every rule's, as plain bounds that skip the files and
            // row groups outside it (see `super::window`).
            let time_column = schema.as_ref().and_then(window::time_column);
            let cover = match (time_column, &filters) {
                (Some(column), Some(filters)) => window::cover(engine, filters, column).await,
                _ => Bounds::default(),
            };
            let mut time = Vec::new();
            time.extend(time_filter(&columns, options));
            time.extend(time_column.and_then(|column| window::predicate(column, cover)));
            let time = (!time.is_empty()).then(|| time.join(" and "));
            let query = if options.direct {
                scan_query(table, &columns, None, None, time)
            } else {
                let needed: Option<BTreeSet<&str>> = if readers.iter().any(|p| p.shape.needs_all_columns) {
                    None
                } else {
                    Some(
                        columns
                            .iter()
                            .map(String::as_str)
                            .filter(|c| readers.iter().any(|p| p.shape.words.contains(*c)))
                            .collect(),
                    )
                };
                scan_query(table, &columns, filters.as_deref(), needed.as_ref(), time)
            };
            let window = time_column
                .map(|_| {
                    let given = Bounds { from: options.since, to: options.until.map(|until| until.saturating_sub(1)) };
                    cover.intersect(given)
                })
                .filter(Bounds::is_bounded);
            let rows_total = count_rows(engine, table).await.unwrap_or(0);
            progress(Progress::Scanning { table: table.clone(), query: query.clone() });
            match engine.query_counted(&query).await {
                Ok((result, counts)) => {
                    let kept: usize = result.batches.iter().map(RecordBatch::num_rows).sum();
                    let parquet = counts.files > 0;
                    match scanned.register_batches(table, result.schema, result.batches) {
                        Ok(()) => scans.push(TableScan {
                            table: table.clone(),
                            scans: 1,
                            rows_read: if parquet { counts.rows } else { rows_total },
                            rows_kept: kept as u64,
                            rules: u32::try_from(readers.len()).unwrap_or(u32::MAX),
                            rows_total,
                            window,
                            files: parquet.then_some((counts.files_read, counts.files)),
                            row_groups: parquet.then_some((counts.row_groups_read, counts.row_groups)),
                        }),
                        Err(_) => {
                            scan_failed.insert(table.clone());
                        }
                    }
                }
                Err(_) => {
                    // Should not happen (each filter ran through the binder as part of its
                    // rule); if it does, the rules read the table directly.
                    scan_failed.insert(table.clone());
                }
            }
        }
    }
    for table in readers.keys() {
        if !shared || scan_failed.contains(table) {
            let rows_read = count_rows(engine, table).await.unwrap_or(0);
            let n = u32::try_from(readers[table].len()).unwrap_or(u32::MAX);
            scans.push(TableScan::whole(table, n, rows_read, n));
        }
    }
    scans.sort_by(|a, b| a.table.cmp(&b.table));

    let scanned = Arc::new(scanned);
    let target_of = |p: &Planned| -> Arc<Engine> {
        let on_scan = shared && p.tables.iter().all(|t| !scan_failed.contains(t));
        if on_scan { Arc::clone(&scanned) } else { Arc::clone(engine) }
    };
    // Rules run side by side, as many as there are cores: most of a small rule's time is
    // planning, which is single-threaded.
    let limit = std::thread::available_parallelism().map_or(1, |n| n.get());
    if limit > 1 && tokio::runtime::Handle::try_current().is_ok() {
        let mut set = tokio::task::JoinSet::new();
        let mut ids = std::collections::HashMap::new();
        let mut next = 0;
        while next < planned.len() || !set.is_empty() {
            while next < planned.len() && set.len() < limit {
                let p = Arc::clone(&planned[next]);
                let (target, rule) = (target_of(&p), Arc::clone(&rules[p.index]));
                let index = p.index;
                let handle = set.spawn(async move { run_one(&target, &rule, &p).await });
                ids.insert(handle.id(), index);
                next += 1;
            }
            let Some(joined) = set.join_next_with_id().await else { break };
            let (index, run) = match joined {
                Ok((id, run)) => (ids[&id], run),
                Err(err) => {
                    let index = ids[&err.id()];
                    let reason = format!("internal error while running the rule: {err}");
                    (index, not_run(&rules[index], RuleStatus::Failed { reason }))
                }
            };
            done += 1;
            progress(Progress::RuleDone { done, total, name: rules[index].name.clone() });
            runs[index] = Some(run);
        }
    } else {
        for p in &planned {
            let run = run_one(&target_of(p), &rules[p.index], p).await;
            done += 1;
            progress(Progress::RuleDone { done, total, name: rules[p.index].name.clone() });
            runs[p.index] = Some(run);
        }
    }
    HuntReport {
        now: options.now,
        since: options.since,
        until: options.until,
        rules: runs.into_iter().flatten().collect(),
        scans,
    }
}

/// Runs one planned rule and counts what its exclusions suppressed.
async fn run_one(target: &Engine, rule: &Arc<Rule>, p: &Planned) -> RuleRun {
    let started = Instant::now();
    let result = target.query(&p.query).await;
    let mut run = match result {
        Ok(result) => RuleRun {
            rule: Arc::clone(rule),
            status: RuleStatus::Ran,
            suppressed: Vec::new(),
            elapsed: Duration::ZERO,
            schema: Some(result.schema),
            batches: result.batches,
        },
        Err(err) => {
            // Place the error in the rule's file: the query as written fails the same way
            // when the fault is the rule's, not an exclusion's.
            let reason = match (p.query != rule.query, target.plan(&rule.query)) {
                (true, Err(original)) => describe(rule, &rule.query, &original),
                _ => describe(rule, &p.query, &err),
            };
            not_run(rule, RuleStatus::Failed { reason })
        }
    };
    if run.status == RuleStatus::Ran && !p.applied.is_empty() {
        match suppressed(target, p).await {
            Ok(counts) => run.suppressed = counts,
            Err(err) => {
                run.status =
                    RuleStatus::Failed { reason: format!("counting the events its exclusions suppress failed: {err}") }
            }
        }
    }
    run.suppressed.extend(p.not_applied.iter().cloned());
    run.elapsed = started.elapsed();
    run
}

fn not_run(rule: &Arc<Rule>, status: RuleStatus) -> RuleRun {
    RuleRun {
        rule: Arc::clone(rule),
        status,
        suppressed: Vec::new(),
        elapsed: Duration::ZERO,
        schema: None,
        batches: Vec::new(),
    }
}

/// Checks a rule and works out what it reads and which exclusions apply; `Err` is why it will
/// not run.
fn plan_rule(
    catalog: &SchemaCatalog,
    data_tables: &BTreeSet<String>,
    rule: &Arc<Rule>,
    options: &HuntOptions,
) -> Result<Planned, RuleStatus> {
    if let Some(tool) = &rule.tool {
        if let Some(allowed) = options.allow.iter().find(|a| a.matches(tool)) {
            return Err(RuleStatus::Skipped { reason: format!("tool {tool} is allowed (--allow {})", allowed.given) });
        }
    }
    let parsed = kql_syntax::parse(&rule.query);
    if parsed.has_errors() {
        return Err(RuleStatus::Failed { reason: diagnostics(rule, &parsed.diagnostics) });
    }
    let analysis = kql_semantics::bind(&parsed.script, catalog);
    let missing: Vec<&String> = analysis.tables_read.iter().filter(|t| !data_tables.contains(*t)).collect();
    if !missing.is_empty() {
        let names = missing.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
        let reason = if missing.len() == 1 {
            format!("table {names} is not in the data")
        } else {
            format!("tables {names} are not in the data")
        };
        return Err(RuleStatus::Skipped { reason });
    }
    if analysis.has_errors() {
        let errors: Vec<_> =
            analysis.diagnostics.into_iter().filter(|d| d.severity == kql_syntax::Severity::Error).collect();
        return Err(RuleStatus::Failed { reason: diagnostics(rule, &errors) });
    }
    // Planning errors (unsupported operators) surface when the rule runs: planning each rule
    // here as well would double the per-rule cost of a large pack.
    let shape = analyse(&rule.query);
    let mut applied = Vec::new();
    let mut not_applied = Vec::new();
    let table = shape.table.as_deref();
    // (predicate, reason, origin, broad): a broad exclusion (every rule, or a tool's rules, with
    // no `table`) is meant only for the tables that have its columns.
    let mut candidates: Vec<(String, String, String, bool)> = Vec::new();
    for ex in &options.exclusions {
        if !ex.applies_to(&rule.id, rule.tool.as_deref(), table) {
            continue;
        }
        if let (Some(expires), Some(text)) = (ex.expires, &ex.expires_text) {
            if expires <= options.now {
                not_applied.push(Suppression {
                    predicate: ex.predicate.clone(),
                    reason: format!("not applied: expired {text}; {}", ex.reason),
                    origin: ex.origin.clone(),
                    events: 0,
                });
                continue;
            }
        }
        let broad = ex.table.is_none() && !matches!(ex.target, crate::exclusion::Target::Rule(_));
        candidates.push((ex.predicate.clone(), ex.reason.clone(), ex.origin.clone(), broad));
    }
    if options.scenario_exclusions {
        for s in scenario_exclusions_with(rule, catalog) {
            let origin = format!("{} scenario {}", source_name(rule), s.number);
            match s.outcome {
                ScenarioOutcome::Mapped { kql, .. } => candidates.push((kql, s.scenario, origin, false)),
                ScenarioOutcome::Missing => {}
                ScenarioOutcome::ProseOnly { reason } | ScenarioOutcome::Unmappable { reason, .. } => {
                    not_applied.push(Suppression {
                        predicate: s.written.unwrap_or_default(),
                        reason: format!("not applied: {reason}; {}", s.scenario),
                        origin,
                        events: 0,
                    })
                }
            }
        }
    }
    for (predicate, reason, origin, broad) in candidates {
        let Some(table) = table else {
            not_applied.push(Suppression {
                predicate,
                reason: format!("not applied: the rule's query does not start from a table; {reason}"),
                origin,
                events: 0,
            });
            continue;
        };
        let check = format!("{table} | where not({predicate})");
        let parsed = kql_syntax::parse(&check);
        let bound = kql_semantics::bind(&parsed.script, catalog);
        let error = parsed
            .diagnostics
            .iter()
            .chain(bound.diagnostics.iter())
            .find(|d| d.severity == kql_syntax::Severity::Error)
            .map(|d| d.message.clone());
        match error {
            Some(_) if broad => {}
            Some(message) => not_applied.push(Suppression {
                predicate,
                reason: format!("not applied: the predicate is wrong for {table}: {message}; {reason}"),
                origin,
                events: 0,
            }),
            None => applied.push((predicate, reason, origin)),
        }
    }
    // The scan must keep the columns the exclusions read.
    let mut shape = shape;
    for (predicate, _, _) in &applied {
        shape.words.extend(analyse(predicate).words);
    }
    let query = match (shape.insert_at, applied.is_empty()) {
        (Some(at), false) => {
            let clause = applied.iter().map(|(p, _, _)| format!("not({p})")).collect::<Vec<_>>().join(" and ");
            format!("{} | where {clause}{}", &rule.query[..at], &rule.query[at..])
        }
        _ => rule.query.clone(),
    };
    Ok(Planned { index: 0, shape, tables: analysis.tables_read, query, applied, not_applied })
}

/// The filter a rule contributes to the scan of `table`: its leading `where` clauses when it
/// reads the table once, as its main source; `None` (keep every row) otherwise.
fn rule_filter(p: &Planned, table: &str, columns: &[String]) -> Option<Vec<String>> {
    let main = p.shape.table.as_deref() == Some(table);
    let once = p.shape.word_counts.get(table).copied().unwrap_or(0) == 1;
    let unambiguous = !columns.iter().any(|c| p.shape.let_names.contains(c));
    (main && once && unambiguous && !p.shape.conjuncts.is_empty()).then(|| p.shape.conjuncts.clone())
}

fn time_filter(columns: &[String], options: &HuntOptions) -> Option<String> {
    if options.since.is_none() && options.until.is_none() {
        return None;
    }
    let column = ["Timestamp", "TimeGenerated"].into_iter().find(|c| columns.iter().any(|n| n == c))?;
    let mut parts = Vec::new();
    if let Some(since) = options.since {
        parts.push(format!("{column} >= {}", datetime_literal(since)));
    }
    if let Some(until) = options.until {
        parts.push(format!("{column} < {}", datetime_literal(until)));
    }
    Some(parts.join(" and "))
}

fn quote_name(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain { format!("['{name}']") } else { format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'")) }
}

/// The shared scan of one table. `filters` holds each rule's conjuncts (`None`: keep every
/// row). Conjuncts every rule shares (the look-back window, typically) are tested once, before
/// the alternatives.
fn scan_query(
    table: &str,
    columns: &[String],
    filters: Option<&[Vec<String>]>,
    needed: Option<&BTreeSet<&str>>,
    time: Option<String>,
) -> String {
    let mut query = quote_name(table);
    let mut conditions = Vec::new();
    if let Some(time) = time {
        conditions.push(time);
    }
    if let Some(filters) = filters {
        let common: Vec<&String> = match filters.first() {
            Some(first) => first.iter().filter(|c| filters.iter().all(|f| f.contains(c))).collect(),
            None => Vec::new(),
        };
        conditions.extend(common.iter().map(|c| c.to_string()));
        let mut alternatives: Vec<String> = Vec::new();
        let mut any_row = false;
        for f in filters {
            let rest: Vec<&str> = f.iter().filter(|c| !common.contains(c)).map(String::as_str).collect();
            if rest.is_empty() {
                // This rule wants every row the common conjuncts keep.
                any_row = true;
                break;
            }
            let alternative = format!("({})", rest.join(" and "));
            if !alternatives.contains(&alternative) {
                alternatives.push(alternative);
            }
        }
        if filters.is_empty() {
            conditions.push("false".to_string());
        } else if !any_row {
            conditions.push(format!("({})", super::widen::widen_alternatives(alternatives).join(" or ")));
        }
    }
    if !conditions.is_empty() {
        query.push_str(&format!(" | where {}", conditions.join(" and ")));
    }
    if let Some(needed) = needed {
        let keep: Vec<String> = columns.iter().filter(|c| needed.contains(c.as_str())).map(|c| quote_name(c)).collect();
        if !keep.is_empty() && keep.len() < columns.len() {
            query.push_str(&format!(" | project {}", keep.join(", ")));
        }
    }
    query
}

async fn count_rows(engine: &Engine, table: &str) -> Option<u64> {
    let result = engine.query(&format!("{} | count", quote_name(table))).await.ok()?;
    let batch = result.batches.first()?;
    let column = batch.column(0).as_any().downcast_ref::<Int64Array>()?;
    (!column.is_empty()).then(|| u64::try_from(column.value(0)).unwrap_or(0))
}

/// Events each applied exclusion removed, attributed to the first exclusion (in order) that
/// matches an event, among the events of the rule's table its leading filters accept.
async fn suppressed(engine: &Engine, p: &Planned) -> Result<Vec<Suppression>, QueryError> {
    let table = p.shape.table.as_deref().unwrap_or_default();
    let mut query = quote_name(table);
    if let Some(filter) = &p.shape.filter {
        query.push_str(&format!(" | where {filter}"));
    }
    let mut aggregates = vec!["total = count()".to_string()];
    let mut kept = Vec::new();
    for (i, (predicate, _, _)) in p.applied.iter().enumerate() {
        kept.push(format!("not({predicate})"));
        aggregates.push(format!("kept{i} = countif({})", kept.join(" and ")));
    }
    query.push_str(&format!(" | summarize {}", aggregates.join(", ")));
    let result = engine.query(&query).await?;
    let mut values = Vec::new();
    if let Some(batch) = result.batches.first() {
        for column in batch.columns() {
            let v = column.as_any().downcast_ref::<Int64Array>().filter(|c| !c.is_empty()).map_or(0, |c| c.value(0));
            values.push(u64::try_from(v).unwrap_or(0));
        }
    }
    let mut out = Vec::new();
    for (i, (predicate, reason, origin)) in p.applied.iter().enumerate() {
        let before = values.get(i).copied().unwrap_or(0);
        let after = values.get(i + 1).copied().unwrap_or(0);
        out.push(Suppression {
            predicate: predicate.clone(),
            reason: reason.clone(),
            origin: origin.clone(),
            events: before.saturating_sub(after),
        });
    }
    Ok(out)
}

fn source_name(rule: &Rule) -> String {
    match &rule.source {
        RuleSource::File(path) => path.display().to_string(),
        RuleSource::BuiltIn => format!("built-in rule {}", rule.id),
    }
}

/// `FILE:LINE:COLUMN` of byte `offset` of the rule's query.
fn place(rule: &Rule, offset: usize) -> String {
    match &rule.origin {
        Some(origin) => {
            let p = origin.position(offset);
            format!("{}:{}:{}", source_name(rule), p.line, p.column)
        }
        None => {
            let before = rule.query.get(..offset.min(rule.query.len())).unwrap_or(&rule.query);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{}:{line}:{column}", source_name(rule))
        }
    }
}

fn diagnostics(rule: &Rule, diagnostics: &[kql_syntax::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("{}: error[{}]: {}", place(rule, d.span.range().start), d.code, d.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe(rule: &Rule, query: &str, err: &QueryError) -> String {
    // Diagnostics of a query with inserted exclusions are not placed in the rule's file.
    let placed = query == rule.query;
    match err {
        QueryError::Invalid(ds) if placed => diagnostics(rule, ds),
        QueryError::Plan(e) => match e.span() {
            Some(span) if placed => format!("{}: error[KE001]: {e}", place(rule, span.range().start)),
            _ => format!("{}: error[KE001]: {e}", source_name(rule)),
        },
        QueryError::Execution(e) => format!("{}: the query failed while running: {e}", source_name(rule)),
        QueryError::Invalid(ds) => {
            format!("{}: {}", source_name(rule), ds.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_query_shape() {
        let cols = ["A".to_string(), "B".to_string(), "C".to_string()];
        let needed: BTreeSet<&str> = ["A", "C"].into_iter().collect();
        let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let filters = [v(&["(t)", "(x)"]), v(&["(t)", "(y)", "(z)"]), v(&["(x)", "(t)"])];
        assert_eq!(
            scan_query("T", &cols, Some(&filters), Some(&needed), None),
            "['T'] | where (t) and (((x)) or ((y) and (z))) | project ['A'], ['C']"
        );
        let filters = [v(&["(t)", "(x)"]), v(&["(t)"])];
        assert_eq!(scan_query("T", &cols, Some(&filters), None, None), "['T'] | where (t)");
        let filters = [v(&["(x)"]), v(&["(y)"])];
        assert_eq!(scan_query("T", &cols, Some(&filters), None, None), "['T'] | where (((x)) or ((y)))");
        assert_eq!(scan_query("T", &cols, None, None, Some("t".into())), "['T'] | where t");
    }
}
