//! File ingest through the binary: idempotence, broken inputs, and our labelled corpus.

mod common;

use std::collections::{HashMap, HashSet};

use common::{Env, corpus_dir};
use storyline_eval::cluster::read_labels;

#[test]
fn a_second_ingest_of_the_same_folder_adds_nothing() {
    let env = Env::new();
    let corpus = corpus_dir().join("text");
    let (first, _) = common::ingest_json(&env, &[corpus.to_str().unwrap()]);
    assert!(!first.is_empty());
    let before = common::stories_json(&env);
    let (_, lines) = common::ingest_json(&env, &[corpus.to_str().unwrap()]);
    assert!(!lines.is_empty());
    for line in &lines {
        assert_eq!(line["status"], "duplicate", "{line}");
    }
    assert_eq!(common::stories_json(&env), before);
}

#[test]
fn broken_files_are_reported_and_the_rest_is_ingested() {
    let env = Env::new();
    let dir = env.dir.path().join("inbox");
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(
        corpus_dir()
            .join("text")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    std::fs::write(dir.join("good.txt"), &good).unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    std::fs::write(dir.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    std::fs::write(
        dir.join("truncated.md"),
        "---\ncategory: news\ntitle: \"Half a record\"\nexcerpt: \"cut off",
    )
    .unwrap();
    std::fs::write(
        dir.join("bad-date.md"),
        "---\ntitle: \"A record\"\npublishedDateTime: 2024-13-45T99:00:00Z\n---\n\nBody.\n",
    )
    .unwrap();
    std::fs::write(dir.join("photo.jpg"), [0xFFu8, 0xD8, 0xFF, 0xE0]).unwrap();
    std::fs::write(
        dir.join("nothing.html"),
        "<html><body><nav>Home</nav></body></html>",
    )
    .unwrap();
    std::fs::write(dir.join("huge.txt"), "word ".repeat(300_000)).unwrap();
    let out = env.run(&[
        "ingest",
        "--json",
        "--max-bytes",
        "1000000",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut status: HashMap<String, (String, String)> = HashMap::new();
    for line in text.lines().filter(|l| l.contains("\"status\"")) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = v["path"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        status.insert(
            name,
            (
                v["status"].as_str().unwrap().into(),
                v["detail"].as_str().unwrap().into(),
            ),
        );
    }
    assert_eq!(status["good.txt"].0, "ingested");
    for (name, reason) in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("truncated.md", "truncated.md"),
        ("bad-date.md", "publishedDateTime"),
        ("photo.jpg", "unsupported"),
        ("nothing.html", "no article text"),
        ("huge.txt", "too large"),
    ] {
        let (s, detail) = &status[name];
        assert_eq!(s, "skipped", "{name}: {detail}");
        assert!(
            detail.contains(reason),
            "{name}: reason {detail:?} should mention {reason:?}"
        );
    }
    assert_eq!(status.len(), 8);
}

#[test]
fn plain_text_joins_the_outlet_its_footer_names() {
    let env = Env::new();
    let corpus = corpus_dir();
    // The Ledger Wire is known from one of its records; its plain-text story names it only
    // in a copyright footer, and a text that names nobody stays without an outlet.
    let record = corpus.join("records/ai-bill-ledgerwire.md");
    let named = corpus.join("text/quillon-round-ledgerwire.txt");
    let unnamed = corpus.join("text/altura-fab-circuit.txt");
    env.ok(&["ingest", record.to_str().unwrap()]);
    let (ids, _) = common::ingest_json(&env, &[named.to_str().unwrap(), unnamed.to_str().unwrap()]);
    let out = env.dir.path().join("export");
    env.ok(&["export", out.to_str().unwrap()]);
    let record_of = |path: &std::path::Path| {
        let id = &ids[path.to_str().unwrap()];
        let file = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(id.as_str()))
            .unwrap_or_else(|| panic!("no export of {id}"));
        std::fs::read_to_string(file).unwrap()
    };
    let text = record_of(&named);
    assert!(text.contains("name: The Ledger Wire"), "{text}");
    assert!(text.contains("domain: ledgerwire.example"), "{text}");
    assert!(!record_of(&unnamed).contains("domain: ledgerwire.example"));
}

#[test]
fn our_corpus_clusters_as_labelled() {
    let env = Env::new();
    let root = corpus_dir();
    let labels = read_labels(&root).unwrap();
    let paths: Vec<String> = ["records", "text", "html"]
        .iter()
        .map(|d| root.join(d).display().to_string())
        .collect();
    let path_refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (ids, lines) = common::ingest_json(&env, &path_refs);
    let skipped: Vec<_> = lines.iter().filter(|l| l["status"] != "ingested").collect();
    assert!(
        skipped.is_empty(),
        "every corpus file is ingested: {skipped:#?}"
    );
    let stories = common::stories_json(&env);
    let story_of = common::story_of_article(&stories);

    // Article id of each labelled file.
    let id_of = |file: &str| -> String {
        let full = root.join(file).display().to_string();
        ids.get(&full)
            .cloned()
            .unwrap_or_else(|| panic!("{file} was not ingested"))
    };
    let mut truth: HashMap<String, &str> = HashMap::new();
    for s in &labels.story {
        for f in &s.articles {
            truth.insert(id_of(f), s.id.as_str());
        }
    }
    let articles: Vec<&String> = truth.keys().collect();
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for (i, a) in articles.iter().enumerate() {
        for b in &articles[i + 1..] {
            let same_truth = truth[*a] == truth[*b];
            let same_pred = story_of[*a] == story_of[*b];
            match (same_truth, same_pred) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
    }
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fn_ == 0 {
        1.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    println!(
        "corpus: {} articles, {} labelled stories, {} predicted; pairwise precision {precision:.3} recall {recall:.3}",
        articles.len(),
        labels.story.len(),
        stories.as_array().unwrap().len()
    );
    let mut wrong = Vec::new();
    for s in &labels.story {
        let predicted: HashSet<&String> = s.articles.iter().map(|f| &story_of[&id_of(f)]).collect();
        if predicted.len() != 1 {
            wrong.push(format!(
                "{} is split across {} stories",
                s.id,
                predicted.len()
            ));
        }
    }
    println!("stories not kept whole: {wrong:?}");
    // Look-alike stories (same company or investor, different event) never share a story.
    assert_eq!(precision, 1.0, "a wrong join between labelled stories");
    // Every labelled story arrives whole: the undated plain-text pieces and the
    // differently angled full texts (a hands-on review, a local live page) included.
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(recall, 1.0, "pairwise recall {recall:.3}");

    // Every story's headline names who or what it is about.
    let title_of: HashMap<&str, &str> = stories
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["title"].as_str().unwrap()))
        .collect();
    let mut unnamed = Vec::new();
    let mut subjects = 0;
    for s in &labels.story {
        let Some(subject) = &s.subject else { continue };
        subjects += 1;
        let title = title_of[story_of[&id_of(&s.articles[0])].as_str()];
        if !title.to_lowercase().contains(&subject.to_lowercase()) {
            unnamed.push(format!("{}: {title:?} does not name {subject:?}", s.id));
        }
    }
    assert_eq!(
        subjects,
        labels.story.len(),
        "every story has a subject label"
    );
    assert!(unnamed.is_empty(), "{unnamed:#?}");

    // Syndicated copies point at their original.
    let by_id: HashMap<String, &serde_json::Value> = stories
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["coverage"].as_array().unwrap().iter())
        .map(|c| (c["id"].as_str().unwrap().to_string(), c))
        .collect();
    // Each wire story and its reprints: one story, every copy but one marked as syndication
    // of another member (which member counts as the original depends on arrival order: an
    // undated wire text arrives after dated reprints of it).
    for group in &labels.syndication {
        let members: Vec<String> = std::iter::once(&group.original)
            .chain(&group.copies)
            .map(|f| id_of(f))
            .collect();
        let stories: HashSet<&String> = members.iter().map(|m| &story_of[m]).collect();
        assert_eq!(
            stories.len(),
            1,
            "{} and its copies share one story",
            group.original
        );
        let marked = members
            .iter()
            .filter(|m| {
                by_id[*m]["duplicateOf"]
                    .as_str()
                    .is_some_and(|o| members.iter().any(|x| x == o))
            })
            .count();
        println!(
            "syndication of {}: {marked} of {} copies marked",
            group.original,
            members.len() - 1
        );
        assert_eq!(
            marked,
            members.len() - 1,
            "every reprint of {} is marked as a copy",
            group.original
        );
    }

    // Labelled related stories are linked (any part of one to any part of the other).
    let parts: HashMap<&str, HashSet<String>> = labels
        .story
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.articles
                    .iter()
                    .map(|f| story_of[&id_of(f)].clone())
                    .collect(),
            )
        })
        .collect();
    let links: HashSet<(String, String)> = stories
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let id = s["id"].as_str().unwrap().to_string();
            s["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |r| (id.clone(), r["storyId"].as_str().unwrap().to_string()))
        })
        .collect();
    let (mut pairs, mut linked) = (0, 0);
    for s in &labels.story {
        for other in &s.related {
            pairs += 1;
            let found = parts[s.id.as_str()].iter().any(|a| {
                parts[other.as_str()].iter().any(|b| {
                    links.contains(&(a.clone(), b.clone()))
                        || links.contains(&(b.clone(), a.clone()))
                })
            });
            linked += usize::from(found);
            if !found {
                println!("related stories not linked: {} and {other}", s.id);
            }
        }
    }
    println!("related pairs linked: {linked} of {pairs}");
    // Known miss: orbis-atlas and ai-disclosure-act share only Orbis, named in passing
    // in the bill's coverage, so their centroids stay apart.
    assert!(
        pairs > 0 && linked + 1 >= pairs,
        "more than one related pair is not linked ({linked} of {pairs})"
    );
}

