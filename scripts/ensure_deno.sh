#!/usr/bin/env bash
# Prints the folder of a Deno 2.9 binary: the one on PATH when it is 2.9.x, otherwise the npm package
# `deno` installed once into the cache (JSR and Deno's own download site are unreachable here; npm is not).
#
#   THV_DENO_VERSION  version to install (default 2.9.6)
#   THV_CACHE_DIR     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail
version=${THV_DENO_VERSION:-2.9.6}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}

if command -v deno >/dev/null && deno --version 2>/dev/null | head -1 | grep -q '^deno 2\.9\.'; then
  dirname "$(command -v deno)"
  exit 0
fi
dir="$cache_root/deno-$version"
bin="$dir/node_modules/deno"
if [ ! -x "$bin/deno" ] || ! "$bin/deno" --version >/dev/null 2>&1; then
  command -v npm >/dev/null || { echo "ensure_deno: npm is missing: install Node.js and npm, or put Deno 2.9 on PATH" >&2; exit 1; }
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "deno@$version" >&2
  "$bin/deno" --version >/dev/null || { echo "ensure_deno: the npm package deno@$version did not give a working binary" >&2; exit 1; }
fi
echo "$bin"
