//! `dcount(expr [, accuracy])` and `dcountif(expr, predicate [, accuracy])`: the number of
//! distinct values of `expr`.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/dcount-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/dcountif-aggregation-function>.
//!
//! **Quarry is exact where Kusto estimates.** Kusto counts with a HyperLogLog sketch whose
//! error depends on `accuracy` (0 to 4); Quarry keeps every distinct (group, value) pair in one
//! hash set per aggregate, so the count is exact at any size and `accuracy` is accepted and
//! ignored. Memory grows with the number of distinct values: about 17 bytes per distinct
//! (group, value) pair, plus each distinct string's bytes and about 30 bytes once. The
//! partial state sent between partitions is the list of distinct values per group.
//! DataFusion accounts this memory and spills or fails under its memory limit.
//!
//! Null values are ignored. A null `string` is `""` (Kusto strings are never null), which
//! counts as one value; a null `dynamic` is ignored. A group with no values counts 0.

use std::hash::BuildHasher;
use std::sync::Arc;

// hashbrown's HashTable (the table DataFusion's own hash tables use) with foldhash.
use foldhash::fast::FixedState;
use hashbrown::{HashSet, HashTable};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, ListArray, StringArray, StringBuilder,
    new_empty_array,
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
        Ok(Box::new(DCountAccumulator { pairs: DistinctPairs::new(KeyKind::of(&data[0]), &data[0]) }))
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
        Ok(Box::new(DCountGroups { pairs: DistinctPairs::new(KeyKind::of(&data[0]), &data[0]) }))
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

    /// The key of row `row`, or `None` when the row is a null that is not counted.
    fn key(&self, row: usize) -> Result<Option<Key<'_>>> {
        Ok(match self {
            Reader::Integer(array) => array.is_valid(row).then(|| Key::Bits(array.value(row) as u64)),
            Reader::Real(array) => array.is_valid(row).then(|| Key::Bits(real_key(array.value(row)))),
            Reader::Text { array, null_is_empty } => match (array.is_valid(row), null_is_empty) {
                (true, _) => Some(Key::Text(array.value(row).as_bytes())),
                (false, true) => Some(Key::Text(b"")),
                (false, false) => None,
            },
            Reader::Other(array) => {
                if array.is_null(row) {
                    None
                } else {
                    Some(Key::Other(ScalarValue::try_from_array(array, row)?))
                }
            }
        })
    }
}

/// One value as the set compares it.
enum Key<'a> {
    /// An integer, `datetime`, `timespan` or `bool` as its 64 bits, or a real's [`real_key`].
    Bits(u64),
    /// The bytes of a `string` or `dynamic`.
    Text(&'a [u8]),
    Other(ScalarValue),
}

/// Distinct strings (or other values), each given a small id, so that the (group, value) pairs
/// compare integers: looking a value up here touches a table the size of the distinct values
/// (a few thousand device ids, say), which stays in cache, where comparing the bytes of every
/// pair would read a large arena at random.
#[derive(Debug, Default)]
struct ValueIds {
    /// Ids by the value's hash.
    table: HashTable<u32>,
    /// Per id: the value's hash, and where its bytes start in `text` (or its index in `others`).
    hashes: Vec<u64>,
    starts: Vec<usize>,
    text: Vec<u8>,
    others: Vec<ScalarValue>,
    others_bytes: usize,
}

impl ValueIds {
    fn text(&self, id: u32) -> &[u8] {
        let id = id as usize;
        let end = self.starts.get(id + 1).copied().unwrap_or(self.text.len());
        &self.text[self.starts[id]..end]
    }

