//! Syndication: finding near-identical copies of an article (wire stories
//! reprinted by several outlets, a press release pasted verbatim).
//!
//! Each body gets a [`Fingerprint`]: a MinHash signature over 5-word shingles
//! (xxh3-hashed, one-permutation hashing with densification, so it costs one hash
//! per shingle) and the xxh3 hashes of its paragraphs. The [`SyndicationIndex`]
//! finds candidates through LSH bands of the signature *and* through shared
//! paragraphs, so a wire story reprinted under a different intro is still found.
//! A candidate is a copy when the estimated shingle resemblance reaches
//! `min_resemblance`, or when the paragraphs both share cover `min_paragraph_share`
//! of the shorter text. The earliest copy to arrive is the original.
//!
//! Headlines alone are never evidence of syndication: bodies shorter than
//! `min_words` get no fingerprint.

use std::collections::VecDeque;

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::fasthash::KeyMap;

/// Number of MinHash slots in a signature.
pub const SIGNATURE_LEN: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = SIGNATURE_LEN / BANDS;

/// Thresholds of near-duplicate detection.
#[derive(Debug, Clone, PartialEq)]
pub struct SyndicationConfig {
    /// Bodies with fewer words are not fingerprinted.
    pub min_words: usize,
    /// Words per shingle.
    pub shingle_words: usize,
    /// Estimated shingle resemblance (Jaccard) from which two bodies are copies.
    pub min_resemblance: f32,
    /// Share of the shorter body, in words, covered by shared paragraphs from which
    /// two bodies are copies.
    pub min_paragraph_share: f32,
    /// Paragraphs shorter than this are not fingerprinted (datelines, captions).
    pub min_paragraph_words: usize,
    /// A paragraph seen in more indexed articles than this is boilerplate and
    /// does not propose candidates.
    pub boilerplate_paragraph_hits: usize,
}

impl Default for SyndicationConfig {
    fn default() -> Self {
        Self {
            min_words: 40,
            shingle_words: 5,
            min_resemblance: 0.6,
            min_paragraph_share: 0.5,
            min_paragraph_words: 8,
            boilerplate_paragraph_hits: 32,
        }
    }
}

/// What syndication detection keeps of one body.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    signature: [u32; SIGNATURE_LEN],
    /// (paragraph hash, words in it), in text order.
    paragraphs: Vec<(u64, u32)>,
    paragraph_words: u32,
}

impl Fingerprint {
    /// Fingerprints a body; `None` when it is too short to tell copies apart.
    pub fn of(text: &str, config: &SyndicationConfig) -> Option<Self> {
        let mut word_hashes: Vec<u64> = Vec::new();
        let mut paragraphs = Vec::new();
        let mut paragraph_words = 0u32;
        for line in text.lines() {
            let start = word_hashes.len();
            for word in line
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let h = if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
                    xxh3_64(word.as_bytes())
                } else {
                    xxh3_64(word.to_lowercase().as_bytes())
                };
                word_hashes.push(h);
            }
            let n = word_hashes.len() - start;
            if n >= config.min_paragraph_words {
                let mut h = 0x9e37_79b9_7f4a_7c15u64;
                for w in &word_hashes[start..] {
                    h = (h.rotate_left(5) ^ w).wrapping_mul(0x0100_0000_01b3);
                }
                let words = u32::try_from(n).unwrap_or(u32::MAX);
                paragraphs.push((xxh3_64_with_seed(&h.to_le_bytes(), 7), words));
                paragraph_words = paragraph_words.saturating_add(words);
            }
        }
        if word_hashes.len() < config.min_words.max(1) {
            return None;
        }
        let k = config.shingle_words.clamp(1, 16);
        let mut slots = [u64::MAX; SIGNATURE_LEN];
        for window in word_hashes.windows(k.min(word_hashes.len())) {
            let mut h = 0u64;
            for w in window {
                h = h.rotate_left(17) ^ w;
            }
            let h = mix(h);
            let slot = (h >> 58) as usize; // top 6 bits pick the slot
            let value = h & ((1 << 58) - 1);
            if value < slots[slot] {
                slots[slot] = value;
            }
        }
        Some(Self {
            signature: densify(&slots),
            paragraphs,
            paragraph_words,
        })
    }

    /// Estimated Jaccard resemblance of the two bodies' shingle sets.
    pub fn resemblance(&self, other: &Self) -> f32 {
        let same = self
            .signature
            .iter()
            .zip(other.signature.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f32 / SIGNATURE_LEN as f32
    }

    /// Share of the shorter body covered by paragraphs both bodies contain.
    pub fn paragraph_share(&self, other: &Self) -> f32 {
        let shorter = self.paragraph_words.min(other.paragraph_words);
        if shorter == 0 {
            return 0.0;
        }
        let shared: u32 = self
            .paragraphs
            .iter()
            .filter(|(h, _)| other.paragraphs.iter().any(|(o, _)| o == h))
            .map(|(_, n)| *n)
            .sum();
        (shared.min(shorter)) as f32 / shorter as f32
    }

    fn band_keys(&self) -> impl Iterator<Item = u64> + '_ {
        (0..BANDS).map(move |b| {
            let mut bytes = [0u8; ROWS * 4 + 1];
            for (i, v) in self.signature[b * ROWS..(b + 1) * ROWS].iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            bytes[ROWS * 4] = b as u8;
            xxh3_64(&bytes)
        })
    }
}

