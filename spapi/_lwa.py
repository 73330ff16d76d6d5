"""Login with Amazon (LWA) token client, one class per :class:`SpApiClient`.

python-amazon-sp-api reads the LWA URL from class attributes and caches access
tokens in a module-global ``TTLCache`` keyed by the refresh token only, shared
by all clients, endpoints and client ids, never evicted on 403. The subclass
built here points at the configured token URL, talks through the client's
:class:`CheckedTransport` (timeouts) and keeps tokens in a per-client cache
that honours ``expires_in`` and can be dropped after a 401/403.
"""

import hashlib
import threading
import time
from urllib.parse import urlsplit

from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.auth.credentials import Credentials

from ._http import error_class_for_status, parse_json, request_id
from .const import LWA_PATH
from .errors import AuthError, InvalidClient, InvalidGrant, InvalidResponse

LWA_OPERATION = "lwaToken"
EXPIRY_MARGIN = 60  # seconds before expires_in at which a token is renewed
_CLIENT_ERRORS = {
    "invalid_grant": InvalidGrant,
    "invalid_client": InvalidClient,
    "unauthorized_client": InvalidClient,
}


def account_key(refresh_token):
    """Stable, non-secret key for a refresh token (logs, rate buckets)."""
    raw = (refresh_token or "").encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


class TokenCache:
    """Thread-safe access-token cache of one :class:`SpApiClient`, or of
    every client of a process (:func:`shared_token_cache`)."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, refresh_token):
        with self._lock:
            entry = self._entries.get(account_key(refresh_token))
            if entry and entry[1] > self._clock():
                return entry[0]
            return None

    def put(self, refresh_token, token):
        try:
            ttl = int(token.get("expires_in") or 3600)
        except (TypeError, ValueError):
            ttl = 3600
        expiry = self._clock() + max(ttl - EXPIRY_MARGIN, 1)
        with self._lock:
            self._entries[account_key(refresh_token)] = (token, expiry)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def discard(self, refresh_token):
        """Forget the access token of ``refresh_token`` (Amazon refused it)."""
        with self._lock:
            self._entries.pop(account_key(refresh_token), None)


_shared_caches = {}
_shared_lock = threading.Lock()


def clear_shared_token_caches():
    """Forget every shared access token (tests start from none)."""
    with _shared_lock:
        _shared_caches.clear()


def shared_token_cache(token_url, client_id):
    """The access-token cache of every client of this process that asks
    ``token_url`` with the application ``client_id``: a job or a run that
    makes its own client does not fetch a new token each time (LWA tokens
    live an hour)."""
    key = (token_url, client_id)
    with _shared_lock:
        cache = _shared_caches.get(key)
        if cache is None:
            cache = _shared_caches[key] = TokenCache()
        return cache


def check_lwa_response(res):
    """Decoded LWA token body, or the matching error."""
    status = res.status_code
    try:
        body = parse_json(res)
    except ValueError:
        body = None
    rid = request_id(res)
    if status == 200:
        if not isinstance(body, dict) or not body.get("access_token"):
            raise InvalidResponse(
                "LWA answer without access_token",
                operation=LWA_OPERATION,
                status=status,
                request_id=rid,
            )
        return body
    body = body if isinstance(body, dict) else {}
    code = body.get("error")
    cls = _CLIENT_ERRORS.get(code) or error_class_for_status(status)
    if cls not in _CLIENT_ERRORS.values() and 400 <= status < 500 and status != 429:
        cls = AuthError
    message = str(body.get("error_description") or code or f"LWA HTTP {status}")
    raise cls(
        message[:200],
        operation=LWA_OPERATION,
        status=status,
        amazon_code=code,
        request_id=rid,
    )


class LwaClient(AccessTokenClient):
    """Library ``AccessTokenClient`` with per-client URL, transport, cache."""

    transport = None  # set on the per-client subclass
    token_cache = None

    def __init__(self, refresh_token=None, credentials=None, proxies=None, verify=True):
        # Deliberately not calling super().__init__: it would open an unused
        # httpx client without timeouts.
        self.cred = Credentials(refresh_token, credentials)
        self.proxies = proxies
        self.verify = verify
        self._transport = self.transport

    def _request(self, url, data, headers):
        res = self._transport.raw("POST", url, data=data, headers=headers)
        return check_lwa_response(res)

    def get_auth(self):
        token = self.token_cache.get(self.cred.refresh_token)
        if token is None:
            url = self.scheme + self.host + self.path
            token = self._request(url, self.data, self.headers)
            self.token_cache.put(self.cred.refresh_token, token)
        return AccessTokenResponse(**token)


def lwa_class(token_url, transport, token_cache):
    """A fresh ``LwaClient`` subclass bound to one URL, transport and cache."""
    parts = urlsplit(token_url)
    attrs = {
        "scheme": f"{parts.scheme}://",
        "host": parts.netloc,
        "path": parts.path or LWA_PATH,
        "transport": transport,
        "token_cache": token_cache,
    }
    return type("BoundLwaClient", (LwaClient,), attrs)
