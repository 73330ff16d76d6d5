"""Seeded generator of realistic EU marketplace orders (Orders API v2026-01-01).

``generate(n, seed, marketplaces, start)`` returns ``(orders, truth)``; ``truth``
maps each orderId to the hidden buyer identity (never part of the payload).
"""

import hashlib
import random

from .catalogue import catalogue
from .constants import MARKETPLACES
from .lines import add_order_charges, make_item, make_line
from .money import ZERO, order_proceeds
from .people import address, new_person, relay_email, spell_name
from .timeutil import iso

DAY = 86400
VAT = {
    "DE": (19, 7),
    "FR": (20, "5.5"),
    "IT": (22, 10),
    "ES": (21, 10),
    "NL": (21, 9),
    "PL": (23, 8),
    "SE": (25, 12),
    "BE": (21, 6),
}
ID_PREFIX = {
    "DE": ("302", "303", "304", "305", "306", "028"),
    "FR": ("402", "171"),
    "IT": ("405", "171"),
    "ES": ("407", "171"),
    "NL": ("408",),
    "PL": ("409",),
    "SE": ("403",),
    "BE": ("404",),
}
CARRIERS = (
    ("DHL", "DHL Paket"),
    ("DPD", "DPD Classic"),
    ("Hermes", "Hermes Paket"),
    ("GLS", "GLS BusinessParcel"),
    ("Deutsche Post", "Warenpost"),
)
WAREHOUSE = {
    "name": "Simulator Handel GmbH",
    "addressLine1": "Lagerstraße 1",
    "city": "Kassel",
    "postalCode": "34117",
    "countryCode": "DE",
}
CANCEL_REASONS = (
    "Versehentlich bestellt",
    "Lieferzeit zu lang",
    "Woanders günstiger gefunden",
    "Bestellung geändert",
)
# status plan -> weight, for (FBA, FBM)
PLANS = {
    "SHIPPED": (78, 58),
    "UNSHIPPED": (6, 15),
    "PARTIALLY_SHIPPED": (0, 4),
    "PENDING": (6, 6),
    "CANCELLED_PENDING": (5, 6),
    "CANCELLED_UNSHIPPED": (3, 6),
    "LINE_CANCELLED": (2, 5),
}
UPDATE_DELAY = {
    "SHIPPED": (4 * 3600, 60 * 3600),
    "UNSHIPPED": (300, 7200),
    "PARTIALLY_SHIPPED": (4 * 3600, 30 * 3600),
    "PENDING": (60, 1800),
    "CANCELLED_PENDING": (600, DAY),
    "CANCELLED_UNSHIPPED": (DAY, 3 * DAY),
    "LINE_CANCELLED": (DAY, 3 * DAY),
}


