//! Heat 0–100 of one story: how much it is trending now.
//!
//! Heat grows with the number of distinct providers covering the story and with how fast coverage
//! arrives, decays with the age of its latest coverage, and is boosted by the mean quality of that
//! coverage. Logarithms and a saturating curve keep it within 0–100: the tenth outlet adds less
//! than the second. Weights live in [`HeatConfig`]; the defaults are given in brackets.
//!
//! ```text
//! breadth  = provider_weight [1.0] · ln(1 + providers)
//!          + velocity_weight [0.7] · ln(1 + recent_count)          (coverage in the last hours)
//!          + volume_weight   [0.3] · ln(1 + article_count)
//! quality  = quality_floor [0.6] + (1 − quality_floor) · clamp(mean_quality, 0, 100) / 100
//! age_h    = max(0, now − last_published) in hours
//! decay    = 0.5 ^ (age_h / half_life_hours [12])
//! heat     = round(100 · (1 − exp(−breadth · quality · decay / scale [3.0])))
//! ```
//!
//! A story with no articles has heat 0. Inconsistent counts are repaired before use: providers and
//! recent articles are capped by the article count, and `last_published` is never taken to be
//! earlier than `first_published`. A `last_published` in the future counts as now.

use chrono::{DateTime, Utc};

/// What heat is judged from: counts and times of a story's coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatInput {
    /// Articles in the story (syndicated copies included).
    pub article_count: usize,
    /// Distinct providers among them.
    pub provider_count: usize,
    /// Publication time of the first article.
    pub first_published: DateTime<Utc>,
    /// Publication time of the latest article.
    pub last_published: DateTime<Utc>,
    /// Articles published in the last few hours (the caller's window, 6 h by convention).
    pub recent_count: usize,
    /// Mean quality 0–100 of the story's articles.
    pub mean_quality: f32,
    /// The moment heat is computed for.
    pub now: DateTime<Utc>,
}

/// Weights of the heat formula (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatConfig {
    /// Hours after which heat halves once coverage stops.
    pub half_life_hours: f32,
    pub provider_weight: f32,
    pub velocity_weight: f32,
    pub volume_weight: f32,
    /// Multiplier for a story whose coverage has quality 0 (quality 100 gives 1).
    pub quality_floor: f32,
    /// Breadth at which heat reaches 1 − 1/e ≈ 63.
    pub scale: f32,
}

impl Default for HeatConfig {
    fn default() -> Self {
        HeatConfig {
            half_life_hours: 12.0,
            provider_weight: 1.0,
            velocity_weight: 0.7,
            volume_weight: 0.3,
            quality_floor: 0.6,
            scale: 3.0,
        }
    }
}

/// Why a story is as hot as it is, in words, from the same input as [`heat`]: how many
/// outlets and articles, how many in the recent window (`recent_hours`), and how long ago the
/// latest arrived. The first reason is the one that weighs most.
pub fn heat_reasons(input: &HeatInput, recent_hours: i64) -> Vec<String> {
    let articles = input.article_count;
    if articles == 0 {
        return Vec::new();
    }
    let providers = input.provider_count.clamp(1, articles);
    let recent = input.recent_count.min(articles);
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut reasons = vec![format!(
        "{} with {}",
        plural(providers, "outlet", "outlets"),
        plural(articles, "article", "articles")
    )];
    if recent > 0 {
        reasons.push(format!(
            "{} in the last {recent_hours} hours",
            plural(recent, "new article", "new articles")
        ));
    }
    let last = input.last_published.min(input.now);
    let age = input.now - last;
    let ago = if age.num_minutes() < 60 {
        plural(age.num_minutes().max(1) as usize, "minute", "minutes")
    } else if age.num_hours() < 48 {
        plural(age.num_hours() as usize, "hour", "hours")
    } else {
        plural(age.num_days() as usize, "day", "days")
    };
    reasons.push(format!("latest coverage {ago} ago"));
    let span = last - input.first_published.min(last);
    if span.num_hours() >= 24 {
        reasons.push(format!(
            "covered for {}",
            plural(span.num_days() as usize, "day", "days")
        ));
    }
    reasons
}

/// Heat 0–100 of a story.
pub fn heat(input: &HeatInput, config: &HeatConfig) -> i32 {
    let articles = input.article_count;
    if articles == 0 {
        return 0;
    }
    let providers = input.provider_count.clamp(1, articles);
    let recent = input.recent_count.min(articles);
    let ln = |n: usize| (n as f64).ln_1p();
    let breadth = finite_or_zero(config.provider_weight) * ln(providers)
        + finite_or_zero(config.velocity_weight) * ln(recent)
        + finite_or_zero(config.volume_weight) * ln(articles);

    let floor = unit(config.quality_floor);
    let mean_quality = if input.mean_quality.is_finite() {
        f64::from(input.mean_quality).clamp(0.0, 100.0)
    } else {
        0.0
    };
    let quality = floor + (1.0 - floor) * mean_quality / 100.0;

    let latest = input.last_published.max(input.first_published);
    let age_seconds = (input.now - latest).num_seconds().max(0);
    let age_hours = age_seconds as f64 / 3600.0;
    let half_life = f64::from(config.half_life_hours);
    let decay = if half_life.is_finite() && half_life > 0.0 {
        0.5f64.powf(age_hours / half_life)
    } else {
        1.0
    };

    let scale = f64::from(config.scale);
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        3.0
    };
    let heat = 100.0 * (1.0 - (-breadth * quality * decay / scale).exp());
    if heat.is_finite() {
        heat.round().clamp(0.0, 100.0) as i32
    } else {
        0
    }
}

