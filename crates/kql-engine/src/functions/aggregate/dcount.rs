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

// hashbrown with foldhash (DataFusion's default set): std's SipHash made exact distinct counts
// the largest cost of a join-and-dcount hunting query at 10M rows.
use datafusion::common::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, ListArray, StringArray, new_empty_array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use super::num::{list_type, lists};
use super::udaf::{Constants, Family, keeps, kept_rows};

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
        Ok(Box::new(DCountAccumulator {
            kind: KeyKind::of(&data[0]),
            input: data[0].clone(),
            set: Distinct::Empty,
            bytes: 0,
        }))
    }

    fn default_value(&self, _: &DataType) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(0)))
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
        Ok(Box::new(DCountGroups { kind: KeyKind::of(&data[0]), input: data[0].clone(), sets: Vec::new(), bytes: 0 }))
    }
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

/// An array read as set keys.
enum Reader {
    Integer(Int64Array),
    Real(Float64Array),
    Text { array: StringArray, null_is_empty: bool },
    Other(ArrayRef),
}

impl Reader {
    /// Reads `array`, an input column or the items of a partial state.
    fn new(kind: KeyKind, array: &ArrayRef) -> Result<Reader> {
        Ok(match kind {
            KeyKind::Integer => Reader::Integer(cast(array, &DataType::Int64)?.as_primitive::<Int64Type>().clone()),
            KeyKind::Real => Reader::Real(cast(array, &DataType::Float64)?.as_primitive::<Float64Type>().clone()),
            KeyKind::Text { null_is_empty } => {
                Reader::Text { array: cast(array, &DataType::Utf8)?.as_string::<i32>().clone(), null_is_empty }
            }
            KeyKind::Other => Reader::Other(Arc::clone(array)),
        })
    }

    fn len(&self) -> usize {
        match self {
            Reader::Integer(array) => array.len(),
            Reader::Real(array) => array.len(),
            Reader::Text { array, .. } => array.len(),
            Reader::Other(array) => array.len(),
        }
    }
}

/// The distinct values of one group.
#[derive(Debug, Default)]
enum Distinct {
    #[default]
    Empty,
    Integers(HashSet<i64>),
    Reals(HashSet<u64>),
    Texts(HashSet<String>),
    Others(HashSet<ScalarValue>),
}

/// Approximate bytes a hash-set entry costs beyond its key (control byte and slack).
const ENTRY_OVERHEAD: usize = 8;

impl Distinct {
    /// Adds row `row` of `reader` unless it is null; returns the bytes added.
    fn insert(&mut self, reader: &Reader, row: usize) -> Result<usize> {
        Ok(match reader {
            Reader::Integer(array) => {
                if array.is_null(row) {
                    return Ok(0);
                }
                if let Distinct::Empty = self {
                    *self = Distinct::Integers(HashSet::new());
                }
                let Distinct::Integers(set) = self else { return exec_err!("dcount(): mixed key kinds") };
                if set.insert(array.value(row)) { size_of::<i64>() + ENTRY_OVERHEAD } else { 0 }
            }
            Reader::Real(array) => {
                if array.is_null(row) {
                    return Ok(0);
                }
                if let Distinct::Empty = self {
                    *self = Distinct::Reals(HashSet::new());
                }
                let Distinct::Reals(set) = self else { return exec_err!("dcount(): mixed key kinds") };
                if set.insert(real_key(array.value(row))) { size_of::<u64>() + ENTRY_OVERHEAD } else { 0 }
            }
            Reader::Text { array, null_is_empty } => {
                let value = match (array.is_valid(row), null_is_empty) {
                    (true, _) => array.value(row),
                    (false, true) => "",
                    (false, false) => return Ok(0),
                };
                if let Distinct::Empty = self {
                    *self = Distinct::Texts(HashSet::new());
                }
                let Distinct::Texts(set) = self else { return exec_err!("dcount(): mixed key kinds") };
                if set.contains(value) {
                    0
                } else {
                    set.insert(value.to_owned());
                    value.len() + size_of::<String>() + ENTRY_OVERHEAD
                }
            }
            Reader::Other(array) => {
                if array.is_null(row) {
                    return Ok(0);
                }
                if let Distinct::Empty = self {
                    *self = Distinct::Others(HashSet::new());
                }
                let Distinct::Others(set) = self else { return exec_err!("dcount(): mixed key kinds") };
                let value = ScalarValue::try_from_array(array, row)?;
                let bytes = value.size() + ENTRY_OVERHEAD;
                if set.insert(value) { bytes } else { 0 }
            }
        })
    }

