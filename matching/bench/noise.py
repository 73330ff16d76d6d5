"""Spelling variants and Amazon line quirks applied to repeat orders."""

import re

from .german_data import FLOORS, LEGAL_VARIANTS

_TRANSLIT = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "ß": "ss",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
}


def transliterate(text):
    """Write umlauts as ae/oe/ue/ss."""
    return "".join(_TRANSLIT.get(char, char) for char in text)


def typo(rng, text):
    """One random typo (swap, drop or replace a letter) inside a word."""
    if len(text) < 5:
        return text
    pos = rng.randint(1, len(text) - 3)
    kind = rng.random()
    if kind < 0.4:
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    if kind < 0.7:
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + rng.choice("aeinrst") + text[pos + 1 :]


def street_variant(rng, name):
    """Straße / Str. / strasse / separate word variants of a street name."""
    roll = rng.random()
    if name.endswith("straße"):
        stem = name[: -len("straße")]
        return rng.choice(
            [name, stem + "str.", stem + "strasse", stem + " Straße", stem + "Str."]
        )
    if roll < 0.2:
        return name.lower()
    return name


def number_variant(rng, number):
    """House number written as "5a", "5 a" or "5A"."""
    match = re.fullmatch(r"(\d+)([a-z]?)", number)
    if not match or not match.group(2) or rng.random() < 0.5:
        return number
    return f"{match.group(1)} {match.group(2).upper() if rng.random() < 0.5 else 'a'}"


def name_variant(rng, given, surname):
    """Person name with titles, order, initials, case and typo variants."""
    roll = rng.random()
    if roll < 0.1:
        text = f"{surname}, {given}"
    elif roll < 0.15:
        text = f"{given[0]}. {surname}"
    elif roll < 0.25:
        text = f"{rng.choice(['Herr', 'Frau', 'Dr.', 'Prof. Dr.'])} {given} {surname}"
    else:
        text = f"{given} {surname}"
    if rng.random() < 0.2:
        text = transliterate(text)
    if rng.random() < 0.1:
        text = text.upper() if rng.random() < 0.5 else text.lower()
    if rng.random() < 0.08:
        text = typo(rng, text)
    return text


def company_variant(rng, company, legal):
    """Company name with another spelling of its legal form."""
    form = rng.choice(LEGAL_VARIANTS.get(legal, [legal]))
    return f"{company} {form}" if rng.random() < 0.9 else company


def phone_variant(rng, phone):
    """Another written format of the same phone number (or suppressed)."""
    if not phone or rng.random() < 0.5:
        return ""
    digits = phone.replace(" ", "")
    national = "0" + digits[3:] if digits.startswith("+49") else digits
    return rng.choice([phone, national, "0049" + digits[3:], digits])


def order_lines(rng, street, company):
    """Amazon AddressLine1/2/3 with company, floor and c/o quirks."""
    lines = [street]
    if company:
        lines = [company, street] if rng.random() < 0.7 else [street, company]
    roll = rng.random()
    if roll < 0.1:
        lines.append(rng.choice(FLOORS))
    elif roll < 0.13:
        lines.insert(0, "c/o Hausverwaltung Krause")
    return lines + [""] * (3 - len(lines))
