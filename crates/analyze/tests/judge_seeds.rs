//! The five seed documents are about Alibaba funding Chinese AI start-ups: each must be tagged
//! `AI` and `Funding`. Read at run time from `../shared/seeds` beside the repository (or
//! `$STORYLINE_SEEDS`); skipped with a message when absent, or failed under CI (see
//! `test-support/required.rs`).

use std::path::PathBuf;

use storyline_analyze::judge::Taxonomy;

#[path = "../../../test-support/required.rs"]
mod required;

/// Title and body of a seed: front-matter records give `title` and `excerpt`; plain texts give
/// their first line as title when it is short and unpunctuated, the rest as body.
fn title_and_body(text: &str) -> (String, String) {
    if let Some(front) = text.strip_prefix("---\n") {
        let field = |name: &str| {
            front
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().trim_matches('"').to_string())
                .unwrap_or_default()
        };
        return (field("title: "), field("excerpt: "));
    }
    let first = text.lines().next().unwrap_or_default();
    if first.len() < 200 && !first.trim_end().ends_with('.') {
        (first.to_string(), text[first.len()..].to_string())
    } else {
        (String::new(), text.to_string())
    }
}

#[test]
fn every_seed_is_tagged_ai_and_funding() {
    let Some(dir) = required::seeds() else { return };
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("00") && n.ends_with(".txt"))
        })
        .collect();
    paths.sort();
    assert_eq!(
        paths.len(),
        5,
        "expected seeds 000–004 in {}",
        dir.display()
    );
    let taxonomy = Taxonomy::builtin();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read seed");
        let (title, body) = title_and_body(&text);
        let topics = taxonomy.classify(&title, &body);
        println!("{}: {topics:?}", path.display());
        for required in ["AI", "Funding"] {
            assert!(
                topics.iter().any(|t| t == required),
                "{} lacks {required}: {topics:?}",
                path.display()
            );
        }
    }
}
