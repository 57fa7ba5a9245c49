//! Search for storyline: a tantivy index derived from the store.
//!
//! The store stays the source of truth; the index is fed from its change log
//! ([`SearchIndex::catch_up`]), can be rebuilt from it at any time
//! ([`SearchIndex::rebuild`]) and is made anew when it cannot be read. A search
//! ([`SearchIndex::search`]) ranks with BM25 over title, excerpt and body (the title
//! weighted most) blended with recency, filters by topic, provider, dates, category and
//! language, groups results by story, and returns snippets with the matched words marked
//! and counts per topic and provider.

mod analysis;
mod error;
mod index;
mod query;
mod search;
mod segments;
mod snippet;

pub use error::{SearchError, SearchResult};
pub use index::{Applied, Follower, SearchIndex};
pub use query::UserQuery;
pub use search::{Facets, SearchHit, SearchQuery, SearchResults};
