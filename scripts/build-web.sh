#!/usr/bin/env bash
# Build the web frontend (the console and the chat widget) into web/dist, which `just run` serves.
# Skipped when nothing under web/ changed since the last build; without a suitable Node.js it only
# prints a note (the gateway's built-in chat page still works). `--force` rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v npm >/dev/null || ! node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22 ? 0 : 1);
' 2>/dev/null; then
  if [ ! -f dist/widget.js ]; then
    echo "install: Node.js >= 20.19 with npm not found; skipping the web console and widget (the built-in chat page still works)"
  fi
  exit 0
fi

hash_of() { find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
deps=$(hash_of package.json package-lock.json)
sources=$(hash_of package.json package-lock.json tsconfig.json vite.config.ts vite.widget.config.ts console public src)
log=../var/web-build.log
mkdir -p ../var

if [ "$(cat node_modules/.parley-deps 2>/dev/null)" != "$deps" ]; then
  echo "install: installing the web frontend's npm packages (web/node_modules)"
  npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  echo "$deps" > node_modules/.parley-deps
fi

if [ "${1:-}" = "--force" ] || [ "$(cat node_modules/.parley-built 2>/dev/null)" != "$sources" ] || [ ! -f dist/widget.js ]; then
  echo "install: building the web console and widget (web/dist)"
  npm run --silent build >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  echo "$sources" > node_modules/.parley-built
fi
