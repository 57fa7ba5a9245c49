//! Admin pages: login and logout, sources (add, remove, last error, OPML upload and
//! download), stories with editorial actions (publish, pin, merge, split, block a provider).
//! Every page needs a session ([`AdminPage`]); every form posts the session's CSRF token and
//! is answered with a redirect back (post/redirect/get), so reloading never repeats an action.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use storyline_model::Story;
use storyline_pipeline::round::{SourceRound, stored_state};
use storyline_store::{SourceRow, Stats, StoryQuery};

use crate::AppState;
use crate::accounts;
use crate::api::{NewSource, insert_source};
use crate::auth::{
    ADMIN_ACCOUNT, AdminPage, LOGIN_CSRF_COOKIE, Session, UserPage, account_name, cookie,
    expired_session_cookie, random_token, same_secret, session_cookie, session_of,
};
use crate::editorial::{self, Action};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::pages::{Chrome, Pager, html, respond};
use crate::params::{Params, encode};
use crate::throttle::{ClientAddr, Locked};
use crate::views::{self, ArticleView, StoryCard, Visibility};
use storyline_ingest::opml::{self, OpmlFeed};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/login", get(login_form).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/sources", get(sources).post(add_source))
        .route("/admin/sources/{id}/remove", post(remove_source))
        .route("/admin/sources.opml", get(export_opml))
        .route("/admin/sources/opml", post(import_opml))
        .route("/admin/stories", get(stories))
        .route("/admin/stories/{id}", get(story))
        .route("/admin/stories/{id}/{action}", post(story_action))
        .route("/admin/articles/{id}/{action}", post(article_action))
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{name}/remove", post(remove_user))
        .route("/admin/users/{name}/app-password", post(user_app_password))
        .route("/admin/providers", get(providers))
        .route("/admin/providers/{domain}/{action}", post(provider_action))
}

fn admin_chrome(state: &AppState) -> Chrome {
    let mut chrome = Chrome::new(state);
    chrome.logged_in = true;
    chrome
}

/// The `done` notice of a page reached after an action.
fn notice(params: &Params) -> String {
    match params.text("done") {
        Some("added") => "Source added.".into(),
        Some("exists") => "That source was already followed.".into(),
        Some("removed") => "Source removed.".into(),
        Some("imported") => "OPML imported.".into(),
        Some("user-added") => "User added.".into(),
        Some("user-removed") => "User removed.".into(),
        Some("ok") => "Done.".into(),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "admin_login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    error: String,
    enabled: bool,
}

async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if session_of(&state, &headers).is_some() {
        return Redirect::to("/admin").into_response();
    }
    render_login(&state, "", StatusCodeOk::Ok)
}

enum StatusCodeOk {
    Ok,
    Refused(ErrorCode),
}

