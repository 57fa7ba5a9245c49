//! What pages, the API and feeds show of stories and articles, built once from store rows.
//!
//! A [`StoryCard`] is a story as a front page lists it: the lead article, then "More:" — the
//! other coverage, one piece per provider, best first. Syndicated copies (rows whose
//! `duplicate_of` points at an original) are folded into their original as "also published
//! by". [`Visibility`] decides what the public may see: published stories and articles whose
//! provider is not blocked.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use storyline_model::Story;
use storyline_store::ArticleRow;

use crate::params::encode;

/// Most "More:" entries on a card.
pub const MORE_PER_CARD: usize = 12;

/// What the current reader may see.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    blocked: HashSet<String>,
    /// Editors see unpublished stories and articles and blocked providers too.
    editor: bool,
}

impl Visibility {
    /// Public visibility with these providers blocked.
    pub fn public(blocked: Vec<String>) -> Self {
        Self {
            blocked: blocked.into_iter().collect(),
            editor: false,
        }
    }

    /// An editor's view: everything.
    pub fn editor(blocked: Vec<String>) -> Self {
        Self {
            blocked: blocked.into_iter().collect(),
            editor: true,
        }
    }

    pub fn is_blocked(&self, domain: &str) -> bool {
        self.blocked.contains(domain)
    }

    pub fn shows_article(&self, row: &ArticleRow) -> bool {
        self.editor || (row.article.published && !self.is_blocked(&row.article.provider.domain))
    }

    pub fn shows_story(&self, story: &Story) -> bool {
        self.shows_story_flag(story.published)
    }

    /// Whether a story with this editorial flag is shown.
    pub fn shows_story_flag(&self, published: bool) -> bool {
        self.editor || published
    }
}

/// An outlet, with a link to its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProviderRef {
    pub name: String,
    pub domain: String,
    #[serde(skip)]
    pub href: String,
    /// Whether the outlet is known at all: a text that names neither its outlet nor its
    /// address is shown as such, never under a placeholder that reads like an outlet's name.
    #[serde(skip)]
    pub known: bool,
}

impl ProviderRef {
    pub fn new(name: &str, domain: &str) -> Self {
        let known = !domain.is_empty()
            || !(name.is_empty() || name == storyline_pipeline::UNKNOWN_PROVIDER);
        Self {
            name: if name.is_empty() {
                domain.into()
            } else {
                name.into()
            },
            domain: domain.into(),
            href: format!("/provider/{}", encode(domain)),
            known,
        }
    }

    /// The outlet's name, or what to say when it is not named.
    pub fn shown(&self) -> &str {
        if self.known {
            &self.name
        } else {
            "outlet not named"
        }
    }
}

/// A topic, with a link to its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopicRef {
    pub name: String,
    #[serde(skip)]
    pub href: String,
}

impl TopicRef {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            href: format!("/topic/{}", encode(name)),
        }
    }
}

/// An image from our cache.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImageView {
    /// Path of the cached copy on this server.
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// One piece of coverage as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArticleView {
    pub id: String,
    pub title: String,
    pub excerpt: String,
    /// The outlet's page.
    pub web_url: Option<String>,
    /// RFC 3339.
    pub published_date_time: Option<String>,
    pub provider: ProviderRef,
    #[serde(rename = "type")]
    pub kind: String,
    /// What kind of piece: `news` (a report), `analysis`, `opinion`, `review`,
    /// `press-release` or `sponsored`. A story is headed by a report when it has one.
    pub category: String,
    pub quality: Option<u8>,
    pub topics: Vec<String>,
    pub story_id: Option<String>,
    pub published: bool,
    /// Providers that ran a syndicated copy of this piece.
    pub also_published_by: Vec<ProviderRef>,
    /// Id of the original when this is a syndicated copy.
    pub duplicate_of: Option<String>,
    #[serde(skip)]
    pub when: String,
    #[serde(skip)]
    pub href: String,
    /// Where a click on this piece leads: the outlet's page, else ours.
    #[serde(skip)]
    pub link: String,
    #[serde(skip)]
    pub cached_image: Option<String>,
}

