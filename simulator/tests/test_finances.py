"""Finances listTransactions: payments and refunds derived from the orders."""

# ruff: noqa: E501 - request tables read better unwrapped

import json
from collections import Counter
from decimal import Decimal

import pytest
import requests

from simulator.finances import item_parts
from simulator.testing import access_token, api_call
from simulator.timeutil import iso, parse_iso

PATH = "/finances/2024-06-19/transactions"


def amount(node):
    return node["breakdownAmount"]["currencyAmount"]


def check_sums(tx):
    """Every node equals the sum of its children; the total the sum of items."""

    def walk(node):
        if node.get("breakdowns"):
            assert amount(node) == sum(amount(c) for c in node["breakdowns"]), node
            for child in node["breakdowns"]:
                walk(child)

    for item in tx["items"]:
        assert item["totalAmount"]["currencyAmount"] == sum(
            amount(n) for n in item["breakdowns"]
        )
        for node in item["breakdowns"]:
            walk(node)
    total = tx["totalAmount"]["currencyAmount"]
    assert total == sum(i["totalAmount"]["currencyAmount"] for i in tx["items"])
    assert total == sum(amount(n) for n in tx["breakdowns"])
    for node in tx["breakdowns"]:
        walk(node)


def buyer_amount(item):
    return sum(
        amount(n)
        for n in item["breakdowns"]
        if n["breakdownType"] not in ("AmazonFees", "RestockingFee")
    )


@pytest.fixture
def sim(make_sim):
    return make_sim(generate=600, seed=4, marketplaces=("DE", "FR", "PL"))


def test_seeded_transactions(sim, clock):
    txs = sim.transactions()
    orders = {o["orderId"]: o for o in sim.orders()}
    types = Counter(t["transactionType"] for t in txs)
    shipped = [
        o for o in orders.values() if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    ]
    assert types["Shipment"] == len(shipped)
    assert 0.04 * len(shipped) < types["Refund"] < 0.14 * len(shipped)
    assert len({t["transactionId"] for t in txs}) == len(txs)
    kinds = Counter()
    for tx in txs:
        check_sums(tx)
        order = orders[tx["relatedIdentifiers"][0]["relatedIdentifierValue"]]
        names = [r["relatedIdentifierName"] for r in tx["relatedIdentifiers"]]
        assert names[0] == "ORDER_ID" and "FINANCIAL_EVENT_GROUP_ID" in names
        assert parse_iso(tx["postedDate"]) < clock() - 120
        if tx["transactionType"] == "Shipment":
            assert "SHIPMENT_ID" in names
            for item, order_item in zip(
                tx["items"],
                [i for i in order["orderItems"] if "proceeds" in i],
                strict=True,
            ):
                assert buyer_amount(item) == Decimal(
                    order_item["proceeds"]["proceedsTotal"]["amount"]
                )
            continue
        assert "REFUND_ID" in names and tx["totalAmount"]["currencyAmount"] < 0
        shipped_at = max(
            parse_iso(p["shipTime"])
            for p in order.get("packages", [{"shipTime": order["lastUpdatedTime"]}])
        )
        assert parse_iso(tx["postedDate"]) > shipped_at
        groups = {n["breakdownType"] for i in tx["items"] for n in i["breakdowns"]}
        if "RestockingFee" in groups:
            kinds["restocking"] += 1
        elif groups <= {"Shipping", "Tax", "AmazonFees", "Promotion"}:
            kinds["shipping"] += 1
        elif all(
            c["quantityShipped"]
            < next(
                oi["quantityOrdered"]
                for oi in order["orderItems"]
                if oi["product"]["sellerSku"] == c["sku"]
            )
            or len(tx["items"])
            < len([i for i in order["orderItems"] if "proceeds" in i])
            for i in tx["items"]
            for c in i["contexts"]
        ):
            kinds["item"] += 1
        else:
            kinds["full"] += 1
    assert set(kinds) == {"full", "item", "shipping", "restocking"}, kinds
    assert sim.transactions() == txs  # stable


def test_refund_kinds_match_the_order(sim):
    order = next(
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        and any(i["quantityOrdered"] > 1 for i in o["orderItems"])
        and any(("SHIPPING", None) in item_parts(i) for i in o["orderItems"])
    )
    multi = next(i for i in order["orderItems"] if i["quantityOrdered"] > 1)
    full = sim.add_refund(order["orderId"])
    check_sums(full)
    charged = [i for i in order["orderItems"] if "proceeds" in i]
    for item, order_item in zip(full["items"], charged, strict=True):
        assert buyer_amount(item) == -Decimal(
            order_item["proceeds"]["proceedsTotal"]["amount"]
        )
        tax = next(n for n in item["breakdowns"] if n["breakdownType"] == "Tax")
        vat = sum(v for (k, _), v in item_parts(order_item).items() if k == "TAX")
        assert amount(tax) == -vat
    one = sim.add_refund(order["orderId"], kind="item", items={multi["orderItemId"]: 1})
    check_sums(one)
    (item,) = one["items"]
    assert item["contexts"][0]["quantityShipped"] == 1
    unit = Decimal(multi["product"]["price"]["unitPrice"]["amount"])
    principal = next(
        n for n in item["breakdowns"] if n["breakdownType"] == "ProductCharges"
    )
    tax = next(n for n in item["breakdowns"] if n["breakdownType"] == "Tax")
    our_tax = next(
        leaf for leaf in tax["breakdowns"] if leaf["breakdownType"] == "OurPriceTax"
    )
    assert abs(amount(principal) + amount(our_tax) + unit) <= Decimal("0.02")
    shipping = sim.add_refund(order["orderId"], kind="shipping")
    assert {n["breakdownType"] for i in shipping["items"] for n in i["breakdowns"]} <= {
        "Shipping",
        "Tax",
        "AmazonFees",
        "Promotion",
    }
    fee = sim.add_refund(
        order["orderId"],
        kind="item",
        items=[multi["orderItemId"]],
        restocking_fee="4.50",
    )
    check_sums(fee)
    restock = next(
        n
        for n in fee["items"][0]["breakdowns"]
        if n["breakdownType"] == "RestockingFee"
    )
    assert amount(restock) == Decimal("4.50")
    assert (
        len(
            {
                full["transactionId"],
                one["transactionId"],
                shipping["transactionId"],
                fee["transactionId"],
            }
        )
        == 4
    )
    with pytest.raises(ValueError):
        sim.add_refund(order["orderId"], kind="item", items={multi["orderItemId"]: 99})
    with pytest.raises(KeyError):
        sim.add_refund("999-0000000-0000000")


