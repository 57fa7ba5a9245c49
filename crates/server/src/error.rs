//! Errors. [`ServerError`] is what the embedding program sees (binding, serving, hashing).
//! [`ApiError`] is what a client sees: a stable `code` from the one table in [`ErrorCode`],
//! its HTTP status, and a human message. The JSON API returns it as `{code, message}`; pages
//! render the same code and message as an HTML error page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use storyline_store::StoreError;
use thiserror::Error;

/// Failures of the server as a whole.
#[derive(Debug, Error)]
pub enum ServerError {
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("server stopped: {0}")]
    Serve(#[source] std::io::Error),
    /// A password could not be hashed.
    #[error("cannot hash password: {0}")]
    Hash(String),
    /// The system random source failed.
    #[error("no randomness available: {0}")]
    Random(String),
    /// The search index could not be opened.
    #[error(transparent)]
    Search(#[from] storyline_search::SearchError),
}

/// Every error code a client can receive, with its HTTP status: the one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No such page, story, article, source, topic or provider.
    NotFound,
    /// An id that cannot be an id (wrong characters or length).
    BadId,
    /// `limit`, `offset` or `page` out of range or not a number.
    BadPagination,
    /// A query parameter this endpoint does not know.
    UnknownFilter,
    /// A known filter with a value that does not parse (e.g. a date).
    BadFilter,
    /// A search without any searchable word.
    EmptyQuery,
    /// A request body that does not parse or misses fields.
    BadBody,
    /// Reading needs a token, or a write needs a login or API token.
    Unauthorized,
    /// A form without a valid CSRF token.
    BadCsrf,
    /// Logged in, but this is for admins.
    Forbidden,
    /// Wrong password.
    BadCredentials,
    /// Too many wrong passwords or tokens lately: wait for `Retry-After` seconds. Meanwhile
    /// even the right one is refused.
    TooManyAttempts,
    /// The action contradicts the current state (merging a story into itself, ...).
    Conflict,
    /// The server has no admin password configured.
    AdminDisabled,
    /// Something failed on our side; the log has details.
    Internal,
}

impl ErrorCode {
    /// The HTTP status of this code.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadId
            | ErrorCode::BadPagination
            | ErrorCode::UnknownFilter
            | ErrorCode::BadFilter
            | ErrorCode::EmptyQuery
            | ErrorCode::BadBody => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized | ErrorCode::BadCredentials => StatusCode::UNAUTHORIZED,
            ErrorCode::BadCsrf | ErrorCode::Forbidden | ErrorCode::AdminDisabled => {
                StatusCode::FORBIDDEN
            }
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::BadId => "bad_id",
            ErrorCode::BadPagination => "bad_pagination",
            ErrorCode::UnknownFilter => "unknown_filter",
            ErrorCode::BadFilter => "bad_filter",
            ErrorCode::EmptyQuery => "empty_query",
            ErrorCode::BadBody => "bad_body",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::BadCsrf => "bad_csrf",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Conflict => "conflict",
            ErrorCode::AdminDisabled => "admin_disabled",
            ErrorCode::Internal => "internal",
        }
    }
}

/// An error as a client sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "store error");
        ApiError::new(ErrorCode::Internal, "the store failed; see the server log")
    }
}

impl From<storyline_search::SearchError> for ApiError {
    fn from(error: storyline_search::SearchError) -> Self {
        tracing::error!(%error, "search error");
        ApiError::new(ErrorCode::Internal, "the search failed; see the server log")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self)).into_response()
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_table_names() {
        for code in [
            ErrorCode::NotFound,
            ErrorCode::BadId,
            ErrorCode::BadPagination,
            ErrorCode::UnknownFilter,
            ErrorCode::Conflict,
            ErrorCode::TooManyAttempts,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
    }

    #[test]
    fn client_errors_are_4xx_and_only_internal_is_5xx() {
        assert!(ErrorCode::BadId.status().is_client_error());
        assert!(ErrorCode::UnknownFilter.status().is_client_error());
        assert_eq!(ErrorCode::TooManyAttempts.status().as_u16(), 429);
        assert!(ErrorCode::Internal.status().is_server_error());
    }
}
