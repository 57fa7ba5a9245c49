//! storyline-extract
