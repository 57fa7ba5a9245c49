//! Reading apps against a running server: the Google Reader API (over HTTP, then with
//! newsboat and the `google-reader` Python client), the Fever API (over HTTP, then with the
//! `freshrss-api` Python client), per-user read state in the web pages, and what readers may
//! not do.
//!
//! newsboat (with tmux to drive its screen) and a Python with `google-reader` and
//! `freshrss-api` are found on `PATH` and at `STORYLINE_PYTHON`; `.ci/run` installs them.
//! Without them those tests print `SKIPPED`, unless `CI=true` or
//! `STORYLINE_REQUIRE_READING_APPS=1`, when they fail (see `test-support/required.rs`).

mod common;
use common::required;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use common::{Piece, client, row, story, test_config};
use reqwest::StatusCode;
use serde_json::Value;
use storyline_model::article_id;
use storyline_server::accounts;
use storyline_server::{AppState, ServerConfig};
use storyline_store::{ArticleRow, Commit, Role, SourceRow, Store};
use tokio::sync::oneshot;

const FEED_LEDGER: &str = "https://ledger.example/feed.xml";
const FEED_CIVIC: &str = "https://civic.example/rss";
const FEED_NORTH: &str = "https://north.example/atom";
const LOGIN_PASSWORD: &str = "reading-is-fun";

