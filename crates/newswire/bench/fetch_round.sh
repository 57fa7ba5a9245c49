#!/usr/bin/env bash
# Times one `storyline fetch --once` round against a local newswire, for two storyline
# binaries side by side.
#
#   fetch_round.sh OLD_BIN NEW_BIN [N...]
#
# For each N (outlets; default 1 5 20 50) it starts `newswire --outlets N --articles
# $ARTICLES`, then runs each binary REPEAT times, interleaved (old, new, old, new …), each time
# in a fresh data dir: `opml import` of the newswire's feeds, then a timed
# `fetch --once --allow-net 127.0.0.0/8`. Either binary may be `-` to skip it.
#
# Printed per run: round seconds (wall), articles stored, articles/s, the politeness bound in
# articles/s (N hosts × PAGES_PER_HOST requests/s; storyline's default interval is 500 ms
# per host, so 2; halved with IMAGES=1, as each article then takes a page and an image), the
# share of that bound reached, CPU seconds (user+sys) and peak RSS. Then, per N, the mean
# round time of each binary.
#
# Environment:
#   ARTICLES=1000        articles in the newswire
#   REPEAT=1             runs per binary and N
#   IMAGES=0             1: pages carry lead images and storyline fetches them
#   TIMEOUT=900          seconds before a round is interrupted (SIGINT, then SIGKILL)
#   EXTRA_NEW_ARGS=      appended to the new binary's fetch command only, e.g.
#                        "--politeness-interval 0" (with N=1: the CPU-bound figure)
#   EXTRA_ARGS=          appended to both binaries' fetch commands
#   PAGES_PER_HOST=2     pages per second per host allowed by politeness, for the bound
#   SEED=1               newswire content seed
#   NEWSWIRE=            the newswire binary [default: built with cargo from this checkout]
#   KEEP=0               1: keep the temporary folder (data dirs, logs) and print its path
#
# Needs bash, coreutils (timeout) and GNU time at /usr/bin/time (Debian package `time`) for CPU
# time and peak RSS; without GNU time, wall time is taken with `date` and peak RSS is sampled
# from /proc (VmHWM). Articles are counted with `sqlite3` when installed, else from the
# fetch summary line ("N ingested"). The newswire shares the machine with storyline: on a
# small machine its CPU use is part of what is measured.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-2}"
}
[[ ${1:-} == -h || ${1:-} == --help ]] && usage 0
[[ $# -ge 2 ]] || usage

OLD_BIN=$1
NEW_BIN=$2
shift 2
if [[ $# -gt 0 ]]; then NS=("$@"); else NS=(1 5 20 50); fi

ARTICLES=${ARTICLES:-1000}
REPEAT=${REPEAT:-1}
IMAGES=${IMAGES:-0}
TIMEOUT=${TIMEOUT:-900}
EXTRA_NEW_ARGS=${EXTRA_NEW_ARGS:-}
EXTRA_ARGS=${EXTRA_ARGS:-}
PAGES_PER_HOST=${PAGES_PER_HOST:-2}
SEED=${SEED:-1}
KEEP=${KEEP:-0}

die() {
    echo "fetch_round: $*" >&2
    exit 1
}

for bin in "$OLD_BIN" "$NEW_BIN"; do
    [[ $bin == - || -x $bin ]] || die "not an executable: $bin"
done
[[ $OLD_BIN != - || $NEW_BIN != - ]] || die "both binaries skipped"
for n in "${NS[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a number of outlets: $n"
done

# The newswire binary: $NEWSWIRE, else built from this checkout.
if [[ -z ${NEWSWIRE:-} ]]; then
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
    echo "building newswire …" >&2
    (cd "$repo" && cargo build --quiet --release -p storyline-newswire) || die "cannot build newswire"
    target=$(cd "$repo" && cargo metadata --format-version 1 --no-deps |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    NEWSWIRE=$target/release/newswire
fi
[[ -x $NEWSWIRE ]] || die "not an executable: $NEWSWIRE"

GNU_TIME=
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    GNU_TIME=/usr/bin/time
else
    echo "fetch_round: GNU time not found (Debian package \`time\`); sampling peak RSS from /proc" >&2
fi
HAVE_SQLITE=0
command -v sqlite3 >/dev/null 2>&1 && HAVE_SQLITE=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fetch_round.XXXXXX")
wire_pid=
cleanup() {
    if [[ -n $wire_pid ]]; then
        kill "$wire_pid" 2>/dev/null || true
        wait "$wire_pid" 2>/dev/null || true
    fi
    if [[ $KEEP == 1 ]]; then
        echo "kept: $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

image_flags=(--no-images)
wire_flags=()
if [[ $IMAGES == 1 ]]; then
    image_flags=()
    wire_flags=(--images)
fi
read -r -a extra_args <<<"$EXTRA_ARGS"
read -r -a extra_new_args <<<"$EXTRA_NEW_ARGS"

# Starts the newswire with $1 outlets and waits for its `ready` line.
start_wire() {
    local n=$1
    "$NEWSWIRE" --outlets "$n" --articles "$ARTICLES" --seed "$SEED" "${wire_flags[@]}" \
        --opml "$tmp/feeds.opml" >"$tmp/newswire.out" 2>"$tmp/newswire.err" &
    wire_pid=$!
    local waited=0
    until grep -qx ready "$tmp/newswire.out" 2>/dev/null; do
        kill -0 "$wire_pid" 2>/dev/null || die "newswire exited: $(cat "$tmp/newswire.err")"
        ((waited++ < 1200)) || die "newswire not ready after 120 s"
        sleep 0.1
    done
}

stop_wire() {
    kill "$wire_pid" 2>/dev/null || true
    wait "$wire_pid" 2>/dev/null || true
    wire_pid=
}

# Runs the command after `--` with the timeout; writes wall seconds, CPU seconds, peak RSS
# (KiB) and the exit status to the file $1, one per line.
timed() {
    local out=$1
    shift 2
    local start end status=0
    start=$(date +%s.%N)
    if [[ -n $GNU_TIME ]]; then
        # timeout signals its whole process group, so `time` and storyline both get SIGINT;
        # GNU time ignores it, waits for storyline to stop and still writes its report.
        timeout -s INT -k 60 "$TIMEOUT" "$GNU_TIME" -v -o "$out.time" "$@" || status=$?
        end=$(date +%s.%N)
        local rss cpu
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time" 2>/dev/null)
        cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u+s}' "$out.time" 2>/dev/null)
        printf '%s\n%s\n%s\n%s\n' "$(awk "BEGIN{print $end - $start}")" "${cpu:-?}" "${rss:-0}" \
            "$status" >"$out"
    else
        "$@" &
        local pid=$! hwm=0 sample deadline
        deadline=$(awk "BEGIN{print $start + $TIMEOUT}")
        while kill -0 "$pid" 2>/dev/null; do
            sample=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [[ -n $sample && $sample -gt $hwm ]] && hwm=$sample
            if awk "BEGIN{exit !($(date +%s.%N) > $deadline)}"; then
                kill -INT "$pid" 2>/dev/null || true
                deadline=$(awk "BEGIN{print $deadline + 60}")
            fi
            sleep 0.2
        done
        wait "$pid" || status=$?
        end=$(date +%s.%N)
        printf '%s\n?\n%s\n%s\n' "$(awk "BEGIN{print $end - $start}")" "$hwm" "$status" >"$out"
    fi
}

# Articles in the store of data dir $1, or the fetch summary's count when sqlite3 is missing.
stored() {
    local dir=$1 count=
    if [[ $HAVE_SQLITE == 1 && -f $dir/storyline.db ]]; then
        count=$(sqlite3 "$dir/storyline.db" 'SELECT count(*) FROM articles' 2>/dev/null || true)
    fi
    if [[ -z $count ]]; then
        count=$(grep -o '[0-9]* ingested' "$dir/fetch.log" 2>/dev/null | tail -1 | cut -d' ' -f1)
    fi
    echo "${count:-0}"
}

# One round: binary $2 (label $1), $3 outlets, run $4; prints a table row.
round() {
    local label=$1 bin=$2 n=$3 run=$4
    local dir=$tmp/data-$label-$n-$run
    mkdir -p "$dir"
    "$bin" --data-dir "$dir" opml import "$tmp/feeds.opml" >"$dir/import.log" 2>&1 ||
        die "$label: opml import failed: $(cat "$dir/import.log")"
    local args=(fetch --once --allow-net 127.0.0.0/8 "${image_flags[@]}" "${extra_args[@]}")
    [[ $label == new ]] && args+=("${extra_new_args[@]}")
    timed "$dir/measure" -- "$bin" --data-dir "$dir" "${args[@]}" >"$dir/fetch.log" 2>"$dir/fetch.err"
    local wall cpu rss status count
    { read -r wall; read -r cpu; read -r rss; read -r status; } <"$dir/measure"
    count=$(stored "$dir")
    local note=
    [[ $status == 124 || $status == 130 ]] && note=" timed out"
    [[ $status != 0 && -z $note ]] && note=" exit $status"
    awk -v n="$n" -v label="$label" -v wall="$wall" -v count="$count" -v cpu="$cpu" \
        -v rss="$rss" -v per="$PAGES_PER_HOST" -v images="$IMAGES" -v note="$note" 'BEGIN {
            rate = wall > 0 ? count / wall : 0
            bound = n * per / (images == 1 ? 2 : 1)
            printf "%4d  %-4s  %9.1f  %7d  %8.1f  %8.1f  %6.1f%%  %7s  %8.1f%s\n",
                n, label, wall, count, rate, bound, 100 * rate / bound, cpu, rss / 1024, note
        }'
    echo "$n $label $wall" >>"$tmp/rounds"
}

echo "# newswire: $ARTICLES articles, images $IMAGES, repeat $REPEAT, timeout ${TIMEOUT}s"
echo "# old: $OLD_BIN"
echo "# new: $NEW_BIN ${EXTRA_NEW_ARGS:+(extra: $EXTRA_NEW_ARGS)}"
printf '%4s  %-4s  %9s  %7s  %8s  %8s  %7s  %7s  %8s\n' \
    N bin "round s" stored "art/s" "bound/s" share "cpu s" "RSS MB"
: >"$tmp/rounds"
for n in "${NS[@]}"; do
    start_wire "$n"
    for ((run = 1; run <= REPEAT; run++)); do
        [[ $OLD_BIN == - ]] || round old "$OLD_BIN" "$n" "$run"
        [[ $NEW_BIN == - ]] || round new "$NEW_BIN" "$n" "$run"
    done
    stop_wire
done

echo "# mean round seconds per N"
awk '{ sum[$1 " " $2] += $3; runs[$1 " " $2]++; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
    END {
        for (i = 1; i <= k; i++) {
            n = order[i]; old = n " old"; new = n " new"
            line = sprintf("N=%s:", n)
            if (runs[old]) line = line sprintf(" old %.1f s", sum[old] / runs[old])
            if (runs[new]) line = line sprintf(" new %.1f s", sum[new] / runs[new])
            if (runs[old] && runs[new] && sum[new] > 0)
                line = line sprintf(" (%.2fx)", (sum[old] / runs[old]) / (sum[new] / runs[new]))
            print "# " line
        }
    }' "$tmp/rounds"