fn render_login(state: &AppState, error: &str, status: StatusCodeOk) -> Response {
    let result = (|| {
        let csrf = random_token().map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let page = LoginPage {
            chrome: Chrome::new(state),
            csrf: csrf.clone(),
            error: error.into(),
            enabled: state.config().admin_password_hash.is_some(),
        };
        let mut response = html(&page)?;
        if let StatusCodeOk::Refused(code) = status {
            *response.status_mut() = code.status();
        }
        let cookie = format!(
            "{LOGIN_CSRF_COOKIE}={csrf}; Path=/admin/login; HttpOnly; SameSite=Strict; Max-Age=3600"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        Ok(response)
    })();
    respond(state, result)
}

/// The login page refusing an attempt while its account or address must wait: 429 with
/// `Retry-After`, saying when to try again.
fn render_locked(state: &AppState, locked: Locked) -> Response {
    let message = format!(
        "Too many failed logins. Try again in {} (after {}); until then even the right password is refused.",
        locked.in_words(),
        locked.until_utc()
    );
    let mut response = render_login(
        state,
        &message,
        StatusCodeOk::Refused(ErrorCode::TooManyAttempts),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, locked.retry_after());
    response
}

/// Checks a login under the throttle (see [`crate::throttle`]): a locked account or address
/// is refused before its password is looked at.
async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match Params::from_form(&body) {
        Ok(f) => f,
        Err(e) => return crate::pages::error_page(&state, &e),
    };
    let sent = form.text("csrf").unwrap_or("");
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !same_secret(expected, sent) {
        return render_login(
            &state,
            "The form expired; please try again.",
            StatusCodeOk::Refused(ErrorCode::BadCsrf),
        );
    }
    let account = account_name(form.text("username"));
    // Only existing accounts get a record of their own; a name that is none fails anyway and
    // counts against its address.
    let known = match accounts::exists(&state, &account).await {
        Ok(known) => known,
        Err(e) => return crate::pages::error_page(&state, &e),
    };
    if !known && account == ADMIN_ACCOUNT {
        return render_login(
            &state,
            "Admin login is disabled.",
            StatusCodeOk::Refused(ErrorCode::AdminDisabled),
        );
    }
    if let Err(locked) = state
        .throttle()
        .begin_login(known.then_some(account.as_str()), addr)
    {
        tracing::info!(%addr, account = ?account, wait = ?locked.wait, "login refused: too many failures");
        return render_locked(&state, locked);
    }
    let password = form.text("password").unwrap_or("");
    let opened = if known {
        match accounts::check_login(&state, &account, password).await {
            Ok(opened) => opened,
            Err(e) => return crate::pages::error_page(&state, &e),
        }
    } else {
        None
    };
    let Some(opened) = opened else {
        tracing::info!(%addr, account = ?account, "failed login");
        return render_login(
            &state,
            "Wrong user name or password.",
            StatusCodeOk::Refused(ErrorCode::BadCredentials),
        );
    };
    state.throttle().login_succeeded(&account, addr);
    let home = if opened.is_admin() { "/admin" } else { "/" };
    let session = match state.sessions().open(opened) {
        Ok(s) => s,
        Err(e) => {
            return crate::pages::error_page(
                &state,
                &ApiError::new(ErrorCode::Internal, e.to_string()),
            );
        }
    };
    let cookie = session_cookie(
        &session,
        state.sessions().ttl_secs(),
        state.config().secure_cookies,
    );
    let mut response = Redirect::to(home).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Checks the CSRF field of an admin form.
pub fn check_csrf(session: &Session, form: &Params) -> ApiResult<()> {
    if same_secret(&session.csrf, form.text("csrf").unwrap_or("")) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::BadCsrf,
            "the form's CSRF token is missing or wrong; reload the page and try again",
        ))
    }
}

async fn logout(
    State(state): State<AppState>,
    UserPage(session): UserPage,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        state.sessions().close(&session.id);
        let mut response = Redirect::to("/").into_response();
        if let Ok(value) = HeaderValue::from_str(&expired_session_cookie()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        Ok(response)
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "admin_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    csrf: String,
    stats: Stats,
    blocked: Vec<String>,
    failing: Vec<SourceRow>,
}

async fn dashboard(State(state): State<AppState>, AdminPage(session): AdminPage) -> Response {
    let result = async {
        let stats = state.store().stats().await?;
        let blocked = state.store().blocked_providers().await?;
        let failing = state
            .store()
            .sources()
            .await?
            .into_iter()
            .filter(|s| s.last_error.is_some())
            .take(20)
            .collect();
        html(&DashboardPage {
            chrome: admin_chrome(&state),
            csrf: session.csrf,
            stats,
            blocked,
            failing,
        })
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "admin_sources.html")]
struct SourcesPage {
    chrome: Chrome,
    csrf: String,
    notice: String,
    /// Each source with what its last fetch round did.
    sources: Vec<(SourceRow, String)>,
}

async fn sources(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let params = Params::parse(raw.as_deref(), &["done"])?;
        html(&SourcesPage {
            chrome: admin_chrome(&state),
            csrf: session.csrf,
            notice: notice(&params),
            sources: state
                .store()
                .sources()
                .await?
                .into_iter()
                .map(|s| {
                    let round = SourceRound::from_stored(s.last_round.as_deref())
                        .map(|r| r.describe())
                        .unwrap_or_else(|| "not polled yet".into());
                    (s, round)
                })
                .collect(),
        })
    }
    .await;
    respond(&state, result)
}

