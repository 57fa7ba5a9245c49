//! The online story clusterer: places each article, in arrival order, into an
//! open story or a new one, and keeps the window of open stories (merging,
//! splitting and closing them) in bounded memory.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

use super::config::ClusterConfig;
use super::features::{FeatureBuilder, PreparedFeatures, TermStats};
use super::index::{StoryIndex, StoryKey};
use super::vector::TermVector;
use super::{ClusterDoc, Placement, RelatedStory, StoryEvent};
use crate::fasthash::KeySet;
use crate::syndication::SyndicationIndex;

/// Whether a story of `size` members re-indexes its centroid and looks for
/// look-alike stories on its own: at every size up to 8, then every 4th.
fn rechecks_at(size: usize) -> bool {
    size <= 8 || size.is_multiple_of(4)
}

/// Members whose vectors are kept for drift checks (older ones keep their id only).
const MEMBER_VECTORS: usize = 64;
/// Centroid terms put in the candidate index.
const INDEXED_TERMS: usize = 24;
/// Full-text members an article is compared with one by one.
const BODY_MEMBERS_COMPARED: usize = 16;
/// Publication dates further ahead of the stream clock than this do not move it.
const MAX_CLOCK_JUMP_HOURS: i64 = 48;

#[derive(Debug)]
struct Member {
    article: String,
    seq: u64,
    /// Empty once the member is older than the last `MEMBER_VECTORS`.
    vector: TermVector,
    names: TermVector,
    /// The names it mentions most (emptied with `vector`).
    subjects: TermVector,
    /// The article had body text (not only a headline).
    has_body: bool,
    /// The body was longer than the lead (not a summary).
    full_text: bool,
}

/// What an article brings to the comparison with a story.
struct Probe<'a> {
    vector: &'a TermVector,
    names: &'a TermVector,
    mentions: &'a [u64],
    full_text: bool,
    published: Option<DateTime<Utc>>,
}

#[derive(Debug)]
struct Story {
    id: String,
    /// Sum of the members' unit vectors, truncated to `story_terms`.
    sum: TermVector,
    /// Per term, how many members carry it (truncated to `story_terms`).
    presence: TermVector,
    /// Per lead name, how many members name it.
    name_presence: TermVector,
    /// Per name, how many members have it among their subjects.
    subject_presence: TermVector,
    /// Members counted in `presence`.
    size: f32,
    /// Members with body text.
    bodies: f32,
    /// Members told in full text (more than a lead).
    full_texts: f32,
    /// Members with at least one subject.
    with_subjects: f32,
    members: Vec<Member>,
    first_seq: u64,
    last_seq: u64,
    first_time: Option<DateTime<Utc>>,
    last_time: Option<DateTime<Utc>>,
    indexed: KeySet<u64>,
    /// Ids merged into this story (their redirects live while it is open).
    merged_from: Vec<String>,
}

impl Story {
    fn centroid_similarity(&self, vector: &TermVector) -> f32 {
        let n = self.sum.norm();
        if n > 0.0 {
            self.sum.dot(vector) / n
        } else {
            0.0
        }
    }

    /// Share of the article's term weight carried by the story's members.
    fn coverage(&self, vector: &TermVector) -> f32 {
        let total: f32 = vector.terms().iter().map(|p| p.1).sum();
        if total <= 0.0 || self.size <= 0.0 {
            return 0.0;
        }
        let covered: f32 = vector
            .terms()
            .iter()
            .map(|(t, w)| w * self.presence.get(*t))
            .sum();
        covered / (total * self.size)
    }

    /// Share of the article's lead names that the story's members name
    /// (`None` when either side names nobody).
    fn name_agreement(&self, names: &TermVector) -> Option<f32> {
        if names.is_empty() || self.name_presence.is_empty() || self.size <= 0.0 {
            return None;
        }
        let covered: f32 = names
            .terms()
            .iter()
            .map(|(t, w)| w * self.name_presence.get(*t))
            .sum();
        Some(covered / self.size)
    }

