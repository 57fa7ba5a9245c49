//! The JSON API under `/api/v1/`: stories, articles (and their records at
//! `/api/v1/articles/{id}.md`), sources, topics, providers, search and editorial actions.
//! Reads follow the public visibility rules of the pages; writes need an API token or an admin
//! session with its CSRF header. Every error is `{code, message}` (see [`crate::error`]).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use storyline_model::{Coverage, Record};
use storyline_store::{ArticleQuery, SourceRow, StoryCoverage, StoryQuery};

use crate::AppState;
use crate::auth::{ApiAdmin, ApiWriter};
use crate::editorial::{self, Action, Outcome};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::pages::{SEARCH_PARAMS, cards_for, linked_cards, public_visibility, search_query};
use crate::params::{ApiPath, Params, check_domain, check_id};
use crate::views::{self, ArticleView, StoryCard};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(list_stories))
        .route("/stories/{id}", get(get_story))
        .route("/stories/{id}/{action}", post(story_action))
        .route("/articles", get(list_articles))
        .route("/articles/{id}", get(get_article))
        .route("/articles/{id}/{action}", post(article_action))
        .route("/sources", get(list_sources).post(add_source))
        .route("/sources/{id}", delete(remove_source))
        .route("/topics", get(list_topics))
        .route("/entities", get(list_entities))
        .route("/entities/{slug}", get(get_entity))
        .route("/providers", get(list_providers))
        .route("/providers/{domain}/{action}", post(provider_action))
        .route("/search", get(search))
        .route("/openapi.json", get(crate::openapi::document))
        .fallback(api_not_found)
}

async fn api_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "no such endpoint; see /api/v1/openapi.json",
    )
}

/// A page of stories. Lists that page carry no total: counting every match on a large store
/// costs as much as reading them all. `hasMore` and `nextOffset` say whether and where the
/// next page starts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoryList {
    pub items: Vec<StoryCard>,
    pub limit: u32,
    pub offset: u32,
    /// Whether more items follow this page.
    pub has_more: bool,
    /// Offset of the next page, when there is one.
    pub next_offset: Option<u32>,
}

/// Parameters of `GET /stories`.
pub const STORY_PARAMS: &[&str] = &["limit", "offset", "page", "topic", "provider", "entity"];

#[utoipa::path(get, path = "/api/v1/stories", tag = "stories",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "items per page, 1 to 100 (default 30)"),
        ("offset" = Option<u32>, Query, minimum = 0, maximum = 10000, description = "items to skip, 0 to 10000"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 101, description = "1-based page of `limit` items, 1 to 101, when `offset` is absent"),
        ("topic" = Option<String>, Query, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "only stories on this topic; any case (`ai` finds `AI`)"),
        ("provider" = Option<String>, Query, max_length = 200, pattern = r"^[A-Za-z0-9.-]*$", description = "only stories covered by this outlet (its domain)"),
        ("entity" = Option<String>, Query, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "only stories whose coverage names this person, organisation or place (its slug, as in `/api/v1/entities`), newest coverage first"),
    ),
    responses((status = 200, body = StoryList)))]
pub async fn list_stories(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<StoryList>> {
    let params = Params::parse(raw.as_deref(), STORY_PARAMS)?;
    let page = params.page(state.config().page_size.clamp(1, 100))?;
    let topic = state.topic_filter(params.name("topic")?).await?;
    let provider = params.name("provider")?;
    if let Some(p) = &provider {
        check_domain(p)?;
    }
    let query = StoryQuery {
        limit: page.limit + 1,
        offset: page.offset,
        published_only: true,
        topic,
        provider,
        entity: params.name("entity")?,
    };
    let vis = public_visibility(&state).await?;
    let mut stories = state.store().stories(&query).await?;
    let next_offset = page.cut(&mut stories);
    let items = cards_for(&state, &stories, &vis).await?;
    Ok(Json(StoryList {
        items,
        limit: page.limit,
        offset: page.offset,
        has_more: next_offset.is_some(),
        next_offset,
    }))
}

/// A story with all its coverage, what it says in brief, and why it is hot.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoryDetail {
    pub story: StoryCard,
    /// All visible coverage, oldest first, syndicated copies folded in.
    pub coverage: Vec<ArticleView>,
    pub related: Vec<StoryCard>,
    /// The facts of a funding round or an acquisition, as the outlets state them (figures
    /// they disagree on are listed apart), when the story reports one.
    pub facts: Option<views::FactsView>,
    /// Why the story is as hot as it is, in words.
    pub heat_reasons: Vec<String>,
    /// Who and what the coverage names, named by most of its articles first.
    pub entities: Vec<views::EntityView>,
}

