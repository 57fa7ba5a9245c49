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

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use storyline_analyze::cluster::features::{PreparedFeatures, prepare as prepare_features};
use storyline_analyze::judge::{self, QualityInput, Taxonomy};
use storyline_analyze::{ClusterConfig, ClusterDoc, StoryClusterer, StoryEvent};
use storyline_model::{Keyring, StoryLink};
use storyline_store::{ArticleRow, Commit, EntityMention, Store, WriterLock};

use crate::intake::{Incoming, UNKNOWN_PROVIDER};
use crate::{PipelineError, Result, summary};

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
    /// A stored article known only from its feed's text, replaced by its full page.
    Upgraded { id: String, story_id: String },
    /// Not stored, for this reason.
    Skipped(String),
}

/// What can be judged of an article before the writer sees it: the part of ingest that
/// depends on the article alone (its topics and excerpt when it has none, its content hash,
/// its clustering features). Cheap to clone and share with a pool of threads; the writer's
/// result is the same whether or not an article was prepared.
#[derive(Debug, Clone)]
pub struct Preparer {
    taxonomy: Arc<Taxonomy>,
    cluster: ClusterConfig,
}

/// An article's prepared part (see [`Preparer`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    content_hash: String,
    features: PreparedFeatures,
    entities: Vec<EntityMention>,
}

impl Preparer {
    /// Judges what depends on the article alone and keeps it with the article.
    pub fn prepare(&self, incoming: &mut Incoming) {
        incoming.article.scrub_controls();
        fill_topics_and_excerpt(&self.taxonomy, &mut incoming.article);
        let article = &incoming.article;
        incoming.prepared = Some(Prepared {
            content_hash: content_hash(&article.title, &article.body),
            features: prepare_features(&cluster_doc_of(article), &self.cluster),
            entities: entity_mentions(article),
        });
    }
}

/// Entities kept per article: the most named.
const MAX_ENTITIES: usize = 24;

/// The people, organisations and places an article names (`judge::entities`), as stored.
pub fn entity_mentions(article: &storyline_model::Article) -> Vec<EntityMention> {
    let mut out: Vec<EntityMention> = Vec::new();
    for e in judge::entities(&article.title, &article.body) {
        let Some(kind) = e.kind.page_kind() else {
            continue;
        };
        // one organisation, one page: "Larchmont" where the text also says "Larchmont
        // Capital" is Larchmont Capital, whichever spelling this piece uses most
        let name = if e.kind == judge::EntityKind::Organization {
            judge::full_name(&e.name, &[&article.title, &article.body])
        } else {
            e.name
        };
        let slug = judge::entity_slug(&name);
        // an outlet crediting itself ("© Harbor Tech Daily") is not what its piece is about
        let own_outlet = slug == judge::entity_slug(&article.provider.name);
        if slug.is_empty() || own_outlet || out.iter().any(|m| m.slug == slug) {
            continue;
        }
        out.push(EntityMention {
            slug,
            name,
            kind: kind.to_string(),
            mentions: e.count,
        });
        if out.len() == MAX_ENTITIES {
            break;
        }
    }
    out
}

/// Topics and excerpt, where the source did not give them.
fn fill_topics_and_excerpt(taxonomy: &Taxonomy, article: &mut storyline_model::Article) {
    if article.topics.is_empty() {
        article.topics = taxonomy.classify(&article.title, &article.body);
    }
    if article.excerpt.trim().is_empty() {
        article.excerpt = judge::excerpt(&article.body, 300);
    }
}

/// The ingest pipeline over a store. Opening it takes the store's writer lock (a second
/// pipeline on the same store, in this process or another, is refused until it is dropped).
pub struct Pipeline {
    store: Arc<dyn Store>,
    keyring: Keyring,
    taxonomy: Arc<Taxonomy>,
    clusterer: StoryClusterer,
    /// Story ids the clusterer gave during replay → the ids stored for the same articles.
    aliases: HashMap<String, String>,
    blocked: HashSet<String>,
    config: PipelineConfig,
    /// The newest publication time seen: the clock heat is judged against.
    news_clock: Option<DateTime<Utc>>,
    /// The store's writer lock, held while the pipeline lives: one clusterer per store.
    _writer: WriterLock,
}

