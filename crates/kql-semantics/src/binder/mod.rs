//! The binder: resolves names and types through a script, statement by statement and operator
//! by operator, and records diagnostics.
//!
//! `mod.rs` holds the state, `let` scoping and statements; `expr.rs` scalar expressions and
//! calls; `ops.rs` the column flow of each tabular operator.

mod expr;
mod ops;

use std::collections::BTreeSet;

use kql_syntax::ast::{Expr, ExprKind, FunctionDef, LetValue, Script, StatementKind};
use kql_syntax::{Diagnostic, Span};

use crate::catalog::Catalog;
use crate::codes;
use crate::schema::Schema;
use crate::types::Type;

/// What binding a script found.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Semantic errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Catalog tables the script reads (for rule metadata checks and data loading).
    pub tables_read: BTreeSet<String>,
    /// The result of the last query statement: a table's columns, or a scalar's type.
    pub result: Option<BoundValue>,
}

impl Analysis {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == kql_syntax::Severity::Error)
    }
}

/// What an expression denotes.
#[derive(Clone, Debug, PartialEq)]
pub enum BoundValue {
    /// A scalar of this type.
    Scalar(Type),
    /// A table with these columns.
    Table(Schema),
}

/// Binds `script` against `catalog`.
pub fn bind(script: &Script, catalog: &dyn Catalog) -> Analysis {
    let mut binder = Binder::new(catalog);
    let mut result = None;
    for statement in &script.statements {
        if let Some(value) = binder.statement(&statement.kind) {
            result = Some(value);
        }
    }
    let mut diagnostics = binder.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Analysis { diagnostics, tables_read: binder.tables_read, result }
}

/// A name bound by `let`, a function parameter, or `as`.
#[derive(Clone, Debug)]
enum Binding<'a> {
    Scalar(Type),
    Table(Schema),
    Function(&'a FunctionDef),
}

/// Limits how deeply user functions may call each other (recursion is not allowed in KQL).
const MAX_CALL_DEPTH: u32 = 32;

pub(crate) struct Binder<'a, 'c> {
    catalog: &'c dyn Catalog,
    diagnostics: Vec<Diagnostic>,
    /// `let` scopes, innermost last; each a list so later bindings shadow earlier ones.
    scopes: Vec<Vec<(String, Binding<'a>)>>,
    tables_read: BTreeSet<String>,
    call_depth: u32,
    /// Inside `union isfuzzy=true`: unknown tables are skipped, not errors.
    fuzzy: bool,
}

impl<'a, 'c> Binder<'a, 'c> {
    fn new(catalog: &'c dyn Catalog) -> Self {
        Binder {
            catalog,
            diagnostics: Vec::new(),
            scopes: vec![Vec::new()],
            tables_read: BTreeSet::new(),
            call_depth: 0,
            fuzzy: false,
        }
    }

