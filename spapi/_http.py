"""HTTP transport used under python-amazon-sp-api and response checks.

The library sends every request through ``client._transport.request``; this
transport replaces its ``HttpxTransport`` so that

* timeouts are explicit (the library's LWA client has none);
* the wrong ``host`` header the library derives from ``endpoint[8:]`` (it
  assumes ``https://``) is dropped, httpx sets the right one from the URL;
* status and body are checked *before* the library parses them: the library
  turns a non-JSON error body into an empty, successful-looking response.

An empty 2xx body is an :class:`InvalidResponse` except for 204 No Content
and for operations documented without a response body (the client tells the
transport through ``empty_ok``, e.g. cancelFeed's bare 200).
"""

import json

import httpx
from sp_api.base._transport_httpx import HttpxTransport

from .errors import (
    AuthError,
    InvalidResponse,
    RequestError,
    SpApiError,
    ThrottledError,
    TransientError,
)

MAX_MESSAGE = 200
MAX_ERRORS = 10


def make_timeout(timeout):
    """``(connect, read)`` tuple or a single number -> ``httpx.Timeout``."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, (tuple, list)):
        connect, read = timeout
        return httpx.Timeout(read, connect=connect)
    return httpx.Timeout(timeout)


def request_id(res):
    headers = res.headers
    return headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id")


def parse_json(res):
    """Return the decoded JSON body or raise ``ValueError``."""
    text = res.content.decode("utf-8", errors="strict") if res.content else ""
    if not text.strip():
        raise ValueError("empty body")
    return json.loads(text)


def _describe_body(res):
    ctype = res.headers.get("content-type", "unknown type").split(";")[0]
    return f"non-JSON body ({ctype}, {len(res.content)} bytes)"


def _short(value):
    return str(value or "")[:MAX_MESSAGE]


def amazon_errors(body):
    """``(code, message, details)`` of an SP-API ``{"errors": [...]}`` body."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ()
    return tuple(
        (err.get("code"), _short(err.get("message")), _short(err.get("details")))
        for err in errors[:MAX_ERRORS]
        if isinstance(err, dict)
    )


def error_class_for_status(status):
    if status == 429:
        return ThrottledError
    if status >= 500 or status == 408:
        return TransientError
    if status in (401, 403):
        return AuthError
    return RequestError


def check_spapi_response(res, empty_ok=False):
    """Raise the matching :class:`SpApiError` unless ``res`` is 2xx JSON.

    Returns the decoded object; ``{}`` for an empty 204 (or any empty 2xx
    when ``empty_ok``).
    """
    status = res.status_code
    if 200 <= status < 300 and (status == 204 or empty_ok):
        if not res.content.strip():
            return {}
    try:
        body = parse_json(res)
    except ValueError:
        body = None
    if 200 <= status < 300:
        if not isinstance(body, dict):
            raise InvalidResponse(
                _describe_body(res) if body is None else "JSON body is not an object",
                status=status,
                request_id=request_id(res),
            )
        return body
    errors = amazon_errors(body)
    code, message, _details = errors[0] if errors else (None, "", "")
    cls = error_class_for_status(status)
    if body is None and cls is RequestError:
        cls = InvalidResponse
    raise cls(
        message or (_describe_body(res) if body is None else f"HTTP {status}"),
        status=status,
        amazon_code=code,
        request_id=request_id(res),
        errors=errors,
    )


class CheckedTransport(HttpxTransport):
    """``HttpxTransport`` with explicit timeouts and status/body checks."""

    def __init__(self, *, timeout, on_response=None, empty_ok=None):
        super().__init__(client=httpx.Client(timeout=make_timeout(timeout)))
        self.on_response = on_response
        self.empty_ok = empty_ok or (lambda: False)

    def raw(self, method, url, *, params=None, data=None, content=None, headers=None):
        """Send without status checks; network failures -> TransientError."""
        headers = {k: v for k, v in (headers or {}).items() if k.lower() != "host"}
        try:
            return super().request(
                method, url, params=params, data=data, content=content, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise TransientError(f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"connection error ({type(exc).__name__})") from exc

    def request(
        self, method, url, *, params=None, data=None, content=None, headers=None
    ):
        res = self.raw(
            method, url, params=params, data=data, content=content, headers=headers
        )
        if self.on_response is not None:
            self.on_response(res)
        check_spapi_response(res, empty_ok=self.empty_ok())
        return res

    def document(self, method, url, *, content=None, headers=None, max_bytes):
        """Presigned-URL request: no SP-API headers, status not checked.

        Returns ``(response, raw body bytes)``; the body is read undecoded
        (``Content-Encoding`` left to the caller) and refused past
        ``max_bytes``. Redirects are not followed.
        """
        try:
            with self._client.stream(
                method, url, content=content, headers=headers or {}
            ) as res:
                chunks, size = [], 0
                for chunk in res.iter_raw():
                    size += len(chunk)
                    if size > max_bytes:
                        raise InvalidResponse(
                            f"document larger than {max_bytes} bytes",
                            status=res.status_code,
                        )
                    chunks.append(chunk)
                return res, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise TransientError(f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"connection error ({type(exc).__name__})") from exc


__all__ = [
    "CheckedTransport",
    "SpApiError",
    "amazon_errors",
    "check_spapi_response",
    "make_timeout",
]
