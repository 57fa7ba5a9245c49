//! The Fever API at `/fever/` and `/api/fever.php` (where FreshRSS serves it), for apps that
//! speak Fever (Reeder, Unread, Fiery Feeds …).
//!
//! Every call sends `api_key`, the md5 hex of `name:app password`, in the form or the query;
//! a wrong key is answered `{"api_version": 3, "auth": 0}` and counted by
//! [`crate::throttle`] against the client's address. Feeds are sources, groups are their
//! groups (a group's id is the smallest id of its sources), items are articles by their
//! arrival number, with the same text as the Google Reader API gives them (the story's other
//! coverage as links at the end). `items` takes `since_id`, `max_id` or `with_ids` and
//! answers at most 50; `mark` takes `item` (`read`, `unread`, `saved`, `unsaved`) and
//! `feed` or `group` (`read`, with `before`).

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use chrono::{TimeZone, Utc};
use serde_json::{Map, Value, json};
use storyline_store::{ItemQuery, ReadScope, SourceRow, Stream, UserRow};

use crate::AppState;
use crate::auth::{check_token, same_secret};
use crate::error::{ApiError, ErrorCode};
use crate::params::Params;
use crate::reader::{Context, site_of};
use crate::throttle::ClientAddr;

/// Items in one `items` answer, as Fever defines it.
const ITEMS_PER_CALL: u32 = 50;
/// Most ids one `with_ids` takes.
const MAX_WITH_IDS: usize = 50;
/// A one-pixel transparent GIF: the icon every feed shares (no icons are kept).
const BLANK_ICON: &str =
    "image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fever", any(fever))
        .route("/fever/", any(fever))
        .route("/api/fever.php", any(fever))
}

fn answer(fields: Map<String, Value>) -> Response {
    crate::pages::private(axum::Json(Value::Object(fields)).into_response())
}

fn base(auth: bool) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("api_version".into(), json!(3));
    fields.insert("auth".into(), json!(u8::from(auth)));
    fields
}

async fn fever(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let form = match Params::from_form(raw.unwrap_or_default().as_bytes())
        .and_then(|query| Ok(query.merged(Params::from_form(&body)?)))
    {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let key = form
        .text("api_key")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let user = if key.is_empty() {
        None
    } else {
        match state.store().user_by_fever_key(&key).await {
            Ok(user) => user,
            Err(e) => return ApiError::from(e).into_response(),
        }
    };
    let accept = |_: &str| {
        user.as_ref()
            .and_then(|u| u.fever_key.as_deref())
            .is_some_and(|stored| same_secret(stored, &key))
    };
    let user = match check_token(&state, addr, &key, accept) {
        Ok(true) => user,
        Ok(false) => None,
        Err(locked) => return locked.api_response(),
    };
    let Some(user) = user else {
        return answer(base(false));
    };
    match respond(&state, &user, &form).await {
        Ok(fields) => answer(fields),
        Err(e) => e.into_response(),
    }
}

/// Sources and the group id of each group name (its smallest source id).
struct Feeds {
    sources: Vec<SourceRow>,
    groups: BTreeMap<String, i64>,
}

impl Feeds {
    async fn load(state: &AppState) -> Result<Feeds, ApiError> {
        let sources = state.store().sources().await?;
        let mut groups: BTreeMap<String, i64> = BTreeMap::new();
        for source in &sources {
            if let Some(group) = source.group.as_deref().filter(|g| !g.trim().is_empty()) {
                let id = groups.entry(group.to_string()).or_insert(source.id);
                *id = (*id).min(source.id);
            }
        }
        Ok(Feeds { sources, groups })
    }

    fn feeds_groups(&self) -> Value {
        let list: Vec<Value> = self
            .groups
            .iter()
            .map(|(name, id)| {
                let ids: Vec<String> = self
                    .sources
                    .iter()
                    .filter(|s| s.group.as_deref() == Some(name.as_str()))
                    .map(|s| s.id.to_string())
                    .collect();
                json!({"group_id": id, "feed_ids": ids.join(",")})
            })
            .collect();
        json!(list)
    }

    fn group_named_by(&self, id: i64) -> Option<&str> {
        self.groups
            .iter()
            .find(|(_, gid)| **gid == id)
            .map(|(name, _)| name.as_str())
    }
}

fn ids_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn number(form: &Params, key: &str) -> Result<Option<i64>, ApiError> {
    form.text(key)
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ApiError::new(ErrorCode::BadFilter, format!("`{key}` must be a number"))
            })
        })
        .transpose()
}

async fn unread_ids(state: &AppState, user: &UserRow) -> Result<Vec<i64>, ApiError> {
    let mut query = ItemQuery::new(Stream::All, u32::MAX);
    query.unread_only = true;
    query.with_text = false;
    query.oldest_first = true;
    Ok(state.store().reader_ids(user.id, &query).await?)
}

async fn saved_ids(state: &AppState, user: &UserRow) -> Result<Vec<i64>, ApiError> {
    let mut query = ItemQuery::new(Stream::Starred, u32::MAX);
    query.with_text = false;
    query.oldest_first = true;
    Ok(state.store().reader_ids(user.id, &query).await?)
}

