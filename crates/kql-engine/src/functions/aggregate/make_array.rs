//! `make_set`, `make_set_if`, `make_list`, `make_list_if` and `make_list_with_nulls`: a
//! `dynamic` array of the values of `expr` in the group.
//!
//! Kusto:
//! - <https://learn.microsoft.com/en-us/kusto/query/make-set-aggregation-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/make-set-if-aggregation-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/make-list-aggregation-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/make-list-if-aggregation-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/make-list-with-nulls-aggregation-function>
//!
//! Elements are encoded as described in [`super::json`]. Null values are skipped, except by
//! `make_list_with_nulls`, which keeps them as JSON `null`; a null `string` is `""` (Kusto
//! strings are never null), so it is an element like any other.
//!
//! - `make_set` keeps distinct values (compared by their JSON text) and, as Kusto documents
//!   ("Set from array column"), takes the *elements* of a `dynamic` array rather than the array
//!   itself; null elements are skipped.
//! - `make_list` keeps every value, arrays included as arrays.
//! - `maxSize` (default and maximum 1,048,576) caps the number of elements; later values are
//!   dropped.
//!
//! Order: Kusto leaves the order undefined, except that `make_list` tracks the input order when
//! the input to `summarize` is sorted. Quarry keeps first-seen order within a partition, and
//! concatenates partitions' partial results in the order DataFusion merges them, so without an
//! `ORDER BY` the order is the input order only for a single partition. With an `ORDER BY` on
//! the call (which the planner adds after `sort by`), elements follow that order across
//! partitions, ties in the order seen, and `maxSize` keeps the first elements in that order.
//! A group with no values gives `[]`, the documented default.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, LargeStringArray, ListBuilder, StringArray, StringBuilder, StructArray,
    new_empty_array,
};
use datafusion::arrow::compute::{SortOptions, cast};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};
use serde_json::Value;

use super::json::JsonColumn;
use super::num::{list_scalar, list_type, lists};
use super::udaf::{Constants, Family, Ordering, keeps, kept_rows, long_constant};

/// The default, and largest, `maxSize`.
pub(super) const MAX_SIZE: i64 = 1_048_576;

/// `kql_make_set(x [, max])`, `kql_make_list(x [, max])`, `kql_make_list_with_nulls(x)` and the
/// `_if` variants, all returning `dynamic`.
#[derive(Debug)]
pub(super) struct MakeArray {
    /// Keep distinct values only (`make_set`).
    pub distinct: bool,
    /// Keep nulls as JSON `null` (`make_list_with_nulls`).
    pub keep_nulls: bool,
}

/// The `maxSize` constant at `index`, checked and capped at [`MAX_SIZE`].
pub(super) fn max_size(name: &str, constants: &[ScalarValue], index: usize) -> Result<usize> {
    let max = long_constant(name, constants, index, MAX_SIZE)?;
    if max < 0 {
        return plan_err!("{name}(): maxSize must not be negative, got {max}");
    }
    Ok(max.min(MAX_SIZE) as usize)
}

impl MakeArray {
    fn rules(&self, name: &str, data: &[DataType], constants: &[ScalarValue]) -> Result<Rules> {
        Ok(Rules {
            distinct: self.distinct,
            keep_nulls: self.keep_nulls,
            flatten: self.distinct && data[0] == crate::types::DYNAMIC,
            max: max_size(name, constants, 0)?,
        })
    }
}

impl Family for MakeArray {
    fn constants(&self) -> Constants {
        if self.keep_nulls { Constants::NONE } else { Constants::OPTIONAL_LONG }
    }

    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match &data[0] {
            DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(..) => {
                plan_err!("{name}(): values of type {} cannot be put into a dynamic array", data[0])
            }
            _ => Ok(crate::types::DYNAMIC),
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, _: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![Field::new(state_name("elements"), list_type(DataType::Utf8), true)])
    }

    fn accumulator(
        &self,
        name: &str,
        data: &[DataType],
        constants: &[ScalarValue],
        _: &DataType,
    ) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(MakeArrayAccumulator {
            rules: self.rules(name, data, constants)?,
            elements: Elements::default(),
            bytes: 0,
        }))
    }

    fn supports_groups(&self, _: &[DataType]) -> bool {
        true
    }

    fn order_sensitive(&self) -> bool {
        true
    }

    fn ordered_accumulator(
        &self,
        name: &str,
        data: &[DataType],
        constants: &[ScalarValue],
        _: &DataType,
        order: Ordering,
    ) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(OrderedMakeArray {
            rules: self.rules(name, data, constants)?,
            order,
            entries: Vec::new(),
            bytes: 0,
        }))
    }

    fn groups_accumulator(
        &self,
        name: &str,
        _: &AccumulatorArgs,
        data: &[DataType],
        constants: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(MakeArrayGroups { rules: self.rules(name, data, constants)?, groups: Vec::new(), bytes: 0 }))
    }

    fn default_value(&self, _: &DataType) -> Result<ScalarValue> {
        Ok(ScalarValue::LargeUtf8(Some("[]".into())))
    }
}

