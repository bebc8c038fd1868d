//! Tokens: a kind and a span. The text of a token is always a slice of the source.

use crate::Span;

/// What kind of token.
///
/// Words are never keywords at the lexer level: KQL lets most keywords be column names, so the
/// parser decides from context whether `count` or `kind` is a keyword or a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A word: letters, digits and `_`, not starting with a digit; may start with `$`
    /// (`$left`, `$right`).
    Ident,
    /// `['name']` or `["name"]`.
    QuotedIdent,
    /// `!` immediately followed by a word, as in `!has` or `!in`.
    BangWord,
    /// An integer: `1`, `0x1F`.
    Int,
    /// A real number: `1.5`, `1e3`, `.5`.
    Real,
    /// A number with a time unit: `5d`, `1.5h`, `100ms`.
    Timespan,
    /// A string in any form; see [`crate::ast::decode_string`].
    String,
    /// A literal whose contents are raw text up to `)`: `datetime(...)`, `timespan(...)`,
    /// `time(...)`, `guid(...)`. The span covers the whole literal, keyword included.
    RawLiteral,
    /// `|`
    Pipe,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// `:`
    Colon,
    /// `=`
    Eq,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `<>`
    LtGt,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `=~`
    EqTilde,
    /// `!~`
    BangTilde,
    /// `~`
    Tilde,
    /// `=>`
    FatArrow,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `!` on its own.
    Bang,
    /// `?`
    Question,
    /// `@` not starting a string.
    At,
    /// `#`
    Hash,
    /// A git merge-conflict marker line (`<<<<<<<`, `=======`, `>>>>>>>`).
    ConflictMarker,
    /// A string with no closing quote; runs to the end of the line.
    UnterminatedString,
    /// A multi-line string or block comment with no end; runs to the end of the input.
    UnterminatedBlock,
    /// A number followed by letters that are not a time unit, such as `12abc`.
    BadNumber,
    /// A character that starts no token.
    Unknown,
    /// End of input.
    Eof,
}

impl TokenKind {
    /// How the token kind is described in "expected ... but found ..." messages.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Ident => "a name",
            TokenKind::QuotedIdent => "a quoted name",
            TokenKind::BangWord => "a negated operator",
            TokenKind::Int | TokenKind::Real => "a number",
            TokenKind::Timespan => "a timespan",
            TokenKind::String | TokenKind::UnterminatedString => "a string",
            TokenKind::RawLiteral => "a literal",
            TokenKind::Pipe => "`|`",
            TokenKind::LParen => "`(`",
            TokenKind::RParen => "`)`",
            TokenKind::LBracket => "`[`",
            TokenKind::RBracket => "`]`",
            TokenKind::LBrace => "`{`",
            TokenKind::RBrace => "`}`",
            TokenKind::Comma => "`,`",
            TokenKind::Semicolon => "`;`",
            TokenKind::Dot => "`.`",
            TokenKind::DotDot => "`..`",
            TokenKind::Colon => "`:`",
            TokenKind::Eq => "`=`",
            TokenKind::EqEq => "`==`",
            TokenKind::NotEq => "`!=`",
            TokenKind::LtGt => "`<>`",
            TokenKind::Lt => "`<`",
            TokenKind::LtEq => "`<=`",
            TokenKind::Gt => "`>`",
            TokenKind::GtEq => "`>=`",
            TokenKind::EqTilde => "`=~`",
            TokenKind::BangTilde => "`!~`",
            TokenKind::Tilde => "`~`",
            TokenKind::FatArrow => "`=>`",
            TokenKind::Plus => "`+`",
            TokenKind::Minus => "`-`",
            TokenKind::Star => "`*`",
            TokenKind::Slash => "`/`",
            TokenKind::Percent => "`%`",
            TokenKind::Bang => "`!`",
            TokenKind::Question => "`?`",
            TokenKind::At => "`@`",
            TokenKind::Hash => "`#`",
            TokenKind::ConflictMarker => "a merge-conflict marker",
            TokenKind::UnterminatedBlock => "an unterminated block",
            TokenKind::BadNumber => "a malformed number",
            TokenKind::Unknown => "an invalid character",
            TokenKind::Eof => "end of input",
        }
    }
}

/// One token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its kind.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}
