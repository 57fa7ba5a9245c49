//! How much of extraction time is HTML parsing: times `dom_query` parsing alone and the full
//! [`storyline_extract::extract`] over a folder of `.html` files (gunzipped beforehand).
//!
//! `cargo run -p storyline-extract --release --example parse_share -- DIR`

use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: parse_share DIR (a folder of .html files)");
        return;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("cannot read {dir}");
        return;
    };
    let pages: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path()).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    let start = Instant::now();
    for page in &pages {
        std::hint::black_box(dom_query::Document::from(page.as_str()));
    }
    let parse = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let options = storyline_extract::ExtractOptions::default();
    for page in &pages {
        std::hint::black_box(storyline_extract::extract(page, &options));
    }
    let full = start.elapsed().as_secs_f64();
    println!(
        "{} pages: parse {:.0} pages/s, extract {:.0} pages/s, parse share {:.0}%",
        pages.len(),
        pages.len() as f64 / parse,
        pages.len() as f64 / full,
        100.0 * parse / full
    );
}
