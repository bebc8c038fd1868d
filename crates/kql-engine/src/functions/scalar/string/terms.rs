//! Term matching: `has`, `has_cs`, `hasprefix`, `hasprefix_cs`, `hassuffix`, `hassuffix_cs`,
//! `has_any`, `has_all`; and the substring matcher they share with `contains`.
//!
//! Kusto breaks a string into terms, the maximal runs of ASCII alphanumeric characters
//! (<https://learn.microsoft.com/kusto/query/datatypes-string-operators>, "What is a term?"):
//! `"North America" has "america"` is true and `"North America" has "amer"` is false
//! (<https://learn.microsoft.com/kusto/query/has-operator>). A needle matches where it occurs
//! without cutting a term: where its first character is alphanumeric the character before the
//! match must not be, and where its last character is alphanumeric the character after it must
//! not be. A needle made of several terms (`"cmd.exe"`) therefore matches those terms in
//! sequence. `hasprefix` only checks the start (`"North America" hasprefix "ame"`,
//! <https://learn.microsoft.com/kusto/query/hasprefix-operator>), `hassuffix` only the end
//! (`"North America" hassuffix "ica"`, <https://learn.microsoft.com/kusto/query/hassuffix-operator>).
//! The index's minimum term length (three or four characters) only affects speed in Kusto, not
//! results, and plays no part here. An empty needle matches every string.

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::fast::FixedState;

use datafusion::arrow::array::{Array, BooleanArray, StringArray};
use datafusion::arrow::buffer::BooleanBuffer;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};
use memchr::memmem::Finder;

use super::common::{KqlFunction, Param, Strs, finish, finish_bool, fold, fold_into, result_len, strs};
use super::format;

/// Where a match must fall relative to terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Anywhere (`contains`).
    Anywhere,
    /// On whole terms (`has`).
    Whole,
    /// At the start of a term (`hasprefix`).
    Prefix,
    /// At the end of a term (`hassuffix`).
    Suffix,
}

/// One needle, prepared once: folded when case-insensitive, with its searcher built.
pub(crate) struct Matcher {
    needle: Vec<u8>,
    finder: Finder<'static>,
    left: bool,
    right: bool,
    ci: bool,
    ascii: bool,
}

impl Matcher {
    pub(crate) fn new(needle: &str, anchor: Anchor, ci: bool) -> Matcher {
        let needle = if ci { fold(needle).into_bytes() } else { needle.as_bytes().to_vec() };
        let first = needle.first().is_some_and(u8::is_ascii_alphanumeric);
        let last = needle.last().is_some_and(u8::is_ascii_alphanumeric);
        let (left, right) = match anchor {
            Anchor::Anywhere => (false, false),
            Anchor::Whole => (first, last),
            Anchor::Prefix => (first, false),
            Anchor::Suffix => (false, last),
        };
        let finder = Finder::new(&needle).into_owned();
        let ascii = needle.is_ascii();
        Matcher { needle, finder, left, right, ci, ascii }
    }

    /// Searches `hay`, already folded when the matcher is case-insensitive.
    #[inline]
    pub(crate) fn find_in(&self, hay: &[u8]) -> bool {
        let n = self.needle.len();
        if n == 0 {
            return true;
        }
        let mut from = 0;
        while from + n <= hay.len() {
            let Some(p) = self.finder.find(&hay[from..]) else {
                return false;
            };
            let pos = from + p;
            let end = pos + n;
            let left_ok = !self.left || pos == 0 || !hay[pos - 1].is_ascii_alphanumeric();
            let right_ok = !self.right || end == hay.len() || !hay[end].is_ascii_alphanumeric();
            if left_ok && right_ok {
                return true;
            }
            from = pos + 1;
        }
        false
    }