#[test]
fn the_demo_ingests_the_bundled_corpus_and_shows_stories() {
    let env = Env::new();
    let out = env.ok(&["demo", "--no-serve", "--limit", "5"]);
    let labels = read_labels(&corpus_dir()).unwrap();
    let files: usize = labels.story.iter().map(|s| s.articles.len()).sum();
    assert!(out.contains(&format!("{files} ingested")), "{out}");
    assert!(
        out.contains(" 1. heat "),
        "a ranked list of stories is shown: {out}"
    );
    assert!(out.contains("0 skipped"), "{out}");
}

#[test]
fn stories_lead_with_a_report_and_label_the_explainers() {
    let env = Env::new();
    let root = corpus_dir();
    let paths: Vec<String> = ["records", "text", "html"]
        .iter()
        .map(|d| root.join(d).display().to_string())
        .collect();
    let path_refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    common::ingest_json(&env, &path_refs);
    let stories = common::stories_json(&env);
    let story_with = |needle: &str| {
        stories
            .as_array()
            .unwrap()
            .iter()
            .find(|s| {
                s["coverage"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["title"].as_str().unwrap_or("").contains(needle))
            })
            .unwrap_or_else(|| panic!("no story covers {needle:?}"))
    };
    let category_of = |story: &serde_json::Value, needle: &str| {
        story["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"].as_str().unwrap_or("").contains(needle))
            .map(|c| c["category"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    // The Quillon round: an explainer (quality 81) came three hours after the first report
    // (74); the report heads the story and the explainer is labelled.
    let quillon = story_with("what verifiable reasoning models are");
    assert_eq!(
        quillon["title"],
        "Larchmont Ventures leads $1.2 billion round in AI lab Quillon at $9.5 billion valuation"
    );
    assert_eq!(
        category_of(quillon, "what verifiable reasoning models are"),
        "analysis"
    );
    // The Stratus outage: "Inside …" is the best written, the first report leads.
    let outage = story_with("Inside the Stratus Grid outage");
    assert_eq!(
        outage["title"],
        "Stratus Grid outage knocks banking, streaming and delivery apps offline"
    );
    // A press release record keeps its own category and does not lead.
    let tessel = story_with("Tessel Robotics Announces");
    assert_eq!(
        category_of(tessel, "Tessel Robotics Announces"),
        "press-release"
    );
    assert!(
        !tessel["title"].as_str().unwrap_or("").contains("Announces"),
        "{}",
        tessel["title"]
    );
    // Every story's headline comes from a report of the event.
    for story in stories.as_array().unwrap() {
        let lead = story["leadArticleId"].as_str().unwrap();
        let category = story["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == lead)
            .map(|c| c["category"].as_str().unwrap_or("").to_string());
        assert_eq!(category.as_deref(), Some("news"), "{}", story["title"]);
    }
}

#[test]
fn a_run_where_every_input_fails_says_so_and_a_fifo_is_not_waited_on() {
    let env = Env::new();
    let dir = env.dir.path().join("inbox");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("stuck.html");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let missing = env.dir.path().join("no-such-folder");
    // Nobody ever writes to the FIFO: reading it would wait forever.
    let started = std::time::Instant::now();
    let out = env.run(&["ingest", fifo.to_str().unwrap(), missing.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(!out.status.success(), "nothing ingested: {stdout}");
    assert!(stdout.contains("not a regular file"), "{stdout}");
    assert!(stdout.contains("no-such-folder"), "{stdout}");
    assert!(stdout.contains("0 ingested"), "{stdout}");
    // One good input among them is a success.
    let good = corpus_dir().join("text");
    let out = env.run(&["ingest", fifo.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_text_that_names_no_outlet_takes_the_one_given_and_is_never_shown_as_unknown() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let text = "Harbour board backs new ferry timetable\n\nThe harbour board voted on Tuesday to back the new ferry timetable, which adds an evening crossing to the island for the first time in a decade. Residents had campaigned for the change for two years.\n";
    std::fs::write(dir.join("ferry.txt"), text).unwrap();
    let folder = dir.to_str().unwrap();

    env.ok(&["ingest", folder]);
    let listing = env.ok(&["stories"]);
    assert!(listing.contains("(outlet not named)"), "{listing}");
    assert!(!listing.contains("Unknown"), "{listing}");

    let named = Env::new();
    named.ok(&[
        "ingest",
        "--provider",
        "Harbour Gazette/harbourgazette.example",
        folder,
    ]);
    let stories = common::stories_json(&named);
    assert_eq!(stories[0]["coverage"][0]["provider"], "Harbour Gazette");
    // A bad value is refused before anything is read.
    let out = named.run(&["ingest", "--provider", "Name/not a domain", folder]);
    assert!(!out.status.success());
}
