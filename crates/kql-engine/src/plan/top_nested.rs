//! `top-nested [N of] Expr by Aggregation [asc|desc], ...`: hierarchical aggregation, each
//! level keeping the top N values of its expression within each value kept by the level
//! before; two columns per level, the value and its aggregate (`aggregated_<name>` unless
//! named) (<https://learn.microsoft.com/en-us/kusto/query/top-nested-operator>).

use datafusion::common::Column;
use datafusion::logical_expr::{
    Expr as DfExpr, ExprFunctionExt, JoinType, LogicalPlan, LogicalPlanBuilder, SortExpr, lit,
};
use kql_semantics::naming::expr_name;
use kql_syntax::Span;
use kql_syntax::ast::TopNestedClause;

use super::ops::extend;
use super::{PlanError, Planner, Result, column, column_names};

impl<'a> Planner<'a> {
    pub(crate) fn top_nested(
        &mut self,
        input: LogicalPlan,
        clauses: &'a [TopNestedClause],
        span: Span,
    ) -> Result<LogicalPlan> {
        let schema = input.schema().as_ref().clone();
        let mut levels = Vec::new();
        let mut keyed = Vec::new();
        for (i, clause) in clauses.iter().enumerate() {
            if let Some(others) = &clause.others {
                return Err(PlanError::unsupported("top-nested `with others`", others.span));
            }
            let value = self.scalar(&clause.of.expr, &schema)?;
            let name = clause
                .of
                .names
                .first()
                .map(|n| n.name.clone())
                .or_else(|| expr_name(&clause.of.expr))
                .unwrap_or_else(|| format!("Column{}", i + 1));
            let aggregate_name =
                clause.by_name.as_ref().map_or_else(|| format!("aggregated_{name}"), |n| n.name.clone());
            let count = match &clause.count {
                Some(count) => Some(self.constant_count(count, "top-nested")?),
                None => None,
            };
            let asc = clause.by.order.as_ref().is_some_and(|o| o.is("asc"));
            keyed.push((value, name.clone()));
            levels.push((name, aggregate_name, count, asc, &clause.by.expr));
        }
        let keyed = extend(input, keyed)?;
        let keyed_schema = keyed.schema().as_ref().clone();
        let mut result: Option<LogicalPlan> = None;
        for (level, (name, aggregate_name, count, asc, aggregate)) in levels.iter().enumerate() {
            let keys: Vec<String> = levels[..=level].iter().map(|l| l.0.clone()).collect();
            let parents: Vec<String> = keys[..level].to_vec();
            let value = self.aggregate_call(aggregate, &keyed_schema).map_err(|e| match e {
                PlanError::Invalid { .. } | PlanError::Unsupported { .. } => {
                    PlanError::unsupported("top-nested with an aggregation that is not a single call", span)
                }
                other => other,
            })?;
            let grouped = LogicalPlanBuilder::from(keyed.clone())
                .aggregate(keys.iter().map(|k| column(k)), vec![value.alias(aggregate_name.clone())])?
                .build()?;
            let ranked = match count {
                Some(n) => {
                    let rank = datafusion::functions_window::expr_fn::row_number()
                        .partition_by(parents.iter().map(|p| column(p)).collect())
                        .order_by(vec![SortExpr::new(column(aggregate_name), *asc, *asc)])
                        .build()?;
                    let rank_name = rank.schema_name().to_string();
                    let windowed = LogicalPlanBuilder::window_plan(grouped, vec![rank])?;
                    let mut out: Vec<DfExpr> = keys.iter().map(|k| column(k)).collect();
                    out.push(column(aggregate_name));
                    LogicalPlanBuilder::from(windowed)
                        .filter(column(&rank_name).lt_eq(lit(*n as u64)))?
                        .project(out)?
                        .build()?
                }
                None => grouped,
            };
            result = Some(match result {
                None => ranked,
                Some(parent) => {
                    let parent_names = column_names(&parent);
                    let left = LogicalPlanBuilder::from(parent).alias("__tn_parent")?.build()?;
                    let right = LogicalPlanBuilder::from(ranked).alias("__tn_level")?.build()?;
                    let on_left: Vec<Column> = parents.iter().map(|p| Column::new(Some("__tn_parent"), p)).collect();
                    let on_right: Vec<Column> = parents.iter().map(|p| Column::new(Some("__tn_level"), p)).collect();
                    let joined = LogicalPlanBuilder::from(left)
                        .join(right, JoinType::Inner, (on_left, on_right), None)?
                        .build()?;
                    let mut out: Vec<DfExpr> = parent_names
                        .iter()
                        .map(|n| DfExpr::Column(Column::new(Some("__tn_parent"), n.clone())).alias(n.clone()))
                        .collect();
                    out.push(DfExpr::Column(Column::new(Some("__tn_level"), name.clone())).alias(name.clone()));
                    out.push(
                        DfExpr::Column(Column::new(Some("__tn_level"), aggregate_name.clone()))
                            .alias(aggregate_name.clone()),
                    );
                    LogicalPlanBuilder::from(joined).project(out)?.build()?
                }
            });
        }
        // Column order: each level's value, then its aggregate.
        let plan = result.ok_or_else(|| PlanError::invalid("top-nested needs a clause", span))?;
        let mut order = Vec::new();
        for (name, aggregate_name, ..) in &levels {
            order.push(column(name));
            order.push(column(aggregate_name));
        }
        Ok(LogicalPlanBuilder::from(plan).project(order)?.build()?)
    }
}
