//! Tabular operators other than summarize, join, lookup and union.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::logical_expr::{Expr as DfExpr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, SortExpr, cast, lit};
use kql_semantics::naming::expr_name;
use kql_syntax::Span;
use kql_syntax::ast::{ExprKind, NamedExpr, Operator, OperatorKind, ParsePart, SortKey};

use super::{Binding, PlanError, Planner, Result, column, column_names};

impl<'a> Planner<'a> {
    /// Applies one operator to `input`.
    pub(crate) fn operator(&mut self, input: LogicalPlan, op: &'a Operator) -> Result<LogicalPlan> {
        let schema = input.schema().as_ref().clone();
        let builder = LogicalPlanBuilder::from(input.clone());
        let plan = match &op.kind {
            OperatorKind::Where { predicate } => {
                let condition = self.scalar(predicate, &schema)?;
                builder.filter(condition)?.build()?
            }
            OperatorKind::Project { columns } => {
                let exprs = self.named_columns(columns, &schema, "Column")?;
                let (input, exprs) = with_windows(input, exprs.into_iter().map(|(e, n)| e.alias(n)).collect())?;
                LogicalPlanBuilder::from(input).project(exprs)?.build()?
            }
            OperatorKind::Extend { columns } => {
                let added = self.named_columns(columns, &schema, "Column")?;
                extend(input, added)?
            }
            OperatorKind::ProjectAway { columns } => {
                let drop = self.matching(columns.iter(), &schema)?;
                let keep: Vec<DfExpr> =
                    column_names(&input).into_iter().filter(|n| !drop.contains(n)).map(|n| column(&n)).collect();
                builder.project(keep)?.build()?
            }
            OperatorKind::ProjectKeep { columns } => {
                let keep = self.matching(columns.iter(), &schema)?;
                let exprs: Vec<DfExpr> =
                    column_names(&input).into_iter().filter(|n| keep.contains(n)).map(|n| column(&n)).collect();
                builder.project(exprs)?.build()?
            }
            OperatorKind::ProjectRename { renames } => {
                let mut names = column_names(&input);
                for rename in renames {
                    let (Some(new), ExprKind::Name(old)) = (rename.names.first(), &rename.expr.kind) else {
                        return Err(PlanError::invalid("project-rename takes NewName = OldName", rename.span));
                    };
                    match names.iter_mut().find(|n| **n == old.name) {
                        Some(slot) => *slot = new.name.clone(),
                        None => {
                            return Err(PlanError::invalid(format!("no column `{}` to rename", old.name), old.span));
                        }
                    }
                }
                let exprs: Vec<DfExpr> =
                    column_names(&input).iter().zip(names).map(|(old, new)| column(old).alias(new)).collect();
                builder.project(exprs)?.build()?
            }
            OperatorKind::ProjectReorder { columns } => {
                let mut ordered = self.matching(columns.iter().map(|k| &k.expr), &schema)?;
                for name in column_names(&input) {
                    if !ordered.contains(&name) {
                        ordered.push(name);
                    }
                }
                builder.project(ordered.iter().map(|n| column(n)))?.build()?
            }
            OperatorKind::Summarize { aggregates, by, .. } => self.summarize(input, aggregates, by)?,
            OperatorKind::Join { options, right, on } => self.join(input, options, right, on, false, op.span)?,
            OperatorKind::Lookup { options, right, on } => self.join(input, options, right, on, true, op.span)?,
            OperatorKind::Union { options, tables } => self.union(Some(input), options, tables, op.span)?,
            OperatorKind::Sort { keys, .. } => {
                let sort = self.sort_exprs(keys, &schema)?;
                builder.sort(sort)?.build()?
            }
            OperatorKind::Top { count, keys } => {
                let n = self.constant_count(count, "top")?;
                let sort = self.sort_exprs(keys, &schema)?;
                match self.partition.first().cloned() {
                    Some(row) => first_rows_per(input, &row, sort.clone(), n)?,
                    None => builder.sort(sort)?.limit(0, Some(n))?.build()?,
                }
            }
            OperatorKind::Take { count } => {
                let n = self.constant_count(count, "take")?;
                match self.partition.first().cloned() {
                    Some(row) => first_rows_per(input, &row, Vec::new(), n)?,
                    None => builder.limit(0, Some(n))?.build()?,
                }
            }
            OperatorKind::Count => {
                let count = datafusion::functions_aggregate::expr_fn::count(lit(1i64)).alias("Count");
                builder.aggregate(Vec::<DfExpr>::new(), vec![count])?.build()?
            }
            OperatorKind::Distinct { columns, .. } => {
                if columns.len() == 1 && matches!(columns[0].expr.kind, ExprKind::Star) {
                    builder.distinct()?.build()?
                } else {
                    let exprs = self.named_columns(columns, &schema, "Column")?;
                    let keys: Vec<DfExpr> = exprs.into_iter().map(|(e, n)| e.alias(n)).collect();
                    builder.aggregate(keys, Vec::<DfExpr>::new())?.build()?
                }
            }
            OperatorKind::Serialize { columns } if columns.is_empty() => input,
            // `serialize x = expr`: serialize, then extend.
            OperatorKind::Serialize { columns } => {
                let added = self.named_columns(columns, &schema, "Column")?;
                extend(input, added)?
            }
            OperatorKind::Render { .. } => input,
            OperatorKind::As { name, .. } => {
                self.define(&name.name, Binding::Table(input.clone()));
                input
            }
            OperatorKind::MvApply { options, columns, limit, on } => {
                self.mv_apply(input, options, columns, limit.as_ref(), on, op.span)?
            }
            OperatorKind::MvExpand { options, columns, limit } => {
                self.mv_expand(input, options, columns, limit.as_ref(), op.span)?
            }
            OperatorKind::Parse { filter, options, source, pattern } => {
                let regex_kind = options
                    .iter()
                    .any(|o| o.name.is("kind") && matches!(&o.value.kind, ExprKind::Name(n) if n.is("regex")));
                if options.iter().any(|o| {
                    o.name.is("kind") && !regex_kind && !matches!(&o.value.kind, ExprKind::Name(n) if n.is("simple"))
                }) {
                    return Err(PlanError::unsupported("parse kind=relaxed", op.span));
                }
                self.parse(input, *filter, regex_kind, source, pattern, op.span)?
            }
            OperatorKind::Invoke { call } => match &call.kind {
                ExprKind::Call { name, args } => match self.lookup(&name.name).cloned() {
                    Some(Binding::Function(def)) => {
                        let values = args.iter().map(|a| &a.value).collect();
                        self.with_function_scope(def, values, Some(input), call.span, |p, body| p.tabular(body))?
                    }
                    _ => return Err(PlanError::unsupported(format!("invoke of `{}`", name.name), name.span)),
                },
                _ => return Err(PlanError::invalid("invoke takes a function call", call.span)),
            },
            OperatorKind::GetSchema => getschema(&input)?,
            OperatorKind::Partition { options, by, body } => self.partition_by(input, options, by, body, op.span)?,
            OperatorKind::TopNested { clauses } => self.top_nested(input, clauses, op.span)?,
            OperatorKind::Search { options, tables, predicate } if tables.is_empty() => {
                self.search(Some(input), options, tables, predicate, op.span)?
            }
            OperatorKind::MakeSeries(series) => self.make_series(input, series, op.span)?,
            OperatorKind::Evaluate { call, schema, .. } if schema.is_empty() => self.evaluate(input, call, op.span)?,
            _ => return Err(PlanError::unsupported(format!("the `{}` operator", op.name.name), op.name.span)),
        };
        // Inside mv-apply, project and its family keep the columns carried with the elements.
        if !self.partition.is_empty()
            && let LogicalPlan::Projection(projection) = &plan
        {
            let names = column_names(&plan);
            let missing: Vec<&String> = self
                .partition
                .iter()
                .filter(|c| !names.contains(c) && projection.input.schema().has_column_with_unqualified_name(c))
                .collect();
            if !missing.is_empty() {
                let mut exprs = projection.expr.clone();
                exprs.extend(missing.into_iter().map(|c| column(c)));
                return Ok(LogicalPlanBuilder::from(projection.input.as_ref().clone()).project(exprs)?.build()?);
            }
        }
        Ok(plan)
    }

