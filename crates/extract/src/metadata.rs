//! Article metadata: headline, authors, dates, lead image, description, site name, canonical
//! URL and language.
//!
//! Sources, most trusted first: schema.org JSON-LD ([`crate::jsonld`]), OpenGraph and
//! `article:*` meta properties, other meta names (`author`, `description`, `date`, Dublin
//! Core, Parse.ly, Sailthru), `<link rel=canonical>`, `<html lang>`, then the page body itself:
//! the `<h1>`, `<time datetime>` elements and byline elements (`rel=author`, `itemprop=author`,
//! classes such as `byline`). Headlines lose their site suffix ("Harbour reopens | Example
//! Times" -> "Harbour reopens", also "…ㅣ예시일보"); a masthead `<h1>` (the site's name linking
//! home) is never the headline, and a headline cut short by its CMS gives way to the whole one.
//! Authors are people: a byline's "By"/"Posted by:", e-mail addresses, dates written after the
//! name and placeholders ("Staff") are dropped, and the outlet's own name counts only when no
//! source names anyone else. A time written without a zone takes the zone of the page's other
//! dates; when none has one it stays a local time with its zone unknown.

use dom_query::local_name;

use crate::dates::{Precision, StatedDate, find_day, parse_stated};
use crate::dom::{NodeKind, Page};
use crate::entities;
use crate::jsonld::{ArticleData, read_article_data};

/// Metadata found on a page, before the main text is chosen.
#[derive(Debug, Default, Clone)]
pub(crate) struct PageMetadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<StatedDate>,
    pub modified: Option<StatedDate>,
    pub image: Option<String>,
    pub description: Option<String>,
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    /// JSON-LD's `articleBody`, to be checked against the page before it is trusted.
    pub article_body: Option<String>,
    /// Whether JSON-LD or OpenGraph call the page an article.
    pub declared_article: bool,
    /// The section the page files the article under (`article:section`, JSON-LD).
    pub section: Option<String>,
    /// The kind of piece JSON-LD declares beyond news (`opinion`, `analysis`, `review`).
    pub genre: Option<&'static str>,
}

/// Meta values by name, the first value of each kept.
#[derive(Default)]
struct MetaTags {
    entries: Vec<(String, String)>,
}

impl MetaTags {
    fn get(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| {
            self.entries
                .iter()
                .find(|(key, value)| key == name && !value.trim().is_empty())
                .map(|(_, value)| value.trim().to_string())
        })
    }
}

