#!/usr/bin/env bash
# Installs (or upgrades) the MetricsPipeline worker as a systemd service on this machine.
#
#   sudo ops/install.sh [APPSETTINGS_JSON]
#
#   APPSETTINGS_JSON   configuration to install as /etc/metrics-pipeline/appsettings.json; needed on the
#                      first install, optional later (an existing file is never overwritten silently).
#   METRICS_WAREHOUSE  warehouse connection string, written to /etc/metrics-pipeline/warehouse.conn when
#                      that file does not exist yet.
#   METRICS_MIGRATE_WAREHOUSE
#                      connection string migrate runs with: the warehouse owner's. Optional; by default
#                      warehouse.conn. Set it once the service logs in as a member of metrics_writer, which
#                      may not change the schema (README, "Runbook").
#
# Steps: publish to /opt/metrics-pipeline, install fonts-noto-cjk (the report's Chinese), create the
# metrics-pipeline user, install the config dir and the unit, migrate the warehouse, then daemon-reload and
# enable. The service is not started on a first install (check the configuration first: systemctl start
# metrics-pipeline); on an upgrade it is restarted if it was running.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/opt/metrics-pipeline
conf_dir=/etc/metrics-pipeline
service=metrics-pipeline
service_user=metrics-pipeline
unit_src=$repo/ops/systemd/$service.service
unit_dir=/etc/systemd/system
config_arg=${1:-}

