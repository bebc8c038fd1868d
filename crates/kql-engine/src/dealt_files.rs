//! A Parquet table whose files are dealt out to the parallel scans round-robin.
//!
//! DataFusion splits a table's files, sorted by path, into one contiguous run per partition
//! (core) and skips files outside a time filter only when it opens them. A Quarry store names
//! its files by day (`Table/day=2024-05-27/part-*.parquet`), so the last few days, which is
//! what a hunt reads, all fall in the last run: one core reads everything and the others
//! idle. Dealt out in turn (day 1 to run 1, day 2 to run 2, ...), consecutive days go to
//! different runs and every core reads. The files, their pruning and the rows are unchanged.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::{Result, Statistics};
use datafusion::datasource::TableProvider;
use datafusion::datasource::listing::{ListingTable, PartitionedFile};
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig, FileScanConfigBuilder};
use datafusion::datasource::source::DataSourceExec;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::physical_plan::ExecutionPlan;

/// A [`ListingTable`] whose scans get their files dealt out round-robin (see the module docs).
#[derive(Debug)]
pub(crate) struct DealtFilesTable {
    inner: ListingTable,
}

impl DealtFilesTable {
    pub(crate) fn new(inner: ListingTable) -> Self {
        DealtFilesTable { inner }
    }
}

#[async_trait]
impl TableProvider for DealtFilesTable {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }

    fn table_type(&self) -> TableType {
        self.inner.table_type()
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        self.inner.supports_filters_pushdown(filters)
    }

    fn statistics(&self) -> Option<Statistics> {
        self.inner.statistics()
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = self.inner.scan(state, projection, filters, limit).await?;
        let Some(config) = plan
            .downcast_ref::<DataSourceExec>()
            .and_then(|source| source.data_source().downcast_ref::<FileScanConfig>())
        else {
            return Ok(plan);
        };
        if config.file_groups.len() < 2 {
            return Ok(plan);
        }
        let groups =
            deal(config.file_groups.iter().flat_map(|g| g.files().iter().cloned()).collect(), config.file_groups.len());
        let config = FileScanConfigBuilder::from(config.clone()).with_file_groups(groups).build();
        Ok(DataSourceExec::from_data_source(config))
    }
}

/// `files` sorted by path and dealt to `runs` groups in turn.
fn deal(mut files: Vec<PartitionedFile>, runs: usize) -> Vec<FileGroup> {
    files.sort_by(|a, b| a.object_meta.location.cmp(&b.object_meta.location));
    let mut groups: Vec<Vec<PartitionedFile>> = vec![Vec::new(); runs];
    for (i, file) in files.into_iter().enumerate() {
        groups[i % runs].push(file);
    }
    groups.into_iter().filter(|g| !g.is_empty()).map(FileGroup::new).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_days_go_to_different_groups() {
        let files: Vec<PartitionedFile> =
            (10..=16).rev().map(|d| PartitionedFile::new(format!("T/day=2024-05-{d}/p.parquet"), 100)).collect();
        let groups = deal(files, 2);
        let days: Vec<Vec<String>> = groups
            .iter()
            .map(|g| g.files().iter().map(|f| f.object_meta.location.as_ref()[14..16].to_string()).collect())
            .collect();
        assert_eq!(days, [vec!["10", "12", "14", "16"], vec!["11", "13", "15"]]);
        assert_eq!(deal(vec![PartitionedFile::new("a", 1)], 4).len(), 1);
    }
}
