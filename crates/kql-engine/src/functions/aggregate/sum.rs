//! `sum(expr)` and `sumif(expr, predicate)`.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/sum-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/sumif-aggregation-function>.
//!
//! DataFusion's `sum` differs from Kusto's in one way that matters, hence this function: over
//! a group with no non-null values (or an empty input without `by`), DataFusion gives null and
//! Kusto gives 0, the default value the `summarize` reference documents for `sum()` and
//! `sumif()`. Types: `int` and `long` sum as `long` (wrapping on overflow, never failing),
//! `real` as `real`, `decimal` as `decimal`, `timespan` as `timespan` (and `datetime`, which
//! the binder accepts, as nanoseconds since the epoch).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int64Array};
use datafusion::arrow::compute::{cast, sum};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Float64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::num::Summable;
use super::udaf::{Family, kept_rows, null_unless_kept};

/// `kql_sum(x) -> long | real | decimal | timespan` and `kql_sumif(x, pred)`.
#[derive(Debug)]
pub(super) struct Sum;

impl Family for Sum {
    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match Summable::of(&data[0]) {
            Some(kind) => Ok(kind.data_type()),
            None => plan_err!("{name}(): expected a number or timespan, got {}", data[0]),
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, _: &[DataType], ret: &DataType) -> Result<Vec<Field>> {
        Ok(vec![Field::new(state_name("sum"), ret.clone(), true)])
    }

    fn accumulator(
        &self,
        name: &str,
        data: &[DataType],
        _: &[ScalarValue],
        _: &DataType,
    ) -> Result<Box<dyn Accumulator>> {
        let Some(kind) = Summable::of(&data[0]) else {
            return plan_err!("{name}(): expected a number or timespan, got {}", data[0]);
        };
        let total = match kind {
            Summable::Real => Total::Real(0.0),
            Summable::Decimal(_) => Total::Decimal(0),
            _ => Total::Integer(0),
        };
        Ok(Box::new(SumAccumulator { kind, total }))
    }

    fn default_value(&self, ret: &DataType) -> Result<ScalarValue> {
        ScalarValue::new_zero(ret)
    }

    fn supports_groups(&self, data: &[DataType]) -> bool {
        Summable::of(&data[0]).is_some()
    }

    fn groups_accumulator(
        &self,
        name: &str,
        _: &AccumulatorArgs,
        data: &[DataType],
        _: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        let Some(kind) = Summable::of(&data[0]) else {
            return plan_err!("{name}(): expected a number or timespan, got {}", data[0]);
        };
        let totals = match kind {
            Summable::Real => Totals::Real(Vec::new()),
            Summable::Decimal(_) => Totals::Decimal(Vec::new()),
            _ => Totals::Integer(Vec::new()),
        };
        Ok(Box::new(SumGroups { kind, totals }))
    }
}

/// One total per group.
enum Totals {
    Integer(Vec<i64>),
    Real(Vec<f64>),
    Decimal(Vec<i128>),
}

/// `sum` for many groups at once.
struct SumGroups {
    kind: Summable,
    totals: Totals,
}

impl SumGroups {
    fn add(
        &mut self,
        array: &ArrayRef,
        group_indices: &[usize],
        filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        match &mut self.totals {
            Totals::Integer(totals) => {
                totals.resize(total_num_groups, 0);
                let values = self.kind.integers(array)?;
                for (row, group) in kept_rows(group_indices, filter) {
                    if values.is_valid(row) {
                        totals[group] = totals[group].wrapping_add(values.value(row));
                    }
                }
            }
            Totals::Real(totals) => {
                totals.resize(total_num_groups, 0.0);
                let read = self.kind.read(array)?;
                let values = read.as_primitive::<Float64Type>();
                for (row, group) in kept_rows(group_indices, filter) {
                    if values.is_valid(row) {
                        totals[group] += values.value(row);
                    }
                }
            }
            Totals::Decimal(totals) => {
                totals.resize(total_num_groups, 0);
                let read = self.kind.read(array)?;
                let values = read.as_primitive::<Decimal128Type>();
                for (row, group) in kept_rows(group_indices, filter) {
                    if values.is_valid(row) {
                        totals[group] = totals[group].wrapping_add(values.value(row));
                    }
                }
            }
        }
        Ok(())
    }
}

impl GroupsAccumulator for SumGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.add(&values[0], group_indices, opt_filter, total_num_groups)
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let target = self.kind.data_type();
        Ok(match &mut self.totals {
            Totals::Integer(totals) => cast(&Int64Array::from(emit_to.take_needed(totals)), &target)?,
            Totals::Real(totals) => Arc::new(Float64Array::from(emit_to.take_needed(totals))),
            Totals::Decimal(totals) => {
                let DataType::Decimal128(precision, scale) = target else { unreachable!("decimal kind") };
                Arc::new(Decimal128Array::from(emit_to.take_needed(totals)).with_precision_and_scale(precision, scale)?)
            }
        })
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate(emit_to)?])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.add(&values[0], group_indices, None, total_num_groups)
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        Ok(vec![null_unless_kept(&self.kind.read(&values[0])?, opt_filter)?])
    }

    fn size(&self) -> usize {
        size_of_val(self)
            + match &self.totals {
                Totals::Integer(totals) => totals.capacity() * 8,
                Totals::Real(totals) => totals.capacity() * 8,
                Totals::Decimal(totals) => totals.capacity() * 16,
            }
    }
}

