//! Extraction evaluation: both development sets through [`storyline_extract::extract`] with
//! the datasets' own metrics, and the offline batch behind `storyline extract --batch`.
//!
//! [`run_extract_eval`] loads `article-extraction-benchmark/` (4-word shingle F1) and
//! `wcxb-dev/` (word P/R/F1 overall and per page type, `with`/`without` snippet shares, and
//! title / author / date agreement), and measures what site templates learned across a site's
//! pages add on WCXB's multi-page sites. [`ExtractReport`] prints the tables.

pub mod batch;
pub mod datasets;
pub mod metrics;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use storyline_extract::{ExtractOptions, Extraction, extract};

pub use batch::{BatchSummary, extract_batch};
pub use datasets::{ExtractCase, datasets_dir, load_benchmark, load_wcxb, read_page};
pub use metrics::{ShingleScores, WordScores, shingle_page, word_page};

/// What can go wrong while evaluating extraction or extracting a batch.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A dataset or input file could not be read.
    #[error(
        "cannot read {path}: {source} (datasets are expected under ../shared/datasets relative to the repository root, or where STORYLINE_DATASETS points)"
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A dataset file is not in the expected format.
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Agreement of the metadata fields with WCXB's ground truth.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldScores {
    /// Pages whose truth has the field.
    pub pages: usize,
    /// Share of those where we found a value.
    pub found: f64,
    /// Share of those where our value matches (normalised tokens equal; dates: same day).
    pub exact: f64,
    /// Mean token F1 against the truth (0 when missing).
    pub token_f1: f64,
}

/// The failing tail of a set: pages whose text is mostly wrong or missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct TailShares {
    /// Share of pages whose own F1 is below 0.5.
    pub low_f1: f64,
    /// Share of pages with an empty extraction.
    pub empty: f64,
}

impl TailShares {
    /// Shares among `pages` from each page's F1 and whether its output was empty.
    pub fn from_pages(pages: impl Iterator<Item = (f64, bool)>) -> TailShares {
        let (mut total, mut low, mut empty) = (0, 0, 0);
        for (f1, is_empty) in pages {
            total += 1;
            low += usize::from(f1 < 0.5);
            empty += usize::from(is_empty);
        }
        TailShares {
            low_f1: share(low, total),
            empty: share(empty, total),
        }
    }
}

impl fmt::Display for TailShares {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pages with F1 < 0.5: {:.3}; empty output: {:.3}",
            self.low_f1, self.empty
        )
    }
}

/// Results on the WCXB dev split.
#[derive(Debug, Clone, Default)]
pub struct WcxbReport {
    pub overall: WordScores,
    pub by_type: BTreeMap<String, WordScores>,
    /// Share of `with` snippets present in the output.
    pub with_share: f64,
    /// Share of `without` snippets absent from the output.
    pub without_share: f64,
    pub title: FieldScores,
    pub author: FieldScores,
    pub date: FieldScores,
    /// Pages with an empty extraction.
    pub empty: usize,
    pub pages_per_second: f64,
    /// Shares of pages below F1 0.5 and with empty output.
    pub tail: TailShares,
}

/// What site templates add on sites with several pages in WCXB.
#[derive(Debug, Clone, Default)]
pub struct TemplateReport {
    pub sites: usize,
    pub pages: usize,
    pub without_templates: WordScores,
    pub with_templates: WordScores,
}

/// The full extraction evaluation.
#[derive(Debug, Clone, Default)]
pub struct ExtractReport {
    pub benchmark: Option<ShingleScores>,
    pub benchmark_pages_per_second: f64,
    /// The benchmark's shares of pages below F1 0.5 and with empty output.
    pub benchmark_tail: TailShares,
    pub wcxb: Option<WcxbReport>,
    pub templates: Option<TemplateReport>,
    /// Sets that could not be loaded, with the reason.
    pub missing: Vec<String>,
}

fn options_for(case: &ExtractCase) -> ExtractOptions {
    ExtractOptions {
        url: case.url.clone(),
    }
}

/// Runs both development sets found under `datasets`. A missing set is reported in
/// [`ExtractReport::missing`]; an error is returned only when neither set can be loaded.
pub fn run_extract_eval(datasets: &Path) -> Result<ExtractReport, EvalError> {
    let mut report = ExtractReport::default();
    let mut first_error = None;
    match load_benchmark(datasets) {
        Ok(cases) => {
            let (scores, rate, tail) = evaluate_benchmark(&cases);
            report.benchmark = Some(scores);
            report.benchmark_pages_per_second = rate;
            report.benchmark_tail = tail;
        }
        Err(error) => {
            report
                .missing
                .push(format!("article-extraction-benchmark: {error}"));
            first_error.get_or_insert(error);
        }
    }
    match load_wcxb(datasets) {
        Ok(cases) => {
            report.wcxb = Some(evaluate_wcxb(&cases));
            report.templates = Some(evaluate_templates(&cases));
        }
        Err(error) => {
            report.missing.push(format!("wcxb-dev: {error}"));
            first_error.get_or_insert(error);
        }
    }
    match (
        report.benchmark.is_none() && report.wcxb.is_none(),
        first_error,
    ) {
        (true, Some(error)) => Err(error),
        _ => Ok(report),
    }
}

