"""The sandbox templates run in: Jinja2's immutable sandbox plus a work budget.

Every place where a template does work goes through a check: attribute and item access, calls,
arithmetic, filters (an allow-list), loop iterations and `~` concatenations (rewritten into
budgeted filters). Each check enforces the render deadline, caps numeric arguments and the size
of the value produced, so no single step and no sequence of steps can run away.
"""

from __future__ import annotations

import contextvars
import random
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from parley_dialogue.escaping import JsonEncoded, UrlEncoded, finalize, marking, printed
from parley_dialogue.shown import day, duration
from parley_dialogue.undefined import SilentUndefined, callee, json_default, missing_among, uncalled

MAX_VALUE_SIZE = 20_000
MAX_INT_ARGUMENT = 10_000
MAX_LOOP_ITERATIONS = 10_000

_SAFE_FILTERS = [
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "int",
    "items",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "string",
    "striptags",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
]

FORBIDDEN_ATTRIBUTES = frozenset(
    [
        "mro",
        "format",
        "format_map",
        "func_globals",
        "func_code",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "f_globals",
        "f_locals",
        "f_back",
        "tb_frame",
        "co_code",
        "im_func",
        "im_self",
        "globals",
        "builtins",
        "subclasses",
        "base",
        "bases",
    ]
)
"""Attributes that lead to Python internals: refused on anything but a dictionary that has them as
keys (`{{ parameters.base }}` is data), and refused at save when called."""


