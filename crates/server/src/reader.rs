//! The Google Reader API, as FreshRSS and Miniflux serve it, so that reading apps (Reeder,
//! NetNewsWire, Read You, FeedMe, newsboat …) connect with a user's name and app password.
//!
//! - `POST /accounts/ClientLogin` (`Email`, `Passwd`) answers `SID=…`, `LSID=…`, `Auth=…`;
//!   every other call sends `Authorization: GoogleLogin auth=<Auth>`. Logins and tokens go
//!   through [`crate::throttle`] like every other secret.
//! - Streams: `user/-/state/com.google/reading-list` (every source), `feed/<url>` (one
//!   source), `user/-/label/<group>` (a group of sources), `user/-/state/com.google/starred`
//!   and `…/read`, and `user/-/label/Top stories` (the lead article of each public story,
//!   hottest first). `xt=user/-/state/com.google/read` leaves read items out,
//!   `it=…/starred` keeps starred ones; `n`, `c` (continuation), `ot`/`nt` (seconds) and
//!   `r=o` (oldest first) as clients send them.
//! - Items are articles; an item's id is its arrival number (`seq`), in the long form
//!   `tag:google.com,2005:reader/item/<16 hex>` or the short decimal one. Each item's content
//!   ends with its story's other coverage as links.
//! - Sources are shared: any user may subscribe an app to a source that is followed; adding,
//!   renaming, regrouping or removing sources (`quickadd` of a new address,
//!   `subscription/edit`) needs an admin.
//! - `/reader/atom/<stream>` serves a stream as Atom with Google Reader's state categories,
//!   the form newsboat's FeedHQ support reads.
//!
//! Writes need no `T` token: the API is reached with a header a browser page cannot add, so
//! no other site can make a user's browser call it. `/reader/api/0/token` still answers one.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use storyline_store::{
    ArticleRow, ItemQuery, ReadScope, ReaderItem, Role, SourceRow, Stream, UserRow,
};

use crate::AppState;
use crate::accounts;
use crate::api::{NewSource, insert_source};
use crate::auth::{check_token, same_secret};
use crate::error::{ApiError, ErrorCode};
use crate::feeds::escape_html;
use crate::pages::private;
use crate::params::Params;
use crate::throttle::{ClientAddr, Locked, client_addr_of};

/// Prefix of an item's long id.
pub const ITEM_PREFIX: &str = "tag:google.com,2005:reader/item/";
pub const READING_LIST: &str = "user/-/state/com.google/reading-list";
pub const STARRED: &str = "user/-/state/com.google/starred";
pub const READ: &str = "user/-/state/com.google/read";
const FRESH: &str = "user/-/state/com.google/fresh";
/// The label of the stream of top stories.
pub const TOP_STORIES: &str = "Top stories";
/// Items in a page when a client does not say (`n`), and the most it may ask for.
const DEFAULT_ITEMS: u32 = 20;
const MAX_ITEMS: u32 = 1000;
/// Most ids one `edit-tag` or `stream/items/contents` call takes.
const MAX_IDS: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/ClientLogin",
            post(client_login).get(client_login),
        )
        .route("/reader/api/0/token", get(token))
        .route("/reader/api/0/user-info", get(user_info))
        .route("/reader/api/0/subscription/list", get(subscription_list))
        .route("/reader/api/0/subscription/edit", post(subscription_edit))
        .route("/reader/api/0/subscription/quickadd", post(quickadd))
        .route("/reader/api/0/tag/list", get(tag_list))
        .route("/reader/api/0/unread-count", get(unread_count))
        .route("/reader/api/0/stream/contents", get(stream_contents_param))
        .route(
            "/reader/api/0/stream/contents/{*stream}",
            get(stream_contents),
        )
        .route("/reader/api/0/stream/items/ids", get(item_ids))
        .route(
            "/reader/api/0/stream/items/contents",
            post(item_contents).get(item_contents),
        )
        .route("/reader/api/0/edit-tag", post(edit_tag))
        .route("/reader/api/0/mark-all-as-read", post(mark_all_as_read))
        .route("/reader/atom/{*stream}", get(atom_stream))
}

/// A refusal in the API's own plain-text style.
fn plain(status: StatusCode, text: &str) -> Response {
    private(
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text.to_string(),
        )
            .into_response(),
    )
}

