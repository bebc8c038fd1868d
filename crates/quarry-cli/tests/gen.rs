//! `quarry gen` end to end at small scale: determinism, loading with `quarry query`, schemas
//! against the catalog, and the ground truth against seed-shaped rules and the built-in pack.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const END: &str = "2024-06-01T00:00:00Z";

fn quarry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry")).args(args).output().expect("run quarry")
}

fn ok(output: Output) -> Output {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// Generates a small data set into `dir`.
fn generate(dir: &Path, format: &str, seed: &str, plant: Option<&Path>) {
    let mut args = vec![
        "gen",
        "--out",
        dir.to_str().unwrap(),
        "--events",
        "5000",
        "--devices",
        "20",
        "--seed",
        seed,
        "--start",
        "2024-05-22T00:00:00Z",
        "--end",
        END,
        "--format",
        format,
        "-q",
    ];
    if let Some(p) = plant {
        args.extend(["--plant", p.to_str().unwrap()]);
    }
    ok(quarry(&args));
}

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    quarry_gen::files(dir).unwrap()
}

fn query(dir: &Path, kql: &str) -> Value {
    let out = ok(quarry(&["query", "-d", dir.to_str().unwrap(), "--now", END, "--format", "json", kql]));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// A plant file choosing the tools of the seed rules, on half the devices, none stale, so each
/// tool is planted and found; plus two tools whose signers are Chinese text, whose near misses
/// must not match either (around non-ASCII text `has` is a substring test).
fn seed_plant(dir: &Path) -> PathBuf {
    let path = dir.join("plant.json");
    fs::write(
        &path,
        r#"{"tools": ["Pulseway", "Action1", "PDQ", "ConnectWise", "AweRay", "GotoHTTP"], "device_fraction": 0.5,
            "tools_per_device": [2, 4], "stale_fraction": 0.0, "decoy_device_fraction": 0.2}"#,
    )
    .unwrap();
    path
}

#[test]
fn the_same_arguments_give_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    for format in ["ndjson", "store"] {
        let (a, b, c) = (
            tmp.path().join(format!("{format}-a")),
            tmp.path().join(format!("{format}-b")),
            tmp.path().join(format!("{format}-c")),
        );
        generate(&a, format, "42", None);
        generate(&b, format, "42", None);
        generate(&c, format, "43", None);
        let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
        assert!(ta == tb, "{format}: two runs differ");
        assert!(ta != tc, "{format}: seeds 42 and 43 give the same output");
        assert!(ta.contains_key(Path::new("ground-truth.json")));
    }
}

#[test]
fn every_format_loads_with_the_catalog_columns_and_all_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = kql_semantics::SchemaCatalog::defender();
    for format in ["store", "ndjson", "streaming"] {
        let dir = tmp.path().join(format);
        generate(&dir, format, "7", None);
        let truth: Value = serde_json::from_str(&fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap();
        let mut total = 0;
        for (table, rows) in truth["rows"].as_object().unwrap() {
            let result = query(&dir, &format!("{table} | take 1"));
            let columns: Vec<(String, String)> = result["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["name"].as_str().unwrap().to_string(), c["type"].as_str().unwrap().to_string()))
                .collect();
            let schema = kql_semantics::Catalog::table(&catalog, table).unwrap();
            let expected: Vec<(String, String)> =
                schema.columns.iter().map(|c| (c.name.clone(), c.ty.to_string())).collect();
            assert_eq!(columns, expected, "{format}: {table}");
            let count = query(&dir, &format!("{table} | count"));
            assert_eq!(count["rows"][0][0], *rows, "{format}: {table}");
            total += rows.as_u64().unwrap();
        }
        assert_eq!(total, 5000, "{format}");
    }
}

/// The rows of the ground truth for `tool` and `table`, in the seed rules' output shape
/// (DeviceId, DeviceName, FirstSeen, LastSeen, Report, Count), sorted.
fn expected(truth: &Value, tool: &str, table: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in truth["findings"].as_array().unwrap() {
        if f["tool"] != tool {
            continue;
        }
        if let Some(t) = f["tables"].get(table) {
            out.insert(
                serde_json::json!([
                    f["DeviceId"],
                    f["DeviceName"],
                    t["FirstSeen"],
                    t["LastSeen"],
                    t["ReportIds"],
                    t["Count"]
                ])
                .to_string(),
            );
        }
    }
    out
}

fn got(result: &Value) -> BTreeSet<String> {
    result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.as_array().unwrap().clone();
            let mut ids: Vec<i64> = r[4].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
            ids.sort_unstable();
            r[4] = serde_json::json!(ids);
            Value::Array(r).to_string()
        })
        .collect()
}

const WINDOW: &str = "let Time_start = now(-5d);\nlet Time_end = now();\n";
const SUMMARY: &str = "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName";

