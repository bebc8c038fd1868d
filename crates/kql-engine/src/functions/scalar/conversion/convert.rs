//! Kusto conversion of a whole array to another KQL type, used where a function reconciles
//! arguments of different types (`iff`, `coalesce`): each target type uses its `to*()`
//! function's semantics.

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Result, exec_err};

use super::numbers::{to_decimal_array, to_int_array, to_long_array, to_real_array};
use super::parse_json::to_dynamic_array;
use super::temporal::{to_datetime_array, to_timespan_array};
use super::tobool::to_bool_array;
use super::tostring::to_string_array;

/// `a` converted to the KQL type carried as `target`, as the matching `to*()` function would.
pub(crate) fn convert(a: &ArrayRef, target: &DataType) -> Result<ArrayRef> {
    if a.data_type() == target {
        return Ok(a.clone());
    }
    match target {
        DataType::Utf8 => to_string_array(a),
        DataType::LargeUtf8 => to_dynamic_array(a),
        DataType::Int32 => to_int_array(a),
        DataType::Int64 => to_long_array(a),
        DataType::Float64 => to_real_array(a),
        DataType::Decimal128(38, 18) => to_decimal_array(a),
        DataType::Boolean => to_bool_array(a),
        DataType::Timestamp(TimeUnit::Nanosecond, None) => to_datetime_array(a),
        DataType::Duration(TimeUnit::Nanosecond) => to_timespan_array(a),
        DataType::Null => Ok(datafusion::arrow::array::new_null_array(&DataType::Null, a.len())),
        other => match datafusion::arrow::compute::cast(a, other) {
            Ok(v) => Ok(v),
            Err(e) => exec_err!("cannot convert {} to {other}: {e}", a.data_type()),
        },
    }
}
