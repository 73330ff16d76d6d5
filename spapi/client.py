"""SP-API client for one seller account (one refresh token).

Built on python-amazon-sp-api 2.1.35 with the set-up its traps require, see
its documentation and issues: explicit endpoint, per-client LWA class and token
cache, code-only credentials, timeouts, status checks, retries, rate limits.

Every library API class is built the same way by :meth:`_api` (Orders,
Sellers, Feeds, Listings Items, Finances, Reports). Orders v2026-01-01 and
Sellers go through the library's own methods; the other operations go
through :meth:`_send`, i.e. the library's generic ``Client._request`` (LWA
header, endpoint, JSON encoding, our transport) with the path, query and
body the official model prescribes, because the library's per-operation
methods for them send extra keys or marketplace parameters, repeat list
parameters instead of comma-joining them, or download documents with a
fresh HTTP client that has no timeouts and no host check.
"""

import logging
import random
import threading
import time
import types
from collections.abc import Iterator

from sp_api.api import Feeds, Finances, ListingsItems, Orders, Reports, Sellers
from sp_api.base import ApiResponse, fill_query_params
from sp_api.base.credential_provider import FromCodeCredentialProvider

from . import _documents, _params
from ._http import CheckedTransport, parse_json
from ._lwa import LWA_OPERATION, TokenCache, account_key, lwa_class
from ._params import DEFAULT_INCLUDED, SearchPage
from .const import AWS_REGIONS, LWA_PATH, LWA_TOKEN_URL, MARKETPLACES, OPERATIONS
from .const import REGION_ENDPOINTS as _ENDPOINTS
from .errors import (
    AuthError,
    InvalidResponse,
    SpApiError,
    ThrottledError,
    TransientError,
)
from .feeds import Feed, FeedDocumentUpload
from .finances import TransactionsPage
from .listings import LISTINGS_INCLUDED, ListingItem, ListingsPage
from .ratelimit import RateLimiter, shared_limiter
from .reports import Report

_LOGGER = logging.getLogger(__name__)
# python-amazon-sp-api logs request headers, access token included, at DEBUG:
# keep its loggers at INFO whatever the root level is.
logging.getLogger("sp_api").setLevel(logging.INFO)
_REGION_DEFAULT_MARKET = {"eu": "DE", "na": "US", "fe": "JP"}

__all__ = ["DEFAULT_INCLUDED", "SearchPage", "SpApiClient"]


def _checked_response(res, res_no_data=False, bulk=False, wrap_list=False):
    """Replaces the library's ``Client._check_response`` on our instances.

    The transport has already raised for every non-2xx or non-JSON answer;
    this keeps the library's ``ApiResponse`` shape for its own methods and
    adds ``body``, the whole decoded object, which ``ApiResponse`` splits
    into ``payload``/``pagination``/``next_token`` and partly loses. Unlike
    the library it never raises its own exception classes.
    """
    body = parse_json(res) if res.content.strip() else {}
    fields = {k: v for k, v in body.items() if k != "headers"}
    response = ApiResponse(**fields, headers=res.headers)
    response.body = body
    return response


