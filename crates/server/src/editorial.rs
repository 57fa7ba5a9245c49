//! Editorial actions, shared by the admin pages and the JSON API: publish or unpublish an
//! article or a story, pin a story, merge two stories, split an article out into a story of its
//! own, block a provider. Each goes straight to the store, so pages, API and feeds (which read
//! the store on every request) reflect it at once.
//!
//! Merge and split rewrite story summaries (`article_count`, `provider_count`, dates, topics,
//! lead) from the articles the stories hold afterwards, and apply everything in one commit.

use std::collections::BTreeSet;

use storyline_analyze::judge::{self, LeadCandidate};
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
    let mut rows = store.story_articles(&target.id).await?;
    rows.extend(store.story_articles(&source.id).await?);
    let mut survivor = summarize(&target, &rows);
    survivor.heat = target.heat.max(source.heat);
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
    let rows = store.story_articles(&old.id).await?;
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
    let new_story = summarize(&base, &moving);
    let old_story = summarize(&old, &staying);
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

/// A story's summary recomputed from the articles it holds; keeps `base`'s id, heat and flags,
/// and its lead when the lead is still among the articles (else the judge's choice: the first
/// good report, `storyline_analyze::judge::lead`).
pub fn summarize(base: &Story, rows: &[ArticleRow]) -> Story {
    let lead = rows
        .iter()
        .find(|r| r.article.id == base.lead_article_id)
        .or_else(|| {
            let candidates: Vec<LeadCandidate> = rows
                .iter()
                .map(|r| LeadCandidate {
                    original: r.duplicate_of.is_none(),
                    published: r.article.published,
                    category: &r.article.category,
                    quality: r.article.quality,
                    time: r.article.published_date_time.unwrap_or(r.ingested_at),
                    order: r.seq,
                })
                .collect();
            judge::lead(&candidates).map(|i| &rows[i])
        });
    let providers: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.article.provider.domain.as_str())
        .collect();
    let mut topics: Vec<String> = base.topics.clone();
    for row in rows {
        for topic in &row.article.topics {
            if !topics.contains(topic) && topics.len() < 8 {
                topics.push(topic.clone());
            }
        }
    }
    let times = rows.iter().filter_map(|r| r.article.published_date_time);
    Story {
        id: base.id.clone(),
        title: lead
            .map(|r| r.article.title.clone())
            .unwrap_or_else(|| base.title.clone()),
        heat: base.heat,
        lead_article_id: lead
            .map(|r| r.article.id.clone())
            .unwrap_or_else(|| base.lead_article_id.clone()),
        article_count: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        provider_count: u32::try_from(providers.len()).unwrap_or(u32::MAX),
        first_published: times.clone().min(),
        last_published: times.max(),
        topics,
        published: base.published,
        pinned: base.pinned,
    }
}
