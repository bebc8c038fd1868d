//! `search`: rows of the given tables (or of the piped input, or of every table) where a term
//! appears in any column, with the table's name in `$table`
//! (<https://learn.microsoft.com/en-us/kusto/query/search-operator>).
//!
//! A bare string is matched against every string and dynamic column: `"err"` with `has`,
//! `"*err"` with `hassuffix`, `"err*"` with `hasprefix`, `"*err*"` with `contains`, and a `*`
//! inside with a regular expression; `col:"err"` is `col has "err"`; `* has "err"` is every
//! column; other conditions are evaluated as written. `kind=case_sensitive` uses the `_cs`
//! operators.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlan, LogicalPlanBuilder, cast, lit};
use kql_syntax::Span;
use kql_syntax::ast::{BinaryOp, Expr, ExprKind, LiteralKind, LogicalOp, OptionArg, StringOpKind};

use super::{PlanError, Planner, Result, column, column_names};
use crate::types::{arrow_type, kql_type};

const TABLE: &str = "$table";

impl<'a> Planner<'a> {
    pub(crate) fn search(
        &mut self,
        input: Option<LogicalPlan>,
        options: &'a [OptionArg],
        tables: &'a [Expr],
        predicate: &'a Expr,
        span: Span,
    ) -> Result<LogicalPlan> {
        let mut case_sensitive = false;
        for option in options {
            match (&option.value.kind, option.name.is("kind")) {
                (ExprKind::Name(n), true) if n.is("case_sensitive") => case_sensitive = true,
                (ExprKind::Name(n), true) if n.is("case_insensitive") || n.is("default") => {}
                _ => {
                    return Err(PlanError::unsupported(
                        format!("search option `{}`", option.name.name),
                        option.name.span,
                    ));
                }
            }
        }
        let mut sources: Vec<(String, LogicalPlan)> = Vec::new();
        match input {
            Some(plan) => sources.push((String::new(), plan)),
            None if tables.is_empty() => {
                for name in self.tables.table_names() {
                    let plan = self.scan(&name, span)?;
                    sources.push((name, plan));
                }
            }
            None => {
                for table in tables {
                    match &table.kind {
                        ExprKind::Wildcard(pattern) => {
                            for name in self.tables.table_names() {
                                if kql_semantics::schema::wildcard_match(pattern, &name) {
                                    let plan = self.scan(&name, table.span)?;
                                    sources.push((name, plan));
                                }
                            }
                        }
                        ExprKind::Name(ident) => {
                            let plan = self.tabular(table)?;
                            sources.push((ident.name.clone(), plan));
                        }
                        _ => sources.push((String::new(), self.tabular(table)?)),
                    }
                }
            }
        }
        // The tables' columns as `union` has them: a name with several types becomes one
        // `Name_type` column per type (`IsExternalUser` is an int in one table, a bool in
        // another).
        let mut filtered: Vec<(String, LogicalPlan)> = Vec::new();
        for (name, plan) in sources {
            let schema = plan.schema().as_ref().clone();
            let condition = self.search_condition(predicate, &schema, case_sensitive)?;
            let mut exprs = vec![lit(name.clone()).alias(TABLE)];
            exprs.extend(column_names(&plan).iter().map(|n| column(n)));
            filtered.push((name, LogicalPlanBuilder::from(plan).filter(condition)?.project(exprs)?.build()?));
        }
        if filtered.is_empty() {
            return empty_table("search", vec![(TABLE.to_string(), DataType::Utf8)]);
        }
        super::join::union_by_name(filtered, false, None)
    }

    pub(crate) fn search_condition(&mut self, predicate: &'a Expr, schema: &DFSchema, cs: bool) -> Result<DfExpr> {
        match &predicate.kind {
            ExprKind::Literal(l) => match &l.kind {
                LiteralKind::String(term) => self.any_column(schema, term, cs, predicate.span),
                _ => self.scalar(predicate, schema),
            },
            ExprKind::Paren(inner) => self.search_condition(inner, schema, cs),
            ExprKind::Logical { op, operands } => {
                let mut parts = Vec::new();
                for operand in operands {
                    parts.push(self.search_condition(operand, schema, cs)?);
                }
                let combine = |a: DfExpr, b: DfExpr| if *op == LogicalOp::And { a.and(b) } else { a.or(b) };
                Ok(parts.into_iter().reduce(combine).unwrap_or(lit(true)))
            }
            ExprKind::Binary { op: BinaryOp::Str(string_op), left, right }
                if matches!(left.kind, ExprKind::Star) && string_op.kind == StringOpKind::Has =>
            {
                match &right.kind {
                    ExprKind::Literal(l) => match &l.kind {
                        LiteralKind::String(term) => {
                            let any = self.any_column(schema, term, cs || string_op.case_sensitive, predicate.span)?;
                            Ok(if string_op.negated { datafusion::logical_expr::not(any) } else { any })
                        }
                        _ => Err(PlanError::unsupported("`* has` of a value that is not a string", right.span)),
                    },
                    _ => Err(PlanError::unsupported("`* has` of a computed value", right.span)),
                }
            }
            _ => self.scalar(predicate, schema),
        }
    }

