import httpx
import pytest

from parley_runtime.errors import (
    ConflictError,
    DeadlineExceededError,
    InvalidInputError,
    ModelFaultError,
    NotFoundError,
    NotTrainedError,
    ParleyError,
    PermanentError,
    PreconditionFailedError,
    TransientError,
)
from parley_runtime.http import error_from_response


def answer(status: int, code: str, message: str = "m", details: object = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "details": details}})


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (404, "not_found", NotFoundError),
        (404, "not_trained", NotTrainedError),
        (409, "conflict", ConflictError),
        (412, "precondition_failed", PreconditionFailedError),
        (400, "invalid_input", InvalidInputError),
        (413, "too_large", InvalidInputError),
        (422, "invalid_input", InvalidInputError),
        (503, "unavailable", TransientError),
        (503, "timeout", DeadlineExceededError),
        (503, "model_corrupt", ModelFaultError),
        (503, "model_unavailable", ModelFaultError),
        (503, "model_incompatible", ModelFaultError),
        (429, "rate_limited", TransientError),
        (500, "internal_error", TransientError),
        (403, "forbidden", PermanentError),
    ],
)
def test_an_upstream_error_comes_back_as_the_class_it_was_raised_as(
    status: int, code: str, expected: type[ParleyError]
) -> None:
    error = error_from_response(answer(status, code, "what happened"))
    assert type(error) is expected
    assert (error.code, str(error)) == (code, "what happened")


def test_invalid_input_keeps_its_details() -> None:
    error = error_from_response(answer(400, "invalid_input", details={"field": "bot"}))
    assert isinstance(error, InvalidInputError)
    assert error.details == {"field": "bot"}


def test_a_body_that_is_not_an_error_document_keeps_the_status() -> None:
    error = error_from_response(httpx.Response(502, text="<html>bad gateway</html>"))
    assert type(error) is TransientError
    assert (error.code, str(error)) == ("upstream_error", "HTTP 502")
