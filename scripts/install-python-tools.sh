#!/usr/bin/env bash
# Creates the Python virtual environments the CI gates run, outside the clone:
#   $SRE_TOOLS_CACHE/schemathesis-<version>/  Schemathesis, for the API contract gate (`bin/st`)
#   $SRE_TOOLS_CACHE/pytest-<version>/        PyTest and pytest-cov, for the unit-test gate (`bin/python -m pytest`)
#   $SRE_TOOLS_CACHE/diff-cover-<version>/    diff-cover, for the unit-test gate's new-line coverage (`bin/diff-cover`)
# SRE_TOOLS_CACHE defaults to ~/.cache/sre-tools. Each environment is complete once its `.installed` file contains
# its pins; a cache hit prints nothing. PYTHON selects the interpreter (default python3, 3.9 or newer).
# src/activities/gates/python-tools.ts contains the same pins; a test checks that they match.
set -euo pipefail

schemathesis_version=4.32.5
pytest_version=9.2.0
pytest_cov_version=7.1.0
diff_cover_version=11.0.1

cache_root="${SRE_TOOLS_CACHE:-$HOME/.cache/sre-tools}"
python="${PYTHON:-python3}"

# install_venv DIR PACKAGE==VERSION...
install_venv() {
  local dir="$1"
  shift
  local pins="$*"
  if [[ -f "$dir/.installed" ]] && [[ "$(cat "$dir/.installed")" == "$pins" ]]; then
    return 0
  fi
  mkdir -p "$cache_root"
  # Two test runs may install at once; the lock makes the second wait and then find the cache complete.
  exec 9>"$dir.lock"
  flock 9
  if [[ -f "$dir/.installed" ]] && [[ "$(cat "$dir/.installed")" == "$pins" ]]; then
    exec 9>&-
    return 0
  fi
  echo "install-python-tools.sh: installing $pins into $dir" >&2
  # A directory without the marker is a failed earlier attempt. Virtual environments contain absolute paths, so
  # they are built in place rather than in a temporary directory that is renamed.
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$@"
  echo "$pins" >"$dir/.installed"
  exec 9>&-
}

install_venv "$cache_root/schemathesis-$schemathesis_version" "schemathesis==$schemathesis_version"
install_venv "$cache_root/pytest-$pytest_version" "pytest==$pytest_version" "pytest-cov==$pytest_cov_version"
install_venv "$cache_root/diff-cover-$diff_cover_version" "diff-cover==$diff_cover_version"
