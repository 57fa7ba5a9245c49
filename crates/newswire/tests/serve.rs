//! A newswire of three outlets answering a real HTTP client: feeds with conditional GET,
//! items pointing at pages on their own outlet's address, pages holding the article text,
//! images, robots.txt, error and hanging behaviours, and the request log.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use storyline_newswire::{Behaviour, Newswire, NewswireConfig, TextSource};

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .expect("client")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The text between every `<tag>` and `</tag>` of `xml`.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(open.as_str())
        .skip(1)
        .filter_map(|rest| rest.split_once(close.as_str()).map(|(inside, _)| inside))
        .collect()
}

#[tokio::test]
async fn three_outlets_serve_feeds_pages_and_images() {
    let wire = Newswire::start(NewswireConfig {
        outlets: 3,
        articles: 30,
        images: true,
        seed: 5,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await
    .expect("newswire starts");
    let http = client(Duration::from_secs(10));

    assert_eq!(wire.total_articles(), 30);
    let outlets = wire.outlets();
    assert_eq!(outlets.len(), 3);
    for (i, outlet) in outlets.iter().enumerate() {
        assert_eq!(outlet.address.octets(), [127, 0, 0, 2 + i as u8]);
        assert_eq!(
            outlet.base_url,
            format!("http://127.0.0.{}:{}", 2 + i, wire.port())
        );
        assert_eq!(outlet.articles.len(), 10);
        assert!(
            wire.opml()
                .contains(&format!("xmlUrl=\"{}\"", outlet.feed_url))
        );
    }

    // The feed: one item per article, each linking a page on the outlet's own address, with
    // a summary rather than the text.
    let outlet = &outlets[1];
    let response = http.get(&outlet.feed_url).send().await.expect("feed");
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[ETAG].to_str().expect("etag").to_string();
    let last_modified = response.headers()[LAST_MODIFIED]
        .to_str()
        .expect("last-modified")
        .to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong tag: {etag}"
    );
    let feed = response.text().await.expect("feed body");
    let links = elements(&feed, "link");
    let items: Vec<&str> = links
        .iter()
        .copied()
        .filter(|l| l.ends_with(".html"))
        .collect();
    let expected: Vec<&str> = outlet.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(items, expected);
    for link in &items {
        assert!(link.starts_with(&format!("{}/", outlet.base_url)), "{link}");
    }
    for (summary, article) in elements(&feed, "description")
        .iter()
        .skip(1)
        .zip(&outlet.articles)
    {
        assert!(summary.len() * 2 < article.text.len(), "{summary}");
    }

    // Conditional GET: either validator gives 304; a stale tag gives the feed.
    for (name, value) in [
        (IF_NONE_MATCH, etag.as_str()),
        (IF_MODIFIED_SINCE, last_modified.as_str()),
    ] {
        let response = http
            .get(&outlet.feed_url)
            .header(name, value)
            .send()
            .await
            .expect("conditional feed");
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[ETAG].to_str().ok(), Some(etag.as_str()));
    }
    let stale = http
        .get(&outlet.feed_url)
        .header(IF_NONE_MATCH, "\"something-else\"")
        .send()
        .await
        .expect("feed");
    assert_eq!(stale.status(), StatusCode::OK);

    // A page: furniture around the whole article text.
    let article = &outlet.articles[3];
    let response = http.get(&article.url).send().await.expect("page");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html"))
    );
    let page = response.text().await.expect("page body");
    assert!(
        (20_000..=80_000).contains(&page.len()),
        "{} bytes",
        page.len()
    );
    for paragraph in article.text.split("\n\n") {
        assert!(page.contains(&escape(paragraph)), "missing: {paragraph}");
    }
    assert!(article.text.split_whitespace().count() >= 150);
    assert!(page.contains(&format!(
        "<h1 class=\"story__headline\">{}</h1>",
        escape(&article.title)
    )));
    assert!(page.contains(&format!(
        "<meta property=\"og:site_name\" content=\"{}\">",
        escape(&outlet.name)
    )));
    let image = article.image_url.as_deref().expect("images are on");
    assert!(page.contains(&format!("<meta property=\"og:image\" content=\"{image}\">")));
    for furniture in [
        "<time ",
        "Most read",
        "Related",
        "Comments (",
        "newsletter",
        "©",
    ] {
        assert!(page.contains(furniture), "no {furniture}");
    }

    // The lead image and robots.txt.
    let response = http.get(image).send().await.expect("image");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.expect("image body");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let robots = http
        .get(format!("{}/robots.txt", outlet.base_url))
        .send()
        .await
        .expect("robots")
        .text()
        .await
        .expect("robots body");
    assert!(robots.contains("User-agent: *") && !robots.contains("Crawl-delay"));
    let missing = http
        .get(format!("{}/2020/01/nothing.html", outlet.base_url))
        .send()
        .await
        .expect("missing page");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // An outlet whose pages answer 403 still serves its feed.
    let blocked = &outlets[2];
    wire.set_behaviour(2, Behaviour::Status(403));
    let response = http
        .get(&blocked.articles[0].url)
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = http.get(&blocked.feed_url).send().await.expect("feed");
    assert_eq!(response.status(), StatusCode::OK);

    // Every request was recorded, with its status, on its own outlet.
    let log = wire.requests(1);
    let seen: Vec<(&str, u16)> = log.iter().map(|r| (r.path.as_str(), r.status)).collect();
    let page_path = article.url.trim_start_matches(&outlet.base_url);
    assert_eq!(
        seen,
        [
            ("/feed.xml", 200),
            ("/feed.xml", 304),
            ("/feed.xml", 304),
            ("/feed.xml", 200),
            (page_path, 200),
            (image.trim_start_matches(&outlet.base_url), 200),
            ("/robots.txt", 200),
            ("/2020/01/nothing.html", 404),
        ]
    );
    assert!(
        log.iter()
            .all(|r| r.finished.is_some_and(|f| f >= r.started))
    );
    assert_eq!(wire.max_in_flight(1), 1);
    let blocked_log = wire.requests(2);
    assert_eq!(blocked_log.len(), 2);
    assert_eq!(blocked_log[0].status, 403);
    assert!(wire.requests(0).is_empty());

    wire.shutdown().await;
}