    /// [`Story::name_agreement`] of this story's names (as a whole) with `other`.
    fn name_agreement_with(&self, other: &Story) -> Option<f32> {
        let total: f32 = self.name_presence.terms().iter().map(|p| p.1).sum();
        if total <= 0.0 {
            return None;
        }
        other.name_agreement(&self.name_presence.clone().scaled(1.0 / total))
    }

    /// Cosine of the article to the most similar of the story's recent members
    /// told in full text (0 when there is none).
    fn best_body_member(&self, vector: &TermVector) -> f32 {
        self.members
            .iter()
            .rev()
            .filter(|m| m.full_text && !m.vector.is_empty())
            .take(BODY_MEMBERS_COMPARED)
            .map(|m| m.vector.dot(vector))
            .fold(0.0, f32::max)
    }

    /// The largest share of members having as a subject a name which
    /// `mentions` (an article's terms, sorted) lacks, among the members that
    /// have subjects; 0 while fewer than two have (one article's subjects are
    /// not yet the story's).
    fn unnamed_subject(&self, mentions: &[u64]) -> f32 {
        if self.with_subjects < 2.0 {
            return 0.0;
        }
        self.subject_presence
            .terms()
            .iter()
            .filter(|(t, _)| mentions.binary_search(t).is_err())
            .map(|(_, n)| n / self.with_subjects)
            .fold(0.0, f32::max)
    }

    fn add_member(&mut self, member: Member, keep: usize) {
        self.sum = self.sum.add_scaled(&member.vector, 1.0, keep);
        self.presence = self.presence.add_presence(&member.vector, 1.0, keep);
        self.name_presence = self.name_presence.add_presence(&member.names, 1.0, keep);
        self.subject_presence = self
            .subject_presence
            .add_presence(&member.subjects, 1.0, keep);
        self.size += 1.0;
        if member.has_body {
            self.bodies += 1.0;
        }
        if member.full_text {
            self.full_texts += 1.0;
        }
        if !member.subjects.is_empty() {
            self.with_subjects += 1.0;
        }
        self.members.push(member);
    }

    fn note_time(&mut self, t: Option<DateTime<Utc>>) {
        if let Some(t) = t {
            self.first_time = Some(self.first_time.map_or(t, |f| f.min(t)));
            self.last_time = Some(self.last_time.map_or(t, |l| l.max(t)));
        }
    }

    /// Distance in time from `t` to the story's span (0 inside it).
    fn gap(&self, t: Option<DateTime<Utc>>) -> Option<TimeDelta> {
        let (t, first, last) = (t?, self.first_time?, self.last_time?);
        Some(if t > last {
            t - last
        } else if t < first {
            first - t
        } else {
            TimeDelta::zero()
        })
    }
}

#[derive(Debug, Default)]
struct Slot {
    generation: u32,
    story: Option<Story>,
}

#[derive(Debug, Clone, Copy)]
struct Activity {
    seq: u64,
    at: Option<DateTime<Utc>>,
    key: StoryKey,
}

/// Online story clustering over a sliding window of open stories.
///
/// [`StoryClusterer::add`] is a pure function of the sequence of articles given
/// so far and the configuration: no clock, randomness or hash-order dependence.
#[derive(Debug)]
pub struct StoryClusterer {
    config: ClusterConfig,
    features: FeatureBuilder,
    stats: TermStats,
    /// Arrival number of the next article.
    seq: u64,
    /// Stream clock: the latest publication time seen (jumps capped).
    clock: Option<DateTime<Utc>>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    open: usize,
    by_id: HashMap<String, StoryKey>,
    redirects: HashMap<String, String>,
    index: StoryIndex,
    activity: VecDeque<Activity>,
    syndication: SyndicationIndex,
}

