//! The parser's robustness promises: it never panics, and every diagnostic it gives points
//! inside the input on character boundaries. Stack-depth cases are in `deep_inputs.rs`, a
//! separate test binary because a stack overflow aborts the whole binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;

use kql_syntax::{Parsed, parse};
use proptest::prelude::*;

/// Parses `text` and checks the invariants every result must keep.
fn check(text: &str) -> Parsed {
    let parsed = parse(text);
    let len = text.len() as u32;
    for d in &parsed.diagnostics {
        let (start, end) = (d.span.start, d.span.end);
        assert!(start <= end, "diagnostic {d:?} has start after end, input {text:?}");
        assert!(end <= len, "diagnostic {d:?} ends past the input ({len} bytes), input {text:?}");
        assert!(
            text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize),
            "diagnostic {d:?} splits a character, input {text:?}"
        );
        assert!(
            d.code.len() == 5 && d.code.starts_with("KS") && d.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "diagnostic code {:?} is not KSnnn",
            d.code
        );
        assert!(!d.message.is_empty(), "diagnostic {d:?} has an empty message");
    }
    parsed
}

/// Runs `f` on a thread with a 2 MiB stack: the size of Rust's test and worker threads, and
/// smaller than a main thread's, so a parser that recurses without bound fails here.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("parser panicked or overflowed its stack")
}

/// Pieces of KQL (and of things that are almost KQL) to glue together at random.
const TOKENS: &[&str] = &[
    // sources and names
    "DeviceProcessEvents",
    "DeviceNetworkEvents",
    "DeviceFileEvents",
    "T",
    "FileName",
    "ProcessCommandLine",
    "Timestamp",
    "x",
    "['a b']",
    "[\"c\"]",
    "$left",
    "$right",
    "$left.DeviceId",
    "Device*",
    "*",
    "count",
    "type",
    "kind",
    "title",
    "_x1",
    // statements
    "let",
    "set",
    "declare",
    "query_parameters",
    "materialize",
    "toscalar",
    // tabular operators
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "by",
    "bin",
    "join",
    "kind",
    "inner",
    "leftouter",
    "leftanti",
    "hint.strategy",
    "shuffle",
    "on",
    "lookup",
    "union",
    "withsource",
    "isfuzzy",
    "sort",
    "order",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "top",
    "take",
    "limit",
    "distinct",
    "count",
    "mv-expand",
    "mvexpand",
    "mv-apply",
    "to",
    "typeof",
    "bagexpansion",
    "with_itemindex",
    "parse",
    "parse-where",
    "parse-kv",
    "with",
    "regex",
    "make-series",
    "from",
    "step",
    "default",
    "render",
    "evaluate",
    "invoke",
    "as",
    "serialize",
    "sample",
    "search",
    "find",
    "in",
    "top-nested",
    "of",
    "others",
    "getschema",
    "externaldata",
    "datatable",
    "print",
    "range",
    "scan",
    "declare",
    "step",
    "=>",
    "partition",
    "reduce",
    "make-graph",
    "-->",
    "graph-match",
    "fork",
    "facet",
    "project-smart",
    // scalar operators
    "and",
    "or",
    "not",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "=~",
    "!~",
    "has",
    "!has",
    "has_cs",
    "hasprefix",
    "!hassuffix_cs",
    "contains",
    "!contains",
    "startswith",
    "endswith_cs",
    "in~",
    "!in",
    "!in~",
    "has_any",
    "has_all",
    "between",
    "!between",
    "..",
    "matches",
    "+",
    "-",
    "*",
    "/",
    "%",
    "=",
    ".",
    "?",
    "!",
    "@",
    "#",
    "`",
    "\\",
    "$",
    // punctuation
    "|",
    "|",
    "|",
    ";",
    ",",
    "(",
    ")",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    // literals, complete and broken
    "1",
    "0",
    "1.5",
    "1e3",
    "1e",
    "0x1F",
    "0x",
    "-1",
    "5d",
    "1h",
    "30m",
    "10s",
    "100ms",
    "1.5h",
    "time(1.02:03:04)",
    "datetime(2024-01-01)",
    "datetime(2024-01-01T10:00:00.1234567Z)",
    "datetime(null)",
    "datetime(",
    "dynamic([1,\"a\",{\"k\":2}])",
    "dynamic(null)",
    "dynamic({",
    "long(null)",
    "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
    "true",
    "false",
    "'a'",
    "\"b\"",
    "@'c:\\d'",
    "@\"e\"\"f\"",
    "h'secret'",
    "H@\"x\"",
    "```multi\nline```",
    "```",
    "'unterminated",
    "\"unterminated",
    "'esc\\'aped'",
    "\"\\u00e9\"",
    "@'",
    "h",
    "'é'",
    "\"😀\"",
    // trivia and oddities
    " ",
    " ",
    " ",
    "\n",
    "\r\n",
    "\t",
    "// comment\n",
    "//",
    "/*",
    "*/",
    "<<<<<<< HEAD\n",
    "=======\n",
    ">>>>>>> branch\n",
    "é",
    "😀",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|toks| {
        // Mostly separate tokens with a space, sometimes glue them together.
        let mut out = String::new();
        for (i, t) in toks.iter().enumerate() {
            if i % 3 != 2 {
                out.push(' ');
            }
            out.push_str(t);
        }
        out
    })
}

proptest! {
    // No failure persistence: proptest cannot find a lib.rs for an integration test, and a
    // failure prints its shrunk input anyway.
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn printable_ascii_never_panics(text in "[ -~\n\t\r]{0,300}") {
        check(&text);
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check(&text);
    }

    #[test]
    fn token_soup_after_a_valid_prefix_never_panics(text in token_soup()) {
        check(&format!("DeviceProcessEvents\n| where {text}"));
        check(&format!("let x = {text};\nDeviceFileEvents | take 1"));
        check(&format!("DeviceNetworkEvents | summarize count() by {text} | project {text}"));
    }
}

fn ok_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ok");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "kql"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_prefix_of_every_ok_fixture_is_handled() {
    on_small_stack(|| {
        for path in ok_fixtures() {
            let text = fs::read_to_string(&path).expect("read fixture");
            for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                check(&text[..i]);
            }
        }
    });
}

#[test]
fn every_suffix_of_every_ok_fixture_is_handled() {
    on_small_stack(|| {
        for path in ok_fixtures() {
            let text = fs::read_to_string(&path).expect("read fixture");
            for (i, _) in text.char_indices() {
                check(&text[i..]);
            }
        }
    });
}
