"""Generator: determinism, money arithmetic, variety, ground truth."""

from collections import Counter, defaultdict
from decimal import Decimal

from simulator.catalogue import catalogue
from simulator.generator import generate, generate_orders

MARKETS = ("DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE")
START = 1_780_000_000


def amounts(entries, key="subtotal"):
    return sum((Decimal(e[key]["amount"]) for e in entries), Decimal(0))


def test_deterministic_and_truth_hidden():
    a, truth = generate(300, 11, MARKETS, START)
    assert a == generate_orders(300, 11, MARKETS, START)
    assert a != generate_orders(300, 12, MARKETS, START)
    assert set(truth) == {o["orderId"] for o in a}
    text = repr(a)
    assert not any(key in text for key in set(truth.values()))


def test_money_adds_up():
    orders, _ = generate(600, 5, MARKETS, START)
    for order in orders:
        currency = None
        total = Decimal(0)
        for item in order["orderItems"]:
            unit = item["product"]["price"]["unitPrice"]
            currency = currency or unit["currencyCode"]
            assert unit["currencyCode"] == currency
            if "proceeds" not in item:
                continue
            proceeds = item["proceeds"]
            assert Decimal(proceeds["proceedsTotal"]["amount"]) == amounts(
                proceeds["breakdowns"]
            )
            by_type = {b["type"]: b for b in proceeds["breakdowns"]}
            for b in proceeds["breakdowns"]:
                assert b["subtotal"]["amount"].count(".") == 1
                assert len(b["subtotal"]["amount"].split(".")[1]) == 2
                if "detailedBreakdowns" in b:
                    assert Decimal(b["subtotal"]["amount"]) == amounts(
                        b["detailedBreakdowns"], "value"
                    )
            if "DISCOUNT" in by_type:
                assert Decimal(by_type["DISCOUNT"]["subtotal"]["amount"]) < 0
            tax_item = next(
                Decimal(d["value"]["amount"])
                for d in by_type["TAX"]["detailedBreakdowns"]
                if d["subtype"] == "ITEM"
            )
            gross = Decimal(unit["amount"]) * item["quantityOrdered"]
            assert Decimal(by_type["ITEM"]["subtotal"]["amount"]) + tax_item == gross
            total += Decimal(proceeds["proceedsTotal"]["amount"])
        if "proceeds" in order:
            assert Decimal(order["proceeds"]["grandTotal"]["amount"]) == total
            assert amounts(order["proceeds"]["breakdowns"]) == total


def test_variety():
    orders, truth = generate(1500, 1, MARKETS, START)
    text = repr(orders)
    statuses = Counter(o["fulfillment"]["fulfillmentStatus"] for o in orders)
    assert {"SHIPPED", "UNSHIPPED", "PENDING", "CANCELLED", "PARTIALLY_SHIPPED"} <= set(
        statuses
    )
    currencies = {
        o["orderItems"][0]["product"]["price"]["unitPrice"]["currencyCode"]
        for o in orders
    }
    assert currencies == {"EUR", "PLN", "SEK"}
    for needle in (
        "Packstation",
        "c/o ",
        "ß",
        "ss",
        "str.",
        "GIFT_WRAP",
        "giftMessage",
        "COD_FEE",
        "'DISCOUNT'",
        "AMAZON_BUSINESS",
        "taxRegistrationNumber",
        "'AMAZON'",
        "'MERCHANT'",
        "cancellationExecution",
        "ALT-",
        "@marketplace.amazon.de",
        "PICKUP_POINT",
        "COMMERCIAL",
    ):
        assert needle in text, needle
    assert any(i["quantityOrdered"] > 1 for o in orders for i in o["orderItems"])
    skus = {r["sku"] for r in catalogue()}
    items = [i for o in orders for i in o["orderItems"]]
    unknown = sum(i["product"]["sellerSku"] not in skus for i in items) / len(items)
    assert 0.005 < unknown < 0.08
    # repeat buyers whose orders spell the name differently
    names = defaultdict(set)
    for o in orders:
        names[truth[o["orderId"]]].add(o["buyer"]["buyerName"])
    assert sum(len(v) > 1 for v in names.values()) > 20


def test_catalogue_ean():
    rows = catalogue()
    assert len(rows) >= 50
    for row in rows:
        digits = [int(c) for c in row["ean"]]
        assert len(digits) == 13
        assert sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
        assert row["vat_rate"] in (7, 19) and row["currency"] == "EUR"


def test_buyer_cancellation_requests():
    orders, _ = generate(1500, 1, MARKETS, START)
    pending = []
    for order in orders:
        f = order["fulfillment"]
        assert "shipByWindow" in f
        assert ("deliverByWindow" in f) == (f["fulfilledBy"] == "MERCHANT")
        for item in order["orderItems"]:
            cancellation = item.get("cancellation", {})
            if "cancellationRequest" in cancellation and (
                "cancellationExecution" not in cancellation
            ):
                pending.append(order)
                assert f["fulfillmentStatus"] == "UNSHIPPED"
                assert f["fulfilledBy"] == "MERCHANT"
                assert cancellation["cancellationRequest"]["requester"] == "BUYER"
                assert cancellation["cancellationRequest"]["cancelReason"]
    unshipped = [
        o
        for o in orders
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
    ]
    share = len({o["orderId"] for o in pending}) / len(unshipped)
    assert 0.1 < share < 0.3
