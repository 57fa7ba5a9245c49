//! The fetcher against real HTTP servers on 127.0.0.1: conditional GET, redirects, retries,
//! compression, charsets, size caps, timeouts, robots.txt and the SSRF guard.

mod common;

use std::io::Write;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{Hits, serve, test_config, test_fetcher};
use storyline_ingest::fetch::{FetchError, Fetcher, GuardConfig, Validators};

const FEED: &str =
    r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>"#;

#[tokio::test]
async fn second_fetch_with_validators_gets_304() {
    let hits = Hits::default();
    let h = hits.clone();
    let router = Router::new().route(
        "/feed.xml",
        get(move |headers: HeaderMap| {
            let h = h.clone();
            async move {
                h.bump();
                let etag_matches = headers
                    .get(header::IF_NONE_MATCH)
                    .is_some_and(|v| v.as_bytes() == b"\"v1\"");
                if etag_matches {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                (
                    [
                        (header::ETAG, "\"v1\""),
                        (header::LAST_MODIFIED, "Wed, 21 Oct 2015 07:28:00 GMT"),
                        (header::CONTENT_TYPE, "application/rss+xml"),
                    ],
                    FEED,
                )
                    .into_response()
            }
        }),
    );
    let base = serve(router).await;
    let fetcher = test_fetcher();
    let url = format!("{base}/feed.xml");
    let first = fetcher
        .fetch(&url, &Validators::default())
        .await
        .expect("200");
    assert_eq!(first.status, 200);
    assert!(!first.not_modified);
    assert_eq!(first.body, FEED.as_bytes());
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    let second = fetcher.fetch(&url, &first.validators()).await.expect("304");
    assert!(second.not_modified);
    assert!(second.body.is_empty());
    assert_eq!(second.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        second.last_modified.as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(hits.get(), 2);
}

fn redirect(status: StatusCode, to: &str) -> Response {
    (status, [(header::LOCATION, to.to_string())]).into_response()
}

#[tokio::test]
async fn redirect_chain_is_followed_and_recorded() {
    let router = Router::new()
        .route(
            "/old",
            get(|| async { redirect(StatusCode::MOVED_PERMANENTLY, "/older") }),
        )
        .route(
            "/older",
            get(|| async { redirect(StatusCode::FOUND, "final.xml") }),
        )
        .route("/final.xml", get(|| async { FEED }))
        .route(
            "/perm",
            get(|| async { redirect(StatusCode::PERMANENT_REDIRECT, "/final.xml") }),
        );
    let base = serve(router).await;
    let fetcher = test_fetcher();
    let fetched = fetcher
        .fetch(&format!("{base}/old"), &Validators::default())
        .await
        .expect("chain ends in 200");
    assert_eq!(fetched.final_url, format!("{base}/final.xml"));
    assert_eq!(
        fetched.redirects,
        vec![format!("{base}/older"), format!("{base}/final.xml")]
    );
    assert!(
        !fetched.permanently_moved,
        "a 302 in the chain is not a move"
    );
    let moved = fetcher
        .fetch(&format!("{base}/perm"), &Validators::default())
        .await
        .expect("308 then 200");
    assert!(moved.permanently_moved);
}

#[tokio::test]
async fn redirect_loop_and_overlong_chain_are_refused() {
    let router = Router::new()
        .route("/a", get(|| async { redirect(StatusCode::FOUND, "/b") }))
        .route("/b", get(|| async { redirect(StatusCode::FOUND, "/a") }))
        .route(
            "/hop/{n}",
            get(
                |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                    redirect(StatusCode::FOUND, &format!("/hop/{}", n + 1))
                },
            ),
        );
    let base = serve(router).await;
    let fetcher = test_fetcher();
    let err = fetcher
        .fetch(&format!("{base}/a"), &Validators::default())
        .await
        .expect_err("loop");
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err}");
    let err = fetcher
        .fetch(&format!("{base}/hop/0"), &Validators::default())
        .await
        .expect_err("too long");
    assert!(
        matches!(err, FetchError::TooManyRedirects { limit: 5, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn retry_after_on_429_and_503_is_honoured() {
    let hits429 = Hits::default();
    let hits503 = Hits::default();
    let (h1, h2) = (hits429.clone(), hits503.clone());
    let router = Router::new()
        .route(
            "/busy",
            get(move || {
                let h = h1.clone();
                async move {
                    if h.bump() == 1 {
                        (
                            StatusCode::TOO_MANY_REQUESTS,
                            [(header::RETRY_AFTER, "1")],
                            "slow down",
                        )
                            .into_response()
                    } else {
                        FEED.into_response()
                    }
                }
            }),
        )
        .route(
            "/maintenance",
            get(move || {
                let h = h2.clone();
                async move {
                    if h.bump() == 1 {
                        let soon = chrono::Utc::now() + chrono::Duration::seconds(1);
                        let date = soon.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            [(header::RETRY_AFTER, date)],
                            "later",
                        )
                            .into_response()
                    } else {
                        FEED.into_response()
                    }
                }
            }),
        )
        .route(
            "/closed",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "3600")],
                    "come back tomorrow",
                )
            }),
        );
    let base = serve(router).await;
    let fetcher = test_fetcher();
    let ok = fetcher
        .fetch(&format!("{base}/busy"), &Validators::default())
        .await
        .expect("second attempt succeeds");
    assert_eq!(ok.attempts, 2);
    assert_eq!(hits429.get(), 2);
    let ok = fetcher
        .fetch(&format!("{base}/maintenance"), &Validators::default())
        .await
        .expect("second attempt succeeds");
    assert_eq!(ok.attempts, 2);
    let err = fetcher
        .fetch(&format!("{base}/closed"), &Validators::default())
        .await
        .expect_err("an hour is beyond the cap");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(err.to_string().contains("503"), "{err}");
}

