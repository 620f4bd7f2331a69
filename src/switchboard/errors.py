"""One error hierarchy for Switchboard.

Every error carries ``retryable`` so callers (the outbox, engine fallbacks, the CLI) can decide
whether trying again can help without string-matching messages.
"""

from __future__ import annotations


class SwitchboardError(Exception):
    """Base class for all Switchboard errors."""

    retryable: bool = False
    exit_code: int = 1

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class ConfigError(SwitchboardError):
    """Settings or a configuration file are invalid; the process cannot start."""

    exit_code = 2


class ProfileError(ConfigError):
    """A business profile file is unreadable or invalid.

    The message always names the file and, when known, the field.
    """

    def __init__(self, path: str, message: str, *, field: str | None = None) -> None:
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.field = field


class EngineError(SwitchboardError):
    """A speech or language engine failed while working."""

    retryable = True


class EngineUnavailable(ConfigError):
    """A configured engine cannot start: missing model file, package or server."""


class CarrierError(SwitchboardError):
    """The carrier (Twilio) REST API refused or failed a request."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(message, retryable=retryable)
        self.status = status


class StreamTokenError(SwitchboardError):
    """A media-stream token is missing, malformed, expired, replayed or for another call."""
