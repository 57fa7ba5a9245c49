-- Articles known only from their feed's text (their page could not be fetched or held no
-- article); a later round that gets the page replaces them in place.
ALTER TABLE articles ADD COLUMN feed_only INTEGER NOT NULL DEFAULT 0;
-- What the last fetch round did with each source (JSON: items seen, ingested, failed …).
ALTER TABLE sources ADD COLUMN last_round TEXT;
