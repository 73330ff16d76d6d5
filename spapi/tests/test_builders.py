"""Pure builders and parsers, checked against the official schemas/examples."""

import gzip
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal

import jsonschema
import pytest

from spapi import _documents
from spapi.errors import DocumentUrlRefused, InvalidResponse
from spapi.feeds import (
    QuantityUpdate,
    encode_json,
    parse_listings_report,
    parse_xml_report,
    quantity_feed,
    vat_invoice_options,
)
from spapi.finances import TransactionsPage, breakdown_kind, is_refund, parse_refund
from spapi.listings import ListingItem, quantity_patches
from spapi.shipments import (
    OrderFulfilment,
    ShipmentItem,
    fulfilment_feed,
    package_detail,
)
from spapi.tests.models import feed_schema, model, validate_definition

SELLER = "A1SELLER"
ORDER = "302-1234567-1234567"


def _feed_validator():
    return jsonschema.Draft7Validator(feed_schema("listings-feed-schema-v2.json"))


# -- JSON_LISTINGS_FEED -------------------------------------------------------


@pytest.mark.parametrize("operation", ["PATCH", "PARTIAL_UPDATE"])
def test_quantity_feed_is_valid_against_the_schema(operation):
    updates = [
        QuantityUpdate("SKU-A", "LUGGAGE", 10),
        QuantityUpdate("SKU-B ü/1", "SHOES", 0, lead_time_to_ship_max_days=3),
    ]
    document = quantity_feed(SELLER, updates, operation=operation, issue_locale="de_DE")
    _feed_validator().validate(document)
    message_schema = feed_schema("listings-feed-message-schema-v2.json")
    for message in document["messages"]:
        jsonschema.Draft7Validator(message_schema).validate(message)
    assert document["header"] == {
        "sellerId": SELLER,
        "version": "2.0",
        "issueLocale": "de_DE",
    }
    assert [m["messageId"] for m in document["messages"]] == [1, 2]
    second = document["messages"][1]
    value = {
        "fulfillment_channel_code": "DEFAULT",
        "quantity": 0,
        "lead_time_to_ship_max_days": 3,
    }
    if operation == "PATCH":
        assert second["patches"] == [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [value],
            }
        ]
    else:
        assert second["attributes"] == {"fulfillment_availability": [value]}
    assert json.loads(encode_json(document).decode("utf-8")) == document


def test_quantity_feed_matches_the_official_example_message():
    example = feed_schema("listings-feed-schema-v2.example.json")
    _feed_validator().validate(example)
    official = example["messages"][3]  # messageId 4: PATCH replace DEFAULT 10
    document = quantity_feed(
        "AXXXXXXXXXXXX", [QuantityUpdate("My-SKU-D", "LUGGAGE", 10)]
    )
    assert document["messages"][0] == dict(official, messageId=1)


@pytest.mark.parametrize(
    "updates, error",
    [
        ([], "1 to"),
        ([QuantityUpdate("A", "X", 1), QuantityUpdate("A", "X", 2)], "once"),
        ([QuantityUpdate("A", "", 1)], "product type"),
        ([QuantityUpdate("A", "X", -1)], "quantity"),
        ([QuantityUpdate("A", "X", True)], "quantity"),
        ([QuantityUpdate("A", "X", 1, -2)], "lead_time"),
        ([QuantityUpdate("", "X", 1)], "sku"),
    ],
)
def test_quantity_feed_refuses_bad_updates(updates, error):
    with pytest.raises(ValueError, match=error):
        quantity_feed(SELLER, updates)


def test_quantity_feed_limits():
    with pytest.raises(ValueError):
        quantity_feed("", [QuantityUpdate("A", "X", 1)])
    with pytest.raises(ValueError):
        quantity_feed(SELLER, [QuantityUpdate("A", "X", 1)], operation="UPDATE")
    many = [QuantityUpdate(f"S{n}", "X", 1) for n in range(10001)]
    with pytest.raises(ValueError):
        quantity_feed(SELLER, many)
    assert quantity_patches(4, op="merge")[0]["op"] == "merge"
    with pytest.raises(ValueError):
        quantity_patches(4, op="add")


