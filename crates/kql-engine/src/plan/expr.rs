//! Scalar expressions: KQL operators and functions lowered to DataFusion expressions with
//! Kusto's semantics (null comparisons, case rules, term matching...).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::functions::expr_fn as df_fn;
use datafusion::logical_expr::expr_fn::{in_subquery, not, scalar_subquery};
use datafusion::logical_expr::{Expr as DfExpr, ExprSchemable, Operator, binary_expr, cast, lit, when};
use kql_syntax::Span;
use kql_syntax::ast::{
    Arg, BinaryOp, DynamicValue, Expr, ExprKind, ListOp, LiteralKind, LogicalOp, StringOp, StringOpKind, UnaryOp,
};
use std::sync::Arc;

use super::literal::{parse_datetime, parse_timespan};
use super::{Binding, PlanError, Planner, Result, column};
use crate::types::{arrow_type, kql_type};

impl<'a> Planner<'a> {
    /// Lowers a scalar expression over rows of `schema`.
    pub(crate) fn scalar(&mut self, expr: &'a Expr, schema: &DFSchema) -> Result<DfExpr> {
        match &expr.kind {
            ExprKind::Literal(literal) => literal_value(&literal.kind, expr.span),
            ExprKind::Name(ident) => {
                if schema.has_column_with_unqualified_name(&ident.name) {
                    return Ok(column(&ident.name));
                }
                match self.lookup(&ident.name).cloned() {
                    Some(Binding::Scalar(value)) => Ok(value),
                    Some(Binding::Table(_)) => Err(PlanError::invalid(
                        format!("`{}` is a table; use toscalar(...) for a single value", ident.name),
                        ident.span,
                    )),
                    Some(Binding::Function(def)) if def.params.is_empty() => {
                        self.with_function_scope(def, Vec::new(), None, expr.span, |p, body| p.scalar(body, schema))
                    }
                    _ => Err(PlanError::invalid(format!("unknown column or name `{}`", ident.name), ident.span)),
                }
            }
            ExprKind::Paren(inner) => self.scalar(inner, schema),
            ExprKind::Unary { op, operand } => {
                let value = self.scalar(operand, schema)?;
                Ok(match (op, value) {
                    // Fold constants: DataFusion cannot negate a duration (`now(-5d)`).
                    (UnaryOp::Neg, DfExpr::Literal(constant, _)) => lit(negate(constant)?),
                    (UnaryOp::Neg, value) => DfExpr::Negative(Box::new(value)),
                    (UnaryOp::Plus, value) => value,
                })
            }
            ExprKind::Logical { op, operands } => {
                let mut lowered = operands.iter().map(|o| self.scalar(o, schema));
                let first = lowered.next().expect("two or more operands")?;
                lowered.try_fold(first, |acc, next| {
                    let next = next?;
                    Ok(match op {
                        LogicalOp::And => acc.and(next),
                        LogicalOp::Or => acc.or(next),
                    })
                })
            }
            // `* has "term"`: the term in any column, as `search` does.
            ExprKind::Binary { left, .. } if matches!(left.kind, ExprKind::Star) => {
                self.search_condition(expr, schema, false)
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.scalar(left, schema)?;
                let r = self.scalar(right, schema)?;
                self.binary(*op, l, r, schema, expr.span)
            }
            ExprKind::In { op, expr: tested, list } => self.in_list(*op, tested, list, schema, expr.span),
            ExprKind::Between { negated, expr: tested, low, high } => {
                let value = self.scalar(tested, schema)?;
                let lo = self.scalar(low, schema)?;
                let mut hi = self.scalar(high, schema)?;
                // `between (start .. 1d)` on datetimes means start to start + 1d.
                if matches!(value.get_type(schema), Ok(DataType::Timestamp(..)))
                    && matches!(hi.get_type(schema), Ok(DataType::Duration(_)))
                {
                    hi = binary_expr(lo.clone(), Operator::Plus, hi);
                }
                let inside = value.clone().gt_eq(lo).and(value.lt_eq(hi));
                let inside = df_fn::coalesce(vec![inside, lit(false)]);
                Ok(if *negated { not(inside) } else { inside })
            }
            ExprKind::Call { name, args } => {
                if let Some((_, temp)) = self.agg_substitutions.iter().find(|(span, _)| *span == expr.span) {
                    return Ok(column(temp));
                }
                self.call(&name.name, args, schema, expr.span)
            }
            ExprKind::Member { base, name } => {
                let value = self.scalar(base, schema)?;
                self.dynamic_get(value, lit(name.name.clone()), expr.span)
            }
            ExprKind::Index { base, index } => {
                let value = self.scalar(base, schema)?;
                let key = self.scalar(index, schema)?;
                self.dynamic_get(value, key, expr.span)
            }
            ExprKind::Pipe { .. } | ExprKind::Source(_) => {
                Err(PlanError::invalid("a table is used where a single value is needed; use toscalar(...)", expr.span))
            }
            ExprKind::Star => Err(PlanError::unsupported("`*` in this position", expr.span)),
            ExprKind::Wildcard(_) => Err(PlanError::unsupported("a wildcard in this position", expr.span)),
            ExprKind::MethodCall { name, .. } => {
                Err(PlanError::unsupported(format!("`.{}(...)`", name.name), name.span))
            }
            ExprKind::Tuple(_) => Err(PlanError::unsupported("a tuple", expr.span)),
            ExprKind::Lambda(_) => Err(PlanError::unsupported("an inline function", expr.span)),
            ExprKind::Implicit | ExprKind::Error => Err(PlanError::invalid("the query has an error here", expr.span)),
        }
    }

