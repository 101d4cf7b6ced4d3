#!/usr/bin/env bash
# Builds the node binaries of the test cluster (tests/harness/cluster.ts) from the Go module proxy, once, into a
# cache outside the repository, and prints the folder that holds them. Rerunning with them present does nothing.
#
#   kubelet, kube-controller-manager, kube-scheduler, kube-proxy  Kubernetes v$THV_KUBE_VERSION, ONE `go build`
#   cri-rmp      stops and removes every pod sandbox of a CRI runtime (teardown; crictl is not on the proxy)
#   pause        the sandbox container's process (localhost/pause image)
#   coredns      CoreDNS trimmed to the plugins a test cluster needs (no forward: nothing upstream is asked)
#   kube-router  v2.1.0 in firewall-only mode: NetworkPolicy enforcement next to the bridge CNI
#
# kube-apiserver and etcd come from scripts/build_control_plane.sh (same release).
#
#   THV_KUBE_VERSION  Kubernetes version (default 1.33.13)
#   THV_CACHE_DIR     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail

kube_version=${THV_KUBE_VERSION:-1.33.13}
coredns_version=1.12.3
kube_router_version=2.1.0
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
out="$cache_root/node/k8s-$kube_version-coredns-$coredns_version-kube-router-$kube_router_version"
wanted=(kubelet kube-controller-manager kube-scheduler kube-proxy cri-rmp pause coredns kube-router)
here=$(cd "$(dirname "$0")" && pwd)

find_missing() {
  missing=()
  for b in "${wanted[@]}"; do [ -x "$out/$b" ] || missing+=("$b"); done
}
find_missing
if [ ${#missing[@]} -eq 0 ]; then
  echo "$out"
  exit 0
fi
command -v go >/dev/null || {
  echo "build_node: go is not installed: install Go 1.24 or newer" >&2
  exit 1
}

mkdir -p "$out"
exec 9>"$out.lock"
flock 9
find_missing
[ ${#missing[@]} -gt 0 ] || { echo "$out"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf 'build_node: %s (%ss)\n' "$*" "$SECONDS" >&2; }
has() { local m; for m in "${missing[@]}"; do [ "$m" = "$1" ] && return 0; done; return 1; }
minor=${kube_version#1.}
minor=${minor%%.*}

# Same technique as build_control_plane.sh: a throwaway module requires k8s.io/kubernetes and pins every staging
# module that k8s.io/kubernetes requires at v0.0.0 to the published v0.<minor>.<patch>.
kube_module() {
  mkdir -p "$work/kube" && cd "$work/kube"
  go mod init thv.local/node-build >/dev/null 2>&1
  go mod edit -require="k8s.io/kubernetes@v$kube_version"
  local gomod staging
  gomod=$(go mod download -json "k8s.io/kubernetes@v$kube_version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  staging=$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod" | sort -u)
  [ -n "$staging" ] || { log "found no staging modules in $gomod"; exit 1; }
  for m in $staging; do go mod edit -replace="$m=$m@v0.${kube_version#1.}"; done
  mkdir -p cmd/cri-rmp
  cp "$here/node/cri_rmp.go" cmd/cri-rmp/main.go
  printf 'package main\n\nimport (\n' >tools.go
  for p in kubelet kube-controller-manager kube-scheduler kube-proxy; do printf '\t_ "k8s.io/kubernetes/cmd/%s/app"\n' "$p" >>tools.go; done
  printf ')\n' >>tools.go
  go mod tidy >/dev/null
}

kube_pkgs=()
for b in kubelet kube-controller-manager kube-scheduler kube-proxy; do has "$b" && kube_pkgs+=("k8s.io/kubernetes/cmd/$b"); done
if [ ${#kube_pkgs[@]} -gt 0 ] || has cri-rmp; then
  log "building ${kube_pkgs[*]} cri-rmp v$kube_version in one go build (several minutes on a cold cache)"
  kube_module
  mkdir -p "$work/bin"
  # One build, so packages shared by the components compile once.
  go build -trimpath -o "$work/bin/" -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=v$kube_version \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    "${kube_pkgs[@]}" ./cmd/cri-rmp
  for b in "$work"/bin/*; do mv "$b" "$out/"; done
  log "kube binaries done"
fi

if has pause; then
  mkdir -p "$work/pause" && cd "$work/pause"
  cp "$here/node/pause.go" main.go
  printf 'module thv.local/pause\n\ngo 1.24\n' >go.mod
  GOFLAGS= go build -trimpath -ldflags "-s -w" -o "$out/pause.tmp" .
  mv "$out/pause.tmp" "$out/pause"
  log "pause done"
fi

if has coredns; then
  log "building coredns v$coredns_version (trimmed)"
  mkdir -p "$work/coredns" && cd "$work/coredns"
  cp "$here/node/coredns.go" main.go
  go mod init thv.local/coredns-build >/dev/null 2>&1
  # The cluster's client-go: reuses the packages the Kubernetes build compiled.
  go mod edit -require="github.com/coredns/coredns@v$coredns_version" -require="k8s.io/client-go@v0.$minor.${kube_version##*.}" \
    -require="k8s.io/api@v0.$minor.${kube_version##*.}" -require="k8s.io/apimachinery@v0.$minor.${kube_version##*.}"
  go mod tidy >/dev/null 2>&1
  go build -trimpath -ldflags "-s -w" -o "$out/coredns.tmp" .
  mv "$out/coredns.tmp" "$out/coredns"
  log "coredns done"
fi

if has kube-router; then
  log "building kube-router v$kube_router_version"
  mkdir -p "$work/kube-router" && cd "$work/kube-router"
  go mod init thv.local/kube-router-build >/dev/null 2>&1
  go mod edit -require="github.com/cloudnativelabs/kube-router/v2@v$kube_router_version"
  printf 'package main\n\nimport _ "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router"\n' >tools.go
  go mod tidy >/dev/null 2>&1
  go build -trimpath -ldflags "-s -w" -o "$out/kube-router.tmp" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
  mv "$out/kube-router.tmp" "$out/kube-router"
  log "kube-router done"
fi
echo "$out"
