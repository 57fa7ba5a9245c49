//! storyline-ingest
