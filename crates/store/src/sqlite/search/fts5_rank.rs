//! `storyline_rank(articles_fts, idf, ...)`: an FTS5 auxiliary function that scores the row
//! FTS5 is on with BM25, from the index's own position lists and column sizes.
//!
//! Ranking used to read each candidate's title, excerpt and the start of its body back from
//! the articles table and tokenize it again in Rust: two thirds of a search's cost. FTS5
//! already holds, for the row it is on, where each phrase occurs (its position lists) and
//! how many tokens each column has (`docsize`), so the score costs no text at all.
//!
//! FTS5's own `bm25()` would do the same per row, but first counts for every phrase all the
//! documents of the whole index that contain it; here the caller passes one IDF per included
//! phrase (estimated once and cached), in the order the phrases appear in the MATCH
//! expression. Phrases after those (exclusions, filter terms) are not scored.
//!
//! This is the one place the store talks to SQLite's C API: the function is registered on
//! every new connection through the pointer FTS5 hands out to `SELECT fts5(?1)`.

use std::ffi::{CStr, c_int, c_void};
use std::ptr;

use libsqlite3_sys as ffi;

use super::rank::{TEXT_COLUMNS, bm25_term};

/// The SQL name of the function.
pub(crate) const NAME: &str = "storyline_rank";
const NAME_C: &CStr = c"storyline_rank";

/// Registers `storyline_rank` on one connection.
///
/// # Safety
/// `db` must be an open connection handle, used by no other thread during the call.
pub(crate) unsafe fn register(db: *mut ffi::sqlite3) -> Result<(), String> {
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
        let rc = create(
            api,
            NAME_C.as_ptr(),
            ptr::null_mut(),
            Some(storyline_rank),
            None,
        );
        if rc != ffi::SQLITE_OK {
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
    let (Some(phrase_count), Some(column_size), Some(first), Some(next)) = (
        api.xPhraseCount,
        api.xColumnSize,
        api.xPhraseFirst,
        api.xPhraseNext,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: every call passes FTS5's own context and pointers to live locals.
    unsafe {
        let mean_tokens = averages(api, fts)?;
        let mut tokens = 0i64;
        for col in 0..TEXT_COLUMNS as c_int {
            let mut n: c_int = 0;
            check(column_size(fts, col, &mut n))?;
            tokens += i64::from(n.max(0));
        }
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
            total += bm25_term(&hits, tokens as f64, mean_tokens, idf);
        }
        Ok(total)
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
