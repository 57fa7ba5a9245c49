//! Runs the extraction evaluation on both development sets and prints the tables.
//!
//! `cargo run -p storyline-eval --release --example eval_extract [DATASETS_DIR]`
//! (default: `STORYLINE_DATASETS`, else `../shared/datasets` relative to the repository root).
//!
//! `… --example eval_extract -- --worst N [DATASETS_DIR]` instead lists the N pages of each set
//! with the lowest F1 (with precision and recall), for error analysis.

use std::path::PathBuf;
use std::process::ExitCode;

use storyline_eval::extract::{
    ExtractCase, datasets_dir, load_benchmark, load_wcxb, run_extract_eval, shingle_page, word_page,
};
use storyline_extract::{ExtractOptions, extract};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut worst = None;
    if let Some(position) = args.iter().position(|arg| arg == "--worst") {
        worst = args.get(position + 1).and_then(|n| n.parse::<usize>().ok());
        args.drain(position..(position + 2).min(args.len()));
    }
    let explicit = args.first().map(PathBuf::from);
    let datasets = datasets_dir(explicit.as_deref());
    if let Some(count) = worst {
        return list_worst(&datasets, count);
    }
    match run_extract_eval(&datasets) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("extraction evaluation failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn list_worst(datasets: &std::path::Path, count: usize) -> ExitCode {
    let options = |case: &ExtractCase| ExtractOptions {
        url: case.url.clone(),
    };
    let mut ok = false;
    if let Ok(cases) = load_benchmark(datasets) {
        ok = true;
        let mut rows: Vec<(f64, f64, f64, &str, usize)> = cases
            .iter()
            .map(|case| {
                let text = extract(&case.html, &options(case)).text;
                let page = shingle_page(&text, &case.main_content);
                let precision = if page.tp + page.fp > 0.0 {
                    page.tp / (page.tp + page.fp)
                } else {
                    1.0
                };
                let recall = if page.tp + page.fn_ > 0.0 {
                    page.tp / (page.tp + page.fn_)
                } else {
                    1.0
                };
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                (
                    f1,
                    precision,
                    recall,
                    case.id.as_str(),
                    text.split_whitespace().count(),
                )
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        println!("article-extraction-benchmark, worst {count}: F1 P R id words");
        for (f1, precision, recall, id, words) in rows.iter().take(count) {
            println!("{f1:.3} {precision:.3} {recall:.3} {id} {words}");
        }
    }
    if let Ok(cases) = load_wcxb(datasets) {
        ok = true;
        let mut rows: Vec<(f64, f64, f64, String, String)> = cases
            .iter()
            .map(|case| {
                let page = word_page(
                    &extract(&case.html, &options(case)).text,
                    &case.main_content,
                );
                (
                    page.f1,
                    page.precision,
                    page.recall,
                    case.id.clone(),
                    case.page_type.clone(),
                )
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        println!("wcxb-dev, worst {count}: F1 P R id type");
        for (f1, precision, recall, id, kind) in rows.iter().take(count) {
            println!("{f1:.3} {precision:.3} {recall:.3} {id} {kind}");
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("no dataset found under {}", datasets.display());
        ExitCode::FAILURE
    }
}
