/*!
Writing a run's folder safely: everything goes to a staging folder beside the target,
which is renamed into place only when complete; a lock file keeps two runs on the same
output folder apart; `latest` is a symlink switched atomically (rename over it).

A failed run leaves the staging folder to be deleted on drop and the earlier reports
untouched.
*/

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// A run folder being written.
pub struct RunDir {
    out: PathBuf,
    name: String,
    staging: tempfile::TempDir,
    _lock: File,
}

impl RunDir {
    /// Locks `out` and creates a staging folder for the run folder `name`.
    pub fn begin(out: &Path, name: &str) -> anyhow::Result<RunDir> {
        std::fs::create_dir_all(out)
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
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another uc-readiness run is writing to {} (it holds {}); try again when it ends",
                out.display(),
                lock_path.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", lock_path.display()));
            }
        }
        let staging = tempfile::Builder::new()
            .prefix(&format!(".staging-{name}-"))
            .tempdir_in(out)
            .with_context(|| format!("cannot create a staging folder in {}", out.display()))?;
        Ok(RunDir {
            out: out.to_path_buf(),
            name: name.to_string(),
            staging,
            _lock: lock,
        })
    }

    /// The staging folder to write into.
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Moves the finished run into `OUT/<name>` (replacing an earlier run of the same
    /// name) and points `OUT/latest` at the newest run folder. Returns the final path.
    pub fn commit(self) -> anyhow::Result<PathBuf> {
        let target = self.out.join(&self.name);
        let staged = self.staging.keep();
        let old = self
            .out
            .join(format!(".old-{}-{}", self.name, std::process::id()));
        let had_old = target.exists();
        if had_old {
            std::fs::rename(&target, &old)
                .with_context(|| format!("cannot move the earlier {} aside", target.display()))?;
        }
        if let Err(e) = std::fs::rename(&staged, &target) {
            if had_old {
                let _ = std::fs::rename(&old, &target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("cannot move the run into {}", target.display()));
        }
        if had_old {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove {}", old.display()))?;
        }
        point_latest(&self.out)?;
        Ok(target)
    }
}

/// Points `OUT/latest` at the greatest run folder name (`YYYY-MM-DD` sorts by date).
fn point_latest(out: &Path) -> anyhow::Result<()> {
    let mut newest: Option<String> = None;
    for entry in std::fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() && crate::config::parse_date(&name).is_some() {
            newest = newest.max(Some(name));
        }
    }
    let Some(newest) = newest else { return Ok(()) };
    let tmp = out.join(format!(".latest-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&newest, &tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    #[cfg(not(unix))]
    std::fs::write(&tmp, format!("{newest}\n"))?;
    std::fs::rename(&tmp, out.join("latest"))
        .with_context(|| format!("cannot switch {}", out.join("latest").display()))?;
    Ok(())
}