impl ArticleView {
    pub fn from_row(row: &ArticleRow) -> Self {
        let a = &row.article;
        ArticleView {
            id: a.id.clone(),
            title: a.title.clone(),
            excerpt: a.excerpt.clone(),
            web_url: a.web_url.clone().filter(|u| is_web_url(u)),
            published_date_time: a.published_date_time.map(|t| t.to_rfc3339()),
            provider: ProviderRef::new(&a.provider.name, &a.provider.domain),
            kind: a.kind.clone(),
            category: a.category.clone(),
            quality: a.quality,
            topics: a.topics.clone(),
            story_id: row.story_id.clone(),
            published: a.published,
            also_published_by: Vec::new(),
            duplicate_of: row.duplicate_of.clone(),
            when: a.published_date_time.map(short_time).unwrap_or_default(),
            href: format!("/article/{}", encode(&a.id)),
            link: a
                .web_url
                .clone()
                .filter(|u| is_web_url(u))
                .unwrap_or_else(|| format!("/article/{}", encode(&a.id))),
            cached_image: a
                .images
                .iter()
                .find(|i| i.is_cached)
                .map(|i| storyline_model::article_id(&i.url)),
        }
    }
}

/// A story as listed: lead, "More:" coverage and summary figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoryCard {
    pub id: String,
    pub title: String,
    pub heat: i32,
    pub pinned: bool,
    pub published: bool,
    pub topics: Vec<String>,
    pub article_count: u32,
    pub provider_count: u32,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub lead: ArticleView,
    pub more: Vec<ArticleView>,
    /// Two or three sentences of the coverage, each with the outlet that wrote it (on
    /// listings, read from the articles' openings; on a story, from their texts).
    pub summary: Vec<SummaryLineView>,
    #[serde(skip)]
    pub href: String,
    #[serde(skip)]
    pub topic_refs: Vec<TopicRef>,
    #[serde(skip)]
    pub when: String,
    /// The lead's image as cached on this server, for a thumbnail on listings.
    #[serde(skip)]
    pub thumb: Option<String>,
    /// Articles of the story the logged-in reader has not read (none for visitors).
    #[serde(skip)]
    pub unread: Option<u64>,
}

/// Only `http(s)` links leave our pages; anything else (`javascript:`, `data:`) is dropped.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `May 13, 11:20` in UTC.
pub fn short_time(t: DateTime<Utc>) -> String {
    short_time_at(t, Utc::now())
}

/// A date and time written out, with the year when it is not this year ("May 3, 07:04",
/// "May 3 2024, 07:04"): for spans, where "5 h ago – just now" would read oddly.
pub fn date_time(t: DateTime<Utc>) -> String {
    let (month, day, time) = (month_name(t), t.day(), clock(t));
    if t.year() == Utc::now().year() {
        format!("{month} {day}, {time}")
    } else {
        format!("{month} {day} {}, {time}", t.year())
    }
}

// Written out rather than through a format string, which chrono parses on every call (a story
// page formats one per article).
fn month_name(t: DateTime<Utc>) -> &'static str {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS.get(t.month0() as usize).copied().unwrap_or("")
}

fn clock(t: DateTime<Utc>) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// [`short_time`] as seen at `now`: "just now", "12 min ago" and "5 h ago" within a day,
/// then the date and time ("May 3, 07:04"), with the year instead of the time for another
/// year ("May 3, 2024"). A time in the future is written out.
pub fn short_time_at(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let age = now.signed_duration_since(t);
    if age >= chrono::Duration::zero() {
        let minutes = age.num_minutes();
        if minutes < 1 {
            return "just now".into();
        }
        if minutes < 60 {
            return format!("{minutes} min ago");
        }
        if minutes < 24 * 60 {
            return format!("{} h ago", minutes / 60);
        }
    }
    if t.year() == now.year() {
        format!("{} {}, {}", month_name(t), t.day(), clock(t))
    } else {
        format!("{} {}, {}", month_name(t), t.day(), t.year())
    }
}

/// Visible originals of a story with their syndicated copies folded in, oldest first.
pub fn fold_coverage(rows: &[ArticleRow], vis: &Visibility) -> Vec<ArticleView> {
    let visible: Vec<&ArticleRow> = rows.iter().filter(|r| vis.shows_article(r)).collect();
    let ids: HashSet<&str> = visible.iter().map(|r| r.article.id.as_str()).collect();
    let mut originals: Vec<ArticleView> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut copies: Vec<&ArticleRow> = Vec::new();
    for row in &visible {
        match &row.duplicate_of {
            Some(original) if ids.contains(original.as_str()) && original != &row.article.id => {
                copies.push(row)
            }
            _ => {
                index.insert(row.article.id.clone(), originals.len());
                originals.push(ArticleView::from_row(row));
            }
        }
    }
    for copy in copies {
        let target = copy
            .duplicate_of
            .as_ref()
            .and_then(|o| index.get(o))
            .copied();
        if let Some(i) = target {
            let p = &copy.article.provider;
            let original = &mut originals[i];
            let listed = original
                .also_published_by
                .iter()
                .any(|x| x.domain == p.domain);
            if !listed && original.provider.domain != p.domain {
                original
                    .also_published_by
                    .push(ProviderRef::new(&p.name, &p.domain));
            }
        }
    }
    originals
}

