//! `storyline extract FILE|-`: the extraction stage alone, printing JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use storyline_extract::{ExtractOptions, extract};
use storyline_ingest::files::{self, FileLimits};

use crate::progress::printable;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An HTML file (`.html` or `.html.gz`), or `-` for standard input.
    #[arg(value_name = "FILE", required_unless_present = "batch")]
    pub file: Option<PathBuf>,
    /// The page's URL, to resolve relative links.
    #[arg(long)]
    pub url: Option<String>,
    /// Extract every `.html` / `.html.gz` file of this folder in one process.
    #[arg(long, value_name = "DIR", conflicts_with = "file", requires = "out")]
    pub batch: Option<PathBuf>,
    /// With `--batch`: the folder that receives one JSON file per input.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let (Some(input), Some(out)) = (&args.batch, &args.out) {
        let summary = storyline_eval::extract::extract_batch(input, out)?;
        println!(
            "{} pages extracted into {} ({} without article text), {} unreadable",
            summary.written,
            out.display(),
            summary.empty,
            summary.failed.len()
        );
        for failure in &summary.failed {
            println!("  skipped {failure}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(file) = args.file else {
        anyhow::bail!("name a FILE (or - for standard input)");
    };
    let html = read_html(&file)?;
    let extraction = extract(&html, &ExtractOptions { url: args.url });
    println!("{}", serde_json::to_string_pretty(&extraction)?);
    Ok(ExitCode::SUCCESS)
}

/// The page's text, read and decoded as `ingest` reads files (`.gz` decompressed, the declared
/// or detected charset, binary refused).
fn read_html(path: &Path) -> anyhow::Result<String> {
    let raw = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .context("cannot read standard input")?;
        files::classify(path, &bytes)
    } else {
        files::read_file(path, &FileLimits::default())
    };
    raw.map(|raw| raw.text)
        .map_err(|reason| anyhow::anyhow!("{}: {reason}", printable(&path.display().to_string())))
}
