//! Syndication feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) through feed-rs, mapped to plain
//! [`FeedItem`]s the way a feed reader reads them: HTML titles become text, the item link is the
//! alternate link (or the guid when that is a URL), relative links resolve against the feed URL,
//! generated ids are not passed off as guids.
//!
//! Before parsing, the decoded text is made palatable to a strict XML parser: its declaration is
//! relabelled UTF-8 (the text is already decoded), HTML named entities (`&nbsp;`) are replaced by
//! their characters, and an `<rss>` root with an unknown or missing version is read as RSS 2.0.

use std::borrow::Cow;

use feed_rs::model::{Entry, Feed, Link, Text};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};

use super::text::{collapse_whitespace, is_web_url, plain_text};
use super::{FeedItem, FeedMeta, ParsedSource, SourceError, SourceKind};
use crate::fetch::charset::relabel_xml_as_utf8;
use crate::markup::{attribute_value_span, scan_tags};

/// Parses a decoded feed document. `kind` is the sniffed kind (refined from the parse).
pub fn parse_feed(
    text: &str,
    base_url: Option<&str>,
    kind: SourceKind,
) -> Result<ParsedSource, SourceError> {
    let prepared = if kind == SourceKind::JsonFeed {
        Cow::Borrowed(text)
    } else {
        let relabelled = relabel_xml_as_utf8(text);
        let upgraded = upgrade_atom03(&relabelled);
        let dialect = super::dialect::normalise_dialect(&upgraded);
        let declared = declared_entities(&dialect);
        Cow::Owned(replace_html_entities(&dialect, &declared).into_owned())
    };
    // feed-rs rejects Atom text constructs with a type it does not know; the supplement pass
    // reads those (base64, XML media types) from the untouched markup.
    let for_feed_rs = if kind == SourceKind::Atom {
        known_text_types(&prepared)
    } else {
        Cow::Borrowed(prepared.as_ref())
    };
    let feed = match parse_with_feed_rs(&for_feed_rs, base_url) {
        Err(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot)) if kind == SourceKind::Rss => {
            match force_rss2_version(&for_feed_rs) {
                Some(fixed) => parse_with_feed_rs(&fixed, base_url),
                None => Err(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot)),
            }
        }
        other => other,
    }
    .map_err(|e| SourceError::MalformedFeed {
        kind,
        reason: e.to_string(),
    })?;
    let mut parsed = map_feed(feed, kind, base_url);
    if kind != SourceKind::JsonFeed {
        super::supplement::supplement_from_markup(&prepared, &mut parsed, base_url);
    }
    Ok(parsed)
}

fn parse_with_feed_rs(text: &str, base_url: Option<&str>) -> Result<Feed, ParseFeedError> {
    let text = defuse_late_declarations(text);
    feed_rs::parser::Builder::new()
        .base_uri(base_url)
        // A generated id is not the publisher's: leave it empty and map it to `None`.
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(text.as_bytes())
}