#[test]
fn seed_shaped_rules_return_exactly_the_ground_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    generate(&dir, "store", "5", Some(&seed_plant(tmp.path())));
    let truth: Value = serde_json::from_str(&fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap();
    let cases = [
        (
            "Pulseway",
            "DeviceProcessEvents",
            "| where ProcessVersionInfoCompanyName has 'MMSoft Design' and ProcessVersionInfoProductName has 'Pulseway'",
        ),
        ("Pulseway", "DeviceFileCertificateInfo", "| where Signer has 'MMSoft Design'"),
        (
            "ConnectWise",
            "DeviceProcessEvents",
            "| where ProcessVersionInfoCompanyName has_any ('ConnectWise', 'Continuum Managed', 'ScreenConnect')",
        ),
        (
            "PDQ",
            "DeviceProcessEvents",
            "| where ProcessVersionInfoProductName has 'PDQConnectAgent' or FileName =~ 'pdq-connect-agent.exe'",
        ),
    ];
    let mut nonempty = 0;
    for (tool, table, filter) in cases {
        let kql = format!("{WINDOW}{table}\n| where Timestamp between (Time_start..Time_end)\n{filter}\n{SUMMARY}");
        let want = expected(&truth, tool, table);
        nonempty += usize::from(!want.is_empty());
        assert_eq!(got(&query(&dir, &kql)), want, "{tool} {table}");
    }
    assert!(nonempty >= 3, "too few seed tools were planted: {truth}");

    // The Action1 network seed groups by RemoteUrl too.
    let kql = format!(
        "{WINDOW}DeviceNetworkEvents\n| where Timestamp between (Time_start..Time_end)\n| where RemoteUrl has 'server.action1.com' \
         and InitiatingProcessVersionInfoCompanyName has 'Action1' and InitiatingProcessVersionInfoProductName has 'Action1'\n\
         | summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName, RemoteUrl"
    );
    let result = query(&dir, &kql);
    let mut want = BTreeSet::new();
    for f in truth["findings"].as_array().unwrap().iter().filter(|f| f["tool"] == "Action1") {
        for u in f["tables"]["DeviceNetworkEvents"]["by_remote_url"].as_array().into_iter().flatten() {
            want.insert((
                f["DeviceId"].as_str().unwrap().to_string(),
                u["RemoteUrl"].as_str().unwrap().to_string(),
                u["Count"].as_u64().unwrap(),
            ));
        }
    }
    let have: BTreeSet<(String, String, u64)> = result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), r[2].as_str().unwrap().to_string(), r[6].as_u64().unwrap()))
        .collect();
    assert_eq!(have, want);
}

#[test]
fn the_built_in_pack_finds_exactly_the_ground_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    generate(&dir, "store", "9", Some(&seed_plant(tmp.path())));
    let truth: Value = serde_json::from_str(&fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap();
    let out = ok(quarry(&["hunt", "--data", dir.to_str().unwrap(), "--now", END, "--format", "json"]));
    let hunt: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut want: BTreeSet<(String, String, String, u64)> = BTreeSet::new();
    for f in truth["findings"].as_array().unwrap() {
        for t in f["tables"].as_object().unwrap().values() {
            let rule = t["rule_id"].as_str().expect("a rule id for every expected finding").to_string();
            let device = f["DeviceId"].as_str().unwrap().to_string();
            match t["by_remote_url"].as_array() {
                Some(urls) => {
                    for u in urls {
                        want.insert((
                            rule.clone(),
                            device.clone(),
                            u["RemoteUrl"].as_str().unwrap().into(),
                            u["Count"].as_u64().unwrap(),
                        ));
                    }
                }
                None => {
                    want.insert((rule, device, String::new(), t["Count"].as_u64().unwrap()));
                }
            }
        }
    }
    let have: BTreeSet<(String, String, String, u64)> = hunt["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let row = &f["row"];
            (
                f["rule_id"].as_str().unwrap().to_string(),
                row["DeviceId"].as_str().unwrap().to_string(),
                row.get("RemoteUrl").and_then(Value::as_str).unwrap_or("").to_string(),
                row["Count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(!want.is_empty());
    let missing: Vec<_> = want.difference(&have).collect();
    let extra: Vec<_> = have.difference(&want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "not found: {missing:?}\nnot expected: {extra:?}");
    // Decoy-only devices are never reported.
    let decoys: BTreeSet<&str> =
        truth["decoy_devices"].as_array().unwrap().iter().map(|d| d["DeviceId"].as_str().unwrap()).collect();
    assert!(!decoys.is_empty());
    assert!(have.iter().all(|(_, device, _, _)| !decoys.contains(device.as_str())));
}

#[test]
fn bad_arguments_are_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("x");
    let out = quarry(&["gen", "--out", dir.to_str().unwrap(), "--start", "2024-06-02T00:00:00Z", "--end", END]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--end must be after --start"));
    let plant = tmp.path().join("plant.json");
    fs::write(&plant, "{\"tools\": [\"No Such Tool\"]}").unwrap();
    let out = quarry(&["gen", "--out", dir.to_str().unwrap(), "--plant", plant.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no tool called `No Such Tool`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
