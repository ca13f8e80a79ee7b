#!/usr/bin/env bash
# Sets up everything the hub and its tests need on a fresh clone: system packages (Maven, Node.js,
# Chromium, Redis), the virtual environment, the package, the explorer's front-end libraries, the Neo4j
# server jars, the benchmark's peer and the GraphQL-over-HTTP audit the tests run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The explorer's browser tests drive Debian's Chromium (Playwright's own browser download cannot work here).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# Replicas share their rate limit and key revocations through Redis; the tests start Debian's server.
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# ... and Chinese names need a CJK font to render in it.
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing system packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}";
  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}"; fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
echo "==> installing the hub and its development tools into .venv"
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'

echo "==> fetching the Neo4j server (cached after the first time)"
.venv/bin/hub db fetch

echo "==> building the explorer's front-end libraries (pinned by hub/explorer/package-lock.json)"
(cd hub/explorer && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)

echo "==> installing the benchmark's peer, @neo4j/graphql 7 (pinned by bench/peer/package-lock.json)"
(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)

echo "==> installing the GraphQL-over-HTTP audit, graphql-http (pinned by tests/http/audit/package-lock.json)"
(cd tests/http/audit && npm ci --no-audit --no-fund --loglevel=error)
