//! The abstract syntax tree. Every node has a [`Span`] into the source.
//!
//! Tabular and scalar expressions share one [`Expr`] type because KQL's grammar does not separate
//! them (`let x = ...` binds either; `in (...)` takes either); the binder tells them apart.

mod literal;
mod operator;

pub use literal::{DynamicValue, Literal, LiteralKind, decode_string};
pub use operator::*;

use crate::Span;

/// A whole script: statements separated by `;`.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// The statements in order.
    pub statements: Vec<Statement>,
    /// The whole input.
    pub span: Span,
}

impl Script {
    /// The query statements (usually exactly one).
    pub fn queries(&self) -> impl Iterator<Item = &Expr> {
        self.statements.iter().filter_map(|s| match &s.kind {
            StatementKind::Query(expr) => Some(expr),
            _ => None,
        })
    }
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// What it is.
    pub kind: StatementKind,
    /// Where it is, without the trailing `;`.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    /// `let name = expr` or `let name = (params) { body }`.
    Let {
        /// The bound name.
        name: Ident,
        /// What it is bound to.
        value: LetValue,
    },
    /// `set name [= value]`: a request property.
    Set {
        /// Property name, possibly dotted (`query_now`, `notruncation`).
        name: Ident,
        /// The value, if given.
        value: Option<Expr>,
    },
    /// `declare query_parameters (name: type [= default], ...)`.
    DeclareQueryParameters {
        /// The declared parameters.
        params: Vec<Param>,
    },
    /// `declare pattern name ...` and other `declare` forms, kept as their span only.
    Declare {
        /// The word after `declare`.
        what: Ident,
    },
    /// `alias database x = cluster(...).database(...)`.
    Alias {
        /// The alias name.
        name: Ident,
        /// What it stands for.
        value: Expr,
    },
    /// `restrict access to (...)`.
    RestrictAccess {
        /// The entities access is restricted to.
        entities: Vec<Expr>,
    },
    /// A query: a tabular or scalar expression.
    Query(Expr),
    /// A statement that failed to parse.
    Error,
}

/// The right-hand side of a `let`.
#[derive(Clone, Debug, PartialEq)]
pub enum LetValue {
    /// A scalar or tabular expression (including `materialize(...)`).
    Expr(Expr),
    /// A user-defined function: `(params) { body }`.
    Function(FunctionDef),
    /// `view () { ... }`.
    View(FunctionDef),
}

/// A lambda: parameters and a body of statements ending in an expression.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// The parameters.
    pub params: Vec<Param>,
    /// Statements of the body; the last is the result.
    pub body: Vec<Statement>,
    /// From `(` to `}`.
    pub span: Span,
}

/// A function or query parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The parameter name.
    pub name: Ident,
    /// Its declared type.
    pub ty: ParamType,
    /// Its default value, for `name: type = value`.
    pub default: Option<Expr>,
    /// Where it is.
    pub span: Span,
}

/// A parameter's declared type.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamType {
    /// A scalar type: `string`, `long`, `dynamic`...
    Scalar(Ident),
    /// A table with at least these columns: `(Col: type, ...)`; `(*)` accepts any table.
    Tabular {
        /// Required columns.
        columns: Vec<ColumnDecl>,
        /// Whether `*` appears (any other columns allowed).
        open: bool,
    },
}

/// `name: type`, as in `datatable` and tabular parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDecl {
    /// Column name.
    pub name: Ident,
    /// Type name.
    pub ty: Ident,
    /// Where it is.
    pub span: Span,
}

/// A name: a column, table, function, variable or option.
#[derive(Clone, Debug)]
pub struct Ident {
    /// The name as KQL sees it (quotes of `['x']` removed).
    pub name: String,
    /// Where it is.
    pub span: Span,
    /// Whether it was written as `['..']`/`[".."]`.
    pub quoted: bool,
}

impl Ident {
    /// Whether this is the unquoted keyword `word` (KQL keywords are case-sensitive).
    pub fn is(&self, word: &str) -> bool {
        !self.quoted && self.name == word
    }
}