/// Reads the page's metadata.
pub(crate) fn read_metadata(page: &Page) -> PageMetadata {
    let mut meta = MetaTags::default();
    let mut ld_blocks: Vec<String> = Vec::new();
    let mut html_title: Option<String> = None;
    let mut canonical: Option<String> = None;
    let mut language: Option<String> = None;
    let mut h1s: Vec<Heading> = Vec::new();
    let mut time_values: Vec<String> = Vec::new();
    let mut byline: Vec<String> = Vec::new();
    let mut author_link: Option<String> = None;
    let mut date_text: Option<StatedDate> = None;
    let mut texts_after_h1 = 0usize;

    let mut index = 0;
    while index < page.nodes.len() {
        if let NodeKind::Text(text) = &page.nodes[index].kind {
            if date_text.is_none() && texts_after_h1 < DATE_TEXT_WINDOW {
                date_text = stated_date(text);
            }
            if h1s.iter().any(|heading| !heading.masthead) {
                texts_after_h1 += 1;
            }
            index += 1;
            continue;
        }
        let NodeKind::Element { tag, .. } = &page.nodes[index].kind else {
            index += 1;
            continue;
        };
        match *tag {
            local_name!("html") => {
                language = page.attr(index, "lang").map(str::to_string);
            }
            local_name!("meta") => {
                let key = page
                    .attr(index, "property")
                    .or_else(|| page.attr(index, "name"))
                    .or_else(|| page.attr(index, "itemprop"))
                    .or_else(|| page.attr(index, "http-equiv"));
                if let (Some(key), Some(value)) = (key, page.attr(index, "content"))
                    && meta.entries.len() < 512
                {
                    meta.entries
                        .push((key.to_ascii_lowercase(), value.to_string()));
                }
            }
            local_name!("link") => {
                let rel = page.attr(index, "rel").unwrap_or_default();
                if rel.eq_ignore_ascii_case("canonical") && canonical.is_none() {
                    canonical = page.attr(index, "href").map(str::to_string);
                }
            }
            local_name!("title") if html_title.is_none() => {
                html_title = Some(page.text_of(index));
            }
            local_name!("script") => {
                let kind = page.attr(index, "type").unwrap_or_default();
                if kind.eq_ignore_ascii_case("application/ld+json") && ld_blocks.len() < 32 {
                    ld_blocks.push(page.text_of_raw(index));
                }
                index = page.after_subtree(index);
                continue;
            }
            local_name!("style") | local_name!("svg") | local_name!("noscript") => {
                index = page.after_subtree(index);
                continue;
            }
            local_name!("h1") if h1s.len() < MAX_HEADINGS => {
                let text = page.text_of(index);
                if !text.is_empty() {
                    h1s.push(Heading {
                        masthead: is_masthead(page, index),
                        text,
                    });
                }
            }
            local_name!("time") if time_values.len() < MAX_TIMES => {
                time_values.push(
                    page.attr(index, "datetime")
                        .map(str::to_string)
                        .unwrap_or_else(|| page.text_of(index)),
                );
            }
            _ => {}
        }
        if byline.len() < MAX_BYLINES && is_byline(page, index) {
            let text = page.text_of(index);
            if let Some(name) = clean_byline(&text) {
                byline.push(name);
            }
        }
        if author_link.is_none() && is_author_link(page, index) {
            author_link = clean_byline(&page.text_of(index))
                .filter(|name| (1..=4).contains(&name.split_whitespace().count()));
        }
        index += 1;
    }

    let data: ArticleData = read_article_data(ld_blocks.iter().map(String::as_str));
    let site_name = meta
        .get(&["og:site_name", "application-name", "twitter:site"])
        .map(|name| name.trim_start_matches('@').to_string())
        .or_else(|| data.publisher.clone());

    let meta_headline = meta.get(&["og:title", "twitter:title", "title", "dc.title"]);
    // A headline cut short (a CMS's length limit) gives way to the same headline written out.
    let headline = match (data.headline.clone(), meta_headline) {
        (Some(short), Some(long))
            if completes(&strip_site_suffix(&long, site_name.as_deref()), &short) =>
        {
            Some(strip_site_suffix(&long, site_name.as_deref()))
        }
        (Some(headline), _) | (None, Some(headline)) => Some(headline),
        (None, None) => None,
    }
    .map(|headline| entities::decode(&headline));
    let declared_article = data.is_article
        || meta
            .get(&["og:type"])
            .is_some_and(|kind| kind.eq_ignore_ascii_case("article"));
    let title = choose_title(
        &h1s,
        declared_article,
        headline.as_deref(),
        html_title.as_deref(),
        site_name.as_deref(),
    );

    let canonical_url = canonical.or_else(|| meta.get(&["og:url"])).or(data.url);
    let outlet = Outlet::new(
        [site_name.as_deref(), data.publisher.as_deref()],
        canonical_url.as_deref(),
    );
    let meta_author = meta.get(&[
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "byl",
    ]);
    // Sources, most trusted first; each byline element is a source of its own. JSON-LD gives
    // names one by one; the others are byline text, to be split into names.
    let sources: Vec<(Vec<String>, bool)> = [
        (data.authors.clone(), false),
        (
            meta_author
                .filter(|name| !name.starts_with("http"))
                .into_iter()
                .collect(),
            true,
        ),
    ]
    .into_iter()
    .chain(byline.into_iter().map(|text| (vec![text], true)))
    .chain(std::iter::once((author_link.into_iter().collect(), true)))
    .collect();
    // The outlet's own name is an author only when no source names anyone else.
    let authors = [false, true]
        .into_iter()
        .find_map(|outlet_allowed| {
            sources
                .iter()
                .map(|(names, split)| author_names(names, *split, &outlet, outlet_allowed))
                .find(|names| !names.is_empty())
        })
        .unwrap_or_default();

    // Every date the page states, to lend its zone to a published time written without one.
    let stated = |value: Option<&str>| value.and_then(parse_stated);
    let published_meta = meta.get(&[
        "article:published_time",
        "og:published_time",
        "datepublished",
        "publishdate",
        "publish-date",
        "pubdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
    ]);
    let modified_meta = meta.get(&[
        "article:modified_time",
        "og:updated_time",
        "datemodified",
        "last-modified",
    ]);
    let times: Vec<StatedDate> = time_values
        .iter()
        .filter_map(|value| parse_stated(value))
        .collect();
    let published = stated(data.published.as_deref())
        .or_else(|| stated(published_meta.as_deref()))
        .or_else(|| times.first().copied())
        .or(date_text);
    let modified = stated(data.modified.as_deref()).or_else(|| stated(modified_meta.as_deref()));
    let zone = [
        stated(data.published.as_deref()),
        stated(data.modified.as_deref()),
        stated(published_meta.as_deref()),
        stated(modified_meta.as_deref()),
    ]
    .into_iter()
    .flatten()
    .chain(times.iter().copied())
    .find_map(|date| match date.precision {
        Precision::Zoned(offset) => Some(offset),
        Precision::Local | Precision::Day => None,
    });
    let (published, modified) = match zone {
        Some(offset) => (
            published.map(|date| date.in_zone(offset)),
            modified.map(|date| date.in_zone(offset)),
        ),
        None => (published, modified),
    };

    let title = title.map(|title| entities::decode(&title));
    PageMetadata {
        title,
        authors,
        published,
        modified,
        image: meta
            .get(&[
                "og:image",
                "og:image:url",
                "twitter:image",
                "twitter:image:src",
            ])
            .or(data.image),
        description: meta
            .get(&["og:description", "description", "twitter:description"])
            .or(data.description)
            .map(|description| entities::decode(&description)),
        site_name: site_name.map(|name| entities::decode(&name)),
        canonical_url,
        language: language
            .or(data.language)
            .or_else(|| meta.get(&["content-language", "og:locale"]))
            .map(|lang| lang.replace('_', "-")),
        article_body: data.body,
        declared_article,
        section: meta
            .get(&["article:section"])
            .or(data.section)
            .map(|section| entities::decode(&section)),
        genre: data.genre,
    }
}