fn refusal(e: &ApiError) -> Response {
    plain(e.status(), &format!("{}\n", e.message))
}

fn locked(locked: Locked) -> Response {
    let mut response = plain(
        StatusCode::TOO_MANY_REQUESTS,
        &format!(
            "Too many failed attempts; try again in {}\n",
            locked.in_words()
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, locked.retry_after());
    response
}

fn json_ok(value: Value) -> Response {
    private(axum::Json(value).into_response())
}

fn ok_text() -> Response {
    plain(StatusCode::OK, "OK")
}

/// Query string and form body as one set of parameters.
fn params(raw: Option<&str>, body: &[u8]) -> Result<Params, ApiError> {
    let query = Params::from_form(raw.unwrap_or("").as_bytes())?;
    let form = Params::from_form(body)?;
    Ok(query.merged(form))
}

/// The user an API call is made for: `Authorization: GoogleLogin auth=<name>/<token>`.
pub struct ReaderUser(pub UserRow);

impl FromRequestParts<AppState> for ReaderUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let offered = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().strip_prefix("GoogleLogin"))
            .and_then(|v| v.trim().strip_prefix("auth="))
            .map(str::trim)
            .unwrap_or("");
        if offered.is_empty() {
            return Err(plain(StatusCode::UNAUTHORIZED, "Unauthorized\n"));
        }
        let (name, secret) = offered.split_once('/').unwrap_or(("", offered));
        let user = state
            .store()
            .user(&accounts_name(name))
            .await
            .map_err(|e| refusal(&ApiError::from(e)))?;
        let addr = client_addr_of(state, &parts.extensions, &parts.headers);
        let accept = |_: &str| {
            user.as_ref()
                .and_then(|u| u.api_token.as_deref())
                .is_some_and(|token| same_secret(token, secret))
        };
        match check_token(state, addr, offered, accept) {
            Ok(true) => user
                .map(ReaderUser)
                .ok_or_else(|| plain(StatusCode::UNAUTHORIZED, "Unauthorized\n")),
            Ok(false) => Err(plain(StatusCode::UNAUTHORIZED, "Unauthorized\n")),
            Err(wait) => Err(locked(wait)),
        }
    }
}

fn accounts_name(name: &str) -> String {
    crate::auth::account_name(Some(name))
}

async fn client_login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let form = match params(raw.as_deref(), &body) {
        Ok(p) => p,
        Err(e) => return refusal(&e),
    };
    let Some(email) = form.text("Email") else {
        return plain(StatusCode::UNAUTHORIZED, "Error=BadAuthentication\n");
    };
    let name = accounts_name(email);
    let known = match state.store().user(&name).await {
        Ok(user) => user.is_some(),
        Err(e) => return refusal(&ApiError::from(e)),
    };
    if let Err(wait) = state
        .throttle()
        .begin_login(known.then_some(name.as_str()), addr)
    {
        return locked(wait);
    }
    // The password is taken as sent: an app password has no spaces, but one may.
    let password = form
        .all("Passwd")
        .next()
        .map(String::from)
        .unwrap_or_default();
    let user = match accounts::check_app_password(&state, &name, &password).await {
        Ok(user) => user,
        Err(e) => return refusal(&e),
    };
    let Some(token) = user.and_then(|u| u.api_token) else {
        tracing::info!(%addr, account = ?name, "failed app login");
        return plain(StatusCode::UNAUTHORIZED, "Error=BadAuthentication\n");
    };
    state.throttle().login_succeeded(&name, addr);
    let auth = format!("{name}/{token}");
    plain(
        StatusCode::OK,
        &format!("SID={auth}\nLSID=null\nAuth={auth}\n"),
    )
}

async fn token(ReaderUser(user): ReaderUser) -> Response {
    let token = user.api_token.unwrap_or_default();
    // Derived from the login token, never the token itself.
    plain(
        StatusCode::OK,
        &format!("{}\n", accounts::fever_key("csrf", &token)),
    )
}

async fn user_info(ReaderUser(user): ReaderUser) -> Response {
    json_ok(json!({
        "userId": user.id.to_string(),
        "userName": user.name,
        "userProfileId": user.id.to_string(),
        "userEmail": "",
    }))
}

/// The stream id of a source.
pub fn feed_id(source: &SourceRow) -> String {
    format!("feed/{}", source.url)
}

