//! Substring and equality operators: `contains`, `contains_cs`, `startswith`, `startswith_cs`,
//! `endswith`, `endswith_cs`, `=~` and `in~`.
//!
//! Case-insensitive forms compare with simple case folding (one character to one character),
//! as an ordinal case-insensitive comparison does. Strings are never null in Kusto: a null is
//! compared as `""`, so every result is `true` or `false`.

use std::collections::HashSet;

// foldhash: SipHash of every row's folded text was a tenth of a pack hunt's time.
use foldhash::fast::FixedState;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, eq_fold, finish_bool, fold, fold_into, result_len, strs};
use super::terms::{Anchor, constant_list, match_kernel, row_list};

fn contains(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Anywhere, true)
}

fn contains_cs(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Anywhere, false)
}

/// `startswith` (`suffix == false`) and `endswith` (`suffix == true`).
fn affix_kernel(args: &[ColumnarValue], rows: usize, ci: bool, suffix: bool) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let hay = strs(&args[0])?;
    let needle = strs(&args[1])?;
    let mut scratch = String::new();
    let mut folded_needle = String::new();
    let constant = needle.scalar().map(|n| if ci { fold(n) } else { n.to_string() });
    finish_bool(len, scalar, |i| {
        let n: &str = match &constant {
            Some(n) => n,
            None if ci => {
                fold_into(needle.get(i), &mut folded_needle);
                &folded_needle
            }
            None => needle.get(i),
        };
        let h = hay.get(i);
        if !ci {
            return if suffix { h.ends_with(n) } else { h.starts_with(n) };
        }
        if n.is_ascii() {
            let (h, n) = (h.as_bytes(), n.as_bytes());
            if h.len() < n.len() {
                return false;
            }
            let part = if suffix { &h[h.len() - n.len()..] } else { &h[..n.len()] };
            return part.eq_ignore_ascii_case(n);
        }
        fold_into(h, &mut scratch);
        if suffix { scratch.ends_with(n) } else { scratch.starts_with(n) }
    })
}

fn startswith(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    affix_kernel(args, rows, true, false)
}
fn startswith_cs(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    affix_kernel(args, rows, false, false)
}
fn endswith(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    affix_kernel(args, rows, true, true)
}
fn endswith_cs(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    affix_kernel(args, rows, false, true)
}

/// `a =~ b`.
fn equals_ci(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let a = strs(&args[0])?;
    let b = strs(&args[1])?;
    finish_bool(len, scalar, |i| eq_fold(a.get(i), b.get(i)))
}

/// `value in~ (item, ...)`: items may be strings or dynamic arrays of them.
fn in_ci(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let value = strs(&args[0])?;
    let mut scratch = String::new();
    match constant_list(&args[1..])? {
        Some(items) => {
            let set: HashSet<String, FixedState> = items.iter().map(|s| fold(s)).collect();
            finish_bool(len, scalar, |i| {
                fold_into(value.get(i), &mut scratch);
                set.contains(scratch.as_str())
            })
        }
        None => {
            let mut list = Vec::new();
            let mut out = Vec::with_capacity(len);
            for i in 0..len {
                row_list(&args[1..], i, &mut list)?;
                let v = value.get(i);
                out.push(list.iter().any(|item| eq_fold(v, item)));
            }
            finish_bool(len, scalar, |i| out[i])
        }
    }
}

