//! Times reading and writing a lock file.
//!
//! ```sh
//! cargo bench --bench lock -- PATH/lectern.lock [--rewrite]
//! ```
//!
//! `--rewrite` then writes the lock back in the current format (every id kept).

use std::process::ExitCode;
use std::time::Instant;

use lectern::ids::Lock;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let rewrite = args.iter().any(|a| a == "--rewrite");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        println!("usage: cargo bench --bench lock -- PATH/lectern.lock");
        return ExitCode::SUCCESS;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("lock: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut parse, mut write) = (Vec::new(), Vec::new());
    let mut lock = Lock::default();
    for _ in 0..5 {
        let started = Instant::now();
        lock = match Lock::parse(&text) {
            Ok(lock) => lock,
            Err(e) => {
                eprintln!("lock: {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        parse.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        std::hint::black_box(lock.to_text());
        write.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    if rewrite && let Err(e) = std::fs::write(&path, lock.to_text()) {
        eprintln!("lock: {path}: {e}");
        return ExitCode::FAILURE;
    }
    parse.sort_by(f64::total_cmp);
    write.sort_by(f64::total_cmp);
    let blocks: usize = lock.documents.values().map(|d| d.blocks.len()).sum();
    println!(
        "lectern.lock: {:.1} MB, {} documents, {blocks} blocks; parse {:.0} ms, write {:.0} ms (median of 5)",
        text.len() as f64 / 1e6,
        lock.documents.len(),
        parse[2],
        write[2]
    );
    ExitCode::SUCCESS
}
