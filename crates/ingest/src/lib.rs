//! Ingest stage: where raw documents come from (files, feeds, sitemaps, pages) and how they are
//! fetched politely and safely.
//!
//! - [`files`]: articles from files and folders.
//! - [`fetch`]: the shared HTTP [`fetch::Fetcher`] with its SSRF guard, robots.txt, politeness,
//!   retries and charset decoding.
//! - [`sources`]: feed, sitemap and page formats parsed into plain [`sources::FeedItem`]s.
//! - [`markup`]: a lenient tag scanner for broken OPML and HTML heads.

pub mod fetch;
pub mod files;
pub mod markup;
pub mod sources;
