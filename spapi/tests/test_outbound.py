"""confirmShipment, Feeds, Listings Items, Finances, Reports through the stub."""

import gzip
import json
from datetime import datetime
from decimal import Decimal

import pytest

from spapi.errors import (
    AuthError,
    DocumentUrlRefused,
    InvalidResponse,
    RequestError,
    ThrottledError,
    TransientError,
)
from spapi.feeds import Feed, FeedDocumentUpload, quantity_feed
from spapi.listings import ListingItem, quantity_patches
from spapi.shipments import is_already_confirmed, package_detail
from spapi.tests.models import check_request, validate_definition
from spapi.tests.stub import TOKEN, Reply

DE = "A1PA6795UKMFR9"
FR = "A13V1IB3VIYZZH"
SELLER = "A1SELLER"
ORDER = "302-1234567-1234567"
CONFIRM = f"/orders/v0/orders/{ORDER}/shipmentConfirmation"
DOCS = "/feeds/2021-06-30/documents"
FEEDS = "/feeds/2021-06-30/feeds"
LISTINGS = f"/listings/2021-08-01/items/{SELLER}"
TRANSACTIONS = "/finances/2024-06-19/transactions"
REPORTS = "/reports/2021-06-30/reports"
REPORT_DOCS = "/reports/2021-06-30/documents/"
ORDERS_V0 = "ordersV0.json"
FEEDS_MODEL = "feeds_2021-06-30.json"
LISTINGS_MODEL = "listingsItems_2021-08-01.json"
FINANCES_MODEL = "finances_2024-06-19.json"
REPORTS_MODEL = "reports_2021-06-30.json"


def _package():
    return package_detail(
        101,
        "DHL",
        "00340434161094042557",
        datetime(2026, 12, 1, 10, 0),
        [("12345678901234", 1)],
        shipping_method="Paket",
    )


def _errors(code, message, details=""):
    return {"errors": [{"code": code, "message": message, "details": details}]}


def _last(stub, path):
    return stub.calls(path)[-1]


def _no_sp_api_headers(request):
    headers = request["headers"]
    assert "x-amz-access-token" not in headers
    assert "authorization" not in headers


# -- confirmShipment ----------------------------------------------------------


def test_confirm_shipment_204_sends_the_model_body(stub, make_client):
    stub.on(CONFIRM, Reply(204))
    assert make_client().confirm_shipment(ORDER, DE, _package()) is None
    request = check_request(ORDERS_V0, "confirmShipment", _last(stub, CONFIRM))
    assert request["query"] == {}
    assert request["json"] == {
        "marketplaceId": DE,
        "packageDetail": {
            "packageReferenceId": "101",
            "carrierCode": "DHL",
            "trackingNumber": "00340434161094042557",
            "shipDate": "2026-12-01T10:00:00Z",
            "orderItems": [{"orderItemId": "12345678901234", "quantity": 1}],
            "shippingMethod": "Paket",
        },
    }
    assert request["headers"]["x-amz-access-token"] == "Atza|for-Atzr|one"


def test_confirm_shipment_request_id_and_wait_time(stub, make_client):
    stub.on(CONFIRM, Reply(204, headers={"x-amzn-RequestId": "rid-confirm-1"}))
    client = make_client()
    assert client.wait_time("confirmShipment") == 0
    client.confirm_shipment(ORDER, DE, _package())
    assert client.last_request_id == "rid-confirm-1"
    for _ in range(9):  # the rest of the burst of 10
        client.confirm_shipment(ORDER, DE, _package())
    # the bucket is empty: the next token comes at 2 per second (paced 2 %
    # below: at most 1 / 1.96 s)
    assert 0 < client.wait_time("confirmShipment") <= 1 / (2 * 0.98)


def test_confirm_shipment_sandbox_example_body(stub, make_client):
    stub.on(CONFIRM, Reply(200, {}))  # the model's sandbox answer: "response": {}
    client = make_client()
    client.confirm_shipment(ORDER, "ATVPDKIKX0DER", _sandbox_package())
    request = check_request(ORDERS_V0, "confirmShipment", _last(stub, CONFIRM))
    assert request["json"] == _sandbox_request()
    client.confirm_shipment(
        ORDER, DE, _package(), cod_collection_method="DirectPayment"
    )
    assert _last(stub, CONFIRM)["json"]["codCollectionMethod"] == "DirectPayment"


