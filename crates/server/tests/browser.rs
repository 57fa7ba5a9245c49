//! Browser tests in real headless Chromium through chromedriver (WebDriver): a new reader opens
//! the front page, opens a story, searches; an editor logs in, adds a source and merges two
//! stories. A hostile article must not run script. Screenshots of the front page and a story
//! page go to `target/test-artifacts/`.
//!
//! Without chromedriver and Chromium the test prints `SKIPPED` and passes, unless
//! `STORYLINE_REQUIRE_BROWSER=1` or `CI=true` is set, when it fails (see
//! `test-support/required.rs`).

mod common;
use common::required;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

fn find_chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

fn find_chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn free_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn wait_for_url(client: &Client, fragment: &str) -> String {
    for _ in 0..100 {
        let url = client.current_url().await.unwrap().to_string();
        if url.contains(fragment) {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never reached a URL containing {fragment}");
}

#[tokio::test]
async fn reader_and_editor_journeys_in_headless_chromium() {
    let (driver, chromium) = match (find_chromedriver(), find_chromium()) {
        (Some(driver), Some(chromium)) => (driver, chromium),
        (driver, _) => {
            let (missing, place) = if driver.is_none() {
                ("chromedriver", "PATH")
            } else {
                (
                    "chromium",
                    "/usr/bin/chromium, /usr/bin/chromium-browser or /usr/bin/google-chrome",
                )
            };
            let place = format!("{place} (Debian: apt-get install chromium chromium-driver)");
            if std::env::var("STORYLINE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("{missing} not found at {place}, and STORYLINE_REQUIRE_BROWSER=1");
            }
            required::absent(missing, &place);
            return;
        }
    };
    let port = free_port().await;
    let mut chromedriver = tokio::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    wait_for_port(port).await;

    let r = start().await;
    let light = session(port, &chromium, false).await;
    let result = journeys(&light.0, &r).await;
    let looks = match result {
        Ok(()) => on_a_phone(&light.0, &r, "light").await,
        Err(e) => Err(e),
    };
    let _ = light.0.close().await;
    let dark = match looks {
        Ok(()) => {
            let dark = session(port, &chromium, true).await;
            let looks = in_the_dark(&dark.0, &r).await;
            let _ = dark.0.close().await;
            looks
        }
        Err(e) => Err(e),
    };
    let _ = chromedriver.kill().await;
    r.stop().await;
    dark.unwrap();
}

/// A WebDriver session in headless Chromium, with its own profile; `dark` asks for the dark
/// colour scheme, as a reader whose system is set to dark would have.
async fn session(port: u16, chromium: &std::path::Path, dark: bool) -> (Client, tempfile::TempDir) {
    let profile = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1280,1400".into(),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    if dark {
        args.push("--force-dark-mode".into());
        args.push("--blink-settings=preferredColorScheme=0".into());
    }
    let caps = json!({ "goog:chromeOptions": { "binary": chromium, "args": args } });
    let caps = caps.as_object().unwrap().clone();
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");
    (client, profile)
}

/// The page's background colour as the browser computed it.
async fn background(c: &Client) -> Result<String, fantoccini::error::CmdError> {
    let value = c
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Whether the page is wider than the window (a table pushing the layout sideways).
async fn overflows(c: &Client) -> Result<bool, fantoccini::error::CmdError> {
    let value = c
        .execute(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth;",
            vec![],
        )
        .await?;
    Ok(value.as_bool().unwrap_or(true))
}

/// The front page, a story and the admin's sources table at a phone's width (390 px): nothing
/// makes the page wider than the screen. Screenshots for people to look at.
async fn on_a_phone(
    c: &Client,
    r: &Running,
    scheme: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let shots = artifacts_dir();
    c.set_window_size(390, 844).await?;
    for (name, path) in [
        ("front", "/".to_string()),
        ("story", format!("/story/{}", r.news.quillon)),
        ("admin-sources", "/admin/sources".to_string()),
    ] {
        c.goto(&r.url(&path)).await?;
        assert!(!overflows(c).await?, "{path} is wider than a phone");
        std::fs::write(
            shots.join(format!("{name}-phone-{scheme}.png")),
            c.screenshot().await?,
        )
        .unwrap();
    }
    c.set_window_size(1280, 1400).await?;
    Ok(())
}

/// A reader whose system is set to dark gets the dark colours, on a desktop and a phone.
async fn in_the_dark(c: &Client, r: &Running) -> Result<(), fantoccini::error::CmdError> {
    let shots = artifacts_dir();
    c.goto(&r.url("/")).await?;
    assert_eq!(
        background(c).await?,
        "rgb(21, 22, 24)",
        "the dark background"
    );
    std::fs::write(shots.join("front-desktop-dark.png"), c.screenshot().await?).unwrap();
    c.goto(&r.url(&format!("/story/{}", r.news.quillon)))
        .await?;
    std::fs::write(shots.join("story-desktop-dark.png"), c.screenshot().await?).unwrap();
    c.set_window_size(390, 844).await?;
    c.goto(&r.url("/")).await?;
    assert!(!overflows(c).await?, "the front page is wider than a phone");
    std::fs::write(shots.join("front-phone-dark.png"), c.screenshot().await?).unwrap();
    Ok(())
}

async fn journeys(c: &Client, r: &Running) -> Result<(), fantoccini::error::CmdError> {
    let shots = artifacts_dir();
    // A reader opens the front page.
    c.goto(&r.url("/")).await?;
    let first = c.find(Locator::Css(".story .headline a")).await?;
    assert_eq!(
        first.text().await?,
        "Quillon raises $1.2bn in round led by Larchmont Capital"
    );
    let more = c.find(Locator::Css(".story .more")).await?.text().await?;
    assert!(more.starts_with("More:"), "{more}");
    assert_eq!(
        background(c).await?,
        "rgb(255, 255, 255)",
        "the light background"
    );
    std::fs::write(shots.join("front-desktop-light.png"), c.screenshot().await?).unwrap();

    // ... opens the story.
    first.click().await?;
    wait_for_url(c, &format!("/story/{}", r.news.quillon)).await;
    let h1 = c.find(Locator::Css(".storyhead h1")).await?.text().await?;
    assert!(h1.starts_with("Quillon raises"));
    let timeline = c.find_all(Locator::Css(".timeline li")).await?;
    assert_eq!(timeline.len(), 3);
    std::fs::write(shots.join("story-desktop-light.png"), c.screenshot().await?).unwrap();

    // ... searches from the box in the masthead.
    let q = c.find(Locator::Css(".searchbox input[name=q]")).await?;
    q.send_keys("earthquake").await?;
    c.find(Locator::Css(".searchbox button"))
        .await?
        .click()
        .await?;
    wait_for_url(c, "/search?q=earthquake").await;
    let marks = c.find_all(Locator::Css(".hits mark")).await?;
    assert!(!marks.is_empty(), "no highlighted match");

    // A hostile article does not run script (its payloads would rename the page).
    c.goto(&r.url(&format!("/article/{}", r.news.hostile_article)))
        .await?;
    let text = c.find(Locator::Css(".body")).await?.text().await?;
    assert!(text.contains("Kesvik harbour will expand."));
    if let Ok(link) = c.find(Locator::LinkText("more")).await {
        let _ = link.click().await;
    }
    let title = c.title().await?;
    assert!(!title.contains("pwned"), "script ran: {title}");

    // An editor logs in.
    c.goto(&r.url("/admin")).await?;
    wait_for_url(c, "/admin/login").await;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css(".login button")).await?.click().await?;
    // The login page's own URL contains "/admin" too, so wait for the dashboard itself.
    let dashboard = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".adminnav"))
        .await;
    assert!(dashboard.is_ok(), "no admin dashboard after logging in");
    assert!(!c.current_url().await?.as_str().contains("/login"));

    // ... adds a source.
    c.goto(&r.url("/admin/sources")).await?;
    c.find(Locator::Css("input[name=url]"))
        .await?
        .send_keys("https://northgate.example/rss.xml")
        .await?;
    c.find(Locator::Css("input[name=title]"))
        .await?
        .send_keys("Northgate Observer")
        .await?;
    c.find(Locator::XPath("//button[text()='Add source']"))
        .await?
        .click()
        .await?;
    wait_for_url(c, "done=added").await;
    let table = c.find(Locator::Css("table.sources")).await?.text().await?;
    assert!(
        table.contains("https://northgate.example/rss.xml"),
        "{table}"
    );

    // ... merges the Tessel story into the Quillon story.
    c.goto(&r.url("/admin/stories")).await?;
    // The stories on the page are offered by their headlines: no id to copy.
    let offered = c
        .find(Locator::Css(&format!(
            "datalist#stories-here option[value='{}']",
            r.news.quillon
        )))
        .await?
        .prop("label")
        .await?
        .unwrap_or_default();
    assert!(offered.starts_with("Quillon raises"), "{offered}");
    let row = format!("#a-{} form.merge", r.news.tessel);
    let list = c
        .find(Locator::Css(&format!("{row} input[name=into]")))
        .await?
        .attr("list")
        .await?;
    assert_eq!(list.as_deref(), Some("stories-here"));
    c.find(Locator::Css(&format!("{row} input[name=into]")))
        .await?
        .send_keys(&r.news.quillon)
        .await?;
    c.find(Locator::Css(&format!("{row} button")))
        .await?
        .click()
        .await?;
    wait_for_url(c, &format!("/admin/stories/{}", r.news.quillon)).await;
    c.goto(&r.url(&format!("/story/{}", r.news.tessel))).await?;
    wait_for_url(c, &format!("/story/{}", r.news.quillon)).await;
    let timeline = c.find(Locator::Css(".timeline")).await?.text().await?;
    assert!(timeline.contains("Tessel closes $300m"), "{timeline}");
    Ok(())
}
