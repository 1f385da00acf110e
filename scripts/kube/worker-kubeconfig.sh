#!/usr/bin/env bash
# Applies deploy/kubernetes/worker-rbac.yaml to the running local cluster and
# writes $KUBE_STATE_DIR/worker.kubeconfig, which authenticates as
# ServiceAccount slo-autopilot/slo-autopilot-worker with a token from the
# TokenRequest API (kubectl create token). start.sh runs it; run it again to
# renew the token or to grant the worker more namespaces.
#
# Environment:
#   KUBE_STATE_DIR               state directory of the cluster (default /tmp/sre-kube)
#   KUBE_WORKER_TOKEN_DURATION   token lifetime, a Go duration (default 24h)
#   KUBE_WORKER_EXTRA_NAMESPACES space-separated namespaces, besides
#                                slo-autopilot, in which to bind the worker's
#                                ClusterRole; missing ones are created
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

admin_kubeconfig="$kube_state_dir/admin.kubeconfig"
worker_kubeconfig="$kube_state_dir/worker.kubeconfig"
manifest="$kube_repo_root/deploy/kubernetes/worker-rbac.yaml"
service_account=slo-autopilot-worker
namespace=slo-autopilot

if [[ ! -f "$admin_kubeconfig" ]]; then
  kube_log "missing $admin_kubeconfig: start the cluster with scripts/kube/start.sh first"
  exit 1
fi

kube_admin_kubectl apply -f "$manifest" >&2

for extra in ${KUBE_WORKER_EXTRA_NAMESPACES:-}; do
  kube_admin_kubectl create namespace "$extra" --dry-run=client -o yaml | kube_admin_kubectl apply -f - >&2
  kube_admin_kubectl create rolebinding "$service_account" -n "$extra" \
    --clusterrole="$service_account" --serviceaccount="$namespace:$service_account" \
    --dry-run=client -o yaml | kube_admin_kubectl apply -f - >&2
done

token="$(kube_admin_kubectl create token "$service_account" -n "$namespace" \
  --duration="${KUBE_WORKER_TOKEN_DURATION:-24h}")"
server="$(kube_admin_kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"

# Write to a temporary file and rename it, so a reader never sees a
# kubeconfig without credentials.
tmp="$worker_kubeconfig.tmp"
rm -f "$tmp"
kubectl config --kubeconfig "$tmp" set-cluster slo-autopilot-local \
  --server="$server" --certificate-authority="$kube_state_dir/pki/ca.crt" --embed-certs=true >/dev/null
kubectl config --kubeconfig "$tmp" set-credentials "$service_account" --token="$token" >/dev/null
kubectl config --kubeconfig "$tmp" set-context "$service_account@slo-autopilot-local" \
  --cluster=slo-autopilot-local --user="$service_account" --namespace="$namespace" >/dev/null
kubectl config --kubeconfig "$tmp" use-context "$service_account@slo-autopilot-local" >/dev/null
chmod 600 "$tmp"
mv -f "$tmp" "$worker_kubeconfig"

kube_log "wrote $worker_kubeconfig (ServiceAccount $namespace/$service_account, token valid ${KUBE_WORKER_TOKEN_DURATION:-24h})"
