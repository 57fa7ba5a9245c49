//! `storyline cluster --input FILE.jsonl`: the clustering stage alone, offline, for
//! evaluation. One article per input line in arrival order; one `{"id", "story"}` line out
//! per article. Same clusterer and configuration as the ingest pipeline.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON lines: `id`, `title`, optional `text`, `published`, `provider`, `url`, `lang`
    /// (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Also print story-to-story links.
    #[arg(long)]
    pub related: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::new(stdout.lock());
    let summary = if args.input.as_os_str() == "-" {
        storyline_eval::cluster::cluster_jsonl(std::io::stdin().lock(), out, args.related)?
    } else {
        let file = std::fs::File::open(&args.input)
            .with_context(|| format!("cannot open {}", args.input.display()))?;
        storyline_eval::cluster::cluster_jsonl(BufReader::new(file), out, args.related)?
    };
    eprintln!(
        "{} articles in {} stories ({} syndicated copies, {} merges, {} splits)",
        summary.articles, summary.stories, summary.duplicates, summary.merges, summary.splits
    );
    Ok(ExitCode::SUCCESS)
}