/// How many `<h1>` elements are read: a masthead may come before the headline.
const MAX_HEADINGS: usize = 8;
/// How many byline elements are read (the first may hold only "By" or the outlet's name).
const MAX_BYLINES: usize = 4;
/// How many `<time>` elements are read for dates and their zone.
const MAX_TIMES: usize = 16;

/// An `<h1>` of the page.
struct Heading {
    text: String,
    /// Whether it is the site's masthead (a link home, or marked as the site's title or logo)
    /// rather than the story's headline.
    masthead: bool,
}

/// Whether the `<h1>` at `index` is the site's masthead: blogs and many CMSs put the site's
/// name in an `<h1>` linking home above the story's own `<h1>`.
fn is_masthead(page: &Page, index: usize) -> bool {
    let marked = page.attr(index, "class").is_some_and(|class| {
        let class = class.to_ascii_lowercase();
        [
            "site-title",
            "site-name",
            "sitename",
            "logo",
            "masthead",
            "brand",
        ]
        .iter()
        .any(|mark| class.contains(mark))
    });
    marked
        || (index + 1..page.after_subtree(index)).any(|inner| {
            page.is(inner, &local_name!("a")) && page.attr(inner, "href").is_some_and(links_home)
        })
}

/// Whether a link points at a site's front page (`/`, `https://example.com/`).
fn links_home(href: &str) -> bool {
    let href = href.trim();
    if href == "/" || href == "./" {
        return true;
    }
    let Some(rest) = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))
        .or_else(|| href.strip_prefix("//"))
    else {
        return false;
    };
    rest.split_once('/').is_none_or(|(_, path)| path.is_empty())
}

/// Picks the headline: an `<h1>` when the declared headline or `<title>` agree with it,
/// otherwise the declared headline, otherwise `<title>` without its site suffix. Mastheads and
/// headings that are only the site's name are never the headline; a later `<h1>` agrees only
/// when it is about as long as the declared headline (a short heading inside the story is not
/// its headline).
fn choose_title(
    headings: &[Heading],
    article: bool,
    headline: Option<&str>,
    html_title: Option<&str>,
    site_name: Option<&str>,
) -> Option<String> {
    let declared = headline
        .map(|headline| strip_site_suffix(headline, site_name))
        .or_else(|| html_title.map(|title| strip_site_suffix(title, site_name)))
        .filter(|title| !title.is_empty());
    let site = site_name.map(normalized).unwrap_or_default();
    let candidates: Vec<&str> = headings
        .iter()
        .filter(|heading| {
            !heading.masthead && heading.text.len() <= 300 && normalized(&heading.text) != site
        })
        .map(|heading| heading.text.as_str())
        .collect();
    let declared_words = declared
        .as_deref()
        .map_or(0, |title| title.split_whitespace().count());
    for (position, h1) in candidates.iter().enumerate() {
        let h1_words = normalized(h1);
        let agrees = !h1_words.is_empty()
            && ([headline, html_title].into_iter().flatten().any(|other| {
                let words = normalized(other);
                words.contains(&h1_words) || h1_words.contains(&words) || completes(h1, other)
            }) || declared
                .as_deref()
                .is_some_and(|declared| h1_words.starts_with(&normalized(declared))));
        let long_enough = position == 0 || h1.split_whitespace().count() * 2 >= declared_words;
        if agrees && long_enough {
            // "Index funds" over "Index Funds: How to Invest": on an article, the heading is the
            // headline cut at its colon, and the declared headline is the whole of it.
            if let Some(declared) = declared.as_deref()
                && article
                && cut_at_colon(h1, declared)
            {
                return Some(declared.to_string());
            }
            return Some((*h1).to_string());
        }
    }
    match (declared, candidates.first()) {
        (None, Some(h1)) => Some((*h1).to_string()),
        (declared, _) => declared,
    }
}

