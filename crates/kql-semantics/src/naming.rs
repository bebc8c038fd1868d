//! The names Kusto gives to columns nobody named: `extend tostring(x.a)` makes `x_a`,
//! `summarize count()` makes `count_`, `max(Timestamp)` makes `max_Timestamp`. Shared by the
//! binder (to know the output schema) and the engine (to name the columns it produces).

use kql_syntax::ast::{Expr, ExprKind, LiteralKind, NamedExpr};

use crate::functions;

/// The column name Kusto gives an unnamed expression: a column's own name, a dynamic path
/// joined with `_` (`x.a.b` → `x_a_b`), or what the function's naming rule gives
/// (`tostring(x)` → `x`, `strlen(s)` → `strlen_s`, `count()` → `count_`, `make_set(R)` →
/// `set_R`; see [`crate::functions::FunctionInfo::result_name`]). `None` when Kusto numbers it
/// (`Column1`, `print_0`).
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
        ExprKind::Call { name, args } => {
            let info = functions::lookup(&name.name)?;
            let first = args.first().and_then(|a| expr_name(&a.value));
            // percentile(x, 95) is percentile_x_95 (checked with Kusto.Language).
            if name.is("percentile")
                && let Some(ExprKind::Literal(lit)) = args.get(1).map(|a| &a.value.kind)
            {
                let p = match &lit.kind {
                    LiteralKind::Long(Some(v)) => v.to_string(),
                    LiteralKind::Real(v) => v.to_string().replace('.', "_"),
                    _ => return None,
                };
                return Some(format!("percentile_{}_{p}", first?));
            }
            // take_any(x) keeps the column's own name (checked with Kusto.Language).
            if name.is("take_any") && args.len() == 1 {
                return first;
            }
            info.result_name(first.as_deref(), args.len())
        }
        _ => None,
    }
}

/// Kusto's name for an aggregate of `summarize`: its given name, or the name its function's
/// rule gives (`max_Timestamp`, `set_ReportId`, `count_`), or `Column1`.
pub fn aggregate_name(aggregate: &NamedExpr) -> String {
    if let Some(name) = aggregate.names.first() {
        return name.name.clone();
    }
    expr_name(&aggregate.expr).unwrap_or_else(|| "Column1".into())
}
