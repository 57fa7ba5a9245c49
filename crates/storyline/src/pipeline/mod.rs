//! The conductor: takes an [`Incoming`] article through deduplication, clustering and
//! judging into the store — and nothing else. Every stage it calls is a library function
//! with plain-data input and output.
//!
//! Each article is committed in one transaction together with everything its placement
//! changed (its story's summary, merges, moved articles, related-story links), so a crash
//! leaves the store as it was after the last whole article.
//!
//! The clusterer's window of open stories lives in memory; on start-up it is rebuilt by
//! replaying the recently ingested articles in arrival order. Replayed placements are
//! mapped onto the story ids already in the store, so stories keep their ids across runs.

pub mod intake;
pub mod summary;
pub mod web;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use storyline_analyze::judge::{self, QualityInput, Taxonomy};
use storyline_analyze::{ClusterConfig, ClusterDoc, StoryClusterer, StoryEvent};
use storyline_model::{Keyring, StoryLink};
use storyline_store::{ArticleRow, Commit, Store};

pub use intake::{Incoming, UNKNOWN_PROVIDER};

/// How the pipeline behaves; one configuration for every source.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// Articles ingested this long ago or less are replayed into the clusterer on start-up.
    pub replay_window: Duration,
    /// New articles (other than records, which carry their own flag) are published at once.
    pub auto_publish: bool,
    pub cluster: ClusterConfig,
    /// Topic taxonomy (the built-in one unless the user keeps their own file).
    pub taxonomy: Option<Taxonomy>,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            replay_window: Duration::days(7),
            auto_publish: true,
            cluster: ClusterConfig::default(),
            taxonomy: None,
        }
    }
}

/// What happened to one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored, in this story; `duplicate_of` when it is a syndicated copy.
    Ingested {
        id: String,
        story_id: String,
        new_story: bool,
        duplicate_of: Option<String>,
    },
    /// Already stored (same URL or the same text).
    Duplicate { id: String, existing: String },
    /// Not stored, for this reason.
    Skipped(String),
}

/// The ingest pipeline over a store.
pub struct Pipeline {
    store: Arc<dyn Store>,
    keyring: Keyring,
    taxonomy: Taxonomy,
    clusterer: StoryClusterer,
    /// Story ids the clusterer gave during replay → the ids stored for the same articles.
    aliases: HashMap<String, String>,
    blocked: HashSet<String>,
    config: PipelineConfig,
    /// The newest publication time seen: the clock heat is judged against.
    news_clock: Option<DateTime<Utc>>,
}

impl Pipeline {
    /// Opens the pipeline and rebuilds the clustering window from the store.
    pub async fn open(
        store: Arc<dyn Store>,
        keyring: Keyring,
        config: PipelineConfig,
    ) -> anyhow::Result<Self> {
        let blocked = store.blocked_providers().await?.into_iter().collect();
        let mut pipeline = Self {
            clusterer: StoryClusterer::new(config.cluster.clone()),
            store,
            keyring,
            taxonomy: config.taxonomy.clone().unwrap_or_else(Taxonomy::builtin),
            aliases: HashMap::new(),
            blocked,
            config,
            news_clock: None,
        };
        pipeline.replay().await?;
        Ok(pipeline)
    }

    async fn replay(&mut self) -> anyhow::Result<()> {
        let since = Utc::now() - self.config.replay_window;
        let Some(first) = self.store.first_seq_since(since).await? else {
            return Ok(());
        };
        let mut after = first - 1;
        let mut replayed = 0usize;
        loop {
            let rows = self.store.articles_after(after, 1000).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in &rows {
                let placement = self.clusterer.add(&cluster_doc(row));
                self.advance_clock(row.article.published_date_time);
                if let Some(stored) = &row.story_id
                    && *stored != placement.story_id
                {
                    self.aliases
                        .insert(placement.story_id.clone(), stored.clone());
                }
                replayed += 1;
            }
        }
        tracing::info!(
            replayed,
            aliases = self.aliases.len(),
            "rebuilt the clustering window"
        );
        Ok(())
    }

