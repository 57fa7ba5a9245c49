//! Ingest stage: where raw documents come from (files, feeds, sitemaps, pages) and how they are
//! fetched politely and safely.

pub mod files;
