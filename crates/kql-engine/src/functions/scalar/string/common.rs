//! Plumbing shared by the string functions: one `ScalarUDFImpl` driven by a table of parameter
//! kinds and a kernel, argument coercion, reading arguments as KQL strings, and case folding.
//!
//! Every kernel receives the evaluated arguments and the batch's row count. Scalar and array
//! arguments may be mixed freely; when every argument is a scalar the kernel answers with a
//! scalar.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, LargeStringArray, StringArray};
use datafusion::arrow::buffer::BooleanBuffer;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::format;

/// What a parameter accepts and how its argument is coerced before the kernel sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Param {
    /// A KQL string. `Utf8View` and dictionaries are cast to `Utf8`; `LargeUtf8` (dynamic) and
    /// other types are passed through and turned into their KQL string form by [`strs`].
    Str,
    /// A KQL int or long: every numeric type is cast to `Int64`.
    Int,
    /// Any scalar, converted to its KQL string form by the kernel (`strcat`, hashes).
    Any,
}

/// A kernel: evaluated arguments and the number of rows of the batch.
pub(crate) type Kernel = fn(&[ColumnarValue], usize) -> Result<ColumnarValue>;

/// A KQL string function: a name, a parameter table, a result type and a kernel.
pub(crate) struct KqlFunction {
    name: &'static str,
    params: &'static [Param],
    min_args: usize,
    max_args: usize,
    ret: DataType,
    kernel: Kernel,
    signature: Signature,
}

impl KqlFunction {
    /// A function whose first `required` parameters of `params` are required and the rest
    /// optional.
    pub(crate) fn new(
        name: &'static str,
        params: &'static [Param],
        required: usize,
        ret: DataType,
        kernel: Kernel,
    ) -> Self {
        KqlFunction {
            name,
            params,
            min_args: required,
            max_args: params.len(),
            ret,
            kernel,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    /// Makes the last parameter repeat, up to `max_args` arguments in all.
    pub(crate) fn variadic(mut self, max_args: usize) -> Self {
        self.max_args = max_args;
        self
    }

    pub(crate) fn udf(self) -> ScalarUDF {
        ScalarUDF::new_from_impl(self)
    }

    fn param(&self, i: usize) -> Param {
        self.params.get(i).or(self.params.last()).copied().unwrap_or(Param::Any)
    }
}

impl fmt::Debug for KqlFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KqlFunction").field("name", &self.name).finish()
    }
}

// The name identifies a function: two instances with the same name are the same function.
impl PartialEq for KqlFunction {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for KqlFunction {}

impl Hash for KqlFunction {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl ScalarUDFImpl for KqlFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.ret.clone())
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let n = arg_types.len();
        if n < self.min_args || n > self.max_args {
            let expected = if self.min_args == self.max_args {
                format!("{}", self.min_args)
            } else {
                format!("{} to {}", self.min_args, self.max_args)
            };
            return plan_err!("{}() expects {expected} arguments, got {n}", self.name);
        }
        arg_types.iter().enumerate().map(|(i, t)| coerce(self.name, i, self.param(i), t)).collect()
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        (self.kernel)(&args.args, args.number_rows)
    }
}

fn coerce(name: &str, i: usize, param: Param, t: &DataType) -> Result<DataType> {
    match (param, t) {
        (_, DataType::Dictionary(_, value)) => coerce(name, i, param, value),
        (Param::Str | Param::Any, DataType::Utf8View) => Ok(DataType::Utf8),
        (Param::Str, DataType::Null) => Ok(DataType::Utf8),
        (Param::Str | Param::Any, t) => Ok(t.clone()),
        (Param::Int, t) if t.is_numeric() || t.is_null() => Ok(DataType::Int64),
        (Param::Int, t) => plan_err!("{name}(): argument {} must be a number, got {t}", i + 1),
    }
}

/// The length of the result and whether it is a scalar: a scalar when every argument is.
pub(crate) fn result_len(args: &[ColumnarValue], number_rows: usize) -> (usize, bool) {
    if args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_))) { (1, true) } else { (number_rows, false) }
}

/// Wraps a kernel's result array: its single value when every argument was a scalar.
pub(crate) fn finish(array: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    if scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&array, 0)?))
    } else {
        Ok(ColumnarValue::Array(array))
    }
}

pub(crate) fn finish_bool(len: usize, scalar: bool, f: impl FnMut(usize) -> bool) -> Result<ColumnarValue> {
    let array = BooleanArray::new(BooleanBuffer::collect_bool(len, f), None);
    finish(Arc::new(array), scalar)
}

pub(crate) fn finish_strings<S: AsRef<str>>(values: impl Iterator<Item = S>, scalar: bool) -> Result<ColumnarValue> {
    let array: StringArray = values.map(Some).collect();
    finish(Arc::new(array), scalar)
}

