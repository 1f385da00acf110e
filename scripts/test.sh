#!/usr/bin/env bash
# Runs every test: installs what is missing, starts a local Kubernetes control plane for the tests that act on
# Deployments, runs mocha and stops the control plane again. Extra arguments go to mocha instead of the full
# suite, such as `scripts/test.sh test/unit/**/*.test.ts`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# setup.sh installed Airflow unless SKIP_AIRFLOW=1, so its integration test must run rather than skip.
if [[ "${SKIP_AIRFLOW:-0}" != 1 ]]; then
  export AIRFLOW_TESTS="${AIRFLOW_TESTS:-required}"
fi

export KUBE_STATE_DIR="${KUBE_STATE_DIR:-$(mktemp -d /tmp/slo-test-kube.XXXXXX)}"
trap 'bash scripts/kube/stop.sh >/dev/null 2>&1 || true' EXIT
KUBECONFIG="$(bash scripts/kube/start.sh | sed -n 's/^export KUBECONFIG=//p')"
export KUBECONFIG

if [[ $# -gt 0 ]]; then
  npx mocha "$@"
else
  npx tsc --noEmit -p .
  npx mocha 'test/**/*.test.ts'
fi
