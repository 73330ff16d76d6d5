"""The ``Simulator``: wires state, routes and faults to one HTTP server."""

import re
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
    FEED_TYPE_LIMITS,
    HTML_FAULT_BODIES,
    MARKETPLACES,
    marketplace,
)
from .control import Control
from .documents import Documents
from .faults import Faults
from .feeds import Feeds
from .finances import Finances
from .httpd import DropConnection, Response, Server, api_response, json_response
from .listings import Listings
from .loader import load_orders
from .orders_api import ApiError, OrdersApi
from .ratelimit import RateLimiter
from .reports import Reports
from .shipments import CARRIER_CODES, Shipments
from .store import OrderStore

ORDERS_PATH = "/orders/2026-01-01/orders"
FORBIDDEN = {
    "missing": ERR_MISSING_TOKEN,
    "expired": ERR_EXPIRED_TOKEN,
    "invalid": ERR_INVALID_TOKEN,
}
MALFORMED = b'{"orders": [{"orderId": undefined, "createdTime": 2026-01-01T00:00:00Z,}]'
SEG = "([^/]+)"
# (method, path pattern, operation id, handler method name)
ROUTES = [
    ("POST", "/auth/o2/token", "token", "_token"),
    (
        "GET",
        "/sellers/v1/marketplaceParticipations",
        "getMarketplaceParticipations",
        "_participations",
    ),
    ("GET", ORDERS_PATH, "searchOrders", "_search"),
    ("GET", ORDERS_PATH + "/" + SEG, "getOrder", "_get_order"),
    (
        "POST",
        "/orders/v0/orders/" + SEG + "/shipmentConfirmation",
        "confirmShipment",
        "_confirm_shipment",
    ),
    ("POST", "/feeds/2021-06-30/documents", "createFeedDocument", "_create_document"),
    ("GET", "/feeds/2021-06-30/documents/" + SEG, "getFeedDocument", "_feed_document"),
    ("POST", "/feeds/2021-06-30/feeds", "createFeed", "_create_feed"),
    ("GET", "/feeds/2021-06-30/feeds", "getFeeds", "_get_feeds"),
    ("GET", "/feeds/2021-06-30/feeds/" + SEG, "getFeed", "_get_feed"),
    ("DELETE", "/feeds/2021-06-30/feeds/" + SEG, "cancelFeed", "_cancel_feed"),
    (
        "GET",
        "/listings/2021-08-01/items/" + SEG,
        "searchListingsItems",
        "_search_listings",
    ),
    (
        "GET",
        "/listings/2021-08-01/items/" + SEG + "/" + SEG,
        "getListingsItem",
        "_get_listing",
    ),
    (
        "PATCH",
        "/listings/2021-08-01/items/" + SEG + "/" + SEG,
        "patchListingsItem",
        "_patch_listing",
    ),
    ("GET", "/finances/2024-06-19/transactions", "listTransactions", "_transactions"),
    ("POST", "/reports/2021-06-30/reports", "createReport", "_create_report"),
    ("GET", "/reports/2021-06-30/reports/" + SEG, "getReport", "_get_report"),
    ("DELETE", "/reports/2021-06-30/reports/" + SEG, "cancelReport", "_cancel_report"),
    (
        "GET",
        "/reports/2021-06-30/documents/" + SEG,
        "getReportDocument",
        "_report_document",
    ),
    ("PUT", "/_docs/upload/" + SEG, "uploadFeedDocument", "_upload"),
    ("GET", "/_docs/download/" + SEG, None, "_download"),
]
COMPILED = [(m, re.compile(p + "$"), op, h) for m, p, op, h in ROUTES]


