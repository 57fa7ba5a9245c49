//! Who may read and who may write.
//!
//! - Reading is public, or (when [`crate::ServerConfig::public_read`] is off) needs the read
//!   token as `Authorization: Bearer …` or `?access_token=…`, an API token, or an admin login.
//! - Admin pages and all writes need a login or an API token (`Authorization: Bearer …`).
//!   Logging in checks the password against an argon2 hash and opens a session: a random id in
//!   a cookie that is `HttpOnly` and `SameSite=Strict`. Every admin form carries the session's
//!   CSRF token; JSON writes with a session cookie must send it as `X-CSRF-Token`.

use std::collections::HashMap;
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
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::params::TOKEN_PARAM;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "storyline_session";
/// Name of the cookie carrying the login form's CSRF token (double submit).
pub const LOGIN_CSRF_COOKIE: &str = "storyline_login_csrf";
/// Most sessions kept at once; the oldest are dropped beyond it.
const MAX_SESSIONS: usize = 10_000;

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

/// A logged-in admin.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub csrf: String,
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

    /// Opens a session.
    pub fn open(&self) -> Result<Session, ServerError> {
        let session = Session {
            id: random_token()?,
            csrf: random_token()?,
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

/// The admin session of a request, if it has a live one.
pub fn session_of(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    cookie(headers, SESSION_COOKIE).and_then(|id| state.sessions().get(id))
}

/// Whether `token` is one of the configured API tokens.
pub fn is_api_token(state: &AppState, token: &str) -> bool {
    state
        .config()
        .api_tokens
        .iter()
        .any(|t| !t.is_empty() && same_secret(t, token))
}

/// Middleware: when reading is not public, requires a read token, API token or login.
pub async fn require_reader(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if state.config().public_read {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let open = path == "/healthz"
        || path.starts_with("/static/")
        || path.starts_with("/admin/login")
        || path == "/metrics";
    if open || may_read(&state, &request) {
        return next.run(request).await;
    }
    ApiError::new(
        ErrorCode::Unauthorized,
        "reading needs a token: send `Authorization: Bearer <token>` or `?access_token=<token>`",
    )
    .into_response()
}

fn may_read(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    let query_token = request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == TOKEN_PARAM)
            .map(|(_, v)| v)
    });
    let offered = bearer(headers).or(query_token);
    if let Some(token) = offered {
        let read_ok = state
            .config()
            .read_token
            .as_deref()
            .is_some_and(|t| !t.is_empty() && same_secret(t, token));
        if read_ok || is_api_token(state, token) {
            return true;
        }
    }
    session_of(state, headers).is_some()
}

/// An admin reached through the web UI: rejects to the login page.
pub struct AdminPage(pub Session);

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_of(state, &parts.headers) {
            Some(session) => Ok(AdminPage(session)),
            None => Err(Redirect::to("/admin/login").into_response()),
        }
    }
}

/// A writer through the JSON API: an API token, or a session with its CSRF header.
pub struct ApiWriter;

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(&parts.headers) {
            if is_api_token(state, token) {
                return Ok(ApiWriter);
            }
            return Err(ApiError::new(ErrorCode::Unauthorized, "unknown API token"));
        }
        if let Some(session) = session_of(state, &parts.headers) {
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
            ));
        }
        Err(ApiError::new(
            ErrorCode::Unauthorized,
            "writes need `Authorization: Bearer <api token>` or an admin login",
        ))
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
        let s = sessions.open().unwrap();
        assert_eq!(s.id.len(), 64);
        assert_ne!(s.id, s.csrf);
        assert!(sessions.get(&s.id).is_some());
        sessions.close(&s.id);
        assert!(sessions.get(&s.id).is_none());
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
