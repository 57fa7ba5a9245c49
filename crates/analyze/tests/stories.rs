//! Behaviour of the story clusterer on small fictional streams.

use chrono::{DateTime, TimeDelta, Utc};
use storyline_analyze::{ClusterConfig, ClusterDoc, StoryClusterer, StoryEvent};

fn at(hours: i64) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339("2031-04-02T08:00:00Z")
        .ok()
        .map(|t| t.with_timezone(&Utc) + TimeDelta::hours(hours))
}

fn doc(id: &str, title: &str, text: &str, hours: i64) -> ClusterDoc {
    ClusterDoc {
        id: id.into(),
        title: title.into(),
        text: text.into(),
        published: at(hours),
        ..ClusterDoc::default()
    }
}

fn ferrolux_funding() -> Vec<ClusterDoc> {
    vec![
        doc(
            "f1",
            "Ferrolux raises $300 million led by Quantiva",
            "Battery maker Ferrolux raised $300 million in a round led by Quantiva, valuing the Norwegian startup at $1.2 billion.",
            0,
        ),
        doc(
            "f2",
            "Quantiva leads $300M round in battery startup Ferrolux",
            "Ferrolux, the Norwegian battery startup, closed a $300 million round led by Quantiva at a $1.2 billion valuation.",
            2,
        ),
        doc(
            "f3",
            "Battery startup Ferrolux valued at $1.2 billion after Quantiva-led raise",
            "Quantiva led the $300 million raise for Ferrolux, which makes sodium batteries in Narvik.",
            5,
        ),
    ]
}

fn quantiva_other_deal() -> Vec<ClusterDoc> {
    vec![
        doc(
            "g1",
            "Quantiva leads $90 million round for drone maker Skylarke",
            "Quantiva led a $90 million round in Skylarke, a drone maker based in Tallinn, valuing it at $400 million.",
            3,
        ),
        doc(
            "g2",
            "Skylarke raises $90M from Quantiva to build delivery drones",
            "Tallinn drone maker Skylarke raised $90 million in a round led by Quantiva.",
            6,
        ),
    ]
}

#[test]
fn same_investor_different_deals_stay_apart_but_are_related() {
    let mut c = StoryClusterer::new(ClusterConfig::default());
    let mut placed = Vec::new();
    let mut docs = ferrolux_funding();
    docs.splice(2..2, quantiva_other_deal());
    for d in &docs {
        placed.push((d.id.clone(), c.add(d).story_id));
    }
    let story = |id: &str| {
        let s = &placed.iter().find(|(a, _)| a == id).expect("placed").1;
        c.resolve(s)
    };
    assert_eq!(story("f1"), story("f2"));
    assert_eq!(story("f1"), story("f3"));
    assert_eq!(story("g1"), story("g2"));
    assert_ne!(story("f1"), story("g1"));
    assert_eq!(
        story("f1"),
        "f1",
        "a story is named after its first article"
    );
    let related = c.related("f1");
    assert!(
        related.iter().any(|r| r.story_id == story("g1")),
        "{related:?}"
    );
}

