#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 20); fails on any crash,
# timeout (an input taking over 1 s) or out-of-memory, and prints the executions per target.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Works on stable Rust (no sanitizer); set FUZZ_SANITIZER=address with a nightly toolchain
# for AddressSanitizer. Seeds are read from fuzz/corpus/<target> and left as written; what a
# run learns goes to fuzz/work/<target> (ignored by git) and is reused by the next run.
# Inputs that once failed, kept in fuzz/regressions/<target>, are run first. Inputs that
# fail now are written to fuzz/artifacts/<target>/; the log of each run is fuzz/work/<target>.log.
set -euo pipefail

seconds="${1:-20}"
shift || true
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(feed extract record plain query)
fi
sanitizer="${FUZZ_SANITIZER:-none}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# The longest input each target is given (bytes): big enough for real feeds and pages,
# small enough to keep executions quick.
max_len() {
    case "$1" in
        feed | extract) echo 65536 ;;
        record | plain) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

cargo fuzz build --sanitizer "$sanitizer"

failed=()
summary=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/work/$target" "fuzz/artifacts/$target"
    dict=()
    if [ -f "fuzz/dicts/$target.dict" ]; then
        dict=("-dict=fuzz/dicts/$target.dict")
    fi
    log="fuzz/work/$target.log"
    echo "== $target: ${seconds}s"
    status=0
    # Inputs that once failed (fuzz/regressions/<target>) are run first, with the seeds.
    corpora=("fuzz/work/$target" "fuzz/corpus/$target")
    if [ -d "fuzz/regressions/$target" ]; then
        corpora+=("fuzz/regressions/$target")
    fi
    cargo fuzz run --sanitizer "$sanitizer" "$target" "${corpora[@]}" -- \
        -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 \
        -max_len="$(max_len "$target")" -print_final_stats=1 "${dict[@]}" \
        >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    if [ -z "$runs" ]; then
        runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
    fi
    runs="${runs:-0}"
    rate="$(sed -n 's/^#[0-9]*[[:space:]]*DONE .*exec\/s: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    rate="${rate:-$((runs / (seconds > 0 ? seconds : 1)))}"
    if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+== ERROR: libFuzzer|^SUMMARY: libFuzzer|panicked at' "$log"; then
        echo "!! $target FAILED (exit $status); last lines of $log:"
        tail -n 40 "$log"
        failed+=("$target")
        summary+=("$(printf '%-8s %12s runs  %8s/s  FAILED' "$target" "$runs" "$rate")")
    else
        summary+=("$(printf '%-8s %12s runs  %8s/s  ok' "$target" "$runs" "$rate")")
    fi
done

echo "== fuzzing summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzzing failed: ${failed[*]} (inputs in fuzz/artifacts/)"
    exit 1
fi
