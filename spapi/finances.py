"""Finances API 2024-06-19 ``listTransactions``: pages and refunds.

A refund is a ``Transaction`` of ``transactionType`` ``Refund``; each
refunded line is one of its ``items`` (``ProductContext`` with SKU, ASIN and
quantity; ``ORDER_ADJUSTMENT_ITEM_ID``) with a tree of ``breakdowns``. The
model does not list the ``breakdownType`` names, so :class:`Breakdown` keeps
them exactly as Amazon sends them and :func:`breakdown_kind` only *adds* a
best-effort kind (``item``, ``item_tax``, ``shipping``, ``shipping_tax``,
``gift_wrap``, ``promotion``, ``restocking_fee``, ``fee``, ``other``...) read
from :data:`~spapi.const.BREAKDOWN_KINDS`. Only leaves are summed (a parent
breakdown is the total of its children). Amounts keep Amazon's sign
(refunded charges are negative for the seller), as ``Decimal``.

Two model quirks are tolerated: the example writes a transaction's
``breakdowns`` as ``{"breakdowns": [...]}`` instead of a list, and real
answers send ``"breakdowns": null`` (selling-partner-api-models#4650, #4993).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from . import _values as v
from .const import BREAKDOWN_KINDS, REFUND_TRANSACTION_TYPES
from .errors import InvalidResponse

ZERO = Decimal(0)
_OP = "listTransactions"

__all__ = [
    "Breakdown",
    "Refund",
    "RefundItem",
    "TransactionsPage",
    "breakdown_kind",
    "is_refund",
    "parse_refund",
]


@dataclass(frozen=True)
class TransactionsPage:
    """One page of listTransactions: raw ``Transaction`` dicts."""

    transactions: tuple
    next_token: str | None

    @classmethod
    def from_api(cls, body):
        payload = body.get("payload") if isinstance(body, dict) else None
        if not isinstance(payload, dict):
            raise InvalidResponse(f"{_OP} answer without payload", operation=_OP)
        return cls(
            transactions=v.objects(payload.get("transactions"), _OP, "transactions"),
            next_token=payload.get("nextToken") or None,
        )

    def refunds(self):
        """The refund transactions of the page, parsed."""
        return tuple(parse_refund(t) for t in self.transactions if is_refund(t))


def _normal(name):
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


def breakdown_kind(path):
    """Kind of a leaf breakdown from its ``breakdownType`` path (raw names).

    The nearest classified name decides, the leaf's own first: an unknown
    leaf takes its parent's kind; a bare ``Tax`` becomes the tax of the next
    classified ancestor (``Shipping`` > ``Tax`` = ``shipping_tax``, default
    ``item_tax``). Nothing classified: ``other``.
    """
    kinds = [BREAKDOWN_KINDS.get(_normal(name)) for name in path]
    known = [kind for kind in reversed(kinds) if kind]
    if not known:
        return "other"
    if known[0] != "tax":
        return known[0]
    base = next((k for k in known[1:] if k != "tax" and not k.endswith("_tax")), None)
    return f"{base or 'item'}_tax"


@dataclass(frozen=True)
class Breakdown:
    breakdown_type: str  # Amazon's name, unchanged
    amount: Decimal | None
    currency: str | None
    children: tuple = ()  # of Breakdown

    @classmethod
    def tree(cls, raw, context):
        """``breakdowns`` value (list, ``{"breakdowns": [...]}`` or None)."""
        if isinstance(raw, dict) and set(raw) <= {"breakdowns"}:
            raw = raw.get("breakdowns")
        return tuple(
            cls._one(b, context) for b in v.objects(raw, context, "breakdowns")
        )

    @classmethod
    def _one(cls, raw, context):
        money = v.mapping(raw.get("breakdownAmount"), context, "breakdownAmount")
        return cls(
            breakdown_type=str(raw.get("breakdownType") or ""),
            amount=v.decimal(money.get("currencyAmount"), context),
            currency=money.get("currencyCode"),
            children=cls.tree(raw.get("breakdowns"), context),
        )

    def leaves(self, prefix=()):
        """``((breakdownType path), Breakdown)`` of every leaf below."""
        path = prefix + (self.breakdown_type,)
        if not self.children:
            return ((path, self),)
        return tuple(leaf for c in self.children for leaf in c.leaves(path))


def _leaves(breakdowns):
    return tuple(leaf for b in breakdowns for leaf in b.leaves())


def _sum_kinds(leaves):
    totals = {}
    for path, leaf in leaves:
        if leaf.amount is None:
            continue
        kind = breakdown_kind(path)
        totals[kind] = totals.get(kind, ZERO) + leaf.amount
    return totals


@dataclass(frozen=True)
class RefundItem:
    sku: str | None
    asin: str | None
    quantity: int | None  # ProductContext.quantityShipped
    order_adjustment_item_id: str | None
    order_item_id: str | None  # only if Amazon sends ORDER_ITEM_ID (not in the model)
    description: str | None
    total: Decimal | None
    currency: str | None
    breakdowns: tuple  # of Breakdown (raw names)
    identifiers: tuple  # ((itemRelatedIdentifierName, value), ...)
    fulfillment_network: str | None = None

    @classmethod
    def from_api(cls, raw, context):
        product = {}
        for ctx in v.objects(raw.get("contexts"), context, "contexts"):
            if ctx.get("contextType") == "ProductContext" or "sku" in ctx:
                product = ctx
                break
        ids = tuple(
            (
                str(i.get("itemRelatedIdentifierName")),
                str(i.get("itemRelatedIdentifierValue")),
            )
            for i in v.objects(raw.get("relatedIdentifiers"), context, "identifiers")
        )
        lookup = dict(ids)
        money = v.mapping(raw.get("totalAmount"), context, "totalAmount")
        return cls(
            sku=product.get("sku"),
            asin=product.get("asin"),
            quantity=v.integer(product.get("quantityShipped"), context),
            order_adjustment_item_id=lookup.get("ORDER_ADJUSTMENT_ITEM_ID"),
            order_item_id=lookup.get("ORDER_ITEM_ID"),
            description=raw.get("description"),
            total=v.decimal(money.get("currencyAmount"), context),
            currency=money.get("currencyCode"),
            breakdowns=Breakdown.tree(raw.get("breakdowns"), context),
            identifiers=ids,
            fulfillment_network=product.get("fulfillmentNetwork"),
        )

    def leaves(self):
        return _leaves(self.breakdowns)

    def amounts(self):
        """``{kind: Decimal}`` over the leaf breakdowns."""
        return _sum_kinds(self.leaves())

    def amount(self, *kinds):
        totals = self.amounts()
        return sum((totals.get(k, ZERO) for k in kinds), ZERO)


@dataclass(frozen=True)
class Refund:
    transaction_id: str | None
    transaction_type: str | None
    transaction_status: str | None
    description: str | None
    order_id: str | None
    refund_id: str | None
    posted: datetime | None  # naive UTC
    marketplace_id: str | None
    total: Decimal | None
    currency: str | None
    items: tuple  # of RefundItem
    breakdowns: tuple  # transaction-level Breakdown tree (raw names)
    related_identifiers: tuple  # ((relatedIdentifierName, value), ...)

    def amounts(self):
        """``{kind: Decimal}`` summed over the items' leaf breakdowns.

        Falls back to the transaction-level breakdowns when no item has any
        (Amazon does so for some transaction types, models#4993).
        """
        leaves = tuple(leaf for item in self.items for leaf in item.leaves())
        return _sum_kinds(leaves or _leaves(self.breakdowns))

    def amount(self, *kinds):
        totals = self.amounts()
        return sum((totals.get(k, ZERO) for k in kinds), ZERO)


def is_refund(raw):
    kind = raw.get("transactionType") if isinstance(raw, dict) else None
    return isinstance(kind, str) and kind.lower() in REFUND_TRANSACTION_TYPES


def parse_refund(raw):
    """A ``Transaction`` dict -> :class:`Refund` (any type parses alike)."""
    if not isinstance(raw, dict):
        raise InvalidResponse("transaction is not an object", operation=_OP)
    context = f"transaction {raw.get('transactionId') or '?'}"
    ids = tuple(
        (str(i.get("relatedIdentifierName")), str(i.get("relatedIdentifierValue")))
        for i in v.objects(raw.get("relatedIdentifiers"), context, "identifiers")
    )
    lookup = dict(ids)
    money = v.mapping(raw.get("totalAmount"), context, "totalAmount")
    market = v.mapping(raw.get("marketplaceDetails"), context, "marketplaceDetails")
    partner = v.mapping(raw.get("sellingPartnerMetadata"), context, "metadata")
    return Refund(
        transaction_id=raw.get("transactionId"),
        transaction_type=raw.get("transactionType"),
        transaction_status=raw.get("transactionStatus"),
        description=raw.get("description"),
        order_id=lookup.get("ORDER_ID"),
        refund_id=lookup.get("REFUND_ID"),
        posted=v.timestamp(raw.get("postedDate"), context, "postedDate"),
        marketplace_id=market.get("marketplaceId") or partner.get("marketplaceId"),
        total=v.decimal(money.get("currencyAmount"), context),
        currency=money.get("currencyCode"),
        items=tuple(
            RefundItem.from_api(item, context)
            for item in v.objects(raw.get("items"), context, "items")
        ),
        breakdowns=Breakdown.tree(raw.get("breakdowns"), context),
        related_identifiers=ids,
    )
