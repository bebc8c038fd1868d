//! The lexer: source text to tokens. Comments and whitespace are skipped.
//!
//! Hand-written rather than generated because KQL's lexical rules depend on adjacency
//! (`5d` is a timespan, `!has` one operator, `h'..'` an obfuscated string) and because
//! `datetime(...)` and friends take raw text that is not made of tokens.

use crate::Span;
use crate::token::{Token, TokenKind};

/// Tokenizes `source` completely; the last token is always [`TokenKind::Eof`].
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut lexer = Lexer::new(source);
    let mut tokens = Vec::with_capacity(source.len() / 4 + 1);
    loop {
        let token = lexer.next_token();
        tokens.push(token);
        if token.kind == TokenKind::Eof {
            return tokens;
        }
    }
}

/// Words that take raw text in parentheses: `datetime(2024-01-01 10:00)`.
const RAW_LITERAL_WORDS: &[&str] = &["datetime", "date", "timespan", "time", "guid"];

/// Suffixes that make a number a timespan literal.
pub(crate) const TIMESPAN_UNITS: &[&str] = &[
    "d",
    "day",
    "days",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "m",
    "min",
    "mins",
    "minute",
    "minutes",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "ms",
    "milli",
    "millis",
    "millisec",
    "millisecond",
    "milliseconds",
    "micro",
    "micros",
    "microsec",
    "microsecond",
    "microseconds",
    "tick",
    "ticks",
];

