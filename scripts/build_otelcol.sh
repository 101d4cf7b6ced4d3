#!/usr/bin/env bash
# Builds an OpenTelemetry Collector (OTLP receiver, debug exporter) with the collector's own builder
# (go.opentelemetry.io/collector/cmd/builder), once, from the Go module proxy into a cache outside the repository,
# and prints the binary's path. tests/telemetry_test.ts sends the proxy's spans to it. Rerunning does nothing.
# `--where` prints the path without building (the tests look for the binary there).
#
#   THV_OTELCOL_VERSION  collector version (default 0.165.0)
#   THV_CACHE_DIR        cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail

version=${THV_OTELCOL_VERSION:-0.165.0}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
out="$cache_root/otelcol/$version"
bin="$out/otelcol-thv"
if [ "${1:-}" = --where ]; then
  echo "$bin"
  exit 0
fi
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || {
  echo "build_otelcol: go is not installed: install Go 1.24 or newer, or put an otelcol binary at $bin" >&2
  exit 1
}
mkdir -p "$out"
exec 9>"$out.lock"
flock 9 # one build at a time per cache; whoever waited finds the binary there
if [ ! -x "$bin" ]; then
  echo "build_otelcol: building the OpenTelemetry Collector v$version from the Go module proxy (a few minutes)" >&2
  work="$out/src"
  rm -rf "$work"
  mkdir -p "$work"
  GOBIN="$out/tools" CGO_ENABLED=0 go install -trimpath "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
  cat >"$work/manifest.yaml" <<MANIFEST
dist:
  name: otelcol-thv
  description: OpenTelemetry Collector for thv's telemetry tests (OTLP in, debug out)
  output_path: $work/dist
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$version
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v$version
MANIFEST
  (cd "$work" && CGO_ENABLED=0 "$out/tools/builder" --config manifest.yaml >&2)
  mv "$work/dist/otelcol-thv" "$bin.tmp"
  mv "$bin.tmp" "$bin"
  rm -rf "$work"
fi
echo "$bin"
