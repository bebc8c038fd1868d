//! `evaluate` plugins. Only `bag_unpack` runs: its output columns are the keys found in the
//! data, so the engine first runs the input to find them (see [`PlanError::NeedsBagKeys`]),
//! then plans again with the keys known
//! (<https://learn.microsoft.com/en-us/kusto/query/bag-unpack-plugin>).

use std::collections::HashMap;

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_semantics::Type;
use kql_syntax::Span;
use kql_syntax::ast::{Arg, Expr, ExprKind, LiteralKind};

use super::{PlanError, Planner, Result, column, column_names};

/// The keys of the bags a `bag_unpack` unpacks, with the KQL type of each key's values, in
/// the order first seen; found by running its input.
pub type BagSchema = Vec<(String, Type)>;

/// Bag schemas found so far, by the byte offset of the `evaluate` operator in the query.
pub type BagSchemas = HashMap<usize, BagSchema>;

impl<'a> Planner<'a> {
    pub(crate) fn evaluate(&mut self, input: LogicalPlan, call: &'a Expr, span: Span) -> Result<LogicalPlan> {
        let ExprKind::Call { name, args } = &call.kind else {
            return Err(PlanError::invalid("evaluate takes a plugin call", call.span));
        };
        if name.is("pivot") {
            return self.pivot(input, args, span);
        }
        if !name.is("bag_unpack") {
            return Err(PlanError::unsupported(format!("the `{}` plugin", name.name), name.span));
        }
        self.bag_unpack(input, args, span)
    }

    /// `evaluate pivot(Col [, Aggregation] [, GroupCol, ...])`: one row per group, one column per
    /// distinct value of `Col` holding the aggregation (default `count()`) of that value's rows
    /// (<https://learn.microsoft.com/en-us/kusto/query/pivot-plugin>). The values are found by
    /// reading the input first, as for bag_unpack; the columns are in the values' sorted order.
    fn pivot(&mut self, input: LogicalPlan, args: &'a [Arg], span: Span) -> Result<LogicalPlan> {
        use datafusion::logical_expr::ExprFunctionExt;
        let schema = input.schema().as_ref().clone();
        let Some(first) = args.first() else {
            return Err(PlanError::invalid("pivot needs the column whose values become columns", span));
        };
        let pivot = self.scalar(&first.value, &schema)?;
        let pivot = self.udf("tostring", vec![pivot], span)?;
        let mut aggregation = None;
        let mut groups = Vec::new();
        for (i, arg) in args.iter().enumerate().skip(1) {
            match &arg.value.kind {
                ExprKind::Name(n) => groups.push(n.name.clone()),
                ExprKind::Call { .. } if i == 1 => aggregation = Some(&arg.value),
                _ => {
                    return Err(PlanError::invalid("pivot takes a column, an aggregation and columns", arg.value.span));
                }
            }
        }
        if groups.is_empty() {
            // By default every column but the pivoted one and those the aggregation reads.
            let mut used = Vec::new();
            if let ExprKind::Name(n) = &first.value.kind {
                used.push(n.name.clone());
            }
            if let Some(ExprKind::Call { args: agg_args, .. }) = aggregation.map(|a| &a.kind) {
                for a in agg_args {
                    collect_names(&a.value, &mut used);
                }
            }
            groups = column_names(&input).into_iter().filter(|n| !used.contains(n)).collect();
        }
        let Some(values) = self.bag_schemas.get(&(span.start as usize)).cloned() else {
            let plan = LogicalPlanBuilder::from(input).project(vec![pivot.alias("value")])?.distinct()?.build()?;
            return Err(PlanError::NeedsBagKeys { at: span.start as usize, plan: Box::new(plan), values: true });
        };
        let mut aggregates = Vec::new();
        for (value, _) in &values {
            let base = match aggregation {
                Some(call) => self.aggregate_call(call, &schema)?,
                None => datafusion::functions_aggregate::expr_fn::count(lit(1i64)),
            };
            let filtered = base
                .filter(pivot.clone().eq(lit(value.clone())))
                .build()
                .map_err(|_| PlanError::unsupported("this pivot aggregation", span))?;
            aggregates.push(filtered.alias(value.clone()));
        }
        let group_exprs: Vec<DfExpr> = groups.iter().map(|g| column(g)).collect();
        if aggregates.is_empty() {
            // No values: the groups alone (none, over an empty input).
            let plan = LogicalPlanBuilder::from(input).project(group_exprs)?.filter(lit(false))?.build()?;
            return Ok(plan);
        }
        Ok(LogicalPlanBuilder::from(input).aggregate(group_exprs, aggregates)?.build()?)
    }

