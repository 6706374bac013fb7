//! Fixture archives for the integration tests, after mdBook's `BookTest`.
//!
//! An [`Archive`] is a temporary folder holding an archive (`archive/`) and, beside
//! it, the folder a build writes to (`site/`). Tests make one from inline files or by
//! copying a folder, then build it with the library ([`Archive::build`],
//! [`Archive::build_err`]) or run the real binary ([`Archive::run`]), and look at the
//! result through [`Site`] and [`Page`], which select with CSS selectors, and
//! [`reading_text`], the document's own words without the editor's additions.
//!
//! Everything a test builds stays inside its own temporary folder, which is removed
//! when the last [`Archive`] or [`Site`] pointing at it is dropped; the repository's
//! own files are only ever read. The one exception is [`repository_site`], this
//! repository's archive built once per test binary for the tests that only read it:
//! it lives in a folder of its own under Cargo's `target/tmp/`, replaced by the next
//! run of the same test binary.

#![allow(dead_code, unused_imports)] // Each test crate uses a different part of this module.

mod links;
mod reading;
mod site;

pub use reading::reading_text;
pub use site::{Page, Site, assert_same_files, selector, snapshot, text_of};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, LazyLock};

use lectern::diagnostics::Failure;
use lectern::{BuildOptions, BuildSummary};
use tempfile::TempDir;

/// The smallest valid `site.toml`.
pub const SITE_TOML: &str =
    "title = \"Fixture archive\"\nbase_url = \"https://fixture.example.org/\"\n";

/// An archive in a folder of its own, built up file by file.
pub struct Archive {
    dir: Arc<Workspace>,
    root: PathBuf,
}

/// The folder holding an archive (`archive/`) and its builds.
enum Workspace {
    /// Removed when dropped.
    Temporary(TempDir),
    /// Kept after the run, for [`repository_site`], which lives in a `static`.
    Kept(PathBuf),
}

impl Workspace {
    fn temporary() -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("lectern-test-")
            .tempdir()
            .expect("create a temporary folder");
        Workspace::Temporary(dir)
    }

    fn path(&self) -> &Path {
        match self {
            Workspace::Temporary(dir) => dir.path(),
            Workspace::Kept(path) => path,
        }
    }
}

/// This repository's archive, built once per test binary (on first use), for tests
/// that read the site and change nothing. Tests that edit the archive make their own
/// copy with [`Archive::repository`].
pub fn repository_site() -> &'static Site {
    static SITE: LazyLock<Site> = LazyLock::new(|| {
        // A `static` is never dropped, so a temporary folder would outlive the run:
        // the site goes to a fixed folder per test binary instead, emptied first.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{}-repository", env!("CARGO_CRATE_NAME")));
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("remove {}: {e}", dir.display()));
        }
        Archive::repository_in(Workspace::Kept(dir)).build()
    });
    &SITE
}

impl Archive {
    /// An empty archive: not even `site.toml`.
    pub fn new() -> Archive {
        Archive::in_workspace(Workspace::temporary())
    }

    fn in_workspace(dir: Workspace) -> Archive {
        let root = dir.path().join("archive");
        fs::create_dir_all(&root).unwrap_or_else(|e| panic!("create {}: {e}", root.display()));
        Archive {
            dir: Arc::new(dir),
            root,
        }
    }

    /// An archive with the smallest valid `site.toml` and nothing else.
    pub fn with_site() -> Archive {
        Archive::new().file("site.toml", SITE_TOML)
    }

    /// A copy of the archive in `dir` (a fixture folder under `tests/fixtures/`, say).
    pub fn from_dir(dir: impl AsRef<Path>) -> Archive {
        let archive = Archive::new();
        copy_dir(dir.as_ref(), archive.root());
        archive
    }

    /// A copy of this repository's own archive: `site.toml`, the lock file, `content/`,
    /// `templates/` and `static/`. A copy, because a build updates `lectern.lock`
    /// beside `site.toml`, and tests must not change the repository.
    pub fn repository() -> Archive {
        Archive::repository_in(Workspace::temporary())
    }

    fn repository_in(dir: Workspace) -> Archive {
        let archive = Archive::in_workspace(dir);
        let repo = repository_root();
        for name in [
            "site.toml",
            lectern::LOCK_FILE,
            "content",
            "templates",
            "static",
        ] {
            let from = repo.join(name);
            if from.is_dir() {
                copy_dir(&from, &archive.root().join(name));
            } else if from.is_file() {
                fs::copy(&from, archive.root().join(name))
                    .unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
            }
        }
        archive
    }

