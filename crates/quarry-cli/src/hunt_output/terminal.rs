//! `--format table`: the hunt for a person at a terminal.
//!
//! A summary line; the devices with findings (tools, first/last seen across rules, counts); the
//! tools found (on how many devices); findings whose rows name no device; then the rule status:
//! skipped and failed rules with their reasons, and every exclusion that removed events, with
//! its count, since tuning must never be silent. `--verbose` adds each device's tools one by
//! one, each exclusion's predicate and origin, every rule's evidence rows and the scans per table.
//! Values are escaped as `quarry query`'s table escapes them (the data is the attacker's text).

use std::io::{self, Write};

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::take_record_batch;
use arrow::datatypes::SchemaRef;
use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Row, Table, Width, presets};
use quarry_hunt::hunt::{RuleRun, RuleStatus};

use super::model::{Activity, Analysis, datetime};
use super::{RenderOptions, plural};
use crate::results::table::{TableOptions, escape};

/// Rows of findings without a device shown when not verbose, per rule.
const OTHER_ROWS: usize = 20;

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

pub fn write(analysis: &Analysis<'_>, out: &mut dyn Write, options: &RenderOptions) -> io::Result<()> {
    let paint = |style: &str, text: &str| {
        if options.color { format!("{style}{text}{RESET}") } else { text.to_owned() }
    };
    let report = analysis.report;
    let tools: Vec<&str> = analysis.tools.iter().map(|t| t.name.as_str()).collect();
    let window = match (report.since, report.until) {
        (None, None) => String::new(),
        (since, until) => format!(
            " over {} to {}",
            since.map_or_else(|| "the first event".to_owned(), |t| datetime(Some(t))),
            until.map_or_else(|| "now()".to_owned(), |t| datetime(Some(t)))
        ),
    };
    let mut summary = format!(
        "Hunt at {}{window}: {} ({} ran, {} skipped, {} failed); {} on {}",
        datetime(Some(report.now)),
        plural(report.rules.len(), "rule", "rules"),
        analysis.ran,
        analysis.skipped,
        analysis.failed,
        plural(analysis.findings.len(), "finding", "findings"),
        plural(analysis.devices.len(), "device", "devices"),
    );
    // The tools on a line of their own: the list can be long.
    summary.push_str(&format!("\n{} found", plural(tools.len(), "tool", "tools")));
    if !tools.is_empty() {
        summary.push_str(&format!(": {}", tools.join(", ")));
    }
    for line in summary.lines() {
        writeln!(out, "{}", escape(line))?;
    }

    if !analysis.devices.is_empty() {
        writeln!(out, "\n{}", paint(BOLD, "Devices"))?;
        let rows = analysis.devices.iter().map(|device| {
            let tools: Vec<&str> = device.tools.keys().map(String::as_str).collect();
            let mut row = vec![device.label().to_owned(), device.id.clone(), tools.join(", ")];
            row.extend(activity_cells(&device.activity));
            row
        });
        let header = ["Device", "Device id", "Tools", "First seen", "Last seen", "Findings", "Events"];
        print_table(out, &header, rows, &[5, 6], options)?;
        if options.verbose {
            writeln!(out, "\n{}", paint(BOLD, "Devices by tool"))?;
            let rows = analysis.devices.iter().flat_map(|device| {
                device.tools.iter().map(|(tool, activity)| {
                    let mut row = vec![device.label().to_owned(), tool.clone()];
                    row.extend(activity_cells(activity));
                    row
                })
            });
            let header = ["Device", "Tool", "First seen", "Last seen", "Findings", "Events"];
            print_table(out, &header, rows, &[4, 5], options)?;
        }
    }

    if !analysis.tools.is_empty() {
        writeln!(out, "\n{}", paint(BOLD, "Tools"))?;
        let rows = analysis.tools.iter().map(|tool| {
            let mut row = vec![tool.name.clone(), tool.devices.len().to_string()];
            row.extend(activity_cells(&tool.activity));
            row.push(tool.activity.rules.len().to_string());
            row
        });
        let header = ["Tool", "Devices", "First seen", "Last seen", "Findings", "Events", "Rules"];
        print_table(out, &header, rows, &[1, 4, 5, 6], options)?;
    }

    // Findings whose rows name no device, per rule.
    let table_options = TableOptions { width: options.width, colour: options.color };
    // (Verbose prints every rule's rows below, these included.)
    let others = if options.verbose { 0 } else { report.rules.len() };
    for (index, run) in report.rules.iter().enumerate().take(others) {
        let batches = other_rows(analysis, index)?;
        if batches.is_empty() {
            continue;
        }
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let title = format!("Other findings: {} ({}), {}", run.rule.name, run.rule.id, plural(rows, "row", "rows"));
        writeln!(out, "\n{}", paint(BOLD, &escape(&title)))?;
        for (schema, group) in by_schema(batches) {
            let rows: usize = group.iter().map(RecordBatch::num_rows).sum();
            crate::results::table::write(&schema, &cut(&group, OTHER_ROWS), out, table_options)?;
            if rows > OTHER_ROWS {
                writeln!(out, "… {} more (--verbose, or --format html)", rows - OTHER_ROWS)?;
            }
        }
    }

    if options.verbose {
        for run in report.rules.iter().filter(|run| run.rows() > 0) {
            let title = format!("Evidence: {} ({})", run.rule.name, run.rule.id);
            writeln!(out, "\n{}", paint(BOLD, &escape(&title)))?;
            let batches: Vec<RecordBatch> = run.batches.iter().filter(|b| b.num_rows() > 0).cloned().collect();
            for (schema, group) in by_schema(batches) {
                crate::results::table::write(&schema, &group, out, table_options)?;
            }
        }
    }

    writeln!(out, "\n{}", paint(BOLD, "Rule status"))?;
    let mut quiet = true;
    for run in report.rules.iter().filter(|run| matches!(run.status, RuleStatus::Failed { .. })) {
        quiet = false;
        let line = format!("{} ({}): {}", run.rule.id, run.rule.name, run.status.reason().unwrap_or_default());
        writeln!(out, "  {} {}", paint(RED, "failed "), escape(&line))?;
    }
    // A pack of hundreds of rules over a partial export skips many for one reason: one line per
    // reason unless verbose (or unless the reason has one rule, which is then named).
    let mut skipped: Vec<(&str, Vec<&RuleRun>)> = Vec::new();
    for run in &report.rules {
        if let RuleStatus::Skipped { reason } = &run.status {
            match skipped.iter_mut().find(|(r, _)| r == reason) {
                Some((_, runs)) => runs.push(run),
                None => skipped.push((reason, vec![run])),
            }
        }
    }
    for (reason, runs) in &skipped {
        quiet = false;
        if options.verbose || runs.len() == 1 {
            for run in runs {
                let line = format!("{} ({}): {reason}", run.rule.id, run.rule.name);
                writeln!(out, "  {} {}", paint(YELLOW, "skipped"), escape(&line))?;
            }
        } else {
            let line = format!("{}: {reason}", plural(runs.len(), "rule", "rules"));
            writeln!(out, "  {} {}", paint(YELLOW, "skipped"), escape(&line))?;
        }
    }
    // Every exclusion that removed events is listed with its count; those that removed none only
    // with --verbose (the rest are counted, so none goes unmentioned).
    let mut idle = 0usize;
    for run in report.rules.iter().filter(|run| !run.suppressed.is_empty()) {
        let total = run.suppressed_total();
        if total == 0 && !options.verbose {
            idle += run.suppressed.len();
            continue;
        }
        quiet = false;
        let line = format!(
            "{} ({}): {} suppressed by exclusions",
            run.rule.id,
            run.rule.name,
            plural(usize::try_from(total).unwrap_or(usize::MAX), "event", "events")
        );
        writeln!(out, "  tuned   {}", escape(&line))?;
        for exclusion in &run.suppressed {
            if exclusion.events == 0 && !options.verbose {
                idle += 1;
                continue;
            }
            let mut line = format!("{:>8}  {}", exclusion.events, exclusion.reason);
            if options.verbose {
                line.push_str(&format!(" [{}] where {}", exclusion.origin, exclusion.predicate));
            }
            writeln!(out, "          {}", escape(&line))?;
        }
    }
    if idle > 0 {
        quiet = false;
        writeln!(
            out,
            "  {} removed no event (--verbose lists them)",
            plural(idle, "other exclusion", "other exclusions")
        )?;
    }
    if quiet {
        writeln!(out, "  every rule ran; no exclusion removed any event")?;
    }

    if options.verbose && !report.scans.is_empty() {
        writeln!(out, "\n{}", paint(BOLD, "Scans"))?;
        let rows = report.scans.iter().map(|s| {
            vec![
                s.table.clone(),
                s.scans.to_string(),
                s.rows_read.to_string(),
                s.rows_kept.to_string(),
                s.rules.to_string(),
            ]
        });
        print_table(out, &["Table", "Scans", "Rows read", "Rows kept", "Rules"], rows, &[1, 2, 3, 4], options)?;
    }
    Ok(())
}