async fn respond(
    state: &AppState,
    user: &UserRow,
    form: &Params,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = base(true);
    out.insert(
        "last_refreshed_on_time".into(),
        json!(Utc::now().timestamp()),
    );
    let asked = |key: &str| form.has(key);
    if asked("mark") {
        mark(state, user, form, &mut out).await?;
    }
    if asked("groups") || asked("feeds") {
        let feeds = Feeds::load(state).await?;
        if asked("groups") {
            let groups: Vec<Value> = feeds
                .groups
                .iter()
                .map(|(name, id)| json!({"id": id, "title": name}))
                .collect();
            out.insert("groups".into(), json!(groups));
        }
        if asked("feeds") {
            let list: Vec<Value> = feeds
                .sources
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "favicon_id": 1,
                        "title": s.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| s.url.clone()),
                        "url": s.url,
                        "site_url": site_of(&s.url),
                        "is_spark": 0,
                        "last_updated_on_time": s.created_at.timestamp(),
                    })
                })
                .collect();
            out.insert("feeds".into(), json!(list));
        }
        out.insert("feeds_groups".into(), feeds.feeds_groups());
    }
    if asked("favicons") {
        out.insert("favicons".into(), json!([{"id": 1, "data": BLANK_ICON}]));
    }
    if asked("items") {
        items(state, user, form, &mut out).await?;
    }
    if asked("links") {
        out.insert("links".into(), json!([]));
    }
    if asked("unread_item_ids") {
        out.insert(
            "unread_item_ids".into(),
            json!(ids_text(&unread_ids(state, user).await?)),
        );
    }
    if asked("saved_item_ids") {
        out.insert(
            "saved_item_ids".into(),
            json!(ids_text(&saved_ids(state, user).await?)),
        );
    }
    Ok(out)
}

async fn items(
    state: &AppState,
    user: &UserRow,
    form: &Params,
    out: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let mut query = ItemQuery::new(Stream::All, ITEMS_PER_CALL);
    if let Some(with) = form.text("with_ids") {
        let mut ids = Vec::new();
        for part in with.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            ids.push(part.parse::<i64>().map_err(|_| {
                ApiError::new(
                    ErrorCode::BadId,
                    "`with_ids` takes item ids separated by commas",
                )
            })?);
        }
        ids.truncate(MAX_WITH_IDS);
        query.seqs = Some(ids);
        query.oldest_first = true;
    } else if let Some(max) = number(form, "max_id")? {
        query.max_seq_exclusive = Some(max);
    } else {
        query.min_seq_exclusive = Some(number(form, "since_id")?.unwrap_or(0));
        query.oldest_first = true;
    }
    let rows = state.store().reader_items(user.id, &query).await?;
    let ctx = Context::load(state, &rows).await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|item| {
            json!({
                "id": item.row.seq,
                "feed_id": item.source_id.unwrap_or(0),
                "title": item.row.article.title,
                "author": item.row.article.authors.join(", "),
                "html": ctx.content(item),
                "url": ctx.link(item),
                "is_saved": u8::from(item.starred),
                "is_read": u8::from(item.read),
                "created_on_time": crate::reader::published(item).timestamp(),
            })
        })
        .collect();
    let mut all = ItemQuery::new(Stream::All, u32::MAX);
    all.with_text = false;
    let total = state.store().reader_ids(user.id, &all).await?.len();
    out.insert("items".into(), json!(list));
    out.insert("total_items".into(), json!(total));
    Ok(())
}

async fn mark(
    state: &AppState,
    user: &UserRow,
    form: &Params,
    out: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let what = form.text("mark").unwrap_or("");
    let how = form.text("as").unwrap_or("");
    let id = number(form, "id")?
        .ok_or_else(|| ApiError::new(ErrorCode::BadFilter, "`mark` needs an `id`"))?;
    let before = number(form, "before")?.and_then(|t| Utc.timestamp_opt(t, 0).single());
    match (what, how) {
        ("item", "read" | "unread") => {
            state
                .store()
                .mark_articles(user.id, &[id], Some(how == "read"), None)
                .await?;
            out.insert(
                "unread_item_ids".into(),
                json!(ids_text(&unread_ids(state, user).await?)),
            );
        }
        ("item", "saved" | "unsaved") => {
            state
                .store()
                .mark_articles(user.id, &[id], None, Some(how == "saved"))
                .await?;
            out.insert(
                "saved_item_ids".into(),
                json!(ids_text(&saved_ids(state, user).await?)),
            );
        }
        ("feed" | "group", "read") => {
            let scope = if what == "feed" {
                ReadScope::Source(id)
            } else if id == 0 {
                ReadScope::All
            } else {
                let feeds = Feeds::load(state).await?;
                match feeds.group_named_by(id) {
                    Some(name) => ReadScope::Group(name.to_string()),
                    None => return Err(ApiError::not_found("group")),
                }
            };
            state.store().mark_all_read(user.id, &scope, before).await?;
            out.insert(
                "unread_item_ids".into(),
                json!(ids_text(&unread_ids(state, user).await?)),
            );
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::BadFilter,
                "`mark` takes item (read, unread, saved, unsaved), feed or group (read)",
            ));
        }
    }
    Ok(())
}