    /// Calls KQL scalar function `name` (registered as `kql_<name>`).
    pub(crate) fn udf(&self, name: &str, args: Vec<DfExpr>, span: Span) -> Result<DfExpr> {
        match self.functions.scalar(name) {
            Some(udf) => Ok(udf.call(args)),
            None => Err(PlanError::unsupported(format!("the function `{name}`"), span)),
        }
    }

    fn dynamic_get(&self, value: DfExpr, key: DfExpr, span: Span) -> Result<DfExpr> {
        self.udf("dynamic_get", vec![value, key], span)
    }

    fn binary(&mut self, op: BinaryOp, l: DfExpr, r: DfExpr, schema: &DFSchema, span: Span) -> Result<DfExpr> {
        // Kusto compares bools with numbers (`IsRemote == 1`): compare as longs.
        let (l, r) = match (l.get_type(schema), r.get_type(schema)) {
            (Ok(DataType::Boolean), Ok(t)) if t.is_numeric() => (cast(l, DataType::Int64), r),
            (Ok(t), Ok(DataType::Boolean)) if t.is_numeric() => (l, cast(r, DataType::Int64)),
            _ => (l, r),
        };
        let (l, r) = if matches!(
            op,
            BinaryOp::Eq | BinaryOp::NotEq | BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq
        ) {
            self.dynamic_comparand(l, r, schema, span)?
        } else {
            (l, r)
        };
        // Kusto: a comparison with null is false, except `!=`, which is true.
        let compare = |operator: Operator, if_null: bool| {
            df_fn::coalesce(vec![binary_expr(l.clone(), operator, r.clone()), lit(if_null)])
        };
        Ok(match op {
            BinaryOp::Eq => compare(Operator::Eq, false),
            BinaryOp::NotEq => compare(Operator::NotEq, true),
            BinaryOp::Lt => compare(Operator::Lt, false),
            BinaryOp::LtEq => compare(Operator::LtEq, false),
            BinaryOp::Gt => compare(Operator::Gt, false),
            BinaryOp::GtEq => compare(Operator::GtEq, false),
            BinaryOp::EqCi => self.udf("equals_ci", vec![l, r], span)?,
            BinaryOp::NotEqCi => not(self.udf("equals_ci", vec![l, r], span)?),
            BinaryOp::Str(string_op) => {
                let call = self.udf(&string_op_function(string_op), vec![l, r], span)?;
                if string_op.negated { not(call) } else { call }
            }
            BinaryOp::MatchesRegex => self.udf("matches_regex", vec![l, r], span)?,
            BinaryOp::Add => binary_expr(l, Operator::Plus, r),
            BinaryOp::Sub => binary_expr(l, Operator::Minus, r),
            BinaryOp::Mul | BinaryOp::Div => {
                let operator = if op == BinaryOp::Mul { Operator::Multiply } else { Operator::Divide };
                timespan_arithmetic(l, operator, r, schema)?
            }
            BinaryOp::Mod => {
                // Kusto's modulo is never negative: 0 <= N % D < abs(D)
                // (https://learn.microsoft.com/en-us/kusto/query/numerical-operators).
                let rem = binary_expr(l, Operator::Modulo, r.clone());
                when(rem.clone().lt(lit(0i64)), binary_expr(rem.clone(), Operator::Plus, df_fn::abs(r)))
                    .otherwise(rem)?
            }
        })
    }

