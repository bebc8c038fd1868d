//! Scalar expressions, literals and pipelines.

use super::Parser;
use crate::Span;
use crate::ast::{
    Arg, BinaryOp, DynamicValue, Expr, ExprKind, Ident, ListOp, Literal, LiteralKind, LogicalOp, Operator, StringOp,
    StringOpKind, UnaryOp, decode_string,
};
use crate::diagnostic::codes;
use crate::token::{Token, TokenKind};

/// Binding strength of binary operators, weakest first.
const PREC_OR: u8 = 1;
const PREC_AND: u8 = 2;
const PREC_COMPARE: u8 = 3;
const PREC_ADD: u8 = 4;
const PREC_MUL: u8 = 5;

/// Words that cannot be a bare column name where an expression is expected; they are operators.
/// (Other keywords like `count`, `kind` or `title` are fine as names.)
const RESERVED_IN_EXPR: &[&str] = &["and", "or", "by", "in", "between", "matches", "has_any", "has_all"];

/// Tabular operators that can start a query with no input.
pub(super) const SOURCE_OPERATORS: &[&str] =
    &["union", "print", "range", "datatable", "externaldata", "external_data", "find", "search", "evaluate"];

/// Type names that form typed literals: `long(null)`, `real(nan)`.
const TYPED_LITERAL_WORDS: &[&str] = &["bool", "boolean", "int", "long", "real", "double", "decimal", "string"];

enum BinaryKind {
    Logical(LogicalOp),
    Plain(BinaryOp),
    List(ListOp),
    Between { negated: bool },
}

impl<'a> Parser<'a> {
    /// A full expression: scalar, or tabular with `|` operators.
    pub(super) fn expr(&mut self) -> Expr {
        self.pipeline()
    }

    /// `source | op | op ...`, where the source is a scalar-syntax expression or a source
    /// operator (`union`, `print`...).
    pub(super) fn pipeline(&mut self) -> Expr {
        let start = self.peek().span.start;
        let source = if self.at_source_operator() {
            let op = self.operator_here();
            let span = op.span;
            Expr::new(ExprKind::Source(Box::new(op)), span)
        } else {
            self.scalar()
        };
        if !self.at(TokenKind::Pipe) || !can_be_piped(&source) {
            return source;
        }
        let operators = self.pipe_operators();
        Expr::new(ExprKind::Pipe { source: Box::new(source), operators }, self.span_from(start))
    }

    /// A sub-pipeline that may start with an operator and no source, as inside
    /// `mv-apply ... on (...)`, `fork (...)`, `partition by X (...)`.
    pub(super) fn sub_pipeline(&mut self) -> Expr {
        let start = self.peek().span.start;
        if self.at_operator_name() && !self.at_source_operator() {
            let first = self.operator_here();
            let mut operators = vec![first];
            self.check_after_operator();
            operators.extend(self.pipe_operators());
            let source = Expr::new(ExprKind::Implicit, Span::empty(start));
            return Expr::new(ExprKind::Pipe { source: Box::new(source), operators }, self.span_from(start));
        }
        self.pipeline()
    }

    fn at_source_operator(&self) -> bool {
        let token = self.peek();
        if token.kind != TokenKind::Ident {
            return false;
        }
        let word = self.text(token);
        if !SOURCE_OPERATORS.contains(&word) {
            return false;
        }
        match word {
            // `range(1, 10, 1)` is the array function; `range x from ...` the operator.
            "range" => self.nth_kind(1) == TokenKind::Ident,
            // `search(...)`/`find(...)` are unlikely names; `evaluate` always needs a plugin call.
            _ => true,
        }
    }

    /// `| op` repeated.
    fn pipe_operators(&mut self) -> Vec<Operator> {
        let mut operators = Vec::new();
        while self.eat(TokenKind::Pipe).is_some() {
            operators.push(self.operator_here());
            self.check_after_operator();
        }
        operators
    }

    /// After an operator, only `|`, a statement end or a closing bracket may follow.
    fn check_after_operator(&mut self) {
        match self.kind() {
            TokenKind::Pipe
            | TokenKind::Semicolon
            | TokenKind::Eof
            | TokenKind::RParen
            | TokenKind::RBracket
            | TokenKind::RBrace
            | TokenKind::Comma => {}
            _ => {
                let token = self.peek();
                if self.is_bad_token(token) {
                    self.expected("");
                } else {
                    let found = self.describe(token);
                    let what = "`|` or the end of the query";
                    let (span, message) =
                        self.at_boundary(token, format!("expected {what} but found {found}"), what, &found);
                    self.error_help(
                        codes::UNEXPECTED_TOKEN,
                        message,
                        span,
                        "join conditions with `and`/`or` and operators with `|`",
                    );
                }
                self.recover();
            }
        }
    }