/// How values become elements, shared by the accumulators.
#[derive(Clone, Copy, Debug)]
struct Rules {
    distinct: bool,
    keep_nulls: bool,
    /// Take the elements of `dynamic` arrays (`make_set` over `dynamic`).
    flatten: bool,
    max: usize,
}

impl Rules {
    /// Calls `push` with the element texts that row `row` of `column` contributes.
    fn elements(&self, column: &JsonColumn, row: usize, buffer: &mut String, mut push: impl FnMut(&str)) {
        if self.flatten {
            match column.value(row) {
                Some(Value::Array(items)) => {
                    for item in items.iter().filter(|item| !item.is_null()) {
                        push(&item.to_string());
                    }
                }
                Some(value) => push(&value.to_string()),
                None => {}
            }
        } else {
            if column.write_text(row, buffer) {
                push(buffer);
            } else if self.keep_nulls {
                push("null");
            }
        }
    }
}

/// The elements of one group.
#[derive(Debug, Default)]
struct Elements {
    /// The JSON text of each element, in order.
    items: Vec<Arc<str>>,
    /// The elements already kept (`make_set` only).
    seen: HashSet<Arc<str>>,
}

impl Elements {
    fn full(&self, rules: &Rules) -> bool {
        self.items.len() >= rules.max
    }

    /// Adds `text` unless full (or already there, for a set); returns the bytes added.
    fn push(&mut self, rules: &Rules, text: &str) -> usize {
        if self.full(rules) || (rules.distinct && self.seen.contains(text)) {
            return 0;
        }
        let element: Arc<str> = Arc::from(text);
        if rules.distinct {
            self.seen.insert(Arc::clone(&element));
        }
        self.items.push(element);
        text.len() + if rules.distinct { 3 } else { 2 } * size_of::<Arc<str>>()
    }

    /// The JSON array.
    fn json(&self) -> String {
        let mut out = String::with_capacity(self.items.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
        out.push('[');
        for (i, element) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(element);
        }
        out.push(']');
        out
    }
}

#[derive(Debug)]
struct MakeArrayAccumulator {
    rules: Rules,
    elements: Elements,
    /// Bytes held by the elements.
    bytes: usize,
}

impl Accumulator for MakeArrayAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let column = JsonColumn::new(&values[0])?;
        let mut buffer = String::new();
        for row in 0..column.len() {
            if self.elements.full(&self.rules) {
                break;
            }
            let (rules, elements, bytes) = (&self.rules, &mut self.elements, &mut self.bytes);
            rules.elements(&column, row, &mut buffer, |text| *bytes += elements.push(rules, text));
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::LargeUtf8(Some(self.elements.json())))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.bytes
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let elements: StringArray = self.elements.items.iter().map(|e| Some(&**e)).collect();
        Ok(vec![list_scalar(Arc::new(elements))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for elements in lists(&states[0])? {
            let elements = cast(&elements, &DataType::Utf8)?;
            for element in elements.as_string::<i32>().iter().flatten() {
                if self.elements.full(&self.rules) {
                    return Ok(());
                }
                self.bytes += self.elements.push(&self.rules, element);
            }
        }
        Ok(())
    }
}

/// `make_set` and `make_list` with an `ORDER BY`: every element with its ordering keys; the
/// order, and then `maxSize` and (for a set) the first of equal elements, are applied when the
/// result is built. Elements with equal keys keep the order in which they were seen. Unlike
/// the unordered accumulators, this one holds every element of the group until the end, even
/// beyond `maxSize`, as a later row may sort before the ones seen first.
#[derive(Debug)]
struct OrderedMakeArray {
    rules: Rules,
    order: Ordering,
    /// Ordering keys and element text.
    entries: Vec<(Vec<ScalarValue>, String)>,
    bytes: usize,
}

/// Compares two ordering keys under `options`.
fn compare_keys(a: &[ScalarValue], b: &[ScalarValue], options: &[SortOptions]) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    for ((a, b), options) in a.iter().zip(b).zip(options) {
        let order = match (a.is_null(), b.is_null()) {
            (true, true) => Equal,
            (true, false) => {
                if options.nulls_first {
                    Less
                } else {
                    Greater
                }
            }
            (false, true) => {
                if options.nulls_first {
                    Greater
                } else {
                    Less
                }
            }
            (false, false) => {
                let order = a.partial_cmp(b).unwrap_or(Equal);
                if options.descending { order.reverse() } else { order }
            }
        };
        if order != Equal {
            return order;
        }
    }
    Equal
}

