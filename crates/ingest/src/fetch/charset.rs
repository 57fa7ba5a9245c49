//! Character sets: turning a fetched body into UTF-8 text.
//!
//! The order is the one browsers and feed readers use: a byte-order mark wins, then the HTTP
//! `Content-Type` charset, then the document's own declaration (`<?xml encoding=…?>`,
//! `<meta charset>`), then statistical detection (chardetng). A declaration of UTF-8 on bytes that
//! are not valid UTF-8 (a windows-1252 feed labelled UTF-8, common in the wild) is treated as no
//! declaration at all, so detection gets the final word.

use encoding_rs::{Encoding, UTF_8};

/// How much of the start of a document is searched for an in-document declaration.
const DECLARATION_WINDOW: usize = 4096;

/// Where the encoding used for decoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header.
    Header,
    /// The XML declaration or an HTML `<meta>` tag.
    Declaration,
    /// Statistical detection (also used when a UTF-8 label was wrong).
    Detected,
}

/// A body decoded to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    /// The text.
    pub text: String,
    /// The WHATWG name of the encoding used (e.g. `windows-1252`).
    pub encoding: &'static str,
    /// Where that encoding came from.
    pub source: CharsetSource,
}

/// Decodes `body` using `content_type` (the HTTP header, if any). Never fails: malformed sequences
/// become U+FFFD.
pub fn decode(body: &[u8], content_type: Option<&str>) -> DecodedText {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
        return finish(text.into_owned(), encoding, CharsetSource::Bom);
    }
    let declared = content_type
        .and_then(charset_from_content_type)
        .map(|e| (e, CharsetSource::Header))
        .or_else(|| declared_in_document(body).map(|e| (e, CharsetSource::Declaration)));
    if let Some((encoding, source)) = declared {
        // UTF-16 labels on a body without a BOM are almost always wrong (the bytes were already
        // re-encoded as ASCII-compatible text); encoding_rs maps them to UTF-8 for us anyway.
        if encoding == UTF_8 {
            if let Ok(text) = std::str::from_utf8(body) {
                return finish(text.to_string(), UTF_8, source);
            }
        } else {
            let (text, _, _) = encoding.decode(body);
            return finish(text.into_owned(), encoding, source);
        }
    }
    let encoding = detect(body);
    let (text, _, _) = encoding.decode(body);
    finish(text.into_owned(), encoding, CharsetSource::Detected)
}

fn finish(text: String, encoding: &'static Encoding, source: CharsetSource) -> DecodedText {
    DecodedText {
        text,
        encoding: encoding.name(),
        source,
    }
}

fn detect(body: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(body, true);
    detector.guess(None, true)
}

/// The encoding named by a `Content-Type` value's `charset` parameter.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The encoding declared inside the document: `<?xml … encoding="…"?>`, `<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`, within the first few KiB.
pub fn declared_in_document(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(DECLARATION_WINDOW)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if let Some(start) = find(&lower, b"<?xml") {
        let end = find(&lower[start..], b"?>").map_or(lower.len(), |e| start + e);
        if let Some(label) = attribute_value(&lower[start..end], b"encoding") {
            return Encoding::for_label(label);
        }
    }
    let mut rest = &lower[..];
    while let Some(at) = find(rest, b"<meta") {
        let tag = &rest[at..];
        let end = tag.iter().position(|b| *b == b'>').unwrap_or(tag.len());
        let tag = &tag[..end];
        if let Some(label) = attribute_value(tag, b"charset") {
            return Encoding::for_label(label);
        }
        if let Some(content) = attribute_value(tag, b"content")
            && let Some(at) = find(content, b"charset=")
        {
            let label = &content[at + b"charset=".len()..];
            let stop = label
                .iter()
                .position(|b| matches!(b, b';' | b' ' | b'"' | b'\''))
                .unwrap_or(label.len());
            return Encoding::for_label(&label[..stop]);
        }
        rest = &rest[at + 5..];
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of `name="…"` (or `'…'`, or unquoted) inside a lower-cased tag.
fn attribute_value<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = find(&tag[from..], name) {
        let start = from + at;
        let before_ok =
            start == 0 || !tag[start - 1].is_ascii_alphanumeric() && tag[start - 1] != b'-';
        let mut i = start + name.len();
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        if before_ok && i < tag.len() && tag[i] == b'=' {
            i += 1;
            while i < tag.len() && tag[i].is_ascii_whitespace() {
                i += 1;
            }
            let quote = tag.get(i).copied();
            return match quote {
                Some(q @ (b'"' | b'\'')) => {
                    let value = &tag[i + 1..];
                    let end = value.iter().position(|b| *b == q).unwrap_or(value.len());
                    Some(&value[..end])
                }
                Some(_) => {
                    let value = &tag[i..];
                    let end = value
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'?'))
                        .unwrap_or(value.len());
                    Some(&value[..end])
                }
                None => None,
            };
        }
        from = start + name.len();
    }
    None
}

