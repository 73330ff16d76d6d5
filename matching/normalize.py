"""German/EU-aware normalisation and the match keys of one partner or buyer.

Each rule is a small function in a sibling module; this module re-exports
them and adds :func:`keys_for`, the single entry point used for stored
partners and incoming Amazon buyers alike.
"""

import re

from .address import (
    AddressLines,
    base_number,
    classify_address_lines,
    parse_packstation,
    parse_street,
    street_key,
)
from .company import company_key, is_company_name, is_floor_line, split_company
from .contact import city_key, email_key, is_amazon_relay, phone_e164, vat_key, zip_key
from .names import name_key, split_person_name
from .text import fold

__all__ = [
    "AddressLines",
    "base_number",
    "city_key",
    "classify_address_lines",
    "company_key",
    "email_key",
    "fold",
    "is_amazon_relay",
    "is_company_name",
    "is_floor_line",
    "keys_for",
    "name_key",
    "parse_packstation",
    "parse_street",
    "phone_e164",
    "split_company",
    "split_person_name",
    "street_key",
    "vat_key",
    "zip_key",
]

#: Keys returned by :func:`keys_for` ("" means: no value).
KEY_NAMES = (
    "name_key",
    "given_key",
    "surname_key",
    "company_key",
    "legal_form",
    "street_key",
    "house_number",
    "packstation",
    "zip_key",
    "city_key",
    "country",
    "phone_key",
    "email_key",
    "amazon_email_key",
    "vat_key",
    "postnummer",
)
_POSTNUMMER_WORDS = re.compile(
    r"\b(?:post\s*-?\s*(?:nummer|nr\.?)|pnr)\s*[:.]?|\d{5,}", re.IGNORECASE
)


def _split_name_and_company(name, lines):
    """Return ``(person_name, company_name)`` from the name field and lines."""
    person = _POSTNUMMER_WORDS.sub(" ", str(name or "")).strip()
    company = lines.company
    if person and is_company_name(person):
        company = company or person
        person = lines.care_of
    return person, company


def _address_keys(lines, kind, station):
    """Street key and house number; a Packstation replaces the street."""
    if kind:
        return {
            "street_key": f"{kind} {station}".strip(),
            "house_number": "",
            "packstation": kind,
        }
    street, number = parse_street(lines.street)
    return {"street_key": street, "house_number": number, "packstation": ""}


def _contact_keys(values, country):
    """Phone, e-mail, Amazon relay e-mail and VAT keys."""
    email = email_key(values.get("email"))
    amazon = email_key(values.get("amazon_buyer_email"))
    if email and is_amazon_relay(email):
        amazon, email = amazon or email, ""
    return {
        "phone_key": phone_e164(values.get("phone"), country) or "",
        "email_key": email,
        "amazon_email_key": amazon,
        "vat_key": vat_key(values.get("vat"), country) or "",
    }


def keys_for(values):
    """Return all match keys of a partner or buyer given as a dict.

    ``values`` may hold ``name, company_name, street, street2, street3, zip,
    city, country_code, email, phone, vat, amazon_buyer_email``; every key of
    :data:`KEY_NAMES` is returned, "" when unknown.
    """
    raw_lines = [values.get(key) for key in ("street", "street2", "street3")]
    lines = classify_address_lines(raw_lines)
    kind, station, postnummer = parse_packstation(raw_lines, values.get("name"))
    person, company = _split_name_and_company(values.get("name"), lines)
    company = values.get("company_name") or company
    given, surname = split_person_name(person)
    core, form = split_company(company) if company else ("", "")
    country = (values.get("country_code") or "").strip().upper()
    keys = {
        "name_key": " ".join(part for part in (given, surname) if part),
        "given_key": given,
        "surname_key": surname,
        "company_key": core,
        "legal_form": form,
        "zip_key": zip_key(values.get("zip")),
        "city_key": city_key(values.get("city")),
        "country": country,
        "postnummer": postnummer or lines.postnummer,
    }
    keys.update(_address_keys(lines, kind, station))
    keys.update(_contact_keys(values, country))
    return keys