const TWO_STRINGS: &[Param] = &[Param::Str, Param::Str];

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/contains-operator
        KqlFunction::new("kql_contains", TWO_STRINGS, 2, DataType::Boolean, contains).udf(),
        // https://learn.microsoft.com/kusto/query/contains-cs-operator
        KqlFunction::new("kql_contains_cs", TWO_STRINGS, 2, DataType::Boolean, contains_cs).udf(),
        // https://learn.microsoft.com/kusto/query/startswith-operator
        KqlFunction::new("kql_startswith", TWO_STRINGS, 2, DataType::Boolean, startswith).udf(),
        // https://learn.microsoft.com/kusto/query/startswith-cs-operator
        KqlFunction::new("kql_startswith_cs", TWO_STRINGS, 2, DataType::Boolean, startswith_cs).udf(),
        // https://learn.microsoft.com/kusto/query/endswith-operator
        KqlFunction::new("kql_endswith", TWO_STRINGS, 2, DataType::Boolean, endswith).udf(),
        // https://learn.microsoft.com/kusto/query/endswith-cs-operator
        KqlFunction::new("kql_endswith_cs", TWO_STRINGS, 2, DataType::Boolean, endswith_cs).udf(),
        // https://learn.microsoft.com/kusto/query/equals-operator
        KqlFunction::new("kql_equals_ci", TWO_STRINGS, 2, DataType::Boolean, equals_ci).udf(),
        // https://learn.microsoft.com/kusto/query/in-operator (`in~`)
        KqlFunction::new("kql_in_ci", TWO_STRINGS, 2, DataType::Boolean, in_ci).variadic(1_000_001).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    fn op(name: &str, a: &str, b: &str) -> bool {
        call_bool(&udf(name), vec![s(a), s(b)])
    }

    #[test]
    fn documented_examples() {
        // The table of the string operators page.
        assert!(op("kql_contains", "FabriKam", "BRik"));
        assert!(!op("kql_contains", "Fabrikam", "xyz"));
        assert!(op("kql_contains_cs", "FabriKam", "Kam"));
        assert!(!op("kql_contains_cs", "Fabrikam", "Kam"));
        assert!(op("kql_startswith", "Fabrikam", "fab"));
        assert!(!op("kql_startswith", "Fabrikam", "kam"));
        assert!(op("kql_startswith_cs", "Fabrikam", "Fab"));
        assert!(!op("kql_startswith_cs", "Fabrikam", "fab"));
        assert!(op("kql_endswith", "Fabrikam", "Kam"));
        assert!(!op("kql_endswith", "Fabrikam", "brik"));
        assert!(op("kql_endswith_cs", "Fabrikam", "kam"));
        assert!(!op("kql_endswith_cs", "Fabrikam", "Kam"));
        assert!(op("kql_equals_ci", "abc", "ABC"));
        assert!(!op("kql_equals_ci", "aBc", "xyz"));
        assert!(call_bool(&udf("kql_in_ci"), vec![s("abc"), s("123"), s("345"), s("ABC")]));
        assert!(!call_bool(&udf("kql_in_ci"), vec![s("bca"), s("123"), s("345"), s("ABC")]));
    }

    #[test]
    fn empty_null_and_unicode() {
        assert!(op("kql_contains", "abc", ""));
        assert!(op("kql_contains", "", ""));
        assert!(!op("kql_contains", "", "a"));
        assert!(op("kql_startswith", "abc", ""));
        assert!(op("kql_endswith_cs", "", ""));
        assert!(call_bool(&udf("kql_equals_ci"), vec![null_str(), s("")]));
        assert!(call_bool(&udf("kql_equals_ci"), vec![null_str(), null_str()]));
        assert!(!call_bool(&udf("kql_contains"), vec![null_str(), s("a")]));
        assert!(call_bool(&udf("kql_in_ci"), vec![null_str(), s("x"), s("")]));
        assert!(op("kql_contains", "STRAẞE ÉTÉ", "été"));
        assert!(op("kql_startswith", "Éclair", "éCL"));
        assert!(op("kql_endswith", "café", "FÉ"));
        assert!(!op("kql_endswith", "é", "xé"));
        assert!(op("kql_equals_ci", "ÅNGSTRÖM", "ångström"));
        assert!(!op("kql_equals_ci", "a", "ab"));
        assert!(call_bool(&udf("kql_in_ci"), vec![s("Öl"), dynamic(r#"["x","öL"]"#)]));
        // Multi-byte characters are never split when comparing a byte prefix.
        assert!(!op("kql_startswith", "é", "a"));
    }

    #[test]
    fn arrays() {
        let hay = str_col(&[Some("Fabrikam"), None, Some("fab"), Some("FABRIKAM.EXE")]);
        let r = invoke(&udf("kql_startswith"), vec![hay.clone(), s("FAB")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(true), Some(true)]);
        let r = invoke(&udf("kql_contains"), vec![hay.clone(), s("rik")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false), Some(true)]);
        let r =
            invoke(&udf("kql_endswith"), vec![hay.clone(), str_col(&[Some("KAM"), Some(""), Some("x"), Some(".exe")])])
                .unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(true), Some(false), Some(true)]);
        let r = invoke(&udf("kql_equals_ci"), vec![hay.clone(), s("fabrikam")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false), Some(false)]);
        let r = invoke(&udf("kql_in_ci"), vec![hay.clone(), s("FAB"), s(""), dynamic(r#"["fabrikam.exe"]"#)]).unwrap();
        assert_eq!(bools_of(r), vec![Some(false), Some(true), Some(true), Some(true)]);
        let r = invoke(&udf("kql_in_ci"), vec![hay, str_col(&[Some("fabrikam"), Some("x"), Some("y"), Some("z")])])
            .unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false), Some(false)]);
    }
}
