//! `mv-apply`: a subquery applied to each row's expanded arrays
//! (<https://learn.microsoft.com/en-us/kusto/query/mv-apply-operator>).
//!
//! Planned without a per-row loop: the rows are numbered, the arrays expanded into one table
//! that also carries each row's other columns, and the subquery planned over that table with the
//! carried columns as an implicit partition (summarize groups by them, top and take keep N rows
//! per row number, project keeps them). A row whose subquery returns nothing is dropped, as
//! Kusto drops it.

use datafusion::logical_expr::{Expr as DfExpr, LogicalPlan, LogicalPlanBuilder};
use kql_semantics::naming::expr_name;
use kql_syntax::Span;
use kql_syntax::ast::{ExpandColumn, Expr, ExprKind, OptionArg};

use super::ops::extend;
use super::{PlanError, Planner, Result, column, column_names};

/// The row number column that ties expanded elements to their row.
pub(crate) const ROW: &str = "__kql_apply_row";

impl<'a> Planner<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn mv_apply(
        &mut self,
        input: LogicalPlan,
        options: &'a [OptionArg],
        columns: &'a [ExpandColumn],
        limit: Option<&'a Expr>,
        on: &'a Expr,
        span: Span,
    ) -> Result<LogicalPlan> {
        if !self.partition.is_empty() {
            return Err(PlanError::unsupported("mv-apply inside mv-apply", span));
        }
        let mut index_name = None;
        for option in options {
            match (&option.value.kind, option.name.is("with_itemindex")) {
                (ExprKind::Name(n), true) => index_name = Some(n.name.clone()),
                _ => {
                    return Err(PlanError::unsupported(
                        format!("mv-apply option `{}`", option.name.name),
                        option.name.span,
                    ));
                }
            }
        }
        let limit = match limit {
            Some(count) => Some(self.constant_count(count, "mv-apply limit")?),
            None => None,
        };
        let numbered = extend(
            input,
            vec![(
                datafusion::logical_expr::cast(
                    datafusion::functions_window::expr_fn::row_number(),
                    datafusion::arrow::datatypes::DataType::Int64,
                ),
                ROW.to_string(),
            )],
        )?;
        let schema = numbered.schema().as_ref().clone();
        let mut values = Vec::new();
        let mut names = Vec::new();
        for spec in columns {
            let value = self.scalar(&spec.column.expr, &schema)?;
            let name = spec
                .column
                .names
                .first()
                .map(|n| n.name.clone())
                .or_else(|| expr_name(&spec.column.expr))
                .ok_or_else(|| PlanError::invalid("mv-apply needs a column name", spec.column.span))?;
            let ty = match &spec.to_type {
                Some(t) => Some(
                    kql_semantics::Type::from_name(&t.name)
                        .ok_or_else(|| PlanError::invalid(format!("`{}` is not a KQL type", t.name), t.span))?,
                ),
                None => None,
            };
            values.push((value, name.clone(), ty));
            names.push(name);
        }
        // The row's other columns ride along with its elements (an input column expanded under
        // its own name is replaced), so that the result needs no join back.
        let carried: Vec<String> = column_names(&numbered).into_iter().filter(|n| !names.contains(n)).collect();
        let mut projected: Vec<DfExpr> = carried.iter().map(|n| column(n)).collect();
        projected.extend(values.iter().map(|(v, n, _)| v.clone().alias(n.clone())));
        let values = values.into_iter().map(|(_, n, ty)| (column(&n), n, ty)).collect();
        let subtable = LogicalPlanBuilder::from(numbered).project(projected)?.build()?;
        let subtable = self.mv_expand_values(subtable, index_name, "bag", values, limit, span)?;

        self.implicit = Some(subtable);
        self.partition = carried.clone();
        let applied = self.tabular(on);
        self.implicit = None;
        self.partition = Vec::new();
        let applied = applied?;
        let applied_names = column_names(&applied);
        if let Some(missing) = carried.iter().find(|n| !applied_names.contains(n)) {
            return Err(PlanError::unsupported(
                format!("this mv-apply subquery (it drops the row's column `{missing}`)"),
                on.span,
            ));
        }
        let mut out: Vec<DfExpr> = carried.iter().filter(|n| *n != ROW).map(|n| column(n)).collect();
        out.extend(applied_names.iter().filter(|n| !carried.contains(n)).map(|n| column(n)));
        Ok(LogicalPlanBuilder::from(applied).project(out)?.build()?)
    }
}

impl<'a> Planner<'a> {
    /// `T | partition by Col (subquery)`: the subquery run on each value's rows, the results
    /// together (<https://learn.microsoft.com/en-us/kusto/query/partition-operator>). Planned like
    /// mv-apply: the column is an implicit partition of the subquery (summarize groups by it, top
    /// and take keep N rows per value); the result keeps the columns the subquery itself gives.
    pub(crate) fn partition_by(
        &mut self,
        input: LogicalPlan,
        options: &'a [OptionArg],
        by: &'a Expr,
        body: &'a Expr,
        span: Span,
    ) -> Result<LogicalPlan> {
        if let Some(option) = options.iter().find(|o| !o.name.name.starts_with("hint.")) {
            return Err(PlanError::unsupported(format!("partition option `{}`", option.name.name), option.name.span));
        }
        if !self.partition.is_empty() || self.implicit.is_some() {
            return Err(PlanError::unsupported("partition inside mv-apply or partition", span));
        }
        let ExprKind::Name(key) = &by.kind else {
            return Err(PlanError::unsupported("partition by an expression (give it a column)", by.span));
        };
        // The subquery's own columns, planned over the whole input.
        self.implicit = Some(input.clone());
        let natural = self.tabular(body);
        self.implicit = None;
        let natural = column_names(&natural?);
        self.implicit = Some(input);
        self.partition = vec![key.name.clone()];
        let applied = self.tabular(body);
        self.implicit = None;
        self.partition = Vec::new();
        let applied = applied?;
        Ok(LogicalPlanBuilder::from(applied).project(natural.iter().map(|n| column(n)))?.build()?)
    }
}
