"""Domain errors and how they map to HTTP statuses (websocket codes live in sync.protocol).

Every refusal carries a stable snake_case code for the API and a human message that is
translated into the user's language when the error is rendered.
"""

from __future__ import annotations


class AppError(Exception):
    """An expected refusal: bad input, missing right, unknown object..."""

    status = 400
    code = "bad_request"
    message = "The request is invalid."

    def __init__(self, message: str | None = None, *, code: str | None = None, **details: object):
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidInput(AppError):
    status = 422
    code = "invalid_input"
    message = "Some fields are invalid."

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message)
        self.errors = errors


class NotSignedIn(AppError):
    status = 401
    code = "not_signed_in"
    message = "Please sign in."


class BadCredentials(AppError):
    status = 401
    code = "bad_credentials"
    message = "Incorrect e-mail address or password."


class CsrfRejected(AppError):
    status = 403
    code = "csrf_rejected"
    message = "Security token missing or invalid: reload the page and try again."


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    message = "Your role does not allow this action."


class NotFound(AppError):
    status = 404
    code = "not_found"
    message = "This page does not exist or is not shared with you."


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"
    message = "This address does not accept this kind of request."


class Conflict(AppError):
    status = 409
    code = "conflict"
    message = "This conflicts with the current state."


class Frozen(AppError):
    status = 409
    code = "tender_frozen"
    message = "The tender is published: its documents are read-only until it is reopened."


class TooLarge(AppError):
    status = 413
    code = "too_large"
    message = "The request is too large."


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    message = "Too many attempts: please wait a moment and try again."
