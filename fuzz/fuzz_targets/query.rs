//! The search query parser: reader text (and the topic and provider filters) to the FTS5
//! MATCH expression the store runs. Input: `text`, then optionally `\0topic`, then `\0provider`.
//! Every expression must be one SQLite's FTS5 accepts: it is checked against an in-memory
//! table shaped like the store's `articles_fts`.

#![no_main]

use std::ffi::{CStr, c_int};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use libsqlite3_sys as ffi;
use storyline_store::{SearchQuery, search_expression};

/// An in-memory FTS5 table and a prepared `MATCH` query against it.
struct Fts {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
}

impl Fts {
    fn open() -> Fts {
        let mut db = ptr::null_mut();
        let mut stmt = ptr::null_mut();
        // SAFETY: plain use of the SQLite C API with NUL-terminated literals; the handles live
        // as long as the thread (the fuzzer's only one).
        unsafe {
            let rc = ffi::sqlite3_open_v2(
                c":memory:".as_ptr(),
                &mut db,
                ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE,
                ptr::null(),
            );
            assert_eq!(rc, ffi::SQLITE_OK, "sqlite3_open_v2");
            let setup = c"CREATE VIRTUAL TABLE articles_fts USING fts5(
                    title, excerpt, body, facets,
                    content='', contentless_delete=1,
                    tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO articles_fts(rowid, title, excerpt, body, facets) VALUES
                    (-2, 'Harbour bridge opens', 'Ferries', 'The bridge opens in Zürich', 'p6E6577732E74657374 y2026'),
                    (-1, 'Chip fab', 'Funding round', 'Alibaba leads the round', 't54656368');";
            let rc = ffi::sqlite3_exec(db, setup.as_ptr(), None, ptr::null_mut(), ptr::null_mut());
            assert_eq!(rc, ffi::SQLITE_OK, "setup: {}", message(db));
            let sql = c"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1";
            let rc = ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, ptr::null_mut());
            assert_eq!(rc, ffi::SQLITE_OK, "prepare: {}", message(db));
        }
        Fts { db, stmt }
    }

    /// Runs the query with `expr`; SQLite's error message when FTS5 refuses it.
    fn run(&self, expr: &str) -> Result<(), String> {
        // SAFETY: `stmt` was prepared on `db`; the text is copied by SQLite (SQLITE_TRANSIENT).
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            let rc = ffi::sqlite3_bind_text(
                self.stmt,
                1,
                expr.as_ptr().cast(),
                expr.len() as c_int,
                ffi::SQLITE_TRANSIENT(),
            );
            if rc != ffi::SQLITE_OK {
                return Err(format!("bind: {}", message(self.db)));
            }
            let rc = ffi::sqlite3_step(self.stmt);
            let result = if rc == ffi::SQLITE_ROW {
                Ok(())
            } else {
                Err(message(self.db))
            };
            ffi::sqlite3_reset(self.stmt);
            result
        }
    }
}

/// SQLite's last error message on `db`.
///
/// # Safety
/// `db` must be an open connection.
unsafe fn message(db: *mut ffi::sqlite3) -> String {
    // SAFETY: sqlite3_errmsg returns a NUL-terminated string owned by the connection.
    unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned()
}

thread_local! {
    static FTS: Fts = Fts::open();
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut parts = input.splitn(3, '\0');
    let text = parts.next().unwrap_or_default();
    let nonempty = |p: Option<&str>| p.filter(|p| !p.is_empty()).map(str::to_string);
    let query = SearchQuery {
        text: text.to_string(),
        topic: nonempty(parts.next()),
        provider: nonempty(parts.next()),
        ..SearchQuery::default()
    };
    let Some(expr) = search_expression(&query) else {
        return;
    };
    if let Err(error) = FTS.with(|fts| fts.run(&expr)) {
        panic!("FTS5 refuses the expression for {query:?}: {error}\n{expr}");
    }
});
