//! Ingest stage: where raw documents come from (files, feeds, sitemaps, pages) and how they are
//! fetched politely and safely.
//!
//! - [`files`]: articles from files and folders.
//! - [`fetch`]: the shared HTTP [`fetch::Fetcher`] with its SSRF guard, robots.txt, politeness,
//!   retries.
//! - [`sources`]: feed, sitemap and page formats parsed into plain [`sources::FeedItem`]s.
//! - [`markup`]: a lenient tag scanner for broken OPML and HTML heads.
//! - [`opml`]: subscription lists in and out.
//! - [`poll`]: one poll of one source, with adaptive scheduling and backoff ([`poll::SourceState`]).
//! - [`article`]: full text for summary-only items (fetch the page, run extract, merge).
//! - [`images`]: the content-addressed lead-image cache.

pub mod article;
pub mod fetch;
pub mod files;
pub mod images;
pub mod markup;
pub mod opml;
pub mod poll;
pub mod sources;

/// Bytes from any input decoded to UTF-8 by one rule (the extract stage's), binary refused.
pub use storyline_extract::charset;
