//! Hostile input, file by file: each of `testdata/hostile/` (written by its `make.py`) and a few
//! generated at run time is ingested by the real binary into a fresh store, and must end as
//! expected (ingested with the right text, or skipped with a reason that says why) within
//! generous bounds of time and memory. The bounds are relative to what an ordinary page of the
//! same size costs in the same run (ten times its time, plus start-up), so they catch a blow-up
//! (quadratic work, a copy per node) on any machine and build, never a slow machine.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Env;

/// What must come of a file.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Ingested; the stored headline is this.
    Ingested(&'static str),
    /// Skipped, the reason containing this.
    Skipped(&'static str),
}

/// The committed files and what must come of each.
const FILES: &[(&str, Expect)] = &[
    // Text with a 0xC2 byte in every character: html5ever's serializer rescans the rest of a
    // text node for each one, so nothing may serialise page text through it.
    ("latin1-symbols.html.gz", Expect::Ingested("Symbols")),
    ("nbsp-run.html.gz", Expect::Ingested("No-break spaces")),
    ("entity-run.html.gz", Expect::Ingested("Entities")),
    // 100,000 nested <div>s: quadratic scope checks in the tree builder.
    ("deep-nesting.html.gz", Expect::Ingested("Deep")),
    // 200,000 unclosed formatting tags: the adoption agency's list of active elements.
    ("unclosed-nesting.html.gz", Expect::Ingested("Unclosed")),
    ("many-paragraphs.html.gz", Expect::Ingested("Paragraphs")),
    ("huge-attribute.html.gz", Expect::Ingested("Attribute")),
    // One tag with 200,000 attributes: the tokenizer's duplicate check is quadratic per tag.
    ("many-attributes.html.gz", Expect::Ingested("Attributes")),
    ("unclosed-comment.html.gz", Expect::Ingested("Comment")),
    (
        "long-line.txt.gz",
        Expect::Ingested("A headline for a text file"),
    ),
    // Records past the codec's limits: refused as file:line: field: reason.
    (
        "record-huge-title.txt.gz",
        Expect::Skipped(":2: title: longer than 65536 bytes"),
    ),
    (
        "record-many-topics.txt.gz",
        Expect::Skipped(": topics: more than 10000 list items"),
    ),
    (
        "record-many-fields.txt.gz",
        Expect::Skipped(":1002: more than 1000 fields"),
    ),
    // Declared UTF-8 with one Latin-1 byte: UTF-8 with one replacement, not mojibake.
    (
        "utf8-few-invalid.html",
        Expect::Ingested("Größere Märkte für Exporteure"),
    ),
    (
        "utf16le-bom.txt",
        Expect::Ingested("Überschrift über Märkte"),
    ),
    (
        "latin1-declared.html",
        Expect::Ingested("Vollständig erneuert"),
    ),
    // An unclosed <title> swallowed the page: an empty text under a headline of markup.
    (
        "unclosed-title.html",
        Expect::Ingested("Ferry timetable approved"),
    ),
    // Escape sequences and bells: stored without them.
    (
        "control-characters.html",
        Expect::Ingested("Evil ]0;owned title"),
    ),
];

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/hostile")
}

/// Time, peak memory and output of one `storyline ingest --json PATH` into a fresh store.
struct Run {
    elapsed: Duration,
    peak_rss_bytes: u64,
    lines: Vec<serde_json::Value>,
    env: Env,
}

fn ingest(path: &Path) -> Run {
    let env = Env::new();
    let started = Instant::now();
    // Reaped below by wait4, which std does not know about.
    #[allow(clippy::zombie_processes)]
    let child = env
        .command(&["--quiet", "ingest", "--json"])
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start storyline");
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.expect("stdout");
    let mut out = String::new();
    stdout.read_to_string(&mut out).expect("read output");
    // wait4 gives this child's own resource use (peak resident set in KiB on Linux).
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let elapsed = started.elapsed();
    let lines = out
        .lines()
        .filter(|line| line.contains("\"status\""))
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    Run {
        elapsed,
        peak_rss_bytes: usage.ru_maxrss.max(0) as u64 * 1024,
        lines,
        env,
    }
}

/// The size a file has once decompressed.
fn content_len(path: &Path) -> u64 {
    let bytes = std::fs::read(path).expect("read");
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .expect("gunzip");
        out.len() as u64
    } else {
        bytes.len() as u64
    }
}

/// What an ordinary input costs in this run: start-up, and time and memory per byte.
struct Baseline {
    startup: Duration,
    startup_rss: u64,
    seconds_per_byte: f64,
}

