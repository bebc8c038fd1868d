//! `--format html`: one self-contained file a responder can hand to a customer.
//!
//! Sections: summary (when generated, `now()`, time window, data scanned, rule counts, devices,
//! tools), a per-device timeline (each tool's first/last seen as a bar on one time axis shared
//! by every device, in inline SVG, then a table), the evidence rows of every rule that fired,
//! the ATT&CK mapping (tactic, technique, rules that fired, linked to attack.mitre.org), and the
//! rule status (skipped and failed rules with reasons, exclusions with their counts).
//!
//! No external asset: CSS and a little JavaScript (table sorting, an evidence filter) are
//! inline, and the page reads fully without JavaScript. A Content-Security-Policy forbids every
//! network fetch. Every value goes through [`esc`]: the rows hold the attacker's own text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use arrow::datatypes::SchemaRef;
use quarry_hunt::hunt::{RuleRun, RuleStatus};

use super::model::{Activity, Analysis, Device, datetime, technique_url};
use super::{RenderOptions, plural};
use crate::results::table::escape;
use crate::results::value::to_display;

/// Colours of the timeline bars, one per tool in the report's tool order.
const PALETTE: [&str; 8] = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];

/// Rows of evidence shown per rule: a rule that returns raw events rather than one row per
/// device would otherwise make a page no browser opens.
const EVIDENCE_ROWS: usize = 2_000;

/// Lists of skipped rules, and the list of all rules, longer than this fold away on screen
/// (and in print): their counts are shown, the rows are a run log.
const FOLD_AFTER: usize = 20;

/// The enterprise ATT&CK tactics in kill-chain order, with their ids.
const TACTICS: [(&str, &str, &str); 14] = [
    ("reconnaissance", "Reconnaissance", "TA0043"),
    ("resourcedevelopment", "Resource Development", "TA0042"),
    ("initialaccess", "Initial Access", "TA0001"),
    ("execution", "Execution", "TA0002"),
    ("persistence", "Persistence", "TA0003"),
    ("privilegeescalation", "Privilege Escalation", "TA0004"),
    ("defenseevasion", "Defense Evasion", "TA0005"),
    ("credentialaccess", "Credential Access", "TA0006"),
    ("discovery", "Discovery", "TA0007"),
    ("lateralmovement", "Lateral Movement", "TA0008"),
    ("collection", "Collection", "TA0009"),
    ("commandandcontrol", "Command and Control", "TA0011"),
    ("exfiltration", "Exfiltration", "TA0010"),
    ("impact", "Impact", "TA0040"),
];

pub fn write(analysis: &Analysis<'_>, out: &mut dyn Write, options: &RenderOptions) -> io::Result<()> {
    let mut page = String::with_capacity(64 * 1024);
    // Writing to a String cannot fail.
    let _ = page_html(&mut page, analysis, options);
    out.write_all(page.as_bytes())
}