#[utoipa::path(get, path = "/api/v1/stories/{id}", tag = "stories",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,64}$", example = "3f2a9c0d11aa22bb",
        description = "story id: storyline's are 16 lowercase hex digits; any 1 to 64 letters, digits, `-` or `_` is looked up (anything else is 400 `bad_id`); a merged story's id answers with the story it joined")),
    responses((status = 200, body = StoryDetail), (status = 404, body = ApiError)))]
pub async fn get_story(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<StoryDetail>> {
    Params::parse(raw.as_deref(), &[])?;
    check_id(&id, "story")?;
    let StoryCoverage {
        story,
        articles: rows,
        links,
    } = state
        .store()
        .story_coverage(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("story"))?;
    let vis = public_visibility(&state).await?;
    let mut card = views::card(&story, &rows, &vis).ok_or_else(|| ApiError::not_found("story"))?;
    let texts = state.store().story_articles(&story.id).await?;
    let clock = crate::editorial::news_clock(state.store()).await?;
    let brief = views::brief(&texts, &vis, clock);
    // a story's own summary is read from the texts, not the openings a listing has
    card.summary = brief.summary;
    Ok(Json(StoryDetail {
        story: card,
        coverage: views::fold_coverage(&rows, &vis),
        related: linked_cards(&state, &story.id, &links, &vis).await?,
        facts: brief.facts,
        heat_reasons: brief.heat_reasons,
        entities: state
            .store()
            .story_entities(&story.id, crate::pages::STORY_ENTITIES)
            .await?
            .into_iter()
            .map(views::EntityView::from_summary)
            .collect(),
    }))
}

/// A page of articles (no total; see [`StoryList`]).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArticleList {
    pub items: Vec<ArticleView>,
    pub limit: u32,
    pub offset: u32,
    /// Whether more items follow this page.
    pub has_more: bool,
    /// Offset of the next page, when there is one.
    pub next_offset: Option<u32>,
}

/// Parameters of `GET /articles`.
pub const ARTICLE_PARAMS: &[&str] = &["limit", "offset", "page", "topic", "provider", "from", "to"];

#[utoipa::path(get, path = "/api/v1/articles", tag = "articles",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "items per page, 1 to 100 (default 30)"),
        ("offset" = Option<u32>, Query, minimum = 0, maximum = 10000, description = "items to skip, 0 to 10000"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 101, description = "1-based page of `limit` items, 1 to 101, when `offset` is absent"),
        ("topic" = Option<String>, Query, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "only articles on this topic; any case (`ai` finds `AI`)"),
        ("provider" = Option<String>, Query, max_length = 200, pattern = r"^[A-Za-z0-9.-]*$", description = "only articles from this outlet's domain"),
        ("from" = Option<String>, Query, description = "published at or after: a date (YYYY-MM-DD) or an RFC 3339 time; after `to` finds nothing"),
        ("to" = Option<String>, Query, description = "published at or before: a date (YYYY-MM-DD, the whole day) or an RFC 3339 time"),
    ),
    responses((status = 200, body = ArticleList)))]
