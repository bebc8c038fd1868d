//! Scaffolding shared by the scalar functions of the conversion, dynamic, datetime, logic and
//! network groups: one `ScalarUDFImpl` driven by plain functions, argument normalisation, and
//! typed readers over Arrow arrays.
//!
//! Every function is evaluated row by row over arrays. When every argument is a scalar the
//! function runs on one row and returns a scalar, so constant folding stays cheap.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::RangeInclusive;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, DurationNanosecondArray, Float64Array, Int32Array,
    Int64Array, LargeStringArray, StringArray, StringViewArray, TimestampNanosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimeUnit};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

/// Computes the result type from the (coerced) argument types.
pub(crate) type ReturnFn = fn(&[DataType]) -> Result<DataType>;
/// Chooses the types the arguments are cast to before evaluation.
pub(crate) type CoerceFn = fn(&[DataType]) -> Result<Vec<DataType>>;
/// Evaluates the function over equally long argument arrays.
pub(crate) type EvalFn = fn(&Args) -> Result<ArrayRef>;

/// The evaluated arguments of one call, all arrays of `rows` elements.
pub(crate) struct Args<'a> {
    pub arrays: Vec<ArrayRef>,
    pub rows: usize,
    pub return_type: &'a DataType,
}

impl Args<'_> {
    /// Argument `i`.
    pub fn arg(&self, i: usize) -> &ArrayRef {
        &self.arrays[i]
    }

    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.arrays.len()
    }
}

/// A KQL scalar function: a name, an arity, and plain functions for typing and evaluation.
pub(crate) struct KqlUdf {
    name: String,
    signature: Signature,
    arity: RangeInclusive<usize>,
    return_fn: ReturnFn,
    coerce_fn: CoerceFn,
    eval: EvalFn,
}

impl fmt::Debug for KqlUdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KqlUdf").field("name", &self.name).field("arity", &self.arity).finish()
    }
}

impl PartialEq for KqlUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for KqlUdf {}

impl Hash for KqlUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

/// Starts a function named `name` (already prefixed with `kql_`) taking `arity` arguments.
pub(crate) fn udf(name: &str, arity: RangeInclusive<usize>, return_fn: ReturnFn, eval: EvalFn) -> KqlUdf {
    KqlUdf {
        name: name.to_string(),
        signature: Signature::user_defined(Volatility::Immutable),
        arity,
        return_fn,
        coerce_fn: normalize_all,
        eval,
    }
}

impl KqlUdf {
    /// Replaces the default argument normalisation ([`normalize_all`]).
    pub fn coerce(mut self, coerce_fn: CoerceFn) -> Self {
        self.coerce_fn = coerce_fn;
        self
    }

    /// The finished `ScalarUDF`.
    pub fn build(self) -> ScalarUDF {
        ScalarUDF::new_from_impl(self)
    }

    /// The same function under `name` and under every alias, each a separate `ScalarUDF`
    /// (`kql_toreal` and `kql_todouble`), so that a lookup by name finds either.
    pub fn build_with_aliases(self, aliases: &[&str]) -> Vec<ScalarUDF> {
        let mut out = Vec::with_capacity(aliases.len() + 1);
        for alias in aliases {
            out.push(
                KqlUdf {
                    name: (*alias).to_string(),
                    signature: self.signature.clone(),
                    arity: self.arity.clone(),
                    return_fn: self.return_fn,
                    coerce_fn: self.coerce_fn,
                    eval: self.eval,
                }
                .build(),
            );
        }
        out.insert(0, self.build());
        out
    }
}

