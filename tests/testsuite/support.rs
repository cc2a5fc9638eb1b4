//! Helpers shared by the integration tests: fixture folders and datasets built on the fly.

use std::path::{Path, PathBuf};

use uc_readiness::config::Config;
use uc_readiness::ingest::{self, FatalError, Ingested};

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The worked example's config.
pub fn tiny_config() -> Config {
    Config::load(&fixture("tiny").join("readiness.toml")).expect("tiny config is valid")
}

/// The worked example's as-of date.
pub fn tiny_as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2008, 4, 10).unwrap()
}

/// A temporary copy of the worked example with some files replaced (`None` deletes).
pub fn tiny_with(changes: &[(&str, Option<&[u8]>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("tiny")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    for (name, content) in changes {
        let path = dir.path().join(name);
        match content {
            Some(bytes) => std::fs::write(&path, bytes).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
    }
    dir
}

/// Loads `dir` with the tiny config and as-of date, install details included.
pub fn load(dir: &Path) -> Result<Ingested, FatalError> {
    ingest::load_with(dir, &tiny_config(), tiny_as_of(), ingest::Detail::Full)
}

/// The worked example's file `name` with `line` appended.
pub fn tiny_file_plus(name: &str, line: &str) -> Vec<u8> {
    let mut s = std::fs::read_to_string(fixture("tiny").join(name)).unwrap();
    s.push_str(line);
    s.push('\n');
    s.into_bytes()
}

/// Lines of a file, physical, for counting where an appended row lands.
pub fn line_count(name: &str) -> u64 {
    std::fs::read_to_string(fixture("tiny").join(name))
        .unwrap()
        .lines()
        .count() as u64
}

/// Every regular file under `dir` (symlinks skipped), by path relative to it, with its
/// bytes: for comparing whole output trees.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let ty = e.file_type().unwrap();
            if ty.is_dir() {
                stack.push(e.path());
            } else if ty.is_file() {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}