say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# systemctl talks to a running systemd; in containers and chroots PID 1 is something else, and the
# install must still produce a complete tree that a later boot (or image) can use.
systemd_running() { [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; }

# --- Preflight: fail before touching anything --------------------------------------------------------
[ "$(id -u)" = 0 ] || die "run as root (it creates a user and writes to /opt, /etc)"
command -v dotnet >/dev/null || die "the .NET SDK is needed to publish (dotnet not found)"
[ -f "$unit_src" ] || die "unit file $unit_src not found"
if [ -n "$config_arg" ]; then
  [ -f "$config_arg" ] || die "configuration $config_arg not found"
elif [ ! -f "$conf_dir/appsettings.json" ]; then
  die "no $conf_dir/appsettings.json yet: pass the configuration to install as the first argument"
fi
if [ ! -f "$conf_dir/warehouse.conn" ] && [ -z "${METRICS_WAREHOUSE:-}" ]; then
  die "no $conf_dir/warehouse.conn yet: set METRICS_WAREHOUSE to the warehouse connection string"
fi

# --- Publish into a staging folder beside the target ---------------------------------------------------
# Publishing straight over /opt/metrics-pipeline would rewrite assemblies under a running service; a
# staging folder on the same filesystem is swapped in with two renames once the service is stopped, and
# the previous build stays in $prefix.previous for a rollback.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p "$(dirname "$prefix")"
stage=$(mktemp -d "$prefix.new.XXXXXX")
trap 'rm -rf "$stage"' EXIT
say "publishing the worker (Release)"
dotnet publish "$repo/src/MetricsPipeline.Worker/MetricsPipeline.Worker.csproj" -c Release -o "$stage" --nologo -v minimal
[ -x "$stage/metrics-pipeline" ] || die "publish produced no $stage/metrics-pipeline executable"
chmod 0755 "$stage"

# --- Fonts for the report ---------------------------------------------------------------------------
# metrics-pipeline report writes pages in Chinese (Pipeline:Language zh-CN, the default) that name Noto Sans
# CJK first. Readers' desktops have a CJK font of their own; this machine needs one for anything it renders
# itself (a headless browser printing the page to PDF, a screenshot). Debian's package, as test.sh installs it.
if command -v apt-get >/dev/null && ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'; then
  say "installing fonts-noto-cjk (Chinese text of the report)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
fi

# --- Service account ---------------------------------------------------------------------------------
# A system user with no home and no shell: the worker needs nothing but its config and the network.
if ! getent passwd "$service_user" >/dev/null; then
  say "creating system user $service_user"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --comment "MetricsPipeline worker" "$service_user"
fi

# --- Configuration -----------------------------------------------------------------------------------
# The service user may read the configuration but not change it. The warehouse connection string stays
# root-only: systemd reads it as root and passes it in through LoadCredential.
install -d -m 0750 -o root -g "$service_user" "$conf_dir"
if [ -n "$config_arg" ]; then
  if [ -f "$conf_dir/appsettings.json" ] && ! cmp -s "$config_arg" "$conf_dir/appsettings.json"; then
    cp -p "$conf_dir/appsettings.json" "$conf_dir/appsettings.json.$(date +%Y%m%d%H%M%S).bak"
    say "previous appsettings.json kept as a .bak beside it"
  fi
  install -m 0640 -o root -g "$service_user" "$config_arg" "$conf_dir/appsettings.json"
fi
if [ ! -f "$conf_dir/warehouse.conn" ]; then
  (umask 077 && printf '%s\n' "$METRICS_WAREHOUSE" >"$conf_dir/warehouse.conn")
  chown root:root "$conf_dir/warehouse.conn"
  say "wrote $conf_dir/warehouse.conn (0600 root)"
fi

# --- Swap the new build in -----------------------------------------------------------------------------
was_active=0
if systemd_running && systemctl is-active --quiet "$service"; then
  was_active=1
  say "stopping $service for the upgrade"
  systemctl stop "$service"
fi
rm -rf "$prefix.previous"
if [ -d "$prefix" ]; then mv "$prefix" "$prefix.previous"; fi
mv "$stage" "$prefix"
trap - EXIT
say "installed the worker in $prefix"

# --- Unit ----------------------------------------------------------------------------------------------
install -m 0644 "$unit_src" "$unit_dir/$service.service"
# The published apphost finds .NET in the standard places (/usr/share/dotnet, /usr/lib/dotnet or the
# registered install location). An SDK unpacked elsewhere needs DOTNET_ROOT, in a drop-in so the unit
# file itself stays identical to the one in the repository.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
dropin=$unit_dir/$service.service.d/dotnet-root.conf
case "$dotnet_root" in
  /usr/share/dotnet | /usr/lib/dotnet) rm -f "$dropin" ;;
  *)
    if grep -qsx "$dotnet_root" /etc/dotnet/install_location /etc/dotnet/install_location_*; then
      rm -f "$dropin"
    else
      case "$dotnet_root" in
        /root/* | /home/* | /run/user/*)
          say "WARNING: .NET lives in $dotnet_root, which ProtectHome=yes hides from the service; install the runtime system-wide" ;;
      esac
      install -d "$(dirname "$dropin")"
      printf '[Service]\nEnvironment=DOTNET_ROOT=%s\n' "$dotnet_root" >"$dropin"
      say "added $dropin (DOTNET_ROOT=$dotnet_root)"
    fi
    ;;
esac
if command -v systemd-analyze >/dev/null; then
  # Offline check of the installed unit (syntax, executable present); works without systemd as PID 1.
  systemd-analyze verify "$unit_dir/$service.service"
  say "unit verified"
  # The sandbox's rating (README, "The unit's sandbox"; the tests hold the repository's unit at <= 2.0). --offline
  # needs systemd >= 250; older versions rate the unit only once it is loaded (systemd-analyze security $service).
  if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    if level=$(systemd-analyze security --offline=yes --threshold=20 "$unit_dir/$service.service" 2>&1 | tail -n 1); then
      say "${level#→ }"
    else
      say "WARNING: the installed unit is rated above 2.0 (${level#→ }); compare it with $unit_src"
    fi
  fi
fi

# --- Warehouse schema --------------------------------------------------------------------------------
# An install step, not an ExecStartPre (see the unit). Idempotent: applied migrations are skipped.
say "migrating the warehouse"
if ! ConnectionStrings__Warehouse="${METRICS_MIGRATE_WAREHOUSE:-$(cat "$conf_dir/warehouse.conn")}" DOTNET_ENVIRONMENT=Production \
  "$prefix/metrics-pipeline" migrate --config "$conf_dir/appsettings.json"; then
  die "migrate failed; the service is not (re)started. The previous build, if any, is in $prefix.previous"
fi

# --- Enable ------------------------------------------------------------------------------------------
if systemd_running; then
  systemctl daemon-reload
  systemctl enable "$service"
  if [ "$was_active" = 1 ]; then
    systemctl start "$service"
    say "$service restarted"
  else
    say "enabled; start it with: systemctl start $service"
  fi
else
  # Without systemd as PID 1, do what 'enable' would: the WantedBy= symlink, picked up at next boot.
  install -d "$unit_dir/multi-user.target.wants"
  ln -sf "$unit_dir/$service.service" "$unit_dir/multi-user.target.wants/$service.service"
  say "systemd is not running (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown)): skipped daemon-reload/start; unit enabled for the next boot"
fi
