//! No input makes a reader panic, and every non-blank line is either a row or a rejection.

use std::path::Path;

use kql_semantics::SchemaCatalog;
use quarry_data::{NoProgress, ReadOptions, RejectLog, SourceKind, TableSet, read_from};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "1.5",
    "1e400",
    "-1e-400",
    "123456789012345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
    r#""""#,
    r#""x""#,
    r#""1""#,
    r#""TRUE""#,
    r#""2024-01-01T00:00:00Z""#,
    r#""2024-02-30""#,
    r#""9999-12-31T23:59:59.9999999Z""#,
    r#""1.00:00:00""#,
    r#""-99999999999999999.00:00:00""#,
    r#""\u00e9\ud83d\ude00""#,
    r#""\ud800""#,
    "{}",
    "[]",
    r#"{"a":[1,{"b":null}]}"#,
    "[[[[[[[[]]]]]]]]",
];
const KEYS: &[&str] = &["b", "i", "l", "r", "d", "s", "g", "t", "ts", "dy", "new", "", "l"];

#[test]
fn random_records_never_panic_and_are_all_accounted_for() {
    let catalog = SchemaCatalog::from_json(
        r#"{"T": [["b","bool"],["i","int"],["l","long"],["r","real"],["d","decimal"],["s","string"],
                  ["g","guid"],["t","datetime"],["ts","timespan"],["dy","dynamic"]]}"#,
    )
    .unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = Vec::new();
    let mut lines = 0;
    for _ in 0..3000 {
        let mut line = String::from("{");
        for f in 0..(rng.next() % 6) {
            if f > 0 {
                line.push(',');
            }
            line.push_str(&format!("\"{}\":{}", rng.pick(KEYS), rng.pick(VALUES)));
        }
        line.push('}');
        let mut bytes = line.into_bytes();
        // Damage some records: cut them short, flip a byte, or add garbage.
        match rng.next() % 8 {
            0 => bytes.truncate((rng.next() as usize) % (bytes.len() + 1)),
            1 => {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = (rng.next() % 256) as u8;
            }
            2 => bytes.extend_from_slice(b"\xff]"),
            _ => {}
        }
        bytes.retain(|&b| b != b'\n');
        if bytes.iter().any(|b| !b" \t\r".contains(b)) {
            lines += 1;
        }
        text.extend_from_slice(&bytes);
        text.push(b'\n');
    }
    for options in [
        ReadOptions::default(),
        ReadOptions { batch_rows: 7, infer_rows: 0, ..ReadOptions::default() },
        ReadOptions { batch_rows: 1, infer_rows: 50, max_line_bytes: 40 },
    ] {
        for name in ["T", "Unknown"] {
            let mut set = TableSet::new(&catalog, &options, RejectLog::default(), &NoProgress);
            read_from(text.as_slice(), Path::new("fuzz.jsonl"), SourceKind::NdJson, name, &mut set);
            let rejected = set.rejects.count;
            let t = set.builders.remove(name).unwrap().finish().unwrap();
            assert_eq!(set.builders.len(), 0);
            assert_eq!(t.rows + rejected, lines, "{name} {options:?}");
            assert_eq!(t.batches.iter().map(|b| b.num_rows()).sum::<usize>(), t.rows);
            // Random values often have the wrong type for the catalog table, which rejects the record.
            assert!(t.rows > 300 && rejected > 100, "{} rows, {} rejected", t.rows, rejected);
        }
    }
}

/// The streaming-API fast path (a scan, values decoded straight from the line) gives exactly
/// what the general serde path gives: the same rows, and the same rejections and warnings with
/// the same reasons, for random and damaged records.
#[test]
fn the_streaming_fast_path_agrees_with_the_general_path() {
    let catalog = SchemaCatalog::from_json(
        r#"{"T": [["b","bool"],["i","int"],["l","long"],["r","real"],["d","decimal"],["s","string"],
                  ["g","guid"],["t","datetime"],["ts","timespan"],["dy","dynamic"]]}"#,
    )
    .unwrap();
    let keys: Vec<&str> = KEYS.iter().copied().filter(|k| *k != "new").collect();
    let mut values: Vec<&str> = VALUES.to_vec();
    values.extend([
        r#""C:\\Program Files\\x.exe""#,
        r#""a\"b\/c\n""#,
        r#""\uD83D\u0041""#,
        r#""\udc00""#,
        r#"  "spaced"  "#,
        r#"{ "a" : [ 1 , 2 ] }"#,
        "7.0",
        "-0",
        "01",
        "2147483648",
    ]);
    let primer = r#"{"category":"AdvancedHunting-T","properties":{"s":"primer"}}"#;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut fast_rows = 0;
    for _ in 0..3000 {
        let mut props = String::from("{");
        for f in 0..(rng.next() % 7) {
            if f > 0 {
                props.push(',');
            }
            props.push_str(&format!("\"{}\":{}", rng.pick(&keys), rng.pick(&values)));
        }
        props.push('}');
        let line = format!(
            r#"{{"time":"2024-05-01T00:00:00Z","category":"AdvancedHunting-T","properties":{props},"Tenant":"x"}}"#
        );
        let mut bytes = line.into_bytes();
        match rng.next() % 6 {
            0 => bytes.truncate((rng.next() as usize) % (bytes.len() + 1)),
            1 => {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = (rng.next() % 256) as u8;
            }
            2 => {
                let i = (rng.next() as usize) % bytes.len();
                bytes.remove(i);
            }
            _ => {}
        }
        bytes.retain(|&b| b != b'\n');
        let mut text = primer.as_bytes().to_vec();
        text.push(b'\n');
        text.extend_from_slice(&bytes);
        text.push(b'\n');
        // infer_rows 0: the schema is settled at once, so the second record takes the fast
        // path; a large infer_rows holds every record back for the general path.
        let mut results = Vec::new();
        for infer_rows in [0, 1000] {
            let options = ReadOptions { infer_rows, ..ReadOptions::default() };
            let mut set = TableSet::new(&catalog, &options, RejectLog::default(), &NoProgress);
            read_from(text.as_slice(), Path::new("s.json"), SourceKind::NdJson, "File", &mut set);
            set.drain_warnings();
            let rejects: Vec<String> =
                set.rejects.details.iter().map(|r| format!("{}:{}:{}:{}", r.table, r.line, r.code, r.reason)).collect();
            let warnings: Vec<String> =
                set.warning_details.iter().map(|w| format!("{}:{}:{}", w.line, w.column, w.reason)).collect();
            let mut tables = Vec::new();
            for (name, builder) in std::mem::take(&mut set.builders) {
                let t = builder.finish().unwrap();
                let batches: Vec<_> = t.batches.iter().map(|b| format!("{b:?}")).collect();
                tables.push((name, t.rows, format!("{:?}", t.schema), batches));
            }
            results.push((rejects, warnings, tables, set.row_counts.clone()));
        }
        if results[0].2.iter().any(|t| t.0 == "T" && t.1 == 2) {
            fast_rows += 1;
        }
        // A record damaged so that it is no streaming record goes to the file's own table,
        // typed by inference in one mode and by its first value in the other: not compared.
        if results.iter().any(|r| r.2.iter().any(|t| t.0 != "T")) {
            continue;
        }
        assert_eq!(results[0], results[1], "{}", String::from_utf8_lossy(&bytes));
    }
    // Most records were kept, through the fast path.
    assert!(fast_rows > 500, "{fast_rows}");
}
