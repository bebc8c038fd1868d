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
