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
//!
//! With a constant `by` (`kql_arg_max(true, column)`) every row ties, so one such call per
//! column takes all the columns from one row: the first seen. That is a `take_any(*)` whose
//! values are consistent, which separate `kql_take_any` calls are not.

use std::cmp::Ordering;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, StringArray, make_comparator, new_empty_array,
};
use datafusion::arrow::compute::{SortOptions, cast};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::udaf::{Family, keeps};

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

    fn supports_groups(&self, data: &[DataType]) -> bool {
        ByKind::of(&data[0]).is_some()
    }

    fn groups_accumulator(
        &self,
        name: &str,
        _: &AccumulatorArgs,
        data: &[DataType],
        _: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        let Some(kind) = ByKind::of(&data[0]) else {
            return plan_err!("{name}(): no groups accumulator for {}", data[0]);
        };
        let best_by = match kind {
            ByKind::Integer => ByStore::Integer(Vec::new()),
            ByKind::Real => ByStore::Real(Vec::new()),
            ByKind::Text => ByStore::Text(Vec::new()),
        };
        Ok(Box::new(ArgExtremeGroups {
            wanted: if self.max { Ordering::Greater } else { Ordering::Less },
            kind,
            by_type: data[0].clone(),
            value_type: data[1].clone(),
            null_value: ScalarValue::try_from(&data[1])?,
            seen: Vec::new(),
            by_valid: Vec::new(),
            best_by,
            values: Vec::new(),
            candidates: Vec::new(),
            touched: Vec::new(),
            bytes: 0,
        }))
    }
}

/// How the groups accumulator holds `by` values: types whose Arrow order is that of `i64`,
/// of `f64` (total order, NaN greatest) or of UTF-8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ByKind {
    Integer,
    Real,
    Text,
}

impl ByKind {
    fn of(ty: &DataType) -> Option<ByKind> {
        Some(match ty {
            DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::Timestamp(..)
            | DataType::Duration(_)
            | DataType::Date32
            | DataType::Date64 => ByKind::Integer,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => ByKind::Real,
            DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 => ByKind::Text,
            _ => return None,
        })
    }
}

/// A `by` column read for comparison.
enum ByColumn {
    Integer(Int64Array),
    Real(Float64Array),
    Text(StringArray),
}

impl ByColumn {
    fn new(kind: ByKind, array: &ArrayRef) -> Result<ByColumn> {
        Ok(match kind {
            ByKind::Integer => ByColumn::Integer(cast(array, &DataType::Int64)?.as_primitive::<Int64Type>().clone()),
            ByKind::Real => ByColumn::Real(cast(array, &DataType::Float64)?.as_primitive::<Float64Type>().clone()),
            ByKind::Text => ByColumn::Text(cast(array, &DataType::Utf8)?.as_string::<i32>().clone()),
        })
    }

    fn is_null(&self, row: usize) -> bool {
        match self {
            ByColumn::Integer(a) => a.is_null(row),
            ByColumn::Real(a) => a.is_null(row),
            ByColumn::Text(a) => a.is_null(row),
        }
    }

    /// Compares two non-null rows.
    fn compare(&self, a: usize, b: usize) -> Ordering {
        match self {
            ByColumn::Integer(array) => array.value(a).cmp(&array.value(b)),
            ByColumn::Real(array) => array.value(a).total_cmp(&array.value(b)),
            ByColumn::Text(array) => array.value(a).cmp(array.value(b)),
        }
    }
}

/// The chosen rows' `by` values, one per group (meaningful where `by_valid`).
enum ByStore {
    Integer(Vec<i64>),
    Real(Vec<f64>),
    Text(Vec<String>),
}

impl ByStore {
    fn resize(&mut self, groups: usize) {
        match self {
            ByStore::Integer(v) => v.resize(groups, 0),
            ByStore::Real(v) => v.resize(groups, 0.0),
            ByStore::Text(v) => v.resize(groups, String::new()),
        }
    }

    /// Compares non-null row `row` of `column` with the stored value of `group`.
    fn compare(&self, column: &ByColumn, row: usize, group: usize) -> Ordering {
        match (self, column) {
            (ByStore::Integer(v), ByColumn::Integer(a)) => a.value(row).cmp(&v[group]),
            (ByStore::Real(v), ByColumn::Real(a)) => a.value(row).total_cmp(&v[group]),
            (ByStore::Text(v), ByColumn::Text(a)) => a.value(row).cmp(v[group].as_str()),
            _ => unreachable!("column and store have the same kind"),
        }
    }

