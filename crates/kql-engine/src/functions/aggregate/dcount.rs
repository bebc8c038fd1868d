//! `dcount(expr [, accuracy])` and `dcountif(expr, predicate [, accuracy])`: the number of
//! distinct values of `expr`.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/dcount-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/dcountif-aggregation-function>.
//!
//! **Quarry is exact where Kusto estimates.** Kusto counts with a HyperLogLog sketch whose
//! error depends on `accuracy` (0 to 4); Quarry keeps every distinct value of the group in a
//! hash set, so the count is exact at any size and `accuracy` is accepted and ignored. Memory
//! grows with the number of distinct values per group: about 8 bytes plus hash-set overhead
//! (roughly 16–24 bytes in all) per distinct number, `datetime` or `timespan`, and the string's
//! own bytes plus about 40 bytes per distinct string. The partial state sent between
//! partitions is the list of distinct values. DataFusion accounts this memory and spills or
//! fails under its memory limit.
//!
//! Null values are ignored. A null `string` is `""` (Kusto strings are never null), which
//! counts as one value; a null `dynamic` is ignored. A group with no values counts 0.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::Accumulator;

use super::num::{list_scalar, list_type, lists};
use super::udaf::{Constants, Family};

/// `kql_dcount(x [, accuracy]) -> long` and `kql_dcountif(x, pred [, accuracy]) -> long`.
#[derive(Debug)]
pub(super) struct DCount;

/// How values of an input type are kept in the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    /// 64-bit integers: integers, `bool`, `datetime`, `timespan` (raw values).
    Integer,
    /// The bits of a `real`, with `-0.0` read as `0.0` and every NaN as one NaN.
    Real,
    /// Text: `string` (null is `""`) and `dynamic` (null ignored).
    Text { null_is_empty: bool },
    /// Anything else, as [`ScalarValue`]s.
    Other,
}

impl KeyKind {
    fn of(ty: &DataType) -> KeyKind {
        match ty {
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
            | DataType::Date64 => KeyKind::Integer,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => KeyKind::Real,
            DataType::Utf8 | DataType::Utf8View => KeyKind::Text { null_is_empty: true },
            DataType::LargeUtf8 => KeyKind::Text { null_is_empty: false },
            _ => KeyKind::Other,
        }
    }

    /// The item type of the partial state's list.
    fn state_item(self, input: &DataType) -> DataType {
        match self {
            KeyKind::Integer => DataType::Int64,
            KeyKind::Real => DataType::Float64,
            KeyKind::Text { .. } => DataType::Utf8,
            KeyKind::Other => input.clone(),
        }
    }
}

impl Family for DCount {
    fn constants(&self) -> Constants {
        Constants::OPTIONAL_LONG
    }

    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        match &data[0] {
            DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(..) => {
                plan_err!("{name}(): cannot count distinct values of type {}", data[0])
            }
            _ => Ok(DataType::Int64),
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, data: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        let item = KeyKind::of(&data[0]).state_item(&data[0]);
        Ok(vec![Field::new(state_name("distinct"), list_type(item), true)])
    }

    fn accumulator(&self, _: &str, data: &[DataType], _: &[ScalarValue], _: &DataType) -> Result<Box<dyn Accumulator>> {
        let kind = KeyKind::of(&data[0]);
        let keys = match kind {
            KeyKind::Integer => Keys::Integer(HashSet::new()),
            KeyKind::Real => Keys::Real(HashSet::new()),
            KeyKind::Text { null_is_empty } => Keys::Text { set: HashSet::new(), bytes: 0, null_is_empty },
            KeyKind::Other => Keys::Other(HashSet::new()),
        };
        Ok(Box::new(DCountAccumulator { keys, input: data[0].clone() }))
    }

    fn default_value(&self, _: &DataType) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(0)))
    }
}

#[derive(Debug)]
enum Keys {
    Integer(HashSet<i64>),
    Real(HashSet<u64>),
    Text { set: HashSet<String>, bytes: usize, null_is_empty: bool },
    Other(HashSet<ScalarValue>),
}

#[derive(Debug)]
struct DCountAccumulator {
    keys: Keys,
    input: DataType,
}

/// The bits that identify a real: `-0.0 == 0.0`, and all NaNs are one value.
fn real_key(value: f64) -> u64 {
    if value.is_nan() {
        f64::NAN.to_bits()
    } else if value == 0.0 {
        0
    } else {
        value.to_bits()
    }
}

impl DCountAccumulator {
    /// Adds the values of `array`; `from_state` says it holds the partial-state item type.
    fn add(&mut self, array: &ArrayRef) -> Result<()> {
        match &mut self.keys {
            Keys::Integer(set) => {
                let integers = cast(array, &DataType::Int64)?;
                set.extend(integers.as_primitive::<Int64Type>().iter().flatten());
            }
            Keys::Real(set) => {
                let reals = cast(array, &DataType::Float64)?;
                set.extend(reals.as_primitive::<Float64Type>().iter().flatten().map(real_key));
            }
            Keys::Text { set, bytes, null_is_empty } => {
                let text = cast(array, &DataType::Utf8)?;
                for value in text.as_string::<i32>().iter() {
                    let value = match value {
                        Some(value) => value,
                        None if *null_is_empty => "",
                        None => continue,
                    };
                    if !set.contains(value) {
                        *bytes += value.len();
                        set.insert(value.to_owned());
                    }
                }
            }
            Keys::Other(set) => {
                for row in 0..array.len() {
                    if array.is_valid(row) {
                        set.insert(ScalarValue::try_from_array(array, row)?);
                    }
                }
            }
        }
        Ok(())
    }

