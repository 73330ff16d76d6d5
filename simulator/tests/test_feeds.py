"""Feeds API: documents, the processing timeline and the three feed types."""

# ruff: noqa: E501 - tables of feed documents and options read better unwrapped

import gzip
import json
import xml.etree.ElementTree as ET

import pytest
import requests

from simulator.testing import (
    access_token,
    api_call,
    document_validator,
    errors,
    feed_result,
    upload_feed,
)
from simulator.timeutil import iso

DE = "A1PA6795UKMFR9"
JSON_TYPE = "application/json; charset=UTF-8"
XML_TYPE = "text/xml; charset=UTF-8"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def listings_feed(sim, messages, **header):
    head = {"sellerId": sim.seller_id, "version": "2.0", **header}
    return json.dumps({"header": head, "messages": messages}).encode()


def stock(mid, sku, qty, product_type="DRINKING_CUP", channel="DEFAULT", op="PATCH"):
    msg = {"messageId": mid, "sku": sku, "operationType": op}
    if product_type:
        msg["productType"] = product_type
    value = [{"fulfillment_channel_code": channel, "quantity": qty}]
    if op == "PATCH":
        msg["patches"] = [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": value,
            }
        ]
    else:
        msg["attributes"] = {"fulfillment_availability": value}
    return msg


def fulfilment_xml(sim, messages):
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">',
        f"<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>"
        f"{sim.seller_id}</MerchantIdentifier></Header>",
        "<MessageType>OrderFulfillment</MessageType>",
    ]
    for n, (order_id, date, data, items) in enumerate(messages, 1):
        item_xml = "".join(
            f"<Item><AmazonOrderItemCode>{i}</AmazonOrderItemCode>"
            + (f"<Quantity>{q}</Quantity>" if q else "")
            + "</Item>"
            for i, q in items
        )
        parts.append(
            f"<Message><MessageID>{n}</MessageID><OrderFulfillment>"
            f"<AmazonOrderID>{order_id}</AmazonOrderID>"
            f"<FulfillmentDate>{date}</FulfillmentDate>"
            f"<FulfillmentData>{data}</FulfillmentData>{item_xml}"
            "</OrderFulfillment></Message>"
        )
    parts.append("</AmazonEnvelope>")
    return "".join(parts).encode("utf-8")


def results(report_xml):
    root = ET.fromstring(report_xml)
    report = root.find("Message/ProcessingReport")
    summary = {c.tag: int(c.text) for c in report.find("ProcessingSummary")}
    found = {
        r.findtext("MessageID"): (
            r.findtext("ResultCode"),
            r.findtext("ResultMessageCode"),
            r.findtext("ResultDescription"),
        )
        for r in report.findall("Result")
    }
    return summary, found


@pytest.fixture
def sim(make_sim):
    return make_sim(generate=300, seed=3, marketplaces=("DE", "FR"))


def test_documents_and_timeline(make_sim, clock):
    sim = make_sim(feed_processing_seconds=120, time_scale=2)
    token = access_token(sim)
    r = api_call(sim, "POST", "/feeds/2021-06-30/documents", token, json={})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
    spec = {"contentType": JSON_TYPE, "path": "/feeds/2021-06-30/documents"}
    r = api_call(sim, "POST", "/feeds/2021-06-30/documents", token, json=spec)
    assert r.status_code == 201 and r.headers["x-amzn-RateLimit-Limit"] == "0.5"
    doc = r.json()
    assert doc["url"].startswith(sim.base_url + "/_docs/upload/")
    content = listings_feed(sim, [stock(1, "SIM-THB-01SCH", 9)])
    wrong = requests.put(doc["url"], data=content, headers={"Content-Type": "text/xml"})
    assert wrong.status_code == 403 and b"SignatureDoesNotMatch" in wrong.content
    ok = requests.put(doc["url"], data=content, headers={"Content-Type": JSON_TYPE})
    assert ok.status_code == 200 and ok.headers["ETag"]
    bad = requests.put(doc["url"][:-4] + "0000", data=content)
    assert bad.status_code == 403
    body = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [DE],
        "MarketplaceIds": [DE],  # python-amazon-sp-api adds these; Amazon ignores
        "inputFeedDocumentId": doc["feedDocumentId"],
        "path": "/feeds/2021-06-30/feeds",
    }
    r = api_call(sim, "POST", "/feeds/2021-06-30/feeds", token, json=body)
    assert r.status_code == 202 and r.headers["x-amzn-RateLimit-Limit"] == "0.0083"
    feed_id = r.json()["feedId"]
    path = f"/feeds/2021-06-30/feeds/{feed_id}"
    seen = []
    for step in (0, 20, 39):  # 120 s / time_scale 2 = 60 s; starts after 15 s
        clock.advance(step)
        seen.append(api_call(sim, "GET", path, token).json()["processingStatus"])
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS"]
    assert sim.listing("SIM-THB-01SCH")["fulfillmentAvailability"][0]["quantity"] != 9
    clock.advance(1)
    feed = api_call(sim, "GET", path, token).json()
    assert feed["processingStatus"] == "DONE" and feed["resultFeedDocumentId"]
    assert sim.listing("SIM-THB-01SCH")["fulfillmentAvailability"][0]["quantity"] == 9
    assert sim.feeds()[0]["ignoredFields"] == ["MarketplaceIds", "path"]
    # URLs expire after 5 minutes; the input document can be read back
    clock.advance(301)
    assert (
        requests.put(
            doc["url"], data=content, headers={"Content-Type": JSON_TYPE}
        ).status_code
        == 403
    )
    info = api_call(
        sim, "GET", f"/feeds/2021-06-30/documents/{doc['feedDocumentId']}", token
    ).json()
    assert requests.get(info["url"]).content == content
    assert sim.feed_document(doc["feedDocumentId"]) == content


