"""Login with Amazon (LWA) state: authorization codes, refresh and access tokens."""

import secrets
import threading

from .constants import LWA_ERRORS


class LwaError(Exception):
    """An LWA error response: ``error`` code and the parameter it concerns."""

    def __init__(self, error, param=""):
        super().__init__(error)
        self.error = error
        self.status, template = LWA_ERRORS[error]
        self.description = template.format(param)

    def body(self):
        return {"error_description": self.description, "error": self.error}


class TokenStore:
    """Thread-safe registry of codes, refresh tokens and access tokens."""

    def __init__(self, clock, client_id, client_secret, code_ttl=300, access_ttl=3600):
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.code_ttl = code_ttl
        self.access_ttl = access_ttl
        self._lock = threading.Lock()
        self.codes = {}  # code -> {"seller_id", "expires", "used"}
        self.refresh = {}  # refresh token -> {"seller_id", "revoked"}
        self.access = {}  # access token -> {"refresh", "expires"}

    def reset(self, refresh_tokens, seller_id):
        with self._lock:
            self.codes.clear()
            self.access.clear()
            self.refresh = {
                t: {"seller_id": seller_id, "revoked": False} for t in refresh_tokens
            }

    def register_refresh_token(self, token, seller_id):
        with self._lock:
            self.refresh[token] = {"seller_id": seller_id, "revoked": False}

    def issue_code(self, seller_id, **extra):
        code = "AN" + secrets.token_urlsafe(15).replace("-", "x").replace("_", "y")
        with self._lock:
            self.codes[code] = {
                "seller_id": seller_id,
                "expires": self.clock() + self.code_ttl,
                "used": False,
                **extra,
            }
        return code

    def revoke(self, refresh_token):
        """Revoke a refresh token and every access token issued from it."""
        with self._lock:
            entry = self.refresh.get(refresh_token)
            if entry is None:
                return False
            entry["revoked"] = True
            return True

    def token_request(self, form):
        """Handle a form-decoded ``POST /auth/o2/token``; return the JSON body."""
        grant = form.get("grant_type")
        if not grant:
            raise LwaError("invalid_request", "grant_type")
        if grant not in ("authorization_code", "refresh_token"):
            raise LwaError("unsupported_grant_type")
        for param in ("client_id", "client_secret"):
            if not form.get(param):
                raise LwaError("invalid_request", param)
        if (form["client_id"], form["client_secret"]) != (
            self.client_id,
            self.client_secret,
        ):
            raise LwaError("invalid_client")
        if grant == "authorization_code":
            return self._exchange_code(form.get("code"))
        return self._refresh(form.get("refresh_token"))

    def _exchange_code(self, code):
        if not code:
            raise LwaError("invalid_request", "code")
        with self._lock:
            entry = self.codes.get(code)
            if entry is None or entry["used"] or entry["expires"] < self.clock():
                raise LwaError("invalid_grant", "code")
            entry["used"] = True
            refresh = "Atzr|" + secrets.token_urlsafe(48)
            self.refresh[refresh] = {"seller_id": entry["seller_id"], "revoked": False}
            body = self._new_access(refresh)
        body["refresh_token"] = refresh
        return body

    def _refresh(self, refresh):
        if not refresh:
            raise LwaError("invalid_request", "refresh_token")
        with self._lock:
            entry = self.refresh.get(refresh)
            if entry is None or entry["revoked"]:
                raise LwaError("invalid_grant", "refresh_token")
            body = self._new_access(refresh)
        body["refresh_token"] = refresh
        return body

    def _new_access(self, refresh):
        token = "Atza|" + secrets.token_urlsafe(48)
        self.access[token] = {
            "refresh": refresh,
            "expires": self.clock() + self.access_ttl,
        }
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": int(self.access_ttl),
        }

    def check_access(self, token):
        """Return None when valid, else "missing", "expired" or "invalid"."""
        if not token:
            return "missing"
        with self._lock:
            entry = self.access.get(token)
            if entry is None:
                return "invalid"
            if self.refresh.get(entry["refresh"], {}).get("revoked", True):
                return "invalid"
            if entry["expires"] <= self.clock():
                return "expired"
        return None
