"""Low-level text folding shared by all normalisation rules."""

import re
import unicodedata
from functools import lru_cache

#: Entries of the per-function caches of pure string normalisers.
CACHE_SIZE = 1 << 16

_TRANSLIT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ẞ": "SS",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_ALNUM_HYPHEN = re.compile(r"[^0-9a-z-]+")
_HYPHEN_SPACES = re.compile(r"\s*-+\s*")


def _ascii_lower(text):
    """Transliterate umlauts/ß first, then strip other accents and lower-case."""
    text = str(text).translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.casefold()


@lru_cache(maxsize=CACHE_SIZE)
def fold(text):
    """Fold ``text`` to lower-case ASCII words separated by single spaces.

    Umlauts and ß are transliterated before accents are stripped, so that
    "Müller" and "Mueller" fold to the same "mueller" (not "muller").
    """
    if not text:
        return ""
    return " ".join(_NON_ALNUM.sub(" ", _ascii_lower(text)).split())


def fold_keep_hyphen(text):
    """Like :func:`fold` but keep hyphens inside words ("karl-ernst")."""
    if not text:
        return ""
    text = _NON_ALNUM_HYPHEN.sub(" ", _ascii_lower(text))
    text = _HYPHEN_SPACES.sub("-", " ".join(text.split()))
    return " ".join(token.strip("-") for token in text.split() if token.strip("-"))


def join_dotted_initials(text):
    """Join dotted single letters: "G.m.b.H." → "GmbH", "e. K." → "eK"."""
    if not text:
        return ""

    def _join(match):
        return re.sub(r"[.\s]", "", match.group(0)) + " "

    return re.sub(r"(?<![\w])(?:[^\W\d_]\.\s?){2,}", _join, str(text)).strip()


def words(text):
    """Frozen set of the whitespace-separated words of ``text``."""
    return frozenset(text.split())