/// A running server over a store with three sources in two groups, three stories (one with a
/// syndicated copy, one with a piece read from a file) and three users.
struct Desk {
    base: String,
    store: Arc<dyn Store>,
    /// App passwords.
    ana: String,
    bo: String,
    root: String,
    _dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Desk {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

fn piece(
    url: &'static str,
    outlet: &'static str,
    domain: &'static str,
    title: &'static str,
    hour: u32,
) -> Piece {
    Piece {
        url,
        outlet,
        domain,
        title,
        body: "The harbour board met on Tuesday. It approved the ferry timetable for the summer.",
        hour,
        quality: 60,
        topics: &[],
    }
}

fn sourced(p: &Piece, story: &str, feed: Option<&str>, minute: i64) -> ArticleRow {
    let mut r = row(p, story, 12);
    r.article.provenance.feed_url = feed.map(String::from);
    r.ingested_at = Utc.with_ymd_and_hms(2026, 5, 12, 6, 0, 0).unwrap() + Span::minutes(minute);
    r
}

fn source(url: &str, title: &str, group: &str) -> SourceRow {
    SourceRow {
        id: 0,
        url: url.into(),
        kind: "feed".into(),
        title: Some(title.into()),
        group: Some(group.into()),
        state: None,
        next_poll: Utc::now() + Span::days(1),
        last_error: None,
        enabled: true,
        created_at: Utc::now(),
        last_round: None,
    }
}

const Q1: &str = "https://north.example/quake-shakes-port";
const Q2: &str = "https://civic.example/quake-damage";
const Q3: &str = "https://ledger.example/quake-insurers";
const F1: &str = "https://ledger.example/quillon-raises";
const F2: &str = "https://civic.example/quillon-raises-copy";
const F3: &str = "https://north.example/quillon-analysis";
const P1: &str = "https://civic.example/ferry-timetable";
const P2: &str = "https://files.example/ferry-notes";

async fn fill(store: &dyn Store) {
    for s in [
        source(FEED_LEDGER, "The Ledger", "Business"),
        source(FEED_CIVIC, "Civic Post", "Local"),
        source(FEED_NORTH, "Northgate Observer", "Local"),
    ] {
        assert!(store.add_source(&s).await.unwrap());
    }
    let q1 = sourced(
        &piece(
            Q1,
            "Northgate Observer",
            "north.example",
            "Quake shakes Port Aldine",
            5,
        ),
        "s-quake",
        Some(FEED_NORTH),
        1,
    );
    let q2 = sourced(
        &piece(
            Q2,
            "Civic Post",
            "civic.example",
            "Quake damage counted downtown",
            6,
        ),
        "s-quake",
        Some(FEED_CIVIC),
        2,
    );
    let q3 = sourced(
        &piece(
            Q3,
            "The Ledger",
            "ledger.example",
            "Insurers brace after quake",
            7,
        ),
        "s-quake",
        Some(FEED_LEDGER),
        3,
    );
    let f1 = sourced(
        &piece(
            F1,
            "The Ledger",
            "ledger.example",
            "Quillon raises $1.2bn",
            4,
        ),
        "s-fund",
        Some(FEED_LEDGER),
        4,
    );
    let mut f2 = sourced(
        &piece(
            F2,
            "Civic Post",
            "civic.example",
            "Quillon raises $1.2bn (wire)",
            5,
        ),
        "s-fund",
        Some(FEED_CIVIC),
        5,
    );
    f2.duplicate_of = Some(f1.article.id.clone());
    let f3 = sourced(
        &piece(
            F3,
            "Northgate Observer",
            "north.example",
            "What Quillon's round means",
            8,
        ),
        "s-fund",
        Some(FEED_NORTH),
        6,
    );
    let p1 = sourced(
        &piece(
            P1,
            "Civic Post",
            "civic.example",
            "Ferry timetable approved",
            3,
        ),
        "s-port",
        Some(FEED_CIVIC),
        7,
    );
    let p2 = sourced(
        &piece(
            P2,
            "Harbour Notes",
            "files.example",
            "Ferry notes from the archive",
            2,
        ),
        "s-port",
        None,
        8,
    );
    let stories = vec![
        story("s-quake", &q1, &[&q1, &q2, &q3], 90, &[]),
        story("s-fund", &f1, &[&f1, &f2, &f3], 60, &[]),
        story("s-port", &p1, &[&p1, &p2], 30, &[]),
    ];
    store
        .commit(&Commit {
            articles: vec![q1, q2, q3, f1, f2, f3, p1, p2],
            stories,
            ..Commit::default()
        })
        .await
        .unwrap();
}

async fn start() -> Desk {
    start_with(test_config()).await
}

async fn start_with(mut config: ServerConfig) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let store = common::open_store(dir.path()).await;
    fill(store.as_ref()).await;
    let mut app_passwords = Vec::new();
    for (name, role) in [
        ("ana", Role::Reader),
        ("bo", Role::Reader),
        ("root", Role::Admin),
    ] {
        accounts::add_user(store.as_ref(), name, role, LOGIN_PASSWORD)
            .await
            .unwrap();
        app_passwords.push(
            accounts::new_app_password(store.as_ref(), name)
                .await
                .unwrap(),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    config.bind = addr;
    config.base_url = format!("http://{addr}");
    let state = AppState::new(store.clone(), config).expect("search index in memory");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        storyline_server::serve_listener(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    let mut passwords = app_passwords.into_iter();
    Desk {
        base: format!("http://{addr}"),
        store,
        ana: passwords.next().unwrap(),
        bo: passwords.next().unwrap(),
        root: passwords.next().unwrap(),
        _dir: dir,
        stop: Some(tx),
        task: Some(task),
    }
}

// ---------------------------------------------------------------------------------------
// Google Reader over HTTP

async fn gr_login(d: &Desk, name: &str, password: &str) -> Result<String, StatusCode> {
    let resp = client()
        .post(d.url("/accounts/ClientLogin"))
        .form(&[("Email", name), ("Passwd", password), ("service", "reader")])
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    if status != StatusCode::OK {
        return Err(status);
    }
    let auth = text
        .lines()
        .find_map(|l| l.strip_prefix("Auth="))
        .expect("an Auth line")
        .to_string();
    assert!(text.contains("SID="), "{text}");
    Ok(auth)
}

async fn gr_get(d: &Desk, auth: &str, path: &str) -> Value {
    let resp = client()
        .get(d.url(path))
        .header("Authorization", format!("GoogleLogin auth={auth}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.unwrap()
}

async fn gr_post(d: &Desk, auth: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let resp = client()
        .post(d.url(path))
        .header("Authorization", format!("GoogleLogin auth={auth}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

async fn reading_list_unread(d: &Desk, auth: &str) -> u64 {
    let counts = gr_get(d, auth, "/reader/api/0/unread-count?output=json").await;
    counts["unreadcounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "user/-/state/com.google/reading-list")
        .and_then(|c| c["count"].as_u64())
        .expect("a reading-list count")
}

fn titles(stream: &Value) -> Vec<String> {
    stream["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

fn item_id_titled(stream: &Value, title: &str) -> String {
    stream["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == title)
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("no item {title:?}"))
        .to_string()
}

#[tokio::test]
async fn google_reader_logins_need_the_app_password_and_are_throttled() {
    let d = start().await;
    assert_eq!(
        gr_login(&d, "ana", LOGIN_PASSWORD).await,
        Err(StatusCode::UNAUTHORIZED),
        "the login password is not the app password"
    );
    assert_eq!(gr_login(&d, "ana", "").await, Err(StatusCode::UNAUTHORIZED));
    assert_eq!(
        gr_login(&d, "nobody", &d.ana).await,
        Err(StatusCode::UNAUTHORIZED)
    );
    let auth = gr_login(&d, "Ana", &d.ana).await.unwrap();
    assert!(auth.starts_with("ana/"));
    // A made-up token, another user's token with this name, no header: refused.
    for bad in [
        "ana/0000".to_string(),
        format!("bo/{}", auth.trim_start_matches("ana/")),
    ] {
        let resp = client()
            .get(d.url("/reader/api/0/user-info"))
            .header("Authorization", format!("GoogleLogin auth={bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = client()
        .get(d.url("/reader/api/0/subscription/list"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // After a few more wrong passwords the account and the address wait, even for the
    // right password.
    for _ in 0..6 {
        let _ = gr_login(&d, "ana", "guess").await;
    }
    let resp = client()
        .post(d.url("/accounts/ClientLogin"))
        .form(&[("Email", "ana"), ("Passwd", d.ana.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    d.stop().await;
}

#[tokio::test]
async fn google_reader_streams_pages_marks_and_keeps_each_users_state() {
    let d = start().await;
    let ana = gr_login(&d, "ana", &d.ana).await.unwrap();
    let bo = gr_login(&d, "bo", &d.bo).await.unwrap();

    let info = gr_get(&d, &ana, "/reader/api/0/user-info").await;
    assert_eq!(info["userName"], "ana");
    let resp = client()
        .get(d.url("/reader/api/0/user-info"))
        .header("Authorization", format!("GoogleLogin auth={ana}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["cache-control"], "private, no-cache");
    let token = client()
        .get(d.url("/reader/api/0/token"))
        .header("Authorization", format!("GoogleLogin auth={ana}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!token.trim().is_empty() && !ana.contains(token.trim()));

    // Subscriptions are the sources, their groups are labels.
    let subs = gr_get(&d, &ana, "/reader/api/0/subscription/list?output=json").await;
    let subs = subs["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 3);
    let civic = subs
        .iter()
        .find(|s| s["id"] == format!("feed/{FEED_CIVIC}"))
        .expect("the civic feed");
    assert_eq!(civic["title"], "Civic Post");
    assert_eq!(civic["categories"][0]["id"], "user/-/label/Local");
    assert_eq!(civic["categories"][0]["label"], "Local");
    let tags = gr_get(&d, &ana, "/reader/api/0/tag/list?output=json").await;
    let tag_ids: Vec<&str> = tags["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for wanted in [
        "user/-/state/com.google/starred",
        "user/-/label/Business",
        "user/-/label/Local",
        "user/-/label/Top stories",
    ] {
        assert!(tag_ids.contains(&wanted), "{tag_ids:?}");
    }

    // Seven articles came through sources (the file's piece did not).
    assert_eq!(reading_list_unread(&d, &ana).await, 7);
    let counts = gr_get(&d, &ana, "/reader/api/0/unread-count?output=json").await;
    let local = counts["unreadcounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "user/-/label/Local")
        .unwrap();
    assert_eq!(local["count"], 5);

    // The reading list in pages of three, newest first, continuation to the end.
    let mut seen = Vec::new();
    let mut continuation: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &continuation {
            Some(c) => format!(
                "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=3&c={c}"
            ),
            None => "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=3".into(),
        };
        let page = gr_get(&d, &ana, &path).await;
        seen.extend(titles(&page));
        pages += 1;
        match page["continuation"].as_str() {
            Some(c) => continuation = Some(c.to_string()),
            None => break,
        }
        assert!(pages < 10, "continuation never ends");
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
    assert_eq!(seen[0], "Ferry timetable approved", "newest first");
    assert_eq!(seen[6], "Quake shakes Port Aldine");
    let oldest = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?r=o&n=2",
    )
    .await;
    assert_eq!(
        titles(&oldest),
        ["Quake shakes Port Aldine", "Quake damage counted downtown"]
    );
    // `ot` keeps what arrived at or after a time (06:06 here).
    let ot = Utc
        .with_ymd_and_hms(2026, 5, 12, 6, 6, 0)
        .unwrap()
        .timestamp();
    let recent = gr_get(
        &d,
        &ana,
        &format!("/reader/api/0/stream/contents/user/-/state/com.google/reading-list?ot={ot}"),
    )
    .await;
    assert_eq!(
        titles(&recent),
        ["Ferry timetable approved", "What Quillon's round means"]
    );

    // A feed stream and a label stream.
    let feed = gr_get(
        &d,
        &ana,
        &format!("/reader/api/0/stream/contents/feed/{FEED_LEDGER}"),
    )
    .await;
    assert_eq!(
        titles(&feed),
        ["Quillon raises $1.2bn", "Insurers brace after quake"]
    );
    let local_stream = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/contents/user/-/label/Local?n=50",
    )
    .await;
    assert_eq!(titles(&local_stream).len(), 5);

    // Each item carries its story's other coverage as links, and a link to the story.
    let lead = local_stream["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Quake shakes Port Aldine")
        .unwrap();
    let html = lead["summary"]["content"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"{Q2}\"")), "{html}");
    assert!(html.contains(&format!("href=\"{Q3}\"")), "{html}");
    assert!(html.contains("/story/s-quake"), "{html}");
    assert!(html.contains("Insurers brace after quake"));
    assert_eq!(lead["origin"]["streamId"], format!("feed/{FEED_NORTH}"));
    assert!(
        lead["categories"]
            .as_array()
            .unwrap()
            .contains(&Value::from("user/-/label/Local"))
    );

    // Top stories: the lead of each story, hottest first; the file's story too.
    let top = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/contents/user/-/label/Top%20stories",
    )
    .await;
    assert_eq!(
        titles(&top),
        [
            "Quake shakes Port Aldine",
            "Quillon raises $1.2bn",
            "Ferry timetable approved"
        ]
    );

    // Marking the original read marks its syndicated copy read too; `xt` leaves both out.
    let original = item_id_titled(&feed, "Quillon raises $1.2bn");
    let (status, body) = gr_post(
        &d,
        &ana,
        "/reader/api/0/edit-tag",
        &[
            ("i", original.as_str()),
            ("a", "user/-/state/com.google/read"),
        ],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "OK"));
    assert_eq!(reading_list_unread(&d, &ana).await, 5);
    let unread = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?xt=user/-/state/com.google/read&n=50",
    )
    .await;
    let unread_titles = titles(&unread);
    assert_eq!(unread_titles.len(), 5);
    assert!(
        !unread_titles
            .iter()
            .any(|t| t.starts_with("Quillon raises"))
    );
    let read = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/contents/user/-/state/com.google/read",
    )
    .await;
    assert_eq!(titles(&read).len(), 2);
    // The other user's state is untouched.
    assert_eq!(reading_list_unread(&d, &bo).await, 7);

    // Ids: short form, the same items as the contents; contents by id in either form.
    let ids = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=50&xt=user/-/state/com.google/read",
    )
    .await;
    let refs: Vec<String> = ids["itemRefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(refs.len(), 5);
    let short = refs[0].clone();
    let (status, body) = gr_post(
        &d,
        &ana,
        "/reader/api/0/stream/items/contents",
        &[("i", short.as_str()), ("i", original.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let contents: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(contents["items"].as_array().unwrap().len(), 2);

    // Stars, per user.
    let (status, _) = gr_post(
        &d,
        &ana,
        "/reader/api/0/edit-tag",
        &[
            ("i", short.as_str()),
            ("a", "user/-/state/com.google/starred"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let starred = gr_get(
        &d,
        &ana,
        "/reader/api/0/stream/contents/user/-/state/com.google/starred",
    )
    .await;
    assert_eq!(titles(&starred).len(), 1);
    let bo_starred = gr_get(
        &d,
        &bo,
        "/reader/api/0/stream/contents/user/-/state/com.google/starred",
    )
    .await;
    assert!(titles(&bo_starred).is_empty());
    // Bo marking an item unread changes nothing of Ana's.
    let _ = gr_post(
        &d,
        &bo,
        "/reader/api/0/edit-tag",
        &[
            ("i", original.as_str()),
            ("r", "user/-/state/com.google/read"),
        ],
    )
    .await;
    assert_eq!(reading_list_unread(&d, &ana).await, 5);

    // Mark all as read: a label up to a time, then the rest.
    let ts = Utc
        .with_ymd_and_hms(2026, 5, 12, 6, 2, 0)
        .unwrap()
        .timestamp_micros()
        .to_string();
    let (status, body) = gr_post(
        &d,
        &ana,
        "/reader/api/0/mark-all-as-read",
        &[("s", "user/-/label/Local"), ("ts", ts.as_str())],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "OK"));
    // Local's first two (the quake's lead and the civic piece) are read now.
    assert_eq!(reading_list_unread(&d, &ana).await, 3);
    let (status, _) = gr_post(
        &d,
        &ana,
        "/reader/api/0/mark-all-as-read",
        &[("s", "user/-/state/com.google/reading-list")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reading_list_unread(&d, &ana).await, 0);
    assert_eq!(reading_list_unread(&d, &bo).await, 7);
    d.stop().await;
}

#[tokio::test]
async fn google_reader_sources_are_shared_and_kept_by_admins() {
    let d = start().await;
    let ana = gr_login(&d, "ana", &d.ana).await.unwrap();
    let root = gr_login(&d, "root", &d.root).await.unwrap();
    // A reader may "add" a source that is followed (nothing changes), not a new one.
    let (status, body) = gr_post(
        &d,
        &ana,
        "/reader/api/0/subscription/quickadd",
        &[("quickadd", FEED_CIVIC)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let added: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(added["streamId"], format!("feed/{FEED_CIVIC}"));
    let new_feed = "https://new.example/feed.xml";
    let (status, _) = gr_post(
        &d,
        &ana,
        "/reader/api/0/subscription/quickadd",
        &[("quickadd", new_feed)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = gr_post(
        &d,
        &ana,
        "/reader/api/0/subscription/edit",
        &[("s", &format!("feed/{FEED_CIVIC}")), ("ac", "unsubscribe")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(d.store.sources().await.unwrap().len(), 3);
    // An admin adds, renames, regroups and removes.
    let (status, body) = gr_post(
        &d,
        &root,
        "/reader/api/0/subscription/quickadd",
        &[("quickadd", new_feed)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stream = format!("feed/{new_feed}");
    let (status, _) = gr_post(
        &d,
        &root,
        "/reader/api/0/subscription/edit",
        &[
            ("s", stream.as_str()),
            ("ac", "edit"),
            ("t", "New Outlet"),
            ("a", "user/-/label/Fresh"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let subs = gr_get(&d, &ana, "/reader/api/0/subscription/list?output=json").await;
    let added = subs["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == stream)
        .expect("the new subscription");
    assert_eq!(added["title"], "New Outlet");
    assert_eq!(added["categories"][0]["label"], "Fresh");
    let (status, _) = gr_post(
        &d,
        &root,
        "/reader/api/0/subscription/edit",
        &[("s", stream.as_str()), ("ac", "unsubscribe")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d.store.sources().await.unwrap().len(), 3);
    d.stop().await;
}

#[tokio::test]
async fn leading_double_slashes_reach_the_api() {
    // Apps join a server address ending in `/` to paths starting with `/`.
    let d = start().await;
    let resp = client()
        .post(format!("{}//accounts/ClientLogin", d.base))
        .form(&[("Email", "ana"), ("Passwd", d.ana.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    d.stop().await;
}

// ---------------------------------------------------------------------------------------
// Fever over HTTP

async fn fever(d: &Desk, path: &str, form: &[(&str, &str)]) -> Value {
    let resp = client().post(d.url(path)).form(form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

fn fever_key(name: &str, password: &str) -> String {
    accounts::fever_key(name, password)
}

#[tokio::test]
async fn fever_serves_groups_feeds_items_and_marks_per_user() {
    let d = start().await;
    let ana = fever_key("ana", &d.ana);
    let bo = fever_key("bo", &d.bo);
    let refused = fever(
        &d,
        "/fever/?api",
        &[("api_key", "0123456789abcdef0123456789abcdef")],
    )
    .await;
    assert_eq!(refused["auth"], 0);
    assert!(refused.get("items").is_none());
    let wrong = fever(
        &d,
        "/fever/?api&items",
        &[("api_key", &fever_key("ana", LOGIN_PASSWORD))],
    )
    .await;
    assert_eq!(wrong["auth"], 0, "the login password makes no Fever key");

    let groups = fever(&d, "/api/fever.php?api&groups&feeds", &[("api_key", &ana)]).await;
    assert_eq!(groups["auth"], 1);
    assert_eq!(groups["api_version"], 3);
    let names: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["title"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Business", "Local"]);
    assert_eq!(groups["feeds"].as_array().unwrap().len(), 3);
    let local_id = groups["groups"][1]["id"].as_i64().unwrap();
    let local_feeds = groups["feeds_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == local_id)
        .unwrap()["feed_ids"]
        .as_str()
        .unwrap()
        .split(',')
        .count();
    assert_eq!(local_feeds, 2);

    // Items in pages from `since_id`, and by id.
    let first = fever(&d, "/fever/?api&items&since_id=0", &[("api_key", &ana)]).await;
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert_eq!(first["total_items"], 7);
    let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "since_id pages go up");
    let after = fever(
        &d,
        &format!("/fever/?api&items&since_id={}", ids[4]),
        &[("api_key", &ana)],
    )
    .await;
    assert_eq!(after["items"].as_array().unwrap().len(), 2);
    let before = fever(
        &d,
        &format!("/fever/?api&items&max_id={}", ids[2]),
        &[("api_key", &ana)],
    )
    .await;
    assert_eq!(before["items"].as_array().unwrap().len(), 2);
    let with = fever(
        &d,
        &format!("/fever/?api&items&with_ids={},{}", ids[0], ids[6]),
        &[("api_key", &ana)],
    )
    .await;
    assert_eq!(with["items"].as_array().unwrap().len(), 2);
    assert!(
        with["items"][0]["html"]
            .as_str()
            .unwrap()
            .contains("Also in this story")
    );

    // Marks: read, saved; the other user sees none of it.
    let unread = fever(&d, "/fever/?api&unread_item_ids", &[("api_key", &ana)]).await;
    assert_eq!(
        unread["unread_item_ids"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        7
    );
    let marked = fever(
        &d,
        &format!("/fever/?api&mark=item&as=read&id={}", ids[0]),
        &[("api_key", &ana)],
    )
    .await;
    assert_eq!(
        marked["unread_item_ids"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        6
    );
    fever(
        &d,
        &format!("/fever/?api&mark=item&as=saved&id={}", ids[1]),
        &[("api_key", &ana)],
    )
    .await;
    let saved = fever(&d, "/fever/?api&saved_item_ids", &[("api_key", &ana)]).await;
    assert_eq!(saved["saved_item_ids"], ids[1].to_string());
    let bo_saved = fever(
        &d,
        "/fever/?api&saved_item_ids&unread_item_ids",
        &[("api_key", &bo)],
    )
    .await;
    assert_eq!(bo_saved["saved_item_ids"], "");
    assert_eq!(
        bo_saved["unread_item_ids"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        7
    );
    // A group marked read before a time, then everything.
    let before_time = Utc
        .with_ymd_and_hms(2026, 5, 12, 6, 2, 30)
        .unwrap()
        .timestamp();
    let group = fever(
        &d,
        &format!("/fever/?api&mark=group&as=read&id={local_id}&before={before_time}"),
        &[("api_key", &ana)],
    )
    .await;
    // The quake's lead was read already; the civic quake piece is read now.
    assert_eq!(
        group["unread_item_ids"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        5
    );
    let all = fever(
        &d,
        "/fever/?api&mark=group&as=read&id=0",
        &[("api_key", &ana)],
    )
    .await;
    assert_eq!(all["unread_item_ids"], "");
    d.stop().await;
}

// ---------------------------------------------------------------------------------------
// The web pages

/// Logs in through the form as `name`; the session cookie and the page's CSRF token.
async fn web_login(d: &Desk, name: &str, password: &str) -> (String, String) {
    let c = client();
    let form = c.get(d.url("/admin/login")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = form.text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let resp = c
        .post(d.url("/admin/login"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", name),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "login of {name}");
    let session = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let settings = c
        .get(d.url("/settings"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&settings, "csrf");
    (session, csrf)
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("hidden field") + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

async fn page(d: &Desk, session: &str, path: &str) -> (StatusCode, String) {
    let resp = client()
        .get(d.url(path))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

/// The `<li>` of a story page's timeline holding `title`.
fn timeline_entry<'p>(page: &'p str, title: &str) -> &'p str {
    let at = page
        .find(title)
        .unwrap_or_else(|| panic!("{title:?} not on the page"));
    let start = page[..at].rfind("<li").unwrap();
    let end = at + page[at..].find("</li>").unwrap();
    &page[start..end]
}

#[tokio::test]
async fn web_pages_show_unread_state_stars_and_mark_stories_read() {
    let d = start().await;
    let (ana, csrf) = web_login(&d, "ana", LOGIN_PASSWORD).await;
    // The front page counts each story's unread coverage for the reader, with a plain form.
    let (status, front) = page(&d, &ana, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(front.contains("3 unread"), "the quake story's three pieces");
    assert!(front.contains("action=\"/story/s-fund/read\""));
    assert!(front.contains("<a href=\"/settings\">ana</a>"));
    // A visitor's front page has none of it; the reader's is kept from shared caches.
    let (_, public) = page(&d, "", "/").await;
    assert!(!public.contains("unread") && !public.contains("Mark story read"));
    let mine = client()
        .get(d.url("/"))
        .header("cookie", &ana)
        .send()
        .await
        .unwrap();
    assert_eq!(mine.headers()["cache-control"], "private, no-cache");
    let theirs = client().get(d.url("/")).send().await.unwrap();
    assert!(!theirs.headers().contains_key("cache-control"));

    // "Mark story read".
    let resp = client()
        .post(d.url("/story/s-fund/read"))
        .header("cookie", &ana)
        .form(&[("csrf", csrf.as_str()), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let gr = gr_login(&d, "ana", &d.ana).await.unwrap();
    assert_eq!(reading_list_unread(&d, &gr).await, 4);
    // Without the CSRF token nothing happens.
    let resp = client()
        .post(d.url("/story/s-quake/read"))
        .header("cookie", &ana)
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(reading_list_unread(&d, &gr).await, 4);

    // A piece read in an app shows as read on the story page; the visit reads the rest.
    let feed = gr_get(
        &d,
        &gr,
        &format!("/reader/api/0/stream/contents/feed/{FEED_LEDGER}"),
    )
    .await;
    let insurers = item_id_titled(&feed, "Insurers brace after quake");
    gr_post(
        &d,
        &gr,
        "/reader/api/0/edit-tag",
        &[
            ("i", insurers.as_str()),
            ("a", "user/-/state/com.google/read"),
        ],
    )
    .await;
    let (_, story) = page(&d, &ana, "/story/s-quake").await;
    assert!(timeline_entry(&story, "Insurers brace after quake").contains("state read"));
    assert!(timeline_entry(&story, "Quake damage counted downtown").contains("state new"));
    assert_eq!(
        reading_list_unread(&d, &gr).await,
        1,
        "only the ferry piece is left"
    );
    let (_, again) = page(&d, &ana, "/story/s-quake").await;
    assert!(!again.contains("state new"));

    // Stars from the story page.
    let resp = client()
        .post(d.url(&format!("/article/{}/star", article_id(Q2))))
        .header("cookie", &ana)
        .form(&[
            ("csrf", csrf.as_str()),
            ("starred", "1"),
            ("back", "/story/s-quake"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/story/s-quake");
    let (_, starred) = page(&d, &ana, "/story/s-quake").await;
    assert!(timeline_entry(&starred, "Quake damage counted downtown").contains("★ Starred"));
    let stars = gr_get(
        &d,
        &gr,
        "/reader/api/0/stream/contents/user/-/state/com.google/starred",
    )
    .await;
    assert_eq!(titles(&stars), ["Quake damage counted downtown"]);
    // Bo's pages show Bo's state.
    let (bo, _) = web_login(&d, "bo", LOGIN_PASSWORD).await;
    let (_, bo_story) = page(&d, &bo, "/story/s-quake").await;
    assert!(timeline_entry(&bo_story, "Insurers brace after quake").contains("state new"));
    assert!(timeline_entry(&bo_story, "Quake damage counted downtown").contains("☆ Star"));
    d.stop().await;
}

#[tokio::test]
async fn readers_make_app_passwords_and_cannot_reach_editorial_actions() {
    let d = start().await;
    let (ana, csrf) = web_login(&d, "ana", LOGIN_PASSWORD).await;
    let (status, settings) = page(&d, &ana, "/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        settings.contains("App password is set") || settings.contains("An app password is set")
    );
    let resp = client()
        .post(d.url("/settings/app-password"))
        .header("cookie", &ana)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let shown = resp.text().await.unwrap();
    let marker = "<code class=\"secret\">";
    let start = shown.find(marker).expect("the new password is shown") + marker.len();
    let new_password = shown[start..].split('<').next().unwrap().to_string();
    assert_eq!(new_password.len(), 32);
    // The new one works, the old one no longer does.
    assert!(gr_login(&d, "ana", &new_password).await.is_ok());
    assert_eq!(
        gr_login(&d, "ana", &d.ana).await,
        Err(StatusCode::UNAUTHORIZED)
    );

    // Admin pages and editorial actions are refused to a reader's session.
    for path in ["/admin", "/admin/stories", "/admin/sources", "/admin/users"] {
        let (status, _) = page(&d, &ana, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let resp = client()
        .post(d.url("/admin/stories/s-quake/unpublish"))
        .header("cookie", &ana)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = client()
        .post(d.url("/api/v1/stories/s-quake/unpublish"))
        .header("cookie", &ana)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(d.store.story("s-quake").await.unwrap().unwrap().published);

    // An admin user manages users from the admin page.
    let (root, root_csrf) = web_login(&d, "root", LOGIN_PASSWORD).await;
    let (status, users) = page(&d, &root, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(users.contains(">ana<") && users.contains(">bo<"));
    let resp = client()
        .post(d.url("/admin/users"))
        .header("cookie", &root)
        .form(&[
            ("csrf", root_csrf.as_str()),
            ("name", "Cy"),
            ("role", "reader"),
            ("password", "cy-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        d.store.user("cy").await.unwrap().unwrap().role,
        Role::Reader
    );
    let resp = client()
        .post(d.url("/admin/users/cy/remove"))
        .header("cookie", &root)
        .form(&[("csrf", root_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(d.store.user("cy").await.unwrap().is_none());
    d.stop().await;
}

// ---------------------------------------------------------------------------------------
// Real clients

/// `what` is missing: fails under CI or `STORYLINE_REQUIRE_READING_APPS=1`, else skips.
fn missing(what: &str, place: &str) {
    if std::env::var("STORYLINE_REQUIRE_READING_APPS").is_ok_and(|v| v == "1") {
        panic!("{what} not found at {place}, and STORYLINE_REQUIRE_READING_APPS=1");
    }
    required::absent(what, place);
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The Python that has the client libraries: `STORYLINE_PYTHON`, checked by importing them.
fn python_with(modules: &[&str]) -> Option<PathBuf> {
    let place = "STORYLINE_PYTHON (a Python with `pip install --ignore-requires-python google-reader freshrss-api`; .ci/run makes one)";
    let Some(python) = std::env::var_os("STORYLINE_PYTHON").map(PathBuf::from) else {
        missing("a Python with the reading-app clients", place);
        return None;
    };
    let imports = modules.join(", ");
    let ok = std::process::Command::new(&python)
        .args(["-c", &format!("import {imports}")])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        missing(
            &format!("Python modules {imports}"),
            &python.display().to_string(),
        );
        return None;
    }
    Some(python)
}

fn client_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
}

async fn run_python(python: &Path, script: &str, args: &[&str]) -> String {
    let out = tokio::process::Command::new(python)
        .arg(client_script(script))
        .args(args)
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    stdout
}

#[tokio::test]
async fn the_google_reader_python_client_logs_in_pages_stars_marks_and_adds() {
    let Some(python) = python_with(&["google_reader"]) else {
        return;
    };
    let d = start().await;
    let out = run_python(
        &python,
        "google_reader_client.py",
        &[&d.base, "ana", &d.ana, "root", &d.root],
    )
    .await;
    assert!(out.contains("all checks passed"), "{out}");
    // What the client did shows in the store: one item starred, the original and its copy
    // read, the new source followed.
    let ana = d.store.user("ana").await.unwrap().unwrap().id;
    let starred = d
        .store
        .reader_items(
            ana,
            &storyline_store::ItemQuery::new(storyline_store::Stream::Starred, 10),
        )
        .await
        .unwrap();
    assert_eq!(starred.len(), 1);
    assert!(
        d.store
            .sources()
            .await
            .unwrap()
            .iter()
            .any(|s| s.url == "https://added.example/feed.xml")
    );
    d.stop().await;
}

#[tokio::test]
async fn the_freshrss_fever_client_reads_groups_feeds_items_and_marks() {
    let Some(python) = python_with(&["freshrss_api"]) else {
        return;
    };
    let d = start().await;
    let out = run_python(&python, "fever_client.py", &[&d.base, "ana", &d.ana]).await;
    assert!(out.contains("all checks passed"), "{out}");
    let ana = d.store.user("ana").await.unwrap().unwrap().id;
    let counts = d.store.unread_counts(ana).await.unwrap();
    let unread: u64 = counts.iter().map(|c| c.unread).sum();
    assert_eq!(unread, 6, "the client marked one item read");
    d.stop().await;
}

/// Runs newsboat with `args` against the config in `home`.
async fn newsboat(newsboat: &Path, home: &Path, args: &[&str]) -> String {
    let out = tokio::process::Command::new(newsboat)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .arg("-C")
        .arg(home.join("config"))
        .arg("-u")
        .arg(home.join("urls"))
        .arg("-c")
        .arg(home.join("cache.db"))
        .args(args)
        .output()
        .await
        .expect("newsboat runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "newsboat {args:?} failed: {text}");
    text
}

fn tmux(args: &[&str]) -> String {
    let out = std::process::Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Waits until the tmux pane shows `text`.
fn wait_for_screen(session: &str, text: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(text) {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "newsboat never showed {text:?}; the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn newsboat_reads_the_google_reader_api_and_its_marks_show_on_the_web() {
    let Some(newsboat_bin) = on_path("newsboat") else {
        missing("newsboat", "PATH (Debian: apt-get install newsboat)");
        return;
    };
    if on_path("tmux").is_none() {
        missing("tmux", "PATH (Debian: apt-get install tmux)");
        return;
    }
    let d = start().await;
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("urls"), "").unwrap();
    std::fs::write(
        home.path().join("config"),
        format!(
            "urls-source \"feedhq\"\nfeedhq-url \"{}/\"\nfeedhq-login \"ana\"\nfeedhq-password \"{}\"\nfeedhq-min-items 100\n",
            d.base, d.ana
        ),
    )
    .unwrap();
    newsboat(&newsboat_bin, home.path(), &["-x", "reload"]).await;
    let printed = newsboat(&newsboat_bin, home.path(), &["-x", "print-unread"]).await;
    let gr = gr_login(&d, "ana", &d.ana).await.unwrap();
    let api_unread = reading_list_unread(&d, &gr).await;
    assert_eq!(api_unread, 7);
    assert!(
        printed.contains(&format!("{api_unread} unread articles")),
        "newsboat printed {printed:?}, the API counts {api_unread}"
    );

    // Open the first feed's first article in newsboat's screen: newsboat marks it read
    // through the API.
    let session = format!("storyline-newsboat-{}", std::process::id());
    let command = format!(
        "HOME={home} XDG_CONFIG_HOME={home}/.config XDG_DATA_HOME={home}/.local/share {bin} -C {home}/config -u {home}/urls -c {home}/cache.db",
        home = home.path().display(),
        bin = newsboat_bin.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "40",
        &command,
    ]);
    // The screen is driven from this thread, which blocks: the server keeps the others.
    let result = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(|| {
            // newsboat lists its own three FeedHQ feeds (people followed, starred, shared), then
            // the subscriptions in the list's order: The Ledger is the fourth, its newest piece
            // first.
            wait_for_screen(&session, "(2/2) The Ledger");
            tmux(&["send-keys", "-t", &session, "Down", "Down", "Down", "Enter"]);
            wait_for_screen(&session, "Insurers brace after quake");
            tmux(&["send-keys", "-t", &session, "Enter"]);
            wait_for_screen(&session, "Feed:");
            tmux(&["send-keys", "-t", &session, "q"]);
            std::thread::sleep(Duration::from_millis(300));
            tmux(&["send-keys", "-t", &session, "q"]);
            std::thread::sleep(Duration::from_millis(300));
            tmux(&["send-keys", "-t", &session, "q"]);
        })
    });
    // Give newsboat a moment to leave, then make sure the session is gone.
    std::thread::sleep(Duration::from_millis(500));
    let _ = std::process::Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .output();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    // The piece opened is read now, in the API and on the story's web page; its
    // neighbours are not.
    let read = gr_get(
        &d,
        &gr,
        "/reader/api/0/stream/contents/user/-/state/com.google/read",
    )
    .await;
    assert_eq!(titles(&read), ["Insurers brace after quake"]);
    assert_eq!(reading_list_unread(&d, &gr).await, 6);
    let (ana, _) = web_login(&d, "ana", LOGIN_PASSWORD).await;
    let (_, story) = page(&d, &ana, "/story/s-quake").await;
    let entry = timeline_entry(&story, "Insurers brace after quake");
    assert!(entry.contains("state read"), "{entry}");
    assert!(timeline_entry(&story, "Quake damage counted downtown").contains("state new"));
    d.stop().await;
}

also_on_postgres!(
    google_reader_logins_need_the_app_password_and_are_throttled,
    google_reader_streams_pages_marks_and_keeps_each_users_state,
    google_reader_sources_are_shared_and_kept_by_admins,
    leading_double_slashes_reach_the_api,
    fever_serves_groups_feeds_items_and_marks_per_user,
    web_pages_show_unread_state_stars_and_mark_stories_read,
    readers_make_app_passwords_and_cannot_reach_editorial_actions,
    the_google_reader_python_client_logs_in_pages_stars_marks_and_adds,
    the_freshrss_fever_client_reads_groups_feeds_items_and_marks,
    newsboat_reads_the_google_reader_api_and_its_marks_show_on_the_web,
);
