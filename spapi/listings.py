"""Listings Items API 2021-08-01: items, pages and stock patches.

:class:`ListingItem` reads the model's ``Item`` (``summaries``,
``fulfillmentAvailability``, ``issues``; other data sets stay in ``raw`` of
the page). :func:`quantity_patches` builds the JSON Patch that sets a
merchant-fulfilled quantity, shared by patchListingsItem and the
``JSON_LISTINGS_FEED`` builder of :mod:`spapi.feeds`.
"""

from dataclasses import dataclass
from datetime import datetime

from . import _values as v
from .errors import InvalidResponse

LISTINGS_INCLUDED = ("summaries", "fulfillmentAvailability", "issues")
MERCHANT_CHANNEL = "DEFAULT"  # seller-fulfilled; AMAZON_EU, AMAZON_NA, ... = FBA
AVAILABILITY_ATTRIBUTE = "fulfillment_availability"
AVAILABILITY_PATH = f"/attributes/{AVAILABILITY_ATTRIBUTE}"

__all__ = [
    "LISTINGS_INCLUDED",
    "ChannelAvailability",
    "ListingIssue",
    "ListingItem",
    "ListingSummary",
    "ListingsPage",
    "quantity_patches",
]


@dataclass(frozen=True)
class ListingIssue:
    """A model ``Issue`` (listing, submission or feed report)."""

    code: str | None
    severity: str | None  # ERROR, WARNING, INFO
    message: str
    attribute_names: tuple = ()
    categories: tuple = ()
    marketplace_ids: tuple = ()
    enforcement_actions: tuple = ()  # e.g. ("SEARCH_SUPPRESSED",)

    @property
    def is_error(self):
        return self.severity == "ERROR"

    @classmethod
    def from_api(cls, raw, context):
        raw = v.mapping(raw, context, "issue")
        enforcements = v.mapping(raw.get("enforcements"), context, "enforcements")
        actions = v.objects(enforcements.get("actions"), context, "actions")
        names = raw.get("attributeNames")
        if names is None and raw.get("attributeName"):
            names = [raw["attributeName"]]  # feed reports use the singular
        return cls(
            code=_text(raw.get("code")),
            severity=_text(raw.get("severity")),
            message=str(raw.get("message") or ""),
            attribute_names=v.strings(names, context, "attributeNames"),
            categories=v.strings(raw.get("categories"), context, "categories"),
            marketplace_ids=v.strings(
                raw.get("marketplaceIds"), context, "marketplaceIds"
            ),
            enforcement_actions=tuple(
                str(a["action"]) for a in actions if a.get("action")
            ),
        )


@dataclass(frozen=True)
class ListingSummary:
    """``ItemSummaryByMarketplace``."""

    marketplace_id: str
    asin: str | None
    product_type: str | None
    status: tuple  # BUYABLE, DISCOVERABLE
    condition_type: str | None
    item_name: str | None
    fn_sku: str | None
    created: datetime | None  # naive UTC
    last_updated: datetime | None

    @property
    def buyable(self):
        return "BUYABLE" in self.status

    @classmethod
    def from_api(cls, raw, context):
        if not raw.get("marketplaceId"):
            raise InvalidResponse(f"{context}: summary without marketplaceId")
        return cls(
            marketplace_id=str(raw["marketplaceId"]),
            asin=_text(raw.get("asin")),
            product_type=_text(raw.get("productType")),
            status=v.strings(raw.get("status"), context, "status"),
            condition_type=_text(raw.get("conditionType")),
            item_name=_text(raw.get("itemName")),
            fn_sku=_text(raw.get("fnSku")),
            created=v.timestamp(raw.get("createdDate"), context, "createdDate"),
            last_updated=v.timestamp(
                raw.get("lastUpdatedDate"), context, "lastUpdatedDate"
            ),
        )


@dataclass(frozen=True)
class ChannelAvailability:
    """``FulfillmentAvailability``: quantity per fulfilment channel."""

    fulfillment_channel_code: str  # DEFAULT = merchant, AMAZON_* = FBA
    quantity: int | None

    @property
    def is_merchant(self):
        return self.fulfillment_channel_code == MERCHANT_CHANNEL


