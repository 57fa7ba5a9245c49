//! storyline-server
