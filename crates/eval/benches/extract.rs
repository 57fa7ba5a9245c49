//! Extraction throughput and quality beside the baselines, same pages, same run, one thread.
//!
//! `cargo bench -p storyline-eval --bench extract` prints, for storyline-extract,
//! rs-trafilatura 0.2.2 and dom_smoothie 0.19 (its `text_content`), the median pages/s over a
//! few repetitions (`STORYLINE_BENCH_REPS`, default 3) on the 181 benchmark pages and on WCXB
//! dev, the ratio to ours, and each extractor's quality with the datasets' metrics (a check
//! that our metric reproduces the baselines' published figures) with the share of pages under
//! F1 0.5 and of empty outputs. Datasets are read from
//! `STORYLINE_DATASETS` or `../shared/datasets`; a 20 MB page is also timed for ours.

use std::hint::black_box;
use std::time::Instant;

use storyline_eval::extract::metrics::{ShingleScores, WordScores, shingle_page, word_page};
use storyline_eval::extract::{ExtractCase, TailShares, datasets_dir, load_benchmark, load_wcxb};
use storyline_extract::{ExtractOptions, extract};

type Extractor = fn(&ExtractCase) -> String;

fn ours(case: &ExtractCase) -> String {
    extract(
        &case.html,
        &ExtractOptions {
            url: case.url.clone(),
        },
    )
    .text
}

fn trafilatura(case: &ExtractCase) -> String {
    rs_trafilatura::extract(&case.html)
        .map(|result| result.content_text)
        .unwrap_or_default()
}

fn smoothie(case: &ExtractCase) -> String {
    let url = case.url.as_deref().filter(|url| url.starts_with("http"));
    dom_smoothie::Readability::new(case.html.as_str(), url, None)
        .and_then(|mut readability| readability.parse())
        .map(|article| article.text_content.to_string())
        .unwrap_or_default()
}

const EXTRACTORS: [(&str, Extractor); 3] = [
    ("storyline-extract", ours),
    ("rs-trafilatura 0.2.2", trafilatura),
    ("dom_smoothie 0.19", smoothie),
];

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Runs every extractor `reps` times over `cases`; returns (name, median pages/s, outputs).
fn run(cases: &[ExtractCase], reps: usize) -> Vec<(&'static str, f64, Vec<String>)> {
    let mut results = Vec::new();
    for (name, extractor) in EXTRACTORS {
        let mut rates = Vec::new();
        let mut outputs = Vec::new();
        for rep in 0..reps {
            let start = Instant::now();
            let texts: Vec<String> = cases
                .iter()
                .map(|case| black_box(extractor(case)))
                .collect();
            rates.push(cases.len() as f64 / start.elapsed().as_secs_f64().max(1e-9));
            if rep == 0 {
                outputs = texts;
            }
        }
        results.push((name, median(rates), outputs));
    }
    results
}

fn main() {
    let reps: usize = std::env::var("STORYLINE_BENCH_REPS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(3)
        .max(1);
    let datasets = datasets_dir(None);
    println!(
        "extraction benchmark: one thread, median of {reps} runs, datasets in {}",
        datasets.display()
    );

    match load_benchmark(&datasets) {
        Ok(cases) => {
            let results = run(&cases, reps);
            let ours_rate = results[0].1;
            println!("\narticle-extraction-benchmark ({} pages)", cases.len());
            println!(
                "| extractor | pages/s | ours ÷ theirs | precision | recall | F1 | F1 < 0.5 | empty |"
            );
            println!("|---|---|---|---|---|---|---|---|");
            for (name, rate, outputs) in &results {
                let pages: Vec<_> = cases
                    .iter()
                    .zip(outputs)
                    .map(|(case, text)| shingle_page(text, &case.main_content))
                    .collect();
                let scores = ShingleScores::aggregate(&pages);
                let tail = TailShares::from_pages(
                    pages
                        .iter()
                        .zip(outputs)
                        .map(|(page, text)| (page.f1(), text.trim().is_empty())),
                );
                println!(
                    "| {name} | {rate:.0} | {:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                    ours_rate / rate.max(1e-9),
                    scores.precision,
                    scores.recall,
                    scores.f1,
                    tail.low_f1,
                    tail.empty
                );
            }
        }
        Err(error) => println!("article-extraction-benchmark not run: {error}"),
    }

    match load_wcxb(&datasets) {
        Ok(cases) => {
            let results = run(&cases, reps);
            let ours_rate = results[0].1;
            println!("\nwcxb-dev ({} pages)", cases.len());
            println!(
                "| extractor | pages/s | ours ÷ theirs | precision | recall | F1 | F1 articles \
                 | F1 < 0.5 | empty |"
            );
            println!("|---|---|---|---|---|---|---|---|---|");
            for (name, rate, outputs) in &results {
                let pages: Vec<_> = cases
                    .iter()
                    .zip(outputs)
                    .map(|(case, text)| word_page(text, &case.main_content))
                    .collect();
                let articles: Vec<_> = cases
                    .iter()
                    .zip(&pages)
                    .filter(|(case, _)| case.page_type == "article")
                    .map(|(_, page)| *page)
                    .collect();
                let scores = WordScores::aggregate(&pages);
                let tail = TailShares::from_pages(
                    pages
                        .iter()
                        .zip(outputs)
                        .map(|(page, text)| (page.f1, text.trim().is_empty())),
                );
                println!(
                    "| {name} | {rate:.0} | {:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                    ours_rate / rate.max(1e-9),
                    scores.precision,
                    scores.recall,
                    scores.f1,
                    WordScores::aggregate(&articles).f1,
                    tail.low_f1,
                    tail.empty
                );
            }
        }
        Err(error) => println!("wcxb-dev not run: {error}"),
    }

    // One huge page: 20 MB of article-like markup, timed for ours only.
    let paragraph = "<div class=\"story\"><p>The council met again on Tuesday, and the vote, after a long debate, went the other way.</p></div>\n";
    let mut huge = String::from("<html><body><article>");
    while huge.len() < 20 * 1024 * 1024 {
        huge.push_str(paragraph);
    }
    huge.push_str("</article></body></html>");
    let start = Instant::now();
    let extraction = extract(&huge, &ExtractOptions::default());
    println!(
        "\n20 MB page: {:.2} s, {} words extracted",
        start.elapsed().as_secs_f64(),
        extraction.text.split_whitespace().count()
    );
}
