//! Fuzzes the whole pipeline with one document: load → parse → link → render → write.
//!
//! The input is the bytes of `content/documents/fuzzed.md` in a tiny archive that has
//! everything a document can point at: two entities (with aliases, and an ambiguous
//! spelling both claim), two sources (one with a `shorthand`) and a second document
//! with a known heading id to cross-reference. Each input runs `lectern::check`, then
//! `lectern::build`, and renders every diagnostic as the CLI prints it.
//!
//! What stays true: no input makes lectern panic, and a successful build writes the
//! document's page. An `Err` is a fine answer to a bad document.
//!
//! The archive is written once per process; each input rewrites only the document and
//! removes the lock file, so every input starts from the same state and a crash
//! reproduces from its input alone.
//!
//! Run from the repository root (nightly, or `RUSTC_BOOTSTRAP=1` on stable; the
//! target is safe Rust, so `-s none` skips AddressSanitizer and runs ~5× faster).
//! New finds go to the first corpus folder, so name a scratch one first:
//!
//! ```sh
//! cargo +nightly fuzz run -s none document /tmp/finds fuzz/corpus/document -- \
//!     -dict=fuzz/document.dict -max_total_time=600
//! ```
//!
//! `fuzz/corpus/document/` holds the archive's five documents (`real-*.md`, and
//! `fixed-*.md` with their references pointed at this archive's entities and
//! sources), small hand-written cases (`hand-*.md`) and what fuzzing found. To fold
//! new finds in and keep it small (edges only, smallest set that covers them):
//!
//! ```sh
//! fuzz/target/x86_64-unknown-linux-gnu/release/document -set_cover_merge=1 \
//!     -use_counters=0 fuzz/corpus/document /tmp/finds
//! ```

#![no_main]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use lectern::BuildOptions;
use lectern::diagnostics::Diagnostic;
use libfuzzer_sys::fuzz_target;

const SITE_TOML: &str = "title = \"Fuzz archive\"\nbase_url = \"https://fuzz.example.org/\"\n";

const MAHMUD: &str = "+++
name = \"Mahmud Ahmed\"
kind = \"person\"
aliases = [\"General Mahmud Ahmed\", \"Mahmud\", \"General Ahmed\"]
ambiguous = [\"Ahmed\"]
dates = \"1936/2013\"
+++
Director-general of the ISI in 2001.
";

const MASSOUD: &str = "+++
name = \"Ahmad Shah Massoud\"
kind = \"person\"
aliases = [\"Ahmed Shah Massoud\", \"Massoud\"]
ambiguous = [\"Ahmed\"]
+++
Leader of the Northern Alliance.

A second paragraph.
";

const SOURCES_BIB: &str = "@book{coll-directorate-s,
  author = {Coll, Steve},
  title = {Directorate S},
  address = {London},
  publisher = {Allen Lane},
  year = {2018},
}

@article{ap-2002-06-09,
  journal = {Associated Press},
  date = {2002-06-09},
  shorthand = {Associated Press, 6/9/2002},
}
";

const OTHER: &str = "+++
title = \"Another document\"
kind = \"timeline\"
+++

## April 1999 {#known date=1999-04}

Mahmud met Massoud. [@coll-directorate-s, p. 1]
";

/// The archive, shared by every input of this process.
struct Fixture {
    /// The folder holding `archive/` and `site/`.
    dir: PathBuf,
    root: PathBuf,
    out: PathBuf,
    document: PathBuf,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    sweep_stale_fixtures();
    let dir = std::env::temp_dir().join(format!("{PREFIX}{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let root = dir.join("archive");
    let files = [
        ("site.toml", SITE_TOML),
        ("content/entities/mahmud-ahmed.md", MAHMUD),
        ("content/entities/ahmad-shah-massoud.md", MASSOUD),
        ("content/sources.bib", SOURCES_BIB),
        ("content/documents/other.md", OTHER),
    ];
    for (path, text) in files {
        write(&root.join(path), text.as_bytes());
    }
    // SAFETY: `remove_fixture` is a plain function that lives as long as the process.
    unsafe { atexit(remove_fixture) };
    Fixture {
        out: dir.join("site"),
        document: root.join("content/documents/fuzzed.md"),
        root,
        dir,
    }
});

/// Each process's archive is `<temp>/lectern-fuzz-<pid>`.
const PREFIX: &str = "lectern-fuzz-";

unsafe extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

/// Removes the archive when libFuzzer ends a run with `exit`, which drops no statics.
extern "C" fn remove_fixture() {
    let _ = fs::remove_dir_all(&FIXTURE.dir);
}

/// A crash, or the end of a `-fork` job, skips `atexit`: remove the archives of
/// processes that are gone. Only where `/proc` tells which are alive.
fn sweep_stale_fixtures() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().expect("fixture files are in folders"))
        .expect("create a fixture folder");
    fs::write(path, bytes).expect("write a fixture file");
}

/// Renders each diagnostic as the CLI would, and locates it.
fn report(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        std::hint::black_box(d.to_string());
        std::hint::black_box(d.line_col());
    }
}

fuzz_target!(|data: &[u8]| {
    let f = &*FIXTURE;
    write(&f.document, data);
    let _ = fs::remove_file(f.root.join(lectern::LOCK_FILE));

    match lectern::check(&f.root) {
        Ok(checked) => report(&checked.warnings),
        Err(failure) => report(&failure.0),
    }
    let built = lectern::build(&BuildOptions {
        root: f.root.clone(),
        out: Some(f.out.clone()),
        ..BuildOptions::default()
    });
    match built {
        Ok(summary) => {
            report(&summary.warnings);
            assert!(
                f.out.join("fuzzed/index.html").is_file(),
                "a successful build wrote no page for the document"
            );
        }
        Err(failure) => report(&failure.0),
    }
});