/// The stream id of a group.
pub fn label_id(group: &str) -> String {
    format!("user/-/label/{group}")
}

/// The site a source's address belongs to (its scheme and host).
pub fn site_of(url: &str) -> String {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    match url.split_once("://") {
        Some((scheme, _)) => format!("{scheme}://{host}/"),
        None => url.to_string(),
    }
}

fn source_title(source: &SourceRow) -> String {
    source
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| source.url.clone())
}

async fn subscription_list(State(state): State<AppState>, _user: ReaderUser) -> Response {
    let sources = match state.store().sources().await {
        Ok(s) => s,
        Err(e) => return refusal(&ApiError::from(e)),
    };
    let subscriptions: Vec<Value> = sources
        .iter()
        .map(|s| {
            let categories: Vec<Value> = s
                .group
                .iter()
                .filter(|g| !g.trim().is_empty())
                .map(|g| json!({"id": label_id(g), "label": g}))
                .collect();
            json!({
                "id": feed_id(s),
                "title": source_title(s),
                "categories": categories,
                "url": s.url,
                "htmlUrl": site_of(&s.url),
                "iconUrl": "",
            })
        })
        .collect();
    json_ok(json!({ "subscriptions": subscriptions }))
}

/// The source a `feed/…` stream id names: by address (or a former one), or by number.
async fn source_of(state: &AppState, stream: &str) -> Result<Option<SourceRow>, ApiError> {
    let Some(key) = stream.strip_prefix("feed/") else {
        return Ok(None);
    };
    let sources = state.store().sources().await?;
    if let Some(found) = sources.iter().find(|s| s.url == key) {
        return Ok(Some(found.clone()));
    }
    if let Ok(id) = key.parse::<i64>()
        && let Some(found) = sources.iter().find(|s| s.id == id)
    {
        return Ok(Some(found.clone()));
    }
    for source in &sources {
        if state
            .store()
            .former_source_urls(source.id)
            .await?
            .iter()
            .any(|u| u == key)
        {
            return Ok(Some(source.clone()));
        }
    }
    Ok(None)
}

/// What a stream id names.
pub async fn stream_of(state: &AppState, id: &str) -> Result<Stream, ApiError> {
    let id = id.trim();
    if id.is_empty() || is_state(id, "reading-list") {
        return Ok(Stream::All);
    }
    if is_state(id, "starred") {
        return Ok(Stream::Starred);
    }
    if is_state(id, "read") {
        return Ok(Stream::Read);
    }
    if let Some(label) = label_of(id) {
        return Ok(if label == TOP_STORIES {
            Stream::TopStories
        } else {
            Stream::Group(label.to_string())
        });
    }
    if id.starts_with("feed/") {
        return match source_of(state, id).await? {
            Some(source) => Ok(Stream::Source(source.id)),
            None => Err(ApiError::not_found("subscription")),
        };
    }
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("unknown stream {id:?}"),
    ))
}

/// `user/<anyone>/state/com.google/<name>`.
fn is_state(id: &str, name: &str) -> bool {
    id.strip_prefix("user/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(_, rest)| rest == format!("state/com.google/{name}"))
}

/// The label of `user/<anyone>/label/<label>`.
fn label_of(id: &str) -> Option<&str> {
    id.strip_prefix("user/")
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(_, rest)| rest.strip_prefix("label/"))
        .filter(|label| !label.is_empty())
}

/// An item id in either form: the long `tag:…/item/<hex>` or the short decimal.
pub fn parse_item_id(text: &str) -> Option<i64> {
    let text = text.trim();
    match text.strip_prefix(ITEM_PREFIX) {
        Some(hex) => u64::from_str_radix(hex, 16)
            .ok()
            .and_then(|v| i64::try_from(v).ok()),
        None => text.parse::<i64>().ok(),
    }
    .filter(|v| *v > 0)
}

pub fn long_item_id(seq: i64) -> String {
    format!("{ITEM_PREFIX}{seq:016x}")
}

fn seconds(text: Option<&str>) -> Option<DateTime<Utc>> {
    text.and_then(|t| t.parse::<i64>().ok())
        .and_then(|t| Utc.timestamp_opt(t, 0).single())
}

