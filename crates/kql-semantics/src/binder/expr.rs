//! Scalar expressions: names, literals, operators and calls, with KQL's type rules.

use kql_syntax::Span;
use kql_syntax::ast::{Arg, BinaryOp, Expr, ExprKind, Ident, ListOp, LiteralKind, StringOp, StringOpKind, UnaryOp};

use super::{Binder, Binding, BoundValue};
use crate::catalog::suggest;
use crate::codes;
use crate::functions::{self, CallError, FunctionKind};
use crate::schema::Schema;
use crate::types::Type;

/// Where an expression is bound: whether aggregate functions may appear.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ctx {
    /// Inside `summarize` aggregates (or `make-series`, `top-nested ... by`).
    pub aggregates: bool,
}

/// Columns whose values are Windows names or free text where case varies between sources.
const CASE_VARYING_COLUMN_SUFFIXES: &[&str] = &["FileName", "FolderPath", "CommandLine", "Url", "Path"];

impl<'a> Binder<'a, '_> {
    /// Binds an expression that may be a table or a scalar.
    pub(super) fn value(&mut self, expr: &'a Expr, row: Option<&Schema>) -> BoundValue {
        match &expr.kind {
            ExprKind::Pipe { source, operators } => {
                let mut schema = self.table(source, row);
                for operator in operators {
                    schema = self.operator(operator, schema);
                }
                BoundValue::Table(schema)
            }
            ExprKind::Source(operator) => BoundValue::Table(self.operator(operator, Schema::unknown())),
            ExprKind::Paren(inner) => self.value(inner, row),
            ExprKind::Name(ident) => self.name(ident, row),
            ExprKind::Call { name, args } => self.call(name, args, row, Ctx::default(), expr.span),
            ExprKind::MethodCall { receiver, name, args } => {
                // `cluster('c').database('d')`: a namespace; its tables are not in the catalog.
                let _ = (receiver, args);
                if name.is("database") || name.is("table") {
                    return BoundValue::Table(Schema::unknown());
                }
                BoundValue::Scalar(self.scalar(expr, row, Ctx::default()))
            }
            ExprKind::Member { base, .. } if is_namespace(base) => BoundValue::Table(Schema::unknown()),
            ExprKind::Implicit => BoundValue::Table(row.cloned().unwrap_or_else(Schema::unknown)),
            _ => BoundValue::Scalar(self.scalar(expr, row, Ctx::default())),
        }
    }

    /// Resolves a name: a column of the row, a `let` binding, or a catalog table.
    fn name(&mut self, ident: &Ident, row: Option<&Schema>) -> BoundValue {
        if let Some(column) = row.and_then(|r| r.get(&ident.name)) {
            return BoundValue::Scalar(column.ty);
        }
        if let Some(binding) = self.lookup(&ident.name).cloned() {
            return match binding {
                Binding::Scalar(ty) => BoundValue::Scalar(ty),
                Binding::Table(schema) => BoundValue::Table(schema),
                Binding::Function(def) if def.params.is_empty() => self.call_user_function(def, Vec::new(), ident.span),
                Binding::Function(_) => {
                    let message = format!("`{}` is a function: call it with `{}(...)`", ident.name, ident.name);
                    let d = self.error(codes::EXPECTED_TABLE_OR_SCALAR, message, ident.span);
                    self.report(d);
                    BoundValue::Scalar(Type::Unknown)
                }
            };
        }
        if let Some(table) = self.catalog.table(&ident.name) {
            self.tables_read.insert(table.name.clone());
            let schema = Schema { columns: table.columns.clone(), open: false, table: Some(table.name.clone()) };
            return BoundValue::Table(schema);
        }
        match row {
            Some(row) if row.open => BoundValue::Scalar(Type::Unknown),
            Some(row) => {
                self.unknown_column(ident, row);
                BoundValue::Scalar(Type::Unknown)
            }
            None if self.fuzzy => BoundValue::Table(Schema::unknown()),
            None => {
                let names = self.catalog.table_names();
                let mut d =
                    self.error(codes::UNKNOWN_TABLE, format!("unknown table or name `{}`", ident.name), ident.span);
                if let Some(near) = suggest(&ident.name, names.iter().copied()) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                self.report(d);
                BoundValue::Table(Schema::unknown())
            }
        }
    }

    pub(super) fn unknown_column(&mut self, ident: &Ident, row: &Schema) {
        let message = match &row.table {
            Some(table) => format!("{table} has no column {}", ident.name),
            None => format!("the input has no column {}", ident.name),
        };
        let mut d = self.error(codes::UNKNOWN_COLUMN, message, ident.span);
        if let Some(near) = suggest(&ident.name, row.names()) {
            d.message.push_str(&format!("; did you mean {near}?"));
        }
        self.report(d);
    }

    /// Binds a scalar expression and returns its type.
    pub(super) fn scalar(&mut self, expr: &'a Expr, row: Option<&Schema>, ctx: Ctx) -> Type {
        match &expr.kind {
            ExprKind::Literal(literal) => self.literal_type(&literal.kind, expr.span),
            ExprKind::Name(ident) => match self.name(ident, row) {
                BoundValue::Scalar(ty) => ty,
                BoundValue::Table(_) => {
                    let message = format!("`{}` is a table; a scalar value is needed here", ident.name);
                    let d = self
                        .error(codes::EXPECTED_TABLE_OR_SCALAR, message, ident.span)
                        .with_help("use toscalar(...) to take a single value from a table");
                    self.report(d);
                    Type::Unknown
                }
            },
            ExprKind::Star | ExprKind::Wildcard(_) | ExprKind::Error | ExprKind::Implicit => Type::Unknown,
            ExprKind::Paren(inner) => self.scalar(inner, row, ctx),
            ExprKind::Unary { op, operand } => {
                let ty = self.scalar(operand, row, ctx);
                if matches!(op, UnaryOp::Neg | UnaryOp::Plus)
                    && !(ty.is_numeric() || matches!(ty, Type::TimeSpan | Type::Dynamic | Type::Unknown))
                {
                    let d = self.error(codes::OPERAND_TYPE, format!("unary minus is not defined for {ty}"), expr.span);
                    self.report(d);
                    return Type::Unknown;
                }
                ty
            }
            ExprKind::Logical { operands, .. } => {
                for operand in operands {
                    let ty = self.scalar(operand, row, ctx);
                    self.expect_bool(ty, operand.span, "`and`/`or` operand");
                }
                Type::Bool
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.scalar(left, row, ctx);
                let r = self.scalar(right, row, ctx);
                self.check_case_sensitive_compare(*op, left, right);
                if let BinaryOp::Str(string_op) = op {
                    self.check_has_needle(*string_op, right);
                }
                self.binary_type(*op, l, r, expr.span)
            }
            ExprKind::In { op, expr: tested, list } => {
                let ty = self.scalar(tested, row, ctx);
                for item in list {
                    match self.value(item, row) {
                        BoundValue::Table(_) => {}
                        BoundValue::Scalar(_) => {}
                    }
                }
                if matches!(op, ListOp::HasAny | ListOp::HasAll) && !is_text(ty) {
                    let message = format!("`{}` is not defined for {ty}", op.as_str());
                    let d = self.error(codes::OPERAND_TYPE, message, tested.span);
                    self.report(d);
                }
                if matches!(op, ListOp::In | ListOp::NotIn)
                    && let ExprKind::Name(column) = &tested.kind
                {
                    self.case_hint_for_list(column, list, op.as_str());
                }
                Type::Bool
            }
            ExprKind::Between { expr: tested, low, high, .. } => {
                let t = self.scalar(tested, row, ctx);
                let lo = self.scalar(low, row, ctx);
                let hi = self.scalar(high, row, ctx);
                // `between (start .. 1d)` means start to start + 1d.
                let hi_ok = comparable(t, hi) || (matches!(t, Type::DateTime) && hi == Type::TimeSpan);
                if !comparable(t, lo) || !hi_ok {
                    let message = format!("`between` is not defined for {t}, {lo} and {hi}");
                    let d = self.error(codes::OPERAND_TYPE, message, expr.span);
                    self.report(d);
                }
                Type::Bool
            }
            ExprKind::Call { name, args } => match self.call(name, args, row, ctx, expr.span) {
                BoundValue::Scalar(ty) => ty,
                BoundValue::Table(schema) => {
                    // A tabular function used as a scalar: Kusto takes the single value only
                    // through toscalar().
                    let _ = schema;
                    Type::Unknown
                }
            },
            ExprKind::MethodCall { receiver, args, .. } => {
                self.scalar(receiver, row, ctx);
                for arg in args {
                    self.scalar(&arg.value, row, ctx);
                }
                Type::Unknown
            }
            ExprKind::Member { base, name } => {
                if name.name.starts_with('$') {
                    return Type::Unknown;
                }
                if let ExprKind::Name(side) = &base.kind
                    && (side.is("$left") || side.is("$right"))
                {
                    return Type::Unknown;
                }
                let ty = self.scalar(base, row, ctx);
                if !matches!(ty, Type::Dynamic | Type::Unknown) {
                    let message = format!("`.{}` needs a dynamic value, but this is {ty}", name.name);
                    let d = self
                        .error(codes::OPERAND_TYPE, message, name.span)
                        .with_help("parse JSON text first with parse_json(...)");
                    self.report(d);
                    return Type::Unknown;
                }
                Type::Dynamic
            }
            ExprKind::Index { base, index } => {
                let ty = self.scalar(base, row, ctx);
                self.scalar(index, row, ctx);
                if !matches!(ty, Type::Dynamic | Type::Unknown) {
                    let message = format!("indexing needs a dynamic value, but this is {ty}");
                    let d = self.error(codes::OPERAND_TYPE, message, expr.span);
                    self.report(d);
                    return Type::Unknown;
                }
                Type::Dynamic
            }
            ExprKind::Tuple(items) => {
                for item in items {
                    self.scalar(item, row, ctx);
                }
                Type::Unknown
            }
            ExprKind::Pipe { .. } | ExprKind::Source(_) | ExprKind::Lambda(_) => {
                let d = self
                    .error(codes::EXPECTED_TABLE_OR_SCALAR, "a table is used where a scalar value is needed", expr.span)
                    .with_help("use toscalar(...) to take a single value from a table");
                self.report(d);
                Type::Unknown
            }
        }
    }

    fn expect_bool(&mut self, ty: Type, span: Span, what: &str) {
        if !matches!(ty, Type::Bool | Type::Unknown) {
            let d = self.error(codes::NOT_A_BOOL, format!("the {what} must be a bool, but this is {ty}"), span);
            self.report(d);
        }
    }

    /// Binds a predicate (`where`, `and`...) and requires a bool.
    pub(super) fn predicate(&mut self, expr: &'a Expr, row: &Schema) {
        let ty = self.scalar(expr, Some(row), Ctx::default());
        self.expect_bool(ty, expr.span, "condition");
    }

    fn literal_type(&mut self, kind: &LiteralKind, span: Span) -> Type {
        match kind {
            LiteralKind::Bool(_) => Type::Bool,
            LiteralKind::Long(_) => Type::Long,
            LiteralKind::Real(_) => Type::Real,
            LiteralKind::String(_) => Type::String,
            LiteralKind::Timespan(_) => Type::TimeSpan,
            LiteralKind::DateTime(_) => Type::DateTime,
            LiteralKind::Guid(_) => Type::Guid,
            LiteralKind::Dynamic(_) => Type::Dynamic,
            LiteralKind::Typed { ty, .. } => match Type::from_name(ty) {
                Some(t) => t,
                None => {
                    let d = self.error(codes::UNKNOWN_TYPE, format!("`{ty}` is not a KQL type"), span);
                    self.report(d);
                    Type::Unknown
                }
            },
        }
    }

    /// The result type of `l op r`, reporting operand types the operator is not defined for.
    fn binary_type(&mut self, op: BinaryOp, l: Type, r: Type, span: Span) -> Type {
        use Type::*;
        if l.is_unknown() || r.is_unknown() {
            return match op {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                    if l == Dynamic || r == Dynamic { Dynamic } else { Unknown }
                }
                _ => Bool,
            };
        }
        let result = match op {
            BinaryOp::Eq | BinaryOp::NotEq => Some(Bool),
            BinaryOp::EqCi | BinaryOp::NotEqCi => (is_text(l) && is_text(r)).then_some(Bool),
            BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => comparable(l, r).then_some(Bool),
            BinaryOp::Str(_) | BinaryOp::MatchesRegex => (is_text(l) && is_text(r)).then_some(Bool),
            BinaryOp::Add => match (l, r) {
                (DateTime, TimeSpan) | (TimeSpan, DateTime) => Some(DateTime),
                (DateTime, DateTime) => Some(DateTime),
                (TimeSpan, TimeSpan) => Some(TimeSpan),
                _ => numeric_result(l, r),
            },
            BinaryOp::Sub => match (l, r) {
                (DateTime, DateTime) => Some(TimeSpan),
                (DateTime, TimeSpan) => Some(DateTime),
                (TimeSpan, TimeSpan) => Some(TimeSpan),
                _ => numeric_result(l, r),
            },
            BinaryOp::Mul => match (l, r) {
                (TimeSpan, n) | (n, TimeSpan) if n.is_numeric() => Some(TimeSpan),
                _ => numeric_result(l, r),
            },
            BinaryOp::Div => match (l, r) {
                (TimeSpan, TimeSpan) => Some(Real),
                (TimeSpan, n) if n.is_numeric() => Some(TimeSpan),
                _ => numeric_result(l, r),
            },
            BinaryOp::Mod => match (l, r) {
                (TimeSpan, TimeSpan) => Some(TimeSpan),
                _ => numeric_result(l, r),
            },
        };
        match result {
            Some(ty) => ty,
            None => {
                let message = format!("the operator `{}` is not defined for {l} and {r}", op.as_str());
                let d = self.error(codes::OPERAND_TYPE, message, span);
                self.report(d);
                match op {
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => Unknown,
                    _ => Bool,
                }
            }
        }
    }

    /// Warns about `Col == "MixedCase"` on columns whose values vary in case.
    fn check_case_sensitive_compare(&mut self, op: BinaryOp, left: &Expr, right: &Expr) {
        if !matches!(op, BinaryOp::Eq | BinaryOp::NotEq) {
            return;
        }
        let (ExprKind::Name(column), ExprKind::Literal(lit)) = (&left.kind, &right.kind) else { return };
        let LiteralKind::String(value) = &lit.kind else { return };
        if case_varies(&column.name) && value.chars().any(|c| c.is_uppercase()) {
            let better = if op == BinaryOp::Eq { "=~" } else { "!~" };
            let message = format!(
                "`{}` is case-sensitive, but {} values vary in case (\"{}\" will not match \"{}\")",
                op.as_str(),
                column.name,
                value,
                value.to_lowercase()
            );
            let d = kql_syntax::Diagnostic::warning(codes::CASE_SENSITIVE_COMPARE, message, right.span)
                .with_help(format!("use `{better}` to compare without case"));
            self.report(d);
        }
    }

    fn case_hint_for_list(&mut self, column: &Ident, list: &[Expr], op: &str) {
        if !case_varies(&column.name) {
            return;
        }
        let mixed = list.iter().find(|item| {
            matches!(&item.kind, ExprKind::Literal(l) if matches!(&l.kind, LiteralKind::String(s) if s.chars().any(|c| c.is_uppercase())))
        });
        if let Some(item) = mixed {
            let message = format!(
                "`{op}` is case-sensitive, but {} values vary in case; a mixed-case item will miss other spellings",
                column.name
            );
            let d = kql_syntax::Diagnostic::warning(codes::CASE_SENSITIVE_COMPARE, message, item.span)
                .with_help(format!("use `{op}~` to compare without case"));
            self.report(d);
        }
    }

    /// Warns when a `has` needle can never match a term: empty, or only spaces and punctuation.
    fn check_has_needle(&mut self, op: StringOp, needle: &Expr) {
        if !matches!(op.kind, StringOpKind::Has | StringOpKind::HasPrefix | StringOpKind::HasSuffix) {
            return;
        }
        let ExprKind::Literal(lit) = &needle.kind else { return };
        let LiteralKind::String(value) = &lit.kind else { return };
        if !value.chars().any(char::is_alphanumeric) {
            let message = if value.is_empty() {
                format!("`{}` with an empty string matches no term", op.as_str())
            } else {
                format!("`{}` needle \"{value}\" has no letters or digits, so it can never match a term", op.as_str())
            };
            let d = kql_syntax::Diagnostic::warning(codes::HAS_NEVER_MATCHES, message, needle.span)
                .with_help("use `contains` to look for punctuation");
            self.report(d);
        }
    }

    /// Binds a call: a user function, a special form, a built-in, or an unknown name.
    pub(super) fn call(
        &mut self,
        name: &Ident,
        args: &'a [Arg],
        row: Option<&Schema>,
        ctx: Ctx,
        span: Span,
    ) -> BoundValue {
        if let Some(Binding::Function(def)) = self.lookup(&name.name).cloned() {
            let values = args.iter().map(|a| self.value(&a.value, row)).collect();
            return self.call_user_function(def, values, span);
        }
        match name.name.as_str() {
            "toscalar" => {
                let value = args.first().map(|a| self.value(&a.value, row));
                return BoundValue::Scalar(match value {
                    Some(BoundValue::Table(schema)) => schema.columns.first().map_or(Type::Unknown, |c| c.ty),
                    Some(BoundValue::Scalar(ty)) => ty,
                    None => Type::Unknown,
                });
            }
            "materialize" => {
                return match args.first().map(|a| self.value(&a.value, row)) {
                    Some(BoundValue::Table(schema)) => BoundValue::Table(schema),
                    _ => BoundValue::Table(Schema::unknown()),
                };
            }
            "table" => {
                if let Some(Arg { value: Expr { kind: ExprKind::Literal(lit), .. }, .. }) = args.first()
                    && let LiteralKind::String(table) = &lit.kind
                    && let Some(schema) = self.catalog.table(table)
                {
                    self.tables_read.insert(schema.name.clone());
                    let columns = schema.columns.clone();
                    return BoundValue::Table(Schema { columns, open: false, table: Some(table.clone()) });
                }
                return BoundValue::Table(Schema::unknown());
            }
            "cluster" | "database" | "view" => return BoundValue::Table(Schema::unknown()),
            // `typeof(string)` names a type, as in `extractjson(path, text, typeof(long))`.
            "typeof" => return BoundValue::Scalar(Type::Unknown),
            _ => {}
        }
        let arg_types: Vec<Type> = {
            let inner = Ctx { aggregates: false };
            let info = functions::lookup(&name.name);
            let is_aggregate = info.is_some_and(|f| f.kind == FunctionKind::Aggregate);
            args.iter()
                .map(|a| match &a.value.kind {
                    ExprKind::Star => Type::Unknown,
                    // `typeof(long)` passes the type itself (extract, extractjson).
                    ExprKind::Call { name, args } if name.is("typeof") => args
                        .first()
                        .and_then(|t| match &t.value.kind {
                            ExprKind::Name(ty) => Type::from_name(&ty.name),
                            _ => None,
                        })
                        .unwrap_or(Type::Unknown),
                    _ if is_aggregate => self.scalar(&a.value, row, inner),
                    // In `summarize`, aggregates may sit inside scalar calls: tostring(make_set(x)).
                    _ => self.scalar(&a.value, row, ctx),
                })
                .collect()
        };
        let Some(info) = functions::lookup(&name.name) else {
            return BoundValue::Scalar(self.unknown_function(name));
        };
        match info.kind {
            FunctionKind::CloudOnly => {
                let message = format!(
                    "`{}` needs Defender's cloud: it is a function of the hosted service, not of KQL",
                    name.name
                );
                let d = self.error(codes::CLOUD_ONLY, message, name.span).with_help(
                    "Quarry cannot check or run this rule offline; it runs only in Defender XDR or Sentinel",
                );
                self.report(d);
                return BoundValue::Table(Schema::unknown());
            }
            FunctionKind::Aggregate if !ctx.aggregates => {
                let message = format!("the aggregate function `{}` is only allowed in `summarize`", name.name);
                let d = self.error(codes::AGGREGATE_OUTSIDE_SUMMARIZE, message, name.span);
                self.report(d);
                return BoundValue::Scalar(Type::Unknown);
            }
            FunctionKind::Plugin => {
                return BoundValue::Table(Schema::unknown());
            }
            _ => {}
        }
        match info.check(&arg_types) {
            Ok(ty) => BoundValue::Scalar(ty),
            Err(CallError::Arity { expected, found }) => {
                let message = format!("`{}` takes {expected} arguments but {found} were given", name.name);
                let d = self.error(codes::ARGUMENT_COUNT, message, span).with_help(format!("see {}", info.doc));
                self.report(d);
                BoundValue::Scalar(Type::Unknown)
            }
            Err(CallError::ArgType { index, expected, found }) => {
                let at = args.get(index).map_or(span, |a| a.value.span);
                let message =
                    format!("argument {} of `{}` must be {expected}, but this is {found}", index + 1, name.name);
                let d = self.error(codes::ARGUMENT_TYPE, message, at);
                self.report(d);
                BoundValue::Scalar(Type::Unknown)
            }
        }
    }

    fn unknown_function(&mut self, name: &Ident) -> Type {
        if functions::is_builtin_name(&name.name) {
            let message = format!("`{}` is a KQL function Quarry does not support yet", name.name);
            let d = kql_syntax::Diagnostic::warning(codes::UNSUPPORTED_FUNCTION, message, name.span);
            self.report(d);
            return Type::Unknown;
        }
        let mut d = self.error(codes::UNKNOWN_FUNCTION, format!("unknown function `{}`", name.name), name.span);
        let lets: Vec<String> = self.scopes.iter().flatten().map(|(n, _)| n.clone()).collect();
        let mut candidates: Vec<&str> = functions::all_names().collect();
        candidates.extend(lets.iter().map(String::as_str));
        if let Some(near) = suggest(&name.name, candidates) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        self.report(d);
        Type::Unknown
    }
}

