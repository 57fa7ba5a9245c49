//! Topics: a user-editable taxonomy (TOML) that tags an article with what it is about.
//!
//! A [`Taxonomy`] is a list of [`TopicDef`]s (name, optional parent, weighted keywords and negative
//! cues, a minimum score) plus [`TopicScoring`] settings. [`Taxonomy::builtin`] is the default one,
//! `crates/analyze/taxonomy.toml`, which also documents the file format.
//!
//! Matching: title and body lead are folded (lower case, runs of non-alphanumerics become one
//! space) and scanned once by an Aho-Corasick automaton holding every phrase of every topic, padded
//! with spaces so that it only matches whole words (a phrase ending in `*` may end mid-word). The
//! score of a topic is
//!
//! ```text
//! title(t) = Σ_k sign_k · w_k · title_weight · [k in title]
//! body(t)  = Σ_k sign_k · w_k · body_weight · ln(1 + n_k)
//! own(t)   = title(t) + body_cap · tanh(body(t) / body_cap)            (when body(t) > 0)
//! score(t) = own(t) + parent_share · Σ_{c child of t} score(c)
//! ```
//!
//! where `n_k` is the number of hits of keyword `k` in the first `body_chars` characters of the
//! body and `sign_k` is −1 for negative cues. A topic is kept when its score reaches its
//! `min_score` and `relative_floor` × the best score; the `max_topics` best are returned,
//! sub-topics (best first) before the sections they belong to (best first).

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use super::words::{fold, prefix_chars};

/// Longest phrase accepted, in characters.
const MAX_PHRASE_CHARS: usize = 200;

/// Most phrases accepted over the whole taxonomy: keeps the automaton within a few megabytes.
const MAX_PHRASES: usize = 100_000;

/// The taxonomy shipped with storyline.
const BUILTIN_TAXONOMY: &str = include_str!("../../taxonomy.toml");

/// Why a taxonomy file was refused. Each variant names the topic and the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file is not TOML of the expected shape (unknown field, wrong type …).
    #[error("taxonomy is not valid: {0}")]
    Syntax(#[from] toml::de::Error),
    /// The file defines no topic at all.
    #[error("taxonomy defines no [[topic]]")]
    NoTopics,
    /// A field holds a value that cannot be used.
    #[error("taxonomy topic {topic:?}, field `{field}`: {reason}")]
    InvalidField {
        topic: String,
        field: String,
        reason: String,
    },
    /// Two topics share a name (names are compared case-insensitively).
    #[error("taxonomy topic {topic:?} is defined twice")]
    DuplicateTopic { topic: String },
    /// A topic's parent is not a topic of the taxonomy.
    #[error("taxonomy topic {topic:?}, field `parent`: no topic named {parent:?}")]
    UnknownParent { topic: String, parent: String },
    /// Following parents from this topic comes back to it.
    #[error("taxonomy topic {topic:?}, field `parent`: parents form a cycle")]
    ParentCycle { topic: String },
    /// The phrase automaton could not be built (too many or too long phrases).
    #[error("taxonomy phrases cannot be compiled: {0}")]
    Automaton(String),
}

/// How scores are computed and topics selected; the `[scoring]` table of the taxonomy file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TopicScoring {
    /// Multiplier of a keyword's weight when it is in the title (counted once).
    pub title_weight: f32,
    /// Multiplier of `ln(1 + hits)` for a keyword in the body lead.
    pub body_weight: f32,
    /// How many characters of the body are read: the lead says what a piece is about.
    pub body_chars: usize,
    /// Ceiling of a topic's body evidence: `cap · tanh(raw / cap)`, so that a broad
    /// topic with many weak words cannot bury specific ones.
    pub body_cap: f32,
    /// Share of a child's score added to its parent's.
    pub parent_share: f32,
    /// Minimum score of a topic that sets none of its own.
    pub min_score: f32,
    /// A topic must also reach this fraction of the best topic's score.
    pub relative_floor: f32,
    /// At most this many topics per article.
    pub max_topics: usize,
}

impl Default for TopicScoring {
    fn default() -> Self {
        TopicScoring {
            title_weight: 3.0,
            body_weight: 1.0,
            body_chars: 12_000,
            body_cap: 12.0,
            parent_share: 0.5,
            min_score: 3.0,
            relative_floor: 0.2,
            max_topics: 4,
        }
    }
}