/// A stream page as clients ask for it: `n`, `c`, `ot`, `nt`, `r`, `xt`, `it`.
fn page_query(stream: Stream, form: &Params) -> Result<ItemQuery, ApiError> {
    let n = match form.text("n") {
        Some(n) => n
            .parse::<u32>()
            .map_err(|_| ApiError::new(ErrorCode::BadPagination, "`n` must be a number"))?,
        None => DEFAULT_ITEMS,
    };
    let top = stream == Stream::TopStories;
    let mut query = ItemQuery::new(stream, n.clamp(1, MAX_ITEMS));
    query.oldest_first = form.text("r") == Some("o");
    query.newer_than = seconds(form.text("ot"));
    query.older_than = seconds(form.text("nt"));
    for excluded in form.all("xt") {
        if is_state(excluded, "read") {
            query.unread_only = true;
        }
    }
    for included in form.all("it") {
        if is_state(included, "starred") {
            query.starred_only = true;
        }
    }
    if let Some(c) = form.text("c") {
        let c = c.parse::<i64>().map_err(|_| {
            ApiError::new(
                ErrorCode::BadPagination,
                "`c` is not a continuation of ours",
            )
        })?;
        if top {
            query.offset = u32::try_from(c).unwrap_or(0);
        } else if query.oldest_first {
            query.min_seq_exclusive = Some(c);
        } else {
            query.max_seq_exclusive = Some(c);
        }
    }
    Ok(query)
}

/// The continuation after a page, when it was full.
fn continuation(query: &ItemQuery, seqs: &[i64]) -> Option<String> {
    if seqs.len() < query.limit as usize {
        return None;
    }
    if query.stream == Stream::TopStories {
        return Some((query.offset + query.limit).to_string());
    }
    seqs.last().map(i64::to_string)
}

/// What an item shows besides its own text: the sources and their groups, and each story's
/// coverage, read once per page.
pub struct Context {
    pub sources: HashMap<i64, SourceRow>,
    pub coverage: HashMap<String, Vec<ArticleRow>>,
    pub base_url: String,
}

impl Context {
    pub async fn load(state: &AppState, items: &[ReaderItem]) -> Result<Context, ApiError> {
        let sources = state
            .store()
            .sources()
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut story_ids: Vec<String> = items
            .iter()
            .filter_map(|i| i.row.story_id.clone())
            .collect();
        story_ids.sort();
        story_ids.dedup();
        let mut coverage: HashMap<String, Vec<ArticleRow>> = HashMap::new();
        for chunk in story_ids.chunks(200) {
            for row in state.store().articles_of_stories(chunk).await? {
                if let Some(story) = row.story_id.clone() {
                    coverage.entry(story).or_default().push(row);
                }
            }
        }
        Ok(Context {
            sources,
            coverage,
            base_url: state.config().base_url.trim_end_matches('/').to_string(),
        })
    }

    /// An item's HTML: its text, then its story's other coverage as links.
    pub fn content(&self, item: &ReaderItem) -> String {
        let row = &item.row;
        let mut html = match row.html.as_deref().filter(|h| !h.trim().is_empty()) {
            Some(stored) => storyline_extract::safe_html(stored),
            None => row
                .article
                .body
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| format!("<p>{}</p>", escape_html(p)))
                .collect(),
        };
        if html.is_empty() {
            html = format!("<p>{}</p>", escape_html(&row.article.excerpt));
        }
        if let Some(story) = row.story_id.as_deref() {
            let others: Vec<&ArticleRow> = self
                .coverage
                .get(story)
                .map(|rows| {
                    rows.iter()
                        .filter(|r| r.article.id != row.article.id && r.article.published)
                        .collect()
                })
                .unwrap_or_default();
            if !others.is_empty() {
                html.push_str("<hr><p>Also in this story:</p><ul>");
                for other in others {
                    let href = other.article.web_url.clone().unwrap_or_else(|| {
                        format!("{}/article/{}", self.base_url, other.article.id)
                    });
                    html.push_str(&format!(
                        "<li><a href=\"{}\">{}</a> ({})</li>",
                        escape_html(&href),
                        escape_html(&other.article.title),
                        escape_html(&other.article.provider.name)
                    ));
                }
                html.push_str("</ul>");
            }
            html.push_str(&format!(
                "<p><a href=\"{}/story/{}\">The whole story</a></p>",
                escape_html(&self.base_url),
                escape_html(story)
            ));
        }
        html
    }

    pub fn source(&self, item: &ReaderItem) -> Option<&SourceRow> {
        item.source_id.and_then(|id| self.sources.get(&id))
    }

    /// Where an item links to: the outlet's page, else ours.
    pub fn link(&self, item: &ReaderItem) -> String {
        item.row
            .article
            .web_url
            .clone()
            .unwrap_or_else(|| format!("{}/article/{}", self.base_url, item.row.article.id))
    }
}