/// Builds a card from a story and its rows; `None` when nothing of it is visible.
pub fn card(story: &Story, rows: &[ArticleRow], vis: &Visibility) -> Option<StoryCard> {
    if !vis.shows_story(story) {
        return None;
    }
    let mut coverage = fold_coverage(rows, vis);
    if coverage.is_empty() {
        return None;
    }
    let lead_at = coverage
        .iter()
        .position(|a| a.id == story.lead_article_id)
        .or_else(|| {
            coverage
                .iter()
                .enumerate()
                .max_by_key(|(i, a)| (a.quality.unwrap_or(0), std::cmp::Reverse(*i)))
                .map(|(i, _)| i)
        })
        .unwrap_or(0);
    let lead = coverage.remove(lead_at);
    coverage.sort_by(|a, b| {
        b.quality
            .unwrap_or(0)
            .cmp(&a.quality.unwrap_or(0))
            .then_with(|| a.published_date_time.cmp(&b.published_date_time))
    });
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(lead.provider.domain.clone());
    let more: Vec<ArticleView> = coverage
        .into_iter()
        .filter(|a| seen.insert(a.provider.domain.clone()))
        .take(MORE_PER_CARD)
        .collect();
    Some(StoryCard {
        id: story.id.clone(),
        title: lead.title.clone(),
        heat: story.heat,
        pinned: story.pinned,
        published: story.published,
        topics: story.topics.clone(),
        article_count: story.article_count,
        provider_count: story.provider_count,
        first_published: story.first_published.map(|t| t.to_rfc3339()),
        last_published: story.last_published.map(|t| t.to_rfc3339()),
        href: format!("/story/{}", encode(&story.id)),
        topic_refs: story.topics.iter().map(|t| TopicRef::new(t)).collect(),
        when: story.last_published.map(short_time).unwrap_or_default(),
        thumb: None,
        unread: None,
        summary: summary_views(storyline_pipeline::brief::summary(rows, |r| {
            vis.shows_article(r)
        })),
        lead,
        more,
    })
}

fn summary_views(lines: Vec<storyline_pipeline::brief::SummaryLine>) -> Vec<SummaryLineView> {
    lines
        .into_iter()
        .map(|l| SummaryLineView {
            href: format!("/article/{}", encode(&l.article_id)),
            text: l.text,
            outlet: l.outlet,
            article_id: l.article_id,
        })
        .collect()
}

/// Cards for a list of stories whose rows were fetched together.
pub fn cards(stories: &[Story], rows: Vec<ArticleRow>, vis: &Visibility) -> Vec<StoryCard> {
    let mut by_story: HashMap<String, Vec<ArticleRow>> = HashMap::new();
    for row in rows {
        if let Some(id) = row.story_id.clone() {
            by_story.entry(id).or_default().push(row);
        }
    }
    stories
        .iter()
        .filter_map(|s| {
            card(
                s,
                by_story.get(&s.id).map(Vec::as_slice).unwrap_or(&[]),
                vis,
            )
        })
        .collect()
}