    /// The id of `key` (a [`Key::Text`] or [`Key::Other`]), adding it when new.
    fn id(&mut self, key: Key, hasher: &FixedState) -> u32 {
        let hash = match &key {
            Key::Text(bytes) => hasher.hash_one(bytes),
            Key::Other(value) => hasher.hash_one(value),
            Key::Bits(_) => unreachable!("bits are their own id"),
        };
        let found = self.table.find(hash, |&id| {
            self.hashes[id as usize] == hash
                && match &key {
                    Key::Text(bytes) => self.text(id) == *bytes,
                    Key::Other(value) => self.others[id as usize] == *value,
                    Key::Bits(_) => false,
                }
        });
        if let Some(&id) = found {
            return id;
        }
        let id = u32::try_from(self.hashes.len()).expect("fewer than 2^32 distinct values");
        match key {
            Key::Text(bytes) => {
                self.starts.push(self.text.len());
                self.text.extend_from_slice(bytes);
            }
            Key::Other(value) => {
                self.others_bytes += value.size();
                self.others.push(value);
            }
            Key::Bits(_) => {}
        }
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.table.insert_unique(hash, id, |&id| hashes[id as usize]);
        id
    }

    fn size(&self) -> usize {
        self.table.capacity() * (size_of::<u32>() + 1)
            + (self.hashes.capacity() + self.starts.capacity()) * size_of::<u64>()
            + self.text.capacity()
            + self.others.capacity() * size_of::<ScalarValue>()
            + self.others_bytes
    }
}

/// The set of (group, value) pairs. Pairs of ids (strings and other interned values) pack into
/// one `u64`: half the memory of a wide pair, and so far fewer cache misses when the set is
/// large, which is where the time goes.
#[derive(Debug)]
enum PairSet {
    Narrow(HashSet<u64, FixedState>),
    Wide(HashSet<(u32, u64), FixedState>),
}

impl PairSet {
    fn new(kind: KeyKind, hasher: &FixedState) -> Self {
        match kind {
            KeyKind::Integer | KeyKind::Real => PairSet::Wide(HashSet::with_hasher(hasher.clone())),
            KeyKind::Text { .. } | KeyKind::Other => PairSet::Narrow(HashSet::with_hasher(hasher.clone())),
        }
    }

    /// Adds the pair; whether it was new. A narrow set's values are ids below 2^32.
    fn insert(&mut self, group: u32, value: u64) -> bool {
        match self {
            PairSet::Narrow(set) => set.insert(u64::from(group) << 32 | value),
            PairSet::Wide(set) => set.insert((group, value)),
        }
    }

    fn iter(&self) -> Box<dyn Iterator<Item = (u32, u64)> + '_> {
        match self {
            PairSet::Narrow(set) => Box::new(set.iter().map(|&pair| ((pair >> 32) as u32, pair & 0xFFFF_FFFF))),
            PairSet::Wide(set) => Box::new(set.iter().copied()),
        }
    }

    fn take_all(&mut self) -> Vec<(u32, u64)> {
        let pairs = self.iter().collect();
        self.clear();
        pairs
    }

    fn clear(&mut self) {
        match self {
            PairSet::Narrow(set) => set.clear(),
            PairSet::Wide(set) => set.clear(),
        }
    }

    fn size(&self) -> usize {
        match self {
            PairSet::Narrow(set) => set.capacity() * (size_of::<u64>() + 1),
            PairSet::Wide(set) => set.capacity() * (size_of::<(u32, u64)>() + 1),
        }
    }
}

/// The distinct values of every group in one [`PairSet`] of (group, value) pairs, where the
/// value is an integer's or real's bits or a [`ValueIds`] id. One set for all groups, rather than a
/// set per group, is what keeps `dcount ... by` with many small groups fast: no allocation per
/// group or per string, and the partial state is built by one pass over the set.
#[derive(Debug)]
struct DistinctPairs {
    kind: KeyKind,
    /// Storage type of `Other` keys, for an empty state.
    input: DataType,
    pairs: PairSet,
    values: ValueIds,
    /// Distinct values per group.
    counts: Vec<u64>,
    hasher: FixedState,
}

impl DistinctPairs {
    fn new(kind: KeyKind, input: &DataType) -> Self {
        let hasher = FixedState::with_seed(0x5175_6172_7279);
        DistinctPairs {
            kind,
            input: input.clone(),
            pairs: PairSet::new(kind, &hasher),
            values: ValueIds::default(),
            counts: Vec::new(),
            hasher,
        }
    }

    fn ensure_groups(&mut self, groups: usize) {
        if self.counts.len() < groups {
            self.counts.resize(groups, 0);
        }
    }

