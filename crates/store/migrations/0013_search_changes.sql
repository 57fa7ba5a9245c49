-- A search index kept outside the database follows the articles through a change log: one
-- row per article `seq`, whose `change` is replaced by a new, larger number each time
-- something search reads or filters by happens to the article (it is stored, its text or
-- metadata is edited, it moves to another story, it or its story or its provider is
-- hidden or shown again, it is deleted). The index remembers the largest `change` it has
-- read and asks for the rows after it, then reads those articles anew (a row whose article
-- is gone or hidden means: drop it). Numbers are unique (an index on `change`) and only
-- grow, so a reader that has seen a number never misses a later change; a store's writes
-- are serialised, so they grow in commit order. The largest number is one step down that
-- index.
--
-- A trigger writes `max(change) + 1`, or, when it touches several articles, `max(change) + n`
-- for the n-th of them in `seq` order, the maximum read once. The rows are upserted with
-- ON CONFLICT ... DO UPDATE: an `OR REPLACE` inside a trigger gives way to the conflict
-- policy of the statement that fired it (blocking a provider is an `INSERT OR IGNORE`, and
-- an upsert of a story aborts), while an upsert clause of the trigger's own is kept.
-- A story or a provider that is hidden logs every one of its articles; a story summary
-- rewritten without a change to its flags logs nothing.
--
-- Existing stores start with `change = seq` for every article.
CREATE TABLE search_changes (
    seq    INTEGER PRIMARY KEY,
    change INTEGER NOT NULL
);
CREATE UNIQUE INDEX search_changes_change ON search_changes(change);

INSERT INTO search_changes (seq, change) SELECT seq, seq FROM articles;

-- `WHERE true` tells SQLite's parser that the ON CONFLICT belongs to the INSERT.
CREATE TRIGGER search_changes_article_insert AFTER INSERT ON articles BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT new.seq, coalesce(max(change), 0) + 1 FROM search_changes WHERE true
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

CREATE TRIGGER search_changes_article_update
AFTER UPDATE OF story_id, published, title, excerpt, body, provider_domain, topics,
                published_at, language, category ON articles BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT new.seq, coalesce(max(change), 0) + 1 FROM search_changes WHERE true
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

CREATE TRIGGER search_changes_article_delete AFTER DELETE ON articles BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT old.seq, coalesce(max(change), 0) + 1 FROM search_changes WHERE true
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

-- A story's flags decide whether its articles are shown. A story row written after its
-- articles (or removed) changes that too.
CREATE TRIGGER search_changes_story_flags AFTER UPDATE OF published, merged_into ON stories
WHEN old.published IS NOT new.published OR old.merged_into IS NOT new.merged_into BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT seq, (SELECT coalesce(max(change), 0) FROM search_changes)
                + row_number() OVER (ORDER BY seq)
    FROM articles WHERE story_id = new.id
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

CREATE TRIGGER search_changes_story_insert AFTER INSERT ON stories BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT seq, (SELECT coalesce(max(change), 0) FROM search_changes)
                + row_number() OVER (ORDER BY seq)
    FROM articles WHERE story_id = new.id
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

CREATE TRIGGER search_changes_story_delete AFTER DELETE ON stories BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT seq, (SELECT coalesce(max(change), 0) FROM search_changes)
                + row_number() OVER (ORDER BY seq)
    FROM articles WHERE story_id = old.id
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

CREATE TRIGGER search_changes_provider_blocked AFTER INSERT ON blocked_providers BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT seq, (SELECT coalesce(max(change), 0) FROM search_changes)
                + row_number() OVER (ORDER BY seq)
    FROM articles WHERE provider_domain = new.domain
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

CREATE TRIGGER search_changes_provider_unblocked AFTER DELETE ON blocked_providers BEGIN
    INSERT INTO search_changes (seq, change)
    SELECT seq, (SELECT coalesce(max(change), 0) FROM search_changes)
                + row_number() OVER (ORDER BY seq)
    FROM articles WHERE provider_domain = old.domain
    ON CONFLICT (seq) DO UPDATE SET change = excluded.change;
END;

-- The article listing filtered by topic walks an article's topics newest first (one row
-- per topic of each article; topics that are not a JSON list count as none), and filtered
-- by provider walks the provider's articles newest first; neither reads the search index.
CREATE TABLE article_topics (
    topic TEXT    NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (topic, seq)
) WITHOUT ROWID;

INSERT INTO article_topics (topic, seq)
SELECT DISTINCT t.value, a.seq
FROM articles a, json_each(CASE WHEN json_valid(a.topics) THEN a.topics ELSE '[]' END) t
WHERE t.type = 'text';

-- Inside a trigger, `OR IGNORE` gives way to the conflict policy of the statement that fired
-- it, so duplicates are kept out with DISTINCT and NOT EXISTS. Rows are removed by their
-- topics, which finds them by the primary key.
CREATE TRIGGER article_topics_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_topics (topic, seq)
    SELECT DISTINCT t.value, new.seq
    FROM json_each(CASE WHEN json_valid(new.topics) THEN new.topics ELSE '[]' END) t
    WHERE t.type = 'text'
      AND NOT EXISTS (SELECT 1 FROM article_topics WHERE topic = t.value AND seq = new.seq);
END;

CREATE TRIGGER article_topics_update AFTER UPDATE OF topics ON articles BEGIN
    DELETE FROM article_topics WHERE seq = old.seq AND topic IN (
        SELECT value
        FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END));
    INSERT INTO article_topics (topic, seq)
    SELECT DISTINCT t.value, new.seq
    FROM json_each(CASE WHEN json_valid(new.topics) THEN new.topics ELSE '[]' END) t
    WHERE t.type = 'text'
      AND NOT EXISTS (SELECT 1 FROM article_topics WHERE topic = t.value AND seq = new.seq);
END;

CREATE TRIGGER article_topics_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_topics WHERE seq = old.seq AND topic IN (
        SELECT value
        FROM json_each(CASE WHEN json_valid(old.topics) THEN old.topics ELSE '[]' END));
END;

CREATE INDEX articles_provider_seq ON articles(provider_domain, seq);
