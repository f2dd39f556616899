#!/usr/bin/env bash
# `make run`: start the mock carriers, print demo tokens, serve GraphQL in the foreground.
# Ctrl-C stops the server and the mock carriers together.
set -euo pipefail
host="${1:-127.0.0.1}"
port="${2:-8000}"
bin=.venv/bin
telecom_port="${VISITGIS_MOCK_TELECOM_PORT:-8701}"
mobile_port="${VISITGIS_MOCK_MOBILE_PORT:-8702}"

"$bin/python" -m contrib.mock_carriers --host 127.0.0.1 \
  --telecom-port "$telecom_port" --mobile-port "$mobile_port" &
mocks=$!
trap 'kill "$mocks" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 50); do
  if "$bin/python" - "$telecom_port" "$mobile_port" <<'PY' 2>/dev/null; then break; fi
import socket, sys
for port in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(port)), timeout=0.2).close()
PY
  sleep 0.2
done
echo "mock carriers: telecom http://127.0.0.1:$telecom_port  mobile http://127.0.0.1:$mobile_port"

echo
echo "Demo bearer tokens (send as 'Authorization: Bearer <token>'):"
tokens="$("$bin/visitgis" demo tokens)"
echo "$tokens"
manager_token="$(echo "$tokens" | awk '/^ACCOUNT_MANAGER/{getline; print $2; exit}')"
manager_phone="$(echo "$tokens" | awk '/^ACCOUNT_MANAGER/{getline; getline; print $2; exit}')"
echo
echo "Walk a manager's day (plan, then check in and out through the mock carriers):"
echo "  $bin/python -m contrib.demo.walk_day --url http://$host:$port --token $manager_token --msisdn $manager_phone"
echo "GraphiQL: http://$host:$port/graphql   (set the Authorization header in GraphiQL's headers tab)"
"$bin/visitgis" serve --host "$host" --port "$port"
