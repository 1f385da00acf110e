# Shared by start.sh, stop.sh and worker-kubeconfig.sh: state-dir layout
# and process bookkeeping for the local control plane. Source it, do not
# run it.
# shellcheck shell=bash disable=SC2034 # the scripts that source this file use its variables
#
# Layout of $KUBE_STATE_DIR (default /tmp/sre-kube):
#   admin.kubeconfig   cluster-admin (system:masters) client certificate
#   worker.kubeconfig  token of ServiceAccount slo-autopilot/slo-autopilot-worker
#   cluster.env        ports and binary directory of the running cluster
#   pki/               CA, serving and client certificates, service-account key
#   etcd/              etcd data directory
#   run/NAME.pid       process ids
#   logs/NAME.log      stdout and stderr of each process

kube_state_dir="${KUBE_STATE_DIR:-/tmp/sre-kube}"
kube_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Components in start order; stop.sh walks the list backwards.
kube_components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

kube_log() {
  echo "$(basename "$0"): $*" >&2
}

kube_pid_file() {
  echo "$kube_state_dir/run/$1.pid"
}

# Prints the pid of component $1 if its pid file names a live process whose
# executable is called $1, so a pid reused by an unrelated process is never
# reported (and never signalled by stop.sh).
kube_component_pid() {
  local name="$1" pid exe
  pid="$(cat "$(kube_pid_file "$name")" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  [[ "$(basename "${exe% (deleted)}")" == "$name" ]] || return 1
  echo "$pid"
}

# Sends SIGTERM to component $1, waits up to $2 seconds for it to exit, then
# sends SIGKILL. Returns 0 when the component is not running afterwards.
kube_stop_component() {
  local name="$1" grace="${2:-15}" pid waited=0
  if ! pid="$(kube_component_pid "$name")"; then
    rm -f "$(kube_pid_file "$name")"
    return 0
  fi
  kube_log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < grace * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kube_log "$name (pid $pid) still running after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$(kube_pid_file "$name")"
}

# Runs kubectl as cluster-admin against the cluster in $kube_state_dir.
kube_admin_kubectl() {
  kubectl --kubeconfig "$kube_state_dir/admin.kubeconfig" "$@"
}