impl Pipeline {
    /// Opens the pipeline and rebuilds the clustering window from the store.
    pub async fn open(
        store: Arc<dyn Store>,
        keyring: Keyring,
        config: PipelineConfig,
    ) -> Result<Self> {
        let writer = store.writer_lock().await?;
        let blocked = store.blocked_providers().await?.into_iter().collect();
        let mut pipeline = Self {
            clusterer: StoryClusterer::new(config.cluster.clone()),
            store,
            keyring,
            taxonomy: Arc::new(config.taxonomy.clone().unwrap_or_else(Taxonomy::builtin)),
            aliases: HashMap::new(),
            blocked,
            config,
            news_clock: None,
            _writer: writer,
        };
        pipeline.replay().await?;
        Ok(pipeline)
    }

    async fn replay(&mut self) -> Result<()> {
        let since = Utc::now() - self.config.replay_window;
        let Some(first) = self.store.first_seq_since(since).await? else {
            return Ok(());
        };
        let mut after = first - 1;
        let mut replayed = 0usize;
        let mut stories: BTreeSet<String> = BTreeSet::new();
        loop {
            let rows = self.store.articles_after(after, 1000).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in &rows {
                let placement = self.clusterer.add(&cluster_doc(row));
                self.advance_clock(row.article.published_date_time);
                if let Some(stored) = &row.story_id {
                    if *stored != placement.story_id {
                        self.aliases
                            .insert(placement.story_id.clone(), stored.clone());
                    }
                    stories.insert(stored.clone());
                }
                replayed += 1;
            }
        }
        tracing::info!(
            replayed,
            aliases = self.aliases.len(),
            "rebuilt the clustering window"
        );
        self.repair_orphans(stories).await
    }

