//! Loaders for the two extraction development sets (read at run time, never copied).
//!
//! * `article-extraction-benchmark/`: `ground-truth.json` maps page ids to
//!   `{articleBody, url}`; pages are `html/<id>.html.gz`.
//! * `wcxb-dev/`: `dev/html/<id>.html.gz` with `dev/ground-truth/<id>.json` holding
//!   `ground_truth.{title, author, publish_date, main_content, with, without}`, the page type in
//!   `_internal.page_type.primary`, and the page URL; `metadata.json` gives each page's domain.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::EvalError;

/// One page of a development set with what it should yield.
#[derive(Debug, Clone)]
pub struct ExtractCase {
    pub id: String,
    pub url: Option<String>,
    pub html: String,
    pub main_content: String,
    pub page_type: String,
    pub domain: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub publish_date: Option<String>,
    pub with: Vec<String>,
    pub without: Vec<String>,
}

/// The datasets folder: `explicit`, else `STORYLINE_DATASETS`, else `../shared/datasets`
/// relative to the repository root.
pub fn datasets_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_path_buf();
    }
    if let Some(path) = std::env::var_os("STORYLINE_DATASETS") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets")
}

/// Reads a file, gunzipping `.gz`; invalid UTF-8 is replaced, not rejected.
pub fn read_page(path: &Path) -> Result<String, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = if path.extension().is_some_and(|ext| ext == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|source| EvalError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        out
    } else {
        bytes
    };
    Ok(storyline_extract::charset::decode(&bytes, None).text)
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|error| EvalError::Format {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

#[derive(Deserialize)]
struct BenchmarkTruth {
    #[serde(rename = "articleBody")]
    article_body: String,
    url: Option<String>,
}

/// Loads the 181 pages of `article-extraction-benchmark/`.
pub fn load_benchmark(datasets: &Path) -> Result<Vec<ExtractCase>, EvalError> {
    let dir = datasets.join("article-extraction-benchmark");
    let truth: HashMap<String, BenchmarkTruth> = read_json(&dir.join("ground-truth.json"))?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let mut cases = Vec::with_capacity(ids.len());
    for id in ids {
        let entry = &truth[id];
        cases.push(ExtractCase {
            id: id.clone(),
            url: entry.url.clone(),
            html: read_page(&dir.join("html").join(format!("{id}.html.gz")))?,
            main_content: entry.article_body.clone(),
            page_type: "article".to_string(),
            domain: None,
            title: None,
            author: None,
            publish_date: None,
            with: Vec::new(),
            without: Vec::new(),
        });
    }
    Ok(cases)
}

#[derive(Deserialize)]
struct WcxbFile {
    url: Option<String>,
    ground_truth: WcxbTruth,
    #[serde(rename = "_internal")]
    internal: Option<WcxbInternal>,
}

#[derive(Deserialize)]
struct WcxbTruth {
    title: Option<String>,
    author: Option<String>,
    publish_date: Option<String>,
    main_content: Option<String>,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

#[derive(Deserialize)]
struct WcxbInternal {
    page_type: Option<WcxbPageType>,
}

#[derive(Deserialize)]
struct WcxbPageType {
    primary: Option<String>,
}

#[derive(Deserialize)]
struct WcxbMetadata {
    files: HashMap<String, WcxbFileMeta>,
}

#[derive(Deserialize)]
struct WcxbFileMeta {
    domain: Option<String>,
}

/// Loads the WCXB dev split (1,497 pages).
pub fn load_wcxb(datasets: &Path) -> Result<Vec<ExtractCase>, EvalError> {
    let dir = datasets.join("wcxb-dev");
    let metadata: Option<WcxbMetadata> = read_json(&dir.join("metadata.json")).ok();
    let truth_dir = dir.join("dev").join("ground-truth");
    let entries = std::fs::read_dir(&truth_dir).map_err(|source| EvalError::Read {
        path: truth_dir.clone(),
        source,
    })?;
    let mut ids: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    ids.sort();
    let mut cases = Vec::with_capacity(ids.len());
    for id in ids {
        let file: WcxbFile = read_json(&truth_dir.join(format!("{id}.json")))?;
        let html = read_page(&dir.join("dev").join("html").join(format!("{id}.html.gz")))?;
        let domain = metadata
            .as_ref()
            .and_then(|meta| meta.files.get(&id))
            .and_then(|meta| meta.domain.clone());
        cases.push(ExtractCase {
            url: file.url,
            html,
            main_content: file.ground_truth.main_content.unwrap_or_default(),
            page_type: file
                .internal
                .and_then(|internal| internal.page_type)
                .and_then(|page_type| page_type.primary)
                .unwrap_or_else(|| "unknown".to_string()),
            domain,
            title: file.ground_truth.title,
            author: file.ground_truth.author,
            publish_date: file.ground_truth.publish_date,
            with: file.ground_truth.with,
            without: file.ground_truth.without,
            id,
        });
    }
    Ok(cases)
}