/// Names compare by text only, so tests do not depend on offsets.
impl PartialEq for Ident {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal value.
    Literal(Literal),
    /// A name: a column, a table, a `let` variable, `$left`.
    Name(Ident),
    /// `*` where a column list or argument allows it (`count(*)`... `arg_max(T, *)`).
    Star,
    /// A wildcard name pattern such as `Device*` in `union Device*` or `project-away Init*`.
    Wildcard(String),
    /// `-x`, `+x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a and b and ...` or `a or b or ...`, flattened: hunting rules chain hundreds of `or`s,
    /// and a flat list keeps the tree shallow.
    Logical {
        /// `and` or `or`.
        op: LogicalOp,
        /// Two or more operands, in source order.
        operands: Vec<Expr>,
    },
    /// `left op right` for every other binary operator, string operators included.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `x in (..)`, `x !in (..)`, `x in~ (..)`, `x has_any (..)`, `x has_all (..)`.
    In {
        /// Which list operator.
        op: ListOp,
        /// The tested value.
        expr: Box<Expr>,
        /// The list: literals, expressions, or a single tabular expression.
        list: Vec<Expr>,
    },
    /// `x between (low .. high)`, `x !between (..)`.
    Between {
        /// `!between`.
        negated: bool,
        /// The tested value.
        expr: Box<Expr>,
        /// Lower bound, inclusive.
        low: Box<Expr>,
        /// Upper bound, inclusive.
        high: Box<Expr>,
    },
    /// `f(args)`.
    Call {
        /// Function name (`count`, `strcat`, a `let` function, `cluster('x').database`...).
        name: Ident,
        /// Positional and named arguments.
        args: Vec<Arg>,
    },
    /// `x.f(args)`, as in `cluster('c').database('d')`.
    MethodCall {
        /// What the method is called on.
        receiver: Box<Expr>,
        /// The method.
        name: Ident,
        /// Its arguments.
        args: Vec<Arg>,
    },
    /// `x.name` or `x['name']`.
    Member {
        /// The object.
        base: Box<Expr>,
        /// The member.
        name: Ident,
    },
    /// `x[index]`.
    Index {
        /// The object.
        base: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
    },
    /// `(expr)`.
    Paren(Box<Expr>),
    /// `(a, b, c)`: a tuple on the left of `=` in `extend (a, b) = ...` or in `join on`.
    Tuple(Vec<Expr>),
    /// `source | op | op ...`.
    Pipe {
        /// The input: a table name, a parenthesized query, a tabular function call...
        source: Box<Expr>,
        /// The operators, in order.
        operators: Vec<Operator>,
    },
    /// A tabular operator used without input: `union`, `print`, `range`, `datatable`, `find`,
    /// `search`, `evaluate`, `externaldata`.
    Source(Box<Operator>),
    /// `toscalar(...)`, `materialize(...)` and other calls whose argument is a query are plain
    /// [`ExprKind::Call`]s; a lambda written inline, `(x: long) { x + 1 }`, is this.
    Lambda(FunctionDef),
    /// The implicit input of a sub-pipeline that starts with an operator, as in
    /// `mv-apply ... on (summarize ...)` or `fork (where ...)`.
    Implicit,
    /// Something that failed to parse.
    Error,
}

/// A function argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `name = ` for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// The logical connectives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    /// `and`
    And,
    /// `or`
    Or,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
}

/// Binary operators, in the spelling they were written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// `=~`
    EqCi,
    /// `!~`
    NotEqCi,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// A string operator such as `has`, `!contains_cs`, `startswith`.
    Str(StringOp),
    /// `matches regex`
    MatchesRegex,
}

/// The term and substring operators. `negated` is the `!` form, `case_sensitive` the `_cs` form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StringOp {
    /// Which operator.
    pub kind: StringOpKind,
    /// `!has`, `!contains`...
    pub negated: bool,
    /// `has_cs`, `contains_cs`...
    pub case_sensitive: bool,
}

/// The families of string operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum StringOpKind {
    Has,
    HasPrefix,
    HasSuffix,
    Contains,
    StartsWith,
    EndsWith,
}

/// Operators that take a parenthesized list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ListOp {
    In,
    NotIn,
    /// `in~`
    InCi,
    /// `!in~`
    NotInCi,
    HasAny,
    HasAll,
}

impl BinaryOp {
    /// The operator as written in KQL.
    pub fn as_str(self) -> String {
        let s = match self {
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::EqCi => "=~",
            BinaryOp::NotEqCi => "!~",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::MatchesRegex => "matches regex",
            BinaryOp::Str(op) => return op.as_str(),
        };
        s.to_string()
    }
}

impl StringOp {
    /// The operator as written, e.g. `!has_cs`.
    pub fn as_str(self) -> String {
        let base = match self.kind {
            StringOpKind::Has => "has",
            StringOpKind::HasPrefix => "hasprefix",
            StringOpKind::HasSuffix => "hassuffix",
            StringOpKind::Contains => "contains",
            StringOpKind::StartsWith => "startswith",
            StringOpKind::EndsWith => "endswith",
        };
        format!("{}{base}{}", if self.negated { "!" } else { "" }, if self.case_sensitive { "_cs" } else { "" })
    }

    /// Parses a string operator word such as `!hasprefix_cs` (also the legacy `notcontains`,
    /// `containscs`, `notcontainscs`, `notstartswith`...).
    pub fn from_word(word: &str) -> Option<StringOp> {
        let lower = word.to_ascii_lowercase();
        let (negated, rest) = match lower.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => match lower.strip_prefix("not") {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, lower.as_str()),
            },
        };
        let (case_sensitive, base) = match rest.strip_suffix("_cs") {
            Some(base) => (true, base),
            None => match rest.strip_suffix("cs") {
                Some(base) if base == "contains" => (true, base),
                _ => (false, rest),
            },
        };
        let kind = match base {
            "has" => StringOpKind::Has,
            "hasprefix" => StringOpKind::HasPrefix,
            "hassuffix" => StringOpKind::HasSuffix,
            "contains" => StringOpKind::Contains,
            "startswith" => StringOpKind::StartsWith,
            "endswith" => StringOpKind::EndsWith,
            _ => return None,
        };
        // `nothas` is not KQL; only the contains family has legacy `not` forms.
        if lower.starts_with("not")
            && kind != StringOpKind::Contains
            && kind != StringOpKind::StartsWith
            && kind != StringOpKind::EndsWith
        {
            return None;
        }
        Some(StringOp { kind, negated, case_sensitive })
    }
}

impl ListOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ListOp::In => "in",
            ListOp::NotIn => "!in",
            ListOp::InCi => "in~",
            ListOp::NotInCi => "!in~",
            ListOp::HasAny => "has_any",
            ListOp::HasAll => "has_all",
        }
    }
}
