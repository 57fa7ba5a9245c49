//! A guard against pathological tag nesting, applied before parsing.
//!
//! The HTML tree builder checks scopes by scanning the stack of open elements, so a page
//! nesting 100,000 `<div>`s costs time quadratic in its depth. Real pages nest a few dozen
//! levels. [`limit_nesting`] estimates the depth with a light tag scan (end tags that may be
//! omitted and void elements do not count) and, only when it exceeds [`MAX_DEPTH`], drops the
//! tags below that depth while keeping all text. The scan is linear and allocation-free for
//! ordinary pages. [`bounded`] caps the input size, so memory stays bounded on huge pages.

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
