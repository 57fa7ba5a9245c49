//! Serves cached images at `/images/{key}`: `key` is the 16-hex id of the image URL
//! (`storyline_model::article_id(url)`), the file name in the image cache directory. The
//! content type comes from the file's magic bytes, never from the request; anything that is
//! not a known image format is refused, so the cache cannot serve HTML.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};

/// Largest image served.
const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route("/images/{key}", get(image))
}

/// The media type of image bytes, by their magic numbers.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && &bytes[8..12] == b"avif" {
        Some("image/avif")
    } else {
        None
    }
}

async fn image(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    let valid = key.len() == 16 && key.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return ApiError::new(ErrorCode::BadId, "an image key is 16 hex characters")
            .into_response();
    }
    let Some(dir) = state.config().image_cache_dir.as_ref() else {
        return ApiError::not_found("image").into_response();
    };
    let path = dir.join(key.to_ascii_lowercase());
    let too_big = tokio::fs::metadata(&path)
        .await
        .map(|m| !m.is_file() || m.len() > MAX_IMAGE_BYTES);
    if !matches!(too_big, Ok(false)) {
        return ApiError::not_found("image").into_response();
    }
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return ApiError::not_found("image").into_response();
    };
    match sniff(&bytes) {
        Some(media_type) => (
            [
                (header::CONTENT_TYPE, media_type),
                (header::CACHE_CONTROL, "public, max-age=86400, immutable"),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::not_found("image").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn only_image_magic_numbers_are_served() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
    }
}
