//! Microsoft's Channel Definition Format (CDF), the push-channel format of Internet Explorer 4
//! that some old sites still serve: a `<CHANNEL HREF LASTMOD>` root with `<TITLE>`,
//! `<ABSTRACT>` and `<ITEM HREF LASTMOD>` children, element names in any letter case.
//!
//! Read with the lenient tag scanner: CDF files predate XML tooling and are often not
//! well-formed. Nested sub-channels contribute their items.

use super::feed::absolutize;
use super::supplement::{element_text, parse_date};
use super::text::plain_text;
use super::{FeedItem, FeedMeta, ParsedSource, SourceKind};
use crate::markup::scan_tags;

/// Whether the document's root element is a CDF `<CHANNEL>`.
pub fn is_cdf(text: &str) -> bool {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    super::page::root_element_name(trimmed).is_some_and(|root| root.eq_ignore_ascii_case("channel"))
}

/// Parses a CDF document. Never fails: whatever is readable is returned.
pub fn parse_cdf(text: &str, base_url: Option<&str>) -> ParsedSource {
    let mut meta = FeedMeta::empty(SourceKind::Rss);
    let mut items: Vec<FeedItem> = Vec::new();
    let mut channel_depth = 0usize;
    let mut in_item = false;
    for tag in scan_tags(text) {
        let href = || {
            tag.attr("href")
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(|h| absolutize(h, base_url))
        };
        let lastmod = || tag.attr("lastmod").and_then(parse_date);
        match (tag.name.as_str(), tag.closing) {
            ("channel", false) => {
                if channel_depth == 0 {
                    meta.site_url = href();
                    meta.updated = lastmod();
                }
                if !tag.self_closing {
                    channel_depth += 1;
                }
            }
            ("channel", true) => channel_depth = channel_depth.saturating_sub(1),
            ("item", false) => {
                items.push(FeedItem {
                    url: href(),
                    updated: lastmod(),
                    ..FeedItem::default()
                });
                in_item = !tag.self_closing;
            }
            ("item", true) => in_item = false,
            ("title" | "abstract", false) if !tag.self_closing => {
                let value = element_text(text, &tag).and_then(|t| plain_text(&t));
                let is_title = tag.name == "title";
                match (in_item, items.last_mut()) {
                    (true, Some(item)) if is_title => item.title = item.title.take().or(value),
                    (true, Some(item)) => item.summary = item.summary.take().or(value),
                    _ if channel_depth == 1 && is_title => meta.title = meta.title.take().or(value),
                    _ if channel_depth == 1 => meta.description = meta.description.take().or(value),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    ParsedSource {
        meta,
        items,
        child_sitemaps: Vec::new(),
        discovered_feeds: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::sources::parse_source;

    #[test]
    fn cdf_channels_and_items_are_read() {
        let cdf = r#"<CHANNEL HREF="http://cdf.test/" LASTMOD="2004-04-06T23:05:43-05:00">
<TITLE>Channel</TITLE><ABSTRACT>About &amp; more</ABSTRACT>
<ITEM HREF="/a" LASTMOD="2004-04-07T01:00:00Z"><TITLE>First</TITLE><ABSTRACT>Lead</ABSTRACT></ITEM>
<ITEM HREF="http://cdf.test/b"></ITEM></CHANNEL>"#;
        let parsed = parse_source(cdf, Some("http://cdf.test/feed.cdf")).expect("cdf");
        assert_eq!(parsed.meta.title.as_deref(), Some("Channel"));
        assert_eq!(parsed.meta.description.as_deref(), Some("About & more"));
        assert_eq!(parsed.meta.site_url.as_deref(), Some("http://cdf.test/"));
        assert_eq!(
            parsed.meta.updated.map(|d| d.to_rfc3339()).as_deref(),
            Some("2004-04-07T04:05:43+00:00")
        );
        assert_eq!(parsed.items.len(), 2);
        assert_eq!(parsed.items[0].url.as_deref(), Some("http://cdf.test/a"));
        assert_eq!(parsed.items[0].title.as_deref(), Some("First"));
        assert_eq!(parsed.items[0].summary.as_deref(), Some("Lead"));
        assert!(parsed.items[0].updated.is_some());
        assert_eq!(parsed.items[1].title, None);
    }
}
