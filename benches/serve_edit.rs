//! Times a one-document edit under `lectern serve`: from the save to the served
//! page changing over HTTP, and the rebuild itself as serve reports it
//! (`Session::rebuild` on the saved path).
//!
//! ```sh
//! cargo bench --bench serve_edit -- --lectern target/release/lectern --root DIR [--rounds 5] [--port 8700] [--edit word|paragraph]
//! ```
//!
//! Each round edits a different document, polls the page every 2 ms until the
//! new word is served, and reads the "Built … in N ms" line serve prints for that
//! rebuild. `--edit word` (the default) adds one word to the first paragraph, so
//! the document keeps its shape and the paragraph its id; `--edit paragraph`
//! adds a paragraph after the first that names an entity the document names,
//! which changes the document's shape (a block, a mention, the related
//! passages). Every edited file is put back afterwards. Prints medians, and
//! serve's peak memory (VmHWM).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Args {
    lectern: PathBuf,
    root: PathBuf,
    rounds: usize,
    port: u16,
    edit: Edit,
}

/// What each round does to its document.
#[derive(Clone, Copy)]
enum Edit {
    /// One word more in the first paragraph.
    Word,
    /// A paragraph more, naming an entity.
    Paragraph,
}

fn args() -> Result<Option<Args>, String> {
    let (mut lectern, mut root, mut rounds, mut port) = (None, None, 5, 8700);
    let mut edit = Edit::Word;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--lectern" => lectern = Some(PathBuf::from(value()?)),
            "--root" => root = Some(PathBuf::from(value()?)),
            "--rounds" => rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--edit" => {
                edit = match value()?.as_str() {
                    "word" => Edit::Word,
                    "paragraph" => Edit::Paragraph,
                    other => return Err(format!("--edit: `{other}` is not word or paragraph")),
                }
            }
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(match (lectern, root) {
        (Some(lectern), Some(root)) => Some(Args {
            lectern,
            root,
            rounds,
            port,
            edit,
        }),
        _ => None,
    })
}