    /// A dynamic value compared with a bool, a string or a number is compared as a value of
    /// that type (`parse_json(F).IsLocalLogon != true`, `d.Name == "x"`, `d.Count > 9`), not
    /// as its JSON text: the dynamic side goes through `tobool`/`tostring`/`toreal`/
    /// `todatetime`/`totimespan` (`toreal` loses integers beyond 2^53). A value
    /// that does not convert is null, so `==` is false and `!=` true for it.
    fn dynamic_comparand(&self, l: DfExpr, r: DfExpr, schema: &DFSchema, span: Span) -> Result<(DfExpr, DfExpr)> {
        let convert = |other: &DataType| {
            use kql_semantics::Type;
            match kql_type(other) {
                // Every number compares as a real.
                Type::Int | Type::Long | Type::Real => Some("toreal"),
                ty @ (Type::Bool | Type::String | Type::DateTime | Type::TimeSpan) => Some(conversion_function(ty)),
                _ => None,
            }
        };
        let (Ok(left), Ok(right)) = (l.get_type(schema), r.get_type(schema)) else { return Ok((l, r)) };
        Ok(match (&left, &right) {
            // `IsLocalAdmin == "True"`: Kusto.Language accepts it, but the reference does not say
            // what Kusto does at run time, so Quarry says so instead of guessing.
            (DataType::Boolean, DataType::Utf8) | (DataType::Utf8, DataType::Boolean) => {
                return Err(PlanError::unsupported("comparing a bool with a string", span));
            }
            (DataType::LargeUtf8, other) => match convert(other) {
                Some(function) => (self.udf(function, vec![l], span)?, r),
                None => (l, r),
            },
            (other, DataType::LargeUtf8) => match convert(other) {
                Some(function) => (l, self.udf(function, vec![r], span)?),
                None => (l, r),
            },
            _ => (l, r),
        })
    }

    fn in_list(
        &mut self,
        op: ListOp,
        tested: &'a Expr,
        list: &'a [Expr],
        schema: &DFSchema,
        span: Span,
    ) -> Result<DfExpr> {
        let value = self.scalar(tested, schema)?;
        // `x in (T | project c)`: a subquery.
        if list.len() == 1 && self.is_tabular(&list[0]) {
            let plan = self.tabular(&list[0])?;
            let plan = first_column_only(plan)?;
            // A name of its own, so that `x in (T)` where T also has a column `x` is not an
            // ambiguous reference once DataFusion decorrelates the subquery.
            let first = plan.schema().field(0).name().clone();
            let plan = datafusion::logical_expr::LogicalPlanBuilder::from(plan)
                .project(vec![column(&first).alias("__kql_in_list")])?
                .build()?;
            let (value, plan) = match op {
                ListOp::In | ListOp::NotIn => (value, plan),
                // `in~`: compare lower-cased values on both sides.
                ListOp::InCi | ListOp::NotInCi => {
                    let name = plan.schema().field(0).name().clone();
                    let lowered = self.udf("tolower", vec![column(&name)], span)?.alias(name);
                    let plan =
                        datafusion::logical_expr::LogicalPlanBuilder::from(plan).project(vec![lowered])?.build()?;
                    (self.udf("tolower", vec![value], span)?, plan)
                }
                ListOp::HasAny | ListOp::HasAll => {
                    // The needles are the subquery's first column, gathered into one array.
                    let name = plan.schema().field(0).name().clone();
                    let gather = self
                        .functions
                        .aggregate("make_set")
                        .ok_or_else(|| PlanError::unsupported("make_set", span))?
                        .call(vec![column(&name)])
                        .alias("needles");
                    let plan = datafusion::logical_expr::LogicalPlanBuilder::from(plan)
                        .aggregate(Vec::<DfExpr>::new(), vec![gather])?
                        .build()?;
                    let function = if op == ListOp::HasAny { "has_any" } else { "has_all" };
                    return self.udf(function, vec![value, scalar_subquery(Arc::new(plan))], span);
                }
            };
            let test = in_subquery(value, Arc::new(plan));
            return Ok(if matches!(op, ListOp::NotIn | ListOp::NotInCi) { not(test) } else { test });
        }
        let items = self.list_items(list, schema)?;
        Ok(match op {
            ListOp::In | ListOp::NotIn => {
                let test = df_fn::coalesce(vec![value.in_list(items, false), lit(false)]);
                if op == ListOp::NotIn { not(test) } else { test }
            }
            ListOp::InCi | ListOp::NotInCi => {
                let mut args = vec![value];
                args.extend(items);
                let test = self.udf("in_ci", args, span)?;
                if op == ListOp::NotInCi { not(test) } else { test }
            }
            ListOp::HasAny | ListOp::HasAll => {
                let mut args = vec![value];
                args.extend(items);
                self.udf(if op == ListOp::HasAny { "has_any" } else { "has_all" }, args, span)?
            }
        })
    }

    /// The items of an `in`/`has_any` list, with `let`-bound `dynamic([...])` arrays spread out.
    fn list_items(&mut self, list: &'a [Expr], schema: &DFSchema) -> Result<Vec<DfExpr>> {
        let mut items = Vec::new();
        for item in list {
            match &item.kind {
                ExprKind::Literal(lit) if matches!(lit.kind, LiteralKind::Dynamic(DynamicValue::Array(_))) => {
                    let LiteralKind::Dynamic(DynamicValue::Array(values)) = &lit.kind else { unreachable!() };
                    items.extend(values.iter().map(dynamic_item));
                }
                _ => {
                    let value = self.scalar(item, schema)?;
                    match dynamic_array_literal(&value) {
                        Some(values) => items.extend(values),
                        None => items.push(value),
                    }
                }
            }
        }
        Ok(items)
    }