/// Dynamic results: JSON text, or `None` for a null dynamic value.
pub(crate) fn finish_dynamic(values: impl Iterator<Item = Option<String>>, scalar: bool) -> Result<ColumnarValue> {
    let array: LargeStringArray = values.collect();
    finish(Arc::new(array), scalar)
}

pub(crate) fn finish_longs(values: impl Iterator<Item = Option<i64>>, scalar: bool) -> Result<ColumnarValue> {
    let array: Int64Array = values.collect();
    finish(Arc::new(array), scalar)
}

/// A string argument, read as KQL reads it: never null (a null is `""`).
pub(crate) enum Strs {
    Scalar(String),
    Array(StringArray),
}

impl Strs {
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &str {
        match self {
            Strs::Scalar(s) => s,
            Strs::Array(a) => {
                if a.is_null(i) {
                    ""
                } else {
                    a.value(i)
                }
            }
        }
    }

    pub(crate) fn scalar(&self) -> Option<&str> {
        match self {
            Strs::Scalar(s) => Some(s),
            Strs::Array(_) => None,
        }
    }
}

/// Reads an argument as KQL strings: `Utf8` as is, dynamic (`LargeUtf8` JSON) by `tostring`'s
/// rules, any other type in its KQL string form.
pub(crate) fn strs(arg: &ColumnarValue) -> Result<Strs> {
    match arg {
        ColumnarValue::Scalar(v) => match v {
            ScalarValue::Utf8(s) | ScalarValue::Utf8View(s) => Ok(Strs::Scalar(s.clone().unwrap_or_default())),
            ScalarValue::LargeUtf8(s) => {
                Ok(Strs::Scalar(s.as_deref().map(format::dynamic_to_string).unwrap_or_default()))
            }
            ScalarValue::Null => Ok(Strs::Scalar(String::new())),
            other => {
                let array = other.to_array()?;
                let mut out = String::new();
                format::write_value(&array, 0, &mut out)?;
                Ok(Strs::Scalar(out))
            }
        },
        ColumnarValue::Array(array) => match array.data_type() {
            DataType::Utf8 => {
                Ok(Strs::Array(array.as_any().downcast_ref::<StringArray>().cloned().expect("Utf8 is a StringArray")))
            }
            _ => Ok(Strs::Array(format::to_string_array(array.as_ref())?)),
        },
    }
}

/// An int or long argument (coerced to `Int64`).
pub(crate) enum Ints {
    Scalar(Option<i64>),
    Array(Int64Array),
}

impl Ints {
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<i64> {
        match self {
            Ints::Scalar(v) => *v,
            Ints::Array(a) => {
                if a.is_null(i) {
                    None
                } else {
                    Some(a.value(i))
                }
            }
        }
    }
}

pub(crate) fn ints(arg: &ColumnarValue) -> Result<Ints> {
    match arg {
        ColumnarValue::Scalar(ScalarValue::Int64(v)) => Ok(Ints::Scalar(*v)),
        ColumnarValue::Scalar(ScalarValue::Null) => Ok(Ints::Scalar(None)),
        ColumnarValue::Array(a) if a.data_type() == &DataType::Int64 => {
            Ok(Ints::Array(a.as_any().downcast_ref::<Int64Array>().cloned().expect("Int64 is an Int64Array")))
        }
        other => {
            let cast = other.cast_to(&DataType::Int64, None)?;
            match cast {
                ColumnarValue::Scalar(ScalarValue::Int64(v)) => Ok(Ints::Scalar(v)),
                ColumnarValue::Array(a) => {
                    Ok(Ints::Array(a.as_any().downcast_ref::<Int64Array>().cloned().expect("Int64 is an Int64Array")))
                }
                other => exec_err!("expected an integer argument, got {other:?}"),
            }
        }
    }
}

/// Simple case folding, one character to one character, as an ordinal case-insensitive
/// comparison does: ASCII letters are lowered, other characters are lowered when their
/// lowercase is a single non-ASCII character (so that folding never turns a non-ASCII character
/// into an ASCII letter, which would change term boundaries).
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if !l.is_ascii() => l,
        _ => c,
    }
}

/// Writes the case-folded `s` into `out` (cleared first).
pub(crate) fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        out.extend(s.chars().map(fold_char));
    }
}

pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// Case-insensitive equality, without allocating.
pub(crate) fn eq_fold(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars().map(fold_char).eq(b.chars().map(fold_char))
    }
}

/// Appends `s` to `out` as a JSON string literal.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON array of strings.
pub(crate) fn json_str_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, item);
    }
    out.push(']');
    out
}

#[cfg(test)]
pub(crate) mod test_util {
    //! Helpers to call a UDF the way DataFusion does, with scalar or array arguments.

    use std::sync::Arc;

