//! The OpenAPI 3.1 document of the JSON API, served at `/api/v1/openapi.json`. It is generated
//! from the handlers' annotations, so it cannot drift from the routes' parameters and bodies;
//! what every operation shares (the answers of the auth, throttling, parameter checks and
//! conditional-GET layers) is added to each operation in [`json`], in one place.
//!
//! The conventions it states: keys are camelCase; every list answers `{items, hasMore, …}`
//! (paged lists add `limit`, `offset` and `nextOffset`, whole directories `total`); every
//! error is `{code, message}`; `limit` is 1 to 100 everywhere.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;
use crate::editorial::Outcome;
use crate::error::{ApiError, ErrorCode};
use crate::views::{ArticleView, ImageView, ProviderRef, StoryCard, TopicRef};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "readToken",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                crate::params::TOKEN_PARAM,
                "the read token, when reading is not public (or send it as a bearer token)",
            ))),
        );
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "storyline API", version = "1", description = "News stories, their coverage, search and editorial actions.\n\nConventions: keys are camelCase. Every list answers `{items, hasMore, ...}`: paged lists (stories, articles, search) add `limit`, `offset` and `nextOffset` and carry no total (counting every match on a large store costs as much as reading them: follow `nextOffset` while `hasMore`); whole lists (topics, providers, sources) add `total`. `limit` is 1 to 100, `offset` 0 to 10000 and `page` 1 to 101 everywhere; anything else is 400 `bad_pagination` naming the range. Topic filters match whatever the case. Errors are `{code, message}`; a parameter the endpoint does not know is 400 `unknown_filter`.\n\nEvery 200 answer to a GET carries a strong `ETag`; send it back in `If-None-Match` and an unchanged answer is 304 without a body.\n\nWhen reading is not public, every endpoint needs the read token (`Authorization: Bearer` or `?access_token=`), an API token or an admin login (401 `unauthorized` without), and so does `/metrics`. After a few wrong tokens from one address, its requests are refused for a wait that doubles with each further one (429 `too_many_attempts` with `Retry-After`), even with a right token."),
    paths(
        api::list_stories, api::get_story, api::story_action,
        api::list_articles, api::get_article, api::get_article_record, api::article_action,
        api::list_sources, api::add_source, api::remove_source,
        api::list_topics, api::list_providers, api::provider_action,
        api::search, api::list_entities, api::get_entity,
    ),
    components(schemas(
        ApiError, ErrorCode, StoryCard, ArticleView, ProviderRef, TopicRef, ImageView, Outcome,
        api::StoryList, api::StoryDetail, api::ArticleList, api::ArticleDetail, api::MergeBody, api::SourceView,
        api::NewSource, api::TopicCount, api::ProviderCount, api::SearchItem, api::SearchResults, api::SearchFacets, api::FacetCount,
        api::SourceList, api::TopicList, api::ProviderList,
        crate::views::SummaryLineView, crate::views::FactsView, crate::views::ClaimView,
        crate::views::EntityView, api::EntityList,
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The document as JSON text, built once.
pub fn json() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let built = serde_json::to_value(ApiDoc::openapi()).map(|mut doc| {
            add_shared_answers(&mut doc);
            doc
        });
        built
            .and_then(|doc| serde_json::to_string_pretty(&doc))
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

fn error_answer(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    })
}

/// Adds to every operation the answers that layers around the handlers give: 400 (a
/// parameter this endpoint does not know, out of range or malformed), 401 and 429 (auth and
/// its throttle), 403 for writes (a session without its CSRF header); to every GET the
/// `If-None-Match` header, the `ETag` of its 200 and the 304 it leads to.
fn add_shared_answers(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let is_get = method == "get";
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for param in params.iter_mut() {
                    if matches!(param["name"].as_str(), Some("from" | "to")) {
                        param["schema"] = json!({"anyOf": [
                            {"type": "string", "format": "date"},
                            {"type": "string", "format": "date-time"}
                        ]});
                    }
                }
            }
            if is_get {
                let if_none_match = json!({
                    "name": "If-None-Match", "in": "header", "required": false,
                    "description": "the `ETag` of an answer held: 304 without a body while it is unchanged",
                    "schema": {"type": "string"}
                });
                match op.get_mut("parameters").and_then(Value::as_array_mut) {
                    Some(params) => params.push(if_none_match),
                    None => op["parameters"] = json!([if_none_match]),
                }
            }
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            let etag = json!({
                "description": "a strong tag of this answer's bytes",
                "schema": {"type": "string"}
            });
            if is_get {
                if let Some(ok) = responses.get_mut("200").and_then(Value::as_object_mut) {
                    ok.entry("headers")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                        .map(|h| h.insert("ETag".into(), etag.clone()));
                }
                responses.entry("304").or_insert_with(|| {
                    json!({
                        "description": "not modified: `If-None-Match` named this answer's `ETag`",
                        "headers": {"ETag": etag}
                    })
                });
            }
            responses.entry("400").or_insert_with(|| {
                error_answer(
                    "a parameter this endpoint does not know (`unknown_filter`), given twice or malformed (`bad_filter`), out of range (`bad_pagination`), or an id of the wrong shape (`bad_id`)",
                )
            });
            responses.entry("401").or_insert_with(|| {
                error_answer(if is_get {
                    "reading is not public and no valid read token, API token or login came with the request (or this list is for admins)"
                } else {
                    "no valid API token or admin login came with the request"
                })
            });
            if !is_get {
                responses.entry("403").or_insert_with(|| {
                    error_answer("an admin session's write without its CSRF token (`bad_csrf`)")
                });
            }
            responses.entry("429").or_insert_with(|| {
                let mut answer = error_answer(
                    "too many wrong tokens from this address lately (`too_many_attempts`); even a right one waits",
                );
                answer["headers"] = json!({"Retry-After": {
                    "description": "seconds to wait",
                    "schema": {"type": "integer", "minimum": 0}
                }});
                answer
            });
        }
    }
}

pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json()).into_response()
}
