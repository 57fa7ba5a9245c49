//! storyline-model: the plain domain types every other storyline crate shares.
//!
//! - [`article`]: [`Article`], [`Provider`], [`Image`], [`Provenance`], [`Coverage`] and
//!   [`article_id`], the stable id of a piece of coverage.
//! - [`record`]: the front-matter record codec ([`Record`]: parse, write, convert).
//! - [`secured`]: the `secured` envelope ([`Keyring`], [`secured::seal`], [`secured::open`]).
//! - [`story`]: [`Story`] (a cluster of coverage) and [`StoryLink`] (two related stories).
//!
//! This crate depends on no other storyline crate and does no I/O except the key file of the
//! `secured` envelope.

pub mod article;
pub mod record;
pub mod secured;
pub mod story;

pub use article::{Article, Coverage, Image, Provenance, Provider, article_id};
pub use record::{Record, RecordError};
pub use secured::{Keyring, SecuredError};
pub use story::{Story, StoryLink};
