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
//!
//! ```
//! use storyline_model::{Keyring, Record};
//!
//! let text = "---\ntitle: \"Ferry timetable changes\"\nheat: 4\n---\n\nFerries leave hourly.\n";
//! let record = Record::parse(text, "ferry.txt")?;
//! assert_eq!(record.to_text(), text); // untouched records write back byte for byte
//!
//! let keyring = Keyring::generate()?; // or Keyring::from_base64_lines(text, "key file")
//! let mut article = record.to_article(Some(&keyring))?;
//! assert_eq!(article.body, "Ferries leave hourly.\n");
//! article.heat = 40;
//! article.provenance.feed_url = Some("https://example.org/feed?token=x".into());
//! let written = Record::from_article(&article, &record.related(), Some(&keyring))?;
//! let back = Record::parse(&written.to_text(), "ferry.txt")?.to_article(Some(&keyring))?;
//! assert_eq!(back, article);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod article;
pub mod record;
pub mod secured;
pub mod story;

pub use article::{Article, Coverage, Image, Provenance, Provider, article_id};
pub use record::{Record, RecordError};
pub use secured::{Keyring, SecuredError};
pub use story::{Story, StoryLink};