/// A 64-bit finaliser (splitmix64) spreading shingle hashes over the slots.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fills empty slots from the next filled one (circularly), salted by distance,
/// so that short bodies still compare slot by slot.
fn densify(slots: &[u64; SIGNATURE_LEN]) -> [u32; SIGNATURE_LEN] {
    let mut out = [0u32; SIGNATURE_LEN];
    for i in 0..SIGNATURE_LEN {
        let mut v = None;
        for d in 0..SIGNATURE_LEN {
            let s = slots[(i + d) % SIGNATURE_LEN];
            if s != u64::MAX {
                v = Some(mix(s ^ d as u64));
                break;
            }
        }
        out[i] = v.map_or(0, |v| (v >> 32) as u32);
    }
    out
}

/// A copy found by the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOf {
    /// Article id of the original (the earliest copy).
    pub original: String,
    /// Story the matched copy was placed in when it was indexed.
    pub story: String,
}

#[derive(Debug)]
struct Entry {
    original: String,
    story: String,
    fingerprint: Fingerprint,
    /// Arrival number of the article, for eviction.
    seq: u64,
}

/// Fingerprints of recent articles, searchable by band and by paragraph.
/// Entries leave in arrival order ([`SyndicationIndex::evict_before`]).
#[derive(Debug, Default)]
pub struct SyndicationIndex {
    config: SyndicationConfig,
    entries: VecDeque<Entry>,
    /// Entry number of `entries[0]`.
    base: u64,
    bands: KeyMap<u64, Vec<u64>>,
    paragraphs: KeyMap<u64, Vec<u64>>,
}

