//! How KQL's types are carried in Arrow: the one definition, used by the readers here and by
//! the engine (kql-engine `types.rs`).

use arrow::datatypes::{DataType, TimeUnit};
use kql_semantics::Type;

/// The Arrow type that carries values of KQL type `ty`: `bool` = Boolean, `int` = Int32,
/// `long` = Int64, `real` = Float64, `decimal` = Decimal128(38, 18), `string` and `guid` =
/// Utf8 (never null: a missing string is `""`), `datetime` = Timestamp(ns) in UTC, `timespan`
/// = Duration(ns), `dynamic` = LargeUtf8 holding JSON text.
pub fn arrow_type(ty: Type) -> DataType {
    match ty {
        Type::Bool => DataType::Boolean,
        Type::Int => DataType::Int32,
        Type::Long => DataType::Int64,
        Type::Real => DataType::Float64,
        Type::Decimal => DataType::Decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
        Type::String | Type::Guid | Type::Unknown => DataType::Utf8,
        Type::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, None),
        Type::TimeSpan => DataType::Duration(TimeUnit::Nanosecond),
        Type::Dynamic => DataType::LargeUtf8,
    }
}

/// Precision of `decimal` values.
pub const DECIMAL_PRECISION: u8 = 38;
/// Scale of `decimal` values.
pub const DECIMAL_SCALE: i8 = 18;
