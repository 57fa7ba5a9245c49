//! The candidate index: an inverted index from a term to the open stories whose
//! centroids carry it. A lookup reads only the article's heaviest terms and, per
//! term, only the most recent `max_postings` stories, so its cost does not grow
//! with the archive. Closed stories are dropped lazily: postings hold a
//! (slot, generation) pair and stale ones are compacted away when a list is read.

use crate::fasthash::KeyMap;

/// A story slot in the clusterer plus the generation that occupied it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StoryKey {
    pub slot: u32,
    pub generation: u32,
}

impl StoryKey {
    fn pack(self) -> u64 {
        (u64::from(self.slot) << 32) | u64::from(self.generation)
    }

    fn unpack(v: u64) -> Self {
        Self {
            slot: (v >> 32) as u32,
            generation: v as u32,
        }
    }
}

/// Term → stories.
#[derive(Debug, Default)]
pub(crate) struct StoryIndex {
    postings: KeyMap<u64, Vec<u64>>,
}

impl StoryIndex {
    /// Records that story `key` carries `term`.
    pub(crate) fn add(&mut self, term: u64, key: StoryKey) {
        let list = self.postings.entry(term).or_default();
        let packed = key.pack();
        if !list.iter().rev().take(8).any(|p| *p == packed) {
            list.push(packed);
        }
    }

    /// Candidate stories for an article's heaviest `terms` (term, weight): the
    /// stories sharing most weight, best first, at most `limit`. `live` tells
    /// whether a key still names an open story. Also returns the terms whose
    /// lists are mostly stale, for [`StoryIndex::compact`].
    pub(crate) fn candidates(
        &self,
        terms: &[(u64, f32)],
        max_postings: usize,
        limit: usize,
        live: impl Fn(StoryKey) -> bool,
    ) -> (Vec<StoryKey>, Vec<u64>) {
        let mut scores: KeyMap<u64, f32> = KeyMap::default();
        let mut stale_terms = Vec::new();
        for (term, weight) in terms {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let mut stale = 0usize;
            for packed in list.iter().rev().take(max_postings) {
                if live(StoryKey::unpack(*packed)) {
                    *scores.entry(*packed).or_insert(0.0) += weight;
                } else {
                    stale += 1;
                }
            }
            if stale * 4 > list.len().min(max_postings) {
                stale_terms.push(*term);
            }
        }
        let mut ranked: Vec<(u64, f32)> = scores.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        ranked.truncate(limit);
        let keys = ranked
            .into_iter()
            .map(|(k, _)| StoryKey::unpack(k))
            .collect();
        (keys, stale_terms)
    }

    /// Drops postings of closed stories from the lists of `terms`.
    pub(crate) fn compact(&mut self, terms: &[u64], live: impl Fn(StoryKey) -> bool) {
        for term in terms {
            if let Some(list) = self.postings.get_mut(term) {
                list.retain(|p| live(StoryKey::unpack(*p)));
                if list.is_empty() {
                    self.postings.remove(term);
                }
            }
        }
    }

    /// Number of terms with postings (for tests and memory checks).
    #[cfg(test)]
    pub(crate) fn terms(&self) -> usize {
        self.postings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_postings_are_skipped_and_compacted() {
        let mut index = StoryIndex::default();
        let a = StoryKey {
            slot: 0,
            generation: 0,
        };
        let b = StoryKey {
            slot: 1,
            generation: 0,
        };
        index.add(7, a);
        index.add(7, b);
        index.add(8, b);
        let (found, stale) = index.candidates(&[(7, 1.0), (8, 1.0)], 10, 10, |_| true);
        assert_eq!(found, vec![b, a]);
        assert!(stale.is_empty());
        let (found, stale) = index.candidates(&[(7, 1.0), (8, 1.0)], 10, 10, |k| k != b);
        assert_eq!(found, vec![a]);
        assert_eq!(stale, vec![7, 8]);
        index.compact(&stale, |k| k != b);
        assert_eq!(index.terms(), 1);
    }
}
