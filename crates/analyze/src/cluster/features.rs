//! What clustering sees of an article: a weighted TF-IDF vector over headline
//! and body terms, with names weighted up, plus its syndication fingerprint.
//!
//! Weights: each headline occurrence counts `title_weight`, each body word 1
//! (`lead_weight` in the lead), names and acronyms are multiplied by
//! `name_weight`; the sum per term is damped (`ln(1 + w)`) and multiplied by the
//! term's IDF, learned online from the articles seen so far ([`TermStats`]).

use whatlang::Lang;

use super::ClusterDoc;
use super::config::ClusterConfig;
use super::vector::TermVector;
use crate::fasthash::KeyMap;
use crate::syndication::Fingerprint;
use crate::text::{self, TermExtractor};

/// Headline bytes read (longer "headlines" are hostile or broken input).
const MAX_TITLE_BYTES: usize = 2_000;
/// Body bytes fingerprinted for syndication.
const MAX_FINGERPRINT_BYTES: usize = 200_000;

/// Names kept per article.
const MAX_NAMES: usize = 12;
/// A name mentioned this often in an article is one of its subjects.
const SUBJECT_MENTIONS: u32 = 3;
/// Subjects kept per article (the most mentioned).
const MAX_SUBJECTS: usize = 4;

/// Online document frequencies, halved every `idf_half_life` articles so that
/// memory stays bounded and the IDF follows the news of the moment.
#[derive(Debug, Default)]
pub(crate) struct TermStats {
    df: KeyMap<u64, f32>,
    docs: f32,
    since_halving: u64,
}

impl TermStats {
    /// Counts one article's distinct terms.
    pub(crate) fn observe(&mut self, terms: impl Iterator<Item = u64>, half_life: u64) {
        for t in terms {
            *self.df.entry(t).or_insert(0.0) += 1.0;
        }
        self.docs += 1.0;
        self.since_halving += 1;
        if half_life > 0 && self.since_halving >= half_life {
            self.since_halving = 0;
            self.docs /= 2.0;
            self.df.retain(|_, v| {
                *v /= 2.0;
                *v >= 0.5
            });
        }
    }

    /// Smoothed inverse document frequency. `prior_docs` imaginary articles
    /// containing none of the terms keep the first articles of a stream from
    /// looking alike only because they are few.
    pub(crate) fn idf(&self, term: u64, prior_docs: f32) -> f32 {
        let df = self.df.get(&term).copied().unwrap_or(0.0);
        ((self.docs + prior_docs + 1.0) / (df + 0.5)).ln().max(0.05)
    }
}

/// An article as clustering sees it.
#[derive(Debug)]
pub(crate) struct ArticleFeatures {
    /// Unit-length TF-IDF vector.
    pub vector: TermVector,
    /// Names and acronyms of the headline and lead (who did what), IDF-weighted,
    /// weights summing to 1.
    pub names: TermVector,
    /// The article's subjects: the names it mentions most (at least
    /// `SUBJECT_MENTIONS` times), each with weight 1.
    pub subjects: TermVector,
    /// Every term of the headline and the body read, sorted: what the article
    /// mentions at all, for "does it name the story's subject".
    pub mentions: Vec<u64>,
    /// The body is longer than the lead: a full text, not a summary.
    pub full_text: bool,
    /// Near-duplicate fingerprint of the body, when it is long enough.
    pub fingerprint: Option<Fingerprint>,
}

/// Builds article features; keeps one stemmer per language.
#[derive(Debug, Default)]
pub(crate) struct FeatureBuilder {
    extractors: Vec<(Lang, TermExtractor)>,
}

impl FeatureBuilder {
    fn extractor(&mut self, lang: Lang) -> &TermExtractor {
        let idx = match self.extractors.iter().position(|(l, _)| *l == lang) {
            Some(i) => i,
            None => {
                self.extractors.push((lang, TermExtractor::new(lang)));
                self.extractors.len() - 1
            }
        };
        &self.extractors[idx].1
    }

    pub(crate) fn build(
        &mut self,
        doc: &ClusterDoc,
        config: &ClusterConfig,
        stats: &mut TermStats,
    ) -> ArticleFeatures {
        let lang = doc_lang(doc);
        let prepared = prepare_with(self.extractor(lang), doc, config);
        finish(prepared, config, stats)
    }
}

/// The language an article's terms are stemmed in: its own, else detected.
fn doc_lang(doc: &ClusterDoc) -> Lang {
    doc.lang
        .as_deref()
        .and_then(text::lang_from_code)
        .unwrap_or_else(|| text::detect_lang(&doc.title, &doc.text, Lang::Eng))
}

/// An article's features before the stream's term statistics weigh them: everything that
/// depends on the article alone (its terms and their raw weights, names, subjects, the
/// syndication fingerprint). Computing it is most of the cost of adding an article, and it
/// can run anywhere, in any order: [`crate::StoryClusterer::add_prepared`] gives the same
/// placement as [`crate::StoryClusterer::add`].
#[derive(Debug, Clone)]
pub struct PreparedFeatures {
    /// Raw weight per term, sorted by term.
    raw: Vec<(u64, f32)>,
    /// Raw weight per name term (headline and lead).
    names: Vec<(u64, f32)>,
    mentions: Vec<u64>,
    subjects: TermVector,
    full_text: bool,
    fingerprint: Option<Fingerprint>,
}

