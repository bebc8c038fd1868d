//! The time window of a table's shared scan, as plain bounds DataFusion prunes with.
//!
//! Each rule's leading filter holds its look-back window (`Timestamp between (ago(5d) ..
//! now())`, `Timestamp > ago(7d)`, ...). The scan keeps the rows some rule accepts, so the
//! loosest interval holding every rule's window bounds it: `Timestamp >= lo and Timestamp <=
//! hi` with literal datetimes (`now()` is fixed when the hunt starts). Put before the rules'
//! alternatives, DataFusion skips the Parquet files and row groups whose Timestamp statistics
//! lie outside it; each rule keeps its own window in its branch of the scan and in its own
//! query, so the cover only has to be a superset. A rule whose window this cannot read (or that
//! has none) leaves that side of the interval open, so a rule without a time filter sees the
//! whole table.

use std::collections::HashMap;

use arrow::array::{Array, DurationNanosecondArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use kql_engine::Engine;
use kql_syntax::ast::{BinaryOp, Expr, ExprKind, LogicalOp, OperatorKind, StatementKind};
use quarry_data::values::{Fraction, write_datetime_nanos};

/// Inclusive time bounds; `None` is unbounded on that side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    /// No row before this instant (nanoseconds since the epoch).
    pub from: Option<i64>,
    /// No row after this instant.
    pub to: Option<i64>,
}

impl Bounds {
    /// Whether this bounds anything.
    pub fn is_bounded(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Both bounds at once (the tighter of each side).
    pub fn intersect(self, other: Bounds) -> Bounds {
        let tighter = |a: Option<i64>, b: Option<i64>, pick: fn(i64, i64) -> i64| match (a, b) {
            (Some(a), Some(b)) => Some(pick(a, b)),
            (a, b) => a.or(b),
        };
        Bounds { from: tighter(self.from, other.from, i64::max), to: tighter(self.to, other.to, i64::min) }
    }

    /// The smallest interval holding both (a side open in either is open).
    fn hull(self, other: Bounds) -> Bounds {
        Bounds {
            from: self.from.zip(other.from).map(|(a, b)| a.min(b)),
            to: self.to.zip(other.to).map(|(a, b)| a.max(b)),
        }
    }
}

/// The table's time column (`Timestamp`, or `TimeGenerated` for Sentinel tables), when it is a
/// datetime.
pub(crate) fn time_column(schema: &SchemaRef) -> Option<&'static str> {
    ["Timestamp", "TimeGenerated"].into_iter().find(|name| {
        schema
            .field_with_name(name)
            .is_ok_and(|f| matches!(f.data_type(), DataType::Timestamp(TimeUnit::Nanosecond, None)))
    })
}

/// The loosest bounds on `column` that every rule's conjuncts imply (see the module comment);
/// unbounded when `filters` is empty or some rule does not bound a side.
pub(crate) async fn cover(engine: &Engine, filters: &[Vec<String>], column: &str) -> Bounds {
    let mut cover: Option<Bounds> = None;
    let mut values = HashMap::new();
    for conjuncts in filters {
        let mut rule = Bounds::default();
        for conjunct in conjuncts {
            for side in sides(conjunct, column) {
                rule = rule.intersect(side.bounds(engine, &mut values).await);
            }
        }
        let merged = match cover {
            None => rule,
            Some(c) => c.hull(rule),
        };
        if !merged.is_bounded() {
            return Bounds::default();
        }
        cover = Some(merged);
    }
    cover.unwrap_or_default()
}

/// `column >= from and column <= to`, as KQL with literal datetimes.
pub(crate) fn predicate(column: &str, bounds: Bounds) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(from) = bounds.from {
        parts.push(format!("{column} >= {}", datetime_literal(from)));
    }
    if let Some(to) = bounds.to {
        parts.push(format!("{column} <= {}", datetime_literal(to)));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// A KQL `datetime(...)` literal for an instant, to the nanosecond.
pub(crate) fn datetime_literal(nanos: i64) -> String {
    let mut text = String::from("datetime(");
    write_datetime_nanos(&mut text, nanos, Fraction::Nanos);
    text.push(')');
    text
}

/// An instant for people: the date alone at midnight, else to the second (or nanosecond).
pub(crate) fn display_instant(nanos: i64) -> String {
    // Nine fraction digits when there is a fraction, none when there is not.
    let fraction = if nanos % 1_000_000_000 == 0 { Fraction::IfAny } else { Fraction::Nanos };
    let mut text = String::new();
    write_datetime_nanos(&mut text, nanos, fraction);
    match text.strip_suffix("T00:00:00Z") {
        Some(date) => date.to_string(),
        None => text,
    }
}

/// One bound a conjunct puts on the time column, as the text of a constant expression.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Side {
    /// `column >= e` or `column > e`.
    From(String),
    /// `column <= e` or `column < e`.
    To(String),
    /// `column == e`.
    At(String),
    /// `column between (low .. high)`; `high` may be a timespan after `low`.
    Between(String, String),
}

