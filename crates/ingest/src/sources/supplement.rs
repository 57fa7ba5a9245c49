//! A second, lenient pass over a feed's markup that fills what feed-rs leaves out but feed readers
//! honour: a lone `media:thumbnail` or image enclosure as the lead image, and Dublin Core / iTunes
//! elements (`dc:title`, `dc:creator`, `dc:date`, `dcterms:modified`, `dcterms:issued`,
//! `dc:description`, `itunes:author`, `itunes:summary`) on the channel and on items.
//! Further fallbacks: titles in any letter case, `media:title`, `itunes:category` (nested ones
//! too), Atom 0.3 `info` / `itunes:subtitle` as a description, base64 text constructs, dates in
//! the shapes [`super::dates`] reads, and an RSS item's second summary (`description` and
//! `summary` both given) kept as its content. When feed-rs kept no items at all, the items found
//! here stand on their own.
//!
//! It also tracks `xml:base` through the document, so that relative links in an item's summary
//! and content resolve against the base in effect where they were written (else the feed URL).
//!
//! Items are matched by position (feed-rs keeps document order) and only when the counts agree,
//! so nothing is attributed to the wrong item. Values mostly fill empty fields; decoded base64
//! and naked markup replace what feed-rs read verbatim.

use chrono::{DateTime, Utc};

use super::dates::parse_loose_date;
use super::feed::{absolutize, author_name, looks_like_image, normalise_language};
use super::sitemap::parse_w3c_date;
use super::text::{collapse_whitespace, plain_text};
use super::{FeedItem, FeedMeta, ParsedSource};
use crate::markup::{Tag, decode_entities, resolve_relative_urls, scan_tags};

/// What the pass found for the channel or one item.
#[derive(Debug, Default)]
struct Found {
    /// RSS 1.0 `rdf:about`: the item's URI.
    about: Option<String>,
    image: Option<String>,
    title: Option<String>,
    author: Option<String>,
    description: Option<String>,
    published: Option<DateTime<Utc>>,
    updated: Option<DateTime<Utc>>,
    /// `dc:date`: publication or modification, whichever the publisher meant.
    date: Option<DateTime<Utc>>,
    language: Option<String>,
    /// Raw inner markup of a plain-typed `title` holding naked HTML elements.
    naked_title: Option<String>,
    /// Same for the description / summary / subtitle.
    naked_description: Option<String>,
    /// Full content found outside feed-rs's reach (XHTML `<body>`, base64 `<content>`).
    content: Option<String>,
    /// `dc:subject`, `media:category` and `itunes:category` values.
    categories: Vec<String>,
    /// Plain text of the first `title` element in any letter case, read as its type says.
    plain_title: Option<String>,
    /// `media:title`, the title of an item that has no other.
    media_title: Option<String>,
    /// Atom 0.3 `info`, `itunes:subtitle` or FeedBurner's `browserFriendly`: a description
    /// of last resort, plain text.
    info: Option<String>,
    /// Base64 content: overrides what feed-rs kept undecoded.
    base64_content: Option<String>,
    /// Raw text of the first publication date element (`pubDate`, `published`, `issued`),
    /// read leniently when the strict readers gave nothing.
    raw_published: Option<String>,
    /// Same for the last-modification date (`updated`, `modified`, `lastBuildDate`).
    raw_updated: Option<String>,
    /// An RSS item's `description` and `summary` texts, in document order, first of each.
    summaries: Vec<(String, String)>,
    /// The base URL in effect at the item (`xml:base`, else the document's URL).
    item_base: Option<String>,
    /// The base URL in effect at its summary / description.
    summary_base: Option<String>,
    /// The base URL in effect at its full content.
    content_base: Option<String>,
}

/// How many open elements a closing tag may skip to find its match: deeper mismatches (broken
/// markup) are ignored rather than searched, which keeps hostile input linear.
const BASE_MATCH_WINDOW: usize = 64;

