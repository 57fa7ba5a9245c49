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
    /// True group of related stories of each article (same order), when the set
    /// labels one: linked stories should fall in one group.
    pub groups: Vec<String>,
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

/// How the ECB+ stories are fed: in a fixed shuffled order without dates, or
/// dated (each event on its own day, its articles within 36 hours of it) and fed
/// in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcbOrder {
    Undated,
    Dated,
}

/// A small deterministic generator (splitmix64): the shuffled order and the
/// dates are the same on every machine and every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// The seed of the fixed order (any value would do; this one is the order scored in
/// BENCHMARKS.md).
const ECB_SEED: u64 = 20_141_005;

/// Splits an ECB+ text into (url, headline, body). The text holds one sentence a
/// line; many documents start with their address (tokenised: `http: / / www. …`),
/// then the headline. Documents without an address start with their lead, which
/// then serves as the headline.
pub fn split_ecb_text(text: &str) -> (Option<String>, String, String) {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut first = lines.next().unwrap_or_default();
    let mut url = None;
    if first.starts_with("http") || first.starts_with("www.") {
        url = Some(first.split_whitespace().collect::<String>());
        first = lines.next().unwrap_or_default();
    }
    let body: Vec<&str> = lines.collect();
    (url, first.to_string(), body.join("\n"))
}

/// The ECB+ development half: 462 full-text articles, 40 events (the labels) in 20
/// topics (`groups`: two similar events each), under `<datasets>/ecbplus-dev`.
pub fn load_ecbplus(datasets: &Path, order: EcbOrder) -> Result<LabelledSet, EvalError> {
    let path = datasets.join("ecbplus-dev/ecbplus_dev.jsonl");
    let text = read(&path)?;
    #[derive(serde::Deserialize)]
    struct Line {
        id: String,
        topic: serde_json::Value,
        cluster: String,
        text: String,
    }
    let mut rows: Vec<(ClusterDoc, String, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line).map_err(|e| EvalError::Format {
            path: path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let (url, title, body) = split_ecb_text(&parsed.text);
        let doc = ClusterDoc {
            id: parsed.id,
            title,
            text: body,
            url,
            lang: Some("en".into()),
            ..ClusterDoc::default()
        };
        let topic = match parsed.topic {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        rows.push((doc, parsed.cluster, topic));
    }
    let mut rng = SplitMix(ECB_SEED);
    rng.shuffle(&mut rows);
    let name = match order {
        EcbOrder::Undated => "ECB+ undated",
        EcbOrder::Dated => "ECB+ dated",
    };
    if order == EcbOrder::Dated {
        // each event its own day (a shuffled day number per event), its articles
        // within 36 hours of it
        let mut events: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        events.sort();
        events.dedup();
        let mut order: Vec<u64> = (0..events.len() as u64).collect();
        rng.shuffle(&mut order);
        let start = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let days: std::collections::HashMap<String, u64> = events.into_iter().zip(order).collect();
        for (doc, event, _) in &mut rows {
            let day = days.get(event.as_str()).copied().unwrap_or(0);
            let seconds = day * 86_400 + rng.below(36 * 3_600);
            doc.published = Some(start + chrono::TimeDelta::seconds(seconds as i64));
        }
        rows.sort_by_key(|r| r.0.published);
    }
    let mut set = LabelledSet {
        name: name.into(),
        ..LabelledSet::default()
    };
    for (doc, event, topic) in rows {
        set.docs.push(doc);
        set.labels.push(event);
        set.groups.push(topic);
    }
    Ok(set)
}
