//! Parsing front matter into the tree: a line-based parser for the YAML subset records use.
//!
//! Supported: block mappings and lists (lists may sit at their key's column or deeper), plain,
//! `"double"` and `'single'` quoted scalars on one line, `# comments`, blank lines, flow lists
//! of scalars (`[a, "b"]`) and the empty `{}`. Refused with an error naming the line: tabs in
//! indentation, control characters, block scalars (`|`, `>`), anchors, aliases, tags, complex
//! keys, multi-line quoted scalars, nesting deeper than [`MAX_DEPTH`], a line longer than
//! [`MAX_LINE_BYTES`], a mapping of more than [`MAX_FIELDS`] fields, a list of more than
//! [`MAX_ITEMS`] items. Nothing here panics on any input, and the work is linear in its size.

use std::collections::HashSet;

use super::error::{Problem, RecordError};
use super::tree::{Entry, Item, Mapping, Node, Scalar, ScalarStyle, Sequence};

/// Deepest nesting of mappings and lists accepted.
pub const MAX_DEPTH: usize = 32;

/// Longest front-matter line (and so value) accepted. Records' values are headlines, URLs,
/// dates, short lists and sealed provenance, all far below this.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Most fields in one mapping (a record has a few dozen, unknown ones included).
pub const MAX_FIELDS: usize = 1_000;

/// Most items in one block list.
pub const MAX_ITEMS: usize = 10_000;

/// Parses the lines between the `---` lines. `first_line` is the 1-based file line of
/// `lines[0]`. Returns the top-level mapping and the blank/comment lines after its last entry.
pub(crate) fn parse_front_matter(
    origin: &str,
    lines: &[&str],
    first_line: usize,
) -> Result<(Mapping, Vec<String>), RecordError> {
    let mut parser = Parser {
        origin,
        lines,
        first_line,
        pos: 0,
        depth: 0,
    };
    for i in 0..lines.len() {
        parser.check_line(i)?;
    }
    let mapping = parser.mapping(0, None, "")?;
    let trailing = lines[parser.pos..]
        .iter()
        .map(|l| (*l).to_owned())
        .collect();
    Ok((mapping, trailing))
}

struct Parser<'a> {
    origin: &'a str,
    lines: &'a [&'a str],
    first_line: usize,
    pos: usize,
    depth: usize,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_trivia(line: &str) -> bool {
    let t = line.trim_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

fn is_dash_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ") || content.starts_with("-\t")
}

/// Whether what follows a value may end the line: nothing, spaces, or a spaced `# comment`.
fn is_clean_tail(tail: &str) -> bool {
    let t = tail.trim_start_matches([' ', '\t']);
    t.is_empty() || (t.starts_with('#') && t.len() < tail.len())
}

fn short(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Decodes a double-quoted scalar at the start of `t`; returns its text and the bytes used.
pub(crate) fn parse_double(t: &str) -> Result<(String, usize), Problem> {
    let mut out = String::new();
    let mut chars = t.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return Err(Problem::Unterminated);
                };
                let simple = match e {
                    '0' => Some('\0'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    't' | '\t' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\u{b}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    'e' => Some('\u{1b}'),
                    ' ' => Some(' '),
                    '"' => Some('"'),
                    '/' => Some('/'),
                    '\\' => Some('\\'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(s) = simple {
                    out.push(s);
                    continue;
                }
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    other => return Err(Problem::BadEscape(format!("\\{other}"))),
                };
                let mut hex = String::new();
                for _ in 0..digits {
                    match chars.next() {
                        Some((_, h)) if h.is_ascii_hexdigit() => hex.push(h),
                        _ => return Err(Problem::BadEscape(format!("\\{e}{hex}"))),
                    }
                }
                let decoded = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| Problem::BadEscape(format!("\\{e}{hex}")))?;
                out.push(decoded);
            }
            c => out.push(c),
        }
    }
    Err(Problem::Unterminated)
}

/// Decodes a single-quoted scalar at the start of `t`; returns its text and the bytes used.
fn parse_single(t: &str) -> Result<(String, usize), Problem> {
    let mut out = String::new();
    let mut chars = t.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
                out.push('\'');
            } else {
                return Ok((out, i + 1));
            }
        } else {
            out.push(c);
        }
    }
    Err(Problem::Unterminated)
}

