//! `storyline_rank(articles_fts, idf, ...)`: an FTS5 auxiliary function that scores the row
//! FTS5 is on with BM25, from the index's own position lists and column sizes.
//!
//! No candidate's text is read back or tokenized again: FTS5 already holds, for the row it is
//! on, where each phrase occurs (its position lists) and how many tokens each column has
//! (`docsize`), so the score costs no text at all.
//!
//! FTS5's own `bm25()` would do the same per row, but first counts for every phrase all the
//! documents of the whole index that contain it; here the caller passes one IDF per included
//! phrase (estimated once and cached), in the order the phrases appear in the MATCH
//! expression. Phrases after those (exclusions, filter terms) are not scored.
//!
//! BM25 also needs each row's length, which FTS5 keeps in its `docsize` table: one B-tree
//! lookup per ranked row, a quarter of a search's cost. The store never rewrites an
//! article's text (commits insert with `ON CONFLICT DO NOTHING`) and `seq` is never reused,
//! so the lengths are kept in a [`LengthCache`] shared by the store's connections and read
//! from `docsize` once. A text edited by hand (the triggers re-index it) is ranked with its
//! old length until the cache is next emptied, at most `LENGTH_TTL` later.
//!
//! This is the one place the store talks to SQLite's C API: the function is registered on
//! every new connection through the pointer FTS5 hands out to `SELECT fts5(?1)`.

use std::ffi::{CStr, c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libsqlite3_sys as ffi;

use super::rank::{TEXT_COLUMNS, bm25_term};

/// The SQL name of the function.
pub(crate) const NAME: &str = "storyline_rank";
const NAME_C: &CStr = c"storyline_rank";

/// Slots of a [`LengthCache`]: the lengths of the newest million articles fit without two
/// sharing a slot (8 MB, allocated on the first search).
const LENGTH_SLOTS: usize = 1 << 20;
/// Bits of a slot that hold the length; the rest hold the article's `seq`.
const LENGTH_BITS: u32 = 24;
const LENGTH_MAX: u64 = (1 << LENGTH_BITS) - 1;

/// How long a cached length is trusted (see the module docs on edited texts).
const LENGTH_TTL: Duration = Duration::from_secs(600);

/// Token counts of indexed articles (title, excerpt and body together), by `seq`.
///
/// Direct-mapped: slot `seq mod LENGTH_SLOTS` holds `seq` and the length in one word, so a
/// lookup is one atomic load and a slot taken over by another article is simply a miss.
#[derive(Default)]
pub(crate) struct LengthCache {
    slots: OnceLock<Box<[AtomicU64]>>,
    emptied: Mutex<Option<Instant>>,
}

impl LengthCache {
    /// Empties the cache when `LENGTH_TTL` has passed since it was last emptied; called
    /// before each search.
    pub(crate) fn expire(&self) {
        self.expire_at(Instant::now());
    }

    fn expire_at(&self, now: Instant) {
        let Ok(mut emptied) = self.emptied.lock() else {
            return;
        };
        match *emptied {
            Some(at) if now.saturating_duration_since(at) < LENGTH_TTL => {}
            Some(_) => {
                self.clear();
                *emptied = Some(now);
            }
            None => *emptied = Some(now),
        }
    }

    fn clear(&self) {
        if let Some(slots) = self.slots.get() {
            for slot in slots.iter() {
                slot.store(0, Ordering::Relaxed);
            }
        }
    }

    fn slots(&self) -> &[AtomicU64] {
        self.slots
            .get_or_init(|| (0..LENGTH_SLOTS).map(|_| AtomicU64::new(0)).collect())
    }

    fn get(&self, seq: u64) -> Option<u64> {
        let word = self.slots()[seq as usize % LENGTH_SLOTS].load(Ordering::Relaxed);
        (word != 0 && word >> LENGTH_BITS == seq).then_some(word & LENGTH_MAX)
    }

    fn put(&self, seq: u64, tokens: u64) {
        // A `seq` too large to pack is not cached (40 bits: a trillion articles).
        if seq >> (64 - LENGTH_BITS) == 0 {
            self.slots()[seq as usize % LENGTH_SLOTS].store(
                seq << LENGTH_BITS | tokens.min(LENGTH_MAX),
                Ordering::Relaxed,
            );
        }
    }
}

unsafe extern "C" fn free_lengths(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: `p` came from `Arc::into_raw` in `register`, and SQLite calls this once,
        // when the function is dropped with its connection.
        drop(unsafe { Arc::from_raw(p.cast::<LengthCache>()) });
    }
}

