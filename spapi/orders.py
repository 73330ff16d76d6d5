"""Orders API v2026-01-01 payloads -> frozen dataclasses with Decimal money.

Datetimes are **naive UTC** (what Odoo stores in ``fields.Datetime``).
Money is ``Decimal``; every charge is gross (VAT included) with its VAT, see
:mod:`spapi.charges` for how tax inclusion and discount signs are read.
Optional blocks (buyer, recipient, proceeds, ...) may be absent: the fields
are then None/empty and ``priced`` is False for lines without proceeds.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from . import charges as ch
from .charges import Charge
from .const import MARKETPLACES_BY_ID
from .errors import InvalidResponse
from .order_lines import AmazonOrderLine, _dict, parse_datetime
from .parties import Address, Buyer

NET_PRICE_COUNTRIES = frozenset({"US", "CA"})

__all__ = ["AmazonOrder", "AmazonOrderLine", "AmazonPackage", "Charge", "parse_check"]


@dataclass(frozen=True)
class AmazonPackage:
    """A package Amazon holds for the order (``includedData=PACKAGES``)."""

    reference: str | None
    carrier: str | None
    shipping_service: str | None
    tracking_number: str | None
    ship_time: datetime | None
    status: str | None
    items: tuple  # of (order item id, quantity)

    @classmethod
    def from_api(cls, raw, order_id):
        if not isinstance(raw, dict):
            raise InvalidResponse(f"order {order_id}: package is not an object")
        status = raw.get("packageStatus")
        items = tuple(
            (str(item.get("orderItemId")), int(item.get("quantity") or 0))
            for item in raw.get("packageItems") or ()
            if isinstance(item, dict) and item.get("orderItemId")
        )
        return cls(
            reference=raw.get("packageReferenceId"),
            carrier=raw.get("carrier"),
            shipping_service=raw.get("shippingService"),
            tracking_number=raw.get("trackingNumber") or None,
            ship_time=parse_datetime(raw.get("shipTime"), order_id)
            if raw.get("shipTime")
            else None,
            status=status.get("status") if isinstance(status, dict) else None,
            items=items,
        )


@dataclass(frozen=True)
class AmazonOrder:
    order_id: str
    seller_order_id: str | None
    marketplace_id: str | None
    marketplace_name: str | None
    sales_channel: str | None
    created: datetime  # naive UTC; v2026 has no separate purchase date
    last_updated: datetime  # naive UTC
    fulfillment_status: str | None  # PENDING, UNSHIPPED, SHIPPED, ...
    fulfilled_by: str | None  # AMAZON (FBA) or MERCHANT (FBM)
    service_level: str | None
    earliest_ship_date: datetime | None
    latest_ship_date: datetime | None
    latest_delivery_date: datetime | None
    programs: tuple
    buyer: Buyer | None
    shipping_address: Address | None
    currency: str | None
    grand_total: Decimal | None  # Amazon's proceeds.grandTotal
    lines: tuple  # of AmazonOrderLine
    order_charges: tuple  # order-level charges (DELIVERY_TIP, ...)
    packages: tuple = ()  # of AmazonPackage (includedData=PACKAGES)

    @property
    def purchase_date(self):
        return self.created

    @property
    def is_fba(self):
        return self.fulfilled_by == "AMAZON"

    @property
    def is_business(self):
        return "AMAZON_BUSINESS" in self.programs or any(
            line.business_price for line in self.lines
        )

    @property
    def is_prime(self):
        return "PRIME" in self.programs

    @property
    def priced(self):
        return self.grand_total is not None or any(ln.priced for ln in self.lines)

    @property
    def buyer_cancellation_requested(self):
        """True when the buyer asked to cancel an item (before shipping)."""
        return any(line.cancel_requester == "BUYER" for line in self.lines)

    @property
    def gift_wrap(self):
        levels = [ln.gift_wrap_level for ln in self.lines if ln.gift_wrap_level]
        return ", ".join(dict.fromkeys(levels)) or None

    @property
    def tracking_numbers(self):
        return tuple(p.tracking_number for p in self.packages if p.tracking_number)

    @property
    def gift_message(self):
        messages = [ln.gift_message for ln in self.lines if ln.gift_message]
        return "\n".join(dict.fromkeys(messages)) or None

    @classmethod
    def from_api(cls, raw):
        """Parse one v2026 order; every shape it cannot read raises
        InvalidResponse naming the order (never the data)."""
        if not isinstance(raw, dict) or not raw.get("orderId"):
            raise InvalidResponse("order without orderId")
        oid = str(raw["orderId"])[:64]
        try:
            return cls._from_api(raw, oid)
        except InvalidResponse:
            raise
        except (
            AttributeError,
            TypeError,
            KeyError,
            IndexError,
            ValueError,
            ArithmeticError,
        ):
            # a value of another type than the model says somewhere inside
            raise InvalidResponse(f"order {oid}: unexpected structure") from None

    @classmethod
    def _from_api(cls, raw, oid):
        items = raw.get("orderItems")
        if not isinstance(items, list):
            raise InvalidResponse(f"order {oid}: orderItems missing")
        channel = _dict(raw.get("salesChannel"), oid, "salesChannel")
        fulfil = _dict(raw.get("fulfillment"), oid, "fulfillment")
        proceeds = _dict(raw.get("proceeds"), oid, "proceeds")
        market = MARKETPLACES_BY_ID.get(channel.get("marketplaceId"))
        default_included = not (market and market.country in NET_PRICE_COUNTRIES)
        lines = tuple(
            AmazonOrderLine.from_api(item, oid, default_included) for item in items
        )
        recipient = _dict(raw.get("recipient"), oid, "recipient")
        return cls(
            order_id=oid,
            seller_order_id=_alias(raw, "SELLER_ORDER_ID"),
            marketplace_id=channel.get("marketplaceId"),
            marketplace_name=channel.get("marketplaceName"),
            sales_channel=channel.get("channelName"),
            created=parse_datetime(raw.get("createdTime"), oid, required=True),
            last_updated=parse_datetime(raw.get("lastUpdatedTime"), oid, required=True),
            fulfillment_status=fulfil.get("fulfillmentStatus"),
            fulfilled_by=fulfil.get("fulfilledBy"),
            service_level=fulfil.get("fulfillmentServiceLevel"),
            earliest_ship_date=_window_start(fulfil.get("shipByWindow"), oid),
            latest_ship_date=_window_end(fulfil.get("shipByWindow"), oid),
            latest_delivery_date=_window_end(fulfil.get("deliverByWindow"), oid),
            programs=tuple(raw.get("programs") or ()),
            buyer=Buyer.from_api(raw.get("buyer"), raw.get("tax")),
            shipping_address=Address.from_api(recipient.get("deliveryAddress")),
            currency=_currency(proceeds, items, market),
            grand_total=ch.money(proceeds.get("grandTotal"), oid),
            lines=lines,
            order_charges=tuple(_order_charges(proceeds, lines, oid)),
            packages=tuple(
                AmazonPackage.from_api(package, oid)
                for package in raw.get("packages") or ()
            ),
        )

    def charges(self):
        """Every charge (line charges in line order, then order-level ones)."""
        result = [c for line in self.lines for c in line.charges]
        return result + list(self.order_charges)

    def charges_total(self):
        return sum((c.gross for c in self.charges()), ch.ZERO)

    def total(self):
        """Amazon's grand total (sum of the charges when Amazon gives none)."""
        if self.grand_total is not None:
            return self.grand_total
        return self.charges_total()


