//! storyline-store
