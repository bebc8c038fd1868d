//! `avg(expr)` and `avgif(expr, predicate)`: the arithmetic mean of the non-null values.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/avg-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/avgif-aggregation-function>.
//!
//! Numbers average as `real`; `decimal`, `datetime` and `timespan` keep their type. With no
//! values to average the result is `NaN` for numbers — the `summarize` reference shows
//! `avg()` of an empty table as `NaN`, "due to dividing by 0" — and null for the other types.
//! `datetime` and `timespan` are averaged exactly in nanoseconds (the quotient truncated
//! toward zero).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int64Array};
use datafusion::arrow::compute::{cast, sum};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::num::Summable;
use super::udaf::{Family, keeps, kept_rows};

/// `kql_avg(x) -> real | decimal | datetime | timespan` and `kql_avgif(x, pred)`.
#[derive(Debug)]
pub(super) struct Avg;

fn result_type(kind: &Summable) -> DataType {
    match kind {
        Summable::Long | Summable::Real => DataType::Float64,
        other => other.data_type(),
    }
}

impl Family for Avg {
    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match Summable::of(&data[0]) {
            Some(kind) => Ok(result_type(&kind)),
            None => plan_err!("{name}(): expected a number, datetime or timespan, got {}", data[0]),
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, data: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        // Integral kinds sum exactly in 128 bits, carried as a decimal with scale 0.
        let sum_type = match Summable::of(&data[0]) {
            Some(kind) if kind.is_integral() && kind != Summable::Long => DataType::Decimal128(38, 0),
            _ => DataType::Float64,
        };
        Ok(vec![Field::new(state_name("sum"), sum_type, true), Field::new(state_name("count"), DataType::Int64, true)])
    }

    fn accumulator(
        &self,
        name: &str,
        data: &[DataType],
        _: &[ScalarValue],
        ret: &DataType,
    ) -> Result<Box<dyn Accumulator>> {
        let Some(kind) = Summable::of(&data[0]) else {
            return plan_err!("{name}(): expected a number, datetime or timespan, got {}", data[0]);
        };
        let exact = kind.is_integral() && kind != Summable::Long;
        Ok(Box::new(AvgAccumulator { kind, exact, real: 0.0, integer: 0, count: 0, ret: ret.clone() }))
    }

    fn default_value(&self, ret: &DataType) -> Result<ScalarValue> {
        match ret {
            DataType::Float64 => Ok(ScalarValue::Float64(Some(f64::NAN))),
            other => ScalarValue::try_from(other),
        }
    }

    fn supports_groups(&self, data: &[DataType]) -> bool {
        Summable::of(&data[0]).is_some()
    }

    fn groups_accumulator(
        &self,
        name: &str,
        args: &AccumulatorArgs,
        data: &[DataType],
        _: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        let Some(kind) = Summable::of(&data[0]) else {
            return plan_err!("{name}(): expected a number, datetime or timespan, got {}", data[0]);
        };
        let exact = kind.is_integral() && kind != Summable::Long;
        Ok(Box::new(AvgGroups {
            kind,
            exact,
            reals: Vec::new(),
            integers: Vec::new(),
            counts: Vec::new(),
            ret: args.return_field.data_type().clone(),
        }))
    }
}

/// `avg` for many groups at once: a sum and a count per group.
struct AvgGroups {
    kind: Summable,
    exact: bool,
    reals: Vec<f64>,
    integers: Vec<i128>,
    counts: Vec<i64>,
    ret: DataType,
}

impl AvgGroups {
    fn resize(&mut self, total_num_groups: usize) {
        self.counts.resize(total_num_groups, 0);
        if self.exact {
            self.integers.resize(total_num_groups, 0);
        } else {
            self.reals.resize(total_num_groups, 0.0);
        }
    }
}

