"""`PARLEY_WEBHOOK_SECRETS`: a JSON object of names to a value and the hosts it is for, or the path
of a file holding one, read once at start; a bad one stops the start naming every problem, and
never a value."""

from __future__ import annotations

import json

import pytest

from parley_dialogue.errors import WebhookRefused
from parley_dialogue.settings import DialogueSettings
from parley_dialogue.webhook_secrets import WebhookSecrets
from parley_runtime.errors import SettingsError
from parley_runtime.settings import load_settings

VALUE = "s3cr3t-Value/with+base64="
HOSTS = ["api.shop.example", "Staging.Shop.Example", "10.0.0.7", "::1"]


def entry(value: object = VALUE, hosts: object = HOSTS) -> str:
    return json.dumps({"value": value, "hosts": hosts})


def secrets(setting: str) -> WebhookSecrets:
    return load_settings(DialogueSettings, {"PARLEY_WEBHOOK_SECRETS": setting}).secrets()


def problems(setting: str) -> list[str]:
    with pytest.raises(SettingsError) as refused:
        secrets(setting)
    return refused.value.problems


def test_unset_there_are_no_secrets():
    assert "SHOP_TOKEN" not in load_settings(DialogueSettings, {}).secrets()


def test_the_setting_may_be_the_json_object_itself():
    found = secrets(f' {{"SHOP_TOKEN": {entry()}, "_other": {entry("x")}}}')
    assert found.resolved("Bearer {{ secrets.SHOP_TOKEN }}", host="api.shop.example") == f"Bearer {VALUE}"
    assert "_other" in found


def test_the_setting_may_be_the_path_of_a_file_holding_it(tmp_path):
    path = tmp_path / "webhook-secrets.json"
    path.write_text(f'{{\n  "SHOP_TOKEN": {entry()}\n}}\n', encoding="utf-8")
    assert secrets(str(path)).resolved("{{secrets.SHOP_TOKEN}}", host="api.shop.example") == VALUE


@pytest.mark.parametrize("host", ["api.shop.example", "STAGING.shop.example", "10.0.0.7", "::1"])
def test_a_secret_is_for_its_hosts_whatever_their_case(host):
    assert secrets(f'{{"T": {entry()}}}').resolved("{{ secrets.T }}", host=host) == VALUE


@pytest.mark.parametrize("host", ["shop.example", "api.shop.example.evil.net", "10.0.0.8"])
def test_a_secret_is_for_no_other_host(host):
    with pytest.raises(WebhookRefused, match=f"'T' is not for host '{host}'"):
        secrets(f'{{"T": {entry()}}}').resolved("{{ secrets.T }}", host=host)


def test_a_missing_file_is_refused_without_repeating_the_setting(tmp_path):
    [problem] = problems(str(tmp_path / "nowhere.json"))
    assert problem == (
        "PARLEY_WEBHOOK_SECRETS: is neither a JSON object nor the path of a readable file"
        " (No such file or directory)"
    )


def test_a_bare_value_is_not_repeated_either():
    [problem] = problems(VALUE)
    assert VALUE not in problem


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ('{"SHOP_TOKEN": {"value": "' + VALUE, "is not a JSON object of names to values: "),
        (f'["SHOP_TOKEN", "{VALUE}"]', "is not a JSON object of names to values"),
        (f'{{"SHOP_TOKEN": "{VALUE}"}}', """'SHOP_TOKEN' must be an object {"value": "...", "hosts": """),
        (f'{{"SHOP_TOKEN": {{"value": "{VALUE}"}}}}', "'SHOP_TOKEN' must be an object"),
        (f'{{"SHOP_TOKEN": {entry(12345)}}}', "the value of 'SHOP_TOKEN' must be text a header can carry"),
        (f'{{"SHOP_TOKEN": {entry(VALUE + chr(10))}}}', "the value of 'SHOP_TOKEN' must be text"),
        (f'{{"SHOP_TOKEN": {entry("")}}}', "the value of 'SHOP_TOKEN' must be text"),
        (f'{{"SHOP_TOKEN": {entry(" " + VALUE)}}}', "the value of 'SHOP_TOKEN' must be text"),
        (f'{{"SHOP_TOKEN": {entry(VALUE + "é")}}}', "the value of 'SHOP_TOKEN' must be text"),
        (f'{{"SHOP_TOKEN": {entry(hosts=[])}}}', "the hosts of 'SHOP_TOKEN' must be a list of host names"),
        (f'{{"SHOP_TOKEN": {entry(hosts="api.shop.example")}}}', "the hosts of 'SHOP_TOKEN'"),
        (f'{{"SHOP_TOKEN": {entry(hosts=["https://api.shop.example"])}}}', "the hosts of 'SHOP_TOKEN'"),
        (f'{{"SHOP_TOKEN": {entry(hosts=["api.shop.example:443"])}}}', "the hosts of 'SHOP_TOKEN'"),
        (f'{{"shop-token": {entry()}}}', "'shop-token' is not a secret name"),
        (f'{{"1TOKEN": {entry()}}}', "'1TOKEN' is not a secret name"),
        (f'{{"A": {entry("x")}, "A": {entry()}}}', "names 'A' more than once"),
    ],
)
def test_a_bad_setting_is_refused_without_showing_a_value(setting, problem):
    [found] = problems(setting)
    assert problem in found
    assert VALUE not in found


def test_every_bad_entry_is_named_at_once():
    [found] = problems(f'{{"ok": {entry()}, "bad-name": {entry()}, "EMPTY": {entry("")}}}')
    assert "'bad-name' is not a secret name" in found
    assert "the value of 'EMPTY'" in found


def test_secrets_show_their_names_only():
    found = secrets(f'{{"SHOP_TOKEN": {entry()}}}')
    assert repr(found) == "WebhookSecrets(['SHOP_TOKEN'])"
    assert VALUE not in repr(found._secrets)  # pyright: ignore[reportPrivateUsage]
