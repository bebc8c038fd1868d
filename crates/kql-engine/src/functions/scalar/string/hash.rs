//! `hash_sha256()` and `hash_md5()`: the lowercase hex digest of a value's KQL string form
//! (UTF-8). `hash()` and `hash_xxhash64()`: XXH64 of the value (see [`xxh64`]).
//!
//! The digests themselves come from DataFusion's `sha256` and `md5` functions (its
//! `crypto_expressions` feature), called directly: no digest crate is a dependency of ours.
//! The documented examples fix what is hashed: `hash_sha256("World")` is
//! `78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524` and
//! `hash_sha256(datetime(2020-01-01))` is the digest of `2020-01-01T00:00:00.0000000Z`
//! (<https://learn.microsoft.com/kusto/query/hash-sha256-function>,
//! <https://learn.microsoft.com/kusto/query/hash-md5-function>).

use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, DurationNanosecondType, Field, Float64Type, Int32Type, Int64Type, TimeUnit, TimestampNanosecondType,
};
use datafusion::common::config::ConfigOptions;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF};

use super::common::{KqlFunction, Param, finish_longs, finish_strings, ints, result_len, strs};
use super::format;
use crate::functions::scalar::conversion::numbers::datetime_ticks;

fn digest_kernel(args: &[ColumnarValue], rows: usize, digest: Arc<ScalarUDF>) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    // A null of a non-string type hashes to "" (strings are never null: a null string is "").
    let nulls: Option<ArrayRef> = match &args[0] {
        ColumnarValue::Array(a) if !matches!(a.data_type(), DataType::Utf8 | DataType::Utf8View) => Some(Arc::clone(a)),
        _ => None,
    };
    let scalar_null = matches!(&args[0], ColumnarValue::Scalar(v) if v.is_null() && !matches!(v.data_type(), DataType::Utf8 | DataType::Utf8View | DataType::Null));
    let input: StringArray = (0..len).map(|i| Some(text.get(i))).collect();
    let ret = digest.return_type(&[DataType::Utf8])?;
    let output = digest.invoke_with_args(ScalarFunctionArgs {
        args: vec![ColumnarValue::Array(Arc::new(input))],
        arg_fields: vec![Arc::new(Field::new("value", DataType::Utf8, false))],
        number_rows: len,
        return_field: Arc::new(Field::new(digest.name(), ret, true)),
        config_options: Arc::new(ConfigOptions::default()),
    })?;
    let ColumnarValue::Array(output) = output else {
        return exec_err!("{}: expected an array of digests", digest.name());
    };
    let hex: Vec<String> = match output.data_type() {
        DataType::Binary => output.as_binary::<i32>().iter().map(|b| b.map(to_hex).unwrap_or_default()).collect(),
        DataType::Utf8View => output.as_string_view().iter().map(|s| s.unwrap_or_default().to_string()).collect(),
        DataType::Utf8 => output.as_string::<i32>().iter().map(|s| s.unwrap_or_default().to_string()).collect(),
        other => return exec_err!("{}: unexpected digest type {other}", digest.name()),
    };
    let is_null = |i: usize| scalar_null || nulls.as_ref().is_some_and(|a| a.is_null(i));
    finish_strings(hex.into_iter().enumerate().map(|(i, h)| if is_null(i) { String::new() } else { h }), scalar)
}

fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn hash_sha256(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    digest_kernel(args, rows, datafusion::functions::crypto::sha256())
}

fn hash_md5(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    digest_kernel(args, rows, datafusion::functions::crypto::md5())
}

// XXH64 is written out here rather than taken from a crate: the algorithm is short and fixed
// (Yann Collet's xxHash specification, 64-bit variant), and no xxhash crate is a dependency of
// ours. Kusto's `hash()` is documented to use it; the page's examples are the tests below.
const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

fn xxh_round(acc: u64, lane: u64) -> u64 {
    acc.wrapping_add(lane.wrapping_mul(P2)).rotate_left(31).wrapping_mul(P1)
}

fn xxh_merge(acc: u64, lane: u64) -> u64 {
    (acc ^ xxh_round(0, lane)).wrapping_mul(P1).wrapping_add(P4)
}

fn read_u64(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

fn read_u32(b: &[u8]) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(w))
}

