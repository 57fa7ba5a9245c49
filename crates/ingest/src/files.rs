//! Articles from files and folders: discovery, limits and classification.
//!
//! [`discover`] expands the paths a user named into a sorted, de-duplicated list of files
//! (folders recursively, hidden entries skipped). [`read_file`] reads one file within
//! [`FileLimits`] and classifies it as a front-matter record, an HTML page or a plain-text
//! article — or says why it was skipped. Nothing here parses articles: that is the job of
//! the record codec and the extractor, which the pipeline calls next.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::charset;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A record in storyline's front-matter format (starts with `---`).
    Record,
    /// An HTML page.
    Html,
    /// A plain-text article.
    PlainText,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Record => "record",
            Self::Html => "html",
            Self::PlainText => "text",
        })
    }
}

/// A file read and classified, ready for parsing.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub path: PathBuf,
    pub kind: FileKind,
    /// The text, decoded to UTF-8 (a leading BOM removed).
    pub text: String,
    /// Set when the bytes were not plain UTF-8: another encoding (declared or detected), a
    /// byte-order mark, or malformed sequences replaced.
    pub transcoded: bool,
}

/// Why a file was not ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Empty,
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    Binary,
    Unreadable(String),
    /// Not a regular file (a FIFO, a socket, a device): reading it could wait forever.
    NotAFile,
    /// Not a kind of file storyline reads (by extension).
    Unsupported(String),
    /// A Markdown file without front matter: a document (a README, notes), not a record.
    MarkdownDocument,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty file"),
            Self::TooLarge { bytes, limit } => {
                write!(f, "too large ({bytes} bytes; the limit is {limit})")
            }
            Self::Binary => f.write_str("binary content, not text"),
            Self::Unreadable(e) => write!(f, "cannot read: {e}"),
            Self::NotAFile => f.write_str("not a regular file (a pipe, socket or device)"),
            Self::Unsupported(ext) => write!(f, "unsupported file type .{ext}"),
            Self::MarkdownDocument => f.write_str(
                "Markdown without front matter: a document, not a record (records start with a `---` line)",
            ),
        }
    }
}

/// Limits applied while reading files.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    /// Files larger than this are skipped unread.
    pub max_bytes: u64,
}

impl Default for FileLimits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Extensions that are certainly not articles; skipped with a reason rather than sniffed.
const NOT_ARTICLES: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "pdf", "zip", "tgz", "xz", "bz2",
    "zst", "7z", "tar", "mp3", "mp4", "mov", "wav", "ogg", "exe", "so", "dll", "bin", "db",
    "sqlite", "woff", "woff2", "ttf", "otf", "css", "js", "wasm", "toml", "json", "lock",
];

/// Files found under the given paths, sorted and de-duplicated. Paths that do not exist
/// are returned as errors beside the files, so one typo does not stop the rest.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors, 0),
            Ok(_) => {
                files.insert(path.clone());
            }
            Err(e) => errors.push((path.clone(), e.to_string())),
        }
    }
    (files.into_iter().collect(), errors)
}

/// Folder depth beyond which discovery stops (symlink loops, hostile trees).
const MAX_DEPTH: usize = 32;

fn walk(
    dir: &Path,
    files: &mut BTreeSet<PathBuf>,
    errors: &mut Vec<(PathBuf, String)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        errors.push((
            dir.to_path_buf(),
            format!("folder nesting deeper than {MAX_DEPTH}"),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files, errors, depth + 1),
            Ok(t) if t.is_file() => {
                files.insert(path);
            }
            Ok(_) => {
                // A symlink: follow it only when it points at a regular file.
                if std::fs::metadata(&path)
                    .map(|m| m.is_file())
                    .unwrap_or(false)
                {
                    files.insert(path);
                }
            }
            Err(e) => errors.push((path, e.to_string())),
        }
    }
}

