//! Where a build's time goes: with `LECTERN_TIMINGS=1` in the environment, each
//! stage wrapped in [`time`] reports its wall time on stderr. Off, it costs one
//! check of a cached flag.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("LECTERN_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `work`, reporting how long it took as `stage` when timings are on.
pub fn time<T>(stage: &str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let started = Instant::now();
    let result = work();
    eprintln!(
        "{stage:>16}: {:>7.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    result
}
