//! The names Kusto gives to columns nobody named: `extend tostring(x.a)` makes `x_a`,
//! `summarize count()` makes `count_`, `max(Timestamp)` makes `max_Timestamp`. Shared by the
//! binder (to know the output schema) and the engine (to name the columns it produces).

use kql_syntax::ast::{Expr, ExprKind, LiteralKind, NamedExpr};

use crate::functions::{self, FunctionKind};

/// Functions whose result takes the name of their first argument when unnamed
/// (`extend tostring(x.a)` makes `x_a`; `summarize by bin(Timestamp, 1h)` makes `Timestamp`).
pub const NAME_PASSING_FUNCTIONS: &[&str] = &[
    "tostring",
    "toint",
    "tolong",
    "toreal",
    "todouble",
    "todecimal",
    "tobool",
    "toboolean",
    "todatetime",
    "totimespan",
    "toguid",
    "todynamic",
    "toobject",
    "parse_json",
    "bin",
    "floor",
    "bin_at",
    "tolower",
    "toupper",
    "trim",
];

/// The column name Kusto gives an unnamed expression: a column's own name, a dynamic path
/// joined with `_` (`x.a.b` → `x_a_b`), or the name of a conversion's argument. `None` when
/// Kusto would number it (`Column1`, `print_0`).
pub fn expr_name(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(ident) => Some(ident.name.clone()),
        ExprKind::Paren(inner) => expr_name(inner),
        ExprKind::Member { base, name } => Some(format!("{}_{}", expr_name(base)?, name.name)),
        ExprKind::Index { base, index } => match &index.kind {
            ExprKind::Literal(lit) => match &lit.kind {
                LiteralKind::String(key) => Some(format!("{}_{key}", expr_name(base)?)),
                _ => expr_name(base),
            },
            _ => expr_name(base),
        },
        ExprKind::Call { args, .. } if args.first().is_some_and(|a| a.name.is_some()) => {
            // `bin(Minute = Timestamp, 5m)` names its result.
            args[0].name.as_ref().map(|n| n.name.clone())
        }
        ExprKind::Call { name, args } if NAME_PASSING_FUNCTIONS.contains(&name.name.as_str()) => {
            args.first().and_then(|a| expr_name(&a.value))
        }
        _ => None,
    }
}

/// Kusto's default name for an aggregate of `summarize`: its given name, or `prefix_Column`
/// (`max_Timestamp`, `set_ReportId`), or `prefix_` when the argument is not a column (`count_`).
pub fn aggregate_name(aggregate: &NamedExpr) -> String {
    if let Some(name) = aggregate.names.first() {
        return name.name.clone();
    }
    let ExprKind::Call { name, args } = &aggregate.expr.kind else {
        return expr_name(&aggregate.expr).unwrap_or_else(|| "Column1".into());
    };
    if NAME_PASSING_FUNCTIONS.contains(&name.name.as_str())
        && let Some(inner @ Expr { kind: ExprKind::Call { .. }, .. }) = args.first().map(|a| &a.value)
    {
        // tostring(make_set(X)) keeps the aggregate's name, set_X.
        let inner = NamedExpr { names: Vec::new(), expr: inner.clone(), span: inner.span };
        return aggregate_name(&inner);
    }
    let info = functions::lookup(&name.name);
    let prefix = info.and_then(|f| f.output_name_prefix()).unwrap_or(name.name.as_str());
    if (name.is("take_any") || name.is("any"))
        && let Some(arg) = args.first().and_then(|a| expr_name(&a.value))
    {
        return arg;
    }
    let is_if = info.is_some_and(|f| f.kind == FunctionKind::Aggregate) && name.name.ends_with("if");
    let arg = if is_if && name.is("countif") { None } else { args.first().and_then(|a| expr_name(&a.value)) };
    match arg {
        Some(arg) => format!("{prefix}_{arg}"),
        None => format!("{prefix}_"),
    }
}