/// Reads one file within the limits and classifies it. A `.gz` file is decompressed first (its
/// decompressed size held to the same limit) and classified by the name without `.gz`.
pub fn read_file(path: &Path, limits: &FileLimits) -> Result<RawFile, SkipReason> {
    let ext = extension(path);
    if NOT_ARTICLES.contains(&ext.as_str()) {
        return Err(SkipReason::Unsupported(ext));
    }
    // Looked at before opening: opening a FIFO waits for a writer, and reading one waits
    // for its writer to write.
    let meta = std::fs::metadata(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(SkipReason::NotAFile);
    }
    let file = std::fs::File::open(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if meta.len() > limits.max_bytes {
        return Err(SkipReason::TooLarge {
            bytes: meta.len(),
            limit: limits.max_bytes,
        });
    }
    if ext == "gz" {
        let inner = path.with_extension("");
        let inner_ext = extension(&inner);
        if NOT_ARTICLES.contains(&inner_ext.as_str()) {
            return Err(SkipReason::Unsupported(format!("{inner_ext}.gz")));
        }
        let bytes = read_bounded(flate2::read::GzDecoder::new(file), limits, meta.len())?;
        let mut raw = classify(&inner, &bytes)?;
        raw.path = path.to_path_buf();
        return Ok(raw);
    }
    let bytes = read_bounded(file, limits, meta.len())?;
    classify(path, &bytes)
}

/// A path's extension, lower-cased (empty when it has none).
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads at most `limits.max_bytes` (one byte more tells that the input is larger: a file that
/// grew after it was looked at, or a compressed file that expands past the limit).
fn read_bounded(reader: impl Read, limits: &FileLimits, hint: u64) -> Result<Vec<u8>, SkipReason> {
    let mut bytes = Vec::with_capacity(hint.min(limits.max_bytes) as usize);
    reader
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(SkipReason::TooLarge {
            bytes: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    Ok(bytes)
}

/// Classifies bytes already in memory (the path only informs the guess). The bytes are decoded
/// by [`charset::decode`], the rule every input shares: a byte-order mark, an in-document
/// declaration, then detection.
pub fn classify(path: &Path, bytes: &[u8]) -> Result<RawFile, SkipReason> {
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 && looks_binary(bytes) {
        return Err(SkipReason::Binary);
    }
    let decoded = charset::decode(bytes, None);
    if decoded.text.chars().all(char::is_whitespace) {
        return Err(SkipReason::Empty);
    }
    if !charset::reads_as_text(&decoded) {
        return Err(SkipReason::Binary);
    }
    let transcoded = !decoded.is_verbatim();
    let text = decoded.text;
    let ext = extension(path);
    let head = text.trim_start();
    let kind = if text.starts_with("---\n") || text.starts_with("---\r\n") {
        FileKind::Record
    } else if matches!(ext.as_str(), "md" | "markdown") {
        return Err(SkipReason::MarkdownDocument);
    } else if matches!(ext.as_str(), "html" | "htm" | "xhtml") || looks_like_html(head) {
        FileKind::Html
    } else {
        FileKind::PlainText
    };
    Ok(RawFile {
        path: path.to_path_buf(),
        kind,
        text,
        transcoded,
    })
}

/// NUL bytes, or many control characters, near the start mean the file is not text (a cheap
/// look before decoding; [`charset::reads_as_text`] has the final word).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 100 > sample.len()
}

fn looks_like_html(head: &str) -> bool {
    let start: String = head
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.starts_with("<?xml") && head.contains("<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_str(name: &str, text: &[u8]) -> Result<RawFile, SkipReason> {
        classify(Path::new(name), text)
    }

    #[test]
    fn kinds_are_recognised_by_content_first() {
        assert_eq!(
            classify_str("a.txt", b"---\ntitle: x\n---\n").unwrap().kind,
            FileKind::Record
        );
        assert_eq!(
            classify_str("a.txt", b"\xEF\xBB\xBF---\ntitle: x\n---\n")
                .unwrap()
                .kind,
            FileKind::Record
        );
        assert_eq!(
            classify_str("page", b"<!DOCTYPE html><html></html>")
                .unwrap()
                .kind,
            FileKind::Html
        );
        assert_eq!(
            classify_str("a.htm", b"<p>hello</p>").unwrap().kind,
            FileKind::Html
        );
        assert_eq!(
            classify_str("a.txt", b"Headline\n\nBody.").unwrap().kind,
            FileKind::PlainText
        );
    }

    #[test]
    fn empty_and_binary_files_are_skipped_with_reasons() {
        assert_eq!(
            classify_str("a.txt", b"  \n\t ").unwrap_err(),
            SkipReason::Empty
        );
        assert_eq!(
            classify_str("a.txt", b"abc\0def").unwrap_err(),
            SkipReason::Binary
        );
        let noise: Vec<u8> = (0..4000u32).map(|i| (i * 7 % 31) as u8).collect();
        assert_eq!(
            classify_str("a.txt", &noise).unwrap_err(),
            SkipReason::Binary
        );
    }

    #[test]
    fn legacy_text_is_detected_and_decoded() {
        let file = classify_str("a.txt", b"Caf\xe9 owners \x93win\x94 appeal\n\nBody.").unwrap();
        assert!(file.transcoded);
        assert!(file.text.starts_with("Café owners “win” appeal"));
    }

    #[test]
    fn markdown_is_read_only_as_a_record() {
        assert_eq!(
            classify_str("README.md", b"# Notes\n\nHow to use this folder.\n").unwrap_err(),
            SkipReason::MarkdownDocument
        );
        assert_eq!(
            classify_str("a.md", b"---\ntitle: x\n---\n").unwrap().kind,
            FileKind::Record
        );
    }

    #[test]
    fn utf16_files_with_a_bom_are_text() {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in "Überschrift\n\nEin Text über Märkte.".encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        let file = classify_str("a.txt", &bytes).unwrap();
        assert_eq!(file.kind, FileKind::PlainText);
        assert_eq!(file.text, "Überschrift\n\nEin Text über Märkte.");
        assert!(file.transcoded);
    }

    #[test]
    fn binary_without_nul_bytes_is_skipped() {
        let mut state = 7u32;
        let noise: Vec<u8> = (0..100_000)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                0x80 | (state >> 24) as u8
            })
            .collect();
        assert_eq!(
            classify_str("a.txt", &noise).unwrap_err(),
            SkipReason::Binary
        );
        let mut page = b"<html><body><p>".to_vec();
        page.extend_from_slice(&noise);
        assert_eq!(
            classify_str("a.html", &page).unwrap_err(),
            SkipReason::Binary
        );
    }

    #[test]
    fn declared_charsets_are_read_in_files() {
        let page = b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>vollst\xe4ndig</p></body></html>";
        let file = classify_str("a.html", page).unwrap();
        assert!(file.text.contains("vollständig"), "{}", file.text);
    }

    #[test]
    fn gzip_files_are_read_within_the_limit() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let gz = |name: &str, body: &[u8]| {
            let path = dir.path().join(name);
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(body).unwrap();
            std::fs::write(&path, encoder.finish().unwrap()).unwrap();
            path
        };
        let page = gz("page.html.gz", b"<p>A page kept compressed.</p>");
        let file = read_file(&page, &FileLimits::default()).unwrap();
        assert_eq!(file.kind, FileKind::Html);
        assert_eq!(file.path, page);
        assert!(file.text.contains("A page kept compressed."));
        // A small file that expands past the limit is refused, not read whole.
        let bomb = gz("bomb.txt.gz", &vec![b'a'; 4 << 20]);
        let limits = FileLimits { max_bytes: 1 << 20 };
        assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
        assert!(matches!(
            read_file(&bomb, &limits),
            Err(SkipReason::TooLarge { .. })
        ));
        let archive = gz("a.tar.gz", b"x");
        assert_eq!(
            read_file(&archive, &limits).unwrap_err(),
            SkipReason::Unsupported("tar.gz".into())
        );
    }

    #[test]
    fn discovery_walks_folders_sorted_and_reports_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("b/c/2.txt"), "x").unwrap();
        std::fs::write(dir.path().join("1.txt"), "x").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        let missing = dir.path().join("missing");
        let (files, errors) = discover(&[
            dir.path().to_path_buf(),
            dir.path().join("1.txt"),
            missing.clone(),
        ]);
        assert_eq!(
            files,
            vec![dir.path().join("1.txt"), dir.path().join("b/c/2.txt")]
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, missing);
    }

    #[test]
    fn files_over_the_limit_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, "a".repeat(2048)).unwrap();
        let limits = FileLimits { max_bytes: 1024 };
        assert!(matches!(
            read_file(&path, &limits),
            Err(SkipReason::TooLarge { bytes: 2048, .. })
        ));
        assert!(matches!(
            read_file(&dir.path().join("x.png"), &limits),
            Err(SkipReason::Unsupported(_))
        ));
    }
}