    fn len(&self) -> usize {
        match self {
            Distinct::Empty => 0,
            Distinct::Integers(set) => set.len(),
            Distinct::Reals(set) => set.len(),
            Distinct::Texts(set) => set.len(),
            Distinct::Others(set) => set.len(),
        }
    }

    /// Approximate bytes held.
    fn bytes(&self) -> usize {
        match self {
            Distinct::Empty => 0,
            Distinct::Integers(set) => set.len() * (size_of::<i64>() + ENTRY_OVERHEAD),
            Distinct::Reals(set) => set.len() * (size_of::<u64>() + ENTRY_OVERHEAD),
            Distinct::Texts(set) => set.iter().map(|s| s.len() + size_of::<String>() + ENTRY_OVERHEAD).sum(),
            Distinct::Others(set) => set.iter().map(|v| v.size() + ENTRY_OVERHEAD).sum(),
        }
    }

    /// The partial state of `sets`: one list of values per set.
    fn states<'a>(
        kind: KeyKind,
        input: &DataType,
        sets: impl Iterator<Item = &'a Distinct> + Clone,
    ) -> Result<ArrayRef> {
        let lengths: Vec<usize> = sets.clone().map(Distinct::len).collect();
        let values: ArrayRef = match kind {
            KeyKind::Integer => Arc::new(
                sets.flat_map(|set| match set {
                    Distinct::Integers(set) => Some(set.iter().copied()),
                    _ => None,
                })
                .flatten()
                .collect::<Int64Array>(),
            ),
            KeyKind::Real => Arc::new(
                sets.flat_map(|set| match set {
                    Distinct::Reals(set) => Some(set.iter().map(|bits| f64::from_bits(*bits))),
                    _ => None,
                })
                .flatten()
                .collect::<Float64Array>(),
            ),
            KeyKind::Text { .. } => Arc::new(
                sets.flat_map(|set| match set {
                    Distinct::Texts(set) => Some(set.iter().map(|s| Some(s.as_str()))),
                    _ => None,
                })
                .flatten()
                .collect::<StringArray>(),
            ),
            KeyKind::Other => {
                let values: Vec<ScalarValue> = sets
                    .flat_map(|set| match set {
                        Distinct::Others(set) => Some(set.iter().cloned()),
                        _ => None,
                    })
                    .flatten()
                    .collect();
                if values.is_empty() { new_empty_array(input) } else { ScalarValue::iter_to_array(values)? }
            }
        };
        let field = Arc::new(Field::new_list_field(values.data_type().clone(), true));
        Ok(Arc::new(ListArray::new(field, OffsetBuffer::from_lengths(lengths), values, None)))
    }
}

#[derive(Debug)]
struct DCountAccumulator {
    kind: KeyKind,
    input: DataType,
    set: Distinct,
    bytes: usize,
}

impl Accumulator for DCountAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let reader = Reader::new(self.kind, &values[0])?;
        for row in 0..reader.len() {
            self.bytes += self.set.insert(&reader, row)?;
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(self.set.len() as i64)))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.bytes
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let list = Distinct::states(self.kind, &self.input, std::iter::once(&self.set))?;
        Ok(vec![ScalarValue::List(Arc::new(list.as_list::<i32>().clone()))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for values in lists(&states[0])? {
            let reader = Reader::new(self.kind, &values)?;
            for row in 0..reader.len() {
                self.bytes += self.set.insert(&reader, row)?;
            }
        }
        Ok(())
    }
}