    /// Searches a value as it is, folding it into `scratch` when needed.
    pub(crate) fn matches(&self, hay: &str, scratch: &mut String) -> bool {
        if !self.ci {
            return self.find_in(hay.as_bytes());
        }
        if self.needle.is_empty() {
            return true;
        }
        if hay.is_ascii() {
            if !self.ascii {
                return false;
            }
            scratch.clear();
            scratch.push_str(hay);
            scratch.make_ascii_lowercase();
        } else {
            fold_into(hay, scratch);
        }
        self.find_in(scratch.as_bytes())
    }

    /// Searches every value of `array`. Case-insensitive search lowers the array's whole value
    /// buffer once (ASCII lowering, enough for any ASCII needle since folding never maps a
    /// non-ASCII character to ASCII) and allocates nothing per row.
    pub(crate) fn match_array(&self, array: &StringArray) -> BooleanBuffer {
        let offsets = array.value_offsets();
        let data = array.value_data();
        let len = array.len();
        let base = offsets[0] as usize;
        let range = |i: usize| {
            if array.is_null(i) { (0, 0) } else { (offsets[i] as usize - base, offsets[i + 1] as usize - base) }
        };
        let values = &data[base..offsets[len] as usize];
        if !self.ci {
            return BooleanBuffer::collect_bool(len, |i| {
                let (s, e) = range(i);
                self.find_in(&values[s..e])
            });
        }
        if self.ascii {
            let mut lowered = values.to_vec();
            lowered.make_ascii_lowercase();
            return BooleanBuffer::collect_bool(len, |i| {
                let (s, e) = range(i);
                self.find_in(&lowered[s..e])
            });
        }
        let mut scratch = String::new();
        BooleanBuffer::collect_bool(len, |i| {
            let value = if array.is_null(i) { "" } else { array.value(i) };
            self.matches(value, &mut scratch)
        })
    }
}

/// `haystack OP needle` for one of the single-needle operators.
pub(crate) fn match_kernel(args: &[ColumnarValue], rows: usize, anchor: Anchor, ci: bool) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let hay = strs(&args[0])?;
    let needle = strs(&args[1])?;
    let mut scratch = String::new();
    match (&hay, needle.scalar()) {
        (Strs::Array(array), Some(n)) => {
            let m = Matcher::new(n, anchor, ci);
            finish(Arc::new(BooleanArray::new(m.match_array(array), None)), scalar)
        }
        (_, Some(n)) => {
            let m = Matcher::new(n, anchor, ci);
            finish_bool(len, scalar, |i| m.matches(hay.get(i), &mut scratch))
        }
        (_, None) => {
            finish_bool(len, scalar, |i| Matcher::new(needle.get(i), anchor, ci).matches(hay.get(i), &mut scratch))
        }
    }
}

/// The values of a list argument of `has_any`, `has_all` or `in~`: a dynamic array gives its
/// elements (JSON strings unquoted, other values as JSON text, nulls skipped), anything else one
/// string. `None` when some argument varies by row.
pub(crate) fn constant_list(args: &[ColumnarValue]) -> Result<Option<Vec<String>>> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            ColumnarValue::Array(_) => return Ok(None),
            ColumnarValue::Scalar(ScalarValue::LargeUtf8(Some(json))) => push_dynamic_items(json, &mut out),
            ColumnarValue::Scalar(ScalarValue::LargeUtf8(None)) => {}
            scalar => out.push(strs(scalar)?.get(0).to_string()),
        }
    }
    Ok(Some(out))
}

/// The values of list arguments for one row, when some vary by row.
pub(crate) fn row_list(args: &[ColumnarValue], i: usize, out: &mut Vec<String>) -> Result<()> {
    out.clear();
    for arg in args {
        let array = match arg {
            ColumnarValue::Array(a) => Arc::clone(a),
            ColumnarValue::Scalar(s) => s.to_array()?,
        };
        let row = if array.len() == 1 { 0 } else { i };
        if array.data_type() == &DataType::LargeUtf8 {
            if !array.is_null(row) {
                let json = array
                    .as_any()
                    .downcast_ref::<datafusion::arrow::array::LargeStringArray>()
                    .expect("LargeUtf8")
                    .value(row);
                push_dynamic_items(json, out);
            }
        } else {
            let mut s = String::new();
            format::write_value(array.as_ref(), row, &mut s)?;
            out.push(s);
        }
    }
    Ok(())
}

