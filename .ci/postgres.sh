#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: `start DIR PORT` makes one in DIR (initdb,
# trust authentication, listening on 127.0.0.1 only) and prints its URL; `stop DIR` ends it.
# Installs Debian's postgresql when no server binaries are found. Run as root, the server
# runs as the `postgres` account (initdb refuses root).
set -euo pipefail

find_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
    return 1
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-}" in
start)
    dir="$2"
    port="${3:-54329}"
    if ! bin="$(find_bin)"; then
        echo "== installing postgresql for the PostgreSQL backend tests" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin="$(find_bin)"
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    dir="$2"
    if bin="$(find_bin)"; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    fi
    ;;
*)
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
    ;;
esac