impl ScalarUDFImpl for KqlUdf {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.check_arity(arg_types.len())?;
        (self.return_fn)(arg_types)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.check_arity(arg_types.len())?;
        (self.coerce_fn)(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        self.check_arity(args.args.len())?;
        let all_scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let rows = if all_scalar { 1 } else { args.number_rows };
        let arrays = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
        let return_type = args.return_field.data_type().clone();
        let out = (self.eval)(&Args { arrays, rows, return_type: &return_type })?;
        if out.len() != rows {
            return exec_err!("{}: produced {} rows for {} input rows", self.name, out.len(), rows);
        }
        if all_scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

impl KqlUdf {
    fn check_arity(&self, n: usize) -> Result<()> {
        if self.arity.contains(&n) {
            return Ok(());
        }
        let (lo, hi) = (*self.arity.start(), *self.arity.end());
        let expected = if lo == hi {
            format!("{lo}")
        } else if hi == usize::MAX {
            format!("at least {lo}")
        } else {
            format!("{lo} to {hi}")
        };
        let kql = self.name.strip_prefix("kql_").unwrap_or(&self.name);
        plan_err!("{kql}(): expected {expected} arguments, got {n}")
    }
}

// ---------------------------------------------------------------------------------------------
// Argument normalisation

/// The carrier type a value of `t` is normalised to before evaluation: small integers to
/// `Int32`, wide ones to `Int64`, floats to `Float64`, decimals to `Decimal128(38, 18)`,
/// timestamps and dates to `Timestamp(ns)`, durations to `Duration(ns)`, dictionaries to their
/// values. Strings (`Utf8`, `Utf8View`) and dynamic (`LargeUtf8`) are kept as they are.
pub(crate) fn normalize(t: &DataType) -> DataType {
    match t {
        DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16 => DataType::Int32,
        DataType::UInt32 | DataType::UInt64 => DataType::Int64,
        DataType::Float16 | DataType::Float32 => DataType::Float64,
        DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..) | DataType::Decimal256(..) => {
            DataType::Decimal128(38, 18)
        }
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => {
            DataType::Timestamp(TimeUnit::Nanosecond, None)
        }
        DataType::Duration(_) => DataType::Duration(TimeUnit::Nanosecond),
        DataType::Dictionary(_, value) => normalize(value),
        other => other.clone(),
    }
}

/// The default coercion: [`normalize`] every argument.
pub(crate) fn normalize_all(types: &[DataType]) -> Result<Vec<DataType>> {
    Ok(types.iter().map(normalize).collect())
}

/// The widest of two numeric carrier types (`Int32` < `Int64` < `Float64` < `Decimal`), or
/// `None` when either is not numeric. `Null` yields the other type.
pub(crate) fn wider_number(a: &DataType, b: &DataType) -> Option<DataType> {
    fn rank(t: &DataType) -> Option<u8> {
        match t {
            DataType::Null => Some(0),
            DataType::Int32 => Some(1),
            DataType::Int64 => Some(2),
            DataType::Float64 => Some(3),
            DataType::Decimal128(..) => Some(4),
            _ => None,
        }
    }
    let (ra, rb) = (rank(&normalize(a))?, rank(&normalize(b))?);
    Some(if ra >= rb { normalize(a) } else { normalize(b) })
}

/// True for the integer and float carriers.
pub(crate) fn is_numeric(t: &DataType) -> bool {
    matches!(normalize(t), DataType::Int32 | DataType::Int64 | DataType::Float64 | DataType::Decimal128(..))
}

// ---------------------------------------------------------------------------------------------
// Readers

/// Read access to a string-like argument (`Utf8`, `LargeUtf8`, `Utf8View`, or an untyped null).
pub(crate) enum Strs<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
    Nulls,
}

impl<'a> Strs<'a> {
    /// The string at row `i`, `None` when null.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Nulls => None,
        }
    }

    /// The string at row `i`, with null read as `""` (Kusto strings are never null).
    #[inline]
    pub fn str(&self, i: usize) -> &'a str {
        self.get(i).unwrap_or("")
    }
}

/// String access to `a`, or an error naming `what` when `a` is not a string.
pub(crate) fn strs<'a>(a: &'a ArrayRef, what: &str) -> Result<Strs<'a>> {
    Ok(match a.data_type() {
        DataType::Utf8 => Strs::Utf8(a.as_string::<i32>()),
        DataType::LargeUtf8 => Strs::Large(a.as_string::<i64>()),
        DataType::Utf8View => Strs::View(a.as_string_view()),
        DataType::Null => Strs::Nulls,
        other => return exec_err!("{what}: expected a string, got {other}"),
    })
}

/// Read access to an integer-like argument, as `i64`.
pub(crate) enum Ints<'a> {
    I32(&'a Int32Array),
    I64(&'a Int64Array),
    F64(&'a Float64Array),
    Nulls,
}

impl Ints<'_> {
    /// The value at row `i` (reals truncated toward zero), `None` when null or not finite.
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        match self {
            Ints::I32(a) => a.is_valid(i).then(|| i64::from(a.value(i))),
            Ints::I64(a) => a.is_valid(i).then(|| a.value(i)),
            Ints::F64(a) => {
                if a.is_valid(i) && a.value(i).is_finite() {
                    Some(a.value(i).trunc() as i64)
                } else {
                    None
                }
            }
            Ints::Nulls => None,
        }
    }
}

