"""Orders v0 confirmShipment: validation, state changes, read-back, log."""

import pytest

from simulator.testing import access_token, api_call, api_get
from simulator.timeutil import iso

ORDERS = "/orders/2026-01-01/orders"


def confirm_path(order_id):
    return f"/orders/v0/orders/{order_id}/shipmentConfirmation"


def unshipped(sim, lines=1, qty=1):
    for order in sim.orders():
        f = order["fulfillment"]
        items = order["orderItems"]
        if (
            f["fulfilledBy"] == "MERCHANT"
            and f["fulfillmentStatus"] == "UNSHIPPED"
            and len(items) >= lines
            and items[0]["quantityOrdered"] >= qty
        ):
            return order
    raise AssertionError("no such order")


def by_status(sim, status, by="MERCHANT"):
    return next(
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfillmentStatus"] == status
        and o["fulfillment"]["fulfilledBy"] == by
    )


def body(order, items, ref="1", clock=None, **detail):
    package = {
        "packageReferenceId": ref,
        "carrierCode": "DHL",
        "shippingMethod": "DHL Paket",
        "trackingNumber": "00340434161094015902",
        "shipDate": iso(clock() if clock else 1_790_000_000),
        "orderItems": [{"orderItemId": i, "quantity": q} for i, q in items],
    }
    package.update(detail)
    return {
        "marketplaceId": order["salesChannel"]["marketplaceId"],
        "packageDetail": package,
    }


@pytest.fixture
def big(make_sim):
    return make_sim(generate=400, seed=3, marketplaces=("DE", "FR"))


