"""Every response body validated against the SP-API models (strict: no extra keys)."""

import pytest

from simulator.constants import INCLUDED_DATA
from simulator.testing import access_token, api_get, validator
from simulator.timeutil import iso

MARKETS = ("DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE")
ORDERS = "orders_2026-01-01.json"


@pytest.fixture(scope="module")
def validators():
    return {
        "search": validator(ORDERS, "SearchOrdersResponse"),
        "get": validator(ORDERS, "GetOrderResponse"),
        "errors": validator(ORDERS, "ErrorList"),
        "participations": validator(
            "sellers.json", "GetMarketplaceParticipationsResponse"
        ),
    }


def check(v, body):
    errors = sorted(v.iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_generated_orders_validate(make_sim, clock, validators):
    sim = make_sim(generate=400, seed=3, marketplaces=MARKETS)
    token = access_token(sim)
    all_ids = ",".join(__import__("simulator").MARKETPLACES[m][0] for m in MARKETS)
    params = {
        "createdAfter": iso(clock() - 90 * 86400),
        "marketplaceIds": all_ids,
        "includedData": ",".join(INCLUDED_DATA),
    }
    seen = 0
    while True:
        r = api_get(sim, "/orders/2026-01-01/orders", token, **params)
        assert r.status_code == 200
        check(validators["search"], r.json())
        seen += len(r.json()["orders"])
        nxt = r.json().get("pagination", {}).get("nextToken")
        if not nxt:
            break
        params["paginationToken"] = nxt
    assert seen == 400
    for order in sim.orders()[:60]:
        r = api_get(
            sim,
            f"/orders/2026-01-01/orders/{order['orderId']}",
            token,
            includedData=",".join(INCLUDED_DATA),
        )
        check(validators["get"], r.json())
        assert r.json()["order"] == order


def test_participations_and_errors_validate(make_sim, validators):
    sim = make_sim(marketplaces=MARKETS, rate_limits="amazon")
    token = access_token(sim)
    r = api_get(sim, "/sellers/v1/marketplaceParticipations", token)
    check(validators["participations"], r.json())
    assert [p["marketplace"]["countryCode"] for p in r.json()["payload"]] == list(
        MARKETS
    )
    bodies = [
        api_get(sim, "/orders/2026-01-01/orders", token).json(),  # 400
        api_get(sim, "/orders/2026-01-01/orders/1-2-3", token).json(),  # 404
        api_get(sim, "/orders/2026-01-01/orders").json(),  # 403 missing
        api_get(sim, "/orders/2026-01-01/orders", "Atza|x").json(),  # 403 invalid
    ]
    for _ in range(16):
        last = api_get(sim, "/sellers/v1/marketplaceParticipations", token)
    assert last.status_code == 429
    bodies.append(last.json())
    for body in bodies:
        check(validators["errors"], body)
