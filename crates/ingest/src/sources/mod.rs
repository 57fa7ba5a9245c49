//! Sources: what a fetched document is (RSS, Atom, JSON Feed, a news or plain sitemap, a sitemap
//! index, or an HTML page) and the plain items it lists.
//!
//! [`detect_kind`] sniffs the format; [`parse_source`] turns a decoded document into a
//! [`ParsedSource`]: the feed's [`FeedMeta`] and its [`FeedItem`]s (plus child sitemaps for an
//! index). Formats live in their own modules: [`feed`] (feed-rs), [`cdf`] (Microsoft's Channel
//! Definition Format), [`sitemap`] (quick-xml) and [`page`] (feed discovery in HTML). Parsing never panics: malformed input is a [`SourceError`].

pub mod cdf;
pub mod dates;
pub mod dialect;
pub mod feed;
pub mod page;
pub mod sitemap;
pub mod supplement;
pub mod text;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The kind of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// RSS 0.9x, 1.0 (RDF) or 2.0.
    Rss,
    /// Atom 1.0 (or 0.3).
    Atom,
    /// JSON Feed 1.0/1.1.
    JsonFeed,
    /// A Google News sitemap (`<urlset>` with `<news:news>`).
    NewsSitemap,
    /// A plain sitemap (`<urlset>`).
    Sitemap,
    /// A sitemap index (`<sitemapindex>`), listing other sitemaps.
    SitemapIndex,
    /// A single HTML page: the article itself.
    Page,
}

impl SourceKind {
    /// Whether the kind is one of the syndication feed formats.
    pub fn is_feed(self) -> bool {
        matches!(self, Self::Rss | Self::Atom | Self::JsonFeed)
    }
}

/// One entry of a feed or sitemap, in plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    /// The article's URL (the item's link, or its guid when that is a URL).
    pub url: Option<String>,
    /// Headline, plain text.
    pub title: Option<String>,
    /// Summary or description as given (may be HTML).
    pub summary: Option<String>,
    /// Full content as given (HTML), when the feed carries it.
    pub content_html: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// When first published.
    pub published: Option<DateTime<Utc>>,
    /// When last updated.
    pub updated: Option<DateTime<Utc>>,
    /// Lead image URL.
    pub image: Option<String>,
    /// The item's own identifier (RSS guid, Atom id, JSON Feed id), when it has one.
    pub guid: Option<String>,
    /// Categories, tags or news keywords.
    pub categories: Vec<String>,
    /// Language, when the item or feed says.
    pub language: Option<String>,
}

impl FeedItem {
    /// The most recent date the item carries (published, else updated).
    pub fn date(&self) -> Option<DateTime<Utc>> {
        self.published.or(self.updated)
    }

    /// A stable key for de-duplication: guid, else URL, else title.
    pub fn key(&self) -> Option<&str> {
        self.guid
            .as_deref()
            .or(self.url.as_deref())
            .or(self.title.as_deref())
    }
}

/// What a feed says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedMeta {
    /// Format of the document.
    pub kind: SourceKind,
    /// Feed title (or publication name in a news sitemap).
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
    /// Feed description.
    pub description: Option<String>,
    /// Feed language.
    pub language: Option<String>,
    /// Feed icon or logo URL.
    pub icon: Option<String>,
    /// When the feed last changed, by its own account.
    pub updated: Option<DateTime<Utc>>,
    /// RSS `<ttl>`, in minutes: a hint for the polling interval.
    pub ttl_minutes: Option<u32>,
}

impl FeedMeta {
    /// Metadata with only the kind known.
    pub fn empty(kind: SourceKind) -> Self {
        Self {
            kind,
            title: None,
            site_url: None,
            description: None,
            language: None,
            icon: None,
            updated: None,
            ttl_minutes: None,
        }
    }
}

/// A parsed source document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedSource {
    /// The feed's metadata.
    pub meta: FeedMeta,
    /// Its items, in document order.
    pub items: Vec<FeedItem>,
    /// For a sitemap index: the sitemaps it lists, with their `lastmod`.
    pub child_sitemaps: Vec<(String, Option<DateTime<Utc>>)>,
    /// For an HTML page: feeds it advertises (`<link rel="alternate">`).
    pub discovered_feeds: Vec<String>,
}

/// Why a document could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The document is empty or whitespace.
    #[error("the document is empty")]
    Empty,
    /// The document is not a format we read.
    #[error("unrecognised document format (starts with `{start}`)")]
    UnknownFormat {
        /// The first characters, for the message.
        start: String,
    },
    /// The feed parser rejected it.
    #[error("malformed {kind:?} feed: {reason}")]
    MalformedFeed {
        /// The kind it looked like.
        kind: SourceKind,
        /// The parser's complaint.
        reason: String,
    },
    /// The sitemap XML is broken.
    #[error("malformed sitemap at byte {position}: {reason}")]
    MalformedSitemap {
        /// Where the parser stopped.
        position: u64,
        /// The parser's complaint.
        reason: String,
    },
}

