//! A story that drifts (chained coverage of two different events) is split in
//! two, and the newer event leaves under its own id.

mod common;

use common::doc;
use storyline_analyze::{ClusterConfig, StoryClusterer, StoryEvent};

#[test]
fn a_drifted_story_splits_and_the_new_event_leaves() {
    // a very lenient join chains two events through the town's name, which
    // only the first museum headlines mention; the drift check must take them
    // apart again
    let mut c = StoryClusterer::new(ClusterConfig {
        join_threshold: 0.02,
        body_join_threshold: 0.02,
        ..ClusterConfig::default()
    });
    let ferry = [
        "Veltmark ferry strike halts crossings to the islands",
        "Ferry crews in Veltmark walk out over pay, crossings halted",
        "Island crossings halted as Veltmark ferry crews strike",
        "Veltmark ferry strike enters second day, islanders stranded",
        "Ferry union and Veltmark operator resume pay talks",
        "Veltmark ferry crews vote on pay offer to end strike",
        "Veltmark ferry strike ends after crews accept pay offer",
    ];
    let museum = [
        "Veltmark museum unveils restored medieval tapestry",
        "Restored tapestry goes on show at Veltmark museum",
        "Medieval tapestry returns to the museum after restoration",
        "Museum tapestry restoration took conservators six years",
        "Crowds queue to see the museum's restored tapestry",
        "Museum extends opening hours for tapestry exhibition",
        "Tapestry exhibition at the museum draws record visitors",
    ];
    let mut events = Vec::new();
    let mut last = None;
    for (i, title) in ferry.iter().chain(museum.iter()).enumerate() {
        let id = format!("a{i:02}");
        let placed = c.add(&doc(&id, title, "", i as i64));
        events.extend(placed.events.clone());
        last = Some(placed);
    }
    let splits: Vec<(&String, &String, &Vec<String>)> = events
        .iter()
        .filter_map(|e| match e {
            StoryEvent::Split {
                from,
                new_story,
                article_ids,
            } => Some((from, new_story, article_ids)),
            _ => None,
        })
        .collect();
    assert_eq!(splits.len(), 1, "{events:?}");
    let (from, new_story, moved) = splits[0];
    assert_eq!(from, "a00");
    // the museum coverage leaves, named after its first article
    assert_eq!(new_story, "a07");
    let museum_ids: Vec<String> = (7..14).map(|i| format!("a{i:02}")).collect();
    assert!(moved.iter().all(|m| museum_ids.contains(m)), "{moved:?}");
    // the last article is reported where it ended up, and both stories are open
    assert_eq!(last.map(|p| p.story_id), Some("a07".to_string()));
    let ferry_members = c.members("a00").expect("the ferry story stays open");
    assert!(ferry_members.iter().all(|m| !museum_ids.contains(m)));
    let museum_members = c.members("a07").expect("the museum story is open");
    assert_eq!(museum_members, museum_ids);
}
