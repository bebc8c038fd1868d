//! The output formats of `quarry hunt --format` (DESIGN.md, "Command-line contract"): a
//! terminal report, JSON, JSON Lines, CSV, SARIF and a self-contained HTML report.
//!
//! Every renderer reads only a [`HuntReport`]; [`model`] derives the findings, devices and
//! tools they share. Cells are spelled by [`crate::results::value`], as `quarry query` spells
//! them.

mod csv;
mod html;
mod json;
mod model;
mod sarif;
mod terminal;

use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use quarry_hunt::hunt::HuntReport;

use self::model::Analysis;

/// The output formats of `quarry hunt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HuntFormat {
    /// A report for a person at a terminal: summary, devices, tools, rule status.
    Table,
    /// One object `{"rules":[..],"findings":[..]}`.
    Json,
    /// One finding object per line.
    Jsonl,
    /// One row per finding: rule columns, then the union of the result columns.
    Csv,
    /// A SARIF 2.1.0 log, one result per finding.
    Sarif,
    /// One self-contained HTML file for a customer.
    Html,
}

impl HuntFormat {
    /// Every format, in the order the help lists them.
    pub const ALL: [HuntFormat; 6] =
        [HuntFormat::Table, HuntFormat::Json, HuntFormat::Jsonl, HuntFormat::Csv, HuntFormat::Sarif, HuntFormat::Html];

    /// The `--format` spelling.
    pub fn name(self) -> &'static str {
        match self {
            HuntFormat::Table => "table",
            HuntFormat::Json => "json",
            HuntFormat::Jsonl => "jsonl",
            HuntFormat::Csv => "csv",
            HuntFormat::Sarif => "sarif",
            HuntFormat::Html => "html",
        }
    }
}

impl fmt::Display for HuntFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HuntFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HuntFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown format `{s}`: expected one of table, json, jsonl, csv, sarif, html"))
    }
}

/// How to render, beyond the format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Table: also the scans per table, each exclusion's predicate and origin, and the evidence
    /// rows of every rule.
    pub verbose: bool,
    /// Table: the terminal's width (`None`: not a terminal, nothing is cut).
    pub width: Option<u16>,
    /// Table: ANSI colour (the caller decides from whether the output is a terminal).
    pub color: bool,
    /// HTML and SARIF: when the report was made, in nanoseconds since the epoch (UTC);
    /// `None` for the clock's time. Tests pin it.
    pub generated_at: Option<i64>,
}

impl RenderOptions {
    fn generated_at(&self) -> i64 {
        self.generated_at.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
                .unwrap_or(0)
        })
    }
}

/// Writes `report` to `out` in `format`. Does not flush `out`.
pub fn render(
    report: &HuntReport,
    format: HuntFormat,
    out: &mut dyn Write,
    options: &RenderOptions,
) -> anyhow::Result<()> {
    let analysis = Analysis::new(report);
    match format {
        HuntFormat::Table => terminal::write(&analysis, out, options)?,
        HuntFormat::Json => json::write_json(&analysis, out)?,
        HuntFormat::Jsonl => json::write_jsonl(&analysis, out)?,
        HuntFormat::Csv => csv::write(&analysis, out)?,
        HuntFormat::Sarif => sarif::write(&analysis, out, options)?,
        HuntFormat::Html => html::write(&analysis, out, options)?,
    }
    Ok(())
}