def test_create_errors_cancel_and_listing(make_sim, clock):
    sim = make_sim(feed_processing_seconds=100)
    token = access_token(sim)
    base = {"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": [DE]}
    cases = [
        dict(base, inputFeedDocumentId="nope"),
        dict(base, feedType="POST_NOTHING", inputFeedDocumentId="x"),
        dict(base, marketplaceIds=[], inputFeedDocumentId="x"),
        dict(base, marketplaceIds=["ATVPDKIKX0DER"], inputFeedDocumentId="x"),
        {"feedType": "JSON_LISTINGS_FEED", "inputFeedDocumentId": "x"},
    ]
    for body in cases:
        r = api_call(sim, "POST", "/feeds/2021-06-30/feeds", token, json=body)
        assert r.status_code == 400, body
    ids = []
    for n in range(3):
        r = upload_feed(
            sim,
            token,
            "JSON_LISTINGS_FEED",
            listings_feed(sim, [stock(1, "SIM-TEE-01NAT", n)]),
            JSON_TYPE,
        )
        ids.append(r.json()["feedId"])
        clock.advance(10)
    # the first one is IN_PROGRESS (started after 25 s), the others IN_QUEUE
    r = api_call(sim, "DELETE", f"/feeds/2021-06-30/feeds/{ids[0]}", token)
    assert r.status_code == 400 and "IN_PROGRESS" in r.json()["errors"][0]["details"]
    r = api_call(sim, "DELETE", f"/feeds/2021-06-30/feeds/{ids[2]}", token)
    assert r.status_code == 200 and r.content == b""
    sim.process_feeds()
    statuses = [f["processingStatus"] for f in sim.feeds()]
    assert statuses == ["DONE", "DONE", "CANCELLED"]
    assert sim.listing("SIM-TEE-01NAT")["fulfillmentAvailability"][0]["quantity"] == 1
    # getFeeds: feedTypes or nextToken; nextToken alone; newest first
    assert api_call(sim, "GET", "/feeds/2021-06-30/feeds", token).status_code == 400
    r = api_call(
        sim,
        "GET",
        "/feeds/2021-06-30/feeds",
        token,
        params={"feedTypes": "JSON_LISTINGS_FEED", "pageSize": 2},
    )
    page = r.json()
    assert [f["feedId"] for f in page["feeds"]] == [ids[2], ids[1]]
    r = api_call(
        sim,
        "GET",
        "/feeds/2021-06-30/feeds",
        token,
        params={"nextToken": page["nextToken"], "pageSize": 2},
    )
    assert r.status_code == 400
    r = api_call(
        sim,
        "GET",
        "/feeds/2021-06-30/feeds",
        token,
        params={"nextToken": page["nextToken"]},
    )
    assert [f["feedId"] for f in r.json()["feeds"]] == [ids[0]]
    assert "nextToken" not in r.json()
    r = api_call(
        sim,
        "GET",
        "/feeds/2021-06-30/feeds",
        token,
        params={"feedTypes": "JSON_LISTINGS_FEED", "processingStatuses": "CANCELLED"},
    )
    assert [f["feedId"] for f in r.json()["feeds"]] == [ids[2]]
    r = api_call(sim, "GET", "/feeds/2021-06-30/feeds/404", token)
    assert r.status_code == 400


