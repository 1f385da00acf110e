#!/usr/bin/env bash
# Creates the Python virtual environment with Apache Airflow that src/stack/airflow.ts starts, outside the clone:
#   $SRE_TOOLS_CACHE/airflow-<version>/   apache-airflow, with `bin/airflow`
# SRE_TOOLS_CACHE defaults to ~/.cache/sre-tools. Prints the environment's path on stdout, on a cache hit too, and
# on an install the pip time and the size on disk on stderr. PYTHON selects the interpreter (default python3;
# Airflow 3.3 supports Python 3.10 to 3.13).
#
# Airflow's constraint files, which pin every dependency for a reproducible install, are hosted on GitHub, which
# this project's machines cannot reach. scripts/airflow-constraints.txt pins the set the tests passed with
# instead; a changed file makes the next run reinstall.
set -euo pipefail

airflow_version=3.3.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
constraints="$root/scripts/airflow-constraints.txt"
cache_root="${SRE_TOOLS_CACHE:-$HOME/.cache/sre-tools}"
python="${PYTHON:-python3}"
dir="$cache_root/airflow-$airflow_version"
pins="apache-airflow==$airflow_version constraints=$(sha256sum "$constraints" | cut -c1-16)"

is_installed() {
  [[ -f "$dir/.installed" ]] && [[ "$(cat "$dir/.installed")" == "$pins" ]]
}

if ! is_installed; then
  mkdir -p "$cache_root"
  # Two test runs may install at once; the lock makes the second wait and then find the cache complete.
  exec 9>"$dir.lock"
  flock 9
  if ! is_installed; then
    echo "install-airflow.sh: installing $pins into $dir" >&2
    # A directory without the marker is a failed earlier attempt. Virtual environments hold absolute paths, so
    # they are built in place rather than in a temporary directory that is renamed.
    rm -rf "$dir"
    "$python" -m venv "$dir"
    started=$(date +%s)
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
      -c "$constraints" "apache-airflow==$airflow_version"
    seconds=$(($(date +%s) - started))
    echo "$seconds" >"$dir/.install-seconds"
    echo "install-airflow.sh: pip install took ${seconds} s; $(du -sh "$dir" | cut -f1) on disk" >&2
    echo "$pins" >"$dir/.installed"
  fi
  exec 9>&-
fi
echo "$dir"
