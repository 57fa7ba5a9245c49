//! Public HTML pages: the front page (stories by heat, Techmeme-style "More:" coverage), story,
//! article, topic and provider pages and their directories, and search. Every page reads the
//! store on each request, so editorial actions show at once. Errors render as an HTML page
//! carrying the same code as the API would.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use storyline_model::{Story, StoryLink};
use storyline_search::{Facets, SearchHit, SearchQuery};
use storyline_store::{ReadScope, StoryCoverage, StoryQuery};

use crate::AppState;
use crate::auth::{Session, session_of};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::params::{Params, check_domain, check_id, encode};
use crate::views::{
    self, ArticleView, ImageView, ProviderRef, StoryCard, TopicRef, Visibility, highlight,
};

/// The stylesheet, served from the binary.
const STYLE_CSS: &str = include_str!("../static/style.css");
const FAVICON_SVG: &str = include_str!("../static/favicon.svg");

/// Parts of every page: title, search box, login state.
pub struct Chrome {
    pub site_title: String,
    pub query: String,
    pub logged_in: bool,
    /// The name of the logged-in account (empty for visitors): the header links to its
    /// settings.
    pub user: String,
    /// Feeds of this page: `(label, href, media type)`.
    pub feeds: Vec<(&'static str, String, &'static str)>,
}

impl Chrome {
    pub fn new(state: &AppState) -> Self {
        Chrome {
            site_title: state.config().site_title.clone(),
            query: String::new(),
            logged_in: false,
            user: String::new(),
            feeds: Vec::new(),
        }
    }

    /// The chrome of a page seen by `session`'s account, when someone is logged in.
    pub fn for_session(state: &AppState, session: Option<&Session>) -> Self {
        let mut chrome = Chrome::new(state);
        if let Some(session) = session {
            chrome.user = session.account.name.clone();
        }
        chrome
    }

    /// Adds the three feeds under `base` (e.g. `/feed/`), with `query` (e.g. `?q=x`) after.
    fn with_feeds(mut self, base: String, query: &str) -> Self {
        self.feeds = vec![
            ("RSS", format!("{base}rss{query}"), "application/rss+xml"),
            ("Atom", format!("{base}atom{query}"), "application/atom+xml"),
            (
                "JSON Feed",
                format!("{base}json{query}"),
                "application/feed+json",
            ),
        ];
        self
    }
}

/// Renders a template as a 200 HTML response.
/// Marks an answer made for one account (its marks, its secrets) as not for shared caches.
pub fn private(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-cache"),
    );
    response
}

pub fn html<T: Template>(template: &T) -> ApiResult<Response> {
    template
        .render()
        .map(|body| Html(body).into_response())
        .map_err(|e| {
            tracing::error!(error = %e, "template failed");
            ApiError::new(ErrorCode::Internal, "the page could not be rendered")
        })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    code: &'static str,
    message: String,
}

/// Turns a handler's result into a response, errors as an HTML page.
pub fn respond(state: &AppState, result: ApiResult<Response>) -> Response {
    match result {
        Ok(response) => response,
        Err(error) => error_page(state, &error),
    }
}

pub fn error_page(state: &AppState, error: &ApiError) -> Response {
    let page = ErrorPage {
        chrome: Chrome::new(state),
        status: error.status().as_u16(),
        code: error.code.as_str(),
        message: error.message.clone(),
    };
    match page.render() {
        Ok(body) => (error.status(), Html(body)).into_response(),
        Err(_) => (error.status(), error.message.clone()).into_response(),
    }
}

/// Fallback for unknown paths: JSON under `/api/`, HTML elsewhere.
pub async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    state
        .metrics()
        .record("unmatched", 404, std::time::Duration::ZERO);
    let error = ApiError::new(ErrorCode::NotFound, "no such page");
    if uri.path().starts_with("/api/") {
        error.into_response()
    } else {
        error_page(&state, &error)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(front))
        .route("/story/{id}", get(story))
        .route("/article/{id}", get(article))
        .route("/topics", get(topics))
        .route("/topic/{name}", get(topic))
        .route("/entity/{slug}", get(entity))
        .route("/providers", get(providers))
        .route("/provider/{domain}", get(provider))
        .route("/search", get(search))
        .route("/static/style.css", get(style))
        .route("/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .route("/manifest.webmanifest", get(manifest))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON_SVG,
    )
        .into_response()
}

