//! `toguid(value)`: <https://learn.microsoft.com/en-us/kusto/query/toguid-function>
//!
//! Reads the first 32 hexadecimal digits of the text (hyphens allowed where the 8-4-4-4-12 form
//! has them; the rest of the text is ignored) and returns the guid in its canonical lower-case
//! form; null when the text is not a guid. Guids are carried as `Utf8`.
//!
//! `new_guid()`: <https://learn.microsoft.com/en-us/kusto/query/new-guid-function>
//!
//! A random guid (a new value of type guid, per the page), in the same canonical lower-case
//! 8-4-4-4-12 form as the page's example (`2157828f-e871-479a-9d1c-17ffde915095`). The page
//! does not say which kind of guid: Quarry makes RFC 4122 version 4 (random) ones, a different
//! one for every row and every call.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, plan_err};
use datafusion::functions::string::uuid::UuidFunc;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

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

/// `kql_new_guid() -> Utf8`: a random (version 4) guid per row.
///
/// Volatile, so that DataFusion neither folds it into one constant nor shares one value between
/// calls, and built on DataFusion's `uuid()`, which draws each row's bits from a thread-local
/// generator seeded by the operating system. (The scaffolding of [`super::udf`] answers a call
/// without arguments with one scalar, which would give every row the same guid.)
///
/// <https://learn.microsoft.com/en-us/kusto/query/new-guid-function>
pub fn kql_new_guid() -> ScalarUDF {
    ScalarUDF::new_from_impl(NewGuid { signature: Signature::nullary(Volatility::Volatile), uuid: UuidFunc::new() })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct NewGuid {
    signature: Signature,
    uuid: UuidFunc,
}

impl ScalarUDFImpl for NewGuid {
    fn name(&self) -> &str {
        "kql_new_guid"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        if !arg_types.is_empty() {
            return plan_err!("new_guid(): expected 0 arguments, got {}", arg_types.len());
        }
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if !args.args.is_empty() {
            return plan_err!("new_guid(): expected 0 arguments, got {}", args.args.len());
        }
        self.uuid.invoke_with_args(args)
    }
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

    #[test]
    fn new_guid_is_a_fresh_canonical_guid_per_row() {
        use std::collections::HashSet;
        use std::sync::Arc;

        use datafusion::arrow::datatypes::Field;
        use datafusion::config::ConfigOptions;

        let f = kql_new_guid();
        assert_eq!(f.return_type(&[]).unwrap(), DataType::Utf8);
        assert!(f.return_type(&[DataType::Utf8]).is_err());
        let invoke = |rows: usize| -> ArrayRef {
            let out = f
                .invoke_with_args(ScalarFunctionArgs {
                    args: vec![],
                    arg_fields: vec![],
                    number_rows: rows,
                    return_field: Arc::new(Field::new("r", DataType::Utf8, true)),
                    config_options: Arc::new(ConfigOptions::default()),
                })
                .unwrap();
            match out {
                ColumnarValue::Array(a) => a,
                ColumnarValue::Scalar(_) => panic!("one value per row"),
            }
        };
        let out = invoke(100);
        let out = out.as_string::<i32>();
        assert_eq!((out.len(), out.null_count()), (100, 0));
        let distinct: HashSet<&str> = out.iter().flatten().collect();
        assert_eq!(distinct.len(), 100);
        for g in distinct {
            let groups: Vec<usize> = g.split('-').map(str::len).collect();
            assert_eq!(groups, vec![8, 4, 4, 4, 12], "{g}");
            assert!(g.chars().all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f')), "{g}");
            // Version 4, RFC 4122 variant.
            assert_eq!(&g[14..15], "4", "{g}");
            assert!(matches!(&g[19..20], "8" | "9" | "a" | "b"), "{g}");
            // toguid() reads it back unchanged.
            assert_eq!(parse_guid(g).as_deref(), Some(g));
        }
        assert_ne!(invoke(1).as_string::<i32>().value(0), invoke(1).as_string::<i32>().value(0));
    }
}
