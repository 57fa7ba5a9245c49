//! Who may read and who may write.
//!
//! - Reading is public, or (when [`crate::ServerConfig::public_read`] is off) needs the read
//!   token as `Authorization: Bearer …` or `?access_token=…`, an API token, or an admin login.
//! - Admin pages and all writes need a login or an API token (`Authorization: Bearer …`).
//!   Logging in checks the password against an argon2 hash and opens a session: a random id in
//!   a cookie that is `HttpOnly` and `SameSite=Strict`. Every admin form carries the session's
//!   CSRF token; JSON writes with a session cookie must send it as `X-CSRF-Token`.
//! - Every password and token a client offers goes through [`crate::throttle`]: after a few
//!   wrong ones, its account and address must wait longer and longer, and meanwhile even the
//!   right secret is refused (429 with `Retry-After`).
//! - `/metrics` is open when reading is public, and needs the read token (or an API token, or a
//!   login) like every page when it is not; it shows route templates and counts, no secret.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::accounts::Account;
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::params::TOKEN_PARAM;
use crate::throttle::{Locked, client_addr_of};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "storyline_session";
/// Name of the cookie carrying the login form's CSRF token (double submit).
pub const LOGIN_CSRF_COOKIE: &str = "storyline_login_csrf";
/// Most sessions kept at once; the oldest are dropped beyond it.
const MAX_SESSIONS: usize = 10_000;
/// The one account: the admin's. A login form may name it (`username`); it is the default.
pub const ADMIN_ACCOUNT: &str = "admin";
/// Longest user name kept (in characters) once normalised.
const MAX_ACCOUNT_CHARS: usize = 64;

/// The account a login names: the submitted user name trimmed and lowercased (clipped to
/// `MAX_ACCOUNT_CHARS`), or the admin's when none is given.
pub fn account_name(submitted: Option<&str>) -> String {
    let name: String = submitted
        .unwrap_or("")
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .take(MAX_ACCOUNT_CHARS)
        .collect();
    if name.is_empty() {
        ADMIN_ACCOUNT.to_string()
    } else {
        name
    }
}

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ServerError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServerError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Hash(e.to_string()))
}

/// Checks a password against a PHC hash; a malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// 32 random bytes as 64 hex characters.
pub fn random_token() -> Result<String, ServerError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A logged-in account (an admin or a reader).
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub csrf: String,
    pub account: Account,
    expires: Instant,
}

/// Open sessions, in memory (a restart logs everyone out).
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    ttl: Duration,
}

impl Sessions {
    pub fn new(ttl: Duration) -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
            ttl,
        }
    }

    /// Opens a session for `account`.
    pub fn open(&self, account: Account) -> Result<Session, ServerError> {
        let session = Session {
            id: random_token()?,
            csrf: random_token()?,
            account,
            expires: Instant::now() + self.ttl,
        };
        if let Ok(mut map) = self.map.lock() {
            let now = Instant::now();
            map.retain(|_, s| s.expires > now);
            if map.len() >= MAX_SESSIONS
                && let Some(oldest) = map.values().min_by_key(|s| s.expires).map(|s| s.id.clone())
            {
                map.remove(&oldest);
            }
            map.insert(session.id.clone(), session.clone());
        }
        Ok(session)
    }

    /// The live session with this id.
    pub fn get(&self, id: &str) -> Option<Session> {
        let map = self.map.lock().ok()?;
        map.get(id).filter(|s| s.expires > Instant::now()).cloned()
    }

    /// Ends a session.
    pub fn close(&self, id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(id);
        }
    }

    /// Seconds a session lives.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl.as_secs()
    }
}

/// The value of cookie `name` in the request headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The bearer token of the request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The session of a request (an admin's or a reader's), if it has a live one.
pub fn session_of(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    cookie(headers, SESSION_COOKIE).and_then(|id| state.sessions().get(id))
}

/// The admin session of a request, if it has a live one of an admin.
pub fn admin_session_of(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    session_of(state, headers).filter(|s| s.account.is_admin())
}

/// Whether `token` is one of the configured API tokens.
pub fn is_api_token(state: &AppState, token: &str) -> bool {
    state
        .config()
        .api_tokens
        .iter()
        .any(|t| !t.is_empty() && same_secret(t, token))
}

/// Checks a token `addr` offers under the throttle: `Ok(true)` when `accept` takes it,
/// `Ok(false)` (counted against `addr`) when not, and `Err` while `addr` must wait, without
/// looking at the token.
pub fn check_token(
    state: &AppState,
    addr: IpAddr,
    token: &str,
    accept: impl FnOnce(&str) -> bool,
) -> Result<bool, Locked> {
    state.throttle().check_address(addr)?;
    if accept(token) {
        return Ok(true);
    }
    tracing::info!(%addr, "wrong token");
    state.throttle().token_failed(addr);
    Ok(false)
}

