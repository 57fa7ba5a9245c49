//! The lead-image cache: fetch an article's image through the shared [`Fetcher`] (same guard,
//! limits and politeness), check that it really is an image of sane size, and store it on disk
//! under the hash of its bytes.
//!
//! Checks, in order: the body fits the byte cap (enforced while streaming); its magic bytes say
//! JPEG, PNG, GIF, WebP or AVIF (the `Content-Type` header is not trusted; SVG is refused because
//! it can carry script); the dimensions read from the header (imagesize) are non-zero and within
//! the pixel budget, so a small file that would decompress into gigabytes (a "bomb") is refused
//! before anyone decodes it. Files are written to a temporary name and renamed, so a reader never
//! sees half an image.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_128;

use crate::fetch::{FetchError, FetchOptions, Fetcher};

/// Cache settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageCacheConfig {
    /// Directory the images are stored under (created when missing).
    pub dir: PathBuf,
    /// Largest image file accepted, in bytes.
    pub max_bytes: u64,
    /// Largest width × height accepted.
    pub max_pixels: u64,
}

impl ImageCacheConfig {
    /// Defaults (8 MiB, 40 megapixels) under `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            max_bytes: 8 * 1024 * 1024,
            max_pixels: 40_000_000,
        }
    }
}

/// An image stored in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedImage {
    /// The URL it was fetched from.
    pub url: String,
    /// Where it is stored.
    pub path: PathBuf,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The sniffed MIME type (`image/jpeg` …).
    pub content_type: &'static str,
    /// File size.
    pub bytes: u64,
    /// Hex xxh3-128 of the bytes: the cache key.
    pub hash: String,
}

/// Why an image was not cached.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The fetch failed (refused, too large, timeout, HTTP error…).
    #[error("cannot fetch image: {0}")]
    Fetch(#[from] FetchError),
    /// The bytes are not an image format we keep.
    #[error("{url} is not an image we keep: {reason}")]
    NotAnImage {
        /// The URL.
        url: String,
        /// What the bytes look like.
        reason: String,
    },
    /// The header's dimensions exceed the budget (or are zero).
    #[error("{url} is {width}×{height} pixels, over the limit of {limit} pixels")]
    TooManyPixels {
        /// The URL.
        url: String,
        /// Declared width.
        width: u64,
        /// Declared height.
        height: u64,
        /// The pixel budget.
        limit: u64,
    },
    /// Writing the file failed.
    #[error("cannot store image at {path}: {source}")]
    Io {
        /// The path written.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// An image format recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
    /// AVIF.
    Avif,
}

impl ImageFormat {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
        }
    }

    /// The file extension used in the cache.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Avif => "avif",
        }
    }
}

/// Recognises an image by its first bytes.
pub fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::Webp)
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"avif" | b"avis")
    {
        Some(ImageFormat::Avif)
    } else {
        None
    }
}

/// Describes what non-image bytes look like, for the refusal message.
fn describe(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).to_ascii_lowercase();
    let head = head.trim_start();
    if head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg")) {
        "SVG (may carry script)".to_string()
    } else if head.starts_with("<!doctype html") || head.starts_with("<html") {
        "an HTML page".to_string()
    } else if bytes.is_empty() {
        "empty".to_string()
    } else {
        "unknown format".to_string()
    }
}

/// Checks `bytes` as an image and returns its format and dimensions.
pub fn inspect(
    url: &str,
    bytes: &[u8],
    max_pixels: u64,
) -> Result<(ImageFormat, u32, u32), ImageError> {
    let format = sniff_format(bytes).ok_or_else(|| ImageError::NotAnImage {
        url: url.to_string(),
        reason: describe(bytes),
    })?;
    let size = imagesize::blob_size(bytes).map_err(|e| ImageError::NotAnImage {
        url: url.to_string(),
        reason: format!("unreadable {} header: {e:?}", format.mime()),
    })?;
    let (width, height) = (size.width as u64, size.height as u64);
    let too_many = |width, height| ImageError::TooManyPixels {
        url: url.to_string(),
        width,
        height,
        limit: max_pixels,
    };
    if width == 0 || height == 0 || width.saturating_mul(height) > max_pixels {
        return Err(too_many(width, height));
    }
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(too_many(width, height));
    };
    Ok((format, w, h))
}

/// The image cache.
#[derive(Debug, Clone)]
pub struct ImageCache {
    config: ImageCacheConfig,
}

