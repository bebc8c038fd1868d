//! How KQL's types are carried in Arrow.
//!
//! | KQL        | Arrow                              | why |
//! |------------|------------------------------------|-----|
//! | `bool`     | `Boolean`                          | |
//! | `int`      | `Int32`                            | |
//! | `long`     | `Int64`                            | |
//! | `real`     | `Float64`                          | |
//! | `decimal`  | `Decimal128(38, 18)`               | |
//! | `string`   | `Utf8`                             | a null string is read as `""`: Kusto strings are never null |
//! | `datetime` | `Timestamp(Nanosecond, None)`, UTC | Kusto ticks are 100 ns; nanoseconds hold them exactly |
//! | `timespan` | `Duration(Nanosecond)`             | |
//! | `guid`     | `Utf8`                             | shown as its text |
//! | `dynamic`  | `LargeUtf8` holding JSON text      | a distinct Arrow type, so that "dynamic" survives projections, joins and aggregations and is printed as JSON, not as a string |

use datafusion::arrow::datatypes::DataType;
use kql_semantics::Type;

/// The Arrow type that carries values of KQL type `ty`. The mapping is defined once, in
/// `quarry-data`, whose readers produce the batches this engine runs on.
pub fn arrow_type(ty: Type) -> DataType {
    quarry_data::arrow_type(ty)
}

/// The Arrow type of `dynamic` values (JSON text).
pub const DYNAMIC: DataType = DataType::LargeUtf8;

/// The KQL type of values carried as `data_type`, for output and for typing expressions.
/// Arrow types with no KQL counterpart map to the nearest one.
pub fn kql_type(data_type: &DataType) -> Type {
    match data_type {
        DataType::Boolean => Type::Bool,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::UInt8 | DataType::UInt16 => Type::Int,
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => Type::Long,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Type::Real,
        DataType::Decimal128(..) | DataType::Decimal256(..) => Type::Decimal,
        DataType::Utf8 | DataType::Utf8View => Type::String,
        DataType::LargeUtf8 => Type::Dynamic,
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => Type::DateTime,
        DataType::Duration(_) | DataType::Interval(_) | DataType::Time32(_) | DataType::Time64(_) => Type::TimeSpan,
        DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(..) => Type::Dynamic,
        _ => Type::Dynamic,
    }
}

/// Nanoseconds per Kusto tick.
pub const NANOS_PER_TICK: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kql_type_round_trips_through_arrow() {
        for ty in [
            Type::Bool,
            Type::Int,
            Type::Long,
            Type::Real,
            Type::Decimal,
            Type::String,
            Type::DateTime,
            Type::TimeSpan,
            Type::Dynamic,
        ] {
            assert_eq!(kql_type(&arrow_type(ty)), ty, "{ty}");
        }
    }
}
