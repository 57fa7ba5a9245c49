//! Story clustering evaluation: the development sets, the seeds and the team's
//! labelled corpus run through [`StoryClusterer`] with the default
//! configuration, scored with pairwise, B-cubed and NMI metrics; plus the offline
//! JSONL interface behind `storyline cluster --input`.

pub mod corpus;
pub mod datasets;
pub mod metrics;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use storyline_analyze::{ClusterConfig, ClusterDoc, RelatedStory, StoryClusterer, StoryEvent};

pub use corpus::{
    CorpusLabels, LabelledCorpus, LabelledFacts, LabelledStory, Syndication, load_corpus,
    load_seeds, read_article, read_labels, seeds_dir,
};
pub use datasets::{EcbOrder, LabelledSet, load_ecbplus, load_mstream_news, load_uci_news};
pub use metrics::{ClusterScores, score};

/// What can go wrong while evaluating or clustering offline.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A dataset file or folder could not be read.
    #[error(
        "cannot read {path}: {source} (datasets are expected under ../shared/datasets relative to the repository, or where STORYLINE_DATASETS points)"
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A dataset file is not in the expected format.
    #[error("{path}:{line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A JSONL input line is not an article.
    #[error("input line {line}: {message}")]
    Input { line: usize, message: String },
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Write(#[source] std::io::Error),
}

/// Follows a stream's placements and events to each article's final story.
#[derive(Debug, Default)]
pub struct StoryTracker {
    ids: Vec<String>,
    stories: Vec<String>,
    originals: Vec<Option<String>>,
    position: HashMap<String, usize>,
    redirects: HashMap<String, String>,
    related: HashMap<String, Vec<RelatedStory>>,
    /// Articles marked as copies of an earlier one.
    pub duplicates: usize,
    /// Merge events seen.
    pub merges: usize,
    /// Split events seen.
    pub splits: usize,
}

impl StoryTracker {
    /// Places `doc` with `clusterer` and records the outcome; with `related`,
    /// also records the story's current related stories.
    pub fn add(&mut self, clusterer: &mut StoryClusterer, doc: &ClusterDoc, related: bool) {
        let placement = clusterer.add(doc);
        self.position.insert(doc.id.clone(), self.ids.len());
        self.ids.push(doc.id.clone());
        self.stories.push(placement.story_id.clone());
        self.originals.push(placement.duplicate_of.clone());
        self.redirects.remove(&placement.story_id);
        if placement.duplicate_of.is_some() {
            self.duplicates += 1;
        }
        for event in &placement.events {
            match event {
                StoryEvent::Merged { from, into } => {
                    self.merges += 1;
                    self.redirects.insert(from.clone(), into.clone());
                }
                StoryEvent::Split {
                    new_story,
                    article_ids,
                    ..
                } => {
                    self.splits += 1;
                    self.redirects.remove(new_story);
                    for a in article_ids {
                        if let Some(&i) = self.position.get(a) {
                            self.stories[i] = new_story.clone();
                        }
                    }
                }
                StoryEvent::Closed { .. } => {}
            }
        }
        if related {
            let links = clusterer.related(&placement.story_id);
            self.related.insert(placement.story_id, links);
        }
    }

    fn resolve<'a>(&'a self, mut id: &'a str) -> &'a str {
        for _ in 0..1024 {
            match self.redirects.get(id) {
                Some(next) if next != id => id = next,
                _ => break,
            }
        }
        id
    }

    /// (article id, final story id), in arrival order.
    pub fn assignments(&self) -> Vec<(&str, &str)> {
        self.ids
            .iter()
            .zip(&self.stories)
            .map(|(a, s)| (a.as_str(), self.resolve(s)))
            .collect()
    }

    /// For each article in arrival order, the original it copies, if any.
    pub fn originals(&self) -> &[Option<String>] {
        &self.originals
    }

    /// Story-to-story links (final ids, best first), from each story's last look.
    pub fn related_links(&self) -> Vec<(String, Vec<RelatedStory>)> {
        let mut merged: HashMap<String, Vec<RelatedStory>> = HashMap::new();
        for (story, links) in &self.related {
            let from = self.resolve(story).to_string();
            let entry = merged.entry(from.clone()).or_default();
            for l in links {
                let to = self.resolve(&l.story_id).to_string();
                if to != from && !entry.iter().any(|e| e.story_id == to) {
                    entry.push(RelatedStory {
                        story_id: to,
                        score: l.score,
                    });
                }
            }
        }
        let mut out: Vec<(String, Vec<RelatedStory>)> =
            merged.into_iter().filter(|(_, l)| !l.is_empty()).collect();
        for (_, links) in &mut out {
            links.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.story_id.cmp(&b.story_id))
            });
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Scores of one labelled set.
#[derive(Debug, Clone)]
pub struct SetReport {
    pub name: String,
    pub articles: usize,
    pub true_stories: usize,
    pub predicted_stories: usize,
    pub scores: ClusterScores,
    /// Articles whose story matches the labels exactly (every story as labelled).
    pub exact: bool,
    /// Declared related pairs found linked / declared (labelled corpora only).
    pub related_found: Option<(usize, usize)>,
    /// Scores of the groups of related stories (sets that label them): predicted
    /// stories joined through their related links, against the true groups.
    pub group_scores: Option<ClusterScores>,
    /// Stories merged and split on the way.
    pub merges: usize,
    pub splits: usize,
    pub seconds: f64,
}

