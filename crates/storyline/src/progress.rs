//! Progress for long jobs: a bar with a rate and an ETA on a terminal, plain periodic lines
//! otherwise; and the signals (Ctrl-C, SIGTERM) that ask a job to drain and stop.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use storyline_pipeline::round::{RoundCounters, Stop};

/// A progress bar over `len` units, drawn on standard error when it is a terminal and
/// `visible` holds; hidden otherwise.
pub fn bar(len: u64, visible: bool, unit: &str) -> ProgressBar {
    if !visible || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!(
        "{{spinner}} [{{elapsed_precise}}] {{bar:30}} {{pos}}/{{len}} {unit} · {{per_sec}} · ETA {{eta}}"
    );
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Asks `stop` to drain on Ctrl-C or SIGTERM; a second Ctrl-C ends the process at once.
pub fn stop_on_signals(stop: Stop) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        terminated().await;
        eprintln!("stopping: finishing the articles in hand, the rest is left for the next round…");
        stop.stop();
        terminated().await;
        eprintln!("stopped at once");
        std::process::exit(130);
    })
}

/// Waits for Ctrl-C or SIGTERM (a service manager's stop, `kill`).
pub async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Shows a fetch round's progress until the returned handle is aborted: a live line on a
/// terminal, a plain line every `every` otherwise.
pub fn round_ticker(
    counters: Arc<RoundCounters>,
    bar: ProgressBar,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let started = Instant::now();
        let terminal = !bar.is_hidden();
        let mut last_plain = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let line = round_line(&counters, started.elapsed());
            if terminal {
                bar.set_message(line);
                bar.tick();
            } else if last_plain.elapsed() >= every {
                last_plain = Instant::now();
                eprintln!("{line}");
            }
        }
    })
}

/// One line of a round's progress: sources polled, pages fetched and queued, articles
/// committed, the rate, and an ETA from the pages still queued.
pub fn round_line(counters: &RoundCounters, elapsed: Duration) -> String {
    let get = RoundCounters::get;
    let (sources, polled) = (get(&counters.sources), get(&counters.polled));
    let (queued, done) = (get(&counters.pages_queued), get(&counters.pages_done));
    let committed = get(&counters.committed);
    let secs = elapsed.as_secs_f64().max(0.001);
    let rate = committed as f64 / secs;
    let page_rate = done as f64 / secs;
    let waiting = queued.saturating_sub(done);
    let eta = if page_rate > 0.0 && polled == sources {
        format!("{:.0} s", waiting as f64 / page_rate)
    } else {
        "?".to_string()
    };
    format!(
        "sources {polled}/{sources} polled · pages {done}/{queued} fetched · {committed} articles committed ({} from feed text) · {rate:.1} articles/s · ETA {eta}",
        get(&counters.feed_only)
    )
}

/// A spinner with a message, drawn on standard error when it is a terminal; hidden otherwise.
pub fn spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// Text from the network made safe for a terminal: control characters (escape sequences,
/// bells, carriage returns) are shown escaped instead of acting on the terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_from_the_network_are_shown_not_obeyed() {
        assert_eq!(
            printable("Title\u{1b}]0;owned\u{7}\r\nfake line"),
            "Title\\u{1b}]0;owned\\u{7}\\r\\nfake line"
        );
        assert_eq!(printable("Zürich\tnews"), "Zürich\tnews");
    }
}
