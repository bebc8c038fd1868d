//! `summarize`: group keys first, then aggregates, named as Kusto names them.

use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_semantics::naming::{aggregate_name, expr_name};
use kql_syntax::Span;
use kql_syntax::ast::{Arg, Expr, ExprKind, NamedExpr};

use super::{PlanError, Planner, Result, column, column_names};

/// Aggregates KQL has, whether DataFusion or Quarry's library implements them.
const AGGREGATES: &[&str] = &[
    "count",
    "countif",
    "dcount",
    "dcountif",
    "count_distinct",
    "sum",
    "sumif",
    "avg",
    "avgif",
    "min",
    "max",
    "minif",
    "maxif",
    "make_set",
    "make_set_if",
    "hll",
    "hll_if",
    "make_list",
    "make_list_if",
    "make_list_with_nulls",
    "make_bag",
    "make_bag_if",
    "makeset",
    "makelist",
    "take_any",
    "any",
    "take_anyif",
    "anyif",
    "percentile",
    "stdev",
    "stdevp",
    "variance",
    "variancep",
    "arg_max",
    "arg_min",
    "argmax",
    "argmin",
];

impl<'a> Planner<'a> {
    pub(crate) fn summarize(
        &mut self,
        input: LogicalPlan,
        aggregates: &'a [NamedExpr],
        by: &'a [NamedExpr],
    ) -> Result<LogicalPlan> {
        let schema = input.schema().as_ref().clone();
        let mut out_names: Vec<String> = Vec::new();
        let mut keys = Vec::new();
        // Inside mv-apply, each row's elements are summarized on their own.
        for carried in self.partition.clone() {
            out_names.push(carried.clone());
            keys.push((column(&carried), carried));
        }
        for (i, key) in by.iter().enumerate() {
            let value = self.scalar(&key.expr, &schema)?;
            let name = key
                .names
                .first()
                .map(|n| n.name.clone())
                .or_else(|| expr_name(&key.expr))
                .unwrap_or_else(|| format!("Column{}", i + 1));
            let name = unique(&mut out_names, &name);
            keys.push((value, name));
        }
        // Aggregate calls get temporary names; the final projection computes any scalar
        // wrapped around them (tostring(make_set(x)), count() * 2) and gives Kusto's names.
        let mut aggregate_exprs: Vec<DfExpr> = Vec::new();
        let mut outputs: Vec<(OutputValue<'a>, String)> = Vec::new();
        let input_columns = column_names(&input);
        for aggregate in aggregates {
            if let ExprKind::Call { name, args } = &aggregate.expr.kind
                && (name.is("arg_max") || name.is("arg_min") || name.is("argmax") || name.is("argmin"))
            {
                // argmax/argmin, the old forms, prefix their columns: max_a, max_a_b
                // (the names Kusto.Language gives).
                self.old_arg_prefix = match name.name.as_str() {
                    "argmax" => Some("max"),
                    "argmin" => Some("min"),
                    _ => None,
                };
                let function = if name.name.contains("max") { "arg_max" } else { "arg_min" };
                self.arg_extreme(
                    function,
                    args,
                    aggregate,
                    &schema,
                    &input_columns,
                    &mut aggregate_exprs,
                    &mut outputs,
                    &mut out_names,
                )?;
                continue;
            }
            if let ExprKind::Call { name, args } = &aggregate.expr.kind
                && name.is("percentiles")
            {
                self.percentiles(
                    args,
                    &schema,
                    &mut aggregate_exprs,
                    &mut outputs,
                    &mut out_names,
                    aggregate.expr.span,
                )?;
                continue;
            }
            let mut calls = Vec::new();
            collect_aggregate_calls(&aggregate.expr, &mut calls);
            if calls.is_empty() {
                return Err(PlanError::invalid(
                    "each summarize expression needs an aggregate function",
                    aggregate.span,
                ));
            }
            for call in calls {
                let temp = format!("__agg{}", aggregate_exprs.len());
                let value = self.aggregate_call(call, &schema)?;
                let value = follow_input_order(value, &input)?;
                aggregate_exprs.push(value.alias(temp.clone()));
                self.agg_substitutions.push((call.span, temp));
            }
            let name = unique(&mut out_names, &aggregate_name(aggregate));
            outputs.push((OutputValue::Expr(&aggregate.expr), name));
        }
        let key_exprs: Vec<DfExpr> = keys.iter().map(|(v, n)| v.clone().alias(n.clone())).collect();
        let grouped = LogicalPlanBuilder::from(input).aggregate(key_exprs, aggregate_exprs)?.build()?;
        let grouped_schema = grouped.schema().as_ref().clone();
        let mut final_exprs: Vec<DfExpr> = keys.iter().map(|(_, n)| column(n)).collect();
        for (value, name) in outputs {
            let expr = match value {
                OutputValue::Column(temp) => column(&temp),
                OutputValue::Expr(expr) => self.scalar(expr, &grouped_schema)?,
            };
            final_exprs.push(expr.alias(name));
        }
        self.agg_substitutions.clear();
        Ok(LogicalPlanBuilder::from(grouped).project(final_exprs)?.build()?)
    }

    /// One aggregate call as a DataFusion aggregate expression.
    pub(crate) fn aggregate_call(&mut self, call: &'a Expr, schema: &datafusion::common::DFSchema) -> Result<DfExpr> {
        let ExprKind::Call { name, args } = &call.kind else { unreachable!("collected calls") };
        let mut values = Vec::new();
        for arg in args {
            values.push(self.scalar(&arg.value, schema)?);
        }
        let first = |values: &[DfExpr]| {
            values
                .first()
                .cloned()
                .ok_or_else(|| PlanError::invalid(format!("`{}` needs an argument", name.name), call.span))
        };
        let kql = |p: &Self, kql_name: &str, values: Vec<DfExpr>| -> Result<DfExpr> {
            match p.functions.aggregate(kql_name) {
                Some(udaf) => Ok(udaf.call(values)),
                None => Err(PlanError::unsupported(format!("the aggregate `{}`", name.name), call.span)),
            }
        };
        Ok(match name.name.as_str() {
            "count" => agg::count(values.into_iter().next().unwrap_or(lit(1i64))),
            // Kusto's own sum/avg/stdev/variance: 0 rather than null over no rows, as the
            // summarize reference documents for their default values.
            "sum" | "avg" | "stdev" | "stdevp" | "variance" | "variancep" => kql(self, name.name.as_str(), values)?,
            "min" => agg::min(first(&values)?),
            "max" => agg::max(first(&values)?),
            "dcount" | "count_distinct" => match self.functions.aggregate("dcount") {
                Some(udaf) => udaf.call(vec![first(&values)?]),
                None => agg::count_distinct(first(&values)?),
            },
            "makeset" => kql(self, "make_set", values)?,
            // hll() keeps the distinct values themselves (exact, unlike Kusto's sketch), so
            // dcount_hll() of it counts them exactly.
            "hll" | "hll_if" => kql(
                self,
                if name.is("hll") { "make_set" } else { "make_set_if" },
                values.into_iter().take(if name.is("hll") { 1 } else { 2 }).collect(),
            )?,
            "makelist" => kql(self, "make_list", values)?,
            "any" => kql(self, "take_any", values)?,
            "anyif" => kql(self, "take_anyif", values)?,
            other => kql(self, other, values)?,
        })
    }

    /// `arg_max(By, Col1, Col2)` / `arg_max(By, *)`: the by value and each column's value in
    /// the row where `By` is greatest, one `kql_arg_max` per column (they pick the same row).
    #[allow(clippy::too_many_arguments)]
    fn arg_extreme(
        &mut self,
        function: &str,
        args: &'a [Arg],
        aggregate: &'a NamedExpr,
        schema: &datafusion::common::DFSchema,
        input_columns: &[String],
        aggregate_exprs: &mut Vec<DfExpr>,
        outputs: &mut Vec<(OutputValue<'a>, String)>,
        out_names: &mut Vec<String>,
    ) -> Result<()> {
        let udaf = self
            .functions
            .aggregate(function)
            .cloned()
            .ok_or_else(|| PlanError::unsupported(format!("the aggregate `{function}`"), aggregate.span))?;
        let by_arg = args.first().ok_or_else(|| {
            PlanError::invalid(format!("`{function}` needs an expression to maximize"), aggregate.span)
        })?;
        let by = self.scalar(&by_arg.value, schema)?;
        let push = |value: DfExpr,
                    name: &str,
                    aggregate_exprs: &mut Vec<DfExpr>,
                    outputs: &mut Vec<(OutputValue<'a>, String)>,
                    out_names: &mut Vec<String>| {
            let temp = format!("__agg{}", aggregate_exprs.len());
            aggregate_exprs.push(udaf.call(vec![by.clone(), value]).alias(temp.clone()));
            let name = unique(out_names, name);
            outputs.push((OutputValue::Column(temp), name));
        };
        let prefix = self.old_arg_prefix.take();
        let by_column = expr_name(&by_arg.value);
        let by_name = aggregate.names.first().map(|n| n.name.clone()).unwrap_or_else(|| match (prefix, &by_column) {
            (Some(p), Some(b)) => format!("{p}_{b}"),
            (_, Some(b)) => b.clone(),
            (_, None) => format!("{}_", function.replace("arg_", "")),
        });
        let returned_name = |name: &str| match (prefix, &by_column) {
            (Some(p), Some(b)) => format!("{p}_{b}_{name}"),
            _ => name.to_string(),
        };
        push(by.clone(), &by_name, aggregate_exprs, outputs, out_names);
        for arg in &args[1..] {
            match &arg.value.kind {
                ExprKind::Star => {
                    for name in input_columns {
                        if prefix.is_some() && by_column.as_deref() == Some(name.as_str()) {
                            continue;
                        }
                        let name_out = returned_name(name);
                        let taken = outputs.iter().any(|(_, n)| *n == name_out) || out_names.contains(&name_out);
                        if !taken {
                            push(column(name), &name_out, aggregate_exprs, outputs, out_names);
                        }
                    }
                }
                _ => {
                    let value = self.scalar(&arg.value, schema)?;
                    let name = arg
                        .name
                        .as_ref()
                        .map(|n| n.name.clone())
                        .or_else(|| expr_name(&arg.value).map(|n| returned_name(&n)))
                        .unwrap_or_else(|| "Column1".into());
                    push(value, &name, aggregate_exprs, outputs, out_names);
                }
            }
        }
        Ok(())
    }

    /// `percentiles(x, 50, 95)`: one `percentile_x_50`, `percentile_x_95` column each.
    fn percentiles(
        &mut self,
        args: &'a [Arg],
        schema: &datafusion::common::DFSchema,
        aggregate_exprs: &mut Vec<DfExpr>,
        outputs: &mut Vec<(OutputValue<'a>, String)>,
        out_names: &mut Vec<String>,
        span: Span,
    ) -> Result<()> {
        let udaf = self
            .functions
            .aggregate("percentile")
            .cloned()
            .ok_or_else(|| PlanError::unsupported("percentiles", span))?;
        let value_arg = args.first().ok_or_else(|| PlanError::invalid("percentiles needs a value", span))?;
        let value = self.scalar(&value_arg.value, schema)?;
        let base = expr_name(&value_arg.value).unwrap_or_default();
        for p in &args[1..] {
            let percent = self.scalar(&p.value, schema)?;
            let label = match &p.value.kind {
                ExprKind::Literal(l) => match &l.kind {
                    kql_syntax::ast::LiteralKind::Long(Some(v)) => v.to_string(),
                    kql_syntax::ast::LiteralKind::Real(v) => v.to_string().replace('.', "_"),
                    _ => "p".into(),
                },
                _ => "p".into(),
            };
            let temp = format!("__agg{}", aggregate_exprs.len());
            aggregate_exprs.push(udaf.call(vec![value.clone(), percent]).alias(temp.clone()));
            let name = unique(out_names, &format!("percentile_{base}_{label}"));
            outputs.push((OutputValue::Column(temp), name));
        }
        Ok(())
    }
}

/// What an output column of `summarize` is computed from.
enum OutputValue<'a> {
    /// An aggregate column as is.
    Column(String),
    /// An expression over the aggregate columns.
    Expr(&'a Expr),
}

/// The aggregate calls inside `expr` (not inside another aggregate).
fn collect_aggregate_calls<'a>(expr: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &expr.kind {
        ExprKind::Call { name, args } => {
            if AGGREGATES.contains(&name.name.as_str()) {
                out.push(expr);
            } else {
                for arg in args {
                    collect_aggregate_calls(&arg.value, out);
                }
            }
        }
        ExprKind::Binary { left, right, .. } => {
            collect_aggregate_calls(left, out);
            collect_aggregate_calls(right, out);
        }
        ExprKind::Logical { operands, .. } => operands.iter().for_each(|o| collect_aggregate_calls(o, out)),
        ExprKind::Unary { operand, .. } | ExprKind::Paren(operand) => collect_aggregate_calls(operand, out),
        ExprKind::Member { base, .. } => collect_aggregate_calls(base, out),
        ExprKind::Index { base, index } => {
            collect_aggregate_calls(base, out);
            collect_aggregate_calls(index, out);
        }
        _ => {}
    }
}

/// `name`, or `name1`, `name2`... if taken; records the result.
fn unique(taken: &mut Vec<String>, name: &str) -> String {
    let mut candidate = name.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// `sort by ... | summarize make_list(x)`: Kusto's make_list (and make_set) follow the order of
/// a sorted input (https://learn.microsoft.com/en-us/kusto/query/make-list-aggregation-function),
/// which DataFusion's parallel aggregation would lose; the sort keys become the call's ORDER BY.
fn follow_input_order(value: DfExpr, input: &LogicalPlan) -> Result<DfExpr> {
    use datafusion::logical_expr::ExprFunctionExt;
    let LogicalPlan::Sort(sort) = input else { return Ok(value) };
    let ordered = match &value {
        DfExpr::AggregateFunction(f) => {
            matches!(f.func.name(), "kql_make_list" | "kql_make_list_if" | "kql_make_set" | "kql_make_set_if")
                && f.params.order_by.is_empty()
        }
        _ => false,
    };
    if !ordered {
        return Ok(value);
    }
    Ok(value.order_by(sort.expr.clone()).build()?)
}
