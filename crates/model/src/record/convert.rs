//! Between records and the domain types: a record's known fields read as an [`Article`] and its
//! `related` list as [`Coverage`]; an article written as a record, or merged into an existing
//! one.
//!
//! Reading checks types and ranges and names the field and line of any mistake
//! (`related[1].quality`). Merging ([`Record::apply_article`]) changes only the values that
//! differ, keeps unknown fields where they are, removes known fields the article no longer has
//! and inserts new ones at their place in the seeds' order (with the seeds' blank-line groups).
//!
//! The `secured` field: with a keyring, it is opened into [`Article::provenance`]; if it cannot
//! be opened (or no keyring is given) it is kept verbatim in [`Article::secured_verbatim`]. On
//! writing, a non-empty provenance is sealed (reusing the existing value when it already holds
//! that provenance, so saving twice does not churn); otherwise the verbatim value is written back
//! unchanged. Without a keyring a provenance is never written: a new record gets the verbatim
//! value (if any), an existing record keeps the `secured` value it has.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};

use super::Record;
use super::error::{Problem, RecordError};
use super::tree::{Entry, Mapping, Node, Scalar, ScalarStyle, Sequence};
use crate::secured::Keyring;
use crate::{Article, Coverage, Image, Provenance, Provider, article_id};

/// Longest headline a record may carry (headlines run to a few hundred characters).
pub const MAX_TITLE_CHARS: usize = 1_000;

/// Most topics one article may carry.
pub const MAX_TOPICS: usize = 100;

/// Most authors one article may name.
pub const MAX_AUTHORS: usize = 100;

/// Top-level fields storyline knows, in the order it writes them.
pub const ARTICLE_FIELDS: &[&str] = &[
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "originalUrl",
    "webUrl",
    "type",
    "quality",
    "heat",
    "published",
    "language",
    "provider",
    "authors",
    "topics",
    "images",
    "related",
    "secured",
];
const PROVIDER_FIELDS: &[&str] = &["name", "domain"];
const IMAGE_FIELDS: &[&str] = &["url", "width", "height", "isCached"];
const COVERAGE_FIELDS: &[&str] = &[
    "title",
    "excerpt",
    "publishedDateTime",
    "webUrl",
    "type",
    "provider",
    "quality",
    "images",
];

/// Category of a record that names none.
pub const DEFAULT_CATEGORY: &str = "news";
/// `type` of a record that names none.
pub const DEFAULT_KIND: &str = "article";

/// The key an article's id is computed from: its web URL, else its original URL, else its
/// title and body.
pub fn article_key(
    web_url: Option<&str>,
    original_url: Option<&str>,
    title: &str,
    body: &str,
) -> String {
    match web_url
        .filter(|u| !u.is_empty())
        .or(original_url.filter(|u| !u.is_empty()))
    {
        Some(url) => url.to_owned(),
        None => format!("{title}\n{body}"),
    }
}

/// The id a record written from `article` gets (and binds its `secured` value to).
pub fn record_id(article: &Article) -> String {
    article_id(&article_key(
        article.web_url.as_deref(),
        article.original_url.as_deref(),
        &article.title,
        &article.body,
    ))
}

/// A mapping being read, with what is needed to name a bad field.
struct Fields<'a> {
    origin: &'a str,
    map: &'a Mapping,
    /// Path of this mapping, with a trailing `.` (empty at the top).
    path: String,
    /// Line of this mapping's own key, for fields that are missing.
    line: usize,
}

impl<'a> Fields<'a> {
    fn err(&self, line: usize, key: &str, problem: Problem) -> RecordError {
        let field = format!("{}{key}", self.path);
        RecordError::new(self.origin, line, Some(&field), problem)
    }

