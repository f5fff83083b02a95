"""Every process a service can run is deployed: a new entry point without an image, a compose
service and a chart fails here (dialogue's notification worker, for one, will need all three).
"""

from __future__ import annotations

import importlib.util
import re

from tests.deploy.deployables import BUILD_TOOLS, DEPLOYABLES, ROOT

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