impl SyndicationIndex {
    /// An empty index.
    pub fn new(config: SyndicationConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Number of fingerprints held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The earliest indexed copy of `fp`, if any.
    pub fn find(&self, fp: &Fingerprint) -> Option<CopyOf> {
        const MAX_CANDIDATES: usize = 64;
        let mut candidates: Vec<u64> = Vec::new();
        for key in fp.band_keys() {
            if let Some(list) = self.bands.get(&key) {
                candidates.extend(list.iter().rev().take(MAX_CANDIDATES));
            }
        }
        for (h, _) in &fp.paragraphs {
            if let Some(list) = self.paragraphs.get(h)
                && list.len() <= self.config.boilerplate_paragraph_hits
            {
                candidates.extend(list.iter());
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|n| {
                let idx = usize::try_from(n.checked_sub(self.base)?).ok()?;
                self.entries.get(idx)
            })
            .find(|e| {
                e.fingerprint.resemblance(fp) >= self.config.min_resemblance
                    || e.fingerprint.paragraph_share(fp) >= self.config.min_paragraph_share
            })
            .map(|e| CopyOf {
                original: e.original.clone(),
                story: e.story.clone(),
            })
    }

    /// Indexes an article's fingerprint; `original` is itself or what it copies.
    pub fn insert(&mut self, fp: Fingerprint, original: &str, story: &str, seq: u64) {
        let n = self.base + self.entries.len() as u64;
        for key in fp.band_keys() {
            self.bands.entry(key).or_default().push(n);
        }
        for (h, _) in &fp.paragraphs {
            let list = self.paragraphs.entry(*h).or_default();
            if list.last() != Some(&n) {
                list.push(n);
            }
        }
        self.entries.push_back(Entry {
            original: original.to_string(),
            story: story.to_string(),
            fingerprint: fp,
            seq,
        });
    }

    /// Drops fingerprints of articles that arrived before `seq`.
    pub fn evict_before(&mut self, seq: u64) {
        while let Some(front) = self.entries.front() {
            if front.seq >= seq {
                break;
            }
            let Some(entry) = self.entries.pop_front() else {
                break;
            };
            let n = self.base;
            self.base += 1;
            for key in entry.fingerprint.band_keys() {
                remove_front(&mut self.bands, key, n);
            }
            for (h, _) in &entry.fingerprint.paragraphs {
                remove_front(&mut self.paragraphs, *h, n);
            }
        }
    }

    /// Points entries of story `from` at story `into` (after a merge).
    pub fn rename_story(&mut self, from: &str, into: &str) {
        for e in self.entries.iter_mut().filter(|e| e.story == from) {
            e.story = into.to_string();
        }
    }
}

/// Removes entry number `n` (the oldest) from the list under `key`.
fn remove_front(map: &mut KeyMap<u64, Vec<u64>>, key: u64, n: u64) {
    if let Some(list) = map.get_mut(&key) {
        let keep = list.iter().position(|x| *x > n).unwrap_or(list.len());
        list.drain(..keep);
        if list.is_empty() {
            map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire_story() -> Vec<String> {
        (0..8)
            .map(|p| {
                format!(
                    "Paragraph {p} of the wire report says the harbour authority of Veltmark \
                     approved the {p} new berths after a vote of the council on the expansion plan."
                )
            })
            .collect()
    }

    #[test]
    fn reprint_with_a_different_intro_is_a_copy() {
        let config = SyndicationConfig::default();
        let body = wire_story();
        let original = Fingerprint::of(&body.join("\n\n"), &config).expect("long enough");
        let mut reprint = body.clone();
        reprint[0] = "Our local desk adds: residents near the docks have mixed feelings about \
                      the plan, which was debated for months in the town hall."
            .to_string();
        reprint.push("Copyright Example Gazette. All rights reserved by the gazette.".into());
        let copy = Fingerprint::of(&reprint.join("\n\n"), &config).expect("long enough");
        let mut index = SyndicationIndex::new(config);
        index.insert(original, "a1", "a1", 0);
        let found = index.find(&copy).expect("copy found");
        assert_eq!(found.original, "a1");
    }

    #[test]
    fn different_stories_are_not_copies() {
        let config = SyndicationConfig::default();
        let a = Fingerprint::of(&wire_story().join("\n"), &config).expect("long");
        let other: String = (0..60)
            .map(|i| format!("word{i} "))
            .collect::<String>()
            .repeat(2);
        let b = Fingerprint::of(&other, &config).expect("long");
        let mut index = SyndicationIndex::new(config);
        index.insert(a, "a1", "a1", 0);
        assert_eq!(index.find(&b), None);
    }

    #[test]
    fn short_bodies_get_no_fingerprint() {
        assert!(Fingerprint::of("Just a headline", &SyndicationConfig::default()).is_none());
        assert!(Fingerprint::of("", &SyndicationConfig::default()).is_none());
    }

    #[test]
    fn evicted_entries_are_not_found() {
        let config = SyndicationConfig::default();
        let text = wire_story().join("\n");
        let fp = Fingerprint::of(&text, &config).expect("long");
        let mut index = SyndicationIndex::new(config);
        index.insert(fp.clone(), "a1", "a1", 3);
        index.evict_before(4);
        assert!(index.is_empty());
        assert_eq!(index.find(&fp), None);
        assert!(index.bands.is_empty() && index.paragraphs.is_empty());
    }
}
