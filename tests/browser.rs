//! Reading this archive in a real browser: `tests/browser/reading.mjs` drives Debian's
//! Chromium through playwright-core against the site built here and served under a
//! sub-path (`/archive/`, matching `base_url`), and checks what a reader does: margin
//! notes at 1440 px, notes opened in place at 390 px, previews on hover and focus
//! closed by Escape, a cross-reference preview, search landing on its paragraph and
//! fetching only the small index files a query needs,
//! the theme remembered across a reload, no sideways scroll from 320 to 430 px,
//! no console errors, and no serious or critical axe-core findings, on every page type.
//!
//! It needs `/usr/bin/chromium`, `node`, and `npm ci` run in `tests/browser/`
//! (`.ci/run` does all three and sets `LECTERN_BROWSER_TESTS=1`, which makes them
//! mandatory); elsewhere the test says what is missing and passes.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::Archive;

const CHROMIUM: &str = "/usr/bin/chromium";

/// What stops the browser tests from running here, if anything.
fn missing(scripts: &Path) -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        return Some(format!("{CHROMIUM} (apt-get install chromium)"));
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node (apt-get install nodejs npm)".into());
    }
    if !scripts.join("node_modules/playwright-core").is_dir()
        || !scripts.join("node_modules/axe-core").is_dir()
    {
        return Some(format!(
            "playwright-core and axe-core (npm ci --prefix {})",
            scripts.display()
        ));
    }
    None
}

#[test]
fn reading_the_archive_in_chromium() {
    let scripts = common::repository_root().join("tests/browser");
    if let Some(what) = missing(&scripts) {
        assert!(
            std::env::var_os("LECTERN_BROWSER_TESTS").is_none(),
            "the browser tests need {what}"
        );
        eprintln!("skipped the browser tests: this machine lacks {what}");
        return;
    }

    let archive = Archive::repository();
    let config = std::fs::read_to_string(archive.root().join("site.toml")).unwrap();
    let config: String = config
        .lines()
        .map(|line| {
            if line.starts_with("base_url") {
                "base_url = \"https://example.org/archive/\"".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    archive.write("site.toml", config);
    let served = archive.scratch("served");
    archive.build_to(&served.join("archive"));

    let listener = lectern::serve::bind(0).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || lectern::serve::run(listener, &served));

    let started = Instant::now();
    let output = Command::new("node")
        .arg("reading.mjs")
        .arg(format!("http://127.0.0.1:{port}/archive/"))
        .current_dir(&scripts)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    eprintln!(
        "{report}{}browser checks took {:.1} s",
        String::from_utf8_lossy(&output.stderr),
        started.elapsed().as_secs_f64()
    );
    assert!(output.status.success(), "browser checks failed:\n{report}");
}
