//! Where a build's time goes: with `LECTERN_TIMINGS=1` in the environment, each
//! stage wrapped in [`time`] reports its wall time on stderr, and the processor
//! time the whole process spent meanwhile (all threads, user and system), so a
//! stage that leaves cores idle shows, and the memory resident when it ended and
//! at most so far. Off, it costs one check of a cached flag.

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
    let cpu = processor_seconds();
    let result = work();
    let wall = started.elapsed().as_secs_f64();
    let memory = resident()
        .map(|(now, peak)| format!("  {now:>5} MB, peak {peak:>5} MB"))
        .unwrap_or_default();
    match (cpu, processor_seconds()) {
        (Some((user, system)), Some((user_now, system_now))) => eprintln!(
            "{stage:>16}: {:>7.1} ms  (user {:>6.0} ms, system {:>6.0} ms){memory}",
            wall * 1e3,
            (user_now - user) * 1e3,
            (system_now - system) * 1e3,
        ),
        _ => eprintln!("{stage:>16}: {:>7.1} ms{memory}", wall * 1e3),
    }
    result
}

/// The process's resident memory now and at its peak, in MB, where the system
/// tells it (`VmRSS` and `VmHWM` in `/proc/self/status` on Linux).
fn resident() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// The process's user and system time so far, where the system tells it
/// (`/proc/self/stat` on Linux, in clock ticks of 1/100 s).
fn processor_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, in parentheses, may hold spaces: count fields after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok().map(|t| t / 100.0);
    Some((ticks(11)?, ticks(12)?))
}
