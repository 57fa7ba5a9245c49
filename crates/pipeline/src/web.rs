//! From a page (fetched with its feed item, or read from a file) to an [`Incoming`] article:
//! the page's values first, the feed's where the page has none. This is the one builder of
//! articles from extractions; records and plain text have their own readers in
//! [`crate::intake`].

use storyline_extract::Extraction;
use storyline_ingest::article::{FetchedArticle, feed_html_to_text, from_feed_only};

use storyline_ingest::sources::FeedItem;
use storyline_model::{Article, Provenance, Provider};

use super::intake::{
    Incoming, IntakeError, UNKNOWN_PROVIDER, article_id_for, clean_url, has_article_text,
    judge_category, registrable_domain, unmeasured_image,
};

/// What the pipeline knows about the source an item came from.
#[derive(Debug, Clone, Default)]
pub struct SourceContext {
    /// The feed (or sitemap, or page) URL.
    pub feed_url: String,
    /// The feed's own title, a fallback for the provider's name.
    pub feed_title: Option<String>,
}

/// Builds the article of a fetched item. An item whose page was fetched but held no article
/// text is built from the feed's text and marked as such.
pub fn from_fetched(
    fetched: &FetchedArticle,
    source: &SourceContext,
) -> Result<Incoming, IntakeError> {
    let page_without_text = fetched.page_fetched
        && fetched
            .extraction
            .as_ref()
            .is_none_or(|e| !has_article_text(e));
    build(fetched, source, page_without_text)
}

/// Builds the article of a page that came without a feed item (a file), from its extraction
/// (which the caller has checked holds article text) and the address it was read from.
pub fn from_page(url: Option<&str>, extraction: Extraction) -> Result<Incoming, IntakeError> {
    let page = FetchedArticle {
        item: FeedItem {
            url: url.map(str::to_string),
            ..FeedItem::default()
        },
        final_url: url.map(str::to_string),
        canonical_url: extraction.canonical_url.clone(),
        text: extraction.text.clone(),
        html: Some(extraction.html.clone()),
        page_fetched: true,
        extraction: Some(extraction),
    };
    build(&page, &SourceContext::default(), false)
}

/// Builds the article of an item from its feed's own title, summary and content, because its
/// page could not be had (a timeout, a refusal, robots.txt). It is marked as known from the
/// feed's text only, so a later round that gets the page replaces it.
pub fn from_feed_text(item: &FeedItem, source: &SourceContext) -> Result<Incoming, IntakeError> {
    build(&from_feed_only(item), source, item.url.is_some())
}

