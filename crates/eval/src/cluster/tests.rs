//! Tests of the clustering evaluation: the seeds as specified (outside the repository: skipped
//! locally without them, failed under CI), the team corpus, and the offline JSONL interface.

use std::path::Path;

use super::*;

#[path = "../../../../test-support/required.rs"]
mod required;

#[test]
fn seeds_form_two_related_stories() {
    // Beside the datasets, as `storyline eval cluster` looks for them.
    let dir = seeds_dir(&required::datasets_path());
    let Some(dir) = required::dir("seeds", &dir) else {
        return;
    };
    let seeds = load_seeds(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    assert_eq!(seeds.set.docs.len(), 5);
    let (report, _) = evaluate_set(&seeds.set, &ClusterConfig::default(), Some(&seeds.related));
    assert!(report.exact, "{:?}", report.scores);
    assert_eq!(report.related_found, Some((1, 1)));
}

#[test]
fn team_corpus_keeps_look_alike_stories_apart() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    // The corpus is part of the repository: without it the test fails.
    let corpus = load_corpus(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let (report, _) = evaluate_set(
        &corpus.set,
        &ClusterConfig::default(),
        Some(&corpus.related),
    );
    // no two labelled stories share a predicted story
    assert_eq!(report.scores.pairwise_precision, 1.0, "{:?}", report.scores);
    assert!(report.scores.bcubed_f1 >= 0.9, "{:?}", report.scores);
}

#[test]
fn jsonl_round_trip_assigns_every_article() {
    let input = r#"{"id":"a","title":"Harbour board approves Veltmark port expansion","published":"2031-04-02T08:00:00Z"}
{"id":"b","title":"Veltmark port expansion approved by harbour board","published":"2031-04-02T09:00:00Z","provider":"Gazette"}

{"id":"c","title":"Orchestra names new principal conductor","lang":"en"}
"#;
    let mut out = Vec::new();
    let summary = cluster_jsonl(input.as_bytes(), &mut out, true).expect("valid input");
    assert_eq!(summary.articles, 3);
    assert_eq!(summary.stories, 2);
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines[0]["story"], "a");
    assert_eq!(lines[1]["story"], "a");
    assert_eq!(lines[2]["story"], "c");
}

#[test]
fn jsonl_reports_the_bad_line() {
    let input = "{\"id\":\"a\",\"title\":\"x\"}\nnot json\n";
    let err = cluster_jsonl(input.as_bytes(), Vec::new(), false).expect_err("bad line");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn csv_fields_follow_quoting_rules() {
    assert_eq!(
        csv_fields_for_test(r#"1,"a, ""quoted"" title",x"#),
        vec!["1", "a, \"quoted\" title", "x"]
    );
}

fn csv_fields_for_test(line: &str) -> Vec<String> {
    datasets::csv_fields(line)
}

#[test]
fn missing_datasets_say_where_they_were_expected() {
    let err = run_cluster_eval(Path::new("/nonexistent/datasets"), None).expect_err("absent");
    assert!(err.to_string().contains("/nonexistent/datasets"), "{err}");
}
