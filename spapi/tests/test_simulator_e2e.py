"""End-to-end: the client and parser against the offline simulator."""

import pytest

from simulator import DEFAULTS, Simulator
from spapi.client import SpApiClient
from spapi.errors import InvalidGrant, InvalidResponse
from spapi.orders import AmazonOrder, parse_check
from spapi.ratelimit import RateLimiter

DE = "A1PA6795UKMFR9"
TOKEN = "Atzr|t"


@pytest.fixture(scope="module")
def sim():
    simulator = Simulator(
        refresh_tokens=(TOKEN,), generate=200, seed=1, rate_limits="off"
    )
    simulator.url = simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def client(sim):
    with SpApiClient(
        sim.url,
        lwa_client_id=DEFAULTS["client_id"],
        lwa_client_secret=DEFAULTS["client_secret"],
        refresh_token=TOKEN,
        sleep=lambda seconds: None,
        rate_limiter=RateLimiter(sleep=lambda seconds: None),
    ) as api:
        yield api


def all_orders(client):
    pages = client.search_orders([DE], created_after="2000-01-01T00:00:00Z")
    return [AmazonOrder.from_api(raw) for page in pages for raw in page.orders]


def test_full_import_is_consistent(client):
    orders = all_orders(client)
    assert len(orders) == 200
    assert len({o.order_id for o in orders}) == 200
    assert all(parse_check(o) == 0 for o in orders)
    kinds = {c.kind for o in orders for c in o.charges()}
    assert {"item", "shipping", "item_discount", "shipping_discount"} <= kinds
    one = client.get_order(orders[0].order_id)
    assert AmazonOrder.from_api(one).total() == orders[0].total()


def test_participations(client):
    markets = client.get_marketplace_participations()
    assert markets[0]["marketplace_id"] == DE and markets[0]["participating"]


def test_faults_are_retried_or_reported(sim, client):
    sim.inject_fault("searchOrders", "status", count=2, status=503)
    sim.inject_fault("getOrder", "status", count=1, status=429)
    assert len(all_orders(client)) == 200
    order_id = all_orders(client)[0].order_id
    assert client.get_order(order_id)["orderId"] == order_id
    sim.inject_fault("getOrder", "truncated_json", count=1)
    with pytest.raises(InvalidResponse):
        client.get_order(order_id)


def test_revoked_refresh_token(sim):
    sim.add_refresh_token("Atzr|gone")
    sim.revoke_refresh_token("Atzr|gone")
    with (
        SpApiClient(
            sim.url,
            lwa_client_id=DEFAULTS["client_id"],
            lwa_client_secret=DEFAULTS["client_secret"],
            refresh_token="Atzr|gone",
            sleep=lambda seconds: None,
        ) as api,
        pytest.raises(InvalidGrant),
    ):
        api.get_marketplace_participations()
