//! Feeds out: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the front page, each topic, each
//! provider and each search. Each item is a story: its lead headline and excerpt, then the
//! "More:" coverage as links, the way the front page shows it.

use std::collections::HashSet;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;
use storyline_store::StoryQuery;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::pages::{SEARCH_PARAMS, cards_for, check_name, public_visibility, search_query};
use crate::params::{Params, check_domain, encode};
use crate::views::StoryCard;

/// The formats we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> ApiResult<Format> {
        match text {
            "rss" => Ok(Format::Rss),
            "atom" => Ok(Format::Atom),
            "json" => Ok(Format::Json),
            _ => Err(ApiError::new(
                ErrorCode::NotFound,
                "feeds come as `rss`, `atom` or `json`",
            )),
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// A feed's identity and its items.
pub struct FeedDoc {
    pub title: String,
    pub description: String,
    /// The HTML page this feed follows (absolute).
    pub home: String,
    /// This feed's own URL (absolute).
    pub self_url: String,
    pub items: Vec<StoryCard>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed/{format}", get(front_feed))
        .route("/topic/{name}/feed/{format}", get(topic_feed))
        .route("/entity/{slug}/feed/{format}", get(entity_feed))
        .route("/provider/{domain}/feed/{format}", get(provider_feed))
        .route("/search/feed/{format}", get(search_feed))
}

async fn stories_feed(state: &AppState, query: StoryQuery) -> ApiResult<Vec<StoryCard>> {
    let vis = public_visibility(state).await?;
    let query = StoryQuery {
        limit: state.config().page_size.clamp(1, 100),
        offset: 0,
        published_only: true,
        ..query
    };
    crate::pages::story_cards(state, &query, &vis).await
}

fn emit(state: &AppState, format: Format, doc: &FeedDoc) -> Response {
    let body = match format {
        Format::Rss => rss_text(doc),
        Format::Atom => atom_text(doc),
        Format::Json => json_text(doc),
    };
    // The newest item's time, as HTTP writes dates: feed readers show it, and it changes
    // whenever a story gains coverage. (Conditional requests are answered by ETag, which also
    // sees an edit that leaves the newest time as it was.)
    let last_modified = (!doc.items.is_empty())
        .then(|| newest(doc).format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .and_then(|text| axum::http::HeaderValue::from_str(&text).ok());
    match body {
        Ok(body) => state.page_cache().put_dated(
            doc.self_url.clone(),
            format.media_type(),
            last_modified,
            body,
        ),
        Err(e) => e.into_response(),
    }
}

/// The cached feed at `self_url`, when fresh.
fn cached(state: &AppState, self_url: &str) -> Option<Response> {
    state.page_cache().get(self_url)
}

async fn front_feed(
    State(state): State<AppState>,
    Path(format): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result: ApiResult<Response> = async {
        let format = Format::parse(&format)?;
        Params::parse_page(raw.as_deref(), &[])?;
        let base = &state.config().base_url;
        let self_url = format!("{base}/feed/{}", format_name(format));
        if let Some(hit) = cached(&state, &self_url) {
            return Ok(hit);
        }
        let doc = FeedDoc {
            title: state.config().site_title.clone(),
            description: "Top stories, hottest first".into(),
            home: format!("{base}/"),
            self_url,
            items: stories_feed(&state, StoryQuery::default()).await?,
        };
        Ok(emit(&state, format, &doc))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// What a filtered feed is about, found once its URL is not in the cache.
struct FeedSubject {
    /// Shown before the site's title.
    name: String,
    description: String,
    query: StoryQuery,
}

/// A feed of the stories under `path` (`/topic/AI`): answered from the cache when fresh,
/// otherwise `subject` is looked up (a store read) and the feed built.
async fn filtered_feed(
    state: &AppState,
    format: &str,
    raw: Option<String>,
    path: String,
    subject: impl std::future::Future<Output = ApiResult<FeedSubject>>,
) -> ApiResult<Response> {
    let format = Format::parse(format)?;
    Params::parse_page(raw.as_deref(), &[])?;
    let base = &state.config().base_url;
    let self_url = format!("{base}{path}/feed/{}", format_name(format));
    if let Some(hit) = cached(state, &self_url) {
        return Ok(hit);
    }
    let subject = subject.await?;
    let doc = FeedDoc {
        title: format!("{} · {}", subject.name, state.config().site_title),
        description: subject.description,
        home: format!("{base}{path}"),
        self_url,
        items: stories_feed(state, subject.query).await?,
    };
    Ok(emit(state, format, &doc))
}

async fn topic_feed(
    State(state): State<AppState>,
    Path((name, format)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        check_name(&name, "topic")?;
        let path = format!("/topic/{}", encode(&name));
        let subject = async {
            let name = state.canonical_topic(&name).await?;
            Ok(FeedSubject {
                description: format!("Stories on {name}"),
                query: StoryQuery {
                    topic: Some(name.clone()),
                    ..StoryQuery::default()
                },
                name,
            })
        };
        filtered_feed(&state, &format, raw, path, subject).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn entity_feed(
    State(state): State<AppState>,
    Path((slug, format)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        check_name(&slug, "entity")?;
        let path = format!("/entity/{}", encode(&slug));
        let subject = async {
            let found = state
                .store()
                .entity(&slug)
                .await?
                .ok_or_else(|| ApiError::not_found("entity"))?;
            Ok(FeedSubject {
                description: format!("Stories that name {}", found.name),
                query: StoryQuery {
                    entity: Some(slug.clone()),
                    ..StoryQuery::default()
                },
                name: found.name,
            })
        };
        filtered_feed(&state, &format, raw, path, subject).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn provider_feed(
    State(state): State<AppState>,
    Path((domain, format)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        check_domain(&domain)?;
        let path = format!("/provider/{}", encode(&domain));
        let subject = async {
            Ok(FeedSubject {
                name: domain.clone(),
                description: format!("Stories covered by {domain}"),
                query: StoryQuery {
                    provider: Some(domain.clone()),
                    ..StoryQuery::default()
                },
            })
        };
        filtered_feed(&state, &format, raw, path, subject).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn search_feed(
    State(state): State<AppState>,
    Path(format): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result: ApiResult<Response> = async {
        let format = Format::parse(&format)?;
        let params = Params::parse_page(raw.as_deref(), SEARCH_PARAMS)?;
        // Items are stories: one hit per story is what the feed lists.
        let mut query = search_query(&params, true)?;
        if !crate::pages::searchable(&query.text) {
            return Err(ApiError::new(
                ErrorCode::EmptyQuery,
                "a search feed needs `q`",
            ));
        }
        query.limit = 100;
        query.topic = state.topic_filter(query.topic.take()).await?;
        let vis = public_visibility(&state).await?;
        let hits = state.search().search(state.store(), &query).await?.hits;
        let hits = crate::pages::visible_hits(hits, &vis);
        // The hits' stories, best hit first, in one store call.
        let mut seen = HashSet::new();
        let ids: Vec<String> = hits
            .iter()
            .filter_map(|h| h.article.story_id.clone())
            .filter(|sid| seen.insert(sid.clone()))
            .collect();
        let mut listed = HashSet::new();
        let stories: Vec<storyline_model::Story> = state
            .store()
            .stories_by_ids(&ids)
            .await?
            .into_iter()
            .flatten()
            .filter(|s| vis.shows_story(s) && listed.insert(s.id.clone()))
            .take(state.config().page_size as usize)
            .collect();
        let items = cards_for(&state, &stories, &vis).await?;
        let base = &state.config().base_url;
        let extra = crate::pages::search_extra(&query);
        let q = extra.trim_end_matches('&');
        let doc = FeedDoc {
            title: format!("“{}” · {}", query.text, state.config().site_title),
            description: format!("Stories matching “{}”", query.text),
            home: format!("{base}/search?{q}"),
            self_url: format!("{base}/search/feed/{}?{q}", format_name(format)),
            items,
        };
        Ok(emit(&state, format, &doc))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Rss => "rss",
        Format::Atom => "atom",
        Format::Json => "json",
    }
}

/// Escapes text for inclusion in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An item's summary as plain text: the story's summary sentences, each followed by its
/// outlet in brackets; the lead's excerpt when there is no summary.
fn item_summary(card: &StoryCard) -> String {
    if card.summary.is_empty() {
        return card.lead.excerpt.clone();
    }
    card.summary
        .iter()
        .map(|l| format!("{} ({})", l.text, l.outlet))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The HTML body of an item: the story's summary (each sentence with its outlet) or the
/// lead's excerpt, link out, "More:" coverage.
fn item_html(card: &StoryCard, base: &str) -> String {
    let mut out = if card.summary.is_empty() {
        format!("<p>{}</p>", escape_html(&card.lead.excerpt))
    } else {
        let lines: Vec<String> = card
            .summary
            .iter()
            .map(|l| {
                format!(
                    "{} <i>({})</i>",
                    escape_html(&l.text),
                    escape_html(&l.outlet)
                )
            })
            .collect();
        format!("<p>{}</p>", lines.join(" "))
    };
    out.push_str(&format!(
        "<p><a href=\"{}\">{}</a>",
        escape_html(&absolute(base, &card.lead.link)),
        escape_html(card.lead.provider.shown())
    ));
    if !card.lead.also_published_by.is_empty() {
        let names: Vec<String> = card
            .lead
            .also_published_by
            .iter()
            .map(|p| escape_html(&p.name))
            .collect();
        out.push_str(&format!(" (also published by {})", names.join(", ")));
    }
    out.push_str("</p>");
    if !card.more.is_empty() {
        let links: Vec<String> = card
            .more
            .iter()
            .map(|m| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(&absolute(base, &m.link)),
                    escape_html(if m.provider.known {
                        &m.provider.name
                    } else {
                        &m.title
                    })
                )
            })
            .collect();
        out.push_str(&format!("<p>More: {}</p>", links.join(", ")));
    }
    out
}

fn absolute(base: &str, link: &str) -> String {
    if link.starts_with('/') {
        format!("{base}{link}")
    } else {
        link.to_string()
    }
}

fn item_time(card: &StoryCard) -> DateTime<Utc> {
    card.last_published
        .as_deref()
        .or(card.lead.published_date_time.as_deref())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn first_time(card: &StoryCard) -> DateTime<Utc> {
    card.first_published
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| item_time(card))
}

fn newest(doc: &FeedDoc) -> DateTime<Utc> {
    doc.items.iter().map(item_time).max().unwrap_or_default()
}

/// RSS 2.0 text of a feed.
pub fn rss_text(doc: &FeedDoc) -> ApiResult<String> {
    let base = base_of(doc);
    let items: Vec<rss::Item> = doc
        .items
        .iter()
        .map(|card| {
            let link = format!("{base}{}", card.href);
            let mut item = rss::Item::default();
            item.set_title(card.title.clone());
            item.set_link(link.clone());
            item.set_guid(rss::Guid {
                value: link,
                permalink: true,
            });
            item.set_description(item_html(card, &base));
            item.set_pub_date(item_time(card).to_rfc2822());
            item.set_categories(
                card.topics
                    .iter()
                    .map(|t| rss::Category {
                        name: t.clone(),
                        domain: None,
                    })
                    .collect::<Vec<_>>(),
            );
            item
        })
        .collect();
    let mut channel = rss::Channel::default();
    channel.set_title(doc.title.clone());
    channel.set_link(doc.home.clone());
    channel.set_description(doc.description.clone());
    channel.set_last_build_date(newest(doc).to_rfc2822());
    channel.set_items(items);
    Ok(channel.to_string())
}

/// Atom 1.0 text of a feed.
pub fn atom_text(doc: &FeedDoc) -> ApiResult<String> {
    use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
    let base = base_of(doc);
    let entries: Vec<Entry> = doc
        .items
        .iter()
        .map(|card| {
            let link = format!("{base}{}", card.href);
            let mut entry = Entry::default();
            entry.set_id(link.clone());
            entry.set_title(Text::plain(card.title.clone()));
            entry.set_updated(item_time(card).fixed_offset());
            entry.set_published(Some(first_time(card).fixed_offset()));
            entry.set_links(vec![Link {
                href: link,
                rel: "alternate".into(),
                ..Link::default()
            }]);
            entry.set_authors(vec![Person {
                name: card.lead.provider.name.clone(),
                ..Person::default()
            }]);
            entry.set_summary(Some(Text::plain(item_summary(card))));
            entry.set_content(Some(Content {
                value: Some(item_html(card, &base)),
                content_type: Some("html".into()),
                ..Content::default()
            }));
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(doc.self_url.clone());
    feed.set_title(Text::plain(doc.title.clone()));
    feed.set_subtitle(Some(Text::plain(doc.description.clone())));
    feed.set_updated(newest(doc).fixed_offset());
    feed.set_links(vec![
        Link {
            href: doc.home.clone(),
            rel: "alternate".into(),
            ..Link::default()
        },
        Link {
            href: doc.self_url.clone(),
            rel: "self".into(),
            ..Link::default()
        },
    ]);
    feed.set_entries(entries);
    Ok(feed.to_string())
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    description: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<String>,
    title: String,
    content_html: String,
    summary: String,
    date_published: String,
    date_modified: String,
    tags: Vec<String>,
    authors: Vec<JsonAuthor>,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
}

/// JSON Feed 1.1 text of a feed.
pub fn json_text(doc: &FeedDoc) -> ApiResult<String> {
    let base = base_of(doc);
    let items = doc
        .items
        .iter()
        .map(|card| {
            let url = format!("{base}{}", card.href);
            JsonItem {
                id: url.clone(),
                url,
                external_url: card.lead.web_url.clone(),
                title: card.title.clone(),
                content_html: item_html(card, &base),
                summary: item_summary(card),
                date_published: first_time(card).to_rfc3339(),
                date_modified: item_time(card).to_rfc3339(),
                tags: card.topics.clone(),
                authors: vec![JsonAuthor {
                    name: card.lead.provider.name.clone(),
                }],
            }
        })
        .collect();
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &doc.title,
        description: &doc.description,
        home_page_url: &doc.home,
        feed_url: &doc.self_url,
        items,
    };
    serde_json::to_string_pretty(&feed)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot write JSON feed: {e}")))
}

/// The site's base URL, taken from the feed's home page.
fn base_of(doc: &FeedDoc) -> String {
    match doc.home.find("://") {
        Some(i) => {
            let rest = &doc.home[i + 3..];
            let end = rest.find('/').map(|j| i + 3 + j).unwrap_or(doc.home.len());
            doc.home[..end].to_string()
        }
        None => String::new(),
    }
}
