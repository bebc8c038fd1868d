//! Column flow through the tabular operators.

use kql_syntax::ast::{
    ColumnDecl, ExpandColumn, Expr, ExprKind, LiteralKind, NamedExpr, Operator, OperatorKind, OptionArg, ParsePart,
};

use super::expr::Ctx;
use super::{Binder, Binding, BoundValue};
use crate::catalog::Column;
use crate::codes;
use crate::naming::{self, expr_name};
use crate::schema::{Schema, wildcard_match};
use crate::types::Type;

impl<'a> Binder<'a, '_> {
    /// Binds one operator over `input` and returns its output columns.
    pub(super) fn operator(&mut self, op: &'a Operator, input: Schema) -> Schema {
        match &op.kind {
            OperatorKind::Where { predicate } => {
                self.predicate(predicate, &input);
                input
            }
            OperatorKind::Project { columns } => {
                let mut out = Schema { columns: Vec::new(), open: input.open, table: None };
                for (i, column) in columns.iter().enumerate() {
                    let before = out.columns.len();
                    self.assign(column, &input, &mut out, i, "Column");
                    if out.columns.len() == before && column.names.len() <= 1 {
                        self.duplicate_column(column);
                    }
                }
                out
            }
            OperatorKind::Extend { columns } => {
                let mut out = input.clone();
                for (i, column) in columns.iter().enumerate() {
                    // Each extend column sees the input, not the columns added before it.
                    self.assign(column, &input, &mut out, i, "Column");
                }
                out
            }
            OperatorKind::ProjectAway { columns } => {
                let mut out = input.clone();
                for pattern in columns {
                    for name in self.matching_columns(pattern, &input) {
                        out.remove(&name);
                    }
                }
                out.table = None;
                out
            }
            OperatorKind::ProjectKeep { columns } => {
                let mut keep = Vec::new();
                for pattern in columns {
                    keep.extend(self.matching_columns(pattern, &input));
                }
                let columns = input.columns.iter().filter(|c| keep.contains(&c.name)).cloned().collect();
                Schema { columns, open: input.open, table: None }
            }
            OperatorKind::ProjectRename { renames } => {
                let mut out = input.clone();
                for rename in renames {
                    let (Some(new), ExprKind::Name(old)) = (rename.names.first(), &rename.expr.kind) else { continue };
                    match out.columns.iter_mut().find(|c| c.name == old.name) {
                        Some(column) => column.name = new.name.clone(),
                        None if !input.open => self.unknown_column(old, &input),
                        None => {}
                    }
                }
                out.table = None;
                out
            }
            OperatorKind::ProjectReorder { columns } => {
                let mut ordered = Vec::new();
                for key in columns {
                    let names = self.matching_columns(&key.expr, &input);
                    if let (ExprKind::Name(ident), [name]) = (&key.expr.kind, names.as_slice())
                        && ordered.contains(name)
                    {
                        let message = format!("column {} is listed twice", ident.name);
                        let d = self.error(codes::DUPLICATE_COLUMN, message, ident.span);
                        self.report(d);
                    }
                    for name in names {
                        if !ordered.contains(&name) {
                            ordered.push(name);
                        }
                    }
                }
                let mut out: Vec<Column> = ordered.iter().filter_map(|n| input.get(n).cloned()).collect();
                out.extend(input.columns.iter().filter(|c| !ordered.contains(&c.name)).cloned());
                Schema { columns: out, open: input.open, table: None }
            }
            OperatorKind::Summarize { aggregates, by, .. } => self.summarize(aggregates, by, &input),
            OperatorKind::Join { options, right, on } => self.join(options, right, on, &input, false),
            OperatorKind::Lookup { options, right, on } => self.join(options, right, on, &input, true),
            OperatorKind::Union { options, tables } => {
                let saved = self.fuzzy;
                self.fuzzy = options.iter().any(|o| o.name.is("isfuzzy") && is_true(&o.value));
                let mut inputs = if matches!(op.name.name.as_str(), "union") && input.open && input.columns.is_empty() {
                    // `union` as a source has no input of its own.
                    Vec::new()
                } else {
                    vec![input]
                };
                inputs.extend(tables.iter().flat_map(|t| self.union_tables(t)));
                self.fuzzy = saved;
                self.union(options, inputs)
            }
            OperatorKind::Sort { keys, .. } | OperatorKind::Top { keys, .. } => {
                if let OperatorKind::Top { count, .. } = &op.kind {
                    self.scalar(count, Some(&input), Ctx::default());
                }
                for key in keys {
                    self.scalar(&key.expr, Some(&input), Ctx::default());
                }
                input
            }
            OperatorKind::Take { count } | OperatorKind::Sample { count } => {
                self.scalar(count, Some(&input), Ctx::default());
                input
            }
            OperatorKind::SampleDistinct { count, column } => {
                self.scalar(count, Some(&input), Ctx::default());
                let ty = self.scalar(column, Some(&input), Ctx::default());
                Schema::new(vec![Column { name: expr_name(column).unwrap_or_else(|| "Column1".into()), ty }])
            }
            OperatorKind::Distinct { columns, .. } => {
                if columns.len() == 1 && matches!(columns[0].expr.kind, ExprKind::Star) {
                    return input;
                }
                let mut out = Schema { columns: Vec::new(), open: false, table: None };
                for (i, column) in columns.iter().enumerate() {
                    self.assign(column, &input, &mut out, i, "Column");
                }
                out
            }
            OperatorKind::Count => Schema::new(vec![Column { name: "Count".into(), ty: Type::Long }]),
            OperatorKind::GetSchema => Schema::new(
                [
                    ("ColumnName", Type::String),
                    ("ColumnOrdinal", Type::Long),
                    ("DataType", Type::String),
                    ("ColumnType", Type::String),
                ]
                .into_iter()
                .map(|(n, ty)| Column { name: n.into(), ty })
                .collect(),
            ),
            OperatorKind::MvExpand { options, columns, limit } => {
                let mut out = self.expand(&input, options, columns, limit.as_ref());
                out.table = None;
                out
            }
            OperatorKind::MvApply { options, columns, limit, on } => {
                let expanded = self.expand(&input, options, columns, limit.as_ref());
                let result = self.sub_query(on, &expanded);
                let mut out = input.clone();
                for column in result.columns {
                    out.set(&column.name, column.ty);
                }
                out.open |= result.open;
                out.table = None;
                out
            }
            OperatorKind::Parse { source, pattern, .. } => {
                let ty = self.scalar(source, Some(&input), Ctx::default());
                let _ = ty;
                let mut out = input.clone();
                for part in pattern {
                    match part {
                        ParsePart::Column { name, ty } => {
                            let ty = ty.as_ref().map_or(Type::String, |t| self.type_name(t));
                            out.set(&name.name, ty);
                        }
                        ParsePart::Text(expr) => {
                            self.scalar(expr, Some(&input), Ctx::default());
                        }
                        ParsePart::Star(_) => {}
                    }
                }
                out
            }
            OperatorKind::ParseKv { source, columns, .. } => {
                self.scalar(source, Some(&input), Ctx::default());
                let mut out = input.clone();
                for column in columns {
                    let ty = self.type_name(&column.ty);
                    out.set(&column.name.name, ty);
                }
                out
            }
            OperatorKind::MakeSeries(series) => {
                let mut out = Schema::default();
                for key in &series.by {
                    let ty = self.scalar(&key.expr, Some(&input), Ctx::default());
                    let name = self.output_name(key, "Column", out.columns.len());
                    out.push_unique(&name, ty);
                }
                let axis = expr_name(&series.axis).unwrap_or_else(|| "Column1".into());
                self.scalar(&series.axis, Some(&input), Ctx::default());
                for bound in [&series.from, &series.to, &series.step].into_iter().flatten() {
                    self.scalar(bound, Some(&input), Ctx::default());
                }
                for aggregate in &series.aggregates {
                    self.scalar(&aggregate.expr, Some(&input), Ctx { aggregates: true });
                    let name = self.aggregate_name(aggregate);
                    out.push_unique(&name, Type::Dynamic);
                }
                out.push_unique(&axis, Type::Dynamic);
                out
            }
            OperatorKind::Render { .. } | OperatorKind::Consume => input,
            OperatorKind::Serialize { columns } => {
                let mut out = input.clone();
                for (i, column) in columns.iter().enumerate() {
                    self.assign(column, &input, &mut out, i, "Column");
                }
                out
            }
            OperatorKind::As { name, .. } => {
                self.define(&name.name, Binding::Table(input.clone()));
                input
            }
            OperatorKind::Evaluate { call, schema, .. } => {
                // Plugin arguments may name columns of other tables (ipv4_lookup's lookup table):
                // bind them against the input, but without insisting that names exist there.
                let mut row = input.clone();
                row.open = true;
                if let ExprKind::Call { name, args } = &call.kind {
                    for arg in args {
                        if matches!(arg.value.kind, ExprKind::Star) {
                            continue;
                        }
                        if name.is("pivot") {
                            // pivot(Col, sum(x), ...) takes an aggregation.
                            let _ = self.scalar(&arg.value, Some(&row), Ctx { aggregates: true });
                        } else {
                            let _ = self.value(&arg.value, Some(&row));
                        }
                    }
                }
                if !schema.is_empty() {
                    return self.declared_schema(schema);
                }
                // Plugins reshape the table in ways only their arguments' values tell
                // (bag_unpack, pivot): keep the input's columns and accept any others.
                let mut out = input;
                out.open = true;
                out.table = None;
                out
            }
            OperatorKind::Invoke { call } => match &call.kind {
                ExprKind::Call { name, args } => {
                    if let Some(Binding::Function(def)) = self.lookup(&name.name).cloned() {
                        let mut values = vec![BoundValue::Table(input.clone())];
                        values.extend(args.iter().map(|a| self.value(&a.value, Some(&input))));
                        return match self.call_user_function(def, values, call.span) {
                            BoundValue::Table(schema) => schema,
                            BoundValue::Scalar(_) => Schema::unknown(),
                        };
                    }
                    let _ = self.call(name, args, Some(&input), Ctx::default(), call.span);
                    let mut out = input;
                    out.open = true;
                    out
                }
                _ => Schema::unknown(),
            },
            OperatorKind::Search { tables, predicate, .. } => {
                // Piped (`T | search ...`): the input's columns. A source operator gets an
                // unknown, empty input.
                let piped = !(input.open && input.columns.is_empty() && input.table.is_none());
                let sources: Vec<Schema> = if tables.is_empty() && piped {
                    vec![input.clone()]
                } else if tables.is_empty() {
                    // `search` with no `in (...)` looks at every table of the database.
                    self.all_tables()
                } else {
                    tables.iter().flat_map(|t| self.union_tables(t)).collect()
                };
                // The tables' columns as `union` has them (Kusto.Language's result schema): a
                // name with several types becomes one `Name_type` column per type.
                let schema = self.union(&[], sources);
                self.search_predicate(predicate, &schema);
                // The matching rows of every table, with the table's name first.
                let mut out = schema;
                out.columns.insert(0, Column { name: "$table".into(), ty: Type::String });
                out.table = None;
                out
            }
            OperatorKind::Find(find) => {
                let sources: Vec<Schema> = find.tables.iter().flat_map(|t| self.union_tables(t)).collect();
                let tables = self.union(&[], sources);
                // `project Col[:type], ...` of plain columns: `source_` and those columns, each
                // of the type given, else of the type the tables have it with (unknown when they
                // disagree: the engine then asks for a type). Otherwise, the columns depend on
                // the rows (`pack_`), so the schema stays open.
                let project: Option<Vec<Column>> = find
                    .project
                    .iter()
                    .map(|item| {
                        let ExprKind::Name(name) = &item.column.kind else { return None };
                        let ty = match &item.ty {
                            Some(ty) => Type::from_name(&ty.name).unwrap_or(Type::Unknown),
                            None => tables.columns.iter().find(|c| c.name == name.name).map_or(Type::Unknown, |c| c.ty),
                        };
                        Some(Column { name: name.name.clone(), ty })
                    })
                    .collect();
                let mut out = match project {
                    Some(columns) if !columns.is_empty() => Schema::new(columns),
                    _ => Schema::unknown(),
                };
                out.columns.insert(0, Column { name: "source_".into(), ty: Type::String });
                out
            }
            OperatorKind::TopNested { clauses } => {
                let mut out = Schema::default();
                for clause in clauses {
                    if let Some(count) = &clause.count {
                        self.scalar(count, Some(&input), Ctx::default());
                    }
                    let ty = self.scalar(&clause.of.expr, Some(&input), Ctx::default());
                    let of_name = self.output_name(&clause.of, "Column", out.columns.len());
                    out.push_unique(&of_name, ty);
                    let agg_ty = self.scalar(&clause.by.expr, Some(&input), Ctx { aggregates: true });
                    let agg_name =
                        clause.by_name.as_ref().map_or_else(|| format!("aggregated_{of_name}"), |n| n.name.clone());
                    out.push_unique(&agg_name, agg_ty);
                }
                out
            }
            OperatorKind::TopHitters(args) => {
                self.scalar(&args.count, Some(&input), Ctx::default());
                let ty = self.scalar(&args.of, Some(&input), Ctx::default());
                let name = expr_name(&args.of).unwrap_or_else(|| "Column1".into());
                let mut out = Schema::new(vec![Column { name, ty }]);
                if let Some(by) = &args.by {
                    let by_ty = self.scalar(by, Some(&input), Ctx::default());
                    out.push_unique(&format!("approximate_sum_{}", expr_name(by).unwrap_or_default()), by_ty);
                } else {
                    out.push_unique(
                        &format!("approximate_count_{}", expr_name(&args.of).unwrap_or_default()),
                        Type::Long,
                    );
                }
                out
            }
            OperatorKind::Print { columns } => {
                let empty = Schema::default();
                let mut out = Schema::default();
                for (i, column) in columns.iter().enumerate() {
                    self.assign(column, &empty, &mut out, i, "print_");
                }
                out
            }
            OperatorKind::Range(range) => {
                let ty = self.scalar(&range.from, None, Ctx::default());
                self.scalar(&range.to, None, Ctx::default());
                self.scalar(&range.step, None, Ctx::default());
                let ty = if ty == Type::Int { Type::Long } else { ty };
                Schema::new(vec![Column { name: range.column.name.clone(), ty }])
            }
            OperatorKind::DataTable { schema, values } => {
                for value in values {
                    self.scalar(value, None, Ctx::default());
                }
                self.declared_schema(schema)
            }
            OperatorKind::ExternalData { schema, uris, .. } => {
                for uri in uris {
                    self.scalar(uri, None, Ctx::default());
                }
                let d = kql_syntax::Diagnostic::warning(
                    codes::CLOUD_ONLY,
                    "`externaldata` reads a URL at query time; Quarry runs offline and will not fetch it",
                    op.name.span,
                )
                .with_help("download the file and pass it to quarry with --data, or keep this rule for the cloud");
                self.report(d);
                self.declared_schema(schema)
            }
            OperatorKind::Fork { branches } => {
                let mut first = None;
                for branch in branches {
                    let out = self.sub_query(&branch.expr, &input);
                    first.get_or_insert(out);
                }
                first.unwrap_or(input)
            }
            OperatorKind::Facet { columns, with } => {
                for column in columns {
                    self.scalar(column, Some(&input), Ctx::default());
                }
                if let Some(with) = with {
                    self.sub_query(with, &input);
                }
                Schema::unknown()
            }
            OperatorKind::Partition { by, body, .. } => {
                self.scalar(by, Some(&input), Ctx::default());
                self.sub_query(body, &input)
            }
            OperatorKind::Unstructured { .. } | OperatorKind::Error => Schema::unknown(),
        }
    }

    /// The columns after `mv-expand` (or inside `mv-apply`): each expanded column becomes
    /// dynamic or its `to typeof()` type, and `with_itemindex` adds a long.
    fn expand(
        &mut self,
        input: &Schema,
        options: &[OptionArg],
        columns: &'a [ExpandColumn],
        limit: Option<&'a Expr>,
    ) -> Schema {
        let mut out = input.clone();
        for column in columns {
            let ty = column.to_type.as_ref().map_or(Type::Dynamic, |t| self.type_name(t));
            self.scalar(&column.column.expr, Some(input), Ctx::default());
            let name = column.column.names.first().map(|n| n.name.clone()).or_else(|| expr_name(&column.column.expr));
            if let Some(name) = name {
                out.set(&name, ty);
            }
        }
        if let Some(limit) = limit {
            self.scalar(limit, Some(input), Ctx::default());
        }
        if let Some(index) = option_name(options, "with_itemindex") {
            out.set(&index, Type::Long);
        }
        out
    }

    /// A `search` predicate: bare strings are terms to look for in every column.
    fn search_predicate(&mut self, predicate: &'a Expr, schema: &Schema) {
        match &predicate.kind {
            ExprKind::Literal(lit) if matches!(lit.kind, LiteralKind::String(_)) => {}
            ExprKind::Logical { operands, .. } => {
                for operand in operands {
                    self.search_predicate(operand, schema);
                }
            }
            ExprKind::Paren(inner) => self.search_predicate(inner, schema),
            ExprKind::Binary { left, right, .. } if matches!(left.kind, ExprKind::Star) => {
                self.scalar(right, Some(schema), Ctx::default());
            }
            _ => {
                let ty = self.scalar(predicate, Some(schema), Ctx::default());
                if !matches!(ty, Type::Bool | Type::Unknown) {
                    let message = format!("the search condition must be a bool or a string, but this is {ty}");
                    let d = self.error(codes::NOT_A_BOOL, message, predicate.span);
                    self.report(d);
                }
            }
        }
    }

    /// Binds a sub-query (`mv-apply on (...)`, `fork (...)`) whose implicit input is `input`.
    fn sub_query(&mut self, expr: &'a Expr, input: &Schema) -> Schema {
        match &expr.kind {
            ExprKind::Pipe { source, operators } if matches!(source.kind, ExprKind::Implicit) => {
                let mut schema = input.clone();
                for operator in operators {
                    schema = self.operator(operator, schema);
                }
                schema
            }
            _ => self.table(expr, Some(input)),
        }
    }

    fn duplicate_column(&mut self, column: &NamedExpr) {
        let name = column.names.first().map(|n| n.name.clone()).or_else(|| expr_name(&column.expr));
        if let Some(name) = name {
            let d = self.error(codes::DUPLICATE_COLUMN, format!("column {name} is already in the output"), column.span);
            self.report(d);
        }
    }

    /// A schema written out as `(Col: type, ...)`.
    fn declared_schema(&mut self, decls: &[ColumnDecl]) -> Schema {
        let mut out = Schema::default();
        for decl in decls {
            let ty = self.type_name(&decl.ty);
            out.push_unique(&decl.name.name, ty);
        }
        out
    }

    /// Binds `Name = expr` (or an unnamed expression) into `out`, naming it as Kusto would.
    fn assign(&mut self, column: &'a NamedExpr, input: &Schema, out: &mut Schema, index: usize, prefix: &str) {
        let ty = self.scalar(&column.expr, Some(input), Ctx::default());
        if column.names.len() > 1 {
            // `(a, b) = f(...)`: a function returning several values; types unknown here.
            for name in &column.names {
                out.set(&name.name, Type::Unknown);
            }
            return;
        }
        let name = match column.names.first() {
            Some(name) => name.name.clone(),
            // `print` numbers every unnamed value, whatever it is.
            None if prefix == "print_" => format!("print_{index}"),
            None => match expr_name(&column.expr) {
                Some(name) => name,
                None => next_column_name(out),
            },
        };
        out.set(&name, ty);
    }

    /// The names of `input`'s columns that `pattern` (a name or a wildcard) selects, reporting
    /// a plain name that is not there.
    fn matching_columns(&mut self, pattern: &Expr, input: &Schema) -> Vec<String> {
        match &pattern.kind {
            ExprKind::Name(ident) => {
                if input.get(&ident.name).is_none() && !input.open {
                    self.unknown_column(ident, input);
                }
                vec![ident.name.clone()]
            }
            ExprKind::Wildcard(p) => input.names().filter(|n| wildcard_match(p, n)).map(str::to_string).collect(),
            ExprKind::Star => input.names().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }

    /// `summarize aggregates by keys`: keys first, then aggregates.
    fn summarize(&mut self, aggregates: &'a [NamedExpr], by: &'a [NamedExpr], input: &Schema) -> Schema {
        let mut out = Schema::default();
        for key in by {
            let ty = self.scalar(&key.expr, Some(input), Ctx::default());
            let name = match key.names.first() {
                Some(name) => name.name.clone(),
                None => expr_name(&key.expr).unwrap_or_else(|| next_column_name(&out)),
            };
            out.push_unique(&name, ty);
        }
        for aggregate in aggregates {
            self.aggregate(aggregate, input, &mut out);
        }
        out
    }

    /// One aggregate of `summarize`, with Kusto's default names (`count_`, `max_Timestamp`,
    /// `set_ReportId`) and `arg_max`'s row columns.
    fn aggregate(&mut self, aggregate: &'a NamedExpr, input: &Schema, out: &mut Schema) {
        let ctx = Ctx { aggregates: true };
        if let ExprKind::Call { name, args } = &aggregate.expr.kind
            && (name.is("arg_max") || name.is("arg_min"))
            && aggregate.names.len() <= 1
        {
            // arg_max(ByExpr, Col1, Col2 | *): the by expression, then the returned columns.
            self.scalar(&aggregate.expr, Some(input), ctx);
            let mut first = true;
            for arg in args {
                match &arg.value.kind {
                    ExprKind::Star => {
                        for column in &input.columns {
                            if out.get(&column.name).is_none() {
                                out.push_unique(&column.name, column.ty);
                            }
                        }
                    }
                    _ => {
                        let ty = self.scalar(&arg.value, Some(input), Ctx::default());
                        let name = match (&arg.name, first, aggregate.names.first()) {
                            (Some(n), _, _) => n.name.clone(),
                            (None, true, Some(n)) => n.name.clone(),
                            _ => expr_name(&arg.value).unwrap_or_else(|| next_column_name(out)),
                        };
                        out.push_unique(&name, ty);
                    }
                }
                first = false;
            }
            return;
        }
        let ty = self.scalar(&aggregate.expr, Some(input), ctx);
        if aggregate.names.len() > 1 {
            for name in &aggregate.names {
                out.push_unique(&name.name, Type::Unknown);
            }
            return;
        }
        let name = match aggregate.names.first() {
            Some(name) => name.name.clone(),
            None => self.aggregate_name(aggregate),
        };
        out.push_unique(&name, ty);
    }

    fn aggregate_name(&self, aggregate: &NamedExpr) -> String {
        naming::aggregate_name(aggregate)
    }

    fn output_name(&self, column: &NamedExpr, _prefix: &str, index: usize) -> String {
        column
            .names
            .first()
            .map(|n| n.name.clone())
            .or_else(|| expr_name(&column.expr))
            .unwrap_or_else(|| format!("Column{}", index + 1))
    }

    /// `join`/`lookup`: checks the keys on both sides and combines the columns.
    fn join(
        &mut self,
        options: &'a [OptionArg],
        right: &'a Expr,
        on: &'a [Expr],
        left: &Schema,
        lookup: bool,
    ) -> Schema {
        let right_schema = self.table(right, None);
        let kind = options
            .iter()
            .find(|o| o.name.is("kind"))
            .and_then(|o| match &o.value.kind {
                ExprKind::Name(n) => Some(n.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| if lookup { "leftouter".into() } else { "innerunique".into() });
        let mut right_keys = Vec::new();
        for condition in on {
            self.join_condition(condition, left, &right_schema, &mut right_keys);
        }
        match kind.as_str() {
            "leftsemi" | "leftanti" | "anti" | "leftantisemi" => return left.clone(),
            "rightsemi" | "rightanti" | "rightantisemi" => return right_schema,
            _ => {}
        }
        let mut out = Schema { columns: left.columns.clone(), open: left.open || right_schema.open, table: None };
        for column in &right_schema.columns {
            if lookup && right_keys.contains(&column.name) {
                continue;
            }
            out.push_unique(&column.name, column.ty);
        }
        out
    }

    /// One `on` condition: a column both sides have, or `$left.a == $right.b`.
    fn join_condition(&mut self, condition: &'a Expr, left: &Schema, right: &Schema, right_keys: &mut Vec<String>) {
        match &condition.kind {
            ExprKind::Name(ident) => {
                for (side, schema) in [("left", left), ("right", right)] {
                    if schema.get(&ident.name).is_none() && !schema.open {
                        let message = format!("the {side} side of the join has no column {}", ident.name);
                        let mut d = self.error(codes::UNKNOWN_COLUMN, message, ident.span);
                        if let Some(near) = crate::catalog::suggest(&ident.name, schema.names()) {
                            d.message.push_str(&format!("; did you mean {near}?"));
                        }
                        self.report(d);
                    }
                }
                right_keys.push(ident.name.clone());
            }
            ExprKind::Logical { operands, .. } => {
                for operand in operands {
                    self.join_condition(operand, left, right, right_keys);
                }
            }
            ExprKind::Binary { left: l, right: r, .. } => {
                for side in [l, r] {
                    if let ExprKind::Member { base, name } = &side.kind
                        && let ExprKind::Name(which) = &base.kind
                    {
                        let schema = if which.is("$left") {
                            left
                        } else if which.is("$right") {
                            right_keys.push(name.name.clone());
                            right
                        } else {
                            continue;
                        };
                        if schema.get(&name.name).is_none() && !schema.open {
                            self.unknown_column(name, schema);
                        }
                    }
                }
            }
            _ => {
                let d = self.error(
                    codes::JOIN_KEY,
                    "a join condition must be a column name or `$left.X == $right.Y`",
                    condition.span,
                );
                self.report(d);
            }
        }
    }

    /// The tables one `union` argument stands for (a wildcard may match several).
    fn union_tables(&mut self, table: &'a Expr) -> Vec<Schema> {
        match &table.kind {
            ExprKind::Wildcard(pattern) => {
                let names: Vec<String> = self
                    .catalog
                    .table_names()
                    .into_iter()
                    .filter(|n| wildcard_match(pattern, n))
                    .map(str::to_string)
                    .collect();
                if names.is_empty() {
                    return vec![Schema::unknown()];
                }
                names
                    .iter()
                    .filter_map(|n| {
                        let t = self.catalog.table(n)?;
                        self.tables_read.insert(t.name.clone());
                        Some(Schema { columns: t.columns.clone(), open: false, table: Some(t.name.clone()) })
                    })
                    .collect()
            }
            // `union *`: every table of the database.
            ExprKind::Star => self.all_tables(),
            _ => vec![self.table(table, None)],
        }
    }

    /// Every table of the catalog, for `union *` and `search` without `in`.
    fn all_tables(&self) -> Vec<Schema> {
        self.catalog
            .table_names()
            .into_iter()
            .filter_map(|n| self.catalog.table(n))
            .map(|t| Schema { columns: t.columns.clone(), open: false, table: Some(t.name.clone()) })
            .collect()
    }

    /// Union of columns by name; a name with different types becomes `Name_type` per type.
    fn union(&mut self, options: &[OptionArg], inputs: Vec<Schema>) -> Schema {
        let mut names: Vec<String> = Vec::new();
        let mut types: Vec<Vec<Type>> = Vec::new();
        let mut open = false;
        for schema in &inputs {
            open |= schema.open;
            for column in &schema.columns {
                match names.iter().position(|n| *n == column.name) {
                    Some(i) => {
                        if !types[i].contains(&column.ty) {
                            types[i].push(column.ty);
                        }
                    }
                    None => {
                        names.push(column.name.clone());
                        types.push(vec![column.ty]);
                    }
                }
            }
        }
        let mut out = Schema { columns: Vec::new(), open, table: None };
        if let Some(source) = option_name(options, "withsource") {
            out.columns.push(Column { name: source, ty: Type::String });
        }
        for (name, tys) in names.iter().zip(types) {
            if tys.len() == 1 {
                out.push_unique(name, tys[0]);
            } else {
                for ty in tys {
                    out.push_unique(&format!("{name}_{}", ty.name()), ty);
                }
            }
        }
        out
    }
}

/// The value of `name=Value` option `name`, if given as a name.
fn option_name(options: &[OptionArg], name: &str) -> Option<String> {
    options.iter().find(|o| o.name.is(name)).and_then(|o| match &o.value.kind {
        ExprKind::Name(n) => Some(n.name.clone()),
        _ => None,
    })
}

fn is_true(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Literal(lit) => matches!(lit.kind, LiteralKind::Bool(true)),
        ExprKind::Name(n) => n.name.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The next free `ColumnN` name.
fn next_column_name(schema: &Schema) -> String {
    (1..).map(|n| format!("Column{n}")).find(|n| schema.get(n).is_none()).expect("a free name")
}
