# Parley's tasks. `just` lists them; the README's commands are `just run` and `just test`.
set shell := ["bash", "-euo", "pipefail", "-c"]

python := ".venv/bin/python"

# List the recipes
default:
    @just --list

# Run Parley embedded: every service in one process, no infrastructure (http://127.0.0.1:8000)
[group('run')]
run: install
    if [ -z "${GATEWAY_STATIC_DIR:-}" ] && [ -f web/dist/widget.js ]; then export GATEWAY_STATIC_DIR="$PWD/web/dist"; fi; \
    {{python}} -m parley run

# Create .venv and install every package, pinned (skipped when nothing changed)
[group('setup')]
install:
    scripts/install.sh

# Everything CI runs: lint, pyright (strict), then unit, integration and e2e tests on real Redis and LocalStack
[group('test')]
test: install lint typecheck
    scripts/test.sh

# Only the fast tests: in-memory adapters, no servers, no language model
[group('test')]
test-unit: install
    {{python}} -m pytest libs services tests -m "not integration and not e2e and not slow" -q

# ruff on everything
[group('check')]
lint: install
    .venv/bin/ruff check libs services src tests bench localstack

# pyright (strict on libs/ and services/*/src)
[group('check')]
typecheck: install
    .venv/bin/pyright

# Start / stop LocalStack in host mode (SQS + S3 on 127.0.0.1:4566) with Parley's queues and bucket
[group('infra')]
localstack-up:
    localstack/run.sh start

[group('infra')]
localstack-down:
    localstack/run.sh stop

# Benchmarks (numbers beside a baseline measured in the same run; never part of CI)
[group('bench')]
bench-nlu: install
    {{python}} bench/nlu_parse.py

# Build every image from docker/Dockerfile: each service's, and cli (the `parley` command); needs Docker with BuildKit
[group('deploy')]
images:
    for target in gateway dialogue notifier nlu nlu-trainer logger analytics cli; do \
      docker build -f docker/Dockerfile --target "$target" -t "parley/$target:local" . ; \
    done

# Parley as microservices on Docker: MongoDB, Redis, LocalStack and every service (http://127.0.0.1:8000)
[group('deploy')]
up:
    #!/usr/bin/env bash
    set -euo pipefail
    # compose reads .env itself, but an exported variable wins over it: generate a token only when
    # neither the environment nor .env gives one.
    if [ -z "${PARLEY_ADMIN_TOKEN:-}" ] \
      && ! grep -qsE "^[[:space:]]*(export[[:space:]]+)?PARLEY_ADMIN_TOKEN=[\"']?[^\"'[:space:]#]" .env; then
      PARLEY_ADMIN_TOKEN="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
      export PARLEY_ADMIN_TOKEN
      echo "up: admin token (shown once; put PARLEY_ADMIN_TOKEN in .env to choose your own): $PARLEY_ADMIN_TOKEN"
    fi
    docker compose up --build --detach --wait
    echo "up: Parley is at http://127.0.0.1:8000 (just down stops it and removes its data)"

# Stop the compose stack and remove its containers and volumes
[group('deploy')]
down:
    docker compose down --volumes --remove-orphans

# Lint, render and validate every Helm chart for dev, staging and prod; check compose, images, Argo CD
[group('deploy')]
helm-check: install
    {{python}} -m pytest tests/deploy -q -p no:cacheprovider

# Refresh the setting names in helm/values.schema.json, its copies in the service charts, and the jobs chart's schema
[group('deploy')]
helm-schema: install
    {{python}} helm/sync_schema.py

# Build the console and the chat widget into web/dist (skipped when web/ is unchanged; --force rebuilds)
[group('web')]
web-build *args:
    scripts/build-web.sh {{args}}

# The web frontend's unit tests (vitest) and type check
[group('web')]
web-test: web-build
    cd web && npx tsc --noEmit && npx vitest run

# Vite dev server for the console (http://127.0.0.1:5173/console/), talking to `just run` on :8000
[group('web')]
web-dev: web-build
    cd web && npx vite --host 127.0.0.1

# Browser tests only: Playwright drives Debian's Chromium against an embedded Parley
[group('web')]
test-browser: install web-build
    {{python}} -m pytest tests/browser -q -p no:cacheprovider

# Retake docs/screenshots/*.png from the browser tests
[group('web')]
screenshots: install web-build
    PARLEY_SCREENSHOTS="$PWD/docs/screenshots" {{python}} -m pytest tests/browser -q -p no:cacheprovider