async fn add_source(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        let new = NewSource {
            url: form.text("url").unwrap_or("").to_string(),
            kind: form.text("kind").map(String::from),
            title: form.text("title").map(String::from),
            group: form.text("group").map(String::from),
        };
        let added = insert_source(&state, new).await?;
        let done = if added { "added" } else { "exists" };
        Ok(Redirect::to(&format!("/admin/sources?done={done}")).into_response())
    }
    .await;
    respond(&state, result)
}

async fn remove_source(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        let id: i64 =
            id.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                ApiError::new(ErrorCode::BadId, "a source id is a positive number")
            })?;
        if !state.store().remove_source(&id.to_string()).await? {
            return Err(ApiError::not_found("source"));
        }
        Ok(Redirect::to("/admin/sources?done=removed").into_response())
    }
    .await;
    respond(&state, result)
}

async fn export_opml(State(state): State<AppState>, AdminPage(_session): AdminPage) -> Response {
    let result = async {
        let feeds: Vec<OpmlFeed> = state
            .store()
            .sources()
            .await?
            .into_iter()
            .map(|s| {
                let kind = stored_state(s.state.as_deref()).and_then(|st| st.kind);
                OpmlFeed::in_group(s.url, s.title, s.group.as_deref()).of_kind(kind)
            })
            .collect();
        let text = opml::export_opml(&format!("{} sources", state.config().site_title), &feeds);
        Ok((
            [
                (header::CONTENT_TYPE, "text/x-opml; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"storyline-sources.opml\"",
                ),
            ],
            text,
        )
            .into_response())
    }
    .await;
    respond(&state, result)
}

async fn import_opml(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    mut multipart: Multipart,
) -> Response {
    let result = async {
        let mut csrf = String::new();
        let mut text = String::new();
        loop {
            let field = multipart.next_field().await.map_err(|e| {
                ApiError::new(ErrorCode::BadBody, format!("upload could not be read: {e}"))
            })?;
            let Some(field) = field else { break };
            let name = field.name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| {
                ApiError::new(ErrorCode::BadBody, format!("upload could not be read: {e}"))
            })?;
            match name.as_str() {
                "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                "opml" => text = String::from_utf8_lossy(&bytes).into_owned(),
                _ => {}
            }
        }
        if !same_secret(&session.csrf, &csrf) {
            return Err(ApiError::new(
                ErrorCode::BadCsrf,
                "the form's CSRF token is wrong",
            ));
        }
        let feeds = opml::import_opml(&text)
            .map_err(|e| ApiError::new(ErrorCode::BadBody, e.to_string()))?
            .feeds;
        if feeds.is_empty() {
            return Err(ApiError::new(
                ErrorCode::BadBody,
                "the OPML file lists no feeds",
            ));
        }
        for feed in feeds {
            let new = NewSource {
                group: feed.group(),
                url: feed.url,
                kind: Some("feed".into()),
                title: feed.title,
            };
            // A bad entry in a long list is skipped rather than failing the whole upload.
            if let Err(e) = insert_source(&state, new).await
                && e.code == ErrorCode::Internal
            {
                return Err(e);
            }
        }
        Ok(Redirect::to("/admin/sources?done=imported").into_response())
    }
    .await;
    respond(&state, result)
}

/// A story row in the admin list.
struct AdminStory {
    story: Story,
    card: Option<StoryCard>,
    href: String,
}

#[derive(Template)]
#[template(path = "admin_stories.html")]
struct StoriesPage {
    chrome: Chrome,
    csrf: String,
    notice: String,
    stories: Vec<AdminStory>,
    pager: Pager,
    back: String,
}

