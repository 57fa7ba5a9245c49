//! Analysis stage of storyline: from an extracted article to its place in the news.
//! Nothing here does I/O; every function is deterministic for a given input and configuration.

pub mod cluster;
pub mod fasthash;
pub mod judge;
pub mod syndication;
pub mod text;

pub use cluster::{ClusterConfig, ClusterDoc, Placement, RelatedStory, StoryClusterer, StoryEvent};
