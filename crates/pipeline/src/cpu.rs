//! A pool of threads for CPU work (decoding and extracting pages, reading files), sized to
//! the machine's cores and kept off the async runtime's threads, so fetching and committing
//! go on while pages are extracted.
//!
//! [`CpuPool::run`] queues a closure and resolves with its result. At most as many closures
//! wait as the pool has threads times two; callers beyond that wait for room, so a fast
//! fetcher is slowed down by a busy pool instead of piling pages up in memory.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use tokio::sync::{Semaphore, oneshot};

use crate::{PipelineError, Result};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads fed by a bounded queue.
pub struct CpuPool {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    room: Arc<Semaphore>,
    threads: usize,
    handles: Mutex<Vec<thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for CpuPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpuPool")
            .field("threads", &self.threads)
            .finish()
    }
}

impl CpuPool {
    /// A pool of `threads` workers (at least one).
    pub fn new(threads: usize) -> Self {
        let threads = threads.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let handles = (0..threads)
            .filter_map(|n| {
                let receiver = Arc::clone(&receiver);
                thread::Builder::new()
                    .name(format!("storyline-cpu-{n}"))
                    .spawn(move || {
                        lower_priority();
                        loop {
                            let job = {
                                let guard = receiver.lock().unwrap_or_else(|p| p.into_inner());
                                guard.recv()
                            };
                            match job {
                                Ok(job) => job(),
                                Err(_) => break,
                            }
                        }
                    })
                    .ok()
            })
            .collect::<Vec<_>>();
        let threads = handles.len().max(1);
        Self {
            jobs: Mutex::new(Some(sender)),
            room: Arc::new(Semaphore::new(threads * 2)),
            threads,
            handles: Mutex::new(handles),
        }
    }

    /// A pool with one thread per core this process may use.
    pub fn for_machine() -> Self {
        Self::new(cores())
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `work` on the pool and resolves with its result. A panic in `work` becomes an
    /// error for this call only; the pool goes on.
    pub async fn run<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.room)
            .acquire_owned()
            .await
            .map_err(|_| PipelineError::Stage("the CPU pool is closed".into()))?;
        let (tell, told) = oneshot::channel();
        let job: Job = Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(work));
            drop(permit);
            let _ = tell.send(result);
        });
        {
            let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
            let sender = jobs
                .as_ref()
                .ok_or_else(|| PipelineError::Stage("the CPU pool is closed".into()))?;
            sender
                .send(job)
                .map_err(|_| PipelineError::Stage("the CPU pool's threads are gone".into()))?;
        }
        match told.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => Err(PipelineError::Stage(format!(
                "a CPU task panicked: {}",
                panic_message(panic.as_ref())
            ))),
            Err(_) => Err(PipelineError::Stage("a CPU task was dropped".into())),
        }
    }
}

impl Drop for CpuPool {
    fn drop(&mut self) {
        // Closing the queue ends every worker once it finishes its job.
        drop(self.jobs.lock().unwrap_or_else(|p| p.into_inner()).take());
        let handles = std::mem::take(&mut *self.handles.lock().unwrap_or_else(|p| p.into_inner()));
        for handle in handles {
            let _ = handle.join();
        }
    }
}

/// Runs this thread a few steps below normal priority (Linux keeps a nice value per
/// thread). The pool's work can always wait; the writer, which the whole pipeline waits
/// on, then never queues for a core behind extraction.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority with `who` 0 changes only the calling thread's nice value and
    // touches no memory of ours.
    unsafe {
        let _ = libc::setpriority(libc::PRIO_PROCESS, 0, POOL_NICE);
    }
}

/// How much lower the pool's threads run than the rest of the process.
#[cfg(target_os = "linux")]
const POOL_NICE: libc::c_int = 5;

/// The cores this process may use (at least one).
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn work_runs_on_the_pool_threads_and_never_more_at_once() {
        let pool = Arc::new(CpuPool::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for n in 0..16usize {
            let pool = Arc::clone(&pool);
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            tasks.push(tokio::spawn(async move {
                pool.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                    let name = std::thread::current().name().map(str::to_string);
                    (n * 2, name)
                })
                .await
            }));
        }
        for (n, task) in tasks.into_iter().enumerate() {
            let (value, name) = task.await.expect("task").expect("pool result");
            assert_eq!(value, n * 2);
            assert!(name.is_some_and(|n| n.starts_with("storyline-cpu-")));
        }
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert!(most.load(Ordering::SeqCst) >= 1);
    }

    #[tokio::test]
    async fn a_panic_fails_one_call_and_the_pool_goes_on() {
        let pool = CpuPool::new(1);
        let failed = pool.run(|| -> usize { panic!("bad page") }).await;
        let message = failed.expect_err("the panic is an error").to_string();
        assert!(message.contains("bad page"), "{message}");
        assert_eq!(pool.run(|| 7).await.expect("next call works"), 7);
    }
}
