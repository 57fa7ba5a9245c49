//! Topic tagging measured on the UCI News Aggregator headlines: our topics are mapped onto the
//! dataset's four categories (b = business, t = science and technology, e = entertainment,
//! m = health) and per-category precision / recall and macro-F1 are printed.
//!
//! The CSV is read at run time from `$STORYLINE_DATASETS/uci-news-aggregator-subset/` (default:
//! `../shared/datasets` beside the repository); when it is absent the test says where it looked
//! and skips, or fails under CI (see `test-support/required.rs`).

use std::path::PathBuf;

use storyline_analyze::judge::Taxonomy;

#[path = "../../../test-support/required.rs"]
mod required;

/// Splits CSV text into records of fields (RFC 4180 quoting, `""` escapes, newlines in quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// The UCI category our topic stands for, if any (World, Politics, Sports … have none).
fn uci_label(topic: &str) -> Option<&'static str> {
    match topic {
        "Business" | "Funding" | "M&A" | "Markets" | "Economy" | "Crypto" => Some("b"),
        "Technology" | "AI" | "Cloud" | "Chips" | "Cybersecurity" | "Science" => Some("t"),
        "Entertainment" => Some("e"),
        "Health" => Some("m"),
        _ => None,
    }
}

#[test]
fn uci_headline_categories_are_recovered_from_topics() {
    let Some(dir) = required::dataset_dir("uci-news-aggregator-subset") else {
        return;
    };
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no CSV file in {}", dir.display());

    let compile_started = std::time::Instant::now();
    let taxonomy = Taxonomy::builtin();
    println!(
        "built-in taxonomy compiled in {:?}",
        compile_started.elapsed()
    );
    let mut classify_time = std::time::Duration::ZERO;
    let labels = ["b", "t", "e", "m"];
    // (story id, true label, predicted label or "-")
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read UCI csv");
        let records = parse_csv(&text);
        let header = &records[0];
        let column = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (title_at, category_at, story_at) =
            (column("TITLE"), column("CATEGORY"), column("STORY"));
        for record in &records[1..] {
            let (Some(title), Some(category), Some(story)) = (
                record.get(title_at),
                record.get(category_at),
                record.get(story_at),
            ) else {
                continue;
            };
            if !labels.contains(&category.as_str()) {
                continue;
            }
            let started = std::time::Instant::now();
            let topics = taxonomy.classify(title, "");
            classify_time += started.elapsed();
            let predicted = topics.iter().find_map(|t| uci_label(t)).unwrap_or("-");
            rows.push((story.clone(), category.clone(), predicted.to_string()));
        }
    }
    assert!(rows.len() > 100, "too few headlines read: {}", rows.len());
    println!(
        "classified {} headlines in {:?} ({:.1} µs each)",
        rows.len(),
        classify_time,
        classify_time.as_secs_f64() * 1e6 / rows.len() as f64
    );

    // The taxonomy was tuned looking only at headlines of the "dev" half of the stories (stories
    // sorted by id, every other one); the "held-out" half shows how well that generalises.
    let mut stories: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    stories.sort_unstable();
    stories.dedup();
    let dev: std::collections::HashSet<&str> = stories.iter().copied().step_by(2).collect();
    let split = |want_dev: bool| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| dev.contains(r.0.as_str()) == want_dev)
            .map(|r| (r.1.clone(), r.2.clone()))
            .collect()
    };
    let all: Vec<(String, String)> = rows.iter().map(|r| (r.1.clone(), r.2.clone())).collect();
    report("dev stories", &split(true), &labels);
    let held_out = report("held-out stories", &split(false), &labels);
    let macro_f1 = report("all stories", &all, &labels);
    // Measured 0.564 overall and 0.474 on held-out stories (title only): floors sit below.
    assert!(
        macro_f1 >= 0.50,
        "macro-F1 {macro_f1:.3} below the floor of 0.50"
    );
    assert!(
        held_out >= 0.40,
        "held-out macro-F1 {held_out:.3} below the floor of 0.40"
    );
}

/// Prints the confusion matrix and per-label precision / recall; returns macro-F1.
fn report(name: &str, pairs: &[(String, String)], labels: &[&str]) -> f64 {
    let count = |t: &str, p: &str| pairs.iter().filter(|(a, b)| a == t && b == p).count();
    let predictions = ["b", "t", "e", "m", "-"];
    println!("\n== {name}: {} headlines (title only)", pairs.len());
    println!("truth\\pred    b     t     e     m     -");
    for t in labels {
        let row: Vec<String> = predictions
            .iter()
            .map(|p| format!("{:5}", count(t, p)))
            .collect();
        println!("{t:10} {}", row.join(" "));
    }
    let mut f1_sum = 0.0;
    for &label in labels {
        let tp = count(label, label) as f64;
        let predicted: usize = labels.iter().map(|t| count(t, label)).sum();
        let actual: usize = predictions.iter().map(|p| count(label, p)).sum();
        let precision = if predicted == 0 {
            0.0
        } else {
            tp / predicted as f64
        };
        let recall = if actual == 0 { 0.0 } else { tp / actual as f64 };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        f1_sum += f1;
        println!("{label}: precision {precision:.3} recall {recall:.3} F1 {f1:.3} (n = {actual})");
    }
    let macro_f1 = f1_sum / labels.len() as f64;
    let accuracy = pairs.iter().filter(|(t, p)| t == p).count() as f64 / pairs.len().max(1) as f64;
    let untagged = pairs.iter().filter(|(_, p)| p == "-").count();
    println!("macro-F1 {macro_f1:.3}, accuracy {accuracy:.3}, untagged {untagged}");
    macro_f1
}
