//! HTTP-level tests of every page and endpoint against a real SQLite store: what readers see,
//! what the API answers, feeds, auth, editorial actions, and wrong input answered with a 4xx
//! and an error code.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use storyline_server::ServerConfig;
use storyline_server::throttle::ThrottleConfig;

async fn text(r: &Running, path: &str) -> (StatusCode, String) {
    let resp = client().get(r.url(path)).send().await.unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

async fn json(r: &Running, path: &str) -> (StatusCode, Value) {
    let resp = client().get(r.url(path)).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

fn position(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not on the page"))
}

#[tokio::test]
async fn front_page_ranks_published_stories_by_heat_with_more_coverage() {
    let r = start().await;
    let (status, page) = text(&r, "/").await;
    assert_eq!(status, StatusCode::OK);
    let quillon = position(
        &page,
        "Quillon raises $1.2bn in round led by Larchmont Capital",
    );
    let quake = position(&page, "Magnitude 6.1 earthquake shakes Port Aldine");
    let tessel = position(&page, "Tessel closes $300m Series C, again with Larchmont");
    assert!(
        quillon < quake && quake < tessel,
        "stories not ordered by heat"
    );
    assert!(page.contains("More:"));
    assert!(page.contains("Civic Post") && page.contains("Harbor Business Journal"));
    assert!(!page.contains("Embargoed"), "an unpublished story leaked");
    // The syndicated copy is folded, not listed as separate coverage.
    assert!(page.contains("Also published by"));
    assert!(page.contains("rel=\"alternate\" type=\"application/rss+xml\""));
    r.stop().await;
}

#[tokio::test]
async fn story_page_shows_timeline_syndication_related_stories_and_topics() {
    let r = start().await;
    let (status, page) = text(&r, &format!("/story/{}", r.news.quillon)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Quillon raises $1.2bn in round led by Larchmont Capital</h1>"));
    assert!(page.contains("4 articles from 4 sources"));
    let first = position(&page, "Larchmont bets big");
    let later = position(&page, "Quillon valuation hits $9bn");
    assert!(first < later, "timeline not oldest first");
    assert!(page.contains("Also published by") && page.contains("Metro Daily"));
    assert!(page.contains("Related stories") && page.contains("Tessel closes $300m"));
    assert!(page.contains("href=\"/topic/Funding\""));
    // what the story says in brief, the round's facts and why it is hot
    assert!(page.contains("In brief"), "{page}");
    assert!(page.contains("The funding round"), "{page}");
    assert!(
        page.contains("<dt>Led by</dt><dd>Larchmont Capital</dd>"),
        "{page}"
    );
    assert!(page.contains("Why it is here:"), "{page}");
    let (status, _) = text(&r, &format!("/story/{}", r.news.embargoed)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    r.stop().await;
}

#[tokio::test]
async fn article_page_renders_text_cached_image_and_link_out() {
    let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    let key = storyline_model::article_id(
        "https://www.ledgerwire.example/2026/05/12/quillon-raises-1-2bn-larchmont/lead.jpg",
    );
    let r = start_with(test_config(), &[(key.as_str(), jpeg)]).await;
    let (status, page) = text(&r, &format!("/article/{}", r.news.quillon_lead)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Quillon plans to spend the money on new grid-storage plants."));
    assert!(page.contains("Read the original at The Ledger Wire"));
    assert!(page.contains(&format!("src=\"/images/{key}\"")));
    let img = client()
        .get(r.url(&format!("/images/{key}")))
        .send()
        .await
        .unwrap();
    assert_eq!(img.status(), StatusCode::OK);
    assert_eq!(img.headers()["content-type"], "image/jpeg");
    assert_eq!(img.bytes().await.unwrap().as_ref(), jpeg);
    // An article whose image is not in the cache shows none.
    let (_, civic) = text(&r, &format!("/article/{}", r.news.quillon_civic)).await;
    assert!(!civic.contains("src=\"/images/"));
    let (status, _) = text(&r, "/images/not-hex").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    r.stop().await;
}

#[tokio::test]
async fn hostile_article_renders_inert() {
    let r = start().await;
    let (status, page) = text(&r, &format!("/article/{}", r.news.hostile_article)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Kesvik harbour will expand."));
    assert!(
        page.contains("<h1>&#60;script&#62;alert("),
        "hostile title not escaped"
    );
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script tag survived");
    assert!(!lower.contains("onerror") && !lower.contains("onclick"));
    assert!(!lower.contains("javascript:"));
    assert!(!lower.contains("<iframe"));
    let resp = client().get(r.url("/")).send().await.unwrap();
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert!(resp.headers().contains_key("referrer-policy"));
    let front = resp.text().await.unwrap().to_ascii_lowercase();
    assert!(!front.contains("<script"));
    r.stop().await;
}

#[tokio::test]
async fn topic_provider_and_directory_pages_filter_stories() {
    let r = start().await;
    let (status, page) = text(&r, "/topic/Science").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Magnitude 6.1 earthquake") && !page.contains("Quillon raises"));
    let (status, page) = text(&r, "/provider/northgate.example").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Northgate Observer") && page.contains("earthquake"));
    assert!(!page.contains("Tessel closes"));
    let (_, topics) = text(&r, "/topics").await;
    assert!(topics.contains("href=\"/topic/Funding\"") && topics.contains("2 stories"));
    assert!(
        topics.contains("1 story<"),
        "a single story counted as plural"
    );
    assert!(
        !topics.contains("Deals"),
        "topic of an unpublished story listed"
    );
    let (_, providers) = text(&r, "/providers").await;
    assert!(providers.contains("Civic Post"));
    r.stop().await;
}

#[tokio::test]
async fn search_page_highlights_matches_and_applies_filters() {
    let r = start().await;
    let (status, page) = text(&r, "/search?q=earthquake").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<mark>"), "no highlighted snippet");
    assert!(page.contains("Port Aldine"));
    let (_, page) = text(&r, "/search?q=Larchmont&provider=civicpost.example").await;
    assert!(page.contains("Larchmont bets big") && !page.contains("Quillon valuation hits"));
    // A piece that is not a report is labelled as what it is.
    assert!(
        page.contains("<span class=\"tag\">analysis</span>"),
        "{page}"
    );
    let (_, page) = text(&r, "/search?q=Larchmont&from=2026-05-13&to=2026-05-14").await;
    assert!(page.contains("No articles match."));
    let (_, page) = text(&r, "/search?q=%22battery+software%22&topic=Energy").await;
    assert!(page.contains("Quillon raises"));
    let (_, page) = text(&r, "/search?q=Embargoed").await;
    assert!(
        page.contains("No articles match."),
        "unpublished coverage found by search"
    );
    let (_, page) = text(&r, "/search").await;
    assert!(page.contains("<form class=\"filters\""));
    r.stop().await;
}

#[tokio::test]
async fn search_groups_by_story_and_narrows_by_facets() {
    let r = start().await;
    // The page: one result per story by default, with the rest of its coverage counted.
    let (_, grouped) = text(&r, "/search?q=quillon").await;
    let (_, every) = text(&r, "/search?q=quillon&group=none").await;
    let hits = |page: &str| page.matches("class=\"snippet\"").count();
    assert!(hits(&grouped) < hits(&every), "{grouped}");
    assert!(grouped.contains("more from this story"), "{grouped}");
    assert!(grouped.contains("Show every article"));
    assert!(every.contains("One result per story"));
    // Facets: topics and sources of the matches, each a link narrowing the search.
    assert!(grouped.contains("class=\"facets\""), "{grouped}");
    assert!(grouped.contains("topic=Funding\">Funding"), "{grouped}");
    assert!(grouped.contains("Counted over all"), "{grouped}");
    assert!(grouped.contains("provider=ledgerwire.example"), "{grouped}");

    // The API: ungrouped by default, grouped on request, facets either way.
    let (status, all) = json(&r, "/api/v1/search?q=quillon").await;
    assert_eq!(status, StatusCode::OK);
    let (_, by_story) = json(&r, "/api/v1/search?q=quillon&group=story").await;
    let items = |v: &Value| v["items"].as_array().unwrap().len();
    assert!(items(&by_story) < items(&all), "{by_story}");
    assert!(
        by_story["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["moreInStory"].as_u64().unwrap_or(0) > 0),
        "{by_story}"
    );
    assert!(all["items"][0]["score"].as_f64().unwrap() > 0.0);
    let topics = all["facets"]["topics"].as_array().unwrap();
    assert!(topics.iter().any(|t| t["value"] == "Funding"), "{all}");
    assert!(all["facets"]["counted"].as_u64().unwrap() >= items(&all) as u64);
    // Filters: category and language; `OR` and exclusions.
    let (_, analysis) = json(&r, "/api/v1/search?q=larchmont&category=analysis").await;
    assert_eq!(items(&analysis), 1, "{analysis}");
    let (_, french) = json(&r, "/api/v1/search?q=larchmont&lang=fr").await;
    assert_eq!(items(&french), 0, "{french}");
    let (_, either) = json(&r, "/api/v1/search?q=earthquake+OR+tessel").await;
    let (_, quake) = json(&r, "/api/v1/search?q=earthquake").await;
    assert!(items(&either) > items(&quake), "{either}");
    for group in ["all", "", "%20"] {
        let (status, err) = json(&r, &format!("/api/v1/search?q=x&group={group}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "group={group:?}");
        assert_eq!(err["code"], "bad_filter");
    }
    let (status, err) = json(&r, "/api/v1/search?q=x&lang=%20en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "bad_filter");
    let (status, _) = json(&r, "/api/v1/search?q=x&lang=").await;
    assert_eq!(status, StatusCode::OK, "a blank language is no filter");
    let (status, err) = json(&r, "/api/v1/search?q=x&lang=en%20us").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "bad_filter");
    r.stop().await;
}

#[tokio::test]
async fn wrong_input_gets_a_4xx_with_a_code_never_a_500() {
    let r = start().await;
    let cases: &[(&str, u16, &str)] = &[
        ("/api/v1/stories?limit=0", 400, "bad_pagination"),
        ("/api/v1/stories?limit=abc", 400, "bad_pagination"),
        ("/api/v1/stories?limit=10000", 400, "bad_pagination"),
        ("/api/v1/stories?page=102", 400, "bad_pagination"),
        ("/api/v1/search?q=x&limit=0", 400, "bad_pagination"),
        ("/api/v1/stories?offset=99999999", 400, "bad_pagination"),
        ("/api/v1/stories?colour=red", 400, "unknown_filter"),
        ("/api/v1/stories?topic=a&topic=b", 400, "bad_filter"),
        ("/api/v1/stories?provider=not%20a%20domain", 400, "bad_id"),
        ("/api/v1/stories/bad%20id", 400, "bad_id"),
        ("/api/v1/stories/no-such-story", 404, "not_found"),
        ("/api/v1/stories/%FF%FE", 400, "bad_id"),
        ("/api/v1/articles/%3Cscript%3E", 400, "bad_id"),
        ("/api/v1/articles?limit=0", 400, "bad_pagination"),
        ("/api/v1/articles?colour=red", 400, "unknown_filter"),
        ("/api/v1/articles?from=yesterday", 400, "bad_filter"),
        ("/api/v1/articles?provider=not%20a%20domain", 400, "bad_id"),
        ("/api/v1/articles/0000000000000000", 404, "not_found"),
        ("/api/v1/articles/0000000000000000.md", 404, "not_found"),
        ("/api/v1/search?q=", 400, "empty_query"),
        ("/api/v1/search?q=%22%22+-", 400, "empty_query"),
        ("/api/v1/search?q=x&from=yesterday", 400, "bad_filter"),
        ("/api/v1/search?q=x&to=", 400, "bad_filter"),
        ("/api/v1/articles?page=", 400, "bad_pagination"),
        ("/api/v1/search?q=x&sort=new", 400, "unknown_filter"),
        ("/api/v1/search?q=%FF", 400, "bad_filter"),
        ("/api/v1/topics?x=1", 400, "unknown_filter"),
        ("/api/v1/nothing-here", 404, "not_found"),
        ("/api/v1/sources", 401, "unauthorized"),
        ("/feed/xml", 404, "not_found"),
        ("/search/feed/rss", 400, "empty_query"),
        ("/feed/rss?page=2", 400, "unknown_filter"),
    ];
    for (path, status, code) in cases {
        let resp = client().get(r.url(path)).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), *status, "{path}");
        let body: Value = resp
            .json()
            .await
            .unwrap_or_else(|_| panic!("{path}: not JSON"));
        assert_eq!(body["code"], *code, "{path}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}"
        );
    }
    let pages: &[(&str, u16, &str)] = &[
        ("/story/bad%20id", 400, "bad_id"),
        ("/story/missing", 404, "not_found"),
        ("/article/zz%21%21", 400, "bad_id"),
        ("/?page=0", 400, "bad_pagination"),
        ("/?colour=red", 400, "unknown_filter"),
        ("/search?q=a&from=13/05/2026", 400, "bad_filter"),
        ("/provider/a%2Fb", 400, "bad_id"),
        ("/no/such/page", 404, "not_found"),
    ];
    for (path, status, code) in pages {
        let (got, page) = text(&r, path).await;
        assert_eq!(got.as_u16(), *status, "{path}");
        assert!(page.contains(&format!("<code>{code}</code>")), "{path}");
    }
    let long = format!("/api/v1/search?q={}", "a".repeat(600));
    let (status, body) = json(&r, &long).await;
    assert_eq!(
        (status.as_u16(), body["code"].as_str()),
        (400, Some("bad_filter"))
    );
    r.stop().await;
}

#[tokio::test]
async fn api_lists_stories_and_answers_details() {
    let r = start().await;
    let (status, body) = json(&r, "/api/v1/stories?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "story-quillon");
    assert_eq!(items[0]["lead"]["provider"]["domain"], "ledgerwire.example");
    assert!(items[0]["more"].as_array().unwrap().len() >= 2);
    assert_eq!(body["nextOffset"], 2);
    assert_eq!(body["hasMore"], true);
    let (_, page2) = json(&r, "/api/v1/stories?limit=2&offset=2").await;
    assert_eq!(page2["items"][0]["id"], "story-tessel");
    let (_, by_topic) = json(&r, "/api/v1/stories?topic=Science").await;
    assert_eq!(by_topic["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        (by_topic["hasMore"].clone(), by_topic["nextOffset"].clone()),
        (Value::Bool(false), Value::Null)
    );
    // Topics match whatever the case, in the API, on pages and in feeds.
    for spelling in ["science", "SCIENCE", "sCiEnCe"] {
        let (_, found) = json(&r, &format!("/api/v1/stories?topic={spelling}")).await;
        assert_eq!(found["items"], by_topic["items"], "{spelling}");
        let (_, articles) = json(&r, &format!("/api/v1/articles?topic={spelling}")).await;
        assert!(
            !articles["items"].as_array().unwrap().is_empty(),
            "{spelling}"
        );
        let (status, page) = text(&r, &format!("/topic/{spelling}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains(by_topic["items"][0]["id"].as_str().unwrap()),
            "{spelling}"
        );
        let (status, feed) = text(&r, &format!("/topic/{spelling}/feed/json")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            feed.contains(by_topic["items"][0]["id"].as_str().unwrap()),
            "{spelling}: {feed}"
        );
    }
    let (_, none) = json(&r, "/api/v1/stories?topic=no-such-topic").await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let (status, detail) = json(&r, &format!("/api/v1/stories/{}", r.news.quillon)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        detail["coverage"].as_array().unwrap().len(),
        3,
        "copy must be folded"
    );
    assert_eq!(detail["related"][0]["id"], "story-tessel");
    // the round's facts as the outlets state them, a summary credited to its outlets (never
    // to the Metro Daily copy), and the heat's reasons
    let facts = &detail["facts"];
    assert_eq!(facts["kind"], "funding round", "{detail:#}");
    assert_eq!(facts["company"], "Quillon", "{facts:#}");
    assert_eq!(facts["lead"], "Larchmont Capital", "{facts:#}");
    assert_eq!(facts["amount"][0]["value"], "$1.2B", "{facts:#}");
    assert_eq!(facts["valuation"][0]["value"], "$9B", "{facts:#}");
    assert_eq!(facts["disagreement"], false, "{facts:#}");
    let summary = detail["story"]["summary"].as_array().unwrap();
    assert!((2..=3).contains(&summary.len()), "{summary:#?}");
    for line in summary {
        assert_ne!(line["outlet"], "Metro Daily", "{line}");
        assert!(line["text"].as_str().unwrap().len() > 20, "{line}");
    }
    let reasons = detail["heatReasons"].as_array().unwrap();
    assert_eq!(reasons[0], "4 outlets with 4 articles", "{reasons:?}");
    let (status, article) = json(&r, &format!("/api/v1/articles/{}", r.news.quillon_civic)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        article["text"]
            .as_str()
            .unwrap()
            .contains("utilities doubled")
    );
    let (_, topics) = json(&r, "/api/v1/topics").await;
    assert_eq!(topics["hasMore"], false);
    assert_eq!(topics["total"], topics["items"].as_array().unwrap().len());
    assert!(
        topics["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["topic"] == "Funding" && t["stories"] == 2)
    );
    let (_, providers) = json(&r, "/api/v1/providers").await;
    assert_eq!(
        providers["total"],
        providers["items"].as_array().unwrap().len()
    );
    assert!(
        providers["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["domain"] == "civicpost.example" && p["articles"] == 3)
    );
    let (status, hits) = json(&r, "/api/v1/search?q=wind+turbines").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hits["items"][0]["article"]["storyId"], "story-tessel");
    assert!(
        hits["items"][0]["snippetHtml"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
    r.stop().await;
}

#[tokio::test]
async fn api_lists_articles_newest_first_with_filters() {
    let r = start().await;
    let titles = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .collect()
    };
    let (status, all) = json(&r, "/api/v1/articles").await;
    assert_eq!(status, StatusCode::OK);
    // Ten stored, the embargoed story's article not shown; the newest arrival first.
    assert_eq!(all["items"].as_array().unwrap().len(), 9);
    assert_eq!(all["items"][0]["id"], r.news.hostile_article.as_str());
    assert!(!titles(&all).iter().any(|t| t.contains("Embargoed")));
    let copy = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == r.news.quillon_copy.as_str())
        .unwrap();
    assert_eq!(copy["duplicateOf"], r.news.quillon_lead.as_str());

    let (_, page) = json(&r, "/api/v1/articles?limit=4&offset=4").await;
    assert_eq!(titles(&page), titles(&all)[4..8]);
    assert_eq!(page["nextOffset"], 8);
    let (_, last) = json(&r, "/api/v1/articles?limit=4&page=3").await;
    assert_eq!(titles(&last), titles(&all)[8..]);
    assert!(last["nextOffset"].is_null());

    let (_, civic) = json(&r, "/api/v1/articles?provider=civicpost.example").await;
    assert_eq!(
        titles(&civic),
        [
            "Port Aldine counts damage after strong quake",
            "Turbine sensor maker Tessel raises $300m",
            "Larchmont bets big on Quillon's battery software",
        ]
    );
    let (_, science) = json(&r, "/api/v1/articles?topic=Science").await;
    assert_eq!(
        titles(&science),
        ["Magnitude 6.1 earthquake shakes Port Aldine"]
    );
    let (status, reversed) = json(&r, "/api/v1/articles?from=2026-05-14&to=2026-05-13").await;
    assert_eq!(status, StatusCode::OK, "an empty window finds nothing");
    assert_eq!(reversed["items"].as_array().unwrap().len(), 0);
    let (_, day) = json(&r, "/api/v1/articles?from=2026-05-13&to=2026-05-13").await;
    assert_eq!(day["items"].as_array().unwrap().len(), 3);
    let (_, funding_day) = json(
        &r,
        "/api/v1/articles?topic=Funding&from=2026-05-12&to=2026-05-12&provider=ledgerwire.example",
    )
    .await;
    assert_eq!(
        titles(&funding_day),
        [
            "Tessel closes $300m Series C, again with Larchmont",
            "Quillon raises $1.2bn in round led by Larchmont Capital",
        ]
    );
    r.stop().await;
}

#[tokio::test]
async fn record_endpoint_writes_the_seed_format() {
    let r = start().await;
    let (status, text) = text(&r, &format!("/api/v1/articles/{}.md", r.news.quillon_lead)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("---\n"));
    let record = storyline_model::Record::parse(&text, "api").unwrap();
    let article = record.to_article(None).unwrap();
    assert_eq!(
        article.title,
        "Quillon raises $1.2bn in round led by Larchmont Capital"
    );
    assert_eq!(article.provider.domain, "ledgerwire.example");
    assert_eq!(article.heat, 80);
    let related = record.related();
    assert_eq!(related.len(), 3);
    assert!(related.iter().any(|c| c.provider.name == "Civic Post"));
    r.stop().await;
}

fn check_xml(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0i32;
    loop {
        match reader.read_event().expect("feed is not well-formed XML") {
            quick_xml::events::Event::Start(_) => depth += 1,
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
}

#[tokio::test]
async fn feeds_we_emit_parse_with_feed_rs_and_are_well_formed() {
    let r = start().await;
    let bases = [
        "/feed/",
        "/topic/Funding/feed/",
        "/provider/civicpost.example/feed/",
        "/search/feed/",
    ];
    for base in bases {
        for format in ["rss", "atom", "json"] {
            let query = if base.starts_with("/search") {
                "?q=Larchmont"
            } else {
                ""
            };
            let path = format!("{base}{format}{query}");
            let resp = client().get(r.url(&path)).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            let ctype = resp.headers()["content-type"].to_str().unwrap().to_string();
            let body = resp.text().await.unwrap();
            if format != "json" {
                check_xml(&body);
                assert!(ctype.contains("xml"), "{path}: {ctype}");
            } else {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
            }
            let feed = feed_rs::parser::parse(body.as_bytes())
                .unwrap_or_else(|e| panic!("{path}: feed-rs refused it: {e}"));
            assert!(!feed.entries.is_empty(), "{path}: no items");
            let first = feed.entries[0]
                .title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default();
            assert!(!first.is_empty(), "{path}: untitled item");
            assert!(
                !body.contains("Embargoed"),
                "{path}: unpublished story in feed"
            );
        }
    }
    let resp = client().get(r.url("/feed/rss")).send().await.unwrap();
    let body = resp.text().await.unwrap();
    let feed = feed_rs::parser::parse(body.as_bytes()).unwrap();
    assert!(
        feed.entries[0]
            .title
            .as_ref()
            .unwrap()
            .content
            .starts_with("Quillon raises")
    );
    let summary = feed.entries[0]
        .summary
        .as_ref()
        .map(|s| s.content.clone())
        .unwrap_or_default();
    assert!(
        summary.contains("More:") && summary.contains("Civic Post"),
        "{summary}"
    );
    // the item's description is the story's summary, each sentence with its outlet in
    // brackets
    assert!(summary.contains("<i>(The Ledger Wire)</i>"), "{summary}");
    let (_, json_feed) = json(&r, "/feed/json").await;
    let text = json_feed["items"][0]["summary"].as_str().unwrap();
    assert!(text.contains("(The Ledger Wire)"), "{text}");
    r.stop().await;
}

/// Logs in through the form; returns the session cookie and the CSRF token of the admin pages.
async fn login(r: &Running) -> (String, String) {
    let c = client();
    let form = c.get(r.url("/admin/login")).send().await.unwrap();
    let login_cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = form.text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let resp = c
        .post(r.url("/admin/login"))
        .header("cookie", &login_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let session = set.split(';').next().unwrap().to_string();
    let admin = c
        .get(r.url("/admin/sources"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), StatusCode::OK);
    let csrf = hidden(&admin.text().await.unwrap(), "csrf");
    (session, csrf)
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn admin_needs_a_login_and_forms_need_the_csrf_token() {
    let r = start().await;
    let c = client();
    let resp = c.get(r.url("/admin")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/admin/login");
    // Wrong password.
    let form = c.get(r.url("/admin/login")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = hidden(&form.text().await.unwrap(), "csrf");
    let resp = c
        .post(r.url("/admin/login"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&password=guess"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Missing login CSRF.
    let resp = c
        .post(r.url("/admin/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (session, csrf) = login(&r).await;
    // An action without the CSRF token is refused and changes nothing.
    let resp = c
        .post(r.url(&format!("/admin/stories/{}/unpublish", r.news.quillon)))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(text(&r, "/").await.1.contains("Quillon raises"));
    // With it, the action happens.
    let resp = c
        .post(r.url(&format!("/admin/stories/{}/unpublish", r.news.quillon)))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&back=/admin/stories"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(!text(&r, "/").await.1.contains("Quillon raises"));
    for path in [
        "/admin",
        "/admin/stories",
        "/admin/providers",
        &format!("/admin/stories/{}", r.news.quillon),
    ] {
        let resp = c
            .get(r.url(path))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }
    // API writes with a session need the CSRF header; with a bearer token they do not.
    let resp = c
        .post(r.url(&format!("/api/v1/stories/{}/publish", r.news.quillon)))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = c
        .post(r.url(&format!("/api/v1/stories/{}/publish", r.news.quillon)))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = c
        .post(r.url(&format!("/api/v1/stories/{}/pin", r.news.tessel)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Logging out ends the session.
    let resp = c
        .post(r.url("/admin/logout"))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = c
        .get(r.url("/admin"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    r.stop().await;
}

async fn api_post(r: &Running, path: &str, body: Option<&str>) -> (StatusCode, Value) {
    let mut req = client()
        .post(r.url(path))
        .header("authorization", format!("Bearer {API_TOKEN}"));
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn front_ids(r: &Running) -> Vec<String> {
    let (_, body) = json(r, "/api/v1/stories").await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn editorial_actions_show_at_once_in_pages_api_and_feeds() {
    let r = start().await;
    // Pin: the coolest story jumps to the top.
    let (status, _) = api_post(&r, &format!("/api/v1/stories/{}/pin", r.news.hostile), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(front_ids(&r).await[0], r.news.hostile);
    api_post(
        &r,
        &format!("/api/v1/stories/{}/unpin", r.news.hostile),
        None,
    )
    .await;
    // Unpublish a story: gone from API, page and feed.
    api_post(
        &r,
        &format!("/api/v1/stories/{}/unpublish", r.news.quake),
        None,
    )
    .await;
    assert!(!front_ids(&r).await.contains(&r.news.quake));
    assert!(!text(&r, "/").await.1.contains("earthquake shakes"));
    assert!(!text(&r, "/feed/atom").await.1.contains("earthquake shakes"));
    // … and from search, at once, page and API (the search cache is dropped too).
    assert!(
        text(&r, "/search?q=earthquake")
            .await
            .1
            .contains("No articles match.")
    );
    let (_, hits) = json(&r, "/api/v1/search?q=earthquake").await;
    assert_eq!(hits["items"].as_array().unwrap().len(), 0, "{hits}");
    // Publish the embargoed one.
    api_post(
        &r,
        &format!("/api/v1/stories/{}/publish", r.news.embargoed),
        None,
    )
    .await;
    assert_eq!(front_ids(&r).await[0], r.news.embargoed);
    // Unpublish one article: it leaves "More:".
    api_post(
        &r,
        &format!("/api/v1/articles/{}/unpublish", r.news.quillon_civic),
        None,
    )
    .await;
    let (_, detail) = json(&r, &format!("/api/v1/stories/{}", r.news.quillon)).await;
    assert!(!detail.to_string().contains("Larchmont bets big"));
    let (_, hits) = json(&r, "/api/v1/search?q=larchmont&group=none").await;
    assert!(!hits.to_string().contains("Larchmont bets big"), "{hits}");
    // Block a provider: its coverage disappears everywhere.
    api_post(&r, "/api/v1/providers/harborbusiness.example/block", None).await;
    assert!(!text(&r, "/").await.1.contains("Harbor Business Journal"));
    assert!(
        !text(&r, "/feed/json")
            .await
            .1
            .contains("Harbor Business Journal")
    );
    let (_, providers) = json(&r, "/api/v1/providers").await;
    assert!(
        providers["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["domain"] == "harborbusiness.example" && p["blocked"] == true)
    );
    // Merge Tessel into Quillon: the old id redirects, coverage moves.
    let (status, outcome) = api_post(
        &r,
        &format!("/api/v1/stories/{}/merge", r.news.tessel),
        Some(&format!("{{\"into\": \"{}\"}}", r.news.quillon)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(outcome["target"], r.news.quillon);
    let resp = client()
        .get(r.url(&format!("/story/{}", r.news.tessel)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    let (_, detail) = json(&r, &format!("/api/v1/stories/{}", r.news.quillon)).await;
    assert!(detail.to_string().contains("Tessel closes $300m"));
    assert!(!front_ids(&r).await.contains(&r.news.tessel));
    // Merging into itself, or into nothing, is refused with a code.
    let (status, err) = api_post(
        &r,
        &format!("/api/v1/stories/{}/merge", r.news.quillon),
        Some(&format!("{{\"into\": \"{}\"}}", r.news.tessel)),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, err) = api_post(
        &r,
        &format!("/api/v1/stories/{}/merge", r.news.quake),
        Some("{\"to\": 1}"),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_body"))
    );
    let (status, err) = api_post(
        &r,
        &format!("/api/v1/stories/{}/explode", r.news.quake),
        None,
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    // Split the Tessel lead back out into its own story.
    let (status, outcome) = api_post(
        &r,
        &format!("/api/v1/articles/{}/split", r.news.tessel_lead),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let new_story = outcome["target"].as_str().unwrap().to_string();
    let (_, split) = json(&r, &format!("/api/v1/stories/{new_story}")).await;
    assert_eq!(split["coverage"].as_array().unwrap().len(), 1);
    assert_eq!(split["story"]["lead"]["id"], r.news.tessel_lead.as_str());
    let (_, rest) = json(&r, &format!("/api/v1/stories/{}", r.news.quillon)).await;
    assert!(!rest.to_string().contains(&r.news.tessel_lead));
    // Splitting a story's lead out leaves the judge's choice at the head of the rest: a
    // report, not the better-rated analysis piece.
    let (status, _) = api_post(
        &r,
        &format!("/api/v1/articles/{}/split", r.news.quillon_lead),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, rest) = json(&r, &format!("/api/v1/stories/{}", r.news.quillon)).await;
    let lead = &rest["story"]["lead"];
    assert_ne!(lead["id"], r.news.quillon_lead.as_str());
    assert_ne!(lead["id"], r.news.quillon_civic.as_str());
    assert_eq!(lead["category"], "news", "{rest}");
    // A lone article cannot be split further.
    let (status, _) = api_post(
        &r,
        &format!("/api/v1/articles/{}/split", r.news.tessel_lead),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    r.stop().await;
}

#[tokio::test]
async fn sources_are_managed_through_api_and_opml() {
    let r = start().await;
    let (status, _) = api_post(&r, "/api/v1/sources", Some(r#"{"url": "https://ledgerwire.example/feed.xml", "title": "Ledger Wire", "group": "Business"}"#)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = api_post(
        &r,
        "/api/v1/sources",
        Some(r#"{"url": "https://ledgerwire.example/feed.xml"}"#),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, err) = api_post(
        &r,
        "/api/v1/sources",
        Some(r#"{"url": "javascript:alert(1)"}"#),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_body"))
    );
    let (status, err) = api_post(&r, "/api/v1/sources", Some("not json")).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_body"))
    );
    let list: Value = client()
        .get(r.url("/api/v1/sources"))
        .header("authorization", format!("Bearer {API_TOKEN}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(
        list["items"][0]["url"],
        "https://ledgerwire.example/feed.xml"
    );
    assert_eq!(list["items"][0]["group"], "Business");
    let id = list["items"][0]["id"].as_i64().unwrap();

    let (session, csrf) = login(&r).await;
    let opml = client()
        .get(r.url("/admin/sources.opml"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(opml.status(), StatusCode::OK);
    let opml = opml.text().await.unwrap();
    check_xml(&opml);
    assert!(opml.contains("xmlUrl=\"https://ledgerwire.example/feed.xml\""));

    let upload = "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
        <outline text=\"World\"><outline type=\"rss\" text=\"Northgate\" xmlUrl=\"https://northgate.example/rss\"/></outline>\
        <outline type=\"rss\" text=\"Civic\" xmlUrl=\"https://civicpost.example/feed\"/></body></opml>";
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "opml",
            reqwest::multipart::Part::text(upload).file_name("feeds.opml"),
        );
    let resp = client()
        .post(r.url("/admin/sources/opml"))
        .header("cookie", &session)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = client()
        .get(r.url("/admin/sources"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("https://northgate.example/rss") && page.contains("World"));
    // Remove through the admin form, then through the API.
    let resp = client()
        .post(r.url(&format!("/admin/sources/{id}/remove")))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = client()
        .delete(r.url(&format!("/api/v1/sources/{id}")))
        .header("authorization", format!("Bearer {API_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = client()
        .delete(r.url("/api/v1/sources/abc"))
        .header("authorization", format!("Bearer {API_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    r.stop().await;
}

#[tokio::test]
async fn health_metrics_and_openapi_are_served() {
    let r = start().await;
    let (status, body) = text(&r, "/healthz").await;
    assert_eq!((status, body.trim()), (StatusCode::OK, "ok"));
    text(&r, &format!("/story/{}", r.news.quillon)).await;
    text(&r, "/story/missing").await;
    let (_, metrics) = text(&r, "/metrics").await;
    assert!(
        metrics.contains("storyline_http_requests_total{route=\"/story/{id}\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("storyline_http_requests_total{route=\"/story/{id}\",status=\"404\"} 1")
    );
    assert!(metrics.contains(
        "storyline_http_request_duration_seconds_bucket{route=\"/story/{id}\",le=\"+Inf\"} 2"
    ));
    let (status, doc) = json(&r, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/stories",
        "/api/v1/stories/{id}",
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/search",
        "/api/v1/sources",
        "/api/v1/topics",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    assert!(doc["components"]["schemas"].get("ApiError").is_some());
    let (_, css) = text(&r, "/static/style.css").await;
    assert!(css.contains(".story"));
    r.stop().await;
}

#[tokio::test]
async fn private_reading_needs_the_read_token() {
    let config = ServerConfig {
        public_read: false,
        read_token: Some(READ_TOKEN.into()),
        ..test_config()
    };
    let r = start_with(config, &[]).await;
    let (status, body) = json(&r, "/api/v1/stories").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    assert_eq!(text(&r, "/").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(text(&r, "/healthz").await.0, StatusCode::OK);
    let resp = client()
        .get(r.url("/"))
        .header("authorization", format!("Bearer {READ_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = client()
        .get(r.url(&format!("/feed/rss?access_token={READ_TOKEN}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = client()
        .get(r.url("/feed/rss?access_token=wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    r.stop().await;
}

/// A config whose throttle locks after three failures for two seconds (doubling), trusting
/// `X-Forwarded-For` from 127.0.0.1 so one test can speak for several client addresses.
fn throttled_config() -> ServerConfig {
    ServerConfig {
        throttle: ThrottleConfig {
            free_failures: 3,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            ..ThrottleConfig::default()
        },
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..test_config()
    }
}

/// The login form's CSRF cookie and field value.
async fn login_form(r: &Running) -> (String, String) {
    let form = client().get(r.url("/admin/login")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = hidden(&form.text().await.unwrap(), "csrf");
    (cookie, csrf)
}

/// Posts the login form as client `from` (through the trusted `X-Forwarded-For`).
async fn try_login(
    r: &Running,
    (cookie, csrf): &(String, String),
    from: &str,
    username: Option<&str>,
    password: &str,
) -> reqwest::Response {
    let user = username
        .map(|u| format!("&username={u}"))
        .unwrap_or_default();
    client()
        .post(r.url("/admin/login"))
        .header("cookie", cookie)
        .header("x-forwarded-for", from)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&password={password}{user}"))
        .send()
        .await
        .unwrap()
}

/// The `Retry-After` seconds of a 429.
fn retry_after(resp: &reqwest::Response) -> u64 {
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn opens_a_session(resp: &reqwest::Response) -> bool {
    resp.headers().get_all("set-cookie").iter().any(|v| {
        v.to_str().unwrap().starts_with("storyline_session=")
            && !v.to_str().unwrap().contains("Max-Age=0")
    })
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_login_even_for_the_right_password() {
    let r = start_with(throttled_config(), &[]).await;
    let form = login_form(&r).await;
    let guesser = "203.0.113.5";
    for n in 0..3 {
        let resp = try_login(&r, &form, guesser, None, &format!("guess{n}")).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "guess {n}");
    }
    // Locked: the right password is refused too, with a wait and a page saying when.
    let resp = try_login(&r, &form, guesser, None, PASSWORD).await;
    let wait = retry_after(&resp);
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    assert!(!opens_a_session(&resp));
    let page = resp.text().await.unwrap();
    assert!(page.contains("Too many failed logins"), "{page}");
    assert!(page.contains("Try again in"), "{page}");
    // The account is locked for every address, and the address for every account.
    let other = "198.51.100.7";
    let resp = try_login(&r, &form, other, None, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let resp = try_login(&r, &form, guesser, Some("editor"), "guess").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another address on another account is not held back by the guesser's failures.
    let resp = try_login(&r, &form, other, Some("editor"), "guess").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // After the wait the right password works, and it clears the record: the next wrong
    // password is an ordinary failure again, not a lockout.
    tokio::time::sleep(Duration::from_millis(wait * 1000 + 300)).await;
    let resp = try_login(&r, &form, guesser, None, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(opens_a_session(&resp));
    let resp = try_login(&r, &form, guesser, Some("Admin"), "guess again").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    r.stop().await;
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    // Without trusted proxies, `X-Forwarded-For` is ignored: every request below comes from
    // 127.0.0.1, so rotating the header does not escape the lock.
    let config = ServerConfig {
        trusted_proxies: Vec::new(),
        ..throttled_config()
    };
    let r = start_with(config, &[]).await;
    let form = login_form(&r).await;
    for n in 0..3 {
        let from = format!("192.0.2.{n}");
        let resp = try_login(&r, &form, &from, Some(&format!("user{n}")), "guess").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = try_login(&r, &form, "192.0.2.200", Some("someone"), "guess").await;
    assert!(retry_after(&resp) >= 1);
    r.stop().await;
}

async fn with_bearer(
    r: &Running,
    method: reqwest::Method,
    path: &str,
    from: &str,
    token: &str,
) -> reqwest::Response {
    client()
        .request(method, r.url(path))
        .header("x-forwarded-for", from)
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_api_tokens_lock_their_address_even_for_the_right_token() {
    let r = start_with(throttled_config(), &[]).await;
    let pin = format!("/api/v1/stories/{}/pin", r.news.tessel);
    let guesser = "203.0.113.80";
    for n in 0..3 {
        let resp = with_bearer(&r, reqwest::Method::POST, &pin, guesser, &format!("t{n}")).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Writes and admin reads alike are refused from that address, right token or not.
    let resp = with_bearer(&r, reqwest::Method::POST, &pin, guesser, API_TOKEN).await;
    assert!(retry_after(&resp) >= 1);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    let resp = with_bearer(
        &r,
        reqwest::Method::GET,
        "/api/v1/sources",
        guesser,
        API_TOKEN,
    )
    .await;
    assert!(retry_after(&resp) >= 1);
    // Another address with the right token is served.
    let resp = with_bearer(
        &r,
        reqwest::Method::GET,
        "/api/v1/sources",
        "198.51.100.80",
        API_TOKEN,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    r.stop().await;
}

#[tokio::test]
async fn wrong_read_tokens_lock_their_address_when_reading_is_private() {
    let config = ServerConfig {
        public_read: false,
        read_token: Some(READ_TOKEN.into()),
        ..throttled_config()
    };
    let r = start_with(config, &[]).await;
    let guesser = "203.0.113.90";
    let get = |path: String| {
        client()
            .get(r.url(&path))
            .header("x-forwarded-for", guesser)
            .send()
    };
    for n in 0..3 {
        let resp = get(format!("/feed/rss?access_token=guess{n}"))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = get(format!("/feed/rss?access_token={READ_TOKEN}"))
        .await
        .unwrap();
    assert!(retry_after(&resp) >= 1);
    let resp = client()
        .get(r.url(&format!("/feed/rss?access_token={READ_TOKEN}")))
        .header("x-forwarded-for", "198.51.100.90")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    r.stop().await;
}

#[tokio::test]
async fn metrics_need_the_read_token_when_reading_is_private() {
    let config = ServerConfig {
        public_read: false,
        read_token: Some(READ_TOKEN.into()),
        ..test_config()
    };
    let r = start_with(config, &[]).await;
    let (status, body) = text(&r, "/metrics").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body.contains("\"unauthorized\""), "{body}");
    assert!(!body.contains("storyline_http_requests_total"), "{body}");
    let (status, metrics) = text(&r, &format!("/metrics?access_token={READ_TOKEN}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        metrics.contains("storyline_http_requests_total"),
        "{metrics}"
    );
    for token in [READ_TOKEN, API_TOKEN] {
        let resp = client()
            .get(r.url("/metrics"))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let (session, _) = login(&r).await;
    let resp = client()
        .get(r.url("/metrics"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    r.stop().await;
}

#[tokio::test]
async fn public_metrics_show_route_templates_and_no_secret() {
    let r = start().await;
    let secret_path = "/story/0123456789abcdef";
    text(&r, &format!("{secret_path}?access_token=query-secret-42")).await;
    text(&r, "/private-looking-path-1234").await;
    let resp = client()
        .get(r.url("/api/v1/sources"))
        .header("authorization", format!("Bearer {API_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let form = login_form(&r).await;
    let resp = try_login(&r, &form, "203.0.113.1", None, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (status, metrics) = text(&r, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(metrics.contains("route=\"/story/{id}\""), "{metrics}");
    assert!(metrics.contains("route=\"/admin/login\""), "{metrics}");
    for secret in [
        "0123456789abcdef",
        "query-secret-42",
        "private-looking-path",
        API_TOKEN,
        PASSWORD,
        "access_token",
    ] {
        assert!(!metrics.contains(secret), "`{secret}` in {metrics}");
    }
    r.stop().await;
}

#[tokio::test]
async fn pages_and_feeds_ignore_tracking_parameters_and_the_api_refuses_them() {
    let r = start().await;
    for path in [
        "/?utm_source=newsletter&utm_medium=email",
        "/?fbclid=IwAR0abc",
        "/feed/rss?_=1733520000",
        "/feed/atom?utm_campaign=x",
        "/search?q=funding&gclid=abc",
    ] {
        let (status, _) = text(&r, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (status, body) = text(&r, "/?colour=red").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = text(&r, "/api/v1/stories?utm_source=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    r.stop().await;
}

#[tokio::test]
async fn unchanged_pages_feeds_and_api_answers_are_304_to_a_conditional_get() {
    let r = start().await;
    for path in ["/", "/feed/rss", "/feed/json", "/api/v1/stories", "/topics"] {
        let first = client().get(r.url(path)).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first
            .headers()
            .get("etag")
            .unwrap_or_else(|| panic!("{path}: an ETag"))
            .to_str()
            .unwrap()
            .to_string();
        let body = first.bytes().await.unwrap();
        assert!(!body.is_empty());
        let again = client()
            .get(r.url(path))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers().get("etag").unwrap(), etag.as_str());
        assert!(again.bytes().await.unwrap().is_empty(), "{path}: no body");
        let other = client()
            .get(r.url(path))
            .header("If-None-Match", "\"0000000000000000\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::OK, "{path}: another tag");
        assert_eq!(other.bytes().await.unwrap(), body, "{path}: same bytes");
    }
    // Feeds also say when their newest item is from, as HTTP writes dates.
    let feed = client().get(r.url("/feed/atom")).send().await.unwrap();
    let stamp = feed.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let when = chrono::DateTime::parse_from_rfc2822(&stamp.replace("GMT", "+0000"))
        .unwrap_or_else(|e| panic!("{stamp}: {e}"));
    assert!(when.timestamp() > 0);
    let again = client().get(r.url("/feed/atom")).send().await.unwrap();
    assert_eq!(
        again.headers()["last-modified"].to_str().unwrap(),
        stamp,
        "from the cache too"
    );
    r.stop().await;
}

#[tokio::test]
async fn pages_carry_an_icon_a_manifest_and_both_colour_schemes() {
    let r = start().await;
    let (_, page) = text(&r, "/").await;
    assert!(page.contains(r#"<link rel="icon" href="/favicon.svg""#));
    assert!(page.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#));
    let icon = client().get(r.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(icon.text().await.unwrap().starts_with("<svg"));
    let (status, manifest) = json(&r, "/manifest.webmanifest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["icons"][0]["src"], "/favicon.svg");
    let (_, css) = text(&r, "/static/style.css").await;
    assert!(css.contains("prefers-color-scheme: dark"));
    r.stop().await;
}

#[tokio::test]
async fn listings_show_cached_lead_images_as_thumbnails_and_a_side_column() {
    let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    let key = storyline_model::article_id(
        "https://www.ledgerwire.example/2026/05/12/quillon-raises-1-2bn-larchmont/lead.jpg",
    );
    let r = start_with(test_config(), &[(key.as_str(), jpeg)]).await;
    let (status, page) = text(&r, "/").await;
    assert_eq!(status, StatusCode::OK);
    // The Quillon story's lead has its image cached: a thumbnail in its card, and only there.
    let card = &page[position(&page, &format!("id=\"s-{}\"", r.news.quillon))..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(
        card.contains(&format!("<img class=\"thumb\" src=\"/images/{key}\"")),
        "{card}"
    );
    assert_eq!(page.matches("class=\"thumb\"").count(), 1);
    // The side column lists topics and outlets with their counts, linked to their pages.
    let side = &page[position(&page, "class=\"side-column\"")..];
    assert!(side.contains("<h2>Topics</h2>") && side.contains("<h2>Outlets</h2>"));
    assert!(
        side.contains("href=\"/provider/ledgerwire.example\""),
        "{side}"
    );
    assert!(side.contains("href=\"/topics\""));
    r.stop().await;
}

#[tokio::test]
async fn entities_have_pages_feeds_an_api_filter_and_trend_on_the_front_page() {
    let r = start().await;
    // the Quillon round's coverage names Larchmont Capital in every piece
    let (status, entity) = json(&r, "/api/v1/entities/larchmont-capital").await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    assert_eq!(entity["name"], "Larchmont Capital");
    assert_eq!(entity["kind"], "organization");
    let (status, _) = json(&r, "/api/v1/entities/nobody-at-all").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // its stories: the Quillon round and Tessel's round, both named Larchmont's
    let (_, stories) = json(&r, "/api/v1/stories?entity=larchmont-capital").await;
    let ids: Vec<&str> = stories["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"story-quillon") && ids.contains(&"story-tessel"),
        "{ids:?}"
    );
    assert!(!ids.contains(&"story-embargoed"), "{ids:?}");
    // newest coverage first
    assert_eq!(ids[0], "story-tessel", "{ids:?}");
    // the story names it among its key entities
    let (_, detail) = json(&r, &format!("/api/v1/stories/{}", r.news.quillon)).await;
    assert!(
        detail["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["slug"] == "larchmont-capital"),
        "{:#}",
        detail["entities"]
    );
    // the entity page and its feed
    let (status, page) = text(&r, "/entity/larchmont-capital").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Larchmont Capital") && page.contains("Tessel closes $300m"),
        "{page}"
    );
    let (status, feed) = text(&r, "/entity/larchmont-capital/feed/atom").await;
    assert_eq!(status, StatusCode::OK);
    check_xml(&feed);
    assert!(feed.contains("Quillon raises"), "{feed}");
    let (status, _) = text(&r, "/entity/nobody-at-all").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // the story page links it; the front page lists what trends
    let (_, story_page) = text(&r, &format!("/story/{}", r.news.quillon)).await;
    assert!(
        story_page.contains("href=\"/entity/larchmont-capital\""),
        "{story_page}"
    );
    let (_, trending) = json(&r, "/api/v1/entities").await;
    let trending: Vec<&str> = trending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert!(trending.contains(&"larchmont-capital"), "{trending:?}");
    let (_, front) = text(&r, "/").await;
    assert!(front.contains("Trending") && front.contains("href=\"/entity/larchmont-capital\""));
    r.stop().await;
}

also_on_postgres!(
    front_page_ranks_published_stories_by_heat_with_more_coverage,
    story_page_shows_timeline_syndication_related_stories_and_topics,
    article_page_renders_text_cached_image_and_link_out,
    hostile_article_renders_inert,
    topic_provider_and_directory_pages_filter_stories,
    search_page_highlights_matches_and_applies_filters,
    search_groups_by_story_and_narrows_by_facets,
    wrong_input_gets_a_4xx_with_a_code_never_a_500,
    api_lists_stories_and_answers_details,
    api_lists_articles_newest_first_with_filters,
    record_endpoint_writes_the_seed_format,
    feeds_we_emit_parse_with_feed_rs_and_are_well_formed,
    admin_needs_a_login_and_forms_need_the_csrf_token,
    editorial_actions_show_at_once_in_pages_api_and_feeds,
    sources_are_managed_through_api_and_opml,
    health_metrics_and_openapi_are_served,
    private_reading_needs_the_read_token,
    repeated_wrong_passwords_lock_the_login_even_for_the_right_password,
    forwarded_addresses_count_only_from_a_trusted_proxy,
    wrong_api_tokens_lock_their_address_even_for_the_right_token,
    wrong_read_tokens_lock_their_address_when_reading_is_private,
    metrics_need_the_read_token_when_reading_is_private,
    public_metrics_show_route_templates_and_no_secret,
    pages_and_feeds_ignore_tracking_parameters_and_the_api_refuses_them,
    unchanged_pages_feeds_and_api_answers_are_304_to_a_conditional_get,
    pages_carry_an_icon_a_manifest_and_both_colour_schemes,
    listings_show_cached_lead_images_as_thumbnails_and_a_side_column,
    entities_have_pages_feeds_an_api_filter_and_trend_on_the_front_page,
);
