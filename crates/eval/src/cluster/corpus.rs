//! Loaders for labelled article folders: the team's corpus (`corpus/labels.toml`
//! over records, plain-text and HTML articles) and the seeds (whose labels are
//! the specification: 000–003 are one story, 004 another).
//!
//! Each file becomes a [`ClusterDoc`] the way ingest would see it: front-matter
//! records give title, excerpt, date and body; plain text goes through
//! `clean_plain_text`; HTML through `extract`. Articles are fed by publication
//! time, undated ones last, ties by path.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use storyline_analyze::ClusterDoc;
use storyline_extract::{ExtractOptions, clean_plain_text, extract};

use super::EvalError;
use super::datasets::LabelledSet;

/// Reads one article file (record, plain text or HTML) as clustering input.
/// `id` is the article's id (its path relative to the corpus).
pub fn read_article(path: &Path, id: &str) -> Result<ClusterDoc, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let mut doc = if text.starts_with("---\n") || text.starts_with("---\r\n") {
        read_record(&text)
    } else if is_html {
        let page = extract(&text, &ExtractOptions::default());
        ClusterDoc {
            title: page.title.unwrap_or_default(),
            text: page.text,
            published: page.published,
            provider: page.site_name,
            url: page.canonical_url,
            lang: page.language,
            ..ClusterDoc::default()
        }
    } else {
        let plain = clean_plain_text(&text);
        ClusterDoc {
            title: plain.title,
            text: plain.body,
            provider: plain.provider.map(|p| p.name),
            ..ClusterDoc::default()
        }
    };
    doc.id = id.to_string();
    Ok(doc)
}

/// A front-matter value: JSON-style quoted strings are unquoted.
fn scalar(value: &str) -> String {
    let v = value.trim();
    if v.starts_with('"') {
        serde_json::from_str::<String>(v).unwrap_or_else(|_| v.trim_matches('"').to_string())
    } else {
        v.to_string()
    }
}

fn read_record(text: &str) -> ClusterDoc {
    let mut doc = ClusterDoc::default();
    let mut lines = text.lines();
    lines.next(); // opening ---
    let mut excerpt = String::new();
    let mut section = "";
    for line in lines.by_ref() {
        if line.trim_end() == "---" {
            break;
        }
        if !line.starts_with(' ') {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            section = if value.trim().is_empty() { key } else { "" };
            match key {
                "title" => doc.title = scalar(value),
                "excerpt" => excerpt = scalar(value),
                "publishedDateTime" => {
                    doc.published = DateTime::parse_from_rfc3339(value.trim())
                        .ok()
                        .map(|t| t.with_timezone(&Utc));
                }
                "webUrl" => doc.url = Some(scalar(value)),
                _ => {}
            }
        } else if section == "provider"
            && let Some(name) = line.trim().strip_prefix("name:")
        {
            doc.provider = Some(scalar(name));
        }
    }
    let body: Vec<&str> = lines.collect();
    let body = body.join("\n");
    doc.text = if body.trim().is_empty() {
        excerpt
    } else {
        body.trim().to_string()
    };
    doc
}

/// Sorts by publication time, ties by id; undated articles come last, as
/// files without a date arrive after the dated ones of the same batch.
fn arrival_order(set: &mut LabelledSet) {
    let mut rows: Vec<(ClusterDoc, String)> = std::mem::take(&mut set.docs)
        .into_iter()
        .zip(std::mem::take(&mut set.labels))
        .collect();
    rows.sort_by(|a, b| {
        let key = |d: &ClusterDoc| (d.published.is_none(), d.published);
        key(&a.0).cmp(&key(&b.0)).then_with(|| a.0.id.cmp(&b.0.id))
    });
    for (d, l) in rows {
        set.docs.push(d);
        set.labels.push(l);
    }
}

/// A corpus folder's `labels.toml`: its stories and its groups of syndicated copies.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CorpusLabels {
    #[serde(default)]
    pub story: Vec<LabelledStory>,
    #[serde(default)]
    pub syndication: Vec<Syndication>,
}

/// One labelled story: its article files (relative to the corpus folder) and the labels of
/// the stories it is related to.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LabelledStory {
    pub id: String,
    /// Who or what the story is about, as its headline must name it.
    #[serde(default)]
    pub subject: Option<String>,
    pub articles: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    /// The facts of a funding round or an acquisition, when the story reports one.
    #[serde(default)]
    pub facts: Option<LabelledFacts>,
}

/// The facts of a story's business event as labelled: names as written, figures in their
/// short form (`$1.2B`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct LabelledFacts {
    /// `funding round` or `acquisition`.
    pub kind: String,
    pub company: String,
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(default)]
    pub acquirer: Option<String>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub valuation: Option<String>,
}

/// A wire story and its reprints (article files).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Syndication {
    pub original: String,
    pub copies: Vec<String>,
}

/// Reads `<dir>/labels.toml`.
pub fn read_labels(dir: &Path) -> Result<CorpusLabels, EvalError> {
    let labels_path = dir.join("labels.toml");
    let text = std::fs::read_to_string(&labels_path).map_err(|source| EvalError::Read {
        path: labels_path.clone(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| EvalError::Format {
        path: labels_path,
        line: 0,
        message: e.to_string(),
    })
}

/// A labelled corpus: its articles and the related-story pairs it declares.
#[derive(Debug, Clone, Default)]
pub struct LabelledCorpus {
    pub set: LabelledSet,
    /// Pairs of story labels declared related (each pair once).
    pub related: Vec<(String, String)>,
}

/// Loads `<dir>/labels.toml` and every article it lists.
pub fn load_corpus(dir: &Path) -> Result<LabelledCorpus, EvalError> {
    let labels = read_labels(dir)?;
    let mut corpus = LabelledCorpus {
        set: LabelledSet {
            name: "own corpus".into(),
            ..LabelledSet::default()
        },
        related: Vec::new(),
    };
    for story in &labels.story {
        for article in &story.articles {
            let doc = read_article(&dir.join(article), article)?;
            corpus.set.docs.push(doc);
            corpus.set.labels.push(story.id.clone());
        }
        for r in &story.related {
            corpus.related.push((story.id.clone(), r.clone()));
        }
    }
    arrival_order(&mut corpus.set);
    Ok(corpus)
}

/// The seeds folder (`<datasets>/../seeds`), labelled as specified.
pub fn seeds_dir(datasets: &Path) -> PathBuf {
    datasets.parent().unwrap_or(datasets).join("seeds")
}

/// Loads the five seeds: 000–003 are the MiniMax round, 004 Moonshot AI's
/// (a related story).
pub fn load_seeds(dir: &Path) -> Result<LabelledCorpus, EvalError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| EvalError::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut set = LabelledSet {
        name: "seeds".into(),
        ..LabelledSet::default()
    };
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let label = if name.starts_with("004") {
            "moonshot-round"
        } else {
            "minimax-round"
        };
        set.docs.push(read_article(&path, &name)?);
        set.labels.push(label.to_string());
    }
    arrival_order(&mut set);
    Ok(LabelledCorpus {
        set,
        related: vec![("minimax-round".into(), "moonshot-round".into())],
    })
}
