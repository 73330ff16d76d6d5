"""Street lines, house numbers, Packstation and Amazon address-line roles."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .company import is_company_name, is_floor_line
from .text import CACHE_SIZE, fold

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})
#: Street name … house number [suffix] [range], e.g. "Hauptstr. 5 a-7".
_TRAILING_NUMBER = re.compile(
    r"^(?P<street>.*?[^\d\s,])[\s,]*(?:(?i:nr|no|n°|nº)\.?\s*)?"
    r"(?P<num>\d{1,5})\s*(?P<suf>[a-zA-Z](?![a-zA-Z]))?"
    r"\s*(?P<rng>[-/]\s*\d{1,5}\s*[a-zA-Z]?(?![a-zA-Z]))?\s*$"
)
#: House number first (FR, BE, LU, UK, …): "12 bis rue de la Paix".
_LEADING_NUMBER = re.compile(
    r"^\s*(?P<num>\d{1,5})\s*(?P<suf>[a-zA-Z](?![a-zA-Z])|bis|ter|quater)?"
    r"\s*(?P<rng>[-/]\s*\d{1,5}\s*[a-zA-Z]?(?![a-zA-Z]))?\s*,?\s+"
    r"(?P<street>[^\d].*)$",
    re.IGNORECASE,
)
#: Glued or separate street types, unified to one spelling.
_STREET_TYPES = [
    (r"strasse|str|strase|strs", "str"),
    (r"platz|pl", "platz"),
    (r"weg", "weg"),
    (r"allee", "allee"),
    (r"gasse", "gasse"),
    (r"ring", "ring"),
    (r"damm", "damm"),
    (r"chaussee", "chaussee"),
]
#: The unified street types: "Lindenweg" and "Lindenstraße" are two streets.
STREET_TYPES = frozenset(unified for _alt, unified in _STREET_TYPES)
_GLUED = [
    (re.compile(r"(?<=[a-z])(?:" + alt + r")\b"), " " + unified)
    for alt, unified in _STREET_TYPES
]
_SEPARATE = [
    (re.compile(r"\b(?:" + alt + r")\b"), unified) for alt, unified in _STREET_TYPES
]
_ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "avda": "avenida",
    "pza": "plaza",
    "c": "calle",
    "st": "sankt",
}
_PACKSTATION = re.compile(
    r"\b(pack\s*station|packstation|post\s*filiale|postfiliale|paket\s*shop|"
    r"paketshop|paketbox|postfach)\b\D*(\d{1,5})?",
    re.IGNORECASE,
)
_POSTNUMMER = re.compile(
    r"(?:post\s*-?\s*(?:nummer|nr\.?)|kundennummer|kd\.?\s*-?\s*nr\.?|pnr)"
    r"\s*[:.]?\s*(\d{6,10})\b",
    re.IGNORECASE,
)
_BARE_POSTNUMMER = re.compile(r"^\s*(\d{6,10})\s*$")
#: A house number alone in a line ("5", "5a", "5-7").
_BARE_NUMBER = re.compile(
    r"^\s*\d{1,5}\s*[a-zA-Z]?(?:\s*[-/]\s*\d{1,5}\s*[a-zA-Z]?)?\s*$"
)
_CARE_OF = re.compile(
    r"^\s*(?:c\s*/\s*o|c\.\s*o\.|care of|bei|z\.?\s*hd\.?|zu\s*h(?:än|an)den|"
    r"attn\.?|att\.?)\s*[:.]?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_STREET_WORD = re.compile(
    r"(?:str|platz|weg|allee|gasse|ring|damm|chaussee|ufer|markt|steig|pfad|"
    r"rue|via|viale|calle|avenue|avenida|straat|laan|plein|road|street|lane|"
    r"place|crescent|court|circuit|drive|close|parade|terrace|highway|"
    r"boulevard|grove|square)\b"
)


def _unify_types(folded):
    """Unify street-type spellings inside a folded street name."""
    for pattern, unified in _GLUED:
        folded = pattern.sub(unified, folded)
    for pattern, unified in _SEPARATE:
        folded = pattern.sub(unified, folded)
    return folded


@lru_cache(maxsize=CACHE_SIZE)
def street_key(street):
    """Normalised street name without house number.

    "Müllerstr.", "Muellerstrasse" and "Müller Straße" all give "mueller str";
    hyphens become spaces, so "Müller-Lüdenscheidt Str." equals
    "Mueller-Luedenscheidt Strasse".
    """
    tokens = _unify_types(fold(street)).split()
    tokens = [_ABBREVIATIONS.get(token, token) for token in tokens]
    return " ".join(tokens)


def house_number_key(num, suffix="", rng=""):
    """Canonical house number: "5", "5a", "5-7", "5/1"."""
    suffix = (suffix or "").strip().lower()
    rng = re.sub(r"\s+", "", (rng or "")).lower()
    return f"{int(num)}{suffix}{rng}"


@lru_cache(maxsize=CACHE_SIZE)
def parse_street(line):
    """Split a street line into ``(street_key, house_number)``.

    The last number is the house number, so "Straße des 17. Juni 100" gives
    ("str des 17 juni", "100"); a leading number is used when the line does
    not end in one ("12 rue de la Paix"). Without a number the house number
    is "".
    """
    if not line:
        return "", ""
    text = str(line).translate(_DASHES).strip()
    match = _TRAILING_NUMBER.match(text)
    if not match:
        match = _LEADING_NUMBER.match(text)
    if not match:
        return street_key(text), ""
    number = house_number_key(match["num"], match["suf"], match["rng"])
    return street_key(match["street"]), number


def base_number(house_number):
    """Leading digits of a house-number key ("5a" → "5", "5-7" → "5")."""
    match = re.match(r"\d+", house_number or "")
    return match.group(0) if match else ""


def _postnummer_in(text):
    """DHL Postnummer written in ``text`` ("Postnummer 12345678"), else ""."""
    if not text:
        return ""
    match = _POSTNUMMER.search(str(text)) or _BARE_POSTNUMMER.match(str(text))
    return match.group(1) if match else ""


def parse_packstation(lines, name=None):
    """Return ``(kind, station_number, postnummer)`` of a DHL address.

    ``kind`` is "packstation", "postfiliale", "paketshop", "paketbox",
    "postfach" or "" when no line names one. The Postnummer may stand in the
    station line, in another line or in the ``name`` field.
    """
    texts = [str(text) for text in [*(lines or []), name] if text]
    kind = station = postnummer = ""
    for text in texts:
        match = _PACKSTATION.search(text)
        if match and not kind:
            kind = re.sub(r"\s+", "", match.group(1).lower())
            station = match.group(2) or ""
        postnummer = postnummer or _postnummer_in(text)
    if kind and not postnummer:
        numbers = (_first_long_number(text) for text in texts)
        postnummer = next((number for number in numbers if number), "")
    return kind, station, postnummer


def _first_long_number(text):
    """First 6–10 digit number in ``text`` (a Postnummer), else ""."""
    match = re.search(r"(?<!\d)(\d{6,10})(?!\d)", text or "")
    return match.group(1) if match else ""


@dataclass
class AddressLines:
    """Roles found in Amazon's AddressLine1/2/3 (any order)."""

    company: str = ""
    care_of: str = ""
    street: str = ""
    packstation: str = ""
    postnummer: str = ""
    extra: list = field(default_factory=list)


