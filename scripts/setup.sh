#!/usr/bin/env bash
# Installs everything the demo and the tests need: npm packages, Debian's Prometheus, Alertmanager and Redis,
# the Temporal CLI and the local Kubernetes control plane binaries. Each step skips work already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
bash scripts/install-system-packages.sh
bash scripts/install-temporal.sh >/dev/null
bash scripts/kube/build.sh >/dev/null
