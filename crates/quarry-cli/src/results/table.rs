//! `--format table`: a table for a person at a terminal, then a footer line `(3 rows)`.
//!
//! Each cell is one line. Given a width (the terminal's), columns share it and a cell too long
//! for its column is cut with `…`; numbers, booleans, datetimes and timespans are kept whole
//! while they fit (a cut number reads as a different number), at the cost of the text columns.
//! Without a width, nothing is cut. Control characters and Unicode
//! bidirectional overrides in values are shown escaped (`\n`, `\u{1b}`, `\u{202e}`): the data
//! is the attacker's own log text, and must not move the cursor, recolour the terminal or
//! reverse a file name on screen. Colour (a bold header, a dim footer) only when asked for: the
//! caller decides from whether stdout is a terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use arrow::datatypes::DataType;
use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;
use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Row, Table, Width, presets};

use super::check_columns;
use super::value::{is_numeric, to_display};

/// How to draw the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// The width to fit (the terminal's); `None` draws every cell whole.
    pub width: Option<u16>,
    /// Bold header and dim footer, with ANSI escapes.
    pub colour: bool,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Writes `batches` (whose columns are `schema`'s) as a table and a row-count footer.
pub fn write(schema: &Schema, batches: &[RecordBatch], out: &mut dyn Write, options: TableOptions) -> io::Result<()> {
    let mut rows = 0usize;
    if !schema.fields().is_empty() {
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_truncation_indicator("…")
            // Cells hold no NUL (it is escaped), so words never wrap at spaces: a long cell
            // fills its column's width before it is cut.
            .set_delimiter('\0');
        match options.width {
            Some(width) => {
                table.set_content_arrangement(ContentArrangement::Dynamic).set_width(width);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        let mut header = Row::from(schema.fields().iter().map(|f| Cell::new(escape(f.name()))));
        header.max_height(1);
        table.set_header(header);
        // The widest value of each column, in characters.
        let mut widths = vec![0usize; schema.fields().len()];
        for batch in batches {
            check_columns(schema, batch)?;
            for row in 0..batch.num_rows() {
                let mut cells = Row::from(batch.columns().iter().zip(&mut widths).map(|(column, width)| {
                    let text = escape(&to_display(column.as_ref(), row)).into_owned();
                    *width = (*width).max(text.chars().count());
                    Cell::new(text)
                }));
                cells.max_height(1);
                table.add_row(cells);
            }
            rows += batch.num_rows();
        }
        if let Some(width) = options.width {
            keep_whole(&mut table, schema, &widths, usize::from(width));
        }
        let numeric = schema.fields().iter().enumerate().filter(|(_, f)| is_numeric(f.data_type()));
        for (i, _) in numeric {
            if let Some(column) = table.column_mut(i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        for (i, line) in table.lines().enumerate() {
            // Line 0 is the top border, line 1 the header (one line: max_height(1)).
            if options.colour && i == 1 {
                writeln!(out, "{BOLD}{line}{RESET}")?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
    } else {
        rows = batches.iter().map(RecordBatch::num_rows).sum();
    }
    let footer = if rows == 1 { "(1 row)".to_owned() } else { format!("({rows} rows)") };
    if options.colour { writeln!(out, "{DIM}{footer}{RESET}") } else { writeln!(out, "{footer}") }
}

/// Gives the columns of numbers, booleans, datetimes and timespans a lower bound of their widest
/// value, left to right, while the table still fits `width` with every other column at least
/// one character wide.
fn keep_whole(table: &mut Table, schema: &Schema, widths: &[usize], width: usize) {
    fn atomic(data_type: &DataType) -> bool {
        match data_type {
            DataType::Dictionary(_, value_type) => atomic(value_type),
            DataType::Boolean
            | DataType::Timestamp(..)
            | DataType::Duration(_)
            | DataType::Date32
            | DataType::Date64 => true,
            other => other.is_numeric(),
        }
    }
    // Each column takes its content, a space either side and a border; one more border closes.
    const FRAME: usize = 3;
    let mut used = 1 + schema.fields().len() * (1 + FRAME);
    for (i, field) in schema.fields().iter().enumerate() {
        if !atomic(field.data_type()) || widths[i] <= 1 {
            continue;
        }
        if used + widths[i] - 1 > width {
            continue;
        }
        used += widths[i] - 1;
        let bound = u16::try_from(widths[i] + 2).unwrap_or(u16::MAX);
        if let Some(column) = table.column_mut(i) {
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(bound)));
        }
    }
}

/// `text` with control characters and bidi controls escaped, so each cell is one inert line.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    fn needs_escape(c: char) -> bool {
        c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if needs_escape(c) => escaped.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};

    use super::*;
    use crate::results::value::tests::every_type_batch;

    fn render(schema: &Schema, batches: &[RecordBatch], width: Option<u16>, colour: bool) -> String {
        let mut out = Vec::new();
        write(schema, batches, &mut out, TableOptions { width, colour }).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn two_columns(names: Vec<&str>, counts: Vec<i64>) -> (Arc<Schema>, RecordBatch) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("Name", DataType::Utf8, true),
            Field::new("Count", DataType::Int64, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(StringArray::from(names)) as ArrayRef, Arc::new(Int64Array::from(counts)) as ArrayRef],
        )
        .unwrap();
        (schema, batch)
    }

    #[test]
    fn small_table() {
        let (schema, batch) = two_columns(vec!["cmd.exe", "powershell.exe", ""], vec![3, 12, 0]);
        assert_eq!(
            render(&schema, &[batch], Some(80), false),
            "┌────────────────┬───────┐\n\
             │ Name           ┆ Count │\n\
             ╞════════════════╪═══════╡\n\
             │ cmd.exe        ┆     3 │\n\
             │ powershell.exe ┆    12 │\n\
             │                ┆     0 │\n\
             └────────────────┴───────┘\n\
             (3 rows)\n"
        );
    }

    #[test]
    fn every_type() {
        let batch = every_type_batch();
        let text = render(&batch.schema(), std::slice::from_ref(&batch), None, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7, "{text}");
        for expected in [
            "123456789012345678",
            "1.25",
            "a, \"b\"",
            "2024-01-02T03:04:05.12Z",
            "1.02:03:04.5",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            r#"{"k":[1,"x"]}"#,
        ] {
            assert!(lines[3].contains(expected), "{expected} in {}", lines[3]);
        }
        assert!(lines[4].chars().all(|c| " │┆".contains(c)), "null row: {}", lines[4]);
        assert_eq!(lines[6], "(2 rows)");
    }

    #[test]
    fn long_cells_are_cut_to_the_width() {
        let long = "C:\\Program Files\\Some Vendor\\Remote Support\\agent-service-with-a-long-name.exe";
        let (schema, batch) = two_columns(vec![long, "short"], vec![1, 123_456_789]);
        let text = render(&schema, std::slice::from_ref(&batch), Some(40), false);
        for line in text.lines() {
            assert!(line.chars().count() <= 40, "too wide ({}): {line}", line.chars().count());
        }
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7, "one line per row:\n{text}");
        assert!(lines[3].contains("C:\\Program Files\\Some"), "{text}");
        assert!(lines[3].contains('…'), "{text}");
        assert!(lines[3].contains(" 1 │"), "{text}");
        assert!(lines[4].contains("123456789"), "{text}");
        assert!(!lines[4].contains('…'), "{text}");

        // No width: nothing is cut.
        let whole = render(&schema, &[batch], None, false);
        assert!(whole.contains(long), "{whole}");
        assert!(!whole.contains('…'), "{whole}");
    }

    #[test]
    fn numbers_and_datetimes_stay_whole_while_text_is_cut() {
        use arrow::array::TimestampNanosecondArray;
        let schema = Arc::new(Schema::new(vec![
            Field::new("Id", DataType::Int64, true),
            Field::new("CommandLine", DataType::Utf8, true),
            Field::new("Timestamp", DataType::Timestamp(arrow::datatypes::TimeUnit::Nanosecond, None), true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![9_007_199_254_740_993])) as ArrayRef,
                Arc::new(StringArray::from(vec!["powershell.exe -NoProfile -EncodedCommand SQBFAFgA"])) as ArrayRef,
                Arc::new(TimestampNanosecondArray::from(vec![1_704_164_645_123_456_700])) as ArrayRef,
            ],
        )
        .unwrap();
        let text = render(&schema, &[batch], Some(72), false);
        let row = text.lines().nth(3).unwrap();
        assert!(row.chars().count() <= 72, "{text}");
        assert!(row.contains("9007199254740993"), "{text}");
        assert!(row.contains("2024-01-02T03:04:05.1234567Z"), "{text}");
        assert!(row.contains("powershell.exe -N") && row.contains('…'), "{text}");
    }

    #[test]
    fn control_characters_are_escaped() {
        let (schema, batch) =
            two_columns(vec!["two\nlines", "\x1b[31mred\x1b[0m", "tab\there", "evil\u{202e}txt.exe"], vec![1, 2, 3, 4]);
        let text = render(&schema, &[batch], None, false);
        assert!(text.contains("two\\nlines"), "{text}");
        assert!(text.contains("\\u{1b}[31mred\\u{1b}[0m"), "{text}");
        assert!(text.contains("tab\\there"), "{text}");
        assert!(text.contains("evil\\u{202e}txt.exe"), "{text}");
        assert!(!text.contains('\x1b') && !text.contains('\u{202e}'), "{text}");
        assert_eq!(text.lines().count(), 9, "{text}");
    }

    #[test]
    fn colour_only_when_asked() {
        let (schema, batch) = two_columns(vec!["a"], vec![1]);
        let plain = render(&schema, std::slice::from_ref(&batch), Some(80), false);
        assert!(!plain.contains('\x1b'), "{plain}");
        let coloured = render(&schema, &[batch], Some(80), true);
        let lines: Vec<&str> = coloured.lines().collect();
        assert_eq!(lines[1], "\x1b[1m│ Name ┆ Count │\x1b[0m");
        assert_eq!(lines[5], "\x1b[2m(1 row)\x1b[0m");
    }

    #[test]
    fn empty_result() {
        let (schema, _) = two_columns(vec![], vec![]);
        let expected = "┌──────┬───────┐\n\
                        │ Name ┆ Count │\n\
                        ╞══════╪═══════╡\n\
                        └──────┴───────┘\n\
                        (0 rows)\n";
        assert_eq!(render(&schema, &[], Some(80), false), expected);
        let empty = RecordBatch::new_empty(schema.clone());
        assert_eq!(render(&schema, &[empty], None, false), expected);
        assert_eq!(render(&Schema::empty(), &[], Some(80), false), "(0 rows)\n");
    }
}
