//! `storyline extract FILE|-`: the extraction stage alone, printing JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use storyline_extract::{ExtractOptions, extract};

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
    let html = if file.extension().is_some_and(|e| e == "gz") {
        storyline_eval::extract::datasets::read_page(&file)?
    } else {
        read_html(&file)?
    };
    let extraction = extract(&html, &ExtractOptions { url: args.url });
    println!("{}", serde_json::to_string_pretty(&extraction)?);
    Ok(ExitCode::SUCCESS)
}

fn read_html(path: &PathBuf) -> anyhow::Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .context("cannot read standard input")?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
