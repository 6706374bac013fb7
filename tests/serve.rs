//! `lectern serve` as a reader with the page open sees it: a saved edit is served
//! and announced, a broken save is reported to the page while the last good build
//! stays, and the next good save recovers, all without a restart.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Archive;

const DOC: &str = "+++\ntitle = \"Doc\"\n+++\n\nThe first words.\n";

/// A running `lectern serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(clippy::zombie_processes)] // `Server`'s drop waits for it.
fn start(archive: &Archive) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["serve", "--port", "0"])
        .current_dir(archive.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lectern serve");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) else {
            break;
        };
        if let Some(url) = line.split("http://").nth(1) {
            let url = url.split_whitespace().next().unwrap_or("");
            let (address, base) = url.split_at(url.find('/').unwrap_or(url.len()));
            let port = address.rsplit(':').next().unwrap().parse().unwrap();
            return Server {
                child,
                port,
                base: base.to_string(),
            };
        }
    }
    panic!("lectern serve printed no address");
}

impl Server {
    /// GETs `path` under the base path: status line and body.
    fn get(&self, path: &str) -> (String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET {}{path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            self.base
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        (
            head.lines().next().unwrap_or("").to_string(),
            body.to_string(),
        )
    }

    /// The page's event stream: each event's name and data, as they come.
    fn events(&self) -> mpsc::Receiver<(String, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET {}__lectern/events HTTP/1.1\r\nHost: localhost\r\n\r\n",
            self.base
        )
        .unwrap();
        let (sender, events) = mpsc::channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    let _ = sender.send((name.clone(), data.to_string()));
                }
            }
        });
        events
    }
}

fn next(events: &mpsc::Receiver<(String, String)>) -> (String, String) {
    events
        .recv_timeout(Duration::from_secs(20))
        .expect("an event within 20 s of the save")
}

/// Waits for reloads until `doc/` holds `words`: an editor's save may reach the
/// watcher as more than one change (truncate, then write), each rebuilt, and a
/// busy machine can show the half-written one too.
fn reloaded_with(server: &Server, events: &mpsc::Receiver<(String, String)>, words: &str) {
    loop {
        let (name, _) = next(events);
        if name == "reload" && server.get("doc/").1.contains(words) {
            return;
        }
    }
}

#[test]
fn edits_reload_broken_saves_report_and_the_next_good_save_recovers() {
    let archive = Archive::with_site().document("doc", DOC);
    let server = start(&archive);
    let (status, page) = server.get("doc/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("The first words."), "{page}");
    assert!(
        page.contains("__lectern/events"),
        "the live script is in served pages"
    );
    let events = server.events();
    std::thread::sleep(Duration::from_millis(300));

    archive.write(
        "content/documents/doc.md",
        DOC.replace("first words", "edited words"),
    );
    reloaded_with(&server, &events, "The edited words.");

    archive.write(
        "content/documents/doc.md",
        format!("{DOC}\nA note that is missing.[^gone]\n"),
    );
    // A save can reach the watcher half-written; wait for the report of the whole.
    let report = loop {
        let (name, data) = next(&events);
        if name == "problem" && data.contains("[^gone]") {
            break data;
        }
    };
    assert!(
        report.contains("footnote `[^gone]` is referenced but never defined"),
        "{report}"
    );
    assert!(report.contains("content/documents/doc.md:7:"), "{report}");
    // The last good build is still served, and a page opened now hears of the problem.
    assert!(server.get("doc/").1.contains("The edited words."));
    let late = server.events();
    assert_eq!(next(&late).0, "problem");

    archive.write(
        "content/documents/doc.md",
        DOC.replace("first words", "mended words"),
    );
    reloaded_with(&server, &events, "The mended words.");
    // Nothing was written but the lock.
    assert!(!archive.root().join("public").exists());
}

#[test]
fn a_sub_path_site_is_served_under_its_path_and_missing_pages_get_the_404_page() {
    let archive = Archive::new()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://user.github.io/archive/\"\n",
        )
        .document("doc", DOC);
    let server = start(&archive);
    assert_eq!(server.base, "/archive/");
    assert_eq!(server.get("doc/").0, "HTTP/1.1 200 OK");
    let (status, body) = server.get("no/such/page/");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert!(body.contains("href=\"/archive/style.css\""), "{body}");
    assert_eq!(server.get("doc").0, "HTTP/1.1 301 Moved Permanently");
}

#[test]
fn a_taken_port_is_said_and_the_next_one_used() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let archive = Archive::with_site().document("doc", DOC);
    let mut child = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(archive.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .take_while(|line| !line.starts_with("Serving at"))
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        lines[0].starts_with(&format!("Port {port} is taken; using ")),
        "{lines:?}"
    );
}

#[test]
fn init_makes_an_archive_that_builds_and_checks_clean_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new-archive");
    let root_arg = root.to_str().unwrap();
    common::lectern(&["init", root_arg])
        .success()
        .stdout_has("lectern serve --root");
    for file in [
        "site.toml",
        "lectern.lock",
        "content/documents/welcome.md",
        "content/entities/ada-lovelace.md",
        "content/sources.bib",
        ".github/workflows/pages.yml",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    let site_toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    for key in [
        "title",
        "base_url",
        "description",
        "language",
        "editor",
        "output_dir",
        "sanitize_html",
        "cname",
    ] {
        assert!(
            site_toml
                .lines()
                .any(|l| l.starts_with("# ") && site_toml.contains(&format!("{key} ="))),
            "{key} is there, commented"
        );
    }
    let report = lectern::check(&root).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let summary = lectern::build(&lectern::BuildOptions {
        root: root.clone(),
        locked: true,
        ..Default::default()
    })
    .unwrap();
    assert!(summary.warnings.is_empty());
    let page = std::fs::read_to_string(root.join("public/welcome/index.html")).unwrap();
    for needle in [
        "class=\"mention",
        "class=\"cite\"",
        "role=\"doc-noteref\"",
        "class=\"editorial ed-note\"",
        "href=\"#cross-references\"",
    ] {
        assert!(page.contains(needle), "the sample shows {needle}");
    }
    common::lectern(&["init", root_arg])
        .failure()
        .stderr_has("is not empty");
}

/// The same in Chromium, through `tests/browser/serve.mjs` (playwright-core):
/// the page changes by itself after a save, shows a broken save's report, and
/// recovers. Runs where `.ci/run` set up the browser tests.
#[test]
fn in_a_browser_the_page_follows_the_saves() {
    let browser = common::repository_root().join("tests/browser");
    let ready = browser.join("node_modules/playwright-core").is_dir()
        && std::path::Path::new("/usr/bin/chromium").exists();
    if !ready {
        assert!(
            std::env::var_os("LECTERN_BROWSER_TESTS").is_none(),
            "the browser tests need chromium and `npm ci` in tests/browser"
        );
        eprintln!("skipped: no chromium or playwright-core (see .ci/run)");
        return;
    }
    let archive = Archive::with_site().document(
        "doc",
        "+++\ntitle = \"Doc\"\n+++\n\nThe first words.\n\nThe second paragraph.\n",
    );
    let server = start(&archive);
    let url = format!("http://127.0.0.1:{}{}doc/", server.port, server.base);
    let file = archive.root().join("content/documents/doc.md");
    let output = Command::new("node")
        .arg(browser.join("serve.mjs"))
        .args([url.as_str(), file.to_str().unwrap(), "/usr/bin/chromium"])
        .current_dir(&browser)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "save to page: {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
}
