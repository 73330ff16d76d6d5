"""Shipment confirmations: Orders API v0 ``confirmShipment`` and the order
fulfilment feed share these rules and state changes."""

import re
import threading

from .bodies import checked, json_body
from .orders_api import ApiError
from .schema import CONFIRM_SHIPMENT
from .timeutil import iso, parse_iso

WAREHOUSE = {
    "name": "Simulator Handel GmbH",
    "addressLine1": "Lagerstraße 1",
    "city": "Kassel",
    "postalCode": "34117",
    "countryCode": "DE",
}
# MWS amzn-base.xsd CarrierCode list plus newer Seller Central carriers
CARRIER_CODES = frozenset(
    (
        "USPS", "UPS", "UPSMI", "FedEx", "DHL", "Fastway", "GLS", "GO!",
        "Hermes Logistik Gruppe", "Hermes", "Royal Mail", "Parcelforce",
        "City Link", "TNT", "Target", "SagawaExpress", "NipponExpress",
        "YamatoTransport", "DHL Global Mail", "UPS Mail Innovations",
        "FedEx SmartPost", "OSM", "OnTrac", "Streamlite", "Newgistics",
        "Canada Post", "Blue Package", "Chronopost", "Deutsche Post", "DPD",
        "La Poste", "Parcelnet", "Poste Italiane", "SDA", "Smartmail",
        "FEDEX_JP", "JP_EXPRESS", "NITTSU", "SAGAWA", "YAMATO", "BlueDart",
        "AFL/Fedex", "Aramex", "India Post", "Professional", "DTDC",
        "Overnite Express", "First Flight", "Delhivery", "Lasership", "Yodel",
        "Amazon Shipping", "DHL eCommerce", "DHL Express", "SEUR", "Correos",
        "BRT", "InPost", "PostNL", "Colissimo", "Evri", "Other",
    )
)  # fmt: skip
# parcel carriers whose shipments need a tracking number in the fulfilment feed
TRACKED_CARRIERS = frozenset(
    (
        "UPS", "FedEx", "DHL", "GLS", "GO!", "Hermes Logistik Gruppe", "Hermes",
        "Parcelforce", "TNT", "DPD", "Yodel", "DHL Express", "SEUR", "BRT",
        "InPost", "PostNL", "Evri", "Amazon Shipping",
    )
)  # fmt: skip
SHIP_DATE_SLACK = 3600
#: tracking numbers the simulator accepts: 8 to 40 letters, digits and dashes
TRACKING_FORMAT = re.compile(r"^[A-Za-z0-9-]{8,40}$")
ALREADY_FULFILLED = (
    "Failed to create package due to not finding a matching package or order "
    "already fulfilled."
)
ITEM_INVALID = (
    "OrderItemId is invalid, please obtain the value through the getOrderItems "
    "API or Manage Orders page"
)


class ShipmentError(Exception):
    """A rejected confirmation: HTTP status for the API, code for the feed."""

    def __init__(
        self,
        message,
        status=400,
        code="InvalidInput",
        feed_code="18000",
        feed_message=None,
    ):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code
        self.feed_code = feed_code
        self.feed_message = feed_message or message

    def api_error(self):
        return ApiError(self.status, self.code, self.message, "")


def is_cancelled(item):
    return bool((item.get("cancellation") or {}).get("cancellationExecution"))


def item_counts(item):
    """(fulfilled, unfulfilled) of an order item, defaulting to nothing shipped."""
    f = item.get("fulfillment") or {}
    done = f.get("quantityFulfilled", 0)
    return done, f.get("quantityUnfulfilled", item["quantityOrdered"] - done)


