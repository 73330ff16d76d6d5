"""Order lines: products, quantities, prices, promotions, gift wrap and proceeds."""

from decimal import Decimal

from .money import dec, item_proceeds, money

FX = {"EUR": Decimal(1), "PLN": Decimal("4.30"), "SEK": Decimal("11.20")}

UNKNOWN_TITLES = (
    "Restposten Tischdecke 140×180 cm",
    "Sonderedition Tasse „Moin“",
    "Ersatzdichtung für Thermobecher",
    "Geschenkgutschein-Karte Holz",
)

GIFT_MESSAGES = (
    "Alles Gute zum Geburtstag!\nDein Jürgen",
    "Frohe Weihnachten & einen guten Rutsch – Oma Käthe",
    "Herzlichen Glückwunsch zur bestandenen Prüfung!",
)


def local_price(price, currency):
    if currency == "EUR":
        return dec(price)
    return (Decimal(price) * FX[currency]).quantize(Decimal(1)) - Decimal("0.01")


def make_line(ctx, rates, currency, business):
    rng = ctx["rng"]
    std, reduced = rates
    if rng.random() < 0.03:
        product = {
            "sku": f"ALT-{rng.randrange(10**5):05d}",
            "title": rng.choice(UNKNOWN_TITLES),
            "price": f"{rng.randint(5, 30)}.90",
            "vat_rate": 19,
            "asin": f"B0{rng.randrange(10**8):08d}",
        }
    else:
        product = rng.choice(ctx["catalogue"])
    unit = local_price(product["price"], currency)
    designation = None
    if business and rng.random() < 0.4:
        unit, designation = dec(unit * Decimal("0.95")), "BUSINESS_PRICE"
    qty = rng.choices((1, 2, 3, 4, 5, 10), (75, 15, 4, 3, 1, 2))[0]
    line = {
        "product": product,
        "qty": qty,
        "unit": unit,
        "designation": designation,
        "rate": std if product["vat_rate"] == 19 else reduced,
        "charges": {"ITEM": unit * qty},
        "discounts": {},
        "promo": None,
        "gift": None,
    }
    if rng.random() < 0.15:
        off = (
            dec(unit * qty * Decimal("0.10"))
            if rng.random() < 0.5
            else dec(min(unit * qty / 2, local_price("5.00", currency)))
        )
        line["discounts"]["ITEM"] = off
        line["promo"] = rng.choice(
            ("DE-SPARABO-10", "Coupon-5EUR-2026", "PRIME-DAY-26")
        )
    if rng.random() < 0.05:
        line["charges"]["GIFT_WRAP"] = local_price("3.99", currency)
        line["gift"] = rng.choice(GIFT_MESSAGES)
    return line


def add_order_charges(rng, line, fba, cod, currency):
    if fba:
        if rng.random() < 0.2:
            line["charges"]["SHIPPING"] = local_price("2.99", currency)
            line["discounts"]["SHIPPING"] = line["charges"]["SHIPPING"]
    elif rng.random() < 0.45 or cod:
        line["charges"]["SHIPPING"] = local_price(
            rng.choice(("3.99", "4.99", "5.90")), currency
        )
        if rng.random() < 0.25:
            line["discounts"]["SHIPPING"] = line["charges"]["SHIPPING"]
    if cod:
        line["charges"]["COD_FEE"] = local_price("4.00", currency)
        line["cod"] = True


def make_item(rng, oid, line, plan, index, count, currency):
    qty, product = line["qty"], line["product"]
    item = {
        "orderItemId": f"{rng.randrange(10**13, 10**14)}",
        "quantityOrdered": qty,
        "product": {
            "asin": product["asin"],
            "title": product["title"],
            "sellerSku": product["sku"],
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": {"unitPrice": money(line["unit"], currency)},
        },
    }
    if line["designation"]:
        item["product"]["price"]["priceDesignation"] = line["designation"]
    cancelled = plan.startswith("CANCELLED") or (
        plan == "LINE_CANCELLED" and index == count - 1
    )
    if not cancelled and plan != "PENDING":
        item["proceeds"] = item_proceeds(
            line["charges"], line["discounts"], line["rate"], currency
        )
    if line["promo"]:
        item["promotion"] = {"breakdowns": [{"promotionId": line["promo"]}]}
    if cancelled:
        item["cancellation"] = _cancellation(plan)
    item["fulfillment"] = _item_fulfillment(line, plan, index, cancelled)
    return item


def _cancellation(plan):
    if plan == "CANCELLED_PENDING":
        return {
            "cancellationRequest": {
                "requester": "BUYER",
                "cancelReason": "Versehentlich bestellt",
            },
            "cancellationExecution": {
                "cancelledBy": "BUYER",
                "cancelReason": "BUYER_CANCELED",
            },
        }
    return {
        "cancellationExecution": {
            "cancelledBy": "MERCHANT",
            "cancelReason": "NO_INVENTORY",
        }
    }


def _item_fulfillment(line, plan, index, cancelled):
    qty = line["qty"]
    done = 0
    if plan in ("SHIPPED", "LINE_CANCELLED") and not cancelled:
        done = qty
    elif plan == "PARTIALLY_SHIPPED" and index == 0:
        done = qty - 1 if qty > 1 else qty
    block = {
        "quantityFulfilled": done,
        "quantityUnfulfilled": 0 if cancelled else qty - done,
    }
    if line["gift"]:
        block["packing"] = {
            "giftOption": {"giftMessage": line["gift"], "giftWrapLevel": "Standard"}
        }
    if line.get("cod"):
        block["shipping"] = {"shippingConstraints": {"cashOnDelivery": "MANDATORY"}}
    return block
