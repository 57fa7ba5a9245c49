//! Small text normalisations a feed reader applies to feed fields: HTML titles to plain text,
//! whitespace collapsed, URLs recognised.

use crate::markup::decode_entities;

/// Plain text from a fragment that may hold markup: tags dropped, entities decoded, whitespace
/// collapsed. Returns `None` when nothing is left.
pub fn plain_text(fragment: &str) -> Option<String> {
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    if rest.contains('<') {
        while let Some(at) = rest.find('<') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            // Only something that looks like a tag is a tag; "a < b" stays.
            let is_tag = after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
            if is_tag {
                match tag_end(after) {
                    Some(end) => {
                        out.push(' ');
                        rest = &after[end + 1..];
                    }
                    None => {
                        rest = "";
                    }
                }
            } else {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    let collapsed = collapse_whitespace(&decoded);
    (!collapsed.is_empty()).then_some(collapsed)
}

/// The offset of the `>` closing a tag whose text (after `<`) is `tag`: a `>` inside a quoted
/// attribute value does not close it.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (at, c) in tag.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if tag[..at].trim_end().ends_with('=') => quote = Some(c),
            (None, '>') => return Some(at),
            (None, _) => {}
        }
    }
    // An unterminated quote: fall back to the first `>`.
    tag.find('>')
}

/// Whitespace runs become one space; the ends are trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` is an absolute http(s) URL.
pub fn is_web_url(text: &str) -> bool {
    url::Url::parse(text.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_plain_text() {
        assert_eq!(
            plain_text("<b>Alibaba</b> leads &amp; wins\n  big").as_deref(),
            Some("Alibaba leads & wins big")
        );
        assert_eq!(plain_text("a < b").as_deref(), Some("a < b"));
        assert_eq!(plain_text("  <br/> ").as_deref(), None);
        assert_eq!(plain_text("unclosed <b").as_deref(), Some("unclosed"));
        assert_eq!(
            plain_text(r#"<img alt="a<br />b" src='x>y'> after"#).as_deref(),
            Some("after")
        );
        assert_eq!(plain_text(r#"<p class="x>"#), None);
    }

    #[test]
    fn web_urls_are_recognised() {
        assert!(is_web_url("https://example.com/a"));
        assert!(!is_web_url("urn:uuid:1234"));
        assert!(!is_web_url("tag:example.com,2005:1"));
        assert!(!is_web_url("/relative"));
    }
}
