"""Shipment confirmation: confirmShipment bodies, its refusals, the XML feed.

* :func:`package_detail` builds the ``PackageDetail`` of Orders v0
  confirmShipment (tracked parcels: ``trackingNumber`` is required there).
* :func:`is_already_confirmed` reads a confirmShipment 400 as "already
  recorded" so that a retried confirmation counts as done.
* :func:`fulfilment_feed` builds a ``POST_ORDER_FULFILLMENT_DATA`` document
  (OrderFulfillment.xsd), the way to confirm *untracked* shipments (letters):
  ``ShipperTrackingNumber`` is optional there. Its processing report is read
  by :func:`spapi.feeds.parse_xml_report`; message ``n`` is the ``n``-th
  fulfilment given.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ._params import format_date
from .const import CONFIRM_ALREADY_DONE_PATTERNS
from .errors import RequestError

FULFILMENT_FEED_TYPE = "POST_ORDER_FULFILLMENT_DATA"
OTHER_CARRIER = "Other"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_POSITIVE_NUMBER = re.compile(r"^[1-9][0-9]*$")

__all__ = [
    "FULFILMENT_FEED_TYPE",
    "OrderFulfilment",
    "ShipmentItem",
    "fulfilment_feed",
    "is_already_confirmed",
    "package_detail",
]


@dataclass(frozen=True)
class ShipmentItem:
    order_item_id: str
    quantity: int


def _items(items):
    result = []
    for item in items:
        if not isinstance(item, ShipmentItem):
            item = ShipmentItem(*item)
        if not isinstance(item.order_item_id, str) or not item.order_item_id:
            raise ValueError("order item id must be a non-empty string")
        qty = item.quantity
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
            raise ValueError(f"item {item.order_item_id}: quantity must be >= 1")
        result.append(item)
    return result


def _carrier(carrier_code, carrier_name):
    if not carrier_code and not carrier_name:
        raise ValueError("carrier_code or carrier_name is required")
    if carrier_code == OTHER_CARRIER and not carrier_name:
        raise ValueError('carrier_name is required with carrier_code "Other"')


def package_detail(
    package_reference_id,
    carrier_code,
    tracking_number,
    ship_date,
    items,
    *,
    carrier_name=None,
    shipping_method=None,
    ship_from_supply_source_id=None,
):
    """``PackageDetail`` of confirmShipment (ordersV0.json).

    ``package_reference_id``: positive number, unique per order (sent as a
    string: a JSON number is refused). ``carrier_code``: Seller Central's
    spelling, or ``"Other"`` with ``carrier_name``. ``ship_date``: datetime
    (naive = UTC) or ISO string. ``items``: ``ShipmentItem`` or
    ``(order_item_id, quantity)`` pairs.
    """
    reference = str(package_reference_id).strip()
    if not _POSITIVE_NUMBER.match(reference):
        raise ValueError("package_reference_id must be a positive number")
    if not carrier_code:
        raise ValueError("carrier_code is required for confirmShipment")
    _carrier(carrier_code, carrier_name)
    if not isinstance(tracking_number, str) or not tracking_number.strip():
        raise ValueError(
            "confirmShipment requires a tracking number: use the order "
            "fulfilment feed for untracked shipments"
        )
    lines = _items(items)
    if not lines:
        raise ValueError("at least one order item is required")
    detail = {
        "packageReferenceId": reference,
        "carrierCode": carrier_code,
        "trackingNumber": tracking_number.strip(),
        "shipDate": format_date(ship_date),
        "orderItems": [
            {"orderItemId": i.order_item_id, "quantity": i.quantity} for i in lines
        ],
    }
    optional = {
        "carrierName": carrier_name,
        "shippingMethod": shipping_method,
        "shipFromSupplySourceId": ship_from_supply_source_id,
    }
    detail.update({k: val for k, val in optional.items() if val})
    return detail


def is_already_confirmed(err):
    """True if a confirmShipment error means "this package is already there".

    A 400 whose message or details contain one of
    :data:`~spapi.const.CONFIRM_ALREADY_DONE_PATTERNS` (case-insensitive).
    Amazon documents no such error, so the caller should still read the
    order's ``packages`` back (Orders v2026 ``includedData=PACKAGES``) when in
    doubt.
    """
    if not isinstance(err, RequestError) or err.status != 400:
        return False
    texts = [err.message or ""]
    texts += [part or "" for entry in err.errors for part in entry[1:]]
    haystack = " ".join(texts).lower()
    return any(pattern in haystack for pattern in CONFIRM_ALREADY_DONE_PATTERNS)


# -- POST_ORDER_FULFILLMENT_DATA ----------------------------------------------


@dataclass(frozen=True)
class OrderFulfilment:
    """One ``OrderFulfillment`` message (one package of an order)."""

    order_id: str
    fulfillment_date: object  # datetime (naive = UTC) or ISO string
    carrier_code: str | None = None  # Seller Central spelling, or "Other"
    carrier_name: str | None = None
    shipping_method: str | None = None  # e.g. "Großbrief", as in Seller Central
    tracking_number: str | None = None  # omitted for untracked shipments
    items: tuple = ()  # ShipmentItem / (order_item_id, quantity); () = whole order


def _sub(parent, tag, text):
    if _BAD_XML_CHARS.search(text):
        raise ValueError(f"{tag}: control characters are not allowed in XML")
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _fulfilment_message(envelope, message_id, ful):
    if not isinstance(ful.order_id, str) or not ful.order_id.strip():
        raise ValueError("fulfilment without order id")
    _carrier(ful.carrier_code, ful.carrier_name)
    message = ET.SubElement(envelope, "Message")
    _sub(message, "MessageID", str(message_id))
    body = ET.SubElement(message, "OrderFulfillment")
    _sub(body, "AmazonOrderID", ful.order_id.strip())
    _sub(body, "FulfillmentDate", format_date(ful.fulfillment_date))
    data = ET.SubElement(body, "FulfillmentData")
    if ful.carrier_code:
        _sub(data, "CarrierCode", ful.carrier_code)
    if ful.carrier_name:
        _sub(data, "CarrierName", ful.carrier_name)
    if ful.shipping_method:
        _sub(data, "ShippingMethod", ful.shipping_method)
    if ful.tracking_number:
        _sub(data, "ShipperTrackingNumber", ful.tracking_number)
    for item in _items(ful.items):
        element = ET.SubElement(body, "Item")
        _sub(element, "AmazonOrderItemCode", item.order_item_id)
        _sub(element, "Quantity", str(item.quantity))


def fulfilment_feed(merchant_id, fulfilments):
    """``POST_ORDER_FULFILLMENT_DATA`` XML (UTF-8 bytes), messages 1..n.

    Upload with content type :data:`spapi.feeds.XML_CONTENT_TYPE`.
    """
    if not isinstance(merchant_id, str) or not merchant_id.strip():
        raise ValueError("merchant_id (seller id) is required")
    fulfilments = list(fulfilments)
    if not fulfilments:
        raise ValueError("at least one fulfilment is required")
    envelope = ET.Element(
        "AmazonEnvelope", {f"{{{_XSI}}}noNamespaceSchemaLocation": "amzn-envelope.xsd"}
    )
    header = ET.SubElement(envelope, "Header")
    _sub(header, "DocumentVersion", "1.01")
    _sub(header, "MerchantIdentifier", merchant_id.strip())
    _sub(envelope, "MessageType", "OrderFulfillment")
    for message_id, fulfilment in enumerate(fulfilments, 1):
        _fulfilment_message(envelope, message_id, fulfilment)
    ET.indent(envelope)
    body = ET.tostring(envelope, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
