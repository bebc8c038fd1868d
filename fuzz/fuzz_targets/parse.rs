//! Fuzz target: `kql_syntax::parse` on arbitrary text must not panic, overflow the stack or
//! hang, and every diagnostic must point inside the input on character boundaries.
#![no_main]

use kql_syntax::{LineIndex, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is made valid rather than skipped, so no input is wasted; the replacement
    // character is a multi-byte character, which the span checks below are about.
    let text = String::from_utf8_lossy(data);
    let parsed = parse(&text);
    let index = LineIndex::new(&text);
    for d in &parsed.diagnostics {
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        assert!(start <= end && end <= text.len(), "span {start}..{end} outside {} bytes", text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "span {start}..{end} splits a char");
        let at = index.line_col(&text, d.span.start);
        assert!(at.line >= 1 && at.column >= 1);
    }
    let _ = parsed.has_errors();
});