def _sandbox_request():
    from spapi.tests.models import operation

    _path, _method, op = operation(ORDERS_V0, "confirmShipment")
    example = op["responses"]["204"]["x-amzn-api-sandbox"]["static"][0]
    return example["request"]["parameters"]["body"]["value"]


def _sandbox_package():
    detail = _sandbox_request()["packageDetail"]
    item = detail["orderItems"][0]
    built = package_detail(
        detail["packageReferenceId"],
        detail["carrierCode"],
        detail["trackingNumber"],
        detail["shipDate"],
        [(item["orderItemId"], item["quantity"])],
        carrier_name=detail["carrierName"],
        shipping_method=detail["shippingMethod"],
        ship_from_supply_source_id=detail["shipFromSupplySourceId"],
    )
    built["orderItems"][0]["transparencyCodes"] = item["transparencyCodes"]
    return built


def test_confirm_shipment_400_is_request_error_not_retried(stub, make_client, sleeps):
    body = _errors(
        "InvalidInput",
        "OrderItemId is invalid, please obtain the value through the "
        "getOrderItems API or Manage Orders page",
    )
    stub.on(CONFIRM, Reply(400, body))
    with pytest.raises(RequestError) as info:
        make_client().confirm_shipment(ORDER, DE, _package())
    err = info.value
    assert err.status == 400 and err.amazon_code == "InvalidInput"
    assert err.operation == "confirmShipment"
    assert err.message.startswith("OrderItemId is invalid")
    assert not is_already_confirmed(err)
    assert len(stub.calls(CONFIRM)) == 1 and sleeps == []


def test_confirm_shipment_already_fulfilled_is_done(stub, make_client):
    text = (
        "Failed to create package due to not finding a matching package or "
        "order already fulfilled.  ErrorMessage(errorCode=GeneralError, "
        "errorDescription=Unable to find package to update for order (), "
        "errorMetric=PackageToUpdateNotFound, packageIndex=null)"
    )
    stub.on(CONFIRM, Reply(400, _errors("InvalidInput", text)))
    with pytest.raises(RequestError) as info:
        make_client().confirm_shipment(ORDER, DE, _package())
    assert len(info.value.message) == 200  # truncated
    assert is_already_confirmed(info.value)


def test_confirm_shipment_duplicate_in_details_only(stub, make_client):
    body = _errors("InvalidInput", "Invalid Input", "Duplicate packageReferenceId")
    stub.on(CONFIRM, Reply(400, body))
    with pytest.raises(RequestError) as info:
        make_client().confirm_shipment(ORDER, DE, _package())
    assert info.value.errors == (
        ("InvalidInput", "Invalid Input", "Duplicate packageReferenceId"),
    )
    assert is_already_confirmed(info.value)


def test_already_confirmed_needs_a_400_request_error():
    other = TransientError("order already fulfilled", status=503)
    assert not is_already_confirmed(other)
    assert not is_already_confirmed(RequestError("already shipped", status=404))
    assert not is_already_confirmed(ValueError("already shipped"))


def test_confirm_shipment_odd_success_bodies(stub, make_client):
    stub.on(CONFIRM, Reply(200, raw=b""), Reply(200, raw=b"<html>maintenance</html>"))
    client = make_client()
    assert client.confirm_shipment(ORDER, DE, _package()) is None  # empty 200: ok
    with pytest.raises(InvalidResponse) as info:  # a body that is not JSON: not ok
        client.confirm_shipment(ORDER, DE, _package())
    assert info.value.operation == "confirmShipment"


def test_empty_body_is_still_invalid_for_operations_with_a_body(stub, make_client):
    stub.on(CONFIRM, Reply(204))
    stub.on(f"{FEEDS}/F1", Reply(200, raw=b""))
    client = make_client()
    client.confirm_shipment(ORDER, DE, _package())
    with pytest.raises(InvalidResponse) as info:
        client.get_feed("F1")  # the empty-body allowance did not leak
    assert info.value.operation == "getFeed"


# -- retry budget -------------------------------------------------------------


