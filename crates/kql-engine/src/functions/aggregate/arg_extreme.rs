//! `arg_max(by, value)` and `arg_min(by, value)`: `value` from the row of the group where `by`
//! is greatest (least).
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/arg-max-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/arg-min-aggregation-function>.
//!
//! Kusto's `arg_max(ExprToMaximize, *)` returns several columns from one row; the planner
//! lowers it to one `kql_arg_max(by, column)` per returned column, so every `kql_arg_max` over
//! the same `by` in one group must pick the same row. The choice is therefore deterministic,
//! and depends only on the sequence of `by` values the accumulator sees (which is the same for
//! all of them, as they see the same batches, and merge the same partial-state rows in the same
//! order):
//!
//! - Rows whose `by` is null lose to any row whose `by` is not null. As the reference's
//!   null-handling example shows, a group whose `by` values are all null still returns a row:
//!   the first one seen, with a null `by`.
//! - Among rows with the greatest (least) `by`, the **first seen wins**: within a batch the
//!   earliest row, across batches and partial states a later candidate replaces the current
//!   one only when its `by` is strictly greater (less).
//!
//! `by` is compared with Arrow's ordering of its type (`real` NaN is the greatest value). Like
//! `max()` and `min()`, a null `string` `by` is a missing value, not `""`. The result has
//! the type of `value`; a group with no rows gives null.

use std::cmp::Ordering;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, make_comparator};
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::Accumulator;

use super::udaf::Family;

/// `kql_arg_max(by, value)` and `kql_arg_min(by, value)`, returning the type of `value`.
#[derive(Debug)]
pub(super) struct ArgExtreme {
    pub max: bool,
}

impl Family for ArgExtreme {
    fn data_arity(&self) -> usize {
        2
    }

    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match &data[0] {
            DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(..) => {
                plan_err!("{name}(): values of type {} cannot be ordered", data[0])
            }
            _ => Ok(data[1].clone()),
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, data: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![
            Field::new(state_name("by"), data[0].clone(), true),
            Field::new(state_name("value"), data[1].clone(), true),
            Field::new(state_name("seen"), DataType::Boolean, true),
        ])
    }

    fn accumulator(&self, _: &str, data: &[DataType], _: &[ScalarValue], _: &DataType) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(ArgExtremeAccumulator {
            max: self.max,
            best: None,
            by_type: data[0].clone(),
            value_type: data[1].clone(),
        }))
    }
}

#[derive(Debug)]
struct ArgExtremeAccumulator {
    max: bool,
    /// The chosen row's `by` and `value`, once a row has been seen.
    best: Option<(ScalarValue, ScalarValue)>,
    by_type: DataType,
    value_type: DataType,
}

impl ArgExtremeAccumulator {
    /// Whether a candidate with `by` replaces the current choice.
    fn better(&self, by: &ScalarValue) -> bool {
        let Some((best, _)) = &self.best else { return true };
        match (best.is_null(), by.is_null()) {
            (_, true) => false,
            (true, false) => true,
            (false, false) => {
                let wanted = if self.max { Ordering::Greater } else { Ordering::Less };
                by.partial_cmp(best) == Some(wanted)
            }
        }
    }

    /// Offers the rows `rows` of (`by`, `value`), in order.
    fn offer(&mut self, by: &ArrayRef, value: &ArrayRef, rows: impl Iterator<Item = usize>) -> Result<()> {
        let Some(candidate) = self.best_row(by, rows)? else { return Ok(()) };
        let candidate_by = ScalarValue::try_from_array(by, candidate)?;
        if self.better(&candidate_by) {
            self.best = Some((candidate_by, ScalarValue::try_from_array(value, candidate)?));
        }
        Ok(())
    }

    /// The first row of `rows` with the greatest (least) non-null `by`; the first row when all
    /// are null; `None` when there are no rows.
    fn best_row(&self, by: &ArrayRef, mut rows: impl Iterator<Item = usize>) -> Result<Option<usize>> {
        let Some(first) = rows.next() else { return Ok(None) };
        let compare = make_comparator(by.as_ref(), by.as_ref(), SortOptions::default())?;
        let wanted = if self.max { Ordering::Greater } else { Ordering::Less };
        let mut best = first;
        for row in rows {
            if by.is_null(row) {
                continue;
            }
            if by.is_null(best) || compare(row, best) == wanted {
                best = row;
            }
        }
        Ok(Some(best))
    }
}