fn main() -> ExitCode {
    match args() {
        Ok(Some(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("serve_edit: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(None) => {
            println!(
                "usage: cargo bench --bench serve_edit -- --lectern PATH --root DIR [--rounds N] [--port P] [--edit word|paragraph]"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("serve_edit: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Kills serve when dropped, whatever happened.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(args: &Args) -> Result<(), String> {
    let documents = args.root.join("content/documents");
    let mut slugs: Vec<String> = std::fs::read_dir(&documents)
        .map_err(|e| format!("{}: {e}", documents.display()))?
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".md")
                .filter(|s| s.starts_with("doc-"))
                .map(str::to_owned)
        })
        .collect();
    slugs.sort();
    if slugs.is_empty() {
        return Err("no doc-*.md documents to edit".into());
    }
    let names = entity_names(&args.root.join("content/entities"));
    let started = Instant::now();
    let child = Command::new(&args.lectern)
        .args(["serve", "--root"])
        .arg(&args.root)
        .args(["--port", &args.port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", args.lectern.display()))?;
    let mut serve = Serve(child);
    let pid = serve.0.id();
    let stdout = serve.0.stdout.take().ok_or("no stdout")?;
    let (lines, reports) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut address = None;
    let mut first_build = None;
    while address.is_none() {
        let line = reports
            .recv_timeout(Duration::from_secs(600))
            .map_err(|_| "serve did not start")?;
        if let Some(ms) = built_ms(&line) {
            first_build = Some(ms);
        }
        if let Some(rest) = line.strip_prefix("Serving at http://") {
            address = rest.split_whitespace().next().map(|a| {
                let host = a.split('/').next().unwrap_or(a);
                (host.to_string(), a[host.len()..].to_string())
            });
        }
    }
    let (host, base) = address.ok_or("no address")?;
    println!(
        "serve: first build {} ms, serving after {:.1} s",
        first_build.unwrap_or(0),
        started.elapsed().as_secs_f64()
    );
    // Let the watcher settle (it reports the lock file serve may just have written).
    std::thread::sleep(Duration::from_millis(500));
    while reports.try_recv().is_ok() {}

    let mut served = Vec::new();
    let mut previews = Vec::new();
    let mut rebuilt = Vec::new();
    let mut originals: Vec<(PathBuf, String)> = Vec::new();
    for round in 0..args.rounds {
        let slug = &slugs[(round * 7919 + 1) % slugs.len()];
        let path = documents.join(format!("{slug}.md"));
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let marker = format!("benchedit{round}x");
        let edited = match args.edit {
            Edit::Word => add_word(&text, &marker),
            Edit::Paragraph => add_paragraph(&text, &marker, &names),
        }
        .ok_or("no paragraph to edit")?;
        let url = format!("{base}{slug}/");
        let before = get(&host, &url)?;
        if before.contains(&marker) {
            return Err(format!("{url} already contains {marker}"));
        }
        originals.push((path.clone(), text));
        let saved = Instant::now();
        std::fs::write(&path, edited).map_err(|e| e.to_string())?;
        loop {
            if get(&host, &url)?.contains(&marker) {
                break;
            }
            if saved.elapsed() > Duration::from_secs(120) {
                return Err(format!("{url} did not change within 120 s"));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let ms = saved.elapsed().as_secs_f64() * 1000.0;
        // What the reloaded page's script asks for next, on the first hover.
        get(&host, &format!("{base}previews.json"))?;
        let previews_ms = saved.elapsed().as_secs_f64() * 1000.0;
        let build = reports
            .recv_timeout(Duration::from_secs(10))
            .ok()
            .and_then(|l| built_ms(&l));
        println!(
            "edit {slug}: served after {ms:.0} ms (rebuild {} ms), previews after {previews_ms:.0} ms",
            build.map_or("?".into(), |b| b.to_string())
        );
        served.push(ms);
        previews.push(previews_ms);
        rebuilt.extend(build.map(|b| b as f64));
        // Let this round's lock write settle before the next edit.
        std::thread::sleep(Duration::from_millis(300));
        while reports.try_recv().is_ok() {}
    }
    let peak = peak_kb(pid);
    for (path, text) in originals.iter().rev() {
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    println!(
        "median of {}: save to served {:.0} ms, rebuild {:.0} ms, save to previews {:.0} ms; serve peak memory {} MB",
        served.len(),
        median(&mut served),
        median(&mut rebuilt),
        median(&mut previews),
        peak.map_or("?".into(), |kb| (kb / 1024).to_string())
    );
    // Give serve a moment to see the restored files before it is killed, so the
    // lock it writes matches them.
    std::thread::sleep(Duration::from_millis(1500));
    Ok(())
}

/// The text with `marker` added to the first paragraph of the body (a line that
/// starts with a letter after the front matter).
fn add_word(text: &str, marker: &str) -> Option<String> {
    let (at, line) = first_paragraph(text)?;
    let cut = at + line.find(' ')?;
    Some(format!("{} {marker}{}", &text[..cut], &text[cut..]))
}

/// The text with a paragraph after the first that holds `marker` and names
/// the first of `names` the text names (or the first of all).
fn add_paragraph(text: &str, marker: &str, names: &[String]) -> Option<String> {
    let (at, line) = first_paragraph(text)?;
    let name = names
        .iter()
        .find(|n| text.contains(n.as_str()))
        .or(names.first())?;
    let cut = at + line.len();
    Some(format!(
        "{}\nThe {marker} passage names {name} once more.\n{}",
        &text[..cut],
        &text[cut..]
    ))
}

/// Where the first paragraph of the body starts, and its first line.
fn first_paragraph(text: &str) -> Option<(usize, &str)> {
    let body = text.find("\n+++\n")? + 5;
    let mut at = body;
    for line in text[body..].split_inclusive('\n') {
        if line.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Some((at, line));
        }
        at += line.len();
    }
    None
}

/// The `name` of every entity file in `dir`, in file order.
fn entity_names(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let line = text.lines().find(|l| l.starts_with("name = \""))?;
            Some(line["name = \"".len()..].trim_end_matches('"').to_string())
        })
        .collect()
}

/// "Built 10000 documents (42 files written) in 123 ms" → 123.
fn built_ms(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("Built ")?;
    rest.rsplit_once(" in ")?
        .1
        .strip_suffix(" ms")?
        .parse()
        .ok()
}

fn get(host: &str, path: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(host).map_err(|e| format!("{host}: {e}"))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut body = Vec::new();
    stream.read_to_end(&mut body).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn peak_kb(pid: u32) -> Option<u64> {
    let status =
        std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
