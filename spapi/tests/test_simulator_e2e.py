"""End-to-end: the client and parser against the offline simulator."""

from decimal import Decimal

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


# -- outbound operations -------------------------------------------------------


def _shortly_before_now():
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone.utc) - timedelta(minutes=5)


def _merchant_orders(client, status="UNSHIPPED"):
    return [
        o
        for o in all_orders(client)
        if o.fulfilled_by == "MERCHANT" and o.fulfillment_status == status and o.lines
    ]


def test_confirm_shipment_and_its_retry(sim, client):
    from spapi.errors import RequestError
    from spapi.shipments import is_already_confirmed, package_detail

    order = _merchant_orders(client)[0]
    detail = package_detail(
        1,
        "DHL",
        "00340434161094042557",
        _shortly_before_now(),
        [(line.order_item_id, line.quantity) for line in order.lines],
    )
    assert client.confirm_shipment(order.order_id, DE, detail, max_retries=0) is None
    try:  # the caller's queue retries after a lost answer
        client.confirm_shipment(order.order_id, DE, detail, max_retries=0)
    except RequestError as err:
        assert is_already_confirmed(err), err
    mine = [c for c in sim.confirmations() if c.get("orderId") == order.order_id]
    assert mine


def test_untracked_letter_through_the_fulfilment_feed(sim, client):
    from spapi.feeds import XML_CONTENT_TYPE, parse_xml_report
    from spapi.shipments import FULFILMENT_FEED_TYPE, OrderFulfilment, fulfilment_feed

    order = _merchant_orders(client)[-1]
    xml = fulfilment_feed(
        DEFAULTS["seller_id"],
        [
            OrderFulfilment(
                order.order_id,
                _shortly_before_now(),
                carrier_code="Deutsche Post",
                shipping_method="Großbrief",
                items=tuple((ln.order_item_id, ln.quantity) for ln in order.lines),
            )
        ],
    )
    feed_id = client.submit_feed(FULFILMENT_FEED_TYPE, [DE], xml, XML_CONTENT_TYPE)
    sim.process_feeds()
    feed = client.get_feed(feed_id)
    assert feed.done and feed.result_document_id
    report = parse_xml_report(client.get_feed_document(feed.result_document_id))
    assert report.succeeded(1), report.results


def test_listings_patch_and_json_feed(sim, client):
    from spapi.feeds import (
        JSON_CONTENT_TYPE,
        LISTINGS_FEED_TYPE,
        QuantityUpdate,
        encode_json,
        parse_listings_report,
        quantity_feed,
    )
    from spapi.listings import quantity_patches

    seller = DEFAULTS["seller_id"]
    page = next(client.search_listings_items(seller, [DE], page_size=20))
    merchant = [i for i in page.items if i.is_merchant_fulfilled and i.product_type]
    item = merchant[0]
    result = client.patch_listings_item(
        seller, item.sku, [DE], item.product_type, quantity_patches(7, 2)
    )
    assert result["status"] == "ACCEPTED", result
    assert client.get_listings_item(seller, item.sku, [DE]).quantity() == 7
    other = merchant[1]
    document = quantity_feed(seller, [QuantityUpdate(other.sku, other.product_type, 3)])
    feed_id = client.submit_feed(
        LISTINGS_FEED_TYPE, [DE], encode_json(document), JSON_CONTENT_TYPE
    )
    sim.process_feeds()
    feed = client.get_feed(feed_id)
    report = parse_listings_report(client.get_feed_document(feed.result_document_id))
    assert report.accepted(1), report.issues
    assert client.get_listings_item(seller, other.sku, [DE]).quantity() == 3


def test_refund_transactions(sim, client):
    from spapi.finances import TransactionsPage

    order = _merchant_orders(client, "SHIPPED")[0]
    posted = sim.add_refund(order.order_id, restocking_fee="2.50")
    pages = list(
        client.list_transactions(
            None,
            related_identifier_name="ORDER_ID",
            related_identifier_value=order.order_id,
        )
    )
    refunds = [r for p in pages for r in TransactionsPage.refunds(p)]
    assert {r.order_id for r in refunds} == {order.order_id}
    (refund,) = (r for r in refunds if r.transaction_id == posted["transactionId"])
    assert refund.total < 0 and refund.amount("restocking_fee") == Decimal("2.50")
    assert refund.refund_id and refund.posted
    for item in refund.items:
        assert item.sku and sum(item.amounts().values()) == item.total


def test_report_document(sim, client):
    report_id = client.create_report("GET_MERCHANT_LISTINGS_ALL_DATA", [DE])
    sim.process_reports()
    report = client.get_report(report_id)
    assert report.done
    assert b"seller-sku" in client.get_report_document(report.document_id)


def test_vat_invoice_feed(sim, client):
    from spapi.feeds import PDF_CONTENT_TYPE, VAT_INVOICE_FEED_TYPE, vat_invoice_options

    order = _merchant_orders(client, "SHIPPED")[-1]
    options = vat_invoice_options(
        invoice_number="RE-2026-1", order_id=order.order_id, total_amount=order.total()
    )
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    feed_id = client.submit_feed(
        VAT_INVOICE_FEED_TYPE, [DE], pdf, PDF_CONTENT_TYPE, options
    )
    sim.process_feeds()
    assert client.get_feed(feed_id).finished
