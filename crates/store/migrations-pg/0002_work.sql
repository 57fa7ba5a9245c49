-- Work shared by worker processes: fetch jobs claimed under leases, each host's next
-- allowed request start, extracted articles waiting for the clusterer, and the workers seen.

CREATE TABLE work_jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('poll', 'page', 'image')),
    -- What the job is about: a source id for a poll, a URL for a page or an image. One open
    -- job per kind and key.
    key         TEXT COLLATE "C" NOT NULL,
    host        TEXT COLLATE "C" NOT NULL,
    payload     TEXT COLLATE "C" NOT NULL,
    -- Milliseconds since the epoch.
    due_at      BIGINT NOT NULL,
    state       TEXT COLLATE "C" NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'leased', 'failed')),
    leased_by   TEXT COLLATE "C",
    lease_until BIGINT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT COLLATE "C",
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX work_jobs_key ON work_jobs(kind, key);
CREATE INDEX work_jobs_queued ON work_jobs(due_at, id) WHERE state = 'queued';
CREATE INDEX work_jobs_leased ON work_jobs(lease_until) WHERE state = 'leased';

-- When each host may next be asked (milliseconds since the epoch): a worker takes a host's
-- job only by moving this forward, under the row's lock, so the spacing holds across workers.
CREATE TABLE work_hosts (
    host       TEXT COLLATE "C" PRIMARY KEY,
    next_start BIGINT NOT NULL
);

-- Articles extracted by workers, waiting for the clusterer, in arrival order.
CREATE TABLE work_articles (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url        TEXT COLLATE "C",
    payload    TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX work_articles_url ON work_articles(url) WHERE url IS NOT NULL;

CREATE TABLE work_workers (
    name       TEXT COLLATE "C" PRIMARY KEY,
    started_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    jobs_done  BIGINT NOT NULL DEFAULT 0,
    articles   BIGINT NOT NULL DEFAULT 0,
    clusterer  BIGINT NOT NULL DEFAULT 0
);
