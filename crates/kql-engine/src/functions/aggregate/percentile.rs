//! `percentile(expr, p)`: the nearest-rank `p`-th percentile of the non-null values of `expr`.
//! (`percentiles(expr, p1, p2, ...)` is planned as one `kql_percentile` per percentile.)
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/percentiles-aggregation-function>.
//!
//! **Quarry is exact where Kusto estimates.** Kusto estimates with a T-Digest (its answer is
//! within about 1% in rank of the true one, and "may not be a member of the population");
//! Quarry keeps every value and returns the exact nearest-rank percentile the reference
//! defines: the smallest value such that at least `p` percent of the values are less than or
//! equal to it, the 0th percentile being the smallest value. Memory is 8 bytes per non-null
//! value of the group (and the partial state sent between partitions is the list of values),
//! so the cost grows with the input, not with the number of distinct values.
//!
//! `p` is a constant between 0 and 100. Types follow the binder: `int` and `long` give `long`,
//! `real` and `decimal` give `real`, `datetime` and `timespan` keep their type. A group with no
//! values gives null.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, ListArray, new_empty_array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::num::{Summable, list_scalar, list_type, lists};
use super::udaf::{Constants, Family, keeps, kept_rows, real_constant};

/// `kql_percentile(x, p) -> long | real | datetime | timespan`.
#[derive(Debug)]
pub(super) struct Percentile;

fn kind_of(name: &str, ty: &DataType) -> Result<Summable> {
    match Summable::of(ty) {
        // Decimals are ranked as reals, and the result is a real.
        Some(Summable::Decimal(_)) => Ok(Summable::Real),
        Some(kind) => Ok(kind),
        None => plan_err!("{name}(): expected a number, datetime or timespan, got {ty}"),
    }
}

impl Family for Percentile {
    fn constants(&self) -> Constants {
        Constants::REQUIRED_REAL
    }

    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        Ok(kind_of(name, &data[0])?.data_type())
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, data: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        let item = if kind_of("percentile", &data[0])?.is_integral() { DataType::Int64 } else { DataType::Float64 };
        Ok(vec![Field::new(state_name("values"), list_type(item), true)])
    }

    fn accumulator(
        &self,
        name: &str,
        data: &[DataType],
        constants: &[ScalarValue],
        _: &DataType,
    ) -> Result<Box<dyn Accumulator>> {
        let kind = kind_of(name, &data[0])?;
        let percent = percent(name, constants)?;
        let values = if kind.is_integral() { Values::Integers(Vec::new()) } else { Values::Reals(Vec::new()) };
        Ok(Box::new(PercentileAccumulator { kind, percent, values }))
    }

    fn supports_groups(&self, _: &[DataType]) -> bool {
        true
    }

    fn groups_accumulator(
        &self,
        name: &str,
        _: &AccumulatorArgs,
        data: &[DataType],
        constants: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        let kind = kind_of(name, &data[0])?;
        let percent = percent(name, constants)?;
        Ok(Box::new(PercentileGroups {
            integral: kind.is_integral(),
            kind,
            percent,
            integers: Vec::new(),
            reals: Vec::new(),
        }))
    }
}