def test_parse_official_listings_processing_report():
    example = feed_schema("listings-feed-processing-report-schema-v2.example.json")
    schema = feed_schema("listings-feed-processing-report-schema-v2.json")
    jsonschema.Draft7Validator(schema).validate(example)
    report = parse_listings_report(json.dumps(example).encode())
    assert report.feed_id == "1234567890"
    assert (report.errors, report.warnings) == (3, 0)
    assert (report.messages_processed, report.messages_accepted) == (4, 2)
    assert report.messages_invalid == 2
    assert report.invalid_message_ids == {4, 5}
    assert [i.code for i in report.issues_for(4)] == ["90220", "90220"]
    issue = report.issues_for(5)[0]
    assert issue.sku == "My-SKU-C" and issue.severity == "ERROR"
    assert issue.attribute_name == "purchasable_offer.our_price"
    assert report.accepted(1) and not report.accepted(4)
    assert report.feed_errors == ()
    items = [ListingItem.from_api(raw) for raw in report.items]
    assert items[0].quantity() == 10 and items[1].quantity("AMAZON_NA") is None
    assert items[0].issues[1].enforcement_actions == ("SEARCH_SUPPRESSED",)
    assert items[0].summary("ATVPDKIKX0DER").buyable


def test_listings_report_feed_level_error_rejects_every_message():
    report = parse_listings_report(
        {
            "header": {"sellerId": SELLER, "version": "2.0", "feedId": "9"},
            "issues": [
                {
                    "severity": "ERROR",
                    "message": "feed messages list beyond allowed size",
                }
            ],
            "summary": {
                "errors": 1,
                "warnings": 0,
                "messagesProcessed": 0,
                "messagesAccepted": 0,
                "messagesInvalid": 0,
            },
        }
    )
    assert len(report.feed_errors) == 1 and not report.accepted(1)


@pytest.mark.parametrize(
    "document",
    [b"\xff\xfe", b"not json", b"[]", {"header": {}}, {"issues": "x", "summary": {}}],
)
def test_listings_report_garbage(document):
    with pytest.raises(InvalidResponse):
        parse_listings_report(document)


# -- Listings items -----------------------------------------------------------


def test_listing_item_shapes():
    item = ListingItem.from_api({"sku": "S"})
    assert item.asin is None and item.quantity() is None and item.status == ()
    assert not item.is_merchant_fulfilled and item.summary() is None
    for bad in (
        {},
        {"sku": "S", "summaries": [{"asin": "B0"}]},
        {"sku": "S", "fulfillmentAvailability": [{"quantity": 1}]},
        {
            "sku": "S",
            "fulfillmentAvailability": [
                {"fulfillmentChannelCode": "DEFAULT", "quantity": "x"}
            ],
        },
        {"sku": "S", "issues": "nope"},
        {"sku": "S", "summaries": [{"marketplaceId": "M", "createdDate": "yesterday"}]},
    ):
        with pytest.raises(InvalidResponse):
            ListingItem.from_api(bad)


# -- confirmShipment body -----------------------------------------------------


def test_package_detail_is_valid_for_the_model():
    detail = package_detail(
        "1",
        "Other",
        " 123 ",
        "2026-12-01T10:00:00+01:00",
        [ShipmentItem("111", 2), ("222", 1)],
        carrier_name="Kurier Meier",
    )
    validate_definition("ordersV0.json", "PackageDetail", detail)
    assert detail["trackingNumber"] == "123"
    assert detail["shipDate"] == "2026-12-01T10:00:00+01:00"
    assert detail["orderItems"] == [
        {"orderItemId": "111", "quantity": 2},
        {"orderItemId": "222", "quantity": 1},
    ]
    assert datetime.fromisoformat(detail["shipDate"])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"package_reference_id": "A1"}, "positive"),
        ({"package_reference_id": 0}, "positive"),
        ({"carrier_code": ""}, "carrier_code"),
        ({"carrier_code": "Other"}, "carrier_name"),
        ({"tracking_number": None}, "fulfilment feed"),
        ({"items": []}, "at least one"),
        ({"items": [("1", 0)]}, "quantity"),
        ({"items": [("", 1)]}, "order item id"),
    ],
)
def test_package_detail_refusals(kwargs, error):
    args = {
        "package_reference_id": 1,
        "carrier_code": "DHL",
        "tracking_number": "1",
        "ship_date": datetime(2026, 1, 1),
        "items": [("1", 1)],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=error):
        package_detail(**args)