def test_per_call_budget_zero_raises_at_once(stub, make_client, sleeps):
    stub.on(CONFIRM, Reply(503, _errors("ServiceUnavailable", "down")))
    client = make_client(max_retries=4)
    with pytest.raises(TransientError) as info:
        client.confirm_shipment(ORDER, DE, _package(), max_retries=0)
    assert info.value.operation == "confirmShipment"
    assert len(stub.calls(CONFIRM)) == 1 and sleeps == []
    stub.on(CONFIRM, Reply(429, _errors("QuotaExceeded", "quota")))
    with pytest.raises(ThrottledError):
        client.confirm_shipment(ORDER, DE, _package(), max_retries=1)
    assert len(stub.calls(CONFIRM)) == 3 and len(sleeps) == 1


def test_client_budget_can_change_without_rebuilding(stub, make_client, sleeps):
    stub.on(CONFIRM, Reply(500, _errors("InternalFailure", "oops")))
    client = make_client(max_retries=3)
    client.max_retries = 0
    with pytest.raises(TransientError):
        client.confirm_shipment(ORDER, DE, _package())
    assert len(stub.calls(CONFIRM)) == 1
    stub.on(CONFIRM, Reply(500, _errors("InternalFailure", "oops")), Reply(204))
    client.max_retries = 2
    client.confirm_shipment(ORDER, DE, _package())
    assert len(stub.calls(CONFIRM)) == 3 and len(sleeps) == 1


@pytest.mark.parametrize("budget", [-1, 1.5, True, "2"])
def test_bad_budget_is_refused_before_sending(stub, make_client, budget):
    with pytest.raises(ValueError):
        make_client().confirm_shipment(ORDER, DE, _package(), max_retries=budget)
    with pytest.raises(ValueError):
        make_client().search_listings_items(SELLER, [DE], max_retries=budget)
    assert stub.requests == []


def test_token_renewal_does_not_consume_the_budget(stub, make_client):
    denied = Reply(
        403, _errors("Unauthorized", "Access to requested resource is denied.")
    )
    stub.on(CONFIRM, denied, Reply(204))
    make_client().confirm_shipment(ORDER, DE, _package(), max_retries=0)
    assert len(stub.calls(TOKEN)) == 2
    stub.on(CONFIRM, denied)
    with pytest.raises(AuthError):
        make_client("Atzr|two").confirm_shipment(ORDER, DE, _package())


def test_rate_limits_per_operation_and_header(stub, make_client):
    stub.on(CONFIRM, Reply(204, headers={"x-amzn-RateLimit-Limit": "4.0"}))
    client = make_client()
    client.confirm_shipment(ORDER, DE, _package())
    limiter = client.rate_limiter
    assert limiter.bucket(client.account_key, "confirmShipment").rate == 4.0
    assert limiter.bucket(client.account_key, "createFeed").rate == 0.0083
    assert limiter.bucket(client.account_key, "createFeed").burst == 15


def test_vat_invoice_feeds_have_their_own_bucket(stub, make_client):
    header = {"x-amzn-RateLimit-Limit": "0.5"}
    stub.on(FEEDS, Reply(202, {"feedId": "1"}, headers=header))
    client = make_client()
    client.create_feed("UPLOAD_VAT_INVOICE", DE, "doc")
    key = client.account_key
    invoice = client.rate_limiter.bucket(key, "createFeed:UPLOAD_VAT_INVOICE")
    assert invoice.rate == 0.5 and invoice.burst == 1
    assert client.rate_limiter.bucket(key, "createFeed").rate == 0.0083
    client.create_feed("JSON_LISTINGS_FEED", DE, "doc")
    assert client.rate_limiter.bucket(key, "createFeed").rate == 0.5


# -- Feeds --------------------------------------------------------------------


def _upload_reply(stub):
    return Reply(
        201,
        {
            "feedDocumentId": "amzn1.tortuga.3.doc1",
            "url": stub.url + "/s3/up?X-Amz-Signature=s",
        },
    )


def test_create_feed_document_and_upload(stub, make_client):
    stub.on(DOCS, _upload_reply(stub))
    stub.on("/s3/up", Reply(200, raw=b""))
    client = make_client()
    upload = client.create_feed_document("application/json; charset=UTF-8")
    assert upload == FeedDocumentUpload("amzn1.tortuga.3.doc1", upload.url)
    assert "Signature" not in repr(upload)
    request = check_request(FEEDS_MODEL, "createFeedDocument", _last(stub, DOCS))
    assert request["json"] == {"contentType": "application/json; charset=UTF-8"}
    client.upload_feed_document(upload.url, "Größe ✓", "text/plain; charset=UTF-8")
    put = _last(stub, "/s3/up")
    assert put["method"] == "PUT" and put["raw"] == "Größe ✓".encode()
    assert put["headers"]["content-type"] == "text/plain; charset=UTF-8"
    assert put["query"] == {"X-Amz-Signature": "s"}
    _no_sp_api_headers(put)


