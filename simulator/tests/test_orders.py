"""searchOrders / getOrder behaviour: validation, ordering, paging, updates."""

from simulator.constants import INCLUDED_DATA
from simulator.testing import access_token, api_get, sample
from simulator.timeutil import iso

SEARCH = "/orders/2026-01-01/orders"
DE = "A1PA6795UKMFR9"
ALL = "A1PA6795UKMFR9,A13V1IB3VIYZZH,A1C3SOZRARQ6R3,A2NODRKZP88ZB9"


def search(sim, token, **params):
    return api_get(sim, SEARCH, token, **params)


def all_pages(sim, token, **params):
    orders, pages = [], 0
    while True:
        r = search(sim, token, **params)
        assert r.status_code == 200, r.text
        body = r.json()
        orders += body["orders"]
        pages += 1
        nxt = body.get("pagination", {}).get("nextToken")
        if not nxt:
            return orders, pages, body
        params["paginationToken"] = nxt


def test_samples_served_unchanged(make_sim):
    names = [
        "v2026_searchOrders_200_sandbox1.json",
        "v2026_searchOrders_200_sandbox2.json",
        "v2026_searchOrders_200_sandbox3.json",
        "v2026_searchOrders_200_example_application_json.json",
        "v2026_getOrder_200_sandbox1.json",
        "v2026_getOrder_200_sandbox2.json",
        "v2026_getOrder_200_sandbox3.json",
        "v2026_getOrder_200_example_application_json.json",
    ]
    samples = [sample(n) for n in names]
    sim = make_sim()
    token = access_token(sim)
    for s in samples:
        sim.store.clear()
        sim.add_orders([s])  # the sample file shape itself is accepted
        request = s.get("request", {}).get("parameters", {})
        params = {k: v["value"] for k, v in request.items()}
        included = ",".join(params.get("includedData", INCLUDED_DATA))
        expected = s["response"].get("orders") or [s["response"]["order"]]
        for order in expected:
            r = api_get(
                sim, f"{SEARCH}/{order['orderId']}", token, includedData=included
            )
            assert r.status_code == 200
            assert r.json() == {"order": order}
            mp = order["salesChannel"]["marketplaceId"]
            found, _, _ = all_pages(
                sim,
                token,
                createdAfter="2020-01-01T00:00:00Z",
                marketplaceIds=mp,
                includedData=included,
            )
            assert order in found


def test_parameter_rules(sim, clock):
    token = access_token(sim)
    now = clock()
    cases = [
        {"marketplaceIds": DE},  # no *After
        {
            "createdAfter": iso(now - 9000),
            "lastUpdatedAfter": iso(now - 9000),
            "marketplaceIds": DE,
        },
        {
            "createdAfter": iso(now - 9000),
            "lastUpdatedBefore": iso(now - 600),
            "marketplaceIds": DE,
        },
        {"createdAfter": iso(now - 9000)},  # marketplaceIds missing
        {
            "createdAfter": iso(now - 9000),
            "createdBefore": iso(now - 60),
            "marketplaceIds": DE,
        },  # less than 2 minutes ago
        {
            "createdAfter": iso(now - 9000),
            "createdBefore": iso(now - 9999),
            "marketplaceIds": DE,
        },
        {"createdAfter": "yesterday", "marketplaceIds": DE},
        {
            "createdAfter": iso(now - 9000),
            "marketplaceIds": DE,
            "maxResultsPerPage": 101,
        },
        {"createdAfter": iso(now - 9000), "marketplaceIds": DE, "maxResultsPerPage": 0},
        {
            "createdAfter": iso(now - 9000),
            "marketplaceIds": DE,
            "fulfillmentStatuses": "X",
        },
        {"createdAfter": iso(now - 9000), "marketplaceIds": DE, "includedData": "ALL"},
        {
            "createdAfter": iso(now - 9000),
            "marketplaceIds": DE,
            "paginationToken": "x.y",
        },
    ]
    for params in cases:
        r = search(sim, token, **params)
        assert r.status_code == 400, params
        assert r.json()["errors"][0]["code"] == "InvalidInput"
    ok = search(
        sim,
        token,
        createdAfter=iso(now - 9000),
        createdBefore=iso(now - 121),
        marketplaceIds=DE,
        MarketplaceId=DE,
        marketplace_ids=DE,
        junk="1",
    )
    assert ok.status_code == 200
    assert ok.json()["createdBefore"] == iso(now - 121)
    default = search(sim, token, lastUpdatedAfter=iso(now - 9000), marketplaceIds=DE)
    assert default.json()["lastUpdatedBefore"] == iso(now - 120)
    assert "createdBefore" not in default.json()


