//! Invariants of the design (ARCHITECTURE.md) that a test can check by reading the code.
//!
//! model, extract and analyze do no I/O: they are given bytes and text and return values, so
//! they run the same in the CLI, the server, workers, tests and fuzzers. The test fails when one
//! of them gains a dependency that does I/O, or uses the file system, the network, the
//! environment or processes outside its tests.

use std::path::{Path, PathBuf};

/// The crates that must stay free of I/O.
const PURE_CRATES: &[&str] = &["model", "extract", "analyze"];

/// Dependencies that exist to do I/O (files, network, databases, processes, an async runtime).
const IO_DEPENDENCIES: &[&str] = &[
    "sqlx",
    "rusqlite",
    "reqwest",
    "hyper",
    "ureq",
    "axum",
    "tokio",
    "async-std",
    "mio",
    "socket2",
    "tempfile",
    "dirs",
    "notify",
    "walkdir",
];

/// What I/O looks like in source.
const IO_PATTERNS: &[&str] = &[
    "std::fs",
    "std::net",
    "std::env::var",
    "std::env::set_var",
    "std::process",
    "File::open",
    "File::create",
    "OpenOptions",
    "TcpStream",
    "UdpSocket",
    "tokio::",
];

fn crate_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name)
}

/// The names in a Cargo.toml's `[dependencies]` table (not dev- or build-dependencies).
fn dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies
            && !line.starts_with('#')
            && let Some((name, _)) = line.split_once('=')
        {
            names.push(name.trim().to_string());
        }
    }
    names
}

/// The Rust files under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("read a source folder")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's code before its test module (`#[cfg(test)]` starts the tests, by convention at the
/// end of a file), with comments dropped.
fn non_test_code(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn model_extract_and_analyze_depend_on_nothing_that_does_io() {
    for name in PURE_CRATES {
        let manifest =
            std::fs::read_to_string(crate_dir(name).join("Cargo.toml")).expect("read Cargo.toml");
        let deps = dependencies(&manifest);
        assert!(!deps.is_empty(), "{name}: its dependencies were read");
        for dep in &deps {
            assert!(
                !IO_DEPENDENCIES.contains(&dep.as_str()),
                "crates/{name} depends on {dep}, which does I/O; do it in ingest, store, \
                 pipeline, server or the binary and pass the result in"
            );
        }
    }
}

#[test]
fn model_extract_and_analyze_do_no_io_outside_their_tests() {
    let mut checked = 0;
    for name in PURE_CRATES {
        let mut files = Vec::new();
        sources(&crate_dir(name).join("src"), &mut files);
        assert!(!files.is_empty(), "{name}: its sources were found");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read a source file");
            let code = non_test_code(&text);
            for pattern in IO_PATTERNS {
                assert!(
                    !code.contains(pattern),
                    "{} uses {pattern} outside its tests",
                    file.display()
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 20,
        "the three crates' sources were read ({checked} files)"
    );
}

#[test]
fn the_checks_see_io_where_there_is_some() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\nsqlx = { version = \"0.9\" }\n[dev-dependencies]\ntempfile = \"3\"\n";
    assert_eq!(dependencies(manifest), ["serde", "sqlx"]);
    let code = non_test_code(
        "// std::fs in a comment\nfn f() { let _ = std::fs::read(\"x\"); }\n#[cfg(test)]\nmod tests { fn g() { std::net::TcpStream::connect(\"a\"); } }",
    );
    assert!(code.contains("std::fs"));
    assert!(!code.contains("std::net"));
    assert!(!code.contains("comment"));
}