impl Baseline {
    fn measure(dir: &Path) -> Self {
        let tiny = dir.join("tiny.html");
        std::fs::write(
            &tiny,
            "<html><body><article><h1>Tiny</h1><p>A short but ordinary article body for the baseline.</p></article></body></html>",
        )
        .expect("write");
        let tiny_run = ingest(&tiny);
        // An ordinary page of 2 MiB: many paragraphs of plain words.
        let paragraph = "<p>The council met on Tuesday evening to discuss the harbour plan, which residents say would close the beach path for two summers while the new wall is built.</p>\n";
        let body = paragraph.repeat((2 << 20) / paragraph.len());
        let ordinary = dir.join("ordinary.html");
        std::fs::write(
            &ordinary,
            format!("<html><body><article><h1>Ordinary</h1>{body}</article></body></html>"),
        )
        .expect("write");
        let big = ingest(&ordinary);
        assert_eq!(big.lines[0]["status"], "ingested", "the ordinary page");
        let per_byte = big.elapsed.saturating_sub(tiny_run.elapsed).as_secs_f64()
            / content_len(&ordinary) as f64;
        eprintln!(
            "baseline: start-up {:?}, {:.0} MB; ordinary 2 MiB page {:?}, {:.0} MB",
            tiny_run.elapsed,
            tiny_run.peak_rss_bytes as f64 / 1e6,
            big.elapsed,
            big.peak_rss_bytes as f64 / 1e6
        );
        Baseline {
            startup: tiny_run.elapsed,
            startup_rss: tiny_run.peak_rss_bytes,
            seconds_per_byte: per_byte.max(1e-9),
        }
    }

    /// Ten times the linear cost of `bytes`, plus start-up twice over (and a second, for a
    /// loaded machine).
    fn time_bound(&self, bytes: u64) -> Duration {
        self.startup * 2
            + Duration::from_secs(1)
            + Duration::from_secs_f64(10.0 * self.seconds_per_byte * bytes as f64)
    }

    /// Start-up memory twice over, plus 64 bytes per input byte (the parsed page, its arena,
    /// the text and the stored copy).
    fn memory_bound(&self, bytes: u64) -> u64 {
        self.startup_rss * 2 + 64 * bytes
    }
}

fn check(name: &str, path: &Path, expect: Expect, baseline: &Baseline) {
    let bytes = content_len(path);
    let run = ingest(path);
    eprintln!(
        "{name}: {bytes} bytes, {:?}, {:.0} MB",
        run.elapsed,
        run.peak_rss_bytes as f64 / 1e6
    );
    assert_eq!(run.lines.len(), 1, "{name}: one report line");
    let line = &run.lines[0];
    match expect {
        Expect::Ingested(title) => {
            assert_eq!(line["status"], "ingested", "{name}: {line}");
            let stories = common::stories_json(&run.env);
            let stored = stories[0]["coverage"][0]["title"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: a stored headline in {stories}"));
            assert_eq!(stored, title, "{name}");
            let text = stories.to_string();
            assert!(
                !text.contains("\\u001b") && !text.contains("\\u0007"),
                "{name}: no control character is stored"
            );
        }
        Expect::Skipped(reason) => {
            assert_eq!(line["status"], "skipped", "{name}: {line}");
            let detail = line["detail"].as_str().unwrap_or_default();
            assert!(detail.contains(reason), "{name}: {detail:?}");
        }
    }
    let time_bound = baseline.time_bound(bytes);
    assert!(
        run.elapsed <= time_bound,
        "{name}: {:?} is more than ten times the linear cost ({time_bound:?})",
        run.elapsed
    );
    let memory_bound = baseline.memory_bound(bytes);
    assert!(
        run.peak_rss_bytes <= memory_bound,
        "{name}: peak {} bytes over the bound {memory_bound}",
        run.peak_rss_bytes
    );
}

/// Deterministic noise from a linear congruential generator, every byte at least `low`.
fn noise(len: usize, low: u8) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 56) as u8).max(low)
        })
        .collect()
}

#[test]
fn hostile_files_end_as_expected_in_bounded_time_and_memory() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let baseline = Baseline::measure(scratch.path());
    let dir = hostile_dir();
    let mut seen = 0;
    for (name, expect) in FILES {
        let path = dir.join(name);
        assert!(path.is_file(), "{} is missing", path.display());
        check(name, &path, *expect, &baseline);
        seen += 1;
    }
    // Every committed file has its expectation.
    let on_disk = std::fs::read_dir(&dir)
        .expect("read testdata/hostile")
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "make.py")
        .count();
    assert_eq!(on_disk, seen, "every file in testdata/hostile is checked");

    // Generated: binary without a NUL byte, as a page and as text (it must not decode into
    // an article of noise), and a file past the size limit (not read at all).
    let generated = [
        ("noise-high-bytes.html", noise(4 << 20, 0x80)),
        ("noise-no-nul.txt", noise(4 << 20, 0x01)),
    ];
    for (name, bytes) in generated {
        let path = scratch.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        check(name, &path, Expect::Skipped("binary content"), &baseline);
    }
    let huge = scratch.path().join("huge.txt");
    std::fs::File::create(&huge)
        .and_then(|file| file.set_len((16 << 20) + 1))
        .expect("a sparse file");
    let run = ingest(&huge);
    assert_eq!(run.lines[0]["status"], "skipped");
    assert!(
        run.lines[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("too large")),
        "{}",
        run.lines[0]
    );
}
