//! When two open stories turn out to be one, the newer merges into the older
//! and its id keeps resolving to the survivor.

mod common;

use common::doc;
use storyline_analyze::{ClusterConfig, StoryClusterer, StoryEvent};

#[test]
fn a_merged_story_id_resolves_to_the_survivor() {
    // a strict join and a lenient merge: the two angles open separate stories,
    // and the third article, which joins the first, shows they are one
    let mut c = StoryClusterer::new(ClusterConfig {
        join_threshold: 0.5,
        body_join_threshold: 0.5,
        merge_threshold: 0.05,
        split_threshold: 0.0,
        ..ClusterConfig::default()
    });
    let a = c.add(&doc(
        "a",
        "Veltmark harbour board approves terminal expansion",
        "The Veltmark harbour board approved the expansion of the container terminal on Monday.",
        0,
    ));
    let b = c.add(&doc(
        "b",
        "Dredging firm Ostrava wins Veltmark terminal contract",
        "Ostrava, a dredging firm, won the contract to deepen the berths of the Veltmark terminal.",
        1,
    ));
    assert!(a.new_story && b.new_story, "{a:?} {b:?}");
    assert_ne!(a.story_id, b.story_id);

    let third = c.add(&doc(
        "c",
        "Veltmark harbour board approves terminal expansion, Ostrava to dredge",
        "The Veltmark harbour board approved the expansion of the container terminal; \
         Ostrava won the dredging contract for the terminal berths.",
        2,
    ));
    let merged: Vec<(&String, &String)> = third
        .events
        .iter()
        .filter_map(|e| match e {
            StoryEvent::Merged { from, into } => Some((from, into)),
            _ => None,
        })
        .collect();
    assert_eq!(
        merged,
        vec![(&"b".to_string(), &"a".to_string())],
        "{third:?}"
    );
    // the older story survives; the placement reports the survivor
    assert_eq!(third.story_id, "a");
    assert_eq!(c.resolve("b"), "a");
    assert_eq!(c.resolve("a"), "a");
    assert_eq!(c.resolve("unknown"), "unknown");
    let members = c.members("b").expect("b redirects to an open story");
    assert_eq!(members, vec!["a", "b", "c"]);
    assert_eq!(c.members("a"), Some(members));
    assert_eq!(c.open_stories(), 1);
}