    /// Operators that start a query: `print`, `datatable`, `range`, `union`.
    pub(crate) fn source_operator(&mut self, op: &'a Operator) -> Result<LogicalPlan> {
        match &op.kind {
            OperatorKind::Print { columns } => {
                let empty = super::empty_schema();
                let mut exprs = Vec::new();
                for (i, column) in columns.iter().enumerate() {
                    let value = self.scalar(&column.expr, &empty)?;
                    let name = column.names.first().map(|n| n.name.clone()).unwrap_or_else(|| format!("print_{i}"));
                    exprs.push(value.alias(name));
                }
                Ok(LogicalPlanBuilder::empty(true).project(exprs)?.build()?)
            }
            OperatorKind::DataTable { schema, values } => self.datatable(schema, values, op.span),
            OperatorKind::Range(range) => self.range(range, op.span),
            OperatorKind::Search { options, tables, predicate } => {
                self.search(None, options, tables, predicate, op.span)
            }
            OperatorKind::Find(find) => self.find(find, op.span),
            OperatorKind::Union { options, tables } => self.union(None, options, tables, op.span),
            // Quarry runs offline and never fetches URLs: externaldata reads as an empty table
            // of its declared columns (`quarry check` warns about it, KB009).
            OperatorKind::ExternalData { schema, .. } => self.datatable(schema, &[], op.span),
            _ => Err(PlanError::unsupported(format!("`{}` as a query source", op.name.name), op.name.span)),
        }
    }

