//! Errors of the record codec: what went wrong ([`Problem`]) and where ([`RecordError`]: the
//! origin file, the line and the field), printed as `origin:line: field: problem`.

use std::fmt;

use crate::secured::SecuredError;

/// What is wrong with a record.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("the file is empty")]
    Empty,
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("a record starts with a `---` line")]
    MissingOpening,
    #[error("no closing `---` line after the front matter")]
    MissingClosing,
    #[error("line ends in LF alone where the record's lines end in CRLF (mixed line endings)")]
    MixedLineEndings,
    #[error("tab in indentation (indent with spaces)")]
    TabIndent,
    #[error("control character U+{0:04X} in the front matter")]
    ControlChar(u32),
    #[error("unexpected indentation")]
    UnexpectedIndent,
    #[error("expected `field: value`, found {0:?}")]
    ExpectedField(String),
    #[error("a list item where a field was expected")]
    UnexpectedItem,
    #[error("field appears twice")]
    DuplicateField,
    #[error(
        "quoted value has no closing quote on its line (multi-line quoted values are not supported)"
    )]
    Unterminated,
    #[error("unexpected text after the value: {0:?}")]
    TrailingText(String),
    #[error("invalid escape {0:?} in a double-quoted value")]
    BadEscape(String),
    #[error("unquoted value contains `: ` or ends with `:`; quote it")]
    PlainColon,
    #[error("{0} are not supported in records")]
    Unsupported(&'static str),
    #[error("nested more than {0} levels deep")]
    TooDeep(usize),
    #[error("longer than {limit} {unit} ({found})")]
    TooLong {
        limit: usize,
        found: usize,
        unit: &'static str,
    },
    #[error("more than {limit} {what}")]
    TooMany { limit: usize, what: &'static str },
    #[error("missing")]
    MissingField,
    #[error("expected {expected}, found {found}")]
    WrongType {
        expected: &'static str,
        found: String,
    },
    #[error("{value} is out of range ({min} to {max})")]
    OutOfRange { value: i64, min: i64, max: i64 },
    #[error("invalid RFC 3339 date {0:?}")]
    InvalidDate(String),
    #[error("{0}")]
    Secured(#[source] SecuredError),
}

/// A record that could not be read or written: where, and what.
#[derive(Debug)]
pub struct RecordError {
    /// The file (or other origin) of the record.
    pub origin: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field, as a path (`related[1].quality`), when known.
    pub field: Option<String>,
    pub problem: Problem,
}

impl RecordError {
    pub(crate) fn new(origin: &str, line: usize, field: Option<&str>, problem: Problem) -> Self {
        Self {
            origin: origin.to_owned(),
            line: (line > 0).then_some(line),
            field: field.map(str::to_owned),
            problem,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_origin_line_and_field() {
        let err = RecordError::new(
            "seeds/x.txt",
            5,
            Some("publishedDateTime"),
            Problem::InvalidDate("2024-13-01".into()),
        );
        assert_eq!(
            err.to_string(),
            r#"seeds/x.txt:5: publishedDateTime: invalid RFC 3339 date "2024-13-01""#
        );
        let err = RecordError::new("a.txt", 0, None, Problem::Empty);
        assert_eq!(err.to_string(), "a.txt: the file is empty");
    }
}