fn push_dynamic_items(json: &str, out: &mut Vec<String>) {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Array(items)) => {
            for item in items {
                match item {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => out.push(s),
                    other => out.push(other.to_string()),
                }
            }
        }
        Ok(serde_json::Value::Null) => {}
        Ok(serde_json::Value::String(s)) => out.push(s),
        Ok(other) => out.push(other.to_string()),
        Err(_) => out.push(json.to_string()),
    }
}

/// Many needles, matched in one pass per value: needles that are a single term are looked up
/// in a table while the value's terms are scanned; the others are searched one by one.
struct NeedleSet {
    /// Single-term needles (folded), each with its index among the distinct needles. Looked up
    /// for every term of every value: foldhash, not SipHash.
    terms: HashMap<Vec<u8>, usize, FixedState>,
    /// The other needles, with their index.
    others: Vec<(usize, Matcher)>,
    /// How many distinct needles there are.
    count: usize,
    /// Whether some needle is empty (it matches every value).
    empty: bool,
    /// Whether some needle of `others` is not ASCII (needs values folded, not just lowered).
    needs_fold: bool,
    ci: bool,
}

impl NeedleSet {
    fn new(needles: &[String], ci: bool) -> NeedleSet {
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut set =
            NeedleSet { terms: HashMap::default(), others: Vec::new(), count: 0, empty: false, needs_fold: false, ci };
        for needle in needles {
            if needle.is_empty() {
                set.empty = true;
                continue;
            }
            let key = if ci { fold(needle).into_bytes() } else { needle.as_bytes().to_vec() };
            if seen.contains_key(&key) {
                continue;
            }
            let index = set.count;
            set.count += 1;
            seen.insert(key.clone(), index);
            if key.iter().all(u8::is_ascii_alphanumeric) {
                set.terms.insert(key, index);
            } else {
                set.needs_fold |= !key.is_ascii();
                set.others.push((index, Matcher::new(needle, Anchor::Whole, ci)));
            }
        }
        set
    }