#[tokio::test]
async fn hanging_pages_stay_in_flight_until_shutdown() {
    let wire = Newswire::start(NewswireConfig {
        outlets: 1,
        articles: 4,
        crawl_delay: Some(3),
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await
    .expect("newswire starts");
    wire.set_behaviour(0, Behaviour::Hang);
    let outlet = &wire.outlets()[0];
    let http = client(Duration::from_millis(400));

    let attempts = outlet
        .articles
        .iter()
        .map(|a| http.get(&a.url).send())
        .collect::<Vec<_>>();
    for result in futures_join(attempts).await {
        assert!(result.is_err_and(|e| e.is_timeout()));
    }
    let robots = http
        .get(format!("{}/robots.txt", outlet.base_url))
        .send()
        .await
        .expect("robots answers")
        .text()
        .await
        .expect("robots body");
    assert!(robots.contains("Crawl-delay: 3"));

    let log = wire.requests(0);
    let pages: Vec<_> = log.iter().filter(|r| r.path.ends_with(".html")).collect();
    assert_eq!(pages.len(), 4);
    assert!(pages.iter().all(|r| r.finished.is_none() && r.status == 0));
    assert_eq!(wire.max_in_flight(0), 4);

    let started = Instant::now();
    wire.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn page_delay_slows_pages_only() {
    let wire = Newswire::start(NewswireConfig {
        outlets: 2,
        articles: 2,
        page_delay: Duration::from_millis(300),
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await
    .expect("newswire starts");
    let http = client(Duration::from_secs(10));
    let outlet = &wire.outlets()[1];

    let started = Instant::now();
    let feed = http.get(&outlet.feed_url).send().await.expect("feed");
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(300));

    let started = Instant::now();
    let page = http
        .get(&outlet.articles[0].url)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

/// Runs the futures concurrently and returns their outputs in order.
async fn futures_join<F: std::future::Future + Send + 'static>(futures: Vec<F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("task"));
    }
    outputs
}