class _Budget:
    """A render's allowance: CPU time of the rendering thread (a render never awaits), so time the
    thread spends descheduled on a busy machine is not charged to the author's template."""

    __slots__ = ("deadline", "iterations")

    def __init__(self, seconds: float) -> None:
        self.deadline = time.thread_time() + seconds
        self.iterations = 0

    def tick(self) -> None:
        if time.thread_time() > self.deadline:
            raise SecurityError("the template took too long to render")

    def iterate(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_LOOP_ITERATIONS:
            raise SecurityError("the template loops too many times")
        self.tick()


_budget: contextvars.ContextVar[_Budget] = contextvars.ContextVar("parley_template_budget")
_rng: contextvars.ContextVar[random.Random] = contextvars.ContextVar("parley_template_rng")


def _tick() -> None:
    _budget.get().tick()


def _check_size(value: Any) -> Any:
    size = len(cast(Sized, value)) if isinstance(value, str | list | tuple | dict | set) else 0
    if size > MAX_VALUE_SIZE:
        raise SecurityError("a value in the template grew too large")
    bits = value.bit_length() if isinstance(value, int) else 0
    if bits > 4096:
        raise SecurityError("a number in the template grew too large")
    return cast(Any, value)


def _check_arguments(args: Iterable[object]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_INT_ARGUMENT:
            raise SecurityError(f"numeric arguments are limited to {MAX_INT_ARGUMENT}")


def _sequence_times(left: object, right: object) -> None:
    for seq, count in ((left, right), (right, left)):
        size = len(cast(Sized, seq)) if isinstance(seq, str | list | tuple) else 0
        if isinstance(count, int) and size * count > MAX_VALUE_SIZE:
            raise SecurityError("a value in the template grew too large")


class _GuardedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        missing = missing_among((left, right))
        if missing is not None:
            return missing
        if operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting is not available in templates")
        if operator == "**" and (not isinstance(right, int | float) or abs(right) > 64):
            raise SecurityError("exponents are limited to 64")
        if operator == "*":
            _sequence_times(left, right)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        _tick()
        obj = callee(obj)
        missing = missing_among((obj, *args, *kwargs.values()))
        if missing is not None:  # `parameters.city.title()`, `range(parameters.n)`
            return missing
        _check_arguments((*args, *kwargs.values()))
        return _check_size(super().call(context, obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        if isinstance(obj, Mapping) and attribute in obj:  # data first: `result.items` is the key
            return cast(Mapping[str, Any], obj)[attribute]
        if attribute in FORBIDDEN_ATTRIBUTES:
            return self.unsafe_undefined(obj, attribute)
        return uncalled(super().getattr(obj, attribute), attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        if isinstance(argument, str) and argument in FORBIDDEN_ATTRIBUTES and not isinstance(obj, Mapping):
            return self.unsafe_undefined(obj, argument)
        return uncalled(super().getitem(obj, argument), argument)


def _guard_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    marks: dict[str, Any] = getattr(function, "__dict__", {})
    options = 2 if "jinja_pass_arg" in marks else 1  # the context, then the filtered value

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        _check_arguments((*args[options:], *kwargs.values()))
        result = function(*args, **kwargs)
        if isinstance(result, Iterator):
            result = list(_bounded(result))  # pyright: ignore[reportUnknownArgumentType]
        return _check_size(result)

    guarded.__dict__.update(marks)  # keeps Jinja's pass_context/pass_eval_context marks
    return guarded


def _bounded(values: Iterable[Any]) -> Iterator[Any]:
    budget = _budget.get()
    for value in values:
        budget.iterate()
        yield value


def _concat(values: list[Any]) -> str:
    parts = [str(v) for v in values]
    if sum(len(p) for p in parts) > MAX_VALUE_SIZE:
        raise SecurityError("a value in the template grew too large")
    return "".join(parts)


def _join(values: Iterable[Any], separator: str = "") -> str:
    return _concat([separator.join(str(v) for v in _bounded(values))])


def _replace(value: object, old: object, new: object, count: int | None = None) -> str:
    text, old_text, new_text = str(value), str(old), str(new)
    hits = text.count(old_text) if old_text else len(text) + 1
    hits = hits if count is None else min(hits, count)
    if len(text) + hits * (len(new_text) - len(old_text)) > MAX_VALUE_SIZE:
        raise SecurityError("a value in the template grew too large")
    return text.replace(old_text, new_text, -1 if count is None else count)


def _random(values: Iterable[Any]) -> Any:
    items = list(_bounded(values))
    return _rng.get().choice(items) if items else ""


def _range(*args: int) -> range:
    _check_arguments(args)
    return range(*args)


class _Guards(NodeTransformer):
    """Route every loop and every `~` concatenation through the budgeted filters, and mark what a
    `{% set %}` block captures as printed (escaped) already."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "parley_loop", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        items = nodes.List(list(node.nodes), lineno=node.lineno)
        return nodes.Filter(items, "parley_concat", [], [], None, None, lineno=node.lineno)

    def visit_AssignBlock(self, node: nodes.AssignBlock) -> nodes.Node:
        self.generic_visit(node)
        node.filter = nodes.Filter(node.filter, "parley_printed", [], [], None, None, lineno=node.lineno)
        return node


@lru_cache(maxsize=1)
def environment() -> _GuardedEnvironment:
    env = _GuardedEnvironment(
        undefined=SilentUndefined, autoescape=False, keep_trailing_newline=True, finalize=finalize
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": json_default}
    builtin = env.filters
    env.filters = {name: _guard_filter(builtin[name]) for name in _SAFE_FILTERS}
    env.filters.update(
        urlencode=_guard_filter(marking(builtin["urlencode"], UrlEncoded)),
        tojson=_guard_filter(marking(builtin["tojson"], JsonEncoded)),
        join=_guard_filter(_join),
        replace=_guard_filter(_replace),
        random=_guard_filter(_random),
        day=_guard_filter(day),
        duration=_guard_filter(duration),
        parley_loop=_bounded,
        parley_concat=_concat,
        parley_printed=printed,
    )
    env.globals = cast(Any, {"range": _range, "dict": dict})
    return env


def guarded(tree: nodes.Template) -> nodes.Template:
    """`tree` with its loops and concatenations routed through the budgeted filters."""
    tree = _Guards().visit(tree)
    tree.set_environment(environment())
    return tree


@contextmanager
def budget(seconds: float, rng: random.Random) -> Generator[None]:
    """Run a render under a fresh budget; `random` picks with `rng`."""
    budget_token = _budget.set(_Budget(seconds))
    rng_token = _rng.set(rng)
    try:
        yield
    finally:
        _rng.reset(rng_token)
        _budget.reset(budget_token)
