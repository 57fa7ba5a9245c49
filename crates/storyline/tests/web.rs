//! `storyline fetch --once` against real HTTP servers on 127.0.0.1: 20 feeds whose items
//! carry only a summary, article pages with lead images, conditional GET on the second round,
//! and the SSRF guard refusing a local address that was not allowed.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use common::{Env, corpus_dir};

/// A 1×1 PNG.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const FEEDS: usize = 20;

struct Site {
    base: String,
    /// page name → (title, paragraphs)
    pages: Vec<(String, String, Vec<String>)>,
    feed_requests: AtomicUsize,
    not_modified: AtomicUsize,
    page_requests: AtomicUsize,
    image_requests: AtomicUsize,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn feed(State(site): State<Arc<Site>>, Path(n): Path<usize>, headers: HeaderMap) -> Response {
    site.feed_requests.fetch_add(1, Ordering::SeqCst);
    let etag = format!("\"feed-{n}-v1\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        site.not_modified.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut items = String::new();
    for (i, (name, title, paragraphs)) in site.pages.iter().enumerate() {
        if i % FEEDS != n {
            continue;
        }
        let summary = paragraphs
            .first()
            .map(|p| p.chars().take(140).collect::<String>())
            .unwrap_or_default();
        items.push_str(&format!(
            "<item><title>{}</title><link>{}/a/{name}.html?utm_source=rss</link><description>{}</description>\
             <pubDate>Tue, 12 May 2026 {:02}:00:00 GMT</pubDate><guid>{}/a/{name}.html</guid></item>",
            escape(title),
            site.base,
            escape(&summary),
            8 + i % 10,
            site.base
        ));
    }
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Test Wire {n}</title>\
         <link>{}/</link><description>feed {n}</description>{items}</channel></rss>",
        site.base
    );
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::ETAG, etag.as_str()),
        ],
        body,
    )
        .into_response()
}

async fn page(State(site): State<Arc<Site>>, Path(file): Path<String>) -> Response {
    site.page_requests.fetch_add(1, Ordering::SeqCst);
    let name = file.trim_end_matches(".html");
    let Some((_, title, paragraphs)) = site.pages.iter().find(|(n, _, _)| n == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} | Test Wire</title>\
         <meta property=\"og:title\" content=\"{t}\"><meta property=\"og:site_name\" content=\"Test Wire\">\
         <meta property=\"og:image\" content=\"{b}/img/{name}.png\"><link rel=\"canonical\" href=\"{b}/a/{name}.html\">\
         <meta property=\"article:published_time\" content=\"2026-05-12T09:00:00Z\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>{t}</h1>{body}</article>\
         <footer>Copyright 2026 Test Wire</footer></body></html>",
        t = escape(title),
        b = site.base
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn image(State(site): State<Arc<Site>>) -> Response {
    site.image_requests.fetch_add(1, Ordering::SeqCst);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(PIXEL_PNG)
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "image/png")], bytes).into_response()
}