/// Integer access to `a`, or an error naming `what`.
pub(crate) fn ints<'a>(a: &'a ArrayRef, what: &str) -> Result<Ints<'a>> {
    Ok(match a.data_type() {
        DataType::Int32 => Ints::I32(a.as_primitive::<Int32Type>()),
        DataType::Int64 => Ints::I64(a.as_primitive::<Int64Type>()),
        DataType::Float64 => Ints::F64(a.as_primitive::<Float64Type>()),
        DataType::Null => Ints::Nulls,
        other => return exec_err!("{what}: expected an integer, got {other}"),
    })
}

/// Read access to a `datetime` argument (nanoseconds since the Unix epoch).
pub(crate) enum Times<'a> {
    Ns(&'a TimestampNanosecondArray),
    Nulls,
}

impl Times<'_> {
    /// The instant at row `i`, `None` when null.
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        match self {
            Times::Ns(a) => a.is_valid(i).then(|| a.value(i)),
            Times::Nulls => None,
        }
    }
}

/// Datetime access to `a`, or an error naming `what`.
pub(crate) fn times<'a>(a: &'a ArrayRef, what: &str) -> Result<Times<'a>> {
    Ok(match a.data_type() {
        DataType::Timestamp(TimeUnit::Nanosecond, _) => Times::Ns(a.as_any().downcast_ref().expect("timestamp")),
        DataType::Null => Times::Nulls,
        other => return exec_err!("{what}: expected a datetime, got {other}"),
    })
}

/// Read access to a `timespan` argument (nanoseconds).
pub(crate) enum Spans<'a> {
    Ns(&'a DurationNanosecondArray),
    Nulls,
}

impl Spans<'_> {
    /// The duration at row `i`, `None` when null.
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        match self {
            Spans::Ns(a) => a.is_valid(i).then(|| a.value(i)),
            Spans::Nulls => None,
        }
    }
}

/// Timespan access to `a`, or an error naming `what`.
pub(crate) fn spans<'a>(a: &'a ArrayRef, what: &str) -> Result<Spans<'a>> {
    Ok(match a.data_type() {
        DataType::Duration(TimeUnit::Nanosecond) => Spans::Ns(a.as_any().downcast_ref().expect("duration")),
        DataType::Null => Spans::Nulls,
        other => return exec_err!("{what}: expected a timespan, got {other}"),
    })
}

/// Read access to a `bool` argument.
pub(crate) enum Bools<'a> {
    B(&'a BooleanArray),
    Nulls,
}

impl Bools<'_> {
    /// The value at row `i`, `None` when null.
    #[inline]
    pub fn get(&self, i: usize) -> Option<bool> {
        match self {
            Bools::B(a) => a.is_valid(i).then(|| a.value(i)),
            Bools::Nulls => None,
        }
    }
}

/// Bool access to `a`, or an error naming `what`.
pub(crate) fn bools<'a>(a: &'a ArrayRef, what: &str) -> Result<Bools<'a>> {
    Ok(match a.data_type() {
        DataType::Boolean => Bools::B(a.as_boolean()),
        DataType::Null => Bools::Nulls,
        other => return exec_err!("{what}: expected a bool, got {other}"),
    })
}

// ---------------------------------------------------------------------------------------------
// Writers

/// A `Timestamp(ns)` array from optional nanosecond instants.
pub(crate) fn timestamp_array(values: impl IntoIterator<Item = Option<i64>>) -> ArrayRef {
    std::sync::Arc::new(TimestampNanosecondArray::from_iter(values))
}

/// A `Duration(ns)` array from optional nanosecond durations.
pub(crate) fn duration_array(values: impl IntoIterator<Item = Option<i64>>) -> ArrayRef {
    std::sync::Arc::new(DurationNanosecondArray::from_iter(values))
}

