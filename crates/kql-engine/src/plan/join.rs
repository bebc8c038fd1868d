//! `join`, `lookup` and `union`.

use std::collections::HashMap;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, ScalarValue};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr as DfExpr, ExprFunctionExt, JoinType, LogicalPlan, LogicalPlanBuilder, lit};
use kql_syntax::Span;
use kql_syntax::ast::{BinaryOp, Expr, ExprKind, OptionArg};

use super::{PlanError, Planner, Result, column, column_names};
use crate::types::kql_type;

const LEFT: &str = "__left";
const RIGHT: &str = "__right";

impl<'a> Planner<'a> {
    /// `join kind=K (right) on keys` and `lookup (right) on keys`.
    pub(crate) fn join(
        &mut self,
        left: LogicalPlan,
        options: &'a [OptionArg],
        right: &'a Expr,
        on: &'a [Expr],
        lookup: bool,
        span: Span,
    ) -> Result<LogicalPlan> {
        let right_plan = self.tabular(right)?;
        let kind = option_word(options, "kind")
            .unwrap_or_else(|| if lookup { "leftouter".into() } else { "innerunique".into() });
        let mut keys = Vec::new();
        for condition in on {
            join_keys(condition, &mut keys)?;
        }
        if keys.is_empty() {
            return Err(PlanError::invalid("a join needs `on` keys", span));
        }
        let join_type = match (kind.as_str(), lookup) {
            ("inner" | "innerunique", false) => JoinType::Inner,
            ("leftouter", _) => JoinType::Left,
            ("inner", true) => JoinType::Inner,
            ("rightouter", false) => JoinType::Right,
            ("fullouter" | "outer", false) => JoinType::Full,
            ("leftsemi", false) => JoinType::LeftSemi,
            ("leftanti" | "anti" | "leftantisemi", false) => JoinType::LeftAnti,
            ("rightsemi", false) => JoinType::RightSemi,
            ("rightanti" | "rightantisemi", false) => JoinType::RightAnti,
            (other, _) => return Err(PlanError::invalid(format!("`{other}` is not a join kind"), span)),
        };
        let left_names = column_names(&left);
        let right_names = column_names(&right_plan);
        for (l, r) in &keys {
            if !left_names.contains(l) {
                return Err(PlanError::invalid(format!("the left side of the join has no column `{l}`"), span));
            }
            if !right_names.contains(r) {
                return Err(PlanError::invalid(format!("the right side of the join has no column `{r}`"), span));
            }
        }
        // innerunique: one left row per key (Kusto keeps an arbitrary one), then inner join.
        let left = if kind == "innerunique" && !lookup { first_row_per_key(left, &keys)? } else { left };
        let left_keys: Vec<Column> = keys.iter().map(|(l, _)| Column::new(Some(LEFT), l.clone())).collect();
        let right_keys: Vec<Column> = keys.iter().map(|(_, r)| Column::new(Some(RIGHT), r.clone())).collect();
        let left_aliased = LogicalPlanBuilder::from(left).alias(LEFT)?.build()?;
        let right_aliased = LogicalPlanBuilder::from(right_plan).alias(RIGHT)?.build()?;
        let joined = LogicalPlanBuilder::from(left_aliased)
            .join(right_aliased, join_type, (left_keys, right_keys), None)?
            .build()?;
        let qualified = |side: &str, name: &str| DfExpr::Column(Column::new(Some(side), name.to_string()));
        let exprs: Vec<DfExpr> = match join_type {
            JoinType::LeftSemi | JoinType::LeftAnti => {
                left_names.iter().map(|n| qualified(LEFT, n).alias(n.clone())).collect()
            }
            JoinType::RightSemi | JoinType::RightAnti => {
                right_names.iter().map(|n| qualified(RIGHT, n).alias(n.clone())).collect()
            }
            _ => {
                let mut taken: Vec<String> = left_names.clone();
                let mut exprs: Vec<DfExpr> = left_names.iter().map(|n| qualified(LEFT, n).alias(n.clone())).collect();
                for name in &right_names {
                    if lookup && keys.iter().any(|(_, r)| r == name) {
                        continue;
                    }
                    let mut out = name.clone();
                    let mut n = 1;
                    while taken.contains(&out) {
                        out = format!("{name}{n}");
                        n += 1;
                    }
                    taken.push(out.clone());
                    exprs.push(qualified(RIGHT, name).alias(out));
                }
                exprs
            }
        };
        Ok(LogicalPlanBuilder::from(joined).project(exprs)?.build()?)
    }

    /// `union [kind=inner|outer] [withsource=C] T1, T2*, (query)...`, optionally after `input`.
    pub(crate) fn union(
        &mut self,
        input: Option<LogicalPlan>,
        options: &'a [OptionArg],
        tables: &'a [Expr],
        span: Span,
    ) -> Result<LogicalPlan> {
        let fuzzy = options.iter().any(|o| o.name.is("isfuzzy") && matches!(&o.value.kind, ExprKind::Literal(l) if matches!(l.kind, kql_syntax::ast::LiteralKind::Bool(true))));
        let mut inputs: Vec<(String, LogicalPlan)> = Vec::new();
        if let Some(plan) = input {
            inputs.push(("union_arg0".into(), plan));
        }
        for (i, table) in tables.iter().enumerate() {
            match &table.kind {
                ExprKind::Wildcard(pattern) => {
                    for name in self.tables.table_names() {
                        if kql_semantics::schema::wildcard_match(pattern, &name) {
                            let plan = self.scan(&name, table.span)?;
                            inputs.push((name, plan));
                        }
                    }
                }
                ExprKind::Star => {
                    for name in self.tables.table_names() {
                        let plan = self.scan(&name, table.span)?;
                        inputs.push((name, plan));
                    }
                }
                ExprKind::Name(ident) => match self.tabular(table) {
                    Ok(plan) => inputs.push((ident.name.clone(), plan)),
                    Err(_) if fuzzy => {}
                    Err(e) => return Err(e),
                },
                _ => inputs.push((format!("union_arg{}", i + 1), self.tabular(table)?)),
            }
        }
        if inputs.is_empty() {
            return Err(PlanError::invalid("union has no tables to read", span));
        }
        let inner = option_word(options, "kind").is_some_and(|k| k == "inner");
        let source_column = option_word(options, "withsource");
        union_by_name(inputs, inner, source_column)
    }
}

