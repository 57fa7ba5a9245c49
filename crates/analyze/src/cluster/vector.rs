//! Sparse term vectors: an article's or a story's weighted terms, kept sorted
//! by term hash so that dot products and sums are linear merges.

/// A sparse vector of (term hash, weight), sorted by term hash, no duplicates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermVector(Vec<(u64, f32)>);

impl TermVector {
    /// Builds a vector from unsorted (term, weight) pairs; keeps the `keep`
    /// heaviest terms (ties broken by term hash, so the result is deterministic).
    pub fn from_weights(mut pairs: Vec<(u64, f32)>, keep: usize) -> Self {
        pairs.sort_unstable_by_key(|p| p.0);
        pairs.dedup_by_key(|p| p.0);
        truncate_heaviest(&mut pairs, keep);
        Self(pairs)
    }

    /// The (term, weight) pairs, sorted by term.
    pub fn terms(&self) -> &[(u64, f32)] {
        &self.0
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the vector has no terms.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Euclidean norm.
    pub fn norm(&self) -> f32 {
        self.0.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
    }

    /// Scales to unit length (an empty or zero vector stays as it is).
    pub fn normalized(mut self) -> Self {
        let n = self.norm();
        if n > 0.0 {
            for p in &mut self.0 {
                p.1 /= n;
            }
        }
        self
    }

    /// Every weight multiplied by `factor`.
    pub fn scaled(mut self, factor: f32) -> Self {
        for p in &mut self.0 {
            p.1 *= factor;
        }
        self
    }

    /// Weight of `term` (0 when absent).
    pub fn get(&self, term: u64) -> f32 {
        self.0
            .binary_search_by_key(&term, |p| p.0)
            .map_or(0.0, |i| self.0[i].1)
    }

    /// The same terms with weight 1 each.
    pub fn presence(&self) -> Self {
        Self(self.0.iter().map(|(t, _)| (*t, 1.0)).collect())
    }

    /// Dot product.
    pub fn dot(&self, other: &Self) -> f32 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// Cosine similarity (0 when either vector is empty).
    pub fn cosine(&self, other: &Self) -> f32 {
        let n = self.norm() * other.norm();
        if n > 0.0 { self.dot(other) / n } else { 0.0 }
    }

    /// `self + scale * other`, keeping the `keep` heaviest terms.
    pub fn add_scaled(&self, other: &Self, scale: f32, keep: usize) -> Self {
        self.add_mapped(other, |w| w * scale, keep)
    }

    /// `self + 1` for every term of `other` (counts how many vectors carry a term).
    pub fn add_presence(&self, other: &Self, sign: f32, keep: usize) -> Self {
        self.add_mapped(other, |_| sign, keep)
    }

    fn add_mapped(&self, other: &Self, f: impl Fn(f32) -> f32, keep: usize) -> Self {
        let (a, b) = (&self.0, &other.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let take_a = j >= b.len() || (i < a.len() && a[i].0 < b[j].0);
            let take_b = i >= a.len() || (j < b.len() && b[j].0 < a[i].0);
            if take_a {
                out.push(a[i]);
                i += 1;
            } else if take_b {
                out.push((b[j].0, f(b[j].1)));
                j += 1;
            } else {
                out.push((a[i].0, a[i].1 + f(b[j].1)));
                i += 1;
                j += 1;
            }
        }
        out.retain(|p| p.1 > 1e-6);
        truncate_heaviest(&mut out, keep);
        Self(out)
    }

    /// The `n` heaviest terms, heaviest first (ties by term).
    pub fn top_terms(&self, n: usize) -> Vec<(u64, f32)> {
        let mut v = self.0.clone();
        let by_weight = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if v.len() > n && n > 0 {
            v.select_nth_unstable_by(n - 1, by_weight);
        }
        v.truncate(n);
        v.sort_unstable_by(by_weight);
        v
    }
}

/// Keeps the `keep` heaviest pairs of a term-sorted list, in term order
/// (ties at the cut go to the smaller term hashes).
fn truncate_heaviest(pairs: &mut Vec<(u64, f32)>, keep: usize) {
    if pairs.len() <= keep {
        return;
    }
    if keep == 0 {
        pairs.clear();
        return;
    }
    let mut weights: Vec<f32> = pairs.iter().map(|p| p.1).collect();
    let (_, cut, _) = weights.select_nth_unstable_by(keep - 1, |a, b| b.total_cmp(a));
    let cut = *cut;
    let above = pairs.iter().filter(|p| p.1 > cut).count();
    let mut at_cut = keep - above;
    pairs.retain(|p| {
        if p.1 > cut {
            true
        } else if p.1 == cut && at_cut > 0 {
            at_cut -= 1;
            true
        } else {
            false
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_cosine_follow_shared_terms() {
        let a = TermVector::from_weights(vec![(3, 1.0), (1, 2.0)], 10);
        let b = TermVector::from_weights(vec![(1, 1.0), (2, 5.0)], 10);
        assert_eq!(a.dot(&b), 2.0);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-6);
        assert_eq!(a.cosine(&TermVector::default()), 0.0);
    }

    #[test]
    fn add_scaled_merges_and_truncates() {
        let a = TermVector::from_weights(vec![(1, 1.0), (2, 1.0)], 10);
        let b = TermVector::from_weights(vec![(2, 1.0), (3, 0.75)], 10);
        let s = a.add_scaled(&b, 2.0, 2);
        assert_eq!(s.terms(), &[(2, 3.0), (3, 1.5)]);
        let d = s.add_scaled(&b, -1.0, 10);
        assert_eq!(d.terms(), &[(2, 2.0), (3, 0.75)]);
    }
}