/// When an item was published (its arrival when undated).
pub fn published(item: &ReaderItem) -> DateTime<Utc> {
    item.row
        .article
        .published_date_time
        .unwrap_or(item.row.ingested_at)
}

fn categories(item: &ReaderItem, source: Option<&SourceRow>) -> Vec<String> {
    let mut out = vec![READING_LIST.to_string()];
    if let Some(group) = source
        .and_then(|s| s.group.as_deref())
        .filter(|g| !g.is_empty())
    {
        out.push(label_id(group));
    }
    out.push(if item.read { READ } else { FRESH }.to_string());
    if item.starred {
        out.push(STARRED.to_string());
    }
    out
}

fn item_json(item: &ReaderItem, ctx: &Context) -> Value {
    let source = ctx.source(item);
    let link = ctx.link(item);
    let crawled = item.row.ingested_at;
    let published = published(item).timestamp();
    let origin = match source {
        Some(s) => json!({
            "streamId": feed_id(s),
            "title": source_title(s),
            "htmlUrl": site_of(&s.url),
        }),
        None => json!({
            "streamId": "",
            "title": item.row.article.provider.name,
            "htmlUrl": format!("https://{}/", item.row.article.provider.domain),
        }),
    };
    json!({
        "id": long_item_id(item.row.seq),
        "crawlTimeMsec": crawled.timestamp_millis().to_string(),
        "timestampUsec": crawled.timestamp_micros().to_string(),
        "published": published,
        "updated": published,
        "title": item.row.article.title,
        "author": item.row.article.authors.join(", "),
        "categories": categories(item, source),
        "alternate": [{"href": link, "type": "text/html"}],
        "canonical": [{"href": link}],
        "summary": {"direction": "ltr", "content": ctx.content(item)},
        "origin": origin,
    })
}

async fn stream_title(state: &AppState, stream: &Stream) -> String {
    match stream {
        Stream::All => "Reading list".into(),
        Stream::Starred => "Starred".into(),
        Stream::Read => "Read".into(),
        Stream::TopStories => TOP_STORIES.into(),
        Stream::Group(g) => g.clone(),
        Stream::Story(id) => format!("Story {id}"),
        Stream::Source(id) => match state.store().sources().await {
            Ok(sources) => sources
                .iter()
                .find(|s| s.id == *id)
                .map(source_title)
                .unwrap_or_default(),
            Err(_) => String::new(),
        },
    }
}

async fn contents_of(
    state: &AppState,
    user: &UserRow,
    stream_id: &str,
    form: &Params,
) -> Result<Response, ApiError> {
    let stream = stream_of(state, stream_id).await?;
    let query = page_query(stream, form)?;
    let items = state.store().reader_items(user.id, &query).await?;
    let ctx = Context::load(state, &items).await?;
    let seqs: Vec<i64> = items.iter().map(|i| i.row.seq).collect();
    let mut body = json!({
        "direction": "ltr",
        "id": stream_id,
        "title": stream_title(state, &query.stream).await,
        "self": [{"href": format!("{}/reader/api/0/stream/contents/{stream_id}", ctx.base_url)}],
        "updated": Utc::now().timestamp(),
        "author": user.name,
        "items": items.iter().map(|i| item_json(i, &ctx)).collect::<Vec<_>>(),
    });
    if let Some(c) = continuation(&query, &seqs) {
        body["continuation"] = json!(c);
    }
    Ok(json_ok(body))
}

async fn stream_contents(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    Path(stream): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let form = match params(raw.as_deref(), &[]) {
        Ok(p) => p,
        Err(e) => return refusal(&e),
    };
    contents_of(&state, &user, &stream, &form)
        .await
        .unwrap_or_else(|e| refusal(&e))
}

async fn stream_contents_param(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
) -> Response {
    let form = match params(raw.as_deref(), &[]) {
        Ok(p) => p,
        Err(e) => return refusal(&e),
    };
    let stream = form.text("s").unwrap_or(READING_LIST).to_string();
    contents_of(&state, &user, &stream, &form)
        .await
        .unwrap_or_else(|e| refusal(&e))
}

