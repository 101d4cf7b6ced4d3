#!/usr/bin/env bash
# Builds Helm (helm.sh/helm/v3 cmd/helm), which the chart tests (tests/chart_test.ts) and the e2e tier use, once,
# from the Go module proxy into a cache outside the repository, and prints the binary's path. Rerunning does
# nothing. `--where` prints the path without building (the tests look for the binary there).
#
#   THV_HELM_VERSION  Helm version (default 3.21.4)
#   THV_CACHE_DIR     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail

version=${THV_HELM_VERSION:-3.21.4}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
out="$cache_root/helm/helm-$version"
if [ "${1:-}" = --where ]; then
  echo "$out/helm"
  exit 0
fi
if [ -x "$out/helm" ]; then
  echo "$out/helm"
  exit 0
fi
command -v go >/dev/null || {
  echo "build_helm: go is not installed: install Go 1.24 or newer, or put a helm $version binary at $out/helm" >&2
  exit 1
}
mkdir -p "$out"
exec 9>"$out.lock"
flock 9 # one build at a time per cache; whoever waited finds the binary there
if [ ! -x "$out/helm" ]; then
  echo "build_helm: building helm v$version from the Go module proxy (a few minutes)" >&2
  # The version stamp `helm version` prints; go install leaves it at its default otherwise.
  GOBIN="$out" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$version" \
    "helm.sh/helm/v3/cmd/helm@v$version" >&2
fi
echo "$out/helm"
