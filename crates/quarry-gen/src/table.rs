//! The seven generated tables: their Arrow schemas (from the KQL catalog) and a row-at-a-time
//! batch builder that fills the columns a generator sets and leaves the rest empty.

use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Int32Builder, Int64Builder, LargeStringBuilder, RecordBatch, StringBuilder,
    TimestampNanosecondBuilder, new_null_array,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use kql_semantics::{SchemaCatalog, Type};

use crate::GenError;

/// The generated tables, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// `DeviceProcessEvents`.
    Process,
    /// `DeviceNetworkEvents`.
    Network,
    /// `DeviceFileEvents`.
    File,
    /// `DeviceRegistryEvents`.
    Registry,
    /// `DeviceLogonEvents`.
    Logon,
    /// `DeviceFileCertificateInfo`.
    Certificate,
    /// `DeviceInfo`.
    Info,
}

impl Table {
    /// Every generated table.
    pub const ALL: [Table; 7] =
        [Table::Process, Table::Network, Table::File, Table::Registry, Table::Logon, Table::Certificate, Table::Info];

    /// The table's name in KQL.
    pub fn name(self) -> &'static str {
        match self {
            Table::Process => "DeviceProcessEvents",
            Table::Network => "DeviceNetworkEvents",
            Table::File => "DeviceFileEvents",
            Table::Registry => "DeviceRegistryEvents",
            Table::Logon => "DeviceLogonEvents",
            Table::Certificate => "DeviceFileCertificateInfo",
            Table::Info => "DeviceInfo",
        }
    }

    /// The table called `name`, exactly.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Columns that exist only in Sentinel's copy of the Defender tables. A Defender export (the
/// streaming API, the advanced-hunting API) does not have them, so the generator leaves them
/// empty and the JSON formats omit them. `MachineGroup` is in Defender exports and is filled.
pub const SENTINEL_ONLY: [&str; 4] = ["TimeGenerated", "TenantId", "SourceSystem", "Type"];

macro_rules! column_index {
    ($($name:ident,)*) => {
        /// Positions of every column any generated table has, for one table; `usize::MAX` for a
        /// column the table lacks (setting it does nothing), so row code can be shared between
        /// tables that have the same `InitiatingProcess*` columns.
        #[allow(non_snake_case, missing_docs)]
        #[derive(Clone, Debug)]
        pub struct Ix { $(pub $name: usize,)* }

        impl Ix {
            fn resolve(schema: &Schema) -> Ix {
                Ix { $($name: schema.index_of(stringify!($name)).unwrap_or(usize::MAX),)* }
            }

            /// Names of the table's columns that no generator knows (should be none).
            fn unknown(schema: &Schema) -> Vec<String> {
                const KNOWN: &[&str] = &[$(stringify!($name),)*];
                schema.fields().iter().map(|f| f.name().clone()).filter(|n| !KNOWN.contains(&n.as_str())).collect()
            }
        }
    };
}

include!("columns.in.rs");

/// A table's schema and column positions.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// Which table.
    pub table: Table,
    /// Its Arrow schema, in catalog order, every column nullable.
    pub schema: SchemaRef,
    /// Column positions.
    pub ix: Ix,
    /// KQL types, by position.
    pub types: Vec<Type>,
}

impl TableSpec {
    /// The spec of `table`, from the built-in Defender catalog.
    pub fn new(table: Table) -> Result<TableSpec, GenError> {
        let catalog = SchemaCatalog::defender_ref();
        let Some(schema) = kql_semantics::Catalog::table(catalog, table.name()) else {
            return Err(GenError::Catalog(format!("table {} is not in the catalog", table.name())));
        };
        let fields: Vec<Field> =
            schema.columns.iter().map(|c| Field::new(&c.name, quarry_data::arrow_type(c.ty), true)).collect();
        let arrow_schema = Schema::new(fields);
        let unknown = Ix::unknown(&arrow_schema);
        if !unknown.is_empty() {
            return Err(GenError::Catalog(format!(
                "table {} has columns the generator does not know: {}",
                table.name(),
                unknown.join(", ")
            )));
        }
        Ok(TableSpec {
            table,
            ix: Ix::resolve(&arrow_schema),
            schema: Arc::new(arrow_schema),
            types: schema.columns.iter().map(|c| c.ty).collect(),
        })
    }
}

enum Col {
    Str(StringBuilder),
    Dyn(LargeStringBuilder),
    Long(Int64Builder),
    Int(Int32Builder),
    Bool(BooleanBuilder),
    Time(TimestampNanosecondBuilder),
    /// A type no generated column has; filled with nulls at the end.
    Null(DataType, usize),
}

impl Col {
    fn len(&self) -> usize {
        match self {
            Col::Str(b) => b.len(),
            Col::Dyn(b) => b.len(),
            Col::Long(b) => b.len(),
            Col::Int(b) => b.len(),
            Col::Bool(b) => b.len(),
            Col::Time(b) => b.len(),
            Col::Null(_, n) => *n,
        }
    }