class Simulator:
    """A local Amazon SP-API: LWA, consent, Sellers, Orders v2026-01-01 and v0
    confirmShipment, Feeds, Listings Items, Finances, Reports."""

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
        listings=True,
        unknown_sku_patches="accept",
        feed_processing_seconds=60.0,
        report_processing_seconds=60.0,
        compress_feed_reports=False,
        strict_bodies=False,
        package_edits=True,
        carrier_codes=CARRIER_CODES,
        invoice_upload=True,
        transactions=True,
        public_url=None,
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
        self.strict_bodies = strict_bodies
        self.invoice_upload = invoice_upload
        self.transactions_enabled = transactions
        self.public_url = public_url
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
        secret = secrets.token_bytes(32)
        self.tokens = TokenStore(
            self.clock, client_id, client_secret, code_ttl, access_token_ttl
        )
        self.limiter = RateLimiter(self.clock, rate_limits == "amazon", time_scale)
        self.store = OrderStore(self.clock)
        self.orders_api = OrdersApi(self.store, self.clock, secret)
        self.shipments = Shipments(self.store, self.clock, package_edits, carrier_codes)
        self.listings_store = Listings(
            self.clock, seller_id, self.marketplaces, listings, unknown_sku_patches
        )
        self.finances = Finances(self.clock, seller_id, secret)
        self.documents = Documents(self.clock, secret)
        self.feeds_api = Feeds(
            self, feed_processing_seconds, time_scale, compress_feed_reports
        )
        self.reports_api = Reports(self, report_processing_seconds, time_scale)
        self.faults = Faults(self.clock)
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
        """Back to the initial state: orders, listings, tokens; clears faults,
        calls, buckets, feeds, documents, confirmations, invoices, transactions."""
        self.tokens.reset(self._initial_refresh, self.seller_id)
        self.limiter.reset()
        self.faults.reset()
        self.consent.reset()
        self.store.clear()
        self.shipments.reset()
        self.listings_store.reset()
        self.finances.reset()
        self.documents.reset()
        self.feeds_api.reset()
        self.feeds_api.processors.reset()
        self.reports_api.reset()
        self.store.add(self._initial_orders, bump=False)
        count, seed = self._generate
        if count:
            self.generate(count, seed)
        with self._log_lock:
            self._calls.clear()

    def generate(self, count, seed=0, start=None):
        """Add ``count`` generated orders (with their payment and refund
        transactions); returns them (truth in ``self.truth``)."""
        from .generator import default_start, generate

        if start is None:
            start = default_start(self.clock())
        orders, truth = generate(count, seed, self.marketplaces, start)
        self.truth.update(truth)
        self.store.add(orders, bump=False)
        if self.transactions_enabled:
            self.finances.seed(orders)
        return orders

    def add_orders(self, orders):
        self.store.add(load_orders(orders))

    def update_order(self, order_id, **fields):
        return self.store.update(order_id, fields)

    def orders(self):
        self.tick()
        return self.store.orders()

    def order(self, order_id):
        self.tick()
        return self.store.get(order_id)

    def inject_fault(self, operation, kind, count=1, status=None, delay=None):
        return self.faults.add(operation, kind, count, status, delay)

    def down(self, seconds=None, status=503):
        """Every operation answers ``status`` (HTML body) for ``seconds`` of the
        simulator clock (None: until ``up()``)."""
        return self.faults.set_down(seconds, status)

    def up(self):
        self.faults.set_up()

    def revoke_refresh_token(self, token):
        return self.tokens.revoke(token)

    def add_refresh_token(self, token):
        self.tokens.register_refresh_token(token, self.seller_id)

    def confirmations(self):
        """Every shipment confirmation received (confirmShipment calls and
        order fulfilment feed messages), accepted or not, oldest first."""
        self.tick()
        return self.shipments.confirmations()

    def listings(self):
        self.tick()
        return self.listings_store.all()

    def listing(self, sku):
        self.tick()
        return self.listings_store.get(sku)

    def set_quantity(self, sku, quantity, channel="DEFAULT"):
        return self.listings_store.set_quantity(sku, quantity, channel)

    def add_listing(self, sku, **fields):
        return self.listings_store.add(sku, **fields)

    def fail_listings_feeds(self, count=1):
        """The next ``count`` JSON_LISTINGS_FEED feeds end FATAL (Amazon's
        "internal error"), whatever they contain."""
        self.feeds_api.processors.fatal_listings_feeds = count

    def listing_submissions(self):
        self.tick()
        return self.listings_store.submission_log()

    def feeds(self):
        """Every feed with its input and result (see README)."""
        return [self._feed_view(job) for job in self.feeds_api.jobs.all()]

    def _feed_view(self, job):
        view = self.feeds_api.render(job)
        view["feedOptions"] = dict(job["feedOptions"])
        view["inputFeedDocumentId"] = job["inputFeedDocumentId"]
        view["ignoredFields"] = list(job["ignoredFields"])
        return view

    def feed_document(self, document_id):
        """A feed, result or report document's bytes (decompressed) or None."""
        return self.documents.content(document_id)

    def process_feeds(self):
        """Finish every queued feed now; returns their ids."""
        return self.feeds_api.jobs.tick(force=True)

    def process_reports(self):
        return self.reports_api.jobs.tick(force=True)

    def tick(self):
        self.feeds_api.jobs.tick()
        self.reports_api.jobs.tick()

    def invoices(self, include_rejected=False):
        """UPLOAD_VAT_INVOICE documents Amazon accepted (or all of them)."""
        self.tick()
        return self.feeds_api.processors.invoice_log(include_rejected)

    def transactions(self):
        return self.finances.all()

    def add_refund(
        self, order_id, kind="full", items=None, restocking_fee=None, posted=None
    ):
        """Post a refund transaction for an order; returns it (model shape)."""
        order = self.store.get(order_id)
        if order is None:
            raise KeyError(order_id)
        return self.finances.add_refund(order, kind, items, restocking_fee, posted)

    def last_query(self, operation):
        """Query parameters of the last call of ``operation`` (tests)."""
        with self._log_lock:
            for call in reversed(self._calls):
                if call["operation"] == operation:
                    return dict(call["query"])
        return None

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
        self.tick()
        operation, handler, args = self._route(request)
        fault = self.faults.take(operation) if operation else None
        label = fault["kind"] if fault else None
        if fault is None and operation and operation != "consent":
            fault = self.faults.outage()
            label = "down" if fault else None
        entry = {
            "time": self.clock(),
            "method": request.method,
            "path": request.path,
            "operation": operation or "unknown",
            "status": None,
            "fault": label,
            # query parameters of API calls (never of the consent pages)
            "query": {}
            if operation == "consent"
            else {key: values[-1] for key, values in request.query.items()},
        }
        try:
            response = self._run(fault, handler, request, args)
            entry["status"] = response.status
            return response
        finally:
            with self._log_lock:
                self._calls.append(entry)

    def _route(self, request):
        method, path = request.method, request.path
        for route_method, pattern, operation, name in COMPILED:
            if route_method != method:
                continue
            match = pattern.match(path)
            if match:
                args = [unquote(g) for g in match.groups()]
                if operation is None:  # downloads: named after the document
                    doc = self.documents.get(args[0]) if args else None
                    kind = doc["kind"] if doc else "feed"
                    operation = (
                        "downloadReportDocument"
                        if kind == "report"
                        else "downloadFeedDocument"
                    )
                return operation, getattr(self, name), args
        if path.startswith(("/apps/authorize/", "/ap/")):
            return "consent", self.consent.route, []
        return None, self._not_found, []

    def _run(self, fault, handler, request, args):
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
        response = handler(request, *args) or self._not_found(request)
        if kind == "malformed_json":
            response.body = MALFORMED
        elif kind == "truncated_json":
            response.body = response.body[: max(1, len(response.body) // 2)]
        return response

    def _not_found(self, request, *args):
        return api_response(404, {"errors": [ERR_NOT_FOUND]})

    def _token(self, request):
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        ctype = "application/json;charset=UTF-8"
        try:
            body = self.tokens.token_request(request.form())
        except LwaError as exc:
            return json_response(exc.status, exc.body(), content_type=ctype)
        return json_response(200, body, headers, content_type=ctype)

    def _forbidden(self, request):
        problem = self.tokens.check_access(request.headers.get("x-amz-access-token"))
        if not problem:
            return None
        error_type, error = FORBIDDEN[problem]
        headers = {"x-amzn-ErrorType": error_type} if error_type else {}
        return api_response(403, {"errors": [error]}, headers)

    def _api(self, operation, request, func, status=200, bucket=None):
        """Auth, rate limit (``bucket`` = operation unless given; False: the
        handler limits itself), then ``func()`` → payload or Response."""
        denied = self._forbidden(request)
        if denied is not None:
            return denied
        bucket = operation if bucket is None else bucket
        if bucket and not self.limiter.allow(bucket):
            return api_response(429, {"errors": [ERR_QUOTA]})
        headers = {}
        rate = self.limiter.header(bucket or operation)
        if rate is not None:
            headers["x-amzn-RateLimit-Limit"] = rate
        try:
            result = func()
        except ApiError as exc:
            if exc.status == 429:
                headers.pop("x-amzn-RateLimit-Limit", None)
            return api_response(exc.status, exc.body(), headers)
        if isinstance(result, Response):
            for key, value in headers.items():
                result.headers.setdefault(key, value)
            result.headers.setdefault("x-amzn-RequestId", _request_id())
            return result
        return api_response(status, result, headers)

    def _base(self, request):
        """Where document URLs point: ``public_url``, else the server's own
        base URL (the Host header is unreliable: python-amazon-sp-api sends
        ``endpoint[8:]``, which cuts ``http://`` endpoints)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.base_url:
            return self.base_url
        return f"http://{request.headers.get('Host', '127.0.0.1')}"

    # -- Sellers / Orders ------------------------------------------------------
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

    def _get_order(self, request, order_id):
        return self._api(
            "getOrder",
            request,
            lambda: self.orders_api.get_order(order_id, request.query),
        )

    def _confirm_shipment(self, request, order_id):
        def run():
            self.shipments.confirm_api(order_id, request, self.strict_bodies)
            return Response(204, b"")

        return self._api("confirmShipment", request, run)

    # -- Feeds ---------------------------------------------------------------------
    def _create_document(self, request):
        return self._api(
            "createFeedDocument",
            request,
            lambda: self.feeds_api.create_document(
                request, self._base(request), self.strict_bodies
            ),
            status=201,
        )

    def _create_feed(self, request):
        def run():
            body, ignored = self.feeds_api.parse_create(request, self.strict_bodies)
            bucket = "createFeed"
            if body["feedType"] in FEED_TYPE_LIMITS:
                bucket = "createFeed:" + body["feedType"]
            if not self.limiter.allow(bucket):
                raise ApiError(429, ERR_QUOTA["code"], ERR_QUOTA["message"], "")
            response = api_response(202, self.feeds_api.create(body, ignored))
            rate = self.limiter.header(bucket)
            if rate is not None:
                response.headers["x-amzn-RateLimit-Limit"] = rate
            return response

        return self._api("createFeed", request, run, bucket=False)

    def _get_feed(self, request, feed_id):
        return self._api("getFeed", request, lambda: self.feeds_api.get_feed(feed_id))

    def _get_feeds(self, request):
        return self._api(
            "getFeeds", request, lambda: self.feeds_api.get_feeds(request.query)
        )

    def _cancel_feed(self, request, feed_id):
        def run():
            self.feeds_api.cancel(feed_id)
            return Response(200, b"")

        return self._api("cancelFeed", request, run)

    def _feed_document(self, request, doc_id):
        return self._api(
            "getFeedDocument",
            request,
            lambda: self.feeds_api.get_document(
                doc_id, request.query, self._base(request)
            ),
        )

    def _upload(self, request, doc_id):
        return self.documents.handle(request, "upload", doc_id)

    def _download(self, request, doc_id):
        return self.documents.handle(request, "download", doc_id)

    # -- Listings --------------------------------------------------------------------
    def _search_listings(self, request, seller_id):
        return self._api(
            "searchListingsItems",
            request,
            lambda: self.listings_store.search(seller_id, request.query),
        )

    def _get_listing(self, request, seller_id, sku):
        return self._api(
            "getListingsItem",
            request,
            lambda: self.listings_store.get_item(seller_id, sku, request.query),
        )

    def _patch_listing(self, request, seller_id, sku):
        return self._api(
            "patchListingsItem",
            request,
            lambda: self.listings_store.patch(
                seller_id, sku, request.query, request, self.strict_bodies
            ),
        )

    # -- Finances / Reports ----------------------------------------------------------
    def _transactions(self, request):
        return self._api(
            "listTransactions",
            request,
            lambda: self.finances.list_transactions(request.query),
        )

    def _create_report(self, request):
        return self._api(
            "createReport",
            request,
            lambda: self.reports_api.create(request, self.strict_bodies),
            status=202,
        )

    def _get_report(self, request, report_id):
        return self._api("getReport", request, lambda: self.reports_api.get(report_id))

    def _cancel_report(self, request, report_id):
        def run():
            self.reports_api.cancel(report_id)
            return Response(200, b"")

        return self._api("cancelReport", request, run)

    def _report_document(self, request, doc_id):
        return self._api(
            "getReportDocument",
            request,
            lambda: self.reports_api.document(doc_id, self._base(request)),
        )


def _request_id():
    import uuid

    return str(uuid.uuid4())
