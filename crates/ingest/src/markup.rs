//! A lenient markup tag scanner for documents that real-world tools produce broken: OPML files
//! with unescaped `&`, unclosed folders or stray text, and HTML heads searched for feed links.
//!
//! [`scan_tags`] walks the text and yields every start, end and self-closing tag with its
//! attributes (names lower-cased, values entity-decoded), skipping comments, CDATA, doctypes and
//! processing instructions. It never fails: anything that is not a tag is text and is ignored.
//!
//! [`resolve_relative_urls`] rewrites the relative `href` and `src` attributes of an HTML
//! fragment against a base URL, as a reader must before showing feed content out of context.

pub use storyline_extract::decode_entities;

/// One tag found by [`scan_tags`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Element name, lower-cased, prefix kept (`rdf:rdf`).
    pub name: String,
    /// Attributes in document order: lower-cased name, decoded value.
    pub attrs: Vec<(String, String)>,
    /// `</name>`.
    pub closing: bool,
    /// `<name … />`.
    pub self_closing: bool,
    /// Byte offset of the `<`.
    pub offset: usize,
    /// Byte offset just after the tag's `>` (where its content starts).
    pub end: usize,
}

impl Tag {
    /// The value of the first attribute named `name` (lower-case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Iterates over the tags of `text`.
pub fn scan_tags(text: &str) -> TagScanner<'_> {
    TagScanner { text, pos: 0 }
}

/// Iterator returned by [`scan_tags`].
#[derive(Debug, Clone)]
pub struct TagScanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for TagScanner<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let bytes = self.text.as_bytes();
        loop {
            let start = self.pos + self.text.get(self.pos..)?.find('<')?;
            let rest = &self.text[start..];
            // Skip constructs that are not elements.
            for (open, close) in [
                ("<!--", "-->"),
                ("<![CDATA[", "]]>"),
                ("<?", "?>"),
                ("<!", ">"),
            ] {
                if rest.starts_with(open) {
                    self.pos = rest
                        .find(close)
                        .map_or(self.text.len(), |end| start + end + close.len());
                    break;
                }
            }
            if self.pos > start {
                continue;
            }
            let mut i = start + 1;
            let closing = bytes.get(i) == Some(&b'/');
            if closing {
                i += 1;
            }
            let name_start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || matches!(bytes[i], b':' | b'_' | b'-' | b'.'))
            {
                i += 1;
            }
            if i == name_start {
                // A lone `<` in text.
                self.pos = start + 1;
                continue;
            }
            let name = self.text[name_start..i].to_ascii_lowercase();
            let (attrs, end, self_closing) = parse_attributes(self.text, i);
            self.pos = end;
            return Some(Tag {
                name,
                attrs,
                closing,
                self_closing,
                offset: start,
                end,
            });
        }
    }
}

/// Parses attributes from `from` up to the closing `>`; returns them, the position after the tag
/// and whether it was self-closing. A missing `>` ends the tag at the end of the text.
fn parse_attributes(text: &str, from: usize) -> (Vec<(String, String)>, usize, bool) {
    let bytes = text.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => return (attrs, bytes.len(), false),
            Some(b'>') => return (attrs, i + 1, false),
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => return (attrs, i + 2, true),
            Some(b'<') => return (attrs, i, false),
            _ => {}
        }
        let name_start = i;
        while i < bytes.len() && !ends_attribute_name(bytes, i) {
            i += 1;
        }
        if i == name_start {
            // Stray character such as `=`: skip it.
            i += 1;
            continue;
        }
        let name = text[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            attrs.push((name, String::new()));
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let value_start = i + 1;
                let end = text[value_start..]
                    .find(q as char)
                    .map_or(bytes.len(), |e| value_start + e);
                i = (end + 1).min(bytes.len());
                &text[value_start..end]
            }
            _ => {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &text[value_start..i]
            }
        };
        attrs.push((name, decode_entities(value)));
    }
}

/// Whether the byte at `i` ends an attribute name: whitespace, `=`, `>`, `<` or `/>`.
fn ends_attribute_name(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'=' | b'>' | b'<' => true,
        b'/' => bytes.get(i + 1) == Some(&b'>'),
        b => b.is_ascii_whitespace(),
    }
}

/// The byte span of the quoted value of attribute `name` (matched case-insensitively) inside one
/// start tag's source text.
pub fn attribute_value_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let lower = tag.to_ascii_lowercase();
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(found) = lower.get(from..)?.find(name) {
        let at = from + found;
        from = at + name.len();
        if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(value) = tag[from..].trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let start = tag.len() - value.len() + 1;
        let end = start + tag[start..].find(quote)?;
        return Some((start, end));
    }
    None
}

/// Attributes holding a URL that a relative reference in feed content may use.
const URL_ATTRIBUTES: [&str; 4] = ["href", "src", "poster", "cite"];