    /// Lowers `Name = expr` columns, naming unnamed ones as Kusto does.
    pub(crate) fn named_columns(
        &mut self,
        columns: &'a [NamedExpr],
        schema: &DFSchema,
        prefix: &str,
    ) -> Result<Vec<(DfExpr, String)>> {
        let mut out: Vec<(DfExpr, String)> = Vec::new();
        let mut counter = 0;
        for column in columns {
            if column.names.len() > 1 {
                return Err(PlanError::unsupported("assigning several columns at once `(a, b) = ...`", column.span));
            }
            let value = self.scalar(&column.expr, schema)?;
            let name = match column.names.first() {
                Some(name) => name.name.clone(),
                None => match expr_name(&column.expr) {
                    Some(name) => name,
                    None => loop {
                        counter += 1;
                        let candidate = format!("{prefix}{counter}");
                        if !schema.has_column_with_unqualified_name(&candidate)
                            && !out.iter().any(|(_, n)| *n == candidate)
                        {
                            break candidate;
                        }
                    },
                },
            };
            match out.iter_mut().find(|(_, n)| *n == name) {
                Some(slot) => slot.0 = value,
                None => out.push((value, name)),
            }
        }
        Ok(out)
    }

    /// Names of the columns of `schema` that names or wildcard patterns select.
    fn matching<'e>(
        &self,
        patterns: impl Iterator<Item = &'e kql_syntax::ast::Expr>,
        schema: &DFSchema,
    ) -> Result<Vec<String>> {
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut out = Vec::new();
        for pattern in patterns {
            match &pattern.kind {
                ExprKind::Name(ident) => {
                    if !names.contains(&ident.name) {
                        return Err(PlanError::invalid(format!("no column `{}`", ident.name), ident.span));
                    }
                    out.push(ident.name.clone());
                }
                ExprKind::Wildcard(p) => {
                    out.extend(names.iter().filter(|n| kql_semantics::schema::wildcard_match(p, n)).cloned())
                }
                ExprKind::Star => out.extend(names.iter().cloned()),
                _ => return Err(PlanError::invalid("expected a column name or pattern", pattern.span)),
            }
        }
        Ok(out)
    }

    /// Kusto sorts descending by default; nulls go last when descending, first when ascending.
    fn sort_exprs(&mut self, keys: &'a [SortKey], schema: &DFSchema) -> Result<Vec<SortExpr>> {
        keys.iter()
            .map(|key| {
                let expr = self.scalar(&key.expr, schema)?;
                let asc = key.order.as_ref().is_some_and(|o| o.is("asc"));
                let nulls_first = key.nulls_first.unwrap_or(asc);
                Ok(SortExpr::new(expr, asc, nulls_first))
            })
            .collect()
    }

    /// The row count of `take`/`top`: a constant.
    pub(crate) fn constant_count(&mut self, count: &'a kql_syntax::ast::Expr, what: &str) -> Result<usize> {
        match &count.kind {
            ExprKind::Literal(lit) => match lit.kind {
                kql_syntax::ast::LiteralKind::Long(Some(n)) if n >= 0 => Ok(n as usize),
                _ => Err(PlanError::invalid(format!("{what} needs a non-negative number of rows"), count.span)),
            },
            ExprKind::Name(ident) => match self.lookup(&ident.name) {
                Some(Binding::Scalar(DfExpr::Literal(ScalarValue::Int64(Some(n)), _))) if *n >= 0 => Ok(*n as usize),
                _ => Err(PlanError::unsupported(format!("{what} with a computed row count"), count.span)),
            },
            _ => Err(PlanError::unsupported(format!("{what} with a computed row count"), count.span)),
        }
    }

    /// `mv-expand [bagexpansion=bag|array] [with_itemindex=I] Col [to typeof(T)], ... [limit N]`:
    /// one row per element; several columns expand side by side, the shorter padded with null
    /// (<https://learn.microsoft.com/en-us/kusto/query/mv-expand-operator>).
    pub(crate) fn mv_expand(
        &mut self,
        input: LogicalPlan,
        options: &'a [kql_syntax::ast::OptionArg],
        columns: &'a [kql_syntax::ast::ExpandColumn],
        limit: Option<&'a kql_syntax::ast::Expr>,
        span: Span,
    ) -> Result<LogicalPlan> {
        let mut index_name = None;
        let mut bag_kind = "bag";
        for option in options {
            let value = match &option.value.kind {
                ExprKind::Name(n) => n.name.as_str(),
                _ => return Err(PlanError::invalid("expected a name after `=`", option.value.span)),
            };
            if option.name.is("with_itemindex") {
                index_name = Some(value.to_string());
            } else if option.name.is("bagexpansion") && (value == "bag" || value == "array") {
                bag_kind = if value == "bag" { "bag" } else { "array" };
            } else if option.name.is("kind") && value == "bag" {
                // The default.
            } else {
                return Err(PlanError::unsupported(
                    format!("mv-expand option `{}={value}`", option.name.name),
                    option.name.span,
                ));
            }
        }
        let limit = match limit {
            Some(count) => Some(self.constant_count(count, "mv-expand limit")?),
            None => None,
        };
        let schema = input.schema().as_ref().clone();
        let mut values = Vec::new();
        for column_spec in columns {
            let value = self.scalar(&column_spec.column.expr, &schema)?;
            let name = column_spec
                .column
                .names
                .first()
                .map(|n| n.name.clone())
                .or_else(|| expr_name(&column_spec.column.expr))
                .ok_or_else(|| PlanError::invalid("mv-expand needs a column name", column_spec.column.span))?;
            let ty = match &column_spec.to_type {
                Some(t) => Some(
                    kql_semantics::Type::from_name(&t.name)
                        .ok_or_else(|| PlanError::invalid(format!("`{}` is not a KQL type", t.name), t.span))?,
                ),
                None => None,
            };
            values.push((value, name, ty));
        }
        self.mv_expand_values(input, index_name, bag_kind, values, limit, span)
    }

    /// `mv-expand` of computed values: `(value, output name, to typeof)`.
    pub(crate) fn mv_expand_values(
        &mut self,
        input: LogicalPlan,
        index_name: Option<String>,
        bag_kind: &str,
        values: Vec<(DfExpr, String, Option<kql_semantics::Type>)>,
        limit: Option<usize>,
        span: Span,
    ) -> Result<LogicalPlan> {
        let mut expanded = Vec::new();
        let mut replacements = Vec::new();
        for (value, name, ty) in values {
            let elements = self.udf("json_array_elements", vec![value, lit(bag_kind)], span)?;
            replacements.push((elements, name.clone()));
            expanded.push((name, ty));
        }
        // The element index (for with_itemindex and limit): 0 .. the longest list.
        let hidden_index = "__kql_item_index";
        let index_column = index_name.clone().unwrap_or_else(|| hidden_index.to_string());
        let want_index = index_name.is_some() || limit.is_some();
        if want_index {
            use datafusion::functions_nested::expr_fn::{cardinality, range};
            let lengths: Vec<DfExpr> = replacements
                .iter()
                .map(|(e, _)| {
                    datafusion::functions::expr_fn::coalesce(vec![
                        cast(cardinality(e.clone()), DataType::Int64),
                        lit(0i64),
                    ])
                })
                .collect();
            let longest = if lengths.len() == 1 {
                lengths.into_iter().next().expect("one")
            } else {
                datafusion::functions::expr_fn::greatest(lengths)
            };
            replacements.push((range(lit(0i64), longest, lit(1i64)), index_column.clone()));
        }
        let plan = extend(input, replacements.clone())?;
        let unnest: Vec<datafusion::common::Column> =
            replacements.iter().map(|(_, n)| datafusion::common::Column::from_name(n.clone())).collect();
        let mut plan = LogicalPlanBuilder::from(plan)
            .unnest_columns_with_options(unnest, datafusion::common::UnnestOptions::new().with_preserve_nulls(false))?
            .build()?;
        if let Some(n) = limit {
            plan = LogicalPlanBuilder::from(plan).filter(column(&index_column).lt(lit(n as i64)))?.build()?;
        }
        if want_index && index_name.is_none() {
            let keep: Vec<DfExpr> =
                column_names(&plan).into_iter().filter(|n| n != hidden_index).map(|n| column(&n)).collect();
            plan = LogicalPlanBuilder::from(plan).project(keep)?.build()?;
        }
        let typed: Vec<(DfExpr, String)> = expanded
            .iter()
            .filter_map(|(name, ty)| ty.map(|t| (name, t)))
            .map(|(name, ty)| Ok((self.convert(column(name), ty, span)?, name.clone())))
            .collect::<Result<_>>()?;
        if typed.is_empty() { Ok(plan) } else { extend(plan, typed) }
    }

    /// `parse [kind=regex] Source with [*] "text" Col[:type] ...`: one regex, one capture per
    /// column; `parse-where` keeps only rows that match.
    fn parse(
        &mut self,
        input: LogicalPlan,
        filter: bool,
        regex_kind: bool,
        source: &'a kql_syntax::ast::Expr,
        pattern: &'a [ParsePart],
        span: Span,
    ) -> Result<LogicalPlan> {
        let schema = input.schema().as_ref().clone();
        let text = self.scalar(source, &schema)?;
        let mut regex = String::from("(?s)^");
        let mut targets = Vec::new();
        for (i, part) in pattern.iter().enumerate() {
            match part {
                ParsePart::Star(_) => regex.push_str(".*?"),
                ParsePart::Text(expr) => match &expr.kind {
                    ExprKind::Literal(l) => match &l.kind {
                        kql_syntax::ast::LiteralKind::String(s) => {
                            if regex_kind {
                                regex.push_str(s)
                            } else {
                                regex.push_str(&regex::escape(s))
                            }
                        }
                        _ => return Err(PlanError::invalid("parse patterns hold strings, columns and *", expr.span)),
                    },
                    _ => return Err(PlanError::unsupported("a computed parse pattern", expr.span)),
                },
                ParsePart::Column { name, ty } => {
                    let last = i + 1 == pattern.len();
                    let ty = match ty {
                        Some(t) => kql_semantics::Type::from_name(&t.name)
                            .ok_or_else(|| PlanError::invalid(format!("`{}` is not a KQL type", t.name), t.span))?,
                        None => kql_semantics::Type::String,
                    };
                    let capture = match (regex_kind, ty, last) {
                        (true, _, _) => "(.*?)",
                        (false, kql_semantics::Type::Long | kql_semantics::Type::Int, _) => r"(-?\d+)",
                        (false, kql_semantics::Type::Real, _) => r"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)",
                        (false, _, true) => "(.*)",
                        (false, _, false) => "(.*?)",
                    };
                    regex.push_str(capture);
                    targets.push((name.name.clone(), ty));
                }
            }
        }
        if regex_kind && matches!(pattern.last(), Some(ParsePart::Column { .. })) {
            // A trailing column takes the rest of the text.
            regex.truncate(regex.len() - "(.*?)".len());
            regex.push_str("(.*)");
        }
        let mut added = Vec::new();
        for (group, (name, ty)) in targets.iter().enumerate() {
            let extracted = self.udf("extract", vec![lit(regex.clone()), lit(group as i64 + 1), text.clone()], span)?;
            // A failed match gives null columns, as Kusto does.
            let matched = self.udf("matches_regex", vec![text.clone(), lit(regex.clone())], span)?;
            let value = datafusion::logical_expr::when(matched, self.convert(extracted, *ty, span)?)
                .otherwise(lit(ScalarValue::try_from(&crate::types::arrow_type(*ty))?))?;
            added.push((value, name.clone()));
        }
        let mut plan = extend(input, added)?;
        if filter {
            let matched = self.udf("matches_regex", vec![text, lit(regex)], span)?;
            plan = LogicalPlanBuilder::from(plan).filter(matched)?.build()?;
        }
        Ok(plan)
    }

    fn datatable(
        &mut self,
        decls: &'a [kql_syntax::ast::ColumnDecl],
        values: &'a [kql_syntax::ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan> {
        if decls.is_empty() {
            return Err(PlanError::invalid("datatable needs at least one column", span));
        }
        if !values.len().is_multiple_of(decls.len()) {
            return Err(PlanError::invalid(
                format!(
                    "datatable has {} columns but {} values, not a whole number of rows",
                    decls.len(),
                    values.len()
                ),
                span,
            ));
        }
        let types = decls
            .iter()
            .map(|d| {
                kql_semantics::Type::from_name(&d.ty.name)
                    .ok_or_else(|| PlanError::invalid(format!("`{}` is not a KQL type", d.ty.name), d.ty.span))
            })
            .collect::<Result<Vec<_>>>()?;
        let empty = super::empty_schema();
        if values.is_empty() {
            let fields =
                decls.iter().zip(&types).map(|(d, t)| (d.name.name.clone(), crate::types::arrow_type(*t))).collect();
            let schema = std::sync::Arc::new(super::arrow_schema(fields));
            let source = datafusion::datasource::provider_as_source(std::sync::Arc::new(
                datafusion::datasource::empty::EmptyTable::new(schema),
            ));
            return Ok(LogicalPlanBuilder::scan("datatable", source, None)?.build()?);
        }
        let mut rows = Vec::new();
        for row in values.chunks(decls.len()) {
            let mut exprs = Vec::new();
            for (value, ty) in row.iter().zip(&types) {
                let expr = self.scalar(value, &empty)?;
                exprs.push(cast(expr, crate::types::arrow_type(*ty)));
            }
            rows.push(exprs);
        }
        let plan = LogicalPlanBuilder::values(rows)?.build()?;
        let names: Vec<String> = column_names(&plan);
        let exprs = names.iter().zip(decls).map(|(old, d)| column(old).alias(d.name.name.clone()));
        Ok(LogicalPlanBuilder::from(plan).project(exprs)?.build()?)
    }

    fn range(&mut self, range: &'a kql_syntax::ast::RangeArgs, span: Span) -> Result<LogicalPlan> {
        let empty = super::empty_schema();
        let from = self.scalar(&range.from, &empty)?;
        let to = self.scalar(&range.to, &empty)?;
        let step = self.scalar(&range.step, &empty)?;
        let ty = from.get_type(&empty)?;
        // Datetimes and timespans step in nanoseconds and are cast back afterwards.
        let (from, to, step, back) = match &ty {
            DataType::Int64 | DataType::Int32 => (from, to, step, None),
            DataType::Timestamp(..) | DataType::Duration(_) => {
                (cast(from, DataType::Int64), cast(to, DataType::Int64), cast(step, DataType::Int64), Some(ty.clone()))
            }
            _ => return Err(PlanError::unsupported(format!("range over {ty}"), span)),
        };
        let series = datafusion::functions_nested::expr_fn::gen_series(from, to, step);
        let name = range.column.name.clone();
        let plan = LogicalPlanBuilder::empty(true).project(vec![series.alias(name.clone())])?.build()?;
        let plan = LogicalPlanBuilder::from(plan)
            .unnest_column(datafusion::common::Column::from_name(name.clone()))?
            .build()?;
        match back {
            Some(ty) => {
                Ok(LogicalPlanBuilder::from(plan).project(vec![cast(column(&name), ty).alias(name)])?.build()?)
            }
            None => Ok(plan),
        }
    }
}

