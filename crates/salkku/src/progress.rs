//! Progress of long commands (`seed --synthetic`, `import`, `export`) on standard error: a bar
//! on a terminal, plain lines otherwise (a log file or CI wants lines, not redraws).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often plain lines come at most.
const LINE_EVERY: Duration = Duration::from_secs(2);

pub struct Reporter {
    bar: Option<ProgressBar>,
    /// Plain mode: what was last reported, and when.
    last: Mutex<(Option<&'static str>, Instant)>,
}

impl Reporter {
    /// A bar when standard error is a terminal, lines otherwise.
    pub fn new() -> Reporter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Reporter { bar, last: Mutex::new((None, Instant::now())) }
    }

    /// `done` of `total` (when known) rows of `what`.
    pub fn update(&self, what: &'static str, done: u64, total: Option<u64>) {
        if let Some(bar) = &self.bar {
            match total {
                Some(total) => bar.set_length(total),
                None => bar.set_length(done),
            }
            bar.set_message(what);
            bar.set_position(done);
            return;
        }
        let Ok(mut last) = self.last.lock() else { return };
        let finished = total.is_some_and(|t| done >= t);
        if last.0 != Some(what) || finished || last.1.elapsed() >= LINE_EVERY {
            match total {
                Some(total) => eprintln!("{what}: {done}/{total}"),
                None => eprintln!("{what}: {done}"),
            }
            *last = (Some(what), Instant::now());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Reporter::new()
    }
}
