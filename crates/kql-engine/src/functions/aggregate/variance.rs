//! `variance`, `variancep`, `varianceif`, `stdev`, `stdevp` and `stdevif`.
//!
//! Kusto:
//! - <https://learn.microsoft.com/en-us/kusto/query/variance-aggregation-function> (sample)
//! - <https://learn.microsoft.com/en-us/kusto/query/variancep-aggregation-function> (population)
//! - <https://learn.microsoft.com/en-us/kusto/query/varianceif-aggregation-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/stdev-aggregation-function> (sample)
//! - <https://learn.microsoft.com/en-us/kusto/query/stdevp-aggregation-function> (population)
//! - <https://learn.microsoft.com/en-us/kusto/query/stdevif-aggregation-function>
//!
//! The sample forms divide by `n - 1`, the population forms by `n`. Null values are ignored.
//! With no values the result is 0, the default the `summarize` reference documents (and shows
//! for an empty table); a sample of one value also gives 0 (SQL's `var_samp` gives null). The
//! result is a `real`; `datetime` and `timespan` values are taken in ticks (100 ns), Kusto's
//! unit for them. Partial states are (count, mean, sum of squared deviations), combined with
//! Chan et al.'s parallel update, so partitions merge without loss of precision.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::num::Summable;
use super::udaf::{Family, keeps, kept_rows};

/// `kql_variance`, `kql_variancep`, `kql_stdev`, `kql_stdevp` (and the `_if` variants) -> real.
#[derive(Debug)]
pub(super) struct Variance {
    /// Divide by `n - 1` (sample) rather than `n` (population).
    pub sample: bool,
    /// Return the square root (standard deviation).
    pub root: bool,
}

impl Family for Variance {
    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match Summable::of(&data[0]) {
            Some(_) => Ok(DataType::Float64),
            None => plan_err!("{name}(): expected a number, datetime or timespan, got {}", data[0]),
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, _: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![
            Field::new(state_name("count"), DataType::Int64, true),
            Field::new(state_name("mean"), DataType::Float64, true),
            Field::new(state_name("m2"), DataType::Float64, true),
        ])
    }

    fn accumulator(
        &self,
        name: &str,
        data: &[DataType],
        _: &[ScalarValue],
        _: &DataType,
    ) -> Result<Box<dyn Accumulator>> {
        let Some(kind) = Summable::of(&data[0]) else {
            return plan_err!("{name}(): expected a number, datetime or timespan, got {}", data[0]);
        };
        Ok(Box::new(VarianceAccumulator { kind, sample: self.sample, root: self.root, moments: Moments::default() }))
    }

    fn default_value(&self, _: &DataType) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(Some(0.0)))
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
            return plan_err!("{name}(): expected a number, datetime or timespan, got {}", data[0]);
        };
        Ok(Box::new(VarianceGroups { kind, sample: self.sample, root: self.root, moments: Vec::new() }))
    }
}

/// Count, mean and sum of squared deviations from the mean of a set of values.
#[derive(Clone, Copy, Debug, Default)]
struct Moments {
    count: i64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Adds one value (Welford).
    fn add(&mut self, value: f64) {
        self.count += 1;
        let delta = value - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (value - self.mean);
    }

    /// Adds the values summarised by `other` (Chan et al.).
    fn combine(&mut self, other: Moments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other;
            return;
        }
        let total = self.count + other.count;
        let delta = other.mean - self.mean;
        let (n_a, n_b, n) = (self.count as f64, other.count as f64, total as f64);
        self.mean += delta * n_b / n;
        self.m2 += other.m2 + delta * delta * n_a * n_b / n;
        self.count = total;
    }

    /// The (sample or population) variance, or its square root; 0 with too few values.
    fn result(&self, sample: bool, root: bool) -> f64 {
        let divisor = if sample { self.count - 1 } else { self.count };
        let variance = if divisor <= 0 { 0.0 } else { (self.m2 / divisor as f64).max(0.0) };
        if root { variance.sqrt() } else { variance }
    }

    /// The moments in rows of a partial state.
    fn read_states(states: &[ArrayRef]) -> impl Iterator<Item = Option<Moments>> + '_ {
        let counts = states[0].as_primitive::<Int64Type>();
        let means = states[1].as_primitive::<Float64Type>();
        let m2s = states[2].as_primitive::<Float64Type>();
        (0..counts.len()).map(move |row| {
            counts.is_valid(row).then(|| Moments {
                count: counts.value(row),
                mean: means.value(row),
                m2: m2s.value(row),
            })
        })
    }

    /// Partial-state columns for `moments`.
    fn states(moments: &[Moments]) -> Vec<ArrayRef> {
        vec![
            Arc::new(moments.iter().map(|m| Some(m.count)).collect::<Int64Array>()),
            Arc::new(moments.iter().map(|m| Some(m.mean)).collect::<Float64Array>()),
            Arc::new(moments.iter().map(|m| Some(m.m2)).collect::<Float64Array>()),
        ]
    }
}

#[derive(Debug)]
struct VarianceAccumulator {
    kind: Summable,
    sample: bool,
    root: bool,
    moments: Moments,
}

