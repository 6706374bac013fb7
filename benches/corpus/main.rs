//! Writes a synthetic reading archive of N documents for benchmarks, in lectern's
//! format and, with the same words, as a Zola site and a Hugo site.
//!
//! ```sh
//! cargo bench --bench corpus -- --docs 10000 --out /tmp/corpus-10k [--seed 1]
//! ```
//!
//! writes `OUT/lectern`, `OUT/zola` and `OUT/hugo`. What stays true:
//!
//! - the output depends only on `--docs` and `--seed` (a SplitMix64 stream per
//!   item, no clock, no hash-map order), so two runs are byte-identical;
//! - each document has about 1,500 words in 12–20 paragraphs, a few `##`
//!   sections, 16–24 mentions of 6–10 entities (plain names and aliases for
//!   lectern, `@/` links for Zola, plain links for Hugo), 4–8 footnotes each citing
//!   a source, 1–3 citations in the text, sometimes a list, a block quote, an
//!   editor's note or a fenced code block, and a cross-reference into a timeline;
//! - every 100th document is a timeline of 12 dated `##` entries;
//! - there are max(200, N/5) entities (people with a title and a long form as
//!   aliases, organisations, places) and max(20, N/10) sources; entity popularity is
//!   skewed, as in a real archive;
//! - invented names never collide with each other or with the filler words, so
//!   lectern's automatic detection finds exactly the intended mentions.

mod archive;
mod dialects;
mod words;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use archive::{Shape, document};
use dialects::{Dialect, scaffolding};
use words::{Rng, Words};

struct Args {
    docs: usize,
    out: PathBuf,
    seed: u64,
}

const USAGE: &str = "usage: cargo bench --bench corpus -- --docs N --out DIR [--seed S]";

fn args() -> Result<Option<Args>, String> {
    let mut docs = None;
    let mut out = None;
    let mut seed = 1;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--docs" => docs = Some(value()?.parse().map_err(|e| format!("--docs: {e}"))?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    match (docs, out) {
        (Some(docs), Some(out)) => Ok(Some(Args { docs, out, seed })),
        (None, None) => Ok(None),
        _ => Err("both --docs and --out are needed".into()),
    }
}

fn main() -> ExitCode {
    match args() {
        Ok(Some(args)) => match generate(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("corpus: {e}");
                ExitCode::FAILURE
            }
        },
        // Plain `cargo bench` runs every bench: nothing to do here without arguments.
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("corpus: {e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &Args) -> std::io::Result<()> {
    let started = std::time::Instant::now();
    let words = Words::new();
    let seed = Rng::new(args.seed);
    let shape = Shape::for_documents(args.docs);
    let archive = archive::archive(&shape, &words, &seed);
    for dialect in Dialect::ALL {
        let root = args.out.join(dialect.name());
        if root.exists() {
            std::fs::remove_dir_all(&root)?;
        }
        for (path, text) in scaffolding(dialect) {
            put(&root, path, text)?;
        }
        for e in &archive.entities {
            put(
                &root,
                &dialect.entity_path(&e.id),
                &dialect.entity(e, &archive),
            )?;
        }
        match dialect {
            Dialect::Lectern => put(
                &root,
                "content/sources.bib",
                &Dialect::bibtex(&archive.sources),
            )?,
            Dialect::Zola => {
                for s in &archive.sources {
                    put(
                        &root,
                        &format!("content/sources/{}.md", s.key),
                        &dialect.source(s),
                    )?;
                }
            }
            Dialect::Hugo => {
                for s in &archive.sources {
                    let path = format!("content/sources/{}/_index.md", s.key);
                    put(&root, &path, &dialect.source(s))?;
                }
            }
        }
    }
    let bytes: Vec<usize> = (0..shape.documents)
        .into_par_iter()
        .map(|d| -> std::io::Result<usize> {
            let doc = document(d, &archive, &words, &seed);
            let mut n = 0;
            for dialect in Dialect::ALL {
                let text = dialect.document(&doc, &archive);
                if dialect == Dialect::Lectern {
                    n = text.len();
                }
                let root = args.out.join(dialect.name());
                put(&root, &dialect.document_path(&doc.slug), &text)?;
            }
            Ok(n)
        })
        .collect::<std::io::Result<_>>()?;
    let total: usize = bytes.iter().sum();
    println!(
        "{} documents ({:.1} MB of lectern Markdown), {} entities, {} sources in {}/{{lectern,zola,hugo}} ({:.1} s)",
        shape.documents,
        total as f64 / 1e6,
        shape.entities,
        shape.sources,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn put(root: &Path, path: &str, text: &str) -> std::io::Result<()> {
    let target = root.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(&target)?);
    file.write_all(text.as_bytes())?;
    file.flush()
}
