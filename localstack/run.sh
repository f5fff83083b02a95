#!/usr/bin/env bash
# LocalStack (SQS + S3) in host mode, for tests and local runs without Docker.
#
#   localstack/run.sh start   # build/reuse the venv, start if nothing answers, wait until ready, create queues/bucket
#   localstack/run.sh stop    # stop the LocalStack this script started (pid file), nothing else
#   localstack/run.sh status  # exit 0 when sqs and s3 answer
#   localstack/run.sh serve PORT  # a private SQS-only LocalStack in the foreground (fault tests stop
#                                 # and restart one without touching the shared one on 4566)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PARLEY_CACHE:-$HOME/.cache/parley}"
VENV="$CACHE/localstack-venv"
VAR="$ROOT/var"
PID_FILE="$VAR/localstack.pid"
LOG_FILE="$VAR/localstack.log"
HEALTH_URL="http://127.0.0.1:4566/_localstack/health"
WAIT_SECONDS=90
# localstack-core 2026.3.0 declares Python >=3.10 but imports `warnings.deprecated` (3.13+) in one
# module; the launcher provides typing_extensions' identical decorator on 3.12 before starting it.
LAUNCHER='import runpy, warnings, typing_extensions
if not hasattr(warnings, "deprecated"):
    warnings.deprecated = typing_extensions.deprecated
runpy.run_module("localstack.runtime.main", run_name="__main__", alter_sys=True)'
IMPORT_CHECK='import warnings, typing_extensions
if not hasattr(warnings, "deprecated"):
    warnings.deprecated = typing_extensions.deprecated
import localstack.runtime.main, localstack.aws.components'
PACKAGES=('localstack-core[runtime]==2026.3.0' cbor2==5.9.0 cryptography==44.0.3 pyopenssl==24.3.0
          joserfc==1.4.3 service-identity==24.2.0)

find_python312() {
  local pyenv_python=/root/.pyenv/versions/3.12.1/bin/python3.12
  if [[ -x "$pyenv_python" ]]; then echo "$pyenv_python"; return; fi
  if command -v python3.12 >/dev/null; then command -v python3.12; return; fi
  echo "localstack: Python 3.12 is required (pyenv 3.12.1 or python3.12 on PATH)" >&2
  exit 1
}

ensure_venv() {
  if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c "$IMPORT_CHECK" 2>/dev/null; then
    return
  fi
  echo "localstack: building $VENV"
  "$(find_python312)" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "${PACKAGES[@]}"
}

# True when both sqs and s3 report "available" or "running".
ready() {
  local body
  body="$(curl -fsS -m 2 "$HEALTH_URL" 2>/dev/null)" || return 1
  "$VENV/bin/python" - "$body" <<'PY' 2>/dev/null
import json, sys
services = json.loads(sys.argv[1]).get("services", {})
ok = all(services.get(name) in ("available", "running") for name in ("sqs", "s3"))
sys.exit(0 if ok else 1)
PY
}

answers() {
  curl -fsS -m 2 "$HEALTH_URL" >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until ready; do
    if ((SECONDS >= deadline)); then
      echo "localstack: sqs/s3 not ready after ${WAIT_SECONDS}s; see $LOG_FILE" >&2
      exit 1
    fi
    if [[ -f "$PID_FILE" ]] && ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      echo "localstack: process exited; see $LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 1
  done
}

start() {
  ensure_venv
  mkdir -p "$VAR"
  if answers; then
    echo "localstack: already answering on 127.0.0.1:4566"
  else
    echo "localstack: starting (log: $LOG_FILE)"
    (
      cd "$VAR"
      DISABLE_EVENTS=1 SERVICES=sqs,s3 GATEWAY_LISTEN=127.0.0.1:4566 \
        nohup "$VENV/bin/python" -c "$LAUNCHER" >>"$LOG_FILE" 2>&1 &
      echo $! >"$PID_FILE"
    )
  fi
  wait_ready
  AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}" \
    "$VENV/bin/python" "$ROOT/localstack/init/ready.d/parley_init.py"
  echo "localstack: ready"
}

stop() {
  if [[ ! -f "$PID_FILE" ]]; then
    echo "localstack: no pid file; not stopping anything this script did not start"
    return
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  # A stale pid file may name a process that is not ours any more: check before killing.
  if kill -0 "$pid" 2>/dev/null && ps -o args= -p "$pid" | grep -q "localstack.runtime.main"; then
    kill "$pid"
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    echo "localstack: stopped (pid $pid)"
  fi
  rm -f "$PID_FILE"
}

# exec: the caller's pid is LocalStack's, so it can kill it abruptly (a broker crash). Its own
# FILESYSTEM_ROOT keeps it from clearing the shared instance's temporary directory when it starts.
serve() {
  local port="${1:?usage: $0 serve PORT}"
  [[ -x "$VENV/bin/python" ]] || ensure_venv
  mkdir -p "$VAR"
  exec env DISABLE_EVENTS=1 SERVICES=sqs GATEWAY_LISTEN="127.0.0.1:$port" \
    FILESYSTEM_ROOT="${FILESYSTEM_ROOT:-$VAR/localstack-$port}" "$VENV/bin/python" -c "$LAUNCHER"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) ensure_venv && ready ;;
  serve) serve "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|serve PORT" >&2; exit 2 ;;
esac
