#!/usr/bin/env bash
# `make run` after migrating and seeding: mock carriers, demo tokens, the service (contrib/demo/run.py).
# Usage: contrib/demo/run.sh [HOST] [PORT]; the mocks' ports come from VISITGIS_MOCK_TELECOM_PORT
# and VISITGIS_MOCK_MOBILE_PORT (8701/8702). Ctrl-C stops the server and the mock carriers together.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m contrib.demo.run \
  --host "${1:-127.0.0.1}" --port "${2:-8000}" \
  --telecom-port "${VISITGIS_MOCK_TELECOM_PORT:-8701}" \
  --mobile-port "${VISITGIS_MOCK_MOBILE_PORT:-8702}"
