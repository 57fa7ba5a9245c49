//! Test inputs that live outside the repository — the seeds (`../shared/seeds`), the public
//! datasets (`../shared/datasets`) — and tools that may be missing (a browser). One rule for
//! all of them, included by every crate's tests with
//! `#[path = "<relative path to this file>"] mod required;`:
//!
//! - under CI (the `CI` environment variable set, e.g. `CI=true`, as CI systems set it) a
//!   missing input fails the test with a message naming what was expected where;
//! - elsewhere the test is skipped, and says so on the terminal:
//!   `SKIPPED (<test>): <what> not found at <path>; set CI=true to make this an error`.
//!
//! The skip line goes straight to the process's stderr, not through `eprintln!`, which the test
//! harness captures and shows only for failing tests.
//!
//! A test that loops over such inputs must also assert how many it saw, so that an empty folder
//! fails instead of passing.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// True when the environment says this is a CI run: `CI` set to anything but empty, `0` or
/// `false`.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| {
        let value = value.trim();
        !value.is_empty() && value != "0" && !value.eq_ignore_ascii_case("false")
    })
}

/// `what` was not found at `place`: panics under CI; otherwise prints the skip line where a
/// person running the tests sees it. The caller returns early after this.
pub fn absent(what: &str, place: &str) {
    if on_ci() {
        panic!("{what} not found at {place}; CI is set, so this fails instead of skipping");
    }
    // The test harness names each test's thread after the test.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    // Uncaptured, on a line of its own; a failed write to stderr leaves nothing better to do.
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED ({test}): {what} not found at {place}; set CI=true to make this an error"
    );
}

/// `path` when it is a directory; otherwise [`absent`] and `None`.
pub fn dir(what: &str, path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        Some(path.to_path_buf())
    } else {
        absent(what, &path.display().to_string());
        None
    }
}

/// `path` when it is a file; otherwise [`absent`] and `None`.
pub fn file(what: &str, path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        Some(path.to_path_buf())
    } else {
        absent(what, &path.display().to_string());
        None
    }
}

/// Where the seeds are expected: `STORYLINE_SEEDS`, else `shared/seeds` beside the checkout.
pub fn seeds_path() -> PathBuf {
    std::env::var_os("STORYLINE_SEEDS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"),
        PathBuf::from,
    )
}

/// Where the datasets are expected: `STORYLINE_DATASETS`, else `shared/datasets` beside the
/// checkout.
pub fn datasets_path() -> PathBuf {
    std::env::var_os("STORYLINE_DATASETS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
        PathBuf::from,
    )
}

/// The seeds directory, under the rule above.
pub fn seeds() -> Option<PathBuf> {
    let path = seeds_path();
    if path.is_dir() {
        return Some(path);
    }
    absent(
        "seeds",
        &format!("{} (STORYLINE_SEEDS names another folder)", path.display()),
    );
    None
}

/// One seed file by name, under the rule above; a seeds directory without it is an error
/// everywhere.
pub fn seed(name: &str) -> Option<String> {
    let path = seeds()?.join(name);
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("seed {}: {e}", path.display())))
}

/// `relative` inside the datasets directory (a folder), under the rule above.
pub fn dataset_dir(relative: &str) -> Option<PathBuf> {
    dataset(relative, Path::is_dir)
}

/// `relative` inside the datasets directory (a file), under the rule above.
pub fn dataset_file(relative: &str) -> Option<PathBuf> {
    dataset(relative, Path::is_file)
}

fn dataset(relative: &str, present: fn(&Path) -> bool) -> Option<PathBuf> {
    let path = datasets_path().join(relative);
    if present(&path) {
        return Some(path);
    }
    absent(
        &format!("dataset {relative}"),
        &format!(
            "{} (STORYLINE_DATASETS names another folder)",
            path.display()
        ),
    );
    None
}