/// Whether `long` is `short` written out, `short` being visibly cut: inside a word ("…laptop,
/// and k" of "…laptop, and keyboard") or after an opening bracket ("… (Including").
fn completes(long: &str, short: &str) -> bool {
    let long_words = normalized(long);
    let short_words = normalized(short);
    if short_words.split(' ').count() < 3
        || long_words.len() <= short_words.len()
        || !long_words.starts_with(&short_words)
    {
        return false;
    }
    let cut_in_word = long_words[short_words.len()..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    let open_bracket = short.matches(['(', '[']).count() > short.matches([')', ']']).count();
    cut_in_word || open_bracket
}

/// Whether `short` is `long` up to a colon ("Index funds" of "Index Funds: How to Invest").
fn cut_at_colon(short: &str, long: &str) -> bool {
    long.split_once(':').is_some_and(|(head, rest)| {
        !rest.trim().is_empty()
            && !normalized(short).is_empty()
            && normalized(head) == normalized(short)
    })
}

fn normalized(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes " | Site", " - Site" and similar suffixes from a headline, also as pages in other
/// scripts write them ("…-정치ㅣ한국일보": a full-width bar before the site, a section after a
/// bare dash).
pub(crate) fn strip_site_suffix(title: &str, site_name: Option<&str>) -> String {
    let spaced = title.replace('\u{a0}', " ");
    let title = spaced.trim();
    let long_head = |head: &str| {
        head.split_whitespace().count() >= 3 || (!head.is_ascii() && head.chars().count() >= 8)
    };
    for separator in [
        " | ", " - ", " – ", " — ", " :: ", " · ", " » ", "ㅣ", "｜", "︱", "丨", " ｜ ",
    ] {
        if let Some(position) = title.rfind(separator) {
            let (head, tail) = (&title[..position], &title[position + separator.len()..]);
            let tail_is_site = site_name.is_some_and(|site| {
                normalized(tail).contains(&normalized(site))
                    || normalized(site).contains(&normalized(tail))
            });
            let tail_words = tail.split_whitespace().count();
            if tail_is_site || (tail_words <= 4 && long_head(head)) {
                return without_section(head.trim());
            }
        }
    }
    title.to_string()
}

/// "…기자회견-정치" -> "…기자회견": a one-word section after a bare dash, in a script other
/// than Latin (a Latin headline keeps its hyphenated words).
fn without_section(head: &str) -> String {
    if let Some((text, section)) = head.rsplit_once('-')
        && !section.is_empty()
        && section.chars().count() <= 4
        && section.chars().all(|c| c.is_alphabetic() && !c.is_ascii())
        && text.chars().count() >= 8
    {
        return text.trim().to_string();
    }
    head.to_string()
}

/// Whether an element looks like a byline (author name holder).
fn is_byline(page: &Page, index: usize) -> bool {
    if page
        .attr(index, "rel")
        .is_some_and(|rel| rel.contains("author"))
    {
        return true;
    }
    if page
        .attr(index, "itemprop")
        .is_some_and(|prop| prop == "author")
    {
        return true;
    }
    let class = page.attr(index, "class").unwrap_or_default();
    let id = page.attr(index, "id").unwrap_or_default();
    // The microformat's and most themes' own class for the post's author ("author vcard").
    if class.split_whitespace().any(|token| {
        [
            "author",
            "post-author",
            "entry-author",
            "article-author",
            "article__author",
        ]
        .iter()
        .any(|mark| token.eq_ignore_ascii_case(mark))
    }) {
        return true;
    }
    [class, id].iter().any(|value| {
        (contains_ignore_case(value, "byline")
            || contains_ignore_case(value, "author-name")
            || contains_ignore_case(value, "author__name"))
            && !contains_ignore_case(value, "bio")
    })
}

/// How many text nodes after the headline may still state the page's date.
const DATE_TEXT_WINDOW: usize = 40;

/// A text node that is a date, perhaps after a label ("Published on July 18, 2025", "Last
/// updated: Dec 12, 2025", "12 November 2025") or among a few words ("Dec. 19, 2025 · Ada
/// Quill"): what pages without date markup show.
fn stated_date(text: &str) -> Option<StatedDate> {
    let text = text
        .trim()
        .trim_matches(['|', '•', '·', '-', '–', ','])
        .trim();
    // Every date read here names its year: a line with fewer than four digits is passed over
    // before any parsing (this runs on most short lines of a page).
    if text.len() < 8
        || text.len() > PROSE_DATE_CHARS
        || text.bytes().filter(u8::is_ascii_digit).count() < 4
    {
        return None;
    }
    let lower = text.to_lowercase();
    let mut rest = lower.as_str();
    for label in [
        "published on",
        "published",
        "last updated on",
        "last updated",
        "updated on",
        "updated",
        "posted on",
        "posted",
        "date",
        "on",
    ] {
        if let Some(after) = rest.strip_prefix(label) {
            rest = after.trim_start_matches(':').trim();
            break;
        }
    }
    parse_stated(rest).or_else(|| {
        // A short line holding a date among a few other words (a byline with its date).
        let words = text.split_whitespace().count();
        (text.len() <= PROSE_DATE_CHARS && words <= PROSE_DATE_WORDS && !is_sentence(text))
            .then(|| find_day(text))
            .flatten()
    })
}

/// Whether a line reads as a sentence of the story rather than a byline or a date line: it ends
/// like a sentence, or has several lower-case words besides the labels dates come with.
fn is_sentence(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "on",
        "at",
        "by",
        "and",
        "of",
        "updated",
        "published",
        "posted",
        "submitted",
        "last",
        "modified",
        "am",
        "pm",
        "min",
        "read",
        "edited",
    ];
    let lower_words = text
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| {
            word.chars().next().is_some_and(char::is_lowercase)
                && word.chars().all(char::is_alphabetic)
                && !LABELS.contains(word)
        })
        .count();
    text.trim_end().ends_with(['.', '!', '?']) && lower_words > 0 || lower_words > 2
}