def test_upload_storage_errors(stub, make_client, sleeps):
    s3_error = b"<Error><Code>SignatureDoesNotMatch</Code><Message>x</Message></Error>"
    stub.on(
        "/s3/up", Reply(403, raw=s3_error, headers={"Content-Type": "application/xml"})
    )
    client = make_client()
    with pytest.raises(RequestError) as info:
        client.upload_feed_document(stub.url + "/s3/up", b"x", "text/xml")
    assert info.value.amazon_code == "SignatureDoesNotMatch"
    assert info.value.operation == "uploadFeedDocument"
    assert "Signature=" not in str(info.value) and sleeps == []
    assert len(stub.calls(TOKEN)) == 0  # a storage 403 is no token problem
    stub.on(
        "/s3/up",
        Reply(503, raw=b"<Error><Code>SlowDown</Code></Error>"),
        Reply(200, raw=b""),
    )
    client.upload_feed_document(stub.url + "/s3/up", b"x", "text/xml")
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/up",
        "http://127.0.0.1:9/up",
        "https://tortuga-prod-eu.s3-eu-west-1.amazonaws.com/up",
        "ftp://127.0.0.1/up",
        "/relative/up",
    ],
)
def test_custom_endpoint_sends_documents_nowhere_else(stub, make_client, url):
    client = make_client()
    with pytest.raises(DocumentUrlRefused) as info:
        client.upload_feed_document(url, b"secret stock", "text/xml")
    assert "secret" not in str(info.value)
    assert info.value.operation == "uploadFeedDocument"
    stub.on(DOCS + "/D1", Reply(body={"feedDocumentId": "D1", "url": url}))
    with pytest.raises(DocumentUrlRefused) as info:
        client.get_feed_document("D1")
    assert info.value.operation == "downloadFeedDocument"
    assert [r["path"] for r in stub.requests] == [TOKEN, DOCS + "/D1"]


def test_user_info_in_url_is_refused(stub, make_client):
    url = stub.url.replace("http://", "http://user:pw@") + "/s3/up"
    with pytest.raises(DocumentUrlRefused):
        make_client().upload_feed_document(url, b"x", "text/xml")
    assert stub.requests == []


def test_create_feed_body_and_options(stub, make_client):
    stub.on(FEEDS, Reply(202, {"feedId": "50001"}))
    client = make_client()
    options = {"metadata:orderid": ORDER, "metadata:totalamount": Decimal("39.37")}
    assert client.create_feed("UPLOAD_VAT_INVOICE", DE, "doc1", options) == "50001"
    request = check_request(FEEDS_MODEL, "createFeed", _last(stub, FEEDS))
    assert request["json"] == {
        "feedType": "UPLOAD_VAT_INVOICE",
        "marketplaceIds": [DE],
        "inputFeedDocumentId": "doc1",
        "feedOptions": {"metadata:orderid": ORDER, "metadata:totalamount": "39.37"},
    }
    client.create_feed("JSON_LISTINGS_FEED", [DE, FR], "doc2")
    assert "feedOptions" not in _last(stub, FEEDS)["json"]
    assert _last(stub, FEEDS)["json"]["marketplaceIds"] == [DE, FR]


def test_create_feed_checks_answer_and_arguments(stub, make_client):
    stub.on(FEEDS, Reply(202, {"unexpected": 1}))
    client = make_client()
    with pytest.raises(InvalidResponse):
        client.create_feed("JSON_LISTINGS_FEED", [DE], "doc1")
    with pytest.raises(ValueError):
        client.create_feed("JSON_LISTINGS_FEED", [], "doc1")
    with pytest.raises(ValueError):
        client.create_feed("JSON_LISTINGS_FEED", [DE] * 26, "doc1")
    with pytest.raises(ValueError):
        client.create_feed("", [DE], "doc1")


