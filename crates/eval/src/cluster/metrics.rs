//! Clustering metrics over (true story, predicted story) labels per article:
//! pairwise precision/recall/F1, B-cubed precision/recall/F1 and NMI
//! (mutual information normalised by the geometric mean of the entropies, as in
//! the MStream paper).

use std::collections::HashMap;

/// Scores of one predicted clustering against the truth.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClusterScores {
    pub pairwise_precision: f64,
    pub pairwise_recall: f64,
    pub pairwise_f1: f64,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    pub nmi: f64,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

/// Scores `predicted` against `truth` (same length, one label per article).
/// Empty input scores zero everywhere.
pub fn score<T: AsRef<str>, P: AsRef<str>>(truth: &[T], predicted: &[P]) -> ClusterScores {
    let n = truth.len().min(predicted.len());
    if n == 0 {
        return ClusterScores::default();
    }
    let mut cells: HashMap<(&str, &str), u64> = HashMap::new();
    let mut true_sizes: HashMap<&str, u64> = HashMap::new();
    let mut pred_sizes: HashMap<&str, u64> = HashMap::new();
    for (t, p) in truth.iter().zip(predicted.iter()).take(n) {
        *cells.entry((t.as_ref(), p.as_ref())).or_insert(0) += 1;
        *true_sizes.entry(t.as_ref()).or_insert(0) += 1;
        *pred_sizes.entry(p.as_ref()).or_insert(0) += 1;
    }
    let total = n as f64;
    let same_both: f64 = cells.values().map(|c| pairs(*c)).sum();
    let same_pred: f64 = pred_sizes.values().map(|c| pairs(*c)).sum();
    let same_true: f64 = true_sizes.values().map(|c| pairs(*c)).sum();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    let pairwise_precision = ratio(same_both, same_pred);
    let pairwise_recall = ratio(same_both, same_true);

    let mut bp = 0.0;
    let mut br = 0.0;
    let mut mi = 0.0;
    for ((t, p), c) in &cells {
        let c = *c as f64;
        let a = true_sizes[t] as f64;
        let b = pred_sizes[p] as f64;
        bp += c * c / b;
        br += c * c / a;
        mi += c / total * (total * c / (a * b)).ln();
    }
    let entropy = |sizes: &HashMap<&str, u64>| -> f64 {
        sizes
            .values()
            .map(|s| {
                let q = *s as f64 / total;
                -q * q.ln()
            })
            .sum()
    };
    let (ht, hp) = (entropy(&true_sizes), entropy(&pred_sizes));
    let nmi = if ht > 0.0 && hp > 0.0 {
        mi / (ht * hp).sqrt()
    } else if ht == hp {
        1.0
    } else {
        0.0
    };
    let (bcubed_precision, bcubed_recall) = (bp / total, br / total);
    ClusterScores {
        pairwise_precision,
        pairwise_recall,
        pairwise_f1: f1(pairwise_precision, pairwise_recall),
        bcubed_precision,
        bcubed_recall,
        bcubed_f1: f1(bcubed_precision, bcubed_recall),
        nmi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_clustering_scores_one() {
        let t = ["a", "a", "b", "c", "c", "c"];
        let p = ["x", "x", "y", "z", "z", "z"];
        let s = score(&t, &p);
        assert!((s.bcubed_f1 - 1.0).abs() < 1e-12);
        assert!((s.pairwise_f1 - 1.0).abs() < 1e-12);
        assert!((s.nmi - 1.0).abs() < 1e-12);
    }

    #[test]
    fn one_big_cluster_has_full_recall_low_precision() {
        let t = ["a", "a", "b", "b"];
        let p = ["x", "x", "x", "x"];
        let s = score(&t, &p);
        assert_eq!(s.bcubed_recall, 1.0);
        assert_eq!(s.bcubed_precision, 0.5);
        assert_eq!(s.pairwise_precision, 2.0 / 6.0);
        assert_eq!(s.nmi, 0.0);
    }

    #[test]
    fn singletons_have_full_precision() {
        let t = ["a", "a", "a", "b"];
        let p = ["1", "2", "3", "4"];
        let s = score(&t, &p);
        assert_eq!(s.bcubed_precision, 1.0);
        assert!((s.bcubed_recall - (3.0 * (1.0 / 3.0) + 1.0) / 4.0).abs() < 1e-12);
        assert_eq!(s.pairwise_recall, 0.0);
    }
}
