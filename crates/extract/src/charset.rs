//! Character sets: turning bytes from anywhere (a fetched body, a file, standard input) into
//! UTF-8 text, by one rule.
//!
//! The order is the one browsers and feed readers use: a byte-order mark wins (UTF-8, UTF-16LE,
//! UTF-16BE), then the HTTP `Content-Type` charset when there is one, then the document's own
//! declaration (`<?xml encoding=…?>`, `<meta charset>`, `<meta http-equiv=… content=…>`), then
//! statistical detection (chardetng).
//!
//! UTF-8 gets one more look, because both of its failure modes are common in the wild. Bytes that
//! are UTF-8 except for a few broken sequences (a truncated character, one pasted Latin-1 byte)
//! are decoded as UTF-8 with U+FFFD for each broken sequence: decoding the whole page as a legacy
//! encoding would turn every other non-ASCII character into mojibake. Bytes with few or no valid
//! multi-byte sequences are a legacy encoding mislabelled as UTF-8 (a windows-1252 feed declaring
//! UTF-8), and detection gets the final word.
//!
//! [`reads_as_text`] says whether the decoded result is text at all, so binary content without
//! NUL bytes is refused rather than ingested as an article of noise.

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

/// Bytes decoded to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    /// The text.
    pub text: String,
    /// The WHATWG name of the encoding used (e.g. `windows-1252`).
    pub encoding: &'static str,
    /// Where that encoding came from.
    pub source: CharsetSource,
    /// How many malformed sequences became U+FFFD.
    pub replaced: usize,
}

impl DecodedText {
    /// Whether the text is exactly the input bytes (UTF-8, nothing replaced).
    pub fn is_verbatim(&self) -> bool {
        self.encoding == UTF_8.name() && self.replaced == 0 && self.source != CharsetSource::Bom
    }
}

/// Decodes `body` using `content_type` (the HTTP header, if any). Never fails: malformed sequences
/// become U+FFFD.
pub fn decode(body: &[u8], content_type: Option<&str>) -> DecodedText {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        return decode_with(&body[bom_len..], encoding, CharsetSource::Bom);
    }
    let declared = content_type
        .and_then(charset_from_content_type)
        .map(|e| (e, CharsetSource::Header))
        .or_else(|| declared_in_document(body).map(|e| (e, CharsetSource::Declaration)));
    let utf8 = Utf8Evidence::of(body);
    if let Some((encoding, source)) = declared {
        // UTF-16 labels on a body without a BOM are almost always wrong (the bytes were already
        // re-encoded as ASCII-compatible text); encoding_rs maps them to UTF-8 for us anyway.
        if encoding != UTF_8 {
            return decode_with(body, encoding, source);
        }
        if utf8.is_mostly_utf8() {
            return decode_with(body, UTF_8, source);
        }
    } else if utf8.is_mostly_utf8() {
        return decode_with(body, UTF_8, CharsetSource::Detected);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(body, true);
    let encoding = detector.guess(None, false);
    decode_with(body, encoding, CharsetSource::Detected)
}

fn decode_with(body: &[u8], encoding: &'static Encoding, source: CharsetSource) -> DecodedText {
    let (text, _) = encoding.decode_without_bom_handling(body);
    let text = text.into_owned();
    // encoding_rs reports only whether something was replaced; count the U+FFFDs it wrote that
    // were not in the input (an input may itself contain U+FFFD, written as EF BF BD).
    let written = text.matches('\u{FFFD}').count();
    let replaced = if encoding == UTF_8 {
        written.saturating_sub(count_subslices(body, "\u{FFFD}".as_bytes()))
    } else {
        written
    };
    DecodedText {
        text,
        encoding: encoding.name(),
        source,
        replaced,
    }
}