    /// Adds `key` to `group`'s values (groups must exist: see [`Self::ensure_groups`]).
    fn insert(&mut self, group: usize, key: Key) {
        let value = match key {
            Key::Bits(bits) => bits,
            other => u64::from(self.values.id(other, &self.hasher)),
        };
        self.insert_pair(group, value);
    }

    fn insert_pair(&mut self, group: usize, value: u64) {
        let group32 = u32::try_from(group).expect("fewer than 2^32 groups");
        if self.pairs.insert(group32, value) {
            self.counts[group] += 1;
        }
    }

    /// Adds every counted row of `reader` to its group: `rows` gives (row, group).
    fn insert_rows(&mut self, reader: &Reader, rows: impl Iterator<Item = (usize, usize)>) -> Result<()> {
        for (row, group) in rows {
            if let Some(key) = reader.key(row)? {
                self.insert(group, key);
            }
        }
        Ok(())
    }

    /// The partial state of groups `0..groups`: one list of distinct values per group.
    fn lists(&self, groups: usize) -> Result<ArrayRef> {
        let lengths: Vec<usize> = (0..groups).map(|g| self.counts.get(g).copied().unwrap_or(0) as usize).collect();
        // Counting sort of the pairs by group.
        let mut next: Vec<usize> = Vec::with_capacity(groups);
        let mut total = 0;
        for length in &lengths {
            next.push(total);
            total += length;
        }
        let mut ordered: Vec<u64> = vec![0; total];
        for (group, value) in self.pairs.iter().filter(|(g, _)| (*g as usize) < groups) {
            ordered[next[group as usize]] = value;
            next[group as usize] += 1;
        }
        let values: ArrayRef = match self.kind {
            KeyKind::Integer => Arc::new(ordered.iter().map(|&v| v as i64).collect::<Int64Array>()),
            KeyKind::Real => Arc::new(ordered.iter().map(|&v| f64::from_bits(v)).collect::<Float64Array>()),
            KeyKind::Text { .. } => {
                let bytes: usize = ordered.iter().map(|&id| self.values.text(id as u32).len()).sum();
                let mut builder = StringBuilder::with_capacity(ordered.len(), bytes);
                for &id in &ordered {
                    // The arena holds whole values copied from string arrays.
                    let text = std::str::from_utf8(self.values.text(id as u32)).expect("whole UTF-8 values");
                    builder.append_value(text);
                }
                Arc::new(builder.finish())
            }
            KeyKind::Other if ordered.is_empty() => new_empty_array(&self.input),
            KeyKind::Other => {
                ScalarValue::iter_to_array(ordered.iter().map(|&id| self.values.others[id as usize].clone()))?
            }
        };
        let field = Arc::new(Field::new_list_field(values.data_type().clone(), true));
        Ok(Arc::new(ListArray::new(field, OffsetBuffer::from_lengths(lengths), values, None)))
    }

    /// Forgets groups `0..n` and renumbers the rest from 0.
    fn remove_first(&mut self, n: usize) {
        if n >= self.counts.len() {
            self.pairs.clear();
            self.values = ValueIds::default();
            self.counts.clear();
            return;
        }
        // Emitting part of the groups (ordered input) is rare: renumber what is left. Value ids
        // stay valid.
        let kept: Vec<(u32, u64)> = self.pairs.take_all().into_iter().filter(|(g, _)| *g as usize >= n).collect();
        self.counts.drain(..n);
        self.counts.iter_mut().for_each(|c| *c = 0);
        for (group, value) in kept {
            self.insert_pair(group as usize - n, value);
        }
    }

    /// Approximate bytes held.
    fn size(&self) -> usize {
        self.pairs.size() + self.values.size() + self.counts.capacity() * size_of::<u64>()
    }
}

#[derive(Debug)]
struct DCountAccumulator {
    pairs: DistinctPairs,
}

