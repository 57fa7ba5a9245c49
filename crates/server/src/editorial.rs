//! Editorial actions, shared by the admin pages and the JSON API: publish or unpublish an
//! article or a story, pin a story, merge two stories, split an article out into a story of its
//! own, block a provider. Each goes straight to the store, so pages, API and feeds (which read
//! the store on every request) reflect it at once.
//!
//! Merge and split rewrite story summaries (`article_count`, `provider_count`, dates, topics,
//! lead) from the articles the stories hold afterwards, and apply everything in one commit.

use chrono::{DateTime, Utc};
use storyline_model::Story;
use storyline_store::{ArticleRow, Commit, Store};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::params::{check_domain, check_id};

/// The editorial actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    PublishArticle(String, bool),
    PublishStory(String, bool),
    PinStory(String, bool),
    /// `(from, into)`.
    MergeStories(String, String),
    /// Moves an article (and its syndicated copies) into a new story.
    SplitArticle(String),
    BlockProvider(String, bool),
}

/// What an action did: the story (or article, or provider) it leaves the reader on.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub action: String,
    /// The id of the story the action leaves things in (the survivor of a merge, the new story
    /// of a split), or the article / provider acted on.
    pub target: String,
}

/// Applies an action.
pub async fn apply(store: &dyn Store, action: &Action) -> ApiResult<Outcome> {
    let outcome = |name: &str, target: &str| Outcome {
        action: name.into(),
        target: target.into(),
    };
    match action {
        Action::PublishArticle(id, on) => {
            check_id(id, "article")?;
            if !store.set_article_published(id, *on).await? {
                return Err(ApiError::not_found("article"));
            }
            Ok(outcome(if *on { "publish" } else { "unpublish" }, id))
        }
        Action::PublishStory(id, on) => {
            check_id(id, "story")?;
            if !store.set_story_published(id, *on).await? {
                return Err(ApiError::not_found("story"));
            }
            Ok(outcome(if *on { "publish" } else { "unpublish" }, id))
        }
        Action::PinStory(id, on) => {
            check_id(id, "story")?;
            if !store.set_story_pinned(id, *on).await? {
                return Err(ApiError::not_found("story"));
            }
            Ok(outcome(if *on { "pin" } else { "unpin" }, id))
        }
        Action::MergeStories(from, into) => {
            let survivor = merge(store, from, into).await?;
            Ok(outcome("merge", &survivor))
        }
        Action::SplitArticle(id) => {
            let story = split(store, id).await?;
            Ok(outcome("split", &story))
        }
        Action::BlockProvider(domain, on) => {
            check_domain(domain)?;
            store.set_provider_blocked(domain, *on).await?;
            Ok(outcome(if *on { "block" } else { "unblock" }, domain))
        }
    }
}

async fn live_story(store: &dyn Store, id: &str) -> ApiResult<Story> {
    check_id(id, "story")?;
    store
        .story(id)
        .await?
        .ok_or_else(|| ApiError::not_found("story"))
}

/// Merges story `from` into story `into`; returns the survivor's id.
pub async fn merge(store: &dyn Store, from: &str, into: &str) -> ApiResult<String> {
    let source = live_story(store, from).await?;
    let target = live_story(store, into).await?;
    if source.id == target.id {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "cannot merge a story into itself",
        ));
    }
    let mut rows = store.story_members(&target.id).await?;
    rows.extend(store.story_members(&source.id).await?);
    let mut survivor = summarize(&target, &rows, news_clock(store).await?);
    survivor.pinned = target.pinned || source.pinned;
    let commit = Commit {
        merges: vec![(source.id.clone(), target.id.clone())],
        stories: vec![survivor],
        ..Commit::default()
    };
    store.commit(&commit).await?;
    if source.pinned && !target.pinned {
        store.set_story_pinned(&target.id, true).await?;
    }
    Ok(target.id)
}

/// The id a split-out article's new story gets.
pub fn split_story_id(article_id: &str) -> String {
    format!("split-{article_id}")
}

/// Moves an article and its syndicated copies into a new story; returns its id.
pub async fn split(store: &dyn Store, article_id: &str) -> ApiResult<String> {
    check_id(article_id, "article")?;
    let row = store
        .article(article_id)
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let Some(old_id) = row.story_id.clone() else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the article belongs to no story",
        ));
    };
    let old = live_story(store, &old_id).await?;
    let rows = store.story_members(&old.id).await?;
    let (moving, staying): (Vec<ArticleRow>, Vec<ArticleRow>) = rows
        .into_iter()
        .partition(|r| r.article.id == article_id || r.duplicate_of.as_deref() == Some(article_id));
    if staying.is_empty() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the article is already alone in its story",
        ));
    }
    let new_id = split_story_id(article_id);
    let base = Story {
        id: new_id.clone(),
        lead_article_id: article_id.to_string(),
        heat: old.heat,
        published: true,
        ..Story::default()
    };
    let clock = news_clock(store).await?;
    let new_story = summarize(&base, &moving, clock);
    let old_story = summarize(&old, &staying, clock);
    let commit = Commit {
        moves: moving
            .iter()
            .map(|r| (r.article.id.clone(), new_id.clone()))
            .collect(),
        stories: vec![new_story, old_story],
        ..Commit::default()
    };
    store.commit(&commit).await?;
    Ok(new_id)
}

/// A story's summary recomputed from the articles it holds, by the pipeline's one rule
/// (`storyline_pipeline::summary`: the lead, the topics its coverage agrees on, counts, and
/// heat at the news clock), keeping `base`'s id and editorial flags.
fn summarize(base: &Story, rows: &[ArticleRow], clock: DateTime<Utc>) -> Story {
    let mut story = storyline_pipeline::summary::summarize(&base.id, rows, clock)
        .unwrap_or_else(|| base.clone());
    story.published = base.published;
    story.pinned = base.pinned;
    story
}

/// The time heat is judged at: the newest publication in the store, never later than now
/// (the pipeline's news clock).
pub(crate) async fn news_clock(store: &dyn Store) -> ApiResult<DateTime<Utc>> {
    let now = Utc::now();
    Ok(store
        .newest_published()
        .await?
        .map_or(now, |newest| newest.min(now)))
}