/// Registers `storyline_rank` on one connection, reading row lengths through `lengths`.
///
/// # Safety
/// `db` must be an open connection handle, used by no other thread during the call.
pub(crate) unsafe fn register(
    db: *mut ffi::sqlite3,
    lengths: Arc<LengthCache>,
) -> Result<(), String> {
    // SAFETY: the caller hands over an open handle used by this thread alone; the statement
    // is finalized before returning and `api` outlives the step that writes it.
    unsafe {
        let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let rc = ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        );
        if rc != ffi::SQLITE_OK {
            return Err(format!("FTS5 is not available (code {rc})"));
        }
        let mut api: *mut ffi::fts5_api = ptr::null_mut();
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        let rc = ffi::sqlite3_finalize(stmt);
        if rc != ffi::SQLITE_OK || api.is_null() {
            return Err(format!("FTS5 did not hand out its API (code {rc})"));
        }
        let Some(create) = (*api).xCreateFunction else {
            return Err("FTS5's API has no xCreateFunction".into());
        };
        // The connection holds one reference to the cache, dropped with the function.
        let user_data = Arc::into_raw(lengths).cast_mut().cast::<c_void>();
        let rc = create(
            api,
            NAME_C.as_ptr(),
            user_data,
            Some(storyline_rank),
            Some(free_lengths),
        );
        if rc != ffi::SQLITE_OK {
            // FTS5 keeps nothing on failure and does not call the destructor.
            free_lengths(user_data);
            return Err(format!("registering {NAME} failed (code {rc})"));
        }
    }
    Ok(())
}

/// The archive's mean length in tokens of the text columns together, kept for the
/// statement's lifetime (FTS5's per-query auxiliary data).
struct Averages {
    mean_tokens: f64,
}

unsafe extern "C" fn free_averages(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: `p` came from `Box::into_raw` in `averages` and FTS5 frees it once.
        drop(unsafe { Box::from_raw(p.cast::<Averages>()) });
    }
}

unsafe extern "C" fn storyline_rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls with its API table, the context of the current row, and `n_args`
    // valid argument values.
    unsafe {
        let args: &[*mut ffi::sqlite3_value] = if n_args > 0 && !args.is_null() {
            std::slice::from_raw_parts(args, n_args as usize)
        } else {
            &[]
        };
        match score(&*api, fts, args) {
            Ok(value) => ffi::sqlite3_result_double(ctx, value),
            Err(rc) => ffi::sqlite3_result_error_code(ctx, rc),
        }
    }
}

/// The row's BM25 score over the phrases the arguments give an IDF for.
///
/// # Safety
/// As `storyline_rank`'s arguments.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    idfs: &[*mut ffi::sqlite3_value],
) -> Result<f64, c_int> {
    let (Some(phrase_count), Some(first), Some(next)) =
        (api.xPhraseCount, api.xPhraseFirst, api.xPhraseNext)
    else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: every call passes FTS5's own context and pointers to live locals.
    unsafe {
        let mean_tokens = averages(api, fts)?;
        let tokens = row_tokens(api, fts)?;
        let phrases = phrase_count(fts).max(0) as usize;
        let mut total = 0.0;
        for (phrase, &idf) in idfs.iter().enumerate().take(phrases) {
            let mut iter = ffi::Fts5PhraseIter {
                a: ptr::null(),
                b: ptr::null(),
            };
            let (mut col, mut offset): (c_int, c_int) = (0, 0);
            check(first(
                fts,
                phrase as c_int,
                &mut iter,
                &mut col,
                &mut offset,
            ))?;
            let mut hits = [0u32; TEXT_COLUMNS];
            while col >= 0 {
                if let Some(h) = hits.get_mut(col as usize) {
                    *h += 1;
                }
                next(fts, &mut iter, &mut col, &mut offset);
            }
            let idf = ffi::sqlite3_value_double(idf);
            total += bm25_term(&hits, tokens, mean_tokens, idf);
        }
        Ok(total)
    }
}