/// One keyword or phrase of a topic, in folded form.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    /// The phrase as matched: lower case, words separated by single spaces.
    pub phrase: String,
    /// Its weight (positive; negative cues subtract it).
    pub weight: f32,
    /// `true` when the phrase was written with a trailing `*`: it may end mid-word.
    pub prefix: bool,
}

/// One topic of the taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicDef {
    /// Display name, e.g. `AI`.
    pub name: String,
    /// Name of the broader topic, e.g. `Technology` for `AI`.
    pub parent: Option<String>,
    /// Score needed for the topic to be assigned.
    pub min_score: f32,
    /// Evidence for the topic.
    pub keywords: Vec<Keyword>,
    /// Evidence against it ("ai weiwei" for AI).
    pub negative: Vec<Keyword>,
}

/// The file format, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    #[serde(default)]
    scoring: TopicScoring,
    #[serde(default)]
    topic: Vec<TopicFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicFile {
    name: String,
    parent: Option<String>,
    min_score: Option<f32>,
    #[serde(default)]
    keywords: BTreeMap<String, f32>,
    #[serde(default)]
    negative: BTreeMap<String, f32>,
}

/// What one automaton pattern contributes to one topic.
#[derive(Debug, Clone, Copy)]
struct Contribution {
    topic: usize,
    /// Signed weight: negative for negative cues.
    weight: f32,
}

/// A compiled taxonomy: topic definitions and the automaton matching all their phrases.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    topics: Vec<TopicDef>,
    /// Parent index of each topic.
    parents: Vec<Option<usize>>,
    /// Topics ordered children before parents, so scores can be passed up in one sweep.
    bottom_up: Vec<usize>,
    scoring: TopicScoring,
    automaton: AhoCorasick,
    /// Per automaton pattern: the topics it counts for.
    contributions: Vec<Vec<Contribution>>,
}

impl Taxonomy {
    /// The taxonomy built into storyline (`crates/analyze/taxonomy.toml`).
    pub fn builtin() -> Taxonomy {
        match Taxonomy::from_toml(BUILTIN_TAXONOMY) {
            Ok(taxonomy) => taxonomy,
            // The built-in file is checked by a unit test; reaching this is a build defect.
            Err(error) => panic!("built-in taxonomy.toml is invalid: {error}"),
        }
    }

    /// Parses and validates a taxonomy file.
    pub fn from_toml(text: &str) -> Result<Taxonomy, TaxonomyError> {
        let file: TaxonomyFile = toml::from_str(text)?;
        Taxonomy::compile(file)
    }

    /// The topics, in file order.
    pub fn topics(&self) -> impl Iterator<Item = &TopicDef> {
        self.topics.iter()
    }

    /// The scoring settings in force.
    pub fn scoring(&self) -> &TopicScoring {
        &self.scoring
    }

