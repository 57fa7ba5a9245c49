//! Process-wide settings of the SQLite library, applied once before the first connection
//! opens.
//!
//! Memory statistics are turned off. With them on (SQLite's default), every allocation of
//! every connection takes one global mutex to count bytes that nothing here reads: under
//! concurrent searches the threads queued on it (futex calls were a tenth of the server's
//! CPU under the search benchmark's load).
//!
//! SQLite accepts this only before it initializes. If some other part of the process opened
//! a database first, the call is refused and SQLite keeps its default: slower under load,
//! never wrong.

use std::ffi::c_int;
use std::sync::Once;

use libsqlite3_sys as ffi;

/// Applies the settings; later calls do nothing.
pub(crate) fn configure() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` may be called before `sqlite3_initialize`, from one
        // thread; `Once` makes this the only call. After initialization it returns
        // SQLITE_MISUSE and changes nothing.
        let rc = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
        if rc != ffi::SQLITE_OK {
            tracing::debug!(code = rc, "SQLite memory statistics left on");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn sqlite_counts_no_memory_once_configured() {
        configure();
        // SAFETY: plain C API use on a private in-memory database.
        unsafe {
            let mut db = ptr::null_mut();
            assert_eq!(
                ffi::sqlite3_open(c":memory:".as_ptr(), &mut db),
                ffi::SQLITE_OK
            );
            let rc = ffi::sqlite3_exec(
                db,
                c"CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(100000));".as_ptr(),
                None,
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(rc, ffi::SQLITE_OK);
            let (mut current, mut highest) = (-1i64, -1i64);
            assert_eq!(
                ffi::sqlite3_status64(
                    ffi::SQLITE_STATUS_MEMORY_USED,
                    &mut current,
                    &mut highest,
                    0
                ),
                ffi::SQLITE_OK
            );
            // With statistics on, the 100 KB row alone would show here.
            assert_eq!(current, 0);
            assert_eq!(ffi::sqlite3_close(db), ffi::SQLITE_OK);
        }
    }
}