def test_get_and_cancel_feed(stub, make_client):
    body = {
        "feedId": "50001",
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [DE],
        "createdTime": "2026-12-01T10:00:00Z",
        "processingStatus": "DONE",
        "processingStartTime": "2026-12-01T10:01:00+01:00",
        "processingEndTime": "2026-12-01T10:05:00.123Z",
        "resultFeedDocumentId": "amzn1.tortuga.3.result",
    }
    validate_definition(FEEDS_MODEL, "Feed", body)
    stub.on(f"{FEEDS}/50001", Reply(body=body))
    client = make_client()
    feed = client.get_feed("50001")
    assert feed == Feed(
        feed_id="50001",
        feed_type="JSON_LISTINGS_FEED",
        processing_status="DONE",
        marketplace_ids=(DE,),
        created=datetime(2026, 12, 1, 10, 0),
        processing_started=datetime(2026, 12, 1, 9, 1),
        processing_ended=datetime(2026, 12, 1, 10, 5, 0, 123000),
        result_document_id="amzn1.tortuga.3.result",
    )
    assert feed.done and feed.finished
    check_request(FEEDS_MODEL, "getFeed", _last(stub, f"{FEEDS}/50001"))
    stub.on(f"{FEEDS}/50001", Reply(200, raw=b""))  # cancelFeed: 200, no body
    assert client.cancel_feed("50001") is None
    cancel = check_request(FEEDS_MODEL, "cancelFeed", _last(stub, f"{FEEDS}/50001"))
    assert cancel["method"] == "DELETE" and cancel["query"] == {}


def test_get_feed_document_plain_and_gzip(stub, make_client):
    report = json.dumps({"header": {}, "issues": [], "summary": {}}).encode()
    stub.on(
        DOCS + "/",
        Reply(body={"feedDocumentId": "R1", "url": stub.url + "/s3/r1?sig=1"}),
        Reply(
            body={
                "feedDocumentId": "R2",
                "url": stub.url + "/s3/r2?sig=2",
                "compressionAlgorithm": "GZIP",
            }
        ),
    )
    stub.on("/s3/r1", Reply(raw=report, headers={"Content-Type": "application/json"}))
    stub.on("/s3/r2", Reply(raw=gzip.compress(report) + gzip.compress(b"\n")))
    client = make_client()
    assert client.get_feed_document("R1") == report
    assert client.get_feed_document("R2") == report + b"\n"
    check_request(FEEDS_MODEL, "getFeedDocument", _last(stub, DOCS + "/R2"))
    _no_sp_api_headers(_last(stub, "/s3/r2"))


def test_download_redirect_is_not_followed(stub, make_client):
    meta = {"feedDocumentId": "R4", "url": stub.url + "/s3/r4"}
    stub.on(DOCS + "/", Reply(body=meta))
    stub.on(
        "/s3/r4", Reply(302, raw=b"", headers={"Location": "https://evil.example/"})
    )
    with pytest.raises(RequestError) as info:
        make_client().get_feed_document("R4")
    assert info.value.status == 302
    assert [r["path"] for r in stub.requests][-1] == "/s3/r4"


def test_content_encoding_gzip_without_compression_algorithm(stub, make_client):
    meta = {"feedDocumentId": "R5", "url": stub.url + "/s3/r5"}
    stub.on(DOCS + "/", Reply(body=meta))
    zipped = gzip.compress(b"<xml/>")
    stub.on("/s3/r5", Reply(raw=zipped, headers={"Content-Encoding": "gzip"}))
    assert make_client().get_feed_document("R5") == b"<xml/>"


def test_corrupt_gzip_is_invalid(stub, make_client):
    stub.on(
        DOCS + "/",
        Reply(
            body={
                "feedDocumentId": "R3",
                "url": stub.url + "/s3/r3",
                "compressionAlgorithm": "GZIP",
            }
        ),
    )
    stub.on("/s3/r3", Reply(raw=gzip.compress(b"x" * 1000)[:-10]))
    with pytest.raises(InvalidResponse) as info:
        make_client().get_feed_document("R3")
    assert info.value.operation == "downloadFeedDocument"


def test_submit_feed_end_to_end(stub, make_client):
    stub.on(DOCS, _upload_reply(stub))
    stub.on("/s3/up", Reply(200, raw=b""))
    stub.on(FEEDS, Reply(202, {"feedId": "50002"}))
    document = quantity_feed(SELLER, [_update()])
    content = json.dumps(document).encode()
    client = make_client()
    feed_id = client.submit_feed(
        "JSON_LISTINGS_FEED", [DE], content, "application/json; charset=UTF-8"
    )
    assert feed_id == "50002"
    assert [r["path"] for r in stub.requests[1:]] == [DOCS, "/s3/up", FEEDS]
    assert _last(stub, "/s3/up")["raw"] == content
    assert _last(stub, FEEDS)["json"]["inputFeedDocumentId"] == "amzn1.tortuga.3.doc1"


