//! `take_any(expr)` and `take_anyif(expr, predicate)`: the value of `expr` from some row of the
//! group.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/take-any-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/take-anyif-aggregation-function>.
//!
//! Kusto picks the row arbitrarily, but "will attempt to return a non-null/non-empty value, if
//! such value is present". Quarry returns the first non-null, non-empty value seen (first
//! within a partition, then in merge order); failing that `""` for a `string` column whose
//! values are all empty or null (Kusto strings are never null), and null otherwise. The result
//! has the type of `expr`.
//!
//! `take_any(a, b)` and `take_any(*)`, which must take all values from one row, are not this
//! function: the planner lowers them to `kql_arg_max`-style consistent picks.

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::Accumulator;

use super::udaf::Family;

/// `kql_take_any(x)` and `kql_take_anyif(x, pred)`, returning the type of `x`.
#[derive(Debug)]
pub(super) struct TakeAny;

impl Family for TakeAny {
    fn return_type(&self, _: &str, data: &[DataType]) -> Result<DataType> {
        Ok(data[0].clone())
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, data: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![Field::new(state_name("value"), data[0].clone(), true)])
    }

    fn accumulator(&self, _: &str, data: &[DataType], _: &[ScalarValue], _: &DataType) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(TakeAnyAccumulator { value: ScalarValue::try_from(&data[0])?, found: Found::Nothing }))
    }
}

/// How good the value held is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Found {
    Nothing,
    /// An empty (or null) `string`.
    Empty,
    /// A non-null, non-empty value: final.
    Value,
}

#[derive(Debug)]
struct TakeAnyAccumulator {
    value: ScalarValue,
    found: Found,
}

/// Whether `ty` is a KQL `string` (whose null is `""`).
fn is_string(ty: &DataType) -> bool {
    matches!(ty, DataType::Utf8 | DataType::Utf8View)
}

impl TakeAnyAccumulator {
    /// Offers the values of `array`, in order. `null_is_empty`: a null `string` is `""` (true
    /// for input rows; false for partial states, where null means "saw no rows").
    fn offer(&mut self, array: &ArrayRef, null_is_empty: bool) -> Result<()> {
        if self.found == Found::Value || array.is_empty() {
            return Ok(());
        }
        let is_empty = |row: usize| match array.data_type() {
            DataType::Utf8 => array.as_string::<i32>().value(row).is_empty(),
            DataType::Utf8View => array.as_string_view().value(row).is_empty(),
            _ => false,
        };
        if let Some(row) = (0..array.len()).find(|&row| array.is_valid(row) && !is_empty(row)) {
            self.value = ScalarValue::try_from_array(array, row)?;
            self.found = Found::Value;
        } else if self.found == Found::Nothing && is_string(array.data_type()) {
            let empty_seen =
                (0..array.len()).any(|row| if array.is_valid(row) { is_empty(row) } else { null_is_empty });
            if empty_seen {
                self.value = match array.data_type() {
                    DataType::Utf8View => ScalarValue::Utf8View(Some(String::new())),
                    _ => ScalarValue::Utf8(Some(String::new())),
                };
                self.found = Found::Empty;
            }
        }
        Ok(())
    }
}

impl Accumulator for TakeAnyAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.offer(&values[0], true)
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(self.value.clone())
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.value.size()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.value.clone()])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        // A partial state holds "" when it saw only empty strings, and null when it saw no
        // value at all.
        self.offer(&states[0], false)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{BooleanArray, Int64Array, StringArray};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    #[test]
    fn prefers_the_first_non_null_value() {
        let udaf = super::super::by_name("kql_take_any");
        let first = [Arg::Column(Arc::new(Int64Array::from(vec![None, Some(7), Some(8)])))];
        let second = [Arg::Column(Arc::new(Int64Array::from(vec![Some(9)])))];
        assert_eq!(merged(&udaf, &first, &second), ScalarValue::Int64(Some(7)));
        let nulls = [Arg::Column(Arc::new(Int64Array::from(vec![None, None])))];
        assert_eq!(merged(&udaf, &nulls, &second), ScalarValue::Int64(Some(9)));
        assert_eq!(merged(&udaf, &nulls, &[]), ScalarValue::Int64(None));
    }

    #[test]
    fn prefers_non_empty_strings_and_falls_back_to_empty() {
        let udaf = super::super::by_name("kql_take_any");
        let empties = [Arg::Column(Arc::new(StringArray::from(vec![Some(""), None])))];
        let value = [Arg::Column(Arc::new(StringArray::from(vec![None, Some("x")])))];
        assert_eq!(merged(&udaf, &empties, &value), ScalarValue::Utf8(Some("x".into())));
        assert_eq!(merged(&udaf, &empties, &empties), ScalarValue::Utf8(Some(String::new())));
    }

    #[test]
    fn empty_group_gives_null() {
        let udaf = super::super::by_name("kql_take_any");
        let empty = [Arg::Column(Arc::new(StringArray::from(Vec::<&str>::new())))];
        assert_eq!(merged(&udaf, &empty, &[]), ScalarValue::Utf8(None));
    }

    #[test]
    fn take_anyif_keeps_rows_where_the_predicate_holds() {
        let udaf = super::super::by_name("kql_take_anyif");
        let args = [
            Arg::Column(Arc::new(Int64Array::from(vec![1, 2, 3]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![Some(false), None, Some(true)]))),
        ];
        assert_eq!(merged(&udaf, &args, &[]), ScalarValue::Int64(Some(3)));
    }
}