    fn advance_clock(&mut self, published: Option<DateTime<Utc>>) {
        if let Some(p) = published {
            let p = p.min(Utc::now());
            self.news_clock = Some(self.news_clock.map_or(p, |c| c.max(p)));
        }
    }

    /// The keyring that seals and opens `secured` values.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The time heat is judged at: the newest coverage seen, never later than now.
    pub fn news_clock(&self) -> DateTime<Utc> {
        self.news_clock.unwrap_or_else(Utc::now)
    }

    /// The stored id of a story the clusterer names now (following its merges).
    fn story_id(&self, clustered: &str) -> String {
        self.alias(&self.clusterer.resolve(clustered))
    }

    /// The stored id of a clusterer story id, as named (merges not followed).
    fn alias(&self, clustered: &str) -> String {
        self.aliases
            .get(clustered)
            .cloned()
            .unwrap_or_else(|| clustered.to_string())
    }

    /// Takes one article through the pipeline and commits it.
    pub async fn ingest(&mut self, incoming: Incoming) -> anyhow::Result<Outcome> {
        let Incoming {
            mut article,
            html,
            source_record,
            boilerplate_ratio,
        } = incoming;
        // A text that names its outlet but not its address (plain text, by its copyright
        // or syndication footer) joins that outlet when the archive already knows it.
        if article.provider.domain.is_empty()
            && article.provider.name != UNKNOWN_PROVIDER
            && let Some(domain) = self
                .store
                .provider_domain_named(&article.provider.name)
                .await?
        {
            article.provider.domain = domain;
        }
        if !article.provider.domain.is_empty() && self.blocked.contains(&article.provider.domain) {
            return Ok(Outcome::Skipped(format!(
                "provider {} is blocked",
                article.provider.domain
            )));
        }
        if self.store.article(&article.id).await?.is_some() {
            return Ok(Outcome::Duplicate {
                existing: article.id.clone(),
                id: article.id,
            });
        }
        let content_hash = content_hash(&article.title, &article.body);
        // The same text from the same outlet is a re-post; from another outlet it is
        // syndication, which the clusterer records as a copy of the original.
        if let Some(existing) = self.store.article_id_by_content_hash(&content_hash).await? {
            let same_outlet = match self.store.article(&existing).await? {
                Some(row) => {
                    row.article.provider.name == article.provider.name
                        && row.article.provider.domain == article.provider.domain
                }
                None => true,
            };
            if same_outlet {
                return Ok(Outcome::Duplicate {
                    id: article.id,
                    existing,
                });
            }
        }

        if article.topics.is_empty() {
            article.topics = self.taxonomy.classify(&article.title, &article.body);
        }
        if article.excerpt.trim().is_empty() {
            article.excerpt = judge::excerpt(&article.body, 300);
        }
        if source_record.is_none() {
            article.published = self.config.auto_publish;
        }
        if article.secured_verbatim.is_none() {
            article.provenance.content_hash = Some(content_hash.clone());
        }

        let now = Utc::now();
        let mut row = ArticleRow {
            article,
            seq: 0,
            story_id: None,
            duplicate_of: None,
            ingested_at: now,
            content_hash,
            html,
            secured: None,
        };
        let placement = self.clusterer.add(&cluster_doc(&row));
        self.advance_clock(row.article.published_date_time);
        let story_id = self.story_id(&placement.story_id);
        row.story_id = Some(story_id.clone());
        if let Some(original) = &placement.duplicate_of {
            row.duplicate_of = Some(original.clone());
            if let Some(original_row) = self.store.article(original).await? {
                row.article.original_url = original_row
                    .article
                    .original_url
                    .or(original_row.article.web_url);
            }
        }
        if row.article.quality.is_none() {
            row.article.quality = Some(judge::quality(&QualityInput {
                title: &row.article.title,
                body_words: row.article.body.split_whitespace().count(),
                has_image: !row.article.images.is_empty(),
                has_author: !row.article.authors.is_empty(),
                has_date: row.article.published_date_time.is_some(),
                is_syndicated_copy: row.duplicate_of.is_some(),
                is_original_reporting_hint: judge::original_reporting_hint(
                    &row.article.title,
                    &row.article.body,
                ),
                boilerplate_ratio,
                provider_weight: None,
            }));
        }
        if row.article.secured_verbatim.is_none()
            && row.article.provenance != storyline_model::Provenance::default()
        {
            row.secured = Some(
                self.keyring
                    .seal(&row.article.provenance, &row.article.id)
                    .context("cannot seal the private part of the article")?,
            );
        }

        let mut commit = Commit::default();
        let mut touched: Vec<String> = vec![story_id.clone()];
        for event in &placement.events {
            match event {
                StoryEvent::Merged { from, into } => {
                    let (from, into) = (self.alias(from), self.story_id(into));
                    if from != into {
                        commit.merges.push((from, into.clone()));
                        touched.push(into);
                    }
                }
                StoryEvent::Split {
                    new_story,
                    article_ids,
                    from,
                } => {
                    let new_story = self.alias(new_story);
                    for id in article_ids {
                        commit.moves.push((id.clone(), new_story.clone()));
                    }
                    touched.push(new_story);
                    touched.push(self.alias(from));
                }
                StoryEvent::Closed { .. } => {}
            }
        }
        let outcome = Outcome::Ingested {
            id: row.article.id.clone(),
            story_id: story_id.clone(),
            new_story: placement.new_story,
            duplicate_of: row.duplicate_of.clone(),
        };
        if let Some(record) = source_record {
            commit.source_records.push((row.article.id.clone(), record));
        }
        commit.articles.push(row);
        // Apply the article and moves first so story summaries see them.
        self.store.commit(&commit).await?;

        let mut follow_up = Commit::default();
        touched.sort();
        touched.dedup();
        let clock = self.news_clock();
        for id in &touched {
            let articles = self.store.story_articles(id).await?;
            if let Some(story) = summary::summarize(id, &articles, clock) {
                follow_up.stories.push(story);
            }
            let links: Vec<StoryLink> = self
                .clusterer
                .related(&self.clusterer.resolve(id))
                .into_iter()
                .map(|r| StoryLink {
                    story_id: id.clone(),
                    related_story_id: self.story_id(&r.story_id),
                    score: r.score,
                })
                .filter(|l| l.related_story_id != *id)
                .collect();
            follow_up.links.push((id.clone(), links));
        }
        self.store.commit(&follow_up).await?;
        Ok(outcome)
    }

