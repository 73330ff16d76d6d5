"""Reading v2026 ``proceeds`` breakdowns into gross charges with their VAT.

An item's ``proceeds.breakdowns`` lists the charges (``ITEM``, ``SHIPPING``,
``GIFT_WRAP``, ``COD_FEE``, ``OTHER``), one ``TAX`` entry and one ``DISCOUNT``
entry whose ``detailedBreakdowns`` say which charge each part belongs to
(subtype ``ITEM`` = promotion on the item, ``SHIPPING`` = shipping discount,
and for ``TAX`` subtype ``DISCOUNT`` = the tax share of the discounts).

Amazon documents no sign for discounts: the absolute value is subtracted.
Whether the charges include the tax is not documented either (EU B2C prices
are gross, US prices are net): it is detected from ``proceedsTotal``:
``sum(charges) - discounts == total`` means tax included, ``... + tax ==
total`` means tax on top. Every :class:`Charge` is returned gross, i.e.
including its VAT, with that VAT beside it; discounts are negative.
"""

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from .errors import InvalidResponse

ZERO = Decimal(0)
CHARGE_TYPES = ("ITEM", "SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER")
AGGREGATED_TYPES = frozenset(CHARGE_TYPES + ("TAX", "DISCOUNT"))
KINDS = {
    "ITEM": "item",
    "SHIPPING": "shipping",
    "GIFT_WRAP": "gift_wrap",
    "COD_FEE": "cod_fee",
    "OTHER": "other",
}
DISCOUNT_KINDS = {key: f"{kind}_discount" for key, kind in KINDS.items()}
LABELS = {
    "ITEM": "Item",
    "SHIPPING": "Shipping",
    "GIFT_WRAP": "Gift wrap",
    "COD_FEE": "Cash on delivery fee",
    "OTHER": "Other charge",
}


class Charge(NamedTuple):
    """``kind``, ``gross`` (incl. VAT), ``tax`` (VAT in it), ``description``."""

    kind: str
    gross: Decimal
    tax: Decimal
    description: str


MAX_AMOUNT = Decimal(10) ** 12


def money(value, order_id, *, required=False):
    """``{"amount": "1.23", "currencyCode": ...}`` -> Decimal (or None)."""
    if value is None:
        if required:
            raise InvalidResponse(f"order {order_id}: missing money amount")
        return None
    try:
        amount = Decimal(str(value["amount"]))
    except (KeyError, TypeError, InvalidOperation):
        raise InvalidResponse(f"order {order_id}: unreadable money value") from None
    # NaN, infinities and absurd amounts (no order is worth 10^12) are not money
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise InvalidResponse(f"order {order_id}: impossible money value")
    return amount


class _Split(NamedTuple):
    subtotal: Decimal
    parts: dict  # subtype -> Decimal


def _details(entry, order_id, absolute):
    parts = {}
    for detail in entry.get("detailedBreakdowns") or ():
        if not isinstance(detail, dict):
            raise InvalidResponse(f"order {order_id}: bad detailed breakdown")
        value = money(detail.get("value"), order_id, required=True)
        value = abs(value) if absolute else value
        subtype = str(detail.get("subtype") or "ITEM").upper()
        parts[subtype] = parts.get(subtype, ZERO) + value
    return parts


def read_breakdowns(breakdowns, order_id):
    """Breakdown list -> (charge amounts, TAX split, DISCOUNT split)."""
    if not isinstance(breakdowns, list):
        raise InvalidResponse(f"order {order_id}: proceeds breakdowns not a list")
    amounts = {}
    tax = _Split(ZERO, {})
    discount = _Split(ZERO, {})
    for entry in breakdowns:
        if not isinstance(entry, dict):
            raise InvalidResponse(f"order {order_id}: bad proceeds breakdown")
        kind = str(entry.get("type") or "").upper()
        value = money(entry.get("subtotal"), order_id, required=True)
        if kind == "TAX":
            parts = _details(entry, order_id, absolute=False)
            tax = _Split(tax.subtotal + value, _merge(tax.parts, parts))
        elif kind == "DISCOUNT":
            parts = _details(entry, order_id, absolute=True)
            discount = _Split(
                discount.subtotal + abs(value), _merge(discount.parts, parts)
            )
        else:
            amounts[kind] = amounts.get(kind, ZERO) + value
    return amounts, tax, discount


def _merge(left, right):
    merged = dict(left)
    for key, value in right.items():
        merged[key] = merged.get(key, ZERO) + value
    return merged


def _complete(split, keys):
    """Parts per charge key; what details do not explain goes to ITEM."""
    parts = {}
    for key, value in split.parts.items():
        target = key if key in keys else "OTHER" if key != "DISCOUNT" else "ITEM"
        parts[target] = parts.get(target, ZERO) + value
    return parts


def _discount_tax(tax, discounts):
    """Split the tax share of the discounts over the discounted charges."""
    total_tax = abs(tax.parts.get("DISCOUNT", ZERO))
    total = sum(discounts.values(), ZERO)
    if not total_tax:
        return {}
    if not total:
        return {"ITEM": total_tax}
    shares, left = {}, total_tax
    keys = [k for k, v in discounts.items() if v]
    for key in keys[:-1]:
        share = (total_tax * discounts[key] / total).quantize(total_tax)
        shares[key] = share
        left -= share
    shares[keys[-1]] = left
    return shares


def split_taxes(tax, discount):
    """(tax per charge, discount per charge, discount tax per charge)."""
    charge_tax = {k: v for k, v in tax.parts.items() if k != "DISCOUNT"}
    charge_tax = _complete(_Split(ZERO, charge_tax), CHARGE_TYPES)
    discount_tax = abs(tax.parts.get("DISCOUNT", ZERO))
    unexplained = tax.subtotal - (sum(charge_tax.values(), ZERO) - discount_tax)
    if unexplained:
        charge_tax["ITEM"] = charge_tax.get("ITEM", ZERO) + unexplained
    discounts = _complete(discount, CHARGE_TYPES)
    rest = discount.subtotal - sum(discounts.values(), ZERO)
    if rest:
        discounts["ITEM"] = discounts.get("ITEM", ZERO) + rest
    return charge_tax, discounts, _discount_tax(tax, discounts)


def tax_included(amounts, tax, discount, total, default=True):
    """True if the charge amounts already contain ``tax`` (see module doc)."""
    if not tax.subtotal or total is None:
        return default
    base = sum(amounts.values(), ZERO) - discount.subtotal
    if base == total:
        return True
    if base + tax.subtotal == total:
        return False
    return abs(base - total) <= abs(base + tax.subtotal - total)


def build_charges(amounts, tax, discount, included, labels):
    """Gross charges and discounts; ``labels`` maps type -> description."""
    charge_tax, discounts, discount_tax = split_taxes(tax, discount)
    charges = []
    for key in list(CHARGE_TYPES) + sorted(set(amounts) - set(CHARGE_TYPES)):
        net = amounts.get(key, ZERO)
        vat = charge_tax.get(key, ZERO)
        if key != "ITEM" and not net and not vat:
            continue
        gross = net if included else net + vat
        kind = KINDS.get(key, "other")
        charges.append(
            Charge(kind, gross, vat, labels.get(key) or LABELS.get(key, key))
        )
    for key, value in discounts.items():
        vat = discount_tax.get(key, ZERO)
        if not value and not vat:
            continue
        gross = value if included else value + vat
        kind = DISCOUNT_KINDS.get(key, "other_discount")
        label = labels.get(f"{key}_DISCOUNT") or f"{LABELS.get(key, key)} discount"
        charges.append(Charge(kind, -gross, -vat, label))
    return charges
