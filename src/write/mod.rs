//! Stage 6, write: put the rendered site and the lock file on disk, all or nothing.
//!
//! The site is written to a fresh folder beside the output and swapped into place
//! only when complete, so a failed build leaves the previous site untouched. The
//! lock file is replaced the same way (a temporary file renamed over it), just
//! before the swap: a published page never carries an id the lock does not record.
//! The output folder is refused when it would overwrite the archive's own sources,
//! and a non-empty folder lectern did not create is never replaced without `force`.
//!
//! Cost: a site is thousands of small files, so the time goes to the file system,
//! not to copying bytes. `Staging` takes files one at a time, from any thread:
//! a build writes each page as soon as it is rendered, from all cores, instead
//! of holding the whole site in memory. Each folder is created once (not once
//! per file), and the previous site is deleted from all cores after the swap.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Failure};

/// Marks a folder as lectern's output, so a later build may replace it.
pub const MARKER: &str = ".lectern-output";

/// Static files every site gets unless the archive's `static/` has its own.
pub const BUILT_IN_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../../static/style.css")),
    ("lectern.js", include_str!("../../static/lectern.js")),
    ("favicon.svg", include_str!("../../static/favicon.svg")),
];

/// A file to write that is not a page (stylesheets, `.nojekyll`…).
pub struct Asset {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Refuses output folders that would destroy something: the archive itself, one of
/// its source folders, a folder containing the archive, or a foreign non-empty folder.
pub fn check_output(root: &Path, out: &Path, force: bool) -> Result<(), Failure> {
    let root = absolute(root);
    let out = absolute(out);
    let refuse = |why: String| -> Result<(), Failure> {
        Err(Diagnostic::error(&out, why)
            .help("choose another folder with --out, e.g. `public`")
            .into())
    };
    if root.starts_with(&out) {
        return refuse(format!(
            "the output folder {} contains the archive itself",
            out.display()
        ));
    }
    for source in ["content", "templates", "static"] {
        if out.starts_with(root.join(source)) {
            return refuse(format!(
                "the output folder {} is inside the archive's {source}/ folder",
                out.display()
            ));
        }
    }
    let foreign = out.is_dir()
        && !out.join(MARKER).exists()
        && fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
    if foreign && !force {
        return Err(Diagnostic::error(
            &out,
            format!(
                "{} is not empty and was not created by lectern",
                out.display()
            ),
        )
        .help("pass --force to replace it, or choose an empty folder with --out")
        .into());
    }
    Ok(())
}

/// The files copied into every site: the built-in static files, and the
/// archive's `static/` (which may replace them).
pub fn assets(root: &Path) -> Result<Vec<Asset>, Failure> {
    let mut assets: Vec<Asset> = BUILT_IN_STATIC
        .iter()
        .map(|(name, text)| Asset {
            path: name.into(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let own = read_static(&root.join("static"))?;
    assets.retain(|a| !own.iter().any(|o| o.path == a.path));
    assets.extend(own);
    Ok(assets)
}

/// A site being written: a fresh folder beside the output, swapped into place by
/// `finish`. `put` may be called from many threads at once.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    previous: PathBuf,
    /// Folders known to exist, so each is created once.
    made: Mutex<BTreeSet<PathBuf>>,
}

impl Staging {
    /// Starts writing a site that will replace `out`.
    pub fn new(out: &Path) -> Result<Staging, Failure> {
        let out = absolute(out);
        let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        fs::create_dir_all(&parent).map_err(|e| Failure::io(&parent, "create", e))?;
        let dir = parent.join(format!(".{name}.lectern-new"));
        let previous = parent.join(format!(".{name}.lectern-old"));
        for leftover in [&dir, &previous] {
            if leftover.exists() {
                remove_tree(leftover)?;
            }
        }
        fs::create_dir_all(&dir).map_err(|e| Failure::io(&dir, "create", e))?;
        Ok(Staging {
            out,
            dir,
            previous,
            made: Mutex::new(BTreeSet::new()),
        })
    }

    /// Writes `bytes` at `path` inside the site; `path` comes from slugs and ids
    /// that load checked, but a path that could leave the site is refused here too.
    pub fn put(&self, path: &Path, bytes: &[u8]) -> Result<(), Failure> {
        safe(path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let known = self
                .made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(parent);
            if !known {
                let target = self.dir.join(parent);
                fs::create_dir_all(&target).map_err(|e| Failure::io(&target, "create", e))?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(parent.ancestors().map(Path::to_path_buf));
            }
        }
        let target = self.dir.join(path);
        fs::write(&target, bytes).map_err(|e| Failure::io(&target, "write", e))
    }

    /// Writes the lock (path and text, when it changed), then swaps the site
    /// into place and deletes the previous one.
    pub fn finish(self, lock: Option<(PathBuf, String)>) -> Result<(), Failure> {
        let marked = self.put(
            Path::new(MARKER),
            b"This folder is written by lectern; a build replaces it whole.\n",
        );
        if let Err(failure) = marked {
            self.abandon();
            return Err(failure);
        }
        if let Some((path, text)) = lock
            && let Err(failure) = replace_file(&path, text.as_bytes())
        {
            self.abandon();
            return Err(failure);
        }
        let (out, previous) = (&self.out, &self.previous);
        if out.exists() {
            fs::rename(out, previous).map_err(|e| Failure::io(out, "move aside", e))?;
        }
        if let Err(e) = fs::rename(&self.dir, out) {
            // Put the previous site back rather than leave none.
            let _ = fs::rename(previous, out);
            return Err(Failure::io(out, "move into place", e));
        }
        if previous.exists() {
            remove_tree(previous)?;
        }
        Ok(())
    }

    /// Gives up: deletes what was written, leaving the previous site as it was.
    pub fn abandon(self) {
        let _ = remove_tree(&self.dir);
    }
}

/// Deletes a folder and everything in it, its subfolders from all cores.
fn remove_tree(dir: &Path) -> Result<(), Failure> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Failure::io(dir, "remove", e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::io(dir, "remove", e))?;
    entries.par_iter().try_for_each(|path| {
        let removed = match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
            Ok(_) => fs::remove_file(path),
            Err(e) => Err(e),
        };
        removed.map_err(|e| Failure::io(path, "remove", e))
    })?;
    fs::remove_dir(dir).map_err(|e| Failure::io(dir, "remove", e))
}

/// Replaces `path` with `bytes` through a temporary file beside it, so a crash
/// leaves either the old file or the new one, never half of one.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.lectern-new"));
    let written = fs::File::create(&temporary).and_then(|mut file| {
        use std::io::Write;
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&temporary);
        return Err(Failure::io(&temporary, "write", e));
    }
    fs::rename(&temporary, path).map_err(|e| Failure::io(path, "replace", e))
}

