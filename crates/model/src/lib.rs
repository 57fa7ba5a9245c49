//! storyline-model
