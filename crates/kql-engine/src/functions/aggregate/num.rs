//! Numeric views of KQL columns shared by the arithmetic aggregates (`sum`, `avg`,
//! `percentile`, `variance`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, ListArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, TimeUnit};
use datafusion::common::{Result, ScalarValue, exec_err};

/// How a summable column is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Summable {
    /// `int`, `long` (and the other Arrow integers): read as `Int64`.
    Long,
    /// `real`: read as `Float64`.
    Real,
    /// `decimal`: read as `Decimal128(38, scale)`.
    Decimal(i8),
    /// `datetime`: nanoseconds, as `Timestamp(Nanosecond, zone)`.
    DateTime(Option<Arc<str>>),
    /// `timespan`: nanoseconds, as `Duration(Nanosecond)`.
    TimeSpan,
}

impl Summable {
    /// The kind of `ty`, `None` when it is not a number, `datetime` or `timespan`.
    pub fn of(ty: &DataType) -> Option<Summable> {
        Some(match ty {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Summable::Long,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => Summable::Real,
            DataType::Decimal128(_, scale) => Summable::Decimal(*scale),
            DataType::Timestamp(_, zone) => Summable::DateTime(zone.clone()),
            DataType::Duration(_) => Summable::TimeSpan,
            _ => return None,
        })
    }

    /// The Arrow type values of this kind are read as (and summed in): `int` widens to `long`.
    pub fn data_type(&self) -> DataType {
        match self {
            Summable::Long => DataType::Int64,
            Summable::Real => DataType::Float64,
            Summable::Decimal(scale) => DataType::Decimal128(38, *scale),
            Summable::DateTime(zone) => DataType::Timestamp(TimeUnit::Nanosecond, zone.clone()),
            Summable::TimeSpan => DataType::Duration(TimeUnit::Nanosecond),
        }
    }

    /// Whether values are held as 64-bit integers (`long`, `datetime`, `timespan`).
    pub fn is_integral(&self) -> bool {
        matches!(self, Summable::Long | Summable::DateTime(_) | Summable::TimeSpan)
    }

    /// `array` as this kind's [`Summable::data_type`].
    pub fn read(&self, array: &ArrayRef) -> Result<ArrayRef> {
        let target = self.data_type();
        if array.data_type() == &target { Ok(Arc::clone(array)) } else { Ok(cast(array, &target)?) }
    }

    /// The raw 64-bit integers of an integral column (nanoseconds for `datetime` and
    /// `timespan`).
    pub fn integers(&self, array: &ArrayRef) -> Result<Int64Array> {
        let read = self.read(array)?;
        Ok(cast(&read, &DataType::Int64)?.as_primitive::<Int64Type>().clone())
    }

    /// The column as reals. `datetime` and `timespan` become Kusto ticks (100 ns), the unit in
    /// which Kusto does arithmetic on them.
    pub fn reals(&self, array: &ArrayRef) -> Result<Float64Array> {
        match self {
            Summable::DateTime(_) | Summable::TimeSpan => {
                let ticks = self.integers(array)?;
                Ok(ticks.unary(|nanos| nanos as f64 / 100.0))
            }
            _ => Ok(cast(array, &DataType::Float64)?.as_primitive::<Float64Type>().clone()),
        }
    }

    /// A value of this kind's type from its raw 64-bit integer.
    pub fn integer_scalar(&self, value: Option<i64>) -> ScalarValue {
        match self {
            Summable::DateTime(zone) => ScalarValue::TimestampNanosecond(value, zone.clone()),
            Summable::TimeSpan => ScalarValue::DurationNanosecond(value),
            _ => ScalarValue::Int64(value),
        }
    }
}

/// The type of a list of `item`s, as used in partial states.
pub(super) fn list_type(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(item, true)))
}

/// A one-row list scalar holding `values`.
pub(super) fn list_scalar(values: ArrayRef) -> ScalarValue {
    let field = Arc::new(Field::new_list_field(values.data_type().clone(), true));
    let offsets = OffsetBuffer::from_lengths([values.len()]);
    ScalarValue::List(Arc::new(ListArray::new(field, offsets, values, None)))
}

/// The non-null lists of a partial-state column of lists, in row order.
pub(super) fn lists(state: &ArrayRef) -> Result<Vec<ArrayRef>> {
    let Some(list) = state.as_list_opt::<i32>() else {
        return exec_err!("expected a list state, got {}", state.data_type());
    };
    Ok((0..list.len()).filter(|&row| list.is_valid(row)).map(|row| list.value(row)).collect())
}