    /// A function call: special forms first, then the KQL library.
    fn call(&mut self, name: &str, args: &'a [Arg], schema: &DFSchema, span: Span) -> Result<DfExpr> {
        if let Some(Binding::Function(def)) = self.lookup(name).cloned() {
            let values = args.iter().map(|a| &a.value).collect();
            return self.with_function_scope(def, values, None, span, |p, body| p.scalar(body, schema));
        }
        let arg = |p: &mut Self, i: usize| -> Result<DfExpr> {
            match args.get(i) {
                Some(a) => p.scalar(&a.value, schema),
                None => Err(PlanError::invalid(format!("`{name}` needs at least {} arguments", i + 1), span)),
            }
        };
        match name {
            // Window functions over serialized rows, in the input's order
            // (https://learn.microsoft.com/en-us/kusto/query/prev-function, next-function,
            // row-number-function); the operator that holds them plans a window node.
            "prev" | "next" => {
                let value = arg(self, 0)?;
                let offset = match args.get(1) {
                    Some(a) => match self.scalar(&a.value, schema)? {
                        DfExpr::Literal(ScalarValue::Int64(Some(n)), _) if n >= 0 => n,
                        _ => return Err(PlanError::unsupported(format!("{name}() with a computed offset"), span)),
                    },
                    None => 1,
                };
                let default = match args.get(2) {
                    Some(a) => match self.scalar(&a.value, schema)? {
                        DfExpr::Literal(v, _) => {
                            let ty = value.get_type(schema)?;
                            Some(v.cast_to(&ty)?)
                        }
                        _ => return Err(PlanError::unsupported(format!("{name}() with a computed default"), span)),
                    },
                    None => None,
                };
                Ok(if name == "prev" {
                    datafusion::functions_window::expr_fn::lag(value, Some(offset), default)
                } else {
                    datafusion::functions_window::expr_fn::lead(value, Some(offset), default)
                })
            }
            // hll() gathers the distinct values (see summarize), so their count is exact.
            "dcount_hll" => {
                let sketch = arg(self, 0)?;
                self.udf("array_length", vec![sketch], span)
            }
            "row_number" => {
                if args.len() > 1 {
                    let start = arg(self, 0)?;
                    let restart = arg(self, 1)?;
                    return Ok(std::sync::Arc::new(super::window::row_number_restart()).call(vec![start, restart]));
                }
                let number = cast(datafusion::functions_window::expr_fn::row_number(), DataType::Int64);
                Ok(match args.first() {
                    Some(_) => {
                        let start = arg(self, 0)?;
                        binary_expr(binary_expr(number, Operator::Plus, start), Operator::Minus, lit(1i64))
                    }
                    None => number,
                })
            }
            "now" => {
                let offset = if args.is_empty() { None } else { Some(arg(self, 0)?) };
                let now = lit(ScalarValue::TimestampNanosecond(Some(self.now), None));
                Ok(match offset {
                    Some(offset) => binary_expr(now, Operator::Plus, offset),
                    None => now,
                })
            }
            "ago" => {
                let span_value = arg(self, 0)?;
                let now = lit(ScalarValue::TimestampNanosecond(Some(self.now), None));
                Ok(binary_expr(now, Operator::Minus, span_value))
            }
            "iff" | "iif" => {
                let condition = arg(self, 0)?;
                let mut branches = widen_numbers(vec![arg(self, 1)?, arg(self, 2)?], schema).into_iter();
                let (then, otherwise) = (branches.next().expect("two"), branches.next().expect("two"));
                Ok(when(df_fn::coalesce(vec![condition, lit(false)]), then).otherwise(otherwise)?)
            }
            "case" => {
                if args.len() < 3 || args.len().is_multiple_of(2) {
                    return Err(PlanError::invalid("case() takes condition/value pairs and an else value", span));
                }
                let mut conditions = Vec::new();
                let mut values = Vec::new();
                for pair in args[..args.len() - 1].chunks(2) {
                    conditions.push(df_fn::coalesce(vec![self.scalar(&pair[0].value, schema)?, lit(false)]));
                    values.push(self.scalar(&pair[1].value, schema)?);
                }
                values.push(self.scalar(&args[args.len() - 1].value, schema)?);
                let mut values = widen_numbers(values, schema);
                let otherwise = values.pop().expect("an else value");
                let mut builder: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> = None;
                for (condition, value) in conditions.into_iter().zip(values) {
                    builder = Some(match builder {
                        None => when(condition, value),
                        Some(mut b) => {
                            b.when(condition, value);
                            b
                        }
                    });
                }
                Ok(builder.expect("at least one pair").otherwise(otherwise)?)
            }
            "not" => Ok(not(df_fn::coalesce(vec![arg(self, 0)?, lit(false)]))),
            "toscalar" => {
                let inner = args.first().ok_or_else(|| PlanError::invalid("toscalar() needs a query", span))?;
                let plan = self.tabular(&inner.value)?;
                let plan = first_column_only(plan)?;
                let plan = datafusion::logical_expr::LogicalPlanBuilder::from(plan).limit(0, Some(1))?.build()?;
                Ok(scalar_subquery(Arc::new(plan)))
            }
            "typeof" => Ok(lit(ScalarValue::Null)),
            "strcat" | "pack" | "bag_pack" | "pack_array" => {
                let values = args.iter().map(|a| self.scalar(&a.value, schema)).collect::<Result<Vec<_>>>()?;
                self.udf(if name == "pack" { "bag_pack" } else { name }, values, span)
            }
            "floor" if args.len() == 2 => {
                let values = vec![arg(self, 0)?, arg(self, 1)?];
                self.udf("bin", values, span)
            }
            "todouble" => {
                let value = arg(self, 0)?;
                self.udf("toreal", vec![value], span)
            }
            "toboolean" => {
                let value = arg(self, 0)?;
                self.udf("tobool", vec![value], span)
            }
            "todynamic" | "toobject" => {
                let value = arg(self, 0)?;
                self.udf("parse_json", vec![value], span)
            }
            "extractjson" | "extract_json" if args.len() == 3 => {
                // The typeof() argument converts the value found.
                let values = vec![arg(self, 0)?, arg(self, 1)?];
                let text = self.udf(name, values, span)?;
                match type_of_arg(&args[2].value) {
                    Some(ty) => self.convert(text, ty, span),
                    None => Ok(text),
                }
            }
            "extract" if args.len() == 4 => {
                // The typeof() argument converts the match.
                let values = vec![arg(self, 0)?, arg(self, 1)?, arg(self, 2)?];
                let text = self.udf("extract", values, span)?;
                match type_of_arg(&args[3].value) {
                    Some(ty) => self.convert(text, ty, span),
                    None => Ok(text),
                }
            }
            "isnull" | "isnotnull" | "isempty" | "isnotempty" | "coalesce" => {
                let values = args.iter().map(|a| self.scalar(&a.value, schema)).collect::<Result<Vec<_>>>()?;
                match self.functions.scalar(name) {
                    Some(udf) => Ok(udf.call(values)),
                    None => fallback_null_test(name, values, span),
                }
            }
            "abs" if args.len() == 1 => {
                let value = arg(self, 0)?;
                if matches!(value.get_type(schema), Ok(DataType::Duration(_))) {
                    // DataFusion's abs takes numbers only; a timespan's is computed here.
                    let zero = lit(ScalarValue::DurationNanosecond(Some(0)));
                    let negated = binary_expr(zero.clone(), Operator::Minus, value.clone());
                    return Ok(when(value.clone().lt(zero), negated).otherwise(value)?);
                }
                datafusion_math(name, vec![value], span)
            }
            "column_ifexists" => {
                let Some(ExprKind::Literal(l)) = args.first().map(|a| &a.value.kind) else {
                    return Err(PlanError::invalid("column_ifexists takes a column name as a string", span));
                };
                let LiteralKind::String(column_name) = &l.kind else {
                    return Err(PlanError::invalid("column_ifexists takes a column name as a string", span));
                };
                if schema.has_column_with_unqualified_name(column_name) {
                    return Ok(column(column_name));
                }
                arg(self, 1)
            }
            "pack_all" => {
                let mut values = Vec::new();
                for field in schema.fields() {
                    values.push(lit(field.name().clone()));
                    values.push(column(field.name()));
                }
                self.udf("bag_pack", values, span)
            }
            // Data exported from the cloud does not carry its ingestion time.
            "ingestion_time" => Ok(lit(ScalarValue::TimestampNanosecond(None, None))),
            "abs" | "sqrt" | "exp" | "log" | "log10" | "log2" | "pow" | "round" | "sign" => {
                let values = args.iter().map(|a| self.scalar(&a.value, schema)).collect::<Result<Vec<_>>>()?;
                datafusion_math(name, values, span)
            }
            _ => {
                if self.functions.aggregate(name).is_some() || is_builtin_aggregate(name) {
                    return Err(PlanError::invalid(
                        format!("the aggregate `{name}` is only allowed in summarize"),
                        span,
                    ));
                }
                let values = args.iter().map(|a| self.scalar(&a.value, schema)).collect::<Result<Vec<_>>>()?;
                self.udf(name, values, span)
            }
        }
    }

