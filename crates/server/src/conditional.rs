//! Conditional GET for everything the server renders: each successful `GET`/`HEAD` answer gets
//! a strong `ETag` (the XXH3-64 of its bytes), and a request whose `If-None-Match` names it is
//! answered `304 Not Modified` without a body. Feed readers poll feeds out every few minutes;
//! with this an unchanged feed costs them a few hundred bytes. Bodies are in memory already
//! (pages, feeds and API answers are rendered whole), so hashing them is one pass.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Bodies larger than this are passed through without an `ETag`.
const MAX_HASHED_BODY: usize = 16 * 1024 * 1024;

/// The middleware.
pub async fn etag(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::ETAG) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_HASHED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let tag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&bytes));
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if if_none_match.is_some_and(|wanted| matches(&wanted, &tag)) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        not_modified.headers_mut().insert(header::ETAG, value);
        for name in [header::CACHE_CONTROL, header::VARY, header::LAST_MODIFIED] {
            if let Some(kept) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, kept.clone());
            }
        }
        return not_modified;
    }
    parts.headers.insert(header::ETAG, value);
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether an `If-None-Match` value names `tag` (a list of tags, weak ones compared weakly as
/// the standard asks for this header, or `*`).
fn matches(wanted: &HeaderValue, tag: &str) -> bool {
    let Ok(wanted) = wanted.to_str() else {
        return false;
    };
    wanted
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags_match() {
        let tag = "\"00ab\"";
        let header = |text: &'static str| HeaderValue::from_static(text);
        assert!(matches(&header("\"00ab\""), tag));
        assert!(matches(&header("\"ff\", W/\"00ab\""), tag));
        assert!(matches(&header("*"), tag));
        assert!(!matches(&header("\"00ac\""), tag));
        assert!(!matches(&header(""), tag));
    }
}