    fn bag_unpack(&mut self, input: LogicalPlan, args: &'a [Arg], span: Span) -> Result<LogicalPlan> {
        let schema = input.schema().as_ref().clone();
        let Some(first) = args.first() else {
            return Err(PlanError::invalid("bag_unpack needs the column to unpack", span));
        };
        let ExprKind::Name(bag_column) = &first.value.kind else {
            return Err(PlanError::unsupported("bag_unpack of an expression (give it a column)", first.value.span));
        };
        let mut prefix = String::new();
        let mut conflict = "error".to_string();
        let mut ignored: Vec<String> = Vec::new();
        let mut positional = 0;
        for arg in &args[1..] {
            let which = match &arg.name {
                Some(n) => n.name.clone(),
                None => {
                    positional += 1;
                    match positional {
                        1 => "OutputColumnPrefix".to_string(),
                        2 => "columnsConflict".to_string(),
                        _ => "ignoredProperties".to_string(),
                    }
                }
            };
            match which.as_str() {
                "OutputColumnPrefix" => prefix = string_literal(&arg.value)?,
                "columnsConflict" => conflict = string_literal(&arg.value)?,
                "ignoredProperties" => ignored = self.string_list(&arg.value)?,
                other => {
                    return Err(PlanError::invalid(format!("bag_unpack has no argument `{other}`"), arg.value.span));
                }
            }
        }
        if !matches!(conflict.as_str(), "error" | "replace_source" | "keep_source") {
            return Err(PlanError::invalid(
                format!("columnsConflict is 'error', 'replace_source' or 'keep_source', not '{conflict}'"),
                span,
            ));
        }
        let bag = self.scalar(&first.value, &schema)?;
        let Some(keys) = self.bag_schemas.get(&(span.start as usize)).cloned() else {
            let plan = LogicalPlanBuilder::from(input).project(vec![bag.alias("bag")])?.build()?;
            return Err(PlanError::NeedsBagKeys { at: span.start as usize, plan: Box::new(plan), values: false });
        };
        let input_names: Vec<String> = column_names(&input).into_iter().filter(|n| *n != bag_column.name).collect();
        let mut replaced: Vec<(String, DfExpr)> = Vec::new();
        let mut added: Vec<DfExpr> = Vec::new();
        for (key, ty) in keys.iter().filter(|(k, _)| !ignored.contains(k)) {
            let name = format!("{prefix}{key}");
            let clashes = input_names.contains(&name);
            if clashes && conflict == "keep_source" {
                continue;
            }
            if clashes && conflict == "error" {
                return Err(PlanError::invalid(
                    format!("bag_unpack: the key `{key}` clashes with the column `{name}` (see columnsConflict)"),
                    span,
                ));
            }
            let value = self.udf("dynamic_get", vec![bag.clone(), lit(key.clone())], span)?;
            let value = match ty {
                Type::String => self.udf("tostring", vec![value], span)?,
                Type::Dynamic => value,
                other => self.convert(value, *other, span)?,
            };
            if clashes {
                replaced.push((name, value));
            } else {
                added.push(value.alias(name));
            }
        }
        let mut exprs: Vec<DfExpr> = input_names
            .iter()
            .map(|n| match replaced.iter().find(|(r, _)| r == n) {
                Some((_, value)) => value.clone().alias(n.clone()),
                None => column(n),
            })
            .collect();
        exprs.extend(added);
        Ok(LogicalPlanBuilder::from(input).project(exprs)?.build()?)
    }

    /// `dynamic(['a', 'b'])`: the strings of a constant array.
    fn string_list(&mut self, expr: &'a Expr) -> Result<Vec<String>> {
        let value = self.scalar(expr, &super::empty_schema())?;
        let text = match value {
            DfExpr::Literal(ScalarValue::LargeUtf8(Some(t)) | ScalarValue::Utf8(Some(t)), _) => t,
            _ => return Err(PlanError::unsupported("a computed list of ignored properties", expr.span)),
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Array(items)) => {
                Ok(items.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            }
            _ => Err(PlanError::invalid("expected an array of property names", expr.span)),
        }
    }
}

/// The column names an expression mentions.
fn collect_names(expr: &Expr, out: &mut Vec<String>) {
    match &expr.kind {
        ExprKind::Name(n) => out.push(n.name.clone()),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| collect_names(&a.value, out)),
        ExprKind::Binary { left, right, .. } => {
            collect_names(left, out);
            collect_names(right, out);
        }
        ExprKind::Paren(inner) => collect_names(inner, out),
        _ => {}
    }
}

fn string_literal(expr: &Expr) -> Result<String> {
    match &expr.kind {
        ExprKind::Literal(l) => match &l.kind {
            LiteralKind::String(s) => Ok(s.clone()),
            _ => Err(PlanError::invalid("expected a string", expr.span)),
        },
        _ => Err(PlanError::unsupported("a computed bag_unpack option", expr.span)),
    }
}

/// The schema of bags: each key in first-seen order, typed by its values (one JSON type for
/// every non-null value gives that type, several give `dynamic`).
pub fn bag_schema<'t>(texts: impl Iterator<Item = &'t str>) -> BagSchema {
    let mut keys: Vec<(String, Option<Type>)> = Vec::new();
    for text in texts {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else { continue };
        for (key, value) in map {
            let ty = match &value {
                serde_json::Value::Null => None,
                serde_json::Value::Bool(_) => Some(Type::Bool),
                serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Some(Type::Long),
                serde_json::Value::Number(_) => Some(Type::Real),
                serde_json::Value::String(_) => Some(Type::String),
                _ => Some(Type::Dynamic),
            };
            match keys.iter_mut().find(|(k, _)| *k == key) {
                Some((_, seen)) => {
                    *seen = match (*seen, ty) {
                        (None, t) | (t, None) => t,
                        (Some(a), Some(b)) if a == b => Some(a),
                        _ => Some(Type::Dynamic),
                    }
                }
                None => keys.push((key, ty)),
            }
        }
    }
    keys.into_iter().map(|(k, t)| (k, t.unwrap_or(Type::Dynamic))).collect()
}
