//! The planner: KQL AST to DataFusion `LogicalPlan`, operator by operator.
//!
//! `mod.rs` holds the planner's state (`let` scopes, tables, the pinned `now`), statements and
//! tabular sources; `expr.rs` lowers scalar expressions; `ops.rs` the tabular operators;
//! `summarize.rs` aggregation; `join.rs` joins, lookups and unions; `literal.rs` datetime and
//! timespan literals.

mod apply;
mod evaluate;
mod expr;
mod join;
pub mod literal;
pub use evaluate::{BagSchema, BagSchemas, bag_schema};
mod ops;
mod search;
mod series;
mod summarize;
mod top_nested;
mod window;

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use datafusion::common::{Column, DFSchema};
use datafusion::datasource::{TableProvider, provider_as_source};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{AggregateUDF, Expr as DfExpr, LogicalPlan, LogicalPlanBuilder, ScalarUDF};
use kql_syntax::Span;
use kql_syntax::ast::{Expr, ExprKind, FunctionDef, LetValue, Script, StatementKind};

/// Why a query could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Valid KQL that Quarry's engine does not run yet, named.
    #[error("{what} is not supported by Quarry's engine yet")]
    Unsupported {
        /// The operator, function or form.
        what: String,
        /// Where it is in the query.
        span: Span,
    },
    /// A query mistake found while planning (unknown table or column, wrong arguments).
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// Where.
        span: Span,
    },
    /// `bag_unpack` needs the keys of the bags in its input: run `plan` (one column of bags),
    /// record their schema for the operator at byte `at`, and plan again.
    #[error("this plugin needs to read its input to know its columns")]
    NeedsBagKeys {
        /// The byte offset of the `evaluate` operator.
        at: usize,
        /// The bags (or, for `pivot`, the values) to read: one column.
        plan: Box<LogicalPlan>,
        /// Whether the column holds values whose distinct texts name the columns (`pivot`)
        /// rather than bags whose keys do (`bag_unpack`).
        values: bool,
    },
    /// An error from DataFusion while building the plan.
    #[error("{0}")]
    DataFusion(#[from] DataFusionError),
}

impl PlanError {
    pub(crate) fn unsupported(what: impl Into<String>, span: Span) -> Self {
        PlanError::Unsupported { what: what.into(), span }
    }

    pub(crate) fn invalid(message: impl Into<String>, span: Span) -> Self {
        PlanError::Invalid { message: message.into(), span }
    }

