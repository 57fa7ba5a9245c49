#!/usr/bin/env bash
# The crash harness at length: kill -9 file ingests and fetch rounds KILLS times each (default
# 200) at random points, checking every store a run finished (SQLite and search-index integrity,
# the same articles as an uninterrupted run, each once, each in a live story, counts true; for
# file ingest the same stories too). SEED replays a run (the seed is printed either way).
#
#   crates/storyline/bench/crash.sh [KILLS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../../.."
kills="${1:-200}"
export STORYLINE_CRASH_KILLS="$kills"
if [ -n "${2:-}" ]; then
    export STORYLINE_CRASH_SEED="$2"
fi
cargo test --release -p storyline --test crash --no-run
started=$(date +%s)
cargo test --release -p storyline --test crash -- --nocapture --test-threads 1 2>&1 \
    | grep -E '^(crash harness|file ingest|fetch rounds|test |test result)|panicked|assertion'
echo "crash harness: ${kills} kills per test in $(( $(date +%s) - started )) s"
