//! Structured data from `<script type="application/ld+json">` blocks.
//!
//! Publishers describe their article with schema.org JSON-LD: a `NewsArticle` (or `Article`,
//! `BlogPosting`, `ReportageNewsArticle` …) with `headline`, `author`, `datePublished`,
//! `dateModified`, `image`, `description`, `publisher`, `inLanguage` and sometimes the full
//! `articleBody`. Blocks may hold one object, an array, or an `@graph`; malformed JSON is
//! skipped. [`ArticleData`] is what the first article-typed object says.

use serde_json::Value;

/// What JSON-LD says about the page's article.
#[derive(Debug, Default, Clone)]
pub(crate) struct ArticleData {
    pub headline: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub image: Option<String>,
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub body: Option<String>,
    pub language: Option<String>,
    pub url: Option<String>,
    /// `articleSection` (the first one when several are given).
    pub section: Option<String>,
    /// The kind of piece the article's schema.org type declares (`opinion`, `analysis`,
    /// `review`); `None` for plain news types.
    pub genre: Option<&'static str>,
    /// Whether the object is typed as an article (not only a `WebPage`).
    pub is_article: bool,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "TechArticle",
    "ScholarlyArticle",
    "LiveBlogPosting",
    "Report",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Recipe",
];

/// Reads every JSON-LD block (its raw text) and merges what the article objects say.
pub(crate) fn read_article_data<'a>(blocks: impl Iterator<Item = &'a str>) -> ArticleData {
    let mut data = ArticleData::default();
    let mut page_level = ArticleData::default();
    for block in blocks {
        // Pages sometimes wrap the JSON in comments or CDATA; trim what cannot be JSON.
        let trimmed = block
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        let Ok(value) = serde_json::from_str::<Value>(trimmed) else {
            continue;
        };
        let mut objects = Vec::new();
        collect_objects(&value, &mut objects);
        for object in objects {
            let types = type_names(object);
            if types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) {
                if !data.is_article {
                    data = read_object(object);
                    data.is_article = true;
                    data.genre = types.iter().find_map(|t| genre_of_type(t));
                }
            } else if types.iter().any(|t| t == "WebPage" || t.ends_with("Page")) {
                let found = read_object(object);
                merge_missing(&mut page_level, found);
            } else if types
                .iter()
                .any(|t| t == "Organization" || t == "NewsMediaOrganization")
                && page_level.publisher.is_none()
            {
                page_level.publisher = string_of(object.get("name"));
            }
        }
    }
    merge_missing(&mut data, page_level);
    data
}

/// The kind of piece a schema.org article type names, beyond plain news.
fn genre_of_type(name: &str) -> Option<&'static str> {
    match name {
        "OpinionNewsArticle" => Some("opinion"),
        "AnalysisNewsArticle" | "BackgroundNewsArticle" => Some("analysis"),
        "ReviewNewsArticle" => Some("review"),
        _ => None,
    }
}

fn merge_missing(into: &mut ArticleData, from: ArticleData) {
    macro_rules! fill {
        ($($field:ident),*) => { $( if into.$field.is_none() { into.$field = from.$field; } )* };
    }
    fill!(
        headline,
        published,
        modified,
        image,
        description,
        publisher,
        language,
        url,
        section
    );
    if into.authors.is_empty() {
        into.authors = from.authors;
    }
}