impl OrderedMakeArray {
    fn push(&mut self, keys: Vec<ScalarValue>, text: String) {
        self.bytes +=
            text.len() + keys.iter().map(ScalarValue::size).sum::<usize>() + size_of::<(Vec<ScalarValue>, String)>();
        self.entries.push((keys, text));
    }
}

impl Accumulator for OrderedMakeArray {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let column = JsonColumn::new(&values[0])?;
        let keys = &values[1..];
        let mut buffer = String::new();
        for row in 0..column.len() {
            let mut texts = Vec::new();
            self.rules.elements(&column, row, &mut buffer, |text| texts.push(text.to_owned()));
            if texts.is_empty() {
                continue;
            }
            let row_keys = keys.iter().map(|k| ScalarValue::try_from_array(k, row)).collect::<Result<Vec<_>>>()?;
            for text in texts {
                self.push(row_keys.clone(), text);
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // A stable sort: equal keys keep the order seen.
        let options = self.order.options.clone();
        self.entries.sort_by(|a, b| compare_keys(&a.0, &b.0, &options));
        let mut elements = Elements::default();
        for (_, text) in &self.entries {
            if elements.full(&self.rules) {
                break;
            }
            elements.push(&self.rules, text);
        }
        Ok(ScalarValue::LargeUtf8(Some(elements.json())))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.bytes
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let texts: StringArray = self.entries.iter().map(|(_, text)| Some(text.as_str())).collect();
        let mut columns = Vec::with_capacity(self.order.keys.len());
        for (index, field) in self.order.keys.iter().enumerate() {
            let column = if self.entries.is_empty() {
                new_empty_array(field.data_type())
            } else {
                ScalarValue::iter_to_array(self.entries.iter().map(|(keys, _)| keys[index].clone()))?
            };
            columns.push(column);
        }
        let keys = StructArray::try_new(self.order.keys.clone(), columns, None)?;
        Ok(vec![list_scalar(Arc::new(texts)), list_scalar(Arc::new(keys))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (Some(texts), Some(keys)) = (states[0].as_list_opt::<i32>(), states[1].as_list_opt::<i32>()) else {
            return exec_err!("expected list states, got {} and {}", states[0].data_type(), states[1].data_type());
        };
        for row in 0..texts.len() {
            if texts.is_null(row) || keys.is_null(row) {
                continue;
            }
            let row_texts = cast(&texts.value(row), &DataType::Utf8)?;
            let row_texts = row_texts.as_string::<i32>();
            let row_keys = keys.value(row);
            let row_keys = row_keys.as_struct();
            for item in 0..row_texts.len() {
                if row_texts.is_null(item) {
                    continue;
                }
                let item_keys = row_keys
                    .columns()
                    .iter()
                    .map(|column| ScalarValue::try_from_array(column, item))
                    .collect::<Result<Vec<_>>>()?;
                self.push(item_keys, row_texts.value(item).to_owned());
            }
        }
        Ok(())
    }
}

/// `make_set` and `make_list` for many groups at once.
struct MakeArrayGroups {
    rules: Rules,
    groups: Vec<Elements>,
    /// Bytes held by the elements of all groups.
    bytes: usize,
}

impl GroupsAccumulator for MakeArrayGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.groups.resize_with(total_num_groups, Elements::default);
        let column = JsonColumn::new(&values[0])?;
        let mut buffer = String::new();
        for (row, group) in kept_rows(group_indices, opt_filter) {
            let (rules, elements, bytes) = (&self.rules, &mut self.groups[group], &mut self.bytes);
            if !elements.full(rules) {
                rules.elements(&column, row, &mut buffer, |text| *bytes += elements.push(rules, text));
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let groups = emit_to.take_needed(&mut self.groups);
        self.bytes = self.bytes.saturating_sub(groups.iter().map(Elements::held_bytes).sum());
        Ok(Arc::new(groups.iter().map(|g| Some(g.json())).collect::<LargeStringArray>()))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let groups = emit_to.take_needed(&mut self.groups);
        self.bytes = self.bytes.saturating_sub(groups.iter().map(Elements::held_bytes).sum());
        let mut builder = ListBuilder::new(StringBuilder::new());
        for group in &groups {
            for element in &group.items {
                builder.values().append_value(element);
            }
            builder.append(true);
        }
        Ok(vec![Arc::new(builder.finish())])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.groups.resize_with(total_num_groups, Elements::default);
        let Some(list) = values[0].as_list_opt::<i32>() else {
            return exec_err!("expected a list state, got {}", values[0].data_type());
        };
        let items = cast(list.values(), &DataType::Utf8)?;
        let items = items.as_string::<i32>();
        let offsets = list.value_offsets();
        for (row, &group) in group_indices.iter().enumerate() {
            if list.is_null(row) {
                continue;
            }
            let elements = &mut self.groups[group];
            for item in offsets[row] as usize..offsets[row + 1] as usize {
                if elements.full(&self.rules) {
                    break;
                }
                if items.is_valid(item) {
                    self.bytes += elements.push(&self.rules, items.value(item));
                }
            }
        }
        Ok(())
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let column = JsonColumn::new(&values[0])?;
        let mut buffer = String::new();
        let mut builder = ListBuilder::new(StringBuilder::new());
        for row in 0..column.len() {
            if keeps(opt_filter, row) {
                let mut elements = Elements::default();
                self.rules.elements(&column, row, &mut buffer, |text| {
                    elements.push(&self.rules, text);
                });
                for element in &elements.items {
                    builder.values().append_value(element);
                }
            }
            builder.append(true);
        }
        Ok(vec![Arc::new(builder.finish())])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.groups.capacity() * size_of::<Elements>() + self.bytes
    }
}

impl Elements {
    /// Approximate bytes held (as counted by [`Elements::push`]).
    fn held_bytes(&self) -> usize {
        let per_element = if self.seen.is_empty() { 2 } else { 3 } * size_of::<Arc<str>>();
        self.items.iter().map(|e| e.len() + per_element).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{
        BooleanArray, DurationNanosecondArray, Float64Array, Int64Array, LargeStringArray, StringArray,
        TimestampNanosecondArray,
    };
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    fn dynamic(text: &str) -> ScalarValue {
        ScalarValue::LargeUtf8(Some(text.into()))
    }

    fn column(array: impl datafusion::arrow::array::Array + 'static) -> Arg {
        Arg::Column(Arc::new(array))
    }

    #[test]
    fn make_set_keeps_distinct_values_in_first_seen_order() {
        let udaf = super::super::by_name("kql_make_set");
        let first = [column(StringArray::from(vec!["b", "a", "b"]))];
        let second = [column(StringArray::from(vec!["c", "a"]))];
        assert_eq!(merged(&udaf, &first, &second), dynamic(r#"["b","a","c"]"#));
    }

    #[test]
    fn make_set_flattens_dynamic_arrays() {
        // The "Set from array column" example of the make_set reference.
        let udaf = super::super::by_name("kql_make_set");
        let arrays = [column(LargeStringArray::from(vec![
            r#"["A1","A2","A3"]"#,
            r#"["A2","C1"]"#,
            r#"["C2","A3"]"#,
            r#"["C2","A1"]"#,
        ]))];
        assert_eq!(merged(&udaf, &arrays, &[]), dynamic(r#"["A1","A2","A3","C1","C2"]"#));
        let scalars = [column(LargeStringArray::from(vec![Some("1"), Some("null"), None, Some("[1,null,{\"a\":2}]")]))];
        assert_eq!(merged(&udaf, &scalars, &[]), dynamic(r#"[1,{"a":2}]"#));
    }

    #[test]
    fn make_list_keeps_every_value_in_order_and_skips_nulls() {
        let udaf = super::super::by_name("kql_make_list");
        let first = [column(Int64Array::from(vec![Some(3), None, Some(3)]))];
        let second = [column(Int64Array::from(vec![Some(1)]))];
        assert_eq!(merged(&udaf, &first, &second), dynamic("[3,3,1]"));
        let arrays = [column(LargeStringArray::from(vec![Some("[1, 2]"), None, Some("{\"k\":\"v\"}")]))];
        assert_eq!(merged(&udaf, &arrays, &[]), dynamic(r#"[[1,2],{"k":"v"}]"#));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let strings =
            [column(StringArray::from(vec![Some("b"), Some("a"), None, Some("b"), Some("c"), Some("a"), Some("a")]))];
        let more = [column(StringArray::from(vec!["z", "a", "b", "z"]))];
        for name in ["kql_make_set", "kql_make_list", "kql_make_list_with_nulls"] {
            groups_agree(&super::super::by_name(name), &strings, &more);
        }
        let arrays = [column(LargeStringArray::from(vec![Some("[1,2,2]"), None, Some("[3]"), Some("4"), Some("[1]")]))];
        groups_agree(&super::super::by_name("kql_make_set"), &arrays, &arrays);
        let capped =
            [column(Int64Array::from(vec![1, 2, 3, 4, 5, 6, 7, 8, 9])), Arg::Const(ScalarValue::Int64(Some(2)))];
        groups_agree(&super::super::by_name("kql_make_list"), &capped, &capped);
        groups_agree(&super::super::by_name("kql_make_set"), &capped, &capped);
        let conditional = [
            column(Int64Array::from(vec![1, 2, 3, 4, 5, 6])),
            column(BooleanArray::from(vec![Some(true), None, Some(true), Some(false), Some(true), Some(true)])),
        ];
        groups_agree(&super::super::by_name("kql_make_list_if"), &conditional, &conditional);
        groups_agree(&super::super::by_name("kql_make_set_if"), &conditional, &conditional);
    }

    #[test]
    fn null_strings_are_empty_strings() {
        let udaf = super::super::by_name("kql_make_list");
        let strings = [column(StringArray::from(vec![Some("x"), None]))];
        assert_eq!(merged(&udaf, &strings, &[]), dynamic(r#"["x",""]"#));
    }

    #[test]
    fn make_list_with_nulls_keeps_nulls() {
        // The example of the make_list_with_nulls reference.
        let udaf = super::super::by_name("kql_make_list_with_nulls");
        let first = [column(Int64Array::from(vec![None, Some(4), Some(4)]))];
        let second = [column(Int64Array::from(vec![Some(5)]))];
        assert_eq!(merged(&udaf, &first, &second), dynamic("[null,4,4,5]"));
    }

    #[test]
    fn empty_groups_give_an_empty_array() {
        for name in ["kql_make_set", "kql_make_list", "kql_make_list_with_nulls"] {
            let udaf = super::super::by_name(name);
            let empty = [column(Int64Array::from(Vec::<i64>::new()))];
            assert_eq!(merged(&udaf, &empty, &empty), dynamic("[]"), "{name}");
            assert_eq!(udaf.default_value(&crate::types::DYNAMIC).unwrap(), dynamic("[]"), "{name}");
        }
    }

    #[test]
    fn max_size_caps_the_elements_across_partitions() {
        let set = super::super::by_name("kql_make_set");
        let first = [column(Int64Array::from(vec![1, 2, 1])), Arg::Const(ScalarValue::Int64(Some(2)))];
        let second = [column(Int64Array::from(vec![3, 4])), Arg::Const(ScalarValue::Int64(Some(2)))];
        assert_eq!(merged(&set, &first, &second), dynamic("[1,2]"));
        let list = super::super::by_name("kql_make_list");
        let first = [column(Int64Array::from(vec![1])), Arg::Const(ScalarValue::Int64(Some(2)))];
        assert_eq!(merged(&list, &first, &second), dynamic("[1,3]"));
    }

    #[test]
    fn values_of_every_type_encode_as_json() {
        let udaf = super::super::by_name("kql_make_list");
        let times =
            [column(TimestampNanosecondArray::from(vec![1_704_164_645_123_456_700, 1_704_164_645_000_000_000]))];
        assert_eq!(merged(&udaf, &times, &[]), dynamic(r#"["2024-01-02T03:04:05.1234567Z","2024-01-02T03:04:05Z"]"#));
        let spans = [column(DurationNanosecondArray::from(vec![3_723_000_000_000]))];
        assert_eq!(merged(&udaf, &spans, &[]), dynamic(r#"["01:02:03"]"#));
        let reals = [column(Float64Array::from(vec![5.0, 0.25]))];
        assert_eq!(merged(&udaf, &reals, &[]), dynamic("[5.0,0.25]"));
        let bools = [column(BooleanArray::from(vec![Some(true), None]))];
        assert_eq!(merged(&udaf, &bools, &[]), dynamic("[true]"));
    }

    #[test]
    fn if_variants_keep_rows_where_the_predicate_holds() {
        let set = super::super::by_name("kql_make_set_if");
        let args = [
            column(StringArray::from(vec!["a", "b", "c", "a"])),
            column(BooleanArray::from(vec![Some(true), Some(false), None, Some(true)])),
        ];
        assert_eq!(merged(&set, &args, &args), dynamic(r#"["a"]"#));
        let list = super::super::by_name("kql_make_list_if");
        let args = [
            column(StringArray::from(vec!["a", "b", "c"])),
            column(BooleanArray::from(vec![true, false, true])),
            Arg::Const(ScalarValue::Int64(Some(10))),
        ];
        assert_eq!(merged(&list, &args, &args), dynamic(r#"["a","c","a","c"]"#));
    }
}
