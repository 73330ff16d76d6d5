"""Company names: legal forms, company detection and floor lines (EG/OG)."""

import re
from functools import lru_cache

from .text import CACHE_SIZE, fold, join_dotted_initials

#: Folded legal-form token sequences → canonical code, longest first.
_LEGAL_FORMS = [
    ("gmbh co kgaa", "gmbh_co_kgaa"),
    ("gmbh co kg", "gmbh_co_kg"),
    ("gmbh cokg", "gmbh_co_kg"),
    ("gmbh co ohg", "gmbh_co_ohg"),
    ("ug haftungsbeschraenkt co kg", "ug_co_kg"),
    ("ug co kg", "ug_co_kg"),
    ("ag co kg", "ag_co_kg"),
    ("se co kg", "se_co_kg"),
    ("ltd co kg", "ltd_co_kg"),
    ("gesellschaft mit beschraenkter haftung", "gmbh"),
    ("gesellschaft mbh", "gmbh"),
    ("ges mbh", "gmbh"),
    ("gesmbh", "gmbh"),
    ("ggmbh", "ggmbh"),
    ("gmbh", "gmbh"),
    ("mbh", "gmbh"),
    ("unternehmergesellschaft haftungsbeschraenkt", "ug"),
    ("ug haftungsbeschraenkt", "ug"),
    ("ug haftungsbeschrankt", "ug"),
    ("ug hb", "ug"),
    ("ug", "ug"),
    ("eingetragener kaufmann", "ek"),
    ("eingetragene kauffrau", "ek"),
    ("e kfm", "ek"),
    ("ekfm", "ek"),
    ("ekfr", "ek"),
    ("ek", "ek"),
    ("eingetragener verein", "ev"),
    ("ev", "ev"),
    ("eingetragene genossenschaft", "eg"),
    ("eg", "eg"),
    ("kgaa", "kgaa"),
    ("aktiengesellschaft", "ag"),
    ("ag", "ag"),
    ("kommanditgesellschaft", "kg"),
    ("kg", "kg"),
    ("ohg", "ohg"),
    ("og", "og"),
    ("gbr", "gbr"),
    ("partg mbb", "partg"),
    ("partgmbb", "partg"),
    ("partg", "partg"),
    ("se", "se"),
    ("limited", "ltd"),
    ("ltd", "ltd"),
    ("llc", "llc"),
    ("inc", "inc"),
    ("corp", "corp"),
    ("plc", "plc"),
    ("sarl", "sarl"),
    ("sas", "sas"),
    ("sa", "sa"),
    ("srl", "srl"),
    ("spa", "spa"),
    ("sl", "sl"),
    ("bv", "bv"),
    ("nv", "nv"),
    ("sp z o o", "sp_zoo"),
    ("sp z oo", "sp_zoo"),
    ("sp zoo", "sp_zoo"),
    ("sro", "sro"),
    ("kft", "kft"),
    ("aps", "aps"),
    ("ab", "ab"),
    ("oy", "oy"),
]
_FORM_PATTERNS = [
    (re.compile(r"(?:^| )" + re.escape(form) + r"(?= |$)"), code)
    for form, code in _LEGAL_FORMS
]
#: Short forms that are also ordinary words/floors; written case must match.
_AMBIGUOUS = {
    "eg": ("eG",),
    "ug": ("UG",),
    "kg": ("KG",),
    "og": ("OG",),
    "ag": ("AG",),
    "se": ("SE",),
    "sa": ("SA", "S.A."),
    "sl": ("SL", "S.L."),
    "ab": ("AB",),
    "ev": ("e.V.", "eV", "e. V.", "EV"),
    "ek": ("e.K.", "eK", "e. K.", "e.Kfm.", "EK"),
}
_CONNECTORS = frozenset(["und", "u", "co", "cie", "and", "et"])
_FLOOR_WORDS = (
    r"eg|og|dg|ug|kg|hp|hh|vh|sou|souterrain|erdgeschoss|obergeschoss|"
    r"dachgeschoss|untergeschoss|kellergeschoss|hochparterre|parterre|"
    r"hinterhaus|vorderhaus|seitenfluegel|gartenhaus|quergebaeude|etage|stock|"
    r"stockwerk|whg|wohnung|apt|apartment|app|appartement|zimmer|zi|top|tuer|"
    r"flat|suite|ste|floor|fl|room|unit|keller|dachboden|anbau|aufgang|haus|"
    r"geb|gebaeude|treppe|stiege|piso|etage|bt|batiment|escalier|esc"
)
_FLOOR_LINE = re.compile(
    r"^(?:(?:\d+[a-z]?|" + _FLOOR_WORDS + r"|links|rechts|li|re|mitte|"
    r"nr|no|ii|iii|iv|[a-z]|ganz|oben|unten|hinten|vorne)(?: |$))+$"
)
_FLOOR_WORD = re.compile(r"(?:^| )(?:" + _FLOOR_WORDS + r")(?: |$)")
_COMPANY_WORDS = re.compile(
    r"(?:^| )(?:firma|fa|praxis|zahnarztpraxis|arztpraxis|kanzlei|apotheke|"
    r"verlag|hotel|restaurant|klinik|institut|universitaet|hochschule|schule|"
    r"kindergarten|kita|stiftung|verein|gemeinde|stadtverwaltung|"
    r"landratsamt|amt|werkstatt|autohaus|handwerk|bau|technik|service|"
    r"services|solutions|consulting|systems|holding|group|gruppe|handel|"
    r"vertrieb|logistik|studio|agentur|werke?|manufaktur|gastronomie)(?: |$)"
)


