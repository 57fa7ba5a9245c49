//! Polling, full text and the image cache against a real HTTP server on 127.0.0.1.

mod common;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use common::{Hits, serve, test_fetcher};
use storyline_ingest::article::fetch_article;
use storyline_ingest::images::{ImageCache, ImageCacheConfig, ImageError};
use storyline_ingest::poll::{PollConfig, SourceState, poll, poll_with};
use storyline_ingest::sources::{FeedItem, SourceKind};

fn feed_xml(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local News</title><link>{base}/</link>
<item><title>Alibaba leads MiniMax round</title><link>{base}/story/1</link><guid>s1</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><description>Short teaser.</description>
<author>desk@local.test (Newsdesk)</author></item>
<item><title>Moonshot raises $1B</title><link>{base}/story/2</link><guid>s2</guid>
<pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate></item>
<item><title>Undated and unlinked</title></item>
</channel></rss>"#
    )
}

const ARTICLE_PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head><title>Alibaba leads MiniMax round - Local News</title>
<meta property="og:image" content="/img/lead.png"></head><body><nav>Home | World | Tech</nav>
<article><h1>Alibaba leads MiniMax round</h1>
<p>Alibaba has led a funding round of more than $600 million in MiniMax, the Shanghai-based artificial intelligence start-up, valuing the company at more than $2.5 billion, people familiar with the matter said on Tuesday.</p>
<p>The investment is the latest in a string of bets by large Chinese technology groups on home-grown developers of large language models, as competition with US rivals intensifies and capital floods into the sector.</p>
<p>MiniMax, founded in 2021 by former executives of the computer vision company SenseTime, makes chatbots and other consumer applications and sells access to its models to businesses across China.</p>
</article><footer>Copyright Local News</footer></body></html>"#;

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png
}