    /// Converts a string to the KQL type named by `ty` (`long`, `datetime`...).
    pub(crate) fn convert(&self, value: DfExpr, ty: kql_semantics::Type, span: Span) -> Result<DfExpr> {
        use kql_semantics::Type;
        let function = match ty {
            Type::String | Type::Unknown => return Ok(value),
            // A string becomes the JSON it holds, not a dynamic string.
            Type::Dynamic => "parse_json",
            other => conversion_function(other),
        };
        self.udf(function, vec![value], span)
    }
}

/// The KQL function that converts a value to `ty` (`tolong`, `todatetime`...; `todynamic` for
/// dynamic and unknown).
pub(crate) fn conversion_function(ty: kql_semantics::Type) -> &'static str {
    use kql_semantics::Type;
    match ty {
        Type::String => "tostring",
        Type::Guid => "toguid",
        Type::Int => "toint",
        Type::Long => "tolong",
        Type::Real => "toreal",
        Type::Decimal => "todecimal",
        Type::Bool => "tobool",
        Type::DateTime => "todatetime",
        Type::TimeSpan => "totimespan",
        Type::Dynamic | Type::Unknown => "todynamic",
    }
}

/// `*` and `/` with timespans, which DataFusion does not do on durations: a timespan divided by
/// a timespan is a real, a timespan times or divided by a number is a timespan
/// (https://learn.microsoft.com/en-us/kusto/query/datetime-timespan-arithmetic).
fn timespan_arithmetic(l: DfExpr, operator: Operator, r: DfExpr, schema: &DFSchema) -> Result<DfExpr> {
    let is_span = |e: &DfExpr| matches!(e.get_type(schema), Ok(DataType::Duration(_)));
    let (l_span, r_span) = (is_span(&l), is_span(&r));
    let as_long = |e: DfExpr| cast(e, DataType::Int64);
    let as_real = |e: DfExpr| cast(cast(e, DataType::Int64), DataType::Float64);
    let to_span = |e: DfExpr| {
        cast(
            cast(df_fn::trunc(vec![cast(e, DataType::Float64)]), DataType::Int64),
            arrow_type(kql_semantics::Type::TimeSpan),
        )
    };
    Ok(match (l_span, r_span) {
        (true, true) if operator == Operator::Divide => binary_expr(as_real(l), operator, as_real(r)),
        (true, false) => to_span(binary_expr(as_long(l), operator, r)),
        (false, true) if operator == Operator::Multiply => to_span(binary_expr(l, operator, as_long(r))),
        _ => binary_expr(l, operator, r),
    })
}