/// `text` with the XML declarations that follow its start turned into processing instructions
/// (`<?xml` becomes `<?Xml`), which feed-rs ignores. feed-rs hands the encoding of every
/// declaration it meets to quick-xml, which panics when one past the start names another
/// encoding than the first; the text is decoded already, and a declaration there is not
/// well-formed XML anyway (feeds glued together by a CMS carry them). One letter changes,
/// wherever the parser is (in a comment, a CDATA section or an attribute value alike), so no
/// declaration can reach it.
fn defuse_late_declarations(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let mut from = text.len() - trimmed.len();
    if trimmed.starts_with("<?xml") {
        from += trimmed.find("?>").map_or(trimmed.len(), |end| end + 2);
    }
    let mut out: Option<String> = None;
    for (at, _) in text[from..].match_indices("<?xml") {
        let at = from + at;
        // quick-xml reads `<?xml` as a declaration when a space or `?>` follows.
        let next = text.as_bytes().get(at + 5);
        if next.is_none_or(|&b| b == b'?' || b.is_ascii_whitespace()) {
            out.get_or_insert_with(|| text.to_owned())
                .replace_range(at + 2..at + 3, "X");
        }
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Rewrites the `<rss …>` root so that its version reads `2.0`.
fn force_rss2_version(text: &str) -> Option<String> {
    let start = text.find("<rss")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    let attrs = tag.trim_start_matches("<rss");
    let mut cleaned = String::new();
    let mut rest = attrs;
    // Drop any existing version attribute.
    if let Some(at) = rest.find("version") {
        cleaned.push_str(&rest[..at]);
        let after = &rest[at + "version".len()..];
        let after = after
            .trim_start()
            .strip_prefix('=')
            .unwrap_or(after)
            .trim_start();
        rest = match after.chars().next() {
            Some(q @ ('"' | '\'')) => after[1..].find(q).map_or("", |e| &after[e + 2..]),
            _ => after.find(char::is_whitespace).map_or("", |e| &after[e..]),
        };
    }
    cleaned.push_str(rest);
    let cleaned = cleaned.trim_end_matches('/');
    let self_closing = tag.ends_with('/');
    let body = &text[end + 1..];
    // Items straight under `<rss>`, without the `<channel>` RSS requires: supply it.
    let body = match body.rfind("</rss>") {
        Some(close) if !self_closing && !body.contains("<channel") => {
            format!("<channel>{}</channel>{}", &body[..close], &body[close..])
        }
        _ => body.to_string(),
    };
    Some(format!(
        "{}<rss version=\"2.0\"{}{}>{}",
        &text[..start],
        cleaned,
        if self_closing { "/" } else { "" },
        body
    ))
}

/// The Atom 0.3 namespace, still served by old blogs.
const ATOM03_NS: &str = "http://purl.org/atom/ns#";

/// Rewrites an Atom 0.3 document into the Atom 1.0 vocabulary feed-rs reads: the namespace, the
/// renamed elements (`modified`→`updated`, `issued`→`published`, `tagline`→`subtitle`,
/// `copyright`→`rights`, author `url`→`uri`) and MIME-style text types (`text/html`→`html`).
fn upgrade_atom03(text: &str) -> Cow<'_, str> {
    if !text.contains(ATOM03_NS) {
        return Cow::Borrowed(text);
    }
    let mut out = text.replace(ATOM03_NS, "http://www.w3.org/2005/Atom");
    for (old, new) in [
        ("modified", "updated"),
        ("issued", "published"),
        ("tagline", "subtitle"),
        ("copyright", "rights"),
        ("url", "uri"),
    ] {
        for (from, to) in [
            (format!("<{old}>"), format!("<{new}>")),
            (format!("<{old} "), format!("<{new} ")),
            (format!("</{old}>"), format!("</{new}>")),
        ] {
            out = out.replace(&from, &to);
        }
    }
    for (old, new) in [
        ("text/html", "html"),
        ("application/xhtml+xml", "xhtml"),
        ("text/plain", "text"),
    ] {
        out = out
            .replace(&format!("type=\"{old}\""), &format!("type=\"{new}\""))
            .replace(&format!("type='{old}'"), &format!("type='{new}'"));
    }
    Cow::Owned(keep_atom03_inline_roots(&out))
}

/// Atom 0.3 inline XML content is the element's children as written, with no wrapper `<div>`
/// to drop as Atom 1.0 `xhtml` has: each such element gets one added, which feed-rs removes,
/// so the publisher's own outer element survives.
fn keep_atom03_inline_roots(text: &str) -> String {
    let mut insertions: Vec<(usize, &'static str)> = Vec::new();
    let mut open: Option<String> = None;
    for tag in scan_tags(text) {
        match &open {
            None if !tag.closing
                && !tag.self_closing
                && TEXT_CONSTRUCTS.contains(&tag.name.as_str())
                && tag.attr("type") == Some("xhtml")
                && tag.attr("mode").is_none_or(|mode| mode == "xml") =>
            {
                insertions.push((tag.end, "<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
                open = Some(tag.name.clone());
            }
            Some(name) if tag.closing && tag.name == *name => {
                insertions.push((tag.offset, "</div>"));
                open = None;
            }
            _ => {}
        }
    }
    if open.is_some() {
        // Unclosed: leave the document as it was rather than unbalance it further.
        insertions.pop();
    }
    let mut out = String::with_capacity(text.len() + insertions.len() * 48);
    let mut at = 0;
    for (position, insert) in insertions {
        out.push_str(&text[at..position]);
        out.push_str(insert);
        at = position;
    }
    out.push_str(&text[at..]);
    out
}

/// Atom text elements whose `type` attribute feed-rs checks.
const TEXT_CONSTRUCTS: [&str; 5] = ["title", "subtitle", "summary", "rights", "content"];

/// Rewrites the `type` of Atom text constructs into one feed-rs accepts: XML media types become
/// `xhtml`, other unknown ones (empty, `application/octet-stream`, `text/plain`) become `text`.
/// `content` keeps real media types, which feed-rs reads itself; only an empty one is fixed.
fn known_text_types(text: &str) -> Cow<'_, str> {
    let mut edits: Vec<(usize, usize, &'static str)> = Vec::new();
    for tag in scan_tags(text) {
        if tag.closing || !TEXT_CONSTRUCTS.contains(&tag.name.as_str()) {
            continue;
        }
        let Some(ty) = tag.attr("type") else {
            continue;
        };
        let lower = ty.trim().to_ascii_lowercase();
        let replacement = match lower.as_str() {
            "text" | "html" | "xhtml" | "text/html" => continue,
            _ if tag.name == "content" && lower.contains('/') => continue,
            t if t.ends_with("+xml") || t.ends_with("/xml") => "xhtml",
            _ => "text",
        };
        let source = &text[tag.offset..tag.end];
        if let Some((start, end)) = attribute_value_span(source, "type") {
            edits.push((tag.offset + start, tag.offset + end, replacement));
        }
    }
    if edits.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Entities declared in the document's internal DTD subset (`<!ENTITY id "value">`), limited to
/// plain values (no markup, no nested references) so that expansion stays linear.
fn declared_entities(text: &str) -> Vec<(String, String)> {
    let head = &text[..super::floor_boundary(text, 65_536)];
    let Some(doctype) = head.find("<!DOCTYPE") else {
        return Vec::new();
    };
    let Some(subset_end) = head[doctype..].find("]>").map(|e| doctype + e) else {
        return Vec::new();
    };
    let mut entities = Vec::new();
    let mut rest = &head[doctype..subset_end];
    while let Some(at) = rest.find("<!ENTITY") {
        rest = &rest[at + "<!ENTITY".len()..];
        let decl_end = rest.find('>').unwrap_or(rest.len());
        let decl = &rest[..decl_end];
        rest = &rest[decl_end..];
        let mut parts = decl.trim().splitn(2, char::is_whitespace);
        let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
            continue;
        };
        let value = value.trim();
        let Some(quote) = value.chars().next().filter(|q| matches!(q, '"' | '\'')) else {
            continue;
        };
        let Some(inner) = value[1..].strip_suffix(quote) else {
            continue;
        };
        let plain = !inner.contains(['&', '<', '%']);
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if plain && valid_name && inner.len() <= 1024 && entities.len() < 64 {
            entities.push((name.to_string(), inner.to_string()));
        }
    }
    entities
}

/// Replaces HTML named entities that XML does not define by their characters, and entities the
/// document's DTD declares by their values.
fn replace_html_entities<'a>(text: &'a str, declared: &[(String, String)]) -> Cow<'a, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // CDATA sections and comments are literal: copy them through untouched.
        if let Some((open, close)) = [("<![CDATA[", "]]>"), ("<!--", "-->")]
            .into_iter()
            .find(|(open, _)| rest.starts_with(open))
        {
            let end = rest[open.len()..]
                .find(close)
                .map_or(rest.len(), |e| open.len() + e + close.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        if rest.starts_with('<') {
            out.push('<');
            rest = &rest[1..];
            continue;
        }
        let (replacement, used) = match declared.iter().find(|(name, _)| {
            rest[1..].starts_with(name.as_str()) && rest[1 + name.len()..].starts_with(';')
        }) {
            Some((name, value)) => (Cow::Owned(escape_xml_text(value)), name.len() + 2),
            None => repair_reference(rest),
        };
        out.push_str(&replacement);
        rest = &rest[used..];
    }
    out.push_str(rest);
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// Escapes the XML markup characters of a text value, quotes included (it may land in an
/// attribute).
fn escape_xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Repairs the reference starting at `&` in `rest`: character references and XML's own entities
/// stay, HTML named entities become their characters (markup characters stay escaped), unknown
/// named ones stay (a DTD may declare them), and a bare `&` becomes `&amp;`. Returns the text
/// to emit and the bytes consumed.
fn repair_reference(rest: &str) -> (Cow<'static, str>, usize) {
    let body = &rest[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix_len) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (
                hex.len()
                    - hex
                        .trim_start_matches(|c: char| c.is_ascii_hexdigit())
                        .len(),
                1,
            ),
            None => (
                num.len() - num.trim_start_matches(|c: char| c.is_ascii_digit()).len(),
                0,
            ),
        };
        let end = 2 + radix_len + digits;
        if digits > 0 && rest.as_bytes().get(end) == Some(&b';') {
            return (Cow::Owned(rest[..=end].to_string()), end + 1);
        }
        return (Cow::Borrowed("&amp;"), 1);
    }
    let name_len = body.len()
        - body
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
            .len();
    let name = &body[..name_len];
    if name.is_empty() || rest.as_bytes().get(1 + name_len) != Some(&b';') {
        return (Cow::Borrowed("&amp;"), 1);
    }
    let used = name_len + 2;
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        return (Cow::Owned(rest[..used].to_string()), used);
    }
    match quick_xml::escape::resolve_html5_entity(name) {
        Some("&") => (Cow::Borrowed("&amp;"), used),
        Some("<") => (Cow::Borrowed("&lt;"), used),
        Some(">") => (Cow::Borrowed("&gt;"), used),
        Some(value) => (Cow::Owned(value.to_string()), used),
        None => (Cow::Owned(rest[..used].to_string()), used),
    }
}

fn map_feed(feed: Feed, sniffed: SourceKind, base_url: Option<&str>) -> ParsedSource {
    let kind = match feed.feed_type {
        feed_rs::model::FeedType::Atom => SourceKind::Atom,
        feed_rs::model::FeedType::JSON => SourceKind::JsonFeed,
        feed_rs::model::FeedType::RSS0
        | feed_rs::model::FeedType::RSS1
        | feed_rs::model::FeedType::RSS2 => SourceKind::Rss,
    };
    let _ = sniffed;
    let language = feed.language.as_deref().map(normalise_language);
    let meta = FeedMeta {
        kind,
        title: feed.title.as_ref().and_then(text_to_plain),
        site_url: alternate_link(&feed.links).map(|href| absolutize(&href, base_url)),
        description: feed.description.as_ref().and_then(text_to_plain),
        language: language.clone(),
        icon: feed
            .icon
            .as_ref()
            .or(feed.logo.as_ref())
            .map(|image| image.uri.clone()),
        updated: feed.updated,
        ttl_minutes: feed.ttl,
    };
    let items = feed
        .entries
        .into_iter()
        .map(|entry| map_entry(entry, language.as_deref(), base_url))
        .collect();
    ParsedSource {
        meta,
        items,
        child_sitemaps: Vec::new(),
        discovered_feeds: Vec::new(),
    }
}

fn map_entry(entry: Entry, feed_language: Option<&str>, base_url: Option<&str>) -> FeedItem {
    let guid = Some(entry.id.trim().to_string()).filter(|id| !id.is_empty());
    let url = alternate_link(&entry.links)
        .or_else(|| guid.clone().filter(|id| is_web_url(id)))
        .map(|href| absolutize(&href, base_url));
    let image = entry_image(&entry).map(|href| absolutize(&href, base_url));
    FeedItem {
        url,
        title: entry.title.as_ref().and_then(text_to_plain),
        summary: entry
            .summary
            .as_ref()
            .map(|t| without_xhtml_namespace(t.content.trim()))
            .filter(|s| !s.is_empty()),
        content_html: entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref())
            .map(|b| without_xhtml_namespace(b.trim()))
            .filter(|s| !s.is_empty()),
        authors: entry
            .authors
            .iter()
            .filter_map(|p| {
                p.name
                    .as_deref()
                    .and_then(author_name)
                    .or_else(|| p.email.clone())
            })
            .collect(),
        published: entry.published,
        updated: entry.updated,
        image,
        guid,
        categories: entry
            .categories
            .iter()
            .map(|c| {
                let term = collapse_whitespace(&c.term);
                if term.is_empty() {
                    c.label
                        .as_deref()
                        .map(collapse_whitespace)
                        .unwrap_or_default()
                } else {
                    term
                }
            })
            .filter(|c| !c.is_empty())
            .collect(),
        language: entry
            .language
            .as_deref()
            .or(feed_language)
            .map(normalise_language),
    }
}

