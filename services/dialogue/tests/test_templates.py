"""Templates: ACF-compatible rendering, and a sandbox that refuses escapes at save and render time."""

from __future__ import annotations

import random
import time

import pytest

from parley_dialogue import templates
from parley_dialogue.errors import TemplateError
from parley_dialogue.templates import MAX_OUTPUT_CHARS, check_template, render, template_problem
from parley_runtime.errors import InvalidInputError

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ x.__class__ }}",
    "{{ x.mro() }}",
    "{{ x['__globals__'] }}",
    "{{ x|attr('__class__') }}",
    "{{ '{0.__class__}'.format(x) }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ namespace() }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% include 'x' %}",
    "{% for a in x recursive %}{{ loop(a) }}{% endfor %}",
    "{% for a in x %}{% for b in x %}{% for c in x %}{% endfor %}{% endfor %}{% endfor %}",
    "{{ x|parley_loop }}",
]

BOMBS = [
    "{{ 'a' * 100000 }}",
    "{{ 9 ** 999 }}",
    "{{ '%999999999d' % 1 }}",
    "{{ 'a'.ljust(100000000) }}",
    "{% for i in range(100000) %}x{% endfor %}",
    "{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}",
    "{{ 'a'|replace('a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')"
    "|replace('a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')"
    "|replace('a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') }}",
    "{% set a = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' %}{% set b = a~a~a~a~a~a~a~a~a~a %}"
    "{% set c = b~b~b~b~b~b~b~b~b~b %}{% set d = c~c~c~c~c~c~c~c~c~c %}{{ d }}",
]


def test_acf_variables_render():
    source = 'Hi {{context["username"] }} ### order {{ parameters.order_number }} is {{ result.status }}'
    variables = {
        "context": {"username": "Ann"},
        "parameters": {"order_number": "X1"},
        "result": {"status": "ok"},
    }
    assert render(source, variables) == "Hi Ann ### order X1 is ok"


def test_undefined_variables_render_empty():
    assert render("[{{ nothing }}{{ result.status }}{{ a.b.c }}]", {"result": {}}) == "[]"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% if result.count > 0 %}some{% else %}none{% endif %}", "none"),
        ("{% if 0 <= result.count %}some{% else %}none{% endif %}", "none"),
        (
            "[{{ parameters.n + 1 }}][{{ 2 * parameters.n }}][{{ 2 ** parameters.n }}][{{ -parameters.n }}]",
            "[][][][]",
        ),
        ("[{{ result.price | round(2) }}][{{ result.price | abs }}][{{ result.price | int }}]", "[][][0]"),
        ("[{{ parameters.city.title() }}][{{ 'abc'.startswith(parameters.city) }}]", "[][]"),
        ("[{% for i in range(parameters.n) %}{{ i }}{% endfor %}]", "[]"),
        (
            '{"n": {{ parameters.n | tojson }}, "m": {{ {"n": parameters.n} | tojson }}}',
            '{"n": null, "m": {"n": null}}',
        ),
    ],
)
def test_missing_values_are_empty_wherever_they_are_used(source, expected):
    assert render(source, {"parameters": {}, "result": {}}) == expected


@pytest.mark.parametrize(
    "source",
    [
        "{% set f = x.format %}{{ f('{0.__class__}') }}",
        "{% set f = x.format %}{{ f + 1 }}",
        "{% set f = x.mro %}{% if f > 0 %}{% endif %}",
        "{{ range(x[k]) }}",
    ],
)
def test_a_value_the_sandbox_refused_is_not_silent(source):
    with pytest.raises(TemplateError, match="unsafe"):
        render(source, {"x": "s", "k": "__class__"})


def test_random_picks_with_the_given_generator():
    picks = {render("{{ ['a', 'b', 'c'] | random }}", {}, rng=random.Random(seed)) for seed in range(30)}
    assert picks == {"a", "b", "c"}


def test_everyday_filters_work():
    source = "{{ names | map('upper') | join(', ') }} {{ 'x_y' | replace('_', ' ') }} {{ n | round }}"
    assert render(source, {"names": ["a", "b"], "n": 2.4}) == "A, B x y 2.0"


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_reaching_for_internals_is_refused_at_save(source):
    with pytest.raises(InvalidInputError):
        check_template(source)


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_reaching_for_internals_is_refused_at_render(source):
    with pytest.raises(TemplateError):
        render(source, {"x": [1]})


def test_keys_named_like_internals_are_read_as_data():
    source = "{{ parameters.base }} {{ parameters.format }} {{ result.globals.mro }}"
    variables = {"parameters": {"base": "thin", "format": "box"}, "result": {"globals": {"mro": 1}}}
    assert template_problem(source) is None
    assert render(source, variables) == "thin box 1"