impl Side {
    async fn bounds(&self, engine: &Engine, values: &mut HashMap<String, Value>) -> Bounds {
        match self {
            Side::From(e) => Bounds { from: cached(engine, values, e).await.instant(), to: None },
            Side::To(e) => Bounds { from: None, to: cached(engine, values, e).await.instant() },
            Side::At(e) => {
                let at = cached(engine, values, e).await.instant();
                Bounds { from: at, to: at }
            }
            Side::Between(low, high) => {
                let from = cached(engine, values, low).await.instant();
                let to = match cached(engine, values, high).await {
                    Value::Instant(t) => Some(t),
                    // `between (start .. 1d)` on datetimes: start to start + 1d.
                    Value::Span(span) => from.and_then(|f| f.checked_add(span)),
                    Value::Other => None,
                };
                Bounds { from, to }
            }
        }
    }
}

async fn cached(engine: &Engine, values: &mut HashMap<String, Value>, text: &str) -> Value {
    if let Some(v) = values.get(text) {
        return *v;
    }
    let v = evaluate(engine, text).await;
    values.insert(text.to_string(), v);
    v
}

#[derive(Clone, Copy, Debug)]
enum Value {
    Instant(i64),
    Span(i64),
    Other,
}

impl Value {
    fn instant(self) -> Option<i64> {
        match self {
            Value::Instant(t) => Some(t),
            _ => None,
        }
    }
}

/// The value of a constant expression, computed by the engine that runs the rules (so `ago`,
/// `now`, `datetime` and arithmetic mean exactly what they mean there). Anything that is not a
/// constant datetime or timespan (it names a column, it is null, ...) is `Other`.
async fn evaluate(engine: &Engine, text: &str) -> Value {
    let Ok(result) = engine.query(&format!("print __quarry_bound = ({text})")).await else { return Value::Other };
    let Some(column) = result.batches.iter().find(|b| b.num_rows() == 1).map(|b| b.column(0).clone()) else {
        return Value::Other;
    };
    if let Some(t) = column.as_any().downcast_ref::<TimestampNanosecondArray>() {
        if t.is_valid(0) && t.timezone().is_none() {
            return Value::Instant(t.value(0));
        }
    } else if let Some(d) = column.as_any().downcast_ref::<DurationNanosecondArray>() {
        if d.is_valid(0) {
            return Value::Span(d.value(0));
        }
    }
    Value::Other
}

/// The bounds `conjunct` (a rule's leading `where` predicate, self-contained KQL) puts on
/// `column` through its top-level `and`s.
fn sides(conjunct: &str, column: &str) -> Vec<Side> {
    let prefix = "T | where ";
    let query = format!("{prefix}{conjunct}");
    let parsed = kql_syntax::parse(&query);
    if parsed.has_errors() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for statement in &parsed.script.statements {
        let StatementKind::Query(expr) = &statement.kind else { continue };
        let ExprKind::Pipe { operators, .. } = &expr.kind else { continue };
        for op in operators {
            if let OperatorKind::Where { predicate } = &op.kind {
                collect(&query, predicate, column, &mut out);
            }
        }
    }
    out
}

