#!/usr/bin/env bash
# Builds the control-plane binaries that thv's tests run (kube-apiserver, etcd) from the Go module proxy,
# once, into a cache outside the repository. Prints the directory that holds them (usable as
# KUBEBUILDER_ASSETS). Rerunning with the binaries present does nothing.
#
#   THV_KUBE_VERSION  Kubernetes version (default 1.33.13)
#   THV_ETCD_VERSION  etcd version (default 3.6.16)
#   THV_CACHE_DIR     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail

kube_version=${THV_KUBE_VERSION:-1.33.13}
etcd_version=${THV_ETCD_VERSION:-3.6.16}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
out="$cache_root/control-plane/k8s-$kube_version-etcd-$etcd_version"

if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { echo "build_control_plane: go is not installed: install Go 1.24 or newer, or set KUBEBUILDER_ASSETS to a folder with kube-apiserver and etcd" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf 'build_control_plane: %s\n' "$*" >&2; }

# kube-apiserver lives in k8s.io/kubernetes, whose go.mod points its k8s.io/* staging modules at local
# folders. Replace directives only count in the main module, so a throwaway module pins each staging module
# to the published v0.<minor>.<patch> that matches the Kubernetes release.
if [ ! -x "$out/kube-apiserver" ]; then
  log "building kube-apiserver v$kube_version (several minutes on a cold cache)"
  staging_version="v0.${kube_version#1.}"
  minor=${kube_version#1.}; minor=${minor%%.*}
  mkdir -p "$work/kube" && cd "$work/kube"
  go mod init thv.local/kube-build >/dev/null 2>&1
  go mod edit -require="k8s.io/kubernetes@v$kube_version"
  # The staging modules are the k8s.io/* modules that k8s.io/kubernetes requires at v0.0.0.
  gomod=$(go mod download -json "k8s.io/kubernetes@v$kube_version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  staging=$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod" | sort -u)
  [ -n "$staging" ] || { log "found no staging modules in $gomod"; exit 1; }
  for m in $staging; do go mod edit -replace="$m=$m@$staging_version"; done
  printf 'package main\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n' >tools.go
  go mod tidy >/dev/null 2>&1 || go get "k8s.io/kubernetes/cmd/kube-apiserver@v$kube_version" >/dev/null
  go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$out/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$out/kube-apiserver.tmp" "$out/kube-apiserver"
fi

if [ ! -x "$out/etcd" ]; then
  log "building etcd v$etcd_version"
  mkdir -p "$work/etcd" && cd "$work/etcd"
  go mod init thv.local/etcd-build >/dev/null 2>&1
  printf 'package main\n\nimport _ "go.etcd.io/etcd/server/v3/etcdmain"\n' >tools.go
  go get "go.etcd.io/etcd/server/v3@v$etcd_version" >/dev/null 2>&1
  go mod tidy >/dev/null 2>&1
  go build -trimpath -ldflags "-s -w" -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$out/etcd.tmp" "$out/etcd"
fi

echo "$out"
