"""`GATEWAY_CORS_ORIGINS` entries that no page's origin can match are refused at start, each named,
with the origin meant where it can be told; every entry that can match is taken as it is."""

from __future__ import annotations

import pytest

from parley_gateway.settings import GatewaySettings
from parley_runtime.errors import SettingsError
from parley_runtime.settings import load_settings


def problems(origins: str, **environ: str) -> list[str]:
    try:
        load_settings(GatewaySettings, {"GATEWAY_CORS_ORIGINS": origins, **environ})
    except SettingsError as exc:
        return exc.problems
    return []


@pytest.mark.parametrize(
    "origins",
    [
        "https://shop.example,http://127.0.0.1:8312",
        "*",
        "https://*.example.org",
        "*.example.org",
        "http://localhost:*",
        "http://[::1]:8312",
        "https://shop.example:8443",
        "null",
    ],
)
def test_origins_and_patterns_a_browser_can_send_are_taken(origins: str) -> None:
    settings = load_settings(GatewaySettings, {"GATEWAY_CORS_ORIGINS": origins})
    assert settings.cors_origins == origins.split(",")


def test_a_trailing_slash_is_refused_with_the_origin_meant() -> None:
    assert problems("http://127.0.0.1:8312/") == [
        "GATEWAY_CORS_ORIGINS: 'http://127.0.0.1:8312/': an origin is scheme://host[:port], with no "
        "path, not even a trailing '/' (did you mean 'http://127.0.0.1:8312'?)"
    ]


@pytest.mark.parametrize(
    ("entry", "meant"),
    [
        ("https://shop.example/chat", "'https://shop.example'"),
        ("https://*.example.org/", "'https://*.example.org'"),
        ("localhost:8312", "'https://localhost:8312' or 'http://localhost:8312'"),
        ("localhost:*", "'https://localhost:*' or 'http://localhost:*'"),
        ("https://Shop.Example", "'https://shop.example'"),
        ("https://shop.example:443", "'https://shop.example'"),
        ("http://shop.example:", "'http://shop.example'"),
        ("https://bücher.example", "'https://xn--bcher-kva.example'"),
    ],
)
def test_an_entry_no_origin_can_match_is_refused_with_the_origin_meant(entry: str, meant: str) -> None:
    [problem] = problems(entry)
    assert problem.startswith(f"GATEWAY_CORS_ORIGINS: {entry!r}: ")
    assert problem.endswith(f"(did you mean {meant}?)")


@pytest.mark.parametrize("entry", ["https://", "://shop.example", "https://a.example https://b.example"])
def test_an_entry_that_is_no_origin_at_all_is_refused(entry: str) -> None:
    [problem] = problems(entry)
    assert problem.startswith(f"GATEWAY_CORS_ORIGINS: {entry!r}: ")


def test_every_bad_entry_is_listed_with_the_groups_other_problems() -> None:
    listed = problems(
        "http://127.0.0.1:8312/, https://*.spokechain.example,localhost:8312", GATEWAY_MAX_FRAME_BYTES="big"
    )
    assert [line.split(": ")[0] for line in listed] == [
        "GATEWAY_MAX_FRAME_BYTES='big'",
        "GATEWAY_CORS_ORIGINS",
        "GATEWAY_CORS_ORIGINS",
    ]


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(SettingsError, match=r"did you mean 'https://shop\.example'"):
        GatewaySettings(cors_origins=["https://shop.example/"])