/// The web app manifest: the site can be added to a phone's home screen as an app.
async fn manifest(State(state): State<AppState>) -> Response {
    let name = &state.config().site_title;
    let body = serde_json::json!({
        "name": name,
        "short_name": name,
        "start_url": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3122e",
        "icons": [{ "src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml" }],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE_CSS,
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(),
    )
        .into_response()
}

/// Public visibility, with the current blocked providers.
pub async fn public_visibility(state: &AppState) -> ApiResult<Visibility> {
    Ok(Visibility::public(
        state.blocked_providers().await?.iter().cloned().collect(),
    ))
}

/// Search hits the public may see: visible articles in published stories (the store says
/// how each hit's story stands, so this asks it nothing more).
pub fn visible_hits(hits: Vec<SearchHit>, vis: &Visibility) -> Vec<SearchHit> {
    hits.into_iter()
        .filter(|h| {
            h.visible
                && vis.shows_article(&h.article)
                && h.story_live
                && vis.shows_story_flag(h.story_published)
        })
        .collect()
}

/// Loads a page of stories as cards.
pub async fn story_cards(
    state: &AppState,
    query: &StoryQuery,
    vis: &Visibility,
) -> ApiResult<Vec<StoryCard>> {
    let stories = state.store().stories(query).await?;
    cards_for(state, &stories, vis).await
}

/// Cards for given stories (one store round trip for all their coverage).
pub async fn cards_for(
    state: &AppState,
    stories: &[Story],
    vis: &Visibility,
) -> ApiResult<Vec<StoryCard>> {
    let ids: Vec<String> = stories.iter().map(|s| s.id.clone()).collect();
    let rows = state.store().articles_of_stories(&ids).await?;
    Ok(views::cards(stories, rows, vis))
}

/// Links to the previous and next page of a listing.
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    fn new(path: &str, extra: &str, page: u32, has_more: bool) -> Self {
        let link = |p: u32| format!("{path}?{extra}page={p}");
        Pager {
            prev: (page > 1).then(|| link(page - 1)),
            next: has_more.then(|| link(page + 1)),
        }
    }
}

fn page_number(params: &Params) -> ApiResult<u32> {
    let page = params.number("page", 1, 1000)?;
    if page == 0 {
        return Err(ApiError::new(
            ErrorCode::BadPagination,
            "`page` counts from 1",
        ));
    }
    Ok(page)
}

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    chrome: Chrome,
    /// The logged-in reader's CSRF token (empty for visitors, who see no reading actions).
    csrf: String,
    heading: String,
    intro: String,
    cards: Vec<StoryCard>,
    pager: Pager,
    side: Side,
}

/// The side column of listings on a wide screen (below the stories on a phone): the topics
/// with the most stories and the outlets with the most articles.
struct Side {
    topics: Vec<(TopicRef, u64)>,
    outlets: Vec<(ProviderRef, u64)>,
    /// The people, organisations and places with the most heat in the last day.
    trending: Vec<views::EntityView>,
}

/// Topics and outlets shown in the side column.
const SIDE_ENTRIES: usize = 12;

async fn side_column(state: &AppState) -> ApiResult<Side> {
    let topics = state
        .topic_directory()
        .await?
        .iter()
        .take(SIDE_ENTRIES)
        .map(|(name, count)| (TopicRef::new(name), *count))
        .collect();
    let blocked = state.blocked_providers().await?;
    let outlets = state
        .provider_directory()
        .await?
        .iter()
        .filter(|(p, _)| !p.domain.is_empty() && !blocked.contains(&p.domain))
        .take(SIDE_ENTRIES)
        .map(|(p, count)| (ProviderRef::new(&p.name, &p.domain), *count))
        .collect();
    Ok(Side {
        topics,
        outlets,
        trending: trending_entities(state, SIDE_ENTRIES as u32).await?,
    })
}

/// Entities listed on a story.
pub const STORY_ENTITIES: u32 = 8;

/// Hours back that "trending" looks, from the news clock.
const TRENDING_HOURS: i64 = 24;

