//! `storyline extract --batch`: every `.html` / `.html.gz` file of a folder through the
//! extractor, one JSON file per input (`<name>.json`) in the output folder.

use std::path::Path;

use serde::Serialize;
use storyline_extract::{ExtractOptions, extract};

use super::EvalError;
use super::datasets::read_page;

/// What a batch did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BatchSummary {
    /// Files extracted and written.
    pub written: usize,
    /// Of those, extractions with no text (the page held no article).
    pub empty: usize,
    /// Files skipped because they could not be read, with the reason.
    pub failed: Vec<String>,
}

/// Extracts every `.html` and `.html.gz` file in `input_dir` (not recursive, in name order)
/// and writes `<stem>.json` into `out_dir` (created when missing).
pub fn extract_batch(input_dir: &Path, out_dir: &Path) -> Result<BatchSummary, EvalError> {
    let entries = std::fs::read_dir(input_dir).map_err(|source| EvalError::Read {
        path: input_dir.to_path_buf(),
        source,
    })?;
    std::fs::create_dir_all(out_dir).map_err(|source| EvalError::Write {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let mut inputs: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            path.is_file()
                && (name.ends_with(".html") || name.ends_with(".html.gz") || name.ends_with(".htm"))
        })
        .collect();
    inputs.sort();
    let mut summary = BatchSummary::default();
    for input in inputs {
        let html = match read_page(&input) {
            Ok(html) => html,
            Err(error) => {
                summary.failed.push(error.to_string());
                continue;
            }
        };
        let extraction = extract(&html, &ExtractOptions::default());
        if extraction.text.is_empty() {
            summary.empty += 1;
        }
        let name = input
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = name
            .strip_suffix(".gz")
            .unwrap_or(&name)
            .trim_end_matches(".html")
            .trim_end_matches(".htm")
            .to_string();
        let path = out_dir.join(format!("{stem}.json"));
        let json =
            serde_json::to_string_pretty(&extraction).map_err(|error| EvalError::Format {
                path: path.clone(),
                message: error.to_string(),
            })?;
        std::fs::write(&path, json).map_err(|source| EvalError::Write { path, source })?;
        summary.written += 1;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn batch_writes_one_json_per_page() {
        let base =
            std::env::temp_dir().join(format!("storyline-extract-batch-{}", std::process::id()));
        let input = base.join("in");
        let output = base.join("out");
        std::fs::create_dir_all(&input).unwrap();
        let page = "<html><head><title>Quay reopens</title></head><body><article><p>The northern quay reopened on Monday, three weeks after the storm, the port said in a statement.</p></article></body></html>";
        std::fs::write(input.join("a.html"), page).unwrap();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(page.as_bytes()).unwrap();
        std::fs::write(input.join("b.html.gz"), encoder.finish().unwrap()).unwrap();
        std::fs::write(input.join("notes.txt"), "not a page").unwrap();

        let summary = extract_batch(&input, &output).unwrap();
        assert_eq!(summary.written, 2);
        for name in ["a.json", "b.json"] {
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(output.join(name)).unwrap()).unwrap();
            assert!(json["text"].as_str().unwrap().contains("northern quay"));
            assert_eq!(json["title"], "Quay reopens");
        }
        assert!(!output.join("notes.json").exists());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn missing_input_folder_is_an_error() {
        let error =
            extract_batch(Path::new("/nonexistent/storyline"), &std::env::temp_dir()).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/storyline"));
    }
}