impl GroupsAccumulator for AvgGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.resize(total_num_groups);
        if self.exact {
            let values = self.kind.integers(&values[0])?;
            for (row, group) in kept_rows(group_indices, opt_filter) {
                if values.is_valid(row) {
                    self.integers[group] += i128::from(values.value(row));
                    self.counts[group] += 1;
                }
            }
        } else {
            let reals = cast(&values[0], &DataType::Float64)?;
            let values = reals.as_primitive::<Float64Type>();
            for (row, group) in kept_rows(group_indices, opt_filter) {
                if values.is_valid(row) {
                    self.reals[group] += values.value(row);
                    self.counts[group] += 1;
                }
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let counts = emit_to.take_needed(&mut self.counts);
        if self.exact {
            let sums = emit_to.take_needed(&mut self.integers);
            let means: Int64Array = sums
                .iter()
                .zip(&counts)
                .map(|(sum, &count)| (count > 0).then(|| (sum / i128::from(count)) as i64))
                .collect();
            return Ok(cast(&means, &self.ret)?);
        }
        let sums = emit_to.take_needed(&mut self.reals);
        let means: Float64Array = sums
            .iter()
            .zip(&counts)
            .map(|(sum, &count)| match (count, &self.ret) {
                (0, DataType::Float64) => Some(f64::NAN),
                (0, _) => None,
                _ => Some(sum / count as f64),
            })
            .collect();
        if self.ret == DataType::Float64 { Ok(Arc::new(means)) } else { Ok(cast(&means, &self.ret)?) }
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let counts: ArrayRef = Arc::new(Int64Array::from(emit_to.take_needed(&mut self.counts)));
        let sums: ArrayRef = if self.exact {
            Arc::new(Decimal128Array::from(emit_to.take_needed(&mut self.integers)).with_precision_and_scale(38, 0)?)
        } else {
            Arc::new(Float64Array::from(emit_to.take_needed(&mut self.reals)))
        };
        Ok(vec![sums, counts])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.resize(total_num_groups);
        let counts = values[1].as_primitive::<Int64Type>();
        for (row, &group) in group_indices.iter().enumerate() {
            if counts.is_valid(row) {
                self.counts[group] += counts.value(row);
            }
        }
        if self.exact {
            let sums = values[0].as_primitive::<Decimal128Type>();
            for (row, &group) in group_indices.iter().enumerate() {
                if sums.is_valid(row) {
                    self.integers[group] += sums.value(row);
                }
            }
        } else {
            let sums = values[0].as_primitive::<Float64Type>();
            for (row, &group) in group_indices.iter().enumerate() {
                if sums.is_valid(row) {
                    self.reals[group] += sums.value(row);
                }
            }
        }
        Ok(())
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let array = &values[0];
        let kept = |row: usize| keeps(opt_filter, row) && array.is_valid(row);
        let counts: Int64Array = (0..array.len()).map(|row| Some(i64::from(kept(row)))).collect();
        let sums: ArrayRef = if self.exact {
            let values = self.kind.integers(array)?;
            let sums: Decimal128Array =
                (0..array.len()).map(|row| Some(if kept(row) { i128::from(values.value(row)) } else { 0 })).collect();
            Arc::new(sums.with_precision_and_scale(38, 0)?)
        } else {
            let reals = cast(array, &DataType::Float64)?;
            let values = reals.as_primitive::<Float64Type>();
            Arc::new(
                (0..array.len())
                    .map(|row| Some(if kept(row) { values.value(row) } else { 0.0 }))
                    .collect::<Float64Array>(),
            )
        };
        Ok(vec![sums, Arc::new(counts)])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.reals.capacity() * 8 + self.integers.capacity() * 16 + self.counts.capacity() * 8
    }
}

#[derive(Debug)]
struct AvgAccumulator {
    kind: Summable,
    /// Whether the sum is kept exactly in `integer` (`datetime`, `timespan`).
    exact: bool,
    real: f64,
    integer: i128,
    count: i64,
    ret: DataType,
}