/// Elements deeper than this do not change the base (real feeds nest a dozen levels).
const BASE_MAX_DEPTH: usize = 256;

/// A longer resolved base is ignored: real URLs are far shorter, hostile ones grow per level.
const BASE_MAX_LEN: usize = 4096;

/// The `xml:base` in effect, element by element.
struct BaseStack {
    open: Vec<(String, Option<String>)>,
    document: Option<String>,
}

impl BaseStack {
    fn current(&self) -> Option<&str> {
        self.open
            .last()
            .and_then(|(_, base)| base.as_deref())
            .or(self.document.as_deref())
    }

    fn enter(&mut self, tag: &Tag) {
        if tag.self_closing || self.open.len() >= BASE_MAX_DEPTH {
            return;
        }
        let base = match tag.attr("xml:base").map(str::trim) {
            Some(declared) => Some(match self.current() {
                Some(current) => absolutize(declared, Some(current)),
                None => declared.to_string(),
            }),
            None => self.current().map(str::to_string),
        }
        .filter(|base| base.len() <= BASE_MAX_LEN)
        .or_else(|| self.current().map(str::to_string));
        self.open.push((tag.name.clone(), base));
    }

    fn leave(&mut self, tag: &Tag) {
        let window = self.open.len().saturating_sub(BASE_MATCH_WINDOW);
        if let Some(at) = self.open[window..]
            .iter()
            .rposition(|(name, _)| *name == tag.name)
        {
            self.open.truncate(window + at);
        }
    }
}