/// Shingle scores on the benchmark, pages per second of extraction alone, and the failing
/// tail, all from one extraction of each page.
pub fn evaluate_benchmark(cases: &[ExtractCase]) -> (ShingleScores, f64, TailShares) {
    let start = Instant::now();
    let extractions: Vec<Extraction> = cases
        .iter()
        .map(|case| extract(&case.html, &options_for(case)))
        .collect();
    let rate = cases.len() as f64 / start.elapsed().as_secs_f64().max(1e-9);
    let pages: Vec<_> = cases
        .iter()
        .zip(&extractions)
        .map(|(case, extraction)| shingle_page(&extraction.text, &case.main_content))
        .collect();
    let tail = TailShares::from_pages(
        pages
            .iter()
            .zip(&extractions)
            .map(|(page, extraction)| (page.f1(), extraction.text.trim().is_empty())),
    );
    (ShingleScores::aggregate(&pages), rate, tail)
}

/// Word scores, snippets and metadata fields on WCXB.
pub fn evaluate_wcxb(cases: &[ExtractCase]) -> WcxbReport {
    let start = Instant::now();
    let extractions: Vec<Extraction> = cases
        .iter()
        .map(|case| extract(&case.html, &options_for(case)))
        .collect();
    let rate = cases.len() as f64 / start.elapsed().as_secs_f64().max(1e-9);
    let mut all = Vec::new();
    let mut by_type: BTreeMap<String, Vec<metrics::WordPage>> = BTreeMap::new();
    let (mut with_found, mut with_total, mut without_absent, mut without_total) = (0, 0, 0, 0);
    let mut title = FieldTally::default();
    let mut author = FieldTally::default();
    let mut date = FieldTally::default();
    let mut empty = 0;
    for (case, extraction) in cases.iter().zip(&extractions) {
        let page = word_page(&extraction.text, &case.main_content);
        all.push(page);
        by_type
            .entry(case.page_type.clone())
            .or_default()
            .push(page);
        if extraction.text.is_empty() {
            empty += 1;
        }
        let tokens = metrics::lower_tokens(&extraction.text);
        for snippet in &case.with {
            with_total += 1;
            with_found += usize::from(metrics::snippet_present(&tokens, snippet));
        }
        for snippet in &case.without {
            without_total += 1;
            without_absent += usize::from(!metrics::snippet_present(&tokens, snippet));
        }
        title.add(case.title.as_deref(), extraction.title.as_deref());
        let authors = (!extraction.authors.is_empty()).then(|| extraction.authors.join(", "));
        author.add(case.author.as_deref(), authors.as_deref());
        date.add_date(case.publish_date.as_deref(), extraction.published_day());
    }
    WcxbReport {
        overall: WordScores::aggregate(&all),
        by_type: by_type
            .into_iter()
            .map(|(kind, pages)| (kind, WordScores::aggregate(&pages)))
            .collect(),
        with_share: share(with_found, with_total),
        without_share: share(without_absent, without_total),
        title: title.scores(),
        author: author.scores(),
        date: date.scores(),
        empty,
        pages_per_second: rate,
        tail: TailShares::from_pages(
            all.iter()
                .zip(&extractions)
                .map(|(page, extraction)| (page.f1, extraction.text.is_empty())),
        ),
    }
}

/// Word scores on WCXB's multi-page sites, extracted alone and with the site's templates.
pub fn evaluate_templates(cases: &[ExtractCase]) -> TemplateReport {
    let mut sites: BTreeMap<&str, Vec<&ExtractCase>> = BTreeMap::new();
    for case in cases {
        if let Some(domain) = case.domain.as_deref() {
            sites.entry(domain).or_default().push(case);
        }
    }
    sites.retain(|_, pages| pages.len() >= 2);
    let mut alone = Vec::new();
    let mut templated = Vec::new();
    for pages in sites.values() {
        let mut templates = storyline_extract::SiteTemplates::default();
        for case in pages {
            templates.learn(&case.html);
        }
        for case in pages {
            let plain = extract(&case.html, &options_for(case));
            let with = storyline_extract::extract_with_templates(
                &case.html,
                &options_for(case),
                &templates,
            );
            alone.push(word_page(&plain.text, &case.main_content));
            templated.push(word_page(&with.text, &case.main_content));
        }
    }
    TemplateReport {
        sites: sites.len(),
        pages: alone.len(),
        without_templates: WordScores::aggregate(&alone),
        with_templates: WordScores::aggregate(&templated),
    }
}

fn share(part: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 / total as f64
    }
}

