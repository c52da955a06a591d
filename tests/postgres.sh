#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server for the test suite (used by .ci/run).
#   eval "$(tests/postgres.sh start)"   prints: export TEST_POSTGRES_URL=... PGDATA_DIR=...
#   tests/postgres.sh stop "$PGDATA_DIR"
set -euo pipefail
PORT=${PGPORT_TEST:-54329}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
case "${1:-}" in
start)
    data=$(mktemp -d)
    chown postgres: "$data"
    runuser -u postgres -- "$PGBIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$data" -l "$data/log" -w \
        -o "-h 127.0.0.1 -p $PORT -k $data -c fsync=off" start >/dev/null
    runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres blog_test
    echo "export TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/blog_test PGDATA_DIR=$data"
    ;;
stop)
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$2" -m fast stop >/dev/null || true
    rm -rf "$2"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