/// A streaming lexer over one source text.
pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `source`.
    pub fn new(source: &'a str) -> Self {
        Lexer { src: source, bytes: source.as_bytes(), pos: 0 }
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn token(&self, kind: TokenKind, start: usize) -> Token {
        Token { kind, span: Span::new(start as u32, self.pos as u32) }
    }

    /// The next token, or [`TokenKind::Eof`] at the end (repeatedly).
    pub fn next_token(&mut self) -> Token {
        if let Some(token) = self.skip_trivia() {
            return token;
        }
        let start = self.pos;
        let Some(&c) = self.bytes.get(self.pos) else {
            return self.token(TokenKind::Eof, start);
        };
        if self.at_line_start(start) && self.at_conflict_marker() {
            self.skip_to_line_end();
            return self.token(TokenKind::ConflictMarker, start);
        }
        match c {
            b'\'' | b'"' => self.quoted_string(start, c, false),
            b'@' if matches!(self.peek(1), b'\'' | b'"') => {
                self.pos += 1;
                self.quoted_string(start, self.peek(0), true)
            }
            b'`' if self.src[self.pos..].starts_with("```") => self.fenced_string(start, "```"),
            b'~' if self.src[self.pos..].starts_with("~~~") => self.fenced_string(start, "~~~"),
            b'h' | b'H' if self.obfuscated_string_follows() => {
                self.pos += 1;
                let verbatim = self.peek(0) == b'@';
                if verbatim {
                    self.pos += 1;
                }
                self.quoted_string(start, self.peek(0), verbatim)
            }
            b'[' if matches!(self.peek(1), b'\'' | b'"') => self.quoted_ident(start),
            b'0'..=b'9' => self.number(start),
            b'.' if self.peek(1).is_ascii_digit() => self.number(start),
            b'$' if is_word_start(self.peek(1)) => {
                self.pos += 1;
                self.word(start)
            }
            b'!' if is_word_start(self.peek(1)) => {
                self.pos += 1;
                self.eat_word_chars();
                self.token(TokenKind::BangWord, start)
            }
            c if is_word_start(c) => self.word(start),
            c if c >= 0x80 => {
                let ch = self.src[self.pos..].chars().next().unwrap_or('\u{FFFD}');
                if ch.is_alphabetic() {
                    self.word(start)
                } else {
                    self.pos += ch.len_utf8();
                    self.token(TokenKind::Unknown, start)
                }
            }
            _ => self.punctuation(start, c),
        }
    }

    /// Skips whitespace and `//` comments (KQL has no block comments).
    fn skip_trivia(&mut self) -> Option<Token> {
        loop {
            match self.peek(0) {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => self.pos += 1,
                b'/' if self.peek(1) == b'/' => self.skip_to_line_end(),
                c if c >= 0x80 => {
                    // Unicode spaces (no-break, en, ideographic...), zero-width space and BOM
                    // appear in queries pasted from web pages; Kusto skips them like spaces.
                    let ch = self.src[self.pos..].chars().next().unwrap_or('x');
                    if ch.is_whitespace()
                        || matches!(ch, '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}' | '\u{2060}')
                    {
                        self.pos += ch.len_utf8();
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    fn skip_to_line_end(&mut self) {
        self.pos = memchr_from(self.bytes, self.pos, b'\n').unwrap_or(self.bytes.len());
    }

    fn at_line_start(&self, pos: usize) -> bool {
        pos == 0 || self.bytes[pos - 1] == b'\n'
    }

    fn at_conflict_marker(&self) -> bool {
        let rest = &self.src[self.pos..];
        ["<<<<<<<", "=======", ">>>>>>>", "|||||||"].iter().any(|m| rest.starts_with(m))
    }

    fn obfuscated_string_follows(&self) -> bool {
        // `h'..'`, `H".."`, `h@'..'`; but not a word like `hash`.
        match self.peek(1) {
            b'\'' | b'"' => true,
            b'@' => matches!(self.peek(2), b'\'' | b'"'),
            _ => false,
        }
    }

    /// A `'..'` or `".."` string starting at the quote under `pos`. Regular strings take
    /// backslash escapes; verbatim ones double the quote to escape it. Neither may span lines.
    fn quoted_string(&mut self, start: usize, quote: u8, verbatim: bool) -> Token {
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos) {
                None | Some(b'\n') => return self.token(TokenKind::UnterminatedString, start),
                Some(b'\\') if !verbatim => {
                    self.pos += 1;
                    if !matches!(self.peek(0), b'\n' | 0) {
                        self.pos += self.char_len_at(self.pos);
                    }
                }
                Some(&c) if c == quote => {
                    self.pos += 1;
                    if verbatim && self.peek(0) == quote {
                        self.pos += 1;
                        continue;
                    }
                    return self.token(TokenKind::String, start);
                }
                Some(_) => self.pos += self.char_len_at(self.pos),
            }
        }
    }

    fn fenced_string(&mut self, start: usize, fence: &str) -> Token {
        self.pos += fence.len();
        match self.src[self.pos..].find(fence) {
            Some(end) => {
                self.pos += end + fence.len();
                self.token(TokenKind::String, start)
            }
            None => {
                self.pos = self.bytes.len();
                self.token(TokenKind::UnterminatedBlock, start)
            }
        }
    }

    fn quoted_ident(&mut self, start: usize) -> Token {
        self.pos += 1;
        let string = self.quoted_string(self.pos, self.peek(0), false);
        if string.kind != TokenKind::String {
            return self.token(TokenKind::UnterminatedString, start);
        }
        self.skip_inline_spaces();
        if self.peek(0) == b']' {
            self.pos += 1;
            self.token(TokenKind::QuotedIdent, start)
        } else {
            // `['a'` without `]`: give back everything after `[` so the parser sees the string
            // (this is also how `T['col']`-style indexing with a string starts).
            self.pos = start + 1;
            self.token(TokenKind::LBracket, start)
        }
    }

    fn skip_inline_spaces(&mut self) {
        while matches!(self.peek(0), b' ' | b'\t') {
            self.pos += 1;
        }
    }

    fn number(&mut self, start: usize) -> Token {
        if self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X') && self.peek(2).is_ascii_hexdigit() {
            self.pos += 2;
            while self.peek(0).is_ascii_hexdigit() {
                self.pos += 1;
            }
            return self.number_suffix(start, TokenKind::Int);
        }
        let mut kind = TokenKind::Int;
        self.eat_digits();
        // A `.` starts a fraction unless it is the `..` of a range.
        if self.peek(0) == b'.' && self.peek(1) != b'.' {
            kind = TokenKind::Real;
            self.pos += 1;
            self.eat_digits();
        }
        if matches!(self.peek(0), b'e' | b'E') {
            let digits_at = if matches!(self.peek(1), b'+' | b'-') { 2 } else { 1 };
            if self.peek(digits_at).is_ascii_digit() {
                kind = TokenKind::Real;
                self.pos += digits_at;
                self.eat_digits();
            }
        }
        self.number_suffix(start, kind)
    }

    /// Letters straight after a number make it a timespan (`5d`) or a malformed number.
    fn number_suffix(&mut self, start: usize, kind: TokenKind) -> Token {
        if !is_word_char(self.peek(0)) {
            return self.token(kind, start);
        }
        let suffix_start = self.pos;
        self.eat_word_chars();
        let suffix = &self.src[suffix_start..self.pos];
        if TIMESPAN_UNITS.iter().any(|u| u.eq_ignore_ascii_case(suffix)) {
            self.token(TokenKind::Timespan, start)
        } else if kind == TokenKind::Int && self.src[start..suffix_start].bytes().all(|b| b.is_ascii_digit()) {
            // Kusto accepts names that start with digits, such as `2022Report`.
            self.token(TokenKind::Ident, start)
        } else {
            self.token(TokenKind::BadNumber, start)
        }
    }

    fn eat_digits(&mut self) {
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
    }

    fn eat_word_chars(&mut self) {
        loop {
            let c = self.peek(0);
            if is_word_char(c) {
                self.pos += 1;
            } else if c >= 0x80 {
                let ch = self.src[self.pos..].chars().next().unwrap_or(' ');
                if ch.is_alphanumeric() {
                    self.pos += ch.len_utf8();
                } else {
                    return;
                }
            } else {
                return;
            }
        }
    }

    fn word(&mut self, start: usize) -> Token {
        self.eat_word_chars();
        let word = &self.src[start..self.pos];
        if RAW_LITERAL_WORDS.contains(&word) {
            let save = self.pos;
            self.skip_inline_spaces();
            if self.peek(0) == b'('
                && let Some(close) = memchr_from(self.bytes, self.pos, b')')
            {
                let body = &self.src[self.pos + 1..close];
                // Raw text never holds another call or a line break; `time(x)` with a nested
                // call like `datetime(now())` is not a literal, so leave it to the parser.
                if !body.contains(['(', '\n', '|', ';']) {
                    self.pos = close + 1;
                    return self.token(TokenKind::RawLiteral, start);
                }
            }
            self.pos = save;
        }
        self.token(TokenKind::Ident, start)
    }

    fn char_len_at(&self, pos: usize) -> usize {
        self.src[pos..].chars().next().map_or(1, char::len_utf8)
    }

    fn punctuation(&mut self, start: usize, c: u8) -> Token {
        let next = self.peek(1);
        let (kind, len) = match (c, next) {
            (b'|', _) => (TokenKind::Pipe, 1),
            (b'(', _) => (TokenKind::LParen, 1),
            (b')', _) => (TokenKind::RParen, 1),
            (b'[', _) => (TokenKind::LBracket, 1),
            (b']', _) => (TokenKind::RBracket, 1),
            (b'{', _) => (TokenKind::LBrace, 1),
            (b'}', _) => (TokenKind::RBrace, 1),
            (b',', _) => (TokenKind::Comma, 1),
            (b';', _) => (TokenKind::Semicolon, 1),
            (b'.', b'.') => (TokenKind::DotDot, 2),
            (b'.', _) => (TokenKind::Dot, 1),
            (b':', _) => (TokenKind::Colon, 1),
            (b'=', b'=') => (TokenKind::EqEq, 2),
            (b'=', b'~') => (TokenKind::EqTilde, 2),
            (b'=', b'>') => (TokenKind::FatArrow, 2),
            (b'=', _) => (TokenKind::Eq, 1),
            (b'!', b'=') => (TokenKind::NotEq, 2),
            (b'!', b'~') => (TokenKind::BangTilde, 2),
            (b'!', _) => (TokenKind::Bang, 1),
            (b'<', b'>') => (TokenKind::LtGt, 2),
            (b'<', b'=') => (TokenKind::LtEq, 2),
            (b'<', _) => (TokenKind::Lt, 1),
            (b'>', b'=') => (TokenKind::GtEq, 2),
            (b'>', _) => (TokenKind::Gt, 1),
            (b'~', _) => (TokenKind::Tilde, 1),
            (b'+', _) => (TokenKind::Plus, 1),
            (b'-', _) => (TokenKind::Minus, 1),
            (b'*', _) => (TokenKind::Star, 1),
            (b'/', _) => (TokenKind::Slash, 1),
            (b'%', _) => (TokenKind::Percent, 1),
            (b'?', _) => (TokenKind::Question, 1),
            (b'@', _) => (TokenKind::At, 1),
            (b'#', _) => (TokenKind::Hash, 1),
            _ => (TokenKind::Unknown, self.char_len_at(self.pos)),
        };
        self.pos += len;
        self.token(kind, start)
    }
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn memchr_from(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| b == needle).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        tokenize(src).into_iter().map(|t| t.kind).filter(|k| *k != TokenKind::Eof).collect()
    }

    fn texts(src: &str) -> Vec<&str> {
        tokenize(src).into_iter().filter(|t| t.kind != TokenKind::Eof).map(|t| &src[t.span.range()]).collect()
    }

    #[test]
    fn timespans_and_numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("5d 1.5h 100ms 10 1.5 1e3 0x1F .5"),
            [Timespan, Timespan, Timespan, Int, Real, Real, Int, Real]
        );
        assert_eq!(kinds("1..10"), [Int, DotDot, Int]);
        assert_eq!(kinds("12abc 1.5abc"), [Ident, BadNumber]);
    }

    #[test]
    fn strings_in_every_form() {
        use TokenKind::*;
        let src = r#"'a\'b' "c\"d" @'e''f' @"g\h" h'secret' H@"x" ```multi
line``` ~~~y~~~"#;
        assert_eq!(kinds(src), [String; 8]);
        assert_eq!(kinds("'abc\n'"), [UnterminatedString, UnterminatedString]);
    }

    #[test]
    fn operators_that_depend_on_adjacency() {
        use TokenKind::*;
        assert_eq!(texts("a !has b !in~ c =~ d !~ e"), ["a", "!has", "b", "!in", "~", "c", "=~", "d", "!~", "e"]);
        assert_eq!(kinds("hash h'x'"), [Ident, String]);
        assert_eq!(kinds("$left.Id"), [Ident, Dot, Ident]);
        assert_eq!(kinds("['a b'] [0]"), [QuotedIdent, LBracket, Int, RBracket]);
    }

    #[test]
    fn raw_literals_take_text_up_to_the_paren() {
        use TokenKind::*;
        assert_eq!(
            texts("datetime(2024-01-01 10:00:00.5) + time(1.02:00:00)"),
            ["datetime(2024-01-01 10:00:00.5)", "+", "time(1.02:00:00)"]
        );
        assert_eq!(kinds("datetime(null)"), [RawLiteral]);
        assert_eq!(kinds("todatetime(x)"), [Ident, LParen, Ident, RParen]);
    }

    #[test]
    fn comments_are_skipped_and_conflict_markers_found() {
        use TokenKind::*;
        assert_eq!(kinds("a // c\n b"), [Ident, Ident]);
        assert_eq!(kinds("/* b */"), [Slash, Star, Ident, Star, Slash]);
        assert_eq!(
            kinds("<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x"),
            [ConflictMarker, Ident, ConflictMarker, Ident, ConflictMarker]
        );
        assert_eq!(kinds("```open"), [UnterminatedBlock]);
    }
}