class Shipments:
    """Validates confirmations, applies them to the order store, logs them."""

    def __init__(self, store, clock, package_edits=True, carrier_codes=CARRIER_CODES):
        self.store = store
        self.clock = clock
        self.package_edits = package_edits
        self.carrier_codes = carrier_codes
        self._lock = threading.Lock()
        self.log = []

    def reset(self):
        with self._lock:
            self.log.clear()

    def confirmations(self):
        with self._lock:
            return [dict(entry) for entry in self.log]

    # -- confirmShipment ----------------------------------------------------
    def confirm_api(self, order_id, request, strict=False):
        """Handle one confirmShipment call; returns None (204) or raises ApiError."""
        entry = {"source": "confirmShipment", "orderId": order_id}
        try:
            body = json_body(request)
            entry["request"] = body
            clean, ignored = checked(CONFIRM_SHIPMENT, body, strict)
            entry["request"], entry["ignoredFields"] = clean, ignored
            detail = clean["packageDetail"]
            shipment = {
                "marketplaceId": clean["marketplaceId"],
                "packageReferenceId": detail["packageReferenceId"],
                "carrierCode": detail["carrierCode"],
                "carrierName": detail.get("carrierName"),
                "shippingMethod": detail.get("shippingMethod"),
                "trackingNumber": detail["trackingNumber"],
                "shipDate": detail["shipDate"],
                "items": [
                    (i["orderItemId"], i["quantity"], i.get("transparencyCodes"))
                    for i in detail["orderItems"]
                ],
                "requireTracking": True,
            }
            entry["packageReferenceId"] = self.apply(order_id, shipment)
        except ShipmentError as exc:
            self._record(entry, exc)
            raise exc.api_error() from None
        except ApiError as exc:
            self._record(entry, exc)
            raise
        self._record(entry, None)

    def _record(self, entry, exc):
        entry["time"] = iso(self.clock())
        entry["accepted"] = exc is None
        if isinstance(exc, ShipmentError):
            entry["error"] = {"code": exc.code, "message": exc.message}
        elif isinstance(exc, ApiError):
            entry["error"] = dict(exc.error)
        else:
            entry["error"] = None
        with self._lock:
            self.log.append(entry)

    def record_feed(self, entry, exc):
        self._record(entry, exc)

    # -- shared rules -------------------------------------------------------
    def apply(self, order_id, shipment, stamp=None):
        """Validate ``shipment`` against the order and apply it; returns the
        package reference. ``items`` None = every unshipped unit; an item
        quantity None = all of that item's unshipped units."""
        now = self.clock() if stamp is None else stamp
        try:
            return self.store.mutate(
                order_id, lambda order: self._ship(order, shipment, now), stamp
            )
        except KeyError:
            raise ShipmentError(
                f"The order {order_id} was not found.",
                404,
                "NotFound",
                "18028",
                "Invalid OrderID or AmazonOrderID",
            ) from None

    def _ship(self, order, shipment, now):
        self._check_order(order, shipment)
        self._check_package(order, shipment, now)
        packages = order.setdefault("packages", [])
        ref = shipment.get("packageReferenceId")
        old = next((p for p in packages if p["packageReferenceId"] == ref), None)
        if old is not None and not self.package_edits:
            raise ShipmentError(
                f"A package with packageReferenceId {ref} has already been "
                f"confirmed for order {order['orderId']}.",
                feed_code="18030",
            )
        items = {i["orderItemId"]: i for i in order.get("orderItems", [])}
        if old is None and all(
            item_counts(i)[1] <= 0 for i in items.values() if not is_cancelled(i)
        ):
            raise ShipmentError(ALREADY_FULFILLED, feed_code="18038")
        if old is not None:  # an edit: the old package's units are unshipped again
            for line in old.get("packageItems", []):
                _move(items.get(line["orderItemId"]), -line["quantity"])
        lines = self._lines(items, shipment)
        for item_id, qty, _ in lines:
            _move(items[item_id], qty)
        if ref is None:
            ref = _next_reference(packages)
        package = _package(ref, shipment, lines, now)
        if old is not None:
            package["createdTime"] = old.get("createdTime", package["createdTime"])
            packages[packages.index(old)] = package
        else:
            packages.append(package)
        _update_status(order)
        return ref

    def _check_order(self, order, shipment):
        oid = order["orderId"]
        fulfillment = order.get("fulfillment") or {}
        market = (order.get("salesChannel") or {}).get("marketplaceId")
        if shipment.get("marketplaceId") and shipment["marketplaceId"] != market:
            raise ShipmentError(
                f"The marketplaceId {shipment['marketplaceId']} does not match the "
                f"marketplace of order {oid}.",
                feed_code="18029",
            )
        if fulfillment.get("fulfilledBy") == "AMAZON":
            raise ShipmentError(
                f"The order {oid} is fulfilled by Amazon; only merchant-fulfilled "
                "orders can be confirmed.",
                feed_code="18031",
            )
        status = fulfillment.get("fulfillmentStatus")
        if status == "CANCELLED":
            raise ShipmentError(
                f"The order {oid} has been cancelled and cannot be shipped.",
                feed_code="18032",
            )
        if status in ("PENDING", "PENDING_AVAILABILITY"):
            raise ShipmentError(
                f"The order {oid} is pending and cannot be shipped yet.",
                feed_code="18033",
            )

    def _check_package(self, order, shipment, now):
        ref = shipment.get("packageReferenceId")
        if ref is not None and not (ref.isdigit() and int(ref) > 0):
            raise ShipmentError(
                "PackageReferenceId: is invalid, must be a positive numeric value.",
                feed_code="18034",
            )
        code = shipment.get("carrierCode")
        name = shipment.get("carrierName")
        if not code and not name:
            raise ShipmentError("CarrierCode: is required.", feed_code="18035")
        if code and self.carrier_codes and code not in self.carrier_codes:
            raise ShipmentError(
                f"CarrierCode: is invalid, '{code}' is not a carrier code of the "
                "Seller Central list; use 'Other' with a carrierName.",
                feed_code="18035",
            )
        if code == "Other" and not name:
            raise ShipmentError(
                "CarrierName: is required when CarrierCode is 'Other'.",
                feed_code="18035",
            )
        tracking = (shipment.get("trackingNumber") or "").strip()
        carrier = code if code and code != "Other" else None
        needed = shipment.get("requireTracking") or carrier in TRACKED_CARRIERS
        if needed and not tracking:
            raise ShipmentError(
                "TrackingNumber: is required"
                + (f" for carrier '{carrier}'." if carrier else "."),
                feed_code="18036",
            )
        if tracking and not TRACKING_FORMAT.match(tracking):
            # the simulator's own rule (Amazon checks numbers per carrier)
            raise ShipmentError(
                f"TrackingNumber: is invalid, '{tracking[:40]}' is not a tracking "
                "number of the carrier.",
                feed_code="18039",
            )
        shipped = parse_iso(shipment["shipDate"])
        if shipped < parse_iso(order["createdTime"]):
            raise ShipmentError(
                "ShipDate: is invalid, it is before the order was placed.",
                feed_code="18037",
            )
        if shipped > now + SHIP_DATE_SLACK:
            raise ShipmentError(
                "ShipDate: is invalid, it is in the future.", feed_code="18037"
            )

    @staticmethod
    def _lines(items, shipment):
        requested = shipment.get("items")
        if requested is None:
            requested = [
                (iid, None, None)
                for iid, item in items.items()
                if not is_cancelled(item) and item_counts(item)[1] > 0
            ]
            if not requested:
                raise ShipmentError(
                    "The order has no unshipped items.", feed_code="18038"
                )
        if not requested:
            raise ShipmentError(
                "OrderItems: at least one order item is required.", feed_code="18038"
            )
        totals, codes = {}, {}
        for item_id, qty, transparency in requested:
            item = items.get(item_id)
            if item is None:
                raise ShipmentError(ITEM_INVALID, feed_code="18039")
            if is_cancelled(item):
                raise ShipmentError(
                    f"The order item {item_id} has been cancelled.", feed_code="18040"
                )
            open_units = item_counts(item)[1] - totals.get(item_id, 0)
            qty = open_units if qty is None else qty
            if qty < 1:
                raise ShipmentError(
                    "Quantity: is invalid, must be a positive integer.",
                    feed_code="18041",
                )
            if qty > open_units:
                raise ShipmentError(
                    f"Quantity {qty} for order item {item_id} exceeds the "
                    f"unshipped quantity {open_units}.",
                    feed_code="18042",
                )
            totals[item_id] = totals.get(item_id, 0) + qty
            if transparency:
                codes.setdefault(item_id, []).extend(transparency)
        return [(iid, qty, codes.get(iid)) for iid, qty in totals.items()]


