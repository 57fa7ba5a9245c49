//! The record: one article as a text file, YAML front matter between `---` lines, then a body.
//!
//! [`Record::parse`] reads a record into a [`Mapping`] tree that remembers field order, blank
//! lines, comments and each value's exact source text, so [`Record::to_text`] writes an
//! untouched record back byte for byte and unknown fields survive, in place. The parser is our
//! own, line-based, for the YAML subset records use (see [`parse`]); it refuses what it does not
//! model with an error naming the file, line and field, rather than guessing.
//!
//! Conversion to and from the domain types lives in [`convert`]: [`Record::to_article`],
//! [`Record::from_article`], [`Record::apply_article`] (update in place) and
//! [`Record::related`]. The body of an [`crate::Article`] is the record body after the blank
//! separator line that follows the closing `---` (the seeds have one, with an empty body).
//!
//! Submodules: [`tree`] (the front-matter tree), [`parse`], [`write`](mod@write), [`convert`], [`error`].

pub mod convert;
pub mod error;
pub mod parse;
pub mod tree;
pub mod write;

use std::fmt;

pub use convert::{article_key, record_id};
pub use error::{Problem, RecordError};
pub use tree::{Entry, Item, Mapping, Node, Scalar, ScalarStyle, Sequence};

/// One parsed (or built) record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    origin: String,
    bom: bool,
    crlf: bool,
    front: Mapping,
    /// Blank and comment lines after the last field, before the closing `---`.
    trailing: Vec<String>,
    /// Whether a line break follows the closing `---`.
    closing_newline: bool,
    body: String,
}

