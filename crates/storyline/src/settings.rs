//! Where storyline keeps its files, and how it logs. Resolved once at start-up from flags and
//! environment, so the rest of the program never looks at either.

use std::path::{Path, PathBuf};

use anyhow::Context;
use storyline_model::Keyring;

/// Paths resolved from flags, environment and platform defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub db: PathBuf,
}

impl Settings {
    /// `--data-dir`/`STORYLINE_DATA`, else the platform data directory (`~/.local/share/storyline`);
    /// `--db`/`STORYLINE_DB`, else `<data dir>/storyline.db`.
    pub fn resolve(db: Option<PathBuf>, data_dir: Option<PathBuf>) -> Self {
        let data_dir = data_dir.unwrap_or_else(|| {
            dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("storyline")
        });
        let db = db.unwrap_or_else(|| data_dir.join("storyline.db"));
        Self { data_dir, db }
    }

    /// Settings for a self-contained directory (the demo, tests).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            data_dir: dir.to_path_buf(),
            db: dir.join("storyline.db"),
        }
    }

    /// The search index's folder: beside the store, named after it (`storyline.search`).
    pub fn search_index(&self) -> PathBuf {
        self.db.with_extension("search")
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
