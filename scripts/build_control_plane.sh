#!/usr/bin/env bash
# Builds the control-plane binaries that thv's tests run (kube-apiserver, etcd) from the Go module proxy,
# once, into a cache outside the repository, and prints the folder that holds them (usable as
# KUBEBUILDER_ASSETS). Rerunning with the binaries present does nothing.
#
#   THV_KUBE_VERSION  Kubernetes version (default 1.33.13)
#   THV_ETCD_VERSION  etcd version (default 3.6.16)
#   THV_CACHE_DIR     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
#
# With --kubectl it also builds kubectl of the same version, for machines that have none.
set -euo pipefail

kube_version=${THV_KUBE_VERSION:-1.33.13}
etcd_version=${THV_ETCD_VERSION:-3.6.16}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
out="$cache_root/control-plane/k8s-$kube_version-etcd-$etcd_version"
wanted=(kube-apiserver etcd)
[ "${1:-}" = "--kubectl" ] && wanted+=(kubectl)

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
  echo "build_control_plane: go is not installed: install Go 1.24 or newer, or set KUBEBUILDER_ASSETS to a folder with kube-apiserver and etcd" >&2
  exit 1
}

mkdir -p "$out"
# One build at a time per cache; whoever waited finds the binaries there and builds only what is left.
exec 9>"$out.lock"
flock 9
find_missing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf 'build_control_plane: %s\n' "$*" >&2; }

# kube-apiserver and kubectl live in k8s.io/kubernetes, whose go.mod points its k8s.io/* staging modules at
# local folders. Replace directives only count in the main module, so a throwaway module pins each staging
# module (those required at exactly v0.0.0) to the published v0.<minor>.<patch> of the same release.
kube_module() {
  if [ -f "$work/kube/go.sum" ]; then cd "$work/kube"; return; fi
  mkdir -p "$work/kube" && cd "$work/kube"
  go mod init thv.local/kube-build >/dev/null 2>&1
  go mod edit -require="k8s.io/kubernetes@v$kube_version"
  local gomod staging
  gomod=$(go mod download -json "k8s.io/kubernetes@v$kube_version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  staging=$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod" | sort -u)
  [ -n "$staging" ] || { log "found no staging modules in $gomod"; exit 1; }
  for m in $staging; do go mod edit -replace="$m=$m@v0.${kube_version#1.}"; done
  printf 'package main\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\t_ "k8s.io/kubectl/pkg/cmd"\n)\n' >tools.go
  go mod tidy >/dev/null
}

build_kube() { # name package
  log "building $1 v$kube_version (several minutes on a cold cache)"
  kube_module
  local minor=${kube_version#1.}
  minor=${minor%%.*}
  go build -trimpath -o "$out/$1.tmp" -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=v$kube_version \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" "$2"
  mv "$out/$1.tmp" "$out/$1"
}

build_etcd() {
  log "building etcd v$etcd_version"
  mkdir -p "$work/etcd" && cd "$work/etcd"
  go mod init thv.local/etcd-build >/dev/null 2>&1
  printf 'package main\n\nimport _ "go.etcd.io/etcd/server/v3/etcdmain"\n' >tools.go
  go get "go.etcd.io/etcd/server/v3@v$etcd_version" >/dev/null 2>&1
  go mod tidy >/dev/null
  go build -trimpath -ldflags "-s -w" -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$out/etcd.tmp" "$out/etcd"
}

for b in "${missing[@]}"; do
  case $b in
    kube-apiserver) build_kube kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver ;;
    kubectl) build_kube kubectl k8s.io/kubernetes/cmd/kubectl ;;
    etcd) build_etcd ;;
  esac
done
echo "$out"