/// Pages made from the plain-text half of our corpus: headline, then paragraphs.
fn corpus_pages() -> Vec<(String, String, Vec<String>)> {
    let mut pages = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(corpus_dir().join("text"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
        let Some(title) = blocks.next() else { continue };
        if title.len() > 160 || title.ends_with('.') {
            continue; // no headline line
        }
        let paragraphs: Vec<String> = blocks
            .filter(|b| b.split_whitespace().count() > 12)
            .map(str::to_string)
            .collect();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        pages.push((name, title.to_string(), paragraphs));
    }
    pages
}

async fn start(pages: Vec<(String, String, Vec<String>)>, ip: &str) -> (Arc<Site>, String) {
    let listener = tokio::net::TcpListener::bind(format!("{ip}:0"))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site = Arc::new(Site {
        base: base.clone(),
        pages,
        feed_requests: AtomicUsize::new(0),
        not_modified: AtomicUsize::new(0),
        page_requests: AtomicUsize::new(0),
        image_requests: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/feed/{n}", get(feed))
        .route("/a/{file}", get(page))
        .route("/img/{file}", get(image))
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
        .with_state(site.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (site, base)
}

fn count(summary: &str, label: &str) -> usize {
    // "… 17 ingested, 0 already known …" → the number before `label`.
    let before = summary.split(label).next().unwrap_or("");
    before
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_once_ingests_twenty_feeds_then_only_revalidates() {
    let pages = corpus_pages();
    assert!(
        pages.len() >= FEEDS,
        "the corpus has at least {FEEDS} headlined text articles"
    );
    let expected = pages.len();
    let (site, base) = start(pages, "127.0.0.1").await;
    let env = Env::new();
    for n in 0..FEEDS {
        let url = format!("{base}/feed/{n}");
        let added = tokio::task::block_in_place(|| {
            env.ok(&["source", "add", "--allow-net", "127.0.0.0/8", &url])
        });
        // The address is looked at before it is followed, and what is there is said.
        assert!(added.contains("found an RSS feed"), "{added}");
        assert!(added.contains(&format!("following {url}")), "{added}");
    }
    let run = |env: &Env| {
        let env_dir = env.data();
        let out = assert_cmd::Command::cargo_bin("storyline")
            .unwrap()
            .env("STORYLINE_DATA", env_dir)
            .args(["fetch", "--once", "--allow-net", "127.0.0.1/32"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = tokio::task::block_in_place(|| run(&env));
    let summary = first.lines().last().unwrap().to_string();
    assert_eq!(count(&summary, "sources polled"), FEEDS, "{first}");
    assert_eq!(count(&summary, "ingested ("), expected, "{first}");
    assert_eq!(count(&summary, "images cached"), expected, "{first}");
    assert_eq!(
        site.page_requests.load(Ordering::SeqCst),
        expected,
        "each page fetched once"
    );

    // Full text (not the feed's summary), cached images and stories.
    let stories = common::stories_json(&env);
    let mut articles = 0;
    for story in stories.as_array().unwrap() {
        articles += story["coverage"].as_array().unwrap().len();
    }
    assert_eq!(articles, expected);
    assert!(
        stories.as_array().unwrap().len() < expected,
        "coverage of one event forms one story"
    );
    let export = env.dir.path().join("export");
    env.ok(&["export", export.to_str().unwrap()]);
    let mut long_bodies = 0;
    for entry in std::fs::read_dir(&export).unwrap() {
        let record = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(record.contains("isCached: true"), "{record}");
        assert!(record.contains("width: 1\n"), "{record}");
        assert!(
            !record.contains("utm_source"),
            "tracking parameters removed: {record}"
        );
        let body = record.splitn(3, "---\n").nth(2).unwrap_or("");
        if body.split_whitespace().count() > 100 {
            long_bodies += 1;
        }
    }
    assert_eq!(
        long_bodies, expected,
        "every article has its full text from the page"
    );

    // Second round: conditional requests only, nothing new.
    let pages_before = site.page_requests.load(Ordering::SeqCst);
    let second = tokio::task::block_in_place(|| run(&env));
    let summary = second.lines().last().unwrap();
    assert_eq!(count(summary, "ingested ("), 0, "{second}");
    assert_eq!(
        site.not_modified.load(Ordering::SeqCst),
        FEEDS,
        "every feed answered 304"
    );
    assert_eq!(
        site.page_requests.load(Ordering::SeqCst),
        pages_before,
        "no page fetched again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_address_is_refused_unless_allowed() {
    let (site, base) = start(corpus_pages().into_iter().take(2).collect(), "127.0.0.1").await;
    let env = Env::new();
    let url = format!("{base}/feed/0");
    // Checking the address goes through the same guard: refused, and nothing is followed.
    let refused = tokio::task::block_in_place(|| env.run(&["source", "add", &url]));
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("cannot be followed"), "{said}");
    assert!(env.ok(&["source", "list"]).contains("No sources"));
    env.ok(&["source", "add", "--no-check", &url]);
    let out = tokio::task::block_in_place(|| {
        assert_cmd::Command::cargo_bin("storyline")
            .unwrap()
            .env("STORYLINE_DATA", env.data())
            .env_remove("STORYLINE_ALLOW_NETS")
            .args(["fetch", "--once"])
            .output()
            .unwrap()
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "nothing came through, and the exit status says so: {stdout}"
    );
    assert!(stdout.contains("1 failed"), "{stdout}");
    assert!(
        stdout.to_lowercase().contains("loopback")
            || stdout.contains("not public")
            || stdout.contains("refused"),
        "{stdout}"
    );
    assert_eq!(
        site.feed_requests.load(Ordering::SeqCst),
        0,
        "the guard refused before connecting"
    );
    let list = env.ok(&["source", "list"]);
    assert!(
        list.contains("FAILING"),
        "the source's last error is shown: {list}"
    );
}
