//! Query-string validation. Every endpoint names the parameters it knows; anything else is an
//! `unknown_filter` error, a repeated parameter or a value that does not parse is a
//! `bad_filter` / `bad_pagination` error. Ids are checked for shape before they reach the
//! store, so a malformed id is a `bad_id`, never a 500.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{ApiError, ApiResult, ErrorCode};

/// Largest page a client may ask for.
pub const MAX_LIMIT: u32 = 100;
/// Deepest offset a client may ask for (deep paging is what search is for).
pub const MAX_OFFSET: u32 = 10_000;
/// Last page a client may ask for: at the largest `limit` it starts at [`MAX_OFFSET`], so
/// every page in range is valid whatever the `limit`.
pub const MAX_PAGE: u32 = MAX_OFFSET / MAX_LIMIT + 1;
/// Parameter that carries a read token; accepted everywhere, never a filter.
pub const TOKEN_PARAM: &str = "access_token";

/// Whether a query parameter only tracks a click or busts a cache: `utm_*`, the ad networks'
/// click ids, mailing-list ids, and `_` (what feed readers and scripts append to defeat caches).
pub fn is_tracking(key: &str) -> bool {
    key.starts_with("utm_")
        || matches!(
            key,
            "_" | "fbclid"
                | "gclid"
                | "gbraid"
                | "wbraid"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "twclid"
                | "igshid"
                | "mc_cid"
                | "mc_eid"
                | "_ga"
                | "_gl"
                | "ref"
                | "ref_src"
        )
}

/// Parsed, validated query parameters of one request.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
    /// The API's reading: a number or date given blank (`?limit=`) is refused, not taken as
    /// absent (a page's form sends its empty fields, the API's clients do not).
    strict: bool,
}

