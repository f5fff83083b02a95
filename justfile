# Parley's tasks. `just` lists them; the README's commands are `just run` and `just test`.
set shell := ["bash", "-euo", "pipefail", "-c"]

python := ".venv/bin/python"

# List the recipes
default:
    @just --list

# Run Parley embedded: every service in one process, no infrastructure (http://127.0.0.1:8000)
[group('run')]
run: install
    {{python}} -m parley run

# Create .venv and install every package, pinned (skipped when nothing changed)
[group('setup')]
install:
    scripts/install.sh

# Everything CI runs: lint, then unit, integration and e2e tests on real Redis and LocalStack
[group('test')]
test: install lint
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