/// The percentile constant, checked.
fn percent(name: &str, constants: &[ScalarValue]) -> Result<f64> {
    match real_constant(name, constants, 0)? {
        Some(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Some(p) => plan_err!("{name}(): the percentile must be between 0 and 100, got {p}"),
        None => plan_err!("{name}(): the percentile must be a number"),
    }
}

/// `percentile` for many groups at once: every value of every group.
struct PercentileGroups {
    kind: Summable,
    /// Values are held as `i64` (else as `f64`).
    integral: bool,
    percent: f64,
    integers: Vec<Vec<i64>>,
    reals: Vec<Vec<f64>>,
}

impl PercentileGroups {
    fn resize(&mut self, groups: usize) {
        if self.integral {
            self.integers.resize_with(groups, Vec::new);
        } else {
            self.reals.resize_with(groups, Vec::new);
        }
    }

    /// The values of `array` as `i64` or `f64`.
    fn read(&self, array: &ArrayRef) -> Result<ArrayRef> {
        if self.integral { Ok(Arc::new(self.kind.integers(array)?)) } else { Ok(cast(array, &DataType::Float64)?) }
    }

    /// A list state with the values of each of `groups`.
    fn states<T: Clone>(groups: &[Vec<T>], values: impl FnOnce(Vec<T>) -> ArrayRef) -> ArrayRef {
        let offsets = OffsetBuffer::from_lengths(groups.iter().map(Vec::len));
        let values = values(groups.concat());
        let field = Arc::new(Field::new_list_field(values.data_type().clone(), true));
        Arc::new(ListArray::new(field, offsets, values, None))
    }
}

impl GroupsAccumulator for PercentileGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.resize(total_num_groups);
        let read = self.read(&values[0])?;
        if self.integral {
            let values = read.as_primitive::<Int64Type>();
            for (row, group) in kept_rows(group_indices, opt_filter) {
                if values.is_valid(row) {
                    self.integers[group].push(values.value(row));
                }
            }
        } else {
            let values = read.as_primitive::<Float64Type>();
            for (row, group) in kept_rows(group_indices, opt_filter) {
                if values.is_valid(row) {
                    self.reals[group].push(values.value(row));
                }
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let results: Vec<ScalarValue> = if self.integral {
            emit_to
                .take_needed(&mut self.integers)
                .into_iter()
                .map(|mut all| {
                    all.sort_unstable();
                    self.kind.integer_scalar((!all.is_empty()).then(|| all[nearest_rank(self.percent, all.len())]))
                })
                .collect()
        } else {
            emit_to
                .take_needed(&mut self.reals)
                .into_iter()
                .map(|mut all| {
                    all.sort_unstable_by(f64::total_cmp);
                    ScalarValue::Float64((!all.is_empty()).then(|| all[nearest_rank(self.percent, all.len())]))
                })
                .collect()
        };
        if results.is_empty() {
            return Ok(new_empty_array(&self.kind.data_type()));
        }
        ScalarValue::iter_to_array(results)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![if self.integral {
            Self::states(&emit_to.take_needed(&mut self.integers), |v| Arc::new(Int64Array::from(v)))
        } else {
            Self::states(&emit_to.take_needed(&mut self.reals), |v| Arc::new(Float64Array::from(v)))
        }])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.resize(total_num_groups);
        let Some(list) = values[0].as_list_opt::<i32>() else {
            return exec_err!("expected a list state, got {}", values[0].data_type());
        };
        let offsets = list.value_offsets();
        let rows = group_indices.iter().enumerate().filter(|(row, _)| list.is_valid(*row));
        if self.integral {
            let items = list.values().as_primitive::<Int64Type>();
            for (row, &group) in rows {
                let range = offsets[row] as usize..offsets[row + 1] as usize;
                self.integers[group].extend(range.filter(|&i| items.is_valid(i)).map(|i| items.value(i)));
            }
        } else {
            let items = list.values().as_primitive::<Float64Type>();
            for (row, &group) in rows {
                let range = offsets[row] as usize..offsets[row + 1] as usize;
                self.reals[group].extend(range.filter(|&i| items.is_valid(i)).map(|i| items.value(i)));
            }
        }
        Ok(())
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let read = self.read(&values[0])?;
        let kept = |row: usize| keeps(opt_filter, row) && read.is_valid(row);
        Ok(vec![if self.integral {
            let values = read.as_primitive::<Int64Type>();
            let groups: Vec<Vec<i64>> =
                (0..read.len()).map(|row| if kept(row) { vec![values.value(row)] } else { Vec::new() }).collect();
            Self::states(&groups, |v| Arc::new(Int64Array::from(v)))
        } else {
            let values = read.as_primitive::<Float64Type>();
            let groups: Vec<Vec<f64>> =
                (0..read.len()).map(|row| if kept(row) { vec![values.value(row)] } else { Vec::new() }).collect();
            Self::states(&groups, |v| Arc::new(Float64Array::from(v)))
        }])
    }

    fn size(&self) -> usize {
        // Called once per batch; summing over groups keeps the estimate honest at some cost.
        let integers: usize = self.integers.iter().map(|v| v.capacity() * 8 + 24).sum();
        let reals: usize = self.reals.iter().map(|v| v.capacity() * 8 + 24).sum();
        size_of_val(self) + integers + reals
    }
}

#[derive(Debug)]
enum Values {
    Integers(Vec<i64>),
    Reals(Vec<f64>),
}

#[derive(Debug)]
struct PercentileAccumulator {
    kind: Summable,
    percent: f64,
    values: Values,
}

/// The 0-based index of the nearest-rank `percent`-th percentile among `count` sorted values.
fn nearest_rank(percent: f64, count: usize) -> usize {
    // Rank r (1-based) is the smallest with r / count >= percent / 100. A small tolerance keeps
    // exact products such as 95 * 20 / 100 = 19 from rounding up.
    let rank = (percent * count as f64 / 100.0 - 1e-9).ceil();
    (rank.max(1.0) as usize).min(count) - 1
}

impl Accumulator for PercentileAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        match &mut self.values {
            Values::Integers(all) => all.extend(self.kind.integers(&values[0])?.iter().flatten()),
            Values::Reals(all) => {
                let reals = cast(&values[0], &DataType::Float64)?;
                all.extend(reals.as_primitive::<Float64Type>().iter().flatten());
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // Sorting in place is allowed: it does not change the result of a later evaluation.
        Ok(match &mut self.values {
            Values::Integers(all) if all.is_empty() => self.kind.integer_scalar(None),
            Values::Integers(all) => {
                all.sort_unstable();
                self.kind.integer_scalar(Some(all[nearest_rank(self.percent, all.len())]))
            }
            Values::Reals(all) if all.is_empty() => ScalarValue::Float64(None),
            Values::Reals(all) => {
                all.sort_unstable_by(f64::total_cmp);
                ScalarValue::Float64(Some(all[nearest_rank(self.percent, all.len())]))
            }
        })
    }