impl ImageCache {
    /// A cache with `config`.
    pub fn new(config: ImageCacheConfig) -> Self {
        Self { config }
    }

    /// Where an image with `hash` and `format` is stored: `dir/ab/<hash>.<ext>`.
    pub fn path_for(&self, hash: &str, format: ImageFormat) -> PathBuf {
        let shard = hash.get(..2).unwrap_or("00");
        self.config
            .dir
            .join(shard)
            .join(format!("{hash}.{}", format.extension()))
    }

    /// Fetches `url`, checks it and stores it (once: identical bytes share one file).
    pub async fn cache(&self, fetcher: &Fetcher, url: &str) -> Result<CachedImage, ImageError> {
        let options = FetchOptions {
            accept: Some(
                "image/avif, image/webp, image/png, image/jpeg, image/*;q=0.8".to_string(),
            ),
            max_body_bytes: Some(self.config.max_bytes),
            ..FetchOptions::default()
        };
        let fetched = fetcher.fetch_with(url, &options).await?;
        self.store(url, &fetched.body).await
    }

    /// Checks and stores bytes already fetched.
    pub async fn store(&self, url: &str, bytes: &[u8]) -> Result<CachedImage, ImageError> {
        let (format, width, height) = inspect(url, bytes, self.config.max_pixels)?;
        let hash = format!("{:032x}", xxh3_128(bytes));
        let path = self.path_for(&hash, format);
        if !path.is_file() {
            write_atomically(&path, bytes).await?;
        }
        Ok(CachedImage {
            url: url.to_string(),
            path,
            width,
            height,
            content_type: format.mime(),
            bytes: bytes.len() as u64,
            hash,
        })
    }
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ImageError> {
    let io = |source| ImageError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(io)?;
    }
    let unique = format!(
        "{}.{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let temp = path.with_extension(unique);
    tokio::fs::write(&temp, bytes).await.map_err(io)?;
    if let Err(error) = tokio::fs::rename(&temp, path).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(io(error));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PNG header (signature + IHDR) declaring `width`×`height`.
    pub(crate) fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        png
    }

    #[test]
    fn formats_are_sniffed_by_magic_bytes() {
        assert_eq!(sniff_format(&png_header(1, 1)), Some(ImageFormat::Png));
        assert_eq!(
            sniff_format(b"\xff\xd8\xff\xe0rest"),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(sniff_format(b"GIF89a...."), Some(ImageFormat::Gif));
        assert_eq!(
            sniff_format(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
        assert_eq!(
            sniff_format(b"\0\0\0\x1cftypavif\0\0"),
            Some(ImageFormat::Avif)
        );
        assert_eq!(sniff_format(b"<svg xmlns='x'/>"), None);
        assert_eq!(sniff_format(b""), None);
    }

    #[test]
    fn bombs_and_non_images_are_refused_with_a_reason() {
        let bomb = png_header(100_000, 100_000);
        let err = inspect("u", &bomb, 40_000_000).expect_err("bomb");
        assert!(matches!(err, ImageError::TooManyPixels { .. }), "{err}");
        let err = inspect("u", b"<!DOCTYPE html><html>", 40_000_000).expect_err("html");
        assert!(err.to_string().contains("HTML"), "{err}");
        let err = inspect("u", b"<svg onload='x'/>", 40_000_000).expect_err("svg");
        assert!(err.to_string().contains("SVG"), "{err}");
        let err = inspect("u", &png_header(0, 10), 40_000_000).expect_err("zero");
        assert!(matches!(err, ImageError::TooManyPixels { .. }));
        let (format, w, h) = inspect("u", &png_header(640, 480), 40_000_000).expect("ok");
        assert_eq!((format, w, h), (ImageFormat::Png, 640, 480));
    }

    #[tokio::test]
    async fn identical_bytes_share_one_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(ImageCacheConfig::new(dir.path()));
        let bytes = png_header(32, 16);
        let a = cache
            .store("https://a.test/x.png", &bytes)
            .await
            .expect("stored");
        let b = cache
            .store("https://b.test/y.png", &bytes)
            .await
            .expect("stored");
        assert_eq!(a.path, b.path);
        assert_eq!((a.width, a.height), (32, 16));
        assert_eq!(std::fs::read(&a.path).expect("file"), bytes);
        assert!(a.path.starts_with(dir.path()));
    }
}
