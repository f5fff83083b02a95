"""Every process a service can run is deployed: a new entry point without an image, a compose
service and a chart fails here (dialogue's notification worker, for one, will need all three).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.deployables import BUILD_TOOLS, DEPLOYABLES, ROOT, Deployable

_MAIN_GUARD = re.compile(r"^if __name__ == [\"']__main__[\"']:", re.MULTILINE)


def entry_points() -> set[str]:
    """Modules under services/*/src that `python -m` can run."""
    found: set[str] = set()
    for src in ROOT.glob("services/*/src"):
        for path in src.rglob("*.py"):
            parts = path.relative_to(src).with_suffix("").parts
            if path.name == "__main__.py":
                found.add(".".join(parts[:-1]))
            elif _MAIN_GUARD.search(path.read_text()):
                found.add(".".join(parts))
    return found


def test_every_entry_point_of_the_services_is_deployed_or_a_build_tool() -> None:
    deployed = {d.module for d in DEPLOYABLES}
    missing = entry_points() - deployed - BUILD_TOOLS
    assert not missing, (
        f"{sorted(missing)} can run as processes but are not deployed: add them to "
        "tests/deploy/deployables.py, docker/Dockerfile, compose.yaml, helm/ and deploy/argocd/"
    )


def test_every_deployed_module_exists() -> None:
    for deployable in DEPLOYABLES:
        assert importlib.util.find_spec(deployable.module) is not None, deployable.module
    assert entry_points() >= {d.module for d in DEPLOYABLES} | BUILD_TOOLS


BAD_INFRA = {"REDIS_MAX_CONNECTIONS": "lots"}
"""A bad value of a setting every process reads; nothing is connected to before it is found."""
BAD_WORKER = {"WORKER_BATCH_SIZE": "99"}


def _run_module(module: str, environ: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module],
        env={"PATH": os.environ["PATH"], "PARLEY_DATA_DIR": str(tmp_path), **environ},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=lambda d: d.module)
def test_every_deployed_process_lists_its_bad_settings_as_parley_run_does(
    deployable: Deployable, tmp_path: Path
) -> None:
    bad = {**BAD_INFRA, **(BAD_WORKER if deployable.is_worker else {})}
    result = _run_module(deployable.module, bad, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    listed = result.stderr.partition("invalid settings:\n")[2].splitlines()
    assert [line.partition("=")[0].strip() for line in listed] == sorted(bad)


def test_a_setting_found_bad_while_the_app_is_built_is_reported_so_too(tmp_path: Path) -> None:
    # The dialogue parses its webhook networks when it builds its app, after the check at start.
    result = _run_module("parley_dialogue", {"PARLEY_WEBHOOK_ALLOW_NETWORKS": "nowhere"}, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "invalid settings:\n  PARLEY_WEBHOOK_ALLOW_NETWORKS: 'nowhere'" in result.stderr


def test_the_model_export_of_an_image_build_lists_its_bad_settings_too(tmp_path: Path) -> None:
    result = _run_module("parley_nlu.export", {"NLU_ENCODER": "bogus"}, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "invalid settings:\n  NLU_ENCODER='bogus'" in result.stderr
