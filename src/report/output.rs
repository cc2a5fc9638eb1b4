/*!
Writing a run's outputs so that a reader of `OUT/` only ever sees complete runs, whatever
happens to the process: a kill at any instant, a full disk, a folder that cannot be
written, a power loss.

# What is visible

`OUT/<as-of>/` (the run folder), `OUT/latest` (a symlink to the newest run folder) and
`OUT/history/<as-of>.json` with `<as-of>.detail.json` (the run's snapshot, which later
runs read). A run changes all four or none.

# The protocol

Everything happens under `OUT/.lock` (an advisory lock held from before the history is
read until the run ends), inside one transaction folder `T = OUT/.staging-<as-of>-XXXX/`:

1. **Stage** (invisible): the run's files are written into `T/run/`, its snapshot into
   `T/history/`; every file and folder of `T` is synced, so that a power loss after any
   later rename cannot leave a renamed but empty file.
2. **Journal**: `T/COMMIT` is written (through a synced temporary file and a rename). It
   names the staged run folder by its inode and which snapshot files existed before.
   From here until step 7, a failure or a kill means *roll back*.
3. **Park the old snapshot**: each existing `history/<as-of>.*` is hard-linked into
   `T/parked/` (the originals stay in place).
4. **Snapshot**: the staged snapshot files are renamed over `history/<as-of>.*` — the
   history is in place before the run becomes visible.
5. **Run folder**: `T/run` is renamed to `OUT/<as-of>`; on a rerun of an existing date the
   two folders are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`, so that
   `OUT/<as-of>` never disappears (the old run lands in `T/run`). Where the file system
   cannot exchange, the old run is first parked as `T/parked/run`.
6. **Latest**: a new symlink is renamed over `OUT/latest`.
7. **Release**: `T/COMMIT` is removed — the commit is done; then `T` (holding only the
   old run and parked links) is deleted.

Each rename is followed by a sync of the folder it changed.

**Roll back** (on a failure in steps 3–7, in the same process; or, after a kill, at the
start of the next run): `latest` is first pointed at the newest run folder that will
remain, then the run folder is restored (exchanged back, moved back from `T/parked/run`,
or the new one moved out), then each parked snapshot file is renamed back (a snapshot file
that did not exist before is removed), and last the journal and `T` are deleted. Every
step looks at what is on disk (the staged folder's inode, which files exist), so a roll
back interrupted by another kill simply runs again.

**Recovery** at the start of every run, under the lock: a transaction folder with a
journal is rolled back; one without a journal (a run killed while it computed or staged,
or after it released its journal) is deleted; leftovers of the earlier, journal-less
protocol (`.old-<date>-<pid>` parked runs, `.latest-<pid>` links, temporary files in
`history/`) are restored — a parked run whose new run never arrived goes back to its place
— or deleted; and `latest` is pointed at the newest run folder if it does not resolve.

So between runs the visible state is the old one or the new one, and a non-zero exit
means no new run folder, no new snapshot and `latest` unchanged. The one window in which
a reader can see part of a run is after a kill between steps 4 and 7: the snapshot (read
only by runs, which recover first) or the run folder may be new while `latest` is not; the
next run rolls it back.
*/

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The output folder, locked for one run.
pub struct OutputDir {
    out: PathBuf,
    _lock: File,
}

/// A step of [`Staging::commit_probed`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Syncing the staged files, then writing the journal.
    Journal,
    /// Linking the old snapshot files aside.
    ParkSnapshot,
    /// Renaming the staged snapshot detail into `history/`.
    SnapshotDetail,
    /// Renaming the staged snapshot head into `history/`.
    SnapshotHead,
    /// Renaming (or exchanging) the run folder into place.
    RunFolder,
    /// Moving the old run folder aside where the file system cannot exchange (between
    /// the two renames of the fallback).
    RunFolderParked,
    /// Switching `latest`.
    Latest,
    /// Removing the journal: the commit is done.
    Release,
    /// Deleting the transaction folder.
    Cleanup,
}

impl Step {
    /// Every step, in the order a commit takes them ([`Step::RunFolderParked`] is taken
    /// only by the fallback for file systems that cannot exchange two folders).
    pub const ALL: [Step; 9] = [
        Step::Journal,
        Step::ParkSnapshot,
        Step::SnapshotDetail,
        Step::SnapshotHead,
        Step::RunFolder,
        Step::RunFolderParked,
        Step::Latest,
        Step::Release,
        Step::Cleanup,
    ];
}

