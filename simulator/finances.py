"""Finances API 2024-06-19 ``listTransactions``: order payments and refunds
derived from the orders' own money (see README, money conventions)."""

import base64
import hashlib
import json
import threading
from decimal import ROUND_HALF_UP, Decimal

from .constants import MARKETPLACE_BY_ID, MARKETPLACES
from .money import CENT, ZERO
from .orders_api import get_list, invalid
from .timeutil import iso, parse_iso

DAY = 86400
PAGE_SIZE = 100
MIN_AGE = 120
MAX_SPAN = 180 * DAY
DEFERRAL = 7 * DAY
COMMISSION = Decimal("0.15")
REFUND_ADMIN = Decimal("0.20")
REFUND_ADMIN_MAX = Decimal("5.00")
FBA_FEE = Decimal("3.50")
STATUSES = ("DEFERRED", "RELEASED", "DEFERRED_RELEASED")
RELATED_FILTERS = ("FINANCIAL_EVENT_GROUP_ID", "ORDER_ID")
KINDS = ("full", "item", "shipping")
# order proceeds breakdown (type, subtype) -> (breakdownType, leaf breakdownType)
CHARGE_NAMES = {
    ("ITEM", None): ("ProductCharges", "OurPricePrincipal"),
    ("SHIPPING", None): ("Shipping", "ShippingPrincipal"),
    ("GIFT_WRAP", None): ("GiftWrap", "GiftWrapPrincipal"),
    ("COD_FEE", None): ("CODCharges", "CODItemCharge"),
    ("DISCOUNT", "ITEM"): ("Promotion", "OurPricePromotion"),
    ("DISCOUNT", "SHIPPING"): ("Promotion", "ShippingPromotion"),
    ("TAX", "ITEM"): ("Tax", "OurPriceTax"),
    ("TAX", "SHIPPING"): ("Tax", "ShippingTax"),
    ("TAX", "GIFT_WRAP"): ("Tax", "GiftWrapTax"),
    ("TAX", "COD_FEE"): ("Tax", "CODItemTaxCharge"),
    ("TAX", "DISCOUNT"): ("Tax", "PromotionTax"),
}
SHIPPING_PARTS = {
    ("SHIPPING", None),
    ("DISCOUNT", "SHIPPING"),
    ("TAX", "SHIPPING"),
}


def _q(value):
    return value.quantize(CENT, ROUND_HALF_UP)


def _money(amount, currency):
    return {"currencyCode": currency, "currencyAmount": _q(amount)}


def _stable_id(*parts):
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _digits(*parts, length=14):
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return str(int(digest, 16))[:length]


def item_parts(item):
    """{(type, subtype): amount} of an order item's proceeds (net and VAT)."""
    parts = {}
    for b in (item.get("proceeds") or {}).get("breakdowns", []):
        if "detailedBreakdowns" in b:
            for d in b["detailedBreakdowns"]:
                key = (b["type"], d["subtype"])
                parts[key] = parts.get(key, ZERO) + Decimal(d["value"]["amount"])
        else:
            parts[(b["type"], None)] = Decimal(b["subtotal"]["amount"])
    return parts


def _gross(parts, keys):
    """Gross of the charge parts in ``keys`` (net + VAT, discounts included)."""
    total = ZERO
    for (kind, sub), amount in parts.items():
        if kind in ("ITEM", "SHIPPING") and (kind, None) in keys:
            total += amount
        elif kind == "TAX" and (sub in ("ITEM", "SHIPPING")) and (kind, sub) in keys:
            total += amount
    return total