    /// Where in the query the error is, when known.
    pub fn span(&self) -> Option<Span> {
        match self {
            PlanError::Unsupported { span, .. } | PlanError::Invalid { span, .. } => Some(*span),
            PlanError::DataFusion(_) | PlanError::NeedsBagKeys { .. } => None,
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, PlanError>;

/// Tables the planner can read, by name.
pub trait TableLookup {
    /// The table called `name`, if registered.
    fn table(&self, name: &str) -> Option<Arc<dyn TableProvider>>;
    /// Every registered table name (for `union *` and wildcards).
    fn table_names(&self) -> Vec<String>;
}

/// A name bound by `let`, a parameter or `as`.
#[derive(Clone)]
enum Binding<'a> {
    Table(LogicalPlan),
    Scalar(DfExpr),
    Function(&'a FunctionDef),
}

/// The KQL functions, by KQL name (without the `kql_` prefix).
pub struct FunctionSet {
    scalars: HashMap<String, Arc<ScalarUDF>>,
    aggregates: HashMap<String, Arc<AggregateUDF>>,
}

impl FunctionSet {
    /// Every function of [`crate::functions`].
    pub fn kql() -> Self {
        let scalars = crate::functions::scalar::all()
            .into_iter()
            .map(|f| (f.name().trim_start_matches("kql_").to_string(), Arc::new(f)))
            .collect();
        let aggregates = crate::functions::aggregate::all()
            .into_iter()
            .map(|f| (f.name().trim_start_matches("kql_").to_string(), Arc::new(f)))
            .collect();
        FunctionSet { scalars, aggregates }
    }

    fn scalar(&self, name: &str) -> Option<&Arc<ScalarUDF>> {
        self.scalars.get(name)
    }

    fn aggregate(&self, name: &str) -> Option<&Arc<AggregateUDF>> {
        self.aggregates.get(name)
    }
}

/// Plans one script.
pub struct Planner<'a> {
    tables: &'a dyn TableLookup,
    functions: &'a FunctionSet,
    scopes: Vec<Vec<(String, Binding<'a>)>>,
    /// `now()` for the whole query, nanoseconds since the epoch.
    now: i64,
    call_depth: u32,
    /// While planning summarize's output: aggregate calls (by span) already computed into
    /// these columns.
    agg_substitutions: Vec<(Span, String)>,
    /// The table an implied source stands for (the input of an `mv-apply` subquery).
    implicit: Option<LogicalPlan>,
    /// While planning `argmax`/`argmin` (the old forms): the prefix of their column names.
    old_arg_prefix: Option<&'static str>,
    /// What `bag_unpack` operators unpack, found by running their input.
    bag_schemas: evaluate::BagSchemas,
    /// Inside `mv-apply`: the columns carried with each row's elements, the row number first
    /// (summarize groups by them; top and take keep their rows per row number).
    partition: Vec<String>,
}

impl<'a> Planner<'a> {
    /// A planner over `tables` with `now()` pinned to `now` (nanoseconds since the epoch, UTC).
    pub fn new(tables: &'a dyn TableLookup, functions: &'a FunctionSet, now: i64) -> Self {
        Planner {
            tables,
            functions,
            scopes: vec![Vec::new()],
            now,
            call_depth: 0,
            agg_substitutions: Vec::new(),
            implicit: None,
            partition: Vec::new(),
            bag_schemas: evaluate::BagSchemas::new(),
            old_arg_prefix: None,
        }
    }

    /// Bag schemas found by running `bag_unpack` inputs (see [`PlanError::NeedsBagKeys`]).
    pub fn with_bag_schemas(mut self, schemas: evaluate::BagSchemas) -> Self {
        self.bag_schemas = schemas;
        self
    }

    /// Plans the script's last query statement (earlier `let`s bind names for it).
    pub fn plan_script(&mut self, script: &'a Script) -> Result<LogicalPlan> {
        let mut result = None;
        for statement in &script.statements {
            match &statement.kind {
                StatementKind::Query(expr) => result = Some(self.tabular_or_print(expr)?),
                kind => self.statement(kind)?,
            }
        }
        // A script of only `let` statements is valid and returns no rows.
        Ok(match result {
            Some(plan) => plan,
            None => LogicalPlanBuilder::empty(false).build()?,
        })
    }

    fn statement(&mut self, kind: &'a StatementKind) -> Result<()> {
        match kind {
            StatementKind::Let { name, value } => {
                let binding = match value {
                    LetValue::Function(def) | LetValue::View(def) => Binding::Function(def),
                    LetValue::Expr(expr) => {
                        if self.is_tabular(expr) {
                            Binding::Table(self.tabular(expr)?)
                        } else {
                            Binding::Scalar(self.scalar(expr, &empty_schema())?)
                        }
                    }
                };
                self.define(&name.name, binding);
                Ok(())
            }
            // Request properties and declarations change nothing Quarry plans.
            StatementKind::Set { .. }
            | StatementKind::Declare { .. }
            | StatementKind::DeclareQueryParameters { .. } => Ok(()),
            StatementKind::Alias { name, .. } => Err(PlanError::unsupported("`alias database`", name.span)),
            StatementKind::RestrictAccess { .. } => Ok(()),
            StatementKind::Query(_) | StatementKind::Error => Ok(()),
        }
    }

    fn define(&mut self, name: &str, binding: Binding<'a>) {
        self.scopes.last_mut().expect("a scope").push((name.to_string(), binding));
    }

    fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, _)| n == name).map(|(_, b)| b)
    }

