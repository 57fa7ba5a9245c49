//! Writing the front-matter tree back to text.
//!
//! Parsed scalars are written from their source text; new ones in their style, double-quoted
//! with escapes whenever plain would not read back as the same text. Block collections are
//! indented two columns under their key (or at the column they were parsed at), list items as
//! `- ` lines, the first field of a list item on the dash line — the layout of the seeds.

use std::fmt::Write as _;

use super::tree::{Mapping, Node, Scalar, ScalarStyle, Sequence};

/// Words that a YAML reader (1.1 or 1.2) would not take as text when unquoted.
const RESERVED_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// Whether `c` must be escaped in a double-quoted scalar (outside YAML's printable set, a line
/// break, or a byte-order mark).
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        | '\u{fffe}' | '\u{ffff}')
}

/// Whether `text` may be written unquoted and still read back (by us or any YAML reader) as
/// this same text. Conservative: starts with a letter, no indicator or control characters, no
/// `: ` or ` #`, not a reserved word.
pub(crate) fn is_plain_text(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && text.trim() == text
        && !text.chars().any(|c| {
            needs_escape(c)
                || matches!(
                    c,
                    '{' | '}'
                        | '['
                        | ']'
                        | ','
                        | '&'
                        | '*'
                        | '!'
                        | '|'
                        | '>'
                        | '\''
                        | '"'
                        | '%'
                        | '@'
                        | '`'
                        | '#'
                        | '\\'
                )
        })
        && !text.contains(": ")
        && !text.ends_with(':')
        && !RESERVED_WORDS.contains(&text.to_ascii_lowercase().as_str())
}

/// Whether `text` is safe unquoted as a typed value (number, boolean, date, null).
fn is_plain_typed(text: &str) -> bool {
    if text.is_empty() || text.parse::<i64>().is_ok() {
        return true;
    }
    let starts_well = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '~');
    starts_well
        && !text.ends_with(':')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | ':' | '.' | '~'))
}

