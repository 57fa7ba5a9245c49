//! Guards against pathological markup, applied before parsing ([`guard`] runs them all).
//!
//! The HTML parser has two costs that grow with the square of something a page controls. Its
//! tree builder checks scopes by scanning the stack of open elements, so a page nesting 100,000
//! `<div>`s costs time quadratic in its depth; real pages nest a few dozen levels.
//! [`limit_nesting`] estimates the depth with a light tag scan (end tags that may be omitted and
//! void elements do not count) and, only when it exceeds [`MAX_DEPTH`], drops the tags below
//! that depth while keeping all text. Its tokenizer compares each new attribute of a tag with
//! every earlier one (duplicates are dropped), so one tag with 200,000 attributes costs time
//! quadratic in their number; real tags carry a few dozen. [`limit_attributes`] keeps the
//! first [`MAX_ATTRIBUTES`] of each tag. Both scans are linear and allocation-free for ordinary
//! pages. [`bounded`] caps the input size, so memory stays bounded on huge pages.

use std::borrow::Cow;

/// The most HTML read from one page (16 MiB); the rest is ignored. Extraction memory grows
/// linearly with the input (about 15 bytes per input byte at peak), so this bounds it.
pub(crate) const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// `html` cut to [`MAX_HTML_BYTES`] at a character boundary.
pub(crate) fn bounded(html: &str) -> &str {
    if html.len() <= MAX_HTML_BYTES {
        return html;
    }
    let mut end = MAX_HTML_BYTES;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// `html` bounded in size, with at most [`MAX_ATTRIBUTES`] attributes per tag and at most
/// [`MAX_DEPTH`] levels of nesting: what every parse of outside HTML starts from.
pub(crate) fn guard(html: &str) -> Cow<'_, str> {
    match close_title(bounded(html)) {
        Cow::Borrowed(html) => limit_markup(html),
        Cow::Owned(html) => Cow::Owned(limit_markup(&html).into_owned()),
    }
}

/// Attributes, then depth.
fn limit_markup(html: &str) -> Cow<'_, str> {
    match limit_attributes(html) {
        Cow::Borrowed(html) => limit_nesting(html),
        Cow::Owned(html) => Cow::Owned(limit_nesting(&html).into_owned()),
    }
}

/// A `<title>` that is never closed makes the parser read the rest of the page as its text
/// (the title is raw text up to `</title>`): an empty article under a 50,000-character headline
/// of markup. A careful reader closes it where the markup resumes: before the first `<` that
/// starts a tag after it. Pages that close their title pass unchanged.
pub(crate) fn close_title(html: &str) -> Cow<'_, str> {
    let Some(open) = find_ascii_case_insensitive(html, "<title", 0) else {
        return Cow::Borrowed(html);
    };
    let Some(content) = html[open..].find('>').map(|end| open + end + 1) else {
        return Cow::Borrowed(html);
    };
    if find_ascii_case_insensitive(html, "</title", content).is_some() {
        return Cow::Borrowed(html);
    }
    let bytes = html.as_bytes();
    let mut at = content;
    while let Some(offset) = html[at..].find('<') {
        let lt = at + offset;
        let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
        if next.is_ascii_alphabetic() || next == b'/' || next == b'!' {
            let mut out = String::with_capacity(html.len() + 8);
            out.push_str(&html[..lt]);
            out.push_str("</title>");
            out.push_str(&html[lt..]);
            return Cow::Owned(out);
        }
        at = lt + 1;
    }
    Cow::Borrowed(html)
}

