import glob
import json
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from spapi.errors import InvalidResponse
from spapi.orders import AmazonOrder, parse_check

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spapi" / "samples"
DE, PL, SE = "A1PA6795UKMFR9", "A1C3SOZRARQ6R3", "A2NODRKZP88ZB9"


def sample_orders():
    for path in sorted(glob.glob(str(SAMPLES / "v2026_*_200_*.json"))):
        response = json.loads(Path(path).read_text())["response"]
        for raw in response.get("orders") or [response.get("order")]:
            yield pytest.param(raw, id=f"{Path(path).stem}-{raw['orderId']}")


def m(amount, currency="EUR"):
    return {"amount": amount, "currencyCode": currency}


def bd(kind, amount, details=None, currency="EUR"):
    entry = {"type": kind, "subtotal": m(amount, currency)}
    if details:
        entry["detailedBreakdowns"] = [
            {"subtype": sub, "value": m(value, currency)} for sub, value in details
        ]
    return entry


def item(breakdowns, total, qty=1, currency="EUR", **extra):
    raw = {
        "orderItemId": extra.pop("item_id", "10001"),
        "quantityOrdered": qty,
        "product": {"asin": "B000TEST01", "sellerSku": "SKU-1", "title": "Tasse"},
        "proceeds": {"proceedsTotal": m(total, currency), "breakdowns": breakdowns},
    }
    raw.update(extra)
    return raw


def order(items, total, currency="EUR", marketplace=DE, **extra):
    raw = {
        "orderId": "302-0000000-0000001",
        "createdTime": "2026-03-01T10:00:00+02:00",
        "lastUpdatedTime": "2026-03-01T12:00:00Z",
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": marketplace},
        "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "MERCHANT"},
        "proceeds": {"grandTotal": m(total, currency)},
        "orderItems": items,
    }
    raw.update(extra)
    return AmazonOrder.from_api(raw)


def charges(parsed):
    return [(c.kind, c.gross, c.tax) for c in parsed.charges()]


@pytest.mark.parametrize("raw", list(sample_orders()))
def test_official_samples_parse_consistently(raw):
    parsed = AmazonOrder.from_api(raw)
    assert parse_check(parsed) == 0
    assert parsed.total() == D(raw["proceeds"]["grandTotal"]["amount"])
    assert parsed.created.tzinfo is None
    assert parsed.lines and all(line.quantity >= 1 for line in parsed.lines)


def test_official_get_order_example_fields():
    raw = json.loads(
        (SAMPLES / "v2026_getOrder_200_example_application_json.json").read_text()
    )
    parsed = AmazonOrder.from_api(raw["response"]["order"])
    line = parsed.lines[0]
    assert (parsed.order_id, parsed.seller_order_id) == (
        "202-1234567-8901234",
        "UK-MERCHANT-ORDER-2024-001",
    )
    assert parsed.marketplace_id == "A1F83G8C2ARO7P" and parsed.currency == "GBP"
    assert parsed.is_business and parsed.is_prime and not parsed.is_fba
    assert (line.sku, line.asin, line.quantity, line.quantity_shipped) == (
        "ECHO-DOT-4-UK-CHARCOAL-3PACK",
        "B08DFPV54V",
        3,
        3,
    )
    assert line.unit_price == D("29.99") and line.promotion_ids == (
        "UK-BOXING-DAY-2024",
    )
    assert parsed.gift_message.startswith("Happy Christmas")
    assert line.tax_included is False  # TAX is added on top of ITEM/SHIPPING here
    assert charges(parsed) == [
        ("item", D("92.97"), D("3.00")),
        ("shipping", D("11.00"), D("1.00")),
    ]
    address = parsed.shipping_address
    assert (address.street, address.street2, address.zip, address.country_code) == (
        "123 High Street",
        "Unit 4B",
        "M1 2AB",
        "GB",
    )
    assert address.company == "Wilson Electronics Ltd" and address.phone
    assert parsed.buyer.email == "buyer-email@marketplace.amazon.co.uk"
    assert "James" not in repr(parsed.buyer) + repr(address)


def test_fba_flag_and_buyer_vat_from_tax_registration():
    raw = json.loads((SAMPLES / "v2026_searchOrders_200_sandbox1.json").read_text())
    assert AmazonOrder.from_api(raw["response"]["orders"][0]).is_fba
    raw = json.loads((SAMPLES / "v2026_getOrder_200_sandbox2.json").read_text())
    buyer = AmazonOrder.from_api(raw["response"]["order"]).buyer
    assert buyer.vat_id and buyer.vat_type


def test_gross_prices_with_promotion_and_discount_tax():
    tax = [("ITEM", "9.58"), ("SHIPPING", "0.79"), ("DISCOUNT", "-0.80")]
    parsed = order(
        [
            item(
                [
                    bd("ITEM", "59.98"),
                    bd("SHIPPING", "4.99"),
                    bd("DISCOUNT", "-5.00", [("ITEM", "-5.00")]),
                    bd("TAX", "9.57", tax),
                ],
                "59.97",
                qty=2,
                promotion={"breakdowns": [{"promotionId": "SPRING10"}]},
            )
        ],
        "59.97",
    )
    assert parsed.lines[0].tax_included is True
    assert charges(parsed) == [
        ("item", D("59.98"), D("9.58")),
        ("shipping", D("4.99"), D("0.79")),
        ("item_discount", D("-5.00"), D("-0.80")),
    ]
    assert parsed.charges()[-1].description == "Promotion SPRING10"
    assert parse_check(parsed) == 0 and parsed.created == datetime(2026, 3, 1, 8, 0)