    fn error(&mut self, code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::error(code, message, span)
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        // One diagnostic per code and place: a function bound at each call reports once.
        if self.diagnostics.iter().any(|d| d.span == diagnostic.span && d.code == diagnostic.code) {
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        self.scopes.iter().rev().flat_map(|scope| scope.iter().rev()).find(|(n, _)| n == name).map(|(_, b)| b)
    }

    fn define(&mut self, name: &str, binding: Binding<'a>) {
        self.scopes.last_mut().expect("a scope").push((name.to_string(), binding));
    }

    /// Binds one statement; returns the value of a query statement.
    fn statement(&mut self, kind: &'a StatementKind) -> Option<BoundValue> {
        match kind {
            StatementKind::Let { name, value } => {
                let binding = match value {
                    LetValue::Function(def) | LetValue::View(def) => Binding::Function(def),
                    LetValue::Expr(expr) => match self.value(expr, None) {
                        BoundValue::Scalar(ty) => Binding::Scalar(ty),
                        BoundValue::Table(schema) => Binding::Table(schema),
                    },
                };
                let redeclared = self.scopes.last().is_some_and(|scope| scope.iter().any(|(n, _)| *n == name.name));
                if redeclared {
                    let message = format!("`{}` is already declared in this scope", name.name);
                    let d = self.error(codes::DUPLICATE_LET, message, name.span).with_help("rename one of the two");
                    self.report(d);
                }
                self.define(&name.name, binding);
                None
            }
            StatementKind::Set { .. } | StatementKind::Declare { .. } | StatementKind::Alias { .. } => None,
            StatementKind::RestrictAccess { .. } | StatementKind::Error => None,
            StatementKind::DeclareQueryParameters { params } => {
                for param in params {
                    let binding = match &param.ty {
                        kql_syntax::ast::ParamType::Scalar(ty) => Binding::Scalar(self.type_name(ty)),
                        kql_syntax::ast::ParamType::Tabular { .. } => Binding::Table(Schema::unknown()),
                    };
                    self.define(&param.name.name, binding);
                }
                None
            }
            StatementKind::Query(expr) => Some(self.value(expr, None)),
        }
    }

    /// A KQL type from a type name, reporting unknown names.
    fn type_name(&mut self, ident: &kql_syntax::ast::Ident) -> Type {
        match Type::from_name(&ident.name) {
            Some(ty) => ty,
            None => {
                let message = format!("`{}` is not a KQL type", ident.name);
                let d = self.error(codes::UNKNOWN_TYPE, message, ident.span).with_help(
                    "KQL types are bool, int, long, real, decimal, string, datetime, timespan, guid and dynamic",
                );
                self.report(d);
                Type::Unknown
            }
        }
    }

    /// Binds an expression that must be tabular.
    fn table(&mut self, expr: &'a Expr, row: Option<&Schema>) -> Schema {
        match self.value(expr, row) {
            BoundValue::Table(schema) => schema,
            BoundValue::Scalar(ty) => {
                if !ty.is_unknown() && !matches!(expr.kind, ExprKind::Error) {
                    let d = self.error(
                        codes::EXPECTED_TABLE_OR_SCALAR,
                        format!("expected a table but this is a {ty} value"),
                        expr.span,
                    );
                    self.report(d);
                }
                Schema::unknown()
            }
        }
    }

    /// Binds a user function's body with its parameters bound to the arguments' values.
    fn call_user_function(&mut self, def: &'a FunctionDef, args: Vec<BoundValue>, span: Span) -> BoundValue {
        if self.call_depth >= MAX_CALL_DEPTH {
            let d = self.error(
                codes::UNKNOWN_FUNCTION,
                "functions call each other too deeply (recursion is not allowed in KQL)",
                span,
            );
            self.report(d);
            return BoundValue::Scalar(Type::Unknown);
        }
        let required = def.params.iter().filter(|p| p.default.is_none()).count();
        if args.len() < required || args.len() > def.params.len() {
            let expected = if required == def.params.len() {
                required.to_string()
            } else {
                format!("{required} to {}", def.params.len())
            };
            let d = self.error(
                codes::ARGUMENT_COUNT,
                format!("this function takes {expected} arguments but {} were given", args.len()),
                span,
            );
            self.report(d);
        }
        self.call_depth += 1;
        self.scopes.push(Vec::new());
        for (i, param) in def.params.iter().enumerate() {
            if let (Some(BoundValue::Table(schema)), kql_syntax::ast::ParamType::Tabular { columns, .. }) =
                (args.get(i), &param.ty)
                && !schema.open
            {
                let missing: Vec<&str> = columns
                    .iter()
                    .filter(|c| schema.get(&c.name.name).is_none())
                    .map(|c| c.name.name.as_str())
                    .collect();
                if !missing.is_empty() {
                    let message = format!(
                        "the table passed as `{}` lacks the required column{} {}",
                        param.name.name,
                        if missing.len() > 1 { "s" } else { "" },
                        missing.join(", ")
                    );
                    let d = self.error(codes::MISSING_REQUIRED_COLUMNS, message, span);
                    self.report(d);
                }
            }
            let binding = match (args.get(i), &param.ty) {
                (Some(BoundValue::Table(schema)), _) => Binding::Table(schema.clone()),
                (Some(BoundValue::Scalar(ty)), kql_syntax::ast::ParamType::Scalar(_)) => Binding::Scalar(*ty),
                (_, kql_syntax::ast::ParamType::Scalar(ty)) => {
                    Binding::Scalar(Type::from_name(&ty.name).unwrap_or(Type::Unknown))
                }
                (_, kql_syntax::ast::ParamType::Tabular { .. }) => Binding::Table(Schema::unknown()),
            };
            self.define(&param.name.name, binding);
        }
        let mut result = BoundValue::Scalar(Type::Unknown);
        for statement in &def.body {
            if let Some(value) = self.statement(&statement.kind) {
                result = value;
            }
        }
        self.scopes.pop();
        self.call_depth -= 1;
        result
    }
}