/// XXH64 of `data` with seed 0.
pub(crate) fn xxh64(data: &[u8]) -> u64 {
    let seed = 0u64;
    let mut rest = data;
    let mut h = if data.len() >= 32 {
        let mut lanes = [seed.wrapping_add(P1).wrapping_add(P2), seed.wrapping_add(P2), seed, seed.wrapping_sub(P1)];
        while rest.len() >= 32 {
            for (k, lane) in lanes.iter_mut().enumerate() {
                *lane = xxh_round(*lane, read_u64(&rest[8 * k..]));
            }
            rest = &rest[32..];
        }
        let mut h = lanes[0]
            .rotate_left(1)
            .wrapping_add(lanes[1].rotate_left(7))
            .wrapping_add(lanes[2].rotate_left(12))
            .wrapping_add(lanes[3].rotate_left(18));
        for lane in lanes {
            h = xxh_merge(h, lane);
        }
        h
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(data.len() as u64);
    while rest.len() >= 8 {
        h = (h ^ xxh_round(0, read_u64(rest))).rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        rest = &rest[8..];
    }
    if rest.len() >= 4 {
        h = (h ^ read_u32(rest).wrapping_mul(P1)).rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        rest = &rest[4..];
    }
    for &b in rest {
        h = (h ^ u64::from(b).wrapping_mul(P5)).rotate_left(11).wrapping_mul(P1);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

/// The bytes `hash()` digests for each row, `None` for a null of a non-string type. The
/// documented examples fix two cases: a string is its UTF-8 (`hash("World")`) and a datetime is
/// its .NET ticks as 8 little-endian bytes (`hash(datetime("2015-01-01"))` is
/// `1380966698541616202`, which is XXH64 of the ticks and not of any text form). By the same
/// reading, the other fixed-width types are their little-endian machine form: `long` 8 bytes,
/// `int` 4, `real` the 8 bytes of its IEEE bits, `bool` 1 byte, `timespan` its ticks as 8
/// bytes. Decimals and dynamic values are hashed in their KQL string form (undocumented).
fn hash_inputs(arg: &ColumnarValue, len: usize) -> Result<Vec<Option<Vec<u8>>>> {
    let array = arg.to_array(len)?;
    let bytes = |f: &dyn Fn(usize) -> Vec<u8>| -> Vec<Option<Vec<u8>>> {
        (0..len).map(|i| array.is_valid(i).then(|| f(i))).collect()
    };
    Ok(match array.data_type() {
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 | DataType::Null => {
            let text = strs(arg)?;
            (0..len).map(|i| Some(text.get(i).as_bytes().to_vec())).collect()
        }
        DataType::Boolean => bytes(&|i| vec![u8::from(array.as_boolean().value(i))]),
        DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16 | DataType::Int32 => {
            let a = cast(&array, &DataType::Int32)?;
            let a = a.as_primitive::<Int32Type>();
            bytes(&|i| a.value(i).to_le_bytes().to_vec())
        }
        DataType::UInt32 | DataType::UInt64 | DataType::Int64 => {
            let a = cast(&array, &DataType::Int64)?;
            let a = a.as_primitive::<Int64Type>();
            bytes(&|i| a.value(i).to_le_bytes().to_vec())
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            let a = cast(&array, &DataType::Float64)?;
            let a = a.as_primitive::<Float64Type>();
            bytes(&|i| a.value(i).to_bits().to_le_bytes().to_vec())
        }
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => {
            let a = cast(&array, &DataType::Timestamp(TimeUnit::Nanosecond, None))?;
            let a = a.as_primitive::<TimestampNanosecondType>();
            bytes(&|i| datetime_ticks(a.value(i)).to_le_bytes().to_vec())
        }
        DataType::Duration(_) => {
            let a = cast(&array, &DataType::Duration(TimeUnit::Nanosecond))?;
            let a = a.as_primitive::<DurationNanosecondType>();
            bytes(&|i| (a.value(i) / 100).to_le_bytes().to_vec())
        }
        _ => {
            let text = format::to_string_array(array.as_ref())?;
            bytes(&|i| text.value(i).as_bytes().to_vec())
        }
    })
}

/// `hash(source [, mod])`: XXH64 of the source as a long; with `mod`, the unsigned hash modulo
/// `mod` (so in `0..mod`, as the page says). A null of a non-string type, or a `mod` that is
/// null or not positive, gives null.
fn hash(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let inputs = hash_inputs(&args[0], len)?;
    let modulo = args.get(1).map(ints).transpose()?;
    finish_longs(
        inputs.into_iter().enumerate().map(|(i, bytes)| {
            let h = xxh64(&bytes?);
            match &modulo {
                None => Some(h as i64),
                Some(m) => match m.get(i) {
                    Some(m) if m > 0 => Some((h % m as u64) as i64),
                    _ => None,
                },
            }
        }),
        scalar,
    )
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/hash-function
        KqlFunction::new("kql_hash", &[Param::Any, Param::Int], 1, DataType::Int64, hash).udf(),
        // https://learn.microsoft.com/kusto/query/hash-xxhash64-function
        KqlFunction::new("kql_hash_xxhash64", &[Param::Any, Param::Int], 1, DataType::Int64, hash).udf(),
        // https://learn.microsoft.com/kusto/query/hash-sha256-function
        KqlFunction::new("kql_hash_sha256", &[Param::Any], 1, DataType::Utf8, hash_sha256).udf(),
        // https://learn.microsoft.com/kusto/query/hash-md5-function
        KqlFunction::new("kql_hash_md5", &[Param::Any], 1, DataType::Utf8, hash_md5).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    fn jan_1_2020() -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::TimestampNanosecond(Some(1_577_836_800_000_000_000), None))
    }

    #[test]
    fn documented_digests() {
        let sha = udf("kql_hash_sha256");
        let md5 = udf("kql_hash_md5");
        // hash_sha256 page examples.
        assert_eq!(
            call_str(&sha, vec![s("World")]).unwrap(),
            "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"
        );
        assert_eq!(
            call_str(&sha, vec![jan_1_2020()]).unwrap(),
            "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d"
        );
        assert_eq!(
            call_str(&sha, vec![s("TEXAS")]).unwrap(),
            "9087f20f23f91b5a77e8406846117049029e6798ebbd0d38aea68da73a00ca37"
        );
        // hash_md5 page examples.
        assert_eq!(call_str(&md5, vec![s("World")]).unwrap(), "f5a7924e621e84c9280a9a27e1bcb7f6");
        assert_eq!(call_str(&md5, vec![jan_1_2020()]).unwrap(), "786c530672d1f8db31fee25ea8a9390b");
        assert_eq!(call_str(&md5, vec![s("TEXAS")]).unwrap(), "3b00dbe6e07e7485a1c12d36c8e9910a");
    }

    #[test]
    fn xxh64_reference_values() {
        // The xxHash reference values for "" and "abc", and a long input through the 32-byte
        // stripes.
        assert_eq!(xxh64(b""), 0xef46_db37_51d8_e999);
        assert_eq!(xxh64(b"abc"), 0x44bc_2cf5_ad77_0999);
        assert_eq!(xxh64("a".repeat(100).as_bytes()), 0x3750_41e8_b1de_cfb3);
    }

    #[test]
    fn documented_hashes() {
        // hash and hash_xxhash64 page examples.
        for name in ["kql_hash", "kql_hash_xxhash64"] {
            let f = udf(name);
            assert_eq!(call_long(&f, vec![s("World")]), Some(1_846_988_464_401_551_951));
            assert_eq!(call_long(&f, vec![s("World"), long(100)]), Some(51));
            let jan_1_2015 =
                ColumnarValue::Scalar(ScalarValue::TimestampNanosecond(Some(1_420_070_400_000_000_000), None));
            assert_eq!(call_long(&f, vec![jan_1_2015]), Some(1_380_966_698_541_616_202));
        }
    }

    #[test]
    fn hash_nulls_modulo_and_arrays() {
        let f = udf("kql_hash");
        // A null string is "": it hashes as the empty string.
        assert_eq!(call_long(&f, vec![null_str()]), Some(0xef46_db37_51d8_e999_u64 as i64));
        assert_eq!(call_long(&f, vec![ColumnarValue::Scalar(ScalarValue::Int64(None))]), None);
        assert_eq!(call_long(&f, vec![s("World"), long(0)]), None);
        assert_eq!(call_long(&f, vec![s("World"), long(-5)]), None);
        let r = invoke(&f, vec![str_col(&[Some("World"), None, Some("")]), long(100)]).unwrap();
        let v = longs_of(r);
        assert_eq!(v[0], Some(51));
        assert_eq!(v[1], v[2]);
        let r = invoke(&f, vec![long_col(&[Some(1), None, Some(1)])]).unwrap();
        let v = longs_of(r);
        assert_eq!(v[0], Some(xxh64(&1i64.to_le_bytes()) as i64));
        assert_eq!(v[1], None);
        assert_eq!(v[0], v[2]);
        // int and long differ in width.
        assert_ne!(call_long(&f, vec![int(1)]), call_long(&f, vec![long(1)]));
        for m in 1..50 {
            let h = call_long(&f, vec![s("x"), long(m)]).unwrap();
            assert!((0..m).contains(&h));
        }
    }

    #[test]
    fn nulls_and_arrays() {
        let md5 = udf("kql_hash_md5");
        // A null string is "": its digest is that of "".
        assert_eq!(call_str(&md5, vec![null_str()]).unwrap(), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(call_str(&md5, vec![ColumnarValue::Scalar(ScalarValue::Int64(None))]).unwrap(), "");
        let r = invoke(&md5, vec![str_col(&[Some("World"), None])]).unwrap();
        assert_eq!(
            strings_of(r),
            vec![Some("f5a7924e621e84c9280a9a27e1bcb7f6".into()), Some("d41d8cd98f00b204e9800998ecf8427e".into())]
        );
        let r = invoke(&udf("kql_hash_sha256"), vec![long_col(&[Some(1), None])]).unwrap();
        assert_eq!(
            strings_of(r),
            vec![Some("6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b".into()), Some("".into())]
        );
    }
}
