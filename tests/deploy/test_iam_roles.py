"""docs/deployment.md's IAM table grants each role what its code does, no more: compose and
LocalStack do not check IAM, so a message routed to a queue its publisher's role cannot reach would
fail only in AWS (the dialogue's `BotDeleted`, sent to the logger and analytics, once did).

Who publishes which message is declared below and checked against the code: every routed message
has a publisher, and every message a service's package builds is published by one of its roles.
The queues come from `parley_messages.ROUTES`, so a new route changes what the table must say.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from parley_messages import ROUTES, Message
from parley_messages.events import BotDeleted, ModelPublished, SendWebhook, TrainModel, TurnCompleted
from parley_messages.routing import dead_letter_queue
from tests.deploy.deployables import BY_NAME, DEPLOYABLES, ROOT

DEPLOYMENT = ROOT / "docs" / "deployment.md"
OPERATIONS = ROOT / "docs" / "operations.md"
JOBS = "jobs"
"""The role of `helm/parley-jobs` (backups and transcript archives): not a deployable."""

SEND = frozenset({"SendMessage", "GetQueueUrl"})
"""`SqsBus.publish` and `dead_letter`: the queue's URL, then the message (a batch is `SendMessage` too)."""
CONSUME = frozenset(
    {"ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueUrl", "GetQueueAttributes"}
)
"""A worker on its queue: receive, ack (`DeleteMessage`, batched), extend a lease or retry later
(`ChangeMessageVisibility`), and KEDA reading the depth with the worker's role (`GetQueueAttributes`)."""

PUBLISHES: dict[str, frozenset[type[Message]]] = {
    "gateway": frozenset({TurnCompleted, TrainModel, ModelPublished}),
    "dialogue": frozenset({SendWebhook, BotDeleted}),
    "nlu-trainer": frozenset({ModelPublished}),
}
"""The messages each role sends; a role not named sends none."""

FORWARDED: dict[tuple[str, type[Message]], str] = {
    ("gateway", ModelPublished): "the NLU builds it when an earlier model is published again, and "
    "the gateway sends it (routes/models.py): the NLU serving has no queue",
}
"""Messages a role sends without its package building them."""

OBJECTS: dict[str, frozenset[tuple[str, str]]] = {
    "gateway": frozenset({("PutObject", "datasets/*")}),  # training.py: the dataset snapshot
    "nlu": frozenset({("GetObject", "models/*"), ("ListBucket", "bucket")}),  # service.py: a model's load
    "nlu-trainer": frozenset(
        {
            ("GetObject", "datasets/*"),  # handlers.py: reads the snapshot
            ("PutObject", "models/*"),  # and writes the model
            ("DeleteObject", "datasets/*"),  # deletion.py: a deleted bot's snapshots
            ("DeleteObject", "models/*"),  # and its retired models
            ("ListBucket", "bucket"),
        }
    ),
    JOBS: frozenset(
        {
            ("ListBucket", "bucket"),
            ("GetObject", "backups/*"),  # parley restore
            ("PutObject", "backups/*"),  # parley backup
            ("GetObject", "transcripts/*"),  # the archive merges into a day's archive
            ("PutObject", "transcripts/*"),
            ("DeleteObject", "transcripts/*"),  # a deleted bot's archives
            ("GetObject", "models/*"),  # a backup copies the model artifacts
            ("PutObject", "models/*"),  # a restore puts back those the bucket lacks
        }
    ),
}
"""The S3 actions each role needs; a role not named touches no object. `ListBucket` makes a missing
object a 404 (`NotFoundError`), which the code reads as missing, rather than a 403."""

SOURCES: dict[str, tuple[Path, ...]] = {
    JOBS: (ROOT / "src" / "parley", ROOT / "services" / "logger" / "src" / "parley_logger"),
}
"""Where a role's code is, for the roles that are not a deployable's package."""

Grants = dict[str, frozenset[str]]
"""Resource (a queue name without its prefix, an S3 prefix like `models/*`, or `bucket`) -> actions."""


def role_sources(role: str) -> tuple[Path, ...]:
    if role in SOURCES:
        return SOURCES[role]
    package = BY_NAME[role].package
    return tuple(ROOT.glob(f"services/*/src/{package}"))


@cache
def documented_roles() -> dict[str, tuple[Grants, Grants]]:
    """The table's rows: role -> (SQS grants, S3 grants)."""
    text = DEPLOYMENT.read_text()
    header = "| role | SQS | S3 (bucket `parley-<env>-…`) |"
    assert header in text, f"docs/deployment.md has no IAM table starting {header!r}"
    lines = text[text.index(header) :].splitlines()[2:]
    roles: dict[str, tuple[Grants, Grants]] = {}
    for line in lines:
        if not line.startswith("|"):
            break
        role, sqs, s3 = (cell.strip() for cell in line.strip("|").split("|"))
        assert role not in roles, f"the IAM table has two rows for {role}"
        roles[role] = (parse_grants(sqs, queue=True), parse_grants(s3, queue=False))
    return roles


