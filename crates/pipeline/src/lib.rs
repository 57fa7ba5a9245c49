//! storyline's conductor, shared by the command line, the server and worker processes.
//!
//! Data flows one way: a source's documents become [`Incoming`] articles ([`intake`] for
//! files, [`web`] for fetched feed items and pages), the [`Pipeline`] takes each through
//! deduplication, clustering and judging into the store, and [`summary`] is the one rule for
//! a story's summary row (its lead, topics, counts and heat), used by ingest and by editorial
//! merges and splits alike.
//!
//! Around the conductor sit the concurrent stages of a round ([`round`]): one [`scheduler`]
//! serves feed polls, page fetches and images from every host at once within each host's
//! politeness; extraction runs on a CPU pool ([`cpu`]) sized to the machine; one writer
//! clusters and commits in arrival order. Bounded queues sit between the stages, so a slow
//! stage slows its feeders instead of growing memory. [`files`] runs folders of files through
//! the same extraction pool and writer, keeping input order.

pub mod brief;
pub mod conductor;
pub mod cpu;
pub mod files;
pub mod intake;
pub mod round;
pub mod scheduler;
pub mod summary;
pub mod web;
pub mod worker;

pub use conductor::{Outcome, Pipeline, PipelineConfig, Prepared, Preparer, content_hash};
pub use intake::{Incoming, IntakeError, UNKNOWN_PROVIDER};

/// Why the pipeline could not go on (bad input is an [`Outcome::Skipped`], not an error).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store failed; what was committed before stays committed.
    #[error("store: {0}")]
    Store(#[from] storyline_store::StoreError),
    /// The private part of an article could not be sealed.
    #[error("cannot seal the private part of article {id}: {source}")]
    Seal {
        id: String,
        #[source]
        source: storyline_model::SecuredError,
    },
    /// A stage stopped unexpectedly (a task panicked or a queue closed early).
    #[error("{0}")]
    Stage(String),
}

/// The pipeline's result type.
pub type Result<T, E = PipelineError> = std::result::Result<T, E>;
