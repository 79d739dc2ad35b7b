#!/bin/bash
# The container's health check (Dockerfile HEALTHCHECK, docker-compose.yml): GET /healthz over plain
# HTTP with bash's /dev/tcp, so the runtime image needs neither curl nor wget. Exits 0 when the
# answer is 200 (the server answers and so does its database), 1 otherwise.
#
# The port is the one salkku listens on (SALKKU_ADDR, as the image sets it), or the first argument.
set -euo pipefail

addr="${SALKKU_ADDR:-0.0.0.0:8080}"
port="${1:-${addr##*:}}"

if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  echo "healthcheck: nothing listens on 127.0.0.1:$port" >&2
  exit 1
fi
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
status=""
# The status line: "HTTP/1.x 200 OK". read's own timeout keeps a stuck server from holding the check.
IFS=' ' read -r -t 4 _ status _ <&3 || true
exec 3<&-
if [ "$status" != 200 ]; then
  echo "healthcheck: GET /healthz answered ${status:-nothing}" >&2
  exit 1
fi