#[tokio::test]
async fn transient_500_is_retried_then_reported() {
    let hits = Hits::default();
    let h = hits.clone();
    let router = Router::new().route(
        "/broken",
        get(move || {
            let h = h.clone();
            async move {
                h.bump();
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }),
    );
    let base = serve(router).await;
    let err = test_fetcher()
        .fetch(&format!("{base}/broken"), &Validators::default())
        .await
        .expect_err("always 500");
    assert!(
        matches!(err, FetchError::Status { status: 500, .. }),
        "{err}"
    );
    assert_eq!(hits.get(), 3, "one attempt and two retries");
}

#[tokio::test]
async fn gzip_and_brotli_bodies_are_decoded() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(FEED.as_bytes()).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
        writer.write_all(FEED.as_bytes()).expect("brotli");
    }
    let router = Router::new()
        .route(
            "/gz",
            get(move |headers: HeaderMap| {
                let gz = gz.clone();
                async move {
                    let accepts = headers
                        .get(header::ACCEPT_ENCODING)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("gzip"));
                    assert!(accepts, "client must offer gzip");
                    ([(header::CONTENT_ENCODING, "gzip")], gz)
                }
            }),
        )
        .route(
            "/br",
            get(move || {
                let br = br.clone();
                async move { ([(header::CONTENT_ENCODING, "br")], br) }
            }),
        );
    let base = serve(router).await;
    let fetcher = test_fetcher();
    for path in ["gz", "br"] {
        let fetched = fetcher
            .fetch(&format!("{base}/{path}"), &Validators::default())
            .await
            .expect("compressed body");
        assert_eq!(fetched.text().text, FEED, "{path}");
    }
}

#[tokio::test]
async fn windows_1252_feed_labelled_utf8_comes_out_right() {
    let mut body =
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>".to_vec();
    body.extend_from_slice(b"Caf\xe9 cr\xe8me \x96 \x93d\xe9j\xe0 vu\x94 na\xefve r\xe9sum\xe9s");
    body.extend_from_slice(b"</title></channel></rss>");
    let router = Router::new().route(
        "/feed",
        get(move || {
            let body = body.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
                    body,
                )
            }
        }),
    );
    let base = serve(router).await;
    let fetched = test_fetcher()
        .fetch(&format!("{base}/feed"), &Validators::default())
        .await
        .expect("feed");
    let text = fetched.text();
    assert_eq!(text.encoding, "windows-1252");
    assert!(
        text.text.contains("Café crème – “déjà vu” naïve résumés"),
        "{}",
        text.text
    );
}