    /// The entry of `key` unless absent or null.
    fn present(&self, key: &str) -> Option<&'a Entry> {
        self.map
            .entry(key)
            .filter(|e| !matches!(&e.value, Node::Scalar(s) if s.is_null()))
    }

    fn scalar(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<Option<(&'a Scalar, usize)>, RecordError> {
        let Some(entry) = self.present(key) else {
            return Ok(None);
        };
        match &entry.value {
            Node::Scalar(s) => Ok(Some((s, entry.line))),
            other => Err(self.err(
                entry.line,
                key,
                Problem::WrongType {
                    expected,
                    found: other.kind_name().to_owned(),
                },
            )),
        }
    }

    fn text(&self, key: &str) -> Result<Option<String>, RecordError> {
        Ok(self.scalar(key, "text")?.map(|(s, _)| s.text().to_owned()))
    }

    fn required_text(&self, key: &str) -> Result<String, RecordError> {
        self.text(key)?
            .ok_or_else(|| self.err(self.line, key, Problem::MissingField))
    }

    /// The required `title`, at most [`MAX_TITLE_CHARS`] characters.
    fn title(&self) -> Result<String, RecordError> {
        let title = self.required_text("title")?;
        let chars = title.chars().count();
        if chars > MAX_TITLE_CHARS {
            let line = self.present("title").map_or(self.line, |e| e.line);
            let problem = Problem::TooLong {
                limit: MAX_TITLE_CHARS,
                found: chars,
                unit: "characters",
            };
            return Err(self.err(line, "title", problem));
        }
        Ok(title)
    }

    /// A list of text of at most `limit` items.
    fn short_list_of_text(&self, key: &str, limit: usize) -> Result<Vec<String>, RecordError> {
        let list = self.list_of_text(key)?;
        if list.len() > limit {
            let line = self.present(key).map_or(self.line, |e| e.line);
            let what = if key == "topics" { "topics" } else { "names" };
            return Err(self.err(line, key, Problem::TooMany { limit, what }));
        }
        Ok(list)
    }

    fn int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>, RecordError> {
        let Some((s, line)) = self.scalar(key, "a whole number")? else {
            return Ok(None);
        };
        let wrong = |found: String| {
            self.err(
                line,
                key,
                Problem::WrongType {
                    expected: "a whole number",
                    found,
                },
            )
        };
        if s.style() != ScalarStyle::Plain {
            return Err(wrong(format!("quoted text {:?}", s.text())));
        }
        let value: i64 = s
            .text()
            .parse()
            .map_err(|_| wrong(format!("{:?}", s.text())))?;
        if !(min..=max).contains(&value) {
            return Err(self.err(line, key, Problem::OutOfRange { value, min, max }));
        }
        Ok(Some(value))
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, RecordError> {
        let Some((s, line)) = self.scalar(key, "true or false")? else {
            return Ok(None);
        };
        match (s.style(), s.text()) {
            (ScalarStyle::Plain, "true" | "True" | "TRUE") => Ok(Some(true)),
            (ScalarStyle::Plain, "false" | "False" | "FALSE") => Ok(Some(false)),
            (_, text) => Err(self.err(
                line,
                key,
                Problem::WrongType {
                    expected: "true or false",
                    found: format!("{text:?}"),
                },
            )),
        }
    }

    fn date(&self, key: &str) -> Result<Option<DateTime<Utc>>, RecordError> {
        let Some((s, line)) = self.scalar(key, "an RFC 3339 date")? else {
            return Ok(None);
        };
        DateTime::parse_from_rfc3339(s.text().trim())
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| self.err(line, key, Problem::InvalidDate(s.text().to_owned())))
    }

    fn mapping(&self, key: &str) -> Result<Option<Fields<'a>>, RecordError> {
        let Some(entry) = self.present(key) else {
            return Ok(None);
        };
        match &entry.value {
            Node::Mapping(map) => Ok(Some(Fields {
                origin: self.origin,
                map,
                path: format!("{}{key}.", self.path),
                line: entry.line,
            })),
            other => Err(self.err(
                entry.line,
                key,
                Problem::WrongType {
                    expected: "a group of fields",
                    found: other.kind_name().to_owned(),
                },
            )),
        }
    }

    fn list(&self, key: &str) -> Result<Option<(&'a Sequence, usize)>, RecordError> {
        let Some(entry) = self.present(key) else {
            return Ok(None);
        };
        match &entry.value {
            Node::Sequence(seq) => Ok(Some((seq, entry.line))),
            other => Err(self.err(
                entry.line,
                key,
                Problem::WrongType {
                    expected: "a list",
                    found: other.kind_name().to_owned(),
                },
            )),
        }
    }

    fn list_of_text(&self, key: &str) -> Result<Vec<String>, RecordError> {
        let Some((seq, line)) = self.list(key)? else {
            return Ok(Vec::new());
        };
        seq.items()
            .iter()
            .enumerate()
            .map(|(i, item)| match item.value() {
                Node::Scalar(s) => Ok(s.text().to_owned()),
                other => Err(self.err(
                    if item.line() > 0 { item.line() } else { line },
                    &format!("{key}[{i}]"),
                    Problem::WrongType {
                        expected: "text",
                        found: other.kind_name().to_owned(),
                    },
                )),
            })
            .collect()
    }

    /// The items of a list of field groups, each as [`Fields`] (named `key[i].`).
    fn list_of_mappings(
        &self,
        key: &str,
    ) -> Result<Vec<Result<Fields<'a>, RecordError>>, RecordError> {
        let Some((seq, line)) = self.list(key)? else {
            return Ok(Vec::new());
        };
        Ok(seq
            .items()
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let item_line = if item.line() > 0 { item.line() } else { line };
                match item.value() {
                    Node::Mapping(map) => Ok(Fields {
                        origin: self.origin,
                        map,
                        path: format!("{}{key}[{i}].", self.path),
                        line: item_line,
                    }),
                    other => Err(self.err(
                        item_line,
                        &format!("{key}[{i}]"),
                        Problem::WrongType {
                            expected: "a group of fields",
                            found: other.kind_name().to_owned(),
                        },
                    )),
                }
            })
            .collect())
    }

    fn provider(&self) -> Result<Provider, RecordError> {
        let Some(p) = self.mapping("provider")? else {
            return Ok(Provider::default());
        };
        Ok(Provider {
            name: p.text("name")?.unwrap_or_default(),
            domain: p.text("domain")?.unwrap_or_default(),
        })
    }

    fn images(&self) -> Result<Vec<Image>, RecordError> {
        self.list_of_mappings("images")?
            .into_iter()
            .map(|item| {
                let img = item?;
                let dimension = |key| {
                    img.int(key, 0, i64::from(u32::MAX))
                        .map(|v| v.and_then(|v| u32::try_from(v).ok()))
                };
                Ok(Image {
                    url: img.required_text("url")?,
                    width: dimension("width")?,
                    height: dimension("height")?,
                    is_cached: img.bool("isCached")?.unwrap_or(false),
                })
            })
            .collect()
    }

    fn quality(&self) -> Result<Option<u8>, RecordError> {
        Ok(self
            .int("quality", 0, 100)?
            .and_then(|q| u8::try_from(q).ok()))
    }

    fn coverage(&self) -> Result<Coverage, RecordError> {
        Ok(Coverage {
            title: self.title()?,
            excerpt: self.text("excerpt")?.unwrap_or_default(),
            published_date_time: self.date("publishedDateTime")?,
            web_url: self.required_text("webUrl")?,
            kind: self
                .text("type")?
                .unwrap_or_else(|| DEFAULT_KIND.to_owned()),
            provider: self.provider()?,
            quality: self.quality()?,
            images: self.images()?,
        })
    }
}