    /// A scalar-syntax expression (which may still be a table name or a tabular call).
    pub(super) fn scalar(&mut self) -> Expr {
        self.nested(Expr::new(ExprKind::Error, Span::empty(self.prev_end())), |p| p.binary(PREC_OR))
    }

    fn binary(&mut self, min_prec: u8) -> Expr {
        let start = self.peek().span.start;
        let mut left = self.unary();
        let chain_start = self.chain;
        // Left-associative chains loop here instead of recursing. Each link deepens the tree, so
        // it counts against the depth limit (`and`/`or` chains are flat and count once).
        while let Some((kind, prec, len)) = self.peek_binary() {
            if prec < min_prec {
                break;
            }
            if !self.deepen() {
                break;
            }
            let op_token = self.peek();
            for _ in 0..len {
                self.bump();
            }
            left = match kind {
                BinaryKind::Logical(op) => {
                    let right = self.operand(prec + 1);
                    match left.kind {
                        ExprKind::Logical { op: left_op, ref mut operands } if left_op == op => {
                            self.chain -= 1;
                            operands.push(right);
                            left.span = self.span_from(start);
                            left
                        }
                        _ => Expr::new(ExprKind::Logical { op, operands: vec![left, right] }, self.span_from(start)),
                    }
                }
                BinaryKind::Plain(op) => {
                    let right = self.operand(prec + 1);
                    let kind = ExprKind::Binary { op, left: Box::new(left), right: Box::new(right) };
                    Expr::new(kind, self.span_from(start))
                }
                BinaryKind::List(op) => match self.list_operand(op_token) {
                    Some(list) => Expr::new(ExprKind::In { op, expr: Box::new(left), list }, self.span_from(start)),
                    // No list: the whole test is an error node, so nothing downstream (an operator
                    // after it, the binder) complains about it again.
                    None => Expr::new(ExprKind::Error, self.span_from(start)),
                },
                BinaryKind::Between { negated } => self.between_operand(start, left, negated),
            };
        }
        self.chain = chain_start;
        left
    }

    /// The right operand of a binary operator: everything that binds tighter than `prec - 1`.
    fn operand(&mut self, prec: u8) -> Expr {
        self.nested(Expr::new(ExprKind::Error, Span::empty(self.prev_end())), |p| p.binary(prec))
    }

