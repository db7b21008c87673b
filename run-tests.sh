#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and integration tests (*IT) against real PostgreSQL,
# Kafka and PgBouncer servers that the tests start on loopback. Installs PgBouncer, psql, pgbench,
# Chromium, ChromeDriver and promtool first when run as root (otherwise prints the command to run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/scripts/ensure-packages.sh" --tests
cd "$here"
exec mvn -B verify "$@"