/// Fills empty fields of `parsed` from the raw markup `text`.
pub fn supplement_from_markup(text: &str, parsed: &mut ParsedSource, base_url: Option<&str>) {
    let mut channel = Found::default();
    let mut items: Vec<Found> = Vec::new();
    let mut depth_in_item = 0usize;
    let mut depth_in_aside = 0usize;
    let mut bases = BaseStack {
        open: Vec::new(),
        document: base_url.map(str::to_string),
    };
    for tag in scan_tags(text) {
        if tag.closing {
            bases.leave(&tag);
        } else {
            bases.enter(&tag);
        }
        let name = tag.name.as_str();
        // Titles of a channel's image or text input, or of an entry's source, are not its own.
        if matches!(name, "image" | "textinput" | "source") && !tag.self_closing {
            if tag.closing {
                depth_in_aside = depth_in_aside.saturating_sub(1);
            } else {
                depth_in_aside += 1;
            }
            continue;
        }
        if matches!(name, "item" | "entry") {
            if tag.closing {
                depth_in_item = depth_in_item.saturating_sub(1);
            } else if !tag.self_closing {
                depth_in_item += 1;
                items.push(Found {
                    about: tag
                        .attr("rdf:about")
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string),
                    item_base: bases.current().map(str::to_string),
                    ..Found::default()
                });
            }
            continue;
        }
        if tag.closing {
            continue;
        }
        let target = if depth_in_item > 0 {
            match items.last_mut() {
                Some(found) => found,
                None => continue,
            }
        } else {
            &mut channel
        };
        match name {
            "description" | "summary" if depth_in_item > 0 => {
                fill(&mut target.summary_base, || {
                    bases.current().map(str::to_string)
                });
                if !tag.self_closing
                    && !target.summaries.iter().any(|(n, _)| *n == tag.name)
                    && let Some(value) = element_text(text, &tag)
                {
                    target.summaries.push((tag.name.clone(), value));
                }
            }
            "content" | "content:encoded" | "body" | "xhtml:body" | "fullitem"
                if depth_in_item > 0 =>
            {
                fill(&mut target.content_base, || {
                    bases.current().map(str::to_string)
                });
            }
            _ => {}
        }
        match name {
            "media:thumbnail" | "media:content" | "enclosure" if depth_in_item > 0 => {
                fill(&mut target.image, || image_url(&tag));
            }
            "itunes:category" => {
                if let Some(category) = tag.attr("text").map(collapse_whitespace)
                    && !category.is_empty()
                {
                    target.categories.push(category);
                }
            }
            _ if tag.self_closing => {}
            "dc:title" => fill(&mut target.title, || element_text(text, &tag)),
            "dc:creator" | "dc:author" | "itunes:author" => {
                fill(&mut target.author, || element_text(text, &tag))
            }
            "dc:description" | "itunes:summary" => {
                fill(&mut target.description, || element_text(text, &tag))
            }
            "dc:date" => fill(&mut target.date, || {
                element_text(text, &tag).and_then(|t| parse_date(&t))
            }),
            "dcterms:modified" => fill(&mut target.updated, || {
                element_text(text, &tag).and_then(|t| parse_date(&t))
            }),
            "dcterms:issued" | "dcterms:created" => fill(&mut target.published, || {
                element_text(text, &tag).and_then(|t| parse_date(&t))
            }),
            "dc:language" => fill(&mut target.language, || element_text(text, &tag)),
            "dc:subject" | "media:category" => {
                if let Some(subject) = element_text(text, &tag) {
                    target.categories.push(subject);
                }
            }
            "title" => {
                fill(&mut target.naked_title, || {
                    base64_text(text, &tag).or_else(|| naked_markup(text, &tag))
                });
                if depth_in_aside == 0 {
                    fill(&mut target.plain_title, || text_construct_plain(text, &tag));
                }
            }
            "pubdate" | "published" | "issued" => {
                fill(&mut target.raw_published, || element_text(text, &tag))
            }
            "updated" | "modified" | "lastbuilddate" => {
                fill(&mut target.raw_updated, || element_text(text, &tag))
            }
            "media:title" => fill(&mut target.media_title, || text_construct_plain(text, &tag)),
            "info" | "itunes:subtitle" | "feedburner:browserfriendly" => {
                fill(&mut target.info, || text_construct_plain(text, &tag))
            }
            "fullitem" if depth_in_item > 0 => fill(&mut target.content, || {
                element_text(text, &tag).filter(|_| !tag.self_closing)
            }),
            "description" | "summary" | "subtitle" | "tagline" => {
                fill(&mut target.naked_description, || {
                    base64_text(text, &tag).or_else(|| naked_markup(text, &tag))
                })
            }
            "content" => fill(&mut target.base64_content, || base64_text(text, &tag)),
            "body" | "xhtml:body" if depth_in_item > 0 => fill(&mut target.content, || {
                raw_inner(text, &tag).map(str::to_string)
            }),
            _ => {}
        }
    }
    fill_meta(&mut parsed.meta, channel);
    // feed-rs drops items it cannot read (an RSS 1.0 item without a link): when it kept none,
    // the items found here stand on their own.
    if parsed.items.is_empty() {
        parsed.items = vec![FeedItem::default(); items.len()];
    }
    if items.len() == parsed.items.len() {
        for (item, found) in parsed.items.iter_mut().zip(items) {
            fill_item(item, found, base_url);
        }
    }
}

fn fill<T>(slot: &mut Option<T>, value: impl FnOnce() -> Option<T>) {
    if slot.is_none() {
        *slot = value();
    }
}

fn fill_meta(meta: &mut FeedMeta, found: Found) {
    if let Some(raw) = &found.naked_title {
        meta.title = plain_text(raw).or(meta.title.take());
    }
    if let Some(raw) = &found.naked_description {
        meta.description = plain_text(raw).or(meta.description.take());
    }
    meta.title = meta
        .title
        .take()
        .or(found.title.as_deref().and_then(plain_text));
    meta.title = meta.title.take().or(found.plain_title);
    meta.description = meta.description.take().or(found.description).or(found.info);
    meta.updated = meta
        .updated
        .or(found.updated)
        .or(found.date)
        .or(found.published);
    if meta.updated.is_none() {
        meta.updated = found
            .raw_updated
            .as_deref()
            .or(found.raw_published.as_deref())
            .and_then(parse_loose_date);
    }
    meta.language = meta
        .language
        .take()
        .or(found.language.as_deref().map(normalise_language));
}