    fn count(&self) -> usize {
        match &self.keys {
            Keys::Integer(set) => set.len(),
            Keys::Real(set) => set.len(),
            Keys::Text { set, .. } => set.len(),
            Keys::Other(set) => set.len(),
        }
    }
}

impl Accumulator for DCountAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.add(&values[0])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(self.count() as i64)))
    }

    fn size(&self) -> usize {
        // Hash sets hold about one extra word of control data and slack per entry.
        let entries = match &self.keys {
            Keys::Integer(set) => set.capacity() * (size_of::<i64>() + 8),
            Keys::Real(set) => set.capacity() * (size_of::<u64>() + 8),
            Keys::Text { set, bytes, .. } => set.capacity() * (size_of::<String>() + 8) + bytes,
            Keys::Other(set) => set.iter().map(ScalarValue::size).sum::<usize>() + set.capacity() * 8,
        };
        size_of_val(self) + entries
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let values: ArrayRef = match &self.keys {
            Keys::Integer(set) => Arc::new(set.iter().copied().collect::<Int64Array>()),
            Keys::Real(set) => Arc::new(set.iter().map(|bits| f64::from_bits(*bits)).collect::<Float64Array>()),
            Keys::Text { set, .. } => Arc::new(set.iter().map(|s| Some(s.as_str())).collect::<StringArray>()),
            Keys::Other(set) => {
                if set.is_empty() {
                    datafusion::arrow::array::new_empty_array(&self.input)
                } else {
                    ScalarValue::iter_to_array(set.iter().cloned())?
                }
            }
        };
        Ok(vec![list_scalar(values)])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for values in lists(&states[0])? {
            self.add(&values)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{Float64Array, Int64Array, LargeStringArray, StringArray, TimestampNanosecondArray};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    fn long(n: i64) -> ScalarValue {
        ScalarValue::Int64(Some(n))
    }

    #[test]
    fn counts_distinct_values_across_partitions() {
        let udaf = super::super::by_name("kql_dcount");
        let first = [Arg::Column(Arc::new(Int64Array::from(vec![Some(1), Some(2), None, Some(2)])))];
        let second = [Arg::Column(Arc::new(Int64Array::from(vec![Some(2), Some(3)])))];
        assert_eq!(merged(&udaf, &first, &second), long(3));
        assert_eq!(single(&udaf, &first), long(2));
    }

    #[test]
    fn accuracy_is_accepted_and_ignored() {
        let udaf = super::super::by_name("kql_dcount");
        let args = [Arg::Column(Arc::new(StringArray::from(vec!["a", "b", "a"]))), Arg::Const(long(4))];
        assert_eq!(merged(&udaf, &args, &args), long(2));
    }

    #[test]
    fn null_string_is_the_empty_string_and_null_dynamic_is_ignored() {
        let udaf = super::super::by_name("kql_dcount");
        let strings = [Arg::Column(Arc::new(StringArray::from(vec![Some(""), None, Some("x")])))];
        assert_eq!(merged(&udaf, &strings, &[]), long(2));
        let dynamics = [Arg::Column(Arc::new(LargeStringArray::from(vec![Some("[1]"), None, Some("[1]")])))];
        assert_eq!(merged(&udaf, &dynamics, &[]), long(1));
    }

    #[test]
    fn reals_and_datetimes() {
        let udaf = super::super::by_name("kql_dcount");
        let reals = [Arg::Column(Arc::new(Float64Array::from(vec![0.0, -0.0, f64::NAN, f64::NAN, 1.5])))];
        assert_eq!(merged(&udaf, &reals, &reals), long(3));
        let times = [Arg::Column(Arc::new(TimestampNanosecondArray::from(vec![Some(5), None, Some(5), Some(6)])))];
        assert_eq!(merged(&udaf, &times, &[]), long(2));
    }

    #[test]
    fn empty_group_counts_zero() {
        let udaf = super::super::by_name("kql_dcount");
        let empty = [Arg::Column(Arc::new(Int64Array::from(Vec::<i64>::new())))];
        assert_eq!(merged(&udaf, &empty, &[]), long(0));
    }

    #[test]
    fn dcountif_counts_rows_where_the_predicate_holds() {
        let udaf = super::super::by_name("kql_dcountif");
        let args = [
            Arg::Column(Arc::new(StringArray::from(vec!["a", "b", "c", "a"]))),
            Arg::Column(Arc::new(datafusion::arrow::array::BooleanArray::from(vec![
                Some(true),
                None,
                Some(true),
                Some(false),
            ]))),
        ];
        assert_eq!(merged(&udaf, &args, &args), long(2));
    }
}