def test_a_data_key_comes_before_the_dicts_own_methods():
    source = "{% for i in result.items %}{{ i }}{% endfor %} {{ parameters.items() | list | length }}"
    assert render(source, {"result": {"items": [1, 2]}, "parameters": {"a": 1}}) == "12 1"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "[{{ result.items }}] [{{ result.keys }}] [{{ context.items }}] [{{ parameters.values }}]",
            "[] [] [] []",
        ),
        ("{% if result.items %}has items{% else %}no items{% endif %}", "no items"),
        ("[{{ result.items | length }}][{% for i in result.items %}{{ i }}{% endfor %}]", "[0][]"),
        (
            "[{{ result['items'] }}][{{ result.items is defined }}][{{ result.items | tojson }}]",
            "[][False][null]",
        ),
        ("[{{ result.items.x }}][{{ result.items.x() }}][{{ result.items['x']() }}]", "[][][]"),
        ("[{{ parameters.city.upper }}][{{ parameters.tags.count }}]", "[][]"),
        ("[{{ ['a', 'b'] | map(attribute='upper') | select | list | length }}]", "[0]"),
    ],
)
def test_a_method_named_without_a_call_is_missing(source, expected):
    """Not Python's `<built-in method items of dict object at 0x...>`, nor a true value: a method is
    only called, and named without a call it is missing like a key the dictionary lacks."""
    variables = {"result": {"status": "b"}, "context": {}, "parameters": {"city": "Oslo", "tags": ["a"]}}
    assert render(source, variables) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ result.get('status') }} {{ result.get('eta', 'soon') }}", "b soon"),
        ("{% for k, v in result.items() %}{{ k }}={{ v }}{% endfor %}", "status=b"),
        ("{{ result.keys() | list }} {{ result.values() | list | length }}", "['status'] 1"),
        ("{{ parameters.city.upper() }} {{ parameters.tags.count('a') }}", "OSLO 1"),
        ("{% for i in range(3) %}{{ loop.cycle('a', 'b') }}{% endfor %}", "aba"),
    ],
)
def test_a_called_method_still_runs(source, expected):
    variables = {"result": {"status": "b"}, "parameters": {"city": "Oslo", "tags": ["a"]}}
    assert render(source, variables) == expected


def test_a_method_that_changes_data_is_refused_even_when_called():
    with pytest.raises(TemplateError, match="unsafe"):
        render("{{ result.update({'a': 1}) }}", {"result": {"status": "b"}})


@pytest.mark.parametrize(
    "source", ["{{ x.format }}", "{{ x.mro }}", "{{ context.format }}", "{{ context.x.base }}"]
)
def test_an_internal_that_is_no_data_key_gives_nothing(source):
    assert render(source, {"x": "s", "context": {"x": "s"}}) == ""


def test_an_internal_taken_as_a_value_cannot_be_called():
    with pytest.raises(TemplateError):
        render("{% set f = x.format %}{{ f('{0.__class__}', x) }}", {"x": "s"})


def test_a_computed_dunder_key_gets_nothing_at_render():
    assert render("{{ x[k] }}{{ x[k][k] }}", {"x": "s", "k": "__class__"}) == ""


@pytest.mark.parametrize("source", BOMBS)
def test_unbounded_work_is_stopped(source):
    assert template_problem(source) is None
    with pytest.raises(TemplateError):
        render(source, {})


class _Stalling(dict[str, str]):
    """A value whose every lookup waits `seconds` without using the CPU, as a thread that a busy
    machine deschedules does."""

    def __init__(self, seconds: float) -> None:
        super().__init__(name="Ada")
        self.seconds = seconds

    def __getitem__(self, key: str) -> str:
        time.sleep(self.seconds)
        return super().__getitem__(key)


def test_the_render_budget_counts_work_not_time_spent_descheduled(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.02)
    assert render("{{ user.name }} {{ user.name }}", {"user": _Stalling(0.05)}) == "Ada Ada"


def test_the_render_budget_stops_work(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.0)
    with pytest.raises(TemplateError, match="took too long to render"):
        render("{% for i in range(100) %}{{ i }}{% endfor %}", {})


def test_the_output_is_capped():
    source = "{% for i in range(5000) %}{{ 'abcdefghij' }}{% endfor %}"
    assert len(render(source, {})) == MAX_OUTPUT_CHARS


def test_an_oversized_template_is_refused():
    assert template_problem("x" * 20_000) is not None


def test_a_syntax_error_names_the_line():
    assert "line 2" in (template_problem("ok\n{{ oops") or "")