/// Rewrites the XML declaration of already-decoded text so that it says UTF-8, so an XML parser
/// does not decode the text a second time with the original label.
pub fn relabel_xml_as_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(decl_end) = trimmed
        .starts_with("<?xml")
        .then(|| trimmed.find("?>"))
        .flatten()
    else {
        return std::borrow::Cow::Borrowed(text);
    };
    let offset = text.len() - trimmed.len();
    let rest = &text[offset + decl_end + 2..];
    std::borrow::Cow::Owned(format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_labelled_utf8_is_detected() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss><title>".to_vec();
        // "Café – naïve “quotes”" in windows-1252.
        body.extend_from_slice(b"Caf\xe9 \x96 na\xefve \x93quotes\x94 and more d\xe9j\xe0 vu text");
        body.extend_from_slice(b"</title></rss>");
        let decoded = decode(&body, Some("application/rss+xml; charset=utf-8"));
        assert_eq!(decoded.source, CharsetSource::Detected);
        assert!(
            decoded.text.contains("Café – naïve “quotes”"),
            "{}",
            decoded.text
        );
    }

    #[test]
    fn bom_wins_over_header() {
        let body = b"\xef\xbb\xbfna\xc3\xafve";
        let decoded = decode(body, Some("text/html; charset=iso-8859-1"));
        assert_eq!(decoded.text, "naïve");
        assert_eq!(decoded.source, CharsetSource::Bom);
    }

    #[test]
    fn header_then_declaration() {
        let body = b"<?xml version='1.0' encoding='iso-8859-1'?><a>\xe9</a>";
        let decoded = decode(body, Some("text/xml"));
        assert_eq!(decoded.source, CharsetSource::Declaration);
        assert!(decoded.text.contains("<a>é</a>"));
        let decoded = decode("<a>é</a>".as_bytes(), Some("text/xml; charset=\"UTF-8\""));
        assert_eq!(decoded.source, CharsetSource::Header);
        assert_eq!(decoded.text, "<a>é</a>");
    }

    #[test]
    fn html_meta_charset_is_read() {
        let body = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body>\xcf\xf0\xe8\xe2\xe5\xf2</body></html>";
        let decoded = decode(body, None);
        assert_eq!(decoded.encoding, "windows-1251");
        assert!(decoded.text.contains("Привет"));
        let body = b"<meta charset=koi8-r><p>x</p>";
        assert_eq!(decode(body, None).encoding, "KOI8-R");
    }

    #[test]
    fn relabelling_replaces_the_declaration_only() {
        let text = "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss/>";
        assert_eq!(
            relabel_xml_as_utf8(text),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>"
        );
        assert_eq!(relabel_xml_as_utf8("<rss/>"), "<rss/>");
    }

    #[test]
    fn binary_garbage_decodes_without_panic() {
        let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let decoded = decode(&body, Some("text/html; charset=nonsense"));
        assert!(!decoded.text.is_empty());
    }
}
