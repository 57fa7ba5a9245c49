//! Articles and their parts: the outlet that published them ([`Provider`]), their images
//! ([`Image`]), the private provenance kept encrypted in a record ([`Provenance`]) and other
//! coverage of the same story listed beside them ([`Coverage`]).
//!
//! An [`Article`] is one piece of coverage; its id comes from [`article_id`] over its canonical
//! URL (or its text when it has no URL), so the same piece always gets the same id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The outlet that published a piece: its display name and registrable domain.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// Display name, e.g. `Business Times`.
    pub name: String,
    /// Registrable domain, e.g. `businesstimes.com.sg`.
    pub domain: String,
}

/// An image of a piece; the lead image comes first in a list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// A copy is held in our image cache.
    pub is_cached: bool,
}

/// Private part of a record, encrypted into `secured`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    /// The URL the piece was fetched from (may differ from its canonical URL).
    pub source_url: Option<String>,
    /// The feed that listed it; may carry an access token, hence private.
    pub feed_url: Option<String>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// Hash of the fetched content, to notice changes.
    pub content_hash: Option<String>,
}

/// Another piece of coverage of the same story (Techmeme's "More:"), as in a record's `related`
/// list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub title: String,
    pub excerpt: String,
    pub published_date_time: Option<DateTime<Utc>>,
    pub web_url: String,
    /// `article`, `video`, `podcast`, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub provider: Provider,
    /// 0–100.
    pub quality: Option<u8>,
    pub images: Vec<Image>,
}

/// One piece of coverage: what a record holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    /// 16 lowercase hex chars, see [`article_id`].
    pub id: String,
    /// `news`, `opinion`, `press-release`, `analysis`, ...
    pub category: String,
    pub title: String,
    pub excerpt: String,
    /// Plain text of the article (the record body, kept verbatim).
    pub body: String,
    pub published_date_time: Option<DateTime<Utc>>,
    pub original_url: Option<String>,
    pub web_url: Option<String>,
    /// Record field `type`: `article`, `video`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// 0–100.
    pub quality: Option<u8>,
    /// 0–100, or -1 = not scored.
    pub heat: i32,
    /// Editorial flag: shown on the public front page and feeds.
    pub published: bool,
    pub provider: Provider,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub topics: Vec<String>,
    pub images: Vec<Image>,
    pub provenance: Provenance,
    /// A `secured` value we could not (or did not) decrypt, kept verbatim.
    pub secured_verbatim: Option<String>,
}

impl Article {
    /// Removes control characters, which no outlet means to publish and which would reach a
    /// reader's terminal or page as commands (ESC sequences, BEL): one-line fields lose every
    /// control character (line breaks and tabs become spaces), the body keeps its line breaks
    /// and tabs. Idempotent.
    pub fn scrub_controls(&mut self) {
        for field in [
            &mut self.title,
            &mut self.excerpt,
            &mut self.category,
            &mut self.kind,
            &mut self.provider.name,
            &mut self.provider.domain,
        ] {
            scrub_line(field);
        }
        for field in self.authors.iter_mut().chain(self.topics.iter_mut()) {
            scrub_line(field);
        }
        if let Some(language) = &mut self.language {
            scrub_line(language);
        }
        if self
            .body
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        {
            self.body
                .retain(|c| !c.is_control() || matches!(c, '\n' | '\t' | '\r'));
        }
    }
}

fn scrub_line(text: &mut String) {
    if text.chars().any(char::is_control) {
        *text = text
            .chars()
            .filter_map(|c| match c {
                '\n' | '\t' | '\r' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
    }
}

/// The stable id of a piece of coverage: 16 lowercase hex chars of the XXH3-64 of `key`.
///
/// `key` is the canonical URL, or the text when the piece has no URL.
pub fn article_id(key: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_scrubbed_and_line_breaks_kept_in_the_body() {
        let mut article = Article {
            title: "Evil \u{1b}]0;pwned\u{7} title\u{1b}[2J\nhere\u{9b}".into(),
            body: "First\u{1b}[31m line\n\tSecond\u{7} line\r\n".into(),
            authors: vec!["A\u{0}B".into()],
            provider: Provider {
                name: "Out\u{8}let".into(),
                domain: "example.org".into(),
            },
            ..Article::default()
        };
        article.scrub_controls();
        assert_eq!(article.title, "Evil ]0;pwned title[2J here");
        assert_eq!(article.body, "First[31m line\n\tSecond line\r\n");
        assert_eq!(article.authors, ["AB"]);
        assert_eq!(article.provider.name, "Outlet");
        let once = article.clone();
        article.scrub_controls();
        assert_eq!(article, once);
    }

    #[test]
    fn article_id_is_sixteen_lowercase_hex_chars() {
        let id = article_id("https://example.com/a");
        assert_eq!(id.len(), 16);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn article_id_depends_on_key() {
        assert_eq!(article_id("a"), article_id("a"));
        assert_ne!(article_id("a"), article_id("b"));
    }

    #[test]
    fn coverage_kind_serializes_as_type() {
        let c = Coverage {
            kind: "video".into(),
            ..Coverage::default()
        };
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["type"], "video");
        assert!(json.get("webUrl").is_some());
    }
}