/// Articles newest first (in the order storyline received them), syndicated copies
/// included (`duplicateOf` names the original), without their texts.
pub async fn list_articles(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ArticleList>> {
    let params = Params::parse(raw.as_deref(), ARTICLE_PARAMS)?;
    let page = params.page(state.config().page_size.clamp(1, 100))?;
    let filters = search_query(&params, false)?;
    let query = ArticleQuery {
        topic: state.topic_filter(filters.topic).await?,
        provider: filters.provider,
        from: filters.from,
        to: filters.to,
        visible_only: true,
        limit: page.limit + 1,
        offset: page.offset,
    };
    let mut rows = state.store().articles(&query).await?;
    let next_offset = page.cut(&mut rows);
    Ok(Json(ArticleList {
        items: rows.iter().map(ArticleView::from_row).collect(),
        limit: page.limit,
        offset: page.offset,
        has_more: next_offset.is_some(),
        next_offset,
    }))
}

/// An article with its text.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArticleDetail {
    pub article: ArticleView,
    /// Plain text.
    pub text: String,
}

#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,64}$", example = "3f2a9c0d11aa22bb",
        description = "article id: storyline's are 16 lowercase hex digits; any 1 to 64 letters, digits, `-` or `_` is looked up (anything else is 400 `bad_id`)")),
    responses((status = 200, body = ArticleDetail), (status = 404, body = ApiError)))]
pub async fn get_article(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    Params::parse(raw.as_deref(), &[])?;
    let (id, as_record) = match id.strip_suffix(".md") {
        Some(stem) => (stem.to_string(), true),
        None => (id, false),
    };
    check_id(&id, "article")?;
    let row = state
        .store()
        .article(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let vis = public_visibility(&state).await?;
    let story = match &row.story_id {
        Some(sid) => state.store().story(sid).await?,
        None => None,
    };
    if !vis.shows_article(&row) || story.as_ref().is_some_and(|s| !vis.shows_story(s)) {
        return Err(ApiError::not_found("article"));
    }
    if !as_record {
        return Ok(Json(ArticleDetail {
            article: ArticleView::from_row(&row),
            text: row.article.body.clone(),
        })
        .into_response());
    }
    let mut article = row.article.clone();
    article.secured_verbatim = row.secured.clone();
    let mut related: Vec<Coverage> = Vec::new();
    if let Some(story) = &story {
        article.heat = story.heat;
        let rows = state.store().story_articles(&story.id).await?;
        related = rows
            .iter()
            .filter(|r| r.article.id != article.id && vis.shows_article(r))
            .map(|r| Coverage {
                title: r.article.title.clone(),
                excerpt: r.article.excerpt.clone(),
                published_date_time: r.article.published_date_time,
                web_url: r.article.web_url.clone().unwrap_or_default(),
                kind: r.article.kind.clone(),
                provider: r.article.provider.clone(),
                quality: r.article.quality,
                images: r.article.images.clone(),
            })
            .collect();
    }
    let record = Record::from_article(&article, &related, None).map_err(|e| {
        tracing::error!(error = %e, id, "cannot write record");
        ApiError::new(ErrorCode::Internal, "the record could not be written")
    })?;
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        record.to_text(),
    )
        .into_response())
}

/// `GET /api/v1/articles/{id}.md`: served by [`get_article`]; declared apart so the document
/// gives each answer its own path and media type.
#[utoipa::path(get, path = "/api/v1/articles/{id}.md", tag = "articles",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,64}$", example = "3f2a9c0d11aa22bb",
        description = "article id, as for `/api/v1/articles/{id}`")),
    responses((status = 200, description = "the article as a record: Markdown with YAML front matter, the format `storyline ingest` reads", content_type = "text/markdown", body = String),
        (status = 404, body = ApiError)))]
#[allow(dead_code)]
fn get_article_record() {}

/// Body of `POST /stories/{id}/merge`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MergeBody {
    /// The story that absorbs this one.
    pub into: String,
}

fn parse_body<T: for<'de> Deserialize<'de>>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorCode::BadBody,
            format!("body is not the expected JSON: {e}"),
        )
    })
}

fn unknown_action(action: &str, known: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!(
            "unknown action `{}`; known: {known}",
            action.chars().take(40).collect::<String>()
        ),
    )
}

