#!/usr/bin/env bash
# Starts or stops a throwaway MariaDB server (for the MySQL-provider tests and demos); never touches a
# system-wide server. Installs Debian's mariadb-server package when the binaries are missing.
#
#   throwaway-mariadb.sh start DIR PORT   init DIR if needed, start on 127.0.0.1:PORT, print the PID;
#                                         creates the account test/test with every privilege
#   throwaway-mariadb.sh stop DIR         stop the server whose data lives in DIR (by its PID)
set -euo pipefail

cmd=${1:?usage: throwaway-mariadb.sh start DIR PORT | stop DIR}
dir=${2:?data directory}

ensure_installed() {
  if ! command -v mariadbd >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "mariadb-server is not installed and this is not root" >&2; exit 1; }
    echo "installing mariadb-server" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null
  fi
}

case "$cmd" in
  start)
    port=${3:?port}
    ensure_installed
    mkdir -p "$dir"
    owner=$(id -un)
    [ "$(id -u)" = 0 ] && owner=mysql
    chown "$owner" "$dir" 2>/dev/null || true
    if [ ! -d "$dir/mysql" ]; then
      mariadb-install-db --no-defaults --datadir="$dir" --user="$owner" --auth-root-authentication-method=socket \
        --skip-test-db >"$dir.install.log" 2>&1 || { cat "$dir.install.log" >&2; exit 1; }
    fi
    mariadbd --no-defaults --user="$owner" --datadir="$dir" --bind-address=127.0.0.1 --port="$port" \
      --socket="$dir/mariadb.sock" --pid-file="$dir/mariadb.pid" --log-error="$dir/error.log" \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=0 --skip-log-bin >/dev/null 2>&1 &
    for _ in $(seq 1 150); do
      [ -S "$dir/mariadb.sock" ] && mariadb --no-defaults -S "$dir/mariadb.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
      sleep 0.2
    done
    mariadb --no-defaults -S "$dir/mariadb.sock" -u root -e \
      "CREATE USER IF NOT EXISTS 'test'@'%' IDENTIFIED BY 'test'; GRANT ALL PRIVILEGES ON *.* TO 'test'@'%' WITH GRANT OPTION;" \
      || { cat "$dir/error.log" >&2; exit 1; }
    cat "$dir/mariadb.pid"
    ;;
  stop)
    if [ -f "$dir/mariadb.pid" ]; then
      pid=$(cat "$dir/mariadb.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
