//! Full text for a feed item: when the feed carries only a summary, the article page is fetched
//! (same guard, limits and politeness as feeds) and extracted with `storyline-extract`; the feed's
//! own fields fill whatever the page lacks.
//!
//! [`fetch_article`] returns a [`FetchedArticle`]: the merged item, the page's final and canonical
//! URLs, the plain text and sanitized HTML, and the raw extraction for callers that want more.

use storyline_extract::{ExtractOptions, Extraction, extract};

use crate::fetch::{FetchError, FetchOptions, Fetched, Fetcher};
use crate::sources::FeedItem;
use crate::sources::text::collapse_whitespace;

/// Feed content with at least this many characters of text counts as the full article.
pub const FULL_TEXT_MIN_CHARS: usize = 1200;

/// `Accept` header for article pages.
const ACCEPT_PAGES: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

/// A feed item made whole.
#[derive(Debug, Clone)]
pub struct FetchedArticle {
    /// The item with page data merged in: page values first, feed values where the page has none.
    pub item: FeedItem,
    /// The page URL after redirects, when the page was fetched.
    pub final_url: Option<String>,
    /// The canonical URL the page declares.
    pub canonical_url: Option<String>,
    /// The article's plain text (paragraphs separated by blank lines).
    pub text: String,
    /// The article's HTML (sanitized by extract when it came from the page).
    pub html: Option<String>,
    /// Whether the page was fetched (false when the feed carried the full text).
    pub page_fetched: bool,
    /// The extraction of the page, when fetched.
    pub extraction: Option<Extraction>,
}