#[utoipa::path(post, path = "/api/v1/stories/{id}/{action}", tag = "editorial",
    params(("id" = String, Path), ("action" = String, Path, description = "publish, unpublish, pin, unpin or merge (body {\"into\": id})")),
    request_body(content = Option<MergeBody>, description = "only for merge"),
    responses((status = 200, body = Outcome), (status = 404, body = ApiError), (status = 409, body = ApiError)),
    security(("bearer" = [])))]
pub async fn story_action(
    State(state): State<AppState>,
    _writer: ApiWriter,
    ApiPath((id, action)): ApiPath<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Outcome>> {
    let action = match action.as_str() {
        "publish" => Action::PublishStory(id, true),
        "unpublish" => Action::PublishStory(id, false),
        "pin" => Action::PinStory(id, true),
        "unpin" => Action::PinStory(id, false),
        "merge" => {
            let body: MergeBody = parse_body(&body)?;
            Action::MergeStories(id, body.into)
        }
        other => {
            return Err(unknown_action(
                other,
                "publish, unpublish, pin, unpin, merge",
            ));
        }
    };
    let outcome = editorial::apply(state.store(), &action).await?;
    state.invalidate_pages();
    Ok(Json(outcome))
}

#[utoipa::path(post, path = "/api/v1/articles/{id}/{action}", tag = "editorial",
    params(("id" = String, Path), ("action" = String, Path, description = "publish, unpublish or split")),
    responses((status = 200, body = Outcome), (status = 404, body = ApiError), (status = 409, body = ApiError)),
    security(("bearer" = [])))]
pub async fn article_action(
    State(state): State<AppState>,
    _writer: ApiWriter,
    ApiPath((id, action)): ApiPath<(String, String)>,
) -> ApiResult<Json<Outcome>> {
    let action = match action.as_str() {
        "publish" => Action::PublishArticle(id, true),
        "unpublish" => Action::PublishArticle(id, false),
        "split" => Action::SplitArticle(id),
        other => return Err(unknown_action(other, "publish, unpublish, split")),
    };
    let outcome = editorial::apply(state.store(), &action).await?;
    state.invalidate_pages();
    Ok(Json(outcome))
}

#[utoipa::path(post, path = "/api/v1/providers/{domain}/{action}", tag = "editorial",
    params(("domain" = String, Path), ("action" = String, Path, description = "block or unblock")),
    responses((status = 200, body = Outcome), (status = 400, body = ApiError), (status = 401, body = ApiError)),
    security(("bearer" = [])))]
pub async fn provider_action(
    State(state): State<AppState>,
    _writer: ApiWriter,
    ApiPath((domain, action)): ApiPath<(String, String)>,
) -> ApiResult<Json<Outcome>> {
    let action = match action.as_str() {
        "block" => Action::BlockProvider(domain, true),
        "unblock" => Action::BlockProvider(domain, false),
        other => return Err(unknown_action(other, "block, unblock")),
    };
    let outcome = editorial::apply(state.store(), &action).await?;
    state.invalidate_pages();
    Ok(Json(outcome))
}

/// A followed source.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceView {
    pub id: i64,
    pub url: String,
    pub kind: String,
    pub title: Option<String>,
    pub group: Option<String>,
    pub last_error: Option<String>,
    pub enabled: bool,
    /// RFC 3339.
    pub next_poll: String,
}

impl SourceView {
    pub fn from_row(s: &SourceRow) -> Self {
        SourceView {
            id: s.id,
            url: s.url.clone(),
            kind: s.kind.clone(),
            title: s.title.clone(),
            group: s.group.clone(),
            last_error: s.last_error.clone(),
            enabled: s.enabled,
            next_poll: s.next_poll.to_rfc3339(),
        }
    }
}

/// Body of `POST /sources`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewSource {
    pub url: String,
    /// `feed` (default), `sitemap` or `page`.
    pub kind: Option<String>,
    pub title: Option<String>,
    pub group: Option<String>,
}

