"""Phone, e-mail, VAT id, zip and city keys."""

import re
from functools import lru_cache

import phonenumbers
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from .text import CACHE_SIZE, fold, words

_EMAIL_IN_ANGLES = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")
_AMAZON_RELAY = re.compile(r"@marketplace\.amazon\.[a-z.]+$")
_ZIP_PREFIX = re.compile(r"^(?:[A-Z]{1,2})-(\d{4,5})$")
#: City words dropped after the first token ("Frankfurt am Main").
_CITY_FILLERS = words(
    """
    am a an der d im i in bei b ob o vor v dem den
    """
)
_CITY_ABBREVIATIONS = {
    "m": "main",
    "br": "breisgau",
    "opf": "oberpfalz",
    "st": "sankt",
    "obb": "oberbayern",
    "ndb": "niederbayern",
    "ofr": "oberfranken",
    "ufr": "unterfranken",
    "mfr": "mittelfranken",
    "wstf": "westfalen",
    "westf": "westfalen",
}
#: Country codes whose VAT prefix differs from ISO 3166 (Greece).
_VAT_PREFIX = {"GR": "EL"}


@lru_cache(maxsize=CACHE_SIZE)
def phone_e164(phone, country_code=None):
    """Return the E.164 form of ``phone`` or None if it is not valid."""
    if not phone:
        return None
    region = (country_code or "").upper() or None
    try:
        number = phonenumbers.parse(str(phone), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_key(email):
    """Lower-cased, stripped e-mail address (display name removed) or ""."""
    if not email:
        return ""
    text = str(email).strip()
    match = _EMAIL_IN_ANGLES.search(text)
    if match:
        text = match.group(1)
    text = text.strip().strip("<>").lower()
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else ""


def is_amazon_relay(email):
    """True for Amazon's anonymised buyer e-mail (…@marketplace.amazon.de)."""
    return bool(_AMAZON_RELAY.search(email_key(email)))


@lru_cache(maxsize=CACHE_SIZE)
def vat_key(vat, country_code=None):
    """Validated compact EU VAT id with country prefix ("DE136695976") or None.

    A VAT id written without prefix gets the prefix of ``country_code``.
    """
    if not vat:
        return None
    compact = re.sub(r"[^0-9A-Za-z]", "", str(vat)).upper()
    if compact[:2].isdigit() and country_code:
        prefix = country_code.upper()
        compact = _VAT_PREFIX.get(prefix, prefix) + compact
    try:
        return eu_vat.validate(compact)
    except ValidationError:
        return None


def zip_key(zip_code):
    """Upper-case zip without blanks; "D-12345" → "12345", "1012 ab" → "1012AB"."""
    if not zip_code:
        return ""
    text = re.sub(r"\s+", "", str(zip_code)).upper()
    match = _ZIP_PREFIX.match(text)
    if match:
        return match.group(1)
    return re.sub(r"[^0-9A-Z]", "", text)


@lru_cache(maxsize=CACHE_SIZE)
def city_key(city):
    """Folded city with fillers unified.

    "Frankfurt am Main", "Frankfurt a. M." and "Frankfurt/Main" all give
    "frankfurt main"; "München" and "Muenchen" give "muenchen".
    """
    tokens = fold(city).split()
    if not tokens:
        return ""
    rest = [_CITY_ABBREVIATIONS.get(token, token) for token in tokens[1:]]
    first = _CITY_ABBREVIATIONS.get(tokens[0], tokens[0])
    return " ".join([first, *(token for token in rest if token not in _CITY_FILLERS)])