async fn item_ids(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let form = params(raw.as_deref(), &[])?;
        let stream = stream_of(&state, form.text("s").unwrap_or(READING_LIST)).await?;
        let mut query = page_query(stream, &form)?;
        query.with_text = false;
        let items = state.store().reader_items(user.id, &query).await?;
        let seqs: Vec<i64> = items.iter().map(|i| i.row.seq).collect();
        let refs: Vec<Value> = items
            .iter()
            .map(|i| {
                json!({
                    "id": i.row.seq.to_string(),
                    "directStreamIds": [],
                    "timestampUsec": i.row.ingested_at.timestamp_micros().to_string(),
                })
            })
            .collect();
        let mut body = json!({ "itemRefs": refs });
        if let Some(c) = continuation(&query, &seqs) {
            body["continuation"] = json!(c);
        }
        Ok::<Response, ApiError>(json_ok(body))
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

/// The item ids of a form (`i`, repeated), at most [`MAX_IDS`].
fn ids_of(form: &Params) -> Result<Vec<i64>, ApiError> {
    let mut ids = Vec::new();
    for text in form.all("i").take(MAX_IDS) {
        ids.push(parse_item_id(text).ok_or_else(|| {
            ApiError::new(ErrorCode::BadId, format!("{text:?} is not an item id"))
        })?);
    }
    Ok(ids)
}

async fn item_contents(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let result = async {
        let form = params(raw.as_deref(), &body)?;
        let ids = ids_of(&form)?;
        let mut query = ItemQuery::new(Stream::All, MAX_ITEMS);
        query.seqs = Some(ids.clone());
        // Any item the user may see, with a source or not (a top story's lead may have none).
        let mut items = Vec::new();
        for stream in [Stream::All, Stream::TopStories] {
            query.stream = stream;
            for item in state.store().reader_items(user.id, &query).await? {
                if !items.iter().any(|i: &ReaderItem| i.row.seq == item.row.seq) {
                    items.push(item);
                }
            }
        }
        // In the order asked.
        items.sort_by_key(|i| ids.iter().position(|id| *id == i.row.seq));
        let ctx = Context::load(&state, &items).await?;
        Ok::<Response, ApiError>(json_ok(json!({
            "direction": "ltr",
            "id": READING_LIST,
            "title": "Items",
            "self": [],
            "updated": Utc::now().timestamp(),
            "author": user.name,
            "items": items.iter().map(|i| item_json(i, &ctx)).collect::<Vec<_>>(),
        })))
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

async fn edit_tag(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let result = async {
        let form = params(raw.as_deref(), &body)?;
        let ids = ids_of(&form)?;
        let mut read = None;
        let mut starred = None;
        for tag in form.all("a") {
            if is_state(tag, "read") {
                read = Some(true);
            } else if is_state(tag, "starred") {
                starred = Some(true);
            }
        }
        // Removing `read` marks unread (newsboat adds `kept-unread` with it, which says
        // nothing more).
        for tag in form.all("r") {
            if is_state(tag, "read") {
                read = Some(false);
            } else if is_state(tag, "starred") {
                starred = Some(false);
            }
        }
        state
            .store()
            .mark_articles(user.id, &ids, read, starred)
            .await?;
        Ok::<Response, ApiError>(ok_text())
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

async fn mark_all_as_read(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let result = async {
        let form = params(raw.as_deref(), &body)?;
        let stream = stream_of(&state, form.text("s").unwrap_or(READING_LIST)).await?;
        let scope = match stream {
            Stream::All => ReadScope::All,
            Stream::Source(id) => ReadScope::Source(id),
            Stream::Group(g) => ReadScope::Group(g),
            Stream::Story(id) => ReadScope::Story(id),
            Stream::Starred | Stream::Read | Stream::TopStories => {
                return Err(ApiError::new(
                    ErrorCode::BadFilter,
                    "mark-all-as-read takes the reading list, a feed or a label",
                ));
            }
        };
        // `ts` is in microseconds (some clients send seconds).
        let up_to = form
            .text("ts")
            .and_then(|t| t.parse::<i64>().ok())
            .and_then(|t| {
                let secs = if t > 100_000_000_000 {
                    t / 1_000_000
                } else {
                    t
                };
                Utc.timestamp_opt(secs, 0).single()
            });
        state.store().mark_all_read(user.id, &scope, up_to).await?;
        Ok::<Response, ApiError>(ok_text())
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

async fn tag_list(State(state): State<AppState>, _user: ReaderUser) -> Response {
    let sources = match state.store().sources().await {
        Ok(s) => s,
        Err(e) => return refusal(&ApiError::from(e)),
    };
    let mut groups: Vec<String> = sources
        .iter()
        .filter_map(|s| s.group.clone())
        .filter(|g| !g.trim().is_empty())
        .collect();
    groups.sort();
    groups.dedup();
    let mut tags = vec![json!({"id": STARRED})];
    for group in groups.iter().map(String::as_str).chain([TOP_STORIES]) {
        tags.push(json!({"id": label_id(group), "type": "folder"}));
    }
    json_ok(json!({ "tags": tags }))
}

async fn unread_count(State(state): State<AppState>, ReaderUser(user): ReaderUser) -> Response {
    let result = async {
        let counts = state.store().unread_counts(user.id).await?;
        let sources: HashMap<i64, SourceRow> = state
            .store()
            .sources()
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let usec = |t: Option<DateTime<Utc>>| t.map_or(0, |t| t.timestamp_micros()).to_string();
        let mut entries = Vec::new();
        let mut groups: HashMap<String, (u64, Option<DateTime<Utc>>)> = HashMap::new();
        let mut total = 0;
        let mut newest: Option<DateTime<Utc>> = None;
        for count in &counts {
            let Some(source) = sources.get(&count.source_id) else {
                continue;
            };
            entries.push(json!({
                "id": feed_id(source),
                "count": count.unread,
                "newestItemTimestampUsec": usec(count.newest),
            }));
            if let Some(group) = source.group.clone().filter(|g| !g.trim().is_empty()) {
                let entry = groups.entry(group).or_insert((0, None));
                entry.0 += count.unread;
                entry.1 = entry.1.max(count.newest);
            }
            total += count.unread;
            newest = newest.max(count.newest);
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for (group, (count, at)) in groups {
            entries.push(json!({
                "id": label_id(&group),
                "count": count,
                "newestItemTimestampUsec": usec(at),
            }));
        }
        entries.push(json!({
            "id": READING_LIST,
            "count": total,
            "newestItemTimestampUsec": usec(newest),
        }));
        Ok::<Response, ApiError>(json_ok(json!({"max": total, "unreadcounts": entries})))
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

async fn subscription_edit(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let result = async {
        let form = params(raw.as_deref(), &body)?;
        let stream = form.text("s").unwrap_or("");
        let action = form.text("ac").unwrap_or("edit");
        let existing = source_of(&state, stream).await?;
        if user.role != Role::Admin {
            // Readers share the admins' sources: subscribing to one that is followed
            // changes nothing; anything else is the admins' to do.
            if action == "subscribe" && existing.is_some() {
                return Ok(ok_text());
            }
            return Err(admins_only());
        }
        match (action, existing) {
            ("subscribe", None) => {
                let url = stream.strip_prefix("feed/").unwrap_or(stream).to_string();
                insert_source(
                    &state,
                    NewSource {
                        url,
                        kind: None,
                        title: form.text("t").map(String::from),
                        group: form.all("a").find_map(label_of).map(String::from),
                    },
                )
                .await?;
            }
            ("unsubscribe", Some(source)) => {
                state.store().remove_source(&source.id.to_string()).await?;
            }
            ("edit" | "subscribe", Some(mut source)) => {
                if let Some(title) = form.text("t") {
                    source.title = Some(title.chars().take(200).collect());
                }
                if form.all("r").any(|l| label_of(l).is_some()) {
                    source.group = None;
                }
                if let Some(group) = form.all("a").find_map(label_of) {
                    source.group = Some(group.chars().take(200).collect());
                }
                state.store().update_source(&source).await?;
            }
            _ => return Err(ApiError::not_found("subscription")),
        }
        state.invalidate_pages();
        Ok::<Response, ApiError>(ok_text())
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

fn admins_only() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "sources are shared and kept by admins: ask one to add, rename or remove it",
    )
}

async fn quickadd(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let result = async {
        let form = params(raw.as_deref(), &body)?;
        let url = form
            .text("quickadd")
            .unwrap_or("")
            .trim_start_matches("feed/")
            .to_string();
        let stream = format!("feed/{url}");
        let found = match source_of(&state, &stream).await? {
            Some(source) => source,
            None => {
                if user.role != Role::Admin {
                    return Err(admins_only());
                }
                insert_source(
                    &state,
                    NewSource {
                        url: url.clone(),
                        kind: None,
                        title: None,
                        group: None,
                    },
                )
                .await?;
                state.invalidate_pages();
                source_of(&state, &stream)
                    .await?
                    .ok_or_else(|| ApiError::not_found("subscription"))?
            }
        };
        Ok::<Response, ApiError>(json_ok(json!({
            "query": url,
            "numResults": 1,
            "streamId": feed_id(&found),
            "streamName": source_title(&found),
        })))
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

/// A stream as Atom, each entry with Google Reader's state categories (`fresh` or `read`,
/// `starred`): what newsboat's FeedHQ support reads.
async fn atom_stream(
    State(state): State<AppState>,
    ReaderUser(user): ReaderUser,
    Path(stream_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
    let result = async {
        let form = params(raw.as_deref(), &[])?;
        let stream = stream_of(&state, &stream_id).await?;
        let title = stream_title(&state, &stream).await;
        let query = page_query(stream, &form)?;
        let items = state.store().reader_items(user.id, &query).await?;
        let ctx = Context::load(&state, &items).await?;
        let category = |term: &str, label: &str| Category {
            term: term.into(),
            scheme: Some("http://www.google.com/reader/".into()),
            label: Some(label.into()),
        };
        let entries: Vec<Entry> = items
            .iter()
            .map(|item| {
                let mut entry = Entry::default();
                entry.set_id(long_item_id(item.row.seq));
                entry.set_title(Text::plain(item.row.article.title.clone()));
                entry.set_updated(published(item).fixed_offset());
                entry.set_published(Some(published(item).fixed_offset()));
                entry.set_links(vec![Link {
                    href: ctx.link(item),
                    rel: "alternate".into(),
                    ..Link::default()
                }]);
                entry.set_authors(vec![Person {
                    name: item.row.article.provider.name.clone(),
                    ..Person::default()
                }]);
                let mut cats = vec![if item.read {
                    category(READ, "read")
                } else {
                    category(FRESH, "fresh")
                }];
                if item.starred {
                    cats.push(category(STARRED, "starred"));
                }
                entry.set_categories(cats);
                entry.set_content(Some(Content {
                    value: Some(ctx.content(item)),
                    content_type: Some("html".into()),
                    ..Content::default()
                }));
                entry
            })
            .collect();
        let mut feed = Feed::default();
        feed.set_id(format!("{}/reader/atom/{stream_id}", ctx.base_url));
        feed.set_title(Text::plain(title));
        feed.set_updated(Utc::now().fixed_offset());
        feed.set_links(vec![Link {
            href: format!("{}/", ctx.base_url),
            rel: "alternate".into(),
            ..Link::default()
        }]);
        feed.set_entries(entries);
        let mut response = private(feed.to_string().into_response());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        );
        Ok::<Response, ApiError>(response)
    }
    .await;
    result.unwrap_or_else(|e| refusal(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_parse_in_both_forms() {
        assert_eq!(parse_item_id(&long_item_id(26)), Some(26));
        assert_eq!(
            parse_item_id("tag:google.com,2005:reader/item/000000000000001a"),
            Some(26)
        );
        assert_eq!(parse_item_id("26"), Some(26));
        assert_eq!(parse_item_id("-3"), None);
        assert_eq!(parse_item_id("tag:google.com,2005:reader/item/zz"), None);
        assert_eq!(parse_item_id(""), None);
    }

    #[test]
    fn states_and_labels_are_read_for_any_user_part() {
        assert!(is_state("user/-/state/com.google/read", "read"));
        assert!(is_state("user/1005/state/com.google/read", "read"));
        assert!(!is_state("user/-/state/com.google/reading-list", "read"));
        assert_eq!(label_of("user/-/label/Tech"), Some("Tech"));
        assert_eq!(label_of("user/-/label/Top stories"), Some(TOP_STORIES));
        assert_eq!(label_of("user/-/label/"), None);
        assert_eq!(site_of("https://a.example/feed.xml"), "https://a.example/");
    }
}