impl Accumulator for VarianceAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for value in self.kind.reals(&values[0])?.iter().flatten() {
            self.moments.add(value);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(Some(self.moments.result(self.sample, self.root))))
    }

    fn size(&self) -> usize {
        size_of_val(self)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![
            ScalarValue::Int64(Some(self.moments.count)),
            ScalarValue::Float64(Some(self.moments.mean)),
            ScalarValue::Float64(Some(self.moments.m2)),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for moments in Moments::read_states(states).flatten() {
            self.moments.combine(moments);
        }
        Ok(())
    }
}

/// Variance and standard deviation for many groups at once.
struct VarianceGroups {
    kind: Summable,
    sample: bool,
    root: bool,
    moments: Vec<Moments>,
}

impl GroupsAccumulator for VarianceGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.moments.resize(total_num_groups, Moments::default());
        let reals = self.kind.reals(&values[0])?;
        for (row, group) in kept_rows(group_indices, opt_filter) {
            if reals.is_valid(row) {
                self.moments[group].add(reals.value(row));
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let moments = emit_to.take_needed(&mut self.moments);
        Ok(Arc::new(moments.iter().map(|m| Some(m.result(self.sample, self.root))).collect::<Float64Array>()))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(Moments::states(&emit_to.take_needed(&mut self.moments)))
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.moments.resize(total_num_groups, Moments::default());
        for (moments, &group) in Moments::read_states(values).zip(group_indices) {
            if let Some(moments) = moments {
                self.moments[group].combine(moments);
            }
        }
        Ok(())
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let reals = self.kind.reals(&values[0])?;
        let moments: Vec<Moments> = (0..reals.len())
            .map(|row| {
                let mut moments = Moments::default();
                if keeps(opt_filter, row) && reals.is_valid(row) {
                    moments.add(reals.value(row));
                }
                moments
            })
            .collect();
        Ok(Moments::states(&moments))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.moments.capacity() * size_of::<Moments>()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{BooleanArray, DurationNanosecondArray, Float64Array, Int64Array};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    fn real(result: ScalarValue) -> f64 {
        let ScalarValue::Float64(Some(value)) = result else { panic!("expected a real, got {result:?}") };
        value
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn sample_and_population_across_partitions() {
        // The example of the variance reference: range 1..5 has sample variance 2.5.
        let first = [Arg::Column(Arc::new(Int64Array::from(vec![Some(1), None, Some(2)])))];
        let second = [Arg::Column(Arc::new(Int64Array::from(vec![3, 4, 5])))];
        let run = |name: &str| real(merged(&super::super::by_name(name), &first, &second));
        assert!(close(run("kql_variance"), 2.5));
        assert!(close(run("kql_variancep"), 2.0));
        assert!(close(run("kql_stdev"), 2.5f64.sqrt()));
        assert!(close(run("kql_stdevp"), 2.0f64.sqrt()));
    }

    #[test]
    fn no_values_and_one_value_give_zero() {
        for name in ["kql_variance", "kql_variancep", "kql_stdev", "kql_stdevp"] {
            let udaf = super::super::by_name(name);
            let empty = [Arg::Column(Arc::new(Float64Array::from(Vec::<f64>::new())))];
            assert_eq!(real(merged(&udaf, &empty, &empty)), 0.0, "{name}");
            let one = [Arg::Column(Arc::new(Float64Array::from(vec![Some(4.0), None])))];
            assert_eq!(real(merged(&udaf, &one, &empty)), 0.0, "{name}");
        }
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let first =
            [Arg::Column(Arc::new(Int64Array::from(vec![Some(1), None, Some(2), Some(7), Some(9), Some(4), Some(3)])))];
        let second = [Arg::Column(Arc::new(Int64Array::from(vec![3, 4, 5, 11])))];
        for name in ["kql_variance", "kql_variancep", "kql_stdev", "kql_stdevp"] {
            groups_agree(&super::super::by_name(name), &first, &second);
        }
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 100, 3, 5, 8, 13]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![
                Some(true),
                None,
                Some(true),
                Some(true),
                Some(false),
                Some(true),
            ]))),
        ];
        groups_agree(&super::super::by_name("kql_stdevif"), &args, &args);
    }

    #[test]
    fn merging_keeps_precision() {
        let udaf = super::super::by_name("kql_variance");
        let big = 1e9;
        let first = [Arg::Column(Arc::new(Float64Array::from(vec![big + 4.0, big + 7.0])))];
        let second = [Arg::Column(Arc::new(Float64Array::from(vec![big + 13.0, big + 16.0])))];
        assert!(close(real(merged(&udaf, &first, &second)), 30.0));
    }

    #[test]
    fn timespans_are_taken_in_ticks() {
        let udaf = super::super::by_name("kql_variancep");
        let spans = [Arg::Column(Arc::new(DurationNanosecondArray::from(vec![0, 200])))];
        assert!(close(real(merged(&udaf, &spans, &[])), 1.0));
    }

    #[test]
    fn if_variants_keep_rows_where_the_predicate_holds() {
        let udaf = super::super::by_name("kql_varianceif");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 100, 3]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![Some(true), None, Some(true)]))),
        ];
        assert!(close(real(merged(&udaf, &args, &[])), 2.0));
        let udaf = super::super::by_name("kql_stdevif");
        assert!(close(real(merged(&udaf, &args, &[])), 2.0f64.sqrt()));
    }
}