def default_start(now):
    """Midnight UTC 40 days before ``now``: orders span 30 days, all in the past."""
    return int(now // DAY * DAY) - 40 * DAY


def generate_orders(n, seed=0, marketplaces=("DE",), start=None):
    return generate(n, seed, marketplaces, start)[0]


def generate(n, seed=0, marketplaces=("DE",), start=None, span_days=30):
    """Return ``(orders, truth)``; same arguments give the same orders."""
    import time

    rng = random.Random(seed)
    start = default_start(time.time()) if start is None else start
    markets = [m for m in marketplaces if m in VAT] or ["DE"]
    weights = [8 if m == "DE" else 1 for m in markets]
    ctx = {"rng": rng, "people": {}, "ids": set(), "catalogue": catalogue()}
    orders, truth = [], {}
    offsets = sorted(rng.uniform(0, span_days * DAY) for _ in range(n))
    for offset in offsets:
        mp = rng.choices(markets, weights)[0]
        person, repeat = _buyer(ctx, mp)
        order = _order(ctx, mp, person, repeat, int(start + offset))
        truth[order["orderId"]] = person["key"]
        orders.append(order)
    return orders, truth


def _buyer(ctx, mp):
    rng, pool = ctx["rng"], ctx["people"].setdefault(mp, [])
    if pool and rng.random() < 0.3:
        # a few buyers order very often: prefer the early ones
        return pool[min(int(rng.expovariate(0.15)), len(pool) - 1)], True
    key = f"{mp}-P{sum(len(p) for p in ctx['people'].values()) + 1:05d}"
    person = new_person(rng, key, mp)
    pool.append(person)
    return person, False


def _unique_id(ctx, mp):
    rng = ctx["rng"]
    while True:
        oid = (
            f"{rng.choice(ID_PREFIX[mp])}-{rng.randrange(10**7):07d}-"
            f"{rng.randrange(10**7):07d}"
        )
        if oid not in ctx["ids"]:
            ctx["ids"].add(oid)
            return oid


def _order(ctx, mp, person, repeat, created):
    rng = ctx["rng"]
    fba = rng.random() < 0.35
    plan = rng.choices(list(PLANS), [w[0 if fba else 1] for w in PLANS.values()])[0]
    currency = MARKETPLACES[mp][3]
    business = person.get("kind") == "company"
    lines = [
        make_line(ctx, VAT[mp], currency, business)
        for _ in range(_line_count(rng, plan))
    ]
    if plan == "PARTIALLY_SHIPPED" and len(lines) == 1:
        lines[0]["qty"] = max(2, lines[0]["qty"])
        lines[0]["charges"]["ITEM"] = lines[0]["unit"] * lines[0]["qty"]
    cod = (
        mp == "DE"
        and not fba
        and plan in ("SHIPPED", "UNSHIPPED")
        and (rng.random() < 0.06)
    )
    add_order_charges(rng, lines[0], fba, cod, currency)
    oid = _unique_id(ctx, mp)
    updated = created + rng.randint(*UPDATE_DELAY[plan])
    items = [
        make_item(rng, oid, line, plan, i, len(lines), currency)
        for i, line in enumerate(lines)
    ]
    order = {
        "orderId": oid,
        "orderAliases": [{"aliasId": oid, "aliasType": "SELLER_ORDER_ID"}],
        "createdTime": iso(created),
        "lastUpdatedTime": iso(updated),
        "programs": _programs(rng, fba, business),
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": MARKETPLACES[mp][0],
            "marketplaceName": MARKETPLACES[mp][1],
        },
        "buyer": _buyer_block(rng, person, repeat, fba),
        "recipient": _recipient(rng, person, repeat, fba, plan, lines),
        "proceeds": order_proceeds(items, currency),
        "payment": _payment(cod, items, currency),
        "tax": _tax(person) if business else None,
        "fulfillment": _fulfillment(rng, fba, plan, created),
        "orderItems": items,
        "packages": _packages(rng, items, plan, fba, created, updated),
    }
    if not any("proceeds" in i for i in items):
        order["proceeds"] = None
    if plan == "UNSHIPPED" and not fba:
        _cancellation_request(items, oid)
    return {k: v for k, v in order.items() if v not in (None, [], {})}