    /// The binary operator at the cursor: its kind, precedence and length in tokens.
    fn peek_binary(&self) -> Option<(BinaryKind, u8, usize)> {
        use TokenKind as T;
        let token = self.peek();
        let plain = |op, prec| Some((BinaryKind::Plain(op), prec, 1));
        match token.kind {
            T::EqEq => plain(BinaryOp::Eq, PREC_COMPARE),
            T::NotEq | T::LtGt => plain(BinaryOp::NotEq, PREC_COMPARE),
            T::Lt => plain(BinaryOp::Lt, PREC_COMPARE),
            T::LtEq => plain(BinaryOp::LtEq, PREC_COMPARE),
            T::Gt => plain(BinaryOp::Gt, PREC_COMPARE),
            T::GtEq => plain(BinaryOp::GtEq, PREC_COMPARE),
            T::EqTilde => plain(BinaryOp::EqCi, PREC_COMPARE),
            T::BangTilde => plain(BinaryOp::NotEqCi, PREC_COMPARE),
            T::Plus => plain(BinaryOp::Add, PREC_ADD),
            T::Minus => plain(BinaryOp::Sub, PREC_ADD),
            T::Star => plain(BinaryOp::Mul, PREC_MUL),
            T::Slash => plain(BinaryOp::Div, PREC_MUL),
            T::Percent => plain(BinaryOp::Mod, PREC_MUL),
            T::Colon if self.search_mode => {
                let has = StringOp { kind: StringOpKind::Has, negated: false, case_sensitive: false };
                plain(BinaryOp::Str(has), PREC_COMPARE)
            }
            T::Ident => {
                let word = self.text(token);
                let tilde = self.nth_kind(1) == T::Tilde && self.adjacent(1);
                match word {
                    "or" => Some((BinaryKind::Logical(LogicalOp::Or), PREC_OR, 1)),
                    "and" => Some((BinaryKind::Logical(LogicalOp::And), PREC_AND, 1)),
                    "in" if tilde => Some((BinaryKind::List(ListOp::InCi), PREC_COMPARE, 2)),
                    "in" => Some((BinaryKind::List(ListOp::In), PREC_COMPARE, 1)),
                    "has_any" => Some((BinaryKind::List(ListOp::HasAny), PREC_COMPARE, 1)),
                    "has_all" => Some((BinaryKind::List(ListOp::HasAll), PREC_COMPARE, 1)),
                    "between" => Some((BinaryKind::Between { negated: false }, PREC_COMPARE, 1)),
                    "notbetween" => Some((BinaryKind::Between { negated: true }, PREC_COMPARE, 1)),
                    "matches" if self.nth_is_word(1, "regex") => {
                        Some((BinaryKind::Plain(BinaryOp::MatchesRegex), PREC_COMPARE, 2))
                    }
                    _ => StringOp::from_word(word).map(|op| (BinaryKind::Plain(BinaryOp::Str(op)), PREC_COMPARE, 1)),
                }
            }
            T::BangWord => {
                let word = self.text(token);
                let tilde = self.nth_kind(1) == T::Tilde && self.adjacent(1);
                match word {
                    "!in" if tilde => Some((BinaryKind::List(ListOp::NotInCi), PREC_COMPARE, 2)),
                    "!in" => Some((BinaryKind::List(ListOp::NotIn), PREC_COMPARE, 1)),
                    "!between" => Some((BinaryKind::Between { negated: true }, PREC_COMPARE, 1)),
                    _ => StringOp::from_word(word).map(|op| (BinaryKind::Plain(BinaryOp::Str(op)), PREC_COMPARE, 1)),
                }
            }
            _ => None,
        }
    }

    /// `(a, b, ...)` after `in`/`has_any`/...: literals, expressions or one tabular expression.
    fn list_operand(&mut self, op_token: Token) -> Option<Vec<Expr>> {
        if self.at(TokenKind::LParen) {
            return Some(self.paren_expr_list());
        }
        let op = self.text(op_token).to_string();
        self.expected(&format!("`(` and a list after `{op}`"));
        None
    }