def test_list_transactions(sim, clock):
    token = access_token(sim)
    since = iso(clock() - 90 * 86400)
    got, params, pages = [], {"postedAfter": since}, 0
    while True:
        r = api_call(sim, "GET", PATH, token, params=params)
        assert r.status_code == 200, r.text
        payload = r.json()["payload"]
        got += payload["transactions"]
        pages += 1
        if not payload.get("nextToken"):
            break
        params["nextToken"] = payload["nextToken"]
    assert len(got) == len(sim.transactions()) and pages > 1
    assert [t["postedDate"] for t in got] == sorted(t["postedDate"] for t in got)
    assert isinstance(got[0]["totalAmount"]["currencyAmount"], float)
    exact = json.loads(r.text, parse_float=Decimal)["payload"]["transactions"]
    amounts = [t["totalAmount"]["currencyAmount"] for t in exact]
    assert all(a.as_tuple().exponent == -2 for a in amounts)  # written as -12.30
    refund = next(t for t in got if t["transactionType"] == "Refund")
    oid = refund["relatedIdentifiers"][0]["relatedIdentifierValue"]
    r = api_call(
        sim,
        "GET",
        PATH,
        token,
        params={"relatedIdentifierName": "ORDER_ID", "relatedIdentifierValue": oid},
    )
    mine = r.json()["payload"]["transactions"]
    assert {t["transactionType"] for t in mine} == {"Shipment", "Refund"}
    assert all(
        t["relatedIdentifiers"][0]["relatedIdentifierValue"] == oid for t in mine
    )
    r = api_call(
        sim,
        "GET",
        PATH,
        token,
        params={"postedAfter": since, "marketplaceId": "A1C3SOZRARQ6R3"},
    )
    assert {
        t["totalAmount"]["currencyCode"] for t in r.json()["payload"]["transactions"]
    } == {"PLN"}
    deferred = api_call(
        sim,
        "GET",
        PATH,
        token,
        params={"postedAfter": since, "transactionStatus": "DEFERRED"},
    ).json()["payload"]["transactions"]
    assert all(t["contexts"][0]["contextType"] == "DeferredContext" for t in deferred)
    released = api_call(
        sim,
        "GET",
        PATH,
        token,
        params={"postedAfter": since, "transactionStatus": "DEFERRED_RELEASED"},
    ).json()["payload"]["transactions"]
    assert released and all("contexts" not in t for t in released)
    assert api_call(
        sim, "GET", PATH, token, params={"postedAfter": iso(clock() - 400 * 86400)}
    ).json() == {"payload": {"transactions": []}}
    for bad in (
        {},
        {"postedAfter": iso(clock() - 60)},
        {"postedAfter": since, "postedBefore": iso(clock())},
        {"postedAfter": since, "postedBefore": since},
        {"postedAfter": "gestern"},
        {"postedAfter": since, "transactionStatus": "Released"},
        {"relatedIdentifierName": "REFUND_ID", "relatedIdentifierValue": "1"},
        {"relatedIdentifierName": "ORDER_ID"},
        {"postedAfter": since, "nextToken": "garbage"},
        {
            "postedAfter": iso(clock() - 10 * 86400),
            "nextToken": payload.get("nextToken") or params["nextToken"],
        },
    ):
        r = api_call(sim, "GET", PATH, token, params=bad)
        assert (
            r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
        ), bad


def test_control_refunds(sim):
    order = next(
        o for o in sim.orders() if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    )
    r = requests.post(
        sim.base_url + "/_sim/refunds",
        json={"order_id": order["orderId"], "kind": "full"},
        timeout=5,
    )
    assert (
        r.status_code == 200 and r.json()["transaction"]["transactionType"] == "Refund"
    )
    txs = requests.get(sim.base_url + "/_sim/transactions", timeout=5).json()[
        "transactions"
    ]
    assert r.json()["transaction"] in txs
    bad = requests.post(
        sim.base_url + "/_sim/refunds",
        json={"order_id": order["orderId"], "kind": "half"},
        timeout=5,
    )
    assert bad.status_code == 400
