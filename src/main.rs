//! The `lectern` command: parses arguments, runs, reports, picks the exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lectern::{BuildOptions, diagnostics::Failure};

// A build makes and frees millions of small strings from every core; mimalloc's
// per-thread heaps do that at a fraction of the system allocator's cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Build annotated reading archives into static websites.
///
/// An archive is a folder with site.toml, content/documents/*.md, and optionally
/// templates/ and static/. Run `lectern serve` inside it to read it in a browser.
#[derive(Parser)]
#[command(name = "lectern", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        /// The archive's folder, containing site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: site.toml's output_dir under the root).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Fail if the lock file of paragraph ids would change (for CI).
        #[arg(long)]
        locked: bool,
        /// Replace the output folder even if lectern did not create it.
        #[arg(long)]
        force: bool,
    },
    /// Build the site in memory, serve it on 127.0.0.1, and rebuild and reload
    /// the open pages on every change.
    Serve {
        /// The archive's folder, containing site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on; the next free one is used if it is taken.
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Create a new archive in DIR, with one sample of everything, ready to serve.
    Init {
        /// The folder to create; it must be empty or not exist yet.
        dir: PathBuf,
    },
    /// Check the archive, and the site it would build, without writing anything.
    Check {
        /// The archive's folder, containing site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check an already built site in this folder instead: every internal link
        /// and fragment resolves, and no page repeats an id.
        #[arg(long)]
        site: Option<PathBuf>,
        /// With --site: the path the site is published under (base_url's path),
        /// for links starting with `/`. Default: read from the archive's site.toml.
        #[arg(long)]
        base_path: Option<String>,
    },
}

fn main() -> ExitCode {
    // mimalloc asks the kernel for transparent huge pages, and a build frees and
    // reuses memory all the time: every huge page touched again is zeroed whole,
    // 2 MB at a time. At 10,000 documents that was 2 s of system time in a 7 s
    // build; ordinary pages cost a third of it. Failing to ask changes nothing else.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Build {
            root,
            out,
            locked,
            force,
        } => {
            let started = std::time::Instant::now();
            let summary = lectern::build(&BuildOptions {
                root,
                out,
                locked,
                force,
            })?;
            eprint!("{}", lectern::diagnostics::summarise(&summary.warnings));
            eprintln!(
                "Built {} documents, {} pages into {} in {} ms",
                summary.documents,
                summary.pages,
                summary.out.display(),
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Command::Serve { root, port } => lectern::serve::serve(&root, port),
        Command::Init { dir } => {
            lectern::init::init(&dir)?;
            println!(
                "Created an archive in {0}. Read it with:\n\n    lectern serve --root {0}\n",
                dir.display()
            );
            Ok(())
        }
        Command::Check {
            root,
            site: Some(site),
            base_path,
        } => {
            let base_path = match base_path {
                Some(path) => path,
                None => lectern::config::SiteConfig::load(&root)?
                    .base_path()
                    .to_string(),
            };
            lectern::check_site(&site, &base_path)?;
            eprintln!("No broken links in {}.", site.display());
            Ok(())
        }
        Command::Check {
            root, site: None, ..
        } => {
            let report = lectern::check(&root)?;
            for warning in &report.warnings {
                eprint!("{warning}");
            }
            if !report.retired.is_empty() {
                println!("Retired paragraph ids (their links land on the block shown):");
                for r in &report.retired {
                    let to = if r.to.is_empty() {
                        "(the top of the document)".to_string()
                    } else {
                        format!("#{}", r.to)
                    };
                    println!("  {}/#{} → {to}", r.document, r.id);
                }
            }
            eprintln!("No errors ({} warnings).", report.warnings.len());
            Ok(())
        }
    }
}