def _move(item, qty):
    """Mark ``qty`` units of ``item`` shipped (negative: unshipped again)."""
    if item is None:
        return
    done, todo = item_counts(item)
    block = item.setdefault("fulfillment", {})
    block["quantityFulfilled"] = done + qty
    block["quantityUnfulfilled"] = todo - qty


def _next_reference(packages):
    numbers = [
        int(p["packageReferenceId"])
        for p in packages
        if p.get("packageReferenceId", "").isdigit()
    ]
    return str(max(numbers, default=0) + 1)


def _package(ref, shipment, lines, now):
    code, name = shipment.get("carrierCode"), shipment.get("carrierName")
    package = {
        "packageReferenceId": ref,
        "createdTime": iso(now),
        "packageStatus": {"status": "SHIPPED"},
        "carrier": name if (code in (None, "Other") and name) else code,
        "shipTime": iso(parse_iso(shipment["shipDate"])),
    }
    if shipment.get("shippingMethod"):
        package["shippingService"] = shipment["shippingMethod"]
    if (shipment.get("trackingNumber") or "").strip():
        package["trackingNumber"] = shipment["trackingNumber"].strip()
    package["shipFromAddress"] = dict(WAREHOUSE)
    package["packageItems"] = []
    for item_id, qty, codes in lines:
        line = {"orderItemId": item_id, "quantity": qty}
        if codes:
            line["transparencyCodes"] = list(codes)
        package["packageItems"].append(line)
    return package


def _update_status(order):
    items = [i for i in order.get("orderItems", []) if not is_cancelled(i)]
    fulfillment = order.setdefault("fulfillment", {})
    if all(item_counts(i)[1] <= 0 for i in items):
        fulfillment["fulfillmentStatus"] = "SHIPPED"
    elif any(item_counts(i)[0] > 0 for i in items):
        fulfillment["fulfillmentStatus"] = "PARTIALLY_SHIPPED"
    else:
        fulfillment["fulfillmentStatus"] = "UNSHIPPED"