    /// A query statement: a table, or a scalar expression shown as a one-row table.
    fn tabular_or_print(&mut self, expr: &'a Expr) -> Result<LogicalPlan> {
        if self.is_tabular(expr) {
            return self.tabular(expr);
        }
        let value = self.scalar(expr, &empty_schema())?;
        Ok(LogicalPlanBuilder::empty(true).project(vec![value.alias("print_0")])?.build()?)
    }

    /// Whether `expr` denotes a table (as opposed to a scalar), by its shape and the names it uses.
    fn is_tabular(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Pipe { .. } | ExprKind::Source(_) => true,
            ExprKind::Paren(inner) => self.is_tabular(inner),
            ExprKind::Name(ident) => match self.lookup(&ident.name) {
                Some(Binding::Table(_)) => true,
                Some(Binding::Function(def)) => def.params.is_empty() && self.body_is_tabular(def),
                Some(Binding::Scalar(_)) => false,
                None => self.tables.table(&ident.name).is_some(),
            },
            ExprKind::Call { name, .. } => match self.lookup(&name.name) {
                Some(Binding::Function(def)) => self.body_is_tabular(def),
                _ => matches!(name.name.as_str(), "materialize" | "table" | "view"),
            },
            _ => false,
        }
    }

    fn body_is_tabular(&self, def: &FunctionDef) -> bool {
        match def.body.last().map(|s| &s.kind) {
            Some(StatementKind::Query(expr)) => {
                matches!(expr.kind, ExprKind::Pipe { .. } | ExprKind::Source(_))
                    || matches!(&expr.kind, ExprKind::Name(n) if self.tables.table(&n.name).is_some() || matches!(self.lookup(&n.name), Some(Binding::Table(_))))
            }
            _ => false,
        }
    }

    /// Plans a tabular expression.
    fn tabular(&mut self, expr: &'a Expr) -> Result<LogicalPlan> {
        match &expr.kind {
            ExprKind::Pipe { source, operators } => {
                let mut plan = self.tabular(source)?;
                for operator in operators {
                    plan = self.operator(plan, operator)?;
                }
                Ok(plan)
            }
            ExprKind::Source(operator) => self.source_operator(operator),
            ExprKind::Paren(inner) => self.tabular(inner),
            ExprKind::Implicit => match &self.implicit {
                Some(plan) => Ok(plan.clone()),
                None => Err(PlanError::invalid("expected a table here", expr.span)),
            },
            ExprKind::Name(ident) => match self.lookup(&ident.name).cloned() {
                Some(Binding::Table(plan)) => Ok(plan),
                Some(Binding::Function(def)) if def.params.is_empty() => {
                    self.call_function_tabular(def, Vec::new(), expr.span)
                }
                Some(_) => Err(PlanError::invalid(format!("`{}` is not a table", ident.name), ident.span)),
                None => self.scan(&ident.name, ident.span),
            },
            ExprKind::Call { name, args } => match (self.lookup(&name.name).cloned(), name.name.as_str()) {
                (Some(Binding::Function(def)), _) => {
                    let values = args.iter().map(|a| &a.value).collect();
                    self.call_function_tabular(def, values, expr.span)
                }
                (_, "materialize") if args.len() == 1 => self.tabular(&args[0].value),
                (_, "table") => match args.first().map(|a| &a.value.kind) {
                    Some(ExprKind::Literal(lit)) => match &lit.kind {
                        kql_syntax::ast::LiteralKind::String(table) => self.scan(table, expr.span),
                        _ => Err(PlanError::invalid("table() takes a table name as a string", expr.span)),
                    },
                    _ => Err(PlanError::invalid("table() takes a table name as a string", expr.span)),
                },
                _ => Err(PlanError::unsupported(format!("the tabular function `{}`", name.name), name.span)),
            },
            _ => Err(PlanError::invalid("expected a table here", expr.span)),
        }
    }

    /// Reads a registered table.
    fn scan(&self, name: &str, span: Span) -> Result<LogicalPlan> {
        let Some(provider) = self.tables.table(name) else {
            let mut message = format!("no data for table `{name}`");
            if self.tables.table_names().is_empty() {
                message.push_str(" (no data was given: pass files or folders with -d)");
            } else {
                message.push_str(&format!("; the data has {}", self.tables.table_names().join(", ")));
            }
            return Err(PlanError::invalid(message, span));
        };
        Ok(LogicalPlanBuilder::scan(name, provider_as_source(provider), None)?.build()?)
    }

    /// Plans a call of a user function whose body is tabular, binding its parameters.
    fn call_function_tabular(&mut self, def: &'a FunctionDef, args: Vec<&'a Expr>, span: Span) -> Result<LogicalPlan> {
        self.with_function_scope(def, args, None, span, |p, body| p.tabular(body))
    }

    /// Binds `def`'s parameters to `args` (and `input` as the first tabular parameter for
    /// `invoke`), then runs `f` on the body's result expression.
    fn with_function_scope<T>(
        &mut self,
        def: &'a FunctionDef,
        args: Vec<&'a Expr>,
        input: Option<LogicalPlan>,
        span: Span,
        f: impl FnOnce(&mut Self, &'a Expr) -> Result<T>,
    ) -> Result<T> {
        if self.call_depth > 32 {
            return Err(PlanError::invalid("functions call each other too deeply", span));
        }
        let mut bindings = Vec::new();
        let mut args = args.into_iter();
        let mut input = input;
        for param in &def.params {
            let binding = match &param.ty {
                kql_syntax::ast::ParamType::Tabular { .. } => match input.take() {
                    Some(plan) => Binding::Table(plan),
                    None => match args.next() {
                        Some(arg) => Binding::Table(self.tabular(arg)?),
                        None => {
                            return Err(PlanError::invalid(
                                format!("missing table argument `{}`", param.name.name),
                                span,
                            ));
                        }
                    },
                },
                kql_syntax::ast::ParamType::Scalar(_) => match args.next() {
                    Some(arg) => Binding::Scalar(self.scalar(arg, &empty_schema())?),
                    None => match &param.default {
                        Some(default) => Binding::Scalar(self.scalar(default, &empty_schema())?),
                        None => {
                            return Err(PlanError::invalid(format!("missing argument `{}`", param.name.name), span));
                        }
                    },
                },
            };
            bindings.push((param.name.name.clone(), binding));
        }
        self.call_depth += 1;
        self.scopes.push(bindings);
        let mut result = Err(PlanError::invalid("the function body has no result", def.span));
        let mut body_result = None;
        for statement in &def.body {
            match &statement.kind {
                StatementKind::Query(expr) => body_result = Some(expr),
                kind => {
                    if let Err(e) = self.statement(kind) {
                        body_result = None;
                        result = Err(e);
                        break;
                    }
                }
            }
        }
        if let Some(expr) = body_result {
            result = f(self, expr);
        }
        self.scopes.pop();
        self.call_depth -= 1;
        result
    }
}

/// A schema with no columns, for expressions outside any table.
pub(crate) fn empty_schema() -> DFSchema {
    DFSchema::empty()
}

/// A reference to column `name`, never parsed (so `a.b` is a name, not a qualifier).
pub(crate) fn column(name: &str) -> DfExpr {
    DfExpr::Column(Column::from_name(name))
}

/// The unqualified column names of a plan, in order.
pub(crate) fn column_names(plan: &LogicalPlan) -> Vec<String> {
    plan.schema().fields().iter().map(|f| f.name().clone()).collect()
}

/// An Arrow schema for a `datatable`/`print` with these names and types.
pub(crate) fn arrow_schema(fields: Vec<(String, DataType)>) -> ArrowSchema {
    ArrowSchema::new(fields.into_iter().map(|(n, t)| Field::new(n, t, true)).collect::<Vec<_>>())
}