fn collect(query: &str, expr: &Expr, column: &str, out: &mut Vec<Side>) {
    let text = |e: &Expr| query[e.span.range()].to_string();
    let is_column = |e: &Expr| matches!(&e.kind, ExprKind::Name(ident) if ident.name == column);
    match &expr.kind {
        ExprKind::Paren(inner) => collect(query, inner, column, out),
        ExprKind::Logical { op: LogicalOp::And, operands } => {
            for operand in operands {
                collect(query, operand, column, out);
            }
        }
        ExprKind::Between { negated: false, expr: tested, low, high } if is_column(tested) => {
            out.push(Side::Between(text(low), text(high)))
        }
        ExprKind::Binary { op, left, right } => {
            let (value, flipped) = if is_column(left) {
                (right, false)
            } else if is_column(right) {
                (left, true)
            } else {
                return;
            };
            let side = match (op, flipped) {
                (BinaryOp::Gt | BinaryOp::GtEq, false) | (BinaryOp::Lt | BinaryOp::LtEq, true) => {
                    Side::From(text(value))
                }
                (BinaryOp::Lt | BinaryOp::LtEq, false) | (BinaryOp::Gt | BinaryOp::GtEq, true) => Side::To(text(value)),
                (BinaryOp::Eq, _) => Side::At(text(value)),
                _ => return,
            };
            out.push(side);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_windows_through_ands_and_parens() {
        let s = |t: &str| t.to_string();
        assert_eq!(
            sides("(Timestamp between ((now(-5d))..(now())))", "Timestamp"),
            vec![Side::Between(s("(now(-5d))"), s("(now())"))]
        );
        assert_eq!(
            sides("(Timestamp > ago(7d) and A has 'x' and (Timestamp <= now()))", "Timestamp"),
            vec![Side::From(s("ago(7d)")), Side::To(s("now()"))]
        );
        assert_eq!(sides("(ago(1d) < Timestamp)", "Timestamp"), vec![Side::From(s("ago(1d)"))]);
        assert_eq!(
            sides("(Timestamp == datetime(2024-05-01))", "Timestamp"),
            vec![Side::At(s("datetime(2024-05-01)"))]
        );
        // Not bounds: under `or` or `not`, `!between`, another column.
        assert!(sides("(Timestamp > ago(1d) or A == 1)", "Timestamp").is_empty());
        assert!(sides("(not(Timestamp > ago(1d)))", "Timestamp").is_empty());
        assert!(sides("(Timestamp !between (ago(1d) .. now()))", "Timestamp").is_empty());
        assert!(sides("(TimeGenerated > ago(1d))", "Timestamp").is_empty());
    }

    #[test]
    fn hull_and_intersection() {
        let b = |from, to| Bounds { from, to };
        assert_eq!(b(Some(1), Some(5)).hull(b(Some(3), Some(9))), b(Some(1), Some(9)));
        assert_eq!(b(Some(1), Some(5)).hull(b(None, Some(9))), b(None, Some(9)));
        assert_eq!(b(Some(1), Some(5)).intersect(b(Some(3), None)), b(Some(3), Some(5)));
        assert_eq!(b(None, None).intersect(b(Some(3), None)), b(Some(3), None));
    }

    #[test]
    fn literals() {
        assert_eq!(datetime_literal(0), "datetime(1970-01-01T00:00:00.000000000Z)");
        assert_eq!(datetime_literal(1_714_694_400_500_000_000), "datetime(2024-05-03T00:00:00.500000000Z)");
        assert_eq!(display_instant(1_714_694_400_000_000_000), "2024-05-03");
        assert_eq!(display_instant(1_714_694_401_000_000_000), "2024-05-03T00:00:01Z");
    }

    /// What `display_instant` and `datetime_literal` print, pinned before they moved onto
    /// `quarry_data::values`: before 1970, below a tick, at the ends of `i64`.
    #[test]
    fn instants_print_to_the_nanosecond() {
        const SEC: i64 = 1_000_000_000;
        let day = 1_714_694_400 * SEC; // 2024-05-03T00:00:00Z
        for (nanos, display, literal) in [
            (0, "1970-01-01", "datetime(1970-01-01T00:00:00.000000000Z)"),
            (day + 50, "2024-05-03T00:00:00.000000050Z", "datetime(2024-05-03T00:00:00.000000050Z)"),
            (day + SEC + 99, "2024-05-03T00:00:01.000000099Z", "datetime(2024-05-03T00:00:01.000000099Z)"),
            (
                day + 3_723 * SEC + 123_456_789,
                "2024-05-03T01:02:03.123456789Z",
                "datetime(2024-05-03T01:02:03.123456789Z)",
            ),
            (day + 86_399 * SEC, "2024-05-03T23:59:59Z", "datetime(2024-05-03T23:59:59.000000000Z)"),
            (-1, "1969-12-31T23:59:59.999999999Z", "datetime(1969-12-31T23:59:59.999999999Z)"),
            (-86_400 * SEC, "1969-12-31", "datetime(1969-12-31T00:00:00.000000000Z)"),
            (-86_400 * SEC - 1, "1969-12-30T23:59:59.999999999Z", "datetime(1969-12-30T23:59:59.999999999Z)"),
            (-SEC + 7, "1969-12-31T23:59:59.000000007Z", "datetime(1969-12-31T23:59:59.000000007Z)"),
            (-951_782_400 * SEC, "1939-11-04", "datetime(1939-11-04T00:00:00.000000000Z)"),
            (i64::MIN, "1677-09-21T00:12:43.145224192Z", "datetime(1677-09-21T00:12:43.145224192Z)"),
            (i64::MAX, "2262-04-11T23:47:16.854775807Z", "datetime(2262-04-11T23:47:16.854775807Z)"),
        ] {
            assert_eq!(display_instant(nanos), display, "display_instant({nanos})");
            assert_eq!(datetime_literal(nanos), literal, "datetime_literal({nanos})");
        }
    }
}