    /// `term` (with its `*` wildcards) in any string or dynamic column.
    fn any_column(&self, schema: &DFSchema, term: &str, cs: bool, span: Span) -> Result<DfExpr> {
        let inner = term.trim_matches('*');
        let (function, needle) = if inner.contains('*') {
            let pattern = inner.split('*').map(regex::escape).collect::<Vec<_>>().join(".*?");
            let pattern = if cs { pattern } else { format!("(?i){pattern}") };
            ("matches_regex", pattern)
        } else {
            let base = match (term.starts_with('*') && term.len() > 1, term.ends_with('*') && term.len() > 1) {
                (true, true) => "contains",
                (true, false) => "hassuffix",
                (false, true) => "hasprefix",
                (false, false) => "has",
            };
            (base, inner.to_string())
        };
        let function = if cs && function != "matches_regex" { format!("{function}_cs") } else { function.to_string() };
        let mut any: Option<DfExpr> = None;
        for field in schema.fields() {
            if !matches!(field.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
                continue;
            }
            let test = self.udf(&function, vec![column(field.name()), lit(needle.clone())], span)?;
            any = Some(match any {
                None => test,
                Some(acc) => acc.or(test),
            });
        }
        Ok(any.unwrap_or(lit(false)))
    }
}

impl<'a> Planner<'a> {
    /// `find [withsource=Name] [in (tables)] where Predicate [project Col[:type], ...]`: the
    /// matching rows of each table that has the columns the predicate reads, the table's name in
    /// `source_`, then the projected columns (converted to the type given), or all the row's
    /// columns packed into `pack_` (<https://learn.microsoft.com/en-us/kusto/query/find-operator>).
    pub(crate) fn find(&mut self, find: &'a kql_syntax::ast::FindArgs, span: Span) -> Result<LogicalPlan> {
        let mut source_name = "source_".to_string();
        for option in &find.options {
            match (&option.value.kind, option.name.is("withsource")) {
                (ExprKind::Name(n), true) => source_name = n.name.clone(),
                _ => {
                    return Err(PlanError::unsupported(
                        format!("find option `{}`", option.name.name),
                        option.name.span,
                    ));
                }
            }
        }
        let mut names: Vec<String> = Vec::new();
        if find.tables.is_empty() {
            names = self.tables.table_names();
        } else {
            for table in &find.tables {
                match &table.kind {
                    ExprKind::Wildcard(pattern) => names.extend(
                        self.tables
                            .table_names()
                            .into_iter()
                            .filter(|n| kql_semantics::schema::wildcard_match(pattern, n)),
                    ),
                    ExprKind::Name(ident) => names.push(ident.name.clone()),
                    _ => return Err(PlanError::unsupported("find over a computed table", table.span)),
                }
            }
        }
        // The tables that have the predicate's columns take part; the others may still give a
        // projected column its type.
        let mut taking_part: Vec<(String, LogicalPlan, DfExpr)> = Vec::new();
        let mut left_out: Vec<(String, LogicalPlan)> = Vec::new();
        for name in names {
            let plan = match self.lookup(&name).cloned() {
                Some(super::Binding::Table(plan)) => plan,
                _ => self.scan(&name, span)?,
            };
            match self.search_condition(&find.predicate, plan.schema(), false) {
                Ok(condition) => taking_part.push((name, plan, condition)),
                Err(_) => left_out.push((name, plan)),
            }
        }
        let project = {
            let reading: Vec<(&str, &LogicalPlan)> = taking_part.iter().map(|(n, p, _)| (n.as_str(), p)).collect();
            let others: Vec<(&str, &LogicalPlan)> = left_out.iter().map(|(n, p)| (n.as_str(), p)).collect();
            find_columns(&find.project, &reading, &others)?
        };
        let mut filtered: Vec<(String, LogicalPlan)> = Vec::new();
        for (name, plan, condition) in taking_part {
            let schema = plan.schema().clone();
            let mut exprs = vec![lit(name.clone()).alias(source_name.clone())];
            if project.is_empty() {
                let mut pairs = Vec::new();
                for column_name in column_names(&plan) {
                    pairs.push(lit(column_name.clone()));
                    pairs.push(column(&column_name));
                }
                exprs.push(self.udf("bag_pack", pairs, span)?.alias("pack_"));
            } else {
                for (column_name, ty) in &project {
                    let value = match schema.field_with_unqualified_name(column_name) {
                        Ok(field) => self.convert_to(column(column_name), field.data_type(), ty, span)?,
                        // "If a source table doesn't contain a certain column, the values in the
                        // corresponding rows will be null": a null of the column's type.
                        Err(_) => lit(ScalarValue::try_from(ty)?),
                    };
                    exprs.push(value.alias(column_name.clone()));
                }
            }
            let plan = LogicalPlanBuilder::from(plan).filter(condition)?.project(exprs)?.build()?;
            filtered.push((name, plan));
        }
        if filtered.is_empty() {
            let mut columns = vec![(source_name, DataType::Utf8)];
            columns.extend(project);
            return empty_table("find", columns);
        }
        // Every table now has the same columns and types, so nothing is split by type.
        super::join::union_by_name(filtered, false, None)
    }