def test_listings_feed_report(make_sim):
    sim = make_sim(feed_processing_seconds=0, compress_feed_reports=True)
    token = access_token(sim)
    fba_only = next(
        item["sku"]
        for item in sim.listings()
        if [f["fulfillmentChannelCode"] for f in item["fulfillmentAvailability"]]
        == ["AMAZON_EU"]
    )
    before = sim.listing(fba_only)
    messages = [
        stock(1, "SIM-THB-01SCH", 4),
        stock(2, "SIM-KAF-01CRE", -2, "COFFEE"),
        stock(3, "SIM-HON-01GLA", 5, None),
        stock(4, fba_only, 50, "PRODUCT", channel="AMAZON_EU"),
        stock(5, "SIM-TEE-01NAT", 8, "TEA", op="PARTIAL_UPDATE"),
        stock(5, "SIM-GIE-01SIL", 8, "WATERING_CAN"),
        {
            "messageId": 7,
            "sku": "SIM-SPU-01BUC",
            "operationType": "PATCH",
            "productType": "CLEANING_BRUSH",
            "patches": [
                {
                    "op": "merge",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": "3"}],
                }
            ],
        },
    ]
    content = listings_feed(
        sim,
        messages,
        issueLocale="de_DE",
        report={
            "includedData": ["fulfillmentAvailability"],
            "apiVersion": "2021-08-01",
        },
    )
    r = upload_feed(sim, token, "JSON_LISTINGS_FEED", content, JSON_TYPE)
    feed, data = feed_result(sim, token, r.json()["feedId"])
    assert feed["processingStatus"] == "DONE"
    info = api_call(
        sim, "GET", f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}", token
    ).json()
    assert info["compressionAlgorithm"] == "GZIP"
    assert requests.get(info["url"]).content[:2] == b"\x1f\x8b"
    report = json.loads(data)
    assert not errors(
        document_validator("listings-feed-processing-report-schema-v2.json"), report
    )
    codes = {(i["messageId"], i["code"]) for i in report["issues"]}
    assert codes == {
        (2, "90004114"),
        (3, "90220"),
        (4, "90000900"),
        (5, "4000002"),
        (7, "90000900"),
    }
    assert report["summary"] == {
        "errors": 5,
        "warnings": 0,
        "messagesProcessed": 7,
        "messagesAccepted": 2,
        "messagesInvalid": 5,
        "itemSummary": {"items": 2, "errors": 0, "warnings": 0},
    }
    assert [i["sku"] for i in report["items"]] == ["SIM-THB-01SCH", "SIM-TEE-01NAT"]
    assert sim.listing("SIM-TEE-01NAT")["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 8}
    ]
    assert sim.listing(fba_only) == before
    # with gzip Content-Encoding on request, HTTP clients decompress themselves
    info = api_call(
        sim,
        "GET",
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}",
        token,
        params={"enableContentEncodingUrlHeader": "true"},
    ).json()
    assert json.loads(requests.get(info["url"]).content) == report


@pytest.mark.parametrize(
    "content, text",
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (
            b'{"header": {"sellerId": "A1SIMSELLER0DE", "version": "1.0"}, "messages": []}',
            "version",
        ),
        (
            b'{"header": {"sellerId": "OTHER", "version": "2.0"}, "messages": [{"messageId": 1, "sku": "x", "operationType": "DELETE"}]}',
            "sellerId",
        ),
    ],
)
def test_listings_feed_fatal(make_sim, content, text):
    sim = make_sim(feed_processing_seconds=0)
    token = access_token(sim)
    r = upload_feed(sim, token, "JSON_LISTINGS_FEED", content, JSON_TYPE)
    feed, data = feed_result(sim, token, r.json()["feedId"])
    assert feed["processingStatus"] == "FATAL"
    report = json.loads(data)
    assert not errors(
        document_validator("listings-feed-processing-report-schema-v2.json"), report
    )
    assert text in report["issues"][0]["message"]