/// The values `iff`/`case` pick from, numbers widened to their common type: Kusto types the
/// result as the widest of the branches, `int` → `long` → `real` → `decimal` (as Kusto.Language
/// infers it; arithmetic follows the same order,
/// https://learn.microsoft.com/en-us/kusto/query/numerical-operators). Other mixes are left to
/// DataFusion (a string and a dynamic value, say).
fn widen_numbers(values: Vec<DfExpr>, schema: &DFSchema) -> Vec<DfExpr> {
    let rank = |t: &DataType| {
        use kql_semantics::Type;
        match kql_type(t) {
            Type::Int => Some(0),
            Type::Long => Some(1),
            Type::Real => Some(2),
            Type::Decimal => Some(3),
            _ => None,
        }
    };
    let types: Vec<Option<DataType>> = values.iter().map(|v| v.get_type(schema).ok()).collect();
    let numbers: Vec<(usize, &DataType)> = types.iter().flatten().filter_map(|t| rank(t).map(|r| (r, t))).collect();
    let Some(&(_, widest)) = numbers.iter().max_by_key(|(r, _)| *r) else { return values };
    if numbers.iter().all(|(_, t)| *t == widest) {
        return values;
    }
    let target = match rank(widest) {
        Some(0) | Some(1) => DataType::Int64,
        Some(2) => DataType::Float64,
        _ => widest.clone(),
    };
    values
        .into_iter()
        .zip(types)
        .map(|(value, ty)| match ty {
            Some(t) if rank(&t).is_some() && t != target => cast(value, target.clone()),
            _ => value,
        })
        .collect()
}

/// `-constant`, including timespans, which DataFusion cannot negate.
fn negate(value: ScalarValue) -> Result<ScalarValue> {
    Ok(match value {
        ScalarValue::DurationNanosecond(v) => ScalarValue::DurationNanosecond(v.map(|v| -v)),
        ScalarValue::DurationMicrosecond(v) => ScalarValue::DurationMicrosecond(v.map(|v| -v)),
        ScalarValue::DurationMillisecond(v) => ScalarValue::DurationMillisecond(v.map(|v| -v)),
        ScalarValue::DurationSecond(v) => ScalarValue::DurationSecond(v.map(|v| -v)),
        other => other.arithmetic_negate()?,
    })
}