/// What a probe tells [`Staging::commit_probed`] to do before a step: the hook through
/// which tests inject failures and kills at every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Take the step.
    Go,
    /// The step fails (as a full disk would): the commit rolls back and returns the error.
    Fail,
    /// The process dies here: the commit returns at once, leaving everything as it is
    /// for the next run's recovery.
    Kill,
    /// Take the step, but as on a file system that cannot exchange two folders (only
    /// meaningful at [`Step::RunFolder`]).
    NoExchange,
}

/// The journal of a commit in progress (`T/COMMIT`).
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    /// The run folder's name (`<as-of>`).
    name: String,
    /// The staged run folder's identity, to tell it from the old one after a rename.
    staged: FileId,
    /// The snapshot files (`<as-of>.json`, `<as-of>.detail.json`) that existed before.
    had_snapshot: Vec<String>,
    /// Whether `history/` existed before (a first run creates it).
    had_history: bool,
}

/// A folder's identity on its file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct FileId {
    dev: u64,
    ino: u64,
}

fn file_id(path: &Path) -> io::Result<FileId> {
    let m = fs::symlink_metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(FileId {
            dev: m.dev(),
            ino: m.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        // No inode: the creation time tells two folders of one run apart well enough.
        let t = m
            .created()?
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Ok(FileId {
            dev: t.as_secs(),
            ino: u64::from(t.subsec_nanos()),
        })
    }
}

const JOURNAL: &str = "COMMIT";
const STAGING_PREFIX: &str = ".staging-";
const LATEST: &str = "latest";
const LATEST_TMP: &str = ".latest.tmp";

impl OutputDir {
    /// Creates `out` if needed, takes its lock (failing at once, with a message, when
    /// another run holds it) and recovers whatever an interrupted run left behind.
    /// Returns the locked folder and one line per thing recovered.
    pub fn lock(out: &Path) -> anyhow::Result<(OutputDir, Vec<String>)> {
        fs::create_dir_all(out)
            .with_context(|| format!("cannot create the output folder {}", out.display()))?;
        let lock_path = out.join(".lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => bail!(
                "another uc-readiness run is writing to {} (it holds {}); try again when it ends",
                out.display(),
                lock_path.display()
            ),
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", lock_path.display()));
            }
        }
        let dir = OutputDir {
            out: out.to_path_buf(),
            _lock: lock,
        };
        let recovered = dir
            .recover()
            .with_context(|| format!("cannot recover the interrupted run in {}", out.display()))?;
        Ok((dir, recovered))
    }

    /// The output folder.
    pub fn path(&self) -> &Path {
        &self.out
    }

    /// Starts the transaction of the run folder `name`.
    pub fn stage(&self, name: &str) -> anyhow::Result<Staging<'_>> {
        let txn = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{name}-"))
            .tempdir_in(&self.out)
            .with_context(|| format!("cannot create a staging folder in {}", self.out.display()))?
            .keep();
        let staging = Staging {
            out: self,
            name: name.to_string(),
            txn,
            open: true,
        };
        for sub in ["run", "history", "parked"] {
            let p = staging.txn.join(sub);
            fs::create_dir(&p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        Ok(staging)
    }

    /// Rolls back or deletes every leftover of an interrupted run (see the module
    /// documentation); returns what it did, one line each.
    fn recover(&self) -> io::Result<Vec<String>> {
        let mut done = Vec::new();
        let mut names: Vec<String> = fs::read_dir(&self.out)?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in &names {
            let path = self.out.join(name);
            if name.starts_with(STAGING_PREFIX) && path.is_dir() {
                if path.join(JOURNAL).exists() {
                    roll_back(&self.out, &path)?;
                    done.push(format!(
                        "rolled back the run interrupted while it committed ({name})"
                    ));
                } else {
                    fs::remove_dir_all(&path)?;
                    done.push(format!(
                        "removed the staging folder of an interrupted run ({name})"
                    ));
                }
            } else if let Some(run) = legacy_parked_run(name)
                && path.is_dir()
            {
                let target = self.out.join(run);
                if target.exists() {
                    fs::remove_dir_all(&path)?;
                    done.push(format!("removed an old run folder left aside ({name})"));
                } else {
                    fs::rename(&path, &target)?;
                    done.push(format!(
                        "restored {run}, left aside by a run interrupted before its new folder arrived"
                    ));
                }
            } else if name == LATEST_TMP || name.starts_with(".latest-") {
                fs::remove_file(&path)?;
            }
        }
        let history = self.out.join("history");
        if let Ok(entries) = fs::read_dir(&history) {
            for e in entries.filter_map(Result::ok) {
                // tempfile's names: `.tmp` and random characters.
                if e.file_name().to_string_lossy().starts_with(".tmp") {
                    fs::remove_file(e.path())?;
                    done.push(format!(
                        "removed an unfinished snapshot file (history/{})",
                        e.file_name().to_string_lossy()
                    ));
                }
            }
        }
        if !done.is_empty() || !latest_resolves(&self.out) {
            set_latest(&self.out, newest_run(&self.out, None)?.as_deref())?;
            sync_dir(&self.out)?;
        }
        Ok(done)
    }
}