fn fill_item(item: &mut FeedItem, found: Found, base_url: Option<&str>) {
    item.guid = item.guid.take().or(found.about);
    if let Some(raw) = &found.naked_title {
        item.title = plain_text(raw).or(item.title.take());
    }
    if let Some(raw) = found.naked_description.as_deref().map(str::trim) {
        item.summary = Some(raw.to_string());
    }
    if let Some(decoded) = found.base64_content {
        item.content_html = Some(decoded.trim().to_string());
    }
    if item.content_html.is_none() {
        item.content_html = found.content.map(|c| c.trim().to_string());
    }
    // An RSS item with both a `description` and a `summary`: the first is the summary, the
    // second the fuller text, rather than one of them being lost.
    if item.content_html.is_none()
        && let [(_, first), (_, second)] = found.summaries.as_slice()
    {
        item.summary = Some(first.clone());
        item.content_html = Some(second.clone());
    }
    for category in found.categories {
        if !item.categories.contains(&category) {
            item.categories.push(category);
        }
    }
    if item.image.is_none() {
        item.image = found.image.map(|href| absolutize(&href, base_url));
    }
    item.title = item
        .title
        .take()
        .or(found.title.as_deref().and_then(plain_text))
        .or(found.plain_title)
        .or(found.media_title);
    if item.authors.is_empty()
        && let Some(author) = found.author.as_deref().and_then(author_name)
    {
        item.authors.push(author);
    }
    item.summary = item.summary.take().or(found.description);
    item.published = item.published.or(found.published);
    item.updated = item.updated.or(found.updated);
    if item.published.is_none() {
        item.published = found.raw_published.as_deref().and_then(parse_loose_date);
    }
    if item.updated.is_none() {
        item.updated = found.raw_updated.as_deref().and_then(parse_loose_date);
    }
    if item.published.is_none() && item.updated.is_none() {
        item.published = found.date;
    }
    item.language = item
        .language
        .take()
        .or(found.language.as_deref().map(normalise_language));
    // Relative links in the HTML resolve against the base in effect where it was written.
    let item_base = found.item_base.as_deref();
    if let Some(base) = found.summary_base.as_deref().or(item_base) {
        item.summary = item.summary.take().map(|s| resolve_relative_urls(&s, base));
    }
    if let Some(base) = found.content_base.as_deref().or(item_base) {
        item.content_html = item
            .content_html
            .take()
            .map(|c| resolve_relative_urls(&c, base));
    }
}

fn image_url(tag: &Tag) -> Option<String> {
    let url = tag.attr("url").map(str::trim).filter(|u| !u.is_empty())?;
    let declared_image = tag.attr("type").is_some_and(|t| t.starts_with("image/"))
        || tag.attr("medium") == Some("image");
    let is_image = tag.name == "media:thumbnail"
        || declared_image
        || (tag.attr("type").is_none() && looks_like_image(url));
    is_image.then(|| url.to_string())
}

/// The text content of the element opened by `tag`: up to the next closing tag of the same
/// name, CDATA unwrapped, entities decoded, whitespace collapsed.
pub(crate) fn element_text(text: &str, tag: &Tag) -> Option<String> {
    let rest = text.get(tag.end..)?;
    let end = find_closing_tag(rest, &tag.name)?;
    let raw = &rest[..end];
    let unwrapped = match raw.trim().strip_prefix("<![CDATA[") {
        Some(inner) => inner.strip_suffix("]]>").unwrap_or(inner).to_string(),
        None => decode_entities(raw),
    };
    let value = collapse_whitespace(&unwrapped);
    (!value.is_empty()).then_some(value)
}