#[derive(Default)]
struct FieldTally {
    pages: usize,
    found: usize,
    exact: usize,
    token_f1: f64,
}

impl FieldTally {
    fn add(&mut self, truth: Option<&str>, predicted: Option<&str>) {
        let Some(truth) = truth.filter(|truth| !truth.trim().is_empty()) else {
            return;
        };
        self.pages += 1;
        let Some(predicted) = predicted else {
            return;
        };
        self.found += 1;
        let truth_tokens = metrics::lower_tokens(truth);
        let predicted_tokens = metrics::lower_tokens(predicted);
        if truth_tokens == predicted_tokens {
            self.exact += 1;
        }
        self.token_f1 += word_page(predicted, truth).f1;
    }

    /// Scores the day the page states (in its own zone) against the truth's day.
    fn add_date(&mut self, truth: Option<&str>, predicted: Option<chrono::NaiveDate>) {
        let Some(truth) = truth.filter(|truth| !truth.trim().is_empty()) else {
            return;
        };
        self.pages += 1;
        let Some(predicted) = predicted else {
            return;
        };
        self.found += 1;
        let truth_day = storyline_extract::parse_date(truth)
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| truth.chars().take(10).collect());
        if predicted.format("%Y-%m-%d").to_string() == truth_day {
            self.exact += 1;
            self.token_f1 += 1.0;
        }
    }

    fn scores(&self) -> FieldScores {
        FieldScores {
            pages: self.pages,
            found: share(self.found, self.pages),
            exact: share(self.exact, self.pages),
            token_f1: if self.pages == 0 {
                0.0
            } else {
                self.token_f1 / self.pages as f64
            },
        }
    }
}

impl fmt::Display for ExtractReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "## Extraction (storyline-extract, one thread)")?;
        if let Some(scores) = &self.benchmark {
            writeln!(f)?;
            writeln!(
                f,
                "article-extraction-benchmark ({} pages, 4-word shingles)",
                scores.pages
            )?;
            writeln!(f, "| precision | recall | F1 | accuracy | pages/s |")?;
            writeln!(f, "|---|---|---|---|---|")?;
            writeln!(
                f,
                "| {:.3} | {:.3} | **{:.3}** | {:.3} | {:.0} |",
                scores.precision,
                scores.recall,
                scores.f1,
                scores.accuracy,
                self.benchmark_pages_per_second
            )?;
            writeln!(f)?;
            writeln!(f, "{}", self.benchmark_tail)?;
        }
        if let Some(wcxb) = &self.wcxb {
            writeln!(f)?;
            writeln!(
                f,
                "wcxb-dev ({} pages, words; {} empty extractions, {:.0} pages/s)",
                wcxb.overall.pages, wcxb.empty, wcxb.pages_per_second
            )?;
            writeln!(f, "| page type | pages | precision | recall | F1 |")?;
            writeln!(f, "|---|---|---|---|---|")?;
            writeln!(
                f,
                "| **all** | {} | {:.3} | {:.3} | **{:.3}** |",
                wcxb.overall.pages, wcxb.overall.precision, wcxb.overall.recall, wcxb.overall.f1
            )?;
            for (kind, scores) in &wcxb.by_type {
                writeln!(
                    f,
                    "| {kind} | {} | {:.3} | {:.3} | {:.3} |",
                    scores.pages, scores.precision, scores.recall, scores.f1
                )?;
            }
            writeln!(f)?;
            writeln!(f, "{}", wcxb.tail)?;
            writeln!(f)?;
            writeln!(
                f,
                "snippets: `with` present {:.3}, `without` absent {:.3}",
                wcxb.with_share, wcxb.without_share
            )?;
            writeln!(f)?;
            writeln!(f, "| field | pages with truth | found | exact | token F1 |")?;
            writeln!(f, "|---|---|---|---|---|")?;
            for (name, field) in [
                ("title", wcxb.title),
                ("author", wcxb.author),
                ("date (day)", wcxb.date),
            ] {
                writeln!(
                    f,
                    "| {name} | {} | {:.3} | {:.3} | {:.3} |",
                    field.pages, field.found, field.exact, field.token_f1
                )?;
            }
        }
        if let Some(templates) = &self.templates {
            writeln!(f)?;
            writeln!(
                f,
                "site templates on WCXB sites with several pages ({} sites, {} pages)",
                templates.sites, templates.pages
            )?;
            writeln!(f, "| | precision | recall | F1 |")?;
            writeln!(f, "|---|---|---|---|")?;
            for (name, scores) in [
                ("page alone", templates.without_templates),
                ("with site templates", templates.with_templates),
            ] {
                writeln!(
                    f,
                    "| {name} | {:.3} | {:.3} | {:.3} |",
                    scores.precision, scores.recall, scores.f1
                )?;
            }
        }
        for missing in &self.missing {
            writeln!(f)?;
            writeln!(f, "not run: {missing}")?;
        }
        Ok(())
    }
}
