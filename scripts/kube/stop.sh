#!/usr/bin/env bash
# Stops the local control plane started by start.sh: kwok, kube-scheduler
# and kube-controller-manager together, then kube-apiserver, then etcd, each
# by the pid that start.sh recorded. Safe to run when nothing is running.
#
# Environment:
#   KUBE_STATE_DIR  state directory of the cluster (default /tmp/sre-kube)
#   KUBE_STOP_PURGE set to 1 to also delete the cluster's files (certificates,
#                   etcd data, kubeconfigs, logs) from the state directory
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ ! -d "$kube_state_dir" ]]; then
  kube_log "no cluster state in $kube_state_dir, nothing to stop"
  exit 0
fi

# start.sh holds this lock while it starts processes, so a stop cannot
# interleave with a half-finished start.
exec 9>"$kube_state_dir/.start.lock"
flock -w 300 9 || {
  kube_log "timed out after 300s waiting for the lock on $kube_state_dir/.start.lock"
  exit 1
}

kube_stop_all 15
rm -f "$kube_state_dir/cluster.env"

if [[ "${KUBE_STOP_PURGE:-0}" == 1 ]]; then
  # Only the entries that start.sh creates, in case KUBE_STATE_DIR points
  # at a directory that contains other files too.
  rm -rf "$kube_state_dir"/{pki,etcd,run,logs,kwok-home} "$kube_state_dir"/*.kubeconfig \
    "$kube_state_dir/.start.lock"
  rmdir "$kube_state_dir" 2>/dev/null || true
  kube_log "stopped; removed the cluster files in $kube_state_dir"
else
  kube_log "stopped; logs remain in $kube_state_dir/logs"
fi
