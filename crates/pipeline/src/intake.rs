//! From a raw document to an article: records through the record codec, HTML pages through
//! the extractor, plain text through the plain-text cleaner. No storage and no clustering
//! here: the output is an [`Incoming`] article for the conductor.

use storyline_extract::{ExtractOptions, Extraction, clean_plain_text, extract};
use storyline_ingest::files::{FileKind, RawFile};
use storyline_model::{Article, Image, Keyring, Provider, Record, article_id};

/// The provider name of an article whose outlet nothing names.
pub const UNKNOWN_PROVIDER: &str = "Unknown";

/// An article on its way into the store.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub article: Article,
    /// Sanitized HTML for display, when the source was HTML.
    pub html: Option<String>,
    /// The record text, when the article came from a record (its `related` list and unknown
    /// fields are read back from it at export).
    pub source_record: Option<String>,
    /// Share of the input that was boilerplate, 0–1 (feeds quality).
    pub boilerplate_ratio: f32,
    /// Built from a feed item's own text because its page could not be had.
    pub feed_only: bool,
    /// Work done ahead of the writer ([`crate::Preparer`]); computed by the writer when
    /// absent.
    pub prepared: Option<crate::conductor::Prepared>,
}

/// Why a document did not become an article.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("{0}")]
    Record(#[from] storyline_model::RecordError),
    #[error("no article text found (extraction confidence {confidence:.2})")]
    NoText { confidence: f32 },
    #[error("no headline and no text")]
    Empty,
}

/// The kind of piece (news, analysis, opinion, press release …): what the page declares
/// (its structured data's type, its section, `sections` from a feed), then its URL and the
/// shape of its text (`storyline_analyze::judge::category`).
pub fn judge_category(
    extraction: Option<&Extraction>,
    sections: &[String],
    url: Option<&str>,
    title: &str,
    body: &str,
) -> String {
    let mut all: Vec<String> = extraction
        .and_then(|e| e.section.clone())
        .into_iter()
        .collect();
    all.extend(sections.iter().cloned());
    storyline_analyze::judge::category(&storyline_analyze::judge::CategoryInput {
        declared: extraction.and_then(|e| e.genre.as_deref()),
        sections: &all,
        url,
        title,
        body,
    })
    .to_string()
}

/// Extraction below this confidence with less than [`MIN_WORDS`] words is not an article.
const MIN_CONFIDENCE: f32 = 0.15;
const MIN_WORDS: usize = 40;

/// Turns a classified file into an article.
pub fn from_file(file: &RawFile, keyring: &Keyring) -> Result<Incoming, IntakeError> {
    let origin = file.path.display().to_string();
    let mut incoming = match file.kind {
        FileKind::Record => from_record(&file.text, &origin, keyring),
        FileKind::Html => from_html(&file.text, None),
        FileKind::PlainText => from_plain_text(&file.text),
    }?;
    let provenance = &mut incoming.article.provenance;
    if provenance.source_url.is_none() && incoming.article.secured_verbatim.is_none() {
        let absolute = std::fs::canonicalize(&file.path).unwrap_or_else(|_| file.path.clone());
        provenance.source_url = url::Url::from_file_path(&absolute).ok().map(String::from);
        provenance.fetched_at = Some(chrono::Utc::now());
    }
    Ok(incoming)
}

/// A record in our own format.
pub fn from_record(text: &str, origin: &str, keyring: &Keyring) -> Result<Incoming, IntakeError> {
    let record = Record::parse(text, origin)?;
    let article = record.to_article(Some(keyring))?;
    Ok(Incoming {
        article,
        html: None,
        source_record: Some(text.to_string()),
        boilerplate_ratio: 0.0,
        feed_only: false,
        prepared: None,
    })
}

/// Whether an extraction holds an article: some text, and either enough confidence or enough
/// words. The one rule for pages from files and from the web.
pub fn has_article_text(extraction: &Extraction) -> bool {
    !extraction.text.trim().is_empty()
        && (extraction.confidence >= MIN_CONFIDENCE
            || extraction.text.split_whitespace().count() >= MIN_WORDS)
}

/// An HTML page, optionally with the URL it was fetched from. Built as a fetched page is
/// ([`crate::web::from_page`]), with no feed item beside it.
pub fn from_html(html: &str, url: Option<&str>) -> Result<Incoming, IntakeError> {
    let extraction = extract(
        html,
        &ExtractOptions {
            url: url.map(str::to_string),
        },
    );
    if !has_article_text(&extraction) {
        return Err(IntakeError::NoText {
            confidence: extraction.confidence,
        });
    }
    crate::web::from_page(url, extraction)
}

/// The headline of a text that has none: when the text reports a funding round or an
/// acquisition, one naming its parties from the facts it states ("Alibaba leads $1 billion
/// funding round in Moonshot AI"); otherwise `first_sentence`, the text's own opening.
pub fn derived_headline(first_sentence: &str, body: &str) -> String {
    use storyline_analyze::judge;
    judge::deal_facts("", body)
        .as_ref()
        .and_then(judge::deal_headline)
        .unwrap_or_else(|| first_sentence.to_string())
}

