//! Prints our parse of one feed file, as the fetcher would see it (charset decoding, then format
//! detection), with `http://example.com/feed.xml` as its address: a debugging aid for the
//! conformance tests.
//!
//! `cargo run -p storyline-ingest --example dump_feed -- FILE`

use storyline_ingest::fetch::charset;
use storyline_ingest::sources::parse_source;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: dump_feed FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            std::process::exit(1);
        }
    };
    let decoded = charset::decode(&bytes, None);
    println!(
        "{:#?}",
        parse_source(&decoded.text, Some("http://example.com/feed.xml"))
    );
}