/// The entities with the most heat among the stories covered in the last day (by the news
/// clock).
pub async fn trending_entities(state: &AppState, limit: u32) -> ApiResult<Vec<views::EntityView>> {
    let clock = crate::editorial::news_clock(state.store()).await?;
    let since = clock - chrono::Duration::hours(TRENDING_HOURS);
    Ok(state
        .store()
        .trending_entities(since, limit)
        .await?
        .into_iter()
        .map(views::EntityView::from_summary)
        .collect())
}

async fn listing(
    state: &AppState,
    raw: Option<String>,
    path: &str,
    heading: String,
    intro: String,
    mut query: StoryQuery,
    session: Option<Session>,
) -> ApiResult<Response> {
    // The page's feeds: `/feed/…` for the front page, `<path>/feed/…` under the others.
    let feed_base = format!("{}/feed/", path.trim_end_matches('/'));
    let params = Params::parse_page(raw.as_deref(), &["page"])?;
    let page = page_number(&params)?;
    let key = format!("{path}?{}", params.canonical());
    // A reader's listing carries their unread counts: never cached, never shared.
    let reader = session.filter(|s| s.account.user_id.is_some());
    if reader.is_none()
        && let Some(hit) = state.page_cache().get(&key)
    {
        return Ok(hit);
    }
    let size = state.config().page_size.clamp(1, 100);
    query.limit = size + 1;
    query.offset = (page - 1).saturating_mul(size);
    query.published_only = true;
    let vis = public_visibility(state).await?;
    let stories = state.store().stories(&query).await?;
    let has_more = stories.len() > size as usize;
    let shown = &stories[..stories.len().min(size as usize)];
    let cards = cards_for(state, shown, &vis).await?;
    // A provider page is titled with the outlet's name as its coverage gives it.
    let heading = query
        .provider
        .as_deref()
        .and_then(|domain| {
            cards
                .iter()
                .flat_map(|c| std::iter::once(&c.lead).chain(c.more.iter()))
                .find(|a| a.provider.domain == domain)
                .map(|a| a.provider.name.clone())
        })
        .unwrap_or(heading);
    let mut cards = cards;
    for card in &mut cards {
        card.thumb = cached_image(state, &card.lead).await.map(|image| image.src);
    }
    if let Some(user) = reader.as_ref().and_then(|s| s.account.user_id) {
        let ids: Vec<String> = cards.iter().map(|c| c.id.clone()).collect();
        let unread: HashMap<String, u64> = state
            .store()
            .story_unread(user, &ids)
            .await?
            .into_iter()
            .collect();
        for card in &mut cards {
            card.unread = Some(unread.get(&card.id).copied().unwrap_or(0));
        }
    }
    let chrome = Chrome::for_session(state, reader.as_ref()).with_feeds(feed_base, "");
    let page = FrontPage {
        chrome,
        csrf: reader.as_ref().map(|s| s.csrf.clone()).unwrap_or_default(),
        heading,
        intro,
        cards,
        pager: Pager::new(path, "", page, has_more),
        side: side_column(state).await?,
    };
    let body = page.render().map_err(|e| {
        tracing::error!(error = %e, "template failed");
        ApiError::new(ErrorCode::Internal, "the page could not be rendered")
    })?;
    if reader.is_some() {
        return Ok(private(Html(body).into_response()));
    }
    Ok(state
        .page_cache()
        .put(key, "text/html; charset=utf-8", body))
}

async fn front(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let result = listing(
        &state,
        raw,
        "/",
        String::new(),
        String::new(),
        StoryQuery::default(),
        session_of(&state, &headers),
    )
    .await;
    respond(&state, result)
}

async fn topic(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        check_name(&name, "topic")?;
        let topic = state.canonical_topic(&name).await?;
        let query = StoryQuery {
            topic: Some(topic.clone()),
            ..StoryQuery::default()
        };
        let path = format!("/topic/{}", encode(&name));
        listing(
            &state,
            raw,
            &path,
            topic,
            "Stories on this topic, hottest first.".into(),
            query,
            None,
        )
        .await
    }
    .await;
    respond(&state, result)
}

