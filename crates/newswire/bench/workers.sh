#!/usr/bin/env bash
# Worker processes on one PostgreSQL store against one SQLite round, on the same newswire.
#
#   workers.sh BIN POSTGRES_SERVER_URL [WORKERS...]
#
# Starts `newswire --outlets $OUTLETS --articles $ARTICLES`, then runs, in one go:
#   - `storyline fetch --once` into a fresh SQLite store (the single-process round);
#   - for each W in WORKERS (default 1 2 4): a fresh PostgreSQL database on the server (the
#     URL's user must be allowed to create databases), `opml import`, then W
#     `storyline worker --drain` processes started together, timed until the last exits.
# Printed per run: wall seconds, articles stored, articles/s, the politeness bound
# (OUTLETS hosts × 2 pages/s at the default 500 ms interval) and the share of it reached.
#
# Environment: OUTLETS=50, ARTICLES=5000, SEED=1, EXTRA_ARGS= (appended to fetch and worker),
# NEWSWIRE= (the newswire binary; default: built from this checkout), KEEP=0.
set -euo pipefail

[[ $# -ge 2 ]] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
BIN=$1
SERVER=$2
shift 2
if [[ $# -gt 0 ]]; then WORKERS=("$@"); else WORKERS=(1 2 4); fi
OUTLETS=${OUTLETS:-50}
ARTICLES=${ARTICLES:-5000}
SEED=${SEED:-1}
KEEP=${KEEP:-0}
read -r -a extra <<<"${EXTRA_ARGS:-}"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
if [[ -z ${NEWSWIRE:-} ]]; then
    (cd "$repo" && cargo build --quiet --release -p storyline-newswire)
    NEWSWIRE=$(cd "$repo" && cargo metadata --format-version 1 --no-deps |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release/newswire
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/workers.XXXXXX")
wire_pid=
cleanup() {
    [[ -n $wire_pid ]] && kill "$wire_pid" 2>/dev/null && wait "$wire_pid" 2>/dev/null
    if [[ $KEEP == 1 ]]; then echo "kept: $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

"$NEWSWIRE" --outlets "$OUTLETS" --articles "$ARTICLES" --seed "$SEED" \
    --opml "$tmp/feeds.opml" >"$tmp/newswire.out" 2>"$tmp/newswire.err" &
wire_pid=$!
until grep -qx ready "$tmp/newswire.out" 2>/dev/null; do
    kill -0 "$wire_pid" 2>/dev/null || { cat "$tmp/newswire.err" >&2; exit 1; }
    sleep 0.1
done

bound=$((OUTLETS * 2))
printf '%-22s %9s %9s %11s %7s %8s\n' run wall_s articles articles/s bound of_bound
row() {
    local label=$1 wall=$2 count=$3
    awk -v l="$label" -v w="$wall" -v c="$count" -v b="$bound" \
        'BEGIN { r = c / w; printf "%-22s %9.1f %9d %11.1f %7d %7.0f%%\n", l, w, c, r, b, 100 * r / b }'
}
now() { date +%s.%N; }

# The single-process round on SQLite.
dir=$tmp/sqlite
mkdir -p "$dir"
"$BIN" --data-dir "$dir" opml import "$tmp/feeds.opml" >/dev/null
start=$(now)
"$BIN" --data-dir "$dir" fetch --once --no-images --allow-net 127.0.0.0/8 "${extra[@]}" \
    >"$dir/fetch.log" 2>"$dir/fetch.err"
end=$(now)
count=$(grep -o '[0-9]* ingested' "$dir/fetch.log" | tail -1 | cut -d' ' -f1)
row "sqlite, one process" "$(awk "BEGIN{print $end - $start}")" "${count:-0}"

base=${SERVER%%\?*}
base=${base%/*}
for w in "${WORKERS[@]}"; do
    db="storyline_workers_bench_${w}_$$"
    psql -q "$SERVER" -c "CREATE DATABASE $db" >/dev/null
    url="$base/$db"
    dir=$tmp/pg-$w
    mkdir -p "$dir"
    "$BIN" --data-dir "$dir" --db "$url" opml import "$tmp/feeds.opml" >/dev/null
    pids=()
    start=$(now)
    for i in $(seq 1 "$w"); do
        "$BIN" --data-dir "$dir/w$i" --db "$url" worker --drain --no-images \
            --allow-net 127.0.0.0/8 --name "bench-w$i" "${extra[@]}" \
            >"$dir/w$i.log" 2>"$dir/w$i.err" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(now)
    count=$(psql -tA "$url" -c 'SELECT count(*) FROM articles')
    row "postgres, $w worker(s)" "$(awk "BEGIN{print $end - $start}")" "$count"
    psql -q "$SERVER" -c "DROP DATABASE $db" >/dev/null
done