/// Prepares an article's features (see [`PreparedFeatures`]).
pub fn prepare(doc: &ClusterDoc, config: &ClusterConfig) -> PreparedFeatures {
    prepare_with(&TermExtractor::new(doc_lang(doc)), doc, config)
}

fn prepare_with(
    extractor: &TermExtractor,
    doc: &ClusterDoc,
    config: &ClusterConfig,
) -> PreparedFeatures {
    let mut raw: KeyMap<u64, f32> = KeyMap::default();
    let mut names: KeyMap<u64, f32> = KeyMap::default();
    // hostile input: a headline is short, a body is read up to a bound
    let title = &doc.title[..text::floor_char_boundary(&doc.title, MAX_TITLE_BYTES)];
    let title_names = !text::is_title_case(title);
    let mut mentions: Vec<u64> = Vec::new();
    for t in extractor.terms(title, title_names) {
        let w = config.title_weight * if t.named { config.name_weight } else { 1.0 };
        *raw.entry(t.hash).or_insert(0.0) += w;
        mentions.push(t.hash);
        if t.named {
            *names.entry(t.hash).or_insert(0.0) += w;
        }
    }
    // read only the start of long bodies: the lead says who did what
    let body_end = text::floor_char_boundary(&doc.text, config.max_body_words * 12);
    let body = &doc.text[..body_end];
    let body_terms = extractor.terms(body, true);
    let full_text = body_terms.len() > config.lead_words;
    mentions.extend(body_terms.iter().map(|t| t.hash));
    let subjects = subjects(&mentions, body_terms.iter().filter(|t| t.named));
    mentions.sort_unstable();
    mentions.dedup();
    for (i, t) in body_terms
        .into_iter()
        .take(config.max_body_words)
        .enumerate()
    {
        let mut w = if i < config.lead_words {
            config.lead_weight
        } else {
            1.0
        };
        if t.named {
            w *= config.name_weight;
            if i < config.lead_words {
                *names.entry(t.hash).or_insert(0.0) += w;
            }
        }
        *raw.entry(t.hash).or_insert(0.0) += w;
    }
    let mut raw: Vec<(u64, f32)> = raw.into_iter().collect();
    raw.sort_unstable_by_key(|p| p.0);
    let mut names: Vec<(u64, f32)> = names.into_iter().collect();
    names.sort_unstable_by_key(|p| p.0);
    PreparedFeatures {
        raw,
        names,
        mentions,
        subjects,
        full_text,
        fingerprint: Fingerprint::of(
            &doc.text[..text::floor_char_boundary(&doc.text, MAX_FINGERPRINT_BYTES)],
            &config.syndication,
        ),
    }
}

/// Weighs prepared features by the stream's term statistics (and counts the article in
/// them).
pub(crate) fn finish(
    prepared: PreparedFeatures,
    config: &ClusterConfig,
    stats: &mut TermStats,
) -> ArticleFeatures {
    stats.observe(prepared.raw.iter().map(|p| p.0), config.idf_half_life);
    let weights: Vec<(u64, f32)> = prepared
        .raw
        .iter()
        .map(|(t, w)| (*t, (1.0 + w).ln() * stats.idf(*t, config.idf_prior_docs)))
        .collect();
    let name_weights: Vec<(u64, f32)> = prepared
        .names
        .iter()
        .map(|(t, w)| (*t, (1.0 + w).ln() * stats.idf(*t, config.idf_prior_docs)))
        .collect();
    let names = TermVector::from_weights(name_weights, MAX_NAMES);
    let total: f32 = names.terms().iter().map(|p| p.1).sum();
    let names = names.scaled(if total > 0.0 { 1.0 / total } else { 0.0 });
    ArticleFeatures {
        names,
        subjects: prepared.subjects,
        mentions: prepared.mentions,
        full_text: prepared.full_text,
        vector: TermVector::from_weights(weights, config.article_terms).normalized(),
        fingerprint: prepared.fingerprint,
    }
}

/// The names an article mentions most: terms written as a name somewhere in
/// the body and occurring (in any form) at least `SUBJECT_MENTIONS` times
/// among `terms` (headline and body, in order). Who or what a story is about
/// is named again and again; a name cited in passing is not.
fn subjects<'a>(terms: &[u64], named: impl Iterator<Item = &'a text::Term>) -> TermVector {
    let mut counts: KeyMap<u64, u32> = KeyMap::default();
    for t in named {
        counts.insert(t.hash, 0);
    }
    for t in terms {
        if let Some(c) = counts.get_mut(t) {
            *c += 1;
        }
    }
    let frequent: Vec<(u64, f32)> = counts
        .into_iter()
        .filter(|(_, c)| *c >= SUBJECT_MENTIONS)
        .map(|(t, c)| (t, c as f32))
        .collect();
    TermVector::from_weights(frequent, MAX_SUBJECTS).presence()
}
