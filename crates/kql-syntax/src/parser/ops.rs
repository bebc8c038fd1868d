//! Tabular operators.

use super::Parser;
use crate::Span;
use crate::ast::{
    ColumnDecl, ExpandColumn, Expr, ExprKind, FindArgs, FindColumn, Ident, MakeSeries, NamedExpr, Operator,
    OperatorKind, OptionArg, ParsePart, RangeArgs, SortKey, TopHittersArgs, TopNestedClause,
};
use crate::diagnostic::codes;
use crate::token::TokenKind;

/// Every tabular operator name Quarry recognises. Those not parsed structurally are kept as
/// [`OperatorKind::Unstructured`] so the binder can name them as unsupported.
const OPERATOR_NAMES: &[&str] = &[
    "as",
    "consume",
    "count",
    "datatable",
    "distinct",
    "evaluate",
    "extend",
    "externaldata",
    "facet",
    "filter",
    "find",
    "fork",
    "getschema",
    "graph-mark-components",
    "graph-match",
    "graph-merge",
    "graph-shortest-paths",
    "graph-to-table",
    "invoke",
    "join",
    "limit",
    "lookup",
    "macro-expand",
    "make-graph",
    "make-series",
    "mv-apply",
    "mv-expand",
    "mvapply",
    "mvexpand",
    "order",
    "parse",
    "parse-kv",
    "parse-where",
    "partition",
    "print",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "project-smart",
    "range",
    "reduce",
    "render",
    "sample",
    "sample-distinct",
    "scan",
    "search",
    "serialize",
    "sort",
    "summarize",
    "take",
    "top",
    "top-hitters",
    "top-nested",
    "union",
    "where",
    "assert-schema",
    "execute-and-cache",
];

/// Operators parsed only as balanced token sequences.
const UNSTRUCTURED: &[&str] = &[
    "scan",
    "reduce",
    "make-graph",
    "graph-match",
    "graph-merge",
    "graph-to-table",
    "graph-shortest-paths",
    "graph-mark-components",
    "macro-expand",
    "assert-schema",
    "project-smart",
    "execute-and-cache",
];

impl<'a> Parser<'a> {
    /// Whether the cursor is on a known operator name (for sub-pipelines without a source).
    pub(super) fn at_operator_name(&self) -> bool {
        self.at(TokenKind::Ident) && OPERATOR_NAMES.contains(&self.peek_operator_name().0.as_str())
    }

    /// The operator name at the cursor with hyphenated parts joined (`project-away`), and how
    /// many tokens it spans. Parts must touch: `project - away` is not an operator name.
    fn peek_operator_name(&self) -> (String, usize) {
        let mut name = self.text(self.peek()).to_string();
        let mut len = 1;
        while self.nth_kind(len) == TokenKind::Minus
            && self.nth_kind(len + 1) == TokenKind::Ident
            && self.adjacent(len)
            && self.adjacent(len + 1)
        {
            let candidate = format!("{name}-{}", self.text(self.nth(len + 1)));
            if !OPERATOR_NAMES.iter().any(|op| op.starts_with(&candidate)) {
                break;
            }
            name = candidate;
            len += 2;
        }
        (name, len)
    }

    /// One operator, starting at its name.
    pub(super) fn operator_here(&mut self) -> Operator {
        let start = self.peek().span.start;
        if !self.at(TokenKind::Ident) {
            self.expected("a tabular operator such as `where`, `project` or `summarize`");
            let name = Ident { name: String::new(), span: Span::empty(start), quoted: false };
            self.recover();
            return Operator { name, kind: OperatorKind::Error, span: self.span_from(start) };
        }
        let (word, len) = self.peek_operator_name();
        for _ in 0..len {
            self.bump();
        }
        let name = Ident { name: word.clone(), span: self.span_from(start), quoted: false };
        let kind = self.nested(OperatorKind::Error, |p| p.operator_body(&word, name.span));
        Operator { name, kind, span: self.span_from(start) }
    }