/// The KQL function implementing a string operator, e.g. `!has_cs` → `has_cs` (negated by the
/// caller).
fn string_op_function(op: StringOp) -> String {
    let base = match op.kind {
        StringOpKind::Has => "has",
        StringOpKind::HasPrefix => "hasprefix",
        StringOpKind::HasSuffix => "hassuffix",
        StringOpKind::Contains => "contains",
        StringOpKind::StartsWith => "startswith",
        StringOpKind::EndsWith => "endswith",
    };
    if op.case_sensitive { format!("{base}_cs") } else { base.to_string() }
}

/// A KQL literal as a DataFusion literal of the Arrow type that carries its KQL type.
pub(crate) fn literal_value(kind: &LiteralKind, span: Span) -> Result<DfExpr> {
    Ok(lit(match kind {
        LiteralKind::Bool(b) => ScalarValue::Boolean(Some(*b)),
        LiteralKind::Long(Some(v)) => ScalarValue::Int64(Some(*v)),
        LiteralKind::Long(None) => return Err(PlanError::invalid("this integer does not fit in a long", span)),
        LiteralKind::Real(v) => ScalarValue::Float64(Some(*v)),
        LiteralKind::String(s) => ScalarValue::Utf8(Some(s.clone())),
        LiteralKind::Guid(g) => ScalarValue::Utf8(if g == "null" { None } else { Some(g.to_lowercase()) }),
        LiteralKind::Timespan(text) => {
            if text == "null" {
                ScalarValue::DurationNanosecond(None)
            } else {
                let nanos = parse_timespan(text)
                    .ok_or_else(|| PlanError::invalid(format!("`{text}` is not a valid timespan"), span))?;
                ScalarValue::DurationNanosecond(Some(nanos))
            }
        }
        LiteralKind::DateTime(text) => {
            if text == "null" {
                ScalarValue::TimestampNanosecond(None, None)
            } else {
                let nanos = parse_datetime(text)
                    .ok_or_else(|| PlanError::invalid(format!("`{text}` is not a valid datetime"), span))?;
                ScalarValue::TimestampNanosecond(Some(nanos), None)
            }
        }
        LiteralKind::Dynamic(DynamicValue::Null) => ScalarValue::LargeUtf8(None),
        LiteralKind::Dynamic(value) => ScalarValue::LargeUtf8(Some(dynamic_json(value).to_string())),
        LiteralKind::Typed { ty, value } => typed_literal(ty, value, span)?,
    }))
}

/// `long(null)`, `real(1.5)`, `int(-3)`, `bool(true)`...
fn typed_literal(ty: &str, value: &str, span: Span) -> Result<ScalarValue> {
    let kql_type = kql_semantics::Type::from_name(ty)
        .ok_or_else(|| PlanError::invalid(format!("`{ty}` is not a KQL type"), span))?;
    let target = arrow_type(kql_type);
    if value.eq_ignore_ascii_case("null") {
        return Ok(ScalarValue::try_from(&target)?);
    }
    let bad = || PlanError::invalid(format!("`{value}` is not a valid {ty}"), span);
    Ok(match kql_type {
        kql_semantics::Type::Bool => ScalarValue::Boolean(Some(value.eq_ignore_ascii_case("true"))),
        kql_semantics::Type::Int => ScalarValue::Int32(Some(value.parse().map_err(|_| bad())?)),
        kql_semantics::Type::Long => ScalarValue::Int64(Some(value.parse().map_err(|_| bad())?)),
        kql_semantics::Type::Real => ScalarValue::Float64(Some(match value.to_ascii_lowercase().as_str() {
            "nan" => f64::NAN,
            "inf" | "+inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            v => v.parse().map_err(|_| bad())?,
        })),
        kql_semantics::Type::String => ScalarValue::Utf8(Some(value.trim_matches(['"', '\'']).to_string())),
        // `decimal(2)`, `decimal(1.5)`: the value at the scale of `decimal` columns.
        kql_semantics::Type::Decimal => match target {
            DataType::Decimal128(precision, scale) => ScalarValue::Decimal128(
                Some(
                    datafusion::arrow::compute::kernels::cast_utils::parse_decimal::<
                        datafusion::arrow::datatypes::Decimal128Type,
                    >(value, precision, scale)
                    .map_err(|_| bad())?,
                ),
                precision,
                scale,
            ),
            _ => ScalarValue::try_from(&target)?,
        },
        _ => ScalarValue::try_from(&target)?,
    })
}

/// A dynamic literal as JSON.
pub(crate) fn dynamic_json(value: &DynamicValue) -> serde_json::Value {
    use serde_json::Value;
    match value {
        DynamicValue::Null => Value::Null,
        DynamicValue::Array(items) => Value::Array(items.iter().map(dynamic_json).collect()),
        DynamicValue::Object(members) => {
            Value::Object(members.iter().map(|(k, v)| (k.clone(), dynamic_json(v))).collect())
        }
        DynamicValue::Scalar(kind) => match kind.as_ref() {
            LiteralKind::Bool(b) => Value::Bool(*b),
            LiteralKind::Long(Some(v)) => Value::from(*v),
            LiteralKind::Real(v) => serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number),
            LiteralKind::String(s) => Value::String(s.clone()),
            LiteralKind::DateTime(text) => Value::String(text.clone()),
            LiteralKind::Timespan(text) => Value::String(text.clone()),
            LiteralKind::Guid(text) => Value::String(text.clone()),
            // `dynamic({'a': dynamic({})})`: a dynamic literal nested in another.
            LiteralKind::Dynamic(inner) => dynamic_json(inner),
            _ => Value::Null,
        },
    }
}

