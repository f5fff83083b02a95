"""`PARLEY_WEBHOOK_SECRETS`: a JSON object of names to values, or the path of a file holding one,
read once at start; a bad one stops the start naming every problem, and never a value."""

from __future__ import annotations

import pytest

from parley_dialogue.settings import DialogueSettings
from parley_dialogue.webhook_secrets import WebhookSecrets
from parley_runtime.errors import SettingsError
from parley_runtime.settings import load_settings

VALUE = "s3cr3t-Value/with+base64="


def secrets(setting: str) -> WebhookSecrets:
    return load_settings(DialogueSettings, {"PARLEY_WEBHOOK_SECRETS": setting}).secrets()


def problems(setting: str) -> list[str]:
    with pytest.raises(SettingsError) as refused:
        secrets(setting)
    return refused.value.problems


def test_unset_there_are_no_secrets():
    assert "SHOP_TOKEN" not in load_settings(DialogueSettings, {}).secrets()


def test_the_setting_may_be_the_json_object_itself():
    found = secrets(f' {{"SHOP_TOKEN": "{VALUE}", "_other": "x"}}')
    assert found.resolved("Bearer {{ secrets.SHOP_TOKEN }}") == f"Bearer {VALUE}"
    assert "_other" in found


def test_the_setting_may_be_the_path_of_a_file_holding_it(tmp_path):
    path = tmp_path / "webhook-secrets.json"
    path.write_text(f'{{\n  "SHOP_TOKEN": "{VALUE}"\n}}\n', encoding="utf-8")
    assert secrets(str(path)).resolved("{{secrets.SHOP_TOKEN}}") == VALUE


def test_a_missing_file_is_named(tmp_path):
    [problem] = problems(str(tmp_path / "nowhere.json"))
    assert problem.startswith("PARLEY_WEBHOOK_SECRETS: is neither a JSON object nor a readable file")
    assert "nowhere.json" in problem


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ('{"SHOP_TOKEN": "' + VALUE, "is not a JSON object of names to values: "),
        ('{"SHOP_TOKEN": 12345}', "the value of 'SHOP_TOKEN' must be text a header can carry"),
        ('{"SHOP_TOKEN": "' + VALUE + '\\n"}', "the value of 'SHOP_TOKEN' must be text a header can carry"),
        ('{"SHOP_TOKEN": ""}', "the value of 'SHOP_TOKEN' must be text a header can carry"),
        ('{"SHOP_TOKEN": " ' + VALUE + '"}', "the value of 'SHOP_TOKEN' must be text a header can carry"),
        ('{"SHOP_TOKEN": "caf\\u00e9"}', "the value of 'SHOP_TOKEN' must be text a header can carry"),
        ('{"shop-token": "' + VALUE + '"}', "'shop-token' is not a secret name"),
        ('{"1TOKEN": "' + VALUE + '"}', "'1TOKEN' is not a secret name"),
        ('{"A": "x", "A": "' + VALUE + '"}', "names 'A' more than once"),
    ],
)
def test_a_bad_setting_is_refused_without_showing_a_value(setting, problem):
    [found] = problems(setting)
    assert problem in found
    assert VALUE not in found


def test_every_bad_entry_is_named_at_once():
    [found] = problems('{"ok": "fine", "bad-name": "x", "EMPTY": ""}')
    assert "'bad-name' is not a secret name" in found
    assert "the value of 'EMPTY'" in found


def test_secrets_show_their_names_only():
    assert repr(secrets(f'{{"SHOP_TOKEN": "{VALUE}"}}')) == "WebhookSecrets(['SHOP_TOKEN'])"