class Finances:
    """Transactions (order payments and refunds) with listTransactions paging."""

    def __init__(self, clock, seller_id, secret):
        self.clock = clock
        self.seller_id = seller_id
        self.secret = secret
        self._lock = threading.Lock()
        self.items = {}

    def reset(self):
        with self._lock:
            self.items.clear()

    def all(self):
        now = self.clock()
        with self._lock:
            rows = sorted(self.items.values(), key=lambda t: (t["posted"], t["id"]))
            return [self._render(t, now) for t in rows]

    def refund(self, transaction_id):
        """The stored refund transaction (internal record) or None."""
        with self._lock:
            tx = self.items.get(transaction_id)
        return tx if tx is not None and tx["type"] == "Refund" else None

    def order_for_shipment(self, shipment_id):
        """The order id of the payment transaction with this SHIPMENT_ID."""
        with self._lock:
            for tx in self.items.values():
                for rel in tx["body"]["relatedIdentifiers"]:
                    if (
                        rel["relatedIdentifierName"] == "SHIPMENT_ID"
                        and rel["relatedIdentifierValue"] == shipment_id
                    ):
                        return tx["orderId"]
        return None

    # -- building ------------------------------------------------------------
    def seed(self, orders, payments=True, refunds=True):
        """Order payments for shipped orders and refunds for ~8 % of them."""
        now = self.clock()
        for order in orders:
            shipped = _ship_time(order)
            if shipped is None:
                continue
            if payments:
                self._add(self._payment(order, shipped))
            if not refunds:
                continue
            draw = int(_digits(order["orderId"], "refund", length=6))
            if draw % 100 >= 8:
                continue
            kind, fee = self._seed_kind(order, draw)
            posted = min(shipped + (2 + draw % 9) * DAY, now - 3 * 3600)
            items = None
            if kind == "item":
                first = order["orderItems"][0]
                items = {first["orderItemId"]: 1}
            self.add_refund(order, kind, items, fee, posted)

    @staticmethod
    def _seed_kind(order, draw):
        has_shipping = any(
            ("SHIPPING", None) in item_parts(i) for i in order["orderItems"]
        )
        pick = (draw // 100) % 100
        if pick < 40:
            return "full", None
        if pick < 55 and has_shipping:
            return "shipping", None
        if pick < 80:
            return "item", None
        return "item", Decimal("2.50")

    def add_refund(
        self, order, kind="full", items=None, restocking_fee=None, posted=None
    ):
        """Refund transaction for ``order``; ``items`` {orderItemId: quantity}
        or a list of ids (whole lines) for ``kind="item"``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        lines = self._refund_lines(order, kind, items)
        if posted is None:
            posted = self.clock() - MIN_AGE - 60
        with self._lock:
            count = sum(
                1
                for t in self.items.values()
                if t["type"] == "Refund" and t["orderId"] == order["orderId"]
            )
        fee = Decimal(str(restocking_fee)) if restocking_fee else None
        tx = self._transaction(order, "Refund", lines, posted, count, fee)
        self._add(tx)
        return self._render(tx, self.clock())

    def _refund_lines(self, order, kind, items):
        by_id = {i["orderItemId"]: i for i in order["orderItems"] if i.get("proceeds")}
        if not by_id:
            raise ValueError(f"order {order['orderId']} has no charged items")
        if kind == "full":
            return [(i, i["quantityOrdered"], None) for i in by_id.values()]
        if kind == "shipping":
            lines = [
                (i, 0, SHIPPING_PARTS)
                for i in by_id.values()
                if ("SHIPPING", None) in item_parts(i)
            ]
            if not lines:
                raise ValueError(f"order {order['orderId']} has no shipping charge")
            return lines
        if items is None:
            items = [next(iter(by_id))]
        if not isinstance(items, dict):
            items = {iid: None for iid in items}
        lines = []
        for iid, qty in items.items():
            if iid not in by_id:
                raise ValueError(f"order item {iid} is not a charged item")
            item = by_id[iid]
            qty = item["quantityOrdered"] if qty is None else int(qty)
            if not 1 <= qty <= item["quantityOrdered"]:
                raise ValueError(f"quantity {qty} out of range for item {iid}")
            lines.append(
                (item, qty, {("ITEM", None), ("DISCOUNT", "ITEM"), ("TAX", "ITEM")})
            )
        return lines

    def _payment(self, order, shipped):
        lines = [
            (i, i["quantityOrdered"], None)
            for i in order["orderItems"]
            if i.get("proceeds")
        ]
        return self._transaction(order, "Shipment", lines, shipped + 3600, 0, None)

    def _transaction(self, order, kind, lines, posted, index, restocking_fee):
        mid = order["salesChannel"]["marketplaceId"]
        currency = None
        refund = kind == "Refund"
        sign = Decimal(-1) if refund else Decimal(1)
        afn = (order.get("fulfillment") or {}).get("fulfilledBy") == "AMAZON"
        items = []
        for item, qty, only in lines:
            currency = item["proceeds"]["proceedsTotal"]["currencyCode"]
            items.append(
                self._item(order, item, qty, only, sign, currency, refund, afn, index)
            )
        if restocking_fee:
            first = items[0]
            first["breakdowns"].append(
                _node(
                    "RestockingFee",
                    restocking_fee,
                    currency,
                    [_leaf("RestockingFee", restocking_fee, currency)],
                )
            )
            first["totalAmount"] = _money(
                first["totalAmount"]["currencyAmount"] + restocking_fee, currency
            )
        total = sum((i["totalAmount"]["currencyAmount"] for i in items), ZERO)
        tid = _stable_id(order["orderId"], kind, index)
        related = [
            {
                "relatedIdentifierName": "ORDER_ID",
                "relatedIdentifierValue": order["orderId"],
            }
        ]
        if refund:
            related.append(
                {
                    "relatedIdentifierName": "REFUND_ID",
                    "relatedIdentifierValue": _digits(tid, "refund"),
                }
            )
        else:
            related.append(
                {
                    "relatedIdentifierName": "SHIPMENT_ID",
                    "relatedIdentifierValue": _digits(tid, "shipment"),
                }
            )
        group = _digits("group", int(posted // (14 * DAY)), length=12)
        related.append(
            {
                "relatedIdentifierName": "FINANCIAL_EVENT_GROUP_ID",
                "relatedIdentifierValue": group,
            }
        )
        return {
            "id": tid,
            "type": kind,
            "orderId": order["orderId"],
            "group": group,
            "marketplaceId": mid,
            "posted": posted,
            "deferred": not refund,
            "body": {
                "sellingPartnerMetadata": {
                    "sellingPartnerId": self.seller_id,
                    "accountType": "Standard Orders",
                    "marketplaceId": mid,
                },
                "relatedIdentifiers": related,
                "transactionType": kind,
                "transactionId": tid,
                "description": "Refund" if refund else "Order Payment",
                "postedDate": iso(posted),
                "totalAmount": _money(total, currency),
                "marketplaceDetails": {
                    "marketplaceId": mid,
                    "marketplaceName": MARKETPLACES[MARKETPLACE_BY_ID[mid]][1]
                    if mid in MARKETPLACE_BY_ID
                    else mid,
                },
                "items": items,
                "breakdowns": _summary(items, currency, refund),
            },
        }

    def _item(self, order, item, qty, only, sign, currency, refund, afn, index):
        parts = item_parts(item)
        ordered = item["quantityOrdered"]
        if only is not None:
            parts = {k: v for k, v in parts.items() if k in only}
        if qty and qty != ordered:
            parts = {k: _q(v * qty / ordered) for k, v in parts.items()}
        groups = {}
        for key, amount in parts.items():
            name = CHARGE_NAMES.get(key)
            if name is None or not amount:
                continue
            groups.setdefault(name[0], []).append((name[1], sign * amount))
        nodes = [
            _node(
                group,
                sum((a for _, a in leaves), ZERO),
                currency,
                [_leaf(n, a, currency) for n, a in leaves],
            )
            for group, leaves in groups.items()
        ]
        fees = self._fees(parts, qty, refund, afn, currency)
        if fees:
            nodes.append(fees)
        total = sum((n["breakdownAmount"]["currencyAmount"] for n in nodes), ZERO)
        return {
            "description": item["product"].get(
                "title", item["product"].get("sellerSku", "")
            ),
            "totalAmount": _money(total, currency),
            "relatedIdentifiers": [
                {
                    "itemRelatedIdentifierName": "ORDER_ADJUSTMENT_ITEM_ID",
                    "itemRelatedIdentifierValue": _digits(
                        order["orderId"], item["orderItemId"], refund, index
                    ),
                }
            ],
            "breakdowns": nodes,
            "contexts": [
                {
                    "contextType": "ProductContext",
                    "asin": item["product"].get("asin", ""),
                    "sku": item["product"].get("sellerSku", ""),
                    "quantityShipped": qty,
                    "fulfillmentNetwork": "AFN" if afn else "MFN",
                }
            ],
        }

    @staticmethod
    def _fees(parts, qty, refund, afn, currency):
        gross = _gross(parts, set(parts))
        commission = _q(gross * COMMISSION)
        if not commission:
            return None
        if refund:
            admin = min(_q(commission * REFUND_ADMIN), REFUND_ADMIN_MAX)
            leaves = [("Commission", commission), ("RefundCommission", -admin)]
        else:
            leaves = [("Commission", -commission)]
            if afn and qty:
                leaves.append(("FBAPerUnitFulfillmentFee", -FBA_FEE * qty))
        total = sum((a for _, a in leaves), ZERO)
        return _node(
            "AmazonFees", total, currency, [_leaf(n, a, currency) for n, a in leaves]
        )

    def _add(self, tx):
        with self._lock:
            self.items[tx["id"]] = tx

    # -- rendering ------------------------------------------------------------
    @staticmethod
    def _status(tx, now):
        if not tx["deferred"]:
            return "RELEASED"
        return "DEFERRED" if now < tx["posted"] + DEFERRAL else "DEFERRED_RELEASED"

    def _render(self, tx, now):
        body = dict(tx["body"])
        status = self._status(tx, now)
        ordered = {}
        for key in (
            "sellingPartnerMetadata",
            "relatedIdentifiers",
            "transactionType",
            "transactionId",
        ):
            ordered[key] = body[key]
        ordered["transactionStatus"] = status
        for key in (
            "description",
            "postedDate",
            "totalAmount",
            "marketplaceDetails",
            "items",
            "breakdowns",
        ):
            ordered[key] = body[key]
        if status == "DEFERRED":
            ordered["contexts"] = [
                {
                    "contextType": "DeferredContext",
                    "deferralReason": "DD7",
                    "maturityDate": iso(tx["posted"] + DEFERRAL),
                }
            ]
        return ordered

    # -- listTransactions -------------------------------------------------------
    def list_transactions(self, params):
        now = self.clock()
        q = _parse_query(params, now)
        offset = self._read_token(_one(params, "nextToken"), q["hash"])
        if q["after"] is not None and q["before"] - q["after"] > MAX_SPAN:
            return {"payload": {"transactions": []}}
        with self._lock:
            rows = sorted(self.items.values(), key=lambda t: (t["posted"], t["id"]))
        hits = [t for t in rows if _matches(t, q) and self._status_ok(t, q, now)]
        page = hits[offset : offset + PAGE_SIZE]
        payload = {"transactions": [self._render(t, now) for t in page]}
        if offset + PAGE_SIZE < len(hits):
            payload["nextToken"] = self._make_token(offset + PAGE_SIZE, q["hash"])
        return {"payload": payload}

    def _status_ok(self, tx, q, now):
        return not q["status"] or self._status(tx, now) == q["status"]

    def _make_token(self, offset, query_hash):
        data = json.dumps({"o": offset, "h": query_hash}).encode()
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    @staticmethod
    def _read_token(token, query_hash):
        if not token:
            return 0
        try:
            payload = json.loads(
                base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            )
            offset = int(payload["o"])
        except (ValueError, KeyError, TypeError):
            raise invalid("Invalid nextToken.") from None
        if payload.get("h") != query_hash:
            raise invalid(
                "nextToken must be used with the arguments of the call that "
                "returned it."
            )
        return offset


def _leaf(name, amount, currency):
    return {
        "breakdownType": name,
        "breakdownAmount": _money(amount, currency),
        "breakdowns": [],
    }


def _node(name, amount, currency, leaves):
    return {
        "breakdownType": name,
        "breakdownAmount": _money(amount, currency),
        "breakdowns": leaves,
    }


def _summary(items, currency, refund):
    """Transaction-level Sales/Expenses: positive groups under Sales, negative
    under Expenses (as Amazon's refunds show fee reversals under Sales)."""
    sums = {}
    for item in items:
        for node in item["breakdowns"]:
            name = node["breakdownType"]
            sums[name] = (
                sums.get(name, ZERO) + node["breakdownAmount"]["currencyAmount"]
            )
    sales, expenses = [], []
    for name, amount in sums.items():
        entry = {"breakdownType": name, "breakdownAmount": _money(amount, currency)}
        if refund:
            (sales if amount > 0 else expenses).append(entry)
        else:
            (expenses if name == "AmazonFees" else sales).append(entry)
    out = []
    for title, group in (("Sales", sales), ("Expenses", expenses)):
        if group:
            total = sum((e["breakdownAmount"]["currencyAmount"] for e in group), ZERO)
            out.append(_node(title, total, currency, group))
    return out


def _ship_time(order):
    status = (order.get("fulfillment") or {}).get("fulfillmentStatus")
    if status != "SHIPPED":
        return None
    times = [
        parse_iso(p["shipTime"]) for p in order.get("packages", []) if p.get("shipTime")
    ]
    return max(times) if times else parse_iso(order["lastUpdatedTime"])


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


def _parse_query(params, now):
    after = _date(params, "postedAfter")
    before = _date(params, "postedBefore")
    name = _one(params, "relatedIdentifierName")
    value = _one(params, "relatedIdentifierValue")
    if bool(name) != bool(value):
        raise invalid(
            "relatedIdentifierName and relatedIdentifierValue must be provided "
            "together."
        )
    if name and name not in RELATED_FILTERS:
        raise invalid(f"relatedIdentifierName {name} cannot be used for filtering.")
    if after is None and not name:
        raise invalid("postedAfter is required when no related identifier is given.")
    latest = now - MIN_AGE
    if after is not None and after > latest:
        raise invalid(
            "postedAfter must be more than two minutes before the request time."
        )
    if before is None:
        before = latest
    elif before > latest:
        raise invalid(
            "postedBefore must be more than two minutes before the request time."
        )
    if after is not None and before <= after:
        raise invalid("postedBefore must be later than postedAfter.")
    status = _one(params, "transactionStatus")
    if status and status not in STATUSES:
        raise invalid(f"Invalid transactionStatus {status}.")
    return {
        "after": after,
        "before": before,
        "name": name,
        "value": value,
        "status": status,
        "market": _one(params, "marketplaceId"),
        "hash": _hash(params),
    }


def _matches(tx, q):
    if (q["after"] is not None and tx["posted"] < q["after"]) or tx["posted"] >= q[
        "before"
    ]:
        return False
    if q["market"] and tx["marketplaceId"] != q["market"]:
        return False
    if q["name"] == "ORDER_ID":
        return tx["orderId"] == q["value"]
    if q["name"] == "FINANCIAL_EVENT_GROUP_ID":
        return tx["group"] == q["value"]
    return True


def _hash(params):
    keys = (
        "postedAfter",
        "postedBefore",
        "marketplaceId",
        "transactionStatus",
        "relatedIdentifierName",
        "relatedIdentifierValue",
    )
    raw = {k: get_list(params, k) for k in keys}
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]