fn build(
    fetched: &FetchedArticle,
    source: &SourceContext,
    feed_only: bool,
) -> Result<Incoming, IntakeError> {
    let item = &fetched.item;
    let extraction: Option<&Extraction> = fetched.extraction.as_ref();
    let body = fetched.text.trim().to_string();
    let title = extraction
        .and_then(|e| e.title.clone())
        .or_else(|| item.title.clone())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let Some(title) =
        title.or_else(|| (!body.is_empty()).then(|| storyline_analyze::judge::excerpt(&body, 90)))
    else {
        return Err(IntakeError::Empty);
    };
    // A headline alone is an article only when the page is not to be had: then it is what
    // the outlet published, and a later round may bring the text.
    if !feed_only && body.is_empty() && item.summary.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        return Err(IntakeError::NoText {
            confidence: extraction.map_or(0.0, |e| e.confidence),
        });
    }
    let web_url = fetched
        .canonical_url
        .clone()
        .or_else(|| fetched.final_url.clone())
        .or_else(|| item.url.clone())
        .map(|u| clean_url(&u));
    let domain = web_url
        .as_deref()
        .and_then(registrable_domain)
        .or_else(|| registrable_domain(&source.feed_url))
        .unwrap_or_default();
    let provider_name = extraction
        .and_then(|e| e.site_name.clone())
        .or_else(|| source.feed_title.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| {
            if domain.is_empty() {
                UNKNOWN_PROVIDER.to_string()
            } else {
                domain.clone()
            }
        });
    let summary_text = item
        .summary
        .as_deref()
        .map(feed_html_to_text)
        .filter(|s| !s.trim().is_empty());
    let excerpt = extraction
        .and_then(|e| e.description.clone())
        .filter(|d| !d.trim().is_empty())
        .or(summary_text
            .clone()
            .map(|s| storyline_analyze::judge::excerpt(&s, 300)))
        .unwrap_or_else(|| storyline_analyze::judge::excerpt(&body, 300));
    let body = if body.is_empty() {
        summary_text.unwrap_or_default()
    } else {
        body
    };
    let image = extraction
        .and_then(|e| e.image.clone())
        .or_else(|| item.image.clone());
    let authors = if item.authors.is_empty() {
        extraction.map(|e| e.authors.clone()).unwrap_or_default()
    } else {
        item.authors.clone()
    };
    let category = judge_category(
        extraction,
        &item.categories,
        web_url.as_deref(),
        &title,
        &body,
    );
    let article = Article {
        id: article_id_for(web_url.as_deref(), &provider_name, &title, &body),
        category,
        title,
        excerpt,
        body,
        published_date_time: item
            .published
            .or(extraction.and_then(|e| e.published))
            .or(item.updated),
        original_url: web_url.clone(),
        web_url,
        kind: "article".into(),
        heat: -1,
        published: true,
        provider: Provider {
            name: provider_name,
            domain,
        },
        authors,
        language: item
            .language
            .clone()
            .or_else(|| extraction.and_then(|e| e.language.clone())),
        images: unmeasured_image(image),
        // Provenance is where the web gave the page; a file has none.
        provenance: if source.feed_url.is_empty() {
            Provenance::default()
        } else {
            Provenance {
                source_url: fetched.final_url.clone().or_else(|| item.url.clone()),
                feed_url: Some(source.feed_url.clone()),
                fetched_at: Some(chrono::Utc::now()),
                content_hash: None,
            }
        },
        ..Article::default()
    };
    Ok(Incoming {
        article,
        html: fetched.html.clone(),
        source_record: None,
        boilerplate_ratio: 0.0,
        feed_only,
        prepared: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_extract::{ExtractOptions, extract};

    fn page_html(words: usize) -> String {
        let text = "The harbour board met on Tuesday to approve the ferry timetable. "
            .repeat(words / 11 + 1);
        format!(
            "<html><head><title>Ferry timetable approved</title><meta property=\"og:site_name\" content=\"Harbour Gazette\"></head><body><article><h1>Ferry timetable approved</h1><p>{text}</p></article></body></html>"
        )
    }

    #[test]
    fn a_page_from_a_file_and_the_same_page_fetched_make_the_same_article() {
        let url = "https://harbourgazette.example/2026/ferry";
        let html = page_html(200);
        let from_file = crate::intake::from_html(&html, Some(url)).unwrap().article;
        let extraction = extract(
            &html,
            &ExtractOptions {
                url: Some(url.into()),
            },
        );
        let fetched = FetchedArticle {
            item: FeedItem {
                url: Some(url.into()),
                ..FeedItem::default()
            },
            final_url: Some(url.into()),
            canonical_url: extraction.canonical_url.clone(),
            text: extraction.text.clone(),
            html: Some(extraction.html.clone()),
            page_fetched: true,
            extraction: Some(extraction),
        };
        let source = SourceContext {
            feed_url: "https://harbourgazette.example/feed.xml".into(),
            feed_title: None,
        };
        let from_web = from_fetched(&fetched, &source).unwrap().article;
        assert_eq!(from_file.id, from_web.id);
        assert_eq!(from_file.title, from_web.title);
        assert_eq!(from_file.body, from_web.body);
        assert_eq!(from_file.provider, from_web.provider);
        assert_eq!(from_file.category, from_web.category);
        // Only where the page came from differs: the web knows its feed, a file nothing.
        assert_eq!(from_file.provenance, Provenance::default());
        assert!(from_web.provenance.feed_url.is_some());
    }

    #[test]
    fn a_page_without_article_text_is_refused_from_a_file_and_replaced_by_the_feed_on_the_web() {
        let html = "<html><body><nav><a href=/a>Home</a> <a href=/b>News</a></nav></body></html>";
        assert!(crate::intake::from_html(html, None).is_err());
        let extraction = extract(html, &ExtractOptions::default());
        assert!(!has_article_text(&extraction));
        let fetched = FetchedArticle {
            item: FeedItem {
                url: Some("https://harbourgazette.example/a".into()),
                title: Some("Ferry timetable approved".into()),
                summary: Some("The harbour board approved the timetable.".into()),
                ..FeedItem::default()
            },
            final_url: Some("https://harbourgazette.example/a".into()),
            canonical_url: None,
            text: extraction.text.clone(),
            html: None,
            page_fetched: true,
            extraction: Some(extraction),
        };
        let incoming = from_fetched(&fetched, &SourceContext::default()).unwrap();
        assert!(incoming.feed_only, "marked as known from the feed only");
        assert_eq!(incoming.article.title, "Ferry timetable approved");
    }
}
