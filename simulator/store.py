"""In-memory order store with Amazon's searchOrders filtering and paging."""

import copy
import threading

from .constants import INCLUDED_KEYS, OPTIONAL_ITEM_KEYS, OPTIONAL_ORDER_KEYS
from .timeutil import iso, parse_iso


class Record:
    __slots__ = ("by", "created", "marketplace", "order", "status", "updated")

    def __init__(self, order):
        self.order = order
        self.created = parse_iso(order["createdTime"])
        self.updated = parse_iso(order["lastUpdatedTime"])
        self.marketplace = order.get("salesChannel", {}).get("marketplaceId")
        fulfillment = order.get("fulfillment") or {}
        self.status = fulfillment.get("fulfillmentStatus")
        self.by = fulfillment.get("fulfilledBy")


def deep_merge(target, fields):
    """Merge ``fields`` into ``target``: dicts recursively, everything else replaced."""
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def project(order, included):
    """Return a copy of ``order`` holding only the blocks ``included`` asks for."""
    order_keys = set()
    item_keys = set()
    for name in included:
        okeys, ikeys = INCLUDED_KEYS[name]
        order_keys.update(okeys)
        item_keys.update(ikeys)
    drop_order = OPTIONAL_ORDER_KEYS - order_keys
    drop_item = OPTIONAL_ITEM_KEYS - item_keys
    out = {k: v for k, v in order.items() if k not in drop_order}
    out["orderItems"] = [
        {k: v for k, v in item.items() if k not in drop_item}
        for item in order.get("orderItems", [])
    ]
    return out


class OrderStore:
    def __init__(self, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self.records = {}

    def clear(self):
        with self._lock:
            self.records.clear()

    def add(self, orders, bump=True):
        """Add or replace orders; a replacement gets ``lastUpdatedTime`` = now."""
        with self._lock:
            for order in orders:
                order = copy.deepcopy(order)
                if bump and order["orderId"] in self.records:
                    order["lastUpdatedTime"] = iso(self.clock())
                self.records[order["orderId"]] = Record(order)

    def update(self, order_id, fields):
        """Deep-merge ``fields`` into an order and bump ``lastUpdatedTime``."""
        fields = dict(fields)
        status = fields.pop("fulfillmentStatus", None)
        with self._lock:
            record = self.records.get(order_id)
            if record is None:
                raise KeyError(order_id)
            order = copy.deepcopy(record.order)
            deep_merge(order, fields)
            if status:
                _set_status(order, status)
            if "lastUpdatedTime" not in fields:
                order["lastUpdatedTime"] = iso(self.clock())
            self.records[order_id] = Record(order)
            return order

    def mutate(self, order_id, func, stamp=None):
        """Apply ``func(order_copy)`` atomically; if it raises nothing changes.

        The order gets ``lastUpdatedTime`` = ``stamp`` (default now, never
        earlier than the previous value); returns ``func``'s result.
        """
        with self._lock:
            record = self.records.get(order_id)
            if record is None:
                raise KeyError(order_id)
            order = copy.deepcopy(record.order)
            result = func(order)
            when = self.clock() if stamp is None else stamp
            order["lastUpdatedTime"] = iso(max(when, record.updated))
            self.records[order_id] = Record(order)
            return result

    def get(self, order_id):
        with self._lock:
            record = self.records.get(order_id)
            return None if record is None else record.order

    def orders(self):
        with self._lock:
            return [r.order for r in self.records.values()]

    def select(self, query, cursor, limit):
        """Return (orders, last_key, more) for a validated search query."""
        field = "updated" if query["mode"] == "lastUpdated" else "created"
        with self._lock:
            records = list(self.records.values())
        hits = []
        for rec in records:
            key = (getattr(rec, field), rec.order["orderId"])
            if cursor is not None and key <= cursor:
                continue
            if _matches(rec, key[0], query):
                hits.append((key, rec))
        hits.sort(key=lambda pair: pair[0])
        page = hits[:limit]
        last = page[-1][0] if page else cursor
        return [rec.order for _, rec in page], last, len(hits) > limit


def _matches(rec, ts, query):
    if ts < query["after"] or ts > query["before"]:
        return False
    if rec.marketplace not in query["marketplaceIds"]:
        return False
    if query["fulfillmentStatuses"] and rec.status not in query["fulfillmentStatuses"]:
        return False
    return not (query["fulfilledBy"] and rec.by not in query["fulfilledBy"])


def _set_status(order, status):
    order.setdefault("fulfillment", {})["fulfillmentStatus"] = status
    if status != "CANCELLED":
        return
    for item in order.get("orderItems", []):
        item.setdefault("cancellation", {}).setdefault(
            "cancellationExecution",
            {"cancelledBy": "BUYER", "cancelReason": "BUYER_CANCELED"},
        )
        fulfillment = item.setdefault("fulfillment", {})
        fulfillment["quantityUnfulfilled"] = 0