#[derive(Debug, Clone, Copy)]
enum Total {
    Integer(i64),
    Real(f64),
    Decimal(i128),
}

#[derive(Debug)]
struct SumAccumulator {
    kind: Summable,
    total: Total,
}

impl SumAccumulator {
    fn add(&mut self, array: &ArrayRef) -> Result<()> {
        match &mut self.total {
            Total::Integer(total) => {
                // arrow's `sum` wraps on overflow.
                *total = total.wrapping_add(sum(&self.kind.integers(array)?).unwrap_or(0));
            }
            Total::Real(total) => {
                *total += sum(self.kind.read(array)?.as_primitive::<Float64Type>()).unwrap_or(0.0);
            }
            Total::Decimal(total) => {
                *total = total.wrapping_add(sum(self.kind.read(array)?.as_primitive::<Decimal128Type>()).unwrap_or(0));
            }
        }
        Ok(())
    }
}

impl Accumulator for SumAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.add(&values[0])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(match (self.total, &self.kind) {
            (Total::Integer(total), kind) => kind.integer_scalar(Some(total)),
            (Total::Real(total), _) => ScalarValue::Float64(Some(total)),
            (Total::Decimal(total), Summable::Decimal(scale)) => ScalarValue::Decimal128(Some(total), 38, *scale),
            (Total::Decimal(total), _) => ScalarValue::Decimal128(Some(total), 38, 0),
        })
    }

    fn size(&self) -> usize {
        size_of_val(self)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.add(&states[0])
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{BooleanArray, DurationNanosecondArray, Float64Array, Int32Array, Int64Array};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    #[test]
    fn int_sums_as_long_across_partitions() {
        let udaf = super::super::by_name("kql_sum");
        let first = [Arg::Column(Arc::new(Int32Array::from(vec![Some(i32::MAX), None])))];
        let second = [Arg::Column(Arc::new(Int32Array::from(vec![Some(1)])))];
        assert_eq!(merged(&udaf, &first, &second), ScalarValue::Int64(Some(i64::from(i32::MAX) + 1)));
    }

    #[test]
    fn no_values_sum_to_zero_of_the_type() {
        let udaf = super::super::by_name("kql_sum");
        let nulls = [Arg::Column(Arc::new(Int64Array::from(vec![None, None])))];
        assert_eq!(merged(&udaf, &nulls, &[]), ScalarValue::Int64(Some(0)));
        let empty = [Arg::Column(Arc::new(Float64Array::from(Vec::<f64>::new())))];
        assert_eq!(merged(&udaf, &empty, &empty), ScalarValue::Float64(Some(0.0)));
        let spans = [Arg::Column(Arc::new(DurationNanosecondArray::from(Vec::<i64>::new())))];
        assert_eq!(merged(&udaf, &spans, &[]), ScalarValue::DurationNanosecond(Some(0)));
    }

    #[test]
    fn reals_and_timespans() {
        let udaf = super::super::by_name("kql_sum");
        let reals = [Arg::Column(Arc::new(Float64Array::from(vec![Some(1.5), None, Some(2.0)])))];
        assert_eq!(merged(&udaf, &reals, &reals), ScalarValue::Float64(Some(7.0)));
        let spans = [Arg::Column(Arc::new(DurationNanosecondArray::from(vec![1_000, 2_000])))];
        assert_eq!(merged(&udaf, &spans, &spans), ScalarValue::DurationNanosecond(Some(6_000)));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let sum = super::super::by_name("kql_sum");
        let ints = |v: Vec<Option<i32>>| [Arg::Column(Arc::new(Int32Array::from(v)))];
        groups_agree(&sum, &ints(vec![Some(1), None, Some(3), Some(4), None]), &ints(vec![Some(10), Some(20)]));
        let reals = [Arg::Column(Arc::new(Float64Array::from(vec![Some(0.5), None, Some(2.0), Some(1.0)])))];
        groups_agree(&sum, &reals, &reals);
        let spans = [Arg::Column(Arc::new(DurationNanosecondArray::from(vec![5, 6, 7, 8])))];
        groups_agree(&sum, &spans, &[]);
        let sumif = super::super::by_name("kql_sumif");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 2, 4, 8, 16]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), None, Some(true), Some(false), Some(true)]))),
        ];
        groups_agree(&sumif, &args, &args);
    }

    #[test]
    fn long_overflow_wraps_instead_of_failing() {
        let udaf = super::super::by_name("kql_sum");
        let big = [Arg::Column(Arc::new(Int64Array::from(vec![i64::MAX])))];
        assert_eq!(merged(&udaf, &big, &big), ScalarValue::Int64(Some(-2)));
    }

    #[test]
    fn sumif_keeps_rows_where_the_predicate_holds() {
        let udaf = super::super::by_name("kql_sumif");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 2, 4]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), None, Some(true)]))),
        ];
        assert_eq!(merged(&udaf, &args, &args), ScalarValue::Int64(Some(10)));
        let none =
            [Arg::Column(Arc::new(Int64Array::from(vec![1]))), Arg::Column(Arc::new(BooleanArray::from(vec![false])))];
        assert_eq!(merged(&udaf, &none, &[]), ScalarValue::Int64(Some(0)));
    }
}
