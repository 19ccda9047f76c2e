#!/usr/bin/env bash
# The README's "main job on an embedded default": from a bare checkout to indicators in one command.
#
#   ops/scripts/demo.sh [generator options, e.g. --seed 7 --to 2026-06-30]
#
# Without METRICS_WAREHOUSE it starts a throwaway PostgreSQL (temp dir, free port) that holds both the
# sample department database (dept_oa) and the warehouse (database "metrics"), and removes everything on
# exit. With METRICS_WAREHOUSE (an Npgsql connection string to an existing warehouse database whose account
# may create databases and roles) it uses that warehouse, generates dept_oa and the read-only login
# "metrics_demo_reader" on the same server, and keeps the sample folder so its appsettings.demo.json stays
# usable afterwards. That login never has a known password: the generator makes a random one on every run and
# writes it only into appsettings.demo.json (mode 600, in a mode-700 folder); a role of that name that the
# demo did not create stops the demo and is left as it was.
#
# Then: build (Release), generate the samples, and run the worker: migrate, run-once, indicators, status.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

samples_dll=src/MetricsPipeline.Samples/bin/Release/net10.0/MetricsPipeline.Samples.dll
worker_dll=src/MetricsPipeline.Worker/bin/Release/net10.0/metrics-pipeline.dll

# Each step says how long the previous one took, so a slow build or pull stands out.
step_name="" step_start=$SECONDS
step() {
  [ -n "$step_name" ] && printf -- '-- %s: %ss\n' "$step_name" "$((SECONDS - step_start))"
  step_name=$*; step_start=$SECONDS
  printf '\n== %s\n' "$*"
}

pg_pid="" pg_dir="" samples_dir=""
cleanup() {
  local status=$?
  if [ -n "$pg_pid" ]; then
    # Fast shutdown of the cluster we started, by its PID; immediate shutdown if it hangs.
    kill -INT "$pg_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    kill -QUIT "$pg_pid" 2>/dev/null || true
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir" "$pg_dir.initdb.log"
  # The samples point at the throwaway server; without it they are useless, so they go too.
  [ -z "${METRICS_WAREHOUSE:-}" ] && [ -n "$samples_dir" ] && rm -rf "$samples_dir"
  exit "$status"
}
trap cleanup EXIT
# Make Ctrl-C and kill run the EXIT trap too, so no postgres is left behind.
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${METRICS_WAREHOUSE:-}" ]; then
  step "starting a throwaway PostgreSQL"
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${PG_BIN:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "PostgreSQL server binaries missing: apt-get install postgresql (as root)" >&2; exit 1; }
    # Debian's package also creates (and may start) a 'main' cluster on 5432; the demo does not use it.
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
  # Outside /tmp's sticky dir the postgres user could not reach its data dir; mktemp gives a fresh one.
  pg_dir=$(mktemp -d /tmp/metrics-demo-pg.XXXXXX)
  # Random start so two demos on one machine rarely race for the same port; retry if one does.
  port=$((20000 + RANDOM % 30000))
  for _ in 1 2 3 4 5; do
    while port_in_use "$port"; do port=$((port + 1)); done
    if pg_pid=$(ops/scripts/throwaway-postgres.sh start "$pg_dir" "$port"); then break; fi
    pg_pid=""; port=$((port + 1))
  done
  [ -n "$pg_pid" ] || { echo "could not start PostgreSQL; see $pg_dir/server.log" >&2; exit 1; }
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $pg_pid, data $pg_dir)"
  "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres metrics
  admin="Host=127.0.0.1;Port=$port;Username=postgres"
  warehouse="$admin;Database=metrics"
else
  step "using the warehouse in METRICS_WAREHOUSE"
  # The generator connects with the same account and creates dept_oa beside the warehouse database.
  admin=$METRICS_WAREHOUSE
  warehouse=$METRICS_WAREHOUSE
fi

step "building (Release)"
# Only what the demo runs: a test project mid-edit must not break the demo.
dotnet build src/MetricsPipeline.Worker/MetricsPipeline.Worker.csproj -c Release --nologo -v minimal
dotnet build src/MetricsPipeline.Samples/MetricsPipeline.Samples.csproj -c Release --nologo -v minimal

step "generating the sample department databases"
samples_dir=$(mktemp -d /tmp/metrics-demo-samples.XXXXXX)
dotnet "$samples_dll" --out "$samples_dir" --postgres "$admin" "$@"
config=$samples_dir/appsettings.demo.json

# The warehouse connection comes from the environment, as in production; the config file has none.
worker() { ConnectionStrings__Warehouse="$warehouse" dotnet "$worker_dll" "$@" --config "$config"; }

step "metrics-pipeline migrate";                 worker migrate
step "metrics-pipeline run-once";                worker run-once
step "metrics-pipeline indicators --period year"; worker indicators --period year
step "metrics-pipeline status";                  worker status

if [ -n "${METRICS_WAREHOUSE:-}" ]; then
  step "done in ${SECONDS}s; samples and configuration kept in $samples_dir"
  echo "The login metrics_demo_reader (read-only, dept_oa) stays on that server with the random password in"
  echo "$config; remove it with: DROP DATABASE dept_oa; DROP ROLE metrics_demo_reader;"
else
  step "done in ${SECONDS}s; the throwaway PostgreSQL and the samples are removed on exit"
fi
