#!/usr/bin/env bash
# Prints the path of a schemathesis binary (the property-based API fuzzer tests/serve_fuzz_test.ts runs): a
# pinned version pip-installed once from PyPI into a venv in the cache, reused while it answers --version.
#
#   THV_SCHEMATHESIS_VERSION  version to install (default 4.32.5)
#   THV_CACHE_DIR             cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail
version=${THV_SCHEMATHESIS_VERSION:-4.32.5}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
dir="$cache_root/schemathesis-$version"
bin="$dir/bin/schemathesis"
if [ ! -x "$bin" ] || ! "$bin" --version 2>/dev/null | grep -q "$version"; then
  # Debian's python3 first: a venv of a pyenv shim breaks when pyenv's version changes.
  python=/usr/bin/python3
  [ -x "$python" ] || python=$(command -v python3) ||
    { echo "ensure_schemathesis: python3 is missing: install Debian's python3 and python3-venv" >&2; exit 1; }
  rm -rf "$dir"
  "$python" -m venv "$dir" >&2 ||
    { echo "ensure_schemathesis: $python -m venv failed: install Debian's python3-venv" >&2; exit 1; }
  "$dir/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2 ||
    { echo "ensure_schemathesis: pip install schemathesis==$version failed: see the lines above" >&2; exit 1; }
  "$bin" --version >/dev/null ||
    { echo "ensure_schemathesis: schemathesis $version does not run from $dir" >&2; exit 1; }
fi
echo "$bin"
