"""Partner rows <-> match keys: what ``res.partner`` stores for the search.

A partner row is a dict of the ``RAW_SELECT`` columns of the Odoo model
(id, name, is_company, parent_name, parent_is_company, street, street2, zip,
city, country_code, email, phone, vat, amazon_buyer_email). The keys are
stored in the columns of :data:`MATCH_KEY_COLUMNS` plus
``amazon_match_parts`` (given name, surname, legal form, Packstation joined
by :data:`PARTS_SEPARATOR`), so candidates are never normalised again.
"""

from .normalize import keys_for

#: partner column -> key of ``keys_for``
MATCH_KEY_COLUMNS = {
    "amazon_match_name": "name_key",
    "amazon_match_company": "company_key",
    "amazon_match_street": "street_key",
    "amazon_match_house_number": "house_number",
    "amazon_match_zip": "zip_key",
    "amazon_match_city": "city_key",
    "amazon_match_country": "country",
    "amazon_match_phone": "phone_key",
    "amazon_match_email": "email_key",
    "amazon_match_amazon_email": "amazon_email_key",
    "amazon_match_vat": "vat_key",
    "amazon_match_postnummer": "postnummer",
}
#: keys_for keys stored together in ``amazon_match_parts``
PARTS_KEYS = ("given_key", "surname_key", "legal_form", "packstation")
PARTS_SEPARATOR = "\x1f"
#: every column holding a match key
KEY_COLUMNS = (*MATCH_KEY_COLUMNS, "amazon_match_parts")


def match_values(row):
    """``keys_for`` input from a partner row."""
    if row["is_company"]:
        name, company = False, row["name"]
    else:
        name = row["name"]
        company = row["parent_name"] if row["parent_is_company"] else False
    values = {
        key: row[key]
        for key in ("street", "street2", "zip", "city", "country_code", "email")
    }
    values.update(
        name=name,
        company_name=company,
        phone=row["phone"],
        vat=row["vat"],
        amazon_buyer_email=row["amazon_buyer_email"],
    )
    return values


def match_keys(row):
    """Column values (None when empty) of the match keys of a partner row."""
    keys = keys_for(match_values(row))
    found = {column: keys[key] or None for column, key in MATCH_KEY_COLUMNS.items()}
    found["amazon_match_name"] = keys["name_key"] or keys["company_key"] or None
    found["amazon_match_parts"] = PARTS_SEPARATOR.join(keys[key] for key in PARTS_KEYS)
    return found


def stored_keys(row):
    """The ``keys_for`` dict of a partner from its stored key columns, without
    normalising it again; None when the keys were not computed yet."""
    if row["amazon_match_parts"] is None:
        return None
    parts = row["amazon_match_parts"].split(PARTS_SEPARATOR)
    keys = dict(zip(PARTS_KEYS, parts, strict=True))
    for column, key in MATCH_KEY_COLUMNS.items():
        keys[key] = row[column] or ""
    keys["name_key"] = " ".join(
        part for part in (keys["given_key"], keys["surname_key"]) if part
    )
    return keys
