//! `row_number(start, restart)`: Kusto's row number that starts again at `start` on each row
//! where `restart` is true (<https://learn.microsoft.com/en-us/kusto/query/row-number-function>),
//! as a window function over the serialized rows.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::Result;
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{PartitionEvaluator, Signature, Volatility, WindowUDF, WindowUDFImpl};

#[derive(Debug, PartialEq, Eq, Hash)]
struct RowNumberRestart {
    signature: Signature,
}

impl WindowUDFImpl for RowNumberRestart {
    fn name(&self) -> &str {
        "kql_row_number_restart"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn partition_evaluator(&self, _: PartitionEvaluatorArgs) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(Numbering))
    }

    fn field(&self, field_args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(field_args.name(), DataType::Int64, true)))
    }
}

#[derive(Debug)]
struct Numbering;

impl PartitionEvaluator for Numbering {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        let start = datafusion::arrow::compute::cast(&values[0], &DataType::Int64)?;
        let start = start.as_primitive::<Int64Type>();
        let restart = datafusion::arrow::compute::cast(&values[1], &DataType::Boolean)?;
        let restart = restart.as_boolean();
        let mut out = Vec::with_capacity(num_rows);
        let mut n = 0i64;
        for i in 0..num_rows {
            let first = if start.is_valid(i) { start.value(i) } else { 1 };
            n = if i == 0 || (restart.is_valid(i) && restart.value(i)) { first } else { n + 1 };
            out.push(n);
        }
        Ok(Arc::new(Int64Array::from(out)))
    }
}

/// The window function behind `row_number(start, restart)`.
pub(crate) fn row_number_restart() -> WindowUDF {
    WindowUDF::new_from_impl(RowNumberRestart { signature: Signature::any(2, Volatility::Immutable) })
}