def parse_grants(cell: str, *, queue: bool) -> Grants:
    """A cell's grants: `A`, `B` on `<p>q1` and `<p>q2`; `C` on the bucket -> {q1: {A, B}, q2: {A, B},
    bucket: {C}}. A remark in brackets without code in it is ignored, as is a cell that says none."""
    cell = re.sub(r"\s*\([^()`]*\)", "", cell).strip()
    grants: dict[str, set[str]] = {}
    if cell == "none":
        return {}
    for clause in cell.split(";"):
        actions_text, on, targets_text = clause.partition(" on ")
        actions = re.findall(r"`([A-Za-z]+)`", actions_text)
        assert on and actions, f"cannot read {clause.strip()!r}: write `Action`, ... on `resource`, ..."
        targets = re.findall(r"`([^`]+)`", targets_text)
        if not queue and targets_text.strip() == "the bucket":
            targets = ["bucket"]
        assert targets, f"{clause.strip()!r} names no resource"
        if queue:
            assert all(t.startswith("<p>") for t in targets), f"{targets}: queues are written `<p>name`"
            targets = [target.removeprefix("<p>") for target in targets]
        for target in targets:
            grants.setdefault(target, set()).update(actions)
    return {target: frozenset(actions) for target, actions in grants.items()}


def expected_queues(role: str) -> Grants:
    grants: dict[str, set[str]] = {}
    for message in PUBLISHES.get(role, ()):
        for queue in ROUTES[message]:
            grants.setdefault(queue, set()).update(SEND)
    deployable = BY_NAME.get(role)
    if deployable is not None and deployable.queue is not None:
        grants.setdefault(deployable.queue, set()).update(CONSUME)
        grants.setdefault(dead_letter_queue(deployable.queue), set()).update(SEND)
    return {queue: frozenset(actions) for queue, actions in grants.items()}


def expected_objects(role: str) -> Grants:
    grants: dict[str, set[str]] = {}
    for action, target in OBJECTS.get(role, ()):
        grants.setdefault(target, set()).add(action)
    return {target: frozenset(actions) for target, actions in grants.items()}


def python_files(role: str) -> Iterator[Path]:
    for source in role_sources(role):
        yield from source.rglob("*.py")


def built_messages(path: Path) -> set[type[Message]]:
    """The routed messages a module constructs, by the names it imports from parley_messages."""
    tree = ast.parse(path.read_text())
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("parley_messages")
        for alias in node.names
    }
    by_name = {message.__name__: message for message in ROUTES}
    return {
        by_name[node.func.id]
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in by_name
        and node.func.id in imported
    }


def roles() -> list[str]:
    return [*(deployable.name for deployable in DEPLOYABLES), JOBS]


def test_the_table_has_one_row_per_role() -> None:
    assert sorted(documented_roles()) == sorted(roles())


@pytest.mark.parametrize("role", roles())
def test_each_role_gets_the_queues_it_uses(role: str) -> None:
    sqs, _ = documented_roles()[role]
    assert sqs == expected_queues(role)


@pytest.mark.parametrize("role", roles())
def test_each_role_gets_the_objects_it_uses(role: str) -> None:
    _, s3 = documented_roles()[role]
    assert s3 == expected_objects(role)


def test_every_routed_message_has_a_publisher() -> None:
    published = {message for messages in PUBLISHES.values() for message in messages}
    assert set(ROUTES) - published == set(), "say which role publishes it in PUBLISHES"


def test_every_message_a_service_builds_is_published_by_one_of_its_roles() -> None:
    for deployable in DEPLOYABLES:
        built = {message for path in python_files(deployable.name) for message in built_messages(path)}
        siblings = [d.name for d in DEPLOYABLES if d.package == deployable.package]
        published = {message for role in siblings for message in PUBLISHES.get(role, ())}
        assert built - published == set(), f"{deployable.package} builds them: add them to PUBLISHES"


def test_a_role_publishes_only_what_its_code_builds_or_forwards() -> None:
    for role, messages in PUBLISHES.items():
        built = {message for path in python_files(role) for message in built_messages(path)}
        forwarded = {message for (sender, message) in FORWARDED if sender == role}
        assert messages - built - forwarded == set(), role


def test_the_jobs_publish_nothing() -> None:
    assert {message for path in python_files(JOBS) for message in built_messages(path)} == set()


def test_each_object_prefix_granted_is_one_the_code_writes_keys_under() -> None:
    code = "\n".join(path.read_text() for role in roles() for path in python_files(role))
    for role, grants in OBJECTS.items():
        for prefix in {target.removesuffix("*") for _, target in grants if target != "bucket"}:
            assert re.search(rf"""f?["']{re.escape(prefix)}""", code), (
                f"{role}: no key is made under {prefix}"
            )


def test_the_bucket_paragraph_names_every_prefix_a_role_is_granted() -> None:
    text = DEPLOYMENT.read_text()
    paragraph = text[text.index("**S3.**") : text.index("**IAM roles for service accounts.**")]
    named = set(re.findall(r"`([a-z]+/)`", paragraph))
    granted = {target.removesuffix("*") for grants in OBJECTS.values() for _, target in grants}
    assert named == granted - {"bucket"}


def test_the_jobs_policy_in_operations_md_grants_what_the_table_says() -> None:
    """docs/operations.md spells the jobs' role out as a policy document; it must agree."""
    blocks = re.findall(r"```json\n(.*?)```", OPERATIONS.read_text(), re.DOTALL)
    policies = [json.loads(block) for block in blocks if '"Statement"' in block]
    assert len(policies) == 1, "docs/operations.md should hold one IAM policy, the jobs'"
    granted: set[tuple[str, str]] = set()
    for statement in policies[0]["Statement"]:
        actions, resources = statement["Action"], statement["Resource"]
        for action in [actions] if isinstance(actions, str) else actions:
            for resource in [resources] if isinstance(resources, str) else resources:
                _, _, path = resource.removeprefix("arn:aws:s3:::").partition("/")
                granted.add((action.removeprefix("s3:"), path or "bucket"))
    assert granted == OBJECTS[JOBS]