async fn news_site() -> (String, Hits) {
    let feed_hits = Hits::default();
    let hits = feed_hits.clone();
    let base_cell = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let cell = base_cell.clone();
    let router = Router::new()
        .route(
            "/feed.xml",
            get(move |headers: HeaderMap| {
                let hits = hits.clone();
                let cell = cell.clone();
                async move {
                    hits.bump();
                    if headers
                        .get(header::IF_NONE_MATCH)
                        .is_some_and(|v| v.as_bytes() == b"\"feed-v1\"")
                    {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    let base = cell.get().cloned().unwrap_or_default();
                    ([(header::ETAG, "\"feed-v1\"")], feed_xml(&base)).into_response()
                }
            }),
        )
        .route("/story/1", get(|| async { axum::response::Html(ARTICLE_PAGE) }))
        .route("/broken.xml", get(|| async { "<rss version=\"2.0\"><channel><item><title>x" }))
        .route("/down.xml", get(|| async { StatusCode::NOT_FOUND }))
        .route("/img/lead.png", get(|| async { ([(header::CONTENT_TYPE, "image/png")], png(1200, 675)) }))
        .route(
            "/img/fake.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], "<!DOCTYPE html><html>not an image</html>") }),
        )
        .route("/img/bomb.png", get(|| async { png(60_000, 60_000) }))
        .route("/img/huge.jpg", get(|| async { vec![0xFFu8; 3 * 1024 * 1024] }))
        .route(
            "/sitemap_index.xml",
            get(|| async {
                r#"<sitemapindex><sitemap><loc>/news-sitemap.xml</loc><lastmod>2024-03-05</lastmod></sitemap></sitemapindex>"#
            }),
        )
        .route(
            "/news-sitemap.xml",
            get(|| async {
                r#"<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://127.0.0.1/story/9</loc><news:news><news:publication_date>2024-03-05T09:00:00Z</news:publication_date><news:title>From the sitemap</news:title></news:news></url></urlset>"#
            }),
        );
    let base = serve(router).await;
    let _ = base_cell.set(base.clone());
    (base, feed_hits)
}

#[tokio::test]
async fn poll_gets_items_then_304_with_validators() {
    let (base, hits) = news_site().await;
    let fetcher = test_fetcher();
    let state = SourceState::new(format!("{base}/feed.xml"));
    let first = poll(&fetcher, &state).await;
    assert_eq!(first.error, None);
    assert!(!first.not_modified);
    assert_eq!(first.items.len(), 3);
    assert_eq!(first.state.kind, Some(SourceKind::Rss));
    assert_eq!(first.state.title.as_deref(), Some("Local News"));
    assert_eq!(first.state.etag.as_deref(), Some("\"feed-v1\""));
    assert!(first.state.next_poll.is_some());
    assert_eq!(first.state.last_item_times.len(), 2);
    let undated = &first.items[2];
    assert_eq!(undated.url, None);
    assert_eq!(undated.date(), None);
    let second = poll(&fetcher, &first.state).await;
    assert!(second.not_modified);
    assert!(second.items.is_empty());
    assert_eq!(second.state.etag.as_deref(), Some("\"feed-v1\""));
    assert_eq!(hits.get(), 2);
}

#[tokio::test]
async fn failing_sources_keep_their_error_and_back_off() {
    let (base, _) = news_site().await;
    let fetcher = test_fetcher();
    let config = PollConfig::default();
    for path in ["broken.xml", "down.xml"] {
        let state = SourceState::new(format!("{base}/{path}"));
        let outcome = poll_with(&fetcher, &state, &config).await;
        let error = outcome.error.expect("an error");
        assert_eq!(outcome.state.failures, 1, "{path}");
        assert_eq!(outcome.state.last_error.as_deref(), Some(error.as_str()));
        assert!(outcome.items.is_empty());
        let wait = outcome.state.next_poll.expect("scheduled")
            - outcome.state.last_polled.expect("polled");
        assert!(wait.num_seconds() >= config.min_interval.as_secs() as i64 * 2);
        if path == "broken.xml" {
            assert!(error.contains("malformed"), "{error}");
        } else {
            assert!(error.contains("404"), "{error}");
        }
    }
}

#[tokio::test]
async fn sitemap_index_is_followed_into_its_children() {
    let (base, _) = news_site().await;
    let outcome = poll(
        &test_fetcher(),
        &SourceState::new(format!("{base}/sitemap_index.xml")),
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.state.kind, Some(SourceKind::SitemapIndex));
    assert_eq!(outcome.items.len(), 1);
    assert_eq!(outcome.items[0].title.as_deref(), Some("From the sitemap"));
}

#[tokio::test]
async fn summary_only_item_gets_the_page_text_and_keeps_feed_fields() {
    let (base, _) = news_site().await;
    let fetcher = test_fetcher();
    let outcome = poll(&fetcher, &SourceState::new(format!("{base}/feed.xml"))).await;
    let item = outcome.items[0].clone();
    assert_eq!(item.summary.as_deref(), Some("Short teaser."));
    let article = fetch_article(&fetcher, &item).await.expect("page fetched");
    assert!(article.page_fetched);
    assert!(
        article.text.contains("more than $600 million"),
        "{}",
        article.text
    );
    assert!(!article.text.contains("Copyright Local News"));
    assert_eq!(
        article.final_url.as_deref(),
        Some(format!("{base}/story/1").as_str())
    );
    assert_eq!(
        article.item.guid.as_deref(),
        Some("s1"),
        "feed fields are kept"
    );
    assert!(
        article.item.published.is_some(),
        "the feed's date fills the page's gap"
    );
    assert_eq!(
        article.item.image.as_deref(),
        Some(format!("{base}/img/lead.png").as_str())
    );
    // An item with the full text in the feed is not fetched.
    let full = FeedItem {
        url: Some(format!("{base}/never-fetched")),
        content_html: Some(format!("<p>{}</p>", "Full feed text. ".repeat(120))),
        ..FeedItem::default()
    };
    let article = fetch_article(&fetcher, &full)
        .await
        .expect("no fetch needed");
    assert!(!article.page_fetched);
    assert!(article.text.starts_with("Full feed text."));
}

#[tokio::test]
async fn images_are_cached_and_fakes_bombs_and_giants_refused() {
    let (base, _) = news_site().await;
    let fetcher = test_fetcher();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = ImageCacheConfig::new(dir.path());
    config.max_bytes = 2 * 1024 * 1024;
    let cache = ImageCache::new(config);
    let image = cache
        .cache(&fetcher, &format!("{base}/img/lead.png"))
        .await
        .expect("cached");
    assert_eq!((image.width, image.height), (1200, 675));
    assert_eq!(image.content_type, "image/png");
    assert!(image.path.is_file());
    let err = cache
        .cache(&fetcher, &format!("{base}/img/fake.png"))
        .await
        .expect_err("html is not an image");
    assert!(matches!(err, ImageError::NotAnImage { .. }), "{err}");
    let err = cache
        .cache(&fetcher, &format!("{base}/img/bomb.png"))
        .await
        .expect_err("bomb");
    assert!(matches!(err, ImageError::TooManyPixels { .. }), "{err}");
    let err = cache
        .cache(&fetcher, &format!("{base}/img/huge.jpg"))
        .await
        .expect_err("over the byte cap");
    assert!(err.to_string().contains("exceeds"), "{err}");
}

/// The futures the scheduler spawns must be `Send`, so `tokio::spawn` accepts them.
#[test]
fn polling_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let fetcher = test_fetcher();
    let state = SourceState::new("http://127.0.0.1:9/feed");
    let item = FeedItem::default();
    let cache = ImageCache::new(ImageCacheConfig::new(std::env::temp_dir()));
    assert_send(&poll(&fetcher, &state));
    assert_send(&fetch_article(&fetcher, &item));
    assert_send(&cache.cache(&fetcher, "http://127.0.0.1:9/x.png"));
    assert_send(&fetcher.fetch("http://127.0.0.1:9/", &Default::default()));
}