/// One element of a `dynamic([...])` list as a literal of its own type (for `in`/`has_any`).
fn dynamic_item(value: &DynamicValue) -> DfExpr {
    match value {
        DynamicValue::Scalar(kind) => match kind.as_ref() {
            LiteralKind::String(s) => lit(s.clone()),
            LiteralKind::Long(Some(v)) => lit(*v),
            LiteralKind::Real(v) => lit(*v),
            LiteralKind::Bool(b) => lit(*b),
            other => literal_value(other, Span::default()).unwrap_or(lit(ScalarValue::Null)),
        },
        other => lit(ScalarValue::LargeUtf8(Some(dynamic_json(other).to_string()))),
    }
}

/// If `value` is a constant dynamic array (a `let`-bound `dynamic([...])`), its elements.
fn dynamic_array_literal(value: &DfExpr) -> Option<Vec<DfExpr>> {
    let DfExpr::Literal(ScalarValue::LargeUtf8(Some(text)), _) = value else { return None };
    let serde_json::Value::Array(items) = serde_json::from_str(text).ok()? else { return None };
    Some(
        items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(s) => lit(s),
                serde_json::Value::Bool(b) => lit(b),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => lit(i),
                    None => lit(n.as_f64().unwrap_or(f64::NAN)),
                },
                other => lit(ScalarValue::LargeUtf8(Some(other.to_string()))),
            })
            .collect(),
    )
}

/// The type named by a `typeof(T)` argument.
fn type_of_arg(expr: &Expr) -> Option<kql_semantics::Type> {
    match &expr.kind {
        ExprKind::Call { name, args } if name.is("typeof") => match &args.first()?.value.kind {
            ExprKind::Name(ty) => kql_semantics::Type::from_name(&ty.name),
            _ => None,
        },
        _ => None,
    }
}

/// Keeps only the first column of a plan (for `in (subquery)` and `toscalar`).
fn first_column_only(plan: datafusion::logical_expr::LogicalPlan) -> Result<datafusion::logical_expr::LogicalPlan> {
    let first = plan.schema().fields().first().map(|f| f.name().clone());
    match first {
        Some(name) => {
            Ok(datafusion::logical_expr::LogicalPlanBuilder::from(plan).project(vec![column(&name)])?.build()?)
        }
        None => Ok(plan),
    }
}

/// Null tests when the library has no UDF for them (DataFusion's match Kusto for non-strings).
fn fallback_null_test(name: &str, values: Vec<DfExpr>, span: Span) -> Result<DfExpr> {
    let first =
        values.into_iter().next().ok_or_else(|| PlanError::invalid(format!("`{name}` needs an argument"), span))?;
    Ok(match name {
        "isnull" => first.is_null(),
        "isnotnull" => first.is_not_null(),
        _ => return Err(PlanError::unsupported(format!("the function `{name}`"), span)),
    })
}

/// Math functions whose DataFusion versions behave as Kusto's.
fn datafusion_math(name: &str, values: Vec<DfExpr>, span: Span) -> Result<DfExpr> {
    use datafusion::functions::math::expr_fn as m;
    let mut it = values.into_iter();
    let mut next = || it.next().ok_or_else(|| PlanError::invalid(format!("`{name}` needs more arguments"), span));
    Ok(match name {
        "abs" => m::abs(next()?),
        "sqrt" => m::sqrt(cast(next()?, DataType::Float64)),
        "exp" => m::exp(cast(next()?, DataType::Float64)),
        "log" => m::ln(cast(next()?, DataType::Float64)),
        "log10" => m::log10(cast(next()?, DataType::Float64)),
        "log2" => m::log2(cast(next()?, DataType::Float64)),
        "pow" => m::power(cast(next()?, DataType::Float64), cast(next()?, DataType::Float64)),
        "round" => {
            let value = next()?;
            let digits = next().unwrap_or(lit(0i64));
            m::round(vec![cast(value, DataType::Float64), digits])
        }
        "sign" => m::signum(cast(next()?, DataType::Float64)),
        _ => unreachable!("listed by the caller"),
    })
}

/// Aggregates DataFusion provides whose names KQL shares (planned only inside summarize).
fn is_builtin_aggregate(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "dcount"
            | "countif"
            | "make_set"
            | "make_list"
            | "arg_max"
            | "arg_min"
    )
}
