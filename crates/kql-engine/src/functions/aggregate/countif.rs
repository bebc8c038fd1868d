//! `countif(predicate)`: the number of rows for which the predicate is `true`.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/countif-aggregation-function>.
//! A null predicate counts as false; a group with no `true` rows (or no rows at all) gives 0,
//! the default value Kusto documents for `countif()` in `summarize`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array};
use datafusion::arrow::datatypes::{DataType, Field, Int64Type};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::udaf::{Family, keeps, kept_rows};

/// `kql_countif(pred: bool) -> long`.
#[derive(Debug)]
pub(super) struct CountIf;

impl Family for CountIf {
    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match &data[0] {
            DataType::Boolean | DataType::Null => Ok(DataType::Int64),
            other => plan_err!("{name}(): the predicate must be a bool, got {other}"),
        }
    }

    fn null_type(&self) -> DataType {
        DataType::Boolean
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, _: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![Field::new(state_name("count"), DataType::Int64, true)])
    }

    fn accumulator(&self, _: &str, _: &[DataType], _: &[ScalarValue], _: &DataType) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(CountIfAccumulator { count: 0 }))
    }

    fn default_value(&self, _: &DataType) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(0)))
    }

    fn supports_groups(&self, _: &[DataType]) -> bool {
        true
    }

    fn groups_accumulator(
        &self,
        _: &str,
        _: &AccumulatorArgs,
        _: &[DataType],
        _: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(CountIfGroups { counts: Vec::new() }))
    }
}

/// The predicate column, `None` for an untyped null (never true).
fn predicate(array: &ArrayRef) -> Result<Option<&BooleanArray>> {
    match array.data_type() {
        DataType::Boolean => Ok(Some(array.as_boolean())),
        DataType::Null => Ok(None),
        other => exec_err!("countif(): the predicate must be a bool, got {other}"),
    }
}

/// `countif` for many groups at once: one count per group.
struct CountIfGroups {
    counts: Vec<i64>,
}

impl GroupsAccumulator for CountIfGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.counts.resize(total_num_groups, 0);
        if let Some(predicate) = predicate(&values[0])? {
            for (row, group) in kept_rows(group_indices, opt_filter) {
                if predicate.is_valid(row) && predicate.value(row) {
                    self.counts[group] += 1;
                }
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        Ok(Arc::new(Int64Array::from(emit_to.take_needed(&mut self.counts))))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate(emit_to)?])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.counts.resize(total_num_groups, 0);
        let counts = values[0].as_primitive::<Int64Type>();
        for (row, &group) in group_indices.iter().enumerate() {
            if counts.is_valid(row) {
                self.counts[group] += counts.value(row);
            }
        }
        Ok(())
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let rows = values[0].len();
        let counts: Int64Array = match predicate(&values[0])? {
            Some(predicate) => (0..rows)
                .map(|row| Some(i64::from(keeps(opt_filter, row) && predicate.is_valid(row) && predicate.value(row))))
                .collect(),
            None => Int64Array::from(vec![0; rows]),
        };
        Ok(vec![Arc::new(counts)])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.counts.capacity() * size_of::<i64>()
    }
}

#[derive(Debug)]
struct CountIfAccumulator {
    count: i64,
}

impl Accumulator for CountIfAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        match values[0].data_type() {
            // `true_count` counts the valid `true` values only: a null predicate is false.
            DataType::Boolean => self.count += values[0].as_boolean().true_count() as i64,
            DataType::Null => {}
            other => return exec_err!("countif(): the predicate must be a bool, got {other}"),
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(self.count)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Int64(Some(self.count))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let counts = states[0].as_primitive::<Int64Type>();
        self.count += counts.iter().flatten().sum::<i64>();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::BooleanArray;
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    #[test]
    fn counts_true_rows_and_treats_null_as_false() {
        let udaf = super::super::by_name("kql_countif");
        let result = merged(
            &udaf,
            &[Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true)])))],
            &[Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), Some(true)])))],
        );
        assert_eq!(result, ScalarValue::Int64(Some(4)));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let udaf = super::super::by_name("kql_countif");
        let first =
            [Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true), Some(true)])))];
        let second = [Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), Some(true)])))];
        groups_agree(&udaf, &first, &second);
        groups_agree(&udaf, &first, &[]);
    }

    #[test]
    fn no_rows_and_all_null_give_zero() {
        let udaf = super::super::by_name("kql_countif");
        assert_eq!(
            merged(&udaf, &[Arg::Column(Arc::new(BooleanArray::from(Vec::<bool>::new())))], &[]),
            ScalarValue::Int64(Some(0))
        );
        assert_eq!(
            merged(&udaf, &[Arg::Column(Arc::new(BooleanArray::from(vec![None, None])))], &[]),
            ScalarValue::Int64(Some(0))
        );
    }
}