    fn size(&self) -> usize {
        size_of_val(self)
            + match &self.values {
                Values::Integers(all) => all.capacity() * size_of::<i64>(),
                Values::Reals(all) => all.capacity() * size_of::<f64>(),
            }
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let values: ArrayRef = match &self.values {
            Values::Integers(all) => Arc::new(Int64Array::from(all.clone())),
            Values::Reals(all) => Arc::new(Float64Array::from(all.clone())),
        };
        Ok(vec![list_scalar(values)])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for values in lists(&states[0])? {
            match &mut self.values {
                Values::Integers(all) => all.extend(values.as_primitive::<Int64Type>().iter().flatten()),
                Values::Reals(all) => all.extend(values.as_primitive::<Float64Type>().iter().flatten()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::nearest_rank;
    use datafusion::arrow::array::{DurationNanosecondArray, Float64Array, Int32Array, Int64Array};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    fn percentile(values: Arg, p: f64) -> Vec<Arg> {
        vec![values, Arg::Const(ScalarValue::Float64(Some(p)))]
    }

    #[test]
    fn nearest_rank_follows_the_definition() {
        assert_eq!(nearest_rank(0.0, 10), 0);
        assert_eq!(nearest_rank(10.0, 10), 0);
        assert_eq!(nearest_rank(11.0, 10), 1);
        assert_eq!(nearest_rank(50.0, 10), 4);
        assert_eq!(nearest_rank(95.0, 20), 18);
        assert_eq!(nearest_rank(100.0, 10), 9);
        assert_eq!(nearest_rank(50.0, 1), 0);
    }

    #[test]
    fn exact_percentiles_across_partitions() {
        let udaf = super::super::by_name("kql_percentile");
        let first = Arg::Column(Arc::new(Int32Array::from(vec![Some(5), None, Some(1), Some(9)])));
        let second = Arg::Column(Arc::new(Int32Array::from(vec![3, 7])));
        let at = |p: f64| merged(&udaf, &percentile(first.clone(), p), &percentile(second.clone(), p));
        assert_eq!(at(0.0), ScalarValue::Int64(Some(1)));
        assert_eq!(at(50.0), ScalarValue::Int64(Some(5)));
        assert_eq!(at(60.0), ScalarValue::Int64(Some(5)));
        assert_eq!(at(61.0), ScalarValue::Int64(Some(7)));
        assert_eq!(at(100.0), ScalarValue::Int64(Some(9)));
    }

    #[test]
    fn reals_and_timespans_keep_their_type() {
        let udaf = super::super::by_name("kql_percentile");
        let reals = Arg::Column(Arc::new(Float64Array::from(vec![0.5, 2.5, 1.5])));
        assert_eq!(merged(&udaf, &percentile(reals, 50.0), &[]), ScalarValue::Float64(Some(1.5)));
        let spans = Arg::Column(Arc::new(DurationNanosecondArray::from(vec![30, 10, 20])));
        assert_eq!(merged(&udaf, &percentile(spans, 90.0), &[]), ScalarValue::DurationNanosecond(Some(30)));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let udaf = super::super::by_name("kql_percentile");
        let ints =
            Arg::Column(Arc::new(Int64Array::from(vec![Some(5), None, Some(1), Some(9), Some(4), Some(4), Some(2)])));
        let more = Arg::Column(Arc::new(Int64Array::from(vec![3, 7, 8])));
        for p in [0.0, 50.0, 90.0, 100.0] {
            groups_agree(&udaf, &percentile(ints.clone(), p), &percentile(more.clone(), p));
        }
        let reals = Arg::Column(Arc::new(Float64Array::from(vec![0.5, 2.5, 1.5, -1.0])));
        groups_agree(&udaf, &percentile(reals.clone(), 50.0), &percentile(reals, 50.0));
    }

    #[test]
    fn empty_group_gives_null() {
        let udaf = super::super::by_name("kql_percentile");
        let nulls = Arg::Column(Arc::new(Int64Array::from(vec![None, None])));
        assert_eq!(merged(&udaf, &percentile(nulls, 50.0), &[]), ScalarValue::Int64(None));
    }

    #[test]
    fn percentile_out_of_range_is_rejected() {
        let udaf = super::super::by_name("kql_percentile");
        let values = Arg::Column(Arc::new(Int64Array::from(vec![1])));
        assert!(try_accumulator(&udaf, &percentile(values, 101.0)).is_err());
    }
}
