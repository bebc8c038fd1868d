//! Tabular operators: what follows a `|`, or starts a query (`union`, `print`, `range`...).

use super::{ColumnDecl, Expr, Ident};
use crate::Span;

/// One tabular operator.
#[derive(Clone, Debug, PartialEq)]
pub struct Operator {
    /// The operator's name as written (`where`, `project-away`, `mv-expand`).
    pub name: Ident,
    /// Its arguments.
    pub kind: OperatorKind,
    /// From the name to the end of its last argument.
    pub span: Span,
}

/// `name=value` options such as `kind=inner`, `hint.strategy=shuffle`, `withsource=T`.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionArg {
    /// Option name, dotted names joined (`hint.strategy`).
    pub name: Ident,
    /// Its value.
    pub value: Expr,
}

/// An expression that may name its result: `X = expr`, `(A, B) = expr`, or just `expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedExpr {
    /// The given names; empty when Kusto picks the name.
    pub names: Vec<Ident>,
    /// The expression.
    pub expr: Expr,
    /// Where it is.
    pub span: Span,
}

/// A sort key: `expr [asc|desc] [nulls first|last]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    /// What to sort by.
    pub expr: Expr,
    /// `asc` or `desc` (also `granny-asc`/`granny-desc` in `project-reorder`), if written.
    pub order: Option<Ident>,
    /// `Some(true)` for `nulls first`, `Some(false)` for `nulls last`.
    pub nulls_first: Option<bool>,
}

/// A column of `mv-expand`/`mv-apply`: `[Name =] expr [to typeof(type)]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpandColumn {
    /// The column and its optional new name.
    pub column: NamedExpr,
    /// The type given with `to typeof(...)`.
    pub to_type: Option<Ident>,
}

/// One part of a `parse` pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum ParsePart {
    /// Literal text (or a regular expression, with `kind=regex`).
    Text(Expr),
    /// A column to extract into, with an optional type.
    Column {
        /// The new column.
        name: Ident,
        /// Its type, if written `Name:type`.
        ty: Option<Ident>,
    },
    /// `*`: skip any text.
    Star(Span),
}

/// One level of `top-nested`.
#[derive(Clone, Debug, PartialEq)]
pub struct TopNestedClause {
    /// How many values to keep at this level (all when absent).
    pub count: Option<Expr>,
    /// `of` expression.
    pub of: NamedExpr,
    /// `with others = value`.
    pub others: Option<Expr>,
    /// `by` aggregate and its order.
    pub by: SortKey,
    /// The aggregate's optional name.
    pub by_name: Option<Ident>,
}