/// Stories that name a person, organisation or place, newest first.
async fn entity(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        check_name(&slug, "entity")?;
        let found = state
            .store()
            .entity(&slug)
            .await?
            .ok_or_else(|| ApiError::not_found("entity"))?;
        let query = StoryQuery {
            entity: Some(slug.clone()),
            ..StoryQuery::default()
        };
        let path = format!("/entity/{}", encode(&slug));
        let intro = format!(
            "Stories that name {} ({}, in {} article{}), newest first.",
            found.name,
            found.kind,
            found.articles,
            if found.articles == 1 { "" } else { "s" }
        );
        listing(&state, raw, &path, found.name, intro, query, None).await
    }
    .await;
    respond(&state, result)
}

async fn provider(
    State(state): State<AppState>,
    Path(domain): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        check_domain(&domain)?;
        let name = domain.clone();
        let blocked = state.store().blocked_providers().await?;
        let intro = if blocked.contains(&domain) {
            format!("{domain} is blocked by the editors.")
        } else {
            format!("Stories covered by {domain}, hottest first.")
        };
        let query = StoryQuery {
            provider: Some(domain.clone()),
            ..StoryQuery::default()
        };
        let path = format!("/provider/{}", encode(&domain));
        listing(&state, raw, &path, name, intro, query, None).await
    }
    .await;
    respond(&state, result)
}

/// Checks a topic name from a path.
pub fn check_name(name: &str, what: &str) -> ApiResult<()> {
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorCode::BadId,
            format!("not a valid {what} name"),
        ));
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    chrome: Chrome,
    /// The logged-in reader's CSRF token (empty for visitors).
    csrf: String,
    card: StoryCard,
    /// Each piece with the reader's marks as they were before this visit.
    timeline: Vec<(ArticleView, Mark)>,
    related: Vec<StoryCard>,
    image: Option<ImageView>,
    span: String,
    /// Summary, facts and why the story is hot.
    brief: views::BriefView,
    /// Who and what the coverage names most.
    entities: Vec<views::EntityView>,
}

/// A reader's marks on a piece, as a page shows them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mark {
    /// A reader is logged in: show the marks and the star button.
    pub shown: bool,
    pub read: bool,
    pub starred: bool,
}

/// Shows a story. A logged-in reader sees which pieces were new to them and can star them;
/// the visit then marks the story's coverage read for them (syndicated copies with it).
async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let session = session_of(&state, &headers);
    let reader = session.as_ref().and_then(|s| s.account.user_id);
    let result = async {
        check_id(&id, "story")?;
        // The story, its coverage and its links in one store call (one connection).
        let StoryCoverage {
            story,
            articles: rows,
            links,
        } = state
            .store()
            .story_coverage(&id)
            .await?
            .ok_or_else(|| ApiError::not_found("story"))?;
        if story.id != id {
            return Ok(
                Redirect::permanent(&format!("/story/{}", encode(&story.id))).into_response(),
            );
        }
        let vis = public_visibility(&state).await?;
        let mut card =
            views::card(&story, &rows, &vis).ok_or_else(|| ApiError::not_found("story"))?;
        let timeline = views::fold_coverage(&rows, &vis);
        let related = linked_cards(&state, &story.id, &links, &vis).await?;
        let image = cached_image(&state, &card.lead).await;
        let texts = state.store().story_articles(&story.id).await?;
        let clock = crate::editorial::news_clock(state.store()).await?;
        let mut brief = views::brief(&texts, &vis, clock);
        card.summary = std::mem::take(&mut brief.summary);
        let span = match (story.first_published, story.last_published) {
            (Some(a), Some(b)) if a != b => {
                format!("{} – {} UTC", views::date_time(a), views::date_time(b))
            }
            (Some(a), _) => format!("{} UTC", views::date_time(a)),
            _ => String::new(),
        };
        let mut marks: HashMap<String, (bool, bool)> = HashMap::new();
        if let Some(user) = reader {
            let ids: Vec<String> = timeline.iter().map(|a| a.id.clone()).collect();
            for (id, read, starred) in state.store().article_marks(user, &ids).await? {
                marks.insert(id, (read, starred));
            }
        }
        let timeline = timeline
            .into_iter()
            .map(|a| {
                let (read, starred) = marks.get(&a.id).copied().unwrap_or_default();
                let mark = Mark {
                    shown: reader.is_some(),
                    read,
                    starred,
                };
                (a, mark)
            })
            .collect();
        let page = html(&StoryPage {
            chrome: Chrome::for_session(&state, session.as_ref()),
            csrf: session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default(),
            card,
            timeline,
            related,
            image,
            span,
            brief,
            entities: state
                .store()
                .story_entities(&story.id, STORY_ENTITIES)
                .await?
                .into_iter()
                .map(views::EntityView::from_summary)
                .collect(),
        })?;
        if let Some(user) = reader {
            state
                .store()
                .mark_all_read(user, &ReadScope::Story(story.id.clone()), None)
                .await?;
            return Ok(private(page));
        }
        Ok(page)
    }
    .await;
    respond(&state, result)
}