/// Inline XHTML serialised as HTML: the XHTML namespace declaration, meaningless in HTML, goes.
fn without_xhtml_namespace(html: &str) -> String {
    html.replace(" xmlns=\"http://www.w3.org/1999/xhtml\"", "")
        .replace(" xmlns='http://www.w3.org/1999/xhtml'", "")
}

/// A language tag as BCP 47 writes it: `en_US` → `en-US`.
pub(crate) fn normalise_language(tag: &str) -> String {
    tag.trim().replace('_', "-")
}

/// The person's name from an author string as feeds write it: `Name`, `Name (email)`,
/// `email (Name)`, `Name <email>`, or a bare `(Name)` left over once the email was split off.
pub(crate) fn author_name(raw: &str) -> Option<String> {
    let text = collapse_whitespace(raw);
    let looks_like_email = |s: &str| s.contains('@') && !s.contains(' ');
    let name = if let Some(open) = text.rfind('(')
        && text.ends_with(')')
    {
        let inner = text[open + 1..text.len() - 1].trim();
        let outer = text[..open].trim();
        if outer.is_empty() || looks_like_email(outer) {
            inner.to_string()
        } else {
            outer.to_string()
        }
    } else if let Some(open) = text.find('<')
        && text.ends_with('>')
        && text[open..].contains('@')
    {
        text[..open].trim().to_string()
    } else {
        text
    };
    let name = collapse_whitespace(&name);
    (!name.is_empty()).then_some(name)
}