/// The run name of an old-protocol parked folder `.old-<name>-<pid>`.
fn legacy_parked_run(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(".old-")?;
    let (run, pid) = rest.rsplit_once('-')?;
    (pid.bytes().all(|b| b.is_ascii_digit()) && crate::config::parse_date(run).is_some())
        .then_some(run)
}

/// A run's transaction: the staged run folder and snapshot, committed or discarded.
pub struct Staging<'a> {
    out: &'a OutputDir,
    name: String,
    txn: PathBuf,
    /// Still to be committed or discarded: dropping it deletes the transaction folder.
    open: bool,
}

/// How a commit attempt stopped early.
enum Stop {
    Fail(anyhow::Error),
    Kill,
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        Stop::Fail(e)
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Fail(e.into())
    }
}

impl From<serde_json::Error> for Stop {
    fn from(e: serde_json::Error) -> Self {
        Stop::Fail(e.into())
    }
}

impl Staging<'_> {
    /// The folder to write the run's files into.
    pub fn path(&self) -> PathBuf {
        self.txn.join("run")
    }

    /// Stages the run's snapshot files (name, text), committed with the run folder.
    pub fn put_history(&self, files: &[(String, String)]) -> anyhow::Result<()> {
        for (name, text) in files {
            write_file(&self.txn.join("history").join(name), text.as_bytes())?;
        }
        Ok(())
    }

    /// Commits the run: see the module documentation. Returns the run folder's path.
    pub fn commit(self) -> anyhow::Result<PathBuf> {
        self.commit_probed(|_| Probe::Go)
    }

    /// [`Staging::commit`] with a probe asked before each step: how the tests make each
    /// step fail, or stop as a killed process would.
    pub fn commit_probed(
        mut self,
        mut probe: impl FnMut(Step) -> Probe,
    ) -> anyhow::Result<PathBuf> {
        let out = self.out.out.clone();
        let target = out.join(&self.name);
        match self.steps(&mut probe) {
            Ok(()) => {
                self.open = false;
                // The commit is done; a folder left here is deleted by the next run.
                if probe(Step::Cleanup) == Probe::Go {
                    let _ = fs::remove_dir_all(&self.txn);
                }
                Ok(target)
            }
            Err(Stop::Kill) => {
                self.open = false;
                bail!(
                    "killed (by a test probe) while committing {}",
                    target.display()
                )
            }
            Err(Stop::Fail(e)) => {
                if self.txn.join(JOURNAL).exists() {
                    self.open = false;
                    if let Err(undo) = roll_back(&out, &self.txn) {
                        return Err(e.context(format!(
                            "and the roll back failed too ({undo}); the next run finishes it"
                        )));
                    }
                }
                Err(e)
            }
        }
    }

    fn steps(&mut self, probe: &mut impl FnMut(Step) -> Probe) -> Result<(), Stop> {
        let mut gate = |step: Step| match probe(step) {
            Probe::Go => Ok(false),
            Probe::NoExchange => Ok(true),
            Probe::Kill => Err(Stop::Kill),
            Probe::Fail => Err(Stop::Fail(anyhow::anyhow!(
                "{step:?}: injected failure (a test probe)"
            ))),
        };
        let out = &self.out.out;
        let txn = &self.txn;
        let history = out.join("history");
        let snapshot_names = [
            format!("{}.detail.json", self.name),
            format!("{}.json", self.name),
        ];

        gate(Step::Journal)?;
        sync_tree(txn).with_context(|| format!("cannot sync {}", txn.display()))?;
        let had_history = history.is_dir();
        let journal = Journal {
            had_history,
            name: self.name.clone(),
            staged: file_id(&txn.join("run"))?,
            had_snapshot: snapshot_names
                .iter()
                .filter(|n| history.join(n).exists())
                .cloned()
                .collect(),
        };
        write_synced(
            &txn.join(JOURNAL),
            serde_json::to_string(&journal)?.as_bytes(),
        )?;
        if !had_history {
            fs::create_dir(&history)
                .with_context(|| format!("cannot create {}", history.display()))?;
            sync_dir(out)?;
        }

        gate(Step::ParkSnapshot)?;
        for n in &journal.had_snapshot {
            fs::hard_link(history.join(n), txn.join("parked").join(n))
                .with_context(|| format!("cannot keep the earlier history/{n}"))?;
        }
        sync_dir(&txn.join("parked"))?;

        for (step, n) in [Step::SnapshotDetail, Step::SnapshotHead]
            .into_iter()
            .zip(&snapshot_names)
        {
            gate(step)?;
            fs::rename(txn.join("history").join(n), history.join(n))
                .with_context(|| format!("cannot write history/{n}"))?;
            sync_dir(&history)?;
        }

        let no_exchange = gate(Step::RunFolder)?;
        let target = out.join(&self.name);
        let staged = txn.join("run");
        let in_place = || format!("cannot move the run into {}", target.display());
        if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir()) {
            // Never exchanged away and deleted with the transaction.
            return Err(anyhow::anyhow!(
                "{} is in the way: it is not a run folder",
                target.display()
            )
            .into());
        }
        if target.exists() {
            let exchanged = !no_exchange && exchange(&staged, &target).is_ok();
            if !exchanged {
                // Park, then rename: `target` is missing between the two renames; a
                // kill there is rolled back (the parked run is restored).
                fs::rename(&target, txn.join("parked").join("run")).with_context(|| {
                    format!("cannot move the earlier {} aside", target.display())
                })?;
                sync_dir(out)?;
                gate(Step::RunFolderParked)?;
                fs::rename(&staged, &target).with_context(in_place)?;
            }
        } else {
            fs::rename(&staged, &target).with_context(in_place)?;
        }
        sync_dir(out)?;
        sync_dir(txn)?;

        gate(Step::Latest)?;
        set_latest(out, newest_run(out, None)?.as_deref())
            .with_context(|| format!("cannot switch {}", out.join(LATEST).display()))?;
        sync_dir(out)?;

        gate(Step::Release)?;
        fs::remove_file(txn.join(JOURNAL))?;
        sync_dir(txn)?;
        Ok(())
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if self.open {
            // Never committed (an error before the journal): nothing visible changed.
            let _ = fs::remove_dir_all(&self.txn);
        }
    }
}

