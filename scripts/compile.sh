#!/usr/bin/env bash
# `deno task compile`: builds the single thv binary at dist/thv with `deno compile`. deno compile needs the
# `denort` runtime for the target: it honours DENORT_BIN (a denort binary of the same Deno version), and
# otherwise downloads denort from Deno's site, which only works where that site is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DENORT_BIN:-}" ] && [ ! -x "$DENORT_BIN" ]; then
  echo "compile: DENORT_BIN=$DENORT_BIN is not an executable: point it at the denort binary of Deno $(deno --version | head -1 | cut -d' ' -f2)" >&2
  exit 1
fi
mkdir -p dist
# The modules thv loads with lazyImport are out of the graph deno compile follows: include them by name.
includes=()
while read -r module; do includes+=(--include "$module"); done < <(deno run --allow-read scripts/lazy_modules.ts)
# The web UI's built files, which thv serve reads at start (roles/serve/static.ts).
includes+=(--include roles/serve/ui/dist)
# Swagger UI's files, which /api/doc serves from the npm package (roles/serve/routes/api_doc.ts).
includes+=(--include node_modules/swagger-ui-dist/swagger-ui-bundle.js --include node_modules/swagger-ui-dist/swagger-ui.css)
# --v8-flags is baked into the binary: the V8 flags of lib/config/self.ts (THV_V8_FLAGS, decision 013).
if ! deno compile --frozen --allow-env --allow-read --allow-write --allow-net --allow-sys --allow-run \
  --v8-flags=--max-semi-space-size=4 "${includes[@]}" --output dist/thv main.ts; then
  echo "compile: deno compile failed; without DENORT_BIN it must download denort from Deno's site: set DENORT_BIN to a denort binary of the same Deno version, or run thv from source with 'deno task thv'" >&2
  exit 1
fi
echo "compile: built dist/thv"