/// Middleware: when reading is not public, requires a read token, API token or login, for
/// every page, feed and API read, and for `/metrics`.
pub async fn require_reader(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if state.config().public_read {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let open = matches!(
        path,
        "/healthz" | "/favicon.svg" | "/favicon.ico" | "/manifest.webmanifest"
    ) || path.starts_with("/static/")
        || path.starts_with("/admin/login")
        // The reading APIs check their own app passwords.
        || path.starts_with("/accounts/ClientLogin")
        || path.starts_with("/reader/")
        || path.starts_with("/fever")
        || path == "/api/fever.php";
    if open {
        return next.run(request).await;
    }
    match may_read(&state, &request) {
        Access::Granted => next.run(request).await,
        Access::Locked(locked) => locked.api_response(),
        Access::Denied => ApiError::new(
            ErrorCode::Unauthorized,
            "reading needs a token: send `Authorization: Bearer <token>` or `?access_token=<token>`",
        )
        .into_response(),
    }
}

enum Access {
    Granted,
    Denied,
    Locked(Locked),
}

fn may_read(state: &AppState, request: &Request) -> Access {
    let headers = request.headers();
    let query_token = request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == TOKEN_PARAM)
            .map(|(_, v)| v)
    });
    let offered = bearer(headers).or(query_token);
    if let Some(token) = offered {
        let addr = client_addr_of(state, request.extensions(), headers);
        let accept = |token: &str| {
            let read_ok = state
                .config()
                .read_token
                .as_deref()
                .is_some_and(|t| !t.is_empty() && same_secret(t, token));
            read_ok || is_api_token(state, token)
        };
        match check_token(state, addr, token, accept) {
            Ok(true) => return Access::Granted,
            Ok(false) => {}
            Err(locked) => return Access::Locked(locked),
        }
    }
    if session_of(state, headers).is_some() {
        Access::Granted
    } else {
        Access::Denied
    }
}

/// An admin reached through the web UI: rejects to the login page (a reader's session is
/// refused with 403).
pub struct AdminPage(pub Session);

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_of(state, &parts.headers) {
            Some(session) if session.account.is_admin() => Ok(AdminPage(session)),
            Some(_) => Err(crate::pages::error_page(
                state,
                &ApiError::new(ErrorCode::Forbidden, "this page is for admins"),
            )),
            None => Err(Redirect::to("/admin/login").into_response()),
        }
    }
}

/// Anyone logged in through the web UI: rejects to the login page.
pub struct UserPage(pub Session);

impl FromRequestParts<AppState> for UserPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_of(state, &parts.headers) {
            Some(session) => Ok(UserPage(session)),
            None => Err(Redirect::to("/admin/login").into_response()),
        }
    }
}

/// Checks the bearer API token of a request, if it sends one: `Some(Ok(()))` when it is
/// one, `Some(Err(…))` with the refusal when it is not (or its address must wait).
fn api_token_of(parts: &Parts, state: &AppState) -> Option<Result<(), Response>> {
    let token = bearer(&parts.headers)?;
    let addr = client_addr_of(state, &parts.extensions, &parts.headers);
    Some(
        match check_token(state, addr, token, |t| is_api_token(state, t)) {
            Ok(true) => Ok(()),
            Ok(false) => {
                Err(ApiError::new(ErrorCode::Unauthorized, "unknown API token").into_response())
            }
            Err(locked) => Err(locked.api_response()),
        },
    )
}

/// An admin reading through the JSON API: an API token or a session.
pub struct ApiAdmin;

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let by_token = api_token_of(parts, state);
        if let Some(Ok(())) = by_token {
            return Ok(ApiAdmin);
        }
        if admin_session_of(state, &parts.headers).is_some() {
            return Ok(ApiAdmin);
        }
        Err(match by_token {
            Some(Err(refusal)) => refusal,
            _ => ApiError::new(
                ErrorCode::Unauthorized,
                "this is for admins: send an API token or log in",
            )
            .into_response(),
        })
    }
}

/// A writer through the JSON API: an API token, or a session with its CSRF header.
pub struct ApiWriter;

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if let Some(checked) = api_token_of(parts, state) {
            return checked.map(|()| ApiWriter);
        }
        if let Some(session) = admin_session_of(state, &parts.headers) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if same_secret(&session.csrf, sent) {
                return Ok(ApiWriter);
            }
            return Err(ApiError::new(
                ErrorCode::BadCsrf,
                "a session write needs its CSRF token in `X-CSRF-Token`",
            )
            .into_response());
        }
        Err(ApiError::new(
            ErrorCode::Unauthorized,
            "writes need `Authorization: Bearer <api token>` or an admin login",
        )
        .into_response())
    }
}

/// The `Set-Cookie` value opening a session.
pub fn session_cookie(session: &Session, ttl_secs: u64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ttl_secs}{}",
        session.id,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value ending a session.
pub fn expired_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "wrong horse"));
        assert!(!verify_password("not a hash", "correct horse"));
    }

    #[test]
    fn sessions_open_and_close() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let s = sessions
            .open(Account {
                name: "ana".into(),
                role: storyline_store::Role::Reader,
                user_id: Some(1),
            })
            .unwrap();
        assert_eq!(s.id.len(), 64);
        assert_ne!(s.id, s.csrf);
        assert!(sessions.get(&s.id).is_some());
        sessions.close(&s.id);
        assert!(sessions.get(&s.id).is_none());
    }

    #[test]
    fn account_names_are_trimmed_lowercased_clipped_and_default_to_the_admin() {
        assert_eq!(account_name(None), ADMIN_ACCOUNT);
        assert_eq!(account_name(Some("   ")), ADMIN_ACCOUNT);
        assert_eq!(account_name(Some(" Admin ")), "admin");
        assert_eq!(account_name(Some("ÉDITOR")), "éditor");
        assert_eq!(account_name(Some(&"x".repeat(500))).chars().count(), 64);
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; storyline_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
