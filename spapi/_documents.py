"""Feed and report documents: presigned-URL host rule, transfer, GZIP.

Feeds and Reports hand out presigned S3 URLs (valid 5 minutes) to upload or
download a document. They are fetched *without* SP-API headers (the access
token must never leave for a host that is not SP-API) and only when
:func:`check_document_url` accepts them:

* client on Amazon's endpoints: ``https`` and a host ending in one of
  :data:`~spapi.const.DOCUMENT_HOST_SUFFIXES` (``*.amazonaws.com``);
* client on a custom endpoint (simulator, tests): exactly that endpoint's
  scheme, host and port, nothing else.

URLs with user info are refused, redirects are not followed.
"""

import re
import zlib
from urllib.parse import urlsplit

from .const import DOCUMENT_HOST_SUFFIXES, MAX_DOCUMENT_BYTES, REGION_ENDPOINTS
from .errors import (
    DocumentUrlRefused,
    InvalidResponse,
    RequestError,
    ThrottledError,
    TransientError,
)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_S3_CODE = re.compile(rb"<Code>([A-Za-z0-9_.-]{1,64})</Code>")


def _origin(parts):
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:  # port out of range or not a number
        return None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def custom_origin(endpoint):
    """``(scheme, host, port)`` of a custom endpoint, None for Amazon's."""
    if endpoint is None:
        return None
    normalized = endpoint.rstrip("/").lower()
    if normalized in REGION_ENDPOINTS.values():
        return None
    return _origin(urlsplit(normalized))


def check_document_url(url, origin=None):
    """Return ``url`` if documents may be sent to / read from it, else raise.

    ``origin`` is :func:`custom_origin` of the client's endpoint (None for
    Amazon's endpoints). Raises :class:`DocumentUrlRefused`.
    """
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or not parts.hostname:
        raise DocumentUrlRefused("document URL without host")
    host = parts.hostname.lower()
    if (
        parts.username is not None
        or parts.password is not None
        or "@" in (parts.netloc)
    ):
        raise DocumentUrlRefused(f"document URL with user info refused (host {host})")
    if origin is not None:
        allowed = _origin(parts) == origin
    else:
        allowed = parts.scheme.lower() == "https" and host.endswith(
            DOCUMENT_HOST_SUFFIXES
        )
    if not allowed:
        raise DocumentUrlRefused(
            f"document URL refused: {parts.scheme or 'no scheme'}://{host} "
            "is not an allowed document host"
        )
    return url


def check_transfer(res, body, what):
    """Raise unless the storage answered 2xx (S3 error bodies are XML)."""
    status = res.status_code
    if 200 <= status < 300:
        return
    found = _S3_CODE.search(body[:4096])
    code = found.group(1).decode("ascii") if found else None
    if status == 429 or code == "SlowDown":
        cls = ThrottledError
    elif status >= 500 or status == 408:
        cls = TransientError
    else:  # 400/403: expired URL, signature or Content-Type mismatch, ...
        cls = RequestError
    raise cls(
        f"document {what} refused by the storage host (HTTP {status})",
        status=status,
        amazon_code=code,
        request_id=res.headers.get("x-amz-request-id"),
    )


def gunzip(data, limit=MAX_DOCUMENT_BYTES):
    """Decompress a (possibly multi-member) GZIP document, at most ``limit``."""
    out, rest = [], data
    size = 0
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = inflater.decompress(rest, limit - size + 1)
        except zlib.error as exc:
            raise InvalidResponse(f"document is not valid GZIP ({exc})") from exc
        size += len(chunk)
        if size > limit or inflater.unconsumed_tail:
            raise InvalidResponse(f"document larger than {limit} bytes once unzipped")
        if not inflater.eof:
            raise InvalidResponse("GZIP document is truncated")
        out.append(chunk)
        rest = inflater.unused_data
    return b"".join(out)


def content_bytes(content):
    """Feed content as bytes (``str`` is encoded UTF-8, never Latin-1)."""
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    raise TypeError(f"feed content must be bytes or str, not {type(content).__name__}")


def document_body(res, body, compression):
    """Downloaded bytes, decompressed when Amazon or the storage says GZIP."""
    encoding = res.headers.get("content-encoding", "").strip().lower()
    if (compression or "").upper() == "GZIP" or encoding == "gzip":
        return gunzip(body)
    if compression:
        raise InvalidResponse(f"unknown compressionAlgorithm {compression!r}")
    return body
