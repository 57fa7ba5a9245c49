//! `storyline eval extract|cluster`: scores on the development sets in ../shared/datasets
//! (read where they are, never copied) and on our own labelled corpus.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::settings::datasets_dir;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
    /// Folder of the development sets [default: ../shared/datasets, or STORYLINE_DATASETS].
    #[arg(long, global = true, value_name = "DIR")]
    pub datasets: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// Article extraction: shingle F1 on the article-extraction benchmark, word F1 (overall
    /// and per page type), title/author/date and with/without shares on WCXB dev, and what
    /// site templates add.
    Extract,
    /// Story clustering: pairwise and B-cubed P/R/F1 and NMI on MStream News, UCI headlines,
    /// ECB+ full texts (undated and dated, with its related-story groups), the seeds and our
    /// corpus.
    Cluster {
        /// Our labelled corpus [default: the repository's corpus/ folder].
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let datasets = datasets_dir(args.datasets);
    match args.what {
        What::Extract => {
            let report = storyline_eval::extract::run_extract_eval(&datasets)?;
            println!("{report}");
        }
        What::Cluster { corpus } => {
            let corpus = corpus.unwrap_or_else(crate::corpus::source_dir);
            let report = storyline_eval::cluster::run_cluster_eval(&datasets, Some(&corpus))?;
            println!("{report}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