/// Turns a store snippet (matches between `[` and `]`) into safe HTML with `<mark>`:
/// the text is escaped first, then the markers become tags, always balanced.
pub fn highlight(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    let mut open = false;
    for c in snippet.chars() {
        match c {
            '[' if !open => {
                out.push_str("<mark>");
                open = true;
            }
            ']' if open => {
                out.push_str("</mark>");
                open = false;
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_escapes_before_marking() {
        assert_eq!(
            highlight("a [<b>] & [c"),
            "a <mark>&lt;b&gt;</mark> &amp; <mark>c</mark>"
        );
        assert_eq!(highlight("x ] y"), "x ] y");
    }

    #[test]
    fn times_read_relative_within_a_day_and_with_the_year_from_another() {
        use chrono::TimeZone;
        let t = Utc.with_ymd_and_hms(2025, 5, 3, 7, 4, 0).unwrap();
        let at = |later: chrono::Duration| short_time_at(t, t + later);
        assert_eq!(at(chrono::Duration::seconds(20)), "just now");
        assert_eq!(at(chrono::Duration::minutes(12)), "12 min ago");
        assert_eq!(at(chrono::Duration::hours(5)), "5 h ago");
        assert_eq!(at(chrono::Duration::days(3)), "May 3, 07:04");
        assert_eq!(
            at(chrono::Duration::days(3)),
            t.format("%b %-d, %H:%M").to_string()
        );
        assert_eq!(at(chrono::Duration::days(400)), "May 3, 2025");
        assert_eq!(at(chrono::Duration::hours(-2)), "May 3, 07:04");
        assert_eq!(date_time(t), "May 3 2025, 07:04");
    }

    #[test]
    fn only_web_links_leave_the_site() {
        assert!(is_web_url("https://ledgerwire.example/a"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" JAVASCRIPT:alert(1)"));
        assert!(!is_web_url("data:text/html,hi"));
    }
}

/// One sentence of a story's summary, with the outlet that wrote it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SummaryLineView {
    pub text: String,
    pub outlet: String,
    pub article_id: String,
    #[serde(skip)]
    pub href: String,
}

/// One value of a figure and the outlets that state it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClaimView {
    /// As shown: `$600M`, `over $2B`.
    pub value: String,
    pub outlets: Vec<String>,
}

/// The facts of a story's funding round or acquisition, as its coverage states them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FactsView {
    /// `funding round` or `acquisition`.
    pub kind: String,
    /// Who raised the money, or who was bought.
    pub company: Option<String>,
    /// Who led the round.
    pub lead: Option<String>,
    /// Who bought the company.
    pub acquirer: Option<String>,
    /// Every investor named, the lead first.
    pub investors: Vec<String>,
    /// The round's size or the price, each figure stated with its outlets, most stated first.
    pub amount: Vec<ClaimView>,
    /// The valuation, likewise.
    pub valuation: Vec<ClaimView>,
    /// Whether outlets state different figures.
    pub disagreement: bool,
}

/// What a story page adds to the coverage: summary, facts and why the story is hot.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BriefView {
    /// Two or three sentences of the coverage, each with its outlet.
    pub summary: Vec<SummaryLineView>,
    /// Facts of a funding round or an acquisition, when the story reports one.
    pub facts: Option<FactsView>,
    /// Why the story is as hot as it is, in words.
    pub heat_reasons: Vec<String>,
}

/// The brief of a story from its articles with their texts, at `clock`: summary and facts
/// from what `vis` shows, heat reasons from every article (as the heat).
pub fn brief(rows: &[ArticleRow], vis: &Visibility, clock: DateTime<Utc>) -> BriefView {
    let b = storyline_pipeline::brief::brief(rows, |r| vis.shows_article(r), clock);
    let claims = |c: &[storyline_analyze::judge::Claim<storyline_analyze::judge::Amount>]| {
        c.iter()
            .map(|c| ClaimView {
                value: c.value.short(),
                outlets: c.outlets.clone(),
            })
            .collect::<Vec<_>>()
    };
    BriefView {
        summary: summary_views(b.summary),
        facts: b.facts.map(|f| FactsView {
            kind: f.kind.label().to_string(),
            disagreement: f.disagreement(),
            amount: claims(&f.amount),
            valuation: claims(&f.valuation),
            company: f.company,
            lead: f.lead,
            acquirer: f.acquirer,
            investors: f.investors,
        }),
        heat_reasons: b.heat_reasons,
    }
}

/// A person, organisation or place as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntityView {
    /// Its key in addresses: `/entity/{slug}`.
    pub slug: String,
    pub name: String,
    /// `organization`, `person` or `place`.
    pub kind: String,
    /// Articles naming it (all of them, the story's, or the last day's, by where it is shown).
    pub articles: u64,
    /// Summed heat of the stories naming it (trending lists; 0 elsewhere).
    pub heat: i64,
    #[serde(skip)]
    pub href: String,
}

impl EntityView {
    pub fn from_summary(e: storyline_store::EntitySummary) -> Self {
        Self {
            href: format!("/entity/{}", encode(&e.slug)),
            slug: e.slug,
            name: e.name,
            kind: e.kind,
            articles: e.articles,
            heat: e.heat,
        }
    }
}