def _cancellation_request(items, oid):
    """~20 % of unshipped FBM orders carry a pending buyer cancellation request.

    Drawn from a hash of the order id, not from the generator's random stream,
    so every other field of every order stays as it was before this existed.
    """
    draw = int(hashlib.sha256(f"cancel-request|{oid}".encode()).hexdigest(), 16)
    if draw % 100 >= 20:
        return
    reason = CANCEL_REASONS[(draw // 100) % len(CANCEL_REASONS)]
    for item in items:
        item["cancellation"] = {
            "cancellationRequest": {"requester": "BUYER", "cancelReason": reason}
        }


def _line_count(rng, plan):
    count = rng.choices((1, 2, 3, 4), (70, 20, 7, 3))[0]
    return max(count, 2) if plan == "LINE_CANCELLED" else count


def _programs(rng, fba, business):
    programs = []
    if fba and rng.random() < 0.7:
        programs.append("PRIME")
    if business:
        programs.append("AMAZON_BUSINESS")
    return programs


def _buyer_block(rng, person, repeat, fba):
    vary = rng.random() < (0.6 if repeat else 0.3)
    block = {"buyerName": spell_name(rng, person, vary)}
    if not fba:
        if repeat and rng.random() < 0.25:
            person["emails"].append(relay_email(rng, person["country"]))
        block["buyerEmail"] = person["emails"][-1]
    if person.get("company"):
        block["buyerCompanyName"] = person["company"]
        if rng.random() < 0.3:
            block["buyerPurchaseOrderNumber"] = f"PO-2026-{rng.randrange(10**4):04d}"
    return block


def _recipient(rng, person, repeat, fba, plan, lines):
    if plan in ("PENDING", "CANCELLED_PENDING"):
        return None
    target, vary = person, rng.random() < (0.6 if repeat else 0.3)
    if any(line["gift"] for line in lines) and rng.random() < 0.5:
        target, vary = new_person(rng, "gift", person["country"]), False
    phone = not fba and plan in ("UNSHIPPED", "PARTIALLY_SHIPPED")
    block = {"deliveryAddress": address(rng, target, vary, phone)}
    if not fba and rng.random() < 0.1:
        block["deliveryPreference"] = {
            "addressInstruction": "Bitte beim Nachbarn abgeben"
        }
    return block


def _payment(cod, items, currency):
    if not cod:
        return None
    total = order_proceeds(items, currency)["grandTotal"]
    return {"paymentExecutions": [{"paymentMethod": "COD", "paymentAmount": total}]}


def _tax(person):
    return {
        "taxRegistrations": [
            {
                "entityType": "BUYER",
                "legalName": person["company"],
                "taxRegistrationType": "VAT",
                "taxRegistrationNumber": person["vat_id"],
            }
        ],
        "taxInvoicing": {"buyerInvoicePreference": "BUSINESS"},
    }


def _fulfillment(rng, fba, plan, created):
    status = {
        "CANCELLED_PENDING": "CANCELLED",
        "CANCELLED_UNSHIPPED": "CANCELLED",
        "LINE_CANCELLED": "SHIPPED",
    }.get(plan, plan)
    level = rng.choices(("STANDARD", "EXPEDITED", "NEXT_DAY"), (80, 12, 8))[0]
    block = {
        "fulfillmentStatus": status,
        "fulfilledBy": "AMAZON" if fba else "MERCHANT",
        "fulfillmentServiceLevel": level,
        "shipByWindow": {
            "earliestDateTime": iso(created),
            "latestDateTime": iso(created + 2 * DAY),
        },
    }
    if not fba:
        block["deliverByWindow"] = {
            "earliestDateTime": iso(created + 2 * DAY),
            "latestDateTime": iso(created + 5 * DAY),
        }
    return block


def _packages(rng, items, plan, fba, created, updated):
    if fba or plan not in ("SHIPPED", "PARTIALLY_SHIPPED", "LINE_CANCELLED"):
        return None
    carrier, service = rng.choice(CARRIERS)
    shipped = [
        {
            "orderItemId": i["orderItemId"],
            "quantity": i["fulfillment"]["quantityFulfilled"],
        }
        for i in items
        if i["fulfillment"]["quantityFulfilled"]
    ]
    return [
        {
            "packageReferenceId": str(rng.randrange(10**9, 10**10)),
            "createdTime": iso(updated - 600),
            "packageStatus": {
                "status": "DELIVERED" if plan == "SHIPPED" else "IN_TRANSIT"
            },
            "carrier": carrier,
            "shipTime": iso(updated - 300),
            "shippingService": service,
            "trackingNumber": "00340" + str(rng.randrange(10**14, 10**15)),
            "shipFromAddress": dict(WAREHOUSE),
            "packageItems": shipped,
        }
    ]


__all__ = ["ZERO", "default_start", "generate", "generate_orders"]