/// Every followed source.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceList {
    pub items: Vec<SourceView>,
    /// How many sources there are (all are listed).
    pub total: u64,
    /// Always false: the list is whole.
    pub has_more: bool,
}

#[utoipa::path(get, path = "/api/v1/sources", tag = "sources",
    responses((status = 200, body = SourceList)),
    security(("bearer" = [])))]
pub async fn list_sources(
    State(state): State<AppState>,
    // Admin only: sources may carry access tokens in their URLs.
    _admin: ApiAdmin,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SourceList>> {
    Params::parse(raw.as_deref(), &[])?;
    let sources = state.store().sources().await?;
    Ok(Json(SourceList {
        total: sources.len() as u64,
        has_more: false,
        items: sources.iter().map(SourceView::from_row).collect(),
    }))
}

/// Validates and stores a new source; false when it was already followed.
pub async fn insert_source(state: &AppState, new: NewSource) -> ApiResult<bool> {
    let url = new.url.trim().to_string();
    let lower = url.to_ascii_lowercase();
    let valid = (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= 2048
        && url.len() > 8
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        return Err(ApiError::new(
            ErrorCode::BadBody,
            "a source needs an http(s) URL of at most 2048 characters",
        ));
    }
    let kind = new.kind.unwrap_or_else(|| "feed".into());
    if !matches!(kind.as_str(), "feed" | "sitemap" | "page") {
        return Err(ApiError::new(
            ErrorCode::BadBody,
            "`kind` must be feed, sitemap or page",
        ));
    }
    let clean = |v: Option<String>| {
        v.map(|t| t.trim().chars().take(200).collect::<String>())
            .filter(|t| !t.is_empty())
    };
    let now = Utc::now();
    let row = SourceRow {
        id: 0,
        url,
        kind,
        title: clean(new.title),
        group: clean(new.group),
        state: None,
        next_poll: now,
        last_error: None,
        enabled: true,
        created_at: now,
        last_round: None,
    };
    Ok(state.store().add_source(&row).await?)
}

#[utoipa::path(post, path = "/api/v1/sources", tag = "sources", request_body = NewSource,
    responses((status = 201, description = "added"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 409, body = ApiError)),
    security(("bearer" = [])))]
pub async fn add_source(
    State(state): State<AppState>,
    _writer: ApiWriter,
    body: Bytes,
) -> ApiResult<Response> {
    let new: NewSource = parse_body(&body)?;
    if insert_source(&state, new).await? {
        Ok((
            StatusCode::CREATED,
            Json(serde_json::json!({"added": true})),
        )
            .into_response())
    } else {
        Err(ApiError::new(
            ErrorCode::Conflict,
            "that URL is already followed",
        ))
    }
}

#[utoipa::path(delete, path = "/api/v1/sources/{id}", tag = "sources",
    params(("id" = i64, Path)),
    responses((status = 204, description = "removed"), (status = 400, body = ApiError), (status = 404, body = ApiError)),
    security(("bearer" = [])))]
pub async fn remove_source(
    State(state): State<AppState>,
    _writer: ApiWriter,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let id: i64 = id
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::new(ErrorCode::BadId, "a source id is a positive number"))?;
    if state.store().remove_source(&id.to_string()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("source"))
    }
}

/// A topic and how many public stories carry it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TopicCount {
    pub topic: String,
    pub stories: u64,
}

/// People, organisations and places.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntityList {
    /// Hottest first.
    pub items: Vec<views::EntityView>,
    /// How many are listed.
    pub total: u64,
    /// Whether more entities trend than the 30 listed.
    pub has_more: bool,
}

/// Trending entities the API lists.
const TRENDING_LISTED: u32 = 30;

#[utoipa::path(get, path = "/api/v1/entities", tag = "entities",
    responses((status = 200, body = EntityList)))]