fn finite_or_zero(value: f32) -> f64 {
    if value.is_finite() {
        f64::from(value).max(0.0)
    } else {
        0.0
    }
}

fn unit(value: f32) -> f64 {
    if value.is_finite() {
        f64::from(value).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_say_outlets_recent_coverage_and_age_in_words() {
        let now = Utc::now();
        let input = HeatInput {
            article_count: 12,
            provider_count: 7,
            first_published: now - chrono::Duration::hours(30),
            last_published: now - chrono::Duration::minutes(20),
            recent_count: 3,
            mean_quality: 50.0,
            now,
        };
        assert_eq!(
            heat_reasons(&input, 6),
            vec![
                "7 outlets with 12 articles",
                "3 new articles in the last 6 hours",
                "latest coverage 20 minutes ago",
                "covered for 1 day",
            ]
        );
        let quiet = HeatInput {
            article_count: 1,
            provider_count: 1,
            recent_count: 0,
            first_published: now - chrono::Duration::hours(50),
            last_published: now - chrono::Duration::hours(50),
            ..input
        };
        assert_eq!(
            heat_reasons(&quiet, 6),
            vec!["1 outlet with 1 article", "latest coverage 2 days ago"]
        );
        assert!(
            heat_reasons(
                &HeatInput {
                    article_count: 0,
                    ..input
                },
                6
            )
            .is_empty()
        );
    }
    use chrono::{Duration, TimeZone};

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 5, 0, 0, 0).unwrap() + Duration::hours(hours)
    }

    fn story() -> HeatInput {
        HeatInput {
            article_count: 6,
            provider_count: 5,
            first_published: at(0),
            last_published: at(3),
            recent_count: 4,
            mean_quality: 50.0,
            now: at(4),
        }
    }

    #[test]
    fn heat_grows_with_providers_and_velocity() {
        let config = HeatConfig::default();
        let base = heat(&story(), &config);
        let wider = heat(
            &HeatInput {
                article_count: 12,
                provider_count: 11,
                ..story()
            },
            &config,
        );
        let faster = heat(
            &HeatInput {
                recent_count: 6,
                ..story()
            },
            &config,
        );
        assert!(wider > base && faster > base, "{base} {wider} {faster}");
    }

    #[test]
    fn heat_halves_its_breadth_term_after_one_half_life() {
        let config = HeatConfig::default();
        let fresh = heat(
            &HeatInput {
                now: at(3),
                ..story()
            },
            &config,
        );
        let old = heat(
            &HeatInput {
                now: at(15),
                ..story()
            },
            &config,
        );
        let older = heat(
            &HeatInput {
                now: at(63),
                ..story()
            },
            &config,
        );
        assert!(fresh > old && old > older, "{fresh} {old} {older}");
        // 1 − exp(−x/2) expressed through fresh = 1 − exp(−x).
        let x = -(1.0 - f64::from(fresh) / 100.0).ln();
        let expected = 100.0 * (1.0 - (-x / 2.0).exp());
        assert!(
            (f64::from(old) - expected).abs() <= 1.5,
            "{old} vs {expected}"
        );
    }

    #[test]
    fn better_coverage_is_hotter() {
        let config = HeatConfig::default();
        let poor = heat(
            &HeatInput {
                mean_quality: 10.0,
                ..story()
            },
            &config,
        );
        let good = heat(
            &HeatInput {
                mean_quality: 90.0,
                ..story()
            },
            &config,
        );
        assert!(good > poor);
    }

    #[test]
    fn heat_saturates_below_100_and_is_zero_without_articles() {
        let config = HeatConfig::default();
        let huge = HeatInput {
            article_count: usize::MAX,
            provider_count: usize::MAX,
            recent_count: usize::MAX,
            mean_quality: 100.0,
            ..story()
        };
        let value = heat(&huge, &config);
        assert!((90..=100).contains(&value), "{value}");
        let empty = HeatInput {
            article_count: 0,
            ..story()
        };
        assert_eq!(heat(&empty, &config), 0);
    }

    #[test]
    fn inconsistent_or_non_finite_input_stays_in_range() {
        let odd = HeatInput {
            article_count: 1,
            provider_count: 40,
            recent_count: 40,
            first_published: at(10),
            last_published: at(2),
            mean_quality: f32::NAN,
            now: at(-100),
        };
        let broken = HeatConfig {
            half_life_hours: f32::NAN,
            provider_weight: f32::INFINITY,
            velocity_weight: -1.0,
            volume_weight: f32::NAN,
            quality_floor: 7.0,
            scale: 0.0,
        };
        for config in [HeatConfig::default(), broken] {
            let value = heat(&odd, &config);
            assert!((0..=100).contains(&value), "{value}");
        }
        // A single article now, one provider: warm, not hot.
        let single = HeatInput {
            article_count: 1,
            provider_count: 1,
            recent_count: 1,
            first_published: at(0),
            last_published: at(0),
            mean_quality: 50.0,
            now: at(0),
        };
        let value = heat(&single, &HeatConfig::default());
        assert!((10..50).contains(&value), "{value}");
    }
}
