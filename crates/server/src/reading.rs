//! What a logged-in reader does on the web pages, without JavaScript: plain forms with the
//! session's CSRF token, each answered with a redirect back (post/redirect/get).
//!
//! - `POST /story/{id}/read`: marks a story's coverage read ("Mark story read" on listings).
//! - `POST /article/{id}/star` (`starred=1|0`): stars or unstars a piece.
//! - `/settings`: the account, the addresses reading apps connect to, and a new app password
//!   (shown once), and logging out.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use storyline_store::ReadScope;

use crate::AppState;
use crate::accounts::{self, user_id_of};
use crate::admin::check_csrf;
use crate::auth::UserPage;
use crate::error::{ApiError, ApiResult};
use crate::pages::{Chrome, html, respond};
use crate::params::{Params, check_id};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/story/{id}/read", post(mark_story_read))
        .route("/article/{id}/star", post(star))
        .route("/settings", get(settings))
        .route("/settings/app-password", post(app_password))
}

/// Where a form asked to go back to: a path on this site, else the front page.
fn back(form: &Params, fallback: &str) -> String {
    match form.text("back") {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => fallback.to_string(),
    }
}

async fn mark_story_read(
    State(state): State<AppState>,
    UserPage(session): UserPage,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        check_id(&id, "story")?;
        let user = user_id_of(&session.account)?;
        state
            .store()
            .mark_all_read(user, &ReadScope::Story(id), None)
            .await?;
        Ok(Redirect::to(&back(&form, "/")).into_response())
    }
    .await;
    respond(&state, result)
}

async fn star(
    State(state): State<AppState>,
    UserPage(session): UserPage,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        check_id(&id, "article")?;
        let user = user_id_of(&session.account)?;
        let seqs = state.store().article_seqs(&[id]).await?;
        if seqs.is_empty() {
            return Err(ApiError::not_found("article"));
        }
        let starred = form.text("starred") != Some("0");
        state
            .store()
            .mark_articles(user, &seqs, None, Some(starred))
            .await?;
        Ok(Redirect::to(&back(&form, "/")).into_response())
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    csrf: String,
    name: String,
    role: String,
    /// The stored user's app password state; `None` for the configured admin.
    has_app_password: Option<bool>,
    /// A new app password, shown once right after it is made.
    new_password: String,
    base_url: String,
}

async fn render_settings(
    state: &AppState,
    session: &crate::auth::Session,
    new_password: String,
) -> ApiResult<Response> {
    let stored = state.store().user(&session.account.name).await?;
    let mut chrome = Chrome::new(state);
    chrome.user = session.account.name.clone();
    html(&SettingsPage {
        chrome,
        csrf: session.csrf.clone(),
        name: session.account.name.clone(),
        role: session.account.role.as_str().to_string(),
        has_app_password: stored
            .filter(|_| session.account.user_id.is_some())
            .map(|u| u.app_password_hash.is_some()),
        new_password,
        base_url: state.config().base_url.trim_end_matches('/').to_string(),
    })
    .map(crate::pages::private)
}

async fn settings(State(state): State<AppState>, UserPage(session): UserPage) -> Response {
    let result = render_settings(&state, &session, String::new()).await;
    respond(&state, result)
}

async fn app_password(
    State(state): State<AppState>,
    UserPage(session): UserPage,
    body: Bytes,
) -> Response {
    let result = async {
        let form = Params::from_form(&body)?;
        check_csrf(&session, &form)?;
        user_id_of(&session.account)?;
        let password = accounts::new_app_password(state.store(), &session.account.name).await?;
        render_settings(&state, &session, password).await
    }
    .await;
    respond(&state, result)
}
