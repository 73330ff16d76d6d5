"""Per-field similarity (0–100) between two key dicts from ``keys_for``."""

from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from .address import STREET_TYPES, base_number
from .text import CACHE_SIZE

#: Key in the ``keys_for`` dict holding each criterion field.
FIELD_KEYS = {
    "name": "name_key",
    "company": "company_key",
    "street": "street_key",
    "zip": "zip_key",
    "city": "city_key",
    "country": "country",
    "email": "email_key",
    "phone": "phone_key",
    "vat": "vat_key",
    "amazon_email": "amazon_email_key",
    "postnummer": "postnummer",
}


def _ratio(a, b):
    """Best of Indel ratio and Jaro-Winkler, 0–100."""
    return max(fuzz.ratio(a, b), 100 * JaroWinkler.normalized_similarity(a, b))


def _gender_variant(a, b):
    """True for "Maria"/"Mario", "Christian"/"Christiane", "Jan"/"Jana"."""
    short, long_ = sorted((a, b), key=len)
    if len(long_) == len(short) + 1 and long_.startswith(short):
        return long_[-1] in "aeo"
    return len(a) == len(b) and a[:-1] == b[:-1] and a[-1] in "aeio" and b[-1] in "aeio"


def _token_compatible(a, b):
    """Two given-name tokens may denote the same person (typo, initial)."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if _gender_variant(a, b):
        return False
    return min(len(a), len(b)) >= 4 and OSA.distance(a, b) <= 1


def _tokens_compatible(given_a, given_b):
    """Every token of the shorter given name fits a token of the other;
    blanks and hyphens do not count ("Karl-Heinz" / "Karl Heinz" / "Karlheinz")."""
    joined = given_a.replace(" ", "").replace("-", "")
    if joined and joined == given_b.replace(" ", "").replace("-", ""):
        return True
    tokens_a, tokens_b = given_a.split(), given_b.split()
    if not tokens_a or not tokens_b:
        return True
    short, long_ = sorted((tokens_a, tokens_b), key=len)
    return all(any(_token_compatible(s, t) for t in long_) for s in short)


def given_compatible(a, b):
    """True if the given names of key dicts ``a`` and ``b`` fit one person.

    A missing middle name ("hans peter" / "hans"), an initial ("h"), one typo
    or given name and surname swapped is compatible; "anna" / "hans" or
    "maria" / "mario" is not.
    """
    given_a, given_b = a.get("given_key", ""), b.get("given_key", "")
    if _tokens_compatible(given_a, given_b):
        return True
    sur_a, sur_b = a.get("surname_key", ""), b.get("surname_key", "")
    swapped = given_a and sur_b and _tokens_compatible(given_a, sur_b)
    return bool(swapped and sur_a and _tokens_compatible(sur_a, given_b))


def given_similarity(given_a, given_b):
    """Similarity of two folded given names, 0–100."""
    if given_a == given_b:
        return 100.0
    tokens_a, tokens_b = set(given_a.split()), set(given_b.split())
    if tokens_a <= tokens_b or tokens_b <= tokens_a:
        return 95.0
    if _tokens_compatible(given_a, given_b):
        if min(len(t) for t in tokens_a | tokens_b) == 1:
            return 85.0
        return max(92.0, _ratio(given_a, given_b))
    return _ratio(given_a, given_b)


#: Share of the similarity left when one name is a single word (only a
#: surname, or only a given name): missing is neutral, but proves less.
PARTIAL_NAME = 0.92


def _glued_similarity(single, given, surname):
    """A single word that is the other full name without blank ("hansfuchs"
    for "Hans Fuchs"); its first part must be exact, so that the given name
    of a household member ("annamueller" for "Hanna Müller") never slips in
    as a typo."""
    word, best = _compact(single), 0.0
    for first, second in ((given, surname), (surname, given)):
        first, second = _compact(first), _compact(second)
        if first and word.startswith(first):
            best = max(best, fuzz.ratio(word, first + second))
    return best


def _partial_name_similarity(single, given, surname):
    """A single-word name against a full one: the word is the surname or
    (the surname missing) the given name, or the whole name glued."""
    best = _ratio(single, surname)
    if given:
        best = max(best, _ratio(single, given))
    return max(PARTIAL_NAME * best, _glued_similarity(single, given, surname))


def name_similarity(a, b):
    """Person-name similarity robust to order, titles and a middle name.

    A name of a single word (kept as surname by ``split_person_name``) is
    compared with the other name's surname or given name, at
    :data:`PARTIAL_NAME` of that similarity, or with the whole other name
    glued ("hansfuchs").
    """
    full = fuzz.token_sort_ratio(a["name_key"], b["name_key"])
    given_a, given_b = a.get("given_key", ""), b.get("given_key", "")
    sur_a, sur_b = a.get("surname_key", ""), b.get("surname_key", "")
    if not (sur_a and sur_b):
        return full
    surname = _ratio(sur_a, sur_b)
    if not (given_a and given_b):
        if given_a:
            return _partial_name_similarity(sur_b, given_a, sur_a)
        if given_b:
            return _partial_name_similarity(sur_a, given_b, sur_b)
        return PARTIAL_NAME * surname
    structured = 0.6 * surname + 0.4 * given_similarity(given_a, given_b)
    swapped = 0.6 * _ratio(sur_a, given_b) + 0.4 * _ratio(given_a, sur_b)
    return max(full, structured, swapped)


def company_similarity(a, b):
    """Company core-name similarity; another legal form costs 10 %."""
    core_a, core_b = a["company_key"], b["company_key"]
    sim = max(fuzz.token_sort_ratio(core_a, core_b), _ratio(core_a, core_b))
    form_a, form_b = a.get("legal_form"), b.get("legal_form")
    return sim * 0.9 if form_a and form_b and form_a != form_b else sim


def house_number_similarity(num_a, num_b):
    """100 equal, 90 same base number ("5" / "5a"), 0 different; None missing."""
    if not num_a or not num_b:
        return None
    if num_a == num_b:
        return 100.0
    if base_number(num_a) != base_number(num_b):
        return 0.0
    suffix_a, suffix_b = num_a.lstrip("0123456789"), num_b.lstrip("0123456789")
    return 90.0 if not suffix_a or not suffix_b else 50.0


#: Share of the similarity left when both streets name a type and the types
#: differ.
OTHER_STREET_TYPE = 0.4


@lru_cache(maxsize=CACHE_SIZE)
def _street_type(key):
    """The type of a street key: its last type word ("ring str" -> "str")."""
    types = [token for token in key.split() if token in STREET_TYPES]
    return types[-1] if types else None


def street_name_similarity(a, b):
    """Similarity of the street names alone (no house number).

    Different street types ("Lindenweg" / "Lindenstraße", "Ring" /
    "Ringstraße") are different streets, however alike the names.
    """
    key_a, key_b = a["street_key"], b["street_key"]
    sim = max(
        _ratio(key_a, key_b), _ratio(key_a.replace(" ", ""), key_b.replace(" ", ""))
    )
    type_a, type_b = _street_type(key_a), _street_type(key_b)
    if type_a and type_b and type_a != type_b:
        sim *= OTHER_STREET_TYPE
    return sim


def same_street_other_suffix(a, b, min_similarity=88.0):
    """Same street and base house number, only the suffix differs ("5a"/"5b")."""
    num_a, num_b = a.get("house_number") or "", b.get("house_number") or ""
    if not (a["street_key"] and b["street_key"] and num_a and num_b) or num_a == num_b:
        return False
    return (
        base_number(num_a) == base_number(num_b)
        and street_name_similarity(a, b) >= min_similarity
    )


#: Share of the street similarity left when only one side has a house
#: number: missing is neutral, but cannot tell the house.
ONE_HOUSE_NUMBER = 0.95


def street_similarity(a, b):
    """Street-name similarity times the house-number agreement."""
    sim = street_name_similarity(a, b)
    number = house_number_similarity(a.get("house_number"), b.get("house_number"))
    if number is None:
        has_a, has_b = bool(a.get("house_number")), bool(b.get("house_number"))
        return sim if has_a == has_b else sim * ONE_HOUSE_NUMBER
    return sim * number / 100


def zip_similarity(a, b):
    """100 equal, 80 for one typo (substitution/transposition), else 0."""
    zip_a, zip_b = a["zip_key"], b["zip_key"]
    if zip_a == zip_b:
        return 100.0
    if len(zip_a) == len(zip_b) and OSA.distance(zip_a, zip_b) == 1:
        return 80.0
    return 0.0


def city_similarity(a, b):
    """City similarity; a district suffix ("berlin mitte") still agrees."""
    city_a, city_b = a["city_key"], b["city_key"]
    sim = _ratio(city_a, city_b)
    if min(len(city_a), len(city_b)) >= 4:
        sim = max(sim, fuzz.token_set_ratio(city_a, city_b))
    return sim


_FUZZY = {
    "name": name_similarity,
    "company": company_similarity,
    "street": street_similarity,
    "zip": zip_similarity,
    "city": city_similarity,
}


def similarity(field, a, b, comparison="fuzzy"):
    """Similarity 0–100 of ``field`` between key dicts, None if one is missing."""
    key = FIELD_KEYS[field]
    value_a, value_b = a.get(key) or "", b.get(key) or ""
    if not value_a or not value_b:
        return None
    if comparison == "fuzzy" and field in _FUZZY:
        return float(_FUZZY[field](a, b))
    if comparison == "normalized":
        value_a, value_b = _compact(value_a), _compact(value_b)
        if field == "street" and a.get("house_number") != b.get("house_number"):
            return 0.0
    return 100.0 if value_a == value_b else 0.0


def _compact(value):
    """Key without blanks and hyphens, for "normalized" comparisons."""
    return value.replace(" ", "").replace("-", "")
