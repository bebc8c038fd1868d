//! Finding query files: the paths given, and the files under the folders given.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{LoadError, LoadErrorKind};
use crate::format;
use crate::source::{QuerySource, SourceFormat, is_seed_document, load_file, load_text, read_text};

/// Everything found under some paths: the queries, and the files that gave none.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The queries, in a stable order: paths in the order given, folders walked in sorted order.
    pub sources: Vec<QuerySource>,
    /// Files and folders that could not be loaded, in the same order.
    pub errors: Vec<LoadError>,
}

/// Folder names never walked into: build output and package caches.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// Finds and loads the queries in `paths`.
///
/// A file named directly is read whatever its extension (see [`SourceFormat::detect`]). A
/// folder is walked recursively in sorted order, skipping hidden entries, `target` and
/// `node_modules`, and taking `.kql`, `.csl` and `.kusto` files, the `.yaml` and `.yml` files
/// that are rules (a top-level `query`, or `id` and `name`), and the `.txt` files that are seed
/// documents (that have a `KQL Query` line). Symbolic links to folders are
/// not followed. A file reached twice is loaded once. A file that cannot be read or holds no
/// query becomes a [`LoadError`]; loading goes on.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut discovery = Discovery::default();
    let mut seen = HashSet::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut discovery, &mut seen),
            Ok(_) => {
                if first_visit(&mut seen, path) {
                    push(&mut discovery, load_file(path));
                }
            }
            Err(e) => discovery.errors.push(LoadError::new(path, LoadErrorKind::Io(e))),
        }
    }
    discovery
}

fn walk(dir: &Path, discovery: &mut Discovery, seen: &mut HashSet<PathBuf>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return discovery.errors.push(LoadError::new(dir, LoadErrorKind::Io(e))),
    };
    let mut entries: Vec<_> = match entries.collect::<Result<_, _>>() {
        Ok(entries) => entries,
        Err(e) => return discovery.errors.push(LoadError::new(dir, LoadErrorKind::Io(e))),
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                discovery.errors.push(LoadError::new(&path, LoadErrorKind::Io(e)));
                continue;
            }
        };
        if file_type.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, discovery, seen);
            }
        } else if (file_type.is_file() || file_type.is_symlink() && path.is_file())
            && wanted(&path)
            && first_visit(seen, &path)
        {
            load_walked(&path, discovery);
        }
    }
}

/// Whether a file found in a folder walk may hold a query, judged by its extension.
fn wanted(path: &Path) -> bool {
    SourceFormat::from_extension(path).is_some() || has_extension(path, "txt")
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Loads a walked file. `.txt` files that are not seed documents and YAML files that are not
/// rules (see `is_rule_candidate`) are skipped silently: folders of rules often hold notes,
/// Sigma rules or tool catalogues beside them.
fn load_walked(path: &Path, discovery: &mut Discovery) {
    if has_extension(path, "txt") {
        // Most .txt files are notes: unreadable ones are not errors either.
        if let Ok(text) = read_text(path) {
            if is_seed_document(&text) {
                push(discovery, load_text(path, text, SourceFormat::SeedDocument));
            }
        }
        return;
    }
    let text = match read_text(path) {
        Ok(text) => text,
        Err(error) => return discovery.errors.push(error),
    };
    let format = SourceFormat::detect(path, &text);
    if format == SourceFormat::RuleYaml && !format::yaml::is_rule_candidate(&text) {
        return;
    }
    push(discovery, load_text(path, text, format));
}

fn push(discovery: &mut Discovery, loaded: Result<QuerySource, LoadError>) {
    match loaded {
        Ok(source) => discovery.sources.push(source),
        Err(error) => discovery.errors.push(error),
    }
}

fn first_visit(seen: &mut HashSet<PathBuf>, path: &Path) -> bool {
    let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    seen.insert(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn names(discovery: &Discovery, root: &Path) -> Vec<String> {
        discovery
            .sources
            .iter()
            .map(|s| s.path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect()
    }

    #[test]
    fn walks_folders_in_sorted_order_and_skips_what_it_should() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "b/two.kql", "T | take 2");
        write(root, "a.KQL", "T | take 1");
        write(root, "b/rule.yaml", "id: r1\nname: R\nquery: |\n  T\n");
        write(root, "b/seed.txt", "H.\nKQL Query\nT\nid: s1\nname: S\n");
        write(root, "b/notes.txt", "just notes\n");
        write(root, "b/readme.md", "T | take 1");
        write(root, "b/sigma.yml", "title: Sigma rule\nid: 1\ndetection:\n  sel: x\n");
        write(root, "b/catalogue.yaml", "Name: Tool\nCategory: RMM\n");
        write(root, "c.csl", "T");
        write(root, "d.kusto", "T");
        write(root, ".hidden/x.kql", "T");
        write(root, "target/x.kql", "T");
        write(root, "node_modules/x.kql", "T");
        write(root, "b/.x.kql", "T");

        let discovery = discover(&[root.to_path_buf()]);
        assert!(discovery.errors.is_empty(), "{:?}", discovery.errors);
        assert_eq!(names(&discovery, root), ["a.KQL", "b/rule.yaml", "b/seed.txt", "b/two.kql", "c.csl", "d.kusto"]);
        let seed = &discovery.sources[2];
        assert_eq!(seed.format, SourceFormat::SeedDocument);
        assert_eq!(seed.rule_id.as_deref(), Some("s1"));
    }

    #[test]
    fn files_named_directly_are_read_whatever_their_extension() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "q.md", "T | take 1");
        write(root, "seed.notes", "KQL Query\nT\nid: x\n");
        let paths = [root.join("q.md"), root.join("seed.notes"), root.join("q.md")];
        let discovery = discover(&paths);
        assert_eq!(names(&discovery, root), ["q.md", "seed.notes"]);
        assert_eq!(discovery.sources[1].format, SourceFormat::SeedDocument);
    }

    #[test]
    fn bad_files_are_errors_and_loading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "rules/a.yaml", "id: 1\nname: no query here\n");
        write(root, "rules/b.kql", "T | take 1");
        fs::write(root.join("rules/c.kql"), [0xC3, 0x28]).unwrap();
        let missing = root.join("missing.kql");
        let discovery = discover(&[root.join("rules"), missing.clone()]);
        assert_eq!(names(&discovery, root), ["rules/b.kql"]);
        let errors: Vec<(&Path, &str)> = discovery.errors.iter().map(|e| (e.path(), e.code())).collect();
        assert_eq!(
            errors,
            [
                (root.join("rules/a.yaml").as_path(), "QH002"),
                (root.join("rules/c.kql").as_path(), "QH001"),
                (missing.as_path(), "QH001"),
            ]
        );
    }
}