/// The report of `storyline eval cluster`.
#[derive(Debug, Clone, Default)]
pub struct ClusterReport {
    pub sets: Vec<SetReport>,
    /// Sets that could not be loaded, with the reason.
    pub missing: Vec<(String, String)>,
}

/// Runs `set` through a fresh clusterer; returns the report and the tracker.
pub fn evaluate_set(
    set: &LabelledSet,
    config: &ClusterConfig,
    related_pairs: Option<&[(String, String)]>,
) -> (SetReport, StoryTracker) {
    let start = Instant::now();
    let mut clusterer = StoryClusterer::new(config.clone());
    let mut tracker = StoryTracker::default();
    let with_groups = set.groups.len() == set.docs.len() && !set.groups.is_empty();
    for doc in &set.docs {
        tracker.add(&mut clusterer, doc, related_pairs.is_some() || with_groups);
    }
    let seconds = start.elapsed().as_secs_f64();
    let predicted: Vec<String> = tracker
        .assignments()
        .into_iter()
        .map(|(_, s)| s.to_string())
        .collect();
    let scores = score(&set.labels, &predicted);
    let count = |v: &[String]| v.iter().collect::<std::collections::HashSet<_>>().len();
    let exact = scores.pairwise_precision == 1.0 && scores.pairwise_recall == 1.0;
    let related_found = related_pairs.map(|pairs| {
        // each labelled story's predicted story is where most of its articles went
        let mut votes: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
        for (l, p) in set.labels.iter().zip(&predicted) {
            *votes.entry(l).or_default().entry(p).or_insert(0) += 1;
        }
        let main = |label: &str| -> Option<String> {
            let v = votes.get(label)?;
            v.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(s, _)| s.to_string())
        };
        let links = tracker.related_links();
        let linked = |a: &str, b: &str| {
            links
                .iter()
                .any(|(s, l)| s == a && l.iter().any(|r| r.story_id == b))
        };
        let found = pairs
            .iter()
            .filter(|(a, b)| match (main(a), main(b)) {
                (Some(x), Some(y)) => x != y && (linked(&x, &y) || linked(&y, &x)),
                _ => false,
            })
            .count();
        (found, pairs.len())
    });
    let group_scores = with_groups.then(|| {
        let joined = join_linked(&predicted, &tracker.related_links());
        score(&set.groups, &joined)
    });
    let report = SetReport {
        name: set.name.clone(),
        group_scores,
        articles: set.docs.len(),
        true_stories: count(&set.labels),
        predicted_stories: count(&predicted),
        scores,
        exact,
        related_found,
        merges: tracker.merges,
        splits: tracker.splits,
        seconds,
    };
    (report, tracker)
}

/// Each predicted story replaced by the group it falls in when stories joined by a
/// related link are one group (union-find; the group is named by its smallest id).
pub fn join_linked(predicted: &[String], links: &[(String, Vec<RelatedStory>)]) -> Vec<String> {
    let mut parent: HashMap<String, String> = HashMap::new();
    fn find(parent: &mut HashMap<String, String>, x: &str) -> String {
        let mut root = x.to_string();
        while let Some(p) = parent.get(&root).filter(|p| **p != root) {
            root = p.clone();
        }
        // path compression
        let mut at = x.to_string();
        while let Some(p) = parent.get(&at).cloned().filter(|p| *p != at) {
            parent.insert(at, root.clone());
            at = p;
        }
        root
    }
    for (story, related) in links {
        for r in related {
            let (a, b) = (find(&mut parent, story), find(&mut parent, &r.story_id));
            if a != b {
                let (keep, gone) = if a < b { (a, b) } else { (b, a) };
                parent.insert(gone, keep);
            }
        }
    }
    predicted.iter().map(|p| find(&mut parent, p)).collect()
}

/// Scores the development sets under `datasets`, the seeds beside them and,
/// when given, a labelled corpus, all with the default configuration.
pub fn run_cluster_eval(
    datasets: &Path,
    corpus: Option<&Path>,
) -> Result<ClusterReport, EvalError> {
    run_cluster_eval_with(datasets, corpus, &ClusterConfig::default())
}