impl Record {
    fn fields(&self) -> Fields<'_> {
        Fields {
            origin: self.origin(),
            map: self.front(),
            path: String::new(),
            line: 1,
        }
    }

    fn newline(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }

    /// The article body: the record body after its blank separator line.
    pub fn article_body(&self) -> &str {
        self.body()
            .strip_prefix(self.newline())
            .unwrap_or(self.body())
    }

    /// The record's article id (from `webUrl`, else `originalUrl`, else title and body).
    pub fn id(&self) -> Result<String, RecordError> {
        let f = self.fields();
        let title = f.text("title")?.unwrap_or_default();
        Ok(article_id(&article_key(
            f.text("webUrl")?.as_deref(),
            f.text("originalUrl")?.as_deref(),
            &title,
            self.article_body(),
        )))
    }

    /// Reads the record as an [`Article`]. With a keyring, `secured` is opened into
    /// `provenance`; a value that does not open (or any value, without a keyring) is kept in
    /// `secured_verbatim`. Missing fields take defaults (`news`, `article`, heat -1, not
    /// published); a missing `title` is an error.
    pub fn to_article(&self, keyring: Option<&Keyring>) -> Result<Article, RecordError> {
        let f = self.fields();
        let title = f.title()?;
        let original_url = f.text("originalUrl")?;
        let web_url = f.text("webUrl")?;
        let body = self.article_body().to_owned();
        let id = article_id(&article_key(
            web_url.as_deref(),
            original_url.as_deref(),
            &title,
            &body,
        ));
        let secured = f.text("secured")?;
        let (provenance, secured_verbatim) = match (secured, keyring) {
            (Some(value), Some(keyring)) => match keyring.open(&value, &id) {
                Ok(provenance) => (provenance, None),
                Err(_) => (Provenance::default(), Some(value)),
            },
            (value, _) => (Provenance::default(), value),
        };
        let heat = f.int("heat", -1, 100)?.unwrap_or(-1);
        Ok(Article {
            id,
            category: f
                .text("category")?
                .unwrap_or_else(|| DEFAULT_CATEGORY.to_owned()),
            title,
            excerpt: f.text("excerpt")?.unwrap_or_default(),
            body,
            published_date_time: f.date("publishedDateTime")?,
            original_url,
            web_url,
            kind: f.text("type")?.unwrap_or_else(|| DEFAULT_KIND.to_owned()),
            quality: f.quality()?,
            heat: i32::try_from(heat).unwrap_or(-1),
            published: f.bool("published")?.unwrap_or(false),
            provider: f.provider()?,
            authors: f.short_list_of_text("authors", MAX_AUTHORS)?,
            language: f.text("language")?,
            topics: f.short_list_of_text("topics", MAX_TOPICS)?,
            images: f.images()?,
            provenance,
            secured_verbatim,
        })
    }

    /// The record's `related` list; items that cannot be read are skipped (see
    /// [`Record::try_related`] for the strict form).
    pub fn related(&self) -> Vec<Coverage> {
        let f = self.fields();
        match f.list_of_mappings("related") {
            Ok(items) => items
                .into_iter()
                .filter_map(|item| item.and_then(|c| c.coverage()).ok())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The record's `related` list, failing on the first item that cannot be read.
    pub fn try_related(&self) -> Result<Vec<Coverage>, RecordError> {
        self.fields()
            .list_of_mappings("related")?
            .into_iter()
            .map(|item| item?.coverage())
            .collect()
    }

    /// A new record for `article` and its related coverage. A non-empty provenance is sealed
    /// with `keyring`; without a keyring it is left out (never written in clear) and
    /// `secured_verbatim`, if any, is written as is — fit for public export.
    pub fn from_article(
        article: &Article,
        related: &[Coverage],
        keyring: Option<&Keyring>,
    ) -> Result<Record, RecordError> {
        let body = format!("\n{}", article.body);
        let mut record = Record::new(record_id(article), Mapping::new(), body);
        record.apply_article(article, related, keyring)?;
        Ok(record)
    }

    /// Writes `article` and `related` into this record in place: changed values are replaced,
    /// unknown fields keep their place, known fields the article lacks are removed, new ones are
    /// inserted in the usual order; the body is replaced only when it differs.
    pub fn apply_article(
        &mut self,
        article: &Article,
        related: &[Coverage],
        keyring: Option<&Keyring>,
    ) -> Result<(), RecordError> {
        let id = record_id(article);
        let secured = if article.provenance == Provenance::default() {
            article.secured_verbatim.clone()
        } else {
            let existing = self.fields().text("secured").ok().flatten();
            let Some(keyring) = keyring else {
                // Never written in clear: without a key, keep what the record already holds.
                return self.apply_fields(
                    article,
                    related,
                    article.secured_verbatim.clone().or(existing),
                );
            };
            match existing {
                Some(value)
                    if keyring
                        .open(&value, &id)
                        .is_ok_and(|p| p == article.provenance) =>
                {
                    Some(value)
                }
                _ => Some(keyring.seal(&article.provenance, &id).map_err(|e| {
                    RecordError::new(self.origin(), 0, Some("secured"), Problem::Secured(e))
                })?),
            }
        };
        self.apply_fields(article, related, secured)
    }

    /// [`Record::apply_article`] once the `secured` value is decided.
    fn apply_fields(
        &mut self,
        article: &Article,
        related: &[Coverage],
        secured: Option<String>,
    ) -> Result<(), RecordError> {
        let mut fresh = article_front(article, related, secured.as_deref());
        if !self.front().is_empty() {
            // Fields an existing record leaves out stay out while they hold the defaults
            // reading gives them.
            let front = self.front();
            fresh
                .entries
                .retain(|e| front.entry(e.key()).is_some() || !holds_default(e));
        }
        merge_mapping(self.front_mut(), fresh, Shape::Article);
        if self.article_body() != article.body {
            let body = format!("{}{}", self.newline(), article.body);
            self.set_body(body);
        }
        Ok(())
    }
}

/// Whether a freshly built top-level entry holds the value a record without it reads as.
fn holds_default(entry: &Entry) -> bool {
    let text = |node: &Node| node.as_scalar().map(Scalar::text).map(str::to_owned);
    match (entry.key(), entry.value()) {
        ("provider", Node::Mapping(m)) => m
            .entries()
            .iter()
            .all(|e| text(e.value()).is_some_and(|t| t.is_empty())),
        (key, node) => {
            let default = match key {
                "category" => DEFAULT_CATEGORY,
                "type" => DEFAULT_KIND,
                "excerpt" => "",
                "heat" => "-1",
                "published" => "false",
                _ => return false,
            };
            text(node).is_some_and(|t| t == default)
        }
    }
}

fn date_text(date: &DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn scalar(s: Scalar) -> Node {
    Node::Scalar(s)
}

fn text_list(items: &[String]) -> Node {
    Node::Sequence(
        items
            .iter()
            .map(|t| scalar(Scalar::text_value(t.as_str())))
            .collect(),
    )
}

fn provider_node(provider: &Provider) -> Node {
    let mut m = Mapping::new();
    m.push(Entry::new(
        "name",
        scalar(Scalar::text_value(provider.name.as_str())),
        0,
    ));
    m.push(Entry::new(
        "domain",
        scalar(Scalar::text_value(provider.domain.as_str())),
        0,
    ));
    Node::Mapping(m)
}

fn images_node(images: &[Image]) -> Node {
    Node::Sequence(
        images
            .iter()
            .map(|img| {
                let mut m = Mapping::new();
                m.push(Entry::new(
                    "url",
                    scalar(Scalar::quoted(img.url.as_str())),
                    0,
                ));
                if let Some(w) = img.width {
                    m.push(Entry::new("width", scalar(Scalar::typed(w.to_string())), 0));
                }
                if let Some(h) = img.height {
                    m.push(Entry::new(
                        "height",
                        scalar(Scalar::typed(h.to_string())),
                        0,
                    ));
                }
                m.push(Entry::new(
                    "isCached",
                    scalar(Scalar::typed(img.is_cached.to_string())),
                    0,
                ));
                Node::Mapping(m)
            })
            .collect(),
    )
}

fn coverage_node(c: &Coverage) -> Node {
    let mut m = Mapping::new();
    m.push(Entry::new(
        "title",
        scalar(Scalar::quoted(c.title.as_str())),
        0,
    ));
    m.push(Entry::new(
        "excerpt",
        scalar(Scalar::quoted(c.excerpt.as_str())),
        0,
    ));
    if let Some(d) = &c.published_date_time {
        m.push(Entry::new(
            "publishedDateTime",
            scalar(Scalar::typed(date_text(d))),
            0,
        ));
    }
    m.push(Entry::new(
        "webUrl",
        scalar(Scalar::quoted(c.web_url.as_str())),
        0,
    ));
    m.push(Entry::new(
        "type",
        scalar(Scalar::text_value(c.kind.as_str())),
        0,
    ));
    m.push(Entry::new("provider", provider_node(&c.provider), 0));
    if let Some(q) = c.quality {
        m.push(Entry::new(
            "quality",
            scalar(Scalar::typed(q.to_string())),
            0,
        ));
    }
    if !c.images.is_empty() {
        m.push(Entry::new("images", images_node(&c.images), 0));
    }
    Node::Mapping(m)
}

/// The front matter storyline writes for an article, in the seeds' order and grouping.
fn article_front(article: &Article, related: &[Coverage], secured: Option<&str>) -> Mapping {
    let mut m = Mapping::new();
    let mut put = |key: &str, node: Node, blank: usize| m.push(Entry::new(key, node, blank));
    put(
        "category",
        scalar(Scalar::text_value(article.category.as_str())),
        0,
    );
    put("title", scalar(Scalar::quoted(article.title.as_str())), 0);
    put(
        "excerpt",
        scalar(Scalar::quoted(article.excerpt.as_str())),
        0,
    );
    if let Some(d) = &article.published_date_time {
        put("publishedDateTime", scalar(Scalar::typed(date_text(d))), 0);
    }
    if let Some(u) = &article.original_url {
        put("originalUrl", scalar(Scalar::quoted(u.as_str())), 0);
    }
    if let Some(u) = &article.web_url {
        put("webUrl", scalar(Scalar::quoted(u.as_str())), 0);
    }
    put("type", scalar(Scalar::text_value(article.kind.as_str())), 0);
    if let Some(q) = article.quality {
        put("quality", scalar(Scalar::typed(q.to_string())), 0);
    }
    put("heat", scalar(Scalar::typed(article.heat.to_string())), 0);
    put(
        "published",
        scalar(Scalar::typed(article.published.to_string())),
        0,
    );
    if let Some(lang) = &article.language {
        put("language", scalar(Scalar::text_value(lang.as_str())), 0);
    }
    put("provider", provider_node(&article.provider), 1);
    if !article.authors.is_empty() {
        put("authors", text_list(&article.authors), 1);
    }
    if !article.topics.is_empty() {
        put("topics", text_list(&article.topics), 1);
    }
    if !article.images.is_empty() {
        put("images", images_node(&article.images), 1);
    }
    if !related.is_empty() {
        put(
            "related",
            Node::Sequence(related.iter().map(coverage_node).collect()),
            1,
        );
    }
    if let Some(s) = secured {
        put("secured", scalar(Scalar::quoted(s)), 1);
    }
    m
}

/// Which known fields a mapping has, for merging.
#[derive(Clone, Copy)]
enum Shape {
    Article,
    Provider,
    Image,
    Coverage,
    /// Anything else: no known fields, nothing removed.
    Other,
}

impl Shape {
    fn known(self) -> &'static [&'static str] {
        match self {
            Shape::Article => ARTICLE_FIELDS,
            Shape::Provider => PROVIDER_FIELDS,
            Shape::Image => IMAGE_FIELDS,
            Shape::Coverage => COVERAGE_FIELDS,
            Shape::Other => &[],
        }
    }

    fn child(self, key: &str) -> Shape {
        match (self, key) {
            (Shape::Article | Shape::Coverage, "provider") => Shape::Provider,
            (Shape::Article | Shape::Coverage, "images") => Shape::Image,
            (Shape::Article, "related") => Shape::Coverage,
            _ => Shape::Other,
        }
    }
}

fn merge_node(existing: &mut Node, fresh: Node, shape: Shape) {
    match (existing, fresh) {
        (Node::Scalar(e), Node::Scalar(f)) => {
            if !e.same_value(&f) {
                *e = f;
            }
        }
        (Node::Mapping(e), Node::Mapping(f)) => merge_mapping(e, f, shape),
        (Node::Sequence(e), Node::Sequence(f)) => {
            let wanted = f.items.len();
            let mut fresh_items = f.items.into_iter();
            for (item, fresh_item) in e.items.iter_mut().zip(fresh_items.by_ref()) {
                merge_node(&mut item.value, fresh_item.value, shape);
            }
            e.items.truncate(wanted);
            e.items.extend(fresh_items);
            if e.items.iter().any(|i| !matches!(i.value, Node::Scalar(_))) {
                e.flow = false;
            }
        }
        (e, f) => *e = f,
    }
}

fn merge_mapping(existing: &mut Mapping, fresh: Mapping, shape: Shape) {
    let known = shape.known();
    let fresh_keys: HashSet<&str> = fresh.entries.iter().map(Entry::key).collect();
    existing
        .entries
        .retain(|e| !known.contains(&e.key()) || fresh_keys.contains(e.key()));
    let mut last: Option<usize> = None;
    for entry in fresh.entries {
        let child = shape.child(entry.key());
        match existing.position(entry.key()) {
            Some(at) => {
                merge_node(&mut existing.entries[at].value, entry.value, child);
                last = Some(at);
            }
            None => {
                let at = last.map_or(0, |l| l + 1);
                existing.entries.insert(at, entry);
                last = Some(at);
            }
        }
    }
}
