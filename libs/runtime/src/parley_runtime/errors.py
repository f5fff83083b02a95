"""The runtime's exception tree. Adapters translate driver errors into these at their edge."""

from __future__ import annotations


class ParleyError(Exception):
    """Base of every error Parley raises on purpose."""

    code = "internal_error"


class TransientError(ParleyError):
    """Retrying later may succeed (timeouts, throttling, a broker or server restarting)."""

    code = "unavailable"


class DeadlineExceededError(TransientError):
    """The work took longer than its caller would wait, and was given up with nothing changed."""

    code = "timeout"


class ModelFaultError(TransientError):
    """A bot's model cannot be served until an operator mends it: its artifact is lost, unreadable
    or made for another encoder. An outage (503) that retrying does not end, whose reason the admin
    API gives (chat users get the generic one). Subclasses' codes are `MODEL_FAULTS`."""

    code = "model_fault"


MODEL_FAULTS = frozenset({"model_unavailable", "model_corrupt", "model_incompatible"})
"""The codes of the NLU's `ModelFaultError`s, by which `http.error_from_response` rebuilds one."""


class PermanentError(ParleyError):
    """Retrying cannot succeed (malformed message, failed validation, missing resource)."""

    code = "permanent_error"


class NotFoundError(PermanentError):
    code = "not_found"


class NotTrainedError(NotFoundError):
    """The bot exists but has no trained model yet: its messages can only be handled as fallback."""

    code = "not_trained"


class ConflictError(PermanentError):
    code = "conflict"


class PreconditionFailedError(PermanentError):
    """A write made conditional on what the client last read (HTTP `If-Match`, `If-None-Match`)
    found something else; `details` says what is there now, so that the client can reload it."""

    code = "precondition_failed"

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.details = details


class InvalidInputError(PermanentError):
    """Bad input from a client; `details` says precisely what and where."""

    code = "invalid_input"

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.details = details


class SettingsError(ParleyError):
    """One or more settings are missing or malformed; the message lists every problem at once."""

    code = "settings_error"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid settings:\n  " + "\n  ".join(problems))
        self.problems = problems
