#!/usr/bin/env bash
# Installs everything the demo and the tests need: npm packages, Debian's Prometheus, Alertmanager and Redis,
# the Temporal CLI, the local Kubernetes control plane binaries, and the Python tools of the CI gates and of the
# Airflow integration test. Each step skips work already done; built tools are cached in ~/.cache/sre-tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
bash scripts/install-system-packages.sh
bash scripts/install-temporal.sh >/dev/null
bash scripts/kube/build.sh >/dev/null
bash scripts/install-python-tools.sh
if [[ "${SKIP_AIRFLOW:-0}" != 1 ]]; then
  bash scripts/install-airflow.sh >/dev/null
fi
