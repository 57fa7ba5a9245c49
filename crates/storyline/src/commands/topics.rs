//! `storyline topics`: the topic taxonomy in use, or the built-in one as a starting point for
//! your own (`storyline topics --default > <data dir>/taxonomy.toml`).

use std::process::ExitCode;

use storyline_analyze::judge::Taxonomy;

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the built-in taxonomy file (TOML), to copy and edit.
    #[arg(long)]
    pub default: bool,
}

/// The built-in taxonomy, as shipped.
const BUILTIN: &str = include_str!("../../../analyze/taxonomy.toml");

pub fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    if args.default {
        print!("{BUILTIN}");
        return Ok(ExitCode::SUCCESS);
    }
    let path = settings.data_dir.join("taxonomy.toml");
    let (taxonomy, source) = match settings.taxonomy()? {
        Some(t) => (t, path.display().to_string()),
        None => (
            Taxonomy::builtin(),
            format!("built in (put your own in {})", path.display()),
        ),
    };
    println!("taxonomy: {source}");
    for topic in taxonomy.topics() {
        println!("  {}", topic.name);
    }
    Ok(ExitCode::SUCCESS)
}
