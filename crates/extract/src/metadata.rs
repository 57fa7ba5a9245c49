//! Article metadata: headline, authors, dates, lead image, description, site name, canonical
//! URL and language.
//!
//! Sources, most trusted first: schema.org JSON-LD ([`crate::jsonld`]), OpenGraph and
//! `article:*` meta properties, other meta names (`author`, `description`, `date`, Dublin
//! Core, Parse.ly, Sailthru), `<link rel=canonical>`, `<html lang>`, then the page body itself:
//! the `<h1>`, `<time datetime>` elements and byline elements (`rel=author`, `itemprop=author`,
//! classes such as `byline`). Headlines lose their site suffix ("Harbour reopens | Example
//! Times" -> "Harbour reopens").

use chrono::{DateTime, Utc};
use dom_query::local_name;

use crate::dates::parse_date;
use crate::dom::{NodeKind, Page};
use crate::entities;
use crate::jsonld::{ArticleData, read_article_data};

/// Metadata found on a page, before the main text is chosen.
#[derive(Debug, Default, Clone)]
pub(crate) struct PageMetadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
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
    let mut h1: Option<String> = None;
    let mut time_value: Option<String> = None;
    let mut byline: Vec<String> = Vec::new();
    let mut author_link: Option<String> = None;
    let mut date_text: Option<DateTime<Utc>> = None;
    let mut texts_after_h1 = 0usize;

    let mut index = 0;
    while index < page.nodes.len() {
        if let NodeKind::Text(text) = &page.nodes[index].kind {
            if date_text.is_none() && texts_after_h1 < DATE_TEXT_WINDOW {
                date_text = stated_date(text);
            }
            if h1.is_some() {
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
            local_name!("h1") if h1.is_none() => {
                let text = page.text_of(index);
                if !text.is_empty() {
                    h1 = Some(text);
                }
            }
            local_name!("time") if time_value.is_none() => {
                time_value = page
                    .attr(index, "datetime")
                    .map(str::to_string)
                    .or_else(|| Some(page.text_of(index)));
            }
            _ => {}
        }
        if byline.is_empty() && is_byline(page, index) {
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

    let headline = data
        .headline
        .clone()
        .or_else(|| meta.get(&["og:title", "twitter:title", "title", "dc.title"]))
        .map(|headline| entities::decode(&headline));
    let title = choose_title(
        h1.as_deref(),
        headline.as_deref(),
        html_title.as_deref(),
        site_name.as_deref(),
    );

    let mut authors = data.authors.clone();
    if authors.is_empty()
        && let Some(author) = meta.get(&[
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "byl",
        ])
        && let Some(name) = clean_byline(&author).filter(|name| !name.starts_with("http"))
    {
        authors.extend(split_names(&name));
    }
    if authors.is_empty() {
        authors = byline.iter().flat_map(|name| split_names(name)).collect();
    }
    if authors.is_empty() {
        authors.extend(author_link);
    }

    let published = data
        .published
        .as_deref()
        .and_then(parse_date)
        .or_else(|| {
            meta.get(&[
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
            ])
            .as_deref()
            .and_then(parse_date)
        })
        .or_else(|| time_value.as_deref().and_then(parse_date))
        .or(date_text);
    let modified = data.modified.as_deref().and_then(parse_date).or_else(|| {
        meta.get(&[
            "article:modified_time",
            "og:updated_time",
            "datemodified",
            "last-modified",
        ])
        .as_deref()
        .and_then(parse_date)
    });

    let declared_article = data.is_article
        || meta
            .get(&["og:type"])
            .is_some_and(|kind| kind.eq_ignore_ascii_case("article"));

    let title = title.map(|title| entities::decode(&title));
    let authors = authors.iter().map(|name| entities::decode(name)).collect();
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
        canonical_url: canonical.or_else(|| meta.get(&["og:url"])).or(data.url),
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

/// Picks the headline: the `<h1>` when the declared headline or `<title>` agree with it,
/// otherwise the declared headline, otherwise `<title>` without its site suffix.
fn choose_title(
    h1: Option<&str>,
    headline: Option<&str>,
    html_title: Option<&str>,
    site_name: Option<&str>,
) -> Option<String> {
    let declared = headline
        .map(|headline| strip_site_suffix(headline, site_name))
        .or_else(|| html_title.map(|title| strip_site_suffix(title, site_name)))
        .filter(|title| !title.is_empty());
    if let Some(h1) = h1.filter(|h1| h1.len() <= 300) {
        let h1_words = normalized(h1);
        let agrees = [headline, html_title].into_iter().flatten().any(|other| {
            let other = normalized(other);
            !h1_words.is_empty() && (other.contains(&h1_words) || h1_words.contains(&other))
        });
        if agrees || declared.is_none() {
            return Some(h1.to_string());
        }
    }
    declared
}

fn normalized(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes " | Site", " - Site" and similar suffixes (and "Site: " prefixes) from a headline.
pub(crate) fn strip_site_suffix(title: &str, site_name: Option<&str>) -> String {
    let title = title.trim();
    for separator in [" | ", " - ", " – ", " — ", " :: ", " · ", " » "] {
        if let Some(position) = title.rfind(separator) {
            let (head, tail) = (&title[..position], &title[position + separator.len()..]);
            let tail_is_site = site_name.is_some_and(|site| {
                normalized(tail).contains(&normalized(site))
                    || normalized(site).contains(&normalized(tail))
            });
            let tail_words = tail.split_whitespace().count();
            if tail_is_site || (tail_words <= 4 && head.split_whitespace().count() >= 3) {
                return head.trim().to_string();
            }
        }
    }
    title.to_string()
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
    [class, id].iter().any(|value| {
        (contains_ignore_case(value, "byline")
            || contains_ignore_case(value, "author-name")
            || contains_ignore_case(value, "author__name"))
            && !contains_ignore_case(value, "bio")
    })
}

/// How many text nodes after the headline may still state the page's date.
const DATE_TEXT_WINDOW: usize = 40;

/// A text node that is only a date, perhaps after a label ("Published on July 18, 2025",
/// "Last updated: Dec 12, 2025", "12 November 2025"): what pages without date markup show.
fn stated_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text
        .trim()
        .trim_matches(['|', '•', '·', '-', '–', ','])
        .trim();
    if text.len() < 8 || text.len() > 48 || !text.bytes().any(|b| b.is_ascii_digit()) {
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
    parse_date(rest)
}

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

/// Turns byline text ("By Ada Quill, Staff Writer") into a name; `None` when it does not look
/// like one.
pub(crate) fn clean_byline(text: &str) -> Option<String> {
    let mut name = text.trim();
    for prefix in [
        "By ",
        "by ",
        "BY ",
        "Written by ",
        "Posted by ",
        "Author: ",
        "Von ",
        "Par ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            name = rest.trim();
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

/// Splits "Ada Quill and Ben Ode" / "Ada Quill, Ben Ode" into names.
fn split_names(text: &str) -> Vec<String> {
    text.split(" and ")
        .flat_map(|part| part.split(','))
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
            meta.published.map(|d| d.to_rfc3339()),
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
            read_metadata(&page).published.map(|d| d.to_rfc3339()),
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
    }
}
