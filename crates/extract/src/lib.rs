//! storyline-extract: turns a fetched page into an article, without I/O.
//!
//! [`extract`] takes HTML and returns an [`Extraction`]: the main text (and sanitized HTML for
//! display), headline, authors, dates, lead image, description, site name, canonical URL,
//! language, and a confidence in 0..1. A page that yields no article says so: empty text and
//! confidence 0, never invented content. [`clean_plain_text`] does the same job for plain-text
//! articles (headline line, boilerplate lines, syndication footer).
//!
//! [`charset`] turns bytes from any input into text, by one rule for fetched pages, files and
//! standard input (no I/O: it is given the bytes).
//!
//! Modules, in pipeline order: [`nesting`] guards against pathological depth; [`dom`] parses into a compact arena; [`metadata`] (with
//! [`jsonld`] and [`dates`]) reads what the page declares; [`held`] reads article text held
//! outside the visible markup (in scripts, or as markup in a declared body); [`boilerplate`] knows what news pages
//! carry besides the story; [`content`] scores and chooses the story's blocks ([`records`] finds listings' runs of items); [`render`] turns
//! them into text and safe HTML; [`sanitize`] rebuilds stored HTML safely for display; [`confidence`] rates the result; [`templates`]
//! learns a site's recurring blocks across its pages.

mod boilerplate;
pub mod charset;
mod confidence;
mod content;
mod dates;
mod dom;
mod entities;
mod held;
mod jsonld;
mod metadata;
mod nesting;
mod plain;
mod records;
mod render;
mod sanitize;
mod templates;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use dates::parse_date;
pub use entities::decode as decode_entities;
pub use plain::{PlainArticle, ProviderHint, clean_plain_text};
pub use sanitize::safe_html;
pub use templates::SiteTemplates;

/// What extraction found on one page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extraction {
    /// The headline, without the site's suffix.
    pub title: Option<String>,
    /// The main text: paragraphs separated by blank lines. Empty when the page has no article.
    pub text: String,
    /// The main content as sanitized HTML (paragraphs, headings, lists, quotes).
    pub html: String,
    /// Author names, in byline order.
    pub authors: Vec<String>,
    /// When the page says it was published. A time the page writes without a zone is placed
    /// in the zone of the page's other dates; when none has one, it is held as if it were UTC
    /// and [`Extraction::published_zone_unknown`] says so.
    pub published: Option<DateTime<Utc>>,
    /// The UTC offset (seconds east) the page states `published` in, so that its own calendar
    /// day and clock time can be told; `None` for a day alone or a time whose zone is unknown.
    pub published_offset: Option<i32>,
    /// Whether `published` is a wall-clock time whose zone the page does not give: its day is
    /// the page's, its instant may be off by the page's distance from UTC.
    pub published_zone_unknown: bool,
    /// When the page says it was last modified.
    pub modified: Option<DateTime<Utc>>,
    /// The lead image URL (absolute when the page URL is known).
    pub image: Option<String>,
    /// The page's own summary (OpenGraph or meta description).
    pub description: Option<String>,
    /// The outlet's name as the page gives it.
    pub site_name: Option<String>,
    /// The canonical URL the page declares (absolute when the page URL is known).
    pub canonical_url: Option<String>,
    /// The page's language tag (`en`, `en-GB`).
    pub language: Option<String>,
    /// The section the page files the article under ("Opinion", "Markets").
    pub section: Option<String>,
    /// The kind of piece the page's structured data declares beyond news: `opinion`,
    /// `analysis` or `review` (schema.org's `OpinionNewsArticle` and kin).
    pub genre: Option<String>,
    /// How sure the extractor is that `text` is the page's article, 0..1.
    pub confidence: f32,
}

impl Extraction {
    /// The calendar day the page gives as its publication date, in the page's own zone.
    pub fn published_day(&self) -> Option<chrono::NaiveDate> {
        let published = self.published?;
        let offset = self
            .published_offset
            .and_then(chrono::FixedOffset::east_opt)
            .unwrap_or(chrono::FixedOffset::east_opt(0)?);
        Some(published.with_timezone(&offset).date_naive())
    }
}

/// Per-call options.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// The page's URL, to resolve relative links (image, canonical URL, links in `html`).
    pub url: Option<String>,
}

/// Extracts the article from an HTML page. Never fails and never panics: any input gives an
/// [`Extraction`], empty with confidence 0 when there is no article.
pub fn extract(html: &str, options: &ExtractOptions) -> Extraction {
    extract_page(html, options, None)
}

/// Like [`extract`], and also drops text blocks that `templates` has seen recur across the
/// site's pages. When that would remove nearly all of the text (the page is itself mostly a
/// repeat), the page is extracted as if no templates were known.
pub fn extract_with_templates(
    html: &str,
    options: &ExtractOptions,
    templates: &SiteTemplates,
) -> Extraction {
    extract_page(html, options, Some(templates))
}

/// Whether a first choice reads poorly enough to weigh second choices: it reads as
/// fragments or references. Weighed on pages declared as articles only: a listing's or a
/// shop's content is made of fragments.
fn reads_poorly(shape: &confidence::Shape) -> bool {
    shape.fragment_penalty() >= POOR_PENALTY
}