    /// Stores non-null row `row` of `column` for `group`; returns the bytes it allocated.
    fn set(&mut self, column: &ByColumn, row: usize, group: usize) -> usize {
        match (self, column) {
            (ByStore::Integer(v), ByColumn::Integer(a)) => v[group] = a.value(row),
            (ByStore::Real(v), ByColumn::Real(a)) => v[group] = a.value(row),
            (ByStore::Text(v), ByColumn::Text(a)) => {
                let before = v[group].capacity();
                v[group].clear();
                v[group].push_str(a.value(row));
                return v[group].capacity() - before;
            }
            _ => unreachable!("column and store have the same kind"),
        }
        0
    }

    /// The values of the first `emit_to` groups, as `by_type`, and the bytes they held.
    fn take(&mut self, emit_to: EmitTo, valid: &[bool], by_type: &DataType) -> Result<(ArrayRef, usize)> {
        let mut bytes = 0;
        let array: ArrayRef = match self {
            ByStore::Integer(v) => {
                let v = emit_to.take_needed(v);
                Arc::new(v.into_iter().zip(valid).map(|(x, &ok)| ok.then_some(x)).collect::<Int64Array>())
            }
            ByStore::Real(v) => {
                let v = emit_to.take_needed(v);
                Arc::new(v.into_iter().zip(valid).map(|(x, &ok)| ok.then_some(x)).collect::<Float64Array>())
            }
            ByStore::Text(v) => {
                let v = emit_to.take_needed(v);
                bytes = v.iter().map(String::capacity).sum();
                Arc::new(v.iter().zip(valid).map(|(x, &ok)| ok.then_some(x.as_str())).collect::<StringArray>())
            }
        };
        Ok((cast(&array, by_type)?, bytes))
    }
}

/// `arg_max` / `arg_min` for many groups at once, with the same choice of row as
/// [`ArgExtremeAccumulator`].
struct ArgExtremeGroups {
    wanted: Ordering,
    kind: ByKind,
    by_type: DataType,
    value_type: DataType,
    null_value: ScalarValue,
    /// Whether the group has a chosen row.
    seen: Vec<bool>,
    /// Whether the chosen row's `by` is not null.
    by_valid: Vec<bool>,
    best_by: ByStore,
    /// The chosen rows' values.
    values: Vec<ScalarValue>,
    /// Scratch: the best row of the current batch, per group.
    candidates: Vec<Option<usize>>,
    /// Scratch: the groups with a candidate.
    touched: Vec<usize>,
    /// Bytes held by `by` strings and values.
    bytes: usize,
}

impl ArgExtremeGroups {
    fn resize(&mut self, groups: usize) {
        self.seen.resize(groups, false);
        self.by_valid.resize(groups, false);
        self.best_by.resize(groups);
        self.values.resize(groups, self.null_value.clone());
        self.candidates.resize(groups, None);
    }

    /// Whether row `row` (of `column`) beats the chosen row of `group`.
    fn beats_chosen(&self, column: &ByColumn, row: usize, group: usize) -> bool {
        if !self.seen[group] {
            return true;
        }
        if column.is_null(row) {
            return false;
        }
        !self.by_valid[group] || self.best_by.compare(column, row, group) == self.wanted
    }

    /// Offers the rows of a batch (`by`, `value`) that `keep` accepts, in order: the same
    /// choice, row by row, as the single-group accumulator makes.
    fn offer(
        &mut self,
        by: &ArrayRef,
        value: &ArrayRef,
        group_indices: &[usize],
        keep: impl Fn(usize) -> bool,
    ) -> Result<()> {
        let column = ByColumn::new(self.kind, by)?;
        for (row, &group) in group_indices.iter().enumerate() {
            if !keep(row) {
                continue;
            }
            let better = match self.candidates[group] {
                // Against this batch's candidate, which already beats the chosen row.
                Some(candidate) => {
                    !column.is_null(row) && (column.is_null(candidate) || column.compare(row, candidate) == self.wanted)
                }
                None => self.beats_chosen(&column, row, group),
            };
            if better {
                if self.candidates[group].is_none() {
                    self.touched.push(group);
                }
                self.candidates[group] = Some(row);
            }
        }
        for group in std::mem::take(&mut self.touched) {
            let Some(row) = self.candidates[group].take() else { continue };
            self.seen[group] = true;
            self.by_valid[group] = !column.is_null(row);
            if self.by_valid[group] {
                self.bytes += self.best_by.set(&column, row, group);
            }
            let chosen = ScalarValue::try_from_array(value, row)?;
            self.bytes = (self.bytes + chosen.size()).saturating_sub(self.values[group].size());
            self.values[group] = chosen;
        }
        Ok(())
    }

