"""Missing values in templates: empty wherever they are used, as in ACF (its `SilentUndefined`).

`{{ result.count }}` of an answer without `count` prints nothing, and so do `{{ parameters.n + 1 }}`,
`{{ result.price | round(2) }}` and `{{ parameters.city.title() }}`; `{% if result.count > 0 %}`
is false. Jinja's `Undefined` raises in all of these, and since its operators are bound to the base
class's `_fail_with_undefined_error` when the class is created, each is rebound here. A value the
sandbox refused (`unsafe_undefined`: its exception is a `SecurityError`) prints nothing too, but
raises whenever it is used.

A method is only called: named without a call (`{{ result.items }}` of an answer without `items`,
`{{ parameters.city.upper }}`) it is missing too (`UncalledMethod`), so Python's
`<built-in method items of dict object at 0x...>` never reaches a chat, and `{% if result.items %}`
is false; `result.items()` and `result.get('status')` run it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from jinja2 import ChainableUndefined
from jinja2.exceptions import SecurityError


class SilentUndefined(ChainableUndefined):
    __slots__ = ()

    def _missing(self, *args: Any, **kwargs: Any) -> SilentUndefined:
        """Arithmetic on, or a call of, a missing value gives a missing value."""
        self._refuse_if_unsafe()
        return self

    def _false(self, other: object) -> bool:
        self._refuse_if_unsafe()
        return False

    def _not_a_number(self) -> NoReturn:
        """`int` and `float` (the functions and the filters) then give their default."""
        self._refuse_if_unsafe()
        raise TypeError("a missing value is not a number")

    def _refuse_if_unsafe(self) -> None:
        if issubclass(self._undefined_exception, SecurityError):
            self._fail_with_undefined_error()

    __add__ = __radd__ = __sub__ = __rsub__ = _missing
    __mul__ = __rmul__ = _missing
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _missing
    __mod__ = __rmod__ = __pow__ = __rpow__ = _missing
    __pos__ = __neg__ = __abs__ = __round__ = _missing
    __call__ = _missing
    __lt__ = __le__ = __gt__ = __ge__ = _false  # pyright: ignore[reportAssignmentType]
    __int__ = __float__ = __complex__ = _not_a_number  # pyright: ignore[reportAssignmentType]


class UncalledMethod(SilentUndefined):
    """A method a template named: missing wherever it is used, but a call (`sandbox`) runs it."""

    __slots__ = ("_method",)

    def __init__(self, method: Callable[..., Any], name: str) -> None:
        super().__init__(name=name)
        self._method = method

    def __getattr__(self, name: str) -> Any:
        """`result.items.x` is missing, not the method again (which `x()` would then call)."""
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return SilentUndefined(name=name)

    __getitem__ = __getattr__  # pyright: ignore[reportAssignmentType]


def uncalled(value: object, name: object) -> object:
    """`value`, or the missing value standing for it when it is a method named without a call."""
    if callable(value) and not isinstance(value, SilentUndefined):
        return UncalledMethod(value, str(name))
    return value


def callee(value: object) -> object:
    """What calling `value` runs: the method an `UncalledMethod` stands for, else `value` itself."""
    return value._method if isinstance(value, UncalledMethod) else value  # pyright: ignore[reportPrivateUsage]


def missing_among(values: Iterable[object]) -> SilentUndefined | None:
    """The missing value a call given `values` yields, or None when none is missing; raises when
    one of them is a value the sandbox refused."""
    found: SilentUndefined | None = None
    for value in values:
        if isinstance(value, SilentUndefined):
            value._refuse_if_unsafe()  # pyright: ignore[reportPrivateUsage]
            found = value if found is None else found  # not `or`: a missing value is falsy
    return found


def json_default(value: object) -> None:
    """`tojson` writes a missing value as `null`; anything else not JSON stays an error."""
    if isinstance(value, SilentUndefined):
        value._refuse_if_unsafe()  # pyright: ignore[reportPrivateUsage]
        return
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
