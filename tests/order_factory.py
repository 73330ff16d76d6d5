# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hand-made Orders API v2026-01-01 orders with known amounts, for tests.

Money follows the simulator's conventions (see simulator/README.md): net
charges, TAX with per-charge details, negative DISCOUNT.
"""

import importlib
from decimal import Decimal

money_mod = importlib.import_module(
    "odoo.addons.amazon_seller_connector.simulator.money"
)

MARKETPLACE_IDS = {
    "DE": "A1PA6795UKMFR9",
    "FR": "A13V1IB3VIYZZH",
    "PL": "A1C3SOZRARQ6R3",
    "BE": "AMEN7PMS3EDWL",
}


def item(
    sku,
    price,
    quantity=1,
    rate=19,
    shipping=0,
    shipping_discount=0,
    promotion=0,
    gift_wrap=0,
    gift_message=None,
    cod=0,
    currency="EUR",
    item_id=None,
    title=None,
):
    """One orderItem; amounts are gross (VAT included) as the buyer saw them."""
    charges = {
        "ITEM": Decimal(str(price)) * quantity,
        "SHIPPING": Decimal(str(shipping)),
        "GIFT_WRAP": Decimal(str(gift_wrap)),
        "COD_FEE": Decimal(str(cod)),
    }
    discounts = {
        "ITEM": Decimal(str(promotion)),
        "SHIPPING": Decimal(str(shipping_discount)),
    }
    result = {
        "orderItemId": item_id or f"IT-{sku}-{quantity}",
        "quantityOrdered": quantity,
        "product": {
            "asin": "B000TEST00",
            "title": title or f"Artikel {sku}",
            "sellerSku": sku,
            "price": {"unitPrice": money_mod.money(price, currency)},
        },
        "proceeds": money_mod.item_proceeds(charges, discounts, rate, currency),
        "fulfillment": {"quantityFulfilled": 0, "quantityUnfulfilled": quantity},
    }
    if promotion:
        result["promotion"] = {"breakdowns": [{"promotionId": "PROMO-10"}]}
    if gift_wrap or gift_message:
        result["fulfillment"]["packing"] = {
            "giftOption": {"giftMessage": gift_message, "giftWrapLevel": "Classic"}
        }
    return result


def order(
    order_id,
    items,
    status="UNSHIPPED",
    fulfilled_by="MERCHANT",
    marketplace="DE",
    currency="EUR",
    name="Erika Mustermann",
    street="Musterstraße 12a",
    zip_code="10115",
    city="Berlin",
    country="DE",
    email="erika123@marketplace.amazon.de",
    company=None,
    vat=None,
    updated="2026-11-20T10:00:00Z",
    phone=None,
):
    result = {
        "orderId": order_id,
        "createdTime": "2026-11-20T09:00:00Z",
        "lastUpdatedTime": updated,
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": MARKETPLACE_IDS[marketplace],
            "marketplaceName": f"Amazon.{marketplace.lower()}",
        },
        "buyer": {"buyerName": name, "buyerEmail": email},
        "recipient": {
            "deliveryAddress": {
                "name": name,
                "addressLine1": street,
                "city": city,
                "postalCode": zip_code,
                "countryCode": country,
                "addressType": "COMMERCIAL" if company else "RESIDENTIAL",
            }
        },
        "fulfillment": {"fulfillmentStatus": status, "fulfilledBy": fulfilled_by},
        "orderItems": items,
    }
    if status == "SHIPPED":  # Amazon counts what left the warehouse
        for line in items:
            quantity = line["quantityOrdered"]
            line["fulfillment"].update(
                quantityFulfilled=quantity, quantityUnfulfilled=0
            )
    if phone:
        result["recipient"]["deliveryAddress"]["phone"] = phone
    if company:
        result["buyer"]["buyerCompanyName"] = company
        result["recipient"]["deliveryAddress"]["companyName"] = company
        result["programs"] = ["AMAZON_BUSINESS"]
    if vat:
        result["tax"] = {
            "taxRegistrations": [
                {
                    "entityType": "BUYER",
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": vat,
                    "legalName": company,
                }
            ]
        }
    if status not in ("PENDING", "CANCELLED"):
        result["proceeds"] = money_mod.order_proceeds(items, currency)
    else:
        for line in items:
            line.pop("proceeds", None)
    return result


def sample_orders():
    """Every order of Amazon's official v2026-01-01 examples (tests/data)."""
    import json
    from pathlib import Path

    orders = {}
    for path in sorted((Path(__file__).parent / "data").glob("v2026_*.json")):
        data = json.loads(path.read_text())
        data = data.get("response", data) if isinstance(data, dict) else data
        found = data.get("orders") or ([data["order"]] if data.get("order") else [])
        for payload in found:
            orders.setdefault(payload["orderId"], payload)
    return list(orders.values())
