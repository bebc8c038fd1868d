//! The engine: registered tables, a DataFusion session with the KQL functions, and `query`.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::datasource::{MemTable, TableProvider};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use kql_semantics::{Column, SchemaCatalog, TableSchema};
use kql_syntax::Diagnostic;

use crate::plan::{FunctionSet, PlanError, Planner, TableLookup};
use crate::types::kql_type;

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The text is not valid KQL, or names something that does not exist (exit status 2).
    #[error("the query has errors")]
    Invalid(Vec<Diagnostic>),
    /// Valid KQL that could not be planned: unsupported, or wrong for this data (exit status 2).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Reading the data or computing the result failed (exit status 1).
    #[error("execution failed: {0}")]
    Execution(#[from] DataFusionError),
}

/// A query's result: the schema and the rows.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Column names and Arrow types (see [`crate::types`] for how they map to KQL types).
    pub schema: SchemaRef,
    /// The rows.
    pub batches: Vec<RecordBatch>,
}

/// What [`Engine::explain`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Explain {
    /// The plans, without running the query.
    Plan,
    /// The physical plan after running the query, with each operator's metrics.
    Analyze,
}

/// Runs KQL over registered tables.
pub struct Engine {
    ctx: SessionContext,
    functions: FunctionSet,
    tables: BTreeMap<String, Arc<dyn TableProvider>>,
    now: i64,
}

impl Engine {
    /// An engine whose `now()` is `now_nanos` (nanoseconds since the Unix epoch, UTC).
    pub fn new(now_nanos: i64) -> Self {
        // DataFusion's own settings can be tuned from the environment
        // (DATAFUSION_EXECUTION_TARGET_PARTITIONS=1, ...); Quarry's choices below win.
        let mut config = SessionConfig::from_env().unwrap_or_default().with_information_schema(false);
        // Strings stay Utf8 (KQL's string) rather than Utf8View, so that every KQL function
        // sees one string type.
        config.options_mut().execution.parquet.schema_force_view_types = false;
        let ctx = SessionContext::new_with_config(config);
        crate::functions::register_all(&ctx);
        Engine { ctx, functions: FunctionSet::kql(), tables: BTreeMap::new(), now: now_nanos }
    }

