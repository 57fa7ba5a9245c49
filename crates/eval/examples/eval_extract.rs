//! Runs the extraction evaluation on both development sets and prints the tables.
//!
//! `cargo run -p storyline-eval --release --example eval_extract [DATASETS_DIR]`
//! (default: `STORYLINE_DATASETS`, else `../shared/datasets` relative to the repository root).
//!
//! `… --example eval_extract -- --worst N [DATASETS_DIR]` instead lists the N pages of each set
//! with the lowest F1 (with precision and recall), for error analysis.
//!
//! `… --example eval_extract -- --dump DIR [--baseline] [DATASETS_DIR]` writes, for every page
//! of both sets, our text (`DIR/<set>/<id>.txt`), the truth (`<id>.truth.txt`) and, with
//! `--baseline`, rs-trafilatura's text (`<id>.base.txt`), plus `DIR/<set>/scores.tsv` (id, page
//! type, P, R, F1 for ours, then for the baseline, then our confidence), for page-by-page
//! comparison.

use std::path::PathBuf;
use std::process::ExitCode;

use storyline_eval::extract::{
    ExtractCase, datasets_dir, load_benchmark, load_wcxb, run_extract_eval, shingle_page, word_page,
};
use storyline_extract::{ExtractOptions, extract};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut worst = None;
    let mut dump = None;
    let baseline = args.iter().any(|arg| arg == "--baseline");
    args.retain(|arg| arg != "--baseline");
    if let Some(position) = args.iter().position(|arg| arg == "--dump") {
        dump = args.get(position + 1).map(PathBuf::from);
        args.drain(position..(position + 2).min(args.len()));
    }
    if let Some(position) = args.iter().position(|arg| arg == "--worst") {
        worst = args.get(position + 1).and_then(|n| n.parse::<usize>().ok());
        args.drain(position..(position + 2).min(args.len()));
    }
    let explicit = args.first().map(PathBuf::from);
    let datasets = datasets_dir(explicit.as_deref());
    if let Some(out) = dump {
        return dump_pages(&datasets, &out, baseline);
    }
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

/// Precision, recall and F1 of a page under either metric, as the README defines them.
fn page_scores(set: &str, text: &str, truth: &str) -> (f64, f64, f64) {
    if set == "wcxb" {
        let page = word_page(text, truth);
        return (page.precision, page.recall, page.f1);
    }
    let page = shingle_page(text, truth);
    let ratio = |part: f64, other: f64| {
        if part + other > 0.0 {
            part / (part + other)
        } else {
            1.0
        }
    };
    let precision = ratio(page.tp, page.fp);
    let recall = ratio(page.tp, page.fn_);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

fn dump_pages(datasets: &std::path::Path, out: &std::path::Path, baseline: bool) -> ExitCode {
    let sets = [
        ("benchmark", load_benchmark(datasets)),
        ("wcxb", load_wcxb(datasets)),
    ];
    for (set, cases) in sets {
        let Ok(cases) = cases else { continue };
        let dir = out.join(set);
        if let Err(error) = std::fs::create_dir_all(&dir) {
            eprintln!("cannot create {}: {error}", dir.display());
            return ExitCode::FAILURE;
        }
        let mut rows = String::new();
        for case in &cases {
            let extraction = extract(
                &case.html,
                &ExtractOptions {
                    url: case.url.clone(),
                },
            );
            let confidence = extraction.confidence;
            let ours = extraction.text;
            let (p, r, f) = page_scores(set, &ours, &case.main_content);
            rows.push_str(&format!(
                "{}\t{}\t{p:.4}\t{r:.4}\t{f:.4}",
                case.id, case.page_type
            ));
            let mut files = vec![("txt", ours), ("truth.txt", case.main_content.clone())];
            if baseline {
                let base = rs_trafilatura::extract(&case.html)
                    .map(|result| result.content_text)
                    .unwrap_or_default();
                let (p, r, f) = page_scores(set, &base, &case.main_content);
                rows.push_str(&format!("\t{p:.4}\t{r:.4}\t{f:.4}"));
                files.push(("base.txt", base));
            }
            rows.push_str(&format!("\t{confidence:.3}\n"));
            for (suffix, text) in files {
                let path = dir.join(format!("{}.{suffix}", case.id));
                if let Err(error) = std::fs::write(&path, text) {
                    eprintln!("cannot write {}: {error}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        let path = dir.join("scores.tsv");
        if let Err(error) = std::fs::write(&path, rows) {
            eprintln!("cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
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
