-- Accounts besides the configured admin: readers and admins, each with a login password and
-- an app password for the reading APIs (argon2 PHC strings). `api_token` is the token a
-- Google Reader login hands out (random, replaced with the app password); `fever_key` is the
-- md5 hex of `name:app password` that Fever clients send, looked up as it comes.
CREATE TABLE users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL UNIQUE,
    role              TEXT    NOT NULL CHECK (role IN ('admin', 'reader')),
    password_hash     TEXT    NOT NULL,
    app_password_hash TEXT,
    api_token         TEXT,
    fever_key         TEXT    UNIQUE,
    created_at        INTEGER NOT NULL
);

-- The source an article came through (its feed, when the feed is a followed source): what
-- the reading APIs call its subscription. Written with the article.
CREATE TABLE article_sources (
    article_seq INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE
);
CREATE INDEX article_sources_source ON article_sources(source_id, article_seq);

-- Each user's marks on articles; no row means unread and not starred.
CREATE TABLE article_marks (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_seq INTEGER NOT NULL REFERENCES articles(seq) ON DELETE CASCADE,
    read        INTEGER NOT NULL DEFAULT 0,
    starred     INTEGER NOT NULL DEFAULT 0,
    starred_at  INTEGER,
    PRIMARY KEY (user_id, article_seq)
) WITHOUT ROWID;
CREATE INDEX article_marks_starred ON article_marks(user_id, starred, article_seq);

-- A read mark reaches an article's syndicated copies (and a copy's, its original).
CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