/// The longest line, and the most words, in which a date among other words is looked for.
const PROSE_DATE_CHARS: usize = 80;
const PROSE_DATE_WORDS: usize = 10;

/// Whether an element is a link to an author's page (`/author/ada-quill/`, the WordPress and
/// most CMSs' convention): its text is the author's name.
fn is_author_link(page: &Page, index: usize) -> bool {
    page.is(index, &local_name!("a"))
        && page.attr(index, "href").is_some_and(|href| {
            ["/author/", "/authors/"]
                .iter()
                .any(|part| contains_ignore_case(href, part))
        })
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Words that introduce a byline ("By", "Written by:", "Von"), matched without case and
/// with or without a colon.
const BYLINE_PREFIXES: &[&str] = &[
    "written by",
    "posted by",
    "published by",
    "reported by",
    "story by",
    "words by",
    "articles by",
    "authors",
    "author",
    "by",
    "von",
    "par",
    "por",
    "door",
];

/// Names that are a role or a placeholder, not a person or an organisation that wrote the
/// piece.
const PLACEHOLDER_AUTHORS: &[&str] = &[
    "staff",
    "admin",
    "administrator",
    "editor",
    "editors",
    "webmaster",
    "guest",
    "anonymous",
    "unknown",
    "author",
    "redaktion",
    "rédaction",
];

/// Turns byline text ("By Ada Quill, Staff Writer") into a name; `None` when it does not look
/// like one (nothing but "By", "Posted by:", a role or placeholder).
pub(crate) fn clean_byline(text: &str) -> Option<String> {
    let mut name = text
        .trim()
        .trim_start_matches([',', ';', ':', '-', '–', '—', '|', '·'])
        .trim();
    loop {
        let stripped = BYLINE_PREFIXES.iter().find_map(|prefix| {
            let head = name.get(..prefix.len())?;
            let rest = name.get(prefix.len()..)?;
            let ends_word = rest.is_empty() || rest.starts_with([' ', ':', '\u{a0}', '\n']);
            (head.eq_ignore_ascii_case(prefix) && ends_word)
                .then(|| rest.trim_start_matches([':', ' ', '\u{a0}', '\n']).trim())
        });
        match stripped {
            Some(rest) => name = rest,
            None => break,
        }
    }
    let name = name
        .split(['|', '\n', '•'])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches([',', '.', ':'])
        .trim();
    let words = name.split_whitespace().count();
    if name.is_empty() || words > 12 || name.len() > 120 {
        return None;
    }
    Some(name.to_string())
}

/// The outlet a page belongs to, by its names and its address: a byline that only names the
/// outlet does not name an author.
pub(crate) struct Outlet {
    /// Its names (site name, publisher) as [`normalized`] words.
    names: Vec<String>,
    /// The labels of its host name ("example", "news" of `news.example.com`), lower-cased.
    labels: Vec<String>,
}

impl Outlet {
    pub(crate) fn new<'a>(
        names: impl IntoIterator<Item = Option<&'a str>>,
        url: Option<&str>,
    ) -> Outlet {
        let names = names
            .into_iter()
            .flatten()
            .map(normalized)
            .filter(|name| !name.is_empty())
            .collect();
        let host = url
            .and_then(|url| url.split_once("//"))
            .map(|(_, rest)| rest.split(['/', '?', '#', ':']).next().unwrap_or_default())
            .unwrap_or_default();
        let labels = host
            .split('.')
            .filter(|label| label.len() >= 4 && *label != "www")
            .map(str::to_ascii_lowercase)
            .collect();
        Outlet { names, labels }
    }

    /// Whether `name` is the outlet itself ("USA TODAY", "Example Times", "exampletimes.com").
    fn is_named(&self, name: &str) -> bool {
        let words = normalized(name);
        if words.is_empty() {
            return false;
        }
        let squashed: String = words.split_whitespace().collect();
        let squashed = squashed.trim_end_matches("com").trim_end_matches("org");
        self.names.contains(&words) || self.labels.iter().any(|label| label == squashed)
    }

    /// "Ada Quill USA TODAY" -> "Ada Quill": the outlet's name written after a person's.
    fn without_trailing_name(&self, name: &str) -> String {
        let words: Vec<&str> = name.split_whitespace().collect();
        for outlet in &self.names {
            let count = outlet.split_whitespace().count();
            if count == 0 || words.len() < count + 2 {
                continue;
            }
            let tail = words[words.len() - count..].join(" ");
            if normalized(&tail) == *outlet {
                return words[..words.len() - count]
                    .join(" ")
                    .trim_end_matches([',', '|', '-', '–', '—', '/'])
                    .trim()
                    .to_string();
            }
        }
        name.to_string()
    }
}

