//! Parse diagnostics: a stable code, a severity, a message and the span it is about.
//! Rendering (source line, caret, colours, JSON) is the caller's job.

use crate::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The query is not valid KQL.
    Error,
    /// Valid, but probably not what was meant.
    Warning,
}

impl Severity {
    /// Lower-case name, as used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `KS` followed by three digits; see [`codes`].
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What was wrong, e.g. "expected `)` but found `|`".
    pub message: String,
    /// Where it is.
    pub span: Span,
    /// An optional hint on how to fix it.
    pub help: Option<String>,
    /// Other places that explain the problem, e.g. where an unclosed bracket was opened.
    pub labels: Vec<Label>,
}

/// A secondary place in the source with a short note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it is, e.g. "the `(` opened here".
    pub message: String,
}

impl Diagnostic {
    /// An error with `code` and `message` at `span`.
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic { code, severity: Severity::Error, message: message.into(), span, help: None, labels: Vec::new() }
    }

    /// A warning with `code` and `message` at `span`.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message, span) }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The syntax diagnostic codes. Numbers are never reused.
pub mod codes {
    /// A token that the grammar does not allow here (the message says what was expected).
    pub const UNEXPECTED_TOKEN: &str = "KS001";
    /// A string literal with no closing quote.
    pub const UNTERMINATED_STRING: &str = "KS002";
    /// A character that starts no KQL token.
    pub const INVALID_CHARACTER: &str = "KS003";
    /// A malformed number, timespan or typed literal.
    pub const INVALID_LITERAL: &str = "KS004";
    /// An unclosed `(`, `[` or `{`, or a closing bracket with no opener.
    pub const UNBALANCED_BRACKET: &str = "KS005";
    /// An unknown tabular operator after `|`.
    pub const UNKNOWN_OPERATOR: &str = "KS006";
    /// The input ends where more was expected.
    pub const UNEXPECTED_END: &str = "KS007";
    /// Nesting deeper than the parser allows.
    pub const TOO_DEEP: &str = "KS008";
    /// A block comment or multi-line string with no end.
    pub const UNTERMINATED_BLOCK: &str = "KS009";
    /// A script with no query at all (only comments or `let` statements).
    pub const NO_QUERY: &str = "KS010";
    /// Git merge-conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`).
    pub const MERGE_CONFLICT: &str = "KS011";
}