    /// Writes `contents` at `path`, relative to the archive root, creating folders.
    pub fn file(self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Archive {
        self.write(path, contents);
        self
    }

    /// Like [`Archive::file`], for an archive already built.
    pub fn write(&self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        let target = self.root().join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).expect("create folders for a fixture file");
        }
        fs::write(&target, contents).unwrap_or_else(|e| panic!("write {}: {e}", target.display()));
    }

    /// A document at `content/documents/<slug>.md`.
    pub fn document(self, slug: &str, text: &str) -> Archive {
        self.file(format!("content/documents/{slug}.md"), text)
    }

    /// The archive's root folder (the one with `site.toml`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where [`Archive::build`] writes: a folder beside the archive, not inside it.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// A fresh path beside the archive, for builds into other folders.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Builds into [`Archive::out`]; panics with the whole report if the build fails.
    pub fn build(&self) -> Site {
        self.build_to(&self.out())
    }

    /// Builds into `out`; panics with the whole report if the build fails.
    pub fn build_to(&self, out: &Path) -> Site {
        self.try_build_into(out)
            .unwrap_or_else(|failure| panic!("the build failed:\n{failure}"))
    }

    /// Builds into [`Archive::out`], returning the site or the report.
    pub fn try_build(&self) -> Result<Site, Failure> {
        self.try_build_into(&self.out())
    }

    fn try_build_into(&self, out: &Path) -> Result<Site, Failure> {
        self.try_build_to(out)
            .map(|summary| self.site(out, summary))
    }

    /// The site a build of this archive wrote into `out`.
    fn site(&self, out: &Path, summary: BuildSummary) -> Site {
        Site {
            _dir: Arc::clone(&self.dir),
            out: out.to_path_buf(),
            summary,
        }
    }

    /// Builds into [`Archive::out`], expecting failure; panics if the build succeeds.
    pub fn build_err(&self) -> Failure {
        match self.try_build_to(&self.out()) {
            Ok(summary) => panic!(
                "the build succeeded but should have failed ({} pages in {})",
                summary.pages,
                summary.out.display()
            ),
            Err(failure) => failure,
        }
    }

    /// Builds into [`Archive::out`] with `--locked`: panics with the whole report if
    /// the build fails, or if it would change the archive's `lectern.lock`.
    pub fn build_locked(&self) -> Site {
        let out = self.out();
        let built = lectern::build(&BuildOptions {
            root: self.root().to_path_buf(),
            out: Some(out.clone()),
            locked: true,
            ..BuildOptions::default()
        });
        match built {
            Ok(summary) => self.site(&out, summary),
            Err(failure) => panic!("the locked build failed:\n{failure}"),
        }
    }

    pub fn try_build_to(&self, out: &Path) -> Result<BuildSummary, Failure> {
        lectern::build(&BuildOptions {
            root: self.root().to_path_buf(),
            out: Some(out.to_path_buf()),
            ..BuildOptions::default()
        })
    }

    /// Runs the `lectern` binary in the archive's root folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }
}

/// Runs the `lectern` binary with `args` in the current folder.
pub fn lectern(args: &[&str]) -> Run {
    run_in(&repository_root(), args)
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run the lectern binary");
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        output,
    }
}

/// A finished run of the binary.
pub struct Run {
    args: Vec<String>,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn success(&self) -> &Run {
        assert!(
            self.output.status.success(),
            "`lectern {}` failed ({:?})\nstdout:\n{}\nstderr:\n{}",
            self.args.join(" "),
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn failure(&self) -> &Run {
        assert!(
            !self.output.status.success() && self.code().is_some(),
            "`lectern {}` should have exited non-zero, but exited with {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args.join(" "),
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn stdout_has(&self, needle: &str) -> &Run {
        let stdout = self.stdout();
        assert!(
            stdout.contains(needle),
            "stdout of `lectern {}` lacks {needle:?}:\n{stdout}",
            self.args.join(" ")
        );
        self
    }

    pub fn stderr_has(&self, needle: &str) -> &Run {
        let stderr = self.stderr();
        assert!(
            stderr.contains(needle),
            "stderr of `lectern {}` lacks {needle:?}:\n{stderr}",
            self.args.join(" ")
        );
        self
    }
}
/// This repository: the crate's manifest folder.
pub fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files);
    files.sort();
    files
}

fn collect_files(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("read a folder entry").path();
        if path.is_dir() {
            collect_files(base, &path, files);
        } else {
            let relative = path.strip_prefix(base).expect("under base");
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let entries = fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries {
        let path = entry.expect("read a folder entry").path();
        let target = to.join(path.file_name().expect("entries have names"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}
