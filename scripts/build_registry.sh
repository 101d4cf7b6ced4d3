#!/usr/bin/env bash
# Builds the OCI registry (CNCF Distribution) that thv's image-pull test pushes to and pulls from, once, from the
# Go module proxy into a cache outside the repository, and prints the binary's path. Rerunning does nothing.
#
#   THV_REGISTRY_VERSION  Distribution version (default 3.0.0)
#   THV_CACHE_DIR         cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail

version=${THV_REGISTRY_VERSION:-3.0.0}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
out="$cache_root/registry/distribution-$version"
if [ -x "$out/registry" ]; then
  echo "$out/registry"
  exit 0
fi
command -v go >/dev/null || {
  echo "build_registry: go is not installed: install Go 1.24 or newer, or set THV_TEST_REGISTRY_BIN to a registry binary" >&2
  exit 1
}
mkdir -p "$out"
exec 9>"$out.lock"
flock 9 # one build at a time per cache; whoever waited finds the binary there
if [ ! -x "$out/registry" ]; then
  echo "build_registry: building distribution v$version from the Go module proxy (a few minutes)" >&2
  GOBIN="$out" CGO_ENABLED=0 go install "github.com/distribution/distribution/v3/cmd/registry@v$version" >&2
fi
echo "$out/registry"
