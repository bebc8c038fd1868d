//! `make-series Agg [default=D], ... on Axis from A to B step S [by Keys]`: one row per group,
//! each aggregate an array with one element per bin of `[A, B)`, bins without rows filled with
//! the default (0 when omitted), and the axis an array of the bins' starts
//! (<https://learn.microsoft.com/en-us/kusto/query/make-series-operator>).
//!
//! Planned as: rows in range, their bin index, summarize by keys and bin, then per group the
//! `{bin, value}` pairs gathered and spread into a dense array by `kql_series_fill`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlan, LogicalPlanBuilder, Operator, binary_expr, cast, lit};
use kql_semantics::naming::expr_name;
use kql_syntax::Span;
use kql_syntax::ast::{MakeSeries, NamedExpr};

use super::ops::extend;
use super::{PlanError, Planner, Result, column, column_names};

const BIN: &str = "__kql_series_bin";

impl<'a> Planner<'a> {
    pub(crate) fn make_series(
        &mut self,
        input: LogicalPlan,
        series: &'a MakeSeries,
        span: Span,
    ) -> Result<LogicalPlan> {
        let mut nonempty = false;
        for option in &series.options {
            match (&option.value.kind, option.name.is("kind")) {
                (kql_syntax::ast::ExprKind::Name(n), true) if n.is("nonempty") => nonempty = true,
                _ if option.name.name.starts_with("hint.") => {}
                _ => {
                    return Err(PlanError::unsupported(
                        format!("make-series option `{}`", option.name.name),
                        option.name.span,
                    ));
                }
            }
        }
        let (Some(from), Some(to), Some(step)) = (&series.from, &series.to, &series.step) else {
            return Err(PlanError::unsupported("make-series without from, to and step", span));
        };
        if !self.partition.is_empty() {
            return Err(PlanError::unsupported("make-series inside mv-apply", span));
        }
        let empty = super::empty_schema();
        let constant = |p: &mut Self, e| -> Result<ScalarValue> {
            match p.scalar(e, &empty)? {
                DfExpr::Literal(v, _) => Ok(v),
                other => match datafusion::optimizer::simplify_expressions::ExprSimplifier::new(
                    datafusion::logical_expr::simplify::SimplifyContext::default(),
                )
                .simplify(other)?
                {
                    DfExpr::Literal(v, _) => Ok(v),
                    _ => Err(PlanError::unsupported("make-series with a computed range", span)),
                },
            }
        };
        let (from_v, to_v, step_v) = (constant(self, from)?, constant(self, to)?, constant(self, step)?);
        let as_i64 = |v: &ScalarValue| -> Option<i64> {
            match v {
                ScalarValue::TimestampNanosecond(Some(n), _)
                | ScalarValue::DurationNanosecond(Some(n))
                | ScalarValue::Int64(Some(n)) => Some(*n),
                ScalarValue::Int32(Some(n)) => Some(i64::from(*n)),
                _ => None,
            }
        };
        let (Some(start), Some(end), Some(size)) = (as_i64(&from_v), as_i64(&to_v), as_i64(&step_v)) else {
            return Err(PlanError::unsupported(
                "make-series over this axis type (datetime, timespan or long only)",
                span,
            ));
        };
        if size <= 0 {
            return Err(PlanError::invalid("make-series needs a positive step", span));
        }
        let count = if end > start { (end - start + size - 1) / size } else { 0 };
        let axis_is_time = matches!(from_v, ScalarValue::TimestampNanosecond(..));

        // Rows inside [from, to) and their bin index.
        let schema = input.schema().as_ref().clone();
        let axis = self.scalar(&series.axis, &schema)?;
        let axis_name = expr_name(&series.axis).unwrap_or_else(|| "Column1".into());
        let axis_long = cast(axis.clone(), DataType::Int64);
        let in_range = axis.clone().gt_eq(lit(from_v.clone())).and(axis.lt(lit(to_v.clone())));
        let bin = binary_expr(binary_expr(axis_long, Operator::Minus, lit(start)), Operator::Divide, lit(size));
        let filtered = LogicalPlanBuilder::from(input).filter(in_range)?.build()?;
        let mut key_columns = Vec::new();
        let mut keyed = Vec::new();
        for (i, key) in series.by.iter().enumerate() {
            let value = self.scalar(&key.expr, &schema)?;
            let name = key
                .names
                .first()
                .map(|n| n.name.clone())
                .or_else(|| expr_name(&key.expr))
                .unwrap_or_else(|| format!("Column{}", i + 1));
            keyed.push((value, name.clone()));
            key_columns.push(name);
        }
        keyed.push((bin, BIN.to_string()));
        let binned = extend(filtered, keyed)?;

        // Aggregates per group and bin, named as summarize names them.
        let mut partition = key_columns.clone();
        partition.push(BIN.to_string());
        self.partition = partition;
        let aggregated = self.summarize(binned, &series.aggregates, &[]);
        self.partition = Vec::new();
        let aggregated = aggregated?;
        let value_names: Vec<String> =
            column_names(&aggregated).into_iter().filter(|n| !key_columns.contains(n) && n != BIN).collect();

        // Per group: the pairs, gathered, spread into dense arrays.
        let make_list =
            self.functions.aggregate("make_list").ok_or_else(|| PlanError::unsupported("make_list", span))?.clone();
        let mut gathers = Vec::new();
        for name in &value_names {
            let pair = self.udf("bag_pack", vec![lit("i"), column(BIN), lit("v"), column(name)], span)?;
            gathers.push(make_list.call(vec![pair]).alias(name.clone()));
        }
        // With no `by`, an empty input still makes one group: Kusto returns no row for it
        // unless kind=nonempty.
        gathers.push(datafusion::functions_aggregate::expr_fn::count(lit(1i64)).alias("__kql_series_rows"));
        let keys: Vec<DfExpr> = key_columns.iter().map(|k| column(k)).collect();
        let mut gathered = LogicalPlanBuilder::from(aggregated).aggregate(keys, gathers)?.build()?;
        if !nonempty {
            gathered = LogicalPlanBuilder::from(gathered).filter(column("__kql_series_rows").gt(lit(0i64)))?.build()?;
        }
        let mut out: Vec<DfExpr> = key_columns.iter().map(|k| column(k)).collect();
        for (name, aggregate) in value_names.iter().zip(&series.aggregates) {
            let default = self.series_default(series, aggregate, span)?;
            let filled = self.udf("series_fill", vec![column(name), lit(count), lit(default)], span)?;
            out.push(filled.alias(name.clone()));
        }
        let bins: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                let v = start + i * size;
                if axis_is_time {
                    // The axis of the reference's examples carries seven fractional digits.
                    let mut text = String::with_capacity(28);
                    quarry_data::values::write_datetime_nanos(&mut text, v, quarry_data::values::Fraction::Always);
                    serde_json::Value::String(text)
                } else if matches!(from_v, ScalarValue::DurationNanosecond(_)) {
                    serde_json::Value::String(crate::functions::scalar::conversion::text::fmt_timespan(v))
                } else {
                    serde_json::Value::from(v)
                }
            })
            .collect();
        let axis_json = serde_json::Value::Array(bins).to_string();
        out.push(lit(ScalarValue::LargeUtf8(Some(axis_json))).alias(axis_name));
        Ok(LogicalPlanBuilder::from(gathered).project(out)?.build()?)
    }

    /// The JSON text of an aggregate's `default=` value (0 when none is given).
    fn series_default(&mut self, series: &'a MakeSeries, aggregate: &'a NamedExpr, span: Span) -> Result<String> {
        let index = series.aggregates.iter().position(|a| std::ptr::eq(a, aggregate)).unwrap_or(0);
        let Some(Some(default)) = series.defaults.get(index) else { return Ok("0".into()) };
        Ok(match self.scalar(default, &super::empty_schema())? {
            DfExpr::Literal(ScalarValue::Int64(Some(n)), _) => n.to_string(),
            DfExpr::Literal(ScalarValue::Int32(Some(n)), _) => n.to_string(),
            DfExpr::Literal(ScalarValue::Float64(Some(f)), _) => {
                serde_json::Number::from_f64(f).map(|n| n.to_string()).unwrap_or_else(|| "null".into())
            }
            DfExpr::Literal(ScalarValue::Boolean(Some(b)), _) => b.to_string(),
            DfExpr::Literal(ScalarValue::Utf8(Some(s)), _) => serde_json::Value::String(s).to_string(),
            DfExpr::Literal(v, _) if v.is_null() => "null".into(),
            _ => return Err(PlanError::unsupported("a make-series default that is not a constant", span)),
        })
    }
}
