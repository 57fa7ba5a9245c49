//! Scores story clustering on the development sets, the seeds and the corpus.
//!
//! `cargo run --release -p storyline-eval --example eval_cluster -- [DATASETS] [CORPUS] [--sweep]`
//! DATASETS defaults to `$STORYLINE_DATASETS` or `../shared/datasets` (relative to
//! the repository root); CORPUS to `corpus/`. `--sweep` also scores a range of join
//! thresholds, full-text join thresholds, undated quiet windows and split
//! thresholds (the calibration behind the defaults).

use std::path::PathBuf;

use storyline_analyze::ClusterConfig;
use storyline_eval::cluster::{run_cluster_eval, run_cluster_eval_with};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sweep = args.iter().any(|a| a == "--sweep");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let datasets = paths
        .first()
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("STORYLINE_DATASETS").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/datasets"));
    let corpus = paths
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("corpus"));
    let corpus = corpus.join("labels.toml").exists().then_some(corpus);
    match run_cluster_eval(&datasets, corpus.as_deref()) {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("eval_cluster: {e}");
            std::process::exit(1);
        }
    }
    if sweep {
        for t in [0.16f32, 0.18, 0.20, 0.22, 0.25, 0.30, 0.35] {
            let config = ClusterConfig {
                join_threshold: t,
                ..ClusterConfig::default()
            };
            if let Ok(report) = run_cluster_eval_with(&datasets, corpus.as_deref(), &config) {
                println!("join_threshold = {t}\n{report}");
            }
        }
        // full texts on both sides: only the seeds and the corpus have them
        for t in [
            0.08f32, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.25, 0.30, 0.35,
        ] {
            let config = ClusterConfig {
                body_join_threshold: t,
                ..ClusterConfig::default()
            };
            if let Ok(report) = run_cluster_eval_with(&datasets, corpus.as_deref(), &config) {
                println!("body_join_threshold = {t}\n{report}");
            }
        }
        // the clock of undated streams: only MStream is undated
        for n in [200u64, 300, 400, 500, 1_000, 2_000, 8_000] {
            let config = ClusterConfig {
                undated_quiet_articles: n,
                ..ClusterConfig::default()
            };
            if let Ok(report) = run_cluster_eval_with(&datasets, corpus.as_deref(), &config) {
                println!("undated_quiet_articles = {n}\n{report}");
            }
        }
        for t in [0.0f32, 0.05, 0.10, 0.15, 0.17, 0.20, 0.25] {
            let config = ClusterConfig {
                split_threshold: t,
                ..ClusterConfig::default()
            };
            if let Ok(report) = run_cluster_eval_with(&datasets, corpus.as_deref(), &config) {
                println!("split_threshold = {t}\n{report}");
            }
        }
    }
}