    /// Gives a story row to articles whose story has none. Versions that committed an
    /// article and its story's summary in two transactions could be killed between them;
    /// such an article was then stored for good but shown nowhere. Checked over the replay
    /// window, where a killed run's last articles are.
    async fn repair_orphans(&mut self, story_ids: BTreeSet<String>) -> Result<()> {
        let ids: Vec<String> = story_ids.into_iter().collect();
        let mut commit = Commit::default();
        let clock = self.news_clock();
        for chunk in ids.chunks(ORPHAN_CHECK_CHUNK) {
            let found = self.store.stories_by_ids(chunk).await?;
            for (id, story) in chunk.iter().zip(found) {
                if story.is_some() {
                    continue;
                }
                let members = self.store.story_members(id).await?;
                if let Some(story) = summary::summarize(id, &members, clock) {
                    tracing::warn!(story = %id, articles = members.len(), "repaired a story without its row");
                    commit.stories.push(story);
                    commit.links.push((id.clone(), self.links_of(id)));
                }
            }
        }
        if !commit.stories.is_empty() {
            self.store.commit(&commit).await?;
        }
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

    /// What threads ahead of the writer may judge of an article (see [`Preparer`]).
    pub fn preparer(&self) -> Preparer {
        Preparer {
            taxonomy: Arc::clone(&self.taxonomy),
            cluster: self.config.cluster.clone(),
        }
    }

    /// Reads the blocked providers again, so an editor's block reaches a running pipeline.
    pub async fn refresh_blocked(&mut self) -> Result<()> {
        self.blocked = self.store.blocked_providers().await?.into_iter().collect();
        Ok(())
    }

    /// Whether articles of this provider domain are refused.
    pub fn is_blocked(&self, domain: &str) -> bool {
        !domain.is_empty() && self.blocked.contains(domain)
    }

    /// Takes one article through the pipeline and commits it, with everything its placement
    /// changed, in one transaction.
    pub async fn ingest(&mut self, incoming: Incoming) -> Result<Outcome> {
        let Incoming {
            mut article,
            html,
            source_record,
            boilerplate_ratio,
            feed_only,
            prepared,
        } = incoming;
        // No control character is stored (done already when the article was prepared).
        article.scrub_controls();
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
        if self.is_blocked(&article.provider.domain) {
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
        let (content_hash, features, entities) = match prepared {
            Some(p) => (p.content_hash, Some(p.features), Some(p.entities)),
            None => (content_hash(&article.title, &article.body), None, None),
        };
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

        if features.is_none() {
            // A prepared article had its topics and excerpt judged with the rest.
            fill_topics_and_excerpt(&self.taxonomy, &mut article);
        }
        let entities = entities.unwrap_or_else(|| entity_mentions(&article));
        self.publication_flag(&mut article, source_record.is_some());
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
            feed_only,
        };
        let placement = match features {
            Some(features) => self.clusterer.add_prepared(&cluster_doc(&row), features),
            None => self.clusterer.add(&cluster_doc(&row)),
        };
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
            row.article.quality = Some(self.quality(&row, boilerplate_ratio));
        }
        self.seal(&mut row)?;

        let mut commit = Commit::default();
        let mut touched: Vec<String> = vec![story_id.clone()];
        for event in &placement.events {
            match event {
                StoryEvent::Merged { from, into } => {
                    let (from, into) = (self.alias(from), self.story_id(into));
                    if from != into {
                        commit.merges.push((from.clone(), into.clone()));
                        touched.push(from);
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
        touched.sort();
        touched.dedup();
        // The stories as they will be once this commit is applied: their stored articles,
        // with this one added and the clusterer's moves and merges applied in memory, so
        // the summaries travel in the same transaction as the article.
        let mut members: Vec<ArticleRow> = Vec::new();
        for id in &touched {
            members.extend(self.store.story_members(id).await?);
        }
        let mut pending = row.clone();
        pending.seq = i64::MAX;
        pending.html = None;
        members.push(pending);
        let after = apply_placement(members, &commit.moves, &commit.merges);
        commit.entities.push((row.article.id.clone(), entities));
        commit.articles.push(row);
        let merged_away: HashSet<&str> = commit.merges.iter().map(|(f, _)| f.as_str()).collect();
        let clock = self.news_clock();
        for id in touched
            .iter()
            .filter(|id| !merged_away.contains(id.as_str()))
        {
            let articles: Vec<ArticleRow> = after
                .iter()
                .filter(|a| a.story_id.as_deref() == Some(id.as_str()))
                .cloned()
                .collect();
            if let Some(story) = summary::summarize(id, &articles, clock) {
                commit.stories.push(story);
            }
            let links = self.links_of(id);
            commit.links.push((id.clone(), links));
        }
        self.store.commit(&commit).await?;
        Ok(outcome)
    }

    /// Replaces a stored article that was ingested from its feed's text alone with the full
    /// article its page gave, in place: same id, same story. Its story's summary is
    /// refreshed in the same transaction.
    pub async fn upgrade(&mut self, existing_id: &str, incoming: Incoming) -> Result<Outcome> {
        let Some(stored) = self.store.article(existing_id).await? else {
            return Ok(Outcome::Skipped(format!("article {existing_id} is gone")));
        };
        if !stored.feed_only {
            return Ok(Outcome::Duplicate {
                id: incoming.article.id,
                existing: existing_id.to_string(),
            });
        }
        let Incoming {
            mut article,
            html,
            boilerplate_ratio,
            feed_only,
            prepared,
            ..
        } = incoming;
        if feed_only {
            return Ok(Outcome::Duplicate {
                id: article.id,
                existing: existing_id.to_string(),
            });
        }
        // The identity of the stored article stays: its id, address, outlet and placement.
        article.id = stored.article.id.clone();
        article.web_url = stored.article.web_url.clone();
        article.original_url = stored.article.original_url.clone();
        article.provider = stored.article.provider.clone();
        article.published = stored.article.published;
        if article.published_date_time.is_none() {
            article.published_date_time = stored.article.published_date_time;
        }
        let (content_hash, entities) = match prepared {
            // Topics and excerpt were judged with the rest.
            Some(p) => (p.content_hash, p.entities),
            None => {
                fill_topics_and_excerpt(&self.taxonomy, &mut article);
                let entities = entity_mentions(&article);
                (content_hash(&article.title, &article.body), entities)
            }
        };
        article.provenance.content_hash = Some(content_hash.clone());
        let mut row = ArticleRow {
            article,
            seq: stored.seq,
            story_id: stored.story_id.clone(),
            duplicate_of: stored.duplicate_of.clone(),
            ingested_at: stored.ingested_at,
            content_hash,
            html,
            secured: None,
            feed_only: false,
        };
        row.article.quality = Some(self.quality(&row, boilerplate_ratio));
        self.seal(&mut row)?;
        let mut commit = Commit::default();
        if let Some(story_id) = &row.story_id {
            let mut members = self.store.story_members(story_id).await?;
            for member in &mut members {
                if member.article.id == row.article.id {
                    *member = row.clone();
                }
            }
            if let Some(story) = summary::summarize(story_id, &members, self.news_clock()) {
                commit.stories.push(story);
            }
        }
        let outcome = Outcome::Upgraded {
            id: row.article.id.clone(),
            story_id: row.story_id.clone().unwrap_or_default(),
        };
        commit.entities.push((row.article.id.clone(), entities));
        commit.upgrades.push(row);
        self.store.commit(&commit).await?;
        Ok(outcome)
    }

    /// New articles are published at once (when configured so); a record keeps its own flag.
    fn publication_flag(&self, article: &mut storyline_model::Article, from_record: bool) {
        if !from_record {
            article.published = self.config.auto_publish;
        }
    }

    /// The article's quality score. An article known only from its feed's text says so: it
    /// is judged as the short text it is, and marked down a further fifth.
    fn quality(&self, row: &ArticleRow, boilerplate_ratio: f32) -> u8 {
        let score = judge::quality(&QualityInput {
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
        });
        if row.feed_only {
            (f32::from(score) * FEED_ONLY_QUALITY).round() as u8
        } else {
            score
        }
    }

    /// Seals the article's private part under the newest key.
    fn seal(&self, row: &mut ArticleRow) -> Result<()> {
        if row.article.secured_verbatim.is_none()
            && row.article.provenance != storyline_model::Provenance::default()
        {
            row.secured = Some(
                self.keyring
                    .seal(&row.article.provenance, &row.article.id)
                    .map_err(|source| PipelineError::Seal {
                        id: row.article.id.clone(),
                        source,
                    })?,
            );
        }
        Ok(())
    }

    /// The related-story links of a stored story, from the clusterer's window.
    fn links_of(&self, id: &str) -> Vec<StoryLink> {
        self.clusterer
            .related(&self.clusterer.resolve(id))
            .into_iter()
            .map(|r| StoryLink {
                story_id: id.to_string(),
                related_story_id: self.story_id(&r.story_id),
                score: r.score,
            })
            .filter(|l| l.related_story_id != id)
            .collect()
    }

    /// Recomputes the heat of every story with coverage in the last few days, against the
    /// news clock (heat decays while a story gets no new coverage).
    pub async fn refresh_heat(&self) -> Result<usize> {
        let clock = self.news_clock();
        let active = self
            .store
            .stories_active_since(clock - Duration::days(4))
            .await?;
        let mut commit = Commit::default();
        for story in &active {
            let articles = self.store.story_members(&story.id).await?;
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

/// Story ids looked up at once when checking for stories without their row.
const ORPHAN_CHECK_CHUNK: usize = 200;

/// An article known only from its feed's text keeps this share of the quality its text
/// would otherwise earn: a summary is not the article.
const FEED_ONLY_QUALITY: f32 = 0.8;

/// The articles of some stories after a commit's moves and merges, applied in the order the
/// store applies them.
fn apply_placement(
    mut rows: Vec<ArticleRow>,
    moves: &[(String, String)],
    merges: &[(String, String)],
) -> Vec<ArticleRow> {
    for (article_id, story_id) in moves {
        for row in rows.iter_mut().filter(|r| r.article.id == *article_id) {
            row.story_id = Some(story_id.clone());
        }
    }
    for (from, into) in merges {
        for row in rows
            .iter_mut()
            .filter(|r| r.story_id.as_deref() == Some(from.as_str()))
        {
            row.story_id = Some(into.clone());
        }
    }
    let mut seen = HashSet::new();
    rows.retain(|r| seen.insert(r.article.id.clone()));
    rows
}

/// The clusterer's view of a stored article: headline, body (the excerpt when a record has
/// no body), date, and the outlet's name — the same fields `storyline cluster` and the
/// evaluation loaders give it.
fn cluster_doc(row: &ArticleRow) -> ClusterDoc {
    cluster_doc_of(&row.article)
}

fn cluster_doc_of(a: &storyline_model::Article) -> ClusterDoc {
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
