//! Which article heads a story: the first good report of the event, as a reader of Techmeme
//! expects, not the explainer or column written about it.
//!
//! Candidates narrow by preference, each step kept only when some candidate passes it:
//! originals (not syndicated copies), published ones, and reports of events (see
//! [`is_reporting`]). Of those within [`LEAD_QUALITY_MARGIN`] of the best quality, the earliest
//! leads, then the better, then the first stored. An unknown quality counts as 0.

use chrono::{DateTime, Utc};

use super::category::is_reporting;

/// A report this many quality points below the best one may still lead, when it came first.
pub const LEAD_QUALITY_MARGIN: u8 = 15;

/// What the choice looks at in one article of a story.
#[derive(Debug, Clone, Copy)]
pub struct LeadCandidate<'a> {
    /// Not a syndicated copy of another article.
    pub original: bool,
    /// Visible to readers.
    pub published: bool,
    /// Its category (`news`, `analysis` …).
    pub category: &'a str,
    pub quality: Option<u8>,
    /// When it was published (or first seen, when undated).
    pub time: DateTime<Utc>,
    /// Arrival order, the last tie-break.
    pub order: i64,
}

/// The index of the article that heads the story; `None` without candidates.
pub fn lead(candidates: &[LeadCandidate]) -> Option<usize> {
    let preferences: [fn(&LeadCandidate) -> bool; 3] = [
        |c| c.original,
        |c| c.published,
        |c| is_reporting(c.category),
    ];
    let mut pool: Vec<usize> = (0..candidates.len()).collect();
    for preferred in preferences {
        if pool.iter().any(|&i| preferred(&candidates[i])) {
            pool.retain(|&i| preferred(&candidates[i]));
        }
    }
    let quality = |i: usize| candidates[i].quality.unwrap_or(0);
    let best = pool.iter().map(|&i| quality(i)).max()?;
    pool.into_iter()
        .filter(|&i| quality(i) >= best.saturating_sub(LEAD_QUALITY_MARGIN))
        .min_by(|&a, &b| {
            let (x, y) = (&candidates[a], &candidates[b]);
            x.time
                .cmp(&y.time)
                .then_with(|| quality(b).cmp(&quality(a)))
                .then_with(|| x.order.cmp(&y.order))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn candidate(category: &'static str, quality: u8, hour: u32) -> LeadCandidate<'static> {
        LeadCandidate {
            original: true,
            published: true,
            category,
            quality: Some(quality),
            time: Utc.with_ymd_and_hms(2026, 5, 13, hour, 0, 0).unwrap(),
            order: i64::from(hour),
        }
    }

    #[test]
    fn the_first_good_report_leads_not_the_explainer_about_it() {
        let story = [
            candidate("analysis", 81, 16),
            candidate("news", 80, 20),
            candidate("news", 74, 13),
            // First, but far below the best report.
            candidate("news", 53, 9),
        ];
        assert_eq!(lead(&story), Some(2));
    }

    #[test]
    fn without_a_report_the_best_commentary_leads_and_copies_never_do() {
        let mut story = vec![candidate("opinion", 60, 8), candidate("analysis", 90, 12)];
        assert_eq!(lead(&story), Some(1));
        story.push(LeadCandidate {
            original: false,
            ..candidate("news", 99, 1)
        });
        assert_eq!(lead(&story), Some(1));
        story.push(LeadCandidate {
            published: false,
            ..candidate("news", 95, 2)
        });
        assert_eq!(lead(&story), Some(1));
        // Copies alone still give the story a lead.
        let copy = LeadCandidate {
            original: false,
            ..candidate("news", 40, 3)
        };
        assert_eq!(lead(&[copy]), Some(0));
        assert_eq!(lead(&[]), None);
    }

    #[test]
    fn ties_go_to_the_better_then_the_first_stored() {
        let mut a = candidate("news", 70, 10);
        let b = candidate("news", 75, 10);
        assert_eq!(lead(&[a, b]), Some(1));
        a.quality = Some(75);
        a.order = 11;
        assert_eq!(lead(&[a, b]), Some(1));
    }
}