/// Plain text of feed HTML: block ends become paragraph breaks, tags go, entities are decoded.
pub fn feed_html_to_text(html: &str) -> String {
    let mut marked = String::with_capacity(html.len());
    let lower = html.to_ascii_lowercase();
    let mut last = 0;
    for (at, _) in lower.match_indices('<') {
        let rest = &lower[at..];
        let is_break = [
            "</p",
            "<br",
            "</div",
            "</li",
            "</h1",
            "</h2",
            "</h3",
            "</h4",
            "</blockquote",
        ]
        .iter()
        .any(|tag| rest.starts_with(tag));
        if is_break {
            marked.push_str(&html[last..at]);
            marked.push('\u{1}');
            last = at;
        }
    }
    marked.push_str(&html[last..]);
    marked
        .split('\u{1}')
        .filter_map(crate::sources::text::plain_text)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Whether the item's own content is the full article.
pub fn has_full_text(item: &FeedItem) -> bool {
    item.content_html
        .as_deref()
        .map(feed_html_to_text)
        .is_some_and(|text| text.chars().count() >= FULL_TEXT_MIN_CHARS)
}

/// Makes `item` whole: returns it as is when it carries the full text or no URL, else fetches
/// and extracts its page. [`fetch_page`] and [`complete`] are the same two steps apart, for
/// callers that run extraction off the I/O threads.
pub async fn fetch_article(
    fetcher: &Fetcher,
    item: &FeedItem,
) -> Result<FetchedArticle, FetchError> {
    let page = fetch_page(fetcher, item).await?;
    Ok(complete(item, page))
}

/// Fetches the page of `item` when its feed does not carry the full text; `None` when there
/// is nothing to fetch (full text in the feed, or no URL).
pub async fn fetch_page(fetcher: &Fetcher, item: &FeedItem) -> Result<Option<Fetched>, FetchError> {
    let url = match item.url.as_deref() {
        Some(url) if !has_full_text(item) => url,
        _ => return Ok(None),
    };
    let options = FetchOptions {
        accept: Some(ACCEPT_PAGES.to_string()),
        ..FetchOptions::default()
    };
    fetcher.fetch_with(url, &options).await.map(Some)
}

/// The CPU half of [`fetch_article`]: decodes and extracts the fetched page (if any) and
/// merges it with the feed's values.
pub fn complete(item: &FeedItem, page: Option<Fetched>) -> FetchedArticle {
    let Some(fetched) = page else {
        return from_feed_only(item);
    };
    let text = fetched.text().text;
    let extraction = extract(
        &text,
        &ExtractOptions {
            url: Some(fetched.final_url.clone()),
        },
    );
    merge(item, fetched.final_url, extraction)
}

/// The item as its feed gives it, without its page.
pub fn from_feed_only(item: &FeedItem) -> FetchedArticle {
    let html = item.content_html.clone().or_else(|| item.summary.clone());
    FetchedArticle {
        item: item.clone(),
        final_url: None,
        canonical_url: None,
        text: html.as_deref().map(feed_html_to_text).unwrap_or_default(),
        html,
        page_fetched: false,
        extraction: None,
    }
}

/// Page values first; the feed fills the gaps. When the page yields no article text, the feed's
/// content (or summary) stands in.
fn merge(item: &FeedItem, final_url: String, page: Extraction) -> FetchedArticle {
    let mut merged = item.clone();
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(collapse_whitespace)
            .filter(|s| !s.is_empty())
    };
    merged.title = nonempty(&page.title).or(merged.title);
    if !page.authors.is_empty() {
        merged.authors.clone_from(&page.authors);
    }
    // A page time without a zone gives way to the feed's dated item.
    merged.published = if page.published_zone_unknown {
        merged.published.or(page.published)
    } else {
        page.published.or(merged.published)
    };
    merged.updated = page.modified.or(merged.updated);
    merged.image = page.image.clone().or(merged.image);
    merged.summary = merged.summary.or_else(|| page.description.clone());
    merged.language = page.language.clone().or(merged.language);
    let (text, html) = if page.text.trim().is_empty() {
        let html = item.content_html.clone().or_else(|| item.summary.clone());
        (
            html.as_deref().map(feed_html_to_text).unwrap_or_default(),
            html,
        )
    } else {
        (
            page.text.clone(),
            Some(page.html.clone()).filter(|h| !h.is_empty()),
        )
    };
    FetchedArticle {
        item: merged,
        final_url: Some(final_url),
        canonical_url: page.canonical_url.clone(),
        text,
        html,
        page_fetched: true,
        extraction: Some(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_html_keeps_paragraphs() {
        let text = feed_html_to_text("<p>First &amp; one.</p><p>Second<br>line</p>");
        assert_eq!(text, "First & one.\n\nSecond\n\nline");
    }

    #[test]
    fn long_feed_content_counts_as_full_text() {
        let mut item = FeedItem {
            content_html: Some(format!("<p>{}</p>", "word ".repeat(400))),
            ..FeedItem::default()
        };
        assert!(has_full_text(&item));
        item.content_html = Some("<p>Short teaser.</p>".to_string());
        assert!(!has_full_text(&item));
    }

    #[test]
    fn page_wins_and_feed_fills_gaps() {
        let item = FeedItem {
            url: Some("https://x.test/a".to_string()),
            title: Some("Feed title".to_string()),
            summary: Some("Feed summary".to_string()),
            authors: vec!["Feed Author".to_string()],
            image: Some("https://x.test/feed.jpg".to_string()),
            ..FeedItem::default()
        };
        let page = Extraction {
            title: Some("Page title".to_string()),
            text: "Body text.".to_string(),
            html: "<p>Body text.</p>".to_string(),
            ..Extraction::default()
        };
        let merged = merge(&item, "https://x.test/a".to_string(), page);
        assert_eq!(merged.item.title.as_deref(), Some("Page title"));
        assert_eq!(merged.item.authors, ["Feed Author"]);
        assert_eq!(
            merged.item.image.as_deref(),
            Some("https://x.test/feed.jpg")
        );
        assert_eq!(merged.text, "Body text.");
        let empty_page = merge(&item, "https://x.test/a".to_string(), Extraction::default());
        assert_eq!(empty_page.text, "Feed summary");
        assert_eq!(empty_page.item.title.as_deref(), Some("Feed title"));
    }
}