fn count_subslices(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// What the bytes say about being UTF-8.
#[derive(Debug, Clone, Copy)]
struct Utf8Evidence {
    /// Well-formed multi-byte sequences.
    valid_multibyte: usize,
    /// Malformed sequences (each would become one U+FFFD).
    invalid: usize,
}

impl Utf8Evidence {
    fn of(bytes: &[u8]) -> Self {
        let mut evidence = Utf8Evidence {
            valid_multibyte: 0,
            invalid: 0,
        };
        for chunk in bytes.utf8_chunks() {
            evidence.valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            if !chunk.invalid().is_empty() {
                evidence.invalid += 1;
            }
        }
        evidence
    }

    /// Valid UTF-8, or UTF-8 with a few broken sequences: at least two well-formed multi-byte
    /// characters for each malformed sequence. Legacy text mislabelled as UTF-8 has almost no
    /// well-formed sequences (an accented letter followed by ASCII is malformed).
    fn is_mostly_utf8(&self) -> bool {
        self.invalid == 0 || self.valid_multibyte >= 2 * self.invalid
    }
}

/// Whether decoded bytes read as text rather than binary content: no NUL, few control,
/// replacement or private-use characters, and, for a single-byte legacy encoding (whose
/// languages all separate words with ASCII spaces), some whitespace. Random bytes without a
/// single NUL decode in some legacy encoding to a soup of letters; this is what refuses them.
pub fn reads_as_text(decoded: &DecodedText) -> bool {
    let mut total = 0usize;
    let mut odd = 0usize;
    let mut whitespace = 0usize;
    for c in decoded.text.chars() {
        total += 1;
        match c {
            '\0' => return false,
            '\t' | '\n' | '\r' | '\x0c' | ' ' => whitespace += 1,
            '\u{1}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{FFFD}' | '\u{E000}'..='\u{F8FF}' => {
                odd += 1
            }
            c if c.is_whitespace() => whitespace += 1,
            _ => {}
        }
    }
    if total == 0 {
        return true;
    }
    // More than one odd character in fifty (or in four, for a few dozen characters).
    if odd * 50 > total.max(200) {
        return false;
    }
    let single_byte = Encoding::for_label(decoded.encoding.as_bytes())
        .is_some_and(|encoding| encoding.is_single_byte());
    !(single_byte && total >= 256 && whitespace * 100 < total)
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
    fn utf8_with_a_few_broken_bytes_stays_utf8() {
        // Declared UTF-8, mostly well-formed, one stray Latin-1 byte and a truncated character.
        let mut body = "<meta charset=utf-8><p>Größere Märkte für Exporteure, schöne Grüße"
            .as_bytes()
            .to_vec();
        body.extend_from_slice(b" caf\xe9 and \xe2\x80 end</p>");
        let decoded = decode(&body, None);
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.source, CharsetSource::Declaration);
        assert_eq!(decoded.replaced, 2);
        assert!(
            decoded
                .text
                .contains("Größere Märkte für Exporteure, schöne Grüße")
        );
        assert!(decoded.text.contains("caf\u{FFFD} and \u{FFFD} end"));
        // Undeclared, the same rule holds.
        let decoded = decode(&body[20..], None);
        assert_eq!((decoded.encoding, decoded.replaced), ("UTF-8", 2));
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let mut body = vec![0xFF, 0xFE];
        for unit in "Überschrift\n\nEin Text.".encode_utf16() {
            body.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&body, None);
        assert_eq!(decoded.encoding, "UTF-16LE");
        assert_eq!(decoded.text, "Überschrift\n\nEin Text.");
        assert!(reads_as_text(&decoded));
    }

    /// Deterministic noise: a linear congruential generator's high bytes.
    fn noise(len: usize, low: u8) -> Vec<u8> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let byte = (state >> 56) as u8;
                byte.max(low)
            })
            .collect()
    }

    #[test]
    fn binary_without_nul_bytes_does_not_read_as_text() {
        for (len, low) in [(4096, 0x80), (65_536, 0x80), (65_536, 0x01), (300, 0x80)] {
            let decoded = decode(&noise(len, low), None);
            assert!(
                !reads_as_text(&decoded),
                "{len} bytes from {low:#x} read as {} text",
                decoded.encoding
            );
        }
        assert!(!reads_as_text(&decode(b"text\0more text", None)));
    }

    #[test]
    fn text_in_every_script_reads_as_text() {
        let samples: [(&[u8], &str); 5] = [
            (b"Plain ASCII headline\n\nA paragraph of text.", "UTF-8"),
            ("Заголовок новости\n\nТекст статьи о рынке и экономике страны.".as_bytes(), "UTF-8"),
            (
                b"\xc7\xe0\xe3\xee\xeb\xee\xe2\xee\xea \xed\xee\xe2\xee\xf1\xf2\xe8 \xe8 \xf2\xe5\xea\xf1\xf2 \xf1\xf2\xe0\xf2\xfc\xe8 \xee \xf0\xfb\xed\xea\xe5",
                "windows-1251",
            ),
            ("阿里巴巴领投月之暗面十亿美元融资。该公司表示，资金将用于研发。".as_bytes(), "UTF-8"),
            (b"Caf\xe9 owners \x93win\x94 appeal against the d\xe9cision", "windows-1252"),
        ];
        for (bytes, encoding) in samples {
            let decoded = decode(bytes, None);
            assert_eq!(decoded.encoding, encoding, "{}", decoded.text);
            assert!(reads_as_text(&decoded), "{}", decoded.text);
        }
    }

    #[test]
    fn binary_garbage_decodes_without_panic() {
        let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let decoded = decode(&body, Some("text/html; charset=nonsense"));
        assert!(!decoded.text.is_empty());
    }
}
