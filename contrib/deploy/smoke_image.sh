#!/usr/bin/env bash
# Build the image and run the system from it where containers can be built but not started
# (no Docker engine; rootful podman whose OCI runtime may not set rlimits, as on CI sandboxes):
# the image's file system is mounted and its processes run chrooted as its non-root user, on the
# host's network, against PostgreSQL at 127.0.0.1:5432 (database `test`, a throw-away schema):
# migrations (one-shot), the demo city, the mock carriers, `serve --workers 2`, then /readyz
# and a check-in through the carriers, seen in /metrics. Needs root, podman (and debootstrap
# where the base image cannot be pulled).
#   contrib/deploy/smoke_image.sh            (where Docker runs: docker compose -f contrib/deploy/compose.yaml up)
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-18600}
SCHEMA=smoke_image_$$
DB="postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D$SCHEMA"
CA=/etc/ssl/certs/ca-certificates.crt
build_mounts=()
[ -f "$CA" ] && build_mounts+=(-v "$CA:/run/host-ca.crt:ro")
[ -f /etc/pip.conf ] && build_mounts+=(-v "$(pwd)/contrib/deploy/pip-build.conf:/etc/pip.conf:ro")
[ -d /opt/wheels ] && build_mounts+=(-v /opt/wheels:/opt/wheels:ro)
if ! podman image exists debian:bookworm-slim && ! podman pull debian:bookworm-slim; then
  # no registry: the same Debian release from its package mirror
  base=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$base" http://deb.debian.org/debian > /dev/null
  tar -C "$base" -c . | podman import - docker.io/library/debian:bookworm-slim
  rm -rf "$base"
fi
podman build --isolation=chroot --network host "${build_mounts[@]}" -t visitgis:latest .

cid=$(podman create visitgis:latest)
root=$(podman mount "$cid")
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $SCHEMA"
cleanup() {
  pkill -TERM -f "port $PORT" || true
  pkill -TERM -f "mock_carriers --telecom-port $((PORT + 1))" || true
  sleep 2
  umount -R "$root/proc" "$root/dev" 2>/dev/null || true
  podman umount "$cid" >/dev/null; podman rm "$cid" >/dev/null
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA $SCHEMA CASCADE"
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
as_image() {  # the image's user, environment and file system
  chroot --userspec=10001:10001 "$root" /usr/bin/env -i HOME=/srv/visitgis \
    PATH=/opt/visitgis/venv/bin:/usr/bin:/bin NUMBA_CACHE_DIR=/var/cache/visitgis/numba \
    PYTHONPATH=/opt/visitgis/app VISITGIS_DATABASE_URL="$DB" VISITGIS_JWT_SECRET="$secret" \
    VISITGIS_CARRIER_PASSWORD=CHANGE-ME VISITGIS_CARRIERS_FILE=/tmp/region.toml "$@"
}
sed "s/127.0.0.1:8701/127.0.0.1:$((PORT + 1))/; s/127.0.0.1:8702/127.0.0.1:$((PORT + 2))/" \
  contrib/mock_carriers/demo_region.toml > "$root/tmp/region.toml"
as_image id
as_image visitgis db upgrade
as_image visitgis demo seed --no-history --seed 7 | tail -1
as_image sh -c "cd /opt/visitgis/app && exec python -m contrib.mock_carriers \
  --telecom-port $((PORT + 1)) --mobile-port $((PORT + 2))" > /dev/null 2>&1 &
as_image visitgis serve --host 127.0.0.1 --port "$PORT" --workers 2 > "$root/tmp/serve.log" 2>&1 &
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/readyz"; echo
grep -o '"kernels warm[^,]*, "elapsed_s": [0-9.]*' "$root/tmp/serve.log"
tokens=$(as_image visitgis demo tokens)  # the first account manager's token and phone
token=$(echo "$tokens" | grep -A2 '^ACCOUNT_MANAGER' | sed -n 2p | awk '{print $2}')
phone=$(echo "$tokens" | grep -A2 '^ACCOUNT_MANAGER' | sed -n 3p | awk '{print $2}')
.venv/bin/python -m contrib.demo.walk_day --token "$token" --msisdn "$phone" --url "http://127.0.0.1:$PORT" \
  --telecom "http://127.0.0.1:$((PORT + 1))" --mobile "http://127.0.0.1:$((PORT + 2))" --stops 3
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -E '^visitgis_carrier_lookup_seconds_count'
