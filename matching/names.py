"""Person names: titles, "Surname, Given name" order and name particles."""

from functools import lru_cache

from .text import CACHE_SIZE, fold, fold_keep_hyphen, words

#: Salutations and academic titles dropped anywhere in a person name.
TITLES = words(
    """
    herr herrn frau fr hr dr doktor prof professor dipl ing diplom kfm kffr mr
    mrs ms miss mx sir madame mme mlle monsieur signor signora sig sra senor
    senora dott dottssa mag med dent vet rer nat pol oec phil jur habil univ
    priv doz ingenieur eheleute familie fam firma z hd
    """
)
#: Degrees only dropped at the end of a name ("Anna Weber MBA").
DEGREES = words(
    """
    mba msc bsc ba ma phd llm jr sr ii iii
    """
)
#: Surname particles that stay with the surname ("von der Leyen").
PARTICLES = words(
    """
    von vom zu zum zur der den van de del della di da dos das du le la ten ter
    op
    """
)


def _strip_titles(tokens):
    """Remove salutations/titles everywhere and degrees at the end."""
    kept = [token for token in tokens if not _all_titles(token)]
    while len(kept) > 2 and kept[-1] in DEGREES:
        kept.pop()
    return kept


def _all_titles(token):
    """True if every hyphen part of ``token`` is a title ("dipl-ing")."""
    return all(part in TITLES for part in token.split("-"))


def _name_tokens(text):
    """Fold one name part to tokens (hyphens kept) without titles."""
    return _strip_titles(fold_keep_hyphen(text).split())


def _reorder_comma(name):
    """Return (given_text, surname_text) for "Surname, Given", else None."""
    parts = [part.strip() for part in str(name).split(",")]
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    given = _name_tokens(parts[1])
    if not given or all(token in DEGREES for token in given):
        return None
    return parts[1], parts[0]


@lru_cache(maxsize=CACHE_SIZE)
def split_person_name(name):
    """Split a person name into folded ``(given, surname)``.

    Titles are dropped, "Müller, Hans" is reordered and particles stay with the
    surname: "Dr. Ursula von der Leyen" → ("ursula", "von der leyen").
    A single word is taken as the surname.
    """
    if not name:
        return "", ""
    reordered = _reorder_comma(name)
    if reordered:
        given = _name_tokens(reordered[0])
        surname = _name_tokens(reordered[1])
        return " ".join(given), " ".join(surname)
    tokens = _name_tokens(str(name).replace(",", " "))
    if not tokens:
        return "", ""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    if start == 1 and tokens[0] in PARTICLES:
        start = 0
    return " ".join(tokens[:start]), " ".join(tokens[start:])


def name_key(name):
    """Normalised full person name "given surname" (titles removed)."""
    given, surname = split_person_name(name)
    return " ".join(part for part in (given, surname) if part)


def initials(given):
    """First letters of the given-name tokens ("hans-peter" → "h")."""
    return "".join(token[0] for token in fold(given).split() if token)