    /// Counts the needles that `lowered` (the value, ASCII-lowered when case-insensitive) has;
    /// `folded` is the fully folded value when some needle needs it. Without `all`, stops at
    /// the first needle found; with `all`, marks needles in `found` so that each counts once.
    fn scan(&self, lowered: &[u8], folded: Option<&[u8]>, found: &mut [bool], all: bool) -> usize {
        if all {
            found.fill(false);
        }
        let mut hits = 0;
        if !self.terms.is_empty() {
            let mut i = 0;
            while i < lowered.len() {
                if !lowered[i].is_ascii_alphanumeric() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < lowered.len() && lowered[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                if let Some(&index) = self.terms.get(&lowered[start..i]) {
                    if !all {
                        return 1;
                    }
                    if !found[index] {
                        found[index] = true;
                        hits += 1;
                        if hits == self.count {
                            return hits;
                        }
                    }
                }
            }
        }
        for (index, m) in &self.others {
            if all && found[*index] {
                continue;
            }
            let hay = if m.ascii { lowered } else { folded.unwrap_or(lowered) };
            if m.find_in(hay) {
                if !all {
                    return 1;
                }
                found[*index] = true;
                hits += 1;
            }
        }
        hits
    }

    /// Whether `value` has any (or, with `all`, every) needle.
    fn test(&self, value: &str, lowered: &[u8], scratch: &mut String, found: &mut [bool], all: bool) -> bool {
        if self.empty && !all {
            return true;
        }
        if self.count == 0 {
            return all;
        }
        let folded = if self.ci && self.needs_fold && !value.is_ascii() {
            fold_into(value, scratch);
            Some(scratch.as_bytes())
        } else {
            None
        };
        let hits = self.scan(lowered, folded, found, all);
        if all { hits == self.count } else { hits > 0 }
    }
}

/// `has_any` (`all == false`) and `has_all` (`all == true`).
fn many_kernel(args: &[ColumnarValue], rows: usize, all: bool) -> Result<ColumnarValue> {
    let ci = true;
    let (len, scalar) = result_len(args, rows);
    let hay = strs(&args[0])?;
    let mut scratch = String::new();
    let mut lowered_row = String::new();
    let Some(needles) = constant_list(&args[1..])? else {
        // Needles that vary by row: prepared per row.
        let mut list = Vec::new();
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            row_list(&args[1..], i, &mut list)?;
            let set = NeedleSet::new(&list, ci);
            let mut found = vec![false; set.count];
            let value = hay.get(i);
            lowered_row.clear();
            lowered_row.push_str(value);
            lowered_row.make_ascii_lowercase();
            out.push(set.test(value, lowered_row.as_bytes(), &mut scratch, &mut found, all));
        }
        return finish_bool(len, scalar, |i| out[i]);
    };
    let set = NeedleSet::new(&needles, ci);
    let mut found = vec![false; set.count];
    match &hay {
        Strs::Array(array) => {
            let offsets = array.value_offsets();
            let base = offsets[0] as usize;
            let mut lowered = array.value_data()[base..offsets[array.len()] as usize].to_vec();
            lowered.make_ascii_lowercase();
            finish_bool(len, scalar, |i| {
                if array.is_null(i) {
                    return set.test("", b"", &mut scratch, &mut found, all);
                }
                let row = &lowered[offsets[i] as usize - base..offsets[i + 1] as usize - base];
                set.test(array.value(i), row, &mut scratch, &mut found, all)
            })
        }
        Strs::Scalar(value) => {
            let lowered = value.to_ascii_lowercase();
            finish_bool(len, scalar, |_| set.test(value, lowered.as_bytes(), &mut scratch, &mut found, all))
        }
    }
}

fn has(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Whole, true)
}
fn has_cs(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Whole, false)
}
fn hasprefix(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Prefix, true)
}
fn hasprefix_cs(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Prefix, false)
}
fn hassuffix(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Suffix, true)
}
fn hassuffix_cs(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    match_kernel(args, rows, Anchor::Suffix, false)
}
fn has_any(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    many_kernel(args, rows, false)
}
fn has_all(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    many_kernel(args, rows, true)
}

const TWO_STRINGS: &[Param] = &[Param::Str, Param::Str];

