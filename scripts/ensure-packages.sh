#!/usr/bin/env bash
# Installs the operating-system programs Baton's demo and tests start: PgBouncer (the traffic
# router), pgbench and psql (the workload and SQL loading); with --tests also what only the tests
# use: Chromium and ChromeDriver (the status page's browser test) and promtool (the alert rules'
# tests, Debian package prometheus). As root it installs them with apt-get; otherwise it stops and
# prints the exact command to run.
set -euo pipefail

missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have pgbouncer || missing+=(pgbouncer)
have psql || missing+=(postgresql-client)
have pgbench || missing+=(postgresql-15)
if [ "${1:-}" = "--tests" ]; then
  have chromium || missing+=(chromium)
  have chromedriver || missing+=(chromium-driver)
  have promtool || missing+=(prometheus)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  # the Debian packages start their own PgBouncer (port 6432) and Prometheus (port 9090); Baton and
  # its tests run their own instances
  if command -v service >/dev/null 2>&1; then
    service pgbouncer stop >/dev/null 2>&1 || true
    service prometheus stop >/dev/null 2>&1 || true
    service prometheus-node-exporter stop >/dev/null 2>&1 || true
  fi
  exit 0
fi
echo "Baton needs: ${missing[*]}. Install them with:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 3