    fn operator_body(&mut self, word: &str, name_span: Span) -> OperatorKind {
        match word {
            "where" | "filter" => OperatorKind::Where { predicate: self.required_expr() },
            "project" => OperatorKind::Project { columns: self.named_expr_list() },
            "extend" => OperatorKind::Extend { columns: self.named_expr_list() },
            "project-away" => OperatorKind::ProjectAway { columns: self.name_pattern_list() },
            "project-keep" => OperatorKind::ProjectKeep { columns: self.name_pattern_list() },
            "project-rename" => OperatorKind::ProjectRename { renames: self.named_expr_list() },
            "project-reorder" => OperatorKind::ProjectReorder { columns: self.reorder_list() },
            "summarize" => self.summarize(),
            "join" => self.join(false),
            "lookup" => self.join(true),
            "union" => self.union(),
            "sort" | "order" => self.sort(),
            "top" => self.top(),
            "take" | "limit" => {
                self.options(&[]);
                OperatorKind::Take { count: self.required_expr() }
            }
            "distinct" => {
                let options = self.options(&[]);
                OperatorKind::Distinct { options, columns: self.named_expr_list() }
            }
            "count" => OperatorKind::Count,
            "getschema" => OperatorKind::GetSchema,
            "consume" => {
                self.options(&["decodeblocks"]);
                OperatorKind::Consume
            }
            "mv-expand" | "mvexpand" => self.mv_expand(),
            "mv-apply" | "mvapply" => self.mv_apply(),
            "parse" => self.parse_op(false),
            "parse-where" => self.parse_op(true),
            "parse-kv" => self.parse_kv(),
            "make-series" => self.make_series(),
            "render" => self.render(),
            "evaluate" => {
                let options = self.options(&[]);
                let call = self.scalar();
                // `evaluate pivot(X) : (Col: type, ...)` declares the plugin's output schema.
                let schema = if self.eat(TokenKind::Colon).is_some() { self.column_decl_list() } else { Vec::new() };
                OperatorKind::Evaluate { options, call, schema }
            }
            "invoke" => OperatorKind::Invoke { call: self.required_expr() },
            "as" => {
                let options = self.options(&["hint.materialized"]);
                match self.name("a name after `as`") {
                    Some(name) => OperatorKind::As { options, name },
                    None => self.fail(),
                }
            }
            "serialize" => OperatorKind::Serialize { columns: self.optional_named_expr_list() },
            "sample" => OperatorKind::Sample { count: self.required_expr() },
            "sample-distinct" => {
                let count = self.required_expr();
                self.keyword("of");
                OperatorKind::SampleDistinct { count, column: self.required_expr() }
            }
            "search" => self.search(),
            "find" => self.find(),
            "top-nested" => self.top_nested(),
            "top-hitters" => {
                let count = self.required_expr();
                self.keyword("of");
                let of = self.required_expr();
                let by = if self.eat_word("by").is_some() { Some(self.required_expr()) } else { None };
                OperatorKind::TopHitters(Box::new(TopHittersArgs { count, of, by }))
            }
            "print" => OperatorKind::Print { columns: self.optional_named_expr_list() },
            "range" => self.range(),
            "datatable" => self.datatable(),
            "externaldata" | "external_data" => self.externaldata(),
            "fork" => self.fork(),
            "facet" => self.facet(),
            "partition" => self.partition(),
            w if UNSTRUCTURED.contains(&w) => {
                let start = self.peek().span.start;
                self.skip_operator_args();
                OperatorKind::Unstructured { args: self.span_from(start) }
            }
            _ => {
                let suggestion = closest_operator(word);
                let message = format!("unknown tabular operator `{word}`");
                match suggestion {
                    Some(s) => {
                        self.error_help(codes::UNKNOWN_OPERATOR, message, name_span, format!("did you mean `{s}`?"))
                    }
                    None => self.error_help(
                        codes::UNKNOWN_OPERATOR,
                        message,
                        name_span,
                        "operators are lower-case: where, project, extend, summarize, join, union, sort, top, take...",
                    ),
                }
                self.recover();
                OperatorKind::Error
            }
        }
    }

    fn fail(&mut self) -> OperatorKind {
        self.recover();
        OperatorKind::Error
    }

    /// An expression that must be present.
    fn required_expr(&mut self) -> Expr {
        self.scalar()
    }

