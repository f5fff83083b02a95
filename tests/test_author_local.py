"""What the author commands (`parley bots`, `parley chat`, `parley nlu evaluate`) work out on this
machine before they ask a Parley anything: the version line of a pulled file, the gateway's
address, Parley's directories seen from elsewhere, and the local time zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley import checkout
from parley.api import admin_token, default_url
from parley.cli import main
from parley.localzone import local_zone
from parley.pulls import Pulled, pulled, record, version_line
from parley.settings import EmbeddedSettings

ROOT = Path(__file__).resolve().parents[1]
PULLED = "# parley: version 3 of bot pizzeria\nname: pizzeria\nintents: []\n"


def test_a_pulled_file_names_its_bot_and_version() -> None:
    assert pulled(PULLED.encode()) == Pulled(bot="pizzeria", version=3)
    assert version_line("pizzeria", 3) == PULLED.splitlines()[0]


def test_the_version_line_counts_only_among_the_leading_comments() -> None:
    assert pulled(b"# mine\n\n# parley: version 4 of bot shop  \r\nname: shop\n") == Pulled(
        bot="shop", version=4
    )
    assert pulled(b"name: shop\n# parley: version 4 of bot shop\n") is None
    assert pulled(b'{"name": "shop"}') is None


def test_a_push_rewrites_the_line_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "mybot.yaml"
    raw = ("\ufeff" + PULLED + "# parley: version 3 of bot pizzeria\n").encode()
    path.write_bytes(raw)
    assert record(path, raw, Pulled(bot="mybot", version=1))
    assert path.read_bytes() == raw.replace(
        b"version 3 of bot pizzeria\nname", b"version 1 of bot mybot\nname"
    )


def test_a_file_saved_meanwhile_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "mybot.yaml"
    path.write_text(PULLED + "description: edited since\n")
    assert not record(path, PULLED.encode(), Pulled(bot="pizzeria", version=4))
    assert path.read_text() == PULLED + "description: edited since\n"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("0.0.0.0", 8310, "http://127.0.0.1:8310"),
        ("::", 8310, "http://[::1]:8310"),
        ("::1", 8310, "http://[::1]:8310"),
        ("parley.lan", 80, "http://parley.lan:80"),
    ],
)
def test_the_gateway_is_where_parley_run_listens(host: str, port: int, url: str) -> None:
    assert default_url(EmbeddedSettings(host=host, port=port)) == url


def test_a_relative_default_is_found_here_else_in_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert checkout.checkout() == ROOT
    assert checkout.located("var/models") == ROOT / "var" / "models"
    (tmp_path / "var" / "models").mkdir(parents=True)
    assert checkout.located("var/models") == Path("var/models")
    assert checkout.located("/opt/parley/models") == Path("/opt/parley/models")


def test_the_admin_token_kept_in_the_checkout_is_found_from_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, elsewhere = tmp_path / "parley", tmp_path / "bikeshop"
    (root / "var" / "data").mkdir(parents=True)
    (root / "var" / "data" / "admin-token").write_text("kept\n")
    elsewhere.mkdir()
    monkeypatch.setattr(checkout, "checkout", lambda: root)
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("PARLEY_ADMIN_TOKEN", raising=False)
    monkeypatch.delenv("PARLEY_DATA_DIR", raising=False)
    assert admin_token(None, "http://127.0.0.1:8000") == "kept"
    monkeypatch.setenv("PARLEY_DATA_DIR", "var/data")  # set: read as it is, from here
    assert admin_token(None, "http://127.0.0.1:8000") is None


@pytest.mark.parametrize(
    ("tz", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        (":America/New_York", "America/New_York"),
        ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
        ("CET-1CEST", None),
        ("", None),
    ],
)
def test_tz_names_the_local_zone_when_set(tz: str, zone: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", tz)
    assert local_zone() == zone


def test_without_tz_the_zone_is_what_etc_localtime_links_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/Lisbon")
    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr("parley.localzone.LOCALTIME", link)
    assert local_zone() == "Europe/Lisbon"
    link.unlink()
    (tmp_path / "timezone").write_text("Africa/Nairobi\n")
    monkeypatch.setattr("parley.localzone.TIMEZONE_FILE", tmp_path / "timezone")
    assert local_zone() == "Africa/Nairobi"


@pytest.mark.slow
def test_nlu_evaluate_run_elsewhere_uses_the_checkouts_model_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NLU_MODEL_CACHE", raising=False)
    monkeypatch.delenv("NLU_ENCODER", raising=False)
    assert main(["nlu", "evaluate", str(ROOT / "src" / "parley" / "demo" / "pizzeria.yaml")]) == 0
    assert not (tmp_path / "var").exists()
