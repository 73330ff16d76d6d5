"""Money rules of Amazon lines: exact quantities and the VAT rate that fits.

Amazon's prices include VAT (EU) and are cents; Odoo's sale order lines have
a unit price and a quantity. These functions keep the total exact.
"""

from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")

__all__ = ["split_quantity", "tax_fits"]


def split_quantity(gross, quantity):
    """``[(quantity, unit_price)]`` adding up exactly to ``gross``.

    10.00 for 3 units gives 2 x 3.33 and 1 x 3.34: prices have cents only.
    """
    if quantity <= 1:
        return [(max(quantity, 1), gross)]
    unit = (gross / quantity).quantize(CENT, rounding=ROUND_DOWN)
    rest = gross - unit * (quantity - 1)
    if rest == unit:
        return [(quantity, unit)]
    return [(quantity - 1, unit), (1, rest)]


def tax_fits(rate, gross, tax, quantity=1):
    """Whether ``tax`` is the VAT at ``rate`` % contained in ``gross``.

    Amazon rounds per unit or per line, so allow one cent per unit.
    """
    rate = Decimal(str(rate))
    expected = gross - (gross * 100 / (100 + rate)).quantize(CENT)
    return abs(abs(expected) - abs(tax)) <= CENT * max(quantity, 1)