def test_submit_feed_validates_before_any_request(stub, make_client):
    with pytest.raises(ValueError):
        make_client().submit_feed("JSON_LISTINGS_FEED", [], b"{}", "application/json")
    with pytest.raises(TypeError):
        make_client().submit_feed("JSON_LISTINGS_FEED", DE, 42, "application/json")
    with pytest.raises(ValueError):
        make_client().upload_feed_document(stub.url + "/s3/up", b"x", None)
    assert stub.requests == []


def _update():
    from spapi.feeds import QuantityUpdate

    return QuantityUpdate("SKU-1", "LUGGAGE", 7, 2)


# -- Listings Items -----------------------------------------------------------


def _item(sku, quantity=5, asin="B0TEST0001"):
    return {
        "sku": sku,
        "summaries": [
            {
                "marketplaceId": DE,
                "asin": asin,
                "productType": "LUGGAGE",
                "conditionType": "new_new",
                "status": ["BUYABLE", "DISCOVERABLE"],
                "itemName": "Suitcase",
                "createdDate": "2026-01-01T00:00:00Z",
                "lastUpdatedDate": "2026-02-01T00:00:00Z",
            }
        ],
        "fulfillmentAvailability": [
            {"fulfillmentChannelCode": "DEFAULT", "quantity": quantity},
            {"fulfillmentChannelCode": "AMAZON_EU"},
        ],
        "issues": [
            {
                "code": "18448",
                "message": "Attributes are incomplete.",
                "severity": "WARNING",
                "attributeNames": ["item_weight"],
                "categories": ["MISSING_ATTRIBUTE"],
                "enforcements": {
                    "actions": [{"action": "SEARCH_SUPPRESSED"}],
                    "exemption": {"status": "NOT_EXEMPT"},
                },
            }
        ],
    }


def test_search_listings_items_pages_repeat_filters(stub, make_client):
    first = {
        "numberOfResults": 3,
        "pagination": {"nextToken": "tok2"},
        "items": [_item("SKU-1"), _item("SKU/2 ü")],
    }
    last = {
        "numberOfResults": 3,
        "pagination": {"previousToken": "tok1"},
        "items": [_item("SKU-3", 0)],
    }
    for body in (first, last):
        validate_definition(LISTINGS_MODEL, "ItemSearchResults", body)
    stub.on(LISTINGS, Reply(body=first), Reply(body=last))
    pages = list(
        make_client().search_listings_items(
            SELLER,
            [DE, FR],
            page_size=50,
            with_status=["BUYABLE"],
            last_updated_after=datetime(2026, 1, 1),
        )
    )
    assert [len(p.items) for p in pages] == [2, 1]
    assert pages[0].next_token == "tok2" and pages[1].next_token is None
    assert pages[0].number_of_results == 3
    assert pages[0].raw[1]["sku"] == "SKU/2 ü"
    item = pages[0].items[0]
    assert item.asin == "B0TEST0001" and item.product_type == "LUGGAGE"
    assert item.quantity() == 5 and item.quantity("AMAZON_EU") is None
    assert item.status == ("BUYABLE", "DISCOVERABLE")
    assert item.issues[0].enforcement_actions == ("SEARCH_SUPPRESSED",)
    assert pages[1].items[0].quantity() == 0
    requests = stub.calls(LISTINGS)
    for request in requests:
        check_request(LISTINGS_MODEL, "searchListingsItems", request)
    queries = [dict(r["query"]) for r in requests]
    assert queries[1].pop("pageToken") == "tok2" and "pageToken" not in queries[0]
    assert queries[0] == queries[1]
    assert queries[0] == {
        "marketplaceIds": f"{DE},{FR}",
        "includedData": "summaries,fulfillmentAvailability,issues",
        "withStatus": "BUYABLE",
        "lastUpdatedAfter": "2026-01-01T00:00:00Z",
        "pageSize": "20",
    }


def test_search_listings_identifiers_need_a_type(make_client):
    with pytest.raises(ValueError):
        make_client().search_listings_items(SELLER, [DE], identifiers=["A"])
    with pytest.raises(ValueError):
        make_client().search_listings_items(
            SELLER, [DE], identifiers=[], identifiers_type="SKU"
        )


