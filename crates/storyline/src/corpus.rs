//! The bundled sample corpus (the repository's `corpus/` folder, compiled into the binary):
//! fictional outlets and events, in all three input formats, with story labels. `demo`
//! ingests it; tests and `eval cluster` score against its labels.

use std::path::{Path, PathBuf};

use anyhow::Context;
use include_dir::{Dir, include_dir};

static CORPUS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../corpus");

/// Where the corpus sits in the source tree (for `eval cluster`, which reads labels beside it).
pub fn source_dir() -> PathBuf {
    let in_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    if in_tree.is_dir() {
        in_tree
    } else {
        PathBuf::from("corpus")
    }
}

/// Writes the embedded corpus into `dir` and returns the folders holding articles.
pub fn unpack(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    CORPUS
        .extract(dir)
        .with_context(|| format!("cannot unpack the sample corpus into {}", dir.display()))?;
    Ok(["records", "text", "html"]
        .iter()
        .map(|sub| dir.join(sub))
        .filter(|p| p.is_dir())
        .collect())
}
