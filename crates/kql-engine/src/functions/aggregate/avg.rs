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

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::compute::sum;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::Accumulator;

use super::num::Summable;
use super::udaf::Family;

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