async fn editor_visibility(state: &AppState) -> ApiResult<Visibility> {
    Ok(Visibility::editor(state.store().blocked_providers().await?))
}

async fn stories(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let params = Params::parse(raw.as_deref(), &["page", "done"])?;
        let page = params.number("page", 1, 1000)?.max(1);
        let size = 50;
        let query = StoryQuery {
            limit: size + 1,
            offset: (page - 1) * size,
            published_only: false,
            topic: None,
            provider: None,
            entity: None,
        };
        let mut list = state.store().stories(&query).await?;
        let has_more = list.len() > size as usize;
        list.truncate(size as usize);
        let vis = editor_visibility(&state).await?;
        let ids: Vec<String> = list.iter().map(|s| s.id.clone()).collect();
        let rows = state.store().articles_of_stories(&ids).await?;
        let cards = views::cards(&list, rows, &vis);
        let stories = list
            .into_iter()
            .map(|story| AdminStory {
                card: cards.iter().find(|c| c.id == story.id).cloned(),
                href: format!("/admin/stories/{}", encode(&story.id)),
                story,
            })
            .collect();
        html(&StoriesPage {
            chrome: admin_chrome(&state),
            csrf: session.csrf,
            notice: notice(&params),
            stories,
            pager: Pager {
                prev: (page > 1).then(|| format!("/admin/stories?page={}", page - 1)),
                next: has_more.then(|| format!("/admin/stories?page={}", page + 1)),
            },
            back: format!("/admin/stories?page={page}"),
        })
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "admin_story.html")]
struct StoryPage {
    chrome: Chrome,
    csrf: String,
    notice: String,
    story: Story,
    coverage: Vec<ArticleView>,
    blocked: Vec<String>,
    back: String,
    public_href: String,
}

async fn story(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let params = Params::parse(raw.as_deref(), &["done"])?;
        crate::params::check_id(&id, "story")?;
        let story = state
            .store()
            .story(&id)
            .await?
            .ok_or_else(|| ApiError::not_found("story"))?;
        if story.id != id {
            return Ok(
                Redirect::to(&format!("/admin/stories/{}", encode(&story.id))).into_response(),
            );
        }
        let vis = editor_visibility(&state).await?;
        let rows = state.store().story_articles(&story.id).await?;
        let coverage = rows.iter().map(ArticleView::from_row).collect();
        let _ = vis;
        html(&StoryPage {
            chrome: admin_chrome(&state),
            csrf: session.csrf,
            notice: notice(&params),
            back: format!("/admin/stories/{}", encode(&story.id)),
            public_href: format!("/story/{}", encode(&story.id)),
            story,
            coverage,
            blocked: state.store().blocked_providers().await?,
        })
    }
    .await;
    respond(&state, result)
}

/// Where to go after an action: the form's `back` when it is an admin page, else the list.
fn back_to(form: &Params, fallback: &str) -> String {
    let back = form.text("back").unwrap_or(fallback);
    let safe =
        back.starts_with("/admin") && !back.starts_with("//") && !back.contains(['\\', '\r', '\n']);
    let base = if safe { back } else { fallback };
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}done=ok")
}

async fn run_action(
    state: &AppState,
    session: &Session,
    body: &Bytes,
    make: impl FnOnce(&Params) -> ApiResult<Action>,
) -> ApiResult<Response> {
    let form = Params::from_form(body)?;
    check_csrf(session, &form)?;
    let action = make(&form)?;
    let outcome = editorial::apply(state.store(), &action).await?;
    state.invalidate_pages();
    let fallback = match action {
        Action::MergeStories(..) | Action::SplitArticle(_) => {
            format!("/admin/stories/{}", encode(&outcome.target))
        }
        _ => "/admin/stories".to_string(),
    };
    let target = match action {
        Action::MergeStories(..) | Action::SplitArticle(_) => format!("{fallback}?done=ok"),
        _ => back_to(&form, &fallback),
    };
    Ok(Redirect::to(&target).into_response())
}

