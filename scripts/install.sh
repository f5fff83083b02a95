#!/usr/bin/env bash
# Create .venv and install every Parley package (editable) with pinned dependencies.
# Re-running is cheap: nothing is installed when the requirement files have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  for candidate in python3.11 python3.12 python3.13; do
    if command -v "$candidate" >/dev/null; then python=$candidate; break; fi
  done
fi

if [ ! -x .venv/bin/python ]; then
  echo "install: creating .venv with $("$python" --version)"
  "$python" -m venv .venv
fi

# The web console and chat widget (web/dist); its own content-hash stamp, so it runs every time.
scripts/build-web.sh

stamp=.venv/.parley-installed
inputs=$(cat requirements/*.txt pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then
  exit 0
fi

echo "install: installing Parley and its pinned dependencies into .venv (first time: a few minutes)"
.venv/bin/python -m pip install --quiet --upgrade pip
# torch is pinned to the CPU build (constraints.txt: torch==<version>+cpu); any other build pulls
# multi-GB CUDA libraries. PyPI has no +cpu builds: when pip's own configuration (an index or
# find-links) does not provide the pin, add PyTorch's CPU index. Only then, because every index is
# asked about every package, and an unreachable one costs retries on each.
torch_pin=$(grep -m1 '^torch==' requirements/constraints.txt)
torch_index=()
if ! .venv/bin/python -m pip install --quiet --dry-run --no-deps --ignore-installed "$torch_pin" >/dev/null 2>&1; then
  echo "install: $torch_pin not found through pip's configuration; adding https://download.pytorch.org/whl/cpu"
  torch_index=(--extra-index-url https://download.pytorch.org/whl/cpu)
fi
.venv/bin/python -m pip install --quiet \
  ${torch_index[@]+"${torch_index[@]}"} \
  -c requirements/constraints.txt \
  "$torch_pin" \
  -e libs/messages -e libs/runtime \
  -e services/gateway -e services/dialogue -e services/nlu -e services/logger -e services/analytics \
  -e . \
  -r requirements/dev.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
# pipefail (set above) makes a failed pip fail this script; grep only filters pip's noise.
.venv/bin/python -c "import parley, parley_gateway, parley_dialogue, parley_nlu, parley_logger, parley_analytics"
echo "$inputs" > "$stamp"