/// Undoes a commit whose journal is in `txn`; see the module documentation.
fn roll_back(out: &Path, txn: &Path) -> io::Result<()> {
    let text = fs::read_to_string(txn.join(JOURNAL))?;
    let journal: Journal = serde_json::from_str(&text).map_err(io::Error::other)?;
    let target = out.join(&journal.name);
    let history = out.join("history");
    let staged_in_place = file_id(&target).ok() == Some(journal.staged);
    let parked_run = txn.join("parked").join("run");

    // A new run folder under a fresh name is about to go: `latest` first moves to what
    // will remain, so that it never dangles.
    let fresh = staged_in_place && !txn.join("run").exists() && !parked_run.exists();
    if fresh {
        restore_latest(out, newest_run(out, Some(&journal.name))?.as_deref())?;
        sync_dir(out)?;
    }

    // The run folder.
    if parked_run.exists() {
        if staged_in_place {
            fs::rename(&target, txn.join("run"))?;
        }
        fs::rename(&parked_run, &target)?;
    } else if staged_in_place {
        if txn.join("run").exists() {
            exchange(&txn.join("run"), &target)?;
        } else {
            fs::rename(&target, txn.join("run"))?;
        }
    }
    restore_latest(out, newest_run(out, None)?.as_deref())?;
    sync_dir(out)?;

    // The snapshot.
    for n in [
        format!("{}.detail.json", journal.name),
        format!("{}.json", journal.name),
    ] {
        let parked = txn.join("parked").join(&n);
        if parked.exists() {
            fs::rename(&parked, history.join(&n))?;
        } else if !journal.had_snapshot.contains(&n) {
            match fs::remove_file(history.join(&n)) {
                Err(e)
                    if !matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) =>
                {
                    return Err(e);
                }
                _ => {}
            }
        }
    }
    if history.is_dir() {
        sync_dir(&history)?;
        if !journal.had_history {
            // Created by this commit, and empty again (never removed when not empty).
            let _ = fs::remove_dir(&history);
        }
    }

    fs::remove_file(txn.join(JOURNAL))?;
    sync_dir(txn)?;
    fs::remove_dir_all(txn)?;
    sync_dir(out)
}

