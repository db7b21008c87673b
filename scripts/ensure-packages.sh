#!/usr/bin/env bash
# Installs the operating-system programs Baton's demo and tests start: PgBouncer (the traffic
# router), pgbench and psql (the workload and SQL loading). As root it installs them with apt-get;
# otherwise it stops and prints the exact command to run.
set -euo pipefail

missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have pgbouncer || missing+=(pgbouncer)
have psql || missing+=(postgresql-client)
have pgbench || missing+=(postgresql-15)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  # the Debian package starts its own PgBouncer on port 6432; Baton runs its own instances
  if command -v service >/dev/null 2>&1; then service pgbouncer stop >/dev/null 2>&1 || true; fi
  exit 0
fi
echo "Baton needs: ${missing[*]}. Install them with:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 3
