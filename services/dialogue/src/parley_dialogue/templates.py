"""Reply, prompt and webhook templates: Jinja2 in a sandbox with bounded work (`sandbox.py`).

Bot authors are not trusted. Templates are checked when a bot is saved (no Python internals, an
allow-list of filters, no macros or includes, loops nested at most twice) and every render runs
under a budget: a deadline, a cap on loop iterations, on the size of every intermediate value
and on the output. Missing values are empty wherever they are used (ACF behaviour, `undefined.py`).

A message template splits into bubbles where its author wrote `###`, in its text or in a string it
prints (ACF's fallback picks one of `["Sorry ### I'm having trouble…", …] | random`), never where a
printed value holds one: a user's reply or a webhook's answer cannot forge a bubble of the bot's.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Generator, Mapping
from functools import lru_cache
from typing import Any, cast

from jinja2 import Template, TemplateSyntaxError, nodes

from parley_dialogue.errors import TemplateError
from parley_dialogue.escaping import Landing, escaped_for
from parley_dialogue.sandbox import FORBIDDEN_ATTRIBUTES, budget, environment, guarded
from parley_runtime.errors import InvalidInputError

MAX_SOURCE_CHARS = 10_000
MAX_OUTPUT_CHARS = 10_000
MAX_LOOP_DEPTH = 2
RENDER_SECONDS = 0.05
_TAG = re.compile(r"\{[{%#]")
"""Where a tag, statement or comment starts (Jinja's default delimiters; no line statements)."""
_FORBIDDEN_NODES = (
    nodes.Macro,
    nodes.CallBlock,
    nodes.FilterBlock,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Extends,
    nodes.Block,
    nodes.NSRef,
    nodes.ExprStmt,
    nodes.EvalContextModifier,
)
_FORBIDDEN_NAMES = frozenset(
    [
        "self",
        "namespace",
        "lipsum",
        "cycler",
        "joiner",
        "config",
        "request",
        "caller",
        "varargs",
        "kwargs",
        "environment",
    ]
)

SECRETS = "secrets"
SECRETS_ONLY_IN_HEADERS = (
    "'secrets' is named only in a webhook header's value, as {{ secrets.NAME }} beside text:"
    " a secret is never printed into a reply, a URL or a body"
)


def template_problem(source: str) -> str | None:
    """Why `source` may not be saved as a template, or None when it may."""
    if len(source) > MAX_SOURCE_CHARS:
        return f"templates are limited to {MAX_SOURCE_CHARS} characters"
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError as exc:
        return f"template syntax error on line {exc.lineno}: {exc.message}"
    return _unsafe_construct(tree)


def literal_start(source: str) -> str:
    """What `source` prints before its first tag, statement or comment: all of it when it has none."""
    found = _TAG.search(source)
    return source if found is None else source[: found.start()]


def literal_texts(source: str) -> list[str]:
    """The text `source` prints as written, outside its tags; none when it does not parse."""
    if "{" not in source:
        return [source]
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError:
        return []
    return [node.data for node in tree.find_all(nodes.TemplateData)]


def check_template(source: str) -> None:
    """Refuse a template that reaches for Python internals or unbounded work."""
    problem = template_problem(source)
    if problem is not None:
        raise InvalidInputError(f"unsafe or invalid template: {problem}", details=[problem])


def _unsafe_construct(tree: nodes.Template) -> str | None:
    for node in tree.find_all(nodes.Node):
        problem = _node_problem(node)
        if problem is not None:
            return problem
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        return f"loops may be nested at most {MAX_LOOP_DEPTH} deep"
    return None


def _node_problem(node: nodes.Node) -> str | None:  # noqa: PLR0911 - one check per construct
    if isinstance(node, _FORBIDDEN_NODES):
        return f"'{type(node).__name__.lower()}' is not allowed in templates"
    if isinstance(node, nodes.Name) and node.name in _FORBIDDEN_NAMES:
        return f"'{node.name}' is not available in templates"
    if isinstance(node, nodes.Name) and node.name == SECRETS:
        return SECRETS_ONLY_IN_HEADERS
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return f"attribute '{node.attr}' is not accessible"
    if isinstance(node, nodes.Call) and _calls_forbidden_method(node):
        return f"attribute '{cast(nodes.Getattr, node.node).attr}' is not accessible"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        key = node.arg.value
        if isinstance(key, str) and key.startswith("_"):
            return f"item '{key}' is not accessible"
    if isinstance(node, nodes.Filter) and node.name not in environment().filters:
        return f"filter '{node.name}' is not available"
    if isinstance(node, nodes.Filter) and node.name.startswith("parley_"):
        return f"filter '{node.name}' is not available"
    if isinstance(node, nodes.For) and node.recursive:
        return "recursive loops are not allowed"
    return None


def _calls_forbidden_method(node: nodes.Call) -> bool:
    """`x.format(...)`, `x.mro()`: read as attributes, `base` or `format` may be a data key
    (`{{ parameters.base }}`), which the sandbox resolves before refusing the name on anything else."""
    return isinstance(node.node, nodes.Getattr) and node.node.attr in FORBIDDEN_ATTRIBUTES


def _loop_depth(node: nodes.Node) -> int:
    below = max((_loop_depth(child) for child in node.iter_child_nodes()), default=0)
    return below + 1 if isinstance(node, nodes.For) else below


@lru_cache(maxsize=4096)
def _compile(source: str, separator: str | None = None) -> Template:
    """`source` compiled; with a `separator`, each one its text and string constants hold is
    compiled as `_bubble_break()` instead."""
    problem = template_problem(source)
    if problem is not None:
        raise TemplateError(f"unsafe or invalid template: {problem}")
    env = environment()
    tree = guarded(env.parse(source))
    if separator is not None:
        _mark_breaks(tree, separator, _bubble_break())
    return env.template_class.from_code(env, env.compile(tree), env.make_globals(None), None)


@lru_cache(maxsize=1)
def _bubble_break() -> str:
    """What an author's separator renders as: a value cannot hold it (control characters and an
    unguessable word), so splitting at it splits only where the author wrote the separator."""
    return f"\x1e{secrets.token_hex(8)}\x1e"


def _mark_breaks(tree: nodes.Template, separator: str, mark: str) -> None:
    for node in tree.find_all((nodes.TemplateData, nodes.Const)):
        if isinstance(node, nodes.TemplateData) and separator in node.data:
            node.data = node.data.replace(separator, mark)
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) and separator in node.value:
            node.value = node.value.replace(separator, mark)


