//! storyline-analyze