def test_order_fulfilment_feed(sim, clock):
    token = access_token(sim)
    orders = [
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfilledBy"] == "MERCHANT"
        and o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    ]
    letter, whole, bad_qty = orders[:3]
    fba = next(o for o in sim.orders() if o["fulfillment"]["fulfilledBy"] == "AMAZON")
    now = iso(clock())
    item = letter["orderItems"][0]
    xml = fulfilment_xml(
        sim,
        [
            (
                letter["orderId"],
                now,
                "<CarrierCode>Deutsche Post</CarrierCode><ShippingMethod>Großbrief</ShippingMethod>",
                [(item["orderItemId"], 1)],
            ),
            (whole["orderId"], now, "<CarrierName>Spedition Meier</CarrierName>", []),
            (
                bad_qty["orderId"],
                now,
                "<CarrierCode>Deutsche Post</CarrierCode>",
                [(bad_qty["orderItems"][0]["orderItemId"], 99)],
            ),
            (fba["orderId"], now, "<CarrierCode>Deutsche Post</CarrierCode>", []),
            (
                "999-0000000-0000000",
                now,
                "<CarrierCode>Deutsche Post</CarrierCode>",
                [],
            ),
            (
                whole["orderId"],
                "gestern",
                "<CarrierCode>Deutsche Post</CarrierCode>",
                [],
            ),
            (bad_qty["orderId"], now, "<CarrierCode>DHL</CarrierCode>", []),
        ],
    )
    r = upload_feed(sim, token, "POST_ORDER_FULFILLMENT_DATA", xml, XML_TYPE)
    assert r.status_code == 202
    feed, data = feed_result(sim, token, r.json()["feedId"])
    assert feed["processingStatus"] == "DONE"
    summary, found = results(data)
    assert summary == {
        "MessagesProcessed": 7,
        "MessagesSuccessful": 2,
        "MessagesWithError": 5,
        "MessagesWithWarning": 0,
    }
    assert sorted(found) == ["3", "4", "5", "6", "7"]
    assert "exceeds" in found["3"][2] and "Amazon" in found["4"][2]
    assert found["5"][2] == "Invalid OrderID or AmazonOrderID"
    assert "tracking" in found["7"][2].lower()
    got = sim.order(letter["orderId"])
    (package,) = got["packages"]
    assert package["carrier"] == "Deutsche Post" and "trackingNumber" not in package
    assert package["shippingService"] == "Großbrief"
    assert got["lastUpdatedTime"] == iso(clock())
    assert sim.order(whole["orderId"])["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    log = sim.confirmations()
    assert [(c["messageId"], c["accepted"]) for c in log] == [
        ("1", True), ("2", True), ("3", False), ("4", False),
        ("5", False), ("6", False), ("7", False),
    ]  # fmt: skip
    assert log[0]["request"]["FulfillmentData"]["ShippingMethod"] == "Großbrief"
    # a document that is not XML at all
    r = upload_feed(sim, token, "POST_ORDER_FULFILLMENT_DATA", b"<Amazon", XML_TYPE)
    feed, data = feed_result(sim, token, r.json()["feedId"])
    assert feed["processingStatus"] == "FATAL"
    assert "XML Parsing Error" in results(data)[1]["0"][2]


def invoice_options(order, number="RE-2026-0001", **extra):
    total = sum(
        (
            __import__("decimal").Decimal(i["proceeds"]["proceedsTotal"]["amount"])
            for i in order["orderItems"]
            if "proceeds" in i
        ),
        __import__("decimal").Decimal(0),
    )
    options = {
        "metadata:orderid": order["orderId"],
        "metadata:invoicenumber": number,
        "metadata:totalamount": str(total),
        "metadata:documenttype": "Invoice",
    }
    options.update(extra)
    return options


def test_vat_invoices(sim, clock):
    token = access_token(sim)
    shipped = [
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        and o["salesChannel"]["marketplaceId"] == DE
    ]
    unshipped = next(
        o
        for o in sim.orders()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["salesChannel"]["marketplaceId"] == DE
    )
    first, second, third = shipped[:3]
    refund = sim.add_refund(third["orderId"], kind="full")
    credit_total = -sum(
        node["breakdownAmount"]["currencyAmount"]
        for item in refund["items"]
        for node in item["breakdowns"]
        if node["breakdownType"] != "AmazonFees"
    )
    cases = [
        (PDF, invoice_options(first), None),
        (PDF, invoice_options(first), "79520"),  # the same invoice number again
        # a second invoice of the order (another shipment), without totals
        (
            PDF,
            {
                "metadata:orderid": first["orderId"],
                "metadata:invoicenumber": "RE-2026-0002",
                "metadata:documenttype": "Invoice",
            },
            None,
        ),
        (b"not a pdf", invoice_options(second), "79503"),
        (PDF, invoice_options(second, "RE.2026"), "79527"),
        (PDF, invoice_options(second, **{"metadata:totalamount": "1.00"}), "79522"),
        (PDF, invoice_options(second, **{"metadata:totalamount": "1,00"}), "79513"),
        (PDF, invoice_options(unshipped), "79517"),
        (PDF, {"metadata:invoicenumber": "X"}, "79513"),
        (PDF, invoice_options(second, **{"metadata:documenttype": "Receipt"}), "79531"),
        (
            PDF,
            invoice_options(third, "GS-1", **{"metadata:documenttype": "CreditNote"}),
            "79513",
        ),
        (
            PDF,
            invoice_options(
                third,
                "GS-1",
                **{
                    "metadata:documenttype": "CreditNote",
                    "metadata:transactionid": refund["transactionId"],
                    "metadata:totalamount": str(credit_total),
                },
            ),
            None,
        ),
        (PDF, {k.upper(): v for k, v in invoice_options(second).items()}, None),
    ]
    for content, options, code in cases:
        r = upload_feed(
            sim,
            token,
            "UPLOAD_VAT_INVOICE",
            content,
            "application/pdf",
            feedOptions=options,
        )
        assert r.status_code == 202, r.text
        feed, data = feed_result(sim, token, r.json()["feedId"])
        assert feed["processingStatus"] == "DONE"
        summary, found = results(data)
        if code is None:
            assert found == {} and summary["MessagesSuccessful"] == 1, found
        else:
            assert found["1"][:2] == ("Error", code), (code, found)
    accepted = sim.invoices()
    assert [
        (i["orderId"], i["documentType"], i["invoiceNumber"]) for i in accepted
    ] == [
        (first["orderId"], "Invoice", "RE-2026-0001"),
        (first["orderId"], "Invoice", "RE-2026-0002"),
        (third["orderId"], "CreditNote", "GS-1"),
        (second["orderId"], "Invoice", "RE-2026-0001"),
    ]
    assert accepted[0]["pdf"] == PDF
    assert len(sim.invoices(include_rejected=True)) == len(cases)
    # one marketplace only; FR is a VAT marketplace too
    r = upload_feed(
        sim,
        token,
        "UPLOAD_VAT_INVOICE",
        PDF,
        "application/pdf",
        marketplaceIds=[DE, "A13V1IB3VIYZZH"],
        feedOptions=invoice_options(second),
    )
    assert results(feed_result(sim, token, r.json()["feedId"])[1])[1]["1"][1] == "79523"
    control = requests.get(sim.base_url + "/_sim/invoices", timeout=5).json()
    assert len(control["invoices"]) == 4 and "pdf" not in control["invoices"][0]


def test_vat_invoice_role_and_rate_limit(make_sim, clock):
    sim = make_sim(generate=50, seed=3, invoice_upload=False)
    token = access_token(sim)
    r = upload_feed(sim, token, "UPLOAD_VAT_INVOICE", PDF, "application/pdf")
    assert r.status_code == 403
    assert r.json()["errors"][0]["message"] == "Access to the resource is forbidden"
    sim = make_sim(generate=50, seed=3, rate_limits="amazon")
    token = access_token(sim)
    codes = [
        upload_feed(
            sim, token, "UPLOAD_VAT_INVOICE", PDF, "application/pdf"
        ).status_code
        for _ in range(2)
    ]
    assert codes == [202, 429]
    clock.advance(3.1)
    r = upload_feed(sim, token, "UPLOAD_VAT_INVOICE", PDF, "application/pdf")
    assert r.status_code == 202 and r.headers["x-amzn-RateLimit-Limit"] == "0.3333"
    # the VAT bucket is separate from the general createFeed bucket
    assert (
        upload_feed(sim, token, "JSON_LISTINGS_FEED", b"{}", JSON_TYPE).status_code
        == 202
    )
    assert gzip  # imported for feed_result users


def test_listings_feed_fatal_on_request(make_sim):
    sim = make_sim(feed_processing_seconds=0)
    token = access_token(sim)
    content = json.dumps(
        {
            "header": {"sellerId": sim.seller_id, "version": "2.0"},
            "messages": [
                {"messageId": 1, "sku": "x", "operationType": "DELETE"},
            ],
        }
    ).encode()
    sim.fail_listings_feeds(1)
    first = upload_feed(sim, token, "JSON_LISTINGS_FEED", content, JSON_TYPE)
    feed, data = feed_result(sim, token, first.json()["feedId"])
    assert feed["processingStatus"] == "FATAL"
    assert "internal error" in json.loads(data)["issues"][0]["message"]
    again = upload_feed(sim, token, "JSON_LISTINGS_FEED", content, JSON_TYPE)
    feed, _data = feed_result(sim, token, again.json()["feedId"])
    assert feed["processingStatus"] == "DONE", "only the next feed fails"
