"""Every response body validated against the SP-API models (strict: no extra keys)."""

# ruff: noqa: E501 - request tables read better unwrapped

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


# -- operations added with the outbound flows ---------------------------------
V0 = "ordersV0.json"
FEEDS = "feeds_2021-06-30.json"
LISTINGS = "listingsItems_2021-08-01.json"
FINANCES = "finances_2024-06-19.json"
REPORTS = "reports_2021-06-30.json"
REPORT_SCHEMA = "listings-feed-processing-report-schema-v2.json"


def test_outbound_operations_validate(make_sim, clock):
    from simulator.testing import (
        api_call,
        document_validator,
        errors,
        feed_result,
        upload_feed,
    )

    sim = make_sim(
        generate=300,
        seed=3,
        marketplaces=("DE", "FR"),
        feed_processing_seconds=0,
        compress_feed_reports=True,
    )
    token = access_token(sim)
    ok = []  # (model, definition, body)

    def call(model, definition, method, path, status=200, **kwargs):
        r = api_call(sim, method, path, token, **kwargs)
        assert r.status_code == status, (path, r.text)
        body = r.json() if r.content else None
        if definition:
            ok.append((model, definition, body))
        return body

    # confirmShipment: 204, 400, 404; the package read back through v2026
    order = next(
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
    )
    item = order["orderItems"][0]
    confirm = {
        "marketplaceId": order["salesChannel"]["marketplaceId"],
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "DPD",
            "carrierName": "DPD",
            "shippingMethod": "DPD Classic",
            "trackingNumber": "01234567890123",
            "shipDate": iso(clock()),
            "shipFromSupplySourceId": "057d3fcc-b750-419f-bbcd-4d340c60c430",
            "orderItems": [
                {
                    "orderItemId": item["orderItemId"],
                    "quantity": 1,
                    "transparencyCodes": ["09876543211234567890"],
                }
            ],
        },
    }
    shipment = f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    call(V0, None, "POST", shipment, 204, json=confirm)
    call(V0, "ConfirmShipmentErrorResponse", "POST", shipment, 400, json={})
    call(
        V0,
        "ConfirmShipmentErrorResponse",
        "POST",
        shipment.replace(order["orderId"], "1-2-3"),
        404,
        json=confirm,
    )
    call(
        ORDERS,
        "GetOrderResponse",
        "GET",
        f"/orders/2026-01-01/orders/{order['orderId']}",
        params={"includedData": ",".join(INCLUDED_DATA)},
    )
    for entry in sim.confirmations():
        if entry["accepted"]:
            ok.append((V0, "ConfirmShipmentRequest", entry["request"]))
    # Feeds
    doc = call(
        FEEDS,
        "CreateFeedDocumentResponse",
        "POST",
        "/feeds/2021-06-30/documents",
        201,
        json={"contentType": "application/json"},
    )
    call(
        FEEDS,
        "ErrorList",
        "POST",
        "/feeds/2021-06-30/documents",
        400,
        json={"contentType": 1},
    )
    content = (
        b'{"header": {"sellerId": "A1SIMSELLER0DE", "version": "2.0", "report": '
        b'{"includedData": ["summaries", "attributes", "issues", "offers", '
        b'"fulfillmentAvailability", "procurement", "relationships", "productTypes"], '
        b'"apiVersion": "2021-08-01"}}, "messages": [{"messageId": 1, "sku": '
        b'"SIM-THB-01SCH", "operationType": "PATCH", "productType": "DRINKING_CUP", '
        b'"patches": [{"op": "replace", "path": "/attributes/fulfillment_availability", '
        b'"value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}]}]}, '
        b'{"messageId": 2, "sku": "SIM-TEE-01NAT", "operationType": "PATCH", '
        b'"patches": []}]}'
    )
    assert not errors(
        document_validator("listings-feed-schema-v2.json"),
        {
            "header": {"sellerId": "x", "version": "2.0"},
            "messages": [__import__("json").loads(content)["messages"][0]],
        },
    )
    r = upload_feed(sim, token, "JSON_LISTINGS_FEED", content, "application/json")
    feed_id = r.json()["feedId"]
    ok.append((FEEDS, "CreateFeedResponse", r.json()))
    feed, report = feed_result(sim, token, feed_id)
    report = __import__("json").loads(report)
    check(document_validator(REPORT_SCHEMA), report)
    assert report["summary"]["messagesInvalid"] == 1 and len(report["items"]) == 1
    call(FEEDS, "Feed", "GET", f"/feeds/2021-06-30/feeds/{feed_id}")
    call(
        FEEDS,
        "GetFeedsResponse",
        "GET",
        "/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED"},
    )
    call(FEEDS, "ErrorList", "GET", "/feeds/2021-06-30/feeds", 400)
    call(
        FEEDS,
        "FeedDocument",
        "GET",
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}",
    )
    call(
        FEEDS,
        "FeedDocument",
        "GET",
        f"/feeds/2021-06-30/documents/{doc['feedDocumentId']}",
    )
    call(FEEDS, "ErrorList", "DELETE", f"/feeds/2021-06-30/feeds/{feed_id}", 400)
    for view in sim.feeds():
        spec = {
            k: view[k] for k in ("feedType", "marketplaceIds", "inputFeedDocumentId")
        }
        if view["feedOptions"]:
            spec["feedOptions"] = view["feedOptions"]
        ok.append((FEEDS, "CreateFeedSpecification", spec))
    # Listings Items
    items = "/listings/2021-08-01/items/A1SIMSELLER0DE"
    everything = ",".join(
        (
            "summaries",
            "attributes",
            "issues",
            "offers",
            "fulfillmentAvailability",
            "procurement",
            "relationships",
            "productTypes",
        )
    )
    params = {
        "marketplaceIds": "A1PA6795UKMFR9,A13V1IB3VIYZZH",
        "includedData": everything,
        "pageSize": 20,
    }
    while True:
        page = call(LISTINGS, "ItemSearchResults", "GET", items, params=params)
        if "nextToken" not in page.get("pagination", {}):
            break
        params["pageToken"] = page["pagination"]["nextToken"]
    call(
        LISTINGS,
        "Item",
        "GET",
        items + "/ALT-L0001",
        params={"marketplaceIds": "A1PA6795UKMFR9", "includedData": everything},
    )
    call(
        LISTINGS,
        "ErrorList",
        "GET",
        items + "/NOPE",
        404,
        params={"marketplaceIds": "A1PA6795UKMFR9"},
    )
    call(LISTINGS, "ErrorList", "GET", items, 400)
    patch = {
        "productType": "DRINKING_CUP",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 4}],
            }
        ],
    }
    negative = {
        "productType": "DRINKING_CUP",
        "patches": [
            {
                "op": "merge",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "AMAZON_EU", "quantity": -4}],
            }
        ],
    }
    market = {"marketplaceIds": "A1PA6795UKMFR9"}
    call(
        LISTINGS,
        "ListingsItemSubmissionResponse",
        "PATCH",
        items + "/SIM-THB-01SCH",
        params=market,
        json=patch,
    )
    call(
        LISTINGS,
        "ListingsItemSubmissionResponse",
        "PATCH",
        items + "/SIM-THB-01SCH",
        params=dict(
            market, mode="VALIDATION_PREVIEW", includedData="identifiers,issues"
        ),
        json=patch,
    )
    call(
        LISTINGS,
        "ListingsItemSubmissionResponse",
        "PATCH",
        items + "/SIM-THB-01SCH",
        params=market,
        json=negative,
    )
    call(
        LISTINGS,
        "ErrorList",
        "PATCH",
        items + "/SIM-THB-01SCH",
        400,
        params=market,
        json={"patches": []},
    )
    for entry in sim.listing_submissions():
        if entry["source"] == "patchListingsItem":
            body = {"productType": entry["productType"], "patches": entry["patches"]}
            ok.append((LISTINGS, "ListingsItemPatchRequest", body))
    # Finances
    params = {"postedAfter": iso(clock() - 90 * 86400)}
    while True:
        page = call(
            FINANCES,
            "ListTransactionsResponse",
            "GET",
            "/finances/2024-06-19/transactions",
            params=params,
        )
        if not page["payload"].get("nextToken"):
            break
        params["nextToken"] = page["payload"]["nextToken"]
    call(FINANCES, "ErrorList", "GET", "/finances/2024-06-19/transactions", 400)
    # Reports
    created = call(
        REPORTS,
        "CreateReportResponse",
        "POST",
        "/reports/2021-06-30/reports",
        202,
        json={
            "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA",
            "marketplaceIds": ["A1PA6795UKMFR9"],
        },
    )
    sim.process_reports()
    report = call(
        REPORTS, "Report", "GET", f"/reports/2021-06-30/reports/{created['reportId']}"
    )
    call(
        REPORTS,
        "ReportDocument",
        "GET",
        f"/reports/2021-06-30/documents/{report['reportDocumentId']}",
    )
    call(REPORTS, "ErrorList", "POST", "/reports/2021-06-30/reports", 400, json={})
    # 403 and 429 bodies of every model
    r = api_call(sim, "GET", "/finances/2024-06-19/transactions")
    assert r.status_code == 403
    for model, definition in (
        (FEEDS, "ErrorList"),
        (LISTINGS, "ErrorList"),
        (FINANCES, "ErrorList"),
        (REPORTS, "ErrorList"),
        (V0, "ConfirmShipmentErrorResponse"),
    ):
        ok.append((model, definition, r.json()))
    cache = {}
    for model, definition, body in ok:
        key = (model, definition)
        if key not in cache:
            cache[key] = validator(model, definition)
        check(cache[key], body)
    assert len(ok) >= 40