    /// `( expr, expr, ... )`; each element may be a pipeline.
    pub(super) fn paren_expr_list(&mut self) -> Vec<Expr> {
        let mut items = Vec::new();
        let Some(open) = self.expect(TokenKind::LParen, "`(`") else {
            return items;
        };
        if self.eat(TokenKind::RParen).is_some() {
            return items;
        }
        loop {
            items.push(self.expr());
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        items
    }

    /// `between (low .. high)`.
    fn between_operand(&mut self, start: u32, left: Expr, negated: bool) -> Expr {
        let Some(open) = self.expect(TokenKind::LParen, "`(` after `between`") else {
            return self.error_expr(start);
        };
        let low = self.scalar();
        if self.expect(TokenKind::DotDot, "`..` between the bounds").is_none() {
            self.recover();
            self.eat(TokenKind::RParen);
            return self.error_expr(start);
        }
        let high = self.scalar();
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        Expr::new(
            ExprKind::Between { negated, expr: Box::new(left), low: Box::new(low), high: Box::new(high) },
            self.span_from(start),
        )
    }

    pub(super) fn unary_expr(&mut self) -> Expr {
        self.unary()
    }

    fn unary(&mut self) -> Expr {
        let start = self.peek().span.start;
        let op = match self.kind() {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Plus,
            _ => return self.postfix(),
        };
        self.bump();
        let operand = self.nested(Expr::new(ExprKind::Error, Span::empty(self.prev_end())), |p| p.unary());
        Expr::new(ExprKind::Unary { op, operand: Box::new(operand) }, self.span_from(start))
    }

    fn postfix(&mut self) -> Expr {
        let start = self.peek().span.start;
        let mut expr = self.primary();
        let chain_start = self.chain;
        loop {
            if matches!(self.kind(), TokenKind::Dot | TokenKind::QuotedIdent | TokenKind::LBracket) && !self.deepen() {
                break;
            }
            match self.kind() {
                TokenKind::Dot if self.nth_kind(1) == TokenKind::LBracket => {
                    // `x.[0]` is accepted as `x[0]`.
                    self.bump();
                }
                TokenKind::Dot => {
                    self.bump();
                    let Some(name) = self.member_name() else { break };
                    if self.at(TokenKind::LParen) {
                        // `cluster('c').database('d')`: a call on a member.
                        let args = self.call_args();
                        let kind = ExprKind::MethodCall { receiver: Box::new(expr), name, args };
                        expr = Expr::new(kind, self.span_from(start));
                    } else {
                        expr = Expr::new(ExprKind::Member { base: Box::new(expr), name }, self.span_from(start));
                    }
                }
                TokenKind::QuotedIdent => {
                    // `x['name']`
                    let token = self.bump();
                    let name = self.ident_from(token);
                    expr = Expr::new(ExprKind::Member { base: Box::new(expr), name }, self.span_from(start));
                }
                TokenKind::LBracket => {
                    let open = self.bump();
                    let index = self.scalar();
                    if !self.expect_close(open, TokenKind::RBracket) {
                        self.recover();
                        self.eat(TokenKind::RBracket);
                    }
                    expr = Expr::new(
                        ExprKind::Index { base: Box::new(expr), index: Box::new(index) },
                        self.span_from(start),
                    );
                }
                _ => break,
            }
        }
        self.chain = chain_start;
        expr
    }

    /// The name after `.`: any word (keywords included), a quoted name, or `$left`-style.
    fn member_name(&mut self) -> Option<Ident> {
        match self.kind() {
            TokenKind::Ident | TokenKind::QuotedIdent => {
                let token = self.bump();
                Some(self.ident_from(token))
            }
            _ => {
                self.expected("a name after `.`");
                None
            }
        }
    }

    fn primary(&mut self) -> Expr {
        let token = self.peek();
        let start = token.span.start;
        match token.kind {
            TokenKind::Int => {
                self.bump();
                let text = self.text(token);
                let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                    Some(hex) => i64::from_str_radix(hex, 16).ok(),
                    None => text.parse::<i64>().ok(),
                };
                if value.is_none() && text.parse::<f64>().is_err() {
                    self.error(codes::INVALID_LITERAL, format!("`{text}` is not a valid number"), token.span);
                }
                literal(LiteralKind::Long(value), token.span)
            }
            TokenKind::Real => {
                self.bump();
                let value = self.text(token).parse::<f64>().unwrap_or(f64::NAN);
                literal(LiteralKind::Real(value), token.span)
            }
            TokenKind::Timespan => {
                self.bump();
                literal(LiteralKind::Timespan(self.text(token).to_string()), token.span)
            }
            TokenKind::String => self.string_literal(),
            TokenKind::RawLiteral => {
                self.bump();
                self.raw_literal(token)
            }
            TokenKind::QuotedIdent => {
                self.bump();
                Expr::new(ExprKind::Name(self.ident_from(token)), token.span)
            }
            TokenKind::Star => {
                self.bump();
                Expr::new(ExprKind::Star, token.span)
            }
            TokenKind::LParen => self.paren_expr(),
            TokenKind::Ident => self.word_expr(),
            _ => {
                self.expected("an expression");
                if self.is_bad_token(token) {
                    self.bump();
                }
                Expr::new(ExprKind::Error, Span::empty(start))
            }
        }
    }

    /// One string literal, or several adjacent ones joined (`'a' "b"` is `"ab"`).
    pub(super) fn string_literal(&mut self) -> Expr {
        let start = self.peek().span.start;
        let mut value = String::new();
        while self.at(TokenKind::String) {
            let token = self.bump();
            match decode_string(self.text(token)) {
                Ok(part) => value.push_str(&part),
                Err(message) => self.error(codes::INVALID_LITERAL, message, token.span),
            }
        }
        literal(LiteralKind::String(value), self.span_from(start))
    }

    /// `datetime(...)`, `timespan(...)`, `time(...)`, `guid(...)`: raw text in parentheses.
    fn raw_literal(&mut self, token: Token) -> Expr {
        let text = self.text(token);
        let open = text.find('(').unwrap_or(text.len());
        let word = text[..open].trim();
        let inner = text[open + 1..text.len() - 1].trim();
        let value = if inner.starts_with(['\'', '"']) {
            decode_string(inner).unwrap_or_else(|_| inner.to_string())
        } else {
            inner.to_string()
        };
        if value.is_empty() {
            self.error(codes::INVALID_LITERAL, format!("`{word}()` needs a value, e.g. `{word}(null)`"), token.span);
        }
        let kind = match word {
            "datetime" | "date" => LiteralKind::DateTime(value),
            "guid" => LiteralKind::Guid(value),
            _ => LiteralKind::Timespan(value),
        };
        literal(kind, token.span)
    }

