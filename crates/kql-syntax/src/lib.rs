//! Lexer, parser and AST for the Kusto Query Language (KQL).
//!
//! First stage of Quarry's data flow: text in, an AST with a byte [`Span`] on every node and a
//! list of [`Diagnostic`]s out. Nothing here knows about tables, types or execution; the binder in
//! `kql-semantics` takes the AST from here.
//!
//! ```
//! let parsed = kql_syntax::parse("DeviceProcessEvents | where FileName has 'anydesk'");
//! assert!(parsed.diagnostics.is_empty());
//! assert_eq!(parsed.script.statements.len(), 1);
//! ```
//!
//! Parsing never panics and always returns a tree: on a syntax error the parser records a
//! diagnostic, skips to a point where it can go on (the next `|`, `;` or closing bracket), and
//! keeps parsing, so one run reports more than the first error.

#![deny(missing_docs)]

pub mod ast;
mod diagnostic;
mod lexer;
mod line_index;
mod parser;
mod span;
mod token;

pub use diagnostic::{Diagnostic, Label, Severity, codes};
pub use lexer::{Lexer, tokenize};
pub use line_index::{LineCol, LineIndex};
pub use span::Span;
pub use token::{Token, TokenKind};

/// The result of parsing: always a tree, plus every problem found.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The statements of the script; parts that failed to parse become error nodes.
    pub script: ast::Script,
    /// Syntax errors and warnings in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Parses a KQL script: `let`, `set`, `declare` and query statements separated by `;`.
///
/// Inputs longer than `u32::MAX` bytes are rejected with a diagnostic, since spans are `u32`.
pub fn parse(source: &str) -> Parsed {
    parser::parse_script(source)
}

#[cfg(test)]
mod size_tests {
    use crate::ast::{Expr, Operator};

    /// The tree's memory is proportional to the input only if nodes stay small: a pipeline of
    /// 200,000 `| where` operators must not cost gigabytes. Box rare, large variants instead.
    #[test]
    fn nodes_stay_small() {
        assert!(size_of::<Expr>() <= 80, "Expr grew to {} bytes", size_of::<Expr>());
        assert!(size_of::<Operator>() <= 216, "Operator grew to {} bytes", size_of::<Operator>());
    }
}