impl Record {
    /// A record with the given front matter and body (everything after the closing `---`).
    pub fn new(origin: impl Into<String>, front: Mapping, body: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            bom: false,
            crlf: false,
            front,
            trailing: Vec::new(),
            closing_newline: true,
            body: body.into(),
        }
    }

    /// Parses a record read as bytes: invalid UTF-8 is an error naming its offset.
    pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Record, RecordError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::parse(text, origin),
            Err(e) => {
                let offset = e.valid_up_to();
                let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
                Err(RecordError::new(
                    origin,
                    line,
                    None,
                    Problem::NotUtf8 { offset },
                ))
            }
        }
    }

    /// Parses a record and checks its known fields (types, ranges, dates). `origin` names the
    /// record in errors (usually its path).
    pub fn parse(text: &str, origin: &str) -> Result<Record, RecordError> {
        let record = Self::parse_syntax(text, origin)?;
        record.check()?;
        Ok(record)
    }

    /// Parses a record's structure only, without checking its known fields.
    pub fn parse_syntax(text: &str, origin: &str) -> Result<Record, RecordError> {
        let err = |line, problem| RecordError::new(origin, line, None, problem);
        if text.is_empty() {
            return Err(err(0, Problem::Empty));
        }
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (first, mut rest) = text.split_once('\n').unwrap_or((text, ""));
        let crlf = match first {
            "---" => false,
            "---\r" => true,
            _ => return Err(err(1, Problem::MissingOpening)),
        };
        if !text.contains('\n') {
            return Err(err(1, Problem::MissingClosing));
        }
        let mut lines = Vec::new();
        let (closing_newline, body) = loop {
            if rest.is_empty() {
                return Err(err(1, Problem::MissingClosing));
            }
            let (line, after, had_newline) = match rest.split_once('\n') {
                Some((l, a)) => (l, a, true),
                None => (rest, "", false),
            };
            // A record keeps one line ending (its first line's), so that it is written back
            // byte for byte: a CRLF record with a bare LF line is refused, as an LF record
            // with a stray CR is (a control character).
            let line = match (crlf, had_newline) {
                (true, true) => line
                    .strip_suffix('\r')
                    .ok_or_else(|| err(lines.len() + 2, Problem::MixedLineEndings))?,
                _ => line,
            };
            if line == "---" {
                break (had_newline, after);
            }
            lines.push(line);
            rest = after;
        };
        let (front, trailing) = parse::parse_front_matter(origin, &lines, 2)?;
        Ok(Record {
            origin: origin.to_owned(),
            bom,
            crlf,
            front,
            trailing,
            closing_newline,
            body: body.to_owned(),
        })
    }

    /// Checks the known fields of the record, as [`Record::to_article`] and
    /// [`Record::try_related`] read them.
    pub fn check(&self) -> Result<(), RecordError> {
        self.to_article(None)?;
        self.try_related()?;
        Ok(())
    }

    /// The record as text: byte for byte what was parsed, for an unchanged record.
    pub fn to_text(&self) -> String {
        let newline = if self.crlf { "\r\n" } else { "\n" };
        let mut out = String::with_capacity(self.body.len() + 1024);
        if self.bom {
            out.push('\u{feff}');
        }
        out.push_str("---");
        out.push_str(newline);
        write::write_front_matter(&mut out, &self.front, newline);
        for line in &self.trailing {
            out.push_str(line);
            out.push_str(newline);
        }
        out.push_str("---");
        if self.closing_newline || !self.body.is_empty() {
            out.push_str(newline);
        }
        out.push_str(&self.body);
        out
    }

    /// Where the record came from (used in errors).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn set_origin(&mut self, origin: impl Into<String>) {
        self.origin = origin.into();
    }

    /// The front matter, in file order.
    pub fn front(&self) -> &Mapping {
        &self.front
    }

    pub fn front_mut(&mut self) -> &mut Mapping {
        &mut self.front
    }

    /// A top-level field of the front matter.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.front.get(key)
    }

    /// Everything after the closing `---` line, verbatim.
    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn set_body(&mut self, body: impl Into<String>) {
        self.body = body.into();
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crlf_record_with_a_bare_lf_line_is_refused_not_rewritten() {
        // Found by fuzzing: these parsed and were written back with CRLF everywhere.
        for (text, line) in [
            ("---\r\n---\n", 2),
            ("---\r\ntitle: x\n---\r\n", 2),
            ("---\r\ntitle: x\r\nheat: 1\n---\r\nbody\n", 3),
        ] {
            let err = Record::parse_syntax(text, "mixed").unwrap_err();
            assert!(
                matches!(err.problem, Problem::MixedLineEndings),
                "{text:?}: {err}"
            );
            assert_eq!(err.line, Some(line), "{text:?}");
        }
        // A file ending in `---\r` has no closing line (it was read as one and the CR lost).
        assert!(matches!(
            Record::parse_syntax("---\r\n---\r", "cr")
                .unwrap_err()
                .problem,
            Problem::MissingClosing
        ));
        // Bare LF and CR in the body are the body's own, kept verbatim.
        for text in [
            "---\r\ntitle: x\r\n---\r\nbody\nmore\r",
            "---\r\n---",
            "---\r\n---\r\n",
        ] {
            let record = Record::parse_syntax(text, "crlf").unwrap();
            assert_eq!(record.to_text(), text);
        }
    }

    #[test]
    fn flow_collections_are_written_back_as_written() {
        // Found by fuzzing: the spacing of `[a, b  ]` and `{ }`, and comments after them,
        // were normalized or dropped.
        for text in [
            "---\nauthors: [a, b  ]\n---\n",
            "---\nauthors:   [ a,b ,'c' ]   # who\n---\n",
            "---\ntopics: [ ] # none\nx: {  }  # empty\n---\n",
            "---\nlist:\n  - [a,b] # one\n  -  { } # two\n  - []\n---\n",
        ] {
            let record = Record::parse_syntax(text, "flow").unwrap();
            assert_eq!(record.to_text(), text);
            assert_eq!(
                Record::parse_syntax(&record.to_text(), "flow").unwrap(),
                record
            );
        }
        // A changed list is written in the usual layout.
        let mut record = Record::parse_syntax("---\ntopics: [ a,b ]\n---\n", "flow").unwrap();
        if let Some(Node::Sequence(list)) = record.front_mut().get_mut("topics") {
            list.push(Node::Scalar(Scalar::text_value("c")));
        }
        assert_eq!(record.to_text(), "---\ntopics: [a, b, c]\n---\n");
    }
}