impl Accumulator for AvgAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let array = &values[0];
        self.count += (array.len() - array.null_count()) as i64;
        if self.exact {
            let integers = self.kind.integers(array)?;
            self.integer += integers.iter().flatten().map(i128::from).sum::<i128>();
        } else {
            let reals = match self.kind {
                Summable::Decimal(_) | Summable::Long | Summable::Real => {
                    datafusion::arrow::compute::cast(array, &DataType::Float64)?
                }
                _ => unreachable!("integral kinds are exact"),
            };
            self.real += sum(reals.as_primitive::<Float64Type>()).unwrap_or(0.0);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        if self.count == 0 {
            return match self.ret {
                DataType::Float64 => Ok(ScalarValue::Float64(Some(f64::NAN))),
                _ => ScalarValue::try_from(&self.ret),
            };
        }
        if self.exact {
            let mean = self.integer / i128::from(self.count);
            return Ok(self.kind.integer_scalar(Some(mean as i64)));
        }
        let mean = ScalarValue::Float64(Some(self.real / self.count as f64));
        if self.ret == DataType::Float64 { Ok(mean) } else { mean.cast_to(&self.ret) }
    }

    fn size(&self) -> usize {
        size_of_val(self)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let sum = if self.exact {
            ScalarValue::Decimal128(Some(self.integer), 38, 0)
        } else {
            ScalarValue::Float64(Some(self.real))
        };
        Ok(vec![sum, ScalarValue::Int64(Some(self.count))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        if self.exact {
            self.integer += states[0].as_primitive::<Decimal128Type>().iter().flatten().sum::<i128>();
        } else {
            self.real += states[0].as_primitive::<Float64Type>().iter().flatten().sum::<f64>();
        }
        self.count += states[1].as_primitive::<Int64Type>().iter().flatten().sum::<i64>();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{BooleanArray, DurationNanosecondArray, Int64Array};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    #[test]
    fn averages_non_null_values_across_partitions() {
        let udaf = super::super::by_name("kql_avg");
        let first = [Arg::Column(Arc::new(Int64Array::from(vec![Some(1), None, Some(2)])))];
        let second = [Arg::Column(Arc::new(Int64Array::from(vec![Some(6)])))];
        assert_eq!(merged(&udaf, &first, &second), ScalarValue::Float64(Some(3.0)));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let avg = super::super::by_name("kql_avg");
        let ints = [Arg::Column(Arc::new(Int64Array::from(vec![Some(1), None, Some(3), Some(4), None, Some(7)])))];
        let more = [Arg::Column(Arc::new(Int64Array::from(vec![Some(10)])))];
        // Float NaN != NaN: group 2 of `more` is empty but has values in `ints`, so no NaN here.
        groups_agree(&avg, &ints, &more);
        let spans = [Arg::Column(Arc::new(DurationNanosecondArray::from(vec![5, 6, 7, 8])))];
        groups_agree(&avg, &spans, &spans);
        let avgif = super::super::by_name("kql_avgif");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 2, 4, 8, 16, 32]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![
                Some(true),
                None,
                Some(true),
                Some(false),
                Some(true),
                Some(true),
            ]))),
        ];
        groups_agree(&avgif, &args, &args);
    }

    #[test]
    fn no_values_average_to_nan() {
        let udaf = super::super::by_name("kql_avg");
        let nulls = [Arg::Column(Arc::new(Int64Array::from(vec![None, None])))];
        let ScalarValue::Float64(Some(value)) = merged(&udaf, &nulls, &[]) else { panic!("expected a real") };
        assert!(value.is_nan());
    }

    #[test]
    fn timespans_average_exactly_as_timespans() {
        let udaf = super::super::by_name("kql_avg");
        let spans = [Arg::Column(Arc::new(DurationNanosecondArray::from(vec![i64::MAX, i64::MAX])))];
        assert_eq!(merged(&udaf, &spans, &spans), ScalarValue::DurationNanosecond(Some(i64::MAX)));
        let empty = [Arg::Column(Arc::new(DurationNanosecondArray::from(Vec::<i64>::new())))];
        assert_eq!(merged(&udaf, &empty, &[]), ScalarValue::DurationNanosecond(None));
    }

    #[test]
    fn avgif_averages_rows_where_the_predicate_holds() {
        let udaf = super::super::by_name("kql_avgif");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![Some(10), Some(20), None, Some(1000)]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), Some(true), Some(true), None]))),
        ];
        assert_eq!(merged(&udaf, &args, &args), ScalarValue::Float64(Some(15.0)));
    }
}