/// Walks arrays and `@graph`s (iteratively: JSON-LD can be deep) and collects the objects.
fn collect_objects<'a>(value: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    let mut stack = vec![(value, 0usize)];
    while let Some((value, depth)) = stack.pop() {
        if depth > 8 || out.len() > 256 {
            continue;
        }
        match value {
            Value::Array(items) => stack.extend(items.iter().rev().map(|item| (item, depth + 1))),
            Value::Object(map) => {
                if let Some(graph) = map.get("@graph") {
                    stack.push((graph, depth + 1));
                }
                if map.contains_key("@type") {
                    out.push(map);
                    // An article nested as the page's main entity.
                    if let Some(main) = map.get("mainEntity") {
                        stack.push((main, depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
}

fn type_names(object: &serde_json::Map<String, Value>) -> Vec<String> {
    match object.get("@type") {
        Some(Value::String(name)) => vec![name.clone()],
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|name| name.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn read_object(object: &serde_json::Map<String, Value>) -> ArticleData {
    ArticleData {
        headline: string_of(object.get("headline")).or_else(|| string_of(object.get("name"))),
        authors: names_of(object.get("author")),
        published: string_of(object.get("datePublished"))
            .or_else(|| string_of(object.get("dateCreated"))),
        modified: string_of(object.get("dateModified")),
        image: url_of(object.get("image")).or_else(|| url_of(object.get("thumbnailUrl"))),
        description: string_of(object.get("description")),
        publisher: object
            .get("publisher")
            .and_then(|publisher| names_of(Some(publisher)).into_iter().next()),
        body: string_of(object.get("articleBody"))
            .or_else(|| string_of(object.get("text")))
            .map(|body| crate::held::body_text(&body)),
        language: string_of(object.get("inLanguage")),
        url: string_of(object.get("url")).or_else(|| url_of(object.get("mainEntityOfPage"))),
        section: string_of(object.get("articleSection")),
        genre: None,
        is_article: false,
    }
}

/// A plain string value (first item of an array), trimmed; `None` when empty.
fn string_of(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(text) => text.trim().to_string(),
        Value::Array(items) => return items.iter().find_map(|item| string_of(Some(item))),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A URL given as a string, an `ImageObject` (`url`) or a list of either.
fn url_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => (!text.trim().is_empty()).then(|| text.trim().to_string()),
        Value::Array(items) => items.iter().find_map(|item| url_of(Some(item))),
        Value::Object(map) => url_of(map.get("url")).or_else(|| url_of(map.get("@id"))),
        _ => None,
    }
}

/// Person or organisation names given as strings, objects with `name`, or lists of either.
fn names_of(value: Option<&Value>) -> Vec<String> {
    let mut names = Vec::new();
    let Some(value) = value else {
        return names;
    };
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items.into_iter().take(16) {
        let name = match item {
            Value::String(text) => Some(text.trim().to_string()),
            Value::Object(map) => string_of(map.get("name")),
            _ => None,
        };
        if let Some(name) = name.filter(|name| !name.is_empty() && !name.starts_with("http"))
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_news_article_from_a_graph() {
        let block = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebPage","name":"Site page","url":"https://example.org/a"},
            {"@type":"NewsArticle","headline":"Harbour reopens","datePublished":"2024-05-01T10:00:00Z",
             "author":[{"@type":"Person","name":"Ada Quill"},{"name":"Ben Ode"}],
             "image":{"@type":"ImageObject","url":"https://example.org/i.jpg"},
             "publisher":{"@type":"Organization","name":"Example Times"},
             "articleBody":"The harbour reopened today."}]}"#;
        let data = read_article_data(std::iter::once(block));
        assert!(data.is_article);
        assert_eq!(data.headline.as_deref(), Some("Harbour reopens"));
        assert_eq!(data.authors, vec!["Ada Quill", "Ben Ode"]);
        assert_eq!(data.image.as_deref(), Some("https://example.org/i.jpg"));
        assert_eq!(data.publisher.as_deref(), Some("Example Times"));
        assert_eq!(data.body.as_deref(), Some("The harbour reopened today."));
        assert_eq!(data.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(data.genre, None);
    }

    #[test]
    fn reads_the_kind_of_piece_and_its_section() {
        let block = r#"{"@type":["OpinionNewsArticle"],"headline":"Keep the harbour open",
                        "articleSection":["Comment","Local"]}"#;
        let data = read_article_data(std::iter::once(block));
        assert!(data.is_article);
        assert_eq!(data.genre, Some("opinion"));
        assert_eq!(data.section.as_deref(), Some("Comment"));
        let report = read_article_data(std::iter::once(r#"{"@type":"ReportageNewsArticle"}"#));
        assert!(report.is_article);
        assert_eq!(report.genre, None);
    }

    #[test]
    fn a_body_written_as_markup_is_read_as_paragraphs() {
        let block = r#"{"@type":"NewsArticle","articleBody":"<p>The harbour reopened.</p><p>Boats&nbsp;returned &amp; trade resumed.</p>"}"#;
        let data = read_article_data(std::iter::once(block));
        assert_eq!(
            data.body.as_deref(),
            Some("The harbour reopened.\nBoats returned & trade resumed.")
        );
    }

    #[test]
    fn skips_malformed_and_deep_blocks() {
        let deep = "[".repeat(100_000);
        let data = read_article_data(["{not json", deep.as_str()].into_iter());
        assert!(!data.is_article);
        assert!(data.headline.is_none());
    }
}