@dataclass(frozen=True)
class ListingItem:
    sku: str
    summaries: tuple  # of ListingSummary, one per marketplace
    fulfillment_availability: tuple  # of ChannelAvailability
    issues: tuple  # of ListingIssue

    @classmethod
    def from_api(cls, raw):
        if not isinstance(raw, dict) or not raw.get("sku"):
            raise InvalidResponse("listings item without sku")
        sku = str(raw["sku"])
        context = f"listing {sku}"
        availability = []
        for entry in v.objects(raw.get("fulfillmentAvailability"), context, "fa"):
            code = entry.get("fulfillmentChannelCode")
            if not code:
                raise InvalidResponse(f"{context}: availability without channel")
            quantity = v.integer(entry.get("quantity"), context)
            availability.append(ChannelAvailability(str(code), quantity))
        summaries = v.objects(raw.get("summaries"), context, "summaries")
        issues = v.objects(raw.get("issues"), context, "issues")
        return cls(
            sku=sku,
            summaries=tuple(ListingSummary.from_api(s, context) for s in summaries),
            fulfillment_availability=tuple(availability),
            issues=tuple(ListingIssue.from_api(i, context) for i in issues),
        )

    def summary(self, marketplace_id=None):
        """Summary of ``marketplace_id`` (default: the first one), or None."""
        for entry in self.summaries:
            if marketplace_id is None or entry.marketplace_id == marketplace_id:
                return entry
        return None

    @property
    def asin(self):
        return next((s.asin for s in self.summaries if s.asin), None)

    @property
    def product_type(self):
        return next((s.product_type for s in self.summaries if s.product_type), None)

    @property
    def status(self):
        """Statuses over all marketplaces (BUYABLE, DISCOVERABLE)."""
        return tuple(dict.fromkeys(st for s in self.summaries for st in s.status))

    def quantity(self, channel=MERCHANT_CHANNEL):
        """Quantity of ``channel`` (None if absent or without quantity)."""
        for entry in self.fulfillment_availability:
            if entry.fulfillment_channel_code == channel:
                return entry.quantity
        return None

    @property
    def is_merchant_fulfilled(self):
        return any(e.is_merchant for e in self.fulfillment_availability)

    @property
    def errors(self):
        return tuple(i for i in self.issues if i.is_error)


@dataclass(frozen=True)
class ListingsPage:
    """One page of searchListingsItems."""

    items: tuple  # of ListingItem
    raw: tuple  # the model's Item dicts, same order (attributes, offers...)
    next_token: str | None
    number_of_results: int | None

    @classmethod
    def from_api(cls, body):
        op = "searchListingsItems"
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise InvalidResponse(f"{op} answer without items", operation=op)
        raw = v.objects(body["items"], op, "items")
        pagination = v.mapping(body.get("pagination"), op, "pagination")
        return cls(
            items=tuple(ListingItem.from_api(item) for item in raw),
            raw=raw,
            next_token=pagination.get("nextToken") or None,
            number_of_results=v.integer(body.get("numberOfResults"), op, "count"),
        )


def quantity_patches(quantity, lead_time_to_ship_max_days=None, *, op="replace"):
    """JSON Patch setting the merchant (``DEFAULT``) quantity of a listing.

    ``op="replace"`` (Amazon's example) or ``"merge"`` (keeps other channel
    entries). Never touches ``AMAZON_*`` (FBA) channels.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError("quantity must be an int >= 0")
    if op not in ("replace", "merge"):
        raise ValueError("op must be replace or merge")
    value = {"fulfillment_channel_code": MERCHANT_CHANNEL, "quantity": quantity}
    if lead_time_to_ship_max_days is not None:
        days = lead_time_to_ship_max_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError("lead_time_to_ship_max_days must be an int >= 0")
        value["lead_time_to_ship_max_days"] = days
    return [{"op": op, "path": AVAILABILITY_PATH, "value": [value]}]


def _text(value):
    return str(value) if value not in (None, "") else None
