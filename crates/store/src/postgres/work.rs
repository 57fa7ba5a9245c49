//! Work shared by worker processes over one PostgreSQL store (`migrations-pg/0002_work.sql`).
//!
//! - **Jobs** (a feed poll, a page fetch, an image) are rows. A worker claims one in a
//!   transaction that locks the row of the job's host (`FOR UPDATE SKIP LOCKED`: workers never
//!   wait on each other's claims) and moves the host's next allowed start forward by the
//!   claimer's spacing, so one host is asked at most once per spacing across every worker.
//!   The claim is a lease: a job whose lease ran out (its worker died) is claimed again.
//! - **Finishing** a job deletes it and writes what it produced (extracted articles for the
//!   clusterer, follow-up jobs) in one transaction, and only while the lease is still the
//!   finisher's: work whose lease was lost is thrown away, so each job's output is written
//!   once.
//! - **Articles** wait in arrival order until the clusterer (the worker holding the store's
//!   writer lock) commits them and drops them. Committing an article that is already stored
//!   (the clusterer died between the two) finds it stored, so each is stored once.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::PgStore;
use crate::error::{QueryContext, StoreResult};

/// A fetch job's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Poll a source (key: the source's id).
    Poll,
    /// Fetch and extract an item's page (key: the page URL).
    Page,
    /// Cache an article's lead image (key: the image URL).
    Image,
}

impl JobKind {
    /// The kind's name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Poll => "poll",
            Self::Page => "page",
            Self::Image => "image",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "poll" => Some(Self::Poll),
            "page" => Some(Self::Page),
            "image" => Some(Self::Image),
            _ => None,
        }
    }
}

/// A job to queue.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: JobKind,
    pub key: String,
    pub host: String,
    /// What the worker needs (JSON of the pipeline's choosing).
    pub payload: String,
    pub due_at: DateTime<Utc>,
}

/// A claimed job.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub key: String,
    pub host: String,
    pub payload: String,
    /// Claims so far, this one included.
    pub attempts: u32,
}

/// An extracted article waiting for the clusterer.
#[derive(Clone, Debug)]
pub struct WaitingArticle {
    pub id: i64,
    pub payload: String,
}

/// A worker as last seen.
#[derive(Clone, Debug)]
pub struct WorkerSeen {
    pub name: String,
    pub started_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    pub jobs_done: u64,
    pub articles: u64,
    pub clusterer: bool,
}

/// The queue at a glance (`storyline status`).
#[derive(Clone, Debug, Default)]
pub struct QueueStatus {
    /// Queued jobs due now, by kind (poll, page, image).
    pub due: [u64; 3],
    /// Queued jobs due later.
    pub later: u64,
    /// Jobs leased to a worker (of which `expired` ran out of time).
    pub leased: u64,
    pub expired: u64,
    /// Jobs given up after too many attempts.
    pub failed: u64,
    /// Extracted articles waiting for the clusterer.
    pub articles_waiting: u64,
    /// Workers seen in the last minute.
    pub workers: Vec<WorkerSeen>,
    /// Who holds the clusterer (writer) lock.
    pub clusterer: Option<String>,
}

impl QueueStatus {
    /// Nothing queued, leased or waiting for the clusterer (failed jobs aside).
    pub fn drained(&self) -> bool {
        self.due.iter().sum::<u64>() + self.later + self.leased + self.articles_waiting == 0
    }
}

/// A job claimed this many times without finishing is given up.
pub const MAX_ATTEMPTS: u32 = 5;

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn clean(value: &str) -> String {
    super::text(value).into_owned()
}