/// A `Decimal128(38, 18)` array from optional scaled values.
pub(crate) fn decimal_array(values: impl IntoIterator<Item = Option<i128>>) -> Result<ArrayRef> {
    Ok(std::sync::Arc::new(Decimal128Array::from_iter(values).with_precision_and_scale(38, 18)?))
}

/// Return-type helpers for [`udf`].
pub(crate) mod ret {
    use super::*;

    pub fn utf8(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    pub fn dynamic(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::LargeUtf8)
    }
    pub fn boolean(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    pub fn int(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }
    pub fn long(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    pub fn real(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }
    pub fn decimal(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Decimal128(38, 18))
    }
    pub fn datetime(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Timestamp(TimeUnit::Nanosecond, None))
    }
    pub fn timespan(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Duration(TimeUnit::Nanosecond))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers to call a `ScalarUDF` in unit tests.

    use std::sync::Arc;

    use datafusion::arrow::array::{Array, ArrayRef};
    use datafusion::arrow::datatypes::{DataType, Field};
    use datafusion::common::{Result, ScalarValue};
    use datafusion::config::ConfigOptions;
    use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF};

    /// Calls `f` the way DataFusion does: coerce, cast, type, invoke.
    pub fn call(f: &ScalarUDF, args: Vec<ColumnarValue>) -> Result<ColumnarValue> {
        let rows = args
            .iter()
            .find_map(|a| match a {
                ColumnarValue::Array(a) => Some(a.len()),
                ColumnarValue::Scalar(_) => None,
            })
            .unwrap_or(1);
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let coerced = f.coerce_types(&types)?;
        let args = args
            .into_iter()
            .zip(&coerced)
            .map(|(a, t)| if &a.data_type() == t { Ok(a) } else { a.cast_to(t, None) })
            .collect::<Result<Vec<_>>>()?;
        let return_type = f.return_type(&coerced)?;
        let arg_fields = coerced.iter().map(|t| Arc::new(Field::new("a", t.clone(), true))).collect();
        f.invoke_with_args(ScalarFunctionArgs {
            args,
            arg_fields,
            number_rows: rows,
            return_field: Arc::new(Field::new("r", return_type, true)),
            config_options: Arc::new(ConfigOptions::default()),
        })
    }

    /// Calls `f` on scalars and returns the scalar result.
    pub fn call_scalars(f: &ScalarUDF, args: Vec<ScalarValue>) -> ScalarValue {
        match call(f, args.into_iter().map(ColumnarValue::Scalar).collect()).expect("call") {
            ColumnarValue::Scalar(s) => s,
            ColumnarValue::Array(a) => ScalarValue::try_from_array(&a, 0).expect("row 0"),
        }
    }

    /// Calls `f` on arrays (scalars are broadcast) and returns the result array.
    pub fn call_arrays(f: &ScalarUDF, args: Vec<ColumnarValue>) -> ArrayRef {
        let rows = args
            .iter()
            .find_map(|a| match a {
                ColumnarValue::Array(a) => Some(a.len()),
                ColumnarValue::Scalar(_) => None,
            })
            .expect("at least one array argument");
        match call(f, args).expect("call") {
            ColumnarValue::Array(a) => a,
            ColumnarValue::Scalar(s) => s.to_array_of_size(rows).expect("broadcast"),
        }
    }

    /// The function named `name` in `fns`.
    pub fn find(fns: &[ScalarUDF], name: &str) -> ScalarUDF {
        fns.iter().find(|f| f.name() == name).unwrap_or_else(|| panic!("no function {name}")).clone()
    }

    /// A `Utf8` scalar.
    pub fn s(v: &str) -> ScalarValue {
        ScalarValue::Utf8(Some(v.to_string()))
    }

    /// A dynamic (`LargeUtf8`) scalar.
    pub fn dy(v: &str) -> ScalarValue {
        ScalarValue::LargeUtf8(Some(v.to_string()))
    }

    /// A `datetime` scalar from nanoseconds.
    pub fn dt(ns: i64) -> ScalarValue {
        ScalarValue::TimestampNanosecond(Some(ns), None)
    }

    /// A `timespan` scalar from nanoseconds.
    pub fn ts(ns: i64) -> ScalarValue {
        ScalarValue::DurationNanosecond(Some(ns))
    }

    /// An `Arc`ed array as a columnar value.
    pub fn col(a: impl Array + 'static) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(a) as ArrayRef)
    }
}