@lru_cache(maxsize=CACHE_SIZE)
def is_floor_line(text):
    """True for floor/flat lines such as "EG links", "3. OG", "Apt 3"."""
    folded = fold(text)
    return bool(folded and _FLOOR_LINE.match(folded) and _FLOOR_WORD.search(folded))


_AND_CO = re.compile(r"(?:^| )(?:und|u|and|et) (?=co(?: |$))")


def _normalised(name):
    """Fold a company name after joining dotted initials (G.m.b.H.)."""
    return _AND_CO.sub(" ", fold(join_dotted_initials(name))).strip()


@lru_cache(maxsize=CACHE_SIZE)
def split_company(name):
    """Return ``(core_name, legal_form_code)`` of a company name.

    Legal forms are removed wherever they stand ("Müller GmbH & Co. KG" →
    ("mueller", "gmbh_co_kg")); connectors such as "und"/"&"/"Co." go too.
    """
    text = _normalised(name)
    form = ""
    for pattern, code in _FORM_PATTERNS:
        if pattern.search(text):
            form = form or code
            text = pattern.sub(" ", text)
    tokens = [token for token in text.split() if token not in _CONNECTORS]
    return " ".join(tokens), form


def company_key(name):
    """Normalised company core name without legal form."""
    return split_company(name)[0]


def _ambiguous_form_written(text, code):
    """True if the ambiguous short form ``code`` is written as a legal form."""
    spellings = _AMBIGUOUS[code]
    for spelling in spellings:
        pattern = r"(?<![\w.])" + re.escape(spelling) + r"(?![\w])"
        if re.search(pattern, text):
            return True
    return False


@lru_cache(maxsize=CACHE_SIZE)
def legal_form(text):
    """Canonical legal-form code found in ``text`` (case-aware), else ""."""
    if not text or is_floor_line(text):
        return ""
    folded = _normalised(text)
    for pattern, code in _FORM_PATTERNS:
        if not pattern.search(folded):
            continue
        if code in _AMBIGUOUS and not _ambiguous_form_written(str(text), code):
            continue
        if code in _AMBIGUOUS and len(folded.split()) < 2:
            continue
        return code
    return ""


@lru_cache(maxsize=CACHE_SIZE)
def is_company_name(text):
    """True if ``text`` looks like a company (legal form or business word).

    Floor lines ("EG links", "3. OG") are never companies; ambiguous short
    forms only count in their legal spelling ("eG", "UG", "KG").
    """
    if not text or is_floor_line(text):
        return False
    if legal_form(text):
        return True
    return bool(_COMPANY_WORDS.search(fold(text)))
