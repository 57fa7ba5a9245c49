//! Errors of the storage layer.

use thiserror::Error;

/// Result alias for store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// What can go wrong while storing or reading.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database could not be opened or created.
    #[error("cannot open database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed; the database is left at the previous version.
    #[error("migration {version} failed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    /// A store opened for reading only is of another schema version than this storyline's.
    #[error(
        "the store at {path} has schema version {found} and this storyline reads {known}: open it once with write access to upgrade it (or use the storyline that wrote it)"
    )]
    NotCurrent {
        path: String,
        found: i64,
        known: i64,
    },
    /// The database was written by a newer storyline.
    #[error("database schema version {found} is newer than this storyline understands ({known})")]
    TooNew { found: i64, known: i64 },
    /// A query failed.
    #[error("{context}: {source}")]
    Query {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// A stored value could not be decoded.
    #[error("corrupt value in {context}: {message}")]
    Corrupt {
        context: &'static str,
        message: String,
    },
    /// Another process holds the store's writer lock (one clusterer per store).
    #[error(
        "another storyline process is writing to this store ({holder}); wait for it to finish or stop it (reading and serving go on meanwhile)"
    )]
    WriterBusy { holder: String },
    /// A `--db` value names no store storyline can open.
    #[error("cannot use {value:?} as a store: {reason}")]
    Location { value: String, reason: String },
    /// A copy's target database already holds a store (see `copy_sqlite_to_postgres`).
    #[error(
        "the database {target} already holds a storyline store ({holds}); copy into a new, empty database"
    )]
    TargetNotEmpty { target: String, holds: String },
    /// Copying a store into another failed; the target was left as it was.
    #[error("copying {table}: {reason}")]
    Copy { table: &'static str, reason: String },
    /// A copy's counts disagreed, so it was rolled back and the target left as it was.
    #[error(
        "the copy did not verify, so nothing was kept: {}",
        .report.mismatches.join("; ")
    )]
    CopyUnverified {
        report: Box<crate::copy::CopyReport>,
    },
    /// A filesystem operation around the database failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// Adds a context label to sqlx errors.
pub(crate) trait QueryContext<T> {
    fn ctx(self, context: &'static str) -> StoreResult<T>;
}

impl<T> QueryContext<T> for Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> StoreResult<T> {
        self.map_err(|source| StoreError::Query { context, source })
    }
}