/// Refuses a path that could leave the site's folder.
fn safe(path: &Path) -> Result<(), Failure> {
    let safe = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if safe {
        return Ok(());
    }
    Err(Diagnostic::error(
        path,
        format!(
            "refusing to write outside the output folder: {}",
            path.display()
        ),
    )
    .into())
}

/// The archive's own static files, read into memory.
fn read_static(from: &Path) -> Result<Vec<Asset>, Failure> {
    let mut assets = Vec::new();
    if !from.is_dir() {
        return Ok(assets);
    }
    for entry in WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Failure::from(Diagnostic::error(
                from,
                format!("could not read static files: {e}"),
            ))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let bytes = fs::read(entry.path()).map_err(|e| Failure::io(entry.path(), "read", e))?;
        assets.push(Asset {
            path: relative.to_path_buf(),
            bytes,
        });
    }
    Ok(assets)
}

fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Resolve `..` and symlinks where the folder exists, so comparisons are honest.
    fs::canonicalize(&path).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join("content"),
            root.join("content/x"),
            root.join(".."),
        ] {
            assert!(check_output(root, &bad, true).is_err(), "{}", bad.display());
        }
        assert!(check_output(root, &root.join("public"), false).is_ok());
    }

    #[test]
    fn a_foreign_folder_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "x").unwrap();
        let err = check_output(dir.path(), &out, false).unwrap_err();
        assert!(err.0[0].help.as_deref().unwrap().contains("--force"));
        assert!(check_output(dir.path(), &out, true).is_ok());
    }

    #[test]
    fn paths_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("site")).unwrap();
        assert!(staging.put(Path::new("../x"), b"").is_err());
        assert!(staging.put(Path::new("/etc/x"), b"").is_err());
        assert!(staging.put(Path::new("a/../../x"), b"").is_err());
        staging.abandon();
        assert!(!dir.path().join(".site.lectern-new").exists());
    }

    #[test]
    fn a_site_replaces_the_previous_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let write = |files: &[(&str, &str)], lock| {
            let staging = Staging::new(&out).unwrap();
            for (path, text) in files {
                staging.put(Path::new(path), text.as_bytes()).unwrap();
            }
            staging.finish(lock).unwrap();
        };
        write(&[("a/index.html", "a"), ("a/b/c/index.html", "c")], None);
        assert_eq!(
            fs::read_to_string(out.join("a/b/c/index.html")).unwrap(),
            "c"
        );
        let lock = (dir.path().join("lectern.lock"), "format 2\n".to_owned());
        write(
            &[
                ("index.html", "home"),
                ("d/index.html", "d"),
                ("css/style.css", "p{}"),
            ],
            Some(lock),
        );
        assert!(
            !out.join("a").exists(),
            "nothing of the previous site is left"
        );
        assert_eq!(fs::read_to_string(out.join("d/index.html")).unwrap(), "d");
        assert_eq!(fs::read(out.join("css/style.css")).unwrap(), b"p{}");
        assert!(out.join(MARKER).exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("lectern.lock")).unwrap(),
            "format 2\n"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "no staging or old folder is left: {names:?}"
        );
    }
}