    use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, LargeStringArray, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field};
    use datafusion::common::ScalarValue;
    use datafusion::common::config::ConfigOptions;
    use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF};

    /// Coerces the arguments as the planner would, then invokes the function.
    pub(crate) fn invoke(udf: &ScalarUDF, args: Vec<ColumnarValue>) -> datafusion::common::Result<ColumnarValue> {
        let number_rows = args
            .iter()
            .find_map(|a| match a {
                ColumnarValue::Array(a) => Some(a.len()),
                _ => None,
            })
            .unwrap_or(1);
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let coerced = udf.coerce_types(&types)?;
        let args = args
            .into_iter()
            .zip(&coerced)
            .map(|(a, t)| if &a.data_type() == t { Ok(a) } else { a.cast_to(t, None) })
            .collect::<datafusion::common::Result<Vec<_>>>()?;
        let arg_fields = coerced.iter().map(|t| Arc::new(Field::new("a", t.clone(), true))).collect();
        let ret = udf.return_type(&coerced)?;
        udf.invoke_with_args(ScalarFunctionArgs {
            args,
            arg_fields,
            number_rows,
            return_field: Arc::new(Field::new("r", ret, true)),
            config_options: Arc::new(ConfigOptions::default()),
        })
    }

    pub(crate) fn s(v: &str) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Utf8(Some(v.to_string())))
    }

    pub(crate) fn null_str() -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Utf8(None))
    }

    pub(crate) fn dynamic(json: &str) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::LargeUtf8(Some(json.to_string())))
    }

    pub(crate) fn long(v: i64) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Int64(Some(v)))
    }

    pub(crate) fn int(v: i32) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Int32(Some(v)))
    }

    pub(crate) fn str_col(values: &[Option<&str>]) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(StringArray::from(values.to_vec())) as ArrayRef)
    }

    pub(crate) fn long_col(values: &[Option<i64>]) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(Int64Array::from(values.to_vec())) as ArrayRef)
    }

    fn to_array(v: ColumnarValue) -> ArrayRef {
        match v {
            ColumnarValue::Array(a) => a,
            ColumnarValue::Scalar(s) => s.to_array().unwrap(),
        }
    }

    pub(crate) fn bools_of(v: ColumnarValue) -> Vec<Option<bool>> {
        let a = to_array(v);
        a.as_any().downcast_ref::<BooleanArray>().expect("a boolean result").iter().collect()
    }

    pub(crate) fn strings_of(v: ColumnarValue) -> Vec<Option<String>> {
        let a = to_array(v);
        if let Some(s) = a.as_any().downcast_ref::<StringArray>() {
            s.iter().map(|v| v.map(str::to_string)).collect()
        } else {
            let l = a.as_any().downcast_ref::<LargeStringArray>().expect("a string result");
            l.iter().map(|v| v.map(str::to_string)).collect()
        }
    }

    pub(crate) fn longs_of(v: ColumnarValue) -> Vec<Option<i64>> {
        let a = to_array(v);
        a.as_any().downcast_ref::<Int64Array>().expect("a long result").iter().collect()
    }

    /// Calls a function on scalars and returns its single boolean.
    pub(crate) fn call_bool(udf: &ScalarUDF, args: Vec<ColumnarValue>) -> bool {
        let r = invoke(udf, args).unwrap();
        assert!(matches!(r, ColumnarValue::Scalar(_)), "scalar arguments give a scalar");
        bools_of(r)[0].expect("never null")
    }

    /// Calls a function on scalars and returns its single string (`None` for null).
    pub(crate) fn call_str(udf: &ScalarUDF, args: Vec<ColumnarValue>) -> Option<String> {
        let r = invoke(udf, args).unwrap();
        assert!(matches!(r, ColumnarValue::Scalar(_)), "scalar arguments give a scalar");
        strings_of(r).into_iter().next().unwrap()
    }

    pub(crate) fn call_long(udf: &ScalarUDF, args: Vec<ColumnarValue>) -> Option<i64> {
        let r = invoke(udf, args).unwrap();
        longs_of(r)[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_one_to_one() {
        assert_eq!(fold("AbC"), "abc");
        assert_eq!(fold("ÉCOLE"), "école");
        // U+212A KELVIN SIGN lowers to ASCII 'k': kept, so term boundaries do not move.
        assert_eq!(fold("\u{212A}"), "\u{212A}");
        // U+0130 lowers to two characters: kept.
        assert_eq!(fold("\u{130}"), "\u{130}");
        assert!(eq_fold("Straße", "STRAßE"));
        assert!(!eq_fold("a", "b"));
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str_array(["a\"b", "c\\d", "\n", "\u{1}"]), r#"["a\"b","c\\d","\n","\u0001"]"#);
        assert_eq!(json_str_array(Vec::<&str>::new()), "[]");
    }
}
