//! `storyline migrate --from PATH --to URL`: copies a SQLite store into a new PostgreSQL
//! database, with a progress bar, and prints the rows of each table on both sides. The copy
//! is one transaction, kept only when every count agrees (`storyline_store::copy`); the
//! SQLite store is only read, so it may be the one a running storyline uses.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::ProgressStyle;
use storyline_store::{
    CopyProgress, CopyReport, Location, PgStore, SqliteStore, StoreError, copy_sqlite_to_postgres,
};

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SQLite store to copy (a file path, or `sqlite://PATH`). It is only read.
    #[arg(long, value_name = "PATH")]
    pub from: String,
    /// The PostgreSQL database to copy into (`postgres://user:password@host:port/database`).
    /// Its schema is created when missing; it must hold no storyline rows yet.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

pub async fn run(args: Args, _settings: &Settings) -> anyhow::Result<ExitCode> {
    let from = sqlite_path(&args.from)?;
    let to = postgres_url(&args.to)?;
    let source = SqliteStore::open(&from)
        .await
        .with_context(|| format!("cannot open the SQLite store at {}", from.display()))?;
    let target = PgStore::open(&to).await.with_context(|| {
        format!(
            "cannot open the PostgreSQL database {}",
            storyline_store::redact(&to)
        )
    })?;
    eprintln!(
        "copying {} into {}",
        from.display(),
        storyline_store::redact(&to)
    );

    // One bar per table: an article costs the copy many times what a mark does, so a rate
    // and an ETA over all rows would mislead.
    let bar = crate::progress::bar(0, true, "rows");
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {prefix:<17} {bar:30} {pos}/{len} rows · {per_sec} · ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let say = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
    };
    let (mut showing, mut reported) = ("", "");
    let mut on_progress = |step: CopyProgress| match step {
        CopyProgress::Counted { total } => say(format!("{total} rows to copy")),
        CopyProgress::Copied {
            table,
            table_done,
            table_total,
            ..
        } => {
            if table != showing {
                showing = table;
                bar.set_prefix(table);
                bar.set_length(table_total);
                bar.set_position(0);
                bar.reset_eta();
            }
            bar.set_position(table_done);
            if table_done == table_total && table != reported {
                reported = table;
                say(format!("{table}: {table_done} rows copied"));
            }
        }
        CopyProgress::Verifying => say("comparing counts…".into()),
        CopyProgress::Committing => say("committing…".into()),
    };
    let outcome = copy_sqlite_to_postgres(&source, &target, &mut on_progress).await;
    bar.finish_and_clear();
    source.close().await;
    target.close().await;

    match outcome {
        Ok(report) => {
            print!("{}", table_of(&report));
            let next: Vec<String> = report
                .next_keys
                .iter()
                .map(|(table, column, next)| format!("{table}.{column} {next}"))
                .collect();
            let secs = report.elapsed.as_secs_f64();
            println!(
                "copied {} rows in {secs:.1} s ({:.0} rows/s); every count agrees",
                report.rows_copied(),
                report.rows_copied() as f64 / secs.max(0.001)
            );
            println!("new rows continue at {}", next.join(", "));
            if report.nuls_stripped() > 0 {
                println!(
                    "{} text values held NUL characters, which PostgreSQL cannot store: copied without them",
                    report.nuls_stripped()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::CopyUnverified { report }) => {
            print!("{}", table_of(&report));
            Err(StoreError::CopyUnverified { report }.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// `--from`: an existing SQLite file (a URL of a database server is not one).
fn sqlite_path(value: &str) -> anyhow::Result<PathBuf> {
    match Location::parse(value).context("--from")? {
        Location::Sqlite(path) if path.is_file() => Ok(path),
        Location::Sqlite(path) => anyhow::bail!(
            "--from: no SQLite store at {} (name the storyline.db file to copy)",
            path.display()
        ),
        Location::Postgres(url) => anyhow::bail!(
            "--from: {} is a PostgreSQL database; --from names the SQLite store to copy",
            storyline_store::redact(&url)
        ),
    }
}

/// `--to`: a postgres:// URL (a file path is not one).
fn postgres_url(value: &str) -> anyhow::Result<String> {
    match Location::parse(value).context("--to")? {
        Location::Postgres(url) => Ok(url),
        Location::Sqlite(path) => anyhow::bail!(
            "--to: {} is a file path; --to names the PostgreSQL database to copy into \
             (postgres://user@host:port/database)",
            path.display()
        ),
    }
}

/// The rows of each table on both sides, one line each.
fn table_of(report: &CopyReport) -> String {
    let width = report
        .tables
        .iter()
        .map(|t| t.table.len())
        .max()
        .unwrap_or(5)
        .max("table".len());
    let mut out = format!(
        "{:<width$}  {:>10}  {:>10}\n",
        "table", "sqlite", "postgres"
    );
    let mut derived_heading = false;
    for t in &report.tables {
        if t.derived && !derived_heading {
            derived_heading = true;
            out.push_str("derived (built by PostgreSQL, compared with SQLite's):\n");
        }
        let mark = if t.agrees { "" } else { "  differs" };
        out.push_str(&format!(
            "{:<width$}  {:>10}  {:>10}{mark}\n",
            t.table, t.source, t.target
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_is_a_file_and_to_is_a_postgres_url() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("store.db");
        std::fs::write(&file, b"").unwrap();
        let path = file.display().to_string();
        assert_eq!(sqlite_path(&path).unwrap(), file);
        let missing = dir.path().join("missing.db").display().to_string();
        assert!(
            sqlite_path(&missing)
                .unwrap_err()
                .to_string()
                .contains("no SQLite store")
        );
        assert!(sqlite_path("postgres://u:pw@h/db").is_err());
        assert_eq!(
            postgres_url("postgresql://u@h:5/db").unwrap(),
            "postgresql://u@h:5/db"
        );
        assert!(postgres_url(&path).is_err());
        let mysql = format!(
            "{:#}",
            postgres_url("mysql://root:secret@x/db").unwrap_err()
        );
        assert!(mysql.contains("mysql://"), "{mysql}");
        assert!(!mysql.contains("secret"), "{mysql}");
    }
}
