"""The base of every domain error: a stable code that clients can rely on."""

from typing import Any


class DomainError(Exception):
    """Raised by services when a request cannot be carried out.

    `code` is stable (clients switch on it); `message` is for people and is
    translated; `status_code` is how the API layer reports it.
    """

    code: str = "error"
    status_code: int = 400
    default_message: Any = "The request could not be carried out."

    def __init__(self, message: Any = None, *, fields: dict | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))


class Conflict(DomainError):
    """The request is well formed but the current state does not allow it."""

    status_code = 409
    code = "conflict"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