    /// `(expr)`, `(a, b)` or `(tabular | expr)`.
    fn paren_expr(&mut self) -> Expr {
        let open = self.bump();
        let start = open.span.start;
        let first = self.nested(Expr::new(ExprKind::Error, Span::empty(start)), |p| p.sub_pipeline());
        let mut items = vec![first];
        while self.eat(TokenKind::Comma).is_some() {
            items.push(self.expr());
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        let span = self.span_from(start);
        if items.len() == 1 {
            Expr::new(ExprKind::Paren(Box::new(items.pop().expect("one item"))), span)
        } else {
            Expr::new(ExprKind::Tuple(items), span)
        }
    }

    /// An expression starting with a word: a literal keyword, a call, or a name.
    fn word_expr(&mut self) -> Expr {
        let token = self.peek();
        let word = self.text(token);
        let call_follows = self.nth_kind(1) == TokenKind::LParen;
        if word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false") {
            self.bump();
            return literal(LiteralKind::Bool(word.eq_ignore_ascii_case("true")), token.span);
        }
        if word == "dynamic" && call_follows {
            return self.dynamic_literal();
        }
        if TYPED_LITERAL_WORDS.contains(&word)
            && call_follows
            && let Some(expr) = self.typed_literal()
        {
            return expr;
        }
        if RESERVED_IN_EXPR.contains(&word) || StringOp::from_word(word).is_some() {
            self.expected("an expression");
            return Expr::new(ExprKind::Error, Span::empty(token.span.start));
        }
        self.bump();
        let name = self.ident_from(token);
        if call_follows {
            let args = self.call_args();
            return Expr::new(ExprKind::Call { name, args }, self.span_from(token.span.start));
        }
        Expr::new(ExprKind::Name(name), token.span)
    }

    /// `long(null)`, `real(-1.5)`, `int(5)`: a type word and one literal in parentheses.
    /// Returns `None` (consuming nothing) when the parentheses hold something else.
    fn typed_literal(&mut self) -> Option<Expr> {
        let word = self.peek();
        let mut n = 2;
        if matches!(self.nth_kind(n), TokenKind::Minus | TokenKind::Plus) {
            n += 1;
        }
        let value = self.nth(n);
        let is_literal = match value.kind {
            TokenKind::Int | TokenKind::Real | TokenKind::String => true,
            TokenKind::Ident => {
                matches!(self.text(value).to_ascii_lowercase().as_str(), "null" | "nan" | "inf" | "true" | "false")
            }
            _ => false,
        };
        if !is_literal || self.nth_kind(n + 1) != TokenKind::RParen {
            return None;
        }
        for _ in 0..n {
            self.bump();
        }
        let value_start = self.peek().span.start;
        self.bump();
        let value_text = self.src[value_start as usize..self.peek().span.start as usize].trim().to_string();
        let sign = if n == 3 { self.text(self.tokens[self.pos - 2]) } else { "" };
        self.bump(); // )
        let kind = LiteralKind::Typed { ty: self.text(word).to_string(), value: format!("{sign}{value_text}") };
        Some(literal(kind, self.span_from(word.span.start)))
    }

