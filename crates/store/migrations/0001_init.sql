-- Articles: one row per piece of coverage. `seq` is the arrival order (the order the clusterer saw).
CREATE TABLE articles (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    story_id        TEXT,
    duplicate_of    TEXT,
    category        TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    excerpt         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    html            TEXT,
    published_at    INTEGER,
    ingested_at     INTEGER NOT NULL,
    original_url    TEXT,
    web_url         TEXT,
    kind            TEXT    NOT NULL,
    quality         INTEGER,
    published       INTEGER NOT NULL DEFAULT 1,
    provider_name   TEXT    NOT NULL,
    provider_domain TEXT    NOT NULL,
    authors         TEXT    NOT NULL DEFAULT '[]',
    language        TEXT,
    topics          TEXT    NOT NULL DEFAULT '[]',
    images          TEXT    NOT NULL DEFAULT '[]',
    content_hash    TEXT    NOT NULL,
    secured         TEXT,
    extra           TEXT
);
CREATE INDEX articles_story ON articles(story_id, published_at);
CREATE INDEX articles_published_at ON articles(published_at);
CREATE INDEX articles_provider ON articles(provider_domain, published_at);
CREATE INDEX articles_web_url ON articles(web_url);
CREATE INDEX articles_content_hash ON articles(content_hash);

-- Stories: a cluster of coverage of one event. A merged story keeps its row and points at the survivor.
CREATE TABLE stories (
    id               TEXT    PRIMARY KEY,
    title            TEXT    NOT NULL,
    lead_article_id  TEXT    NOT NULL,
    heat             INTEGER NOT NULL DEFAULT -1,
    article_count    INTEGER NOT NULL DEFAULT 0,
    provider_count   INTEGER NOT NULL DEFAULT 0,
    first_published  INTEGER,
    last_published   INTEGER,
    topics           TEXT    NOT NULL DEFAULT '[]',
    published        INTEGER NOT NULL DEFAULT 1,
    pinned           INTEGER NOT NULL DEFAULT 0,
    merged_into      TEXT,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX stories_front ON stories(merged_into, published, pinned DESC, heat DESC, last_published DESC);
CREATE INDEX stories_last ON stories(last_published);

CREATE TABLE story_links (
    story_id          TEXT NOT NULL,
    related_story_id  TEXT NOT NULL,
    score             REAL NOT NULL,
    PRIMARY KEY (story_id, related_story_id)
);
CREATE INDEX story_links_back ON story_links(related_story_id);

-- Sources the fetcher polls. `state` is the fetcher's own serialized polling state.
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    url         TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    title       TEXT,
    group_name  TEXT,
    state       TEXT,
    next_poll   INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);
CREATE INDEX sources_due ON sources(enabled, next_poll);

CREATE TABLE blocked_providers (
    domain      TEXT PRIMARY KEY,
    blocked_at  INTEGER NOT NULL
);

-- Full-text search over articles (BM25 ranking), kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, excerpt, body,
    content='articles', content_rowid='seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body) VALUES (new.seq, new.title, new.excerpt, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body) VALUES ('delete', old.seq, old.title, old.excerpt, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, excerpt, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body) VALUES ('delete', old.seq, old.title, old.excerpt, old.body);
    INSERT INTO articles_fts(rowid, title, excerpt, body) VALUES (new.seq, new.title, new.excerpt, new.body);
END;
