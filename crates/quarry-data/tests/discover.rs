//! Finding tables in files and folders.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{fixture, scratch_dir};
use quarry_data::{DataError, SourceKind, TableSource, discover, discover_all};

/// `(table, kind, file names relative to root)` for comparisons.
fn summary(tables: &[TableSource], root: &std::path::Path) -> Vec<(String, SourceKind, Vec<String>)> {
    tables
        .iter()
        .map(|t| {
            let files = t
                .paths
                .iter()
                .map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/"))
                .collect();
            (t.name.clone(), t.kind, files)
        })
        .collect()
}

fn touch(dir: &std::path::Path, rel: &str) -> PathBuf {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"").unwrap();
    path
}

#[test]
fn a_single_file_is_one_table_named_by_its_stem() {
    let path = fixture("known/DeviceProcessEvents.jsonl");
    let tables = discover(&path).unwrap();
    assert_eq!(
        tables,
        [TableSource { name: "DeviceProcessEvents".into(), kind: SourceKind::NdJson, paths: vec![path] }]
    );
}

#[test]
fn a_folder_holds_files_and_table_sub_folders() {
    let root = fixture("folder");
    let tables = discover(&root).unwrap();
    assert_eq!(
        summary(&tables, &root),
        [
            ("Custom".into(), SourceKind::NdJson, vec!["Custom.ndjson".into()]),
            (
                "DeviceEvents".into(),
                SourceKind::NdJson,
                vec!["DeviceEvents.2024-05-02.jsonl".into(), "DeviceEvents.jsonl".into()]
            ),
            (
                "DeviceNetworkEvents".into(),
                SourceKind::NdJson,
                vec![
                    "DeviceNetworkEvents/part-1.jsonl".into(),
                    "DeviceNetworkEvents/part-2.ndjson".into(),
                    "DeviceNetworkEvents/y=2024/m=05/PT1H.json".into(),
                ]
            ),
        ]
    );
}

#[test]
fn parquet_files_and_folders_are_found() {
    let dir = scratch_dir("parquet");
    touch(&dir, "DeviceInfo.parquet");
    touch(&dir, "DeviceFileEvents/part-0000.snappy.parquet");
    touch(&dir, "DeviceFileEvents/part-0001.snappy.PARQUET");
    // Spark and Finder leave these behind; they are skipped.
    touch(&dir, "DeviceFileEvents/_SUCCESS");
    touch(&dir, "DeviceFileEvents/.part-0000.snappy.parquet.crc");
    touch(&dir, ".DS_Store");
    let tables = discover(&dir).unwrap();
    assert_eq!(
        summary(&tables, &dir),
        [
            (
                "DeviceFileEvents".into(),
                SourceKind::Parquet,
                vec![
                    "DeviceFileEvents/part-0000.snappy.parquet".into(),
                    "DeviceFileEvents/part-0001.snappy.PARQUET".into()
                ]
            ),
            ("DeviceInfo".into(), SourceKind::Parquet, vec!["DeviceInfo.parquet".into()]),
        ]
    );
}

#[test]
fn unknown_extensions_are_errors_that_name_the_file() {
    let dir = scratch_dir("unknown-ext");
    touch(&dir, "DeviceEvents.jsonl");
    let notes = touch(&dir, "notes.txt");
    let err = discover(&dir).unwrap_err();
    assert!(matches!(&err, DataError::UnknownFormat { path, .. } if *path == notes), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: unknown data format '.txt'; expected JSON (.json, .jsonl, .ndjson), CSV (.csv), either gzipped (.gz), or Parquet (.parquet)",
            notes.display()
        )
    );

    let dir = scratch_dir("unknown-ext-in-table-folder");
    let zip = touch(&dir, "DeviceEvents/PT1H.json.zip");
    assert!(matches!(discover(&dir), Err(DataError::UnknownFormat { path, .. }) if path == zip));
    assert!(matches!(discover(&zip), Err(DataError::UnknownFormat { path, .. }) if path == zip));
}

#[test]
fn one_table_in_two_formats_is_an_error() {
    let dir = scratch_dir("mixed");
    touch(&dir, "DeviceEvents.jsonl");
    touch(&dir, "DeviceEvents/part-0.parquet");
    let err = discover(&dir).unwrap_err();
    assert!(matches!(&err, DataError::MixedFormats { table, .. } if table == "DeviceEvents"), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with("table 'DeviceEvents' is found both as Parquet ("), "{message}");
    assert!(message.contains("DeviceEvents.jsonl"), "{message}");
}

#[test]
fn a_missing_path_is_not_found() {
    let path = fixture("no-such-folder");
    let err = discover(&path).unwrap_err();
    assert!(matches!(&err, DataError::NotFound { path: p } if *p == path));
    assert!(err.to_string().ends_with("no-such-folder: no such file or folder"));
}

#[test]
fn several_paths_merge_tables_of_the_same_name() {
    let a = fixture("bad/DeviceEvents.jsonl");
    let b = fixture("folder");
    let tables = discover_all(&[&a, &b]).unwrap();
    let events = tables.iter().find(|t| t.name == "DeviceEvents").unwrap();
    assert_eq!(events.paths.len(), 3);
    assert!(events.paths.contains(&a));
    // The same file given twice is read once.
    let tables = discover_all(&[&a, &a]).unwrap();
    assert_eq!(tables[0].paths, [a]);
}
