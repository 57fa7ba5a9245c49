-- Full-text search moved out of the database into a search index (tantivy) kept in the data
-- folder and fed from the `search_changes` log (migration 0013). The FTS5 table, the view it
-- read and the triggers that kept it go; so does the index's share of every write.

DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
DROP TRIGGER IF EXISTS articles_fts_update_old;
DROP TRIGGER IF EXISTS articles_fts_update_new;
DROP TABLE IF EXISTS articles_fts;
DROP VIEW IF EXISTS articles_search;
