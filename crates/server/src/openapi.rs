//! The OpenAPI 3.1 document of the JSON API, served at `/api/v1/openapi.json`. It is generated
//! from the handlers' annotations, so it cannot drift from the routes' parameters and bodies.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
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
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "storyline API", version = "1", description = "News stories, their coverage, search and editorial actions. Errors are {code, message}. When reading is not public, every endpoint needs the read token (`Authorization: Bearer` or `?access_token=`), an API token or an admin login, and so does `/metrics`. After a few wrong tokens from one address, its requests are refused for a wait that doubles with each further one (429 `too_many_attempts` with `Retry-After`), even with a right token."),
    paths(
        api::list_stories, api::get_story, api::story_action,
        api::list_articles, api::get_article, api::article_action,
        api::list_sources, api::add_source, api::remove_source,
        api::list_topics, api::list_providers, api::provider_action,
        api::search,
    ),
    components(schemas(
        ApiError, ErrorCode, StoryCard, ArticleView, ProviderRef, TopicRef, ImageView, Outcome,
        api::StoryList, api::StoryDetail, api::ArticleList, api::ArticleDetail, api::MergeBody, api::SourceView,
        api::NewSource, api::TopicCount, api::ProviderCount, api::SearchItem, api::SearchResults,
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The document as JSON text, built once.
pub fn json() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json()).into_response()
}