impl StoryClusterer {
    /// A clusterer with no open stories.
    pub fn new(config: ClusterConfig) -> Self {
        let syndication = SyndicationIndex::new(config.syndication.clone());
        Self {
            config,
            features: FeatureBuilder::default(),
            stats: TermStats::default(),
            seq: 0,
            clock: None,
            slots: Vec::new(),
            free: Vec::new(),
            open: 0,
            by_id: HashMap::new(),
            redirects: HashMap::new(),
            index: StoryIndex::default(),
            activity: VecDeque::new(),
            syndication,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Number of open stories in the window.
    pub fn open_stories(&self) -> usize {
        self.open
    }

    /// Place one article, in arrival order. Deterministic.
    pub fn add(&mut self, doc: &ClusterDoc) -> Placement {
        self.add_with(doc, None)
    }

    /// [`StoryClusterer::add`] with the article's features prepared beforehand (by
    /// [`super::features::prepare`] from the same `doc` and configuration, possibly on
    /// another thread); the placement is the same.
    pub fn add_prepared(&mut self, doc: &ClusterDoc, prepared: PreparedFeatures) -> Placement {
        self.add_with(doc, Some(prepared))
    }

    fn add_with(&mut self, doc: &ClusterDoc, prepared: Option<PreparedFeatures>) -> Placement {
        let seq = self.seq;
        self.seq += 1;
        let mut events = Vec::new();
        self.advance_clock(doc.published);
        self.close_quiet_stories(seq, &mut events);

        let features = match prepared {
            Some(prepared) => super::features::finish(prepared, &self.config, &mut self.stats),
            None => self.features.build(doc, &self.config, &mut self.stats),
        };
        let vector = features.vector;
        let names = features.names;
        let has_body = !doc.text.trim().is_empty();
        let full_text = features.full_text;

        // 1. a copy of a recent article joins the original's story
        let copy = features
            .fingerprint
            .as_ref()
            .and_then(|fp| self.syndication.find(fp));
        let mut duplicate_of = None;
        let mut target = None;
        if let Some(copy) = copy {
            duplicate_of = Some(copy.original.clone());
            target = self.by_id.get(&self.resolve(&copy.story)).copied();
        }

        // 2. otherwise the most similar open story, if similar enough
        let scored = self.score_candidates(&Probe {
            vector: &vector,
            names: &names,
            mentions: &features.mentions,
            full_text,
            published: doc.published,
        });
        if target.is_none()
            && let Some((key, sim)) = scored.first()
            && *sim >= self.join_threshold(full_text, *key)
        {
            target = Some(*key);
        }

        let member = Member {
            article: doc.id.clone(),
            seq,
            vector,
            names,
            subjects: features.subjects,
            has_body,
            full_text,
        };
        let (key, new_story) = match target {
            Some(key) => {
                self.join(key, member, doc.published);
                (key, false)
            }
            None => (self.open_story(member, doc.published), true),
        };

        // 3. later coverage may show that two open stories are one
        let mut key = key;
        if !new_story {
            key = self.merge_look_alikes(key, &scored, &mut events);
            key = self.split_if_drifted(key, &mut events);
        }
        let story_id = self
            .story(key)
            .map(|s| s.id.clone())
            .unwrap_or_else(|| doc.id.clone());
        let story_id = self.resolve(&story_id);

        if let Some(fp) = features.fingerprint {
            let original = duplicate_of.as_deref().unwrap_or(&doc.id);
            self.syndication.insert(fp, original, &story_id, seq);
        }
        Placement {
            story_id,
            new_story,
            duplicate_of,
            events,
        }
    }

    /// Related stories of an open story, best first.
    pub fn related(&self, story_id: &str) -> Vec<RelatedStory> {
        let id = self.resolve(story_id);
        let Some(key) = self.by_id.get(&id).copied() else {
            return Vec::new();
        };
        let Some(story) = self.story(key) else {
            return Vec::new();
        };
        let query = story.sum.top_terms(self.config.query_terms * 2);
        let (keys, _) = self.index.candidates(
            &query,
            self.config.max_postings,
            self.config.candidates * 2,
            |k| self.is_live(k),
        );
        let mut related: Vec<RelatedStory> = keys
            .into_iter()
            .filter(|k| *k != key)
            .filter_map(|k| {
                let other = self.story(k)?;
                let mut score = story.sum.cosine(&other.sum);
                // related stories are days apart by nature (a match and the next,
                // a quake and another): the link fades over the open window, not
                // over the time scale of one story's coverage
                if let Some(gap) = other.gap(story.first_time).zip(other.gap(story.last_time)) {
                    score *= self.decay(Some(gap.0.min(gap.1)), self.config.quiet_period);
                }
                (score >= self.config.related_threshold).then(|| RelatedStory {
                    story_id: other.id.clone(),
                    score,
                })
            })
            .collect();
        related.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.story_id.cmp(&b.story_id))
        });
        related
    }

    /// Resolve a story id that may have been merged away.
    ///
    /// Redirects are kept while the surviving story is open; the store keeps
    /// the merge events for closed stories.
    pub fn resolve(&self, story_id: &str) -> String {
        let mut id = story_id;
        for _ in 0..64 {
            match self.redirects.get(id) {
                Some(next) if next != id => id = next,
                _ => break,
            }
        }
        id.to_string()
    }

    /// How far back a replay must start to rebuild the open window after a
    /// restart: the earliest publication time of any open story's coverage.
    ///
    /// `None` when no open story carries a date; a replay then starts
    /// `quiet_articles` arrivals back (undated articles leave the window by count).
    pub fn replay_horizon(&self) -> Option<DateTime<Utc>> {
        self.slots
            .iter()
            .filter_map(|s| s.story.as_ref()?.first_time)
            .min()
    }

    /// Article ids of an open story, in arrival order.
    pub fn members(&self, story_id: &str) -> Option<Vec<String>> {
        let key = self.by_id.get(&self.resolve(story_id))?;
        let story = self.story(*key)?;
        Some(story.members.iter().map(|m| m.article.clone()).collect())
    }

    // ---- window ------------------------------------------------------------

    fn advance_clock(&mut self, published: Option<DateTime<Utc>>) {
        let Some(p) = published else { return };
        self.clock = Some(match self.clock {
            None => p,
            Some(c) => c.max(p.min(c + TimeDelta::hours(MAX_CLOCK_JUMP_HOURS))),
        });
    }

    fn close_quiet_stories(&mut self, now: u64, events: &mut Vec<StoryEvent>) {
        while let Some(a) = self.activity.front().copied() {
            let current = self.story(a.key).is_some_and(|s| s.last_seq == a.seq);
            if !current {
                self.activity.pop_front();
                continue;
            }
            // Arrivals are the only clock of an undated story; a dated one is
            // closed by count only as a bound on the window's size and cost.
            let quiet_arrivals = if a.at.is_none() {
                self.config.undated_quiet_articles
            } else {
                self.config.quiet_articles
            };
            let by_count = now.saturating_sub(a.seq) > quiet_arrivals;
            let by_time = matches!((self.clock, a.at), (Some(c), Some(at)) if c - at > self.config.quiet_period);
            let by_cap = self.open > self.config.max_open_stories;
            if !(by_count || by_time || by_cap) {
                break;
            }
            self.activity.pop_front();
            if let Some(id) = self.close(a.key) {
                events.push(StoryEvent::Closed { story_id: id });
            }
        }
        let oldest = self.activity.front().map_or(now, |a| a.seq);
        self.syndication.evict_before(oldest);
    }

    fn close(&mut self, key: StoryKey) -> Option<String> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if slot.generation != key.generation {
            return None;
        }
        let story = slot.story.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(key.slot);
        self.open -= 1;
        self.by_id.remove(&story.id);
        for from in &story.merged_from {
            self.redirects.remove(from);
        }
        Some(story.id)
    }

    fn touch(&mut self, key: StoryKey, seq: u64) {
        if let Some(story) = self.story_mut(key) {
            story.last_seq = seq;
        }
        self.activity.push_back(Activity {
            seq,
            at: self.clock,
            key,
        });
    }

    // ---- stories -----------------------------------------------------------

    fn story(&self, key: StoryKey) -> Option<&Story> {
        let slot = self.slots.get(key.slot as usize)?;
        (slot.generation == key.generation)
            .then_some(slot.story.as_ref())
            .flatten()
    }

    fn story_mut(&mut self, key: StoryKey) -> Option<&mut Story> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if slot.generation != key.generation {
            return None;
        }
        slot.story.as_mut()
    }

    fn is_live(&self, key: StoryKey) -> bool {
        self.story(key).is_some()
    }

    fn time_factor(&self, gap: Option<TimeDelta>) -> f32 {
        self.decay(gap, self.config.time_scale)
    }

    /// exp(−gap / scale); 1 when the gap is unknown.
    fn decay(&self, gap: Option<TimeDelta>, scale: TimeDelta) -> f32 {
        let scale = scale.num_seconds().max(1) as f32;
        gap.map_or(1.0, |g| (-(g.num_seconds() as f32) / scale).exp())
    }

    /// Open stories near `vector`, scored, best first.
    fn score_candidates(&mut self, probe: &Probe<'_>) -> Vec<(StoryKey, f32)> {
        let query = probe.vector.top_terms(self.config.query_terms);
        let (keys, stale) = self.index.candidates(
            &query,
            self.config.max_postings,
            self.config.candidates,
            |k| self.is_live(k),
        );
        if !stale.is_empty() {
            let slots = &self.slots;
            self.index.compact(&stale, |k| {
                slots
                    .get(k.slot as usize)
                    .is_some_and(|s| s.generation == k.generation && s.story.is_some())
            });
        }
        let mut scored: Vec<(StoryKey, f32, u64)> = keys
            .into_iter()
            .filter_map(|k| {
                let s = self.story(k)?;
                let sim = self.similarity(s, probe) * self.time_factor(s.gap(probe.published));
                Some((k, sim, s.first_seq))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        scored.into_iter().map(|(k, s, _)| (k, s)).collect()
    }

    /// The similarity an article needs to join story `key`: full texts on
    /// both sides are compared member by member and take their own threshold.
    fn join_threshold(&self, full_text: bool, key: StoryKey) -> f32 {
        let full_texts = full_text && self.story(key).is_some_and(|s| s.full_texts > 0.0);
        if full_texts {
            self.config.body_join_threshold
        } else {
            self.config.join_threshold
        }
    }

    /// How much an article looks like a story, before the time factor.
    fn similarity(&self, story: &Story, probe: &Probe<'_>) -> f32 {
        let c = &self.config;
        let mut base = (1.0 - c.coverage_weight) * story.centroid_similarity(probe.vector)
            + c.coverage_weight * story.coverage(probe.vector);
        if probe.full_text && story.full_texts > 0.0 {
            // two full texts share enough words to be matched one to one
            base = base.max(story.best_body_member(probe.vector));
            // a full text that never names what most of the story's articles
            // lead with is about something else
            if story.unnamed_subject(probe.mentions) >= c.subject_share {
                base *= 1.0 - c.subject_penalty;
            }
            return base;
        }
        base * self.name_factor(story.name_agreement(probe.names))
    }

    /// Penalty for lead names one side has and the other lacks (1 = none).
    fn name_factor(&self, agreement: Option<f32>) -> f32 {
        let c = &self.config;
        let shortfall = agreement.map_or(0.0, |a| (1.0 - a / c.name_agreement.max(1e-6)).max(0.0));
        1.0 - c.name_penalty * shortfall
    }

    fn index_story(&mut self, key: StoryKey) {
        let Some(story) = self.story_mut(key) else {
            return;
        };
        let fresh: Vec<u64> = story
            .sum
            .top_terms(INDEXED_TERMS)
            .into_iter()
            .map(|(t, _)| t)
            .filter(|t| story.indexed.insert(*t))
            .collect();
        for t in fresh {
            self.index.add(t, key);
        }
    }

    fn open_story(&mut self, member: Member, published: Option<DateTime<Utc>>) -> StoryKey {
        let seq = member.seq;
        let mut story = Story {
            id: member.article.clone(),
            sum: TermVector::default(),
            presence: TermVector::default(),
            name_presence: TermVector::default(),
            subject_presence: TermVector::default(),
            size: 0.0,
            bodies: 0.0,
            full_texts: 0.0,
            with_subjects: 0.0,
            members: Vec::new(),
            first_seq: seq,
            last_seq: seq,
            first_time: None,
            last_time: None,
            indexed: KeySet::default(),
            merged_from: Vec::new(),
        };
        story.add_member(member, self.config.story_terms);
        story.note_time(published);
        self.insert_story(story, seq)
    }

    fn insert_story(&mut self, story: Story, seq: u64) -> StoryKey {
        // a new story under a formerly merged id stops redirecting
        self.redirects.remove(&story.id);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot::default());
                (self.slots.len() - 1) as u32
            }
        };
        let generation = self.slots[slot as usize].generation;
        let key = StoryKey { slot, generation };
        self.by_id.insert(story.id.clone(), key);
        self.slots[slot as usize].story = Some(story);
        self.open += 1;
        self.index_story(key);
        self.touch(key, seq);
        key
    }

    fn join(&mut self, key: StoryKey, member: Member, published: Option<DateTime<Utc>>) {
        let keep = self.config.story_terms;
        let seq = member.seq;
        if let Some(story) = self.story_mut(key) {
            story.add_member(member, keep);
            story.note_time(published);
            let n = story.members.len();
            if n > MEMBER_VECTORS {
                let old = &mut story.members[n - MEMBER_VECTORS - 1];
                old.vector = TermVector::default();
                old.names = TermVector::default();
                old.subjects = TermVector::default();
            }
        }
        // a story's heaviest terms settle quickly: re-index while it is small,
        // then every few articles
        if self
            .story(key)
            .is_some_and(|s| rechecks_at(s.members.len()))
        {
            self.index_story(key);
        }
        self.touch(key, seq);
    }

    /// Merges into `key` (or `key` into) candidate stories whose centroids say
    /// they are the same story. Returns the surviving key.
    fn merge_look_alikes(
        &mut self,
        mut key: StoryKey,
        scored: &[(StoryKey, f32)],
        events: &mut Vec<StoryEvent>,
    ) -> StoryKey {
        let probe = self.config.join_threshold * 0.5;
        let mut others: Vec<StoryKey> = scored
            .iter()
            .filter(|(k, sim)| *k != key && *sim >= probe)
            .map(|(k, _)| *k)
            .collect();
        // the grown story may now also look like stories the article did not
        if let Some(story) = self.story(key).filter(|s| rechecks_at(s.members.len())) {
            let query = story.sum.top_terms(self.config.query_terms);
            let (keys, _) = self.index.candidates(
                &query,
                self.config.max_postings,
                self.config.candidates,
                |k| self.is_live(k),
            );
            for k in keys {
                if k != key && !others.contains(&k) {
                    others.push(k);
                }
            }
        }
        for other in others {
            let (Some(a), Some(b)) = (self.story(key), self.story(other)) else {
                continue;
            };
            let gap = b
                .gap(a.first_time)
                .zip(b.gap(a.last_time))
                .map(|(x, y)| x.min(y));
            // stories told in full text must also agree on who did what
            let full_texts = a.bodies > 0.0 && b.bodies > 0.0;
            let names = if full_texts {
                match (a.name_agreement_with(b), b.name_agreement_with(a)) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                }
            } else {
                None
            };
            let same = a.sum.cosine(&b.sum) * self.time_factor(gap) * self.name_factor(names);
            let threshold = if full_texts {
                self.config.merge_threshold
            } else {
                // a centroid averaged over many headlines is denser: two large
                // stories sharing a topic word reach a cosine that the halves of
                // a small story do not, so the bar rises with the smaller size
                let smaller = a.size.min(b.size).max(1.0);
                self.config.headline_merge_threshold
                    * (1.0 + self.config.merge_size_growth * smaller.ln())
            };
            if same < threshold {
                continue;
            }
            let (into, from) = if a.first_seq <= b.first_seq {
                (key, other)
            } else {
                (other, key)
            };
            if let Some(event) = self.merge(into, from) {
                events.push(event);
                key = into;
            }
        }
        key
    }

    fn merge(&mut self, into: StoryKey, from: StoryKey) -> Option<StoryEvent> {
        let keep = self.config.story_terms;
        let from_id = self.story(from)?.id.clone();
        self.by_id.remove(&from_id);
        let gone = {
            let slot = self.slots.get_mut(from.slot as usize)?;
            let story = slot.story.take()?;
            slot.generation = slot.generation.wrapping_add(1);
            story
        };
        self.free.push(from.slot);
        self.open -= 1;
        let seq = self.seq.saturating_sub(1);
        let into_id = {
            let story = self.story_mut(into)?;
            story.sum = story.sum.add_scaled(&gone.sum, 1.0, keep);
            story.presence = story.presence.add_scaled(&gone.presence, 1.0, keep);
            story.name_presence = story
                .name_presence
                .add_scaled(&gone.name_presence, 1.0, keep);
            story.subject_presence =
                story
                    .subject_presence
                    .add_scaled(&gone.subject_presence, 1.0, keep);
            story.size += gone.size;
            story.bodies += gone.bodies;
            story.full_texts += gone.full_texts;
            story.with_subjects += gone.with_subjects;
            story.members.extend(gone.members);
            story.members.sort_by_key(|m| m.seq);
            story.first_time = match (story.first_time, gone.first_time) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            story.last_time = story.last_time.max(gone.last_time);
            story.first_seq = story.first_seq.min(gone.first_seq);
            story.merged_from.extend(gone.merged_from.iter().cloned());
            story.merged_from.push(gone.id.clone());
            story.id.clone()
        };
        for old in gone.merged_from.iter().chain(std::iter::once(&gone.id)) {
            self.redirects.insert(old.clone(), into_id.clone());
        }
        self.index_story(into);
        self.touch(into, seq);
        Some(StoryEvent::Merged {
            from: from_id,
            into: into_id,
        })
    }

    /// Splits off the recent members of a story that has drifted away from
    /// its start (2-means over the members' vectors).
    fn split_if_drifted(&mut self, key: StoryKey, events: &mut Vec<StoryEvent>) -> StoryKey {
        let cfg = &self.config;
        if cfg.split_threshold <= 0.0 {
            return key;
        }
        let Some(story) = self.story(key) else {
            return key;
        };
        let n = story.members.len();
        if n < cfg.split_min_members
            || !(n - cfg.split_min_members).is_multiple_of(cfg.split_every.max(1))
        {
            return key;
        }
        let with_vectors: Vec<usize> = (0..n)
            .filter(|i| !story.members[*i].vector.is_empty())
            .collect();
        if with_vectors.len() < 6 {
            return key;
        }
        let keep = cfg.story_terms;
        // seeds: the oldest tracked member, and the one least like the story
        let first = with_vectors[0];
        let far = with_vectors
            .iter()
            .copied()
            .min_by(|a, b| {
                let sa = story.centroid_similarity(&story.members[*a].vector);
                let sb = story.centroid_similarity(&story.members[*b].vector);
                sa.total_cmp(&sb).then(a.cmp(b))
            })
            .unwrap_or(first);
        if far == first {
            return key;
        }
        let mut c_old = story.members[first].vector.clone();
        let mut c_new = story.members[far].vector.clone();
        let mut moved: Vec<usize> = Vec::new();
        for _ in 0..3 {
            moved = with_vectors
                .iter()
                .copied()
                .filter(|i| *i != first)
                .filter(|i| {
                    let v = &story.members[*i].vector;
                    c_new.cosine(v) > c_old.cosine(v)
                })
                .collect();
            let mut old = TermVector::default();
            let mut new = TermVector::default();
            for i in &with_vectors {
                if moved.contains(i) {
                    new = new.add_scaled(&story.members[*i].vector, 1.0, keep);
                } else {
                    old = old.add_scaled(&story.members[*i].vector, 1.0, keep);
                }
            }
            c_old = old;
            c_new = new;
        }
        let min_part = 3;
        if moved.len() < min_part
            || with_vectors.len() - moved.len() < min_part
            || c_old.cosine(&c_new) >= cfg.split_threshold
        {
            return key;
        }
        // the new story is named after its earliest article not already a story id
        let Some(new_id) = moved
            .iter()
            .map(|i| story.members[*i].article.clone())
            .find(|a| !self.redirects.contains_key(a) && !self.by_id.contains_key(a))
        else {
            return key;
        };
        let from_id = story.id.clone();
        let seq = self.seq.saturating_sub(1);
        let Some(story) = self.story_mut(key) else {
            return key;
        };
        let mut taken = Vec::new();
        let mut kept = Vec::new();
        for (i, m) in std::mem::take(&mut story.members).into_iter().enumerate() {
            if moved.contains(&i) {
                taken.push(m);
            } else {
                kept.push(m);
            }
        }
        story.members = kept;
        let mut moved_presence = TermVector::default();
        let mut moved_names = TermVector::default();
        let mut moved_subjects = TermVector::default();
        for m in &taken {
            moved_presence = moved_presence.add_presence(&m.vector, 1.0, keep);
            moved_names = moved_names.add_presence(&m.names, 1.0, keep);
            moved_subjects = moved_subjects.add_presence(&m.subjects, 1.0, keep);
        }
        story.sum = story.sum.add_scaled(&c_new, -1.0, keep);
        story.presence = story.presence.add_scaled(&moved_presence, -1.0, keep);
        story.name_presence = story.name_presence.add_scaled(&moved_names, -1.0, keep);
        story.subject_presence = story
            .subject_presence
            .add_scaled(&moved_subjects, -1.0, keep);
        story.size -= taken.len() as f32;
        let moved_bodies = taken.iter().filter(|m| m.has_body).count() as f32;
        story.bodies -= moved_bodies;
        let moved_with_subjects = taken.iter().filter(|m| !m.subjects.is_empty()).count() as f32;
        story.with_subjects -= moved_with_subjects;
        let moved_full_texts = taken.iter().filter(|m| m.full_text).count() as f32;
        story.full_texts -= moved_full_texts;
        let article_ids: Vec<String> = taken.iter().map(|m| m.article.clone()).collect();
        let first_seq = taken.first().map_or(seq, |m| m.seq);
        let new_story = Story {
            id: new_id.clone(),
            sum: c_new,
            presence: moved_presence,
            name_presence: moved_names,
            subject_presence: moved_subjects,
            size: taken.len() as f32,
            bodies: moved_bodies,
            full_texts: moved_full_texts,
            with_subjects: moved_with_subjects,
            members: taken,
            first_seq,
            last_seq: seq,
            first_time: story.first_time,
            last_time: story.last_time,
            indexed: KeySet::default(),
            merged_from: Vec::new(),
        };
        let new_key = self.insert_story(new_story, seq);
        events.push(StoryEvent::Split {
            from: from_id,
            new_story: new_id,
            article_ids: article_ids.clone(),
        });
        let last = self.seq.saturating_sub(1);
        // report where the article just placed ended up
        if self
            .story(new_key)
            .is_some_and(|s| s.members.iter().any(|m| m.seq == last))
        {
            new_key
        } else {
            key
        }
    }
}