/// Rewrites relative URLs in the `href`, `src`, `poster` and `cite` attributes of an HTML
/// fragment against `base`. Absolute URLs, fragments (`#x`) and anything when `base` is not an
/// absolute URL are left alone; non-ASCII characters stay readable (IRI form).
pub fn resolve_relative_urls(html: &str, base: &str) -> String {
    let Ok(base) = url::Url::parse(base) else {
        return html.to_string();
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for tag in scan_tags(html) {
        if tag.closing {
            continue;
        }
        let source = &html[tag.offset..tag.end];
        for name in URL_ATTRIBUTES {
            let Some(value) = tag.attr(name) else {
                continue;
            };
            let value = value.trim();
            let is_relative =
                url::Url::parse(value) == Err(url::ParseError::RelativeUrlWithoutBase);
            if !is_relative || value.starts_with('#') {
                continue;
            }
            let (Ok(joined), Some((start, end))) =
                (base.join(value), attribute_value_span(source, name))
            else {
                continue;
            };
            let readable = decode_non_ascii_escapes(joined.as_str());
            let escaped = readable
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;");
            edits.push((tag.offset + start, tag.offset + end, escaped));
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(html.len() + 64 * edits.len());
    let mut at = 0;
    for (start, end, value) in edits {
        if start < at {
            continue;
        }
        out.push_str(&html[at..start]);
        out.push_str(&value);
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// Decodes percent-escapes that spell non-ASCII UTF-8 characters (`%C3%80` → `À`); ASCII
/// escapes, which may be significant, stay.
fn decode_non_ascii_escapes(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // A run of escapes of high bytes is decoded when it is valid UTF-8.
        let mut run: Vec<u8> = Vec::new();
        let mut j = i;
        while bytes.get(j) == Some(&b'%') {
            let hex = url
                .get(j + 1..j + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) if b >= 0x80 => {
                    run.push(b);
                    j += 3;
                }
                _ => break,
            }
        }
        if !run.is_empty() && std::str::from_utf8(&run).is_ok() {
            out.extend_from_slice(&run);
            i = j;
        } else {
            let end = if j > i { j } else { i + 1 };
            out.extend_from_slice(&bytes[i..end]);
            i = end;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_attributes_are_scanned_leniently() {
        let text = r#"<?xml version="1.0"?><!-- c --><opml><body><outline text="A & B" xmlUrl='http://x.test/?a=1&amp;b=2' /><outline title=News>
<outline text="unterminated"></body>"#;
        let tags: Vec<Tag> = scan_tags(text).collect();
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["opml", "body", "outline", "outline", "outline", "body"]
        );
        assert_eq!(tags[2].attr("text"), Some("A & B"));
        assert_eq!(tags[2].attr("xmlurl"), Some("http://x.test/?a=1&b=2"));
        assert!(tags[2].self_closing);
        assert_eq!(tags[3].attr("title"), Some("News"));
        assert!(tags[5].closing);
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        let html = "<p><a href=\"/a?x=1&amp;y=2\">a</a> <img SRC='img/\u{c0}.png'> \
                    <a href=\"#top\">t</a> <a href=\"https://o.test/\">o</a></p>";
        assert_eq!(
            resolve_relative_urls(html, "http://base.test/dir/feed"),
            "<p><a href=\"http://base.test/a?x=1&amp;y=2\">a</a> \
             <img SRC='http://base.test/dir/img/\u{c0}.png'> \
             <a href=\"#top\">t</a> <a href=\"https://o.test/\">o</a></p>"
        );
        assert_eq!(
            resolve_relative_urls("<a href=x>", "not a url"),
            "<a href=x>"
        );
        assert_eq!(decode_non_ascii_escapes("/%C3%80%2F%FF"), "/\u{c0}%2F%FF");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        // (input, names of the tags found): a truncated tag ends at the end of the text;
        // comments, lone `<` and non-ASCII names are not tags.
        let cases: [(&str, &[&str]); 8] = [
            ("<", &[]),
            ("<<<<", &[]),
            ("<a b='", &["a"]),
            ("<a b=", &["a"]),
            ("<!--", &[]),
            ("<a/", &["a"]),
            ("&#xFFFFFFFF;", &[]),
            ("<é ü='ö'>", &[]),
        ];
        for (text, names) in cases {
            let tags: Vec<Tag> = scan_tags(text).collect();
            let found: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
            assert_eq!(found, names, "{text:?}");
            for tag in &tags {
                assert!(
                    tag.offset < tag.end && tag.end <= text.len(),
                    "{text:?}: {tag:?}"
                );
            }
            if let Some(tag) = tags.first() {
                assert_eq!(
                    tag.end,
                    text.len(),
                    "{text:?}: a truncated tag runs to the end"
                );
                assert!(!tag.closing && !tag.self_closing, "{text:?}: {tag:?}");
            }
            // Nothing here is a valid entity or a URL attribute: both pass the text through.
            assert_eq!(decode_entities(text), text, "{text:?}");
            assert_eq!(
                resolve_relative_urls(text, "http://x.test/"),
                text,
                "{text:?}"
            );
        }
    }
}