/// A key and what follows its colon, when `content` is a `key: value` (or `key:`) line.
/// Returns the key, its text as written (up to the colon), and the rest.
fn split_key(content: &str) -> Option<(String, Option<String>, &str)> {
    let quoted = match content.chars().next()? {
        '"' => Some(parse_double(content).ok()?),
        '\'' => Some(parse_single(content).ok()?),
        _ => None,
    };
    if let Some((key, used)) = quoted {
        let after = &content[used..];
        let colon = used + (after.len() - after.trim_start_matches(' ').len());
        let rest = content[colon..].strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        return Some((key, Some(content[..colon].to_owned()), rest));
    }
    if content.starts_with(['#', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '?']) {
        return None;
    }
    let colon = match content.find(": ").or_else(|| content.find(":\t")) {
        Some(i) => i,
        None if content.ends_with(':') => content.len() - 1,
        None => return None,
    };
    let raw_key = &content[..colon];
    if raw_key.contains(" #") || raw_key.contains("\t#") {
        return None;
    }
    let key = raw_key.trim_end_matches(' ');
    if key.is_empty() {
        return None;
    }
    Some((
        key.to_owned(),
        Some(raw_key.to_owned()),
        &content[colon + 1..],
    ))
}

impl Parser<'_> {
    fn line_no(&self, i: usize) -> usize {
        self.first_line + i
    }

    fn err(&self, i: usize, field: &str, problem: Problem) -> RecordError {
        let field = (!field.is_empty()).then_some(field);
        RecordError::new(self.origin, self.line_no(i), field, problem)
    }

    /// Refuses over-long lines, control characters anywhere and tabs in indentation.
    fn check_line(&self, i: usize) -> Result<(), RecordError> {
        let line = self.lines[i];
        if line.len() > MAX_LINE_BYTES {
            let content = line.trim_start_matches(' ').trim_start_matches("- ");
            let key = split_key(content)
                .map(|(key, _, _)| key)
                .unwrap_or_default();
            return Err(self.err(
                i,
                &key,
                Problem::TooLong {
                    limit: MAX_LINE_BYTES,
                    found: line.len(),
                    unit: "bytes",
                },
            ));
        }
        if let Some(c) = line
            .chars()
            .find(|&c| (c < ' ' && c != '\t') || c == '\u{7f}')
        {
            return Err(self.err(i, "", Problem::ControlChar(u32::from(c))));
        }
        if !is_trivia(line) && line[indent(line)..].starts_with('\t') {
            return Err(self.err(i, "", Problem::TabIndent));
        }
        Ok(())
    }

    fn enter(&mut self, i: usize, field: &str) -> Result<(), RecordError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(i, field, Problem::TooDeep(MAX_DEPTH)));
        }
        Ok(())
    }

    /// Index of the next non-blank, non-comment line from `pos`, without consuming anything.
    fn peek_content(&self) -> Option<usize> {
        (self.pos..self.lines.len()).find(|&i| !is_trivia(self.lines[i]))
    }

    fn leading(&self, upto: usize) -> Vec<String> {
        self.lines[self.pos..upto]
            .iter()
            .map(|l| (*l).to_owned())
            .collect()
    }

    /// A block mapping whose keys sit at `column`, optionally starting with an entry already
    /// parsed from a list item's dash line.
    fn mapping(
        &mut self,
        column: usize,
        first: Option<Entry>,
        parent: &str,
    ) -> Result<Mapping, RecordError> {
        self.enter(self.pos, parent)?;
        let mut mapping = Mapping {
            entries: Vec::new(),
            column: Some(column),
            empty_raw: None,
        };
        let mut seen = HashSet::new();
        if let Some(entry) = first {
            seen.insert(entry.key().to_owned());
            mapping.entries.push(entry);
        }
        while let Some(i) = self.peek_content() {
            let line = self.lines[i];
            let ind = indent(line);
            let last_key = mapping.entries.last().map_or(parent, |e| e.key());
            if ind < column {
                break;
            }
            if ind > column {
                return Err(self.err(i, last_key, Problem::UnexpectedIndent));
            }
            let content = &line[ind..];
            if is_dash_item(content) {
                return Err(self.err(i, last_key, Problem::UnexpectedItem));
            }
            let leading = self.leading(i);
            self.pos = i + 1;
            let Some((key, key_raw, rest)) = split_key(content) else {
                return Err(self.err(i, parent, Problem::ExpectedField(short(content))));
            };
            if !seen.insert(key.clone()) {
                return Err(self.err(i, &key, Problem::DuplicateField));
            }
            if mapping.entries.len() == MAX_FIELDS {
                let problem = Problem::TooMany {
                    limit: MAX_FIELDS,
                    what: "fields",
                };
                return Err(self.err(i, parent, problem));
            }
            let (value, suffix) = self.value(rest, column, i, &key, true)?;
            let mut entry = Entry::parsed(key, key_raw, value, self.line_no(i));
            entry.leading = leading;
            entry.suffix = suffix;
            mapping.entries.push(entry);
        }
        self.depth -= 1;
        Ok(mapping)
    }

    /// The value after `key:` (or `-`) on line `i`: inline, or a block collection on the
    /// following lines. Returns the value and, for block collections, the header's rest.
    fn value(
        &mut self,
        rest: &str,
        column: usize,
        i: usize,
        field: &str,
        under_key: bool,
    ) -> Result<(Node, String), RecordError> {
        if rest.starts_with('\t') && !is_trivia(rest) {
            return Err(self.err(i, field, Problem::TabIndent));
        }
        if !is_trivia(rest) {
            return self.inline(rest, i, field);
        }
        if let Some(j) = self.peek_content() {
            let ind = indent(self.lines[j]);
            let content = &self.lines[j][ind..];
            if ind > column || (under_key && ind == column && is_dash_item(content)) {
                let node = if is_dash_item(content) {
                    Node::Sequence(self.sequence(ind, field)?)
                } else {
                    Node::Mapping(self.mapping(ind, None, field)?)
                };
                return Ok((node, rest.to_owned()));
            }
        }
        let null = Scalar::parsed(String::new(), ScalarStyle::Plain, rest.to_owned());
        Ok((Node::Scalar(null), String::new()))
    }

    /// A block list whose dashes sit at `column`.
    fn sequence(&mut self, column: usize, field: &str) -> Result<Sequence, RecordError> {
        self.enter(self.pos, field)?;
        let mut seq = Sequence {
            items: Vec::new(),
            column: Some(column),
            flow: false,
            flow_raw: None,
        };
        while let Some(i) = self.peek_content() {
            let line = self.lines[i];
            let ind = indent(line);
            if ind < column {
                break;
            }
            if ind > column {
                return Err(self.err(i, field, Problem::UnexpectedIndent));
            }
            let content = &line[ind..];
            if !is_dash_item(content) {
                break;
            }
            if seq.items.len() == MAX_ITEMS {
                let problem = Problem::TooMany {
                    limit: MAX_ITEMS,
                    what: "list items",
                };
                return Err(self.err(i, field, problem));
            }
            let leading = self.leading(i);
            self.pos = i + 1;
            let rest = &content[1..];
            if rest.starts_with('\t') {
                return Err(self.err(i, field, Problem::TabIndent));
            }
            let t = rest.trim_start_matches(' ');
            let mut item = if is_trivia(rest) {
                let (value, suffix) = self.value(rest, column, i, field, false)?;
                let own_line_suffix = (!matches!(value, Node::Scalar(_))).then_some(suffix);
                Item {
                    value,
                    leading: Vec::new(),
                    own_line_suffix,
                    line: 0,
                }
            } else if is_dash_item(t) {
                return Err(self.err(
                    i,
                    field,
                    Problem::Unsupported("lists directly inside lists"),
                ));
            } else if let Some((key, key_raw, after)) = split_key(t) {
                let item_column = column + 1 + (rest.len() - t.len());
                let (value, suffix) = self.value(after, item_column, i, &key, true)?;
                let mut first = Entry::parsed(key, key_raw, value, self.line_no(i));
                first.suffix = suffix;
                let mapping = self.mapping(item_column, Some(first), field)?;
                Item::new(Node::Mapping(mapping))
            } else {
                let (value, tail) = self.inline(rest, i, field)?;
                let own_line_suffix = (!matches!(value, Node::Scalar(_))).then_some(tail);
                Item {
                    own_line_suffix,
                    ..Item::new(value)
                }
            };
            item.leading = leading;
            item.line = self.line_no(i);
            seq.items.push(item);
        }
        self.depth -= 1;
        Ok(seq)
    }

    /// An inline value: a scalar, a flow list of scalars, or `{}`.
    fn inline(&self, rest: &str, i: usize, field: &str) -> Result<(Node, String), RecordError> {
        let t = rest.trim_start_matches([' ', '\t']);
        let at = |p: Problem| self.err(i, field, p);
        let tail_check = |tail: &str| {
            if is_clean_tail(tail) {
                Ok(())
            } else {
                Err(at(Problem::TrailingText(short(tail))))
            }
        };
        let scalar = |text, style| Node::Scalar(Scalar::parsed(text, style, rest.to_owned()));
        match t.chars().next() {
            Some('"') => {
                let (text, used) = parse_double(t).map_err(at)?;
                tail_check(&t[used..])?;
                Ok((scalar(text, ScalarStyle::DoubleQuoted), String::new()))
            }
            Some('\'') => {
                let (text, used) = parse_single(t).map_err(at)?;
                tail_check(&t[used..])?;
                Ok((scalar(text, ScalarStyle::SingleQuoted), String::new()))
            }
            Some('[') => {
                let (mut node, tail) = self.flow_list(t, i, field)?;
                if let Node::Sequence(seq) = &mut node {
                    let raw = rest[..rest.len() - tail.len()].to_owned();
                    seq.flow_raw = Some(Box::new((raw, seq.items.clone())));
                }
                Ok((node, tail))
            }
            Some('{') => {
                let inner = t[1..].trim_start_matches(' ');
                let Some(tail) = inner.strip_prefix('}') else {
                    return Err(at(Problem::Unsupported("flow mappings ({...})")));
                };
                tail_check(tail)?;
                let empty = Mapping {
                    empty_raw: Some(rest[..rest.len() - tail.len()].to_owned()),
                    ..Mapping::new()
                };
                Ok((Node::Mapping(empty), tail.to_owned()))
            }
            Some('|' | '>') => Err(at(Problem::Unsupported("block scalars (| and >)"))),
            Some('&') => Err(at(Problem::Unsupported("anchors (&)"))),
            Some('*') => Err(at(Problem::Unsupported("aliases (*)"))),
            Some('!') => Err(at(Problem::Unsupported("tags (!)"))),
            Some('%' | '@' | '`') => Err(at(Problem::Unsupported("reserved indicators (% @ `)"))),
            Some('?') if t == "?" || t.starts_with("? ") => {
                Err(at(Problem::Unsupported("complex keys (?)")))
            }
            Some('-') if is_dash_item(t) => Err(at(Problem::UnexpectedItem)),
            _ => {
                let end = t
                    .find(" #")
                    .into_iter()
                    .chain(t.find("\t#"))
                    .min()
                    .unwrap_or(t.len());
                let value = t[..end].trim_end_matches([' ', '\t']);
                if value.contains(": ") || value.contains(":\t") || value.ends_with(':') {
                    return Err(at(Problem::PlainColon));
                }
                Ok((scalar(value.to_owned(), ScalarStyle::Plain), String::new()))
            }
        }
    }

    /// A flow list of scalars: `[a, "b", 'c']`.
    fn flow_list(&self, t: &str, i: usize, field: &str) -> Result<(Node, String), RecordError> {
        let at = |p: Problem| self.err(i, field, p);
        let mut seq = Sequence {
            items: Vec::new(),
            column: None,
            flow: true,
            flow_raw: None,
        };
        let mut idx = 1;
        loop {
            let r = &t[idx..];
            let skipped = r.len() - r.trim_start_matches([' ', '\t']).len();
            idx += skipped;
            let r = &t[idx..];
            if let Some(after) = r.strip_prefix(']') {
                let tail = after;
                if !is_clean_tail(tail) {
                    return Err(at(Problem::TrailingText(short(tail))));
                }
                return Ok((Node::Sequence(seq), tail.to_owned()));
            }
            let (text, style, used) = match r.chars().next() {
                None => return Err(at(Problem::Unterminated)),
                Some('"') => {
                    let (text, used) = parse_double(r).map_err(at)?;
                    (text, ScalarStyle::DoubleQuoted, used)
                }
                Some('\'') => {
                    let (text, used) = parse_single(r).map_err(at)?;
                    (text, ScalarStyle::SingleQuoted, used)
                }
                Some('[' | '{') => {
                    return Err(at(Problem::Unsupported("nested flow collections")));
                }
                Some(_) => {
                    let used = r.find([',', ']']).unwrap_or(r.len());
                    let text = r[..used].trim_end_matches([' ', '\t']);
                    if text.is_empty() || text.contains(": ") || text.contains(" #") {
                        return Err(at(Problem::TrailingText(short(r))));
                    }
                    (text.to_owned(), ScalarStyle::Plain, text.len())
                }
            };
            let raw = r[..used].to_owned();
            seq.items
                .push(Item::new(Node::Scalar(Scalar::parsed(text, style, raw))));
            idx += used;
            let r = &t[idx..];
            let r2 = r.trim_start_matches([' ', '\t']);
            idx += r.len() - r2.len();
            match r2.chars().next() {
                Some(',') => idx += 1,
                Some(']') => {}
                None => return Err(at(Problem::Unterminated)),
                Some(_) => return Err(at(Problem::TrailingText(short(r2)))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Mapping, Vec<String>), RecordError> {
        let lines: Vec<&str> = text.lines().collect();
        parse_front_matter("t.txt", &lines, 2)
    }

    #[test]
    fn double_quoted_escapes_decode() {
        assert_eq!(
            parse_double(r#""a\"b\\c\n\x41\u00e9\U0001F600" tail"#)
                .unwrap()
                .0,
            "a\"b\\c\nAé😀"
        );
        assert!(matches!(
            parse_double(r#""bad \q""#),
            Err(Problem::BadEscape(_))
        ));
        assert!(matches!(
            parse_double(r#""open"#),
            Err(Problem::Unterminated)
        ));
        assert!(matches!(
            parse_double(r#""\uD800""#),
            Err(Problem::BadEscape(_))
        ));
    }

    #[test]
    fn single_quoted_doubles_quotes() {
        assert_eq!(parse_single("'it''s' x").unwrap(), ("it's".to_owned(), 7));
    }

    #[test]
    fn lists_at_key_column_and_indented_both_parse() {
        let (m, _) = parse("a:\n- x\n- y\nb:\n  - z\nc: [p, \"q\"]\n").unwrap();
        let texts = |k: &str| -> Vec<String> {
            m.get(k)
                .and_then(Node::as_sequence)
                .unwrap()
                .items()
                .iter()
                .map(|i| i.value().as_scalar().unwrap().text().to_owned())
                .collect()
        };
        assert_eq!(texts("a"), ["x", "y"]);
        assert_eq!(texts("b"), ["z"]);
        assert_eq!(texts("c"), ["p", "q"]);
    }

    #[test]
    fn list_items_hold_mappings() {
        let (m, _) = parse("images:\n  - url: \"u\"\n    width: 3\n  - url: v\n").unwrap();
        let seq = m.get("images").and_then(Node::as_sequence).unwrap();
        assert_eq!(seq.len(), 2);
        let first = seq.items()[0].value().as_mapping().unwrap();
        assert_eq!(
            first.get("width").and_then(Node::as_scalar).unwrap().text(),
            "3"
        );
    }

    #[test]
    fn comments_and_plain_values() {
        let (m, trailing) = parse("a: b c # note\n# tail\n").unwrap();
        assert_eq!(m.get("a").and_then(Node::as_scalar).unwrap().text(), "b c");
        assert_eq!(trailing, ["# tail"]);
    }

    #[test]
    fn refusals_name_the_line() {
        for (text, line) in [
            ("a: 1\n\tb: 2\n", 3),
            ("a: 1\n  b: 2\n", 3),
            ("a: |\n  x\n", 2),
            ("a: &x 1\n", 2),
            ("a: 1\na: 2\n", 3),
            ("just text\n", 2),
            ("a: b: c\n", 2),
            ("a: \"open\n", 2),
            ("a: [x, [y]]\n", 2),
            ("a: \"x\" y\n", 2),
            ("a: \u{1}\n", 2),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, Some(line), "{text:?}: {err}");
        }
    }

    #[test]
    fn oversized_values_and_collections_are_refused_with_their_field() {
        let long = format!("title: {}", "x".repeat(MAX_LINE_BYTES));
        let err = parse(&long).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("title"));
        assert!(matches!(err.problem, Problem::TooLong { .. }), "{err}");
        assert!(
            err.to_string().contains("title: longer than 65536 bytes"),
            "{err}"
        );

        let many: String = (0..=MAX_FIELDS).map(|n| format!("x{n}: 1\n")).collect();
        let err = parse(&many).unwrap_err();
        assert!(
            matches!(err.problem, Problem::TooMany { what: "fields", .. }),
            "{err}"
        );
        assert_eq!(err.line, Some(MAX_FIELDS + 2));

        let items: String = std::iter::once("topics:\n".to_string())
            .chain((0..=MAX_ITEMS).map(|n| format!("  - t{n}\n")))
            .collect();
        let err = parse(&items).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("topics"));
        assert!(
            matches!(
                err.problem,
                Problem::TooMany {
                    what: "list items",
                    ..
                }
            ),
            "{err}"
        );

        // At the limits, accepted.
        let at_limit: String = (0..MAX_FIELDS).map(|n| format!("x{n}: 1\n")).collect();
        assert_eq!(parse(&at_limit).unwrap().0.entries.len(), MAX_FIELDS);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut text = String::new();
        for depth in 0..200 {
            text.push_str(&" ".repeat(depth));
            text.push_str("k:\n");
        }
        let err = parse(&text).unwrap_err();
        assert!(matches!(err.problem, Problem::TooDeep(_)));
    }
}