    /// Expects the keyword `word`.
    fn keyword(&mut self, word: &str) -> bool {
        if self.eat_word(word).is_some() {
            return true;
        }
        self.expected(&format!("`{word}`"));
        false
    }

    /// Skips a balanced token run up to the next `|`, `;` or closing bracket.
    fn skip_operator_args(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Pipe | TokenKind::Semicolon if depth == 0 => return,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace if depth == 0 => return,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth -= 1,
                _ => {
                    let token = self.peek();
                    if self.is_bad_token(token) {
                        self.expected("");
                    }
                }
            }
            self.bump();
        }
    }

    // ----- options -----

    /// `name=value` options before an operator's arguments. `hint.*` is always an option; other
    /// names only when listed in `names` (so `summarize Count=count()` is not taken for one).
    fn options(&mut self, names: &[&str]) -> Vec<OptionArg> {
        let mut options = Vec::new();
        loop {
            if !self.at(TokenKind::Ident) {
                return options;
            }
            // Dotted option names: `hint.strategy`.
            let mut len = 1;
            let mut name = self.text(self.peek()).to_string();
            while self.nth_kind(len) == TokenKind::Dot && self.nth_kind(len + 1) == TokenKind::Ident {
                name.push('.');
                name.push_str(self.text(self.nth(len + 1)));
                len += 2;
            }
            let is_option = name.starts_with("hint.") || names.contains(&name.as_str());
            if !is_option || self.nth_kind(len) != TokenKind::Eq {
                return options;
            }
            let start = self.peek().span.start;
            for _ in 0..len {
                self.bump();
            }
            let ident = Ident { name, span: self.span_from(start), quoted: false };
            self.bump(); // =
            let value = self.option_value();
            options.push(OptionArg { name: ident, value });
        }
    }

    /// An option's value: a literal or a bare word (`kind=inner`); never a call, so that
    /// `join kind=inner (T)` does not read as `inner(T)`.
    fn option_value(&mut self) -> Expr {
        if self.at_name() {
            let token = self.bump();
            let name = self.ident_from(token);
            return Expr::new(ExprKind::Name(name), token.span);
        }
        self.unary_expr()
    }

    // ----- lists -----

    /// `expr, expr, ...` (at least one).
    fn expr_list(&mut self) -> Vec<Expr> {
        let mut items = vec![self.scalar()];
        while self.eat(TokenKind::Comma).is_some() {
            items.push(self.scalar());
        }
        items
    }

    /// `[Name =] expr, ...` (at least one).
    fn named_expr_list(&mut self) -> Vec<NamedExpr> {
        let mut items = vec![self.named_expr()];
        while self.eat(TokenKind::Comma).is_some() {
            items.push(self.named_expr());
        }
        items
    }

    /// Like [`Self::named_expr_list`] but may be empty (`serialize`, `print`).
    fn optional_named_expr_list(&mut self) -> Vec<NamedExpr> {
        if matches!(self.kind(), TokenKind::Pipe | TokenKind::Semicolon | TokenKind::Eof | TokenKind::RParen) {
            return Vec::new();
        }
        self.named_expr_list()
    }

    /// `Name = expr`, `(A, B) = expr` or `expr`.
    pub(super) fn named_expr(&mut self) -> NamedExpr {
        let start = self.peek().span.start;
        if self.at_name() && self.nth_kind(1) == TokenKind::Eq {
            let token = self.bump();
            let name = self.ident_from(token);
            self.bump(); // =
            let expr = self.scalar();
            return NamedExpr { names: vec![name], expr, span: self.span_from(start) };
        }
        if self.at(TokenKind::LParen) && self.at_name_tuple_assignment() {
            let open = self.bump();
            let mut names = Vec::new();
            loop {
                if let Some(name) = self.name("a column name") {
                    names.push(name);
                }
                if self.eat(TokenKind::Comma).is_none() {
                    break;
                }
            }
            self.expect_close(open, TokenKind::RParen);
            self.bump(); // =
            let expr = self.scalar();
            return NamedExpr { names, expr, span: self.span_from(start) };
        }
        let expr = self.scalar();
        NamedExpr { names: Vec::new(), expr, span: self.span_from(start) }
    }

    /// Whether `(` starts `(A, B, ...) =`.
    fn at_name_tuple_assignment(&self) -> bool {
        let mut n = 1;
        loop {
            if !matches!(self.nth_kind(n), TokenKind::Ident | TokenKind::QuotedIdent) {
                return false;
            }
            match self.nth_kind(n + 1) {
                TokenKind::Comma => n += 2,
                TokenKind::RParen => return self.nth_kind(n + 2) == TokenKind::Eq,
                _ => return false,
            }
        }
    }

    /// Column names or wildcard patterns (`Init*`, `*Id`), comma-separated.
    fn name_pattern_list(&mut self) -> Vec<Expr> {
        let mut items = vec![self.name_pattern()];
        while self.eat(TokenKind::Comma).is_some() {
            items.push(self.name_pattern());
        }
        items
    }

    /// A name, possibly with `*` wildcards written right next to its parts: `Device*`,
    /// `*Events`, `Device*Events`, `*`. Also qualified names like `database("x").T`.
    fn name_pattern(&mut self) -> Expr {
        let start = self.peek().span.start;
        let pattern_token = |k: TokenKind| matches!(k, TokenKind::Ident | TokenKind::Star);
        if pattern_token(self.kind())
            && (self.at(TokenKind::Star) || (self.nth_kind(1) == TokenKind::Star && self.adjacent(1)))
        {
            let mut text = String::new();
            loop {
                let token = self.bump();
                text.push_str(self.text(token));
                if !(pattern_token(self.kind()) && self.peek().span.start == token.span.end) {
                    break;
                }
            }
            if text == "*" {
                return Expr::new(ExprKind::Star, self.span_from(start));
            }
            return Expr::new(ExprKind::Wildcard(text), self.span_from(start));
        }
        self.postfix_only()
    }

    /// A name with member access and calls but no binary operators (`T`, `database('d').T`).
    fn postfix_only(&mut self) -> Expr {
        if self.at(TokenKind::LParen) {
            return self.scalar();
        }
        self.scalar()
    }

    /// `Col [asc|desc|granny-asc|granny-desc], ...` for `project-reorder`.
    fn reorder_list(&mut self) -> Vec<SortKey> {
        let mut keys = Vec::new();
        loop {
            let expr = self.name_pattern();
            let order = self.sort_order(true);
            keys.push(SortKey { expr, order, nulls_first: None });
            if self.eat(TokenKind::Comma).is_none() {
                return keys;
            }
        }
    }

    fn sort_order(&mut self, granny: bool) -> Option<Ident> {
        if self.at_word("asc") || self.at_word("desc") {
            let token = self.bump();
            return Some(self.ident_from(token));
        }
        if granny && self.at_word("granny") && self.nth_kind(1) == TokenKind::Minus {
            let start = self.peek().span.start;
            self.bump();
            self.bump();
            let token = self.bump();
            let name = format!("granny-{}", self.text(token));
            return Some(Ident { name, span: self.span_from(start), quoted: false });
        }
        None
    }

    /// `expr [asc|desc] [nulls first|last], ...`.
    fn sort_keys(&mut self) -> Vec<SortKey> {
        let mut keys = Vec::new();
        loop {
            let expr = self.scalar();
            let order = self.sort_order(false);
            let nulls_first = if self.eat_word("nulls").is_some() {
                if self.eat_word("first").is_some() {
                    Some(true)
                } else if self.eat_word("last").is_some() {
                    Some(false)
                } else {
                    self.expected("`first` or `last` after `nulls`");
                    None
                }
            } else {
                None
            };
            keys.push(SortKey { expr, order, nulls_first });
            if self.eat(TokenKind::Comma).is_none() {
                return keys;
            }
        }
    }

    // ----- operators -----

    fn summarize(&mut self) -> OperatorKind {
        let options = self.options(&[]);
        let aggregates = if self.at_word("by") { Vec::new() } else { self.named_expr_list() };
        let by = if self.eat_word("by").is_some() { self.named_expr_list() } else { Vec::new() };
        if aggregates.is_empty() && by.is_empty() {
            self.expected("aggregates or `by`");
        }
        OperatorKind::Summarize { options, aggregates, by }
    }

    /// `join`/`lookup`: options, the right side, `on` conditions.
    fn join(&mut self, lookup: bool) -> OperatorKind {
        let options = self.options(&["kind", "withsource"]);
        let right = if self.at(TokenKind::LParen) { self.scalar() } else { self.name_pattern() };
        let mut on = Vec::new();
        if self.eat_word("on").is_some() {
            on = self.expr_list();
        } else if lookup
            || !matches!(self.kind(), TokenKind::Pipe | TokenKind::Semicolon | TokenKind::Eof | TokenKind::RParen)
        {
            self.expected("`on` and the join keys");
        }
        if lookup { OperatorKind::Lookup { options, right, on } } else { OperatorKind::Join { options, right, on } }
    }

    fn union(&mut self) -> OperatorKind {
        let options = self.options(&["kind", "withsource", "isfuzzy"]);
        let mut tables = Vec::new();
        loop {
            let table = if self.at(TokenKind::LParen) { self.scalar() } else { self.name_pattern() };
            tables.push(table);
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        OperatorKind::Union { options, tables }
    }

    fn sort(&mut self) -> OperatorKind {
        let options = self.options(&[]);
        if !self.keyword("by") {
            return self.fail();
        }
        OperatorKind::Sort { options, keys: self.sort_keys() }
    }

    fn top(&mut self) -> OperatorKind {
        let count = self.scalar();
        if !self.keyword("by") {
            return self.fail();
        }
        OperatorKind::Top { count, keys: self.sort_keys() }
    }

    /// `[Name =] expr [to typeof(type)], ... [limit N]` for `mv-expand` and `mv-apply`.
    fn expand_columns(&mut self) -> Vec<ExpandColumn> {
        let mut columns = Vec::new();
        loop {
            let column = self.named_expr();
            let to_type = if self.eat_word("to").is_some() {
                self.keyword("typeof");
                match self.expect(TokenKind::LParen, "`(` after `typeof`") {
                    Some(open) => {
                        let ty = self.type_name();
                        self.expect_close(open, TokenKind::RParen);
                        ty
                    }
                    None => None,
                }
            } else {
                None
            };
            columns.push(ExpandColumn { column, to_type });
            if self.eat(TokenKind::Comma).is_none() {
                return columns;
            }
        }
    }

    fn mv_expand(&mut self) -> OperatorKind {
        let options = self.options(&["bagexpansion", "with_itemindex", "kind"]);
        let columns = self.expand_columns();
        let limit = if self.eat_word("limit").is_some() { Some(self.scalar()) } else { None };
        OperatorKind::MvExpand { options, columns, limit }
    }

    fn mv_apply(&mut self) -> OperatorKind {
        let options = self.options(&["with_itemindex", "id"]);
        let columns = self.expand_columns();
        let limit = if self.eat_word("limit").is_some() { Some(self.scalar()) } else { None };
        if !self.keyword("on") {
            return self.fail();
        }
        let Some(open) = self.expect(TokenKind::LParen, "`(` and a subquery after `on`") else {
            return self.fail();
        };
        let on = self.sub_pipeline();
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        OperatorKind::MvApply { options, columns, limit, on: Box::new(on) }
    }

    /// `parse [kind=..] [flags=..] expr with [*] "text" Col[:type] ...`.
    fn parse_op(&mut self, filter: bool) -> OperatorKind {
        let options = self.options(&["kind", "flags"]);
        let source = self.scalar();
        if !self.keyword("with") {
            return self.fail();
        }
        let mut pattern = Vec::new();
        loop {
            match self.kind() {
                TokenKind::Star => pattern.push(ParsePart::Star(self.bump().span)),
                TokenKind::String => pattern.push(ParsePart::Text(self.string_literal())),
                TokenKind::Ident | TokenKind::QuotedIdent => {
                    // A `let`-bound pattern string is also allowed where text is: treat a name
                    // followed by `:` as a column, a bare name as a column too (the binder knows).
                    let token = self.bump();
                    let name = self.ident_from(token);
                    let ty = if self.eat(TokenKind::Colon).is_some() { self.type_name() } else { None };
                    pattern.push(ParsePart::Column { name, ty });
                }
                _ => break,
            }
            // Parts may be separated by commas in older queries? No: KQL separates by spacing.
        }
        if pattern.is_empty() {
            self.expected("a pattern after `with`");
        }
        OperatorKind::Parse { filter, options, source, pattern }
    }

    fn parse_kv(&mut self) -> OperatorKind {
        let source = self.scalar();
        if !self.keyword("as") {
            return self.fail();
        }
        let columns = self.column_decl_list();
        let options = if self.eat_word("with").is_some() { self.paren_options() } else { Vec::new() };
        OperatorKind::ParseKv { source, columns, options }
    }

    /// `(Col: type, ...)`.
    fn column_decl_list(&mut self) -> Vec<ColumnDecl> {
        let mut columns = Vec::new();
        let Some(open) = self.expect(TokenKind::LParen, "`(` and a column list") else {
            return columns;
        };
        while !matches!(self.kind(), TokenKind::RParen | TokenKind::Eof) {
            match self.column_decl() {
                Some(column) => columns.push(column),
                None => break,
            }
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        columns
    }

    /// `(name = value, ...)` as in `with (format="csv")`.
    fn paren_options(&mut self) -> Vec<OptionArg> {
        let mut options = Vec::new();
        let Some(open) = self.expect(TokenKind::LParen, "`(`") else {
            return options;
        };
        while !matches!(self.kind(), TokenKind::RParen | TokenKind::Eof) {
            let Some(name) = self.name("an option name") else { break };
            if self.expect(TokenKind::Eq, "`=` after the option name").is_none() {
                break;
            }
            let value = self.scalar();
            options.push(OptionArg { name, value });
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        options
    }

    fn make_series(&mut self) -> OperatorKind {
        let options = self.options(&["kind"]);
        let mut aggregates = Vec::new();
        let mut defaults = Vec::new();
        loop {
            aggregates.push(self.named_expr());
            let default = if self.at_word("default") && self.nth_kind(1) == TokenKind::Eq {
                self.bump();
                self.bump();
                Some(self.scalar())
            } else {
                None
            };
            defaults.push(default);
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.keyword("on") {
            return self.fail();
        }
        // Not a full expression: `on Timestamp in range(...)` must not read as an `in` test.
        let axis = self.unary_expr();
        let (mut from, mut to, mut step) = (None, None, None);
        if self.at_word("in") && self.nth_is_word(1, "range") {
            self.bump();
            self.bump();
            let args = self.call_args();
            let mut values = args.into_iter().map(|a| a.value);
            from = values.next();
            to = values.next();
            step = values.next();
        } else {
            if self.eat_word("from").is_some() {
                from = Some(self.scalar());
            }
            if self.eat_word("to").is_some() {
                to = Some(self.scalar());
            }
            if self.keyword("step") {
                step = Some(self.scalar());
            }
        }
        let by = if self.eat_word("by").is_some() { self.named_expr_list() } else { Vec::new() };
        OperatorKind::MakeSeries(Box::new(MakeSeries { options, aggregates, defaults, axis, from, to, step, by }))
    }

    fn render(&mut self) -> OperatorKind {
        let Some(chart) = self.name("a visualization such as `timechart` or `table`") else {
            return self.fail();
        };
        let mut properties = Vec::new();
        if self.eat_word("with").is_some() {
            properties = self.paren_options();
        } else {
            // Legacy form: `render timechart kind=stacked title="x"`.
            while self.at(TokenKind::Ident) && self.nth_kind(1) == TokenKind::Eq {
                let token = self.bump();
                let name = self.ident_from(token);
                self.bump();
                properties.push(OptionArg { name, value: self.scalar() });
            }
        }
        OperatorKind::Render { chart, properties }
    }

    /// `in (T1, T2)` table list for `search`/`find`.
    fn in_tables(&mut self) -> Vec<Expr> {
        if !(self.at_word("in") && self.nth_kind(1) == TokenKind::LParen) {
            return Vec::new();
        }
        self.bump();
        let open = self.bump();
        let mut tables = Vec::new();
        loop {
            tables.push(if self.at(TokenKind::LParen) { self.scalar() } else { self.name_pattern() });
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RParen) {
            self.recover();
            self.eat(TokenKind::RParen);
        }
        tables
    }

    fn search_predicate(&mut self) -> Expr {
        let saved = self.search_mode;
        self.search_mode = true;
        let predicate = self.scalar();
        self.search_mode = saved;
        predicate
    }

    fn search(&mut self) -> OperatorKind {
        let options = self.options(&["kind"]);
        let tables = self.in_tables();
        let predicate = self.search_predicate();
        OperatorKind::Search { options, tables, predicate }
    }

    fn find(&mut self) -> OperatorKind {
        let options = self.options(&["withsource", "datascope", "hint.materialized"]);
        let tables = self.in_tables();
        if !self.keyword("where") {
            return self.fail();
        }
        let predicate = self.search_predicate();
        let mut project = Vec::new();
        if self.at_word("project-smart") || (self.at_word("project") && self.nth_kind(1) == TokenKind::Minus) {
            // `project-smart` / `project-away` after find.
            let _ = self.peek_operator_name();
            let (_, len) = self.peek_operator_name();
            for _ in 0..len {
                self.bump();
            }
            if !matches!(self.kind(), TokenKind::Pipe | TokenKind::Semicolon | TokenKind::Eof | TokenKind::RParen) {
                project = self.find_columns();
            }
        } else if self.eat_word("project").is_some() {
            project = self.find_columns();
        }
        OperatorKind::Find(Box::new(FindArgs { options, tables, predicate, project }))
    }

    /// `Name[: type], ...` after `find ... project`.
    fn find_columns(&mut self) -> Vec<FindColumn> {
        let mut items = Vec::new();
        loop {
            let column = self.name_pattern();
            let ty = if self.eat(TokenKind::Colon).is_some() { self.type_name() } else { None };
            items.push(FindColumn { column, ty });
            if self.eat(TokenKind::Comma).is_none() {
                return items;
            }
        }
    }

    fn top_nested(&mut self) -> OperatorKind {
        let mut clauses = Vec::new();
        loop {
            let count = if self.at_word("of") { None } else { Some(self.scalar()) };
            if !self.keyword("of") {
                return self.fail();
            }
            let of = self.named_expr();
            let others = if self.at_word("with") && self.nth_is_word(1, "others") {
                self.bump();
                self.bump();
                self.expect(TokenKind::Eq, "`=` after `with others`");
                Some(self.scalar())
            } else {
                None
            };
            if !self.keyword("by") {
                return self.fail();
            }
            let by_expr = self.named_expr();
            let order = self.sort_order(false);
            let by_name = by_expr.names.first().cloned();
            clauses.push(TopNestedClause {
                count,
                of,
                others,
                by: SortKey { expr: by_expr.expr, order, nulls_first: None },
                by_name,
            });
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
            // `top-nested` lexes as `top`, `-`, `nested`.
            if self.at_word("top") && self.nth_kind(1) == TokenKind::Minus && self.nth_is_word(2, "nested") {
                self.bump();
                self.bump();
                self.bump();
            } else {
                self.expected("`top-nested`");
                return self.fail();
            }
        }
        OperatorKind::TopNested { clauses }
    }

    fn range(&mut self) -> OperatorKind {
        let Some(column) = self.name("a column name after `range`") else {
            return self.fail();
        };
        if !self.keyword("from") {
            return self.fail();
        }
        let from = self.scalar();
        if !self.keyword("to") {
            return self.fail();
        }
        let to = self.scalar();
        if !self.keyword("step") {
            return self.fail();
        }
        let step = self.scalar();
        OperatorKind::Range(Box::new(RangeArgs { column, from, to, step }))
    }

    fn datatable(&mut self) -> OperatorKind {
        self.options(&[]);
        let schema = self.column_decl_list();
        let values = self.bracket_values();
        OperatorKind::DataTable { schema, values }
    }

    /// `[v, v, ...]` of `datatable` and `externaldata`.
    fn bracket_values(&mut self) -> Vec<Expr> {
        let mut values = Vec::new();
        if self.at(TokenKind::QuotedIdent) {
            // `['a']` lexes as a quoted name: a one-value list.
            let token = self.bump();
            let value = self.ident_from(token).name;
            let kind = crate::ast::LiteralKind::String(value);
            values.push(Expr::new(ExprKind::Literal(crate::ast::Literal { kind }), token.span));
            return values;
        }
        let Some(open) = self.expect(TokenKind::LBracket, "`[` and the values") else {
            return values;
        };
        while !matches!(self.kind(), TokenKind::RBracket | TokenKind::Eof) {
            values.push(self.scalar());
            if self.eat(TokenKind::Comma).is_none() {
                break;
            }
        }
        if !self.expect_close(open, TokenKind::RBracket) {
            self.recover();
            self.eat(TokenKind::RBracket);
        }
        values
    }

    fn externaldata(&mut self) -> OperatorKind {
        self.options(&["kind"]);
        let schema = self.column_decl_list();
        let uris = self.bracket_values();
        let options = if self.eat_word("with").is_some() { self.paren_options() } else { Vec::new() };
        OperatorKind::ExternalData { schema, uris, options }
    }

    /// `fork [name=](ops) ...`.
    fn fork(&mut self) -> OperatorKind {
        let mut branches = Vec::new();
        while self.at(TokenKind::LParen) || (self.at_name() && self.nth_kind(1) == TokenKind::Eq) {
            let start = self.peek().span.start;
            let mut names = Vec::new();
            if !self.at(TokenKind::LParen) {
                let token = self.bump();
                names.push(self.ident_from(token));
                self.bump();
            }
            let Some(open) = self.expect(TokenKind::LParen, "`(`") else {
                break;
            };
            let expr = self.sub_pipeline();
            if !self.expect_close(open, TokenKind::RParen) {
                self.recover();
                self.eat(TokenKind::RParen);
            }
            branches.push(NamedExpr { names, expr, span: self.span_from(start) });
        }
        if branches.is_empty() {
            self.expected("`(` and a sub-query");
        }
        OperatorKind::Fork { branches }
    }

    fn facet(&mut self) -> OperatorKind {
        if !self.keyword("by") {
            return self.fail();
        }
        let columns = self.expr_list();
        let with = if self.eat_word("with").is_some() {
            let Some(open) = self.expect(TokenKind::LParen, "`(`") else {
                return self.fail();
            };
            let expr = self.sub_pipeline();
            if !self.expect_close(open, TokenKind::RParen) {
                self.recover();
                self.eat(TokenKind::RParen);
            }
            Some(Box::new(expr))
        } else {
            None
        };
        OperatorKind::Facet { columns, with }
    }

    fn partition(&mut self) -> OperatorKind {
        let options = self.options(&[]);
        if !self.keyword("by") {
            return self.fail();
        }
        let by = self.postfix_only_name();
        let close = match self.kind() {
            TokenKind::LParen => TokenKind::RParen,
            TokenKind::LBrace => TokenKind::RBrace,
            _ => {
                self.expected("`(` or `{` and a sub-query");
                return self.fail();
            }
        };
        let open = self.bump();
        let body = self.sub_pipeline();
        if !self.expect_close(open, close) {
            self.recover();
            self.eat(close);
        }
        OperatorKind::Partition { options, by, body: Box::new(body) }
    }

    /// A column name for `partition by`, without treating the following `(` as a call.
    fn postfix_only_name(&mut self) -> Expr {
        match self.name("a column name") {
            Some(name) => {
                let span = name.span;
                Expr::new(ExprKind::Name(name), span)
            }
            None => Expr::new(ExprKind::Error, Span::empty(self.prev_end())),
        }
    }
}

/// The known operator closest to a misspelt one, if any is close.
fn closest_operator(word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    if let Some(exact) = OPERATOR_NAMES.iter().find(|op| **op == lower) {
        return Some(exact);
    }
    OPERATOR_NAMES
        .iter()
        .map(|op| (edit_distance(&lower, op), *op))
        .filter(|(d, op)| *d <= 2.max(op.len() / 4))
        .min()
        .map(|(_, op)| op)
}

/// Levenshtein distance, for "did you mean" suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(row[j + 1]) };
            prev = cur;
        }
    }
    row[b.len()]
}