/// The plain text of a text element read as its type or mode says: base64 decoded; escaped
/// HTML (`type="html"`, `mode="escaped"`, CDATA) unescaped once and stripped of tags; plain or
/// inline XML stripped of tags with its entities decoded once.
fn text_construct_plain(text: &str, tag: &Tag) -> Option<String> {
    if tag.self_closing {
        return None;
    }
    if let Some(decoded) = base64_text(text, tag) {
        return plain_text(&decoded);
    }
    let raw = raw_inner(text, tag)?;
    if let Some(inner) = raw.strip_prefix("<![CDATA[") {
        let inner = inner.strip_suffix("]]>").unwrap_or(inner);
        return plain_text(inner);
    }
    let ty = tag.attr("type").unwrap_or("").to_ascii_lowercase();
    let escaped = tag.attr("mode") == Some("escaped") || ty == "html" || ty == "text/html";
    if escaped {
        plain_text(&decode_entities(raw))
    } else {
        plain_text(raw)
    }
}

/// The raw inner markup of a text element that holds unescaped HTML elements although its type
/// says plain text (a publisher error feed readers render as HTML); `None` otherwise, and for
/// typed (`html`, `xhtml`, escaped) content, which the feed parser reads correctly.
fn naked_markup(text: &str, tag: &Tag) -> Option<String> {
    let typed = tag.attr("type").is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t != "text" && t != "text/plain"
    }) || tag.attr("mode").is_some();
    if typed {
        return None;
    }
    let raw = raw_inner(text, tag)?;
    let has_elements = !raw.starts_with("<![CDATA[")
        && raw
            .match_indices('<')
            .any(|(at, _)| raw[at + 1..].starts_with(|c: char| c.is_ascii_alphabetic()));
    has_elements.then(|| raw.to_string())
}

/// The offset in `rest` of the first `</name` (name compared without regard to ASCII case),
/// found without copying `rest`, so that reading every element stays linear in the document.
fn find_closing_tag(rest: &str, name: &str) -> Option<usize> {
    rest.match_indices("</").map(|(at, _)| at).find(|&at| {
        rest.as_bytes()
            .get(at + 2..at + 2 + name.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// The raw inner markup of the element opened by `tag`, trimmed.
fn raw_inner<'a>(text: &'a str, tag: &Tag) -> Option<&'a str> {
    let rest = text.get(tag.end..)?;
    let end = find_closing_tag(rest, &tag.name)?;
    Some(rest[..end].trim())
}

/// The decoded text of a base64 element (Atom 0.3 `mode="base64"`, or an Atom 1.0 text with a
/// non-text MIME type such as `application/octet-stream`).
fn base64_text(text: &str, tag: &Tag) -> Option<String> {
    let is_base64 = tag.attr("mode") == Some("base64")
        || tag.attr("type").is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t.contains('/') && !t.starts_with("text/") && !t.contains("xml") && !t.contains("html")
        });
    if !is_base64 {
        return None;
    }
    let bytes = decode_base64(raw_inner(text, tag)?)?;
    String::from_utf8(bytes).ok()
}