/// Cards for a story's links visible to the public, best first (at most eight).
pub async fn linked_cards(
    state: &AppState,
    story_id: &str,
    links: &[StoryLink],
    vis: &Visibility,
) -> ApiResult<Vec<StoryCard>> {
    if links.is_empty() {
        return Ok(Vec::new());
    }
    // The sixteen best links' stories in one query, not one query each.
    let ids: Vec<String> = links
        .iter()
        .take(16)
        .map(|l| l.related_story_id.clone())
        .collect();
    let mut seen = HashSet::new();
    let stories: Vec<Story> = state
        .store()
        .stories_by_ids(&ids)
        .await?
        .into_iter()
        .flatten()
        .filter(|s| s.id != story_id && vis.shows_story(s) && seen.insert(s.id.clone()))
        .take(8)
        .collect();
    cards_for(state, &stories, vis).await
}

/// The cached copy of an article's lead image, when the cache holds it.
pub async fn cached_image(state: &AppState, article: &ArticleView) -> Option<ImageView> {
    let key = article.cached_image.as_ref()?;
    let dir = state.config().image_cache_dir.as_ref()?;
    let meta = tokio::fs::metadata(dir.join(key)).await.ok()?;
    meta.is_file().then(|| ImageView {
        src: format!("/images/{key}"),
        width: None,
        height: None,
    })
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    chrome: Chrome,
    article: ArticleView,
    image: Option<ImageView>,
    /// Sanitized HTML of the text, when the source had HTML.
    body_html: Option<String>,
    paragraphs: Vec<String>,
    story: Option<(String, String)>,
    topic_refs: Vec<TopicRef>,
}

/// Rebuilds stored article HTML once more before it reaches a page: only structural and
/// inline tags without attributes, every text escaped (no script, no handler, no link, no image:
/// ours come from the cache). Linear in the stored HTML's size.
pub fn sanitize_html(html: &str) -> String {
    storyline_extract::safe_html(html)
}

async fn article(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        check_id(&id, "article")?;
        let row = state
            .store()
            .article(&id)
            .await?
            .ok_or_else(|| ApiError::not_found("article"))?;
        let vis = public_visibility(&state).await?;
        if !vis.shows_article(&row) {
            return Err(ApiError::not_found("article"));
        }
        let story = match &row.story_id {
            Some(sid) => state.store().story(sid).await?,
            None => None,
        };
        if story.as_ref().is_some_and(|s| !vis.shows_story(s)) {
            return Err(ApiError::not_found("article"));
        }
        let view = ArticleView::from_row(&row);
        let image = cached_image(&state, &view).await;
        let body_html = row.html.as_deref().map(sanitize_html);
        let paragraphs = if body_html.is_some() {
            Vec::new()
        } else {
            row.article
                .body
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect()
        };
        html(&ArticlePage {
            chrome: Chrome::new(&state),
            topic_refs: view.topics.iter().map(|t| TopicRef::new(t)).collect(),
            article: view,
            image,
            body_html,
            paragraphs,
            story: story.map(|s| (format!("/story/{}", encode(&s.id)), s.title)),
        })
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    chrome: Chrome,
    heading: String,
    entries: Vec<(String, String, u64, String)>,
}

async fn topics(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        Params::parse_page(raw.as_deref(), &[])?;
        let list = state.topic_directory().await?;
        let entries = list
            .iter()
            .map(|(t, n)| {
                let r = TopicRef::new(t);
                let noun = if *n == 1 { "story" } else { "stories" };
                (r.href, r.name, *n, noun.to_string())
            })
            .collect();
        html(&DirectoryPage {
            chrome: Chrome::new(&state),
            heading: "Topics".into(),
            entries,
        })
    }
    .await;
    respond(&state, result)
}