/// The current row's length in tokens: from the connection's [`LengthCache`], else from
/// FTS5's `docsize` (then kept).
///
/// # Safety
/// `fts` is the context FTS5 passed to the function, registered by [`register`].
unsafe fn row_tokens(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
) -> Result<f64, c_int> {
    let (Some(user_data), Some(rowid), Some(column_size)) =
        (api.xUserData, api.xRowid, api.xColumnSize)
    else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: the user data is the `LengthCache` that `register` handed over, alive while
    // the function is registered; the other calls pass FTS5's context and live locals.
    unsafe {
        let lengths = user_data(fts).cast::<LengthCache>().as_ref();
        // The index's rowid is minus the article's `seq` (migration 0005).
        let seq = rowid(fts).checked_neg().and_then(|s| u64::try_from(s).ok());
        if let (Some(lengths), Some(seq)) = (lengths, seq)
            && let Some(tokens) = lengths.get(seq)
        {
            return Ok(tokens as f64);
        }
        let mut tokens = 0u64;
        for col in 0..TEXT_COLUMNS as c_int {
            let mut n: c_int = 0;
            check(column_size(fts, col, &mut n))?;
            tokens += u64::try_from(n).unwrap_or(0);
        }
        if let (Some(lengths), Some(seq)) = (lengths, seq) {
            lengths.put(seq, tokens);
        }
        Ok(tokens as f64)
    }
}

/// The mean text length, computed on the statement's first row and then reused.
///
/// # Safety
/// `fts` is the context FTS5 passed to the function.
unsafe fn averages(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context) -> Result<f64, c_int> {
    let (Some(get), Some(set), Some(rows), Some(total_size)) = (
        api.xGetAuxdata,
        api.xSetAuxdata,
        api.xRowCount,
        api.xColumnTotalSize,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: the auxiliary data is only ever an `Averages` set below.
    unsafe {
        let kept = get(fts, 0).cast::<Averages>();
        if let Some(kept) = kept.as_ref() {
            return Ok(kept.mean_tokens);
        }
        let mut count: ffi::sqlite3_int64 = 0;
        check(rows(fts, &mut count))?;
        let mut tokens: ffi::sqlite3_int64 = 0;
        for col in 0..TEXT_COLUMNS as c_int {
            let mut n: ffi::sqlite3_int64 = 0;
            check(total_size(fts, col, &mut n))?;
            tokens += n;
        }
        let mean_tokens = (tokens as f64 / count.max(1) as f64).max(1.0);
        let boxed = Box::into_raw(Box::new(Averages { mean_tokens }));
        let rc = set(fts, boxed.cast::<c_void>(), Some(free_averages));
        // On failure FTS5 has already called the destructor.
        check(rc)?;
        Ok(mean_tokens)
    }
}

fn check(rc: c_int) -> Result<(), c_int> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_kept_by_seq_and_a_shared_slot_is_a_miss() {
        let cache = LengthCache::default();
        assert_eq!(cache.get(7), None);
        cache.put(7, 420);
        assert_eq!(cache.get(7), Some(420));
        // An article sharing the slot takes it over; the first is then a miss, never the
        // other's length.
        let other = 7 + LENGTH_SLOTS as u64;
        cache.put(other, 9);
        assert_eq!(cache.get(other), Some(9));
        assert_eq!(cache.get(7), None);
        // Lengths beyond the packed width are capped; a seq too large is not kept.
        cache.put(8, u64::MAX);
        assert_eq!(cache.get(8), Some(LENGTH_MAX));
        let huge = 1u64 << 50;
        cache.put(huge, 5);
        assert_eq!(cache.get(huge), None);
        assert_eq!(cache.get(huge % LENGTH_SLOTS as u64), None);
    }

    #[test]
    fn the_cache_empties_only_after_its_time() {
        let cache = LengthCache::default();
        let start = Instant::now();
        cache.put(3, 30);
        cache.expire_at(start);
        assert_eq!(
            cache.get(3),
            Some(30),
            "the first call only starts the clock"
        );
        cache.expire_at(start + LENGTH_TTL / 2);
        assert_eq!(cache.get(3), Some(30));
        cache.expire_at(start + LENGTH_TTL);
        assert_eq!(cache.get(3), None);
        // The clock restarts: a length kept now lasts another `LENGTH_TTL`.
        cache.put(3, 31);
        cache.expire_at(start + LENGTH_TTL * 3 / 2);
        assert_eq!(cache.get(3), Some(31));
    }
}
