//! Helpers shared by the command-line tests: a storyline process with its own data folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "../../../../test-support/required.rs"]
pub mod required;

/// A temporary data folder and the binary under test.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `storyline ARGS` with this folder as its data directory.
    pub fn run(&self, args: &[&str]) -> Output {
        assert_cmd::Command::cargo_bin("storyline")
            .expect("storyline binary")
            .env("STORYLINE_DATA", self.data())
            .env_remove("STORYLINE_DB")
            .env_remove("STORYLINE_KEY")
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .expect("run storyline")
    }

    /// `storyline ARGS` with this folder as its data directory, to spawn (stdin, stdout and
    /// stderr as the caller sets them).
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("storyline"));
        command
            .env("STORYLINE_DATA", self.data())
            .env_remove("STORYLINE_DB")
            .env_remove("STORYLINE_KEY")
            .env("NO_COLOR", "1")
            .args(args);
        command
    }

    /// Runs and requires success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "storyline {args:?} failed:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// The shared seeds, or `None` (the test skips, saying so) when they are absent outside CI;
/// under CI their absence fails the test.
pub fn seeds_dir() -> Option<PathBuf> {
    required::seeds()
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// Story id per input file name, from `storyline stories --json`.
pub fn stories_json(env: &Env) -> serde_json::Value {
    let text = env.ok(&["stories", "--json", "--limit", "1000"]);
    serde_json::from_str(&text).expect("stories --json prints JSON")
}

/// Article id → story id, from `stories --json` (final placements, after any merges).
pub fn story_of_article(stories: &serde_json::Value) -> std::collections::HashMap<String, String> {
    let mut map = std::collections::HashMap::new();
    for story in stories.as_array().expect("a list of stories") {
        let id = story["id"].as_str().expect("story id").to_string();
        for c in story["coverage"].as_array().expect("coverage") {
            map.insert(
                c["id"].as_str().expect("article id").to_string(),
                id.clone(),
            );
        }
    }
    map
}

/// Ingests paths with `--json`; returns (input path → article id) for ingested inputs and
/// the per-input JSON lines.
pub fn ingest_json(
    env: &Env,
    paths: &[&str],
) -> (
    std::collections::HashMap<String, String>,
    Vec<serde_json::Value>,
) {
    let mut args = vec!["ingest", "--json"];
    args.extend_from_slice(paths);
    let out = env.ok(&args);
    let mut ids = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for line in out.lines().filter(|l| l.contains("\"status\"")) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if let (Some(path), Some(id)) = (v["path"].as_str(), v["id"].as_str()) {
            ids.insert(path.to_string(), id.to_string());
        }
        lines.push(v);
    }
    (ids, lines)
}
