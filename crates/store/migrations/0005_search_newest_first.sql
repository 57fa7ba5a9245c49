-- Search reads its matches newest first. FTS5 walks a doclist forwards (ascending rowid)
-- about twice as fast as backwards, so the index's rowid is now minus the article's `seq`:
-- the newest article has the smallest rowid and "newest first" is FTS5's forward order.
--
-- The index is contentless (`content=''`): search never reads text back through FTS5
-- (ranking uses the index's own position lists and column sizes, snippets read the
-- articles), and a content table keyed by `seq` could not be looked up by `-seq`.
-- `contentless_delete=1` lets the triggers remove an article's entry by rowid alone.

DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update_old;
DROP TRIGGER IF EXISTS articles_fts_update_new;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, excerpt, body, facets,
    content='', contentless_delete=1,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Ascending rowid order is the order FTS5 appends to its doclists fastest.
INSERT INTO articles_fts(rowid, title, excerpt, body, facets)
SELECT -seq, title, excerpt, body, facets FROM articles_search ORDER BY seq DESC;

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body, facets)
    SELECT -seq, title, excerpt, body, facets FROM articles_search WHERE seq = new.seq;
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = -old.seq;
END;
CREATE TRIGGER articles_fts_update_old BEFORE UPDATE OF title, excerpt, body, provider_domain, topics, published_at ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = -old.seq;
END;
CREATE TRIGGER articles_fts_update_new AFTER UPDATE OF title, excerpt, body, provider_domain, topics, published_at ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body, facets)
    SELECT -seq, title, excerpt, body, facets FROM articles_search WHERE seq = new.seq;
END;