/// A plain-text article (first line as headline when it is one; boilerplate removed).
pub fn from_plain_text(text: &str) -> Result<Incoming, IntakeError> {
    let plain = clean_plain_text(text);
    if plain.title.trim().is_empty() && plain.body.trim().is_empty() {
        return Err(IntakeError::Empty);
    }
    let (name, domain) = match &plain.provider {
        Some(hint) => (hint.name.clone(), hint.domain.clone().unwrap_or_default()),
        None => (UNKNOWN_PROVIDER.to_string(), String::new()),
    };
    let removed_chars: usize = plain.removed.iter().map(|l| l.len()).sum();
    let total = removed_chars + plain.body.len();
    // the id stays what the text gives, whatever headline is shown
    let id = article_id_for(None, &name, &plain.title, &plain.body);
    let title = if plain.title_was_derived {
        derived_headline(&plain.title, &plain.body)
    } else {
        plain.title
    };
    let article = Article {
        id,
        category: judge_category(None, &[], None, &title, &plain.body),
        excerpt: storyline_analyze::judge::excerpt(&plain.body, 300),
        title,
        body: plain.body,
        kind: "article".into(),
        heat: -1,
        published: true,
        provider: Provider { name, domain },
        ..Article::default()
    };
    Ok(Incoming {
        article,
        html: None,
        source_record: None,
        boilerplate_ratio: if total == 0 {
            0.0
        } else {
            removed_chars as f32 / total as f32
        },
        feed_only: false,
        prepared: None,
    })
}

/// An article's id: from its canonical URL; without one, from the outlet and the text, so
/// the same wire text printed by two outlets gives two articles (one a syndicated copy of
/// the other).
pub fn article_id_for(web_url: Option<&str>, provider: &str, title: &str, body: &str) -> String {
    match web_url {
        Some(url) => article_id(url),
        None => article_id(&format!("{provider}\n{title}\n{body}")),
    }
}

/// Gives `provider` to an article that names no outlet (a record keeps its own, and its id).
/// An article without an address is identified by its outlet, title and body, so its id is
/// computed again with the outlet it now has.
pub fn name_unknown_provider(incoming: &mut Incoming, provider: &Provider) {
    let article = &mut incoming.article;
    let unknown = article.provider.domain.is_empty()
        && (article.provider.name.is_empty() || article.provider.name == UNKNOWN_PROVIDER);
    if incoming.source_record.is_some() || !unknown {
        return;
    }
    article.provider = provider.clone();
    if article.web_url.is_none() {
        article.id = article_id_for(None, &provider.name, &article.title, &article.body);
    }
}

/// The lead image as found on the page or in the feed: not yet fetched or measured.
pub fn unmeasured_image(url: Option<String>) -> Vec<Image> {
    url.into_iter()
        .map(|url| Image {
            url,
            width: None,
            height: None,
            is_cached: false,
        })
        .collect()
}

/// Query parameters that only track readers; removed from canonical URLs.
const TRACKING_PARAMS: &[&str] = &[
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "cmpid",
    "ocid",
    "smid",
    "taid",
];

/// Removes tracking parameters and the fragment from a URL; other URLs pass unchanged.
pub fn clean_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw.trim()) else {
        return raw.trim().to_string();
    };
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !TRACKING_PARAMS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// Two-part public suffixes common in news domains (`co.uk`, `com.sg`, …).
const SECOND_LEVEL: &[&str] = &[
    "co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go",
];

/// The registrable domain of a URL's host (`www.businesstimes.com.sg` → `businesstimes.com.sg`).
pub fn registrable_domain(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return Some(host);
    }
    let labels: Vec<&str> = host.split('.').collect();
    let keep = match labels.as_slice() {
        [.., second, top] if top.len() == 2 && SECOND_LEVEL.contains(second) => 3,
        _ => 2,
    };
    Some(labels[labels.len().saturating_sub(keep)..].join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_without_a_headline_is_headed_by_the_deal_it_reports() {
        let text = "Harbourline Group Ltd. is the main backer of the largest financing of a Nordic \
                    robotics firm so far.\n\nThe shipping giant led the funding in Veltro Robotics, \
                    with the $80 million round lifting its valuation to $600 million, people \
                    familiar with the deal said. The company makes warehouse robots.\n";
        let incoming = from_plain_text(text).expect("an article");
        assert_eq!(
            incoming.article.title,
            "Harbourline leads $80 million funding round in Veltro Robotics"
        );
        // a text that reports no deal keeps its own opening
        let plain = from_plain_text(
            "The Kesvik Philharmonic named Ada Lind its principal conductor on Friday, after a \
             search that took two seasons and drew candidates from nine countries and three \
             continents.\n\nLind, 41, starts in September.\n",
        )
        .expect("an article");
        assert!(
            plain
                .article
                .title
                .starts_with("The Kesvik Philharmonic named Ada Lind"),
            "{}",
            plain.article.title
        );
        // the id is the text's, whatever headline is shown
        assert_eq!(
            incoming.article.id,
            from_plain_text(text).expect("an article").article.id
        );
    }

    #[test]
    fn tracking_parameters_and_fragments_are_removed() {
        assert_eq!(
            clean_url("https://news.example/a?id=7&utm_source=x&fbclid=y#top"),
            "https://news.example/a?id=7"
        );
        assert_eq!(
            clean_url("https://news.example/a?utm_medium=rss"),
            "https://news.example/a"
        );
        assert_eq!(clean_url("not a url"), "not a url");
    }

    #[test]
    fn registrable_domains_keep_two_level_suffixes() {
        assert_eq!(
            registrable_domain("https://www.businesstimes.com.sg/x").as_deref(),
            Some("businesstimes.com.sg")
        );
        assert_eq!(
            registrable_domain("https://m.bbc.co.uk/").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            registrable_domain("https://siliconangle.com/a").as_deref(),
            Some("siliconangle.com")
        );
        assert_eq!(registrable_domain("nope"), None);
    }
}