# -- POST_ORDER_FULFILLMENT_DATA ----------------------------------------------


def _child_tags(element):
    return [c.tag for c in element]


def test_fulfilment_feed_untracked_letter():
    xml = fulfilment_feed(
        SELLER,
        [
            OrderFulfilment(
                ORDER,
                datetime(2026, 12, 1, 9, 0),
                carrier_code="Deutsche Post",
                shipping_method="Großbrief",
                items=(ShipmentItem("12345678901234", 1),),
            ),
            OrderFulfilment(
                "302-7654321-7654321",
                "2026-12-01T10:00:00+01:00",
                carrier_code="Other",
                carrier_name="Kurier Meier",
                tracking_number="KM-1",
            ),
        ],
    )
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope')
    assert "Großbrief".encode() in xml
    root = ET.fromstring(xml)
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
    assert root.get(xsi) == "amzn-envelope.xsd"
    assert _child_tags(root) == ["Header", "MessageType", "Message", "Message"]
    assert root.findtext("Header/DocumentVersion") == "1.01"
    assert root.findtext("Header/MerchantIdentifier") == SELLER
    assert root.findtext("MessageType") == "OrderFulfillment"
    first, second = root.findall("Message")
    assert first.findtext("MessageID") == "1" and second.findtext("MessageID") == "2"
    body = first.find("OrderFulfillment")
    assert _child_tags(body) == [
        "AmazonOrderID",
        "FulfillmentDate",
        "FulfillmentData",
        "Item",
    ]
    assert body.findtext("FulfillmentDate") == "2026-12-01T09:00:00Z"
    assert _child_tags(body.find("FulfillmentData")) == [
        "CarrierCode",
        "ShippingMethod",
    ]
    assert body.find("FulfillmentData/ShipperTrackingNumber") is None
    assert body.findtext("Item/AmazonOrderItemCode") == "12345678901234"
    assert body.findtext("Item/Quantity") == "1"
    other = second.find("OrderFulfillment")
    assert _child_tags(other) == ["AmazonOrderID", "FulfillmentDate", "FulfillmentData"]
    assert _child_tags(other.find("FulfillmentData")) == [
        "CarrierCode",
        "CarrierName",
        "ShipperTrackingNumber",
    ]


def test_fulfilment_feed_escapes_and_refuses():
    xml = fulfilment_feed(
        SELLER, [OrderFulfilment(ORDER, "2026-12-01T09:00:00Z", carrier_name="A & <B>")]
    )
    assert ET.fromstring(xml).findtext(".//CarrierName") == "A & <B>"
    for bad in (
        OrderFulfilment(ORDER, "2026-12-01T09:00:00Z"),
        OrderFulfilment(ORDER, "2026-12-01T09:00:00Z", carrier_code="Other"),
        OrderFulfilment("", "2026-12-01T09:00:00Z", carrier_code="DHL"),
        OrderFulfilment(ORDER, "2026-12-01T09:00:00Z", carrier_code="DHL\x07"),
        OrderFulfilment(
            ORDER, "2026-12-01T09:00:00Z", carrier_code="DHL", items=(("1", 0),)
        ),
    ):
        with pytest.raises(ValueError):
            fulfilment_feed(SELLER, [bad])
    with pytest.raises(ValueError):
        fulfilment_feed(SELLER, [])
    with pytest.raises(ValueError):
        fulfilment_feed(" ", [OrderFulfilment(ORDER, "x", carrier_code="DHL")])


# -- XML processing report ----------------------------------------------------

