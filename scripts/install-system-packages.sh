#!/usr/bin/env bash
# Installs the Debian packages the demo and the tests run as real servers: Prometheus (with promtool),
# Alertmanager and Redis. Skips what is already installed; needs root (or sudo) for apt-get.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
echo "install-system-packages.sh: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian's packages start their services where an init system runs; the stack starts its own processes on
# loopback instead, so stop any that came up to keep their default ports free.
for service in prometheus prometheus-alertmanager redis-server; do
  "${sudo[@]}" service "$service" stop >/dev/null 2>&1 || true
done
