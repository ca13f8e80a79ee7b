#!/usr/bin/env bash
# Sets up everything the hub and its tests need on a fresh clone: system packages (Maven, a JDK
# for Neo4j if none is new enough), the virtual environment, the package, and the Neo4j server jars.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing system packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q "${need_apt[@]}";
  else sudo apt-get update -q && sudo apt-get install -y -q "${need_apt[@]}"; fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
echo "==> installing the hub and its development tools into .venv"
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'

echo "==> fetching the Neo4j server (cached after the first time)"
.venv/bin/hub db fetch