#[tokio::test]
async fn body_over_the_cap_is_cut_off_while_streaming() {
    let router = Router::new()
        .route("/declared", get(|| async { vec![b'x'; 2 * 1024 * 1024] }))
        .route(
            "/endless",
            get(|| async {
                // No Content-Length and no end: only a streaming cap stops this.
                let chunks = futures_util::stream::repeat_with(|| {
                    Ok::<_, std::convert::Infallible>(Bytes::from(vec![b'y'; 64 * 1024]))
                });
                Body::from_stream(chunks)
            }),
        );
    let base = serve(router).await;
    let fetcher = test_fetcher();
    for path in ["declared", "endless"] {
        let err = fetcher
            .fetch(&format!("{base}/{path}"), &Validators::default())
            .await
            .expect_err("over the cap");
        assert!(
            matches!(
                err,
                FetchError::BodyTooLarge {
                    limit: 1_048_576,
                    ..
                }
            ),
            "{path}: {err}"
        );
    }
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let router = Router::new().route(
        "/hang",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            "never"
        }),
    );
    let base = serve(router).await;
    let mut config = test_config();
    config.retry.max_retries = 0;
    let fetcher = Fetcher::new(config).expect("fetcher");
    let err = fetcher
        .fetch(&format!("{base}/hang"), &Validators::default())
        .await
        .expect_err("no answer");
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn robots_txt_is_honoured_and_fetched_once() {
    let robots_hits = Hits::default();
    let h = robots_hits.clone();
    let router = Router::new()
        .route(
            "/robots.txt",
            get(move || {
                let h = h.clone();
                async move {
                    h.bump();
                    "User-agent: *\nDisallow: /private/\n"
                }
            }),
        )
        .route("/public/feed", get(|| async { FEED }))
        .route("/private/feed", get(|| async { FEED }));
    let base = serve(router).await;
    let fetcher = test_fetcher();
    for _ in 0..3 {
        fetcher
            .fetch(&format!("{base}/public/feed"), &Validators::default())
            .await
            .expect("allowed");
    }
    let err = fetcher
        .fetch(&format!("{base}/private/feed"), &Validators::default())
        .await
        .expect_err("disallowed");
    assert!(matches!(err, FetchError::RobotsDisallowed { .. }), "{err}");
    assert_eq!(robots_hits.get(), 1, "robots.txt is cached per host");
}

#[tokio::test]
async fn redirect_to_a_disallowed_address_is_refused() {
    // The server on 127.0.0.1 (allowed) redirects to 127.0.0.2 (not allowed), by literal and by
    // a name pinned to it: the first is refused before sending, the second at connect time.
    let router = Router::new()
        .route(
            "/to-literal",
            get(|| async { redirect(StatusCode::FOUND, "http://127.0.0.2/feed") }),
        )
        .route(
            "/to-name",
            get(|| async { redirect(StatusCode::FOUND, "http://internal.test/feed") }),
        )
        .route(
            "/to-decimal",
            get(|| async { redirect(StatusCode::FOUND, "http://2130706434/") }),
        );
    let base = serve(router).await;
    let mut config = test_config();
    config.guard = GuardConfig::allowing(["127.0.0.1/32".parse().expect("range")])
        .with_host("internal.test", vec!["127.0.0.2".parse().expect("ip")]);
    let fetcher = Fetcher::new(config).expect("fetcher");
    for path in ["to-literal", "to-name", "to-decimal"] {
        let err = fetcher
            .fetch(&format!("{base}/{path}"), &Validators::default())
            .await
            .expect_err("refused");
        let FetchError::Refused { url, reason } = &err else {
            panic!("{path}: expected a refusal, got {err}");
        };
        assert!(
            !url.contains("127.0.0.1"),
            "the refused hop is named: {url}"
        );
        assert!(reason.to_string().contains("loopback"), "{path}: {reason}");
    }
}

#[tokio::test]
async fn loopback_is_refused_by_default() {
    let base = serve(Router::new().route("/feed", get(|| async { FEED }))).await;
    let mut config = test_config();
    config.guard = GuardConfig::default();
    let fetcher = Fetcher::new(config).expect("fetcher");
    let err = fetcher
        .fetch(&format!("{base}/feed"), &Validators::default())
        .await
        .expect_err("loopback refused");
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
    let mut config = test_config();
    config.guard =
        GuardConfig::default().with_host("localhost.test", vec!["127.0.0.1".parse().expect("ip")]);
    let fetcher = Fetcher::new(config).expect("fetcher");
    let port = base.rsplit(':').next().expect("port");
    let err = fetcher
        .fetch(
            &format!("http://localhost.test:{port}/feed"),
            &Validators::default(),
        )
        .await
        .expect_err("name resolving to loopback refused at connect time");
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
}

#[tokio::test]
async fn failing_robots_txt_disallows_the_host_for_a_while() {
    let page_hits = Hits::default();
    let h = page_hits.clone();
    let router = Router::new()
        .route(
            "/robots.txt",
            get(|| async { StatusCode::SERVICE_UNAVAILABLE }),
        )
        .route(
            "/feed",
            get(move || {
                let h = h.clone();
                async move {
                    h.bump();
                    FEED
                }
            }),
        );
    let base = serve(router).await;
    let err = test_fetcher()
        .fetch(&format!("{base}/feed"), &Validators::default())
        .await
        .expect_err("robots.txt failing means no crawling");
    assert!(matches!(err, FetchError::RobotsDisallowed { .. }), "{err}");
    assert!(err.to_string().contains("server error"), "{err}");
    assert_eq!(page_hits.get(), 0, "the page itself is never requested");
    let mut config = test_config();
    config.respect_robots = false;
    let fetched = Fetcher::new(config)
        .expect("fetcher")
        .fetch(&format!("{base}/feed"), &Validators::default())
        .await
        .expect("robots ignored on request");
    assert_eq!(fetched.body, FEED.as_bytes());
}
