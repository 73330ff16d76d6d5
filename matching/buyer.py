"""The buyer of an Amazon order as duplicate-search input.

:func:`buyer_values` turns a parsed order (``spapi.AmazonOrder``) into the
values ``normalize.keys_for`` and the customer creation use: the person the
order is delivered to (Amazon sends no billing address for private buyers,
and an invoice needs a full address), with the buyer's Amazon e-mail,
company and VAT id.
"""

import re

from stdnum.eu import vat as stdnum_vat

#: VAT prefixes that differ from the ISO country code
VAT_PREFIXES = {"GR": "EL"}


def complete_vat(vat, country_code):
    """``(vat, None)`` for a valid VAT id (prefixed with the country when
    Amazon sent it without), ``(None, original)`` for an invalid one."""
    compact = re.sub(r"[^A-Za-z0-9]", "", vat or "").upper()
    if not compact:
        return None, None
    country = (country_code or "").upper()
    if country and not compact[:2].isalpha():
        compact = VAT_PREFIXES.get(country, country) + compact
    if stdnum_vat.is_valid(compact):
        return compact, None
    return None, vat


def buyer_values(order):
    """Input values of the duplicate search and of a new customer; empty
    values are left out. ``invalid_vat`` holds a VAT id that is not valid
    (never stored on the customer); ``order_ref`` names a buyer without name."""
    buyer, address = order.buyer, order.shipping_address
    values = {"amazon_buyer_email": buyer.email if buyer else None}
    vat_country = None
    if buyer:
        is_vat = buyer.vat_type in (None, "VAT")
        values.update(
            name=buyer.name,
            company_name=buyer.company,
            email=buyer.email,
            vat=buyer.vat_id if is_vat else None,
        )
        if buyer.vat_id and is_vat and buyer.vat_address:
            vat_country = buyer.vat_address.country_code
    if address:
        values.update(
            name=address.name or values.get("name"),
            company_name=address.company or values.get("company_name"),
            street=address.street,
            street2=address.street2,
            street3=address.street3,
            zip=address.zip,
            city=address.city,
            country_code=address.country_code,
            phone=address.phone,
        )
    if values.get("vat"):
        vat, invalid = complete_vat(
            values["vat"], vat_country or values.get("country_code")
        )
        values.update(vat=vat, invalid_vat=invalid)
    if not values.get("name") and not values.get("company_name"):
        values["order_ref"] = order.order_id
    return {key: value for key, value in values.items() if value}