    fn push_empty(&mut self) {
        match self {
            // Kusto strings are never null: a missing string is "".
            Col::Str(b) => b.append_value(""),
            Col::Dyn(b) => b.append_null(),
            Col::Long(b) => b.append_null(),
            Col::Int(b) => b.append_null(),
            Col::Bool(b) => b.append_null(),
            Col::Time(b) => b.append_null(),
            Col::Null(_, n) => *n += 1,
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Col::Str(b) => Arc::new(b.finish()),
            Col::Dyn(b) => Arc::new(b.finish()),
            Col::Long(b) => Arc::new(b.finish()),
            Col::Int(b) => Arc::new(b.finish()),
            Col::Bool(b) => Arc::new(b.finish()),
            Col::Time(b) => Arc::new(b.finish()),
            Col::Null(ty, n) => {
                let array = new_null_array(ty, *n);
                *n = 0;
                array
            }
        }
    }
}

/// Rows of one table being built. Setters take a column position from [`Ix`]; a position the
/// table lacks, or a value of the wrong type, is ignored. [`Batch::end_row`] fills the columns
/// the row did not set.
pub struct Batch {
    schema: SchemaRef,
    cols: Vec<Col>,
    rows: usize,
}

impl Batch {
    /// An empty batch with room for `capacity` rows.
    pub fn new(spec: &TableSpec, capacity: usize) -> Batch {
        let cols = spec
            .schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Utf8 => Col::Str(StringBuilder::with_capacity(capacity, capacity * 16)),
                DataType::LargeUtf8 => Col::Dyn(LargeStringBuilder::with_capacity(capacity, capacity * 16)),
                DataType::Int64 => Col::Long(Int64Builder::with_capacity(capacity)),
                DataType::Int32 => Col::Int(Int32Builder::with_capacity(capacity)),
                DataType::Boolean => Col::Bool(BooleanBuilder::with_capacity(capacity)),
                DataType::Timestamp(TimeUnit::Nanosecond, None) => {
                    Col::Time(TimestampNanosecondBuilder::with_capacity(capacity))
                }
                other => Col::Null(other.clone(), 0),
            })
            .collect();
        Batch { schema: spec.schema.clone(), cols, rows: 0 }
    }

    /// Rows completed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Sets a string (or dynamic JSON text) column.
    #[inline]
    pub fn s(&mut self, i: usize, v: &str) {
        match self.cols.get_mut(i) {
            Some(Col::Str(b)) => b.append_value(v),
            Some(Col::Dyn(b)) => b.append_value(v),
            _ => {}
        }
    }

    /// Sets a long or int column.
    #[inline]
    pub fn l(&mut self, i: usize, v: i64) {
        match self.cols.get_mut(i) {
            Some(Col::Long(b)) => b.append_value(v),
            Some(Col::Int(b)) => b.append_value(v as i32),
            _ => {}
        }
    }

    /// Sets a bool column.
    #[inline]
    pub fn b(&mut self, i: usize, v: bool) {
        if let Some(Col::Bool(b)) = self.cols.get_mut(i) {
            b.append_value(v);
        }
    }

    /// Sets a datetime column (nanoseconds since the epoch).
    #[inline]
    pub fn t(&mut self, i: usize, v: i64) {
        if let Some(Col::Time(b)) = self.cols.get_mut(i) {
            b.append_value(v);
        }
    }

    /// Finishes the current row: every column it did not set gets its empty value.
    pub fn end_row(&mut self) {
        self.rows += 1;
        let rows = self.rows;
        for col in &mut self.cols {
            if col.len() < rows {
                col.push_empty();
            }
        }
    }

    /// The rows built so far as a record batch; the builder is left empty.
    pub fn finish(&mut self) -> Result<RecordBatch, GenError> {
        let arrays: Vec<ArrayRef> = self.cols.iter_mut().map(Col::finish).collect();
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| GenError::Internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_resolves_against_the_catalog() {
        for table in Table::ALL {
            let spec = TableSpec::new(table).unwrap();
            assert!(spec.ix.Timestamp < spec.schema.fields().len());
            assert!(spec.ix.DeviceId < spec.schema.fields().len());
        }
    }

    #[test]
    fn unset_columns_are_empty_strings_or_nulls() {
        let spec = TableSpec::new(Table::Logon).unwrap();
        let mut batch = Batch::new(&spec, 4);
        batch.t(spec.ix.Timestamp, 5);
        batch.s(spec.ix.DeviceName, "ws-1");
        batch.s(spec.ix.RegistryKey, "not a logon column");
        batch.end_row();
        let rb = batch.finish().unwrap();
        assert_eq!(rb.num_rows(), 1);
        let account = rb.column(spec.ix.AccountName).as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
        assert_eq!(account.value(0), "");
        assert!(rb.column(spec.ix.LogonId).is_null(0));
    }
}