/// The conditional headers one request carried: (`If-None-Match`, `If-Modified-Since`).
type Conditions = std::sync::Arc<std::sync::Mutex<Vec<(Option<String>, Option<String>)>>>;

/// A feed whose server knows no entity tags: `Last-Modified` only, and 304 (with no
/// validators, as some servers answer) when `If-Modified-Since` is not older than it.
async fn last_modified_only_site() -> (String, Conditions) {
    const LAST_MODIFIED: &str = "Tue, 05 Mar 2024 10:00:00 GMT";
    let seen = Conditions::default();
    let log = seen.clone();
    let base_cell = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let cell = base_cell.clone();
    let router = Router::new().route(
        "/feed.xml",
        get(move |headers: HeaderMap| {
            let (log, cell) = (log.clone(), cell.clone());
            async move {
                let header = |name| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                let since = header(header::IF_MODIFIED_SINCE);
                log.lock()
                    .unwrap()
                    .push((header(header::IF_NONE_MATCH), since.clone()));
                let unchanged = since
                    .and_then(|s| chrono::DateTime::parse_from_rfc2822(&s).ok())
                    .zip(chrono::DateTime::parse_from_rfc2822(LAST_MODIFIED).ok())
                    .is_some_and(|(since, modified)| modified <= since);
                if unchanged {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                let base = cell.get().cloned().unwrap_or_default();
                ([(header::LAST_MODIFIED, LAST_MODIFIED)], feed_xml(&base)).into_response()
            }
        }),
    );
    let base = serve(router).await;
    let _ = base_cell.set(base.clone());
    (base, seen)
}

#[tokio::test]
async fn a_feed_with_only_last_modified_is_asked_if_modified_since_and_304_ends_the_poll() {
    let (base, seen) = last_modified_only_site().await;
    let fetcher = test_fetcher();
    let first = poll(&fetcher, &SourceState::new(format!("{base}/feed.xml"))).await;
    assert_eq!(first.error, None);
    assert_eq!(first.items.len(), 3);
    assert_eq!(first.state.etag, None);
    assert_eq!(
        first.state.last_modified.as_deref(),
        Some("Tue, 05 Mar 2024 10:00:00 GMT")
    );

    let second = poll(&fetcher, &first.state).await;
    assert_eq!(second.error, None);
    assert!(second.not_modified, "{second:?}");
    assert!(second.items.is_empty());
    assert!(second.meta.is_none(), "nothing was parsed");
    // The 304 carried no validators: the ones from the 200 are kept for the next poll.
    assert_eq!(second.state.last_modified, first.state.last_modified);
    assert_eq!(second.state.etag, None);
    assert_eq!(second.state.failures, 0);

    let third = poll(&fetcher, &second.state).await;
    assert!(third.not_modified, "{third:?}");

    let seen = seen.lock().unwrap().clone();
    let since = Some("Tue, 05 Mar 2024 10:00:00 GMT".to_string());
    assert_eq!(
        seen,
        [(None, None), (None, since.clone()), (None, since)],
        "no If-None-Match without an entity tag; If-Modified-Since after the first answer"
    );
}
