-- The people, organisations and places each article names (from its text, when it is
-- stored), with how often. `slug` is the entity's key in addresses (`moonshot-ai`); the
-- index by slug finds the stories naming an entity without reading other articles.
CREATE TABLE article_entities (
    article_seq INTEGER NOT NULL REFERENCES articles(seq) ON DELETE CASCADE,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('organization', 'person', 'place')),
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (article_seq, slug)
) WITHOUT ROWID;
CREATE INDEX article_entities_slug ON article_entities(slug, article_seq);