/// Sniffs the kind of a decoded document: JSON Feed by its `version`, XML by its root element,
/// HTML by its doctype or `<html>`.
pub fn detect_kind(text: &str) -> Option<SourceKind> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('{') {
        let head = &trimmed[..floor_boundary(trimmed, 4096)];
        return head
            .contains("jsonfeed.org")
            .then_some(SourceKind::JsonFeed);
    }
    let root = page::root_element_name(trimmed)?;
    let local = root
        .rsplit(':')
        .next()
        .unwrap_or(&root)
        .to_ascii_lowercase();
    match local.as_str() {
        "rss" | "rdf" | "channel" => Some(SourceKind::Rss),
        // An Atom Entry Document (RFC 4287 §4.1.2) is a feed of one.
        "feed" | "entry" => Some(SourceKind::Atom),
        "urlset" => {
            let head = &trimmed[..floor_boundary(trimmed, 65_536)];
            Some(
                if head.contains("<news:news") || head.contains("sitemap-news") {
                    SourceKind::NewsSitemap
                } else {
                    SourceKind::Sitemap
                },
            )
        }
        "sitemapindex" => Some(SourceKind::SitemapIndex),
        "html" | "head" | "body" => Some(SourceKind::Page),
        _ => None,
    }
}

/// The largest char boundary at or below `at`.
pub(crate) fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Parses a decoded document fetched from `base_url` (used to resolve relative links).
pub fn parse_source(text: &str, base_url: Option<&str>) -> Result<ParsedSource, SourceError> {
    if text.trim().is_empty() {
        return Err(SourceError::Empty);
    }
    let kind = detect_kind(text).ok_or_else(|| SourceError::UnknownFormat {
        start: text.trim_start().chars().take(40).collect(),
    })?;
    match kind {
        SourceKind::Rss if cdf::is_cdf(text) => Ok(cdf::parse_cdf(text, base_url)),
        SourceKind::Rss | SourceKind::Atom | SourceKind::JsonFeed => {
            feed::parse_feed(text, base_url, kind)
        }
        SourceKind::NewsSitemap | SourceKind::Sitemap | SourceKind::SitemapIndex => {
            sitemap::parse_sitemap(text)
        }
        SourceKind::Page => Ok(page::parse_page(text, base_url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_detected() {
        assert_eq!(
            detect_kind("<?xml version='1.0'?>\n<rss version='2.0'/>"),
            Some(SourceKind::Rss)
        );
        assert_eq!(
            detect_kind("<rdf:RDF xmlns:rdf='x'></rdf:RDF>"),
            Some(SourceKind::Rss)
        );
        assert_eq!(
            detect_kind("<!-- hi --><feed xmlns='http://www.w3.org/2005/Atom'/>"),
            Some(SourceKind::Atom)
        );
        assert_eq!(
            detect_kind("<entry xmlns='http://www.w3.org/2005/Atom'><title>e</title></entry>"),
            Some(SourceKind::Atom)
        );
        assert_eq!(
            detect_kind(r#"{"version":"https://jsonfeed.org/version/1.1","items":[]}"#),
            Some(SourceKind::JsonFeed)
        );
        assert_eq!(
            detect_kind(
                "<urlset xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url><news:news/></url></urlset>"
            ),
            Some(SourceKind::NewsSitemap)
        );
        assert_eq!(
            detect_kind("<urlset><url/></urlset>"),
            Some(SourceKind::Sitemap)
        );
        assert_eq!(
            detect_kind("<sitemapindex></sitemapindex>"),
            Some(SourceKind::SitemapIndex)
        );
        assert_eq!(
            detect_kind("<!DOCTYPE html><html><head>"),
            Some(SourceKind::Page)
        );
        assert_eq!(detect_kind("hello"), None);
        assert_eq!(detect_kind(r#"{"a":1}"#), None);
    }

    #[test]
    fn every_truncation_of_tricky_documents_parses_or_fails_cleanly() {
        let samples = [
            r#"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "v'&quot;">]><r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2" xml:base="http://b.test/x/"><r:channel><TiTlE>T&e;</TiTlE><r:item xml:base="s/"><r:description>&lt;a href="&#192;"&gt;&lt;img src='i.png'&gt;</r:description><summary>S</summary><author>me@x.test (Me)</author><itunes:category text="C"><itunes:category text="D"/></itunes:category></r:item></r:channel></r:rss>"#,
            r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en_US"><info mode="escaped">&lt;b&gt;I&lt;/b&gt;</info><entry><title mode="base64">PGI+VDwvYj4=</title><summary type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">x <a href="r">y</a></div></summary></entry></feed>"#,
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="">t</title><entry><title type="application/octet-stream">dA==</title><content type='application/octet-stream'>PGI+PC9iPg==</content><category term="a" label="b"/></entry></feed>"#,
            r#"<CHANNEL HREF="http://c.test/" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>C</TITLE><ABSTRACT>A</ABSTRACT><ITEM HREF="/i" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>I</TITLE></ITEM></CHANNEL>"#,
            r#"<rss><item><description><![CDATA[ <!DOCTYPE ]]></description></item></rss>"#,
        ];
        for sample in samples {
            let full = parse_source(sample, Some("http://feed.test/f.xml"));
            assert!(full.is_ok(), "{sample}: {full:?}");
            for (at, _) in sample.char_indices() {
                let _ = parse_source(&sample[..at], Some("http://feed.test/f.xml"));
                let _ = parse_source(&sample[at..], None);
            }
        }
    }

    #[test]
    fn empty_and_unknown_documents_are_errors() {
        assert_eq!(parse_source("  \n", None), Err(SourceError::Empty));
        assert!(matches!(
            parse_source("just words", None),
            Err(SourceError::UnknownFormat { .. })
        ));
    }
}
