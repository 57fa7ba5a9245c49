//! What the clustering tests share: an article as the clusterer sees it.

use chrono::{DateTime, TimeDelta, Utc};
use storyline_analyze::ClusterDoc;

/// An article published `hours` after a fixed morning, with a title and an optional text.
pub fn doc(id: &str, title: &str, text: &str, hours: i64) -> ClusterDoc {
    let published = DateTime::parse_from_rfc3339("2031-04-02T08:00:00Z")
        .ok()
        .map(|t| t.with_timezone(&Utc) + TimeDelta::hours(hours));
    ClusterDoc {
        id: id.into(),
        title: title.into(),
        text: text.into(),
        published,
        ..ClusterDoc::default()
    }
}
