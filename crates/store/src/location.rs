//! Where a store lives, as a `--db` names it: a file path (SQLite), `sqlite://PATH`, or a
//! `postgres://` / `postgresql://` URL. Any other `scheme://` is refused, so a URL of a
//! database storyline does not speak is never taken for a file name.

use std::path::PathBuf;

use crate::error::{StoreError, StoreResult};

/// A store's location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL.
    Postgres(String),
}

impl Location {
    /// Reads a `--db` value.
    pub fn parse(value: &str) -> StoreResult<Self> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(StoreError::Location {
                value: value.to_string(),
                reason: "it is empty".into(),
            });
        }
        let Some(scheme) = url_scheme(trimmed) else {
            return Ok(Self::Sqlite(PathBuf::from(value)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Ok(Self::Postgres(trimmed.to_string())),
            "sqlite" => {
                let path = &trimmed[scheme.len() + 3..];
                if path.is_empty() {
                    return Err(StoreError::Location {
                        value: value.to_string(),
                        reason: "sqlite:// names no file".into(),
                    });
                }
                Ok(Self::Sqlite(PathBuf::from(path)))
            }
            _ => Err(StoreError::Location {
                value: crate::postgres::redact(trimmed),
                reason: format!(
                    "`{scheme}://` is not a database storyline can use; give a file path \
                     (SQLite) or a postgres:// URL"
                ),
            }),
        }
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => f.write_str(&crate::postgres::redact(url)),
        }
    }
}

/// The scheme of `value` when it starts like a URL (`letters://`).
fn url_scheme(value: &str) -> Option<&str> {
    let (scheme, _) = value.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_urls_and_unknown_schemes() {
        assert_eq!(
            Location::parse("data/storyline.db").unwrap(),
            Location::Sqlite("data/storyline.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/x.db").unwrap(),
            Location::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            Location::parse("postgres://user@127.0.0.1:5432/db").unwrap(),
            Location::Postgres("postgres://user@127.0.0.1:5432/db".into())
        );
        assert!(Location::parse("PostgreSQL://h/db").unwrap().is_postgres());
        let refused = Location::parse("mysql://root:secret@db/news")
            .unwrap_err()
            .to_string();
        assert!(refused.contains("mysql://"), "{refused}");
        assert!(!refused.contains("secret"), "{refused}");
        assert!(Location::parse("  ").is_err());
        assert!(Location::parse("sqlite://").is_err());
        // A Windows-like or odd path stays a path.
        assert!(matches!(
            Location::parse("C:\\news.db").unwrap(),
            Location::Sqlite(_)
        ));
        assert!(matches!(
            Location::parse("./a://b").unwrap(),
            Location::Sqlite(_)
        ));
    }

    #[test]
    fn passwords_are_left_out_of_messages() {
        assert_eq!(
            Location::parse("postgres://u:pw@h:5/d?sslmode=require")
                .unwrap()
                .to_string(),
            "postgres://u:***@h:5/d?sslmode=require"
        );
    }
}
