"""SP-API client for one seller account (one refresh token).

Built on python-amazon-sp-api 2.1.35 (``Orders(version="2026-01-01")``,
``Sellers``, ``AccessTokenClient``) with the set-up its traps require, see
shared/design/spapi.md: explicit endpoint, per-client LWA class and token
cache, code-only credentials, timeouts, status checks, retries, rate limits.
"""

import logging
import random
import time
import types

from sp_api.api import Orders, Sellers
from sp_api.base.credential_provider import FromCodeCredentialProvider

from . import _params
from ._http import CheckedTransport
from ._lwa import LWA_OPERATION, TokenCache, account_key, lwa_class
from ._params import DEFAULT_INCLUDED, SearchPage
from .const import AWS_REGIONS, LWA_PATH, LWA_TOKEN_URL, MARKETPLACES
from .const import REGION_ENDPOINTS as _ENDPOINTS
from .errors import AuthError, InvalidResponse, ThrottledError, TransientError
from .ratelimit import RateLimiter, shared_limiter

_LOGGER = logging.getLogger(__name__)
# python-amazon-sp-api logs request headers, access token included, at DEBUG:
# keep its loggers at INFO whatever the root level is.
logging.getLogger("sp_api").setLevel(logging.INFO)
_REGION_DEFAULT_MARKET = {"eu": "DE", "na": "US", "fe": "JP"}

__all__ = ["DEFAULT_INCLUDED", "SearchPage", "SpApiClient"]


class SpApiClient:
    """Orders v2026-01-01, Sellers and LWA calls for one account.

    ``endpoint`` None means Amazon's regional endpoint; a base URL such as
    ``http://127.0.0.1:8000`` (the offline simulator) receives *all* calls,
    LWA included (``/auth/o2/token``) unless ``lwa_token_url`` is given.
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
        self._operation = None
        self.tokens = TokenCache(clock)
        self._transport = CheckedTransport(timeout=timeout, on_response=self._seen)
        self._lwa_class = lwa_class(self.token_url, self._transport, self.tokens)
        self._credentials = {
            "lwa_app_id": lwa_client_id,
            "lwa_client_secret": lwa_client_secret,
            "refresh_token": refresh_token,
        }
        self._orders = self._library_client(Orders, version="2026-01-01")
        self._sellers = self._library_client(Sellers)

    # -- set-up -----------------------------------------------------------

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
        return api

    def close(self):
        self._transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- call machinery ---------------------------------------------------

    def _seen(self, res):
        """Called by the transport for every SP-API response."""
        header = res.headers.get("x-amzn-RateLimit-Limit")
        if header and self._operation:
            self.rate_limiter.update_from_header(
                self.account_key, self._operation, header
            )
        self.logger.debug(
            "SP-API %s -> HTTP %s (request id %s)",
            self._operation,
            res.status_code,
            res.headers.get("x-amzn-RequestId"),
        )

    def _backoff(self, attempt, operation, err):
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        delay = random.uniform(0, ceiling) / self.time_scale
        self.logger.info(
            "SP-API %s: %s (HTTP %s), retry %d/%d in %.2fs",
            operation,
            type(err).__name__,
            err.status,
            attempt,
            self.max_retries,
            delay,
        )
        self._sleep(delay)

    def _call(self, operation, fn, *, rate_limited=True):
        attempt = 0
        auth_retried = False
        while True:
            if rate_limited:
                self.rate_limiter.acquire(self.account_key, operation, self._sleep)
            self._operation = operation
            try:
                return fn()
            except AuthError as err:
                err.operation = err.operation or operation
                if auth_retried or not self._auth_retryable(err):
                    raise
                auth_retried = True
                self.logger.info("SP-API %s: HTTP %s, new token", operation, err.status)
                self.tokens.clear()
            except (ThrottledError, TransientError) as err:
                err.operation = err.operation or operation
                attempt += 1
                if attempt > self.max_retries:
                    raise
                self._backoff(attempt, operation, err)
            except InvalidResponse as err:
                err.operation = err.operation or operation
                raise

    @staticmethod
    def _auth_retryable(err):
        return err.operation != LWA_OPERATION and err.status in (401, 403)

    # -- operations -------------------------------------------------------

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

    def get_marketplace_participations(self):
        op = "getMarketplaceParticipations"
        res = self._call(op, self._sellers.get_marketplace_participation)
        return _params.participations(res)

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
    ):
        """Yield :class:`SearchPage` objects until Amazon has no next page.

        Give exactly one of ``last_updated_after`` / ``created_after``;
        ``before`` is the matching upper bound (>= 2 minutes in the past).
        Dates are datetimes (naive = UTC) or ready-made strings. The filters
        are repeated with every ``paginationToken``, as Amazon requires.
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
        return self._pages(params)

    def _pages(self, params):
        token = None
        while True:
            query = dict(params)
            if token:
                query["paginationToken"] = token
            res = self._call(
                "searchOrders", lambda q=query: self._orders.search_orders(**q)
            )
            page = _params.search_page(res)
            self.logger.debug("searchOrders page: %d orders", len(page.orders))
            yield page
            token = page.next_token
            if not token:
                return

    def get_order(self, order_id, included_data=DEFAULT_INCLUDED):
        kwargs = {}
        if included_data:
            kwargs["includedData"] = list(included_data)
        res = self._call("getOrder", lambda: self._orders.get_order(order_id, **kwargs))
        return _params.order_payload(res, order_id)