/// The first `n` rows of each `partition` value, in `sort` order (top and take inside mv-apply).
fn first_rows_per(input: LogicalPlan, partition: &str, sort: Vec<SortExpr>, n: usize) -> Result<LogicalPlan> {
    use datafusion::logical_expr::ExprFunctionExt;
    let names = column_names(&input);
    let rank = datafusion::functions_window::expr_fn::row_number()
        .partition_by(vec![column(partition)])
        .order_by(sort)
        .build()?;
    let rank_name = rank.schema_name().to_string();
    let ranked = LogicalPlanBuilder::window_plan(input, vec![rank])?;
    Ok(LogicalPlanBuilder::from(ranked)
        .filter(column(&rank_name).lt_eq(lit(n as u64)))?
        .project(names.iter().map(|n| column(n)))?
        .build()?)
}

/// `getschema`: one row per input column with its name, ordinal, .NET type and KQL type
/// (<https://learn.microsoft.com/en-us/kusto/query/getschema-operator>).
fn getschema(input: &LogicalPlan) -> Result<LogicalPlan> {
    let rows: Vec<Vec<DfExpr>> = input
        .schema()
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let ty = crate::types::kql_type(f.data_type());
            let dotnet = match ty {
                kql_semantics::Type::Bool => "System.SByte",
                kql_semantics::Type::Int => "System.Int32",
                kql_semantics::Type::Long => "System.Int64",
                kql_semantics::Type::Real => "System.Double",
                kql_semantics::Type::Decimal => "System.Data.SqlTypes.SqlDecimal",
                kql_semantics::Type::DateTime => "System.DateTime",
                kql_semantics::Type::TimeSpan => "System.TimeSpan",
                kql_semantics::Type::Guid => "System.Guid",
                kql_semantics::Type::Dynamic => "System.Object",
                _ => "System.String",
            };
            vec![lit(f.name().clone()), lit(i as i64), lit(dotnet), lit(ty.to_string())]
        })
        .collect();
    let names = ["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"];
    if rows.is_empty() {
        let fields = vec![
            (names[0].to_string(), DataType::Utf8),
            (names[1].to_string(), DataType::Int64),
            (names[2].to_string(), DataType::Utf8),
            (names[3].to_string(), DataType::Utf8),
        ];
        let schema = std::sync::Arc::new(super::arrow_schema(fields));
        let source = datafusion::datasource::provider_as_source(std::sync::Arc::new(
            datafusion::datasource::empty::EmptyTable::new(schema),
        ));
        return Ok(LogicalPlanBuilder::scan("getschema", source, None)?.build()?);
    }
    let plan = LogicalPlanBuilder::values(rows)?.build()?;
    let exprs = column_names(&plan).into_iter().zip(names).map(|(old, new)| column(&old).alias(new));
    Ok(LogicalPlanBuilder::from(plan).project(exprs)?.build()?)
}