/// The trending people, organisations and places: those with the most heat among the
/// stories covered in the last day, hottest first (at most 30).
pub async fn list_entities(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<EntityList>> {
    Params::parse(raw.as_deref(), &[])?;
    let mut items = crate::pages::trending_entities(&state, TRENDING_LISTED + 1).await?;
    let has_more = items.len() > TRENDING_LISTED as usize;
    items.truncate(TRENDING_LISTED as usize);
    Ok(Json(EntityList {
        total: items.len() as u64,
        has_more,
        items,
    }))
}

#[utoipa::path(get, path = "/api/v1/entities/{slug}", tag = "entities",
    params(("slug" = String, Path, max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]+$", example = "moonshot-ai",
        description = "the entity's slug; its stories are `/api/v1/stories?entity={slug}`")),
    responses((status = 200, body = views::EntityView), (status = 404, body = ApiError)))]
/// One person, organisation or place, with how many articles name it.
pub async fn get_entity(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<views::EntityView>> {
    Params::parse(raw.as_deref(), &[])?;
    crate::pages::check_name(&slug, "entity")?;
    let found = state
        .store()
        .entity(&slug)
        .await?
        .ok_or_else(|| ApiError::not_found("entity"))?;
    Ok(Json(views::EntityView::from_summary(found)))
}

/// The topic directory.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicList {
    /// Most used first, at most 500.
    pub items: Vec<TopicCount>,
    /// How many topics are listed: all of them unless `hasMore`.
    pub total: u64,
    /// Whether there are more topics than the 500 listed.
    pub has_more: bool,
}

#[utoipa::path(get, path = "/api/v1/topics", tag = "topics",
    responses((status = 200, body = TopicList)))]
pub async fn list_topics(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<TopicList>> {
    Params::parse(raw.as_deref(), &[])?;
    let list = state.topic_directory().await?;
    Ok(Json(TopicList {
        total: list.len() as u64,
        has_more: list.len() >= crate::TOPIC_DIRECTORY_SIZE as usize,
        items: list
            .iter()
            .map(|(topic, stories)| TopicCount {
                topic: topic.clone(),
                stories: *stories,
            })
            .collect(),
    }))
}

/// A provider and how many articles it has.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProviderCount {
    pub name: String,
    pub domain: String,
    pub articles: u64,
    pub blocked: bool,
}

/// The provider directory.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderList {
    /// Most prolific first, at most 1000.
    pub items: Vec<ProviderCount>,
    /// How many providers are listed: all of them unless `hasMore`.
    pub total: u64,
    /// Whether there are more providers than the 1000 listed.
    pub has_more: bool,
}

#[utoipa::path(get, path = "/api/v1/providers", tag = "topics",
    responses((status = 200, body = ProviderList)))]
pub async fn list_providers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ProviderList>> {
    Params::parse(raw.as_deref(), &[])?;
    let list = state.provider_directory().await?;
    let blocked = state.store().blocked_providers().await?;
    Ok(Json(ProviderList {
        total: list.len() as u64,
        has_more: list.len() >= crate::PROVIDER_DIRECTORY_SIZE as usize,
        items: list
            .iter()
            .map(|(p, n)| ProviderCount {
                name: p.name.clone(),
                domain: p.domain.clone(),
                articles: *n,
                blocked: blocked.contains(&p.domain),
            })
            .collect(),
    }))
}

/// One search result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchItem {
    pub article: ArticleView,
    /// Text around the match, matched words between `[` and `]`.
    pub snippet: String,
    /// The snippet as safe HTML with `<mark>`.
    pub snippet_html: String,
    /// Relevance: BM25 over title, excerpt and body, times recency (higher is better).
    pub score: f64,
    /// Minus `score` (lower is better), kept for clients that sort by it.
    pub rank: f64,
    /// With `group=story`: other matching articles of this story (see the story's page).
    pub more_in_story: u32,
}

/// How many of the best matches carry a topic or come from a provider.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacetCount {
    /// A topic, or a provider's domain.
    pub value: String,
    pub count: u32,
}

/// Counts per topic and provider among the best matches of a search, most first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchFacets {
    pub topics: Vec<FacetCount>,
    pub providers: Vec<FacetCount>,
    /// How many of the best matches were counted.
    pub counted: u32,
    /// Whether those were all the matches.
    pub complete: bool,
}