/// The operators and their arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum OperatorKind {
    /// `where`/`filter` predicate.
    Where {
        /// The condition rows must meet.
        predicate: Expr,
    },
    /// `project`.
    Project {
        /// Output columns.
        columns: Vec<NamedExpr>,
    },
    /// `project-away`: columns or wildcards to drop.
    ProjectAway {
        /// Names or wildcard patterns.
        columns: Vec<Expr>,
    },
    /// `project-keep`: columns or wildcards to keep.
    ProjectKeep {
        /// Names or wildcard patterns.
        columns: Vec<Expr>,
    },
    /// `project-rename New = Old, ...`.
    ProjectRename {
        /// Each new name with the old column.
        renames: Vec<NamedExpr>,
    },
    /// `project-reorder`.
    ProjectReorder {
        /// Columns or patterns with an optional order.
        columns: Vec<SortKey>,
    },
    /// `extend`.
    Extend {
        /// New or replaced columns.
        columns: Vec<NamedExpr>,
    },
    /// `summarize`.
    Summarize {
        /// `hint.*` options.
        options: Vec<OptionArg>,
        /// The aggregates.
        aggregates: Vec<NamedExpr>,
        /// Group keys.
        by: Vec<NamedExpr>,
    },
    /// `join`.
    Join {
        /// `kind=`, `hint.*`.
        options: Vec<OptionArg>,
        /// The right side.
        right: Expr,
        /// The `on` conditions (names or `$left.a == $right.b`).
        on: Vec<Expr>,
    },
    /// `lookup`.
    Lookup {
        /// `kind=`.
        options: Vec<OptionArg>,
        /// The dimension table.
        right: Expr,
        /// The `on` conditions.
        on: Vec<Expr>,
    },
    /// `union`.
    Union {
        /// `kind=`, `withsource=`, `isfuzzy=`.
        options: Vec<OptionArg>,
        /// Tables, wildcard patterns or parenthesized queries.
        tables: Vec<Expr>,
    },
    /// `sort by` / `order by`.
    Sort {
        /// `hint.*` options.
        options: Vec<OptionArg>,
        /// The keys.
        keys: Vec<SortKey>,
    },
    /// `top N by key`.
    Top {
        /// How many rows.
        count: Expr,
        /// The key(s).
        keys: Vec<SortKey>,
    },
    /// `take N` / `limit N`.
    Take {
        /// How many rows.
        count: Expr,
    },
    /// `distinct cols` or `distinct *`.
    Distinct {
        /// `hint.*` options.
        options: Vec<OptionArg>,
        /// The columns (a single [`crate::ast::ExprKind::Star`] for `*`).
        columns: Vec<NamedExpr>,
    },
    /// `count`.
    Count,
    /// `mv-expand`.
    MvExpand {
        /// `bagexpansion=`, `with_itemindex=`, `kind=`.
        options: Vec<OptionArg>,
        /// The columns to expand.
        columns: Vec<ExpandColumn>,
        /// `limit N`.
        limit: Option<Expr>,
    },
    /// `mv-apply ... on (subquery)`.
    MvApply {
        /// `with_itemindex=` and similar.
        options: Vec<OptionArg>,
        /// The columns to expand.
        columns: Vec<ExpandColumn>,
        /// `limit N`.
        limit: Option<Expr>,
        /// The subquery applied to each row's expansion.
        on: Box<Expr>,
    },
    /// `parse` and `parse-where`.
    Parse {
        /// `parse-where` keeps only rows that match.
        filter: bool,
        /// `kind=`, `flags=`.
        options: Vec<OptionArg>,
        /// The text parsed.
        source: Expr,
        /// The pattern after `with`.
        pattern: Vec<ParsePart>,
    },
    /// `parse-kv expr as (cols) [with (options)]`.
    ParseKv {
        /// The text parsed.
        source: Expr,
        /// The keys to extract.
        columns: Vec<ColumnDecl>,
        /// Options in `with (...)`.
        options: Vec<OptionArg>,
    },
    /// `make-series`.
    MakeSeries(Box<MakeSeries>),
    /// `render chart [with (...)]`.
    Render {
        /// The visualisation.
        chart: Ident,
        /// Properties.
        properties: Vec<OptionArg>,
    },
    /// `evaluate plugin(args)`.
    Evaluate {
        /// `hint.*`.
        options: Vec<OptionArg>,
        /// The plugin call.
        call: Expr,
        /// The output schema after `:`, if declared.
        schema: Vec<ColumnDecl>,
    },
    /// `invoke function(args)`.
    Invoke {
        /// The function call.
        call: Expr,
    },
    /// `as Name`.
    As {
        /// `hint.materialized=`.
        options: Vec<OptionArg>,
        /// The name given to the table.
        name: Ident,
    },
    /// `serialize [cols]`.
    Serialize {
        /// Columns computed while serializing.
        columns: Vec<NamedExpr>,
    },
    /// `sample N`.
    Sample {
        /// How many rows.
        count: Expr,
    },
    /// `sample-distinct N of col`.
    SampleDistinct {
        /// How many values.
        count: Expr,
        /// Of which column.
        column: Expr,
    },
    /// `search [in (tables)] predicate`.
    Search {
        /// `kind=`.
        options: Vec<OptionArg>,
        /// Tables after `in`.
        tables: Vec<Expr>,
        /// The predicate.
        predicate: Expr,
    },
    /// `find [in (tables)] where predicate [project ...]`.
    Find(Box<FindArgs>),
    /// `top-nested`.
    TopNested {
        /// The levels, outermost first.
        clauses: Vec<TopNestedClause>,
    },
    /// `top-hitters N of col [by col]`.
    TopHitters(Box<TopHittersArgs>),
    /// `getschema`.
    GetSchema,
    /// `print [Name =] expr, ...`.
    Print {
        /// Output columns.
        columns: Vec<NamedExpr>,
    },
    /// `range Col from a to b step c`.
    Range(Box<RangeArgs>),
    /// `datatable (schema) [values]`.
    DataTable {
        /// Columns.
        schema: Vec<ColumnDecl>,
        /// Values, row by row.
        values: Vec<Expr>,
    },
    /// `externaldata (schema) [uris] [with (...)]`.
    ExternalData {
        /// Columns.
        schema: Vec<ColumnDecl>,
        /// Storage URIs.
        uris: Vec<Expr>,
        /// Options in `with (...)`.
        options: Vec<OptionArg>,
    },
    /// `fork (ops) (ops) ...`.
    Fork {
        /// The branches, each a sub-pipeline over the input.
        branches: Vec<NamedExpr>,
    },
    /// `facet by cols [with (ops)]`.
    Facet {
        /// The facet columns.
        columns: Vec<Expr>,
        /// The optional `with` sub-pipeline.
        with: Option<Box<Expr>>,
    },
    /// `partition by Col (subquery)`.
    Partition {
        /// `hint.*`.
        options: Vec<OptionArg>,
        /// The partition key.
        by: Expr,
        /// The subquery run per partition.
        body: Box<Expr>,
    },
    /// `consume`.
    Consume,
    /// An operator Quarry parses only as a balanced token sequence (`scan`, `reduce`,
    /// `make-graph`, `graph-match`...). The binder reports it as unsupported by name.
    Unstructured {
        /// The operator's arguments, from after the name to before the next `|`.
        args: Span,
    },
    /// An operator that failed to parse.
    Error,
}