    /// The chosen `by` values, and the chosen values, of the first `emit_to` groups, dropping
    /// those groups.
    fn take(&mut self, emit_to: EmitTo) -> Result<(ArrayRef, ArrayRef, BooleanArray)> {
        let valid = emit_to.take_needed(&mut self.by_valid);
        let (by, by_bytes) = self.best_by.take(emit_to, &valid, &self.by_type)?;
        let seen = BooleanArray::from(emit_to.take_needed(&mut self.seen));
        emit_to.take_needed(&mut self.candidates);
        let values = emit_to.take_needed(&mut self.values);
        let value_bytes: usize = values.iter().map(ScalarValue::size).sum();
        self.bytes = self.bytes.saturating_sub(by_bytes + value_bytes);
        let values =
            if values.is_empty() { new_empty_array(&self.value_type) } else { ScalarValue::iter_to_array(values)? };
        Ok((by, values, seen))
    }
}

impl GroupsAccumulator for ArgExtremeGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.resize(total_num_groups);
        self.offer(&values[0], &values[1], group_indices, |row| keeps(opt_filter, row))
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        Ok(self.take(emit_to)?.1)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let (by, values, seen) = self.take(emit_to)?;
        Ok(vec![by, values, Arc::new(seen)])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.resize(total_num_groups);
        let seen = values[2].as_boolean().clone();
        self.offer(&values[0], &values[1], group_indices, |row| seen.is_valid(row) && seen.value(row))
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let seen: BooleanArray = (0..values[0].len()).map(|row| Some(keeps(opt_filter, row))).collect();
        Ok(vec![Arc::clone(&values[0]), Arc::clone(&values[1]), Arc::new(seen)])
    }

    fn size(&self) -> usize {
        let per_group = 2 + size_of::<ScalarValue>() + size_of::<Option<usize>>() + 24;
        size_of_val(self) + self.seen.capacity() * per_group + self.bytes
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
    fn groups_agree_with_single_accumulators() {
        let max = super::super::by_name("kql_arg_max");
        let min = super::super::by_name("kql_arg_min");
        let first = [
            Arg::Column(Arc::new(TimestampNanosecondArray::from(vec![
                Some(10),
                Some(30),
                None,
                Some(30),
                Some(5),
                None,
                Some(10),
            ]))),
            Arg::Column(Arc::new(StringArray::from(vec!["a", "b", "c", "d", "e", "f", "g"]))),
        ];
        let second = [
            Arg::Column(Arc::new(TimestampNanosecondArray::from(vec![Some(30), None, Some(1), Some(10)]))),
            Arg::Column(Arc::new(StringArray::from(vec!["h", "i", "j", "k"]))),
        ];
        for udaf in [&max, &min] {
            groups_agree(udaf, &first, &second);
            groups_agree(udaf, &second, &first);
        }
        let nulls = [
            Arg::Column(Arc::new(Int32Array::from(vec![None, None, None, None]))),
            Arg::Column(Arc::new(Int64Array::from(vec![1, 2, 3, 4]))),
        ];
        groups_agree(&max, &nulls, &first[..0]);
        let by_text = [
            Arg::Column(Arc::new(StringArray::from(vec![Some("b"), Some("a"), None, Some("b"), Some("c")]))),
            Arg::Column(Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0, 5.0]))),
        ];
        groups_agree(&max, &by_text, &by_text);
        groups_agree(&min, &by_text, &by_text);
        let by_real = [
            Arg::Column(Arc::new(Float64Array::from(vec![Some(1.5), None, Some(-2.0), Some(1.5), Some(0.0)]))),
            Arg::Column(Arc::new(StringArray::from(vec!["p", "q", "r", "s", "t"]))),
        ];
        groups_agree(&max, &by_real, &by_real);
    }

    #[test]
    fn a_constant_by_takes_the_first_row_seen() {
        let max = super::super::by_name("kql_arg_max");
        let with = |values: Vec<i64>| {
            [Arg::Const(ScalarValue::Boolean(Some(true))), Arg::Column(Arc::new(Int64Array::from(values)))]
        };
        assert_eq!(merged(&max, &with(vec![4, 5]), &with(vec![6])), ScalarValue::Int64(Some(4)));
        groups_agree(&max, &with(vec![1, 2, 3, 4, 5]), &with(vec![6, 7]));
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
