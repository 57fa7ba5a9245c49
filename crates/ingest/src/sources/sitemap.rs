//! Sitemaps: Google News sitemaps (`<news:news>` with title, publication date, keywords), plain
//! sitemaps (`<loc>`, `<lastmod>`, `<image:loc>`) and sitemap indexes, read with quick-xml by local
//! element names so any namespace prefix works.

use chrono::{DateTime, NaiveDate, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::text::collapse_whitespace;
use super::{FeedItem, FeedMeta, ParsedSource, SourceError, SourceKind};

/// Deepest element nesting accepted; deeper documents are malformed for a sitemap.
const MAX_DEPTH: usize = 64;

#[derive(Default)]
struct Entry {
    loc: Option<String>,
    lastmod: Option<String>,
    news_title: Option<String>,
    news_date: Option<String>,
    news_language: Option<String>,
    keywords: Option<String>,
    image: Option<String>,
    publication: Option<String>,
}

/// Parses a sitemap, news sitemap or sitemap index.
pub fn parse_sitemap(text: &str) -> Result<ParsedSource, SourceError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut current = Entry::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut root: Option<String> = None;
    let mut is_news = false;
    let mut text_buf = String::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| SourceError::MalformedSitemap {
                position: reader.error_position(),
                reason: e.to_string(),
            })?;
        match event {
            Event::Start(start) => {
                let name = local_name(start.local_name().as_ref());
                if root.is_none() {
                    root = Some(name.clone());
                }
                if name == "news" {
                    is_news = true;
                }
                if matches!(name.as_str(), "url" | "sitemap") && path.len() == 1 {
                    current = Entry::default();
                }
                path.push(name);
                if path.len() > MAX_DEPTH {
                    return Err(SourceError::MalformedSitemap {
                        position: reader.buffer_position(),
                        reason: format!("nesting deeper than {MAX_DEPTH}"),
                    });
                }
                text_buf.clear();
            }
            Event::Empty(start) => {
                let name = local_name(start.local_name().as_ref());
                if root.is_none() {
                    root = Some(name);
                }
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(c) => text_buf.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(ch)) = r.resolve_char_ref() {
                    text_buf.push(ch);
                } else if let Some(value) =
                    quick_xml::escape::resolve_html5_entity(&r.xml10_content())
                {
                    text_buf.push_str(value);
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else {
                    continue;
                };
                let value = collapse_whitespace(&text_buf);
                text_buf.clear();
                let parent = path.last().map(String::as_str);
                match (name.as_str(), parent) {
                    ("url" | "sitemap", _) if path.len() == 1 => {
                        entries.push(std::mem::take(&mut current));
                    }
                    ("loc", Some("url" | "sitemap")) => current.loc = Some(value),
                    ("loc", Some("image")) => {
                        current.image.get_or_insert(value);
                    }
                    ("lastmod", _) => current.lastmod = Some(value),
                    ("title", Some("news")) => current.news_title = Some(value),
                    ("publication_date", _) => current.news_date = Some(value),
                    ("keywords", _) => current.keywords = Some(value),
                    ("language", Some("publication")) => current.news_language = Some(value),
                    ("name", Some("publication")) => current.publication = Some(value),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let root = root.unwrap_or_default();
    if root == "sitemapindex" {
        let children = entries
            .into_iter()
            .filter_map(|e| {
                let loc = e.loc.filter(|l| !l.is_empty())?;
                Some((loc, e.lastmod.as_deref().and_then(parse_w3c_date)))
            })
            .collect();
        return Ok(ParsedSource {
            meta: FeedMeta::empty(SourceKind::SitemapIndex),
            items: Vec::new(),
            child_sitemaps: children,
            discovered_feeds: Vec::new(),
        });
    }
    if root != "urlset" {
        return Err(SourceError::MalformedSitemap {
            position: 0,
            reason: format!("root element `{root}` is not urlset or sitemapindex"),
        });
    }
    let kind = if is_news {
        SourceKind::NewsSitemap
    } else {
        SourceKind::Sitemap
    };
    let mut meta = FeedMeta::empty(kind);
    meta.title = entries.iter().find_map(|e| e.publication.clone());
    meta.language = entries.iter().find_map(|e| e.news_language.clone());
    let items = entries
        .into_iter()
        .filter(|e| e.loc.as_deref().is_some_and(|l| !l.is_empty()))
        .map(|e| FeedItem {
            guid: e.loc.clone(),
            url: e.loc,
            title: e.news_title.filter(|t| !t.is_empty()),
            published: e.news_date.as_deref().and_then(parse_w3c_date),
            updated: e.lastmod.as_deref().and_then(parse_w3c_date),
            image: e.image.filter(|i| !i.is_empty()),
            categories: e
                .keywords
                .map(|k| {
                    k.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            language: e.news_language,
            ..FeedItem::default()
        })
        .collect();
    Ok(ParsedSource {
        meta,
        items,
        child_sitemaps: Vec::new(),
        discovered_feeds: Vec::new(),
    })
}

fn local_name(raw: &str) -> String {
    raw.to_ascii_lowercase()
}

/// Parses the W3C datetime profile sitemaps use: a full RFC 3339 timestamp, one without
/// seconds, or a bare date (midnight UTC).
pub fn parse_w3c_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    // "2024-03-05T10:00+01:00": minutes precision.
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z") {
        return Some(dt.with_timezone(&Utc));
    }
    if let Some(stripped) = text.strip_suffix('Z')
        && let Ok(naive) = chrono::NaiveDateTime::parse_from_str(stripped, "%Y-%m-%dT%H:%M")
    {
        return Some(naive.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::parse_source;

    #[test]
    fn news_sitemap_items_carry_title_date_and_keywords() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.example/business/minimax?x=1&amp;y=2</loc>
    <news:news>
      <news:publication><news:name>Example News</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-03-05T10:00:00+01:00</news:publication_date>
      <news:title>Alibaba leads $600M round in MiniMax</news:title>
      <news:keywords>AI, funding</news:keywords>
    </news:news>
    <image:image><image:loc>https://img.example/m.jpg</image:loc></image:image>
  </url>
  <url><loc>https://news.example/other</loc><lastmod>2024-03-04</lastmod></url>
</urlset>"#;
        let parsed = parse_source(xml, None).expect("parses");
        assert_eq!(parsed.meta.kind, SourceKind::NewsSitemap);
        assert_eq!(parsed.meta.title.as_deref(), Some("Example News"));
        let first = &parsed.items[0];
        assert_eq!(
            first.url.as_deref(),
            Some("https://news.example/business/minimax?x=1&y=2")
        );
        assert_eq!(
            first.title.as_deref(),
            Some("Alibaba leads $600M round in MiniMax")
        );
        assert_eq!(
            first.published.map(|d| d.to_rfc3339()),
            Some("2024-03-05T09:00:00+00:00".to_string())
        );
        assert_eq!(first.categories, ["AI", "funding"]);
        assert_eq!(first.image.as_deref(), Some("https://img.example/m.jpg"));
        assert_eq!(first.language.as_deref(), Some("en"));
        let second = &parsed.items[1];
        assert_eq!(second.title, None);
        assert_eq!(
            second.updated.map(|d| d.to_rfc3339()),
            Some("2024-03-04T00:00:00+00:00".to_string())
        );
    }

    #[test]
    fn sitemap_index_lists_children() {
        let xml = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.test/s1.xml</loc><lastmod>2024-01-01T00:00:00Z</lastmod></sitemap>
<sitemap><loc>https://x.test/s2.xml</loc></sitemap></sitemapindex>"#;
        let parsed = parse_source(xml, None).expect("parses");
        assert_eq!(parsed.meta.kind, SourceKind::SitemapIndex);
        assert_eq!(parsed.child_sitemaps.len(), 2);
        assert_eq!(
            parsed.child_sitemaps[1],
            ("https://x.test/s2.xml".to_string(), None)
        );
        assert!(parsed.child_sitemaps[0].1.is_some());
    }

    #[test]
    fn broken_sitemap_is_an_error_not_a_panic() {
        let err = parse_source("<urlset><url><loc>x</url></urlset>", None).expect_err("bad");
        assert!(matches!(err, SourceError::MalformedSitemap { .. }), "{err}");
        let deep = format!("<urlset>{}</urlset>", "<a>".repeat(10_000));
        assert!(parse_source(&deep, None).is_err());
    }

    #[test]
    fn w3c_dates() {
        assert!(parse_w3c_date("2024-03-05").is_some());
        assert!(parse_w3c_date("2024-03-05T10:00+01:00").is_some());
        assert!(parse_w3c_date("2024-03-05T10:00Z").is_some());
        assert!(parse_w3c_date("yesterday").is_none());
        assert!(parse_w3c_date("é").is_none());
        assert!(parse_w3c_date("2017-06-13T03:18:00+00:0").is_none());
    }
}