def test_search_listings_by_sku(stub, make_client):
    stub.on(LISTINGS, Reply(body={"numberOfResults": 0, "items": []}))
    pages = list(
        make_client().search_listings_items(
            SELLER, DE, identifiers=["SKU-1", "SKU-2"], identifiers_type="SKU"
        )
    )
    assert pages[0].items == ()
    query = check_request(LISTINGS_MODEL, "searchListingsItems", _last(stub, LISTINGS))[
        "query"
    ]
    assert query["identifiers"] == "SKU-1,SKU-2" and query["identifiersType"] == "SKU"


def test_get_listings_item_quotes_the_sku(stub, make_client):
    stub.on(LISTINGS + "/", Reply(body=_item("SKU/2 ü")))
    item = make_client().get_listings_item(SELLER, "SKU/2 ü", [DE])
    assert isinstance(item, ListingItem) and item.sku == "SKU/2 ü"
    request = stub.requests[-1]
    assert request["path"] == f"{LISTINGS}/SKU%2F2%20%C3%BC"
    check_request(LISTINGS_MODEL, "getListingsItem", request)
    validate_definition(LISTINGS_MODEL, "Item", _item("x"))


def test_get_listings_item_404(stub, make_client):
    stub.on(LISTINGS + "/", Reply(404, _errors("NOT_FOUND", "SKU not found")))
    with pytest.raises(RequestError) as info:
        make_client().get_listings_item(SELLER, "nope", [DE])
    assert info.value.status == 404 and info.value.operation == "getListingsItem"


def test_patch_listings_item(stub, make_client):
    answer = {
        "sku": "SKU-1",
        "status": "ACCEPTED",
        "submissionId": "f1dc2914-75dd-11ea-bc55-0242ac130003",
        "issues": [],
    }
    validate_definition(LISTINGS_MODEL, "ListingsItemSubmissionResponse", answer)
    stub.on(LISTINGS + "/", Reply(body=answer))
    client = make_client()
    result = client.patch_listings_item(
        SELLER, "SKU-1", [DE], "LUGGAGE", quantity_patches(7, 2)
    )
    assert result == answer
    request = check_request(LISTINGS_MODEL, "patchListingsItem", stub.requests[-1])
    assert request["json"] == {
        "productType": "LUGGAGE",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [
                    {
                        "fulfillment_channel_code": "DEFAULT",
                        "quantity": 7,
                        "lead_time_to_ship_max_days": 2,
                    }
                ],
            }
        ],
    }
    assert request["query"] == {"marketplaceIds": DE, "includedData": "issues"}
    client.patch_listings_item(
        SELLER, "SKU-1", [DE], "LUGGAGE", quantity_patches(1), mode="VALIDATION_PREVIEW"
    )
    assert stub.requests[-1]["query"]["mode"] == "VALIDATION_PREVIEW"


def test_patch_listings_item_invalid_and_bad_answers(stub, make_client):
    invalid = {
        "sku": "SKU-1",
        "status": "INVALID",
        "submissionId": "s2",
        "issues": [
            {
                "code": "90220",
                "message": "'[batteries_required]' is required but not supplied.",
                "severity": "ERROR",
                "categories": ["MISSING_ATTRIBUTE"],
            }
        ],
    }
    stub.on(LISTINGS + "/", Reply(body=invalid), Reply(body={"sku": "SKU-1"}))
    client = make_client()
    patches = quantity_patches(3)
    assert (
        client.patch_listings_item(SELLER, "SKU-1", DE, "LUGGAGE", patches)["status"]
        == "INVALID"
    )
    with pytest.raises(InvalidResponse):
        client.patch_listings_item(SELLER, "SKU-1", DE, "LUGGAGE", patches)
    with pytest.raises(ValueError):
        client.patch_listings_item(SELLER, "SKU-1", DE, "LUGGAGE", [])
    with pytest.raises(ValueError):
        client.patch_listings_item(
            SELLER, "SKU-1", DE, "LUGGAGE", [{"op": "move", "path": "/x"}]
        )
    with pytest.raises(ValueError):
        client.patch_listings_item(SELLER, "", DE, "LUGGAGE", patches)


# -- Finances -----------------------------------------------------------------


def _transactions(next_token=None, transactions=()):
    payload = {"transactions": list(transactions)}
    if next_token:
        payload["nextToken"] = next_token
    return {"payload": payload}