/// `text` as a double-quoted YAML scalar.
pub(crate) fn double_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if needs_escape(c) => {
                let code = u32::from(c);
                if code <= 0xff {
                    let _ = write!(out, "\\x{code:02x}");
                } else {
                    let _ = write!(out, "\\u{code:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a single-quoted YAML scalar (only for text without line breaks or controls).
fn single_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The text written for a scalar (without the space after `key:`).
pub(crate) fn render_scalar(scalar: &Scalar) -> String {
    let text = scalar.text();
    match scalar.style() {
        ScalarStyle::Plain if is_plain_typed(text) || is_plain_text(text) => text.to_owned(),
        ScalarStyle::SingleQuoted if !text.chars().any(needs_escape) => single_quote(text),
        _ => double_quote(text),
    }
}

/// Writes a whole front matter (its top-level mapping) to `out`, each line ended by `newline`.
pub(crate) fn write_front_matter(out: &mut String, mapping: &Mapping, newline: &str) {
    let mut writer = Writer { out, newline };
    writer.mapping(mapping, 0, None);
}

struct Writer<'a> {
    out: &'a mut String,
    newline: &'a str,
}

impl Writer<'_> {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push_str(self.newline);
    }

    fn spaces(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Writes `mapping` with keys at `column`; when `dash` is set the first entry goes on a list
    /// item's dash line (the dash at that column).
    fn mapping(&mut self, mapping: &Mapping, column: usize, dash: Option<usize>) {
        for (i, entry) in mapping.entries.iter().enumerate() {
            for l in &entry.leading {
                self.line(l);
            }
            match (i, dash) {
                (0, Some(dash_col)) => {
                    self.spaces(dash_col);
                    self.out.push('-');
                    self.spaces(column.saturating_sub(dash_col + 1).max(1));
                }
                _ => self.spaces(column),
            }
            match &entry.key_raw {
                Some(raw) => self.out.push_str(raw),
                None if is_plain_text(entry.key()) => self.out.push_str(entry.key()),
                None => self.out.push_str(&double_quote(entry.key())),
            }
            self.out.push(':');
            self.value_after_indicator(&entry.value, &entry.suffix, column, true);
        }
    }

    /// Writes what follows `key:` or `-`: an inline scalar or flow list, or a newline and a
    /// block collection indented under `column`.
    fn value_after_indicator(&mut self, node: &Node, suffix: &str, column: usize, under_key: bool) {
        match node {
            Node::Scalar(s) => {
                match s.raw() {
                    Some(raw) => self.out.push_str(raw),
                    None => {
                        let text = render_scalar(s);
                        if !text.is_empty() {
                            self.out.push(' ');
                            self.out.push_str(&text);
                        }
                    }
                }
                self.line("");
            }
            Node::Mapping(m) if m.is_empty() => {
                self.out.push_str(m.empty_raw.as_deref().unwrap_or(" {}"));
                self.line(suffix);
            }
            Node::Sequence(s) if s.flow_raw.as_ref().is_some_and(|raw| raw.1 == s.items) => {
                if let Some(raw) = &s.flow_raw {
                    self.out.push_str(&raw.0);
                }
                self.line(suffix);
            }
            Node::Sequence(s) if s.is_empty() => {
                self.out.push_str(" []");
                self.line(suffix);
            }
            Node::Sequence(s)
                if s.flow && s.items.iter().all(|i| matches!(i.value, Node::Scalar(_))) =>
            {
                let items: Vec<String> = s
                    .items
                    .iter()
                    .filter_map(|i| i.value.as_scalar())
                    .map(|sc| match sc.raw() {
                        Some(raw) => raw.trim().to_owned(),
                        None => render_scalar(sc),
                    })
                    .collect();
                self.out.push_str(" [");
                self.out.push_str(&items.join(", "));
                self.out.push(']');
                self.line(suffix);
            }
            Node::Mapping(m) => {
                self.line(suffix);
                let col = m.column.filter(|&c| c > column).unwrap_or(column + 2);
                self.mapping(m, col, None);
            }
            Node::Sequence(s) => {
                self.line(suffix);
                let min = if under_key { column } else { column + 1 };
                let col = s.column.filter(|&c| c >= min).unwrap_or(column + 2);
                self.sequence(s, col);
            }
        }
    }

    fn sequence(&mut self, seq: &Sequence, column: usize) {
        for item in &seq.items {
            for l in &item.leading {
                self.line(l);
            }
            match (&item.value, &item.own_line_suffix) {
                (Node::Mapping(m), None) if !m.is_empty() => {
                    // The first field's leading lines go before the dash line.
                    let col = m.column.filter(|&c| c > column + 1).unwrap_or(column + 2);
                    self.mapping(m, col, Some(column));
                }
                (value, suffix) => {
                    self.spaces(column);
                    self.out.push('-');
                    let suffix = suffix.as_deref().unwrap_or("");
                    self.value_after_indicator(value, suffix, column, false);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_rejects_what_yaml_would_read_otherwise() {
        for ok in [
            "news",
            "Business Times",
            "AI",
            "businesstimes.com.sg",
            "Benzinga.com",
            "Zürich",
        ] {
            assert!(is_plain_text(ok), "{ok}");
        }
        for quoted in [
            "",
            "true",
            "No",
            "null",
            "~",
            "37",
            "-1",
            "2024-03-05",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "ends:",
            "#tag",
            "[x",
            "- x",
            "\"q\"",
            "line\nbreak",
            "tab\t",
            "& anchor",
            "back\\slash",
        ] {
            assert!(!is_plain_text(quoted), "{quoted:?}");
        }
    }

    #[test]
    fn double_quote_escapes_quotes_backslashes_and_controls() {
        assert_eq!(double_quote("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(double_quote("x\ny\u{1}\u{2028}"), r#""x\ny\x01\L""#);
    }

    #[test]
    fn typed_plain_scalars_stay_plain_and_odd_ones_are_quoted() {
        assert_eq!(render_scalar(&Scalar::typed("-1")), "-1");
        assert_eq!(
            render_scalar(&Scalar::typed("2024-03-05T07:42:00Z")),
            "2024-03-05T07:42:00Z"
        );
        assert_eq!(render_scalar(&Scalar::typed("a: b")), "\"a: b\"");
    }
}
