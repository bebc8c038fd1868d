//! Recursive-descent parser with precedence climbing for scalar expressions.
//!
//! Layout: this file holds the token cursor, error reporting and recovery, and statements;
//! `expr.rs` scalar expressions and literals; `ops.rs` the tabular operators.
//!
//! Recovery: every list and loop either consumes a token or stops, and after an error the
//! parser skips to the next `|`, `;` or closing bracket at the same nesting depth, so parsing
//! always ends and later errors are still found.

mod expr;
mod ops;

use crate::ast::{Expr, ExprKind, FunctionDef, Ident, LetValue, Param, ParamType, Script, Statement, StatementKind};
use crate::diagnostic::codes;
use crate::token::{Token, TokenKind};
use crate::{Diagnostic, Parsed, Span, lexer};

/// Deeper nesting (brackets, unary operators, sub-queries) than this is reported instead of
/// risking the parser's stack.
const MAX_DEPTH: u32 = 200;

/// The deepest tree the parser builds, counting chains like `a + b + c` or `x.a.b.c` link by
/// link. Code that walks the tree recursively (dropping it included) relies on this bound.
const MAX_TREE_DEPTH: u32 = 2000;

pub(crate) fn parse_script(source: &str) -> Parsed {
    if source.len() > u32::MAX as usize {
        let diagnostic = Diagnostic::error(codes::INVALID_CHARACTER, "input is larger than 4 GiB", Span::empty(0));
        let script = Script { statements: Vec::new(), span: Span::empty(0) };
        return Parsed { script, diagnostics: vec![diagnostic] };
    }
    let mut parser = Parser::new(source);
    let script = parser.script();
    let mut diagnostics = parser.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Parsed { script, diagnostics }
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    diagnostics: Vec<Diagnostic>,
    depth: u32,
    /// Links of binary and postfix chains currently open, each one level of tree depth.
    chain: u32,
    /// Inside `search`/`find` predicates, `Col:"text"` is allowed.
    search_mode: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            tokens: lexer::tokenize(src),
            pos: 0,
            diagnostics: Vec::new(),
            depth: 0,
            chain: 0,
            search_mode: false,
        }
    }

    // ----- token cursor -----

    fn peek(&self) -> Token {
        self.nth(0)
    }

    fn nth(&self, n: usize) -> Token {
        let last = self.tokens.len() - 1;
        self.tokens[(self.pos + n).min(last)]
    }

    fn kind(&self) -> TokenKind {
        self.peek().kind
    }

    fn nth_kind(&self, n: usize) -> TokenKind {
        self.nth(n).kind
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    fn text(&self, token: Token) -> &'a str {
        &self.src[token.span.range()]
    }

    /// Whether the current token is the bare word `word` (case-sensitive, like KQL keywords).
    fn at_word(&self, word: &str) -> bool {
        self.nth_is_word(0, word)
    }

    fn nth_is_word(&self, n: usize, word: &str) -> bool {
        let token = self.nth(n);
        token.kind == TokenKind::Ident && self.text(token) == word
    }

    /// Whether token `n` starts right where token `n - 1` ends (no space or comment between).
    fn adjacent(&self, n: usize) -> bool {
        n > 0 && self.nth(n).span.start == self.nth(n - 1).span.end && self.nth(n).kind != TokenKind::Eof
    }

    fn bump(&mut self) -> Token {
        let token = self.peek();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) { Some(self.bump()) } else { None }
    }

    fn eat_word(&mut self, word: &str) -> Option<Token> {
        if self.at_word(word) { Some(self.bump()) } else { None }
    }

    /// End offset of the last consumed token.
    fn prev_end(&self) -> u32 {
        if self.pos == 0 { 0 } else { self.tokens[self.pos - 1].span.end }
    }

    fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end().max(start))
    }

    // ----- errors -----

    /// How the current token is named in messages: its text when short, else its kind.
    fn describe(&self, token: Token) -> String {
        match token.kind {
            TokenKind::Eof => "end of input".to_string(),
            TokenKind::String | TokenKind::UnterminatedString => "a string".to_string(),
            TokenKind::ConflictMarker => "a merge-conflict marker".to_string(),
            _ => {
                let text = self.text(token);
                if text.chars().count() <= 40 { format!("`{text}`") } else { token.kind.describe().to_string() }
            }
        }
    }

    fn error(&mut self, code: &'static str, message: impl Into<String>, span: Span) {
        // One error per offset: a second complaint about the same token adds nothing.
        if self.diagnostics.iter().any(|d| d.span.start == span.start) {
            return;
        }
        self.diagnostics.push(Diagnostic::error(code, message, span));
    }

    fn error_help(&mut self, code: &'static str, message: impl Into<String>, span: Span, help: impl Into<String>) {
        if self.diagnostics.iter().any(|d| d.span.start == span.start) {
            return;
        }
        self.diagnostics.push(Diagnostic::error(code, message, span).with_help(help));
    }

    /// Reports "expected X but found Y" at the current token, with the right code for the token.
    fn expected(&mut self, what: &str) {
        let token = self.peek();
        let found = self.describe(token);
        let (code, message) = match token.kind {
            TokenKind::Eof => (codes::UNEXPECTED_END, format!("expected {what} but the query ends here")),
            TokenKind::UnterminatedString => {
                (codes::UNTERMINATED_STRING, "string literal has no closing quote".to_string())
            }
            TokenKind::UnterminatedBlock => {
                (codes::UNTERMINATED_BLOCK, "comment or multi-line string has no end".to_string())
            }
            TokenKind::ConflictMarker => {
                (codes::MERGE_CONFLICT, "merge-conflict marker in the query; resolve the conflict first".to_string())
            }
            TokenKind::BadNumber => (codes::INVALID_LITERAL, format!("{found} is not a valid number or timespan")),
            TokenKind::Unknown => (codes::INVALID_CHARACTER, format!("unexpected character {found}")),
            _ => (codes::UNEXPECTED_TOKEN, format!("expected {what} but found {found}")),
        };
        let (span, message) = self.at_boundary(token, message, what, &found);
        self.error(code, message, span);
    }

    /// Where to report something missing before `token`: when `token` is on a later line
    /// (or is the end), the end of the previous token, which is where the fix goes.
    fn at_boundary(&self, token: Token, message: String, what: &str, found: &str) -> (Span, String) {
        let prev_end = self.prev_end();
        if token.kind == TokenKind::Eof {
            return (Span::empty(prev_end), message);
        }
        let gap = &self.src[prev_end as usize..token.span.start as usize];
        if self.pos > 0 && gap.contains('\n') && !what.is_empty() && message.starts_with("expected") {
            (Span::empty(prev_end), format!("expected {what} at the end of this line, but the next token is {found}"))
        } else {
            (token.span, message)
        }
    }

    /// Consumes a token of `kind` or reports that `what` was expected.
    fn expect(&mut self, kind: TokenKind, what: &str) -> Option<Token> {
        if let Some(token) = self.eat(kind) {
            return Some(token);
        }
        self.expected(what);
        None
    }

    /// Consumes the closing bracket for `open`, or reports that it is missing.
    fn expect_close(&mut self, open: Token, close: TokenKind) -> bool {
        if self.eat(close).is_some() {
            return true;
        }
        let token = self.peek();
        let found = self.describe(token);
        let what = format!("{} to close the {}", close.describe(), open.kind.describe());
        let (span, message) = self.at_boundary(token, format!("expected {what} but found {found}"), &what, &found);
        let code = if token.kind == TokenKind::Eof { codes::UNBALANCED_BRACKET } else { codes::UNEXPECTED_TOKEN };
        if !self.diagnostics.iter().any(|d| d.span.start == span.start) {
            let note = format!("this {} is not closed", open.kind.describe());
            self.diagnostics.push(Diagnostic::error(code, message, span).with_label(open.span, note));
        }
        false
    }

    /// Skips to the next `|`, `;` or unmatched closing bracket (not consumed) or the end,
    /// stepping over balanced brackets.
    fn recover(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Pipe | TokenKind::Semicolon if depth == 0 => return,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace if depth == 0 => return,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth -= 1,
                TokenKind::ConflictMarker => self.report_bad_token(),
                _ => {}
            }
            self.bump();
        }
    }

    /// After a missing closing bracket: skip to it if it comes later at this depth.
    fn recover_to_close(&mut self, close: TokenKind) {
        self.recover();
        self.eat(close);
    }

    /// Reports a token that is an error by itself (conflict marker, unterminated string...).
    fn report_bad_token(&mut self) {
        let token = self.peek();
        match token.kind {
            TokenKind::ConflictMarker
            | TokenKind::UnterminatedString
            | TokenKind::UnterminatedBlock
            | TokenKind::BadNumber
            | TokenKind::Unknown => self.expected(""),
            _ => {}
        }
    }

    /// Runs `f` one level deeper, or reports and skips if nesting is too deep.
    fn nested<T>(&mut self, fallback: T, f: impl FnOnce(&mut Self) -> T) -> T {
        if self.depth >= MAX_DEPTH {
            let span = self.peek().span;
            self.error(codes::TOO_DEEP, format!("expression nested more than {MAX_DEPTH} levels deep"), span);
            // Skip everything: the rest of this input cannot be parsed safely.
            self.pos = self.tokens.len() - 1;
            return fallback;
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Counts one more level of tree depth for a chain link; reports and stops the parse when
    /// the tree would get too deep.
    fn deepen(&mut self) -> bool {
        if self.depth * 4 + self.chain >= MAX_TREE_DEPTH {
            let span = self.peek().span;
            self.error(codes::TOO_DEEP, format!("expression nested more than {MAX_TREE_DEPTH} levels deep"), span);
            self.pos = self.tokens.len() - 1;
            return false;
        }
        self.chain += 1;
        true
    }

    fn error_expr(&self, start: u32) -> Expr {
        Expr::new(ExprKind::Error, self.span_from(start))
    }

    // ----- names -----

    fn ident_from(&self, token: Token) -> Ident {
        let text = self.text(token);
        match token.kind {
            TokenKind::QuotedIdent => {
                // `['name']`: strip `[` `]` and decode the string between them.
                let inner = text[1..text.len() - 1].trim();
                let name = crate::ast::decode_string(inner).unwrap_or_else(|_| inner.to_string());
                Ident { name, span: token.span, quoted: true }
            }
            _ => Ident { name: text.to_string(), span: token.span, quoted: false },
        }
    }

    /// A name: a word (keywords included) or `['quoted']`.
    fn at_name(&self) -> bool {
        matches!(self.kind(), TokenKind::Ident | TokenKind::QuotedIdent)
    }

    fn name(&mut self, what: &str) -> Option<Ident> {
        if self.at_name() {
            let token = self.bump();
            return Some(self.ident_from(token));
        }
        self.expected(what);
        None
    }

    // ----- statements -----

    fn script(&mut self) -> Script {
        let mut statements = Vec::new();
        loop {
            if let Some(semicolon) = self.eat(TokenKind::Semicolon) {
                self.error(codes::UNEXPECTED_TOKEN, "empty statement: `;` with nothing before it", semicolon.span);
                continue;
            }
            if self.at(TokenKind::Eof) {
                break;
            }
            let before = self.pos;
            statements.push(self.statement());
            if self.eat(TokenKind::Semicolon).is_some() || self.at(TokenKind::Eof) {
                continue;
            }
            self.unexpected_after_statement();
            if self.pos == before {
                self.bump();
            }
        }
        Script { statements, span: Span::new(0, self.src.len() as u32) }
    }

    /// Reports what follows a complete statement where `;` or the end was expected, then skips
    /// to the next `;`.
    fn unexpected_after_statement(&mut self) {
        let token = self.peek();
        if matches!(token.kind, TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace) {
            let found = self.describe(token);
            self.error(codes::UNBALANCED_BRACKET, format!("{found} has no matching opening bracket"), token.span);
        } else if self.is_bad_token(token) {
            self.expected("");
        } else {
            let found = self.describe(token);
            let what = "`;`, `|` or the end of the query";
            let (span, message) = self.at_boundary(token, format!("expected {what} but found {found}"), what, &found);
            self.error_help(
                codes::UNEXPECTED_TOKEN,
                message,
                span,
                "separate statements with `;`, operators with `|`, and conditions with `and`/`or`",
            );
        }
        while !matches!(self.kind(), TokenKind::Semicolon | TokenKind::Eof) {
            self.bump();
            if matches!(self.kind(), TokenKind::ConflictMarker) {
                self.report_bad_token();
            }
        }
    }

    fn is_bad_token(&self, token: Token) -> bool {
        matches!(
            token.kind,
            TokenKind::ConflictMarker
                | TokenKind::UnterminatedString
                | TokenKind::UnterminatedBlock
                | TokenKind::BadNumber
                | TokenKind::Unknown
        )
    }

    fn statement(&mut self) -> Statement {
        let start = self.peek().span.start;
        let next_is_name = matches!(self.nth_kind(1), TokenKind::Ident | TokenKind::QuotedIdent);
        let kind = if self.at_word("let") && next_is_name {
            self.let_statement()
        } else if self.at_word("set") && next_is_name {
            self.set_statement()
        } else if self.at_word("declare") && next_is_name {
            self.declare_statement()
        } else if self.at_word("alias") && self.nth_is_word(1, "database") {
            self.alias_statement()
        } else if self.at_word("restrict") && self.nth_is_word(1, "access") {
            self.restrict_statement()
        } else {
            let expr = self.pipeline();
            StatementKind::Query(expr)
        };
        Statement { kind, span: self.span_from(start) }
    }

    fn let_statement(&mut self) -> StatementKind {
        self.bump(); // let
        let Some(name) = self.name("a name after `let`") else {
            self.recover();
            return StatementKind::Error;
        };
        if self.expect(TokenKind::Eq, "`=` after the name in `let`").is_none() {
            self.recover();
            return StatementKind::Error;
        }
        let value = if self.at_lambda() {
            LetValue::Function(self.nested_function_def())
        } else if self.at_word("view") && self.nth_kind(1) == TokenKind::LParen {
            self.bump();
            LetValue::View(self.nested_function_def())
        } else {
            LetValue::Expr(self.pipeline())
        };
        StatementKind::Let { name, value }
    }

    /// Whether a `(` here starts a lambda's parameter list: `()` or `(name:` followed by `{`
    /// eventually.
    fn at_lambda(&self) -> bool {
        if !self.at(TokenKind::LParen) {
            return false;
        }
        match self.nth_kind(1) {
            TokenKind::RParen => self.nth_kind(2) == TokenKind::LBrace,
            TokenKind::Ident | TokenKind::QuotedIdent => self.nth_kind(2) == TokenKind::Colon,
            _ => false,
        }
    }

    fn nested_function_def(&mut self) -> FunctionDef {
        let empty = FunctionDef { params: Vec::new(), body: Vec::new(), span: Span::empty(self.prev_end()) };
        self.nested(empty, |p| p.function_def())
    }

    /// `(params) { statements }`.
    fn function_def(&mut self) -> FunctionDef {
        let start = self.peek().span.start;
        let params = self.param_list();
        let mut body = Vec::new();
        // A body is `let` statements then one result expression, each ended by `;` (optional
        // after the result), then `}`.
        if let Some(open) = self.expect(TokenKind::LBrace, "`{` to start the function body") {
            loop {
                if matches!(self.kind(), TokenKind::RBrace | TokenKind::Eof) {
                    break;
                }
                let before = self.pos;
                let statement = self.statement();
                let is_result = matches!(statement.kind, StatementKind::Query(_));
                body.push(statement);
                let ended = self.eat(TokenKind::Semicolon).is_some();
                if is_result || !ended || self.pos == before {
                    break;
                }
            }
            if !self.expect_close(open, TokenKind::RBrace) {
                self.recover_to_close(TokenKind::RBrace);
            }
        } else {
            self.recover();
        }
        FunctionDef { params, body, span: self.span_from(start) }
    }

    /// `(name: type [= default], ...)`.
    fn param_list(&mut self) -> Vec<Param> {
        let mut params = Vec::new();
        let Some(open) = self.expect(TokenKind::LParen, "`(` to start the parameters") else {
            return params;
        };
        while !matches!(self.kind(), TokenKind::RParen | TokenKind::Eof) {
            let start = self.peek().span.start;
            let Some(name) = self.name("a parameter name") else {
                break;
            };
            if self.expect(TokenKind::Colon, "`:` and a type after the parameter name").is_none() {
                break;
            }
            let Some(ty) = self.param_type() else { break };
            let default = if self.eat(TokenKind::Eq).is_some() { Some(self.expr()) } else { None };
            params.push(Param { name, ty, default, span: self.span_from(start) });
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        params
    }

    /// A scalar type name or a tabular schema `(Col: type, ..., *)`.
    fn param_type(&mut self) -> Option<ParamType> {
        if let Some(open) = self.eat(TokenKind::LParen) {
            let mut columns = Vec::new();
            let mut open_schema = false;
            while !matches!(self.kind(), TokenKind::RParen | TokenKind::Eof) {
                if self.eat(TokenKind::Star).is_some() {
                    open_schema = true;
                } else {
                    columns.push(self.column_decl()?);
                }
                if self.eat(TokenKind::Comma).is_none() {
                    break;
                }
            }
            self.expect_close(open, TokenKind::RParen);
            return Some(ParamType::Tabular { columns, open: open_schema });
        }
        self.type_name().map(ParamType::Scalar)
    }

    /// A type name such as `string` or `long`.
    fn type_name(&mut self) -> Option<Ident> {
        if self.at(TokenKind::Ident) {
            let token = self.bump();
            return Some(self.ident_from(token));
        }
        self.expected("a type name such as `string` or `long`");
        None
    }

    /// `name: type`.
    fn column_decl(&mut self) -> Option<crate::ast::ColumnDecl> {
        let start = self.peek().span.start;
        let name = self.name("a column name")?;
        self.expect(TokenKind::Colon, "`:` and a type after the column name")?;
        let ty = self.type_name()?;
        Some(crate::ast::ColumnDecl { name, ty, span: self.span_from(start) })
    }

    fn set_statement(&mut self) -> StatementKind {
        self.bump(); // set
        let start = self.peek().span.start;
        let mut name = self.name("an option name after `set`").unwrap_or(Ident {
            name: String::new(),
            span: Span::empty(start),
            quoted: false,
        });
        // Dotted option names: `set query_results_cache_max_age = ...`, `set x.y = ...`.
        while self.at(TokenKind::Dot) && self.nth_kind(1) == TokenKind::Ident {
            self.bump();
            let part = self.bump();
            name.name.push('.');
            name.name.push_str(self.text(part));
            name.span = self.span_from(start);
        }
        let value = if self.eat(TokenKind::Eq).is_some() { Some(self.expr()) } else { None };
        StatementKind::Set { name, value }
    }

    fn declare_statement(&mut self) -> StatementKind {
        self.bump(); // declare
        let what_token = self.bump();
        let what = self.ident_from(what_token);
        if what.is("query_parameters") {
            let params = self.param_list();
            return StatementKind::DeclareQueryParameters { params };
        }
        // `declare pattern ...` and others: keep the span, skip the body.
        self.skip_balanced_to_semicolon();
        StatementKind::Declare { what }
    }

    fn skip_balanced_to_semicolon(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Semicolon if depth == 0 => return,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1
                }
                _ => {}
            }
            self.bump();
        }
    }

    fn alias_statement(&mut self) -> StatementKind {
        self.bump(); // alias
        self.bump(); // database
        let name = self.name("an alias name").unwrap_or(Ident {
            name: String::new(),
            span: Span::empty(self.prev_end()),
            quoted: false,
        });
        self.expect(TokenKind::Eq, "`=` after the alias name");
        let value = self.expr();
        StatementKind::Alias { name, value }
    }

    fn restrict_statement(&mut self) -> StatementKind {
        self.bump(); // restrict
        self.bump(); // access
        if self.eat_word("to").is_none() {
            self.expected("`to`");
        }
        let entities = self.paren_expr_list();
        StatementKind::RestrictAccess { entities }
    }
}