#[test]
fn placement_is_deterministic() {
    let mut docs = ferrolux_funding();
    docs.extend(quantiva_other_deal());
    let run = || {
        let mut c = StoryClusterer::new(ClusterConfig::default());
        docs.iter().map(|d| c.add(d)).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn features_prepared_elsewhere_place_articles_the_same() {
    let mut docs = ferrolux_funding();
    docs.extend(quantiva_other_deal());
    let config = ClusterConfig::default();
    let mut direct = StoryClusterer::new(config.clone());
    let expected: Vec<_> = docs.iter().map(|d| direct.add(d)).collect();
    // Prepared up front, as a pool of threads would, then added in the same order.
    let prepared: Vec<_> = docs
        .iter()
        .map(|d| storyline_analyze::cluster::features::prepare(d, &config))
        .collect();
    let mut later = StoryClusterer::new(config);
    let placed: Vec<_> = docs
        .iter()
        .zip(prepared)
        .map(|(d, p)| later.add_prepared(d, p))
        .collect();
    assert_eq!(placed, expected);
    assert!(
        expected.iter().any(|p| !p.new_story),
        "some articles join stories"
    );
}

#[test]
fn a_reprint_is_marked_as_a_copy_of_the_earliest() {
    let body: String = (0..6)
        .map(|i| format!("The port of Veltmark will add {i} berths, the harbour board decided after a long council vote on Tuesday evening.\n\n"))
        .collect();
    let mut c = StoryClusterer::new(ClusterConfig::default());
    let first = c.add(&doc("w1", "Veltmark port to expand", &body, 0));
    assert!(first.duplicate_of.is_none());
    let reprint = format!("Local view: dockers worry about traffic in the old town.\n\n{body}");
    let second = c.add(&doc("w2", "Harbour board backs expansion", &reprint, 1));
    assert_eq!(second.duplicate_of.as_deref(), Some("w1"));
    assert_eq!(second.story_id, "w1");
    let third = c.add(&doc("w3", "Veltmark expansion approved", &body, 2));
    assert_eq!(third.duplicate_of.as_deref(), Some("w1"));
}

#[test]
fn quiet_stories_close_and_leave_the_window() {
    let config = ClusterConfig {
        undated_quiet_articles: 5,
        ..ClusterConfig::default()
    };
    let (closed, c) = feed_distinct_stories(config, None);
    assert!(closed.contains(&"a0".to_string()), "{closed:?}");
    assert!(c.open_stories() <= 7, "{}", c.open_stories());
    assert!(c.members("a0").is_none());
}

#[test]
fn dated_stories_are_not_closed_by_the_undated_count() {
    let config = ClusterConfig {
        undated_quiet_articles: 5,
        ..ClusterConfig::default()
    };
    let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .map(|t| t.to_utc())
        .ok();
    let (closed, c) = feed_distinct_stories(config.clone(), at);
    assert!(closed.is_empty(), "{closed:?}");
    assert_eq!(c.open_stories(), 20);
    // the window's bound still applies to dated stories
    let bounded = ClusterConfig {
        quiet_articles: 5,
        ..config
    };
    let (closed, _) = feed_distinct_stories(bounded, at);
    assert!(closed.contains(&"a0".to_string()), "{closed:?}");
}

/// Twenty one-word stories that share nothing, all published at `at`.
fn feed_distinct_stories(
    config: ClusterConfig,
    at: Option<DateTime<Utc>>,
) -> (Vec<String>, StoryClusterer) {
    let mut c = StoryClusterer::new(config);
    let mut closed = Vec::new();
    let words = [
        "glacier",
        "senate",
        "orchestra",
        "harbour",
        "vaccine",
        "tariff",
        "comet",
        "striker",
        "pipeline",
        "museum",
        "drought",
        "satellite",
        "election",
        "bakery",
        "ferry",
        "volcano",
        "chess",
        "opera",
        "bridge",
        "mining",
    ];
    for (i, w) in words.iter().enumerate() {
        let d = ClusterDoc {
            id: format!("a{i}"),
            title: format!("{w} {w}"),
            published: at,
            ..ClusterDoc::default()
        };
        for e in c.add(&d).events {
            if let StoryEvent::Closed { story_id } = e {
                closed.push(story_id);
            }
        }
    }
    (closed, c)
}

#[test]
fn stories_close_after_the_quiet_period() {
    let mut c = StoryClusterer::new(ClusterConfig {
        quiet_period: TimeDelta::hours(72),
        ..ClusterConfig::default()
    });
    c.add(&doc("old", "Glacier lake floods Valtorre village", "", 0));
    assert_eq!(c.replay_horizon(), at(0));
    let p = c.add(&doc("mid", "Senate passes fishing quota bill", "", 40));
    assert!(p.events.is_empty(), "{:?}", p.events);
    let p = c.add(&doc("late", "Orchestra names new conductor", "", 80));
    assert!(p.events.contains(&StoryEvent::Closed {
        story_id: "old".into()
    }));
    assert_eq!(c.replay_horizon(), at(40));
}

#[test]
fn one_far_future_date_does_not_close_the_window() {
    let mut c = StoryClusterer::new(ClusterConfig::default());
    c.add(&doc("a", "Glacier lake floods Valtorre village", "", 0));
    let p = c.add(&doc(
        "typo",
        "Senate passes fishing quota bill",
        "",
        24 * 365,
    ));
    assert!(p.events.is_empty(), "{:?}", p.events);
    assert!(c.members("a").is_some());
}

#[test]
fn hostile_articles_do_not_panic() {
    let mut c = StoryClusterer::new(ClusterConfig::default());
    let huge = "word ".repeat(200_000);
    let weird: String = (0..3000u32).filter_map(char::from_u32).collect();
    for (i, t) in [huge.as_str(), weird.as_str(), "", "\u{0}\u{1}"]
        .iter()
        .enumerate()
    {
        let p = c.add(&doc(&format!("h{i}"), t, t, 0));
        assert!(!p.story_id.is_empty());
    }
}