/// Whether `other` reads clearly better than `first`: much less of it is fragments, link
/// items or references, most of it is prose, and it keeps a fair part of the first's prose.
fn reads_better(other: &confidence::Shape, first: &confidence::Shape) -> bool {
    other.fragment_penalty() + SECOND_CHOICE_GAIN <= first.fragment_penalty()
        && other.prose >= SECOND_CHOICE_MIN_PROSE
        && other.prose_share() >= 0.6
        && other.prose as f32 >= 0.4 * first.prose as f32
}

/// The discount ([`confidence::Shape::penalty`]) from which second choices are weighed …
const POOR_PENALTY: f32 = 0.25;
/// … and by how much less a second choice must be discounted to replace the first …
const SECOND_CHOICE_GAIN: f32 = 0.2;
/// … holding at least this many characters of prose.
const SECOND_CHOICE_MIN_PROSE: u32 = 300;

/// The visible page's prose (characters) below which script-held markup is looked for …
const HELD_MAX_VISIBLE_PROSE: u32 = 300;
/// … and the prose a held story must have to be taken (and at least twice the visible).
const HELD_MIN_PROSE: u32 = 500;

fn extract_page(
    html: &str,
    options: &ExtractOptions,
    templates: Option<&SiteTemplates>,
) -> Extraction {
    let guarded = nesting::guard(html);
    let page = dom::Page::parse(&guarded);
    let meta = metadata::read_metadata(&page);
    let config = content::ScoringConfig::default();
    let mut selection = content::select(&page, &config, meta.declared_article);
    let mut blocks = render::text_blocks(&page, &selection);
    let mut shape = confidence::Shape::of(&blocks);
    // A first choice that reads poorly (captions, link items, references, a few lines of a
    // large page) is weighed against the second choices; the most article-like is kept.
    if meta.declared_article && reads_poorly(&shape) {
        for other in content::second_choices(&page, &config, meta.declared_article, &selection) {
            let other_blocks = render::text_blocks(&page, &other);
            let other_shape = confidence::Shape::of(&other_blocks);
            if reads_better(&other_shape, &shape) {
                selection = other;
                blocks = other_blocks;
                shape = other_shape;
            }
        }
    }
    let mut held_evidence = None;
    if meta.declared_article && shape.prose < HELD_MAX_VISIBLE_PROSE {
        // An article whose visible page has no article-like prose (navigation, a shell
        // waiting for its script): a story the scripts hold as markup is the article, when it
        // has prose. (A shop's or a listing's scripts hold product and item descriptions.)
        for body in held::script_bodies(&guarded) {
            let held_page = dom::Page::parse(&nesting::guard(&body));
            let held_selection = content::select(&held_page, &config, true);
            let held_blocks = render::text_blocks(&held_page, &held_selection);
            let held_shape = confidence::Shape::of(&held_blocks);
            if held_shape.prose >= HELD_MIN_PROSE && held_shape.prose >= 2 * shape.prose {
                held_evidence = Some((
                    held_selection.paragraphs,
                    held_selection.best_score,
                    held_selection.prose_share(),
                ));
                blocks = held_blocks;
                break;
            }
        }
    }
    if let Some(declared) = meta
        .article_body
        .as_deref()
        .and_then(|body| render::declared_body_blocks(&page, &blocks, body))
    {
        blocks = declared;
    }
    // Print headers and share boxes write out the page's own address; it is not the story.
    let own_addresses = [meta.canonical_url.as_deref(), options.url.as_deref()];
    blocks.retain(|block| !render::is_own_address(&block.text, &own_addresses));
    if let Some(templates) = templates {
        let words = |blocks: &[render::TextBlock]| -> usize {
            blocks
                .iter()
                .map(|block| block.text.split_whitespace().count())
                .sum()
        };
        let kept: Vec<render::TextBlock> = blocks
            .iter()
            .filter(|block| !templates.is_boilerplate(&block.text))
            .cloned()
            .collect();
        if words(&kept) * 5 >= words(&blocks) {
            blocks = kept;
        }
    }
    let text = render::plain_text(&blocks);
    let html = render::block_html(&blocks);
    let (paragraphs, best_score, prose_share) = held_evidence.unwrap_or((
        selection.paragraphs,
        selection.best_score,
        selection.prose_share(),
    ));
    let confidence = confidence::rate(&confidence::Evidence {
        text: &text,
        paragraphs,
        best_score,
        declared_article: meta.declared_article,
        has_title: meta.title.is_some(),
        shape: confidence::Shape::of(&blocks),
        prose_share,
    });
    let base = options.url.as_deref();
    Extraction {
        title: meta.title,
        text,
        html,
        authors: meta.authors,
        published: meta.published.map(|date| date.instant),
        published_offset: meta.published.and_then(|date| match date.precision {
            dates::Precision::Zoned(offset) => Some(offset.local_minus_utc()),
            dates::Precision::Local | dates::Precision::Day => None,
        }),
        published_zone_unknown: meta
            .published
            .is_some_and(|date| date.precision == dates::Precision::Local),
        modified: meta.modified.map(|date| date.instant),
        image: meta.image.map(|image| sanitize::absolute(&image, base)),
        description: meta.description,
        site_name: meta.site_name,
        canonical_url: meta.canonical_url.map(|url| sanitize::absolute(&url, base)),
        language: meta.language,
        section: meta.section,
        genre: meta.genre.map(str::to_string),
        confidence,
    }
}
