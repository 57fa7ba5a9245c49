//! What a story page says about a story besides its coverage list: a summary of two or three
//! sentences from the coverage, each with its outlet; the facts of a funding round or an
//! acquisition as the outlets state them (disagreements kept); and why the story is hot.
//!
//! Built from the story's articles with their texts, when a story is shown: the store keeps
//! the coverage, and these are read off it with the rules of `storyline_analyze::judge`.

use chrono::{DateTime, Utc};
use storyline_analyze::judge::{self, DealFacts, StoryFacts};
use storyline_store::ArticleRow;

/// Sentences in a story's summary.
const SUMMARY_SENTENCES: usize = 3;
/// Sentences of each article's opening that a summary is chosen from.
const LEAD_SENTENCES: usize = 3;
/// Articles whose texts are read for the summary and the facts (the first ones told).
const MAX_ARTICLES_READ: usize = 50;
/// Characters of a text read for its sentences.
const MAX_TEXT_CHARS: usize = 6_000;

/// One sentence of a story's summary and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryLine {
    pub text: String,
    /// The outlet that wrote it.
    pub outlet: String,
    pub article_id: String,
}

/// The summary, facts and heat reasons of one story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryBrief {
    pub summary: Vec<SummaryLine>,
    pub facts: Option<StoryFacts>,
    pub heat_reasons: Vec<String>,
}

/// How an article whose outlet is not known is credited.
pub const UNNAMED_OUTLET: &str = "outlet not named";

/// An article's outlet as readers know it.
fn outlet(a: &ArticleRow) -> String {
    let p = &a.article.provider;
    if !p.name.trim().is_empty() && p.name != crate::intake::UNKNOWN_PROVIDER {
        p.name.clone()
    } else if !p.domain.trim().is_empty() {
        p.domain.clone()
    } else {
        UNNAMED_OUTLET.to_string()
    }
}

