#!/usr/bin/env bash
# Prints the path of a python3 that can import prometheus_client (the Prometheus project's Python client,
# whose text parser tests/telemetry_test.ts reads the proxy's /metrics with): a pinned version pip-installed
# once from PyPI into a venv in the cache, reused while it imports. `--where` prints the path without
# installing.
#
#   THV_PROMETHEUS_CLIENT_VERSION  version to install (default 0.26.0)
#   THV_CACHE_DIR                  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail
version=${THV_PROMETHEUS_CLIENT_VERSION:-0.26.0}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
dir="$cache_root/prometheus-client-$version"
bin="$dir/bin/python3"
if [ "${1:-}" = --where ]; then
  echo "$bin"
  exit 0
fi
probe() { "$bin" -c "import importlib.metadata as m, prometheus_client.parser, sys; sys.exit(m.version('prometheus_client') != '$version')" 2>/dev/null; }
if [ ! -x "$bin" ] || ! probe; then
  # Debian's python3 first: a venv of a pyenv shim breaks when pyenv's version changes.
  python=/usr/bin/python3
  [ -x "$python" ] || python=$(command -v python3) ||
    { echo "ensure_prometheus_client: python3 is missing: install Debian's python3 and python3-venv" >&2; exit 1; }
  rm -rf "$dir"
  "$python" -m venv "$dir" >&2 ||
    { echo "ensure_prometheus_client: $python -m venv failed: install Debian's python3-venv" >&2; exit 1; }
  "$dir/bin/pip" install --quiet --disable-pip-version-check "prometheus_client==$version" >&2 ||
    { echo "ensure_prometheus_client: pip install prometheus_client==$version failed: see the lines above" >&2; exit 1; }
  probe || { echo "ensure_prometheus_client: prometheus_client $version does not import from $dir" >&2; exit 1; }
fi
echo "$bin"
