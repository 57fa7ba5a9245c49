//! Keeps `/api/v1/openapi.json` true to the server without any tool outside Rust: every GET
//! the document lists is called with valid parameters (the fixture's real ids, each query
//! parameter's example or a value in its range), and its answer must have a documented
//! status, the documented top-level keys (every list `{items, hasMore, …}`), camelCase keys
//! at every depth, an `ETag` that `If-None-Match` turns into a documented 304; each `limit` out
//! of range must be a documented 400 `{code, message}` that states the documented range.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

/// The JSON schema `$ref` names, resolved in the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn camel(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Every object key at any depth is camelCase.
fn check_keys(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                assert!(camel(key), "{at}: key `{key}` is not camelCase");
                check_keys(v, &format!("{at}.{key}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_keys(v, at)),
        _ => {}
    }
}

/// A valid value for a query parameter: its example, else the least value of its range.
fn valid_value(param: &Value) -> String {
    if let Some(example) = param["example"].as_str() {
        return example.to_string();
    }
    if let Some(n) = param["schema"]["minimum"].as_u64() {
        return n.to_string();
    }
    "a".into()
}

/// A concrete path for a documented template, with the fixture's real ids.
fn concrete(template: &str, r: &Running) -> String {
    template
        .replace("/stories/{id}", &format!("/stories/{}", r.news.quillon))
        .replace(
            "/articles/{id}",
            &format!("/articles/{}", r.news.quillon_lead),
        )
        .replace("/entities/{slug}", "/entities/larchmont-capital")
}

#[tokio::test]
async fn every_documented_get_answers_as_documented() {
    let r = start().await;
    let doc: Value = client()
        .get(r.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().expect("paths");
    let mut checked = 0;
    let mut lists = 0;
    for (template, item) in paths {
        let Some(op) = item.get("get") else {
            continue;
        };
        let responses = op["responses"].as_object().expect("responses");
        for status in ["200", "304", "400", "401", "429"] {
            assert!(
                responses.contains_key(status),
                "GET {template}: {status} undocumented"
            );
        }
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let query: Vec<String> = params
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| format!("{}={}", p["name"].as_str().unwrap(), valid_value(p)))
            .collect();
        let path = concrete(template, &r);
        assert!(!path.contains('{'), "GET {template}: no id for {path}");
        let url = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let resp = client()
            .get(r.url(&url))
            .header("authorization", format!("Bearer {API_TOKEN}"))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert!(
            responses.contains_key(status.as_str()),
            "GET {url}: {status} is not documented"
        );
        assert_eq!(status, StatusCode::OK, "GET {url}: the fixture has it");
        let etag = resp
            .headers()
            .get("etag")
            .unwrap_or_else(|| panic!("GET {url}: no ETag"))
            .to_str()
            .unwrap()
            .to_string();
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
        let ok = &responses["200"];
        let documented: Vec<&String> = ok["content"]
            .as_object()
            .map(|c| c.keys().collect())
            .unwrap_or_default();
        assert!(
            documented
                .iter()
                .any(|t| content_type.starts_with(t.as_str())),
            "GET {url}: answers {content_type}, documented {documented:?}"
        );
        assert!(
            ok["headers"].get("ETag").is_some(),
            "GET {template}: ETag undocumented"
        );
        let body = resp.bytes().await.unwrap();
        if content_type.starts_with("application/json") {
            let body: Value = serde_json::from_slice(&body).unwrap();
            check_keys(&body, &url);
            let schema = resolve(&doc, &ok["content"]["application/json"]["schema"]);
            let props = schema["properties"].as_object().expect("an object schema");
            for key in body.as_object().expect("an object").keys() {
                assert!(props.contains_key(key), "GET {url}: `{key}` undocumented");
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap();
                assert!(body.get(key).is_some(), "GET {url}: `{key}` missing");
            }
            if props.contains_key("items") {
                lists += 1;
                assert!(body["items"].is_array(), "GET {url}: items");
                assert!(body["hasMore"].is_boolean(), "GET {url}: hasMore");
                // The fixture follows no source; every other list has items to check.
                assert!(
                    template == "/api/v1/sources" || !body["items"].as_array().unwrap().is_empty(),
                    "GET {url}: the fixture fills this list"
                );
            }
        }
        // The ETag it sent makes the same request a 304.
        let again = client()
            .get(r.url(&url))
            .header("authorization", format!("Bearer {API_TOKEN}"))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "GET {url}");
        // A limit out of range is refused with the range the document states.
        if let Some(limit) = params.iter().find(|p| p["name"] == "limit") {
            let (min, max) = (
                limit["schema"]["minimum"].as_u64().unwrap(),
                limit["schema"]["maximum"].as_u64().unwrap(),
            );
            assert_eq!((min, max), (1, 100), "GET {template}");
            for bad in [0, max + 1, 10_000] {
                let sep = if url.contains('?') { '&' } else { '?' };
                let resp = client()
                    .get(r.url(&format!("{url}{sep}limit={bad}")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "limit={bad}");
                let err: Value = resp.json().await.unwrap();
                assert_eq!(err["code"], "bad_pagination");
                assert_eq!(
                    err["message"],
                    format!("`limit` must be a whole number from {min} to {max}")
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} GET operations documented");
    assert_eq!(
        lists, 7,
        "stories, articles, search, sources, topics, providers, entities"
    );
    r.stop().await;
}

#[tokio::test]
async fn undocumented_statuses_do_not_happen_on_wrong_input() {
    let r = start().await;
    let doc: Value = client()
        .get(r.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cases = [
        ("/api/v1/stories/{id}", "/api/v1/stories/0123456789abcdef"),
        ("/api/v1/stories/{id}", "/api/v1/stories/bad%20id"),
        ("/api/v1/articles/{id}", "/api/v1/articles/0123456789abcdef"),
        (
            "/api/v1/articles/{id}.md",
            "/api/v1/articles/0123456789abcdef.md",
        ),
        ("/api/v1/stories", "/api/v1/stories?colour=red"),
        ("/api/v1/topics", "/api/v1/topics?x=1"),
        ("/api/v1/sources", "/api/v1/sources"),
        ("/api/v1/search", "/api/v1/search?q=%2B%2B"),
    ];
    for (template, url) in cases {
        let resp = client().get(r.url(url)).send().await.unwrap();
        let status = resp.status();
        assert!(status.is_client_error(), "{url}: {status}");
        assert!(
            doc["paths"][template]["get"]["responses"]
                .get(status.as_str())
                .is_some(),
            "{url}: {status} undocumented for {template}"
        );
        let err: Value = resp.json().await.unwrap();
        assert!(
            err["code"].is_string() && err["message"].is_string(),
            "{url}"
        );
        assert_eq!(err.as_object().unwrap().len(), 2, "{url}: {err}");
    }
    r.stop().await;
}
