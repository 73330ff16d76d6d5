"""The ``Simulator``: wires state, routes and faults to one HTTP server."""

import secrets
import threading
import time
from urllib.parse import unquote

from .auth import LwaError, TokenStore
from .consent import ConsentFlow
from .constants import (
    DEFAULTS,
    ERR_EXPIRED_TOKEN,
    ERR_INVALID_TOKEN,
    ERR_MISSING_TOKEN,
    ERR_NOT_FOUND,
    ERR_QUOTA,
    HTML_FAULT_BODIES,
    MARKETPLACES,
    marketplace,
)
from .control import Control
from .faults import Faults
from .httpd import DropConnection, Response, Server, api_response, json_response
from .loader import load_orders
from .orders_api import ApiError, OrdersApi
from .ratelimit import RateLimiter
from .store import OrderStore

ORDERS_PATH = "/orders/2026-01-01/orders"
FORBIDDEN = {
    "missing": ERR_MISSING_TOKEN,
    "expired": ERR_EXPIRED_TOKEN,
    "invalid": ERR_INVALID_TOKEN,
}
MALFORMED = b'{"orders": [{"orderId": undefined, "createdTime": 2026-01-01T00:00:00Z,}]'


class Simulator:
    """A local Amazon SP-API (LWA, consent, Sellers, Orders v2026-01-01)."""

    def __init__(
        self,
        seller_id=DEFAULTS["seller_id"],
        marketplaces=("DE",),
        rate_limits="off",
        time_scale=1.0,
        refresh_tokens=(),
        orders=None,
        generate=0,
        seed=0,
        redirect_uris=(),
        *,
        access_token_ttl=3600,
        code_ttl=300,
        clock=None,
        app_is_draft=True,
        application_id=DEFAULTS["application_id"],
        client_id=DEFAULTS["client_id"],
        client_secret=DEFAULTS["client_secret"],
    ):
        if rate_limits not in ("amazon", "off"):
            raise ValueError("rate_limits must be 'amazon' or 'off'")
        unknown = [m for m in marketplaces if m not in MARKETPLACES]
        if unknown:
            raise ValueError(f"unknown marketplaces {unknown}")
        self.clock = clock or time.time
        self.seller_id = seller_id
        self.marketplaces = tuple(marketplaces)
        self.redirect_uris = tuple(redirect_uris)
        self.application_id = application_id
        self.app_is_draft = app_is_draft
        self.defaults = dict(
            DEFAULTS,
            seller_id=seller_id,
            client_id=client_id,
            client_secret=client_secret,
            application_id=application_id,
        )
        self._initial_refresh = tuple(refresh_tokens)
        self._initial_orders = load_orders(orders)
        self._generate = (int(generate), int(seed))
        self.truth = {}
        self.tokens = TokenStore(
            self.clock, client_id, client_secret, code_ttl, access_token_ttl
        )
        self.limiter = RateLimiter(self.clock, rate_limits == "amazon", time_scale)
        self.store = OrderStore(self.clock)
        self.orders_api = OrdersApi(self.store, self.clock, secrets.token_bytes(32))
        self.faults = Faults()
        self.consent = ConsentFlow(self)
        self.control = Control(self)
        self._log_lock = threading.Lock()
        self._calls = []
        self._stop = threading.Event()
        self._server = self._thread = None
        self.base_url = None
        self.reset()

    # -- public API ----------------------------------------------------------
    def start(self, host="127.0.0.1", port=0):
        """Serve in a daemon thread; return the base URL."""
        self._stop.clear()
        self._server = Server((host, port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
        )
        self._thread.start()
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        return self.base_url

    def stop(self):
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self):
        """Back to the initial orders and tokens; clears faults, calls, buckets."""
        self.tokens.reset(self._initial_refresh, self.seller_id)
        self.limiter.reset()
        self.faults.reset()
        self.consent.reset()
        self.store.clear()
        self.store.add(self._initial_orders, bump=False)
        count, seed = self._generate
        if count:
            self.generate(count, seed)
        with self._log_lock:
            self._calls.clear()

    def generate(self, count, seed=0, start=None):
        """Add ``count`` generated orders; returns them (truth in ``self.truth``)."""
        from .generator import default_start, generate

        if start is None:
            start = default_start(self.clock())
        orders, truth = generate(count, seed, self.marketplaces, start)
        self.truth.update(truth)
        self.store.add(orders, bump=False)
        return orders

    def add_orders(self, orders):
        self.store.add(load_orders(orders))

    def update_order(self, order_id, **fields):
        return self.store.update(order_id, fields)

    def orders(self):
        return self.store.orders()

    def inject_fault(self, operation, kind, count=1, status=None, delay=None):
        return self.faults.add(operation, kind, count, status, delay)

    def revoke_refresh_token(self, token):
        return self.tokens.revoke(token)

    def add_refresh_token(self, token):
        self.tokens.register_refresh_token(token, self.seller_id)

    def call_log(self):
        with self._log_lock:
            calls = [dict(c) for c in self._calls]
        by_op, by_status = {}, {}
        for call in calls:
            by_op[call["operation"]] = by_op.get(call["operation"], 0) + 1
            key = str(call["status"]) if call["status"] else "no-response"
            by_status[key] = by_status.get(key, 0) + 1
        return {"by_operation": by_op, "by_status": by_status, "calls": calls}

    # -- request handling ----------------------------------------------------
    def dispatch(self, request):
        if request.path.startswith("/_sim/"):
            return self.control.handle(request)
        operation, handler = self._route(request)
        fault = self.faults.take(operation) if operation else None
        entry = {
            "time": self.clock(),
            "method": request.method,
            "path": request.path,
            "operation": operation or "unknown",
            "status": None,
            "fault": fault["kind"] if fault else None,
        }
        try:
            response = self._run(fault, handler, request)
            entry["status"] = response.status
            return response
        finally:
            with self._log_lock:
                self._calls.append(entry)

    def _route(self, request):
        method, path = request.method, request.path
        if method == "POST" and path == "/auth/o2/token":
            return "token", self._token
        if method == "GET" and path == "/sellers/v1/marketplaceParticipations":
            return "getMarketplaceParticipations", self._participations
        if method == "GET" and path == ORDERS_PATH:
            return "searchOrders", self._search
        if method == "GET" and path.startswith(ORDERS_PATH + "/"):
            return "getOrder", self._get_order
        if path.startswith(("/apps/authorize/", "/ap/")):
            return "consent", self.consent.route
        return None, self._not_found

    def _run(self, fault, handler, request):
        kind = fault["kind"] if fault else None
        if kind == "status":
            body = HTML_FAULT_BODIES.get(
                fault["status"], "<html><body>Error</body></html>"
            )
            return Response(
                fault["status"], body.encode(), {"Content-Type": "text/html"}
            )
        if kind == "drop":
            raise DropConnection
        if kind == "hang":
            self._stop.wait(fault["delay"] or 600)
            raise DropConnection
        if kind == "delay":
            self._stop.wait(fault["delay"] if fault["delay"] is not None else 1.0)
        response = handler(request) or self._not_found(request)
        if kind == "malformed_json":
            response.body = MALFORMED
        elif kind == "truncated_json":
            response.body = response.body[: max(1, len(response.body) // 2)]
        return response

    def _not_found(self, request):
        return api_response(404, {"errors": [ERR_NOT_FOUND]})

    def _token(self, request):
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        ctype = "application/json;charset=UTF-8"
        try:
            body = self.tokens.token_request(request.form())
        except LwaError as exc:
            return json_response(exc.status, exc.body(), content_type=ctype)
        return json_response(200, body, headers, content_type=ctype)

    def _api(self, operation, request, func):
        problem = self.tokens.check_access(request.headers.get("x-amz-access-token"))
        if problem:
            error_type, error = FORBIDDEN[problem]
            headers = {"x-amzn-ErrorType": error_type} if error_type else {}
            return api_response(403, {"errors": [error]}, headers)
        if not self.limiter.allow(operation):
            return api_response(429, {"errors": [ERR_QUOTA]})
        headers = {"x-amzn-RateLimit-Limit": self.limiter.header(operation)}
        try:
            return api_response(200, func(), headers)
        except ApiError as exc:
            return api_response(exc.status, exc.body(), headers)

    def _participations(self, request):
        def payload():
            return {
                "payload": [
                    {
                        "marketplace": marketplace(code),
                        "participation": {
                            "isParticipating": True,
                            "hasSuspendedListings": False,
                        },
                        "storeName": self.defaults["store_name"],
                    }
                    for code in self.marketplaces
                ]
            }

        return self._api("getMarketplaceParticipations", request, payload)

    def _search(self, request):
        return self._api(
            "searchOrders",
            request,
            lambda: self.orders_api.search_orders(request.query),
        )

    def _get_order(self, request):
        order_id = unquote(request.path[len(ORDERS_PATH) + 1 :])
        return self._api(
            "getOrder",
            request,
            lambda: self.orders_api.get_order(order_id, request.query),
        )
