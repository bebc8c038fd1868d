//! `tohex(value [, minLength])`: an int or long in lowercase hexadecimal
//! (<https://learn.microsoft.com/en-us/kusto/query/tohex-function>).
//!
//! Negative values are written in two's complement of their own width (8 digits for an int, 16
//! for a long). `minLength` pads with leading zeros; it is clamped to 1..=16, and a longer
//! number ignores it. A null value gives `""` (strings are never null).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Int32Type, Int64Type};
use datafusion::common::{Result, plan_err};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{Args, ints, normalize, ret, udf};

fn coerce(types: &[DataType]) -> Result<Vec<DataType>> {
    let value = match normalize(&types[0]) {
        t @ (DataType::Int32 | DataType::Int64) => t,
        DataType::Null => DataType::Int64,
        other => return plan_err!("tohex(): expected an int or long, got {other}"),
    };
    let mut out = vec![value];
    if let Some(t) = types.get(1) {
        out.push(match normalize(t) {
            DataType::Int32 | DataType::Int64 | DataType::Null => DataType::Int64,
            other => return plan_err!("tohex(): minLength must be an int, got {other}"),
        });
    }
    Ok(out)
}

fn pad(digits: String, min_len: Option<i64>) -> String {
    let width = min_len.map_or(1, |m| m.clamp(1, 16)) as usize;
    if digits.len() >= width { digits } else { format!("{digits:0>width$}") }
}

fn eval(args: &Args) -> Result<ArrayRef> {
    let min_len = args.arrays.get(1).map(|a| ints(a, "tohex() minLength")).transpose()?;
    let a = args.arg(0);
    let digits = |i: usize| -> Option<String> {
        match a.data_type() {
            DataType::Int32 => {
                let v = a.as_primitive::<Int32Type>();
                v.is_valid(i).then(|| format!("{:x}", v.value(i)))
            }
            DataType::Int64 => {
                let v = a.as_primitive::<Int64Type>();
                v.is_valid(i).then(|| format!("{:x}", v.value(i)))
            }
            _ => None,
        }
    };
    let out: StringArray = (0..args.rows)
        .map(|i| Some(digits(i).map(|d| pad(d, min_len.as_ref().and_then(|m| m.get(i)))).unwrap_or_default()))
        .collect();
    Ok(Arc::new(out))
}

/// `kql_tohex(int | long [, minLength]) -> Utf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/tohex-function>
pub fn kql_tohex() -> ScalarUDF {
    udf("kql_tohex", 1..=2, ret::utf8, eval).coerce(coerce).build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::Int64Array;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, s};

    fn hex(args: Vec<ScalarValue>) -> String {
        match call_scalars(&kql_tohex(), args) {
            ScalarValue::Utf8(Some(t)) => t,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn long(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn documented_values() {
        // tohex page examples.
        assert_eq!(hex(vec![long(256)]), "100");
        assert_eq!(hex(vec![long(-256)]), "ffffffffffffff00");
        assert_eq!(hex(vec![ScalarValue::Int32(Some(-256)), ScalarValue::Int32(Some(8))]), "ffffff00");
        assert_eq!(hex(vec![long(256), long(8)]), "00000100");
        assert_eq!(hex(vec![long(256), long(2)]), "100");
        // Clamping and nulls.
        assert_eq!(hex(vec![long(1), long(40)]), "0000000000000001");
        assert_eq!(hex(vec![long(0), long(-3)]), "0");
        assert_eq!(hex(vec![ScalarValue::Int32(Some(-1))]), "ffffffff");
        assert_eq!(hex(vec![ScalarValue::Int64(None)]), "");
        assert_eq!(hex(vec![ScalarValue::Null]), "");
        assert_eq!(hex(vec![long(255), ScalarValue::Int64(None)]), "ff");
        assert!(call(&kql_tohex(), vec![s("1").into()]).is_err());
    }

    #[test]
    fn arrays() {
        let out = call_arrays(&kql_tohex(), vec![col(Int64Array::from(vec![Some(10), None, Some(4096)]))]);
        let out = out.as_string::<i32>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some("a"), Some(""), Some("1000")]);
        assert_eq!(out.null_count(), 0);
    }
}
