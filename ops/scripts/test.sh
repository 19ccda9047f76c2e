#!/usr/bin/env bash
# The README's test command: starts what the tests need, runs every test project, and closes with
# "N passed, N failed, N skipped" so a run that executed no test is visible.
#
#   ops/scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Unit]
#
# A throwaway PostgreSQL (temp dir, free port, stopped by PID on exit) serves every integration test;
# each test creates its own database on it. Its admin connection string is METRICS_TEST_PG.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing; installing them" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
# plpgsql_check, for Integration/Warehouse/PlpgsqlCheckTests (the linter of the warehouse's PL/pgSQL; created
# in the test database only, the product does not use it). Debian builds it per server major version: it must
# match the server throwaway-postgres.sh starts (the newest /usr/lib/postgresql/*/bin, or PG_BIN).
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
pg_major=$("$pg_bin/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
if ! dpkg-query -W -f='${Status}' "postgresql-$pg_major-plpgsql-check" 2>/dev/null | grep -q 'install ok installed'; then
  echo "plpgsql_check for PostgreSQL $pg_major is missing; installing Debian's postgresql-$pg_major-plpgsql-check" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-$pg_major-plpgsql-check" >/dev/null
fi
command -v sqlite3 >/dev/null 2>&1 || true # the tests use Microsoft.Data.Sqlite, no sqlite3 binary needed

# systemd-analyze, for Integration/Ops/SystemdUnitTests (systemd-analyze verify of ops/systemd). Debian's
# systemd package is small and does not start anything when installed in a container; without the tool the
# test fails rather than passing unchecked.
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze is missing; installing Debian's systemd package" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null
fi

# --- Prometheus, for Integration/Observability/PrometheusScrapeTests ---------------------------------
# The test starts its own /usr/bin/prometheus on a free port with a temp config and storage, and stops it
# by PID; the package's own service is not used (on a machine without systemd it is not even started).
if [ ! -x /usr/bin/prometheus ]; then
  echo "Prometheus is missing; installing Debian's prometheus package" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
# -----------------------------------------------------------------------------------------------------

pg_dir=$(mktemp -d /tmp/mp-test-pg.XXXXXX)
cleanup() {
  local status=$?
  "$repo/ops/scripts/throwaway-postgres.sh" stop "$pg_dir/data" || true
  "$repo/ops/scripts/throwaway-mariadb.sh" stop "$pg_dir/mariadb" || true
  rm -rf "$pg_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=55433
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
chmod 755 "$pg_dir"
"$repo/ops/scripts/throwaway-postgres.sh" start "$pg_dir/data" "$port" >/dev/null
export METRICS_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Pooling=false"
echo "PostgreSQL for tests on 127.0.0.1:$port"

# --- Chromium for the report tests ---------------------------------------------------------------
# The report verb's HTML page is rendered in headless Chromium (Debian's chromium package, driven through
# Playwright with its executable path; Playwright never downloads a browser here) and checked for its text,
# its layout at 1400 px and on A4, the fonts it draws Chinese with, and the absence of console errors.
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is missing; installing it for the report tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
# The page names Noto Sans CJK first; --no-install-recommends brings no CJK font, and without one Chinese unit
# names render as boxes. Integration/Reporting/ReportLayoutTests asks Chromium which font drew them.
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'; then
  echo "fonts-noto-cjk is missing; installing it for the report tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
fi
# --------------------------------------------------------------------------------------------------

# MariaDB for the mysql provider (installs Debian's mariadb-server on first use, about 30 s).
my_port=33307
while (exec 3<>"/dev/tcp/127.0.0.1/$my_port") 2>/dev/null; do my_port=$((my_port + 1)); done
"$repo/ops/scripts/throwaway-mariadb.sh" start "$pg_dir/mariadb" "$my_port" >/dev/null
export METRICS_TEST_MYSQL="Server=127.0.0.1;Port=$my_port;User ID=test;Password=test;Pooling=false"
echo "MariaDB for tests on 127.0.0.1:$my_port"

log="$pg_dir/dotnet-test.log"
set +e
dotnet test tests/MetricsPipeline.Tests/MetricsPipeline.Tests.csproj -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly totals dotnet test prints ("Failed:     0, Passed:    94, Skipped:     0, ...").
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! *- *Failed:/ {
    # The count is the next field; copy it before stripping its comma (assigning $(NF+1) would grow NF forever in gawk).
    for (i = 1; i < NF; i++) { v = $(i+1); gsub(",", "", v); if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
