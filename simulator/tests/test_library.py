"""python-amazon-sp-api 2.1.35 end to end against the simulator."""

import types

import pytest
from sp_api.api import Orders, Sellers
from sp_api.auth import AccessTokenClient
from sp_api.auth import access_token_client as atc_mod
from sp_api.base import Marketplaces
from sp_api.util import load_all_pages

from simulator import DEFAULTS
from simulator.testing import REFRESH
from simulator.timeutil import iso

CREDENTIALS = {
    "lwa_app_id": DEFAULTS["client_id"],
    "lwa_client_secret": DEFAULTS["client_secret"],
}


@pytest.fixture
def lib(make_sim):
    sim = make_sim(generate=250, seed=2, marketplaces=("DE", "FR"))
    atc_mod.cache.clear()

    class LocalLWA(AccessTokenClient):
        scheme = "http://"
        host = sim.base_url[len("http://") :]
        path = "/auth/o2/token"

    market = types.SimpleNamespace(
        endpoint=sim.base_url,
        region="eu-west-1",
        marketplace_id=Marketplaces.DE.marketplace_id,
    )
    kwargs = {
        "marketplace": market,
        "refresh_token": REFRESH,
        "credentials": CREDENTIALS,
        "auth_token_client_class": LocalLWA,
    }
    yield sim, LocalLWA, kwargs
    atc_mod.cache.clear()


def test_code_exchange(lib):
    sim, lwa, _ = lib
    from sp_api.auth.exceptions import AuthorizationError
    from sp_api.base import CredentialProvider

    creds = CredentialProvider(credentials=CREDENTIALS).credentials
    code = sim.tokens.issue_code(sim.seller_id)
    tokens = lwa(credentials=creds).authorize_auth_code(code)
    assert tokens["refresh_token"].startswith("Atzr|")
    with pytest.raises(AuthorizationError) as err:
        lwa(credentials=creds).authorize_auth_code(code)
    assert (err.value.status_code, err.value.error_code) == (400, "invalid_grant")


def test_sellers_and_orders(lib, clock):
    sim, _, kwargs = lib
    res = Sellers(**kwargs).get_marketplace_participation()
    assert [p["marketplace"]["id"] for p in res.payload] == [
        "A1PA6795UKMFR9",
        "A13V1IB3VIYZZH",
    ]
    orders = Orders(version="2026-01-01", **kwargs)
    pages = list(
        load_all_pages(throttle_by_seconds=0, next_token_param="paginationToken")(
            orders.search_orders
        )(
            createdAfter=iso(clock() - 90 * 86400),
            marketplaceIds=["A1PA6795UKMFR9", "A13V1IB3VIYZZH"],
            includedData=["BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT"],
            maxResultsPerPage=40,
        )
    )
    found = [o for page in pages for o in page.payload["orders"]]
    assert len(pages) == 7 and len(found) == 250
    assert pages[0].rate_limit == "0.0056"
    one = orders.get_order(found[0]["orderId"], includedData=["PROCEEDS"])
    assert one.payload["order"]["orderId"] == found[0]["orderId"]
    log = sim.call_log()["by_operation"]
    assert log["token"] == 1 and log["searchOrders"] == 7 and log["getOrder"] == 1