def test_list_transactions_pages(stub, make_client):
    sandbox = validate_sandbox_transaction()
    stub.on(
        TRANSACTIONS,
        Reply(body=_transactions("n1", [sandbox])),
        Reply(body=_transactions("n2")),  # empty page with a next token
        Reply(body=_transactions(None, [sandbox])),
    )
    pages = list(
        make_client().list_transactions(
            datetime(2026, 11, 1), marketplace_id=DE, transaction_status="RELEASED"
        )
    )
    assert [len(p.transactions) for p in pages] == [1, 0, 1]
    assert [p.next_token for p in pages] == ["n1", "n2", None]
    queries = [dict(r["query"]) for r in stub.calls(TRANSACTIONS)]
    for request in stub.calls(TRANSACTIONS):
        check_request(FINANCES_MODEL, "listTransactions", request)
    assert [q.pop("nextToken", None) for q in queries] == [None, "n1", "n2"]
    assert (
        queries[0]
        == queries[1]
        == queries[2]
        == {
            "postedAfter": "2026-11-01T00:00:00Z",
            "marketplaceId": DE,
            "transactionStatus": "RELEASED",
        }
    )


def test_list_transactions_by_order(stub, make_client):
    stub.on(TRANSACTIONS, Reply(body=_transactions()))
    client = make_client()
    list(
        client.list_transactions(
            None, related_identifier_name="ORDER_ID", related_identifier_value=ORDER
        )
    )
    assert _last(stub, TRANSACTIONS)["query"] == {
        "relatedIdentifierName": "ORDER_ID",
        "relatedIdentifierValue": ORDER,
    }
    with pytest.raises(ValueError):
        client.list_transactions(None)
    with pytest.raises(ValueError):
        client.list_transactions(
            None, related_identifier_name="REFUND_ID", related_identifier_value="1"
        )
    with pytest.raises(InvalidResponse):
        stub.on(TRANSACTIONS, Reply(body={"transactions": []}))  # no payload wrapper
        list(client.list_transactions("2026-01-01T00:00:00Z"))


def validate_sandbox_transaction():
    from spapi.tests.models import operation

    _path, _method, op = operation(FINANCES_MODEL, "listTransactions")
    sandbox = op["responses"]["200"]["x-amzn-api-sandbox"]["static"][0]["response"]
    validate_definition(FINANCES_MODEL, "ListTransactionsResponse", sandbox)
    return sandbox["payload"]["transactions"][0]


# -- Reports ------------------------------------------------------------------


def test_reports(stub, make_client):
    stub.on(REPORTS, Reply(202, {"reportId": "R-1"}))
    report = {
        "reportId": "R-1",
        "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA",
        "marketplaceIds": [DE],
        "createdTime": "2026-12-01T10:00:00Z",
        "processingStatus": "DONE",
        "reportDocumentId": "amzn1.spdoc.1",
    }
    validate_definition(REPORTS_MODEL, "Report", report)
    stub.on(REPORTS + "/", Reply(body=report))
    stub.on(
        REPORT_DOCS,
        Reply(
            body={
                "reportDocumentId": "amzn1.spdoc.1",
                "url": stub.url + "/s3/rep",
                "compressionAlgorithm": "GZIP",
            }
        ),
    )
    tsv = b"seller-sku\tquantity\nSKU-1\t5\n"
    stub.on("/s3/rep", Reply(raw=gzip.compress(tsv)))
    client = make_client()
    report_id = client.create_report(
        "GET_MERCHANT_LISTINGS_ALL_DATA",
        [DE],
        data_start_time=datetime(2026, 11, 1),
        report_options={"custom": True},
    )
    assert report_id == "R-1"
    request = check_request(REPORTS_MODEL, "createReport", _last(stub, REPORTS))
    assert request["json"] == {
        "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA",
        "marketplaceIds": [DE],
        "dataStartTime": "2026-11-01T00:00:00Z",
        "reportOptions": {"custom": "true"},
    }
    got = client.get_report("R-1")
    assert got.done and got.document_id == "amzn1.spdoc.1"
    check_request(REPORTS_MODEL, "getReport", stub.requests[-1])
    assert client.get_report_document("amzn1.spdoc.1") == tsv
    check_request(
        REPORTS_MODEL, "getReportDocument", _last(stub, REPORT_DOCS + "amzn1.spdoc.1")
    )
    _no_sp_api_headers(_last(stub, "/s3/rep"))