def _line_role(line, result):
    """Classify one non-empty line; return the role name."""
    if _PACKSTATION.search(line):
        return "packstation"
    if _postnummer_in(line):
        return "postnummer"
    if _CARE_OF.match(line):
        return "care_of"
    if is_floor_line(line):
        return "extra"
    has_number = bool(parse_street(line)[1])
    if is_company_name(line) and not (has_number and _STREET_WORD.search(fold(line))):
        return "company"
    if has_number and not result.street:
        return "street"
    if not result.street and _STREET_WORD.search(_unify_types(fold(line))):
        return "street"
    return "extra"


def _is_street_name(line):
    """True if ``line`` names a street type ("…straße", "…weg", "… road")."""
    return bool(_STREET_WORD.search(_unify_types(fold(line))))


def _repair_street(result):
    """Join a street split over two lines, in place.

    The house number alone in another line ("Hauptstraße" / "5") joins the
    street; a numbered line without street type next to a street name
    without number ("12 Wentworth House" / "Kiewa Street": the lines
    swapped) gives its number to the street name and becomes an extra line.
    """
    number = parse_street(result.street)[1]
    for index, line in enumerate(result.extra):
        if not number and _BARE_NUMBER.match(line):
            result.street = f"{result.street} {line.strip()}"
            del result.extra[index]
            return
        swapped = number and not _is_street_name(result.street)
        if swapped and _is_street_name(line) and not parse_street(line)[1]:
            result.extra[index] = result.street
            result.street = f"{line} {number}"
            return


def classify_address_lines(lines):
    """Classify Amazon address lines into company, c/o, street, extra, …

    The company or the street may stand in any line; floor lines such as
    "EG links" or "2. OG" go to ``extra``; a street split over two lines is
    joined (see :func:`_repair_street`).
    """
    result = AddressLines()
    for raw in lines or []:
        line = str(raw or "").strip()
        if not line:
            continue
        role = _line_role(line, result)
        if role == "packstation":
            result.packstation = line
        elif role == "postnummer":
            result.postnummer = _postnummer_in(line)
        elif role == "care_of":
            result.care_of = _CARE_OF.match(line)["rest"].strip()
        elif role == "company" and not result.company:
            result.company = line
        elif role == "street":
            result.street = line
        else:
            result.extra.append(line)
    if result.street and result.extra:
        _repair_street(result)
    return result
