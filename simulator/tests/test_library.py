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


def test_outbound_with_the_library(lib, clock):
    """confirmShipment, feeds, listings, finances and reports as the addon's
    library calls them (it leaks ``path``/marketplace keys into bodies)."""
    import io
    import json

    from sp_api.api import Feeds, Finances, ListingsItems, OrdersV0, Reports
    from sp_api.base.exceptions import SellingApiBadRequestException

    sim, _, kwargs = lib
    sim.feeds_api.jobs.seconds = 0
    order = next(
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
    )
    item = order["orderItems"][0]
    package = {
        "packageReferenceId": "1",
        "carrierCode": "DHL",
        "trackingNumber": "00340434161094015902",
        "shipDate": iso(clock()),
        "orderItems": [{"orderItemId": item["orderItemId"], "quantity": 1}],
    }
    orders = OrdersV0(**kwargs)
    res = orders.confirm_shipment(
        order["orderId"],
        marketplaceId=order["salesChannel"]["marketplaceId"],
        packageDetail=package,
    )
    assert res is not None
    assert sim.confirmations()[0]["accepted"]
    with pytest.raises(SellingApiBadRequestException):
        orders.confirm_shipment(
            order["orderId"],
            marketplaceId=order["salesChannel"]["marketplaceId"],
            packageDetail=dict(
                package, orderItems=[{"orderItemId": "1", "quantity": 1}]
            ),
        )
    # JSON listings feed: submit, poll, read the report
    feeds = Feeds(**kwargs)
    message = {
        "messageId": 1,
        "sku": "SIM-THB-01SCH",
        "operationType": "PATCH",
        "productType": "DRINKING_CUP",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 11}],
            }
        ],
    }
    content = json.dumps(
        {"header": {"sellerId": sim.seller_id, "version": "2.0"}, "messages": [message]}
    )
    _, feed = feeds.submit_feed(
        "JSON_LISTINGS_FEED",
        io.BytesIO(content.encode()),
        content_type="application/json; charset=UTF-8",
    )
    status = feeds.get_feed(feed.payload["feedId"]).payload
    assert status["processingStatus"] == "DONE"
    report = json.loads(feeds.get_feed_result_document(status["resultFeedDocumentId"]))
    assert report["summary"]["messagesAccepted"] == 1
    assert sim.listing("SIM-THB-01SCH")["fulfillmentAvailability"][0]["quantity"] == 11
    assert sim.feeds()[0]["ignoredFields"] == ["MarketplaceIds", "path"]
    page = feeds.get_feeds(feedTypes=["JSON_LISTINGS_FEED"]).payload
    assert [f["feedId"] for f in page["feeds"]] == [feed.payload["feedId"]]
    # Listings Items
    listings = ListingsItems(**kwargs)
    res = listings.patch_listings_item(
        sim.seller_id,
        "SIM-TEE-01NAT",
        body={"productType": "TEA", "patches": message["patches"]},
    )
    assert res.payload["status"] == "ACCEPTED"
    found = listings.search_listings_items(
        sim.seller_id, identifiers=["SIM-TEE-01NAT"], identifiersType="SKU",
        includedData=["fulfillmentAvailability"],
    ).payload  # fmt: skip
    assert found["items"][0]["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 11}
    ]
    # Finances 2024-06-19
    finances = Finances(version="2024-06-19", **kwargs)
    got = finances.list_transactions(postedAfter=iso(clock() - 90 * 86400)).payload
    assert got["transactions"] and "nextToken" in got
    more = finances.list_transactions(
        postedAfter=iso(clock() - 90 * 86400), nextToken=got["nextToken"]
    ).payload
    assert more["transactions"][0] != got["transactions"][0]
    # Reports
    reports = Reports(**kwargs)
    sim.reports_api.jobs.seconds = 0
    created = reports.create_report(reportType="GET_MERCHANT_LISTINGS_ALL_DATA")
    report = reports.get_report(created.payload["reportId"]).payload
    assert report["processingStatus"] == "DONE"
    doc = reports.get_report_document(report["reportDocumentId"], download=True)
    assert doc.payload["document"].startswith("item-name\titem-description")