/// Feed text to plain text: markup is stripped when the text is (X)HTML.
fn text_to_plain(text: &Text) -> Option<String> {
    // RSS says nothing about markup in titles and publishers put it there anyway: plain text
    // that looks like HTML is read as HTML, as feed readers do.
    if text.content_type.subty() == "plain" && !looks_like_html(&text.content) {
        let collapsed = collapse_whitespace(&text.content);
        (!collapsed.is_empty()).then_some(collapsed)
    } else {
        plain_text(&text.content)
    }
}

fn looks_like_html(text: &str) -> bool {
    text.match_indices('<').any(|(at, _)| {
        let after = &text[at + 1..];
        after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
            && after.contains('>')
    })
}

/// The alternate (page) link: `rel="alternate"` or no rel, not an enclosure.
fn alternate_link(links: &[Link]) -> Option<String> {
    let is_page = |l: &&Link| {
        l.rel
            .as_deref()
            .is_none_or(|rel| rel.eq_ignore_ascii_case("alternate"))
            && !l.href.trim().is_empty()
    };
    let html = |l: &&Link| l.media_type.as_deref().is_none_or(|t| t.contains("html"));
    links
        .iter()
        .filter(is_page)
        .find(html)
        .or_else(|| links.iter().find(is_page))
        .map(|l| l.href.trim().to_string())
}

