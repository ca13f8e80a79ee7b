#!/usr/bin/env bash
# The whole side-by-side comparison in one command: the hub, @neo4j/graphql 7 (Apollo Server) and
# raw Cypher on the seed graph and on a 100,000-organisation synthetic graph, each in its own
# managed Neo4j. Writes bench/results/compare-{seed,synthetic-100k}.{md,json} and compare.png.
# Takes about 30 minutes (plus a few for the first load of the synthetic graph). The peer runs as
# many Node processes as the hub has uvicorn workers (PEER_WORKERS, default HUB_WORKERS).
#   SECONDS_PER_RUN=5 ROUNDS=2 HUB_WORKERS=2 bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || bash .ci/setup.sh
command -v wrk >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
echo "==> benchmark dependencies (matplotlib) and the peer (npm ci from bench/peer/package-lock.json)"
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)

run() {  # graph-name hub-home bolt-port heap
  export HUB_HOME="$PWD/$2" HUB_NEO4J_BOLT_PORT="$3" HUB_NEO4J_HEAP="$4" HUB_NEO4J_PAGECACHE=1g
  .venv/bin/hub db start
  .venv/bin/python -m bench.compare --graph "$1" --seconds "${SECONDS_PER_RUN:-3}" \
    --rounds "${ROUNDS:-2}" --hub-workers "${HUB_WORKERS:-2}" --peer-workers "${PEER_WORKERS:-${HUB_WORKERS:-2}}"
  .venv/bin/hub db stop
}

echo "==> the seed graph"
HUB_HOME="$PWD/.hub/bench-seed" HUB_NEO4J_BOLT_PORT=7737 .venv/bin/hub db start
HUB_HOME="$PWD/.hub/bench-seed" HUB_NEO4J_BOLT_PORT=7737 .venv/bin/hub seed
run seed .hub/bench-seed 7737 1g

echo "==> the synthetic graph of 100,000 organisations"
export HUB_HOME="$PWD/.hub/bench" HUB_NEO4J_BOLT_PORT=7717 HUB_NEO4J_HEAP=3g
.venv/bin/hub db start
if [ "$(.venv/bin/python -m bench.count_organisations)" != "100000" ]; then
  .venv/bin/hub seed --synthetic 100000 --seed 7
fi
run synthetic-100k .hub/bench 7717 3g

.venv/bin/python -m bench.chart