    /// `value` (of Arrow type `from`) as a value of Arrow type `to`, converted as KQL's `to*`
    /// functions do.
    fn convert_to(&self, value: DfExpr, from: &DataType, to: &DataType, span: Span) -> Result<DfExpr> {
        if from == to {
            return Ok(value);
        }
        if kql_type(from) == kql_type(to) {
            return Ok(cast(value, to.clone()));
        }
        self.udf(super::expr::conversion_function(kql_type(to)), vec![value], span)
    }
}

/// The columns of `find ... project` with their Arrow types: the type written after `:`, else
/// the one type the column has in the tables `reading` (or, when none of them has it, in the
/// `others` named). Kusto requires the type when the tables disagree
/// (<https://learn.microsoft.com/en-us/kusto/query/find-operator>, Notes: "a type must follow
/// this column reference"), so such a column without one is an error, as is a column no table
/// has, whose type nothing gives.
fn find_columns(
    project: &[kql_syntax::ast::FindColumn],
    reading: &[(&str, &LogicalPlan)],
    others: &[(&str, &LogicalPlan)],
) -> Result<Vec<(String, DataType)>> {
    // (table, Arrow type) of each of `tables` that has column `name`.
    let having = |tables: &[(&str, &LogicalPlan)], name: &str| -> Vec<(String, DataType)> {
        tables
            .iter()
            .filter_map(|(table, plan)| {
                let field = plan.schema().field_with_unqualified_name(name).ok()?;
                Some((table.to_string(), field.data_type().clone()))
            })
            .collect()
    };
    let mut columns = Vec::new();
    for item in project {
        let ExprKind::Name(name) = &item.column.kind else {
            return Err(PlanError::unsupported("find project of an expression", item.column.span));
        };
        if let Some(ty) = &item.ty {
            let kql = kql_semantics::Type::from_name(&ty.name)
                .ok_or_else(|| PlanError::invalid(format!("`{}` is not a KQL type", ty.name), ty.span))?;
            columns.push((name.name.clone(), arrow_type(kql)));
            continue;
        }
        let mut found = having(reading, &name.name);
        if found.is_empty() {
            found = having(others, &name.name);
        }
        let Some((first_table, first_type)) = found.first() else {
            return Err(PlanError::invalid(
                format!("no table that find searches has a column `{}`; give its type, as in `{0}:string`", name.name),
                item.column.span,
            ));
        };
        if let Some((other_table, other_type)) = found.iter().find(|(_, t)| kql_type(t) != kql_type(first_type)) {
            return Err(PlanError::invalid(
                format!(
                    "`{}` is {} in {first_table} but {} in {other_table}: give the type to return it as, \
                     as in `{0}:{1}`",
                    name.name,
                    kql_type(first_type).name(),
                    kql_type(other_type).name(),
                ),
                item.column.span,
            ));
        }
        // One KQL type; Arrow types that carry it differently (`Utf8View`) meet in its usual one.
        let ty = if found.iter().all(|(_, t)| t == first_type) {
            first_type.clone()
        } else {
            arrow_type(kql_type(first_type))
        };
        columns.push((name.name.clone(), ty));
    }
    Ok(columns)
}

/// An empty table with `columns`.
fn empty_table(name: &str, columns: Vec<(String, DataType)>) -> Result<LogicalPlan> {
    let schema = std::sync::Arc::new(super::arrow_schema(columns));
    let source = datafusion::datasource::provider_as_source(std::sync::Arc::new(
        datafusion::datasource::empty::EmptyTable::new(schema),
    ));
    Ok(LogicalPlanBuilder::scan(name, source, None)?.build()?)
}