/// `1 rule`, `2 rules`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A hand-built hunt: two devices, three tools, one skipped and one failed rule, one rule
    //! with suppressed events, and findings without a device.

    use std::sync::Arc;
    use std::time::Duration;

    use arrow::array::{ArrayRef, Int64Array, LargeStringArray, RecordBatch, StringArray, TimestampNanosecondArray};
    use arrow::datatypes::{Field, Schema};
    use quarry_hunt::Rule;
    use quarry_hunt::hunt::{HuntReport, RuleRun, RuleStatus, Suppression, TableScan};

    use super::*;

    /// 2024-05-01T00:00:00Z.
    pub const NOW: i64 = 1_714_521_600_000_000_000;
    const HOUR: i64 = 3_600_000_000_000;

    pub fn rule(id: &str, name: &str, tool: Option<&str>, severity: Option<&str>) -> Rule {
        // Through `Rule::new`, so fields added to the model later take their defaults.
        let mut rule = Rule::new(id, name, "DeviceProcessEvents | take 1");
        rule.description = format!("Detects {name}.");
        rule.severity = severity.map(str::to_owned);
        rule.tactics = vec!["CommandAndControl".to_owned()];
        rule.techniques = vec!["T1219".to_owned()];
        rule.tool = tool.map(str::to_owned);
        rule
    }

    pub fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        let schema = Schema::new(
            columns.iter().map(|(name, a)| Field::new(*name, a.data_type().clone(), true)).collect::<Vec<_>>(),
        );
        RecordBatch::try_new(Arc::new(schema), columns.into_iter().map(|(_, a)| a).collect()).unwrap()
    }

    fn times(values: Vec<i64>) -> ArrayRef {
        Arc::new(TimestampNanosecondArray::from(values))
    }

    fn strings(values: Vec<&str>) -> ArrayRef {
        Arc::new(StringArray::from(values))
    }

    fn ran(rule: Rule, batches: Vec<RecordBatch>, suppressed: Vec<Suppression>) -> RuleRun {
        RuleRun {
            rule: Arc::new(rule),
            status: RuleStatus::Ran,
            suppressed,
            elapsed: Duration::from_millis(12),
            schema: batches.first().map(RecordBatch::schema),
            batches,
        }
    }

    fn not_run(rule: Rule, status: RuleStatus) -> RuleRun {
        RuleRun {
            rule: Arc::new(rule),
            status,
            suppressed: Vec::new(),
            elapsed: Duration::ZERO,
            schema: None,
            batches: Vec::new(),
        }
    }

    pub fn sample_report() -> HuntReport {
        let day = 24 * HOUR;
        let anydesk = batch(vec![
            ("DeviceId", strings(vec!["aaa111", "bbb222"])),
            ("DeviceName", strings(vec!["host-a.contoso.local", "host-b.contoso.local"])),
            ("FirstSeen", times(vec![NOW - 10 * day + 123_456_700, NOW - 3 * day])),
            ("LastSeen", times(vec![NOW - 2 * day, NOW - day])),
            ("Count", Arc::new(Int64Array::from(vec![5, 2]))),
            ("Report", Arc::new(LargeStringArray::from(vec![r#"["r1", "r2"]"#, r#"["r3"]"#])) as ArrayRef),
        ]);
        let screenconnect = batch(vec![
            ("DeviceName", strings(vec!["host-a.contoso.local"])),
            ("FirstSeen", times(vec![NOW - 5 * day])),
            ("LastSeen", times(vec![NOW - 5 * day + HOUR])),
            ("Count", Arc::new(Int64Array::from(vec![1]))),
            ("ProcessCommandLine", strings(vec![r#"ScreenConnect.ClientService.exe "<script>alert(1)</script>", -e"#])),
        ]);
        let pulseway = batch(vec![
            ("DeviceName", strings(vec!["HOST-B.contoso.local"])),
            (
                "Timestamp",
                Arc::new(
                    arrow::array::TimestampMillisecondArray::from(vec![(NOW - 4 * day) / 1_000_000])
                        .with_timezone("UTC"),
                ) as ArrayRef,
            ),
        ]);
        let files = batch(vec![
            ("SHA256", strings(vec!["0f0e", "a1b2"])),
            ("FileName", strings(vec!["AnyDesk.exe", "anydesk (1).exe"])),
        ]);
        let suppressed = vec![Suppression {
            predicate: r#"InitiatingProcessFileName =~ "sccm.exe""#.to_owned(),
            reason: "IT deploys AnyDesk with SCCM".to_owned(),
            origin: "exclusions.yaml:4".to_owned(),
            events: 12,
        }];
        HuntReport {
            now: NOW,
            since: Some(NOW - 30 * day),
            until: None,
            rules: vec![
                ran(
                    rule("rmm-anydesk", "AnyDesk execution", Some("AnyDesk"), Some("medium")),
                    vec![anydesk],
                    suppressed,
                ),
                ran(
                    rule("rmm-screenconnect", "ScreenConnect execution", Some("ScreenConnect"), Some("high")),
                    vec![screenconnect],
                    Vec::new(),
                ),
                ran(rule("rmm-pulseway", "Pulseway execution", Some("Pulseway"), None), vec![pulseway], Vec::new()),
                ran(rule("rmm-anydesk-files", "AnyDesk files", Some("AnyDesk"), Some("low")), vec![files], Vec::new()),
                ran(rule("rmm-quiet", "Quiet tool", Some("QuietTool"), None), Vec::new(), Vec::new()),
                not_run(
                    rule("rmm-action1-cert", "Action1 certificate", Some("Action1"), None),
                    RuleStatus::Skipped { reason: "table DeviceFileCertificateInfo is not in the data".to_owned() },
                ),
                not_run(
                    rule("broken", "Broken rule", None, None),
                    RuleStatus::Failed { reason: "broken.kql:3:5: unknown column `Foo`".to_owned() },
                ),
            ],
            scans: vec![
                TableScan { rows_kept: 40, ..TableScan::whole("DeviceProcessEvents", 1, 100_000, 4) },
                TableScan { rows_kept: 2, ..TableScan::whole("DeviceFileEvents", 1, 5_000, 1) },
            ],
        }
    }

    /// The sample rendered in `format`.
    pub fn rendered(format: HuntFormat, options: &RenderOptions) -> String {
        let mut out = Vec::new();
        render(&sample_report(), format, &mut out, options).unwrap();
        String::from_utf8(out).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::model::Analysis;
    use super::test_support::*;
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in HuntFormat::ALL {
            assert_eq!(format.name().parse::<HuntFormat>(), Ok(format));
        }
        assert!("xml".parse::<HuntFormat>().unwrap_err().contains("sarif, html"));
    }

    #[test]
    fn devices_merge_by_id_and_by_name() {
        let report = sample_report();
        let analysis = Analysis::new(&report);
        let labels: Vec<&str> = analysis.devices.iter().map(|d| d.label()).collect();
        assert_eq!(labels, ["host-a.contoso.local", "host-b.contoso.local"]);
        // host-a: AnyDesk (with id) and ScreenConnect (name only) are one device.
        let a = &analysis.devices[0];
        assert_eq!(a.id, "aaa111");
        assert_eq!(a.tools.keys().collect::<Vec<_>>(), ["AnyDesk", "ScreenConnect"]);
        assert_eq!(a.activity.findings, 2);
        assert_eq!(a.activity.events, 6);
        // host-b: Pulseway's upper-case name finds the id AnyDesk's row gave.
        let b = &analysis.devices[1];
        assert_eq!(b.tools.keys().collect::<Vec<_>>(), ["AnyDesk", "Pulseway"]);
        // Pulseway has only a (millisecond, zoned) Timestamp: it is both first and last seen.
        let pulseway = &b.tools["Pulseway"];
        assert_eq!(pulseway.first, Some(NOW - 4 * 24 * 3_600_000_000_000));
        assert_eq!(pulseway.first, pulseway.last);
        assert_eq!(b.activity.first, Some(NOW - 4 * 24 * 3_600_000_000_000));
        assert_eq!(b.activity.last, Some(NOW - 24 * 3_600_000_000_000));
        // The file rows have no device.
        assert_eq!(analysis.findings.iter().filter(|f| f.device.is_none()).count(), 2);
        let tools: Vec<&str> = analysis.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tools, ["AnyDesk", "Pulseway", "ScreenConnect"]);
        assert_eq!((analysis.ran, analysis.skipped, analysis.failed), (5, 1, 1));
    }

    #[test]
    fn extreme_and_odd_values_render_in_every_format() {
        use std::sync::Arc;

        use arrow::array::{ArrayRef, Float64Array, StringArray, TimestampNanosecondArray};
        let mut report = sample_report();
        let odd = batch(vec![
            (
                "DeviceName",
                Arc::new(StringArray::from(vec!["far-past", "far-future", "", "\u{202e}exe.txt"])) as ArrayRef,
            ),
            (
                "FirstSeen",
                Arc::new(TimestampNanosecondArray::from(vec![Some(i64::MIN), Some(0), None, Some(i64::MAX)]))
                    as ArrayRef,
            ),
            (
                "LastSeen",
                Arc::new(StringArray::from(vec!["not a time", "2262-04-11T23:47:16Z", "", "1970-01-01"])) as ArrayRef,
            ),
            ("Count", Arc::new(Float64Array::from(vec![f64::NAN, -3.0, 1e300, 2.5])) as ArrayRef),
        ]);
        report.rules[2].schema = Some(odd.schema());
        report.rules[2].batches = vec![odd];
        for format in HuntFormat::ALL {
            for verbose in [false, true] {
                let options = RenderOptions { verbose, width: Some(50), color: true, generated_at: Some(i64::MIN) };
                let mut out = Vec::new();
                render(&report, format, &mut out, &options).unwrap();
                let text = String::from_utf8(out).unwrap();
                // For people, a bidi override is shown escaped; machines get the data as is.
                if matches!(format, HuntFormat::Table | HuntFormat::Html) {
                    assert!(!text.contains('\u{202e}'), "{format}: bidi override shown raw");
                }
            }
        }
    }
}
