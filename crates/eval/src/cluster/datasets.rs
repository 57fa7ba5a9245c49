//! Loaders for the clustering development sets in `../shared/datasets/`
//! (MStream Google News, the UCI News Aggregator subset) and the seeds, each
//! giving articles in arrival order with their true story.

use std::path::Path;

use chrono::{DateTime, Utc};
use storyline_analyze::ClusterDoc;

use super::EvalError;

/// Articles in arrival order, each with its true story label.
#[derive(Debug, Clone, Default)]
pub struct LabelledSet {
    /// Short name for reports.
    pub name: String,
    /// Articles, in the order they are fed to the clusterer.
    pub docs: Vec<ClusterDoc>,
    /// True story of each article (same order).
    pub labels: Vec<String>,
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// MStream's `News-T`: 11,109 Google News titles (cleaned) in time order,
/// under `<datasets>/mstream-googlenews/MStream/data/News-T`.
pub fn load_mstream_news(datasets: &Path) -> Result<LabelledSet, EvalError> {
    let path = datasets.join("mstream-googlenews/MStream/data/News-T");
    let text = read(&path)?;
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(rename = "Id")]
        id: serde_json::Value,
        #[serde(rename = "clusterNo")]
        cluster: serde_json::Value,
        #[serde(rename = "textCleaned")]
        text: String,
    }
    let mut set = LabelledSet {
        name: "MStream News-T".into(),
        ..LabelledSet::default()
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line).map_err(|e| EvalError::Format {
            path: path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let id = match parsed.id {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        set.docs.push(ClusterDoc {
            id,
            title: parsed.text,
            lang: Some("en".into()),
            ..ClusterDoc::default()
        });
        set.labels.push(parsed.cluster.to_string());
    }
    Ok(set)
}

/// Splits one CSV record (RFC 4180 quoting) into fields.
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The UCI News Aggregator subset: 6,366 headlines with publisher, URL and
/// timestamp, fed in TIMESTAMP order (ties by file order).
pub fn load_uci_news(datasets: &Path) -> Result<LabelledSet, EvalError> {
    let path = datasets.join("uci-news-aggregator-subset/uci-news-aggregator-first6367.csv");
    let text = read(&path)?;
    let mut rows: Vec<(i64, ClusterDoc, String)> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let last = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f = csv_fields(line);
        if f.len() < 8 && i == last {
            continue; // the subset's last row is truncated (see its SOURCE.txt)
        }
        if f.len() < 8 {
            return Err(EvalError::Format {
                path: path.clone(),
                line: i + 1,
                message: format!("expected 8 fields, found {}", f.len()),
            });
        }
        let ms: i64 = f[7].trim().parse().map_err(|_| EvalError::Format {
            path: path.clone(),
            line: i + 1,
            message: format!("bad TIMESTAMP {:?}", f[7]),
        })?;
        let doc = ClusterDoc {
            id: f[0].clone(),
            title: f[1].clone(),
            published: DateTime::<Utc>::from_timestamp_millis(ms),
            provider: Some(f[3].clone()).filter(|p| !p.is_empty()),
            url: Some(f[2].clone()).filter(|u| !u.is_empty()),
            ..ClusterDoc::default()
        };
        rows.push((ms, doc, f[5].clone()));
    }
    rows.sort_by_key(|r| r.0);
    let mut set = LabelledSet {
        name: "UCI headlines".into(),
        ..LabelledSet::default()
    };
    for (_, doc, label) in rows {
        set.docs.push(doc);
        set.labels.push(label);
    }
    Ok(set)
}
