-- Addresses a source was followed at before its feed moved permanently (301/308). The
-- source follows its feed to the new address; the old one stays known, so adding it again
-- does not follow the same feed twice.
CREATE TABLE source_aliases (
    url       TEXT    PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    moved_at  INTEGER NOT NULL
);
CREATE INDEX source_aliases_source ON source_aliases(source_id);