/// The authors one source gives (JSON-LD names, a meta tag, byline texts): cleaned, split into
/// names when `split`, and without what is not a person's or a contributor's name: e-mail
/// addresses, handles made of digits, dates, roles such as "Staff", and the outlet's own name
/// unless `outlet_allowed`.
fn author_names(raw: &[String], split: bool, outlet: &Outlet, outlet_allowed: bool) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for text in raw {
        let text = entities::decode(text);
        let Some(cleaned) = clean_byline(&text) else {
            continue;
        };
        let cleaned =
            without_trailing_date(&outlet.without_trailing_name(&without_emails(&cleaned)));
        if cleaned.is_empty() || !plausible_author(&cleaned) {
            continue;
        }
        let whole_is_outlet = outlet.is_named(&cleaned);
        if whole_is_outlet && !outlet_allowed {
            continue;
        }
        let parts = if split && !whole_is_outlet {
            split_names(&cleaned)
        } else {
            vec![cleaned]
        };
        for name in parts {
            if plausible_author(&name)
                && (outlet_allowed || !outlet.is_named(&name))
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
    }
    names
}

/// Removes e-mail addresses (and the brackets around them) from a byline.
fn without_emails(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| {
            let word = word.trim_matches(['(', ')', '<', '>', '[', ']', ',', ';']);
            !(word.contains('@') && word.contains('.'))
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches([',', ';', '(', '<', '-'])
        .trim()
        .to_string()
}

/// Month names as bylines write them, full and short.
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

/// A byline without the date written after the name: "Ada Quill on Friday December 19",
/// "Ada Quill Updated March 13, 2024", "Ada QuillDec 18" (name and date in adjacent elements)
/// all give "Ada Quill". Empty when the text starts with a date or an update note.
fn without_trailing_date(name: &str) -> String {
    let mut name = name.trim();
    for marker in ["updated", "published", "posted", "last modified"] {
        if let Some(position) = find_word_ignore_case(name, marker) {
            name = name[..position].trim();
        }
    }
    if let Some((head, tail)) = name.split_once(" on ")
        && (tail.bytes().any(|b| b.is_ascii_digit()) || names_a_day(tail))
    {
        name = head.trim();
    }
    // A month name followed only by a day, a year and punctuation ends the text.
    for month in MONTHS {
        let mut from = 0;
        while let Some(found) = name[from..].find(month) {
            let start = from + found;
            let rest = &name[start + month.len()..];
            let dated = rest.starts_with([' ', '.'])
                && rest.bytes().any(|b| b.is_ascii_digit())
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || " ,.:-–".contains(c) || c == '\u{a0}');
            let starts_word = name[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_uppercase());
            if dated && starts_word {
                name = name[..start].trim();
                break;
            }
            from = start + month.len();
        }
    }
    name.trim_end_matches([',', '|', '-', '–', '—', '·'])
        .trim()
        .to_string()
}

