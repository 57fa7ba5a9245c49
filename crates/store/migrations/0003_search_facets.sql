-- Search filters as index terms. A search filtered by topic, provider or dates used to walk
-- the most recent matches of its words and check each one's article, which cost up to
-- 20,000 article lookups and still missed matches older than that window. The filters are
-- now terms of a fourth FTS5 column, `facets`, so FTS5 intersects the word doclists with
-- the filter's doclist and the exact check runs only on real candidates:
--   p<hex of provider domain>   one per article
--   t<hex of topic>             one per topic
--   y<year> m<yearmonth>        from published_at (UTC), none when undated
-- Names are hex-encoded so each is one token: a phrase of several tokens would make FTS5
-- walk the doclist of a common one (every domain ends in "com" or the like).
-- The column is derived, so it is written once, in a view that is the index's content;
-- the triggers read the view, before a change for the old values and after it for the new.

DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
DROP TABLE articles_fts;

CREATE VIEW articles_search AS
SELECT seq, title, excerpt, body,
       'p' || hex(provider_domain)
       || coalesce((SELECT ' ' || group_concat('t' || hex(value), ' ') FROM json_each(topics)), '')
       || coalesce(' y' || strftime('%Y', published_at, 'unixepoch')
                   || ' m' || strftime('%Y%m', published_at, 'unixepoch'), '')
       AS facets
FROM articles;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, excerpt, body, facets,
    content='articles_search', content_rowid='seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Filled with a plain INSERT: FTS5's own 'rebuild' cannot read a view that calls json_each.
INSERT INTO articles_fts(rowid, title, excerpt, body, facets)
SELECT seq, title, excerpt, body, facets FROM articles_search;

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body, facets)
    SELECT seq, title, excerpt, body, facets FROM articles_search WHERE seq = new.seq;
END;
CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body, facets)
    SELECT 'delete', seq, title, excerpt, body, facets FROM articles_search WHERE seq = old.seq;
END;
CREATE TRIGGER articles_fts_update_old BEFORE UPDATE OF title, excerpt, body, provider_domain, topics, published_at ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body, facets)
    SELECT 'delete', seq, title, excerpt, body, facets FROM articles_search WHERE seq = old.seq;
END;
CREATE TRIGGER articles_fts_update_new AFTER UPDATE OF title, excerpt, body, provider_domain, topics, published_at ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body, facets)
    SELECT seq, title, excerpt, body, facets FROM articles_search WHERE seq = new.seq;
END;
