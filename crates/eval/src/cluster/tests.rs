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

#[test]
fn ecbplus_is_read_as_forty_events_in_twenty_topics() {
    let path = required::datasets_path().join("ecbplus-dev");
    let Some(_) = required::dir("ECB+ development set", &path) else {
        return;
    };
    let datasets = required::datasets_path();
    let undated = load_ecbplus(&datasets, EcbOrder::Undated).expect("readable");
    let dated = load_ecbplus(&datasets, EcbOrder::Dated).expect("readable");
    for set in [&undated, &dated] {
        assert_eq!(set.docs.len(), 462);
        let events: std::collections::HashSet<_> = set.labels.iter().collect();
        let topics: std::collections::HashSet<_> = set.groups.iter().collect();
        assert_eq!((events.len(), topics.len()), (40, 20));
        // no address is left in a headline, and every article has a body
        assert!(set.docs.iter().all(|d| !d.title.starts_with("http")));
        assert!(
            set.docs
                .iter()
                .all(|d| !d.text.is_empty() || !d.title.is_empty())
        );
    }
    assert!(undated.docs.iter().all(|d| d.published.is_none()));
    // the order is fixed, and shuffled (not the file's topic order)
    let again = load_ecbplus(&datasets, EcbOrder::Undated).expect("readable");
    assert_eq!(
        undated.docs.iter().map(|d| &d.id).collect::<Vec<_>>(),
        again.docs.iter().map(|d| &d.id).collect::<Vec<_>>()
    );
    assert_ne!(
        undated.groups[..10]
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        1
    );
    // dated: in time order, each event's articles within 36 hours of each other
    let times: Vec<_> = dated
        .docs
        .iter()
        .map(|d| d.published.expect("dated"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let mut spans: std::collections::HashMap<
        &str,
        (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    > = std::collections::HashMap::new();
    for (label, t) in dated.labels.iter().zip(&times) {
        let e = spans.entry(label).or_insert((*t, *t));
        e.0 = e.0.min(*t);
        e.1 = e.1.max(*t);
    }
    assert!(
        spans
            .values()
            .all(|(a, b)| *b - *a <= chrono::TimeDelta::hours(36))
    );
    // the events are spread over weeks (one day each), not told all at once
    let first = spans.values().map(|s| s.0).min().expect("events");
    let last = spans.values().map(|s| s.0).max().expect("events");
    assert!(
        last - first >= chrono::TimeDelta::days(30),
        "{first} .. {last}"
    );
}

#[test]
fn ecbplus_events_stay_apart_when_dated() {
    let datasets = required::datasets_path();
    let Some(_) = required::dir("ECB+ development set", &datasets.join("ecbplus-dev")) else {
        return;
    };
    let config = ClusterConfig::default();
    let dated = load_ecbplus(&datasets, EcbOrder::Dated).expect("readable");
    let (report, _) = evaluate_set(&dated, &config, None);
    // floors a little under the figures in BENCHMARKS.md, to catch a regression
    assert!(report.scores.bcubed_f1 >= 0.95, "{:?}", report.scores);
    assert!(
        report.scores.bcubed_precision >= 0.98,
        "{:?}",
        report.scores
    );
    let undated = load_ecbplus(&datasets, EcbOrder::Undated).expect("readable");
    let (report, _) = evaluate_set(&undated, &config, None);
    assert!(report.scores.bcubed_f1 >= 0.83, "{:?}", report.scores);
    let groups = report.group_scores.expect("topics are labelled");
    assert!(groups.bcubed_f1 >= 0.9, "{groups:?}");
}

#[test]
fn linked_stories_join_into_one_group() {
    let predicted: Vec<String> = ["a", "a", "b", "c", "d"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let link = |s: &str| RelatedStory {
        story_id: s.to_string(),
        score: 0.5,
    };
    let links = vec![
        ("c".to_string(), vec![link("b")]),
        ("d".to_string(), vec![link("c")]),
    ];
    assert_eq!(
        join_linked(&predicted, &links),
        vec!["a", "a", "b", "b", "b"]
    );
    assert_eq!(join_linked(&predicted, &[]), predicted);
}

#[test]
fn the_corpus_deals_are_read_into_their_labelled_facts() {
    use storyline_analyze::judge::{Amount, deal_facts, story_facts};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let labels = read_labels(&dir).expect("labels");
    let labelled: Vec<&LabelledStory> = labels.story.iter().filter(|s| s.facts.is_some()).collect();
    assert_eq!(
        labelled.len(),
        3,
        "two rounds and one acquisition are labelled"
    );
    for story in labelled {
        let want = story.facts.as_ref().expect("labelled");
        let read: Vec<(String, _)> = story
            .articles
            .iter()
            .filter_map(|file| {
                let doc = read_article(&dir.join(file), file).expect("readable");
                let facts = deal_facts(&doc.title, &doc.text)?;
                Some((doc.provider.unwrap_or_else(|| file.clone()), facts))
            })
            .collect();
        // every outlet's piece states the deal
        assert_eq!(read.len(), story.articles.len(), "{}: {read:#?}", story.id);
        let got = story_facts(&read).unwrap_or_else(|| panic!("{}: no facts", story.id));
        let first = |claims: &[storyline_analyze::judge::Claim<Amount>]| {
            claims.first().map(|c| c.value.short())
        };
        assert_eq!(got.kind.label(), want.kind, "{}", story.id);
        assert_eq!(
            got.company.as_deref(),
            Some(want.company.as_str()),
            "{}: {got:#?}",
            story.id
        );
        assert_eq!(got.lead, want.lead, "{}: {got:#?}", story.id);
        assert_eq!(got.acquirer, want.acquirer, "{}: {got:#?}", story.id);
        assert_eq!(first(&got.amount), want.amount, "{}: {got:#?}", story.id);
        assert_eq!(
            first(&got.valuation),
            want.valuation,
            "{}: {got:#?}",
            story.id
        );
    }
}