class SpApiClient:
    """Every SP-API operation the connector uses, for one account.

    ``endpoint`` None means Amazon's regional endpoint; a base URL such as
    ``http://127.0.0.1:8000`` (the offline simulator) receives *all* calls,
    LWA included (``/auth/o2/token``) unless ``lwa_token_url`` is given, and
    is then the only host documents are uploaded to or downloaded from.

    ``max_retries`` is the default retry budget for 429/5xx/timeouts; it may
    be changed on the client at any time, and every operation also takes a
    ``max_retries=`` keyword for that call only (e.g. 0 when the caller's
    queue retries with its own delays). Once the budget is spent the last
    :class:`ThrottledError` / :class:`TransientError` is raised.
    """

    def __init__(
        self,
        endpoint=None,
        region="eu",
        *,
        lwa_client_id,
        lwa_client_secret,
        refresh_token=None,
        lwa_token_url=None,
        timeout=(5, 30),
        max_retries=5,
        backoff_base=1.0,
        backoff_cap=60,
        time_scale=1.0,
        sleep=time.sleep,
        logger=None,
        rate_limiter=None,
        clock=time.monotonic,
        token_cache=None,
    ):
        if region not in _ENDPOINTS:
            raise ValueError(f"unknown region {region!r}")
        self.region = region
        self.endpoint = (endpoint or _ENDPOINTS[region]).rstrip("/")
        self.token_url = lwa_token_url or (
            self.endpoint + LWA_PATH if endpoint else LWA_TOKEN_URL
        )
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.time_scale = time_scale
        self.logger = logger or _LOGGER
        self._sleep = sleep
        self._refresh_token = refresh_token
        self.account_key = account_key(refresh_token)
        if rate_limiter is None:
            rate_limiter = (
                shared_limiter()
                if time_scale == 1.0
                else RateLimiter(time_scale=time_scale, clock=clock)
            )
        self.rate_limiter = rate_limiter
        self._ctx = threading.local()  # operation and body rule of the call
        self.tokens = token_cache if token_cache is not None else TokenCache(clock)
        self._transport = CheckedTransport(
            timeout=timeout, on_response=self._seen, empty_ok=self._empty_ok
        )
        self._document_origin = _documents.custom_origin(endpoint)
        self._lwa_class = lwa_class(self.token_url, self._transport, self.tokens)
        self._credentials = {
            "lwa_app_id": lwa_client_id,
            "lwa_client_secret": lwa_client_secret,
            "refresh_token": refresh_token,
        }
        self._apis = {}
        self._orders = self._api(Orders, "2026-01-01")
        self._sellers = self._api(Sellers)

    # -- set-up -----------------------------------------------------------

    def _api(self, cls, version=None):
        """The library client ``cls`` (at ``version``), built once."""
        key = (cls, version)
        api = self._apis.get(key)
        if api is None:
            kwargs = {"version": version} if version else {}
            api = self._apis[key] = self._library_client(cls, **kwargs)
        return api

    def _library_client(self, cls, **kwargs):
        market = MARKETPLACES[_REGION_DEFAULT_MARKET[self.region]]
        fake_market = types.SimpleNamespace(
            endpoint=self.endpoint,
            marketplace_id=market.marketplace_id,
            region=AWS_REGIONS[self.region],
        )
        api = cls(
            marketplace=fake_market,
            refresh_token=self._refresh_token,
            credentials=dict(self._credentials),
            credential_providers=(FromCodeCredentialProvider,),
            auth_token_client_class=self._lwa_class,
            **kwargs,
        )
        # SP_API_DEFAULT_MARKETPLACE silently replaces the marketplace given
        # to the constructor: force ours back.
        api.endpoint = fake_market.endpoint
        api.marketplace_id = fake_market.marketplace_id
        api.region = fake_market.region
        api._transport.close()
        api._transport = self._transport
        api._check_response = _checked_response
        return api

    def close(self):
        self._transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- call machinery ---------------------------------------------------

    @property
    def _operation(self):
        return getattr(self._ctx, "operation", None)

    def _empty_ok(self):
        return getattr(self._ctx, "empty_ok", False)

    def _seen(self, res):
        """Called by the transport for every SP-API response."""
        operation = self._operation
        bucket = getattr(self._ctx, "rate_key", None) or operation
        self._ctx.request_id = res.headers.get("x-amzn-RequestId")
        header = res.headers.get("x-amzn-RateLimit-Limit")
        if header and bucket:
            self.rate_limiter.update_from_header(self.account_key, bucket, header)
        self.logger.debug(
            "SP-API %s -> HTTP %s (request id %s)",
            operation,
            res.status_code,
            res.headers.get("x-amzn-RequestId"),
        )

    @property
    def last_request_id(self):
        """``x-amzn-RequestId`` of this thread's last SP-API response."""
        return getattr(self._ctx, "request_id", None)

    def wait_time(self, operation):
        """Seconds until ``operation`` (a rate-limit key such as
        ``"confirmShipment"``) may be sent without waiting; takes no token."""
        return self.rate_limiter.wait_time(self.account_key, operation)

    def _budget(self, max_retries):
        budget = self.max_retries if max_retries is None else max_retries
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < 0:
            raise ValueError(f"max_retries must be an int >= 0, got {budget!r}")
        return budget

    def _backoff(self, attempt, budget, operation, err):
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        delay = random.uniform(0, ceiling) / self.time_scale
        self.logger.info(
            "SP-API %s: %s (HTTP %s), retry %d/%d in %.2fs",
            operation,
            type(err).__name__,
            err.status,
            attempt,
            budget,
            delay,
        )
        self._sleep(delay)

    def _rate_key(self, operation, variant):
        """Bucket ``operation:variant`` if it has its own limit, else ``operation``."""
        key = f"{operation}:{variant}"
        return key if key in self.rate_limiter.limits else operation

    def _call(
        self,
        operation,
        fn,
        *,
        rate_limited=True,
        max_retries=None,
        empty_ok=False,
        rate_key=None,
    ):
        """Run ``fn`` with rate limit, one token renewal and retries.

        ``rate_key`` names the token bucket when it is not ``operation``.
        """
        budget = self._budget(max_retries)
        bucket = rate_key or operation
        attempt = 0
        auth_retried = False
        while True:
            if rate_limited:
                self.rate_limiter.acquire(self.account_key, bucket, self._sleep)
            self._ctx.operation = operation
            self._ctx.rate_key = bucket
            self._ctx.empty_ok = empty_ok
            try:
                return fn()
            except AuthError as err:
                err.operation = err.operation or operation
                if auth_retried or not self._auth_retryable(err):
                    raise
                auth_retried = True
                self.logger.info("SP-API %s: HTTP %s, new token", operation, err.status)
                self.tokens.discard(self._refresh_token)
            except (ThrottledError, TransientError) as err:
                err.operation = err.operation or operation
                attempt += 1
                if attempt > budget:
                    raise
                self._backoff(attempt, budget, operation, err)
            except SpApiError as err:  # RequestError, InvalidResponse: final
                err.operation = err.operation or operation
                raise
            finally:
                self._ctx.empty_ok = False

    @staticmethod
    def _auth_retryable(err):
        return err.operation != LWA_OPERATION and err.status in (401, 403)

    def _send(
        self,
        api,
        operation,
        *path_args,
        params=None,
        body=None,
        empty_ok=False,
        max_retries=None,
        rate_key=None,
    ):
        """One model operation through the library's ``Client._request``.

        ``path_args`` fill the ``{}`` of the path (URL-quoted, ``/`` too:
        SKUs may contain it); ``params`` None values are dropped; ``body`` is
        sent as JSON. Returns the decoded response object (``{}`` if empty).
        """
        method, template = OPERATIONS[operation]
        for value in path_args:
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{operation}: path parameter must be a string")
        path = fill_query_params(template, *path_args)

        def request():
            query = {k: v for k, v in (params or {}).items() if v is not None}
            query["method"] = method
            return api._request(
                path,
                params=query,
                data=dict(body or {}),
                add_marketplace=False,
                res_no_data=empty_ok,
            )

        res = self._call(
            operation,
            request,
            max_retries=max_retries,
            empty_ok=empty_ok,
            rate_key=rate_key,
        )
        return res.body

    # -- Sellers, LWA -----------------------------------------------------

    def exchange_authorization_code(self, code):
        """Trade an ``spapi_oauth_code`` for tokens (valid 5 minutes)."""
        lwa = self._lwa_class(credentials=self._lwa_credentials())
        body = self._call(
            LWA_OPERATION, lambda: lwa.authorize_auth_code(code), rate_limited=False
        )
        if not body.get("refresh_token"):
            raise InvalidResponse(
                "LWA answer without refresh_token", operation=LWA_OPERATION
            )
        self.tokens.put(body["refresh_token"], body)
        return {
            "refresh_token": body["refresh_token"],
            "access_token": body["access_token"],
            "expires_in": body.get("expires_in"),
        }

    def _lwa_credentials(self):
        return types.SimpleNamespace(
            lwa_app_id=self._credentials["lwa_app_id"],
            lwa_client_secret=self._credentials["lwa_client_secret"],
            refresh_token=None,
        )

    def get_marketplace_participations(self, *, max_retries=None):
        op = "getMarketplaceParticipations"
        fn = self._sellers.get_marketplace_participation
        return _params.participations(self._call(op, fn, max_retries=max_retries))

    # -- Orders -----------------------------------------------------------

    def search_orders(
        self,
        marketplace_ids,
        last_updated_after=None,
        created_after=None,
        before=None,
        fulfillment_statuses=None,
        fulfilled_by=None,
        included_data=DEFAULT_INCLUDED,
        max_results=100,
        *,
        max_retries=None,
        pagination_token=None,
    ):
        """Yield :class:`SearchPage` objects until Amazon has no next page.

        Give exactly one of ``last_updated_after`` / ``created_after``;
        ``before`` is the matching upper bound (>= 2 minutes in the past).
        Dates are datetimes (naive = UTC) or ready-made strings. The filters
        are repeated with every ``paginationToken``, as Amazon requires;
        ``pagination_token`` resumes a search where an earlier one stopped
        (with the same filters and ``before``).
        """
        params = _params.search_params(
            marketplace_ids,
            last_updated_after=last_updated_after,
            created_after=created_after,
            before=before,
            fulfillment_statuses=fulfillment_statuses,
            fulfilled_by=fulfilled_by,
            included_data=included_data,
            max_results=max_results,
        )
        self._budget(max_retries)
        return self._pages(params, max_retries, pagination_token)

    def _pages(self, params, max_retries=None, token=None):
        while True:
            query = dict(params)
            if token:
                query["paginationToken"] = token
            res = self._call(
                "searchOrders",
                lambda q=query: self._orders.search_orders(**q),
                max_retries=max_retries,
            )
            page = _params.search_page(res)
            self.logger.debug("searchOrders page: %d orders", len(page.orders))
            yield page
            token = page.next_token
            if not token:
                return

    def get_order(self, order_id, included_data=DEFAULT_INCLUDED, *, max_retries=None):
        kwargs = {}
        if included_data:
            kwargs["includedData"] = list(included_data)
        res = self._call(
            "getOrder",
            lambda: self._orders.get_order(order_id, **kwargs),
            max_retries=max_retries,
        )
        return _params.order_payload(res, order_id)

    def confirm_shipment(
        self,
        order_id,
        marketplace_id,
        package_detail,
        *,
        cod_collection_method=None,
        max_retries=None,
    ):
        """Orders v0 confirmShipment: one package of a merchant order.

        ``package_detail`` is the model's ``PackageDetail`` (see
        :func:`spapi.shipments.package_detail`). Returns None (204). A 400
        raises :class:`RequestError`; :func:`spapi.shipments.is_already_confirmed`
        tells whether it means the package is already recorded. Re-sending
        the same ``packageReferenceId`` edits the package (Amazon's tutorial).
        """
        if not isinstance(package_detail, dict) or not package_detail:
            raise ValueError("package_detail must be a non-empty dict")
        body = {"marketplaceId": _params.required_id(marketplace_id, "marketplace")}
        body["packageDetail"] = package_detail
        if cod_collection_method:
            body["codCollectionMethod"] = cod_collection_method
        self._send(
            self._api(Orders, "v0"),
            "confirmShipment",
            order_id,
            body=body,
            empty_ok=True,
            max_retries=max_retries,
        )

    # -- Feeds 2021-06-30 -------------------------------------------------

    def create_feed_document(self, content_type, *, max_retries=None):
        """createFeedDocument -> :class:`FeedDocumentUpload` (URL valid 5 min)."""
        body = self._send(
            self._api(Feeds, "2021-06-30"),
            "createFeedDocument",
            body={"contentType": _params.required_id(content_type, "content type")},
            max_retries=max_retries,
        )
        return FeedDocumentUpload.from_api(body)

    def upload_feed_document(self, url, content, content_type, *, max_retries=None):
        """PUT ``content`` to the presigned ``url`` (no SP-API headers).

        ``content_type`` must be the one given to createFeedDocument (S3
        checks it against the signature). ``str`` content is sent UTF-8.
        """
        data = _documents.content_bytes(content)
        headers = {"Content-Type": _params.required_id(content_type, "content type")}

        def put():
            _documents.check_document_url(url, self._document_origin)
            res, answer = self._transport.document(
                "PUT", url, content=data, headers=headers, max_bytes=1024 * 1024
            )
            _documents.check_transfer(res, answer, "upload")

        self._call(
            "uploadFeedDocument", put, rate_limited=False, max_retries=max_retries
        )

    def create_feed(
        self,
        feed_type,
        marketplace_ids,
        document_id,
        feed_options=None,
        *,
        max_retries=None,
    ):
        """createFeed -> feed id. ``feed_options`` values are sent as strings.

        Feed types with their own usage plan (``UPLOAD_VAT_INVOICE``) use
        their own token bucket.
        """
        body = _params.feed_spec(feed_type, marketplace_ids, document_id, feed_options)
        answer = self._send(
            self._api(Feeds, "2021-06-30"),
            "createFeed",
            body=body,
            max_retries=max_retries,
            rate_key=self._rate_key("createFeed", body["feedType"]),
        )
        return _params.required_field(answer, "feedId", "createFeed")

    def get_feed(self, feed_id, *, max_retries=None):
        """getFeed -> :class:`Feed` (processing status, result document id)."""
        body = self._send(
            self._api(Feeds, "2021-06-30"),
            "getFeed",
            feed_id,
            max_retries=max_retries,
        )
        return Feed.from_api(body)

    def cancel_feed(self, feed_id, *, max_retries=None):
        """cancelFeed (only feeds still IN_QUEUE). Returns None."""
        self._send(
            self._api(Feeds, "2021-06-30"),
            "cancelFeed",
            feed_id,
            empty_ok=True,
            max_retries=max_retries,
        )

    def get_feed_document(self, document_id, *, max_retries=None):
        """getFeedDocument and download -> bytes (GZIP already undone)."""
        api = self._api(Feeds, "2021-06-30")
        meta = self._send(api, "getFeedDocument", document_id, max_retries=max_retries)
        return self._download(meta, "downloadFeedDocument", max_retries)

    def submit_feed(
        self,
        feed_type,
        marketplace_ids,
        content,
        content_type,
        feed_options=None,
        *,
        max_retries=None,
    ):
        """createFeedDocument + upload + createFeed -> feed id.

        Arguments are checked before the first request. A failure after the
        upload leaves an unused feed document (Amazon expires it).
        """
        spec = _params.feed_spec(feed_type, marketplace_ids, "pending", feed_options)
        data = _documents.content_bytes(content)
        upload = self.create_feed_document(content_type, max_retries=max_retries)
        self.upload_feed_document(
            upload.url, data, content_type, max_retries=max_retries
        )
        return self.create_feed(
            spec["feedType"],
            spec["marketplaceIds"],
            upload.document_id,
            feed_options,
            max_retries=max_retries,
        )

    def _download(self, meta, operation, max_retries):
        url = meta.get("url") if isinstance(meta, dict) else None
        if not url:
            raise InvalidResponse("document answer without url", operation=operation)
        compression = meta.get("compressionAlgorithm")

        def get():
            _documents.check_document_url(url, self._document_origin)
            res, body = self._transport.document(
                "GET", url, max_bytes=_documents.MAX_DOCUMENT_BYTES
            )
            _documents.check_transfer(res, body, "download")
            return _documents.document_body(res, body, compression)

        return self._call(operation, get, rate_limited=False, max_retries=max_retries)

    # -- Listings Items 2021-08-01 ----------------------------------------

    def search_listings_items(
        self,
        seller_id,
        marketplace_ids,
        included_data=LISTINGS_INCLUDED,
        page_size=20,
        *,
        identifiers=None,
        identifiers_type=None,
        with_status=None,
        without_status=None,
        with_issue_severity=None,
        last_updated_after=None,
        issue_locale=None,
        created_after=None,
        sort_by=None,
        sort_order=None,
        max_retries=None,
    ) -> Iterator[ListingsPage]:
        """Yield :class:`ListingsPage` objects, following ``pageToken``.

        Amazon pages through at most 1000 items per search; the filters are
        repeated with every ``pageToken``. Past 1000, search again from the
        last ``createdDate`` seen (``sort_by="createdDate"``, ``"ASC"``).
        """
        params = _params.listings_search_params(
            marketplace_ids,
            included_data=included_data,
            page_size=page_size,
            identifiers=identifiers,
            identifiers_type=identifiers_type,
            with_status=with_status,
            without_status=without_status,
            with_issue_severity=with_issue_severity,
            last_updated_after=last_updated_after,
            issue_locale=issue_locale,
            created_after=created_after,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        _params.required_id(seller_id, "seller")
        self._budget(max_retries)
        return self._listings_pages(seller_id, params, max_retries)

    def _listings_pages(self, seller_id, params, max_retries):
        api = self._api(ListingsItems, "2021-08-01")
        token = None
        while True:
            query = dict(params, pageToken=token)
            body = self._send(
                api,
                "searchListingsItems",
                seller_id,
                params=query,
                max_retries=max_retries,
            )
            page = ListingsPage.from_api(body)
            yield page
            token = page.next_token
            if not token:
                return

    def get_listings_item(
        self,
        seller_id,
        sku,
        marketplace_ids,
        included_data=LISTINGS_INCLUDED,
        *,
        issue_locale=None,
        max_retries=None,
    ):
        """getListingsItem -> :class:`ListingItem` (404 -> RequestError)."""
        params = _params.listings_item_params(
            marketplace_ids, included_data, issue_locale
        )
        body = self._send(
            self._api(ListingsItems, "2021-08-01"),
            "getListingsItem",
            seller_id,
            sku,
            params=params,
            max_retries=max_retries,
        )
        return ListingItem.from_api(body)

    def patch_listings_item(
        self,
        seller_id,
        sku,
        marketplace_ids,
        product_type,
        patches,
        *,
        mode=None,
        included_data=("issues",),
        issue_locale=None,
        max_retries=None,
    ):
        """patchListingsItem -> the model's submission dict.

        ``{"sku", "status": "ACCEPTED"|"INVALID"|"VALID", "submissionId",
        "issues": [...]}``; ``mode="VALIDATION_PREVIEW"`` only validates.
        See :func:`spapi.listings.quantity_patches` for stock updates.
        """
        params = _params.listings_item_params(
            marketplace_ids, included_data, issue_locale
        )
        params["mode"] = mode
        body = {
            "productType": _params.required_id(product_type, "product type"),
            "patches": _params.patch_list(patches),
        }
        answer = self._send(
            self._api(ListingsItems, "2021-08-01"),
            "patchListingsItem",
            seller_id,
            sku,
            params=params,
            body=body,
            max_retries=max_retries,
        )
        return _params.submission(answer)

    # -- Finances 2024-06-19 ----------------------------------------------

    def list_transactions(
        self,
        posted_after,
        posted_before=None,
        marketplace_id=None,
        related_identifier_name=None,
        related_identifier_value=None,
        transaction_status=None,
        *,
        max_retries=None,
    ) -> Iterator[TransactionsPage]:
        """Yield :class:`TransactionsPage` objects, following ``nextToken``.

        ``posted_after`` may be None only with a related identifier
        (``ORDER_ID`` or ``FINANCIAL_EVENT_GROUP_ID``). Pages can be empty
        while a ``nextToken`` follows; the filters are repeated with it.
        """
        params = _params.transactions_params(
            posted_after,
            posted_before=posted_before,
            marketplace_id=marketplace_id,
            related_identifier_name=related_identifier_name,
            related_identifier_value=related_identifier_value,
            transaction_status=transaction_status,
        )
        self._budget(max_retries)
        return self._transaction_pages(params, max_retries)

    def _transaction_pages(self, params, max_retries):
        api = self._api(Finances, "2024-06-19")
        token = None
        while True:
            body = self._send(
                api,
                "listTransactions",
                params=dict(params, nextToken=token),
                max_retries=max_retries,
            )
            page = TransactionsPage.from_api(body)
            yield page
            token = page.next_token
            if not token:
                return

    # -- Reports 2021-06-30 -----------------------------------------------

    def create_report(
        self,
        report_type,
        marketplace_ids,
        *,
        data_start_time=None,
        data_end_time=None,
        report_options=None,
        max_retries=None,
    ):
        """createReport -> report id."""
        body = _params.report_spec(
            report_type, marketplace_ids, data_start_time, data_end_time, report_options
        )
        answer = self._send(
            self._api(Reports, "2021-06-30"),
            "createReport",
            body=body,
            max_retries=max_retries,
        )
        return _params.required_field(answer, "reportId", "createReport")

    def get_report(self, report_id, *, max_retries=None):
        """getReport -> :class:`Report`."""
        body = self._send(
            self._api(Reports, "2021-06-30"),
            "getReport",
            report_id,
            max_retries=max_retries,
        )
        return Report.from_api(body)

    def get_report_document(self, document_id, *, max_retries=None):
        """getReportDocument and download -> bytes (GZIP already undone)."""
        api = self._api(Reports, "2021-06-30")
        meta = self._send(
            api, "getReportDocument", document_id, max_retries=max_retries
        )
        return self._download(meta, "downloadReportDocument", max_retries)
