//! Judging articles and stories: topics, quality, heat.