/// The most needles `has_any`/`has_all` take as separate arguments (Kusto considers up to
/// 10,000 distinct values); a dynamic array argument counts as one.
const MAX_NEEDLE_ARGS: usize = 10_001;

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/has-operator
        KqlFunction::new("kql_has", TWO_STRINGS, 2, DataType::Boolean, has).udf(),
        // https://learn.microsoft.com/kusto/query/has-cs-operator
        KqlFunction::new("kql_has_cs", TWO_STRINGS, 2, DataType::Boolean, has_cs).udf(),
        // https://learn.microsoft.com/kusto/query/hasprefix-operator
        KqlFunction::new("kql_hasprefix", TWO_STRINGS, 2, DataType::Boolean, hasprefix).udf(),
        // https://learn.microsoft.com/kusto/query/hasprefix-cs-operator
        KqlFunction::new("kql_hasprefix_cs", TWO_STRINGS, 2, DataType::Boolean, hasprefix_cs).udf(),
        // https://learn.microsoft.com/kusto/query/hassuffix-operator
        KqlFunction::new("kql_hassuffix", TWO_STRINGS, 2, DataType::Boolean, hassuffix).udf(),
        // https://learn.microsoft.com/kusto/query/hassuffix-cs-operator
        KqlFunction::new("kql_hassuffix_cs", TWO_STRINGS, 2, DataType::Boolean, hassuffix_cs).udf(),
        // https://learn.microsoft.com/kusto/query/has-any-operator: `has` on each of the
        // values ("Same as has but works on any of the elements"); arguments may be strings or
        // dynamic arrays of them.
        KqlFunction::new("kql_has_any", TWO_STRINGS, 2, DataType::Boolean, has_any).variadic(MAX_NEEDLE_ARGS).udf(),
        // https://learn.microsoft.com/kusto/query/has-all-operator
        KqlFunction::new("kql_has_all", TWO_STRINGS, 2, DataType::Boolean, has_all).variadic(MAX_NEEDLE_ARGS).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    fn has(hay: &str, needle: &str) -> bool {
        call_bool(&udf("kql_has"), vec![s(hay), s(needle)])
    }

    #[test]
    fn has_matches_whole_terms() {
        // Examples of the has operator page.
        assert!(has("North America", "america"));
        assert!(!has("North America", "amer"));
        assert!(call_bool(&udf("kql_has_cs"), vec![s("North America"), s("America")]));
        assert!(!call_bool(&udf("kql_has_cs"), vec![s("North America"), s("america")]));
        assert!(!call_bool(&udf("kql_has_cs"), vec![s("North America"), s("amer")]));
        // Terms of the string-operators page example.
        let guid = "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;;WilliamGates3rd";
        for term in ["Kusto", "ad67d136", "c1db", "4f9f", "88ef", "d94f3b6b0b5a", "WilliamGates3rd", "williamgates3rd"]
        {
            assert!(has(guid, term), "{term}");
        }
        assert!(!has(guid, "William"));
        assert!(!has(guid, "Gates"));
    }

    #[test]
    fn has_with_punctuation_in_the_needle() {
        let path = r"C:\Windows\System32\cmd.exe";
        assert!(has(path, "cmd.exe"));
        assert!(has(path, "cmd"));
        assert!(has(path, "CMD.EXE"));
        assert!(has(path, r"\System32\"));
        assert!(has(path, r"windows\system32"));
        assert!(!has(path, "md"));
        assert!(!has(path, "md.exe"));
        assert!(!has(path, "cmd.ex"));
        // The needle would cut the terms "abc" and "def".
        assert!(!has("abc-def", "c-d"));
        assert!(has("abc-def", "abc-def"));
        assert!(has("abc-def", "-def"));
        assert!(has("abc-def", "-"));
        // A later occurrence on term boundaries is found after a failed one.
        assert!(has("xcmd.exe cmd.exe", "cmd.exe"));
        assert!(has("aaa-aa", "aa"));
    }

    #[test]
    fn has_empty_null_and_unicode() {
        assert!(has("abc", ""));
        assert!(has("", ""));
        assert!(!has("", "abc"));
        assert!(!call_bool(&udf("kql_has"), vec![null_str(), s("abc")]));
        assert!(call_bool(&udf("kql_has"), vec![null_str(), s("")]));
        // Non-ASCII letters are not term characters.
        assert!(has("café", "caf"));
        assert!(has("Café Noir", "CAFÉ"));
        assert!(has("ÉCOLE normale", "école"));
        assert!(!has("écoles", "école"));
        assert!(!call_bool(&udf("kql_has_cs"), vec![s("ÉCOLE"), s("école")]));
    }

    #[test]
    fn prefix_and_suffix() {
        // Examples of the hasprefix and hassuffix pages.
        assert!(call_bool(&udf("kql_hasprefix"), vec![s("North America"), s("ame")]));
        assert!(!call_bool(&udf("kql_hasprefix"), vec![s("North America"), s("mer")]));
        assert!(call_bool(&udf("kql_hasprefix_cs"), vec![s("North America"), s("Ame")]));
        assert!(!call_bool(&udf("kql_hasprefix_cs"), vec![s("North America"), s("CA")]));
        assert!(call_bool(&udf("kql_hassuffix"), vec![s("North America"), s("ica")]));
        assert!(!call_bool(&udf("kql_hassuffix"), vec![s("North America"), s("americ")]));
        assert!(call_bool(&udf("kql_hassuffix_cs"), vec![s("North America"), s("ica")]));
        assert!(!call_bool(&udf("kql_hassuffix_cs"), vec![s("North America"), s("icA")]));
        assert!(call_bool(&udf("kql_hassuffix"), vec![s("KANSAS"), s("as")]));
    }

    #[test]
    fn array_haystacks() {
        let hay = str_col(&[
            Some(r"C:\Windows\System32\cmd.exe"),
            None,
            Some("xcmd"),
            Some("CMD"),
            Some("ÇMD cmd"),
            Some(""),
        ]);
        let r = invoke(&udf("kql_has"), vec![hay.clone(), s("cmd")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false), Some(true), Some(true), Some(false)]);
        let r = invoke(&udf("kql_has_cs"), vec![hay.clone(), s("cmd")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false), Some(false), Some(true), Some(false)]);
        let r = invoke(&udf("kql_has"), vec![hay.clone(), s("çmd")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(false), Some(false), Some(false), Some(false), Some(true), Some(false)]);
        let r = invoke(&udf("kql_has"), vec![hay.clone(), s("")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true); 6]);
        // Per-row needles.
        let needles = str_col(&[Some("system32"), Some("x"), Some("cmd"), Some("cmd"), None, Some("a")]);
        let r = invoke(&udf("kql_has"), vec![hay, needles]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false), Some(true), Some(true), Some(false)]);
    }

    #[test]
    fn sliced_arrays_use_their_own_offsets() {
        let array = StringArray::from(vec!["cmd", "zzz", "cmd.exe", "CMD"]);
        let sliced = array.slice(1, 3);
        let r = invoke(&udf("kql_has"), vec![ColumnarValue::Array(Arc::new(sliced)), s("cmd")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(false), Some(true), Some(true)]);
    }

    #[test]
    fn has_any_and_has_all() {
        let any = udf("kql_has_any");
        let all = udf("kql_has_all");
        // has_any page: "North America" has_any("south", "north").
        assert!(call_bool(&any, vec![s("North America"), s("south"), s("north")]));
        assert!(!call_bool(&any, vec![s("North America"), s("south"), s("nort")]));
        assert!(call_bool(&any, vec![s("SOUTH DAKOTA"), dynamic(r#"["south","north"]"#)]));
        assert!(call_bool(&any, vec![s(r"C:\x\AnyDesk.exe"), s("teamviewer"), s("anydesk.exe")]));
        assert!(!call_bool(&any, vec![s("abc-def"), s("c-d"), s("xyz")]));
        assert!(call_bool(&all, vec![s("North America"), s("america"), s("NORTH")]));
        assert!(!call_bool(&all, vec![s("North America"), s("america"), s("south")]));
        assert!(call_bool(&all, vec![s("a.b c"), dynamic(r#"["a.b","C","c"]"#)]));
        assert!(!call_bool(&any, vec![s("abc"), dynamic("[]")]));
        assert!(call_bool(&any, vec![null_str(), s("")]));
        assert!(!call_bool(&any, vec![null_str(), s("a")]));
        assert!(call_bool(&any, vec![s("Öl und Wasser"), s("öl")]));
        assert!(call_bool(&all, vec![s("Öl und Wasser"), s("öl"), s("wasser")]));

        let hay = str_col(&[Some("NORTH CAROLINA"), Some("NEW YORK"), Some("TEXAS"), None, Some("new-york")]);
        let r = invoke(&any, vec![hay.clone(), s("CAROLINA"), s("DAKOTA"), s("NEW")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(true), Some(false), Some(false), Some(true)]);
        let r = invoke(&all, vec![hay.clone(), s("new"), s("york")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(false), Some(true), Some(false), Some(false), Some(true)]);
        // Needles varying by row.
        let needles = str_col(&[Some("north"), Some("x"), Some("texas"), Some(""), Some("york")]);
        let r = invoke(&any, vec![hay, needles, s("zzz")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(true), Some(true), Some(true)]);
    }
}