impl Accumulator for ArgExtremeAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.offer(&values[0], &values[1], 0..values[0].len())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        match &self.best {
            Some((_, value)) => Ok(value.clone()),
            None => ScalarValue::try_from(&self.value_type),
        }
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.best.as_ref().map_or(0, |(by, value)| by.size() + value.size())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(match &self.best {
            Some((by, value)) => vec![by.clone(), value.clone(), ScalarValue::Boolean(Some(true))],
            None => vec![
                ScalarValue::try_from(&self.by_type)?,
                ScalarValue::try_from(&self.value_type)?,
                ScalarValue::Boolean(Some(false)),
            ],
        })
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let seen = states[2].as_boolean();
        // A state that saw rows is a candidate row, exactly as an input row is.
        let rows = (0..seen.len()).filter(|&row| seen.is_valid(row) && seen.value(row));
        self.offer(&states[0], &states[1], rows)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{Float64Array, Int32Array, Int64Array, StringArray, TimestampNanosecondArray};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    fn utf8(s: &str) -> ScalarValue {
        ScalarValue::Utf8(Some(s.into()))
    }

    #[test]
    fn picks_the_value_of_the_row_with_the_extreme_by() {
        let max = super::super::by_name("kql_arg_max");
        let min = super::super::by_name("kql_arg_min");
        let first = [
            Arg::Column(Arc::new(TimestampNanosecondArray::from(vec![Some(10), Some(30), None]))),
            Arg::Column(Arc::new(StringArray::from(vec!["ten", "thirty", "null"]))),
        ];
        let second = [
            Arg::Column(Arc::new(TimestampNanosecondArray::from(vec![20, 5]))),
            Arg::Column(Arc::new(StringArray::from(vec!["twenty", "five"]))),
        ];
        assert_eq!(merged(&max, &first, &second), utf8("thirty"));
        assert_eq!(merged(&min, &first, &second), utf8("five"));
        assert_eq!(merged(&max, &second, &first), utf8("thirty"));
    }

    #[test]
    fn ties_go_to_the_first_row_seen() {
        let max = super::super::by_name("kql_arg_max");
        let first = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 7, 7]))),
            Arg::Column(Arc::new(StringArray::from(vec!["a", "b", "c"]))),
        ];
        let second =
            [Arg::Column(Arc::new(Int64Array::from(vec![7]))), Arg::Column(Arc::new(StringArray::from(vec!["d"])))];
        assert_eq!(merged(&max, &first, &second), utf8("b"));
        assert_eq!(merged(&max, &second, &first), utf8("d"));
    }

    #[test]
    fn all_null_by_still_returns_a_row() {
        // The null-handling example of the arg_max reference: Banana has only null versions.
        let max = super::super::by_name("kql_arg_max");
        let banana = [
            Arg::Column(Arc::new(Int32Array::from(vec![None, None]))),
            Arg::Column(Arc::new(StringArray::from(vec!["Yellow", "Green"]))),
        ];
        assert_eq!(merged(&max, &banana, &banana), utf8("Yellow"));
        let apple_first = [
            Arg::Column(Arc::new(Int32Array::from(vec![None]))),
            Arg::Column(Arc::new(StringArray::from(vec!["Green"]))),
        ];
        let apple_second = [
            Arg::Column(Arc::new(Int32Array::from(vec![Some(1)]))),
            Arg::Column(Arc::new(StringArray::from(vec!["Red"]))),
        ];
        assert_eq!(merged(&max, &apple_first, &apple_second), utf8("Red"));
        assert_eq!(merged(&max, &apple_second, &apple_first), utf8("Red"));
    }

    #[test]
    fn empty_group_gives_null_of_the_value_type() {
        let max = super::super::by_name("kql_arg_max");
        let empty = [
            Arg::Column(Arc::new(Int64Array::from(Vec::<i64>::new()))),
            Arg::Column(Arc::new(Float64Array::from(Vec::<f64>::new()))),
        ];
        assert_eq!(merged(&max, &empty, &empty), ScalarValue::Float64(None));
    }

    #[test]
    fn value_may_be_null_in_the_chosen_row() {
        let max = super::super::by_name("kql_arg_max");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 2]))),
            Arg::Column(Arc::new(Float64Array::from(vec![Some(1.0), None]))),
        ];
        assert_eq!(merged(&max, &args, &[]), ScalarValue::Float64(None));
    }
}