/// The first `needle` (ASCII, matched without regard to case) in `haystack` from `from`.
fn find_ascii_case_insensitive(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let needle = needle.as_bytes();
    (from..=bytes.len().checked_sub(needle.len())?)
        .find(|&i| bytes[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The most attributes kept on one tag.
pub(crate) const MAX_ATTRIBUTES: usize = 256;

/// Elements whose content is text up to their end tag, never tags.
fn is_raw_text(name: &[u8]) -> bool {
    [
        &b"script"[..],
        b"style",
        b"textarea",
        b"title",
        b"xmp",
        b"iframe",
        b"noembed",
        b"noframes",
        b"plaintext",
    ]
    .iter()
    .any(|raw| raw.eq_ignore_ascii_case(name))
}

/// Returns `html` unchanged when no tag has more than [`MAX_ATTRIBUTES`] attributes, or with the
/// attributes past that number removed. Attributes are read as the HTML tokenizer reads them
/// (names, `=`, quoted or unquoted values), so a `>` inside a quoted value does not end the tag.
pub(crate) fn limit_attributes(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    // Byte ranges to remove: from the first attribute past the limit to the tag's end.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut position = 0;
    while let Some(offset) = html[position..].find('<') {
        let start = position + offset;
        let mut at = start + 1;
        if bytes.get(at) == Some(&b'/') {
            at += 1;
        }
        if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            position = start + 1;
            continue;
        }
        let name_start = at;
        while at < len && !is_space(bytes[at]) && bytes[at] != b'>' && bytes[at] != b'/' {
            at += 1;
        }
        let name = &bytes[name_start..at];
        let mut count = 0;
        let mut cut_from = None;
        loop {
            while at < len && (is_space(bytes[at]) || bytes[at] == b'/') {
                at += 1;
            }
            if at >= len || bytes[at] == b'>' {
                break;
            }
            count += 1;
            if count == MAX_ATTRIBUTES + 1 {
                cut_from = Some(at);
            }
            // The name, then an optional `= value`.
            at += 1;
            while at < len && !is_space(bytes[at]) && !matches!(bytes[at], b'=' | b'>' | b'/') {
                at += 1;
            }
            let mut look = at;
            while look < len && is_space(bytes[look]) {
                look += 1;
            }
            if look < len && bytes[look] == b'=' {
                at = look + 1;
                while at < len && is_space(bytes[at]) {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        at = html[at + 1..]
                            .find(quote as char)
                            .map_or(len, |end| at + 1 + end + 1);
                    }
                    _ => {
                        while at < len && !is_space(bytes[at]) && bytes[at] != b'>' {
                            at += 1;
                        }
                    }
                }
            }
        }
        if let Some(from) = cut_from {
            cuts.push((from, at));
        }
        position = (at + 1).min(len);
        // The content of a raw-text element is not markup: skip to its end tag.
        if bytes[start + 1] != b'/' && is_raw_text(name) {
            let mut search = position;
            loop {
                let Some(found) = html[search..].find("</") else {
                    position = len;
                    break;
                };
                let end_name = search + found + 2;
                if bytes.len() >= end_name + name.len()
                    && bytes[end_name..end_name + name.len()].eq_ignore_ascii_case(name)
                {
                    position = end_name;
                    break;
                }
                search = end_name;
            }
        }
        if position >= len {
            break;
        }
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for (from, to) in cuts {
        out.push_str(&html[copied..from]);
        copied = to;
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// The deepest nesting kept (browsers cap their DOM depth at a few hundred levels).
pub(crate) const MAX_DEPTH: usize = 512;

/// Elements whose end tag may be omitted or that cannot have content: they do not deepen.
fn does_not_nest(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "colgroup"
            | "rb"
            | "rt"
            | "rp"
            | "html"
            | "head"
            | "body"
            | "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "frame"
            | "!doctype"
    )
}

/// One tag found by the scan.
struct Tag {
    start: usize,
    end: usize,
    closing: bool,
    nests: bool,
}

/// What the scan found at a `<`.
enum Scan {
    Tag(Tag),
    /// Not a tag (a lone `<` in text).
    NotATag,
    /// No `>` follows: no more tags in the document.
    End,
}

/// Scans the tag starting at `start` (which holds `<`).
fn scan_tag(html: &str, start: usize) -> Scan {
    let bytes = html.as_bytes();
    let mut position = start + 1;
    let closing = bytes.get(position) == Some(&b'/');
    if closing {
        position += 1;
    }
    let name_start = position;
    while position < bytes.len()
        && (bytes[position].is_ascii_alphanumeric() || bytes[position] == b'!')
    {
        position += 1;
    }
    if position == name_start {
        return Scan::NotATag;
    }
    let Some(close) = html[position..].find('>').map(|offset| offset + position) else {
        return Scan::End;
    };
    let raw_name = &bytes[name_start..position];
    let mut buffer = [0u8; 16];
    let nests = if raw_name.len() > buffer.len() || raw_name[0] == b'!' {
        raw_name[0] != b'!'
    } else {
        let name = &mut buffer[..raw_name.len()];
        name.copy_from_slice(raw_name);
        name.make_ascii_lowercase();
        std::str::from_utf8(name).map_or(true, |name| !does_not_nest(name))
    };
    let self_closing = bytes.get(close.wrapping_sub(1)) == Some(&b'/');
    Scan::Tag(Tag {
        start,
        end: close + 1,
        closing,
        nests: nests && !self_closing,
    })
}

/// Returns `html` unchanged when its nesting is sane, or with the too-deep tags removed.
pub(crate) fn limit_nesting(html: &str) -> Cow<'_, str> {
    let mut depth = 0usize;
    let mut too_deep = false;
    let mut position = 0;
    while let Some(offset) = html[position..].find('<') {
        let start = position + offset;
        match scan_tag(html, start) {
            Scan::End => break,
            Scan::Tag(tag) => {
                if tag.nests {
                    if tag.closing {
                        depth = depth.saturating_sub(1);
                    } else {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            too_deep = true;
                            break;
                        }
                    }
                }
                position = tag.end;
            }
            Scan::NotATag => position = start + 1,
        }
    }
    if !too_deep {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut depth = 0usize;
    let mut position = 0;
    let mut copied = 0;
    while let Some(offset) = html[position..].find('<') {
        let start = position + offset;
        let tag = match scan_tag(html, start) {
            Scan::Tag(tag) => tag,
            Scan::NotATag => {
                position = start + 1;
                continue;
            }
            Scan::End => break,
        };
        let keep = if !tag.nests {
            true
        } else if tag.closing {
            depth = depth.saturating_sub(1);
            depth < MAX_DEPTH
        } else {
            depth += 1;
            depth <= MAX_DEPTH
        };
        if !keep {
            out.push_str(&html[copied..tag.start]);
            copied = tag.end;
        }
        position = tag.end;
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_title_is_closed_where_the_markup_resumes() {
        let html = "<html><head><TITLE>Ferry timetable approved<meta charset=utf-8></head><body><p>Text</p>";
        let closed = close_title(html);
        assert!(
            closed.contains("<TITLE>Ferry timetable approved</title><meta"),
            "{closed}"
        );
        let fine = "<title>a < b</title><p>x</p>";
        assert!(matches!(close_title(fine), Cow::Borrowed(_)));
        assert!(matches!(close_title("<p>no title</p>"), Cow::Borrowed(_)));
    }

    #[test]
    fn tags_keep_their_first_attributes_only() {
        let many: String = (0..1000).map(|n| format!(" a{n}=\"v {n} > x\"")).collect();
        let html = format!("<p id=first{many}>Text after the tag</p><p class=x>Second</p>");
        let limited = limit_attributes(&html);
        let page = crate::dom::Page::parse(&limited);
        let text: Vec<String> = (0..page.nodes.len())
            .filter(|&i| page.tag(i).is_some_and(|t| &**t == "p"))
            .map(|i| page.text_of(i))
            .collect();
        assert_eq!(text, ["Text after the tag", "Second"]);
        assert!(limited.contains("a254=\"v 254 > x\""));
        assert!(!limited.contains("a255="), "the 257th attribute is dropped");
        // Ordinary markup, raw text and stray `<` pass unchanged.
        let ordinary = "<script>if (a <b c d e) {}</script><p a=1 b='2' c>x < y</p>";
        assert!(matches!(limit_attributes(ordinary), Cow::Borrowed(_)));
    }

    #[test]
    fn two_hundred_thousand_attributes_parse_in_linear_time() {
        let many: String = (0..200_000).map(|n| format!(" a{n}=1")).collect();
        let html = format!("<html><body><p{many}>Text</p></body></html>");
        let started = std::time::Instant::now();
        let page = crate::dom::Page::parse(&guard(&html));
        assert!(page.nodes.len() > 3);
        // Generous: the unguarded parse took about 30 s in release.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn ordinary_pages_pass_unchanged() {
        let html = "<html><body><div><p>one<p>two<br><img src=x></div></body></html>";
        assert!(matches!(limit_nesting(html), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_to_the_limit_keeping_text() {
        let mut html = String::new();
        for level in 0..10_000 {
            html.push_str(&format!("<div>{level} "));
        }
        for _ in 0..10_000 {
            html.push_str("</div>");
        }
        let limited = limit_nesting(&html);
        assert_eq!(limited.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(limited.matches("</div>").count(), MAX_DEPTH);
        assert!(limited.contains("9999 "));
    }

    #[test]
    fn oversized_input_is_cut_at_a_character_boundary() {
        let html = "é".repeat(MAX_HTML_BYTES / 2 + 10);
        let cut = bounded(&html);
        assert!(cut.len() <= MAX_HTML_BYTES);
        assert!(cut.len() > MAX_HTML_BYTES - 4);
        assert_eq!(bounded("<p>small</p>"), "<p>small</p>");
    }

    #[test]
    fn broken_tags_do_not_panic() {
        let no_closing = "<a".repeat(100_000);
        for html in [
            "<",
            "</",
            "<<<>>>",
            "<div",
            "<é>",
            "</é",
            no_closing.as_str(),
        ] {
            let _ = limit_nesting(html);
        }
    }
}