async fn story_action(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let result = run_action(&state, &session, &body, |form| {
        Ok(match action.as_str() {
            "publish" => Action::PublishStory(id, true),
            "unpublish" => Action::PublishStory(id, false),
            "pin" => Action::PinStory(id, true),
            "unpin" => Action::PinStory(id, false),
            "merge" => {
                let into = form.text("into").unwrap_or("").to_string();
                Action::MergeStories(id, into)
            }
            _ => return Err(ApiError::new(ErrorCode::NotFound, "unknown story action")),
        })
    })
    .await;
    respond(&state, result)
}

async fn article_action(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let result = run_action(&state, &session, &body, |_| {
        Ok(match action.as_str() {
            "publish" => Action::PublishArticle(id, true),
            "unpublish" => Action::PublishArticle(id, false),
            "split" => Action::SplitArticle(id),
            _ => return Err(ApiError::new(ErrorCode::NotFound, "unknown article action")),
        })
    })
    .await;
    respond(&state, result)
}

async fn provider_action(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path((domain, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let result = run_action(&state, &session, &body, |_| {
        Ok(match action.as_str() {
            "block" => Action::BlockProvider(domain, true),
            "unblock" => Action::BlockProvider(domain, false),
            _ => {
                return Err(ApiError::new(
                    ErrorCode::NotFound,
                    "unknown provider action",
                ));
            }
        })
    })
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "admin_providers.html")]
struct ProvidersPage {
    chrome: Chrome,
    csrf: String,
    notice: String,
    providers: Vec<(String, String, u64, bool)>,
}

async fn providers(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let params = Params::parse(raw.as_deref(), &["done"])?;
        let blocked = state.store().blocked_providers().await?;
        let mut providers: Vec<(String, String, u64, bool)> = state
            .provider_directory()
            .await?
            .iter()
            .map(|(p, n)| {
                (
                    p.name.clone(),
                    p.domain.clone(),
                    *n,
                    blocked.contains(&p.domain),
                )
            })
            .collect();
        for domain in &blocked {
            if !providers.iter().any(|p| &p.1 == domain) {
                providers.push((domain.clone(), domain.clone(), 0, true));
            }
        }
        html(&ProvidersPage {
            chrome: admin_chrome(&state),
            csrf: session.csrf,
            notice: notice(&params),
            providers,
        })
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    csrf: String,
    notice: String,
    users: Vec<storyline_store::UserRow>,
    /// `(name, app password)` just made, shown once.
    new_password: Option<(String, String)>,
}

async fn render_users(
    state: &AppState,
    session: &Session,
    notice: String,
    new_password: Option<(String, String)>,
) -> ApiResult<Response> {
    html(&UsersPage {
        chrome: admin_chrome(state),
        csrf: session.csrf.clone(),
        notice,
        users: state.store().users().await?,
        new_password,
    })
}

async fn users(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let params = Params::parse(raw.as_deref(), &["done"])?;
        render_users(&state, &session, notice(&params), None).await
    }
    .await;
    respond(&state, result)
}

async fn add_user(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        let role = storyline_store::Role::parse(form.text("role").unwrap_or("reader"))
            .ok_or_else(|| ApiError::new(ErrorCode::BadBody, "role must be reader or admin"))?;
        let password = form.all("password").next().unwrap_or("");
        accounts::add_user(
            state.store(),
            form.text("name").unwrap_or(""),
            role,
            password,
        )
        .await?;
        Ok(Redirect::to("/admin/users?done=user-added").into_response())
    }
    .await;
    respond(&state, result)
}

async fn remove_user(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        accounts::remove_user(state.store(), &name).await?;
        Ok(Redirect::to("/admin/users?done=user-removed").into_response())
    }
    .await;
    respond(&state, result)
}

async fn user_app_password(
    State(state): State<AppState>,
    AdminPage(session): AdminPage,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        let password = accounts::new_app_password(state.store(), &name).await?;
        render_users(&state, &session, String::new(), Some((name, password))).await
    }
    .await;
    respond(&state, result)
}
