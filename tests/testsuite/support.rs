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
    fixture_with("tiny", changes)
}

/// A temporary copy of fixture `name` with some files replaced (`None` deletes).
pub fn fixture_with(name: &str, changes: &[(&str, Option<&[u8]>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
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

/// One entry of an output tree, as a reader of `OUT/` would see it.
#[derive(Clone, PartialEq, Eq)]
pub enum Entry {
    /// A folder.
    Dir,
    /// A file and its bytes.
    File(Vec<u8>),
    /// A symlink and where it points.
    Link(PathBuf),
}

impl std::fmt::Debug for Entry {
    /// Short: a file by its size and first bytes, so that a failed comparison of two
    /// trees stays readable.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Dir => f.write_str("Dir"),
            Entry::Link(t) => write!(f, "Link({})", t.display()),
            Entry::File(b) => {
                let head = String::from_utf8_lossy(&b[..b.len().min(24)]);
                write!(f, "File({} bytes: {head:?}…)", b.len())
            }
        }
    }
}

/// Every entry under `dir` — folders, files with their bytes, symlinks with their
/// targets — by path relative to it: a tree compared with this is exactly as it was.
pub fn entries(dir: &Path) -> std::collections::BTreeMap<String, Entry> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let ty = e.file_type().unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let entry = if ty.is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).unwrap())
            } else if ty.is_dir() {
                stack.push(e.path());
                Entry::Dir
            } else {
                Entry::File(std::fs::read(e.path()).unwrap())
            };
            out.insert(rel, entry);
        }
    }
    out
}

/// The entries of `tree` under `prefix/`, by path relative to it.
pub fn under(
    tree: &std::collections::BTreeMap<String, Entry>,
    prefix: &str,
) -> std::collections::BTreeMap<String, Entry> {
    tree.iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('/'))
                .map(|rest| (rest.to_string(), v.clone()))
        })
        .collect()
}

/// Copies a tree, symlinks as symlinks.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let ty = e.file_type().unwrap();
        let dest = to.join(e.file_name());
        if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &dest).unwrap();
        } else if ty.is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// What a run of the binary did: its exit status and its output as text.
#[derive(Debug)]
pub struct Ran {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Ran {
    /// Asserts the exit code, showing stderr when it differs; returns the run.
    #[track_caller]
    pub fn code(self, want: i32) -> Ran {
        assert_eq!(
            self.code,
            Some(want),
            "exit code; stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        self
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(self) -> Ran {
        self.code(0)
    }
}

/// Runs `uc-readiness` with `args`.
pub fn uc<I, S>(args: I) -> Ran
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_uc-readiness"))
        .args(args)
        .output()
        .expect("the binary runs");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `uc-readiness report -q --data DATA --out OUT ARGS…`.
pub fn report(data: &Path, out: &Path, args: &[&str]) -> Ran {
    let mut all: Vec<std::ffi::OsString> = vec![
        "report".into(),
        "-q".into(),
        "--data".into(),
        data.into(),
        "--out".into(),
        out.into(),
    ];
    all.extend(args.iter().map(Into::into));
    uc(all)
}

/// `uc-readiness validate --data DATA ARGS…`.
pub fn validate(data: &Path, args: &[&str]) -> Ran {
    let mut all: Vec<std::ffi::OsString> = vec!["validate".into(), "--data".into(), data.into()];
    all.extend(args.iter().map(Into::into));
    uc(all)
}