@pytest.mark.parametrize("sign", ["", "-"])
def test_shipping_discount_either_sign(sign):
    tax = [("ITEM", "3.19"), ("SHIPPING", "0.80"), ("DISCOUNT", f"{sign}0.80")]
    parsed = order(
        [
            item(
                [
                    bd("ITEM", "16.81"),
                    bd("SHIPPING", "4.20"),
                    bd("DISCOUNT", f"{sign}4.20", [("SHIPPING", f"{sign}4.20")]),
                    bd("TAX", "3.19", tax),
                ],
                "20.00",
            )
        ],
        "20.00",
    )
    assert parsed.lines[0].tax_included is False
    assert charges(parsed) == [
        ("item", D("20.00"), D("3.19")),
        ("shipping", D("5.00"), D("0.80")),
        ("shipping_discount", D("-5.00"), D("-0.80")),
    ]
    assert parse_check(parsed) == 0 and parsed.total() == D("20.00")


def test_gift_wrap_and_cod_fee_in_pln():
    tax = [("ITEM", "18.70"), ("GIFT_WRAP", "1.87"), ("COD_FEE", "0.93")]
    gift = {
        "packing": {"giftOption": {"giftMessage": "Sto lat!", "giftWrapLevel": "X"}}
    }
    breakdowns = [
        bd("ITEM", "100.00", currency="PLN"),
        bd("GIFT_WRAP", "10.00", currency="PLN"),
        bd("COD_FEE", "5.00", currency="PLN"),
        bd("TAX", "21.50", tax, currency="PLN"),
    ]
    parsed = order(
        [item(breakdowns, "115.00", currency="PLN", fulfillment=gift)],
        "115.00",
        currency="PLN",
        marketplace=PL,
    )
    assert parsed.currency == "PLN" and parsed.gift_message == "Sto lat!"
    assert charges(parsed) == [
        ("item", D("100.00"), D("18.70")),
        ("gift_wrap", D("10.00"), D("1.87")),
        ("cod_fee", D("5.00"), D("0.93")),
    ]
    assert parsed.charges()[1].description == "Gift wrap (X)"


def test_multiple_quantities_in_sek():
    breakdowns = [bd("ITEM", "297.00", currency="SEK")]
    breakdowns.append(bd("TAX", "59.40", [("ITEM", "59.40")], currency="SEK"))
    raw_item = item(breakdowns, "297.00", qty=3, currency="SEK")
    raw_item["product"]["price"] = {"unitPrice": m("99.00", "SEK")}
    parsed = order([raw_item], "297.00", currency="SEK", marketplace=SE)
    line = parsed.lines[0]
    assert (line.quantity, line.unit_price, parsed.currency) == (3, D("99.00"), "SEK")
    assert charges(parsed) == [("item", D("297.00"), D("59.40"))]


def test_discount_without_detail_goes_to_item_and_unknown_type_to_other():
    parsed = order(
        [
            item(
                [bd("ITEM", "50.00"), bd("DISCOUNT", "5.00"), bd("NEW", "1.00")],
                "46.00",
            )
        ],
        "46.00",
    )
    assert charges(parsed) == [
        ("item", D("50.00"), D(0)),
        ("other", D("1.00"), D(0)),
        ("item_discount", D("-5.00"), D(0)),
    ]


def test_pending_order_without_optional_blocks():
    raw = {
        "orderId": "302-0000000-0000009",
        "createdTime": "2026-03-01T10:00:00Z",
        "lastUpdatedTime": "2026-03-01T10:00:00Z",
        "salesChannel": {"channelName": "AMAZON"},
        "orderItems": [{"orderItemId": "1", "quantityOrdered": 1, "product": {}}],
    }
    parsed = AmazonOrder.from_api(raw)
    assert parsed.buyer is None and parsed.shipping_address is None
    assert not parsed.priced and parsed.charges() == [] and parse_check(parsed) == 0
    assert parsed.total() == 0 and parsed.lines[0].sku is None


def test_inconsistent_totals_are_reported():
    parsed = order([item([bd("ITEM", "10.00")], "10.00")], "12.00")
    assert parse_check(parsed) == D("-2.00")


@pytest.mark.parametrize(
    "change",
    [
        {"orderItems": None},
        {"createdTime": "yesterday"},
        {"proceeds": {"grandTotal": {"amount": "abc", "currencyCode": "EUR"}}},
        {"orderItems": [{"quantityOrdered": 1}]},
        {"orderItems": [{"orderItemId": "1", "quantityOrdered": "x"}]},
        {"salesChannel": "DE"},
    ],
)
def test_unreadable_shapes_raise_with_order_id(change):
    raw = {
        "orderId": "302-0000000-0000042",
        "createdTime": "2026-03-01T10:00:00Z",
        "lastUpdatedTime": "2026-03-01T10:00:00Z",
        "salesChannel": {"channelName": "AMAZON"},
        "orderItems": [],
    }
    raw.update(change)
    with pytest.raises(InvalidResponse) as info:
        AmazonOrder.from_api(raw)
    assert "302-0000000-0000042" in str(info.value)


def test_not_an_order():
    with pytest.raises(InvalidResponse):
        AmazonOrder.from_api(["nope"])
