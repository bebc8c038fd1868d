//! What a rule's query reads, for the shared scan: its main table, the filter its leading
//! `where` clauses apply to that table (made self-contained by inlining scalar `let`s), and the
//! columns it can use. Anything this cannot analyse is answered conservatively: no filter (the
//! scan keeps every row) and all columns.

use std::collections::{BTreeSet, HashMap};

use kql_syntax::ast::{Expr, ExprKind, LetValue, OperatorKind, StatementKind};
use kql_syntax::{TokenKind, tokenize};

/// The analysis of one rule's query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// The table the main pipeline starts from, when it starts from a table name.
    pub table: Option<String>,
    /// Byte offset just after that table name, where an exclusion's `| where` can be inserted.
    pub insert_at: Option<usize>,
    /// The conjunction of the leading `where` clauses on `table`, self-contained KQL. `None`
    /// when there are none or they cannot be lifted out of the query.
    pub filter: Option<String>,
    /// The parenthesized leading `where` predicates whose conjunction is `filter`.
    pub conjuncts: Vec<String>,
    /// Names the query binds with `let`. Where one is also a column of the table, the filter
    /// (which inlines `let`s) is not used: which of the two a name means is the engine's call.
    pub let_names: BTreeSet<String>,
    /// Every word of the query: the columns it can name are among them.
    pub words: BTreeSet<String>,
    /// Whether the query may use columns it does not name (`*`, `project-away`, a result that
    /// keeps the table's columns, ...), so that it needs all of them.
    pub needs_all_columns: bool,
    /// How many times each word occurs, to tell whether the main table is read again elsewhere.
    pub word_counts: HashMap<String, usize>,
}

/// Words that make a query depend on columns it does not name.
const OPEN_WORDS: &[&str] = &[
    "pack_all",
    "bag_pack_columns",
    "column_ifexists",
    "columnifexists",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "getschema",
    "evaluate",
    "union",
    "search",
    "find",
    "fork",
    "facet",
    "invoke",
    "buildschema",
];

/// Analyses `query`.
pub fn analyse(query: &str) -> Shape {
    let mut shape = Shape::default();
    let tokens = tokenize(query);
    for token in &tokens {
        let text = &query[token.span.range()];
        match token.kind {
            TokenKind::Ident => {
                *shape.word_counts.entry(text.to_string()).or_default() += 1;
                shape.words.insert(text.to_string());
            }
            TokenKind::QuotedIdent => {
                let inner = text.trim_start_matches('[').trim_end_matches(']');
                let inner = inner.trim_matches(|c| c == '\'' || c == '"');
                *shape.word_counts.entry(inner.to_string()).or_default() += 1;
                shape.words.insert(inner.to_string());
            }
            TokenKind::Star => shape.needs_all_columns = true,
            _ => {}
        }
    }
    // `project-away` lexes as `project`, `-`, `away`.
    let joined: Vec<&str> = tokens.iter().map(|t| &query[t.span.range()]).collect();
    for window in joined.windows(3) {
        if window[1] == "-" && OPEN_WORDS.contains(&format!("{}-{}", window[0], window[2]).as_str()) {
            shape.needs_all_columns = true;
        }
    }
    if shape.words.iter().any(|w| OPEN_WORDS.contains(&w.as_str())) {
        shape.needs_all_columns = true;
    }
    let parsed = kql_syntax::parse(query);
    if parsed.has_errors() {
        shape.needs_all_columns = true;
        return shape;
    }
    let mut lets: HashMap<String, &LetValue> = HashMap::new();
    let mut main = None;
    for statement in &parsed.script.statements {
        match &statement.kind {
            StatementKind::Let { name, value } => {
                lets.insert(name.name.clone(), value);
                shape.let_names.insert(name.name.clone());
            }
            StatementKind::Query(expr) => main = Some(expr),
            _ => {}
        }
    }
    let Some(main) = main else {
        shape.needs_all_columns = true;
        return shape;
    };
    let (source, operators) = match &main.kind {
        ExprKind::Pipe { source, operators } => (source.as_ref(), &operators[..]),
        ExprKind::Name(_) => (main, &[][..]),
        _ => {
            shape.needs_all_columns = true;
            return shape;
        }
    };
    let ExprKind::Name(table) = &source.kind else {
        shape.needs_all_columns = true;
        return shape;
    };
    if lets.contains_key(&table.name) {
        // The pipeline starts from a `let`, not from the table itself.
        shape.needs_all_columns = true;
        return shape;
    }
    shape.table = Some(table.name.clone());
    shape.insert_at = Some(source.span.range().end);
    // A result that keeps the table's columns needs all of them: the last column-closing
    // operator must be followed only by operators that keep the columns it made.
    let closing = operators.iter().rposition(|op| {
        matches!(
            op.kind,
            OperatorKind::Project { .. }
                | OperatorKind::Summarize { .. }
                | OperatorKind::Count
                | OperatorKind::Distinct { .. }
                | OperatorKind::TopNested { .. }
                | OperatorKind::MakeSeries(_)
        )
    });
    let closed = closing.is_some_and(|at| {
        operators[at + 1..].iter().all(|op| {
            matches!(
                op.kind,
                OperatorKind::Where { .. }
                    | OperatorKind::Extend { .. }
                    | OperatorKind::Sort { .. }
                    | OperatorKind::Top { .. }
                    | OperatorKind::Take { .. }
                    | OperatorKind::Serialize { .. }
                    | OperatorKind::Project { .. }
                    | OperatorKind::Summarize { .. }
                    | OperatorKind::Count
                    | OperatorKind::Distinct { .. }
            )
        })
    });
    if !closed {
        shape.needs_all_columns = true;
    }
    let mut conjuncts = Vec::new();
    for op in operators {
        let OperatorKind::Where { predicate } = &op.kind else { break };
        match inline(query, predicate, &lets, 0) {
            Some(text) => conjuncts.push(format!("({text})")),
            None => {
                conjuncts.clear();
                break;
            }
        }
    }
    if !conjuncts.is_empty() {
        shape.filter = Some(conjuncts.join(" and "));
        shape.conjuncts = conjuncts;
    }
    shape
}