fn activity_cells(activity: &Activity) -> [String; 4] {
    [seconds(activity.first), seconds(activity.last), activity.findings.to_string(), activity.events.to_string()]
}

/// A datetime to the second (`2024-04-21T00:00:00Z`): the overview tables need the width; the
/// evidence rows (`--verbose`, or json) keep every digit.
fn seconds(ns: Option<i64>) -> String {
    let text = datetime(ns);
    match text.split_once('.') {
        Some((whole, _)) => format!("{whole}Z"),
        None => text,
    }
}

/// The rows of rule `rule` that name no device, as batches of the rule's own columns.
fn other_rows(analysis: &Analysis<'_>, rule: usize) -> io::Result<Vec<RecordBatch>> {
    let mut groups: Vec<(&RecordBatch, Vec<u32>)> = Vec::new();
    for finding in analysis.findings_of(rule).iter().filter(|f| f.device.is_none()) {
        let row = u32::try_from(finding.row).map_err(io::Error::other)?;
        // Findings come batch by batch: a new batch starts a new group.
        match groups.last_mut() {
            Some((batch, rows)) if std::ptr::eq(*batch, finding.batch) => rows.push(row),
            _ => groups.push((finding.batch, vec![row])),
        }
    }
    groups
        .into_iter()
        .map(|(batch, rows)| take_record_batch(batch, &UInt32Array::from(rows)).map_err(io::Error::other))
        .collect()
}

