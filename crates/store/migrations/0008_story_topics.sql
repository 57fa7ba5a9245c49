-- A topic page walked every live story in heat order, reading each one's topics, until it
-- had a page of them: quick for a common topic, but a rare or unknown topic walked the whole
-- archive (95 ms at 100,000 stories). Each live story's topics are now also rows of
-- `story_topics`, so a rare topic's stories are found by the topic and only they are sorted
-- (`sqlite/stories.rs` chooses, from `topic_counts`). Kept by triggers, as `topic_counts` is.
CREATE TABLE story_topics (
    topic    TEXT NOT NULL,
    story_id TEXT NOT NULL,
    PRIMARY KEY (topic, story_id)
) WITHOUT ROWID;
CREATE INDEX story_topics_story ON story_topics(story_id);

INSERT INTO story_topics (topic, story_id)
SELECT DISTINCT t.value, s.id
FROM stories s, json_each(CASE WHEN json_valid(s.topics) THEN s.topics ELSE '[]' END) t
WHERE s.merged_into IS NULL AND s.article_count > 0;

-- Inside a trigger, `OR IGNORE` gives way to the conflict policy of the statement that fired
-- it (the stories upsert aborts), so duplicates are kept out with DISTINCT and NOT EXISTS.
CREATE TRIGGER story_topics_insert AFTER INSERT ON stories
WHEN new.merged_into IS NULL AND new.article_count > 0 BEGIN
    INSERT INTO story_topics (topic, story_id)
    SELECT DISTINCT value, new.id
    FROM json_each(CASE WHEN json_valid(new.topics) THEN new.topics ELSE '[]' END) t
    WHERE NOT EXISTS (SELECT 1 FROM story_topics WHERE topic = t.value AND story_id = new.id);
END;

CREATE TRIGGER story_topics_delete AFTER DELETE ON stories BEGIN
    DELETE FROM story_topics WHERE story_id = old.id;
END;

CREATE TRIGGER story_topics_update AFTER UPDATE OF id, topics, merged_into, article_count ON stories
BEGIN
    DELETE FROM story_topics WHERE story_id = old.id;
    INSERT INTO story_topics (topic, story_id)
    SELECT DISTINCT value, new.id
    FROM json_each(CASE WHEN json_valid(new.topics) THEN new.topics ELSE '[]' END) t
    WHERE new.merged_into IS NULL AND new.article_count > 0
      AND NOT EXISTS (SELECT 1 FROM story_topics WHERE topic = t.value AND story_id = new.id);
END;
