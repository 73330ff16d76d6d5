"""The Seller Central website authorization workflow (consent pages)."""

import secrets
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import pages
from .constants import MARKETPLACES
from .httpd import html_response, redirect

SESSION_TTL = 3600
DENIED = "The user denied the authorization request."


def add_query(uri, params):
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def local_uri(uri):
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and parts.hostname in (
        "127.0.0.1",
        "localhost",
    )


class ConsentFlow:
    """Server-side flow state, keyed by the hidden ``sid`` form field."""

    def __init__(self, sim):
        self.sim = sim
        self._lock = threading.Lock()
        self.sessions = {}

    def reset(self):
        with self._lock:
            self.sessions.clear()

    def route(self, request):
        handler = {
            ("GET", "/apps/authorize/consent"): self.start,
            ("POST", "/ap/signin"): self.signin,
            ("POST", "/ap/mfa"): self.mfa,
            ("POST", "/apps/authorize/select"): self.select,
            ("POST", "/apps/authorize/confirm"): self.confirm,
        }.get((request.method, request.path))
        if handler is None:
            return None
        if request.method == "GET":
            return handler(request)
        form = request.form()
        session = self._session(form.get("sid", ""))
        if session is None:
            return html_response(
                400,
                pages.error(
                    "SESSION_EXPIRED",
                    "Your session has expired. Please start the authorisation again.",
                ),
            )
        return handler(form, session)

    def _session(self, sid):
        with self._lock:
            session = self.sessions.get(sid)
        if session is None or session["expires"] < self.sim.clock():
            return None
        return session

    def _redirect_uri(self, given):
        registered = self.sim.redirect_uris
        if given:
            ok = given in registered if registered else local_uri(given)
            return given if ok else None
        return registered[0] if registered else None

    def start(self, request):
        lang = "de" if request.arg("lang", "").lower().startswith("de") else "en"
        app_id = request.arg("application_id", "")
        if app_id != self.sim.application_id:
            return html_response(
                400,
                pages.error(
                    "UNKNOWN_APPLICATION",
                    "The application ID in this request is not valid.",
                    lang,
                ),
            )
        if self.sim.app_is_draft and request.arg("version") != "beta":
            return html_response(
                400,
                pages.error(
                    "MD1000",
                    "This application is in draft status. Draft applications can "
                    "only be authorised with version=beta.",
                    lang,
                ),
            )
        uri = self._redirect_uri(request.arg("redirect_uri"))
        if uri is None:
            return html_response(
                400,
                pages.error(
                    "MD5101",
                    "The redirect URI is not registered for this application.",
                    lang,
                ),
            )
        sid = secrets.token_urlsafe(24)
        with self._lock:
            self.sessions[sid] = {
                "sid": sid,
                "step": "signin",
                "lang": lang,
                "state": request.arg("state", ""),
                "redirect_uri": uri,
                "expires": self.sim.clock() + SESSION_TTL,
            }
        return html_response(200, pages.signin(sid, lang))

    def signin(self, form, session):
        sid, lang = session["sid"], session["lang"]
        if session["step"] != "signin":
            return self._restart(session)
        email = form.get("email", "").strip()
        if email.lower() != self.sim.defaults["email"]:
            return html_response(200, pages.signin(sid, lang, "bad_email", email))
        if form.get("password") != self.sim.defaults["password"]:
            return html_response(200, pages.signin(sid, lang, "bad_password", email))
        session["step"] = "mfa"
        return html_response(200, pages.mfa(sid, lang))

    def mfa(self, form, session):
        if session["step"] != "mfa":
            return self._restart(session)
        if form.get("otpCode", "").strip() != self.sim.defaults["otp"]:
            return html_response(
                200, pages.mfa(session["sid"], session["lang"], "bad_otp")
            )
        session["step"] = "select"
        return self._select_page(session)

    def _select_page(self, session, error=None):
        choices = [
            (c, MARKETPLACES[c][0], MARKETPLACES[c][1]) for c in self.sim.marketplaces
        ]
        html = pages.select(
            session["sid"],
            session["lang"],
            self.sim.defaults["store_name"],
            choices,
            error,
        )
        return html_response(200, html)

    def select(self, form, session):
        if session["step"] != "select":
            return self._restart(session)
        valid = {MARKETPLACES[c][0] for c in self.sim.marketplaces}
        if form.get("marketplace") not in valid:
            return self._select_page(session, "no_choice")
        session["marketplace"] = form["marketplace"]
        session["step"] = "consent"
        return self._consent_page(session)

    def _consent_page(self, session, error=None):
        html = pages.consent(
            session["sid"],
            session["lang"],
            self.sim.defaults["application_name"],
            self.sim.seller_id,
            error,
        )
        return html_response(200, html)

    def confirm(self, form, session):
        if session["step"] != "consent":
            return self._restart(session)
        state = session["state"]
        if form.get("action") == "decline":
            self._finish(session)
            return redirect(
                add_query(
                    session["redirect_uri"],
                    {
                        "error": "access_denied",
                        "error_description": DENIED,
                        "state": state,
                    },
                )
            )
        if not form.get("consent"):
            return self._consent_page(session, "no_consent")
        self._finish(session)
        code = self.sim.tokens.issue_code(
            self.sim.seller_id, marketplace=session["marketplace"]
        )
        return redirect(
            add_query(
                session["redirect_uri"],
                {
                    "state": state,
                    "selling_partner_id": self.sim.seller_id,
                    "spapi_oauth_code": code,
                },
            )
        )

    def _finish(self, session):
        with self._lock:
            self.sessions.pop(session["sid"], None)

    def _restart(self, session):
        self._finish(session)
        return html_response(
            400,
            pages.error(
                "SESSION_EXPIRED",
                "This step is no longer valid. Please start the authorisation again.",
                session["lang"],
            ),
        )
