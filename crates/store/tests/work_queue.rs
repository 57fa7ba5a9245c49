//! The PostgreSQL work queue that worker processes share: claims under leases, per-host
//! spacing across workers, output written once, failures given up after a few attempts.

mod common;

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use storyline_store::{JobKind, MAX_ATTEMPTS, NewJob, PgStore};

fn page(url: &str, host: &str) -> NewJob {
    NewJob {
        kind: JobKind::Page,
        key: url.into(),
        host: host.into(),
        payload: format!("{{\"url\":\"{url}\"}}"),
        due_at: Utc::now() - Span::seconds(1),
    }
}

async fn queue() -> Option<PgStore> {
    common::postgres().await.and_then(|b| b.postgres)
}

const LEASE: Duration = Duration::from_secs(60);
const SPACING: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_host_is_claimed_once_per_spacing_whichever_worker_asks() {
    let Some(q) = queue().await else { return };
    let jobs = vec![
        page("https://a.example/1", "a.example"),
        page("https://a.example/2", "a.example"),
        page("https://b.example/1", "b.example"),
    ];
    assert_eq!(q.enqueue_jobs(&jobs).await.unwrap(), 3);
    // The same key again is not queued twice.
    assert_eq!(q.enqueue_jobs(&jobs[..1]).await.unwrap(), 0);
    let now = Utc::now();
    let first = q
        .claim_job("w1", now, LEASE, SPACING)
        .await
        .unwrap()
        .unwrap();
    let second = q
        .claim_job("w2", now, LEASE, SPACING)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first.host, second.host, "two hosts, one job each");
    // Both hosts are spaced now: nothing more until the spacing has passed.
    assert!(
        q.claim_job("w3", now, LEASE, SPACING)
            .await
            .unwrap()
            .is_none()
    );
    let later = now + Span::seconds(31);
    let third = q
        .claim_job("w3", later, LEASE, SPACING)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.host, "a.example");
    assert!(
        q.claim_job("w1", later, LEASE, SPACING)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn concurrent_claims_never_give_one_host_twice_within_its_spacing() {
    let Some(q) = queue().await else { return };
    let mut jobs = Vec::new();
    for host in 0..5 {
        for n in 0..20 {
            jobs.push(page(
                &format!("https://h{host}.example/{n}"),
                &format!("h{host}.example"),
            ));
        }
    }
    q.enqueue_jobs(&jobs).await.unwrap();
    let now = Utc::now();
    let mut tasks = Vec::new();
    for w in 0..12 {
        let q = q.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(job) = q
                .claim_job(&format!("w{w}"), now, LEASE, SPACING)
                .await
                .unwrap()
            {
                got.push(job.host);
            }
            got
        }));
    }
    let mut hosts = Vec::new();
    for t in tasks {
        hosts.extend(t.await.unwrap());
    }
    hosts.sort();
    assert_eq!(
        hosts,
        (0..5).map(|h| format!("h{h}.example")).collect::<Vec<_>>(),
        "at one instant, each host is claimed exactly once"
    );
}

#[tokio::test]
async fn a_lost_lease_returns_the_job_and_the_late_finisher_writes_nothing() {
    let Some(q) = queue().await else { return };
    q.enqueue_jobs(&[page("https://a.example/1", "a.example")])
        .await
        .unwrap();
    let now = Utc::now();
    let short = Duration::from_secs(1);
    let job = q
        .claim_job("dead", now, short, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.attempts, 1);
    // Its worker died: after the lease, another worker gets it.
    let retaken = q
        .claim_job("alive", now + Span::seconds(2), LEASE, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(retaken.id, job.id);
    assert_eq!(retaken.attempts, 2);
    let article = (Some("https://a.example/1".to_string()), "{}".to_string());
    // The first worker comes back late: nothing of its work is written.
    assert!(
        !q.finish_job(&job, "dead", std::slice::from_ref(&article), &[])
            .await
            .unwrap()
    );
    assert!(q.waiting_articles(0, 10).await.unwrap().is_empty());
    let follow = page("https://c.example/img.jpg", "c.example");
    assert!(
        q.finish_job(&retaken, "alive", &[article], &[follow])
            .await
            .unwrap()
    );
    let waiting = q.waiting_articles(0, 10).await.unwrap();
    assert_eq!(waiting.len(), 1);
    // A page whose article waits for the clusterer is not queued again.
    assert_eq!(
        q.enqueue_jobs(&[page("https://a.example/1", "a.example")])
            .await
            .unwrap(),
        0
    );
    let status = q.queue_status(Utc::now() - Span::minutes(1)).await.unwrap();
    assert_eq!(status.due, [0, 1, 0], "the follow-up is queued");
    assert_eq!(status.articles_waiting, 1);
    q.drop_waiting_articles(&[waiting[0].id]).await.unwrap();
    assert!(q.waiting_articles(0, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn failures_retry_later_and_are_given_up_after_the_last_attempt() {
    let Some(q) = queue().await else { return };
    q.enqueue_jobs(&[page("https://a.example/broken\0nul", "a.example")])
        .await
        .unwrap();
    let mut now = Utc::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let job = q
            .claim_job("w", now, LEASE, Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.attempts, attempt);
        assert!(!job.key.contains('\0'));
        q.fail_job(&job, "w", "503 from the server", Duration::from_secs(5))
            .await
            .unwrap();
        // Not before its retry time.
        assert!(
            q.claim_job("w", Utc::now(), LEASE, Duration::ZERO)
                .await
                .unwrap()
                .is_none()
        );
        now = Utc::now() + Span::seconds(6);
    }
    assert!(
        q.claim_job("w", now, LEASE, Duration::ZERO)
            .await
            .unwrap()
            .is_none()
    );
    let status = q.queue_status(Utc::now() - Span::minutes(1)).await.unwrap();
    assert_eq!(status.failed, 1);
    assert!(
        status.drained(),
        "a failed job is not work left: {status:?}"
    );
    let failed = q.failed_jobs(10).await.unwrap();
    assert_eq!(failed[0].2, "503 from the server");
}

#[tokio::test]
async fn status_names_the_workers_seen_and_the_clusterer() {
    let Some(q) = queue().await else { return };
    q.worker_seen("machine-a pid 1", false).await.unwrap();
    q.worker_seen("machine-b pid 2", true).await.unwrap();
    let status = q.queue_status(Utc::now() - Span::minutes(1)).await.unwrap();
    let names: Vec<_> = status.workers.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["machine-a pid 1", "machine-b pid 2"]);
    assert!(status.workers[1].clusterer);
    assert!(status.clusterer.is_none());
    let lock = storyline_store::Store::writer_lock(&q).await.unwrap();
    let status = q.queue_status(Utc::now() - Span::minutes(1)).await.unwrap();
    let holder = status.clusterer.expect("the writer lock is held");
    assert!(holder.contains("storyline"), "{holder}");
    // A second writer is refused while it is held, and gets it once it is let go.
    assert!(storyline_store::Store::writer_lock(&q).await.is_err());
    drop(lock);
    let mut taken = None;
    for _ in 0..50 {
        if let Ok(lock) = storyline_store::Store::writer_lock(&q).await {
            taken = Some(lock);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        taken.is_some(),
        "the lock is free again after its holder let go"
    );
}