/// Where `word` starts in `text` as a whole word, ignoring ASCII case.
fn find_word_ignore_case(text: &str, word: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(word) {
        let start = from + found;
        let end = start + word.len();
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        if before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
        {
            return Some(start);
        }
        from = end;
    }
    None
}

/// Whether a text starts with a weekday or a month name.
fn names_a_day(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches([',', '.'])
        .to_ascii_lowercase();
    first.len() >= 3
        && [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
        .iter()
        .any(|day| day.starts_with(&first))
}

/// Words that never belong to a name: a byline element caught with a forum's post furniture
/// or a link such as "View more posts".
const NOT_NAME_WORDS: &[&str] = &[
    "posts", "view", "wrote", "offline", "online", "messages", "reaction", "score", "location",
    "joined", "replies", "comments",
];

/// Whether a cleaned name can be an author.
fn plausible_author(name: &str) -> bool {
    if name.split_whitespace().any(|word| {
        let word = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        NOT_NAME_WORDS.contains(&word.as_str())
    }) {
        return false;
    }
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    let digits = name.chars().filter(|c| c.is_ascii_digit()).count();
    if letters < 2 || digits * 2 > letters || name.starts_with("http") {
        return false;
    }
    let lower = name.to_lowercase();
    if PLACEHOLDER_AUTHORS.contains(&lower.as_str()) {
        return false;
    }
    !(digits > 0 && (parse_stated(name).is_some() || names_a_day(name)))
}

/// Splits "Ada Quill and Ben Ode" / "Ada Quill, Ben Ode" into names.
fn split_names(text: &str) -> Vec<String> {
    text.split(" and ")
        .flat_map(|part| part.split(['&', ',']))
        .map(str::trim)
        .filter(|part| {
            !part.is_empty() && part.split_whitespace().count() <= 5 && !part.contains("Staff")
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_opengraph_meta_and_time() {
        let page = Page::parse(
            r#"<html lang="en-GB"><head><title>Harbour reopens after storm | Example Times</title>
            <meta property="og:site_name" content="Example Times">
            <meta property="og:image" content="https://example.org/lead.jpg">
            <meta name="description" content="The harbour is open again.">
            <meta name="author" content="Ada Quill">
            <link rel="canonical" href="https://example.org/harbour">
            </head><body><h1>Harbour reopens after storm</h1>
            <time datetime="2024-05-01T10:00:00+02:00">1 May</time></body></html>"#,
        );
        let meta = read_metadata(&page);
        assert_eq!(meta.title.as_deref(), Some("Harbour reopens after storm"));
        assert_eq!(meta.authors, vec!["Ada Quill"]);
        assert_eq!(meta.site_name.as_deref(), Some("Example Times"));
        assert_eq!(
            meta.canonical_url.as_deref(),
            Some("https://example.org/harbour")
        );
        assert_eq!(meta.language.as_deref(), Some("en-GB"));
        assert_eq!(
            meta.published.map(|d| d.instant.to_rfc3339()),
            Some("2024-05-01T08:00:00+00:00".to_string())
        );
        assert_eq!(meta.image.as_deref(), Some("https://example.org/lead.jpg"));
    }

    #[test]
    fn strips_site_suffixes_but_keeps_real_dashes() {
        assert_eq!(
            strip_site_suffix("Rates rise again - Reuters", None),
            "Rates rise again"
        );
        assert_eq!(
            strip_site_suffix("Harbour news | Example Times", Some("Example Times")),
            "Harbour news"
        );
        assert_eq!(
            strip_site_suffix("Jazz - a history", None),
            "Jazz - a history"
        );
        assert_eq!(
            strip_site_suffix("항구 재개장 발표 기자회견-정치ㅣ예시일보", Some("예시일보")),
            "항구 재개장 발표 기자회견"
        );
        assert_eq!(
            strip_site_suffix("港口重新开放丨示例日报", Some("示例日报")),
            "港口重新开放"
        );
        assert_eq!(
            strip_site_suffix("Self-driving trucks arrive", None),
            "Self-driving trucks arrive"
        );
    }

    #[test]
    fn an_author_page_link_names_the_author() {
        let page = Page::parse(
            r#"<html><body><h1>Harbour reopens</h1><div class="meta">Written by
            <a href="/author/ada-quill/">Ada Quill</a> on 1 May</div>
            <p>The harbour reopened.</p></body></html>"#,
        );
        assert_eq!(read_metadata(&page).authors, vec!["Ada Quill"]);
        let page = Page::parse(
            r#"<html><body><a href="/author/ada-quill/">See every story this author has written for us over the years</a></body></html>"#,
        );
        assert!(read_metadata(&page).authors.is_empty());
    }

    #[test]
    fn a_date_shown_near_the_headline_is_the_publication_date() {
        let page = Page::parse(
            r#"<html><body><h1>Harbour reopens</h1><div><span>By Ada Quill</span>
            <span>Published on July 18, 2025</span></div>
            <p>The harbour reopened in 2024, on a Monday.</p></body></html>"#,
        );
        assert_eq!(
            read_metadata(&page)
                .published
                .map(|d| d.instant.to_rfc3339()),
            Some("2025-07-18T00:00:00+00:00".to_string())
        );
        let page = Page::parse(
            r#"<html><body><h1>Harbour reopens</h1><p>The harbour reopened on July 18, 2025.</p></body></html>"#,
        );
        assert_eq!(read_metadata(&page).published, None);
    }

    #[test]
    fn bylines_lose_their_prefix() {
        assert_eq!(
            clean_byline("By Ada Quill, "),
            Some("Ada Quill".to_string())
        );
        assert_eq!(clean_byline(&"word ".repeat(40)), None);
        assert_eq!(
            clean_byline("Written By: Tom Ayre"),
            Some("Tom Ayre".to_string())
        );
        assert_eq!(clean_byline("Posted by:"), None);
        assert_eq!(clean_byline("By"), None);
        assert_eq!(
            clean_byline("Bystander Ode"),
            Some("Bystander Ode".to_string())
        );
    }

    #[test]
    fn authors_are_people_not_the_outlet_an_address_or_a_date() {
        let outlet = Outlet::new(
            [Some("USA Gazette"), Some("Harbour Ledger Group")],
            Some("https://www.harbourledger.example/a"),
        );
        let names = |raw: &[&str], split: bool, allowed: bool| {
            let raw: Vec<String> = raw.iter().map(|name| name.to_string()).collect();
            author_names(&raw, split, &outlet, allowed)
        };
        assert!(names(&[", USA Gazette"], false, false).is_empty());
        assert!(names(&["HarbourLedger"], false, false).is_empty());
        assert_eq!(names(&["HarbourLedger"], false, true), ["HarbourLedger"]);
        assert_eq!(
            names(&["Ada Quill USA Gazette"], true, false),
            ["Ada Quill"]
        );
        assert_eq!(
            names(&["Ada Quill (ada@harbourledger.example)"], true, false),
            ["Ada Quill"]
        );
        assert!(names(&["news@harbourledger.example"], true, true).is_empty());
        assert!(names(&["Sat, 20 Dec, 2025 - 06:36"], true, true).is_empty());
        assert!(names(&["Staff"], true, true).is_empty());
        assert!(names(&["262588213843476"], true, true).is_empty());
        assert_eq!(names(&["Ben OdeDec 18"], true, false), ["Ben Ode"]);
        assert_eq!(
            names(&["Ben Ode on Friday December 19"], true, false),
            ["Ben Ode"]
        );
        assert_eq!(
            names(&["Ada Quill Updated March 13, 2024"], true, false),
            ["Ada Quill"]
        );
        assert_eq!(
            names(&["Ada Quill and Ben Ode"], true, false),
            ["Ada Quill", "Ben Ode"]
        );
    }

    #[test]
    fn headlines_cut_short_or_at_a_colon_are_recognised() {
        assert!(completes(
            "Desk set-up: monitor, laptop, and keyboard",
            "Desk set-up: monitor, laptop, and k"
        ));
        assert!(completes(
            "Four readers find solutions (including one trick)",
            "Four readers find solutions (including"
        ));
        assert!(!completes(
            "Learn web development | web.dev",
            "Learn web development"
        ));
        assert!(cut_at_colon("Index funds", "Index Funds: How to invest"));
        assert!(!cut_at_colon("Index funds", "Index funds explained"));
    }
}
