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
//! `take_any(a, b)` and `take_any(*)` must take all their values from one row, which separate
//! `kql_take_any` calls do not promise. For those, one `kql_arg_max(<constant>, column)` per
//! column does: with a constant `by` every row ties, so every column takes the first row seen
//! (see `arg_extreme.rs`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, StringArray, StringViewArray, new_empty_array};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::udaf::{Family, keeps, null_unless_kept};

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

    fn supports_groups(&self, _: &[DataType]) -> bool {
        true
    }

    fn groups_accumulator(
        &self,
        _: &str,
        _: &AccumulatorArgs,
        data: &[DataType],
        _: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(TakeAnyGroups {
            data_type: data[0].clone(),
            null: ScalarValue::try_from(&data[0])?,
            values: Vec::new(),
            found: Vec::new(),
            bytes: 0,
        }))
    }
}

/// How good row `row` of `array` is as a pick; `null_is_empty` as in
/// [`TakeAnyAccumulator::offer`].
fn grade(array: &ArrayRef, row: usize, null_is_empty: bool) -> Found {
    let string = is_string(array.data_type());
    if array.is_null(row) {
        return if string && null_is_empty { Found::Empty } else { Found::Nothing };
    }
    let empty = match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).is_empty(),
        DataType::Utf8View => array.as_string_view().value(row).is_empty(),
        _ => false,
    };
    if empty { Found::Empty } else { Found::Value }
}

/// `take_any` for many groups at once.
struct TakeAnyGroups {
    data_type: DataType,
    null: ScalarValue,
    values: Vec<ScalarValue>,
    found: Vec<Found>,
    bytes: usize,
}

impl TakeAnyGroups {
    fn offer(
        &mut self,
        array: &ArrayRef,
        group_indices: &[usize],
        total_num_groups: usize,
        null_is_empty: bool,
        keep: impl Fn(usize) -> bool,
    ) -> Result<()> {
        self.values.resize(total_num_groups, self.null.clone());
        self.found.resize(total_num_groups, Found::Nothing);
        for (row, &group) in group_indices.iter().enumerate() {
            if self.found[group] == Found::Value || !keep(row) {
                continue;
            }
            let grade = grade(array, row, null_is_empty);
            if grade > self.found[group] {
                let value = match grade {
                    Found::Value => ScalarValue::try_from_array(array, row)?,
                    _ if self.data_type == DataType::Utf8View => ScalarValue::Utf8View(Some(String::new())),
                    _ => ScalarValue::Utf8(Some(String::new())),
                };
                self.bytes = (self.bytes + value.size()).saturating_sub(self.values[group].size());
                self.values[group] = value;
                self.found[group] = grade;
            }
        }
        Ok(())
    }

    fn take(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        emit_to.take_needed(&mut self.found);
        let values = emit_to.take_needed(&mut self.values);
        self.bytes = self.bytes.saturating_sub(values.iter().map(ScalarValue::size).sum());
        if values.is_empty() { Ok(new_empty_array(&self.data_type)) } else { ScalarValue::iter_to_array(values) }
    }
}

impl GroupsAccumulator for TakeAnyGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.offer(&values[0], group_indices, total_num_groups, true, |row| keeps(opt_filter, row))
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        self.take(emit_to)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.take(emit_to)?])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.offer(&values[0], group_indices, total_num_groups, false, |_| true)
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        // In a state, a null string means "no row"; a kept null string row is "".
        let array = &values[0];
        let state: ArrayRef = match array.data_type() {
            DataType::Utf8 => {
                let strings = array.as_string::<i32>();
                Arc::new(
                    (0..array.len())
                        .map(|row| {
                            keeps(opt_filter, row).then(|| if strings.is_valid(row) { strings.value(row) } else { "" })
                        })
                        .collect::<StringArray>(),
                )
            }
            DataType::Utf8View => {
                let strings = array.as_string_view();
                Arc::new(
                    (0..array.len())
                        .map(|row| {
                            keeps(opt_filter, row).then(|| if strings.is_valid(row) { strings.value(row) } else { "" })
                        })
                        .collect::<StringViewArray>(),
                )
            }
            _ => null_unless_kept(array, opt_filter)?,
        };
        Ok(vec![state])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.values.capacity() * (size_of::<ScalarValue>() + 1) + self.bytes
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
    fn groups_agree_with_single_accumulators() {
        let udaf = super::super::by_name("kql_take_any");
        let strings = [Arg::Column(Arc::new(StringArray::from(vec![
            None,
            Some(""),
            Some("x"),
            Some(""),
            None,
            Some("y"),
            None,
        ])))];
        let more = [Arg::Column(Arc::new(StringArray::from(vec![Some("z"), None, None])))];
        groups_agree(&udaf, &strings, &more);
        groups_agree(&udaf, &more, &strings);
        let ints = [Arg::Column(Arc::new(Int64Array::from(vec![None, Some(1), None, Some(2), Some(3)])))];
        groups_agree(&udaf, &ints, &ints);
        let conditional = [
            Arg::Column(Arc::new(StringArray::from(vec![Some("a"), Some("b"), None, Some("d"), Some("e"), Some("f")]))),
            Arg::Column(Arc::new(BooleanArray::from(vec![
                Some(false),
                None,
                Some(true),
                Some(true),
                Some(false),
                Some(true),
            ]))),
        ];
        groups_agree(&super::super::by_name("kql_take_anyif"), &conditional, &conditional);
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
