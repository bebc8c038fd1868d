//! `toguid(value)`: <https://learn.microsoft.com/en-us/kusto/query/toguid-function>
//!
//! Reads the first 32 hexadecimal digits of the text (hyphens allowed where the 8-4-4-4-12 form
//! has them; the rest of the text is ignored) and returns the guid in its canonical lower-case
//! form; null when the text is not a guid. Guids are carried as `Utf8`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::text::parse_guid;
use super::udf::{ret, strs, udf};
use crate::functions::scalar::dynamic::json::{Json, parse_dynamic_text};

/// `kql_toguid(string | dynamic) -> Utf8` (null when not a guid).
///
/// <https://learn.microsoft.com/en-us/kusto/query/toguid-function>
pub fn kql_toguid() -> ScalarUDF {
    udf("kql_toguid", 1..=1, ret::utf8, |a| to_guid_array(a.arg(0))).build()
}

/// `toguid` over an array.
pub(crate) fn to_guid_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let out: StringArray = match a.data_type() {
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "toguid")?;
            (0..n).map(|i| s.get(i).and_then(parse_guid)).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n)
                .map(|i| match (!s.is_null(i)).then(|| parse_dynamic_text(s.value(i))) {
                    Some(Json::Str(t)) => parse_guid(&t),
                    _ => None,
                })
                .collect()
        }
        _ => StringArray::new_null(n),
    };
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    #[test]
    fn follows_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/toguid-function example table.
        let out = call_arrays(
            &kql_toguid(),
            vec![col(StringArray::from(vec![
                Some("0123456789abcdef0123456789abcdef"),
                Some("0123456789ab-cdef-0123-456789abcdef"),
                Some("a string that is not a guid"),
                None,
            ]))],
        );
        let out = out.as_string::<i32>();
        assert_eq!(out.value(0), "01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(out.value(1), "01234567-89ab-cdef-0123-456789abcdef");
        assert!(out.is_null(2));
        assert!(out.is_null(3));
    }

    #[test]
    fn scalars() {
        let g = |v| call_scalars(&kql_toguid(), vec![v]);
        assert_eq!(g(s("")), ScalarValue::Utf8(None));
        assert_eq!(g(dy("\"0123456789ABCDEF0123456789ABCDEF\"")), s("01234567-89ab-cdef-0123-456789abcdef"));
        assert_eq!(g(ScalarValue::Int64(Some(1))), ScalarValue::Utf8(None));
    }
}