/// The arguments of `make-series`.
#[derive(Clone, Debug, PartialEq)]
pub struct MakeSeries {
    /// `kind=`, `hint.*`.
    pub options: Vec<OptionArg>,
    /// The aggregates (each may carry `default = value` as a trailing named expression).
    pub aggregates: Vec<NamedExpr>,
    /// Default values, aligned with `aggregates`.
    pub defaults: Vec<Option<Expr>>,
    /// The axis column after `on`.
    pub axis: Expr,
    /// `from`, `to`, `step` (or the arguments of `in range(...)`).
    pub from: Option<Expr>,
    /// End of the range.
    pub to: Option<Expr>,
    /// Step.
    pub step: Option<Expr>,
    /// Group keys.
    pub by: Vec<NamedExpr>,
}

/// The arguments of `range`.
#[derive(Clone, Debug, PartialEq)]
pub struct RangeArgs {
    /// Output column.
    pub column: Ident,
    /// Start.
    pub from: Expr,
    /// End, inclusive.
    pub to: Expr,
    /// Step.
    pub step: Expr,
}

/// The arguments of `top-hitters`.
#[derive(Clone, Debug, PartialEq)]
pub struct TopHittersArgs {
    /// How many values.
    pub count: Expr,
    /// Of what.
    pub of: Expr,
    /// Weighted by.
    pub by: Option<Expr>,
}

/// The arguments of `find`.
#[derive(Clone, Debug, PartialEq)]
pub struct FindArgs {
    /// `withsource=`.
    pub options: Vec<OptionArg>,
    /// Tables after `in`.
    pub tables: Vec<Expr>,
    /// The predicate.
    pub predicate: Expr,
    /// Columns after `project` (empty for the default).
    pub project: Vec<FindColumn>,
}

/// A column after `find ... project`: `Name`, `Name: type` or `pack_all()`.
#[derive(Clone, Debug, PartialEq)]
pub struct FindColumn {
    /// The column (or `pack_all()`).
    pub column: Expr,
    /// The type after `:`, which the column's values are converted to.
    pub ty: Option<Ident>,
}
