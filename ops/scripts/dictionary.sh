#!/usr/bin/env bash
# Regenerates docs/dictionary.md, the data dictionary README links: migrates a throwaway PostgreSQL (temp
# dir, free port, stopped by PID on exit) from this checkout and runs `metrics-pipeline docs --out docs`.
# Integration/Warehouse/DataDictionaryTests fails when the committed copy differs from what this writes.
#
#   ops/scripts/dictionary.sh            (needs the .NET SDK and root or the postgres binaries, as test.sh)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing; installing them" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}

pg_dir=$(mktemp -d /tmp/mp-dictionary-pg.XXXXXX)
cleanup() {
  local status=$?
  "$repo/ops/scripts/throwaway-postgres.sh" stop "$pg_dir/data" || true
  rm -rf "$pg_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$((20000 + RANDOM % 30000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
chmod 755 "$pg_dir"
"$repo/ops/scripts/throwaway-postgres.sh" start "$pg_dir/data" "$port" >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres metrics

dotnet build src/MetricsPipeline.Worker/MetricsPipeline.Worker.csproj -c Release --nologo -v quiet >/dev/null
worker_dll=src/MetricsPipeline.Worker/bin/Release/net10.0/metrics-pipeline.dll
export ConnectionStrings__Warehouse="Host=127.0.0.1;Port=$port;Username=postgres;Database=metrics;Pooling=false"
dotnet "$worker_dll" migrate >/dev/null
mkdir -p docs
dotnet "$worker_dll" docs --out docs
