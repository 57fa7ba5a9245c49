//! Prints how fast records parse, write and convert, and how fast `secured` values seal and
//! open. Not a test: figures vary by machine.
//!
//! `cargo run --release -p storyline-model --example record_throughput [record-file]`
//! (default: testdata/records/harbor-bridge.txt).

use std::time::Instant;

use storyline_model::{Keyring, Record};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/records/harbor-bridge.txt"
        )
        .to_owned()
    });
    let text = std::fs::read_to_string(&path)?;
    let rounds = 20_000;

    let start = Instant::now();
    let mut bytes = 0usize;
    for _ in 0..rounds {
        bytes += Record::parse(&text, &path)?.to_text().len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "parse+check+write: {:.0} records/s, {:.1} MB/s ({} bytes each)",
        f64::from(rounds) / secs,
        bytes as f64 / secs / 1e6,
        text.len()
    );

    let record = Record::parse(&text, &path)?;
    let related = record.related();
    let start = Instant::now();
    for _ in 0..rounds {
        let article = record.to_article(None)?;
        let _ = Record::from_article(&article, &related, None)?.to_text();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "to_article+from_article+write: {:.0} records/s",
        f64::from(rounds) / secs
    );

    let keyring = Keyring::generate()?;
    let mut article = record.to_article(None)?;
    article.provenance.feed_url = Some("https://example.org/feed?token=t".into());
    let start = Instant::now();
    let mut sealed = String::new();
    for _ in 0..rounds {
        sealed = keyring.seal(&article.provenance, &article.id)?;
    }
    let seal_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for _ in 0..rounds {
        keyring.open(&sealed, &article.id)?;
    }
    let open_secs = start.elapsed().as_secs_f64();
    println!(
        "secured: seal {:.0}/s, open {:.0}/s",
        f64::from(rounds) / seal_secs,
        f64::from(rounds) / open_secs
    );
    Ok(())
}