/// Exchanges two folders in one atomic step, where the system can.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// The greatest run folder name (`YYYY-MM-DD` sorts by date), other than `except`.
fn newest_run(out: &Path, except: Option<&str>) -> io::Result<Option<String>> {
    let mut newest: Option<String> = None;
    for entry in fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir()
            && crate::config::parse_date(&name).is_some()
            && Some(name.as_str()) != except
        {
            newest = newest.max(Some(name));
        }
    }
    Ok(newest)
}

/// Whether `OUT/latest` is absent with no run to point at, or points at a run folder.
fn latest_resolves(out: &Path) -> bool {
    let latest = out.join(LATEST);
    match fs::symlink_metadata(&latest) {
        Ok(_) => latest.join(".").is_dir(),
        Err(_) => matches!(newest_run(out, None), Ok(None)),
    }
}

/// Points `OUT/latest` at the run folder `run` (removes it when there is none), by a
/// rename over it: a reader sees the old link or the new one.
fn set_latest(out: &Path, run: Option<&str>) -> io::Result<()> {
    let latest = out.join(LATEST);
    let Some(run) = run else {
        return match fs::remove_file(&latest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    };
    if fs::read_link(&latest).is_ok_and(|t| t == Path::new(run)) {
        return Ok(());
    }
    let tmp = out.join(LATEST_TMP);
    let _ = fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(run, &tmp)?;
    #[cfg(not(unix))]
    fs::write(&tmp, format!("{run}\n"))?;
    fs::rename(&tmp, &latest).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// [`set_latest`] for a roll back: a `latest` that is not a link (someone put a folder
/// there) was never switched by the run, so it is left alone.
fn restore_latest(out: &Path, run: Option<&str>) -> io::Result<()> {
    match fs::symlink_metadata(out.join(LATEST)) {
        Ok(m) if !m.file_type().is_symlink() && cfg!(unix) => Ok(()),
        _ => set_latest(out, run),
    }
}

/// Writes `path` through a synced temporary file renamed into place.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Writes `bytes` into a new file at `path` (of the staged run) and starts its writeback
/// ([`start_writeback`]).
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let write = || -> io::Result<()> {
        let mut f = File::create(path)?;
        f.write_all(bytes)?;
        start_writeback(&f);
        Ok(())
    };
    write().with_context(|| format!("cannot write {}", path.display()))
}

/// Has the system start writing the pages of `file` (just written, of the staged run) to
/// disk, without waiting. The commit syncs every staged file (step 1 of the protocol);
/// a run of hundreds of megabytes would otherwise all still be to write then, the run
/// waiting on the disk with its cores idle. Linux only (elsewhere the sync does it all).
pub(crate) fn start_writeback(file: &File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: the call only names a descriptor `file` keeps open; it reads no memory
        // of the process. A failure is harmless: the sync at the commit writes the file.
        let _ =
            unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Syncs a folder's entries (its names, not its files' contents) to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Syncs every file under `dir` (in parallel), then every folder, deepest first.
fn sync_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < dirs.len() {
        for e in fs::read_dir(&dirs[i])? {
            let e = e?;
            let ty = e.file_type()?;
            if ty.is_dir() {
                dirs.push(e.path());
            } else if ty.is_file() {
                files.push(e.path());
            }
        }
        i += 1;
    }
    files
        .par_iter()
        .try_for_each(|f| File::open(f)?.sync_all())?;
    dirs.iter().rev().try_for_each(|d| sync_dir(d))
}