impl Params {
    /// Parses `raw` and rejects parameters not in `allowed`, and repeated ones.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> ApiResult<Params> {
        Self::parse_with(raw, allowed, false)
    }

    /// Like [`Params::parse`] for pages and feeds out, which people reach through shared links
    /// and readers poll with cache busters: tracking and cache-busting parameters
    /// ([`is_tracking`]) are ignored rather than refused.
    pub fn parse_page(raw: Option<&str>, allowed: &[&str]) -> ApiResult<Params> {
        Self::parse_with(raw, allowed, true)
    }

    fn parse_with(raw: Option<&str>, allowed: &[&str], ignore_tracking: bool) -> ApiResult<Params> {
        let raw = raw.unwrap_or("");
        let mut pairs: Vec<(String, String)> = serde_urlencoded_pairs(raw)?;
        if ignore_tracking {
            pairs.retain(|(key, _)| allowed.contains(&key.as_str()) || !is_tracking(key));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in &pairs {
            if key == TOKEN_PARAM {
                continue;
            }
            if !allowed.contains(&key.as_str()) {
                return Err(ApiError::new(
                    ErrorCode::UnknownFilter,
                    format!(
                        "unknown parameter `{}`; this endpoint accepts: {}",
                        clip(key),
                        allowed.join(", ")
                    ),
                ));
            }
            if seen.contains(&key.as_str()) {
                return Err(ApiError::new(
                    ErrorCode::BadFilter,
                    format!("parameter `{key}` given twice"),
                ));
            }
            seen.push(key);
        }
        Ok(Params {
            pairs,
            strict: !ignore_tracking,
        })
    }

    /// Whether `key` was given with a blank value where that is refused.
    fn given_blank(&self, key: &str) -> bool {
        self.strict
            && self
                .pairs
                .iter()
                .any(|(k, v)| k == key && v.trim().is_empty())
    }

    /// The parameters that shape an answer, in a canonical order: a cache key that ignores
    /// tracking parameters, the read token and the order they were written in.
    pub fn canonical(&self) -> String {
        let mut pairs: Vec<String> = self
            .pairs
            .iter()
            .filter(|(key, _)| key != TOKEN_PARAM)
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect();
        pairs.sort();
        pairs.join("&")
    }

    /// Every non-blank value given for `key`, in order (forms that repeat a field:
    /// `i=…&i=…`).
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first value given for `key` exactly as sent (not trimmed), when given.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` was given at all, even without a value (`?api&items`).
    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// These parameters followed by `other`'s (a query string and a form body read as one).
    pub fn merged(mut self, other: Params) -> Params {
        self.pairs.extend(other.pairs);
        self
    }

    /// Parses an `application/x-www-form-urlencoded` body (any field names).
    pub fn from_form(body: &[u8]) -> ApiResult<Params> {
        let text = std::str::from_utf8(body)
            .map_err(|_| ApiError::new(ErrorCode::BadBody, "form is not valid UTF-8"))?;
        let pairs = serde_urlencoded_pairs(text)
            .map_err(|e| ApiError::new(ErrorCode::BadBody, e.message))?;
        Ok(Params {
            pairs,
            strict: false,
        })
    }

    /// The value of `key`, when present and not blank.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `limit` and `offset` (or `page`, 1-based, when `offset` is absent). Every range is
    /// stated once, here, and in every error about it: `limit` 1..=[`MAX_LIMIT`], `offset`
    /// 0..=[`MAX_OFFSET`], `page` 1..=[`MAX_PAGE`].
    pub fn page(&self, default_limit: u32) -> ApiResult<Page> {
        let limit = self.ranged("limit", default_limit, 1, MAX_LIMIT)?;
        // Both are checked when given, even when `offset` decides.
        let page = self.ranged("page", 1, 1, MAX_PAGE)?;
        let offset = if self.text("offset").is_some() || self.given_blank("offset") {
            self.ranged("offset", 0, 0, MAX_OFFSET)?
        } else {
            (page - 1).saturating_mul(limit)
        };
        Ok(Page { limit, offset })
    }

    /// A non-negative number up to `max`, or `default` when absent.
    pub fn number(&self, key: &str, default: u32, max: u32) -> ApiResult<u32> {
        self.ranged(key, default, 0, max)
    }

    /// A whole number in `min..=max`, or `default` when absent; the error names the range.
    fn ranged(&self, key: &str, default: u32, min: u32, max: u32) -> ApiResult<u32> {
        let text = match self.text(key) {
            Some(text) => text,
            None if self.given_blank(key) => "",
            None => return Ok(default),
        };
        match text.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::new(
                ErrorCode::BadPagination,
                format!("`{key}` must be a whole number from {min} to {max}"),
            )),
        }
    }

    /// A date or date-time filter: `2026-05-13` or RFC 3339. A bare date used as an upper
    /// bound (`end_of_day`) means the end of that day.
    pub fn date(&self, key: &str, end_of_day: bool) -> ApiResult<Option<DateTime<Utc>>> {
        let text = match self.text(key) {
            Some(text) => text,
            None if self.given_blank(key) => "",
            None => return Ok(None),
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Some(t.with_timezone(&Utc)));
        }
        let bad = || {
            ApiError::new(
                ErrorCode::BadFilter,
                format!("`{key}` must be a date (YYYY-MM-DD) or an RFC 3339 time"),
            )
        };
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?;
        let time = if end_of_day {
            day.and_hms_opt(23, 59, 59)
        } else {
            day.and_hms_opt(0, 0, 0)
        }
        .ok_or_else(bad)?;
        Ok(Some(time.and_utc()))
    }

    /// A short free-text filter (topic, provider), length-checked.
    pub fn name(&self, key: &str) -> ApiResult<Option<String>> {
        match self.text(key) {
            None => Ok(None),
            Some(v) if v.chars().count() <= 200 && !v.chars().any(char::is_control) => {
                Ok(Some(v.to_string()))
            }
            Some(_) => Err(ApiError::new(
                ErrorCode::BadFilter,
                format!("`{key}` must be at most 200 printable characters"),
            )),
        }
    }
}

/// A validated page window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub offset: u32,
}

impl Page {
    /// Cuts rows fetched with one more than `limit` (to learn whether more follow) to this
    /// page; the next page's offset when the extra row was there.
    pub fn cut<T>(&self, rows: &mut Vec<T>) -> Option<u32> {
        let has_more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        has_more.then_some(self.offset + self.limit)
    }
}

fn serde_urlencoded_pairs(raw: &str) -> ApiResult<Vec<(String, String)>> {
    if raw.len() > 64 * 1024 {
        return Err(ApiError::new(ErrorCode::BadFilter, "query string too long"));
    }
    let mut out = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(text: &str) -> ApiResult<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| ApiError::new(ErrorCode::BadFilter, "query string is not valid UTF-8"))
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Checks the shape of a story or article id: 1–64 ASCII letters, digits, `-` or `_`.
pub fn check_id(id: &str, what: &str) -> ApiResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::BadId,
            format!("`{}` is not a valid {what} id", clip(id)),
        ))
    }
}

/// Checks a provider domain: letters, digits, dots and hyphens, at most 253 bytes.
pub fn check_domain(domain: &str) -> ApiResult<()> {
    let ok = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::BadId,
            format!("`{}` is not a valid provider domain", clip(domain)),
        ))
    }
}

/// Percent-encodes a path segment or query value (everything but unreserved characters).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path parameter whose rejection (e.g. invalid UTF-8 after percent-decoding) is a
/// `bad_id` error in the API's format rather than axum's plain-text answer.
pub struct ApiPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError::new(
                ErrorCode::BadId,
                format!("bad path parameter: {}", rejection.body_text()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_parameters_are_rejected() {
        let e = Params::parse(Some("limit=5&colour=red"), &["limit"]).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownFilter);
        let e = Params::parse(Some("limit=5&limit=6"), &["limit"]).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadFilter);
        assert!(Params::parse(Some("limit=5&access_token=x"), &["limit"]).is_ok());
        // The API refuses a blank number or date; a page's form sends them and is let be.
        let api = Params::parse(Some("limit=&from="), &["limit", "from"]).unwrap();
        assert_eq!(api.page(30).unwrap_err().code, ErrorCode::BadPagination);
        assert_eq!(
            api.date("from", false).unwrap_err().code,
            ErrorCode::BadFilter
        );
        let form = Params::parse_page(Some("page=&from="), &["page", "from"]).unwrap();
        assert_eq!(form.page(30).unwrap().offset, 0);
        assert_eq!(form.date("from", false).unwrap(), None);
    }

    #[test]
    fn pages_ignore_tracking_parameters_and_the_api_does_not() {
        let raw = Some("page=2&utm_source=x&utm_medium=y&fbclid=abc&_=1733520000");
        let p = Params::parse_page(raw, &["page"]).unwrap();
        assert_eq!(p.text("page"), Some("2"));
        assert_eq!(p.text("fbclid"), None);
        assert!(Params::parse(raw, &["page"]).is_err());
        // Anything else stays an error on pages too.
        assert!(Params::parse_page(Some("colour=red"), &["page"]).is_err());
        assert!(!is_tracking("q") && !is_tracking("page") && is_tracking("utm_campaign"));
        // One cache key whatever the tracking, the token and the order.
        let a = Params::parse_page(
            Some("q=a+b&page=2&utm_source=x&access_token=t"),
            &["q", "page"],
        );
        let b = Params::parse_page(Some("page=2&q=a%20b"), &["q", "page"]);
        assert_eq!(a.unwrap().canonical(), b.unwrap().canonical());
    }

    #[test]
    fn pagination_is_bounded() {
        let p = Params::parse(Some("limit=10&page=3"), &["limit", "page"]).unwrap();
        assert_eq!(
            p.page(30).unwrap(),
            Page {
                limit: 10,
                offset: 20
            }
        );
        for bad in [
            "limit=0",
            "limit=101",
            "limit=-1",
            "page=0",
            "offset=abc",
            "page=102",
            "offset=810&page=false",
            "offset=0&page=0",
            "page=2&offset=",
        ] {
            let p = Params::parse(Some(bad), &["limit", "page", "offset"]).unwrap();
            assert_eq!(
                p.page(30).unwrap_err().code,
                ErrorCode::BadPagination,
                "{bad}"
            );
        }
        // Every refused limit states the same range.
        for bad in ["limit=0", "limit=101", "limit=10000", "limit=x"] {
            let p = Params::parse(Some(bad), &["limit"]).unwrap();
            assert_eq!(
                p.page(30).unwrap_err().message,
                "`limit` must be a whole number from 1 to 100",
                "{bad}"
            );
        }
        // The last page at the largest limit starts at the deepest offset.
        let p = Params::parse(Some("limit=100&page=101"), &["limit", "page"]).unwrap();
        assert_eq!(p.page(30).unwrap().offset, MAX_OFFSET);
    }

    #[test]
    fn dates_parse_as_day_bounds_or_rfc3339() {
        let p = Params::parse(Some("from=2026-05-13&to=2026-05-13"), &["from", "to"]).unwrap();
        let from = p.date("from", false).unwrap().unwrap();
        let to = p.date("to", true).unwrap().unwrap();
        assert_eq!((to - from).num_seconds(), 86_399);
        let p = Params::parse(Some("from=yesterday"), &["from"]).unwrap();
        assert_eq!(
            p.date("from", false).unwrap_err().code,
            ErrorCode::BadFilter
        );
    }

    #[test]
    fn percent_decoding_handles_plus_utf8_and_stray_percent() {
        let p = Params::parse(Some("q=caf%C3%A9+bar%"), &["q"]).unwrap();
        assert_eq!(p.text("q"), Some("café bar%"));
        assert!(Params::parse(Some("q=%FF"), &["q"]).is_err());
    }

    #[test]
    fn ids_and_domains_are_shape_checked() {
        assert!(check_id("3f2a9c0d11aa22bb", "article").is_ok());
        assert!(check_id("../etc", "article").is_err());
        assert!(check_id(&"a".repeat(65), "story").is_err());
        assert!(check_domain("ledgerwire.example").is_ok());
        assert!(check_domain("a/b").is_err());
        assert_eq!(encode("Climate & Energy"), "Climate%20%26%20Energy");
    }
}