    /// Registers in-memory rows as table `name` (replacing a table of that name).
    pub fn register_batches(
        &mut self,
        name: &str,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> Result<(), DataFusionError> {
        let table = MemTable::try_new(schema, vec![batches])?;
        self.tables.insert(name.to_string(), Arc::new(table));
        Ok(())
    }

    /// Registers Parquet files as table `name`, read lazily with projection and predicate
    /// pushdown.
    pub async fn register_parquet(&mut self, name: &str, paths: &[std::path::PathBuf]) -> Result<(), DataFusionError> {
        let urls = paths
            .iter()
            .map(|p| {
                let absolute = std::path::absolute(p).map_err(|e| DataFusionError::External(Box::new(e)))?;
                ListingTableUrl::parse(absolute.to_string_lossy())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let options = ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
        let state = self.ctx.state();
        let mut config =
            ListingTableConfig::new_with_multi_paths(urls).with_listing_options(options).infer_schema(&state).await?;
        if let Some(inferred) = config.file_schema.clone() {
            config = config.with_schema(catalog_text_types(name, &inferred));
        }
        let table = ListingTable::try_new(config)?;
        self.tables.insert(name.to_string(), Arc::new(crate::dealt_files::DealtFilesTable::new(table)));
        Ok(())
    }

    /// The registered table names, sorted.
    pub fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    /// The schema of a registered table.
    pub fn table_schema(&self, name: &str) -> Option<SchemaRef> {
        self.tables.get(name).map(|t| t.schema())
    }

    /// A catalog of the registered tables with their actual columns, over the built-in one:
    /// the data's own schema wins (newer exports add columns).
    pub fn catalog(&self) -> SchemaCatalog {
        let mut catalog = SchemaCatalog::defender();
        for (name, table) in &self.tables {
            let columns = table
                .schema()
                .fields()
                .iter()
                .map(|f| Column::new(f.name().clone(), kql_type(f.data_type())))
                .collect();
            catalog.insert(TableSchema::new(name.clone(), columns));
        }
        catalog
    }

    /// Parses, checks, plans and runs `text`.
    pub async fn query(&self, text: &str) -> Result<QueryResult, QueryError> {
        let plan = self.plan_reading_bags(text).await?;
        let frame = self.ctx.execute_logical_plan(plan).await?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let batches = frame.collect().await?;
        Ok(QueryResult { schema, batches })
    }

    /// Parses, checks and plans `text`, running what `bag_unpack` and `pivot` need to know
    /// their columns: their columns are the keys (or values) in their input, so each such
    /// input is run and `text` planned again with what it held, until the plan is complete.
    /// For other queries this runs nothing.
    async fn plan_reading_bags(&self, text: &str) -> Result<LogicalPlan, QueryError> {
        let mut bags = crate::plan::BagSchemas::new();
        loop {
            match self.plan_with(text, bags.clone()) {
                Err(QueryError::Plan(PlanError::NeedsBagKeys { at, plan, values })) if !bags.contains_key(&at) => {
                    let batches = self.ctx.execute_logical_plan(*plan).await?.collect().await?;
                    let mut texts = Vec::new();
                    for batch in &batches {
                        let column = datafusion::arrow::compute::cast(batch.column(0), &DataType::LargeUtf8)
                            .map_err(|e| QueryError::Execution(e.into()))?;
                        let strings = column.as_string::<i64>();
                        texts.extend(
                            (0..strings.len()).filter(|&i| strings.is_valid(i)).map(|i| strings.value(i).to_string()),
                        );
                    }
                    let schema = if values {
                        // pivot: the distinct values, sorted, name the columns.
                        texts.sort();
                        texts.dedup();
                        texts.into_iter().map(|v| (v, kql_semantics::Type::Long)).collect()
                    } else {
                        crate::plan::bag_schema(texts.iter().map(String::as_str))
                    };
                    bags.insert(at, schema);
                }
                other => return other,
            }
        }
    }

    /// The plans of `text` as text: DataFusion's logical, optimized and physical plans, or with
    /// [`Explain::Analyze`], the physical plan after running it with each operator's rows and
    /// time.
    ///
    /// A query with `bag_unpack` or `pivot` learns its columns from its data, so explaining it
    /// first runs the input of each such operator (as [`Engine::query`] does), even with
    /// [`Explain::Plan`]; the plans shown are those of the final query, planned with the
    /// columns found, and with [`Explain::Analyze`] the metrics are of that final run only.
    pub async fn explain(&self, text: &str, explain: Explain) -> Result<String, QueryError> {
        let plan = self.plan_reading_bags(text).await?;
        let frame = self.ctx.execute_logical_plan(plan).await?;
        let batches = frame.explain(false, explain == Explain::Analyze)?.collect().await?;
        let mut out = String::new();
        for batch in &batches {
            let (kinds, plans) = (batch.column(0).as_string::<i32>(), batch.column(1).as_string::<i32>());
            for row in 0..batch.num_rows() {
                out.push_str(&format!("== {} ==\n{}\n", kinds.value(row), plans.value(row).trim_end()));
            }
        }
        Ok(out)
    }

    /// Parses, checks and plans `text` without running it. A query with `bag_unpack` or `pivot`
    /// cannot be planned without reading its data: here it gives [`PlanError::NeedsBagKeys`]
    /// ([`Engine::query`], [`Engine::query_counted`] and [`Engine::explain`] read it).
    pub fn plan(&self, text: &str) -> Result<LogicalPlan, QueryError> {
        self.plan_with(text, crate::plan::BagSchemas::new())
    }

    fn plan_with(&self, text: &str, bags: crate::plan::BagSchemas) -> Result<LogicalPlan, QueryError> {
        let parsed = kql_syntax::parse(text);
        if parsed.has_errors() {
            return Err(QueryError::Invalid(parsed.diagnostics));
        }
        let analysis = kql_semantics::bind(&parsed.script, &self.catalog());
        if analysis.has_errors() {
            let errors =
                analysis.diagnostics.into_iter().filter(|d| d.severity == kql_syntax::Severity::Error).collect();
            return Err(QueryError::Invalid(errors));
        }
        let mut planner = Planner::new(self, &self.functions, self.now).with_bag_schemas(bags);
        Ok(planner.plan_script(&parsed.script)?)
    }
}

impl TableLookup for Engine {
    /// A registered table, or, for a catalog table the data does not include, an empty table of
    /// the catalog's columns: a rule over a table the export lacks finds nothing rather than
    /// failing.
    fn table(&self, name: &str) -> Option<Arc<dyn TableProvider>> {
        if let Some(table) = self.tables.get(name) {
            return Some(table.clone());
        }
        let catalog = SchemaCatalog::defender_ref();
        let table = kql_semantics::Catalog::table(catalog, name)?;
        let fields: Vec<datafusion::arrow::datatypes::Field> = table
            .columns
            .iter()
            .map(|c| datafusion::arrow::datatypes::Field::new(&c.name, crate::types::arrow_type(c.ty), true))
            .collect();
        let schema = Arc::new(datafusion::arrow::datatypes::Schema::new(fields));
        Some(Arc::new(datafusion::datasource::empty::EmptyTable::new(schema)))
    }

    fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }
}

/// `schema` with each text column of a catalog table given the Arrow type of its KQL type:
/// string, guid and dynamic are all text in Parquet, and a file written by another tool may
/// store a `dynamic` column as plain Utf8. Reading it as the catalog's type (DataFusion casts
/// while scanning) keeps `AdditionalFields` dynamic, as the binder and the functions expect.
fn catalog_text_types(table: &str, schema: &SchemaRef) -> SchemaRef {
    let is_text = |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    let Some(known) = kql_semantics::Catalog::table(SchemaCatalog::defender_ref(), table) else {
        return schema.clone();
    };
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| match known.column(f.name()) {
            Some(c) if is_text(f.data_type()) && is_text(&quarry_data::arrow_type(c.ty)) => {
                Arc::new(f.as_ref().clone().with_data_type(quarry_data::arrow_type(c.ty)))
            }
            _ => f.clone(),
        })
        .collect();
    Arc::new(datafusion::arrow::datatypes::Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// What the table scans of a query read, from DataFusion's scan metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanCounts {
    /// Rows the scans produced: every row of an in-memory table; for Parquet, the rows of the
    /// row groups (and pages) that pruning by statistics kept, before any filter.
    pub rows: u64,
    /// Parquet files the scans were given.
    pub files: u64,
    /// Of those, the files some row group of which was read (the others were skipped on their
    /// file or row-group statistics).
    pub files_read: u64,
    /// Row groups of the Parquet files whose footers were read.
    pub row_groups: u64,
    /// Of those, the row groups read.
    pub row_groups_read: u64,
}

impl Engine {
    /// Like [`Engine::query`], and counts what the table scans read. For a query with
    /// `bag_unpack` or `pivot`, whose operators' inputs are run first to learn their columns,
    /// the counts cover only the final run of the whole query, not those earlier runs.
    pub async fn query_counted(&self, text: &str) -> Result<(QueryResult, ScanCounts), QueryError> {
        let plan = self.plan_reading_bags(text).await?;
        let frame = self.ctx.execute_logical_plan(plan).await?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let physical = frame.create_physical_plan().await?;
        let batches = datafusion::physical_plan::collect(Arc::clone(&physical), self.ctx.task_ctx()).await?;
        let mut counts = ScanCounts::default();
        count_scans(physical.as_ref(), &mut counts);
        Ok((QueryResult { schema, batches }, counts))
    }
}

fn count_scans(plan: &dyn datafusion::physical_plan::ExecutionPlan, counts: &mut ScanCounts) {
    use datafusion::datasource::physical_plan::FileScanConfig;
    use datafusion::datasource::source::DataSourceExec;
    use datafusion::physical_plan::metrics::MetricValue;
    if let Some(source) = plan.downcast_ref::<DataSourceExec>() {
        let metrics = plan.metrics().unwrap_or_default();
        counts.rows += metrics.output_rows().unwrap_or(0) as u64;
        if let Some(config) = source.data_source().downcast_ref::<FileScanConfig>() {
            let files: std::collections::BTreeSet<String> = config
                .file_groups
                .iter()
                .flat_map(|group| group.files().iter().map(|f| f.object_meta.location.to_string()))
                .collect();
            counts.files += files.len() as u64;
            // Row groups matched per file (a file may be read as several ranges).
            let mut read: BTreeMap<String, usize> = BTreeMap::new();
            for metric in metrics.iter() {
                let MetricValue::PruningMetrics { name, pruning_metrics } = metric.value() else { continue };
                if name != "row_groups_pruned_statistics" {
                    continue;
                }
                counts.row_groups += (pruning_metrics.pruned() + pruning_metrics.matched()) as u64;
                counts.row_groups_read += pruning_metrics.matched() as u64;
                if let Some(file) = metric.labels().iter().find(|l| l.name() == "filename") {
                    *read.entry(file.value().to_string()).or_default() += pruning_metrics.matched();
                }
            }
            counts.files_read += read.values().filter(|&&n| n > 0).count() as u64;
        }
    }
    for child in plan.children() {
        count_scans(child.as_ref(), counts);
    }
}