/// Window functions (`prev`, `next`, `row_number`) among `exprs` are computed by a window node
/// over `input` first; the expressions then read their results as columns.
pub(crate) fn with_windows(input: LogicalPlan, exprs: Vec<DfExpr>) -> Result<(LogicalPlan, Vec<DfExpr>)> {
    use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
    // Innermost window functions first (`row_number(1, prev(k) != k)` reads `prev`'s result),
    // each round a window node whose results later rounds read as columns.
    let mut plan = input;
    let mut exprs = exprs;
    for _ in 0..8 {
        let mut windows: Vec<DfExpr> = Vec::new();
        for e in &exprs {
            e.apply(|node| {
                if let DfExpr::WindowFunction(w) = node {
                    let nested = w.params.args.iter().any(|a| {
                        let mut found = false;
                        let _ = a.apply(|n| {
                            found |= matches!(n, DfExpr::WindowFunction(_));
                            Ok(if found { TreeNodeRecursion::Stop } else { TreeNodeRecursion::Continue })
                        });
                        found
                    });
                    if !nested && !windows.contains(node) {
                        windows.push(node.clone());
                    }
                }
                Ok(TreeNodeRecursion::Continue)
            })?;
        }
        if windows.is_empty() {
            break;
        }
        // The results get plain names of their own in a projection, so that a later round's
        // window reads ordinary columns.
        let before = column_names(&plan);
        let windowed = LogicalPlanBuilder::window_plan(plan, windows.clone())?;
        let mut names = Vec::new();
        let mut projection: Vec<DfExpr> = before.iter().map(|n| column(n)).collect();
        for w in &windows {
            let name = format!("__kql_window{}", before.len() + names.len());
            projection.push(column(&w.schema_name().to_string()).alias(name.clone()));
            names.push(name);
        }
        plan = LogicalPlanBuilder::from(windowed).project(projection)?.build()?;
        exprs = exprs
            .into_iter()
            .map(|e| {
                e.transform_down(|node| match windows.iter().position(|w| *w == node) {
                    Some(i) => Ok(Transformed::yes(column(&names[i]))),
                    None => Ok(Transformed::no(node)),
                })
                .map(|t| t.data)
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
    }
    Ok((plan, exprs))
}

/// Adds or replaces columns: existing ones keep their place, new ones go at the end.
pub(crate) fn extend(input: LogicalPlan, added: Vec<(DfExpr, String)>) -> Result<LogicalPlan> {
    let names = column_names(&input);
    let mut exprs: Vec<DfExpr> = names
        .iter()
        .map(|n| match added.iter().find(|(_, a)| a == n) {
            Some((value, _)) => value.clone().alias(n.clone()),
            None => column(n),
        })
        .collect();
    exprs.extend(added.iter().filter(|(_, n)| !names.contains(n)).map(|(value, n)| value.clone().alias(n.clone())));
    let (input, exprs) = with_windows(input, exprs)?;
    Ok(LogicalPlanBuilder::from(input).project(exprs)?.build()?)
}
