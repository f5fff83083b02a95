"""The health port of worker processes: liveness, readiness and Prometheus metrics over plain HTTP."""

from __future__ import annotations

import httpx
import pytest

from parley_runtime.health import serving_health


async def _yes() -> bool:
    return True


async def _no() -> bool:
    return False


async def _broken() -> bool:
    raise ConnectionError("mongodb unreachable")


async def _get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        return await client.get(path)


async def test_a_live_and_ready_worker_answers_200_on_both_probes() -> None:
    async with serving_health("127.0.0.1", 0, live=_yes, ready=_yes) as port:
        assert (await _get(port, "/health/live")).status_code == 200
        response = await _get(port, "/health/ready")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("probe", [_no, _broken], ids=["says no", "raises"])
async def test_a_worker_that_is_not_ready_answers_503(probe: object) -> None:
    async with serving_health("127.0.0.1", 0, live=_yes, ready=probe) as port:  # type: ignore[arg-type]
        response = await _get(port, "/health/ready")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


async def test_metrics_are_served_in_the_prometheus_text_format() -> None:
    async with serving_health("127.0.0.1", 0, live=_yes, ready=_yes) as port:
        response = await _get(port, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "python_info" in response.text


async def test_any_other_path_is_not_found() -> None:
    async with serving_health("127.0.0.1", 0, live=_yes, ready=_yes) as port:
        assert (await _get(port, "/health")).status_code == 404
