#!/usr/bin/env bash
# Run every test against real servers: redis-server and LocalStack (host mode), started if needed
# and stopped afterwards if this script started them.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
  if ! command -v redis-server >/dev/null; then
    echo "test: installing redis-server"
    (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null
  fi
  echo "test: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --logfile "$PWD/var/redis.log"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return; sleep 0.2; done
  echo "test: redis-server did not start" >&2; exit 1
}

ensure_chromium() {
  if command -v chromium >/dev/null; then return; fi
  echo "test: installing chromium (browser tests)"
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
}

ensure_redis
ensure_chromium
localstack/run.sh start
trap 'localstack/run.sh stop' EXIT

export AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
export PARLEY_TEST_REDIS_URL=${PARLEY_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export PARLEY_REQUIRE_REAL_BACKENDS=1

# The web frontend was built (scripts/install.sh): its unit tests run, and its browser tests must.
if [ -f web/dist/widget.js ] && [ -d web/node_modules ]; then
  export PARLEY_REQUIRE_BROWSER=1
  (cd web && npx vitest run --reporter=dot --silent) >var/web-test.log 2>&1 || { cat var/web-test.log >&2; echo "test: web unit tests failed" >&2; exit 1; }
fi

status=0
.venv/bin/python -m pytest libs services tests -p no:cacheprovider "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "test: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