/// The text an article offers: its body, else its excerpt (a record whose body is sealed).
fn text_of(a: &ArticleRow) -> &str {
    let body = a.article.body.trim();
    let text = if body.is_empty() {
        a.article.excerpt.trim()
    } else {
        body
    };
    let end = text
        .char_indices()
        .nth(MAX_TEXT_CHARS)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// The brief of a story from its articles (with their texts), as seen at `clock`. The heat
/// reasons count every article, as the heat does; the summary and the facts are read from
/// the articles `shown` to the reader. Syndicated copies are not read: a copy repeats its
/// original.
pub fn brief(
    articles: &[ArticleRow],
    shown: impl Fn(&ArticleRow) -> bool,
    clock: DateTime<Utc>,
) -> StoryBrief {
    let originals = originals(articles, shown);
    StoryBrief {
        summary: summary_lines(&originals),
        facts: facts(&originals),
        heat_reasons: crate::summary::heat_reasons(articles, clock),
    }
}

/// The originals `shown` among a story's articles (copies repeat them), first told first, at
/// most `MAX_ARTICLES_READ`.
fn originals(articles: &[ArticleRow], shown: impl Fn(&ArticleRow) -> bool) -> Vec<&ArticleRow> {
    let mut originals: Vec<&ArticleRow> = articles
        .iter()
        .filter(|a| a.duplicate_of.is_none() && shown(a))
        .collect();
    originals.sort_by_key(|a| {
        (
            a.article.published_date_time.unwrap_or(a.ingested_at),
            a.seq,
        )
    });
    originals.truncate(MAX_ARTICLES_READ);
    originals
}

/// A story's summary alone (see [`brief`]): from the texts the rows carry, or from their
/// excerpts when they carry none (listings).
pub fn summary(articles: &[ArticleRow], shown: impl Fn(&ArticleRow) -> bool) -> Vec<SummaryLine> {
    summary_lines(&originals(articles, shown))
}

/// Two or three sentences that say most of what the coverage says, each with its outlet:
/// the most central of the coverage's leads (news puts what happened first), shown in the
/// order they were told.
fn summary_lines(originals: &[&ArticleRow]) -> Vec<SummaryLine> {
    let leads: Vec<Vec<&str>> = originals
        .iter()
        .map(|a| {
            judge::sentences(text_of(a))
                .into_iter()
                .take(LEAD_SENTENCES)
                .collect()
        })
        .collect();
    let texts: Vec<&str> = leads.iter().flatten().copied().collect();
    let chosen = judge::summary(&texts, SUMMARY_SENTENCES);
    let mut lines: Vec<((usize, usize), SummaryLine)> = chosen
        .into_iter()
        .filter_map(|sentence| {
            // the first article (in time) that has the sentence wrote it
            let (i, j) = leads.iter().enumerate().find_map(|(i, lead)| {
                lead.iter()
                    .position(|s| same_sentence(s, &sentence))
                    .map(|j| (i, j))
            })?;
            let a = originals[i];
            Some((
                (i, j),
                SummaryLine {
                    text: sentence,
                    outlet: outlet(a),
                    article_id: a.article.id.clone(),
                },
            ))
        })
        .collect();
    lines.sort_by_key(|(at, _)| *at);
    lines.into_iter().map(|(_, l)| l).collect()
}

fn same_sentence(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// The facts of the story's funding round or acquisition, when its coverage reports one.
fn facts(originals: &[&ArticleRow]) -> Option<StoryFacts> {
    let read: Vec<(String, DealFacts)> = originals
        .iter()
        .filter_map(|a| Some((outlet(a), judge::deal_facts(&a.article.title, text_of(a))?)))
        .collect();
    judge::story_facts(&read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::{Article, Provider};

    fn row(id: &str, outlet: &str, title: &str, body: &str, minutes: i64) -> ArticleRow {
        let now = Utc::now();
        ArticleRow {
            article: Article {
                id: id.into(),
                title: title.into(),
                body: body.into(),
                published: true,
                published_date_time: Some(now - chrono::Duration::minutes(minutes)),
                provider: Provider {
                    name: outlet.into(),
                    domain: format!("{}.test", outlet.to_lowercase()),
                },
                ..Article::default()
            },
            seq: minutes,
            story_id: Some("s".into()),
            duplicate_of: None,
            ingested_at: now,
            content_hash: String::new(),
            html: None,
            secured: None,
            feed_only: false,
        }
    }

    #[test]
    fn a_round_told_by_three_outlets_is_summarised_with_facts_and_reasons() {
        let mut copy = row(
            "d",
            "Wire",
            "Grid-battery maker Quillon raises $45 million led by Larchmont Ventures",
            "Grid-battery maker Quillon said on Tuesday it raised $45 million in a Series B round led by \
             Larchmont Ventures, valuing the company at $300 million.",
            10,
        );
        copy.duplicate_of = Some("a".into());
        let articles = vec![
            row(
                "a",
                "Gazette",
                "Grid-battery maker Quillon raises $45 million led by Larchmont Ventures",
                "Grid-battery maker Quillon said on Tuesday it raised $45 million in a Series B round led by \
                 Larchmont Ventures, valuing the company at $300 million. The money pays for a second \
                 factory near Tartu. Existing investors Fenwick Capital and Osprey Partners also participated.",
                120,
            ),
            row(
                "b",
                "Courier",
                "Larchmont Ventures leads Quillon's $45 million round",
                "Larchmont Ventures led a $45 million round in battery maker Quillon, which is now valued \
                 at more than $250 million, two people familiar with the deal said. Quillon sells its \
                 batteries to grid operators in the Baltics.",
                60,
            ),
            row(
                "c",
                "Ledger",
                "Quillon gets $45 million for a second battery factory",
                "Battery maker Quillon raised $45 million in a round led by Larchmont Ventures at a \
                 $300 million valuation. The second factory near Tartu opens next year.",
                30,
            ),
            copy,
        ];
        let b = brief(&articles, |_| true, Utc::now());
        assert!((2..=3).contains(&b.summary.len()), "{:#?}", b.summary);
        for line in &b.summary {
            // attributed to the outlet whose text holds it, never to the copy
            let a = articles
                .iter()
                .find(|a| a.article.id == line.article_id)
                .expect("an article");
            assert!(a.article.body.contains(&line.text), "{line:?}");
            assert_eq!(line.outlet, a.article.provider.name);
            assert_ne!(line.article_id, "d");
        }
        let f = b.facts.expect("facts");
        assert_eq!(f.company.as_deref(), Some("Quillon"));
        assert_eq!(f.lead.as_deref(), Some("Larchmont Ventures"));
        assert_eq!(f.amount.len(), 1);
        assert_eq!(f.amount[0].outlets.len(), 3);
        // the Courier's valuation differs from the two others'
        assert!(f.disagreement());
        assert_eq!(f.valuation[0].value.short(), "$300M");
        assert_eq!(f.valuation[1].outlets, vec!["Courier"]);
        assert_eq!(b.heat_reasons[0], "4 outlets with 4 articles");
        assert!(
            b.heat_reasons
                .iter()
                .any(|r| r == "4 new articles in the last 6 hours"),
            "{:?}",
            b.heat_reasons
        );
    }

    #[test]
    fn a_story_without_a_deal_has_no_facts() {
        let articles = vec![row(
            "a",
            "Gazette",
            "Orchestra names a new conductor",
            "The Kesvik Philharmonic named Ada Lind its principal conductor on Friday. Lind, 41, starts \
             in September. She follows Piet Roos, who led the orchestra for twelve years.",
            30,
        )];
        let b = brief(&articles, |_| true, Utc::now());
        assert!(b.facts.is_none());
        assert!(!b.summary.is_empty());
        assert!(b.summary.iter().all(|l| l.outlet == "Gazette"));
    }
}