    /// Recomputes the heat of every story with coverage in the last few days, against the
    /// news clock (heat decays while a story gets no new coverage).
    pub async fn refresh_heat(&self) -> anyhow::Result<usize> {
        let clock = self.news_clock();
        let active = self
            .store
            .stories_active_since(clock - Duration::days(4))
            .await?;
        let mut commit = Commit::default();
        for story in &active {
            let articles = self.store.story_articles(&story.id).await?;
            if let Some(fresh) = summary::summarize(&story.id, &articles, clock)
                && fresh.heat != story.heat
            {
                commit.stories.push(fresh);
            }
        }
        let changed = commit.stories.len();
        self.store.commit(&commit).await?;
        Ok(changed)
    }
}

/// The clusterer's view of a stored article: headline, body (the excerpt when a record has
/// no body), date, and the outlet's name — the same fields `storyline cluster` and the
/// evaluation loaders give it.
fn cluster_doc(row: &ArticleRow) -> ClusterDoc {
    let a = &row.article;
    ClusterDoc {
        id: a.id.clone(),
        title: a.title.clone(),
        text: if a.body.trim().is_empty() {
            a.excerpt.clone()
        } else {
            a.body.clone()
        },
        published: a.published_date_time,
        provider: Some(a.provider.name.clone()).filter(|n| !n.is_empty() && n != UNKNOWN_PROVIDER),
        url: a.web_url.clone(),
        lang: a.language.clone(),
    }
}

/// Hash of the text with case, punctuation and spacing normalised away, so a re-encoded or
/// re-wrapped copy of the same article is recognised.
pub fn content_hash(title: &str, body: &str) -> String {
    let mut normal = String::with_capacity(title.len() + body.len());
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .chain(body.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
    {
        normal.extend(word.chars().flat_map(char::to_lowercase));
        normal.push(' ');
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(normal.as_bytes()))
}
