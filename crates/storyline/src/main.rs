//! The `storyline` binary: the command line, configuration, and the wiring of the pipeline's
//! stages (source → raw document → article → story → store → views). The work itself lives
//! in the library crates; this crate only conducts.

mod commands;
mod corpus;
mod keyfile;
mod progress;
mod settings;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::settings::Settings;

/// mimalloc instead of the system allocator: serving a page allocates many small strings
/// (rows, views, rendering), and glibc's malloc and free were a fifth of the story page's
/// CPU under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// News, grouped into stories: ingest articles, deduplicate syndicated copies, cluster
/// coverage of one event into a story, rank stories by heat, and serve them.
#[derive(Debug, Parser)]
#[command(name = "storyline", version, about, propagate_version = true)]
pub struct Cli {
    /// The store: an SQLite file, or a PostgreSQL database as `postgres://user@host/db`
    /// [default: <data dir>/storyline.db].
    #[arg(long, global = true, env = "STORYLINE_DB", value_name = "PATH|URL")]
    db: Option<String>,
    /// Directory for the key file, image cache and default database.
    #[arg(long, global = true, env = "STORYLINE_DATA", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// More log output (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest files and folders: front-matter records, HTML pages and plain-text articles.
    Ingest(commands::ingest::Args),
    /// Show stories ranked by heat, each with its coverage.
    Stories(commands::stories::Args),
    /// Write one record per article (storyline's front-matter format) into a folder.
    Export(commands::export::Args),
    /// Try storyline on the bundled sample corpus, in a fresh temporary store.
    Demo(commands::demo::Args),
    /// Print a record the way storyline writes it.
    Fmt(commands::record::FmtArgs),
    /// Show the decrypted private part (`secured`) of a record.
    Secured(commands::record::SecuredArgs),
    /// Manage the key that encrypts `secured` values.
    Key(commands::record::KeyArgs),
    /// Follow, list and remove sources (feeds, sitemaps, pages).
    Source(commands::sources::SourceArgs),
    /// Import or export followed sources as OPML.
    Opml(commands::sources::OpmlArgs),
    /// Poll sources once (`--once`: all of them) and ingest what is new.
    Fetch(commands::fetch::FetchArgs),
    /// Poll sources continuously, each at its own interval, until Ctrl-C.
    Run(commands::fetch::RunArgs),
    /// Show the topic taxonomy in use (or print the built-in one to edit).
    Topics(commands::topics::Args),
    /// Search the archive (ranked, one result per story unless `--all`).
    Search(commands::search::SearchArgs),
    /// Rebuild the search index from the store, with a progress bar.
    Reindex(commands::search::ReindexArgs),
    /// Serve the web UI, the JSON API and feeds.
    Serve(commands::serve::ServeArgs),
    /// Work on a shared PostgreSQL store beside other workers: poll, fetch, extract, and
    /// (one worker at a time) cluster.
    Worker(commands::worker::WorkerArgs),
    /// Show a shared store's work queue, the workers seen and who is clustering.
    Status(commands::worker::StatusArgs),
    /// Administration: the admin password.
    Admin(commands::serve::AdminArgs),
    /// Accounts: add, remove and list users, set passwords, make app passwords.
    User(commands::users::UserArgs),
    /// Extract the article from an HTML page (or a folder of pages) as JSON.
    Extract(commands::extract::Args),
    /// Cluster a JSON-lines file of articles into stories, offline.
    Cluster(commands::cluster::Args),
    /// Score extraction or clustering on the development sets.
    Eval(commands::eval::Args),
    /// Copy a SQLite store into a new PostgreSQL database and verify the counts.
    Migrate(commands::migrate::Args),
}

fn main() -> std::process::ExitCode {
    restore_default_sigpipe();
    let cli = Cli::parse();
    settings::init_logging(cli.verbose, cli.quiet);
    let settings = Settings::resolve(cli.db.clone(), cli.data_dir.clone());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command, settings));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", progress::printable(&error_chain(&e)));
            std::process::ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each cause once: libraries often repeat their
/// source's text in their own message, which `{:#}` would print again and again.
fn error_chain(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<std::process::ExitCode> {
    match command {
        Command::Ingest(args) => commands::ingest::run(args, &settings).await,
        Command::Stories(args) => commands::stories::run(args, &settings).await,
        Command::Export(args) => commands::export::run(args, &settings).await,
        Command::Demo(args) => commands::demo::run(args, &settings).await,
        Command::Fmt(args) => commands::record::fmt(args),
        Command::Secured(args) => commands::record::secured(args, &settings),
        Command::Key(args) => commands::record::key(args, &settings),
        Command::Source(args) => commands::sources::source(args, &settings).await,
        Command::Opml(args) => commands::sources::opml(args, &settings).await,
        Command::Fetch(args) => commands::fetch::fetch(args, &settings).await,
        Command::Run(args) => commands::fetch::run(args, &settings).await,
        Command::Topics(args) => commands::topics::run(args, &settings),
        Command::Search(args) => commands::search::search(args, &settings).await,
        Command::Reindex(args) => commands::search::reindex(args, &settings).await,
        Command::Serve(args) => commands::serve::serve(args, &settings).await,
        Command::Worker(args) => commands::worker::worker(args, &settings).await,
        Command::Status(args) => commands::worker::status(args, &settings).await,
        Command::Admin(args) => commands::serve::admin(args, &settings),
        Command::User(args) => commands::users::run(args, &settings).await,
        Command::Extract(args) => commands::extract::run(args),
        Command::Cluster(args) => commands::cluster::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Migrate(args) => commands::migrate::run(args, &settings).await,
    }
}

/// `storyline stories | head` should end quietly when `head` closes the pipe, as other
/// command-line tools do, rather than panic on the failed write.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; restoring the
    // default disposition of SIGPIPE has no other effect on the process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_is_printed_once() {
        let inner = std::io::Error::other("(code: 26) file is not a database");
        let error = anyhow::Error::new(inner)
            .context("error returned from database: (code: 26) file is not a database")
            .context("cannot open the store at bad.db");
        assert_eq!(
            error_chain(&error),
            "cannot open the store at bad.db: error returned from database: (code: 26) file is not a database"
        );
    }
}