fn page_html(h: &mut String, analysis: &Analysis<'_>, options: &RenderOptions) -> std::fmt::Result {
    // To the second: the report's own time needs no more.
    let generated = datetime(Some(options.generated_at() / 1_000_000_000 * 1_000_000_000));
    writeln!(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(
        h,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         script-src 'unsafe-inline'\">"
    )?;
    writeln!(h, "<meta name=\"generator\" content=\"quarry {}\">", env!("CARGO_PKG_VERSION"))?;
    writeln!(h, "<title>Threat hunt report, {}</title>", esc(&generated))?;
    writeln!(h, "<style>{CSS}</style>\n</head>\n<body>")?;
    writeln!(h, "<header><h1>Threat hunt report</h1>")?;
    writeln!(
        h,
        "<p class=\"sub\">Generated {} by quarry {} &middot; {} on {} &middot; {}</p></header>",
        esc(&generated),
        env!("CARGO_PKG_VERSION"),
        plural(analysis.findings.len(), "finding", "findings"),
        plural(analysis.devices.len(), "device", "devices"),
        plural(analysis.tools.len(), "tool", "tools"),
    )?;
    writeln!(
        h,
        "<nav class=\"toc\"><a href=\"#summary\">Summary</a> <a href=\"#devices\">Devices</a> \
         <a href=\"#evidence\">Evidence</a> <a href=\"#attack\">ATT&amp;CK mapping</a> \
         <a href=\"#status\">Rule status</a></nav>\n<main>"
    )?;
    summary(h, analysis, &generated)?;
    devices(h, analysis)?;
    evidence(h, analysis)?;
    attack(h, analysis)?;
    status(h, analysis)?;
    writeln!(
        h,
        "</main>\n<footer>Quarry {} &middot; offline KQL threat hunting. Times are UTC.</footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(h, "<script>{SCRIPT}</script>")?;
    writeln!(h, "</body>\n</html>")?;
    Ok(())
}

fn summary(h: &mut String, analysis: &Analysis<'_>, generated: &str) -> std::fmt::Result {
    let report = analysis.report;
    writeln!(h, "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">")?;
    let suppressed = analysis.suppressed_total();
    let cards = [
        (analysis.devices.len().to_string(), "devices with findings", ""),
        (analysis.tools.len().to_string(), "tools found", ""),
        (analysis.findings.len().to_string(), "findings", ""),
        (analysis.ran.to_string(), "rules ran", ""),
        (analysis.skipped.to_string(), "rules skipped", if analysis.skipped > 0 { " warn" } else { "" }),
        (analysis.failed.to_string(), "rules failed", if analysis.failed > 0 { " bad" } else { "" }),
        (suppressed.to_string(), "events suppressed", ""),
    ];
    for (value, label, class) in cards {
        writeln!(h, "<div class=\"card{class}\"><b>{}</b><span>{label}</span></div>", esc(&value))?;
    }
    writeln!(h, "</div>\n<table class=\"kv\">")?;
    let window = match (report.since, report.until) {
        (None, None) => "all data".to_owned(),
        (since, until) => format!(
            "{} to {}",
            since.map_or_else(|| "the first event".to_owned(), |t| datetime(Some(t))),
            until.map_or_else(|| "now()".to_owned(), |t| datetime(Some(t)))
        ),
    };
    let rows_read: u64 = report.scans.iter().map(|s| s.rows_read).sum();
    let scanned = format!("{} rows in {}", rows_read, plural(report.scans.len(), "table", "tables"));
    let tools: Vec<&str> = analysis.tools.iter().map(|t| t.name.as_str()).collect();
    let rules = format!(
        "{} in the pack: {} ran, {} skipped, {} failed",
        report.rules.len(),
        analysis.ran,
        analysis.skipped,
        analysis.failed
    );
    let facts = [
        ("Generated", generated.to_owned()),
        ("now() (--now)", datetime(Some(report.now))),
        ("Time window", window),
        ("Data scanned", scanned),
        ("Rules", rules),
        ("Devices with findings", analysis.devices.iter().map(Device::label).collect::<Vec<_>>().join(", ")),
        ("Tools found", tools.join(", ")),
    ];
    for (key, value) in facts {
        let value = if value.is_empty() { "none".to_owned() } else { value };
        writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(key), esc(&value))?;
    }
    writeln!(h, "</table>")?;
    if !report.scans.is_empty() {
        writeln!(
            h,
            "<h3>Data scanned</h3>\n<table class=\"data sortable\"><thead><tr><th>Table</th><th class=\"num\">Scans</th><th class=\"num\">Rows read</th><th class=\"num\">Rows kept</th><th class=\"num\">Rules</th></tr></thead><tbody>"
        )?;
        for scan in &report.scans {
            writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&scan.table),
                scan.scans,
                scan.rows_read,
                scan.rows_kept,
                scan.rules
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    writeln!(h, "</section>")
}

fn devices(h: &mut String, analysis: &Analysis<'_>) -> std::fmt::Result {
    writeln!(h, "<section id=\"devices\"><h2>Devices</h2>")?;
    if analysis.devices.is_empty() {
        writeln!(h, "<p class=\"empty\">No finding names a device.</p></section>")?;
        return Ok(());
    }
    // One axis for every device, so bars compare across devices.
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for device in &analysis.devices {
        for t in [device.activity.first, device.activity.last].into_iter().flatten() {
            lo = lo.min(t);
            hi = hi.max(t);
        }
    }
    let axis = (lo <= hi).then(|| {
        // A little room either side; an hour either side of a single instant.
        // In i128: the span of two extreme datetimes does not fit an i64.
        let pad = ((i128::from(hi) - i128::from(lo)) / 40).max(if hi == lo { 3_600_000_000_000 } else { 1 });
        let pad = i64::try_from(pad).unwrap_or(i64::MAX);
        (lo.saturating_sub(pad), hi.saturating_add(pad))
    });
    writeln!(
        h,
        "<p class=\"note\">Each bar runs from the first to the last time a tool was seen on the device; \
         all devices share one time axis{}.</p>",
        axis.map(|(a, b)| format!(" ({} to {})", esc(&short(a)), esc(&short(b)))).unwrap_or_default()
    )?;
    for device in &analysis.devices {
        write!(h, "<article class=\"device\"><h3>{}", esc(device.label()))?;
        if !device.id.is_empty() && device.id != device.label() {
            write!(h, " <small>DeviceId {}</small>", esc(&device.id))?;
        }
        writeln!(h, "</h3>")?;
        timeline(h, analysis, device, axis)?;
        writeln!(
            h,
            "<table class=\"data sortable\"><thead><tr><th>Tool</th><th>Rules</th><th>First seen</th><th>Last seen</th><th class=\"num\">Findings</th><th class=\"num\">Events</th></tr></thead><tbody>"
        )?;
        for (tool, activity) in &device.tools {
            let rules: Vec<String> = activity.rules.iter().map(|&i| rule_link(&analysis.report.rules[i])).collect();
            writeln!(h, "<tr><td>{}</td><td>{}</td>{}</tr>", esc(tool), rules.join("<br>"), activity_cells(activity))?;
        }
        writeln!(
            h,
            "</tbody><tfoot><tr><th>All tools</th><td></td>{}</tr></tfoot></table></article>",
            activity_cells(&device.activity)
        )?;
    }
    writeln!(h, "</section>")
}

fn activity_cells(activity: &Activity) -> String {
    format!(
        "<td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        esc(&datetime(activity.first)),
        esc(&datetime(activity.last)),
        activity.findings,
        activity.events
    )
}

/// `2024-04-21 00:00` for an axis label.
fn short(ns: i64) -> String {
    let text = datetime(Some(ns));
    text.get(..16).map(|t| t.replacen('T', " ", 1)).unwrap_or(text)
}

/// One device's tools as bars on the shared axis, in inline SVG.
fn timeline(h: &mut String, analysis: &Analysis<'_>, device: &Device, axis: Option<(i64, i64)>) -> std::fmt::Result {
    const WIDTH: f64 = 900.0;
    const LEFT: f64 = 170.0;
    const RIGHT: f64 = 890.0;
    const ROW: f64 = 24.0;
    let rows = device.tools.len() as f64;
    let height = 12.0 + rows * ROW + 26.0;
    writeln!(
        h,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"Timeline of tools on {}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(device.label())
    )?;
    let x = |t: i64| match axis {
        Some((a, b)) if b > a => LEFT + (t as f64 - a as f64) / (b as f64 - a as f64) * (RIGHT - LEFT),
        _ => LEFT,
    };
    let axis_y = 12.0 + rows * ROW;
    if let Some((a, b)) = axis {
        for i in 0..=4 {
            // Float to int casts saturate, so the extremes cannot overflow.
            let t = (a as f64 + (b as f64 - a as f64) * f64::from(i) / 4.0) as i64;
            let px = x(t);
            let anchor = match i {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            writeln!(
                h,
                "<line x1=\"{px:.1}\" y1=\"6\" x2=\"{px:.1}\" y2=\"{axis_y:.1}\" class=\"grid\"/><text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" class=\"tick\">{}</text>",
                axis_y + 16.0,
                esc(&short(t))
            )?;
        }
    }
    for (row, (tool, activity)) in device.tools.iter().enumerate() {
        let y = 12.0 + row as f64 * ROW;
        let colour =
            analysis.tools.iter().position(|t| &t.name == tool).map_or(PALETTE[0], |i| PALETTE[i % PALETTE.len()]);
        writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"label\">{}</text>",
            LEFT - 8.0,
            y + 12.0,
            esc(tool)
        )?;
        match (activity.first, activity.last) {
            (Some(first), Some(last)) => {
                let (x0, x1) = (x(first), x(last));
                let width = (x1 - x0).max(4.0);
                writeln!(
                    h,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"14\" rx=\"3\" fill=\"{colour}\"><title>{}: {} to {} ({})</title></rect>",
                    x0.min(RIGHT - 4.0),
                    y + 2.0,
                    esc(tool),
                    esc(&datetime(Some(first))),
                    esc(&datetime(Some(last))),
                    plural(activity.findings, "finding", "findings")
                )?;
            }
            _ => {
                writeln!(
                    h,
                    "<text x=\"{LEFT:.1}\" y=\"{:.1}\" class=\"tick\">no time in the findings</text>",
                    y + 12.0
                )?;
            }
        }
    }
    writeln!(h, "</svg>")
}

fn evidence(h: &mut String, analysis: &Analysis<'_>) -> std::fmt::Result {
    let report = analysis.report;
    writeln!(h, "<section id=\"evidence\"><h2>Evidence</h2>")?;
    let fired: Vec<(usize, &RuleRun)> = report.rules.iter().enumerate().filter(|(_, r)| r.rows() > 0).collect();
    if fired.is_empty() {
        writeln!(h, "<p class=\"empty\">No rule returned rows.</p></section>")?;
        return Ok(());
    }
    writeln!(
        h,
        "<p class=\"note\">Every result row of every rule that fired: each row is one finding. \
         Rows that name no device are marked <span class=\"pill\">no device</span>.</p>\n\
         <p class=\"no-print filter\"><label>Filter rows <input id=\"filter\" type=\"search\" placeholder=\"host, tool, command line…\"></label></p>"
    )?;
    for (index, run) in fired {
        let rule = &run.rule;
        writeln!(h, "<article class=\"rule\" id=\"rule-{}\"><h3>{}</h3>", esc(&anchor(&rule.id)), esc(&rule.name))?;
        write!(h, "<p class=\"meta\"><code>{}</code>", esc(&rule.id))?;
        if let Some(tool) = &rule.tool {
            write!(h, " &middot; tool <b>{}</b>", esc(tool))?;
        }
        if let Some(severity) = &rule.severity {
            write!(
                h,
                " &middot; <span class=\"sev sev-{}\">{}</span>",
                esc(&anchor(&severity.to_ascii_lowercase())),
                esc(severity)
            )?;
        }
        for technique in &rule.techniques {
            write!(h, " &middot; {}", technique_link(technique))?;
        }
        writeln!(h, " &middot; {}</p>", plural(run.rows(), "row", "rows"))?;
        if !rule.description.trim().is_empty() {
            // Prose from the rule's author: its line breaks are kept, everything else escaped.
            let lines: Vec<String> = rule.description.trim().lines().map(esc).collect();
            writeln!(h, "<p class=\"desc\">{}</p>", lines.join("<br>"))?;
        }
        let findings = analysis.findings_of(index);
        let mut previous: Option<SchemaRef> = None;
        for finding in findings.iter().take(EVIDENCE_ROWS) {
            let (batch, row) = (finding.batch, finding.row);
            let schema = batch.schema();
            if previous.as_ref() != Some(&schema) {
                if previous.is_some() {
                    writeln!(h, "</tbody></table></div>")?;
                }
                write!(h, "<div class=\"scroll\"><table class=\"data sortable evidence\"><thead><tr>")?;
                for field in schema.fields() {
                    let class = if field.data_type().is_numeric() { " class=\"num\"" } else { "" };
                    write!(h, "<th{class}>{}</th>", esc(field.name()))?;
                }
                writeln!(h, "</tr></thead><tbody>")?;
                previous = Some(schema);
            }
            write!(h, "<tr{}>", if finding.device.is_none() { " class=\"nodevice\"" } else { "" })?;
            for column in batch.columns() {
                let numeric = column.data_type().is_numeric();
                write!(
                    h,
                    "<td{}>{}</td>",
                    if numeric { " class=\"num\"" } else { "" },
                    esc(&to_display(column.as_ref(), row))
                )?;
            }
            writeln!(h, "</tr>")?;
        }
        if previous.is_some() {
            writeln!(h, "</tbody></table></div>")?;
        }
        if findings.len() > EVIDENCE_ROWS {
            writeln!(
                h,
                "<p class=\"note\">The first {EVIDENCE_ROWS} rows of {} are shown; every row is in \
                 <code>--format json</code> or <code>csv</code>.</p>",
                findings.len()
            )?;
        }
        writeln!(h, "</article>")?;
    }
    writeln!(h, "</section>")
}

fn attack(h: &mut String, analysis: &Analysis<'_>) -> std::fmt::Result {
    let report = analysis.report;
    writeln!(h, "<section id=\"attack\"><h2>MITRE ATT&amp;CK mapping</h2>")?;
    // tactic (kill-chain position, name) -> technique -> rules that fired
    let mut map: BTreeMap<(usize, String), BTreeMap<String, Vec<&RuleRun>>> = BTreeMap::new();
    for run in report.rules.iter().filter(|r| r.rows() > 0) {
        let tactics: Vec<(usize, String)> = if run.rule.tactics.is_empty() {
            vec![(usize::MAX, "Unspecified".to_owned())]
        } else {
            run.rule.tactics.iter().map(|t| tactic(t)).collect()
        };
        let techniques: Vec<String> =
            if run.rule.techniques.is_empty() { vec![String::new()] } else { run.rule.techniques.clone() };
        for tactic in tactics {
            let entry = map.entry(tactic).or_default();
            for technique in &techniques {
                let rules = entry.entry(technique.clone()).or_default();
                if !rules.iter().any(|r| std::ptr::eq(*r, run)) {
                    rules.push(run);
                }
            }
        }
    }
    if map.is_empty() {
        writeln!(h, "<p class=\"empty\">No rule fired.</p></section>")?;
        return Ok(());
    }
    writeln!(
        h,
        "<table class=\"data attack\"><thead><tr><th>Tactic</th><th>Technique</th><th>Rules that fired</th><th class=\"num\">Findings</th></tr></thead><tbody>"
    )?;
    for ((position, name), techniques) in &map {
        let span = techniques.len();
        for (i, (technique, rules)) in techniques.iter().enumerate() {
            write!(h, "<tr>")?;
            if i == 0 {
                let tactic_cell = match TACTICS.get(*position) {
                    Some((_, _, id)) => format!(
                        "<a href=\"https://attack.mitre.org/tactics/{id}/\">{}</a> <small>{id}</small>",
                        esc(name)
                    ),
                    None => esc(name),
                };
                write!(h, "<td rowspan=\"{span}\" class=\"tactic\">{tactic_cell}</td>")?;
            }
            let technique_cell = if technique.is_empty() { "&mdash;".to_owned() } else { technique_link(technique) };
            let names: Vec<String> = rules.iter().map(|r| rule_link(r)).collect();
            let findings: usize = rules.iter().map(|r| r.rows()).sum();
            writeln!(
                h,
                "<td>{technique_cell}</td><td>{}</td><td class=\"num\">{findings}</td></tr>",
                names.join("<br>")
            )?;
        }
    }
    writeln!(h, "</tbody></table></section>")
}

/// Failed or skipped rules with their reasons.
fn problem_table(h: &mut String, runs: &[&RuleRun]) -> std::fmt::Result {
    if runs.is_empty() {
        return Ok(());
    }
    writeln!(
        h,
        "<table class=\"data sortable\"><thead><tr><th>Status</th><th>Rule</th><th>Name</th><th>Tool</th><th>Reason</th></tr></thead><tbody>"
    )?;
    for run in runs {
        let status = run.status.as_str();
        writeln!(
            h,
            "<tr><td><span class=\"status {status}\">{status}</span></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&run.rule.id),
            esc(&run.rule.name),
            esc(run.rule.tool.as_deref().unwrap_or("")),
            esc(run.status.reason().unwrap_or(""))
        )?;
    }
    writeln!(h, "</tbody></table>")
}

fn status(h: &mut String, analysis: &Analysis<'_>) -> std::fmt::Result {
    let report = analysis.report;
    writeln!(h, "<section id=\"status\"><h2>Rule status</h2>")?;
    writeln!(
        h,
        "<p class=\"note\">{}: {} ran, {} skipped, {} failed. A skipped rule could not look for its tool: \
         its absence from this report is not evidence of absence.</p>",
        plural(report.rules.len(), "rule", "rules"),
        analysis.ran,
        analysis.skipped,
        analysis.failed
    )?;
    // Skipped rules by reason: a big pack over a partial export skips many for a few reasons.
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for run in &report.rules {
        if let RuleStatus::Skipped { reason } = &run.status {
            match reasons.iter_mut().find(|(r, _)| r == reason) {
                Some((_, n)) => *n += 1,
                None => reasons.push((reason, 1)),
            }
        }
    }
    if !reasons.is_empty() {
        writeln!(
            h,
            "<table class=\"data sortable\"><thead><tr><th>Why rules were skipped</th><th class=\"num\">Rules</th></tr></thead><tbody>"
        )?;
        for (reason, n) in &reasons {
            writeln!(h, "<tr><td>{}</td><td class=\"num\">{n}</td></tr>", esc(reason))?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    // Failed rules are what needs fixing: always listed. Skipped ones are summarised above, so
    // a long list of them folds away (a pack of hundreds over a partial export).
    let failed: Vec<&RuleRun> = report.rules.iter().filter(|r| matches!(r.status, RuleStatus::Failed { .. })).collect();
    let skipped: Vec<&RuleRun> =
        report.rules.iter().filter(|r| matches!(r.status, RuleStatus::Skipped { .. })).collect();
    problem_table(h, &failed)?;
    if skipped.len() > FOLD_AFTER {
        writeln!(h, "<details><summary>The {} skipped rules</summary>", skipped.len())?;
        problem_table(h, &skipped)?;
        writeln!(h, "</details>")?;
    } else {
        problem_table(h, &skipped)?;
    }
    let tuned: Vec<&RuleRun> = report.rules.iter().filter(|r| !r.suppressed.is_empty()).collect();
    writeln!(h, "<h3>Exclusions</h3>")?;
    if tuned.is_empty() {
        writeln!(h, "<p class=\"empty\">No exclusion was in use.</p>")?;
    } else {
        writeln!(
            h,
            "<table class=\"data sortable\"><thead><tr><th>Rule</th><th>Reason</th><th>Origin</th><th>Predicate</th><th class=\"num\">Events suppressed</th></tr></thead><tbody>"
        )?;
        for run in tuned {
            for s in &run.suppressed {
                writeln!(
                    h,
                    "<tr{}><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
                    if s.events == 0 { " class=\"zero\"" } else { "" },
                    esc(&run.rule.id),
                    esc(&run.rule.name),
                    esc(&s.reason),
                    esc(&s.origin),
                    esc(&s.predicate),
                    s.events
                )?;
            }
        }
        writeln!(h, "</tbody></table>")?;
    }
    let fold = report.rules.len() > FOLD_AFTER;
    if fold {
        writeln!(h, "<details><summary>All rules ({})</summary>", report.rules.len())?;
    } else {
        writeln!(h, "<h3>All rules ({})</h3>", report.rules.len())?;
    }
    writeln!(
        h,
        "<table class=\"data sortable\"><thead><tr><th>Status</th><th>Rule</th><th>Name</th><th>Tool</th><th class=\"num\">Rows</th><th class=\"num\">Suppressed</th><th class=\"num\">Time (ms)</th></tr></thead><tbody>"
    )?;
    for run in &report.rules {
        let status = run.status.as_str();
        writeln!(
            h,
            "<tr><td><span class=\"status {status}\">{status}</span></td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&run.rule.id),
            esc(&run.rule.name),
            esc(run.rule.tool.as_deref().unwrap_or("")),
            run.rows(),
            run.suppressed_total(),
            run.elapsed.as_millis()
        )?;
    }
    writeln!(h, "</tbody></table>{}</section>", if fold { "</details>" } else { "" })
}

/// The kill-chain position and display name of a tactic as rules spell it
/// (`CommandAndControl`, `command-and-control`, `Command and Control`).
fn tactic(name: &str) -> (usize, String) {
    let key: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    match TACTICS.iter().position(|(k, _, _)| *k == key) {
        Some(i) => (i, TACTICS[i].1.to_owned()),
        None => (TACTICS.len(), name.to_owned()),
    }
}

/// A rule's name, linked to its evidence when it has rows.
fn rule_link(run: &RuleRun) -> String {
    if run.rows() > 0 {
        format!("<a href=\"#rule-{}\">{}</a>", esc(&anchor(&run.rule.id)), esc(&run.rule.name))
    } else {
        esc(&run.rule.name)
    }
}

fn technique_link(technique: &str) -> String {
    match technique_url(technique) {
        Some(url) => format!("<a href=\"{}\">{}</a>", esc(&url), esc(technique)),
        None => esc(technique),
    }
}

/// A rule id as an HTML id fragment: ASCII letters, digits, `-` and `_`.
fn anchor(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// Text for HTML content or a quoted attribute: control and bidi characters shown escaped (as
/// the terminal table shows them), then the five HTML specials as entities.
fn esc(text: &str) -> String {
    let inert = escape(text);
    let mut out = String::with_capacity(inert.len() + 8);
    for c in inert.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--head:#f3f4f6;--accent:#1d4ed8;--bad:#b91c1c;--warn:#b45309}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
header{padding:24px 32px 12px;border-bottom:3px solid var(--accent)}
h1{margin:0;font-size:24px}
.sub{margin:4px 0 0;color:var(--muted)}
nav.toc{padding:8px 32px;background:var(--head);border-bottom:1px solid var(--line)}
nav.toc a{margin-right:16px;color:var(--accent);text-decoration:none}
main{padding:0 32px 32px;max-width:1400px}
section{margin-top:28px}
h2{font-size:19px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
h3 small{font-weight:normal;color:var(--muted);font-size:12px;margin-left:8px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 16px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:12px}
.card.warn b{color:var(--warn)}
.card.bad b{color:var(--bad)}
table{border-collapse:collapse;margin:6px 0 12px}
table.kv th{text-align:left;padding:3px 16px 3px 0;color:var(--muted);font-weight:normal;vertical-align:top}
table.kv td{padding:3px 0}
table.data{width:100%;font-size:13px}
table.data th,table.data td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
table.data thead th{background:var(--head);position:sticky;top:0}
table.data tfoot th,table.data tfoot td{background:#fafafa;font-weight:600}
table.sortable thead th{cursor:pointer}
td.num,th.num,table.data td.num,table.data th.num{text-align:right;font-variant-numeric:tabular-nums}
table.evidence td{font-family:ui-monospace,Consolas,monospace;font-size:12px;word-break:break-word;max-width:48em}
tr.nodevice td:first-child{border-left:3px solid var(--warn)}
.scroll{overflow-x:auto}
td.t{white-space:nowrap}
tr.zero td{color:var(--muted)}
svg.timeline{width:100%;max-width:1000px;height:auto;display:block;margin:4px 0}
svg .grid{stroke:var(--line);stroke-width:1}
svg .tick{fill:var(--muted);font-size:11px}
svg .label{fill:var(--ink);font-size:12px}
.note,.empty{color:var(--muted)}
.meta{color:var(--muted);margin:0 0 4px}
.desc{margin:0 0 6px}
.pill{border:1px solid var(--warn);color:var(--warn);border-radius:8px;padding:0 6px;font-size:12px}
.sev{border-radius:8px;padding:0 6px;font-size:12px;border:1px solid var(--muted)}
.sev-high,.sev-critical{color:#fff;background:var(--bad);border-color:var(--bad)}
.sev-medium{color:#fff;background:var(--warn);border-color:var(--warn)}
.status{font-weight:600}
.status.failed{color:var(--bad)}
.status.skipped{color:var(--warn)}
.status.ran{color:#047857}
code{font-family:ui-monospace,Consolas,monospace;font-size:12px}
a{color:var(--accent)}
.filter input{padding:4px 8px;width:24em;max-width:100%}
details{margin:6px 0 12px}
summary{cursor:pointer;color:var(--accent)}
footer{padding:12px 32px;color:var(--muted);border-top:1px solid var(--line);font-size:12px}
@media print{
 @page{margin:14mm}
 body{font-size:11px}
 nav.toc,.no-print{display:none}
 header{padding:0 0 8px}
 main{padding:0;max-width:none}
 .scroll{overflow:visible}
 table.data thead th{position:static}
 article{break-inside:avoid-page}
 h2{break-after:avoid}
 a{color:inherit;text-decoration:none}
}
"#;

/// Table sorting (click a header) and the evidence filter. The page reads fully without it.
const SCRIPT: &str = r#"
(function(){
function key(row,i){var c=row.cells[i];return c?c.textContent.trim():"";}
document.querySelectorAll("table.sortable thead th").forEach(function(th){
 th.title="Sort";
 th.addEventListener("click",function(){
  var table=th.closest("table"),body=table.tBodies[0],i=th.cellIndex,asc=th.dataset.dir!=="asc";
  table.querySelectorAll("thead th").forEach(function(o){delete o.dataset.dir;});
  th.dataset.dir=asc?"asc":"desc";
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){
   var x=key(a,i),y=key(b,i),nx=parseFloat(x),ny=parseFloat(y);
   var r=(!isNaN(nx)&&!isNaN(ny)&&String(nx)===x&&String(ny)===y)?nx-ny:x.localeCompare(y);
   return asc?r:-r;});
  rows.forEach(function(r){body.appendChild(r);});
 });
});
var f=document.getElementById("filter");
if(f){f.addEventListener("input",function(){
 var q=f.value.toLowerCase();
 document.querySelectorAll("table.evidence tbody tr").forEach(function(r){
  r.style.display=r.textContent.toLowerCase().indexOf(q)<0?"none":"";});
});}
})();
"#;

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    fn page() -> String {
        rendered(
            HuntFormat::Html,
            &RenderOptions { generated_at: Some(NOW + 3_600_000_000_000), ..RenderOptions::default() },
        )
    }

    #[test]
    fn values_are_escaped() {
        let html = page();
        assert!(!html.contains("<script>alert(1)</script>"), "raw script in the page");
        assert!(html.contains("ScreenConnect.ClientService.exe &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;, -e"));
        // The only script element is the page's own.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.contains("InitiatingProcessFileName =~ &quot;sccm.exe&quot;"));
        assert!(html.contains("broken.kql:3:5: unknown column `Foo`"));
    }

    #[test]
    fn descriptions_keep_their_line_breaks_and_nothing_else() {
        let mut report = sample_report();
        let mut rule = (*report.rules[0].rule).clone();
        rule.description = "Finds <b>AnyDesk</b>.\nSee https://example.invalid/x?a=1&b=2\n".to_owned();
        report.rules[0].rule = std::sync::Arc::new(rule);
        let mut out = Vec::new();
        render(&report, HuntFormat::Html, &mut out, &RenderOptions::default()).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains(
            "<p class=\"desc\">Finds &lt;b&gt;AnyDesk&lt;/b&gt;.<br>See https://example.invalid/x?a=1&amp;b=2</p>"
        ));
    }

    #[test]
    fn control_and_bidi_characters_are_inert() {
        assert_eq!(super::esc("a\u{202e}b\nc<"), "a\\u{202e}b\\nc&lt;");
        assert_eq!(super::esc("'\"&"), "&#39;&quot;&amp;");
    }

    #[test]
    fn self_contained() {
        let html = page();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
        // No external asset: nothing is loaded from anywhere.
        for needle in ["src=", "<link", "@import", "url("] {
            assert!(!html.contains(needle), "{needle}");
        }
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn every_section_is_there() {
        let html = page();
        for id in ["summary", "devices", "evidence", "attack", "status"] {
            assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        // Summary.
        assert!(html.contains("<tr><th>Generated</th><td>2024-05-01T01:00:00Z</td></tr>"));
        assert!(html.contains("<tr><th>now() (--now)</th><td>2024-05-01T00:00:00Z</td></tr>"));
        assert!(html.contains("<tr><th>Time window</th><td>2024-04-01T00:00:00Z to now()</td></tr>"));
        assert!(html.contains("<tr><th>Data scanned</th><td>105000 rows in 2 tables</td></tr>"));
        assert!(html.contains("<tr><th>Rules</th><td>7 in the pack: 5 ran, 1 skipped, 1 failed</td></tr>"));
        assert!(html.contains("<tr><th>Tools found</th><td>AnyDesk, Pulseway, ScreenConnect</td></tr>"));
        assert!(
            html.contains("<tr><th>Devices with findings</th><td>host-a.contoso.local, host-b.contoso.local</td></tr>")
        );
        // Timeline: one SVG per device, one bar per tool on it.
        assert_eq!(html.matches("<svg class=\"timeline\"").count(), 2);
        assert_eq!(html.matches("<rect ").count(), 4);
        assert!(
            html.contains("<title>ScreenConnect: 2024-04-26T00:00:00Z to 2024-04-26T01:00:00Z (1 finding)</title>")
        );
        assert!(html.contains("<h3>host-a.contoso.local <small>DeviceId aaa111</small></h3>"));
        // Evidence: every result column, every row, dynamic arrays as JSON.
        assert!(html.contains(
            "<th>DeviceId</th><th>DeviceName</th><th>FirstSeen</th><th>LastSeen</th><th class=\"num\">Count</th><th>Report</th>"
        ));
        assert!(html.contains("<td>[&quot;r1&quot;,&quot;r2&quot;]</td>"));
        assert_eq!(html.matches("<tr class=\"nodevice\">").count(), 2);
        assert!(!html.contains("id=\"rule-rmm-quiet\""), "a rule without rows has no evidence");
        // ATT&CK.
        assert!(html.contains("<a href=\"https://attack.mitre.org/tactics/TA0011/\">Command and Control</a>"));
        assert!(html.contains("<a href=\"https://attack.mitre.org/techniques/T1219/\">T1219</a>"));
        assert!(html.contains("<a href=\"#rule-rmm-pulseway\">Pulseway execution</a>"));
        // Rule status.
        assert!(html.contains("<span class=\"status skipped\">skipped</span></td><td><code>rmm-action1-cert</code>"));
        assert!(html.contains("table DeviceFileCertificateInfo is not in the data"));
        assert!(html.contains("<td>IT deploys AnyDesk with SCCM</td><td>exclusions.yaml:4</td>"));
        assert!(html.contains("<td class=\"num\">12</td></tr>"));
    }

    #[test]
    fn evidence_is_capped_with_a_note() {
        use std::sync::Arc;

        use arrow::array::{ArrayRef, StringArray};
        let mut report = sample_report();
        let names: Vec<String> = (0..super::EVIDENCE_ROWS + 5).map(|i| format!("file{i}.exe")).collect();
        let many = batch(vec![("FileName", Arc::new(StringArray::from(names)) as ArrayRef)]);
        report.rules[3].schema = Some(many.schema());
        report.rules[3].batches = vec![many];
        let mut out = Vec::new();
        render(&report, HuntFormat::Html, &mut out, &RenderOptions::default()).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_eq!(html.matches("<tr class=\"nodevice\">").count(), super::EVIDENCE_ROWS);
        assert!(html.contains("The first 2000 rows of 2005 are shown"));
    }

    /// Every element the page opens is closed, in order (a cheap well-formedness check: the
    /// page is written by hand).
    fn assert_balanced(html: &str) {
        const VOID: [&str; 4] = ["meta", "br", "input", "!DOCTYPE"];
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let end = rest.find('>').expect("unclosed tag");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().unwrap_or_else(|| panic!("</{name}> closes nothing"));
                assert_eq!(open, name, "</{name}> closes <{open}>");
            } else if !tag.ends_with('/') {
                let name = tag.split([' ', '\n']).next().unwrap().to_owned();
                if VOID.contains(&name.as_str()) {
                    continue;
                }
                if name == "script" || name == "style" {
                    let close = format!("</{name}>");
                    let at = rest.find(&close).expect("raw text element closed");
                    rest = &rest[at + close.len()..];
                    continue;
                }
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "left open: {stack:?}");
    }

    #[test]
    fn the_page_is_balanced() {
        assert_balanced(&page());
        let mut report = sample_report();
        report.rules.truncate(0);
        let mut out = Vec::new();
        render(&report, HuntFormat::Html, &mut out, &RenderOptions::default()).unwrap();
        assert_balanced(&String::from_utf8(out).unwrap());
    }

    #[test]
    fn long_lists_of_skipped_rules_fold_under_a_summary_by_reason() {
        use quarry_hunt::hunt::RuleStatus;
        let mut report = sample_report();
        let template = report.rules[5].clone();
        for i in 0..super::FOLD_AFTER + 5 {
            let mut run = template.clone();
            let mut rule = (*run.rule).clone();
            rule.id = format!("file-rule-{i}");
            run.rule = std::sync::Arc::new(rule);
            run.status = RuleStatus::Skipped { reason: "table DeviceFileEvents is not in the data".to_owned() };
            report.rules.push(run);
        }
        let mut out = Vec::new();
        render(&report, HuntFormat::Html, &mut out, &RenderOptions::default()).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_balanced(&html);
        assert!(html.contains("<tr><td>table DeviceFileEvents is not in the data</td><td class=\"num\">25</td></tr>"));
        assert!(
            html.contains(
                "<tr><td>table DeviceFileCertificateInfo is not in the data</td><td class=\"num\">1</td></tr>"
            )
        );
        assert!(html.contains("<details><summary>The 26 skipped rules</summary>"));
        assert!(html.contains("<details><summary>All rules (32)</summary>"));
        // The failed rule stays in view, before the fold.
        let failed = html.find("<code>broken</code>").unwrap();
        assert!(failed < html.find("<details>").unwrap());
    }

    #[test]
    fn technique_links() {
        assert_eq!(
            super::technique_link("T1021.001"),
            "<a href=\"https://attack.mitre.org/techniques/T1021/001/\">T1021.001</a>"
        );
        assert_eq!(super::technique_link("T12<"), "T12&lt;");
        assert_eq!(super::tactic("command-and-control").1, "Command and Control");
        assert_eq!(super::tactic("PreAttack"), (14, "PreAttack".to_owned()));
    }

    #[test]
    fn an_empty_hunt_still_renders() {
        let mut report = sample_report();
        report.rules.truncate(0);
        let mut out = Vec::new();
        render(
            &report,
            HuntFormat::Html,
            &mut out,
            &RenderOptions { generated_at: Some(NOW), ..RenderOptions::default() },
        )
        .unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains("No finding names a device."));
        assert!(html.contains("No rule returned rows."));
        assert!(html.contains("No rule fired."));
    }
}