/// Standard base64 (whitespace ignored, padding optional); `None` on any other character.
fn decode_base64(encoded: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(encoded.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for byte in encoded.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b if b.is_ascii_whitespace() => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// W3C dates (Dublin Core) or RFC 2822.
pub(crate) fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    parse_w3c_date(text).or_else(|| {
        DateTime::parse_from_rfc2822(text.trim())
            .ok()
            .map(|d| d.with_timezone(&Utc))
    })
}

#[cfg(test)]
mod tests {
    use super::decode_base64;
    use crate::sources::parse_source;

    #[test]
    fn base64_decodes() {
        assert_eq!(
            decode_base64("RXhhbXBsZSA8Yj5BdG9tPC9iPg==").as_deref(),
            Some(&b"Example <b>Atom</b>"[..])
        );
        assert_eq!(decode_base64(" YQ\n").as_deref(), Some(&b"a"[..]));
        assert_eq!(decode_base64("YQ!").as_deref(), None);
        assert_eq!(decode_base64("YWI").as_deref(), Some(&b"ab"[..]));
    }

    #[test]
    fn dublin_core_and_itunes_fill_gaps() {
        let rss = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/">
<channel><dc:title>DC channel</dc:title><dc:date>2003-12-31T10:14:55Z</dc:date>
<item><dc:title>DC &amp; item</dc:title><dc:creator>Example editor</dc:creator><dc:subject>AI</dc:subject>
<dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued><media:thumbnail url="/t.jpg"/></item>
<item><title>Own title</title><dc:title>ignored</dc:title><itunes:author>Pod Person</itunes:author>
<itunes:category text="Tech"><itunes:category text="Gadgets"/></itunes:category>
<itunes:summary><![CDATA[Pod <b>summary</b>]]></itunes:summary></item>
</channel></rss>"#;
        let parsed = parse_source(rss, Some("https://x.test/feed")).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("DC channel"));
        assert!(parsed.meta.updated.is_some());
        let first = &parsed.items[0];
        assert_eq!(first.title.as_deref(), Some("DC & item"));
        assert_eq!(first.authors, ["Example editor"]);
        assert_eq!(first.categories, ["AI"]);
        assert!(first.published.is_some());
        assert_eq!(first.image.as_deref(), Some("https://x.test/t.jpg"));
        let second = &parsed.items[1];
        assert_eq!(second.title.as_deref(), Some("Own title"));
        assert_eq!(second.authors, ["Pod Person"]);
        assert_eq!(second.categories, ["Tech", "Gadgets"]);
        assert_eq!(second.summary.as_deref(), Some("Pod <b>summary</b>"));
    }

    #[test]
    fn description_and_summary_both_survive() {
        let rss = r#"<rss version="2.0"><channel><item><summary>Short</summary>
<description>&lt;p&gt;Long&lt;/p&gt;</description></item></channel></rss>"#;
        let parsed = parse_source(rss, None).expect("parses");
        assert_eq!(parsed.items[0].summary.as_deref(), Some("Short"));
        assert_eq!(parsed.items[0].content_html.as_deref(), Some("<p>Long</p>"));
    }

    #[test]
    fn relative_links_follow_xml_base() {
        let rss = r#"<rss version="2.0" xml:base="http://a.test/x/"><channel>
<item xml:base="sub/"><description>&lt;a href="p.html"&gt;p&lt;/a&gt;</description></item>
<item><description>&lt;img src="/i.png"&gt;</description></item></channel></rss>"#;
        let parsed = parse_source(rss, Some("http://feed.test/rss")).expect("parses");
        assert_eq!(
            parsed.items[0].summary.as_deref(),
            Some(r#"<a href="http://a.test/x/sub/p.html">p</a>"#)
        );
        assert_eq!(
            parsed.items[1].summary.as_deref(),
            Some(r#"<img src="http://a.test/i.png">"#)
        );
    }

    #[test]
    fn deep_and_unbalanced_markup_stays_linear() {
        let mut rss = String::from("<rss version=\"2.0\"><channel><item><description>");
        for _ in 0..20_000 {
            rss.push_str("<x xml:base=\"a/\"></y>");
        }
        rss.push_str("</description></item></channel></rss>");
        let _ = parse_source(&rss, Some("http://x.test/"));
        // The lenient pass on its own (feed-rs rejects this markup before it runs).
        let mut parsed = crate::sources::ParsedSource {
            meta: crate::sources::FeedMeta::empty(crate::sources::SourceKind::Rss),
            items: Vec::new(),
            child_sitemaps: Vec::new(),
            discovered_feeds: Vec::new(),
        };
        let started = std::time::Instant::now();
        super::supplement_from_markup(&rss, &mut parsed, Some("http://x.test/"));
        assert_eq!(parsed.items.len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
