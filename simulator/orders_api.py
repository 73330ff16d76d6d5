"""searchOrders / getOrder request validation and paging (Orders API v2026-01-01)."""

import base64
import hashlib
import hmac
import json

from .constants import FULFILLED_BY, FULFILLMENT_STATUSES, INCLUDED_DATA
from .store import project
from .timeutil import iso, parse_iso

FILTER_PARAMS = (
    "createdAfter",
    "createdBefore",
    "lastUpdatedAfter",
    "lastUpdatedBefore",
    "fulfillmentStatuses",
    "marketplaceIds",
    "fulfilledBy",
)
TOKEN_TTL = 24 * 3600
MIN_AGE = 120


class ApiError(Exception):
    """An SP-API error: HTTP status and one ``errors[]`` entry."""

    def __init__(self, status, code, message, details=None):
        super().__init__(message)
        self.status = status
        self.error = {"code": code, "message": message}
        if details is not None:
            self.error["details"] = details

    def body(self):
        return {"errors": [self.error]}


def invalid(message, details=None):
    return ApiError(400, "InvalidInput", message, details)


def get_list(params, name, allowed=None):
    """Comma-joined or repeated query values, validated against ``allowed``."""
    values = []
    for raw in params.get(name, []):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:
            raise invalid(f"Invalid value(s) for {name}: {', '.join(bad)}.")
    return values


def _one(params, name):
    values = params.get(name)
    return values[-1] if values else None


def _date(params, name):
    value = _one(params, name)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise invalid(
            "This is an invalid input", f"Invalid Date-Time field(s) [{name}]."
        ) from None


class OrdersApi:
    def __init__(self, store, clock, secret):
        self.store = store
        self.clock = clock
        self.secret = secret

    # -- getOrder -----------------------------------------------------------
    def get_order(self, order_id, params):
        included = get_list(params, "includedData", INCLUDED_DATA)
        order = self.store.get(order_id)
        if order is None:
            raise ApiError(404, "NotFound", f"Order {order_id} was not found.")
        return {"order": project(order, included)}

    # -- searchOrders -------------------------------------------------------
    def search_orders(self, params):
        query = self._parse_query(params)
        included = get_list(params, "includedData", INCLUDED_DATA)
        limit = self._page_size(params)
        cursor = None
        token = _one(params, "paginationToken")
        if token:
            cursor, query["before"] = self._read_token(token, query["hash"])
        orders, last, more = self.store.select(query, cursor, limit)
        body = {"orders": [project(o, included) for o in orders]}
        if more:
            body["pagination"] = {"nextToken": self._make_token(query, last)}
        body[query["mode"] + "Before"] = iso(query["before"])
        return body

    def _parse_query(self, params):
        created = _date(params, "createdAfter")
        updated = _date(params, "lastUpdatedAfter")
        created_before = _date(params, "createdBefore")
        updated_before = _date(params, "lastUpdatedBefore")
        if (created is None) == (updated is None):
            raise invalid(
                "Exactly one of createdAfter and lastUpdatedAfter is required."
            )
        if created is not None and updated_before is not None:
            raise invalid("lastUpdatedBefore cannot be combined with createdAfter.")
        if updated is not None and created_before is not None:
            raise invalid("createdBefore cannot be combined with lastUpdatedAfter.")
        mode = "created" if created is not None else "lastUpdated"
        after = created if created is not None else updated
        before = created_before if created is not None else updated_before
        latest = self.clock() - MIN_AGE
        if before is None:
            before = latest
        elif before > latest:
            raise invalid(
                f"{mode}Before must be at least 2 minutes before the request time."
            )
        if before < after:
            raise invalid(f"{mode}Before must be equal to or after {mode}After.")
        marketplaces = get_list(params, "marketplaceIds")
        if not marketplaces:
            raise invalid("marketplaceIds is required.")
        if len(marketplaces) > 50:
            raise invalid("marketplaceIds accepts at most 50 values.")
        query = {
            "mode": mode,
            "after": after,
            "before": before,
            "marketplaceIds": set(marketplaces),
            "fulfillmentStatuses": set(
                get_list(params, "fulfillmentStatuses", FULFILLMENT_STATUSES)
            ),
            "fulfilledBy": set(get_list(params, "fulfilledBy", FULFILLED_BY)),
        }
        query["hash"] = _filter_hash(params)
        return query

    @staticmethod
    def _page_size(params):
        raw = _one(params, "maxResultsPerPage")
        if raw is None:
            return 100
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= 100:
            raise invalid("maxResultsPerPage must be between 1 and 100.")
        return size

    # -- pagination tokens --------------------------------------------------
    def _sign(self, data):
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()[:32]

    def _make_token(self, query, last):
        payload = {
            "h": query["hash"],
            "k": list(last),
            "b": query["before"],
            "e": self.clock() + TOKEN_TTL,
        }
        data = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
        return data.decode() + "." + self._sign(data)

    def _read_token(self, token, filter_hash):
        try:
            data, sig = token.encode().rsplit(b".", 1)
            if not hmac.compare_digest(self._sign(data), sig.decode()):
                raise ValueError
            payload = json.loads(
                base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
            )
        except ValueError:
            raise invalid("Invalid paginationToken.") from None
        if payload["e"] < self.clock():
            raise invalid("The paginationToken has expired.")
        if payload["h"] != filter_hash:
            raise invalid(
                "paginationToken can only be used with the parameters of the "
                "request that returned it."
            )
        return tuple(payload["k"]), payload["b"]


def _filter_hash(params):
    parts = []
    for name in FILTER_PARAMS:
        values = sorted(get_list(params, name))
        parts.append(name + "=" + ",".join(values))
    return hashlib.sha256("&".join(parts).encode()).hexdigest()[:16]