impl PgStore {
    /// Queues jobs; a job whose kind and key are already queued or leased is left out, and so
    /// is a page whose article already waits for the clusterer. Returns how many were queued.
    pub async fn enqueue_jobs(&self, jobs: &[NewJob]) -> StoreResult<u64> {
        if jobs.is_empty() {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await.ctx("enqueue: begin")?;
        let queued = enqueue_in(&mut tx, jobs).await?;
        tx.commit().await.ctx("enqueue: commit")?;
        Ok(queued)
    }

    /// Claims the next job whose host may be asked now, leasing it to `worker` for `lease`,
    /// and moves the host's next start `spacing` ahead. `None` when no host has a job due.
    pub async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        spacing: std::time::Duration,
    ) -> StoreResult<Option<Job>> {
        let now_ms = millis(now);
        let mut tx = self.pool.begin().await.ctx("claim: begin")?;
        // Jobs of workers that vanished go back to the queue (or are given up).
        sqlx::query(
            "UPDATE work_jobs SET state = CASE WHEN attempts >= $2 THEN 'failed' ELSE 'queued' END, \
             leased_by = NULL, lease_until = NULL, \
             last_error = coalesce(last_error, 'lease ran out (worker gone?)') \
             WHERE state = 'leased' AND lease_until < $1",
        )
        .bind(now_ms)
        .bind(i64::from(MAX_ATTEMPTS))
        .execute(&mut *tx)
        .await
        .ctx("claim: release expired leases")?;
        let host: Option<String> = sqlx::query_scalar(
            "SELECT h.host FROM work_hosts h \
             WHERE h.next_start <= $1 AND EXISTS ( \
                 SELECT 1 FROM work_jobs j \
                 WHERE j.host = h.host AND j.state = 'queued' AND j.due_at <= $1) \
             ORDER BY h.next_start, h.host LIMIT 1 FOR UPDATE OF h SKIP LOCKED",
        )
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await
        .ctx("claim: a host that may be asked")?;
        let Some(host) = host else {
            return Ok(None);
        };
        let row = sqlx::query(
            "UPDATE work_jobs SET state = 'leased', leased_by = $3, lease_until = $4, \
             attempts = attempts + 1 \
             WHERE id = (SELECT id FROM work_jobs \
                         WHERE host = $1 AND state = 'queued' AND due_at <= $2 \
                         ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id, kind, key, host, payload, attempts",
        )
        .bind(&host)
        .bind(now_ms)
        .bind(clean(worker))
        .bind(now_ms + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 4))
        .fetch_optional(&mut *tx)
        .await
        .ctx("claim: lease a job")?;
        let Some(row) = row else {
            return Ok(None);
        };
        sqlx::query("UPDATE work_hosts SET next_start = $2 WHERE host = $1")
            .bind(&host)
            .bind(now_ms + i64::try_from(spacing.as_millis()).unwrap_or(i64::MAX / 4))
            .execute(&mut *tx)
            .await
            .ctx("claim: move the host's next start")?;
        tx.commit().await.ctx("claim: commit")?;
        let kind: String = row.try_get("kind").ctx("claim: kind")?;
        let attempts: i64 = row.try_get("attempts").ctx("claim: attempts")?;
        Ok(Some(Job {
            id: row.try_get("id").ctx("claim: id")?,
            kind: JobKind::parse(&kind).unwrap_or(JobKind::Page),
            key: row.try_get("key").ctx("claim: key")?,
            host: row.try_get("host").ctx("claim: host")?,
            payload: row.try_get("payload").ctx("claim: payload")?,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        }))
    }

    /// Finishes a job: deletes it and, in the same transaction, hands `articles` (URL and
    /// payload) to the clusterer and queues `follow_up`. Nothing is written and `false` is
    /// returned when the job is no longer leased to `worker` (its lease ran out and another
    /// worker has it).
    pub async fn finish_job(
        &self,
        job: &Job,
        worker: &str,
        articles: &[(Option<String>, String)],
        follow_up: &[NewJob],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.ctx("finish: begin")?;
        let mine = sqlx::query(
            "DELETE FROM work_jobs WHERE id = $1 AND state = 'leased' AND leased_by = $2",
        )
        .bind(job.id)
        .bind(clean(worker))
        .execute(&mut *tx)
        .await
        .ctx("finish: delete the job")?;
        if mine.rows_affected() == 0 {
            return Ok(false);
        }
        if !articles.is_empty() {
            let now = millis(Utc::now());
            let urls: Vec<Option<String>> = articles
                .iter()
                .map(|(u, _)| u.as_deref().map(clean))
                .collect();
            let payloads: Vec<String> = articles.iter().map(|(_, p)| clean(p)).collect();
            sqlx::query(
                "INSERT INTO work_articles (url, payload, created_at) \
                 SELECT u, p, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(u, p, n) \
                 ORDER BY n",
            )
            .bind(&urls)
            .bind(&payloads)
            .bind(now)
            .execute(&mut *tx)
            .await
            .ctx("finish: hand articles to the clusterer")?;
        }
        enqueue_in(&mut tx, follow_up).await?;
        sqlx::query("UPDATE work_workers SET jobs_done = jobs_done + 1, articles = articles + $2 WHERE name = $1")
            .bind(clean(worker))
            .bind(i64::try_from(articles.len()).unwrap_or(0))
            .execute(&mut *tx)
            .await
            .ctx("finish: count")?;
        tx.commit().await.ctx("finish: commit")?;
        Ok(true)
    }

    /// Keeps `host` from being asked before `not_before` (a `Crawl-delay` longer than the
    /// spacing the claim used, learnt while the job ran).
    pub async fn space_host(&self, host: &str, not_before: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE work_hosts SET next_start = GREATEST(next_start, $2) WHERE host = $1")
            .bind(clean(host))
            .bind(millis(not_before))
            .execute(&self.pool)
            .await
            .ctx("space a host")?;
        Ok(())
    }

    /// Gives a job back after a failure: queued again after `retry_in`, or given up (kept as
    /// failed, with the error) after [`MAX_ATTEMPTS`] claims.
    pub async fn fail_job(
        &self,
        job: &Job,
        worker: &str,
        error: &str,
        retry_in: std::time::Duration,
    ) -> StoreResult<()> {
        let due = millis(Utc::now()) + i64::try_from(retry_in.as_millis()).unwrap_or(0);
        sqlx::query(
            "UPDATE work_jobs SET state = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'queued' END, \
             leased_by = NULL, lease_until = NULL, last_error = $3, due_at = $5 \
             WHERE id = $1 AND state = 'leased' AND leased_by = $2",
        )
        .bind(job.id)
        .bind(clean(worker))
        .bind(clean(error))
        .bind(i64::from(MAX_ATTEMPTS))
        .bind(due)
        .execute(&self.pool)
        .await
        .ctx("fail a job")?;
        Ok(())
    }

    /// Articles waiting for the clusterer after `after_id`, oldest first, at most `limit`.
    pub async fn waiting_articles(
        &self,
        after_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<WaitingArticle>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, payload FROM work_articles WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .ctx("waiting articles")?;
        Ok(rows
            .into_iter()
            .map(|(id, payload)| WaitingArticle { id, payload })
            .collect())
    }

    /// Drops articles the clusterer has committed.
    pub async fn drop_waiting_articles(&self, ids: &[i64]) -> StoreResult<()> {
        sqlx::query("DELETE FROM work_articles WHERE id = ANY($1)")
            .bind(ids)
            .execute(&self.pool)
            .await
            .ctx("drop waiting articles")?;
        Ok(())
    }

    /// Records that `worker` is alive (and whether it is the clusterer now).
    pub async fn worker_seen(&self, worker: &str, clusterer: bool) -> StoreResult<()> {
        let now = millis(Utc::now());
        sqlx::query(
            "INSERT INTO work_workers (name, started_at, seen_at, clusterer) VALUES ($1, $2, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET seen_at = EXCLUDED.seen_at, clusterer = EXCLUDED.clusterer",
        )
        .bind(clean(worker))
        .bind(now)
        .bind(i64::from(clusterer))
        .execute(&self.pool)
        .await
        .ctx("worker seen")?;
        Ok(())
    }

    /// The queue, the workers seen since `seen_since` and the clusterer lock's holder.
    pub async fn queue_status(&self, seen_since: DateTime<Utc>) -> StoreResult<QueueStatus> {
        let now = millis(Utc::now());
        let mut status = QueueStatus::default();
        let rows: Vec<(String, String, bool, bool, i64)> = sqlx::query_as(
            "SELECT kind, state, due_at <= $1, coalesce(lease_until < $1, false), count(*) \
             FROM work_jobs GROUP BY 1, 2, 3, 4",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .ctx("queue status")?;
        for (kind, state, due, expired, n) in rows {
            let n = u64::try_from(n).unwrap_or(0);
            match state.as_str() {
                "queued" if due => {
                    let slot = match JobKind::parse(&kind) {
                        Some(JobKind::Poll) => 0,
                        Some(JobKind::Page) => 1,
                        _ => 2,
                    };
                    status.due[slot] += n;
                }
                "queued" => status.later += n,
                "leased" => {
                    status.leased += n;
                    if expired {
                        status.expired += n;
                    }
                }
                _ => status.failed += n,
            }
        }
        let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM work_articles")
            .fetch_one(&self.pool)
            .await
            .ctx("queue status: articles")?;
        status.articles_waiting = u64::try_from(waiting).unwrap_or(0);
        let workers = sqlx::query(
            "SELECT name, started_at, seen_at, jobs_done, articles, clusterer FROM work_workers \
             WHERE seen_at >= $1 ORDER BY name",
        )
        .bind(millis(seen_since))
        .fetch_all(&self.pool)
        .await
        .ctx("queue status: workers")?;
        for row in workers {
            let get = |e: sqlx::Error| crate::error::StoreError::Query {
                context: "queue status: worker row",
                source: e,
            };
            status.workers.push(WorkerSeen {
                name: row.try_get("name").map_err(get)?,
                started_at: from_millis(row.try_get("started_at").map_err(get)?),
                seen_at: from_millis(row.try_get("seen_at").map_err(get)?),
                jobs_done: u64::try_from(row.try_get::<i64, _>("jobs_done").map_err(get)?)
                    .unwrap_or(0),
                articles: u64::try_from(row.try_get::<i64, _>("articles").map_err(get)?)
                    .unwrap_or(0),
                clusterer: row.try_get::<i64, _>("clusterer").map_err(get)? != 0,
            });
        }
        status.clusterer = super::writer_lock::holder(&self.pool).await?;
        Ok(status)
    }

    /// Failed jobs, newest first: kind, key and the last error.
    pub async fn failed_jobs(&self, limit: u32) -> StoreResult<Vec<(String, String, String)>> {
        sqlx::query_as(
            "SELECT kind, key, coalesce(last_error, '') FROM work_jobs WHERE state = 'failed' \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .ctx("failed jobs")
    }
}

async fn enqueue_in(tx: &mut sqlx::PgConnection, jobs: &[NewJob]) -> StoreResult<u64> {
    if jobs.is_empty() {
        return Ok(0);
    }
    let now = millis(Utc::now());
    let kinds: Vec<&str> = jobs.iter().map(|j| j.kind.as_str()).collect();
    let keys: Vec<String> = jobs.iter().map(|j| clean(&j.key)).collect();
    let hosts: Vec<String> = jobs.iter().map(|j| clean(&j.host)).collect();
    let payloads: Vec<String> = jobs.iter().map(|j| clean(&j.payload)).collect();
    let due: Vec<i64> = jobs.iter().map(|j| millis(j.due_at)).collect();
    sqlx::query(
        "INSERT INTO work_hosts (host, next_start) SELECT DISTINCT h, 0 FROM unnest($1::text[]) h \
         ON CONFLICT (host) DO NOTHING",
    )
    .bind(&hosts)
    .execute(&mut *tx)
    .await
    .ctx("enqueue: hosts")?;
    let done = sqlx::query(
        "INSERT INTO work_jobs (kind, key, host, payload, due_at, created_at) \
         SELECT k, key, h, p, d, $6 \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) \
              WITH ORDINALITY AS t(k, key, h, p, d, n) \
         WHERE NOT (k = 'page' AND EXISTS (SELECT 1 FROM work_articles a WHERE a.url = key)) \
         ORDER BY n \
         ON CONFLICT (kind, key) DO NOTHING",
    )
    .bind(&kinds)
    .bind(&keys)
    .bind(&hosts)
    .bind(&payloads)
    .bind(&due)
    .bind(now)
    .execute(&mut *tx)
    .await
    .ctx("enqueue: jobs")?;
    Ok(done.rows_affected())
}