/// A page of search results (no total; see [`StoryList`]).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    pub items: Vec<SearchItem>,
    pub limit: u32,
    pub offset: u32,
    /// Whether more results follow this page.
    pub has_more: bool,
    /// Offset of the next page, when there is one.
    pub next_offset: Option<u32>,
    pub facets: SearchFacets,
}

/// Parameters of `GET /search`.
pub const API_SEARCH_PARAMS: &[&str] = &[
    "q", "topic", "provider", "from", "to", "category", "lang", "group", "limit", "offset", "page",
];

#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(
        ("q" = String, Query, max_length = 500, pattern = "[A-Za-z0-9]", example = "wind turbines",
            description = "words, \"quoted phrases\", -excluded words: at most 500 characters, with at least one letter or digit (else 400 `empty_query`)"),
        ("topic" = Option<String>, Query, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "only articles on this topic; any case (`ai` finds `AI`)"),
        ("provider" = Option<String>, Query, max_length = 200, pattern = r"^[A-Za-z0-9.-]*$", description = "only articles from this outlet's domain"),
        ("from" = Option<String>, Query, description = "published at or after: a date (YYYY-MM-DD) or an RFC 3339 time; after `to` finds nothing"),
        ("to" = Option<String>, Query, description = "published at or before: a date (YYYY-MM-DD, the whole day) or an RFC 3339 time"),
        ("category" = Option<String>, Query, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "only articles of this category (`news`, `opinion`, …)"),
        ("lang" = Option<String>, Query, max_length = 12, pattern = "^[A-Za-z-]*$", description = "only articles in this language: an ISO 639-1 or 639-3 code (`en`, `deu`)"),
        ("group" = Option<String>, Query, pattern = "^(story|none)$", description = "`story`: one result per story (its best article, with `moreInStory`), `limit` and `offset` counting stories; `none` (default): every matching article"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "results per page, 1 to 100 (default 20)"),
        ("offset" = Option<u32>, Query, minimum = 0, maximum = 10000, description = "results to skip, 0 to 10000"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 101, description = "1-based page of `limit` results, 1 to 101, when `offset` is absent"),
    ),
    responses((status = 200, body = SearchResults)))]
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SearchResults>> {
    debug_assert!(SEARCH_PARAMS.iter().all(|p| API_SEARCH_PARAMS.contains(p)));
    let params = Params::parse(raw.as_deref(), API_SEARCH_PARAMS)?;
    let page = params.page(20)?;
    let mut query = search_query(&params, false)?;
    if crate::pages::searchable(&query.text) {
        query.limit = page.limit + 1;
        query.offset = page.offset;
        query.topic = state.topic_filter(query.topic.take()).await?;
    } else {
        return Err(ApiError::new(
            ErrorCode::EmptyQuery,
            "`q` needs at least one word to search for",
        ));
    }
    let vis = public_visibility(&state).await?;
    let results = state.search().search(state.store(), &query).await?;
    let mut hits = results.hits;
    let next_offset = page.cut(&mut hits);
    let items = crate::pages::visible_hits(hits, &vis)
        .into_iter()
        .map(|h| SearchItem {
            article: ArticleView::from_row(&h.article),
            snippet_html: views::highlight(&h.snippet),
            snippet: h.snippet,
            score: h.score,
            rank: -h.score,
            more_in_story: h.more_in_story,
        })
        .collect();
    let counts = |list: &[(String, u32)]| {
        list.iter()
            .map(|(value, count)| FacetCount {
                value: value.clone(),
                count: *count,
            })
            .collect()
    };
    Ok(Json(SearchResults {
        items,
        limit: page.limit,
        offset: page.offset,
        has_more: next_offset.is_some(),
        next_offset,
        facets: SearchFacets {
            topics: counts(&results.facets.topics),
            providers: counts(&results.facets.providers),
            counted: results.facets.counted,
            complete: results.facets.complete,
        },
    }))
}