async fn providers(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        Params::parse_page(raw.as_deref(), &[])?;
        let list = state.provider_directory().await?;
        let blocked = state.store().blocked_providers().await?;
        let entries = list
            .iter()
            // Articles no outlet is named for share the empty domain: not a source to list.
            .filter(|(p, _)| !p.domain.is_empty() && !blocked.contains(&p.domain))
            .map(|(p, n)| {
                let r = ProviderRef::new(&p.name, &p.domain);
                let noun = if *n == 1 { "article" } else { "articles" };
                (r.href, r.name, *n, noun.to_string())
            })
            .collect();
        html(&DirectoryPage {
            chrome: Chrome::new(&state),
            heading: "Sources".into(),
            entries,
        })
    }
    .await;
    respond(&state, result)
}

/// One search result as shown.
pub struct HitView {
    pub article: ArticleView,
    /// Safe HTML: escaped text with `<mark>` around matches.
    pub snippet_html: String,
    pub story_href: Option<String>,
    /// Other matching articles of the same story (grouped results).
    pub more: u32,
}

/// A facet value as a filter link.
pub struct FacetLink {
    pub label: String,
    pub count: u32,
    pub href: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    topic: String,
    provider: String,
    from: String,
    to: String,
    category: String,
    lang: String,
    grouped: bool,
    hits: Vec<HitView>,
    searched: bool,
    pager: Pager,
    topics: Vec<String>,
    topic_facets: Vec<FacetLink>,
    provider_facets: Vec<FacetLink>,
    /// How many of the best matches the facets count, and whether that is all of them.
    facets_counted: u32,
    facets_complete: bool,
    /// The same search with results grouped the other way.
    regroup_href: String,
}

/// Parameters the search page and search feeds accept.
pub const SEARCH_PARAMS: &[&str] = &[
    "q", "topic", "provider", "from", "to", "category", "lang", "group", "page",
];

/// Validates search parameters into a search (without paging). `grouped` is the default
/// for `group` (`story` or `none`).
pub fn search_query(params: &Params, grouped: bool) -> ApiResult<SearchQuery> {
    let text = params.text("q").unwrap_or("").to_string();
    if text.chars().count() > 500 {
        return Err(ApiError::new(
            ErrorCode::BadFilter,
            "`q` must be at most 500 characters",
        ));
    }
    let provider = params.name("provider")?;
    if let Some(p) = &provider {
        check_domain(p)?;
    }
    // A code as sent: letters and `-` only (blank: no language filter).
    let language = params.name("lang")?;
    if let Some(l) = params.raw("lang")
        && (l.len() > 12 || !l.chars().all(|c| c.is_ascii_alphabetic() || c == '-'))
    {
        return Err(ApiError::new(
            ErrorCode::BadFilter,
            "`lang` must be a language code such as `en` or `deu`",
        ));
    }
    let grouped = match params.text("group") {
        None if params.has("group") => {
            return Err(ApiError::new(
                ErrorCode::BadFilter,
                "`group` must be `story` or `none`",
            ));
        }
        None => grouped,
        Some("story") => true,
        Some("none") => false,
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::BadFilter,
                "`group` must be `story` or `none`",
            ));
        }
    };
    let from = params.date("from", false)?;
    let to = params.date("to", true)?;
    // `from` after `to` is an empty window: it finds nothing, as any other window with
    // nothing in it does.
    Ok(SearchQuery {
        text,
        topic: params.name("topic")?,
        provider,
        from,
        to,
        category: params.name("category")?.filter(|c| !c.is_empty()),
        language: language.filter(|l| !l.is_empty()),
        grouped,
        limit: 20,
        offset: 0,
    })
}