/// `batches` grouped by schema, in order of first appearance (the table writer takes one
/// schema; a rule's batches normally share one).
fn by_schema(batches: Vec<RecordBatch>) -> Vec<(SchemaRef, Vec<RecordBatch>)> {
    let mut groups: Vec<(SchemaRef, Vec<RecordBatch>)> = Vec::new();
    for batch in batches {
        match groups.iter_mut().find(|(schema, _)| *schema == batch.schema()) {
            Some((_, group)) => group.push(batch),
            None => groups.push((batch.schema(), vec![batch])),
        }
    }
    groups
}

/// The first `limit` rows of `batches`.
fn cut(batches: &[RecordBatch], limit: usize) -> Vec<RecordBatch> {
    let mut left = limit;
    let mut shown = Vec::new();
    for batch in batches {
        if left == 0 {
            break;
        }
        let take = batch.num_rows().min(left);
        shown.push(batch.slice(0, take));
        left -= take;
    }
    shown
}

/// Gives columns `whole` a lower bound of their widest cell, left to right, while the table
/// still fits `width` with every other column at least one character wide (as `quarry query`'s
/// table does for numbers and datetimes).
fn keep_whole(table: &mut Table, widths: &[usize], whole: &[usize], width: usize) {
    // Each column takes its content, a space either side and a border; one more border closes.
    let mut used = 1 + widths.len() * 4;
    let mut whole = whole.to_vec();
    whole.sort_unstable();
    for i in whole {
        let Some(&w) = widths.get(i) else { continue };
        if w <= 1 || used + w - 1 > width {
            continue;
        }
        used += w - 1;
        if let Some(column) = table.column_mut(i) {
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                u16::try_from(w + 2).unwrap_or(u16::MAX),
            )));
        }
    }
}

