//! Errors of the search index.

use std::path::{Path, PathBuf};

use storyline_store::StoreError;

pub type SearchResult<T> = Result<T, SearchError>;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: reading the store: {0}")]
    Store(#[from] StoreError),
    #[error("search index: {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search index written by another version: {0}")]
    Format(String),
    #[error(
        "the search index is written by another storyline process; stop it (or let it do this)"
    )]
    Busy,
    #[error("search index: a writer panicked")]
    Poisoned,
    #[error("search index: background task failed: {0}")]
    Task(String),
}

impl SearchError {
    /// A failure to reach the files (permissions, a missing disk), as opposed to files
    /// that hold something unreadable: the index is then not set aside.
    pub(crate) fn is_access(&self) -> bool {
        let io_kind = match self {
            Self::Io { source, .. } => Some(source.kind()),
            Self::Index(tantivy::TantivyError::IoError(e)) => Some(e.kind()),
            Self::Busy => return true,
            _ => None,
        };
        matches!(
            io_kind,
            Some(std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
        )
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        Self::Index(e.into())
    }
}