/// The rows of `inputs` under the columns of all of them (of those in every input when `inner`),
/// matched by name; a name with several types becomes one `Name_type` column per type
/// (https://learn.microsoft.com/en-us/kusto/query/union-operator). With `source_column`, a first
/// column holds each row's input name. Used by `union` and `search`.
pub(crate) fn union_by_name(
    inputs: Vec<(String, LogicalPlan)>,
    inner: bool,
    source_column: Option<String>,
) -> Result<LogicalPlan> {
    // Output columns: union by name; a name with several types becomes Name_type per type.
    let mut order: Vec<String> = Vec::new();
    let mut types: HashMap<String, Vec<DataType>> = HashMap::new();
    for (_, plan) in &inputs {
        for field in plan.schema().fields() {
            let entry = types.entry(field.name().clone()).or_default();
            if entry.is_empty() {
                order.push(field.name().clone());
            }
            if !entry.contains(field.data_type()) {
                entry.push(field.data_type().clone());
            }
        }
    }
    if inner {
        order.retain(|name| inputs.iter().all(|(_, p)| p.schema().has_column_with_unqualified_name(name)));
    }
    let mut outputs: Vec<(String, String, DataType)> = Vec::new(); // (source name, output name, type)
    for name in &order {
        let tys = &types[name];
        if tys.len() == 1 {
            outputs.push((name.clone(), name.clone(), tys[0].clone()));
        } else {
            for ty in tys {
                outputs.push((name.clone(), format!("{name}_{}", kql_type(ty).name()), ty.clone()));
            }
        }
    }
    let mut result: Option<LogicalPlanBuilder> = None;
    for (source, plan) in inputs {
        let schema = plan.schema().clone();
        let mut exprs: Vec<DfExpr> = Vec::new();
        if let Some(column_name) = &source_column {
            exprs.push(lit(source.clone()).alias(column_name.clone()));
        }
        for (name, out_name, ty) in &outputs {
            let here = schema.fields().iter().find(|f| f.name() == name);
            let value = match here {
                Some(field) if field.data_type() == ty => column(name),
                // A typed null: no cast for the optimizer to fold, for each column of each input.
                _ => lit(ScalarValue::try_from(ty)?),
            };
            exprs.push(value.alias(out_name.clone()));
        }
        let projected = LogicalPlanBuilder::from(plan).project(exprs)?.build()?;
        result = Some(match result {
            None => LogicalPlanBuilder::from(projected),
            Some(builder) => builder.union(projected)?,
        });
    }
    Ok(result.expect("at least one input").build()?)
}

/// Keeps one row per distinct key (the first by row number) for `innerunique` joins.
fn first_row_per_key(plan: LogicalPlan, keys: &[(String, String)]) -> Result<LogicalPlan> {
    let names = column_names(&plan);
    let rank = row_number().partition_by(keys.iter().map(|(l, _)| column(l)).collect()).build()?.alias("__row");
    let windowed = LogicalPlanBuilder::from(plan).window(vec![rank])?.build()?;
    Ok(LogicalPlanBuilder::from(windowed)
        .filter(column("__row").eq(lit(1u64)))?
        .project(names.iter().map(|n| column(n)))?
        .build()?)
}

/// The key pairs of one `on` condition: `Col`, `$left.A == $right.B`, or `and` of them.
fn join_keys(condition: &Expr, keys: &mut Vec<(String, String)>) -> Result<()> {
    match &condition.kind {
        ExprKind::Name(ident) => keys.push((ident.name.clone(), ident.name.clone())),
        ExprKind::Logical { op: kql_syntax::ast::LogicalOp::And, operands } => {
            for operand in operands {
                join_keys(operand, keys)?;
            }
        }
        ExprKind::Binary { op: BinaryOp::Eq, left, right } => {
            let side = |e: &Expr| match &e.kind {
                ExprKind::Member { base, name } => match &base.kind {
                    ExprKind::Name(which) if which.is("$left") => Some((true, name.name.clone())),
                    ExprKind::Name(which) if which.is("$right") => Some((false, name.name.clone())),
                    _ => None,
                },
                _ => None,
            };
            match (side(left), side(right)) {
                (Some((true, l)), Some((false, r))) | (Some((false, r)), Some((true, l))) => keys.push((l, r)),
                _ => {
                    return Err(PlanError::invalid(
                        "join conditions compare $left.Column == $right.Column",
                        condition.span,
                    ));
                }
            }
        }
        _ => return Err(PlanError::unsupported("this join condition", condition.span)),
    }
    Ok(())
}

/// The word value of option `name` (`kind=inner` → `inner`).
fn option_word(options: &[OptionArg], name: &str) -> Option<String> {
    options.iter().find(|o| o.name.is(name)).and_then(|o| match &o.value.kind {
        ExprKind::Name(n) => Some(n.name.clone()),
        _ => None,
    })
}