    /// Topics of an article, at most `max_topics`: the best-scoring ones, sub-topics such as
    /// `AI` before the sections they belong to such as `Technology`.
    pub fn classify(&self, title: &str, body: &str) -> Vec<String> {
        self.scores(title, body)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    /// Like [`Taxonomy::classify`], with the score of each topic kept.
    pub fn scores(&self, title: &str, body: &str) -> Vec<(String, f32)> {
        let s = &self.scoring;
        // Patterns hit in title and body; only these are scored.
        let mut title_hits: Vec<usize> = Vec::new();
        let mut body_hits: Vec<usize> = Vec::new();
        // A title longer than a body lead is not a title: read only its start.
        let title = fold(prefix_chars(title, 1_000));
        self.scan(&title, |pattern| title_hits.push(pattern));
        let body = fold(prefix_chars(body, s.body_chars));
        self.scan(&body, |pattern| body_hits.push(pattern));
        title_hits.sort_unstable();
        title_hits.dedup();
        body_hits.sort_unstable();

        let mut score = vec![0f32; self.topics.len()];
        for &pattern in &title_hits {
            for c in &self.contributions[pattern] {
                score[c.topic] += c.weight * s.title_weight;
            }
        }
        let mut in_body = vec![0f32; self.topics.len()];
        for run in body_hits.chunk_by(|a, b| a == b) {
            let evidence = s.body_weight * (run.len() as f32).ln_1p();
            for c in &self.contributions[run[0]] {
                in_body[c.topic] += c.weight * evidence;
            }
        }
        for (total, body) in score.iter_mut().zip(in_body) {
            *total += saturate(body, s.body_cap);
        }
        for &topic in &self.bottom_up {
            if let Some(parent) = self.parents[topic] {
                let passed = s.parent_share * score[topic].max(0.0);
                score[parent] += passed;
            }
        }

        let best = score.iter().copied().fold(0.0f32, f32::max);
        let mut kept: Vec<(usize, f32)> = score
            .iter()
            .enumerate()
            .filter(|&(topic, &value)| {
                value > 0.0
                    && value >= self.topics[topic].min_score
                    && value >= s.relative_floor * best
            })
            .map(|(topic, &value)| (topic, value))
            .collect();
        kept.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(s.max_topics);
        // Specific topics first: a section ("Business") follows the sub-topics ("Funding") it
        // was chosen with, whatever its score.
        let is_parent_of_kept = |topic: usize| {
            kept.iter()
                .any(|&(other, _)| self.parents[other] == Some(topic))
        };
        let broad: Vec<bool> = kept.iter().map(|&(t, _)| is_parent_of_kept(t)).collect();
        let mut ordered: Vec<(usize, f32, bool)> = kept
            .iter()
            .zip(broad)
            .map(|(&(t, v), b)| (t, v, b))
            .collect();
        ordered.sort_by_key(|&(_, _, broad)| broad);
        let kept: Vec<(usize, f32)> = ordered.into_iter().map(|(t, v, _)| (t, v)).collect();
        kept.into_iter()
            .map(|(topic, value)| (self.topics[topic].name.clone(), value))
            .collect()
    }

    /// Calls `on_hit(pattern)` for every whole-word hit in folded `text`.
    fn scan(&self, text: &str, mut on_hit: impl FnMut(usize)) {
        // Patterns carry their word boundaries (" ai ", " startup"), and folded text has a space
        // at every boundary, so every hit is a whole-word (or word-prefix) match.
        for hit in self.automaton.find_overlapping_iter(text) {
            on_hit(hit.pattern().as_usize());
        }
    }

    fn compile(file: TaxonomyFile) -> Result<Taxonomy, TaxonomyError> {
        let scoring = file.scoring;
        validate_scoring(&scoring)?;
        if file.topic.is_empty() {
            return Err(TaxonomyError::NoTopics);
        }

        let mut index_of: HashMap<String, usize> = HashMap::new();
        let mut topics = Vec::with_capacity(file.topic.len());
        for raw in &file.topic {
            let name = raw.name.trim().to_string();
            if name.is_empty() {
                return Err(invalid(&raw.name, "name", "is empty"));
            }
            if index_of.insert(name.to_lowercase(), topics.len()).is_some() {
                return Err(TaxonomyError::DuplicateTopic { topic: name });
            }
            let min_score = raw.min_score.unwrap_or(scoring.min_score);
            if !min_score.is_finite() || min_score < 0.0 {
                return Err(invalid(&name, "min_score", "must be a number ≥ 0"));
            }
            let keywords = compile_keywords(&name, "keywords", &raw.keywords)?;
            let negative = compile_keywords(&name, "negative", &raw.negative)?;
            if keywords.is_empty() {
                return Err(invalid(&name, "keywords", "needs at least one keyword"));
            }
            topics.push(TopicDef {
                name,
                parent: raw.parent.as_ref().map(|p| p.trim().to_string()),
                min_score,
                keywords,
                negative,
            });
        }

        let mut parents = Vec::with_capacity(topics.len());
        for topic in &topics {
            let parent = match &topic.parent {
                None => None,
                Some(parent) => match index_of.get(&parent.to_lowercase()) {
                    Some(&index) => Some(index),
                    None => {
                        return Err(TaxonomyError::UnknownParent {
                            topic: topic.name.clone(),
                            parent: parent.clone(),
                        });
                    }
                },
            };
            parents.push(parent);
        }
        let bottom_up = order_bottom_up(&topics, &parents)?;

        // One pattern per distinct (phrase, prefix) pair; each lists the topics it counts for.
        let mut pattern_of: HashMap<(String, bool), usize> = HashMap::new();
        let mut phrases: Vec<String> = Vec::new();
        let mut contributions: Vec<Vec<Contribution>> = Vec::new();
        for (topic, def) in topics.iter().enumerate() {
            let signed = def
                .keywords
                .iter()
                .map(|k| (k, 1.0f32))
                .chain(def.negative.iter().map(|k| (k, -1.0f32)));
            for (keyword, sign) in signed {
                let key = (keyword.phrase.clone(), keyword.prefix);
                let pattern = *pattern_of.entry(key).or_insert_with(|| {
                    let padded = if keyword.prefix {
                        format!(" {}", keyword.phrase)
                    } else {
                        format!(" {} ", keyword.phrase)
                    };
                    phrases.push(padded);
                    contributions.push(Vec::new());
                    phrases.len() - 1
                });
                contributions[pattern].push(Contribution {
                    topic,
                    weight: sign * keyword.weight,
                });
            }
        }
        if phrases.len() > MAX_PHRASES {
            return Err(TaxonomyError::Automaton(format!(
                "{} phrases, more than the {MAX_PHRASES} allowed",
                phrases.len()
            )));
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .map_err(|e| TaxonomyError::Automaton(e.to_string()))?;

        Ok(Taxonomy {
            topics,
            parents,
            bottom_up,
            scoring,
            automaton,
            contributions,
        })
    }
}

impl Default for Taxonomy {
    fn default() -> Self {
        Taxonomy::builtin()
    }
}

/// `cap · tanh(x / cap)` for positive `x`: close to `x` when small, never above `cap`.
/// Negative evidence passes unchanged; a cap of 0 disables the ceiling.
fn saturate(x: f32, cap: f32) -> f32 {
    if x <= 0.0 || cap <= 0.0 {
        x
    } else {
        cap * (x / cap).tanh()
    }
}

fn invalid(topic: &str, field: &str, reason: impl Into<String>) -> TaxonomyError {
    TaxonomyError::InvalidField {
        topic: topic.to_string(),
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn validate_scoring(s: &TopicScoring) -> Result<(), TaxonomyError> {
    let checks = [
        ("title_weight", s.title_weight),
        ("body_weight", s.body_weight),
        ("body_cap", s.body_cap),
        ("parent_share", s.parent_share),
        ("min_score", s.min_score),
        ("relative_floor", s.relative_floor),
    ];
    for (field, value) in checks {
        if !value.is_finite() || value < 0.0 {
            return Err(invalid("[scoring]", field, "must be a number ≥ 0"));
        }
    }
    if s.max_topics == 0 {
        return Err(invalid("[scoring]", "max_topics", "must be at least 1"));
    }
    Ok(())
}

fn compile_keywords(
    topic: &str,
    field: &str,
    raw: &BTreeMap<String, f32>,
) -> Result<Vec<Keyword>, TaxonomyError> {
    let mut out = Vec::with_capacity(raw.len());
    for (written, &weight) in raw {
        let trimmed = written.trim();
        let (body, prefix) = match trimmed.strip_suffix('*') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        if body.chars().count() > MAX_PHRASE_CHARS {
            return Err(invalid(
                topic,
                field,
                format!("a phrase is longer than {MAX_PHRASE_CHARS} characters"),
            ));
        }
        let phrase = fold(body).trim().to_string();
        if phrase.is_empty() {
            return Err(invalid(
                topic,
                field,
                format!("phrase {written:?} has no letters or digits"),
            ));
        }
        if !weight.is_finite() || weight < 0.0 {
            return Err(invalid(
                topic,
                field,
                format!("weight of {written:?} must be a number ≥ 0"),
            ));
        }
        out.push(Keyword {
            phrase,
            weight,
            prefix,
        });
    }
    Ok(out)
}

/// Orders topics so that every child comes before its parent; refuses cycles.
fn order_bottom_up(
    topics: &[TopicDef],
    parents: &[Option<usize>],
) -> Result<Vec<usize>, TaxonomyError> {
    // Depth of each topic = number of ancestors; deepest first is a valid bottom-up order.
    let mut depth = vec![0usize; topics.len()];
    for (start, def) in topics.iter().enumerate() {
        let mut steps = 0;
        let mut at = parents[start];
        while let Some(parent) = at {
            steps += 1;
            if parent == start || steps > topics.len() {
                return Err(TaxonomyError::ParentCycle {
                    topic: def.name.clone(),
                });
            }
            at = parents[parent];
        }
        depth[start] = steps;
    }
    let mut order: Vec<usize> = (0..topics.len()).collect();
    order.sort_by(|&a, &b| depth[b].cmp(&depth[a]).then(a.cmp(&b)));
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
[scoring]
min_score = 2.0

[[topic]]
name = "Tech"
[topic.keywords]
"software" = 2.0

[[topic]]
name = "AI"
parent = "Tech"
[topic.keywords]
"ai" = 3.0
"language model*" = 3.0
[topic.negative]
"ai weiwei" = 6.0
"#;

    #[test]
    fn builtin_taxonomy_parses_and_covers_the_required_topics() {
        let taxonomy = Taxonomy::builtin();
        let names: Vec<&str> = taxonomy.topics().map(|t| t.name.as_str()).collect();
        for required in [
            "AI",
            "Funding",
            "M&A",
            "Cloud",
            "Chips",
            "Regulation",
            "Cybersecurity",
            "Crypto",
            "World",
            "Politics",
            "Business",
            "Markets",
            "Economy",
            "Science",
            "Health",
            "Climate",
            "Sports",
            "Entertainment",
            "Technology",
        ] {
            assert!(names.contains(&required), "missing {required}");
        }
    }

    #[test]
    fn whole_words_only_and_prefix_phrases_may_end_mid_word() {
        let taxonomy = Taxonomy::from_toml(SMALL).unwrap();
        assert_eq!(taxonomy.classify("Said the aide", ""), Vec::<String>::new());
        assert_eq!(taxonomy.classify("The AI boom", ""), vec!["AI", "Tech"]);
        assert_eq!(
            taxonomy.classify("Large language models get cheaper", ""),
            vec!["AI", "Tech"]
        );
    }

    #[test]
    fn negative_cues_cancel_a_match() {
        let taxonomy = Taxonomy::from_toml(SMALL).unwrap();
        assert!(taxonomy.classify("Ai Weiwei opens a show", "").is_empty());
    }

    #[test]
    fn a_single_passing_mention_in_the_body_is_not_enough() {
        let taxonomy = Taxonomy::builtin();
        let body = "The bakery on Elm Street sold out of sourdough again. Its owner, who once \
                    tried an AI recipe app, says flour prices worry her more than anything.";
        let topics = taxonomy.classify("A neighbourhood bakery sells out", body);
        assert!(!topics.contains(&"AI".to_string()), "{topics:?}");
        let body = "The startup trains a large language model. Its AI assistant answers \
                    questions; the AI team doubled in size, and ChatGPT is its rival.";
        let topics = taxonomy.classify("A company update", body);
        assert!(topics.contains(&"AI".to_string()), "{topics:?}");
    }

    #[test]
    fn identical_phrases_shared_by_topics_count_for_each() {
        let text = "[[topic]]\nname = \"A\"\nkeywords = { \"model\" = 3.0 }\n\
                    [[topic]]\nname = \"B\"\nkeywords = { \"model*\" = 3.0 }\n\
                    [[topic]]\nname = \"C\"\nkeywords = { \"model\" = 3.0 }\n";
        let taxonomy = Taxonomy::from_toml(text).unwrap();
        assert_eq!(taxonomy.classify("New model", ""), vec!["A", "B", "C"]);
        assert_eq!(taxonomy.classify("New models", ""), vec!["B"]);
    }

    #[test]
    fn title_counts_more_than_body() {
        let taxonomy = Taxonomy::from_toml(SMALL).unwrap();
        let ai = |scores: Vec<(String, f32)>| {
            scores
                .into_iter()
                .find(|(name, _)| name == "AI")
                .map_or(0.0, |(_, score)| score)
        };
        let in_title = ai(taxonomy.scores("AI news", ""));
        let in_body = ai(taxonomy.scores("News", "AI here. AI there. More AI."));
        assert!(in_body > 0.0, "{in_body}");
        assert!(in_title > in_body, "{in_title} vs {in_body}");
    }

    #[test]
    fn children_pass_score_up_to_parents() {
        let taxonomy = Taxonomy::from_toml(SMALL).unwrap();
        let scores = taxonomy.scores("AI", "");
        let ai = scores.iter().find(|(n, _)| n == "AI").unwrap().1;
        let tech = scores.iter().find(|(n, _)| n == "Tech").unwrap().1;
        assert!((tech - 0.5 * ai).abs() < 1e-4);
    }

    #[test]
    fn errors_name_the_topic_and_field() {
        let unknown_parent = "[[topic]]\nname = \"A\"\nparent = \"Nope\"\nkeywords = { a = 1.0 }\n";
        let error = Taxonomy::from_toml(unknown_parent).unwrap_err().to_string();
        assert!(
            error.contains("\"A\"") && error.contains("parent"),
            "{error}"
        );

        let bad_weight = "[[topic]]\nname = \"B\"\nkeywords = { b = -1.0 }\n";
        let error = Taxonomy::from_toml(bad_weight).unwrap_err().to_string();
        assert!(
            error.contains("\"B\"") && error.contains("keywords"),
            "{error}"
        );

        let empty_phrase = "[[topic]]\nname = \"C\"\nkeywords = { \"--\" = 1.0 }\n";
        let error = Taxonomy::from_toml(empty_phrase).unwrap_err().to_string();
        assert!(
            error.contains("\"C\"") && error.contains("keywords"),
            "{error}"
        );

        let cycle = "[[topic]]\nname = \"D\"\nparent = \"E\"\nkeywords = { d = 1.0 }\n\
                     [[topic]]\nname = \"E\"\nparent = \"D\"\nkeywords = { e = 1.0 }\n";
        let error = Taxonomy::from_toml(cycle).unwrap_err().to_string();
        assert!(error.contains("cycle"), "{error}");

        let duplicate = "[[topic]]\nname = \"F\"\nkeywords = { f = 1.0 }\n\
                         [[topic]]\nname = \"f\"\nkeywords = { g = 1.0 }\n";
        assert!(matches!(
            Taxonomy::from_toml(duplicate),
            Err(TaxonomyError::DuplicateTopic { .. })
        ));

        let unknown_field = "[[topic]]\nname = \"G\"\nkeyword = { g = 1.0 }\n";
        let error = Taxonomy::from_toml(unknown_field).unwrap_err().to_string();
        assert!(error.contains("keyword"), "{error}");

        assert!(matches!(
            Taxonomy::from_toml(""),
            Err(TaxonomyError::NoTopics)
        ));
    }

    #[test]
    fn hostile_taxonomy_files_are_refused_with_an_error() {
        for text in [
            format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
            format!("a = {}1{}", "{b = ".repeat(50_000), "}".repeat(50_000)),
            "\u{0}\u{fffd}\u{202e}[[topic]]".to_string(),
            format!(
                "[[topic]]\nname = \"Long\"\nkeywords = {{ \"{}\" = 1.0 }}\n",
                "word ".repeat(100)
            ),
            "[scoring]\nmax_topics = 0\n[[topic]]\nname = \"A\"\nkeywords = { a = 1.0 }\n"
                .to_string(),
            "[scoring]\ntitle_weight = nan\n[[topic]]\nname = \"A\"\nkeywords = { a = 1.0 }\n"
                .to_string(),
        ] {
            assert!(
                Taxonomy::from_toml(&text).is_err(),
                "{}",
                &text[..text.len().min(80)]
            );
        }
    }

    #[test]
    fn hostile_text_is_classified_without_panicking() {
        let taxonomy = Taxonomy::builtin();
        assert!(taxonomy.classify("", "").is_empty());
        let huge = "artificial intelligence startup raises funding ".repeat(120_000);
        let topics = taxonomy.classify(&huge, &huge);
        assert!(topics.contains(&"AI".to_string()), "{topics:?}");
        let odd = "\u{0}\u{200b}🤖 ＡＩ ǅ ﬃ \u{fffd}".repeat(1000);
        let _ = taxonomy.classify(&odd, &odd);
    }
}
