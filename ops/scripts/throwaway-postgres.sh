#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster owned by the postgres OS user (its binaries refuse
# root). Used by the demo and the test scripts; never touches a system-wide cluster.
#
#   throwaway-postgres.sh start DIR PORT   init DIR if needed, start on 127.0.0.1:PORT, print the PID
#   throwaway-postgres.sh stop DIR         stop the cluster whose data lives in DIR (by its PID)
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found (set PG_BIN or apt-get install postgresql)" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else (cd /tmp && "$@"); fi
}

cmd=${1:?usage: throwaway-postgres.sh start DIR PORT | stop DIR}
dir=${2:?data directory}
case "$cmd" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_postgres "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
        || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    # Tuned for a throwaway cluster on a small machine: durability off is fine for tests and demos.
    as_postgres "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=256MB -c max_wal_size=4GB -c timezone=UTC" \
      start >/dev/null
    head -n 1 "$dir/postmaster.pid"
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      pid=$(head -n 1 "$dir/postmaster.pid")
      kill -INT "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
