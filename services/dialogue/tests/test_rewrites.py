"""Operator rewrites of webhook base URLs (`PARLEY_WEBHOOK_URL_REWRITES`)."""

from __future__ import annotations

import pytest

from parley_dialogue.rewrites import UrlRewrites
from parley_dialogue.settings import DialogueSettings
from parley_runtime.errors import SettingsError
from parley_runtime.settings import load_settings

SHOP = "https://fake-store-api.mock.beeceptor.com"


def test_a_url_under_a_rewritten_base_goes_to_the_new_base():
    rewrites = UrlRewrites.parse(f"{SHOP}=http://127.0.0.1:9000")
    assert rewrites.apply(f"{SHOP}/api/orders/status?order_id=A1") == (
        "http://127.0.0.1:9000/api/orders/status?order_id=A1"
    )


def test_a_host_that_only_starts_like_the_base_is_left_alone():
    rewrites = UrlRewrites.parse(f"{SHOP}=http://127.0.0.1:9000")
    assert rewrites.apply(f"{SHOP}.evil.example/x") == f"{SHOP}.evil.example/x"


def test_the_longest_matching_base_wins():
    rewrites = UrlRewrites.parse("https://a.example=http://one, https://a.example/v2/=http://two/")
    assert rewrites.apply("https://a.example/v2/x") == "http://two/x"
    assert rewrites.apply("https://a.example/v1/x") == "http://one/v1/x"


def test_no_rewrites_leave_every_url_alone():
    assert not UrlRewrites.parse("")
    assert UrlRewrites.parse("").apply("https://a.example/x") == "https://a.example/x"


@pytest.mark.parametrize(
    "entry", ["https://a.example", "ftp://a=http://b", "https://a=b", "https://u@a=http://b"]
)
def test_a_malformed_rewrite_is_a_settings_error(entry):
    with pytest.raises(SettingsError, match="PARLEY_WEBHOOK_URL_REWRITES"):
        load_settings(DialogueSettings, {"PARLEY_WEBHOOK_URL_REWRITES": entry}).url_rewrites()