fn entry_image(entry: &Entry) -> Option<String> {
    for media in &entry.media {
        if let Some(thumb) = media.thumbnails.first() {
            return Some(thumb.image.uri.clone());
        }
        for content in &media.content {
            let is_image = content
                .content_type
                .as_ref()
                .is_some_and(|t| t.ty() == "image")
                || content
                    .url
                    .as_ref()
                    .is_some_and(|u| looks_like_image(u.as_str()));
            if is_image && let Some(url) = &content.url {
                return Some(url.to_string());
            }
        }
    }
    entry
        .links
        .iter()
        .find(|l| {
            l.rel.as_deref() == Some("enclosure")
                && l.media_type
                    .as_deref()
                    .is_some_and(|t| t.starts_with("image/"))
        })
        .map(|l| l.href.clone())
}

pub(crate) fn looks_like_image(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

pub(crate) fn absolutize(href: &str, base_url: Option<&str>) -> String {
    match base_url.and_then(|b| url::Url::parse(b).ok()) {
        Some(base) => base
            .join(href)
            .map_or_else(|_| href.to_string(), |u| u.to_string()),
        None => href.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_past_the_start_is_defused_not_handed_to_the_parser() {
        // Found by fuzzing: feed-rs passed the second declaration's encoding to quick-xml,
        // which panicked ("set_encoding() called after prefix buffer was drained").
        let glued = r#"<rss><?xml version="1.0" encoding="windows-1252"?></rss>"#;
        assert!(parse_feed(glued, None, SourceKind::Rss).is_ok());
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><?xml version="1.0" encoding="latin1"?><title>T</title></feed>"#;
        let parsed = parse_feed(atom, None, SourceKind::Atom).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("T"));
        assert_eq!(
            defuse_late_declarations(
                "<?xml version='1.0'?><a><![CDATA[<?xml x?>]]><?xml-stylesheet href='s'?><?xml version='1.0' encoding='latin1'?><?xml?></a>"
            ),
            "<?xml version='1.0'?><a><![CDATA[<?Xml x?>]]><?xml-stylesheet href='s'?><?Xml version='1.0' encoding='latin1'?><?Xml?></a>"
        );
        assert!(matches!(
            defuse_late_declarations("<a><b/></a>"),
            Cow::Borrowed(_)
        ));
        assert_eq!(defuse_late_declarations("<a><?xml"), "<a><?Xml");
        // Wherever it stands: here after a `<![CDATA[` inside an attribute value.
        let in_attribute = r#"<?xml version="1.0"?><feed xmlns="http://www<![CDATA[005/Atom"><?xml version="1.0" encoding="windows-1252"?></feed>"#;
        let _ = parse_feed(in_attribute, None, SourceKind::Atom);
    }
    use crate::sources::parse_source;

    #[test]
    fn rss_items_map_to_plain_fields() {
        let rss = r#"<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Tech &amp; Money</title><link>https://news.example/</link><language>en</language><ttl>15</ttl>
<item><title>Alibaba leads &lt;b&gt;MiniMax&lt;/b&gt; round&nbsp;now</title>
<link>/2024/minimax</link><guid isPermaLink="false">mm-1</guid>
<description>&lt;p&gt;Summary&lt;/p&gt;</description><dc:creator>Jane Doe</dc:creator>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><category>AI</category>
<media:thumbnail url="https://img.example/a.jpg"/></item>
</channel></rss>"#;
        let parsed = parse_source(rss, Some("https://news.example/feed.xml")).expect("parses");
        assert_eq!(parsed.meta.kind, SourceKind::Rss);
        assert_eq!(parsed.meta.title.as_deref(), Some("Tech & Money"));
        assert_eq!(parsed.meta.ttl_minutes, Some(15));
        let item = &parsed.items[0];
        assert_eq!(
            item.title.as_deref(),
            Some("Alibaba leads MiniMax round now")
        );
        assert_eq!(
            item.url.as_deref(),
            Some("https://news.example/2024/minimax")
        );
        assert_eq!(item.guid.as_deref(), Some("mm-1"));
        assert_eq!(item.authors, ["Jane Doe"]);
        assert_eq!(item.categories, ["AI"]);
        assert_eq!(item.image.as_deref(), Some("https://img.example/a.jpg"));
        assert_eq!(
            item.published.map(|d| d.to_rfc3339()),
            Some("2024-03-05T10:00:00+00:00".to_string())
        );
        assert_eq!(item.language.as_deref(), Some("en"));
    }

    #[test]
    fn item_without_link_or_date_uses_a_url_guid_and_no_date() {
        let rss = r#"<rss version="2.0"><channel><title>x</title>
<item><title>Only a guid</title><guid>https://news.example/a</guid></item>
<item><title>Nothing at all</title></item></channel></rss>"#;
        let parsed = parse_source(rss, None).expect("parses");
        assert_eq!(
            parsed.items[0].url.as_deref(),
            Some("https://news.example/a")
        );
        assert_eq!(parsed.items[0].published, None);
        assert_eq!(parsed.items[1].url, None);
        assert_eq!(parsed.items[1].guid, None, "generated ids are not guids");
        assert_eq!(parsed.items[1].date(), None);
    }

    #[test]
    fn rss_without_version_is_read_as_rss2() {
        let rss = "<rss><channel><title>v</title><item><title>i</title></item></channel></rss>";
        let parsed = parse_source(rss, None).expect("parses");
        assert_eq!(parsed.items[0].title.as_deref(), Some("i"));
        let rss = "<rss version='0.94'><channel><title>v</title></channel></rss>";
        assert!(parse_source(rss, None).is_ok());
        let rss = "<rss><item><title>no channel</title></item></rss>";
        let parsed = parse_source(rss, None).expect("channel supplied");
        assert_eq!(parsed.items[0].title.as_deref(), Some("no channel"));
    }

    #[test]
    fn atom_and_json_feed_parse() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;lt;3</title>
<entry><id>tag:x,2024:1</id><title>E</title><link rel="alternate" type="text/html" href="https://x.test/e"/>
<link rel="enclosure" type="image/png" href="https://x.test/e.png"/>
<updated>2024-01-02T03:04:05Z</updated><author><name>Ann</name></author><content type="html">&lt;p&gt;Full&lt;/p&gt;</content></entry></feed>"#;
        let parsed = parse_source(atom, None).expect("atom");
        assert_eq!(parsed.meta.kind, SourceKind::Atom);
        assert_eq!(parsed.meta.title.as_deref(), Some("A <3"));
        let item = &parsed.items[0];
        assert_eq!(item.url.as_deref(), Some("https://x.test/e"));
        assert_eq!(item.guid.as_deref(), Some("tag:x,2024:1"));
        assert_eq!(item.content_html.as_deref(), Some("<p>Full</p>"));
        assert_eq!(item.image.as_deref(), Some("https://x.test/e.png"));
        assert!(item.updated.is_some());
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://j.test/1","title":"One","content_html":"<p>x</p>","date_published":"2024-01-01T00:00:00Z","authors":[{"name":"Bo"}]}]}"#;
        let parsed = parse_source(json, None).expect("json");
        assert_eq!(parsed.meta.kind, SourceKind::JsonFeed);
        assert_eq!(parsed.items[0].url.as_deref(), Some("https://j.test/1"));
        assert_eq!(parsed.items[0].authors, ["Bo"]);
    }

    #[test]
    fn bare_ampersands_and_html_entities_are_repaired() {
        let rss = "<rss version=\"2.0\"><channel><title>AT&T &amp; Co&nbsp;News &#169; &#x2014;</title>\
<item><title><![CDATA[Q&A: keep &amp; as written]]></title></item></channel></rss>";
        let parsed = parse_source(rss, None).expect("repaired");
        assert_eq!(parsed.meta.title.as_deref(), Some("AT&T & Co News © —"));
        assert_eq!(
            parsed.items[0].title.as_deref(),
            Some("Q&A: keep &amp; as written")
        );
    }

    #[test]
    fn author_strings_yield_names() {
        assert_eq!(author_name("Jane Doe").as_deref(), Some("Jane Doe"));
        assert_eq!(
            author_name("Jane Doe (jane@x.test)").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            author_name("jane@x.test (Jane  Doe)").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(author_name("(Jane Doe)").as_deref(), Some("Jane Doe"));
        assert_eq!(
            author_name("Jane Doe <jane@x.test>").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(author_name("  ()  "), None);
    }

    #[test]
    fn atom_text_types_feed_rs_rejects_are_read() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en_GB">
<title type="">Plain</title><subtitle type="application/octet-stream">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</subtitle>
<entry><title type='application/xhtml+xml'><div xmlns="http://www.w3.org/1999/xhtml">A &amp; <b>B</b></div></title>
<content type="application/octet-stream">PHA+Ym9keTwvcD4=</content>
<category term="tech" label="Technology"/></entry></feed>"#;
        let parsed = parse_source(atom, None).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("Plain"));
        assert_eq!(parsed.meta.description.as_deref(), Some("Example Atom"));
        assert_eq!(parsed.meta.language.as_deref(), Some("en-GB"));
        let item = &parsed.items[0];
        assert_eq!(item.title.as_deref(), Some("A & B"));
        assert_eq!(item.content_html.as_deref(), Some("<p>body</p>"));
        assert_eq!(item.categories, ["tech"]);
    }

    #[test]
    fn atom03_inline_xml_keeps_its_outer_element() {
        let atom = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry>
<summary type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>b</b></div></summary>
</entry></feed>"#;
        let parsed = parse_source(atom, None).expect("parses");
        let summary = parsed.items[0].summary.as_deref().unwrap_or_default();
        assert!(summary.starts_with("<div>"), "{summary}");
        assert!(summary.contains("<b>b</b>"), "{summary}");
    }

    #[test]
    fn entities_declared_in_the_doctype_expand() {
        let rss = r#"<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY site "tag:x.test,"> <!ENTITY bad "<b>"> ]>
<rss version="2.0"><channel><title>&site;</title><item><guid isPermaLink="false">&site;1</guid></item></channel></rss>"#;
        let parsed = parse_source(rss, None).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("tag:x.test,"));
        assert_eq!(parsed.items[0].guid.as_deref(), Some("tag:x.test,1"));
    }

    #[test]
    fn malformed_xml_is_a_clear_error() {
        let broken = "<rss version=\"2.0\"><channel><title>x</title><item><title>unclosed";
        let err = parse_source(broken, None).expect_err("malformed");
        assert!(matches!(err, SourceError::MalformedFeed { .. }), "{err}");
        let binary: String = (0..2000u32).filter_map(char::from_u32).collect();
        let _ = parse_source(&format!("<rss>{binary}"), None);
    }

    #[test]
    fn deeply_nested_xml_does_not_overflow() {
        let deep = format!(
            "<rss version=\"2.0\"><channel>{}{}</channel></rss>",
            "<x>".repeat(50_000),
            "</x>".repeat(50_000)
        );
        let _ = parse_source(&deep, None);
    }
}