/// [`run_cluster_eval`] with an explicit configuration (for calibration sweeps).
/// Fails only when none of the sets could be loaded.
pub fn run_cluster_eval_with(
    datasets: &Path,
    corpus: Option<&Path>,
    config: &ClusterConfig,
) -> Result<ClusterReport, EvalError> {
    let mut report = ClusterReport::default();
    let mut first_error = None;
    let mut note = |name: &str, e: EvalError, report: &mut ClusterReport| {
        report.missing.push((name.to_string(), e.to_string()));
        if first_error.is_none() {
            first_error = Some(e);
        }
    };
    match load_mstream_news(datasets) {
        Ok(set) => report.sets.push(evaluate_set(&set, config, None).0),
        Err(e) => note("MStream News-T", e, &mut report),
    }
    match load_uci_news(datasets) {
        Ok(set) => report.sets.push(evaluate_set(&set, config, None).0),
        Err(e) => note("UCI headlines", e, &mut report),
    }
    for order in [EcbOrder::Undated, EcbOrder::Dated] {
        match load_ecbplus(datasets, order) {
            Ok(set) => report.sets.push(evaluate_set(&set, config, None).0),
            Err(e) => {
                note("ECB+", e, &mut report);
                break;
            }
        }
    }
    match load_seeds(&seeds_dir(datasets)) {
        Ok(c) => report
            .sets
            .push(evaluate_set(&c.set, config, Some(&c.related)).0),
        Err(e) => note("seeds", e, &mut report),
    }
    if let Some(dir) = corpus {
        match load_corpus(dir) {
            Ok(c) => report
                .sets
                .push(evaluate_set(&c.set, config, Some(&c.related)).0),
            Err(e) => note("own corpus", e, &mut report),
        }
    }
    match (report.sets.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(report),
    }
}

impl fmt::Display for ClusterReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<16} {:>6} {:>5} {:>5}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6}  {:>8} {:>9} {:>8}",
            "set",
            "docs",
            "true",
            "pred",
            "B3-P",
            "B3-R",
            "B3-F1",
            "pw-P",
            "pw-R",
            "pw-F1",
            "NMI",
            "related",
            "merge/split",
            "docs/s"
        )?;
        for s in &self.sets {
            let c = &s.scores;
            let related = s
                .related_found
                .map_or("-".to_string(), |(a, b)| format!("{a}/{b}"));
            writeln!(
                f,
                "{:<16} {:>6} {:>5} {:>5}  {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}  {:>6.3}  {:>8} {:>9} {:>8.0}{}",
                s.name,
                s.articles,
                s.true_stories,
                s.predicted_stories,
                c.bcubed_precision,
                c.bcubed_recall,
                c.bcubed_f1,
                c.pairwise_precision,
                c.pairwise_recall,
                c.pairwise_f1,
                c.nmi,
                related,
                format!("{}/{}", s.merges, s.splits),
                s.articles as f64 / s.seconds.max(1e-9),
                if s.exact { "  exact" } else { "" },
            )?;
        }
        for s in &self.sets {
            if let Some(c) = &s.group_scores {
                writeln!(
                    f,
                    "{:<16} related stories joined, against the true groups: B3-P {:.3} B3-R {:.3} B3-F1 {:.3}",
                    s.name, c.bcubed_precision, c.bcubed_recall, c.bcubed_f1
                )?;
            }
        }
        for (name, reason) in &self.missing {
            writeln!(f, "{name}: not scored: {reason}")?;
        }
        Ok(())
    }
}

/// Counts from one offline clustering run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterSummary {
    pub articles: usize,
    pub stories: usize,
    pub duplicates: usize,
    pub merges: usize,
    pub splits: usize,
}

/// The offline interface: reads one article per line (`id`, `title`, optional
/// `text`, `published` (RFC 3339), `provider`, `url`, `lang`), clusters them in
/// the order given with the default configuration, and writes one line per
/// article, `{"id": .., "story": ..}` (plus `"duplicate_of"` for copies), in
/// input order with each article's final story. With `related`, then writes one
/// line per story that has links: `{"story": .., "related": [{"story": .., "score": ..}]}`.
pub fn cluster_jsonl(
    input: impl BufRead,
    mut output: impl Write,
    related: bool,
) -> Result<ClusterSummary, EvalError> {
    let mut clusterer = StoryClusterer::new(ClusterConfig::default());
    let mut tracker = StoryTracker::default();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| EvalError::Input {
            line: i + 1,
            message: e.to_string(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: ClusterDoc = serde_json::from_str(&line).map_err(|e| EvalError::Input {
            line: i + 1,
            message: e.to_string(),
        })?;
        tracker.add(&mut clusterer, &doc, related);
    }
    let assignments = tracker.assignments();
    let mut stories = std::collections::HashSet::new();
    for ((id, story), original) in assignments.iter().zip(tracker.originals()) {
        stories.insert(*story);
        let line = match original {
            Some(o) => serde_json::json!({ "id": id, "story": story, "duplicate_of": o }),
            None => serde_json::json!({ "id": id, "story": story }),
        };
        writeln!(output, "{line}").map_err(EvalError::Write)?;
    }
    if related {
        for (story, links) in tracker.related_links() {
            let links: Vec<serde_json::Value> = links
                .iter()
                .map(|l| serde_json::json!({ "story": l.story_id, "score": l.score }))
                .collect();
            let line = serde_json::json!({ "story": story, "related": links });
            writeln!(output, "{line}").map_err(EvalError::Write)?;
        }
    }
    output.flush().map_err(EvalError::Write)?;
    Ok(ClusterSummary {
        articles: assignments.len(),
        stories: stories.len(),
        duplicates: tracker.duplicates,
        merges: tracker.merges,
        splits: tracker.splits,
    })
}
