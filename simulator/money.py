"""Decimal money helpers and the proceeds breakdown conventions."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CHARGES = ("ITEM", "SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER")


def dec(value):
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def money(amount, currency):
    return {"amount": str(dec(amount)), "currencyCode": currency}


def split_gross(gross, rate):
    """(net, tax) with net = round(gross / (1 + rate), 2) and net + tax == gross."""
    net = (gross / (1 + Decimal(str(rate)) / 100)).quantize(CENT, ROUND_HALF_UP)
    return net, gross - net


def item_proceeds(charges, discounts, rate, currency):
    """ItemProceeds from gross ``charges`` {type: amount} and gross ``discounts``.

    ITEM/SHIPPING/... carry net amounts, TAX the VAT (detailed per charge, with the
    VAT share of discounts as negative subtype DISCOUNT), DISCOUNT the negative net
    discounts (detailed per charge they reduce). proceedsTotal = gross paid.
    """
    breakdowns, tax_parts, disc_parts = [], [], []
    total = ZERO
    for kind in CHARGES:
        gross = charges.get(kind, ZERO)
        if gross > 0:
            net, tax = split_gross(gross, rate)
            breakdowns.append({"type": kind, "subtotal": money(net, currency)})
            tax_parts.append((kind, tax))
            total += gross
    disc_tax = ZERO
    for kind in CHARGES:
        gross = discounts.get(kind, ZERO)
        if gross > 0:
            net, tax = split_gross(gross, rate)
            disc_parts.append((kind, -net))
            disc_tax += tax
            total -= gross
    if disc_parts:
        breakdowns.append(_with_detail("DISCOUNT", disc_parts, currency))
    if disc_tax:
        tax_parts.append(("DISCOUNT", -disc_tax))
    if tax_parts:
        breakdowns.append(_with_detail("TAX", tax_parts, currency))
    return {"proceedsTotal": money(total, currency), "breakdowns": breakdowns}


def _with_detail(kind, parts, currency):
    return {
        "type": kind,
        "subtotal": money(sum((a for _, a in parts), ZERO), currency),
        "detailedBreakdowns": [
            {"subtype": sub, "value": money(a, currency)} for sub, a in parts
        ],
    }


def order_proceeds(items, currency):
    """OrderProceeds: grandTotal = sum of item totals, breakdowns summed by type."""
    sums, total = {}, ZERO
    for item in items:
        proceeds = item.get("proceeds")
        if not proceeds:
            continue
        total += Decimal(proceeds["proceedsTotal"]["amount"])
        for b in proceeds["breakdowns"]:
            sums[b["type"]] = sums.get(b["type"], ZERO) + Decimal(
                b["subtotal"]["amount"]
            )
    return {
        "grandTotal": money(total, currency),
        "breakdowns": [
            {"type": t, "subtotal": money(a, currency)} for t, a in sums.items()
        ],
    }