def test_ordering_filters_and_paging(sim, clock):
    token = access_token(sim)
    since = iso(clock() - 60 * 86400)
    for mode in ("createdAfter", "lastUpdatedAfter"):
        orders, pages, _ = all_pages(
            sim,
            token,
            **{mode: since},
            marketplaceIds=ALL,
            maxResultsPerPage=7,
            includedData="FULFILLMENT",
        )
        assert len(orders) == 120 and pages == 18
        assert len({o["orderId"] for o in orders}) == 120
        field = "createdTime" if mode == "createdAfter" else "lastUpdatedTime"
        assert [o[field] for o in orders] == sorted(o[field] for o in orders)
    shipped, _, _ = all_pages(
        sim,
        token,
        createdAfter=since,
        marketplaceIds=DE,
        fulfillmentStatuses="SHIPPED,CANCELLED",
        fulfilledBy="AMAZON",
        includedData="FULFILLMENT",
    )
    assert shipped
    for o in shipped:
        assert o["salesChannel"]["marketplaceId"] == DE
        assert o["fulfillment"]["fulfilledBy"] == "AMAZON"
        assert o["fulfillment"]["fulfillmentStatus"] in ("SHIPPED", "CANCELLED")
    bare, _, _ = all_pages(sim, token, createdAfter=since, marketplaceIds=DE)
    assert all(
        set(o)
        <= {
            "orderId",
            "orderAliases",
            "createdTime",
            "lastUpdatedTime",
            "programs",
            "associatedOrders",
            "salesChannel",
            "orderItems",
        }
        for o in bare
    )
    assert all("proceeds" not in i for o in bare for i in o["orderItems"])


def test_pagination_token_rules(sim, clock):
    token = access_token(sim)
    params = {
        "createdAfter": iso(clock() - 60 * 86400),
        "marketplaceIds": ALL,
        "maxResultsPerPage": 10,
    }
    first = search(sim, token, **params).json()
    nxt = first["pagination"]["nextToken"]
    # includedData and maxResultsPerPage may change, filters may not
    ok = search(
        sim,
        token,
        **dict(params, maxResultsPerPage=5),
        paginationToken=nxt,
        includedData="BUYER",
    )
    assert ok.status_code == 200
    changed = dict(params, marketplaceIds=DE)
    r = search(sim, token, **changed, paginationToken=nxt)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
    assert search(sim, token, **params, paginationToken=nxt + "x").status_code == 400
    clock.advance(24 * 3600 + 1)
    r = search(sim, access_token(sim), **params, paginationToken=nxt)
    assert r.status_code == 400 and "expired" in r.json()["errors"][0]["message"]


def test_get_order_404_and_updates(sim, clock):
    token = access_token(sim)
    r = api_get(sim, f"{SEARCH}/999-0000000-0000000", token)
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NotFound"
    order = sim.orders()[0]
    clock.advance(3600)
    sim.update_order(order["orderId"], fulfillmentStatus="CANCELLED")
    token = access_token(sim)
    got = api_get(
        sim,
        f"{SEARCH}/{order['orderId']}",
        token,
        includedData="FULFILLMENT,CANCELLATION",
    ).json()["order"]
    assert got["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert got["lastUpdatedTime"] == iso(clock())
    assert got["orderItems"][0]["cancellation"]["cancellationExecution"]
    # visible to an incremental sync once two minutes have passed
    clock.advance(180)
    r = search(sim, token, lastUpdatedAfter=iso(clock() - 600), marketplaceIds=ALL)
    assert [o["orderId"] for o in r.json()["orders"]] == [order["orderId"]]
    replaced = dict(
        order, orderAliases=[{"aliasId": "X", "aliasType": "SELLER_ORDER_ID"}]
    )
    sim.add_orders([replaced])
    assert sim.store.get(order["orderId"])["lastUpdatedTime"] == iso(clock())
