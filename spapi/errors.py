"""Exception hierarchy of the SP-API client.

Messages never contain secrets (client secret, refresh or access tokens) nor
buyer data: only the operation name, HTTP status, Amazon's error code and
request id, plus Amazon's own short error message (truncated). ``errors``
keeps every ``(code, message, details)`` of Amazon's error list, each
truncated the same way, for callers that classify a refusal.
"""


class SpApiError(Exception):
    """Base class of every error raised by :mod:`spapi`."""

    def __init__(
        self,
        message="",
        *,
        operation=None,
        status=None,
        amazon_code=None,
        request_id=None,
        errors=(),
    ):
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.status = status
        self.amazon_code = amazon_code
        self.request_id = request_id
        self.errors = tuple(errors)

    def __str__(self):
        parts = [self.message or self.__class__.__name__]
        for label, value in (
            ("operation", self.operation),
            ("status", self.status),
            ("code", self.amazon_code),
            ("request id", self.request_id),
        ):
            if value not in (None, ""):
                parts.append(f"{label}={value}")
        return " | ".join(str(p) for p in parts)


class AuthError(SpApiError):
    """LWA refused the credentials or SP-API answered 401/403."""


class InvalidGrant(AuthError):
    """Refresh token revoked/expired or authorization code invalid/expired."""


class InvalidClient(AuthError):
    """LWA client id or client secret is wrong (e.g. secret rotated)."""


class ThrottledError(SpApiError):
    """HTTP 429 still returned after all retries."""


class RateLimitWait(ThrottledError):
    """Not sent: the rate limit would make the caller wait longer than it
    may (``wait`` seconds); nothing reached Amazon."""

    def __init__(self, message="", *, wait=0.0, **kwargs):
        super().__init__(message, **kwargs)
        self.wait = wait


class TransientError(SpApiError):
    """5xx, timeout or connection error still failing after all retries."""


class InvalidResponse(SpApiError):
    """Body that is not the JSON we expect (including non-JSON error bodies)."""


class RequestError(SpApiError):
    """The request was rejected (400 InvalidInput, 404 NotFound, ...)."""


class DocumentUrlRefused(InvalidResponse):
    """A feed/report document URL outside the allowed hosts: nothing was sent.

    The message names the host only, never the presigned URL (its query
    carries a temporary signature).
    """
