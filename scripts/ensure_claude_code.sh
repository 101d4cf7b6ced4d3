#!/usr/bin/env bash
# Prints the path of a Claude Code CLI (`claude`, from the npm package @anthropic-ai/claude-code): a real MCP client
# that tests/client_claude_code_test.ts lets read the config file thv writes. A pinned version, npm-installed once into
# the cache and reused while it answers --version. It is only run with `claude mcp get|list` on a private HOME: no
# login, no model, only the loopback MCP server it checks.
#
#   THV_CLAUDE_CODE_VERSION  version to install (default 2.1.197)
#   THV_CACHE_DIR            cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/thv)
set -euo pipefail
version=${THV_CLAUDE_CODE_VERSION:-2.1.197}
cache_root=${THV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv}
dir="$cache_root/claude-code-$version"
bin="$dir/node_modules/.bin/claude"
if [ ! -x "$bin" ] || ! HOME="$dir" "$bin" --version 2>/dev/null | grep -q "$version"; then
  command -v npm >/dev/null || { echo "ensure_claude_code: npm is missing: install Node.js (Debian's nodejs and npm)" >&2; exit 1; }
  rm -rf "$dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent "@anthropic-ai/claude-code@$version" >&2 ||
    { echo "ensure_claude_code: npm install @anthropic-ai/claude-code@$version failed: see the lines above" >&2; exit 1; }
  HOME="$dir" "$bin" --version >/dev/null ||
    { echo "ensure_claude_code: claude $version does not run from $dir" >&2; exit 1; }
fi
echo "$bin"