def parse_check(order):
    """Sum of parsed charges minus Amazon's totals; 0 for consistent data.

    Compared with ``grandTotal``, or with the lines' ``proceedsTotal`` when
    the order has none. Unpriced orders (e.g. PENDING) give 0.
    """
    if order.grand_total is not None:
        return order.charges_total() - order.grand_total
    stated = [ln.proceeds_total for ln in order.lines if ln.proceeds_total is not None]
    if not stated:
        return ch.ZERO
    line_sum = sum((ln.gross_total() for ln in order.lines if ln.priced), ch.ZERO)
    return line_sum - sum(stated, ch.ZERO)


def _alias(raw, alias_type):
    for alias in raw.get("orderAliases") or ():
        if isinstance(alias, dict) and alias.get("aliasType") == alias_type:
            return alias.get("aliasId")
    return None


def _window_start(window, order_id):
    if not isinstance(window, dict) or not window.get("earliestDateTime"):
        return None
    return parse_datetime(window.get("earliestDateTime"), order_id)


def _window_end(window, order_id):
    if not isinstance(window, dict):
        return None
    return parse_datetime(window.get("latestDateTime"), order_id)


def _currency(proceeds, items, market):
    grand = proceeds.get("grandTotal")
    if isinstance(grand, dict) and grand.get("currencyCode"):
        return grand["currencyCode"]
    for item in items:
        total = ((item or {}).get("proceeds") or {}).get("proceedsTotal") or {}
        if total.get("currencyCode"):
            return total["currencyCode"]
    return market.currency if market else None


def _order_charges(proceeds, lines, order_id):
    """Order-level breakdowns that no item carries (DELIVERY_TIP, ...).

    ITEM/SHIPPING/TAX/... at order level are aggregates of the items; they
    are only read when no line has proceeds of its own.
    """
    breakdowns = proceeds.get("breakdowns") or []
    if not isinstance(breakdowns, list):
        raise InvalidResponse(f"order {order_id}: proceeds breakdowns not a list")
    lines_priced = any(line.priced for line in lines)
    charges, aggregated = [], []
    for entry in breakdowns:
        kind = str((entry or {}).get("type") or "").upper()
        if kind in ch.AGGREGATED_TYPES:
            aggregated.append(entry)
            continue
        value = ch.money((entry or {}).get("subtotal"), order_id, required=True)
        label = kind.replace("_", " ").capitalize()
        charges.append(ch.Charge(kind.lower() or "other", value, ch.ZERO, label))
    if aggregated and not lines_priced:
        amounts, tax, discount = ch.read_breakdowns(aggregated, order_id)
        others = sum((c.gross for c in charges), ch.ZERO)
        total = ch.money(proceeds.get("grandTotal"), order_id)
        total = None if total is None else total - others
        included = ch.tax_included(amounts, tax, discount, total)
        charges = ch.build_charges(amounts, tax, discount, included, {}) + charges
    return charges
