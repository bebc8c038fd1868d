//! Fuzz target: the telemetry readers (every JSON shape and CSV) on arbitrary bytes must not
//! panic, and every row they count must be in the batches they build.
#![no_main]

use std::path::Path;

use kql_semantics::SchemaCatalog;
use libfuzzer_sys::fuzz_target;
use quarry_data::{NoProgress, ReadOptions, RejectLog, SourceKind, TableSet, read_from};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let kind = if selector & 1 == 0 { SourceKind::NdJson } else { SourceKind::Csv };
    // A table the catalog knows (schema-directed decoding) or not (inference).
    let table = if selector & 2 == 0 { "DeviceProcessEvents" } else { "Fuzzed" };
    let options = ReadOptions {
        batch_rows: 1 + (selector >> 2) as usize % 7,
        infer_rows: (selector >> 4) as usize % 5,
        max_line_bytes: 1 << 16,
    };
    let catalog = SchemaCatalog::defender_ref();
    let mut set = TableSet::new(catalog, &options, RejectLog::default(), &NoProgress);
    read_from(input, Path::new("fuzz.input"), kind, table, &mut set);
    // Records held back for schema inference are decoded (and may be rejected) here, so the
    // counts are final only after it.
    set.drain_warnings();
    let counts = set.row_counts.clone();
    for (name, builder) in std::mem::take(&mut set.builders) {
        let data = builder.finish().expect("batches build");
        let rows: usize = data.batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, data.rows);
        assert_eq!(rows as u64, counts.get(&name).copied().unwrap_or(0), "table {name}");
    }
});
