//! HTML pages as sources: a page is a single article (one item, its own URL), and may advertise
//! feeds with `<link rel="alternate" type="application/rss+xml">`, which are reported so a user who
//! adds a site's home page can be offered its feed.

use super::text::plain_text;
use super::{FeedItem, FeedMeta, ParsedSource, SourceKind, floor_boundary};
use crate::markup::scan_tags;

/// How much of a page is searched for its head.
const HEAD_WINDOW: usize = 256 * 1024;

/// The name of the first element of a markup document (after declarations, comments and
/// doctypes), as written.
pub fn root_element_name(text: &str) -> Option<String> {
    let head = &text[..floor_boundary(text, 64 * 1024)];
    scan_tags(head).find(|tag| !tag.closing).map(|tag| tag.name)
}

/// Reads a page: one item for the page itself and the feeds it links to.
pub fn parse_page(text: &str, base_url: Option<&str>) -> ParsedSource {
    let head = &text[..floor_boundary(text, HEAD_WINDOW)];
    let base = base_url.and_then(|b| url::Url::parse(b).ok());
    let mut feeds = Vec::new();
    let mut title = None;
    let mut in_title_at = None;
    for tag in scan_tags(head) {
        match (tag.name.as_str(), tag.closing) {
            ("link", false) => {
                let rel = tag.attr("rel").unwrap_or_default().to_ascii_lowercase();
                let kind = tag.attr("type").unwrap_or_default().to_ascii_lowercase();
                let is_feed_type = ["rss", "atom", "feed+json", "rdf"]
                    .iter()
                    .any(|k| kind.contains(k));
                if rel.split_whitespace().any(|r| r == "alternate")
                    && is_feed_type
                    && let Some(href) = tag.attr("href").filter(|h| !h.trim().is_empty())
                {
                    let absolute = match &base {
                        Some(base) => base.join(href.trim()).map(|u| u.to_string()).ok(),
                        None => Some(href.trim().to_string()),
                    };
                    if let Some(url) = absolute.filter(|u| !feeds.contains(u)) {
                        feeds.push(url);
                    }
                }
            }
            ("title", false) if title.is_none() => {
                in_title_at = head[tag.offset..].find('>').map(|e| tag.offset + e + 1);
            }
            ("title", true) => {
                if let Some(start) = in_title_at.take()
                    && start <= tag.offset
                {
                    title = plain_text(&head[start..tag.offset]);
                }
            }
            ("body", false) => break,
            _ => {}
        }
    }
    let mut meta = FeedMeta::empty(SourceKind::Page);
    meta.title.clone_from(&title);
    meta.site_url = base.as_ref().map(|b| b.origin().ascii_serialization());
    let item = FeedItem {
        url: base_url.map(str::to_string),
        guid: base_url.map(str::to_string),
        title,
        ..FeedItem::default()
    };
    ParsedSource {
        meta,
        items: vec![item],
        child_sitemaps: Vec::new(),
        discovered_feeds: feeds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_yields_itself_and_its_feeds() {
        let html = r#"<!DOCTYPE html><html><head><title>MiniMax raises &amp; more | News</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="https://news.example/atom">
<link rel="stylesheet" href="/s.css"></head><body><link rel="alternate" type="application/rss+xml" href="/late"></body></html>"#;
        let parsed = parse_page(html, Some("https://news.example/a/b"));
        assert_eq!(
            parsed.discovered_feeds,
            ["https://news.example/feed.xml", "https://news.example/atom"]
        );
        assert_eq!(parsed.items.len(), 1);
        assert_eq!(
            parsed.items[0].url.as_deref(),
            Some("https://news.example/a/b")
        );
        assert_eq!(
            parsed.items[0].title.as_deref(),
            Some("MiniMax raises & more | News")
        );
    }

    #[test]
    fn root_names_skip_prologue() {
        assert_eq!(
            root_element_name("<?xml version='1.0'?><!DOCTYPE x><!-- c --><rss>").as_deref(),
            Some("rss")
        );
        assert_eq!(root_element_name("no markup"), None);
    }
}