impl Accumulator for DCountAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let reader = Reader::new(self.pairs.kind, &values[0])?;
        self.pairs.ensure_groups(1);
        self.pairs.insert_rows(&reader, (0..reader.len()).map(|row| (row, 0)))
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Int64(Some(self.pairs.counts.first().copied().unwrap_or(0) as i64)))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.pairs.size()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let list = self.pairs.lists(1)?;
        Ok(vec![ScalarValue::List(Arc::new(list.as_list::<i32>().clone()))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.pairs.ensure_groups(1);
        for values in lists(&states[0])? {
            let reader = Reader::new(self.pairs.kind, &values)?;
            self.pairs.insert_rows(&reader, (0..reader.len()).map(|row| (row, 0)))?;
        }
        Ok(())
    }
}

/// `dcount` for many groups at once.
struct DCountGroups {
    pairs: DistinctPairs,
}

impl GroupsAccumulator for DCountGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.pairs.ensure_groups(total_num_groups);
        let reader = Reader::new(self.pairs.kind, &values[0])?;
        self.pairs.insert_rows(&reader, kept_rows(group_indices, opt_filter))
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let n = emitted(emit_to, self.pairs.counts.len());
        let counts: Int64Array = self.pairs.counts[..n].iter().map(|&c| Some(c as i64)).collect();
        self.pairs.remove_first(n);
        Ok(Arc::new(counts))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let n = emitted(emit_to, self.pairs.counts.len());
        let lists = self.pairs.lists(n)?;
        self.pairs.remove_first(n);
        Ok(vec![lists])
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.pairs.ensure_groups(total_num_groups);
        let Some(list) = values[0].as_list_opt::<i32>() else {
            return exec_err!("expected a list state, got {}", values[0].data_type());
        };
        let reader = Reader::new(self.pairs.kind, list.values())?;
        let offsets = list.value_offsets();
        let items =
            group_indices.iter().enumerate().filter(|(row, _)| list.is_valid(*row)).flat_map(|(row, &group)| {
                (offsets[row] as usize..offsets[row + 1] as usize).map(move |item| (item, group))
            });
        self.pairs.insert_rows(&reader, items)
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let reader = Reader::new(self.pairs.kind, &values[0])?;
        let mut pairs = DistinctPairs::new(self.pairs.kind, &self.pairs.input);
        pairs.ensure_groups(reader.len());
        pairs.insert_rows(&reader, (0..reader.len()).filter(|&row| keeps(opt_filter, row)).map(|row| (row, row)))?;
        Ok(vec![pairs.lists(reader.len())?])
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.pairs.size()
    }
}

/// How many groups `emit_to` takes out of `groups`.
fn emitted(emit_to: EmitTo, groups: usize) -> usize {
    match emit_to {
        EmitTo::All => groups,
        EmitTo::First(n) => n.min(groups),
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
    fn emitting_the_first_groups_keeps_the_rest() {
        use datafusion::arrow::array::{Array, AsArray};
        use datafusion::arrow::datatypes::{DataType, Int64Type};
        use datafusion::logical_expr::{EmitTo, GroupsAccumulator};
        for (kind, values) in [
            (
                super::KeyKind::Text { null_is_empty: true },
                Arc::new(StringArray::from(vec!["a", "b", "a", "c", "c", "d", "a"])) as _,
            ),
            (super::KeyKind::Integer, Arc::new(Int64Array::from(vec![1, 2, 1, 3, 3, 4, 1])) as _),
        ] {
            let mut groups = super::DCountGroups { pairs: super::DistinctPairs::new(kind, &DataType::Utf8) };
            // group:               0  0  0  1  1  2  2
            groups.update_batch(&[values], &[0, 0, 0, 1, 1, 2, 2], None, 3).unwrap();
            let first = groups.evaluate(EmitTo::First(1)).unwrap();
            assert_eq!(first.as_primitive::<Int64Type>().values().to_vec(), vec![2]);
            // The rest are now groups 0 and 1; add a value to the old group 2.
            let more: datafusion::arrow::array::ArrayRef = match kind {
                super::KeyKind::Integer => Arc::new(Int64Array::from(vec![9, 4])),
                _ => Arc::new(StringArray::from(vec!["z", "d"])),
            };
            groups.update_batch(&[more], &[1, 1], None, 2).unwrap();
            let state = groups.state(EmitTo::All).unwrap();
            let lists = state[0].as_list::<i32>();
            assert_eq!((lists.len(), lists.value(0).len(), lists.value(1).len()), (2, 1, 3));
        }
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