def render_parts(
    source: str, variables: Mapping[str, Any], *, separator: str, rng: random.Random | None = None
) -> list[str]:
    """`source` rendered and split where its author wrote `separator` (module docstring); a
    separator in a printed value is text. `TemplateError` as for `render`."""
    if "{" not in source:
        return source.split(separator)
    mark = _bubble_break()
    text = _rendered(source, variables, rng=rng, landing="text", separator=separator)
    return _without_cut_mark(text, mark).split(mark)


def _without_cut_mark(text: str, mark: str) -> str:
    """`text` without the start of a mark the output limit cut short."""
    for n in range(len(mark) - 1, 0, -1):
        if text.endswith(mark[:n]):
            return text[:-n]
    return text


def render(
    source: str,
    variables: Mapping[str, Any],
    *,
    rng: random.Random | None = None,
    landing: Landing = "text",
) -> str:
    """Render `source` with `variables`, escaping what it prints for `landing` (`escaping.py`);
    `TemplateError` when it is unsafe or exceeds its budget."""
    if "{" not in source:
        return source
    return _rendered(source, variables, rng=rng, landing=landing)


def _rendered(
    source: str,
    variables: Mapping[str, Any],
    *,
    rng: random.Random | None,
    landing: Landing,
    separator: str | None = None,
) -> str:
    try:
        template = _compile(source, separator if separator is not None and separator in source else None)
        with budget(RENDER_SECONDS, rng or random.Random()), escaped_for(landing):
            return _render(template, variables)
    except TemplateError:
        raise
    except Exception as exc:  # author code fails in many ways, all of them the author's
        raise TemplateError(f"the template failed: {type(exc).__name__}: {exc}"[:300]) from exc


def _render(template: Template, variables: Mapping[str, Any]) -> str:
    out: list[str] = []
    size = 0
    stream = template.generate(variables)
    try:
        for chunk in stream:
            out.append(chunk)
            size += len(chunk)
            if size >= MAX_OUTPUT_CHARS:
                break
    finally:
        if isinstance(stream, Generator):
            stream.close()
    return "".join(out)[:MAX_OUTPUT_CHARS]