/// The text of `expr` with every name bound by a scalar `let` replaced by its (inlined) value,
/// or `None` when the expression holds something that cannot be moved out of its query: a
/// subquery, a lambda, a call of a `let` function.
fn inline(query: &str, expr: &Expr, lets: &HashMap<String, &LetValue>, depth: u32) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let mut replacements: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    collect(query, expr, lets, depth, &mut replacements)?;
    let range = expr.span.range();
    let mut out = String::new();
    let mut at = range.start;
    replacements.sort_by_key(|(r, _)| r.start);
    for (r, text) in replacements {
        out.push_str(query.get(at..r.start)?);
        out.push_str(&text);
        at = r.end;
    }
    out.push_str(query.get(at..range.end)?);
    Some(out)
}

fn collect(
    query: &str,
    expr: &Expr,
    lets: &HashMap<String, &LetValue>,
    depth: u32,
    out: &mut Vec<(std::ops::Range<usize>, String)>,
) -> Option<()> {
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Star | ExprKind::Wildcard(_) => {}
        ExprKind::Name(ident) => {
            if let Some(value) = lets.get(&ident.name) {
                let LetValue::Expr(value) = value else { return None };
                let text = inline(query, value, lets, depth + 1)?;
                out.push((expr.span.range(), format!("({text})")));
            }
        }
        ExprKind::Unary { operand, .. } => collect(query, operand, lets, depth, out)?,
        ExprKind::Logical { operands, .. } => {
            for operand in operands {
                collect(query, operand, lets, depth, out)?;
            }
        }
        ExprKind::Binary { left, right, .. } => {
            collect(query, left, lets, depth, out)?;
            collect(query, right, lets, depth, out)?;
        }
        ExprKind::In { expr: tested, list, .. } => {
            collect(query, tested, lets, depth, out)?;
            for item in list {
                collect(query, item, lets, depth, out)?;
            }
        }
        ExprKind::Between { expr: tested, low, high, .. } => {
            collect(query, tested, lets, depth, out)?;
            collect(query, low, lets, depth, out)?;
            collect(query, high, lets, depth, out)?;
        }
        ExprKind::Call { name, args } => {
            if lets.contains_key(&name.name) {
                return None;
            }
            for arg in args {
                collect(query, &arg.value, lets, depth, out)?;
            }
        }
        ExprKind::Member { base, .. } => collect(query, base, lets, depth, out)?,
        ExprKind::Index { base, index } => {
            collect(query, base, lets, depth, out)?;
            collect(query, index, lets, depth, out)?;
        }
        ExprKind::Paren(inner) => collect(query, inner, lets, depth, out)?,
        ExprKind::Tuple(items) => {
            for item in items {
                collect(query, item, lets, depth, out)?;
            }
        }
        ExprKind::MethodCall { .. }
        | ExprKind::Pipe { .. }
        | ExprKind::Source(_)
        | ExprKind::Lambda(_)
        | ExprKind::Implicit
        | ExprKind::Error => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_shape_inlines_lets_and_closes_with_summarize() {
        let q = "let Time_start = now(-5d);\nlet Time_end = now();\n//\nDeviceProcessEvents\n| where Timestamp between (Time_start..Time_end)\n| where A has 'x'\nand B has 'y'\n| summarize Count=count() by DeviceId";
        let shape = analyse(q);
        assert_eq!(shape.table.as_deref(), Some("DeviceProcessEvents"));
        assert_eq!(
            shape.filter.as_deref(),
            Some("(Timestamp between ((now(-5d))..(now()))) and (A has 'x'\nand B has 'y')")
        );
        assert!(!shape.needs_all_columns);
        assert!(shape.words.contains("DeviceId"));
        assert_eq!(&q[..shape.insert_at.unwrap()].rsplit('\n').next(), &Some("DeviceProcessEvents"));
    }

    #[test]
    fn open_results_and_unliftable_filters() {
        let shape = analyse("T | where A == 1");
        assert!(shape.needs_all_columns);
        assert_eq!(shape.filter.as_deref(), Some("(A == 1)"));
        let shape = analyse("T | where A in ((U | project A)) | project A");
        assert_eq!(shape.filter, None);
        assert!(!shape.needs_all_columns);
        let shape = analyse("T | summarize arg_max(Timestamp, *) by A");
        assert!(shape.needs_all_columns);
        let shape = analyse("T | project-away B | project A");
        assert!(shape.needs_all_columns);
        let shape = analyse("let T = U | where x; T | project A");
        assert_eq!(shape.table, None);
        let shape = analyse("let f = (a: long) { a + 1 }; T | where f(A) > 2 | project A");
        assert_eq!(shape.filter, None);
    }
}
