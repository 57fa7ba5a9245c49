//! The seeds the product was specified from, end to end through the binary. Without the seeds
//! these tests skip locally and fail under CI (see `test-support/required.rs`).

mod common;

use std::collections::HashMap;

use common::{Env, seeds_dir};

#[test]
fn fmt_reproduces_the_seed_records_byte_for_byte() {
    let Some(seeds) = seeds_dir() else { return };
    let env = Env::new();
    for name in ["000_df95efcbddd7638d.txt", "001_e722a3e74ef0c0ec.txt"] {
        let path = seeds.join(name);
        let original = std::fs::read_to_string(&path).unwrap();
        let written = env.ok(&["fmt", path.to_str().unwrap()]);
        assert_eq!(written, original, "{name} changed in a round trip");
    }
}

/// Ingests the seeds; returns (seed number "000".."004" → final story id, stories JSON).
fn ingest_seeds(env: &Env) -> (HashMap<String, String>, serde_json::Value) {
    let seeds = seeds_dir().unwrap();
    let (ids, lines) = common::ingest_json(env, &[seeds.to_str().unwrap()]);
    assert!(
        lines.iter().all(|l| l["status"] == "ingested"),
        "{lines:#?}"
    );
    assert_eq!(ids.len(), 5, "the five seeds are ingested: {lines:#?}");
    let stories = common::stories_json(env);
    let story_of = common::story_of_article(&stories);
    let by_seed = ids
        .iter()
        .map(|(path, id)| {
            let name = path.rsplit('/').next().unwrap()[..3].to_string();
            (name, story_of[id].clone())
        })
        .collect();
    (by_seed, stories)
}

#[test]
fn seeds_form_two_related_stories() {
    if seeds_dir().is_none() {
        return;
    }
    let env = Env::new();
    let (story_of, stories) = ingest_seeds(&env);
    let minimax = &story_of["000"];
    for file in ["001", "002", "003"] {
        assert_eq!(
            &story_of[file], minimax,
            "seed {file} belongs to the MiniMax story"
        );
    }
    let moonshot = &story_of["004"];
    assert_ne!(moonshot, minimax, "the Moonshot AI round is another story");
    assert_eq!(stories.as_array().unwrap().len(), 2, "{stories:#}");
    let minimax_story = stories
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == minimax.as_str())
        .unwrap();
    let related: Vec<&str> = minimax_story["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["storyId"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        vec![moonshot.as_str()],
        "the two stories are linked as related"
    );
    // each story's headline names the company it is about
    let title_of = |id: &str| {
        stories
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .and_then(|s| s["title"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        title_of(minimax).contains("MiniMax"),
        "{}",
        title_of(minimax)
    );
    assert_eq!(
        title_of(moonshot),
        "Alibaba leads $1 billion funding round in Moonshot AI"
    );
    // `stories --json` gives each story a summary from its coverage, with outlets, and the
    // reasons for its heat
    for id in [minimax, moonshot] {
        let story = stories
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id.as_str())
            .unwrap();
        let summary = story["summary"].as_array().unwrap();
        assert!(!summary.is_empty(), "{story:#}");
        assert!(
            summary
                .iter()
                .all(|l| l["outlet"].as_str().is_some_and(|o| !o.is_empty()))
        );
        assert!(
            story["heatReasons"][0].as_str().unwrap().contains("outlet"),
            "{story:#}"
        );
    }
}

#[test]
fn export_names_providers_and_drops_boilerplate() {
    if seeds_dir().is_none() {
        return;
    }
    let env = Env::new();
    ingest_seeds(&env);
    let out_dir = env.dir.path().join("export");
    env.ok(&["export", out_dir.to_str().unwrap()]);
    let mut records = Vec::new();
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        records.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert_eq!(records.len(), 5);
    let scmp = records
        .iter()
        .find(|r| r.contains("\ntitle: \"Alibaba said to lead new financing round"))
        .expect("seed 003 exported");
    assert!(
        scmp.contains("provider:\n  name: South China Morning Post"),
        "{scmp}"
    );
    for boilerplate in [
        "Advertisement",
        "In this article:",
        "Do you have questions",
        "Image: Alibaba/X",
        "All rights reserved",
        "originally appeared in",
    ] {
        for record in &records {
            let body = record.splitn(3, "---\n").nth(2).unwrap_or("");
            assert!(
                !body.contains(boilerplate),
                "exported text contains {boilerplate:?}:\n{body}"
            );
        }
    }
    // Every exported record parses back and carries a `related` list and a secured part.
    for record in &records {
        let path = env.dir.path().join("check.txt");
        std::fs::write(&path, record).unwrap();
        assert_eq!(env.ok(&["fmt", path.to_str().unwrap()]), *record);
        assert!(record.contains("\nsecured: \""), "{record}");
    }
}

#[test]
fn seed_secured_values_are_kept_verbatim_and_ours_open() {
    let Some(seeds) = seeds_dir() else { return };
    let env = Env::new();
    ingest_seeds(&env);
    let out_dir = env.dir.path().join("export");
    env.ok(&["export", out_dir.to_str().unwrap()]);
    let original = std::fs::read_to_string(seeds.join("000_df95efcbddd7638d.txt")).unwrap();
    let secured_line = original
        .lines()
        .find(|l| l.starts_with("secured:"))
        .unwrap();
    let mut found_verbatim = false;
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains(secured_line) {
            found_verbatim = true;
            let out = env.run(&["secured", path.to_str().unwrap()]);
            assert!(!out.status.success(), "a foreign key's value must not open");
            assert!(String::from_utf8_lossy(&out.stderr).contains("secured"));
        } else if text.contains("\ntitle: \"Alibaba leads $1 billion funding round in Moonshot AI")
        {
            let shown = env.ok(&["secured", path.to_str().unwrap()]);
            assert!(shown.contains("contentHash"), "{shown}");
            assert!(shown.contains("sourceUrl"), "{shown}");
        }
    }
    assert!(
        found_verbatim,
        "seed 000's secured value survives ingest and export"
    );
}
