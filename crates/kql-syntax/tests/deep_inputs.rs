//! Inputs that are deep (nested brackets, calls, function bodies) or long left-leaning chains
//! (`1 + 1 + ...`, `x.a.a...`): the parser must answer with a diagnostic or a tree, never
//! overflow the stack, and the tree it returns must also be dropped without overflowing.
//!
//! Each case runs on a thread with a 2 MiB stack, the size of Rust's test threads and of
//! rayon's and std's spawned threads, smaller than a main thread's 8 MiB. A stack overflow
//! aborts this whole test binary; the case being run is printed first (see `--nocapture`).

use std::thread;

use kql_syntax::{Parsed, parse};

fn check(text: &str) -> Parsed {
    let parsed = parse(text);
    for d in &parsed.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end as usize <= text.len(), "bad span {d:?}");
        assert!(text.is_char_boundary(d.span.start as usize) && text.is_char_boundary(d.span.end as usize));
    }
    parsed
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(f).expect("spawn").join().expect("parser panicked")
}

/// Builds `open` repeated `n` times, then `middle`, then `close` repeated `n` times.
fn nested(open: &str, middle: &str, close: &str, n: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * n + middle.len());
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..n {
        s.push_str(close);
    }
    s
}

fn assert_deep_input_is_an_error(what: &str, text: String) {
    let what = what.to_string();
    // Printed so that a stack overflow, which aborts the whole test binary, says which case.
    eprintln!("deep nesting case: {what}");
    on_small_stack(move || {
        let parsed = check(&text);
        assert!(parsed.has_errors(), "{what}: no error for {} bytes of deep nesting", text.len());
    });
}

#[test]
fn deeply_nested_parens_are_a_diagnostic_not_a_stack_overflow() {
    assert_deep_input_is_an_error("unclosed (", "(".repeat(100_000));
    assert_deep_input_is_an_error("print ((((", format!("print {}", "(".repeat(100_000)));
    assert_deep_input_is_an_error(
        "balanced parens in where",
        format!("T | where {}", nested("(", "x == 1", ")", 100_000)),
    );
    assert_deep_input_is_an_error("balanced tabular parens", format!("{} | take 1", nested("(", "T", ")", 100_000)));
}

#[test]
fn nested_function_bodies_are_a_diagnostic_not_a_stack_overflow() {
    assert_deep_input_is_an_error("function bodies", format!("{}print 1", "let f = () { ".repeat(100_000)));
    assert_deep_input_is_an_error("tabular function parameters", format!("{}print 1", "let f = (T: (".repeat(100_000)));
}

#[test]
fn other_deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    assert_deep_input_is_an_error("brackets", format!("print x{}", "[".repeat(100_000)));
    assert_deep_input_is_an_error("dynamic arrays", format!("print dynamic({})", nested("[", "1", "]", 100_000)));
    assert_deep_input_is_an_error("dynamic bags", format!("print dynamic({})", "{\"a\":".repeat(100_000)));
    assert_deep_input_is_an_error("not(", format!("print {}", nested("not(", "true", ")", 100_000)));
    assert_deep_input_is_an_error("calls", format!("print {}", nested("f(", "1", ")", 100_000)));
    assert_deep_input_is_an_error("subqueries", format!("T | where x in ({}", "T | where x in (".repeat(50_000)));
}

/// Parses and drops `text` on a small stack; returns whether it had errors.
fn long_input(what: &str, text: String) -> bool {
    eprintln!("long input case: {what}");
    on_small_stack(move || check(&text).has_errors())
}

#[test]
fn moderately_long_chains_are_valid() {
    // Long but shallow inputs must not be mistaken for deep ones. Left-leaning chains
    // (`a + b + ...`, `x.a.b...`, `x[0][1]...`) count against the parser's tree-depth limit (2,000),
    // so they are tested below it; and/or chains, pipelines and statements are flat, so they
    // are tested far beyond any real rule.
    assert!(!long_input("sum", format!("print {}", vec!["1"; 1_500].join(" + "))));
    assert!(!long_input("member access", format!("print x{}", ".a".repeat(1_500))));
    assert!(!long_input("indexing", format!("print x{}", "[0]".repeat(1_500))));
    assert!(!long_input("and", format!("T | where {}", vec!["x == 1"; 100_000].join(" and "))));
    assert!(!long_input("or", format!("T | where {}", vec!["x == 1"; 100_000].join(" or "))));
    assert!(!long_input("pipeline", format!("T{}", " | take 1".repeat(10_000))));
    assert!(!long_input("lets", format!("{}print 1", "let f = 1; ".repeat(10_000))));
    assert!(!long_input("columns", format!("T | project {}", vec!["x"; 100_000].join(", "))));
    assert!(!long_input("list", format!("T | where x in ({})", vec!["1"; 100_000].join(", "))));
}

#[test]
fn very_long_chains_do_not_overflow_the_stack() {
    // 100,000 terms: either parsed (Kusto accepts these) or rejected with a diagnostic, but
    // neither parsing nor dropping the tree may recurse once per term.
    long_input("sum", format!("print {}", vec!["1"; 100_000].join(" + ")));
    long_input("and", format!("T | where {}", vec!["x == 1"; 100_000].join(" and ")));
    long_input("pipeline", format!("T{}", " | take 1".repeat(100_000)));
    long_input("lets", format!("{}print 1", "let f = 1; ".repeat(100_000)));
    long_input("member access", format!("print x{}", ".a".repeat(100_000)));
    long_input("indexing", format!("print x{}", "[0]".repeat(100_000)));
    long_input("unary minus", format!("print {}1", "-".repeat(100_000)));
}