/// Whether `expr` names a database or cluster (`database('x')`, `cluster('c').database('d')`).
fn is_namespace(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call { name, .. } => name.is("database") || name.is("cluster"),
        ExprKind::MethodCall { name, .. } => name.is("database"),
        _ => false,
    }
}

/// Strings and dynamic values are text for the string operators.
fn is_text(ty: Type) -> bool {
    matches!(ty, Type::String | Type::Dynamic | Type::Unknown)
}

/// Whether `<`, `>`, `between` are defined between the two types.
fn comparable(l: Type, r: Type) -> bool {
    use Type::*;
    if l.is_unknown() || r.is_unknown() || l == Dynamic || r == Dynamic {
        return true;
    }
    (l.is_numeric() && r.is_numeric()) || (l == r && matches!(l, DateTime | TimeSpan))
}

/// The type of arithmetic on two numbers: the wider of the two.
fn numeric_result(l: Type, r: Type) -> Option<Type> {
    use Type::*;
    if l == Dynamic || r == Dynamic {
        return Some(Dynamic);
    }
    if !l.is_numeric() || !r.is_numeric() {
        return None;
    }
    Some(if l == Decimal || r == Decimal {
        Decimal
    } else if l == Real || r == Real {
        Real
    } else {
        // Kusto widens int arithmetic to long.
        Long
    })
}

fn case_varies(column: &str) -> bool {
    CASE_VARYING_COLUMN_SUFFIXES.iter().any(|suffix| column.ends_with(suffix))
}