def test_partial_then_full_shipment(big, clock):
    sim = big
    token = access_token(sim)
    order = unshipped(sim, lines=2)
    first, second = order["orderItems"][0], order["orderItems"][1]
    clock.advance(600)
    payload = body(
        order, [(first["orderItemId"], first["quantityOrdered"])], "1", clock
    )
    r = api_call(sim, "POST", confirm_path(order["orderId"]), token, json=payload)
    assert r.status_code == 204 and r.content == b""
    assert r.headers["x-amzn-RateLimit-Limit"] == "2" and r.headers["x-amzn-RequestId"]
    got = api_get(
        sim,
        f"{ORDERS}/{order['orderId']}",
        token,
        includedData="FULFILLMENT,PACKAGES",
    ).json()["order"]
    assert got["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert got["lastUpdatedTime"] == iso(clock())
    item = got["orderItems"][0]["fulfillment"]
    assert item["quantityFulfilled"] == first["quantityOrdered"]
    assert item["quantityUnfulfilled"] == 0
    (package,) = got["packages"]
    assert package == {
        "packageReferenceId": "1",
        "createdTime": iso(clock()),
        "packageStatus": {"status": "SHIPPED"},
        "carrier": "DHL",
        "shipTime": iso(clock()),
        "shippingService": "DHL Paket",
        "trackingNumber": "00340434161094015902",
        "shipFromAddress": package["shipFromAddress"],
        "packageItems": [
            {"orderItemId": first["orderItemId"], "quantity": first["quantityOrdered"]}
        ],
    }
    # the rest: SHIPPED; "Other" carriers show their name
    rest = [(i["orderItemId"], i["quantityOrdered"]) for i in order["orderItems"][1:]]
    clock.advance(60)
    payload = body(
        order, rest, "2", clock, carrierCode="Other", carrierName="Spedition Meier"
    )
    r = api_call(sim, "POST", confirm_path(order["orderId"]), token, json=payload)
    assert r.status_code == 204, r.text
    got = sim.order(order["orderId"])
    assert got["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["carrier"] for p in got["packages"]] == ["DHL", "Spedition Meier"]
    assert second["orderItemId"] in {
        i["orderItemId"] for i in got["packages"][1]["packageItems"]
    }
    # an incremental import sees the change once two minutes have passed
    clock.advance(180)
    r = api_get(
        sim,
        ORDERS,
        access_token(sim),
        lastUpdatedAfter=iso(clock() - 400),
        marketplaceIds="A1PA6795UKMFR9,A13V1IB3VIYZZH",
    )
    assert [o["orderId"] for o in r.json()["orders"]] == [order["orderId"]]
    log = sim.confirmations()
    assert [(c["accepted"], c["packageReferenceId"]) for c in log] == [
        (True, "1"),
        (True, "2"),
    ]
    assert log[1]["request"] == payload and log[1]["ignoredFields"] == []


def test_rejections(big, clock):
    sim = big
    token = access_token(sim)
    order = unshipped(sim, qty=1)
    item = order["orderItems"][0]
    oid, iid, qty = order["orderId"], item["orderItemId"], item["quantityOrdered"]
    fba = by_status(sim, "UNSHIPPED", "AMAZON")
    cancelled = by_status(sim, "CANCELLED")
    pending = by_status(sim, "PENDING")
    shipped = by_status(sim, "SHIPPED")
    ok = body(order, [(iid, 1)], "1", clock)

    def one(target=order, ref="1", **detail):
        first = target["orderItems"][0]["orderItemId"]
        return body(target, [(first, 1)], ref, clock, **detail)

    missing_tracking = body(order, [(iid, 1)], "1", clock)
    del missing_tracking["packageDetail"]["trackingNumber"]
    numeric_ref = body(order, [(iid, 1)], "1", clock)
    numeric_ref["packageDetail"]["packageReferenceId"] = 1
    cases = [
        (oid, missing_tracking, 400, "missing values [packageDetail.trackingNumber]"),
        (oid, numeric_ref, 400, "invalid type [packageDetail.packageReferenceId]"),
        (oid, {"marketplaceId": "A1PA6795UKMFR9"}, 400, "packageDetail"),
        ("999-0000000-0000000", ok, 404, "was not found"),
        (oid, body(order, [("123", 1)], "1", clock), 400, "OrderItemId is invalid"),
        (oid, body(order, [(iid, qty + 1)], "1", clock), 400, "exceeds the unshipped"),
        (oid, body(order, [(iid, 0)], "1", clock), 400, "positive integer"),
        (oid, body(order, [(iid, 1)], "A1", clock), 400, "positive numeric value"),
        (oid, body(order, [(iid, 1)], "1", clock, trackingNumber=" "), 400, "Track"),
        (oid, one(carrierCode="DHLX"), 400, "CarrierCode"),
        (oid, one(carrierCode="Other"), 400, "CarrierName"),
        (oid, one(shipDate="2020-01-01T00:00:00Z"), 400, "before"),
        (oid, one(shipDate=iso(clock() + 86400)), 400, "future"),
        (oid, one(shipDate="02/21/2022"), 400, "shipDate"),
        (oid, dict(ok, marketplaceId="A13V1IB3VIYZZH"), 400, "does not match"),
        (fba["orderId"], one(fba), 400, "fulfilled by Amazon"),
        (cancelled["orderId"], one(cancelled), 400, "cancelled"),
        (pending["orderId"], one(pending), 400, "pending"),
        (shipped["orderId"], one(shipped, "77"), 400, "already fulfilled"),
    ]  # fmt: skip
    for order_id, payload, status, text in cases:
        r = api_call(sim, "POST", confirm_path(order_id), token, json=payload)
        assert r.status_code == status, (text, r.text)
        (error,) = r.json()["errors"]
        assert error["code"] == ("NotFound" if status == 404 else "InvalidInput")
        assert text in error["message"], (text, error)
    r = api_call(sim, "POST", confirm_path(oid), token, data=b"{not json")
    assert r.status_code == 400
    assert sim.order(oid) == order  # nothing changed
    log = sim.confirmations()
    assert len(log) == len(cases) + 1 and not any(c["accepted"] for c in log)
    assert log[0]["error"]["code"] == "InvalidInput"


def test_package_reference_reuse(make_sim, clock):
    # Amazon: the same packageReferenceId again edits the package
    sim = make_sim(generate=400, seed=3, marketplaces=("DE", "FR"))
    token = access_token(sim)
    order = unshipped(sim, qty=2)
    iid = order["orderItems"][0]["orderItemId"]
    for tracking in ("11111111", "22222222"):
        payload = body(order, [(iid, 1)], "5", clock, trackingNumber=tracking)
        r = api_call(sim, "POST", confirm_path(order["orderId"]), token, json=payload)
        assert r.status_code == 204, r.text
    got = sim.order(order["orderId"])
    assert [p["trackingNumber"] for p in got["packages"]] == ["22222222"]
    assert got["orderItems"][0]["fulfillment"]["quantityFulfilled"] == 1
    strict = make_sim(generate=400, seed=3, marketplaces=("DE",), package_edits=False)
    order = unshipped(strict, qty=2)
    iid = order["orderItems"][0]["orderItemId"]
    token = access_token(strict)
    codes = [
        api_call(
            strict,
            "POST",
            confirm_path(order["orderId"]),
            token,
            json=body(order, [(iid, 1)], "5", clock),
        ).status_code
        for _ in range(2)
    ]
    assert codes == [204, 400]


def test_strict_bodies_and_ignored_fields(make_sim, clock):
    lenient = make_sim(generate=200, seed=3)
    strict = make_sim(generate=200, seed=3, strict_bodies=True)
    for sim, status in ((lenient, 204), (strict, 400)):
        order = unshipped(sim)
        payload = body(order, [(order["orderItems"][0]["orderItemId"], 1)], "1", clock)
        payload["path"] = "/orders/v0/orders"
        payload["packageDetail"]["orderItems"][0]["extra"] = 1
        r = api_call(
            sim, "POST", confirm_path(order["orderId"]), access_token(sim), json=payload
        )
        assert r.status_code == status, r.text
    (entry,) = lenient.confirmations()
    assert sorted(entry["ignoredFields"]) == [
        "packageDetail.orderItems[0].extra",
        "path",
    ]
    assert "path" not in entry["request"]


def test_rate_limit(make_sim, clock):
    sim = make_sim(generate=50, seed=3, rate_limits="amazon")
    token = access_token(sim)
    codes = [
        api_call(sim, "POST", confirm_path("1-2-3"), token, json={}).status_code
        for _ in range(11)
    ]
    assert codes == [400] * 10 + [429]
    clock.advance(0.5)
    assert (
        api_call(sim, "POST", confirm_path("1-2-3"), token, json={}).status_code == 400
    )