XML_REPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion>
    <MerchantIdentifier>A1SELLER</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>567090017927</DocumentTransactionID>
      <StatusCode>Complete</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>3</MessagesProcessed>
        <MessagesSuccessful>1</MessagesSuccessful>
        <MessagesWithError>1</MessagesWithError>
        <MessagesWithWarning>1</MessagesWithWarning>
      </ProcessingSummary>
      <Result>
        <MessageID>2</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>25441</ResultMessageCode>
        <ResultDescription>Invalid OrderID or AmazonOrderID</ResultDescription>
        <AdditionalInfo><AmazonOrderID>302-0000000-0000000</AmazonOrderID></AdditionalInfo>
      </Result>
      <Result>
        <MessageID>3</MessageID>
        <ResultCode>Warning</ResultCode>
        <ResultMessageCode>18028</ResultMessageCode>
        <ResultDescription>Carrier name mapped.</ResultDescription>
      </Result>
    </ProcessingReport>
  </Message>
</AmazonEnvelope>"""


def test_parse_xml_processing_report():
    report = parse_xml_report(XML_REPORT)
    assert report.document_transaction_id == "567090017927"
    assert report.status_code == "Complete"
    assert (report.messages_processed, report.messages_successful) == (3, 1)
    assert (report.messages_with_error, report.messages_with_warning) == (1, 1)
    error = report.results_for(2)[0]
    assert error.is_error and error.message_code == "25441"
    assert error.additional_info == (("AmazonOrderID", "302-0000000-0000000"),)
    assert report.succeeded(1) and report.succeeded(3) and not report.succeeded(2)
    assert report.document_errors == ()


def test_xml_report_document_error_fails_every_message():
    text = XML_REPORT.decode().replace(
        "<MessageID>2</MessageID>", "<MessageID>0</MessageID>"
    )
    report = parse_xml_report(text)
    assert len(report.document_errors) == 1
    assert not report.succeeded(1) and not report.succeeded(3)


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        b"<AmazonEnvelope><Message>",
        b"<AmazonEnvelope/>",
        XML_REPORT.replace(b"<MessagesProcessed>3", b"<MessagesProcessed>three"),
    ],
)
def test_xml_report_refusals(document):
    with pytest.raises(InvalidResponse):
        parse_xml_report(document)


# -- UPLOAD_VAT_INVOICE -------------------------------------------------------


def test_vat_invoice_options():
    options = vat_invoice_options(
        invoice_number="RE-2026/00042",
        order_id=ORDER,
        total_amount=Decimal("39.37"),
        total_vat_amount=6.286,
    )
    assert options == {
        "metadata:orderid": ORDER,
        "metadata:invoicenumber": "RE-2026/00042",
        "metadata:totalamount": "39.37",
        "metadata:totalvatamount": "6.29",
        "metadata:documenttype": "Invoice",
    }
    validate_definition("feeds_2021-06-30.json", "FeedOptions", options)
    credit = vat_invoice_options(
        invoice_number="GS-1",
        shipping_id="D1",
        document_type="CreditNote",
        transaction_id="T-1",
    )
    assert credit["metadata:transactionid"] == "T-1"
    assert credit["metadata:shippingid"] == "D1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"invoice_number": "RE.2026", "order_id": ORDER},
        {"invoice_number": "RE-1"},
        {"invoice_number": "", "order_id": ORDER},
        {"invoice_number": "RE-1", "order_id": ORDER, "document_type": "Bill"},
        {"invoice_number": "RE-1", "order_id": ORDER, "document_type": "CreditNote"},
        {"invoice_number": "RE-1", "order_id": ORDER, "total_amount": "abc"},
    ],
)
def test_vat_invoice_option_refusals(kwargs):
    with pytest.raises(ValueError):
        vat_invoice_options(**kwargs)


# -- Finances refunds ---------------------------------------------------------


def _money(amount, currency="EUR"):
    return {"currencyAmount": amount, "currencyCode": currency}


def _breakdown(kind, amount, children=()):
    return {
        "breakdownType": kind,
        "breakdownAmount": _money(amount),
        "breakdowns": list(children),
    }


def _refund_transaction():
    item = {
        "description": "Suitcase",
        "relatedIdentifiers": [
            {
                "itemRelatedIdentifierName": "ORDER_ADJUSTMENT_ITEM_ID",
                "itemRelatedIdentifierValue": "OAI-1",
            }
        ],
        "totalAmount": _money(-23.79),
        "breakdowns": [
            _breakdown(
                "ProductCharges",
                -19.99,
                [_breakdown("Principal", -16.8), _breakdown("Tax", -3.19)],
            ),
            _breakdown(
                "Shipping",
                -4.9,
                [_breakdown("ShippingCharge", -4.12), _breakdown("Tax", -0.78)],
            ),
            _breakdown("GiftWrap", -1.0, [_breakdown("GiftWrapTax", -0.16)]),
            _breakdown("Promotion", 2.0, [_breakdown("Tax", 0.32)]),
            _breakdown("RestockingFee", 1.1),
            _breakdown("Commission", 2.5, [_breakdown("RefundCommission", -0.5)]),
            _breakdown("Something New", 0.07),
        ],
        "contexts": [
            {
                "contextType": "ProductContext",
                "asin": "B0TEST0001",
                "sku": "SKU-1",
                "quantityShipped": 1,
                "fulfillmentNetwork": "MFN",
            }
        ],
    }
    return {
        "sellingPartnerMetadata": {
            "sellingPartnerId": SELLER,
            "accountType": "Standard Orders",
            "marketplaceId": "A1PA6795UKMFR9",
        },
        "relatedIdentifiers": [
            {"relatedIdentifierName": "ORDER_ID", "relatedIdentifierValue": ORDER},
            {"relatedIdentifierName": "REFUND_ID", "relatedIdentifierValue": "RF-9"},
        ],
        "transactionType": "Refund",
        "transactionId": "tx-refund-1",
        "transactionStatus": "RELEASED",
        "description": "Refund Order",
        "postedDate": "2026-12-03T08:15:00.5Z",
        "totalAmount": _money(-23.79),
        "marketplaceDetails": {
            "marketplaceId": "A1PA6795UKMFR9",
            "marketplaceName": "Amazon.de",
        },
        "items": [item],
        "breakdowns": [_breakdown("Refunds", -23.79)],
    }


def test_parse_refund():
    raw = _refund_transaction()
    validate_definition("finances_2024-06-19.json", "Transaction", raw)
    assert is_refund(raw)
    refund = parse_refund(raw)
    assert refund.transaction_id == "tx-refund-1"
    assert refund.order_id == ORDER and refund.refund_id == "RF-9"
    assert refund.posted == datetime(2026, 12, 3, 8, 15, 0, 500000)
    assert refund.marketplace_id == "A1PA6795UKMFR9"
    assert refund.total == Decimal("-23.79") and refund.currency == "EUR"
    (item,) = refund.items
    assert (item.sku, item.asin, item.quantity) == ("SKU-1", "B0TEST0001", 1)
    assert item.order_adjustment_item_id == "OAI-1" and item.order_item_id is None
    assert item.total == Decimal("-23.79")
    assert item.breakdowns[0].breakdown_type == "ProductCharges"
    assert item.breakdowns[0].amount == Decimal("-19.99")
    assert item.amounts() == {
        "item": Decimal("-16.8"),
        "item_tax": Decimal("-3.19"),
        "shipping": Decimal("-4.12"),
        "shipping_tax": Decimal("-0.78"),
        "gift_wrap_tax": Decimal("-0.16"),
        "promotion_tax": Decimal("0.32"),
        "restocking_fee": Decimal("1.1"),
        "fee": Decimal("-0.5"),
        "other": Decimal("0.07"),
    }
    assert item.amount("item", "item_tax") == Decimal("-19.99")
    assert refund.amounts() == item.amounts()
    assert [p for p, _leaf in item.leaves()][0] == ("ProductCharges", "Principal")


def test_refund_model_example_and_null_breakdowns():
    example = model("finances_2024-06-19.json")["definitions"]["Transaction"]["example"]
    assert not is_refund(example)
    parsed = parse_refund(example)  # breakdowns written as {"breakdowns": [...]}
    assert parsed.breakdowns[0].breakdown_type == "Sales"
    assert parsed.items[0].amounts() == {"item": Decimal("10")}
    raw = _refund_transaction()
    raw["items"][0]["breakdowns"] = None
    raw["items"][0]["relatedIdentifiers"] = None
    refund = parse_refund(raw)
    assert refund.items[0].amounts() == {}
    assert refund.amounts() == {"other": Decimal("-23.79")}  # transaction level


def test_transactions_page_refunds():
    page = TransactionsPage.from_api(
        {
            "payload": {
                "transactions": [_refund_transaction(), {"transactionType": "Shipment"}]
            }
        }
    )
    assert [r.transaction_id for r in page.refunds()] == ["tx-refund-1"]
    for bad in ({"payload": {"transactions": {}}}, {"payload": []}, []):
        with pytest.raises(InvalidResponse):
            TransactionsPage.from_api(bad)


@pytest.mark.parametrize(
    "path, kind",
    [
        (("Sales", "Product Charges", "Principle"), "item"),
        (("Tax",), "item_tax"),
        (("Shipping", "VAT"), "shipping_tax"),
        (("Shipping", "Tax", "Extra"), "shipping_tax"),
        (("Mystery",), "other"),
        (("Gift Wrap", "Mystery"), "gift_wrap"),
    ],
)
def test_breakdown_kind(path, kind):
    assert breakdown_kind(path) == kind


def test_refund_bad_amounts():
    raw = _refund_transaction()
    raw["totalAmount"] = _money("12,50")
    with pytest.raises(InvalidResponse) as info:
        parse_refund(raw)
    assert "tx-refund-1" in str(info.value)
    raw["totalAmount"] = _money(True)
    with pytest.raises(InvalidResponse):
        parse_refund(raw)


# -- Document host rule -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://tortuga-prod-eu.s3-eu-west-1.amazonaws.com/doc?X-Amz-Signature=1",
        "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc",
        "HTTPS://TORTUGA-PROD-FE.S3-US-WEST-2.AMAZONAWS.COM/doc",
    ],
)
def test_amazon_document_hosts_accepted(url):
    assert _documents.check_document_url(url) == url
    assert _documents.custom_origin(None) is None
    assert _documents.custom_origin("https://sellingpartnerapi-eu.amazon.com/") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://tortuga-prod-eu.s3-eu-west-1.amazonaws.com/doc",
        "https://amazonaws.com.evil.example/doc",
        "https://evil.example/x.amazonaws.com/doc",
        "https://evil.example?h=x.amazonaws.com",
        "https://x.amazonaws.com@evil.example/doc",
        "https://user@x.amazonaws.com/doc",
        "https://x.amazonaws.com./doc",
        "https://sellingpartnerapi-eu.amazon.com/doc",
        "https://127.0.0.1/doc",
        "//x.amazonaws.com/doc",
        "",
        None,
    ],
)
def test_other_hosts_refused(url):
    with pytest.raises(DocumentUrlRefused) as info:
        _documents.check_document_url(url)
    assert "Signature" not in str(info.value)


def test_custom_endpoint_origin_is_exact():
    origin = _documents.custom_origin("http://127.0.0.1:8000")
    assert _documents.check_document_url("http://127.0.0.1:8000/d", origin)
    for url in (
        "https://127.0.0.1:8000/d",
        "http://127.0.0.1:8001/d",
        "http://localhost:8000/d",
        "https://tortuga-prod-eu.s3-eu-west-1.amazonaws.com/d",
        "http://127.0.0.1:99999/d",
    ):
        with pytest.raises(DocumentUrlRefused):
            _documents.check_document_url(url, origin)
    https = _documents.custom_origin("https://sim.example")
    assert _documents.check_document_url("https://sim.example:443/d", https)


def test_gunzip_limits():
    data = gzip.compress(b"a" * 5000)
    assert _documents.gunzip(data, limit=5000) == b"a" * 5000
    with pytest.raises(InvalidResponse):
        _documents.gunzip(data, limit=4999)
    with pytest.raises(InvalidResponse):
        _documents.gunzip(b"plain text")
    with pytest.raises(InvalidResponse):
        _documents.gunzip(data[:-8])
    assert _documents.content_bytes(bytearray(b"x")) == b"x"