    /// `f(args)`: positional and `name = value` arguments.
    pub(super) fn call_args(&mut self) -> Vec<Arg> {
        let mut args = Vec::new();
        let Some(open) = self.expect(TokenKind::LParen, "`(`") else {
            return args;
        };
        if self.eat(TokenKind::RParen).is_some() {
            return args;
        }
        loop {
            let name = if self.at_name() && self.nth_kind(1) == TokenKind::Eq {
                let token = self.bump();
                self.bump();
                Some(self.ident_from(token))
            } else {
                None
            };
            let value = self.expr();
            args.push(Arg { name, value });
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        args
    }

    /// `dynamic(value)`.
    fn dynamic_literal(&mut self) -> Expr {
        let start = self.bump().span.start; // dynamic
        let open = self.bump(); // (
        let value = self.dynamic_value();
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        literal(LiteralKind::Dynamic(value), self.span_from(start))
    }

    /// JSON plus KQL literals: `null`, bools, numbers, strings, `[..]`, `{..}`, `datetime(..)`.
    fn dynamic_value(&mut self) -> DynamicValue {
        self.nested(DynamicValue::Null, |p| p.dynamic_value_inner())
    }

    fn dynamic_value_inner(&mut self) -> DynamicValue {
        let token = self.peek();
        match token.kind {
            TokenKind::LBracket => {
                let open = self.bump();
                let mut items = Vec::new();
                if self.eat(TokenKind::RBracket).is_none() {
                    loop {
                        items.push(self.dynamic_value());
                        if self.eat(TokenKind::Comma).is_none() {
                            break;
                        }
                    }
                    if !self.expect_close(open, TokenKind::RBracket) {
                        self.recover();
                        self.eat(TokenKind::RBracket);
                    }
                }
                DynamicValue::Array(items)
            }
            TokenKind::QuotedIdent => {
                // `['a']` lexes as a quoted name; inside dynamic it is a one-string array.
                self.bump();
                DynamicValue::Array(vec![DynamicValue::Scalar(Box::new(LiteralKind::String(
                    self.ident_from(token).name,
                )))])
            }
            TokenKind::LBrace => {
                let open = self.bump();
                let mut members = Vec::new();
                if self.eat(TokenKind::RBrace).is_none() {
                    loop {
                        let key = match self.kind() {
                            TokenKind::String => {
                                let key = self.bump();
                                decode_string(self.text(key)).unwrap_or_default()
                            }
                            TokenKind::Ident => {
                                let key = self.bump();
                                self.text(key).to_string()
                            }
                            _ => {
                                self.expected("a property name in quotes");
                                break;
                            }
                        };
                        if self.expect(TokenKind::Colon, "`:` after the property name").is_none() {
                            break;
                        }
                        members.push((key, self.dynamic_value()));
                        if self.eat(TokenKind::Comma).is_none() {
                            break;
                        }
                    }
                    if !self.expect_close(open, TokenKind::RBrace) {
                        self.recover();
                        self.eat(TokenKind::RBrace);
                    }
                }
                DynamicValue::Object(members)
            }
            TokenKind::Ident if self.text(token) == "null" => {
                self.bump();
                DynamicValue::Null
            }
            TokenKind::Int
            | TokenKind::Real
            | TokenKind::String
            | TokenKind::RawLiteral
            | TokenKind::Timespan
            | TokenKind::Minus
            | TokenKind::Plus
            | TokenKind::Ident => {
                let expr = self.unary();
                match expr.kind {
                    ExprKind::Literal(lit) => DynamicValue::Scalar(Box::new(lit.kind)),
                    ExprKind::Unary { op: UnaryOp::Neg, operand } => match operand.kind {
                        ExprKind::Literal(Literal { kind: LiteralKind::Long(Some(v)) }) => {
                            DynamicValue::Scalar(Box::new(LiteralKind::Long(Some(-v))))
                        }
                        ExprKind::Literal(Literal { kind: LiteralKind::Real(v) }) => {
                            DynamicValue::Scalar(Box::new(LiteralKind::Real(-v)))
                        }
                        ExprKind::Literal(Literal { kind }) => DynamicValue::Scalar(Box::new(kind)),
                        _ => self.not_a_dynamic_constant(expr.span),
                    },
                    ExprKind::Error => DynamicValue::Null,
                    _ => self.not_a_dynamic_constant(expr.span),
                }
            }
            _ => {
                self.expected("a constant value inside `dynamic(...)`");
                DynamicValue::Null
            }
        }
    }

    fn not_a_dynamic_constant(&mut self, span: Span) -> DynamicValue {
        self.error_help(
            codes::UNEXPECTED_TOKEN,
            "`dynamic(...)` takes only constants",
            span,
            "build arrays and bags from expressions with `pack_array(...)` or `bag_pack(...)`",
        );
        DynamicValue::Null
    }
}

/// Whether `expr` can be the input of `|`: a table name, a call (tabular function, `table()`,
/// `materialize()`), a qualified name, a parenthesized query or a source operator. A literal or
/// an arithmetic expression cannot, so `f(a, "x" | ...)` reports the missing `)` where it is.
fn can_be_piped(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Name(_)
            | ExprKind::Call { .. }
            | ExprKind::MethodCall { .. }
            | ExprKind::Member { .. }
            | ExprKind::Paren(_)
            | ExprKind::Source(_)
            | ExprKind::Error
    )
}

fn literal(kind: LiteralKind, span: Span) -> Expr {
    Expr::new(ExprKind::Literal(Literal { kind }), span)
}
