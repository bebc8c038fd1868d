//! `make_bag(expr [, maxSize])` and `make_bag_if(expr, predicate [, maxSize])`: one `dynamic`
//! property bag holding the properties of every property bag `expr` takes in the group.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/make-bag-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/make-bag-if-aggregation-function>.
//!
//! Values that are not property bags (arrays, scalars, null) are skipped. When a key appears in
//! more than one bag Kusto picks an arbitrary value; Quarry keeps the first value seen (within a
//! partition, then in merge order). `maxSize` (default and maximum 1,048,576) caps the number
//! of keys. A group with no bags gives `{}` (the `summarize` reference lists `[]` as the
//! default of every `make_*` aggregate; an empty bag is what `make_bag` builds, and what its
//! consumers such as `bag_unpack` expect).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, LargeStringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};
use serde_json::{Map, Value};

use super::json::parse_dynamic;
use super::make_array::max_size;
use super::udaf::{Constants, Family, kept_rows, null_unless_kept};

/// `kql_make_bag(dyn [, max]) -> dynamic` and `kql_make_bag_if(dyn, pred [, max])`.
#[derive(Debug)]
pub(super) struct MakeBag;

impl Family for MakeBag {
    fn constants(&self) -> Constants {
        Constants::OPTIONAL_LONG
    }

    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match &data[0] {
            DataType::LargeUtf8 | DataType::Utf8 | DataType::Utf8View | DataType::Null => Ok(crate::types::DYNAMIC),
            other => plan_err!("{name}(): expected a dynamic property bag, got {other}"),
        }
    }

    fn null_type(&self) -> DataType {
        crate::types::DYNAMIC
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, _: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![Field::new(state_name("bag"), crate::types::DYNAMIC, true)])
    }

    fn accumulator(
        &self,
        name: &str,
        _: &[DataType],
        constants: &[ScalarValue],
        _: &DataType,
    ) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(MakeBagAccumulator { bag: Map::new(), max: max_size(name, constants, 0)?, bytes: 0 }))
    }

    fn default_value(&self, _: &DataType) -> Result<ScalarValue> {
        Ok(ScalarValue::LargeUtf8(Some("{}".into())))
    }

    fn supports_groups(&self, _: &[DataType]) -> bool {
        true
    }

    fn groups_accumulator(
        &self,
        name: &str,
        _: &AccumulatorArgs,
        _: &[DataType],
        constants: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(MakeBagGroups { bags: Vec::new(), max: max_size(name, constants, 0)?, bytes: 0 }))
    }
}

/// Adds the properties of the property bag in `json` (if it is one) to `bag`, keeping the
/// first value of each key and at most `max` keys; returns the bytes added.
fn merge_into(bag: &mut Map<String, Value>, json: &str, max: usize) -> usize {
    let mut added = 0;
    if bag.len() >= max {
        return 0;
    }
    if let Value::Object(properties) = parse_dynamic(json) {
        for (key, value) in properties {
            if bag.len() >= max {
                break;
            }
            if !bag.contains_key(&key) {
                added += key.len() + estimated_size(&value);
                bag.insert(key, value);
            }
        }
    }
    added
}

/// The bags' JSON texts.
fn bag_texts(bags: &[Map<String, Value>]) -> ArrayRef {
    Arc::new(bags.iter().map(|bag| serde_json::to_string(bag).ok()).collect::<LargeStringArray>())
}

/// `make_bag` for many groups at once.
struct MakeBagGroups {
    bags: Vec<Map<String, Value>>,
    max: usize,
    bytes: usize,
}

impl MakeBagGroups {
    fn add(
        &mut self,
        array: &ArrayRef,
        group_indices: &[usize],
        filter: Option<&BooleanArray>,
        groups: usize,
    ) -> Result<()> {
        self.bags.resize_with(groups, Map::new);
        let text = cast(array, &DataType::LargeUtf8)?;
        let text = text.as_string::<i64>();
        for (row, group) in kept_rows(group_indices, filter) {
            if text.is_valid(row) {
                self.bytes += merge_into(&mut self.bags[group], text.value(row), self.max);
            }
        }
        Ok(())
    }

    fn take(&mut self, emit_to: EmitTo) -> ArrayRef {
        let bags = emit_to.take_needed(&mut self.bags);
        if matches!(emit_to, EmitTo::All) {
            self.bytes = 0;
        }
        bag_texts(&bags)
    }
}

impl GroupsAccumulator for MakeBagGroups {
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
        Ok(self.take(emit_to))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.take(emit_to)])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.add(&values[0], group_indices, None, total_num_groups)
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        // A row's bag is its own partial state; merging skips what is not a bag.
        Ok(vec![null_unless_kept(&cast(&values[0], &DataType::LargeUtf8)?, opt_filter)?])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.bags.capacity() * size_of::<Map<String, Value>>() + self.bytes
    }
}

