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
#
# Every other argument goes to the program (--units, --codes, --years, --pages, --skip-references,
# --fdw-fetch-size; see --help). The server uses throwaway-postgres.sh's settings (fsync off etc.),
# the same for the pipeline and the references.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

profile=false
for arg in "$@"; do
  case "$arg" in
    --help|-h) exec dotnet run -c Release --project tests/MetricsPipeline.Benchmarks -- --help ;;
    --profile) profile=true ;;
  esac
done

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing; installing them" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
fi
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}

echo "building Release …"
dotnet build tests/MetricsPipeline.Benchmarks/MetricsPipeline.Benchmarks.csproj -c Release -v quiet -nologo >/dev/null \
  || { dotnet build tests/MetricsPipeline.Benchmarks/MetricsPipeline.Benchmarks.csproj -c Release -v quiet -nologo; exit 1; }
program="$repo/tests/MetricsPipeline.Benchmarks/bin/Release/net10.0/MetricsPipeline.Benchmarks"

pg_dir=$(mktemp -d /tmp/mp-bench-pg.XXXXXX)
cleanup() {
  local status=$?
  "$repo/ops/scripts/throwaway-postgres.sh" stop "$pg_dir/data" || true
  rm -rf "$pg_dir"
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

"$program" --pg "Host=127.0.0.1;Port=$port;Username=postgres" "$@"
