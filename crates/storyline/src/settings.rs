//! Where storyline keeps its files, and how it logs. Resolved once at start-up from flags and
//! environment, so the rest of the program never looks at either.

use std::path::{Path, PathBuf};

use anyhow::Context;
use storyline_model::Keyring;
use storyline_store::Location;

/// Paths resolved from flags, environment and platform defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// The store, or why `--db` names none (said by the commands that need a store).
    db: Result<Location, String>,
}

impl Settings {
    /// `--data-dir`/`STORYLINE_DATA`, else the platform data directory (`~/.local/share/storyline`);
    /// `--db`/`STORYLINE_DB` (an SQLite file or a `postgres://` URL), else
    /// `<data dir>/storyline.db`.
    pub fn resolve(db: Option<String>, data_dir: Option<PathBuf>) -> Self {
        let data_dir = data_dir.unwrap_or_else(|| {
            dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("storyline")
        });
        let db = match db {
            Some(value) => Location::parse(&value).map_err(|e| e.to_string()),
            None => Ok(Location::Sqlite(data_dir.join("storyline.db"))),
        };
        Self { data_dir, db }
    }

    /// Settings for a self-contained directory (the demo, tests).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            data_dir: dir.to_path_buf(),
            db: Ok(Location::Sqlite(dir.join("storyline.db"))),
        }
    }

    /// The store `--db` names.
    pub fn db(&self) -> anyhow::Result<&Location> {
        self.db
            .as_ref()
            .map_err(|reason| anyhow::anyhow!("{reason}"))
    }

    /// The search index's folder. Beside an SQLite store, named after it (`storyline.search`);
    /// for a PostgreSQL store, in the data folder, named after the server and database (each
    /// machine keeps its own index of the shared store).
    pub fn search_index(&self) -> anyhow::Result<PathBuf> {
        Ok(match self.db()? {
            Location::Sqlite(path) => path.with_extension("search"),
            Location::Postgres(url) => self.data_dir.join(format!("{}.search", index_name(url))),
        })
    }

    /// The keyring for `secured` values (generated on first use, mode 0600).
    pub fn keyring(&self) -> anyhow::Result<Keyring> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data directory {}", self.data_dir.display()))?;
        crate::keyfile::load(
            &self.data_dir,
            crate::keyfile::key_from_environment().as_deref(),
        )
        .with_context(|| {
            format!(
                "cannot load the key for secured fields from {}",
                self.data_dir.display()
            )
        })
    }
}

impl Settings {
    /// The user's topic taxonomy (`<data dir>/taxonomy.toml`), when they keep one.
    pub fn taxonomy(&self) -> anyhow::Result<Option<storyline_analyze::judge::Taxonomy>> {
        let path = self.data_dir.join("taxonomy.toml");
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let taxonomy = storyline_analyze::judge::Taxonomy::from_toml(&text)
            .with_context(|| format!("bad taxonomy in {}", path.display()))?;
        Ok(Some(taxonomy))
    }

    /// The pipeline configuration for this installation.
    pub fn pipeline_config(&self) -> anyhow::Result<storyline_pipeline::PipelineConfig> {
        Ok(storyline_pipeline::PipelineConfig {
            taxonomy: self.taxonomy()?,
            ..storyline_pipeline::PipelineConfig::default()
        })
    }
}

/// A folder name for the index of the PostgreSQL database at `url`: its host, port and
/// database, without user or password, in characters any file system takes.
fn index_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split_once('?').map_or(rest, |(base, _)| base);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let name: String = rest
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("postgres-{}", name.trim_matches('_'))
}

/// The development sets: `--datasets`, else `STORYLINE_DATASETS`, else `../shared/datasets`
/// next to the repository (found from the working directory or the source tree).
pub fn datasets_dir(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(dir) =
        explicit.or_else(|| std::env::var_os("STORYLINE_DATASETS").map(PathBuf::from))
    {
        return dir;
    }
    let candidates = [
        PathBuf::from("../shared/datasets"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
    ];
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}

/// Logs go to stderr through `tracing`; `RUST_LOG` overrides the level.
pub fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info,sqlx=warn",
        (false, 2) => "debug,sqlx=info",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_is_not_a_file_and_an_unknown_scheme_is_refused() {
        let dir = PathBuf::from("/tmp/data");
        let pg = Settings::resolve(
            Some("postgres://news:secret@db.example:5433/wire?sslmode=require".into()),
            Some(dir.clone()),
        );
        assert!(pg.db().unwrap().is_postgres());
        let index = pg.search_index().unwrap();
        assert_eq!(index, dir.join("postgres-db.example_5433_wire.search"));
        let refused = Settings::resolve(Some("mysql://root@h/db".into()), Some(dir.clone()));
        let message = refused.db().unwrap_err().to_string();
        assert!(message.contains("mysql://"), "{message}");
        let file = Settings::resolve(None, Some(dir.clone()));
        assert_eq!(
            file.db().unwrap(),
            &Location::Sqlite(dir.join("storyline.db"))
        );
        assert_eq!(file.search_index().unwrap(), dir.join("storyline.search"));
    }
}