#[derive(Debug)]
struct MakeBagAccumulator {
    bag: Map<String, Value>,
    max: usize,
    /// Approximate bytes held by keys and values.
    bytes: usize,
}

impl MakeBagAccumulator {
    /// Adds the properties of every property bag in the JSON texts of `array`.
    fn add(&mut self, array: &ArrayRef) -> Result<()> {
        let text = cast(array, &DataType::LargeUtf8)?;
        for json in text.as_string::<i64>().iter().flatten() {
            if self.bag.len() >= self.max {
                break;
            }
            self.bytes += merge_into(&mut self.bag, json, self.max);
        }
        Ok(())
    }
}

/// A rough count of the bytes a JSON value holds.
fn estimated_size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len() + size_of::<Value>(),
        Value::Array(items) => items.iter().map(estimated_size).sum::<usize>() + size_of::<Value>(),
        Value::Object(map) => map.iter().map(|(k, v)| k.len() + estimated_size(v)).sum::<usize>() + size_of::<Value>(),
        _ => size_of::<Value>(),
    }
}

impl Accumulator for MakeBagAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.add(&values[0])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::LargeUtf8(Some(serde_json::to_string(&self.bag).unwrap_or_else(|_| "{}".into()))))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.bytes + self.bag.len() * 48
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.evaluate().map(|bag| vec![bag])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.add(&states[0])
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{BooleanArray, LargeStringArray};
    use datafusion::common::ScalarValue;
    use serde_json::{Value, json};
    use std::sync::Arc;

    fn bag(result: ScalarValue) -> Value {
        let ScalarValue::LargeUtf8(Some(text)) = result else { panic!("expected dynamic, got {result:?}") };
        serde_json::from_str(&text).unwrap()
    }

    fn bags(texts: Vec<Option<&str>>) -> Arg {
        Arg::Column(Arc::new(LargeStringArray::from(texts)))
    }

    #[test]
    fn merges_property_bags_and_skips_other_values() {
        let udaf = super::super::by_name("kql_make_bag");
        let first = [bags(vec![Some(r#"{"prop01":"val_a"}"#), None, Some("[1,2]"), Some("5")])];
        let second = [bags(vec![Some(r#"{"prop02":"val_b","prop03":{"n":1}}"#)])];
        assert_eq!(
            bag(merged(&udaf, &first, &second)),
            json!({"prop01": "val_a", "prop02": "val_b", "prop03": {"n": 1}})
        );
    }

    #[test]
    fn first_value_of_a_repeated_key_wins() {
        let udaf = super::super::by_name("kql_make_bag");
        let first = [bags(vec![Some(r#"{"a":1}"#), Some(r#"{"a":2,"b":3}"#)])];
        let second = [bags(vec![Some(r#"{"a":4,"c":5}"#)])];
        assert_eq!(bag(merged(&udaf, &first, &second)), json!({"a": 1, "b": 3, "c": 5}));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let udaf = super::super::by_name("kql_make_bag");
        let first = [bags(vec![
            Some(r#"{"a":1}"#),
            Some(r#"{"b":2}"#),
            None,
            Some(r#"{"a":3,"c":4}"#),
            Some("[1]"),
            Some(r#"{"d":{"e":5}}"#),
        ])];
        let second = [bags(vec![Some(r#"{"a":9}"#), Some(r#"{"z":0}"#)])];
        groups_agree(&udaf, &first, &second);
        let capped = [first[0].clone(), Arg::Const(ScalarValue::Int64(Some(1)))];
        groups_agree(&udaf, &capped, &capped);
    }

    #[test]
    fn empty_group_gives_an_empty_bag() {
        let udaf = super::super::by_name("kql_make_bag");
        assert_eq!(bag(merged(&udaf, &[bags(vec![None, Some("null")])], &[])), json!({}));
        assert_eq!(bag(merged(&udaf, &[bags(vec![])], &[])), json!({}));
    }

    #[test]
    fn max_size_caps_the_keys() {
        let udaf = super::super::by_name("kql_make_bag");
        let args = [bags(vec![Some(r#"{"a":1}"#), Some(r#"{"b":2}"#)]), Arg::Const(ScalarValue::Int64(Some(1)))];
        assert_eq!(bag(merged(&udaf, &args, &args)), json!({"a": 1}));
    }

    #[test]
    fn make_bag_if_keeps_rows_where_the_predicate_holds() {
        // The example of the make_bag_if reference.
        let udaf = super::super::by_name("kql_make_bag_if");
        let args = [
            bags(vec![Some(r#"{"prop01":"val_a"}"#), Some(r#"{"prop02":"val_b"}"#), Some(r#"{"prop03":"val_c"}"#)]),
            Arg::Column(Arc::new(BooleanArray::from(vec![true, false, true]))),
        ];
        assert_eq!(bag(merged(&udaf, &args, &[])), json!({"prop01": "val_a", "prop03": "val_c"}));
    }
}