async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let params = Params::parse_page(raw.as_deref(), SEARCH_PARAMS)?;
        let page = page_number(&params)?;
        let mut query = search_query(&params, true)?;
        // Results are public and the same for every reader: reused for the search cache's
        // time, and dropped at once by an editorial action.
        let key = format!("/search?{}", params.canonical());
        if let Some(hit) = state.search_cache().get(&key) {
            return Ok(hit);
        }
        query.topic = state.topic_filter(query.topic.take()).await?;
        let size = 20;
        query.limit = size + 1;
        query.offset = (page - 1) * size;
        let searched = searchable(&query.text);
        let vis = public_visibility(&state).await?;
        let results = if searched {
            state.search().search(state.store(), &query).await?
        } else {
            Default::default()
        };
        let mut hits = results.hits;
        let has_more = hits.len() > size as usize;
        hits.truncate(size as usize);
        let hits = visible_hits(hits, &vis)
            .into_iter()
            .map(|h| HitView {
                article: ArticleView::from_row(&h.article),
                snippet_html: highlight(&h.snippet),
                story_href: h
                    .article
                    .story_id
                    .as_ref()
                    .map(|s| format!("/story/{}", encode(s))),
                more: h.more_in_story,
            })
            .collect();
        let extra = search_extra(&query);
        let (topic_facets, provider_facets) = facet_links(&query, &results.facets);
        let regroup_href = {
            let mut other = query.clone();
            other.grouped = !query.grouped;
            format!("/search?{}", search_extra(&other).trim_end_matches('&'))
        };
        let topics = state
            .topic_directory()
            .await?
            .iter()
            .take(50)
            .map(|(t, _)| t.clone())
            .collect();
        let mut chrome = Chrome::new(&state);
        if searched {
            let q = format!("?{}", extra.trim_end_matches('&'));
            chrome = chrome.with_feeds("/search/feed/".into(), &q);
        }
        chrome.query = query.text.clone();
        let page = SearchPage {
            chrome,
            q: query.text.clone(),
            topic: query.topic.clone().unwrap_or_default(),
            provider: query.provider.clone().unwrap_or_default(),
            from: params.text("from").unwrap_or("").to_string(),
            to: params.text("to").unwrap_or("").to_string(),
            category: query.category.clone().unwrap_or_default(),
            lang: query.language.clone().unwrap_or_default(),
            grouped: query.grouped,
            hits,
            searched,
            pager: Pager::new("/search", &extra, page, has_more),
            topics,
            topic_facets,
            provider_facets,
            facets_counted: results.facets.counted,
            facets_complete: results.facets.complete,
            regroup_href,
        };
        let body = page.render().map_err(|e| {
            tracing::error!(error = %e, "template failed");
            ApiError::new(ErrorCode::Internal, "the page could not be rendered")
        })?;
        Ok(state
            .search_cache()
            .put(key, "text/html; charset=utf-8", body))
    }
    .await;
    respond(&state, result)
}

/// Each facet value as a link to the same search narrowed to it (values already filtered
/// on are left out).
fn facet_links(query: &SearchQuery, facets: &Facets) -> (Vec<FacetLink>, Vec<FacetLink>) {
    let link = |narrowed: SearchQuery| {
        format!("/search?{}", search_extra(&narrowed).trim_end_matches('&'))
    };
    let topics = facets
        .topics
        .iter()
        .filter(|(t, _)| query.topic.as_deref() != Some(t.as_str()))
        .map(|(t, n)| FacetLink {
            label: t.clone(),
            count: *n,
            href: link(SearchQuery {
                topic: Some(t.clone()),
                ..query.clone()
            }),
        })
        .collect();
    let providers = facets
        .providers
        .iter()
        .filter(|(p, _)| query.provider.as_deref() != Some(p.as_str()))
        .map(|(p, n)| FacetLink {
            label: p.clone(),
            count: *n,
            href: link(SearchQuery {
                provider: Some(p.clone()),
                ..query.clone()
            }),
        })
        .collect();
    (topics, providers)
}

/// Whether text holds at least one word to search for.
pub fn searchable(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// The query string of a search, without paging, ending in `&` when not empty.
pub fn search_extra(q: &SearchQuery) -> String {
    let mut out = String::new();
    let mut add = |k: &str, v: &str| {
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v));
        out.push('&');
    };
    add("q", &q.text);
    if let Some(t) = &q.topic {
        add("topic", t);
    }
    if let Some(p) = &q.provider {
        add("provider", p);
    }
    if let Some(f) = q.from {
        add("from", &f.to_rfc3339());
    }
    if let Some(t) = q.to {
        add("to", &t.to_rfc3339());
    }
    if let Some(c) = &q.category {
        add("category", c);
    }
    if let Some(l) = &q.language {
        add("lang", l);
    }
    if !q.grouped {
        add("group", "none");
    }
    out
}
