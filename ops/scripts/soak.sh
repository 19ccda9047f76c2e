#!/usr/bin/env bash
# The soak (a program that prints figures; not part of the test run): starts a throwaway PostgreSQL (temp
# dir, free port, stopped by PID on exit), builds Release, writes N SQLite department files on loopback and
# runs the real worker's serve verb against them for a while, then prints missed fires, scheduling lag p50
# and p99, warehouse sessions held and RSS at start and end, and whether the targets were met (exit 0).
#
#   ops/scripts/soak.sh                          200 sources every 10 s for 10 minutes (about 12 minutes in all)
#   ops/scripts/soak.sh --duration 120           a quick look
#   ops/scripts/soak.sh --same-second            every source on the same second of the interval (worst case)
#
# Every other argument goes to the program (--sources, --interval, --warmup, --threads, --pool, --dir; see
# --help). Everything it starts listens on 127.0.0.1 only and stops by itself.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for arg in "$@"; do
  case "$arg" in
    --help|-h) exec dotnet run -c Release --project tests/MetricsPipeline.Soak -- --help ;;
  esac
done

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing; installing them" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

echo "building Release …"
for project in src/MetricsPipeline.Worker/MetricsPipeline.Worker.csproj tests/MetricsPipeline.Soak/MetricsPipeline.Soak.csproj; do
  dotnet build "$project" -c Release -v quiet -nologo >/dev/null || { dotnet build "$project" -c Release -v quiet -nologo; exit 1; }
done
worker="$repo/src/MetricsPipeline.Worker/bin/Release/net10.0/metrics-pipeline.dll"
program="$repo/tests/MetricsPipeline.Soak/bin/Release/net10.0/MetricsPipeline.Soak"

pg_dir=$(mktemp -d /tmp/mp-soak-pg.XXXXXX)
cleanup() {
  local status=$?
  "$repo/ops/scripts/throwaway-postgres.sh" stop "$pg_dir/data" || true
  rm -rf "$pg_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=55600
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
chmod 755 "$pg_dir"
"$repo/ops/scripts/throwaway-postgres.sh" start "$pg_dir/data" "$port" >/dev/null
echo "PostgreSQL for the soak on 127.0.0.1:$port"

# The soak folder (SQLite files, configuration, worker.log) outlives the run, for a look at the log.
soak_dir=$(mktemp -d /tmp/mp-soak.XXXXXX)
"$program" --pg "Host=127.0.0.1;Port=$port;Username=postgres" --worker "$worker" --dir "$soak_dir" "$@"