/// A table in the style of `quarry query`'s, fitted to the terminal's width.
fn print_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    numeric: &[usize],
    options: &RenderOptions,
) -> io::Result<()> {
    // Numbers and datetimes are kept whole while they fit: a cut one reads as another value.
    let whole: Vec<usize> = numeric
        .iter()
        .copied()
        .chain(header.iter().enumerate().filter(|(_, h)| h.ends_with(" seen")).map(|(i, _)| i))
        .collect();
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_truncation_indicator("…").set_delimiter('\0');
    match options.width {
        Some(width) => table.set_content_arrangement(ContentArrangement::Dynamic).set_width(width),
        None => table.set_content_arrangement(ContentArrangement::Disabled),
    };
    let mut head = Row::from(header.iter().map(|h| Cell::new(*h)));
    head.max_height(1);
    table.set_header(head);
    // Widest cell per column, in characters.
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(&row) {
            *width = (*width).max(escape(cell).chars().count());
        }
        let mut cells = Row::from(row.iter().map(|cell| Cell::new(escape(cell))));
        cells.max_height(1);
        table.add_row(cells);
    }
    for &i in numeric {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    if let Some(width) = options.width {
        keep_whole(&mut table, &widths, &whole, usize::from(width));
    }
    for (i, line) in table.lines().enumerate() {
        if options.color && i == 1 {
            writeln!(out, "{BOLD}{line}{RESET}")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn summary_devices_tools_and_status() {
        let text = rendered(HuntFormat::Table, &RenderOptions { width: Some(160), ..RenderOptions::default() });
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Hunt at 2024-05-01T00:00:00Z over 2024-04-01T00:00:00Z to now(): 7 rules (5 ran, 1 skipped, 1 failed); \
             6 findings on 2 devices"
        );
        assert_eq!(lines[1], "3 tools found: AnyDesk, Pulseway, ScreenConnect");
        let row = |needle: &str| {
            *lines
                .iter()
                .find(|l| l.contains(needle) && l.starts_with('│'))
                .unwrap_or_else(|| panic!("{needle}:\n{text}"))
        };
        let host_a = row("host-a.contoso.local");
        for cell in ["aaa111", "AnyDesk, ScreenConnect", "2024-04-21T00:00:00Z", "2024-04-29T00:00:00Z", " 2 ", " 6 "] {
            assert!(host_a.contains(cell), "{cell} in {host_a}");
        }
        assert!(row("host-b.contoso.local").contains("AnyDesk, Pulseway"), "{text}");
        let anydesk = row("│ AnyDesk ");
        assert!(anydesk.trim_end_matches(['│', ' ']).ends_with(" 2"), "two AnyDesk rules fired: {anydesk}");
        // Findings without a device are shown, not lost.
        assert!(text.contains("Other findings: AnyDesk files (rmm-anydesk-files), 2 rows"), "{text}");
        assert!(text.contains("anydesk (1).exe"), "{text}");
        // Rule status: skipped, failed, and the exclusion with its count.
        assert!(
            text.contains("skipped rmm-action1-cert (Action1 certificate): table DeviceFileCertificateInfo"),
            "{text}"
        );
        assert!(text.contains("failed  broken (Broken rule): broken.kql:3:5: unknown column `Foo`"), "{text}");
        assert!(text.contains("tuned   rmm-anydesk (AnyDesk execution): 12 events suppressed by exclusions"), "{text}");
        assert!(text.contains("      12  IT deploys AnyDesk with SCCM"), "{text}");
        // Not verbose: no predicates, no scans, no colour.
        assert!(!text.contains("sccm.exe") && !text.contains("Scans") && !text.contains('\x1b'), "{text}");
        for line in &lines {
            assert!(line.chars().count() <= 160, "{line}");
        }
    }

    #[test]
    fn verbose_adds_scans_predicates_and_evidence() {
        let text =
            rendered(HuntFormat::Table, &RenderOptions { verbose: true, width: None, ..RenderOptions::default() });
        assert!(text.contains("[exclusions.yaml:4] where InitiatingProcessFileName =~ \"sccm.exe\""), "{text}");
        assert!(text.contains("Scans"), "{text}");
        assert!(text.lines().any(|l| l.contains("DeviceProcessEvents") && l.contains("100000") && l.contains(" 40 ")));
        assert!(text.contains("Evidence: ScreenConnect execution (rmm-screenconnect)"), "{text}");
        assert!(text.contains("<script>alert(1)</script>"), "{text}");
        assert!(text.contains("Devices by tool"), "{text}");
    }

    #[test]
    fn times_and_counts_stay_whole_while_text_is_cut() {
        let text = rendered(HuntFormat::Table, &RenderOptions { width: Some(110), ..RenderOptions::default() });
        let host_a = text.lines().find(|l| l.contains("aaa111")).unwrap();
        assert!(host_a.chars().count() <= 110, "{host_a}");
        assert!(host_a.contains("2024-04-21T00:00:00Z") && host_a.contains("2024-04-29T00:00:00Z"), "{text}");
        assert!(host_a.contains('…'), "the text columns give way: {text}");
    }

    #[test]
    fn narrow_terminal_and_colour() {
        let text =
            rendered(HuntFormat::Table, &RenderOptions { width: Some(60), color: true, ..RenderOptions::default() });
        for line in text.lines().filter(|l| l.starts_with(['│', '┌', '└', '╞'])) {
            assert!(line.chars().count() <= 60, "{line}");
        }
        assert!(text.contains("\x1b[1mDevices\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[31mfailed \x1b[0m"), "{text}");
    }

    #[test]
    fn skipped_rules_are_grouped_by_reason_and_idle_exclusions_counted() {
        use quarry_hunt::hunt::{RuleStatus, Suppression};
        let mut report = sample_report();
        let template = report.rules[5].clone();
        for i in 0..3 {
            let mut run = template.clone();
            let mut rule = (*run.rule).clone();
            rule.id = format!("file-rule-{i}");
            run.rule = std::sync::Arc::new(rule);
            run.status = RuleStatus::Skipped { reason: "table DeviceFileEvents is not in the data".to_owned() };
            report.rules.push(run);
        }
        let idle = Suppression {
            predicate: "FileName == \"x\"".to_owned(),
            reason: "never matches".to_owned(),
            origin: "exclusions.yaml:9".to_owned(),
            events: 0,
        };
        report.rules[0].suppressed.push(idle.clone());
        report.rules[1].suppressed.push(idle);
        let text = |verbose| {
            let mut out = Vec::new();
            render(&report, HuntFormat::Table, &mut out, &RenderOptions { verbose, ..RenderOptions::default() })
                .unwrap();
            String::from_utf8(out).unwrap()
        };
        let short = text(false);
        assert!(short.contains("  skipped 3 rules: table DeviceFileEvents is not in the data\n"), "{short}");
        assert!(!short.contains("file-rule-1"), "{short}");
        assert!(short.contains("skipped rmm-action1-cert (Action1 certificate)"), "{short}");
        assert!(short.contains("  2 other exclusions removed no event (--verbose lists them)\n"), "{short}");
        assert!(!short.contains("never matches"), "{short}");
        let long = text(true);
        assert!(long.contains("skipped file-rule-1 (Action1 certificate): table DeviceFileEvents"), "{long}");
        assert!(long.contains("       0  never matches [exclusions.yaml:9] where FileName == \"x\""), "{long}");
        assert!(long.contains("tuned   rmm-screenconnect (ScreenConnect execution): 0 events suppressed"), "{long}");
    }

    #[test]
    fn many_rows_without_a_device_are_cut_unless_verbose() {
        use std::sync::Arc;

        use arrow::array::{ArrayRef, StringArray};
        let mut report = sample_report();
        let names: Vec<String> = (0..25).map(|i| format!("file{i:02}.exe")).collect();
        let files = batch(vec![("FileName", Arc::new(StringArray::from(names)) as ArrayRef)]);
        report.rules[3].schema = Some(files.schema());
        report.rules[3].batches = vec![files.slice(0, 10), files.slice(10, 15)];
        let text = |verbose| {
            let mut out = Vec::new();
            render(&report, HuntFormat::Table, &mut out, &RenderOptions { verbose, ..RenderOptions::default() })
                .unwrap();
            String::from_utf8(out).unwrap()
        };
        let short = text(false);
        assert!(short.contains("Other findings: AnyDesk files (rmm-anydesk-files), 25 rows"), "{short}");
        assert!(short.contains("file19.exe") && !short.contains("file20.exe"), "{short}");
        assert!(short.contains("(20 rows)\n… 5 more (--verbose, or --format html)\n"), "{short}");
        let long = text(true);
        assert!(long.contains("file24.exe") && !long.contains("Other findings"), "{long}");
    }

    #[test]
    fn batches_of_different_shapes_are_all_shown() {
        use std::sync::Arc;

        use arrow::array::{ArrayRef, Int64Array, StringArray};
        let mut report = sample_report();
        let one = batch(vec![("FileName", Arc::new(StringArray::from(vec!["first.exe"])) as ArrayRef)]);
        let other = batch(vec![("Bytes", Arc::new(Int64Array::from(vec![4096])) as ArrayRef)]);
        report.rules[3].batches = vec![one, other];
        for verbose in [false, true] {
            let mut out = Vec::new();
            render(&report, HuntFormat::Table, &mut out, &RenderOptions { verbose, ..RenderOptions::default() })
                .unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("first.exe") && text.contains("4096"), "{text}");
        }
    }

    #[test]
    fn a_quiet_hunt_says_so() {
        let mut report = sample_report();
        report.rules.retain(|r| r.rule.id == "rmm-quiet");
        report.since = None;
        let mut out = Vec::new();
        render(&report, HuntFormat::Table, &mut out, &RenderOptions::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(
                "Hunt at 2024-05-01T00:00:00Z: 1 rule (1 ran, 0 skipped, 0 failed); 0 findings on 0 devices\n0 tools found\n"
            ),
            "{text}"
        );
        assert!(text.contains("every rule ran; no exclusion removed any event"), "{text}");
    }
}