/// `dcount` for many groups at once: one set per group.
struct DCountGroups {
    kind: KeyKind,
    input: DataType,
    sets: Vec<Distinct>,
    /// Bytes held by all sets.
    bytes: usize,
}

impl GroupsAccumulator for DCountGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.sets.resize_with(total_num_groups, Distinct::default);
        let reader = Reader::new(self.kind, &values[0])?;
        for (row, group) in kept_rows(group_indices, opt_filter) {
            self.bytes += self.sets[group].insert(&reader, row)?;
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let sets = emit_to.take_needed(&mut self.sets);
        self.bytes = self.bytes.saturating_sub(sets.iter().map(Distinct::bytes).sum());
        Ok(Arc::new(sets.iter().map(|set| Some(set.len() as i64)).collect::<Int64Array>()))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let sets = emit_to.take_needed(&mut self.sets);
        self.bytes = self.bytes.saturating_sub(sets.iter().map(Distinct::bytes).sum());
        Ok(vec![Distinct::states(self.kind, &self.input, sets.iter())?])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.sets.resize_with(total_num_groups, Distinct::default);
        let Some(list) = values[0].as_list_opt::<i32>() else {
            return exec_err!("expected a list state, got {}", values[0].data_type());
        };
        let reader = Reader::new(self.kind, list.values())?;
        let offsets = list.value_offsets();
        for (row, &group) in group_indices.iter().enumerate() {
            if list.is_valid(row) {
                for item in offsets[row] as usize..offsets[row + 1] as usize {
                    self.bytes += self.sets[group].insert(&reader, item)?;
                }
            }
        }
        Ok(())
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let reader = Reader::new(self.kind, &values[0])?;
        let mut sets = Vec::with_capacity(reader.len());
        for row in 0..reader.len() {
            let mut set = Distinct::Empty;
            if keeps(opt_filter, row) {
                set.insert(&reader, row)?;
            }
            sets.push(set);
        }
        Ok(vec![Distinct::states(self.kind, &self.input, sets.iter())?])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.sets.capacity() * size_of::<Distinct>() + self.bytes
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
    fn groups_agree_with_single_accumulators() {
        let udaf = super::super::by_name("kql_dcount");
        let ints =
            [Arg::Column(Arc::new(Int64Array::from(vec![Some(1), Some(2), None, Some(2), Some(1), Some(7), Some(1)])))];
        let more = [Arg::Column(Arc::new(Int64Array::from(vec![1, 9, 2])))];
        groups_agree(&udaf, &ints, &more);
        let strings = [Arg::Column(Arc::new(StringArray::from(vec![Some("a"), None, Some(""), Some("a"), Some("b")])))];
        groups_agree(&udaf, &strings, &strings);
        let reals = [Arg::Column(Arc::new(Float64Array::from(vec![0.0, -0.0, f64::NAN, 1.0, 1.0, 2.0])))];
        groups_agree(&udaf, &reals, &[]);
        let dynamics = [Arg::Column(Arc::new(LargeStringArray::from(vec![Some("1"), None, Some("[2]"), Some("1")])))];
        groups_agree(&udaf, &dynamics, &dynamics);
        let unsigned =
            [Arg::Column(Arc::new(datafusion::arrow::array::UInt64Array::from(vec![u64::MAX, 1, u64::MAX, 3])))];
        groups_agree(&udaf, &unsigned, &unsigned);
        let conditional = [
            Arg::Column(Arc::new(StringArray::from(vec!["a", "b", "c", "a", "b", "z"]))),
            Arg::Column(Arc::new(datafusion::arrow::array::BooleanArray::from(vec![
                Some(true),
                None,
                Some(true),
                Some(false),
                Some(true),
                Some(true),
            ]))),
        ];
        groups_agree(&super::super::by_name("kql_dcountif"), &conditional, &conditional);
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
