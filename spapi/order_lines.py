"""Order lines (``orderItems``) of a v2026 order, plus shared helpers."""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from . import charges as ch
from .errors import InvalidResponse


def parse_datetime(value, order_id, *, required=False):
    """ISO 8601 string -> naive UTC datetime (or None)."""
    if not value:
        if required:
            raise InvalidResponse(f"order {order_id}: missing date")
        return None
    try:
        text = str(value).strip().replace("Z", "+00:00").replace("z", "+00:00")
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidResponse(f"order {order_id}: unreadable date") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _dict(value, order_id, what):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidResponse(f"order {order_id}: {what} is not an object")
    return value


@dataclass(frozen=True)
class AmazonOrderLine:
    order_item_id: str
    sku: str | None
    asin: str | None
    title: str | None
    quantity: int
    quantity_shipped: int
    unit_price: Decimal | None
    promotion_ids: tuple
    gift_message: str | None = field(repr=False)  # buyer text: keep out of logs
    gift_wrap_level: str | None
    condition: str | None
    business_price: bool
    priced: bool
    tax_included: bool | None
    proceeds_total: Decimal | None
    charges: tuple  # of charges.Charge
    cancel_requester: str | None = None  # BUYER, SELLER, ... asked to cancel

    @classmethod
    def from_api(cls, raw, order_id, default_included=True):
        if not isinstance(raw, dict) or not raw.get("orderItemId"):
            raise InvalidResponse(f"order {order_id}: order item without id")
        product = _dict(raw.get("product"), order_id, "product")
        price = _dict(product.get("price"), order_id, "price")
        packing = _dict(
            _dict(raw.get("fulfillment"), order_id, "fulfillment").get("packing"),
            order_id,
            "packing",
        )
        gift = _dict(packing.get("giftOption"), order_id, "giftOption")
        promos = _dict(raw.get("promotion"), order_id, "promotion")
        promotion_ids = tuple(
            p["promotionId"]
            for p in promos.get("breakdowns") or ()
            if isinstance(p, dict) and p.get("promotionId")
        )
        proceeds = _dict(raw.get("proceeds"), order_id, "proceeds")
        total = ch.money(proceeds.get("proceedsTotal"), order_id)
        priced = bool(proceeds.get("breakdowns")) or total is not None
        included, charges = None, ()
        if priced:
            labels = _labels(product, promotion_ids, gift)
            included, charges = cls._charges(
                proceeds, total, order_id, default_included, labels
            )
        fulfil = _dict(raw.get("fulfillment"), order_id, "fulfillment")
        cancellation = _dict(raw.get("cancellation"), order_id, "cancellation")
        request = _dict(
            cancellation.get("cancellationRequest"), order_id, "cancellationRequest"
        )
        return cls(
            order_item_id=str(raw["orderItemId"]),
            sku=product.get("sellerSku"),
            asin=product.get("asin"),
            title=product.get("title"),
            quantity=_int(raw.get("quantityOrdered"), order_id, required=True),
            quantity_shipped=_int(fulfil.get("quantityFulfilled"), order_id),
            unit_price=ch.money(price.get("unitPrice"), order_id),
            promotion_ids=promotion_ids,
            gift_message=gift.get("giftMessage") or None,
            gift_wrap_level=gift.get("giftWrapLevel") or None,
            condition=_dict(product.get("condition"), order_id, "condition").get(
                "conditionType"
            ),
            business_price=price.get("priceDesignation") == "BUSINESS_PRICE",
            priced=priced,
            tax_included=included,
            proceeds_total=total,
            charges=tuple(charges),
            cancel_requester=request.get("requester") or None,
        )

    @staticmethod
    def _charges(proceeds, total, order_id, default_included, labels):
        amounts, tax, discount = ch.read_breakdowns(
            proceeds.get("breakdowns") or [], order_id
        )
        included = ch.tax_included(amounts, tax, discount, total, default_included)
        return included, ch.build_charges(amounts, tax, discount, included, labels)

    def gross_total(self):
        return sum((c.gross for c in self.charges), ch.ZERO)


def _int(value, order_id, required=False):
    if value is None and not required:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidResponse(f"order {order_id}: bad quantity")
    try:
        return int(value)
    except ValueError:
        raise InvalidResponse(f"order {order_id}: bad quantity") from None


def _labels(product, promotion_ids, gift):
    labels = {"ITEM": product.get("title") or product.get("sellerSku") or None}
    if promotion_ids:
        labels["ITEM_DISCOUNT"] = "Promotion " + ", ".join(promotion_ids)
    if gift.get("giftWrapLevel"):
        labels["GIFT_WRAP"] = f"Gift wrap ({gift['giftWrapLevel']})"
    return labels
