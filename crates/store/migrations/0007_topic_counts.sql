-- The topic directory counted every story's topics on each refresh: `json_each` over the
-- whole archive of stories, 140 ms at 100,000 stories and growing with the archive, paid by
-- whichever reader refreshed it. Counts are now kept as stories are written, merged,
-- published and deleted, so the directory reads one row per topic.
--
-- A story counts while it is live (not merged into another, with articles); `published`
-- counts those of them that are published. A topic listed twice by one story counts twice,
-- as the scan did. Topics that are not a JSON list count as no topics.
CREATE TABLE topic_counts (
    topic     TEXT    PRIMARY KEY,
    stories   INTEGER NOT NULL,
    published INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO topic_counts (topic, stories, published)
SELECT t.value, COUNT(*), SUM(s.published = 1)
FROM stories s, json_each(CASE WHEN json_valid(s.topics) THEN s.topics ELSE '[]' END) t
WHERE s.merged_into IS NULL AND s.article_count > 0
GROUP BY t.value;

-- `WHERE true` tells SQLite's parser that the ON CONFLICT belongs to the INSERT.
CREATE TRIGGER topic_counts_insert AFTER INSERT ON stories
WHEN new.merged_into IS NULL AND new.article_count > 0 BEGIN
    INSERT INTO topic_counts (topic, stories, published)
    SELECT t.value, 1, new.published = 1
    FROM json_each(CASE WHEN json_valid(new.topics) THEN new.topics ELSE '[]' END) t WHERE true
    ON CONFLICT (topic) DO UPDATE SET stories = stories + 1,
                                      published = published + excluded.published;
END;

CREATE TRIGGER topic_counts_delete AFTER DELETE ON stories
WHEN old.merged_into IS NULL AND old.article_count > 0 BEGIN
    UPDATE topic_counts
    SET stories = stories - (
            SELECT COUNT(*)
            FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END) t
            WHERE t.value = topic_counts.topic),
        published = published - (old.published = 1) * (
            SELECT COUNT(*)
            FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END) t
            WHERE t.value = topic_counts.topic)
    WHERE topic IN (
        SELECT value
        FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END));
    DELETE FROM topic_counts WHERE stories <= 0;
END;

-- An update takes the story's old topics out (when it counted) and puts its new ones in
-- (when it counts).
CREATE TRIGGER topic_counts_update_old
AFTER UPDATE OF topics, published, merged_into, article_count ON stories
WHEN old.merged_into IS NULL AND old.article_count > 0 BEGIN
    UPDATE topic_counts
    SET stories = stories - (
            SELECT COUNT(*)
            FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END) t
            WHERE t.value = topic_counts.topic),
        published = published - (old.published = 1) * (
            SELECT COUNT(*)
            FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END) t
            WHERE t.value = topic_counts.topic)
    WHERE topic IN (
        SELECT value
        FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END));
    DELETE FROM topic_counts WHERE stories <= 0;
END;

CREATE TRIGGER topic_counts_update_new
AFTER UPDATE OF topics, published, merged_into, article_count ON stories
WHEN new.merged_into IS NULL AND new.article_count > 0 BEGIN
    INSERT INTO topic_counts (topic, stories, published)
    SELECT t.value, 1, new.published = 1
    FROM json_each(CASE WHEN json_valid(new.topics) THEN new.topics ELSE '[]' END) t WHERE true
    ON CONFLICT (topic) DO UPDATE SET stories = stories + 1,
                                      published = published + excluded.published;
END;
