"""Criteria-based scoring of one incoming buyer against candidate partners.

``score`` compares two key dicts (see ``normalize.keys_for``) criterion by
criterion; ``decide`` picks link / review / new from all scored candidates.
Hard rules on top of the weighted score:

* missing values are neutral (left out of the weighted average);
* a different given name is another person (household member): blocked,
  unless the company agrees or the VAT id identifies the customer;
* different valid VAT ids block; an equal identifier identifies;
* a different phone, e-mail, Amazon e-mail or Postnummer is neutral (people
  have several);
* a different zip (or town) is neutral when the name, the street and the
  town (or the zip) agree: a typo;
* an automatic link needs the name (or company) to agree and either the
  address (street with house number plus zip or city, no Packstation) or an
  identifier;
* a person only reviews a candidate when the name, the company, the street
  (or its house number but for the suffix) or an identifier agrees: someone
  with a merely similar name elsewhere in the same town is another
  customer, not a possible duplicate;
* the same name in the same zip at another house number of the same street,
  or at the same house number of another (or badly misspelt) street, is
  flagged as ``next_door``: a typo or a move next door rather than a
  namesake, which ``decision.match`` always sends to review.

The decision itself (link / review / new, ties, known pairs, reasons) is
:func:`matching.decision.match`; :func:`decide` is kept for callers that
only need ``(decision, best_result)``.
"""

from dataclasses import dataclass, field

from .compare import (
    given_compatible,
    house_number_similarity,
    same_street_other_suffix,
    similarity,
    street_name_similarity,
)
from .presets import PRESETS, Criterion

__all__ = ["PRESETS", "Criterion", "Result", "decide", "reviewable", "score"]

#: Fields whose disagreement is neutral: people have several of them.
NEUTRAL_ON_CONFLICT = frozenset(["phone", "email", "amazon_email", "postnummer"])
#: An identifier needs at least this name (or company) similarity.
IDENTIFIER_NAME_FLOOR = 80.0
#: ``Result.next_door`` values: the same name at another house number of the
#: same street, or at the same house number of a street that disagrees.
OTHER_HOUSE_NUMBER = "other_house_number"
STREET_DIFFERS = "street_differs"
#: Name (or company) similarity that counts as "the same name" next door:
#: equal up to a typo; "Klaus Schwarz" / "Klaus Schäfer" (88) is not.
NEXT_DOOR_NAME = 95.0


@dataclass
class Result:
    """Outcome of comparing one incoming record with one candidate."""

    score: float = 0.0
    agreed: dict = field(default_factory=dict)
    disagreed: dict = field(default_factory=dict)
    blocked_reason: str | None = None
    identified_by: str | None = None
    linkable: bool = False
    candidate: object = None
    #: same street and base house number, another suffix ("5a" / "5b")
    near_street: bool = False
    #: the same name in the same zip next door: ``OTHER_HOUSE_NUMBER``,
    #: ``STREET_DIFFERS`` or "" (see :func:`score`)
    next_door: str = ""


def _agrees(criterion, sim):
    """True if ``sim`` counts as agreement for ``criterion``."""
    if criterion.comparison == "fuzzy":
        return sim >= criterion.min_similarity
    return sim >= 100.0


def _neutral_locality(result):
    """A zip or town that disagrees while the name, the street and the other
    one agree is a typo: the same person at the same street and house number
    of the same town (or zip). Without the name it is another address: a
    town has several "Hauptstraße" under different zips."""
    agreed, disagreed = result.agreed, result.disagreed
    if "street" not in agreed or not ("name" in agreed or "company" in agreed):
        return ()
    return tuple(
        field
        for field, other in (("zip", "city"), ("city", "zip"))
        if field in disagreed and other in agreed
    )


def _compare_all(incoming, candidate, criteria, result):
    """Fill agreed/disagreed/blocked; return the weighted average 0–100."""
    counted = []
    for criterion in criteria:
        sim = similarity(criterion.field, incoming, candidate, criterion.comparison)
        if sim is None or criterion.weight <= 0 and criterion.role == "tiebreak":
            continue
        if _agrees(criterion, sim):
            result.agreed[criterion.field] = sim
            if criterion.role == "identifies" and not result.identified_by:
                result.identified_by = criterion.field
        else:
            result.disagreed[criterion.field] = sim
            if criterion.role == "must" or criterion.field == "vat":
                result.blocked_reason = result.blocked_reason or (
                    f"{criterion.field}_differs"
                )
            if criterion.field in NEUTRAL_ON_CONFLICT:
                continue
        counted.append((criterion.field, criterion.weight, sim))
    neutral = _neutral_locality(result)
    total = sum(w * sim / 100.0 for f, w, sim in counted if f not in neutral)
    weights = sum(w for f, w, _sim in counted if f not in neutral)
    return 100.0 * total / weights if weights else 0.0


def _name_supports_identifier(result):
    """An identifier only counts when the name or company is close enough."""
    sims = [result.agreed.get(f, result.disagreed.get(f)) for f in ("name", "company")]
    sims = [sim for sim in sims if sim is not None]
    return not sims or max(sims) >= IDENTIFIER_NAME_FLOOR


def _household_conflict(incoming, candidate, result):
    """True if the given names differ and nothing else ties the two together."""
    if "company" in result.agreed or result.identified_by == "vat":
        return False
    return not given_compatible(incoming, candidate)


def _address_agrees(incoming, candidate, result):
    """Street (with house number) plus zip or city agree; no Packstation."""
    if incoming.get("packstation") or candidate.get("packstation"):
        return False
    return "street" in result.agreed and (
        "zip" in result.agreed or "city" in result.agreed
    )


def _next_door(incoming, candidate, criteria, result):
    """``OTHER_HOUSE_NUMBER``, ``STREET_DIFFERS`` or "" (see ``Result``).

    Needs the same name or company (:data:`NEXT_DOOR_NAME`), the zip to
    agree and the street to disagree; both house numbers must be known.
    """
    agreed = result.agreed
    if "street" not in result.disagreed or "zip" not in agreed:
        return ""
    if max(agreed.get("name", 0.0), agreed.get("company", 0.0)) < NEXT_DOOR_NAME:
        return ""
    number = house_number_similarity(
        incoming.get("house_number"), candidate.get("house_number")
    )
    if number is None:
        return ""
    if number >= 90.0:
        return STREET_DIFFERS
    floor = next((c.min_similarity for c in criteria if c.field == "street"), 100.0)
    if street_name_similarity(incoming, candidate) >= floor:
        return OTHER_HOUSE_NUMBER
    return ""


def score(incoming, candidate, criteria, candidate_id=None, german_rules=True):
    """Compare two key dicts with ``criteria`` and return a :class:`Result`.

    ``german_rules=False`` switches off the household (given-name conflict)
    and address gates, leaving the plain weighted score: only for data sets
    such as FEBRL whose duplicates replace given names and house numbers.
    """
    result = Result(candidate=candidate_id)
    result.score = _compare_all(incoming, candidate, criteria, result)
    if "street" in result.disagreed:
        result.near_street = same_street_other_suffix(incoming, candidate)
    uses_name = any(c.field == "name" for c in criteria)
    if german_rules and uses_name and _household_conflict(incoming, candidate, result):
        result.blocked_reason = result.blocked_reason or "given_name_conflict"
    if result.identified_by and not _name_supports_identifier(result):
        result.identified_by = None
    if result.blocked_reason:
        result.identified_by = None
        return result
    result.next_door = _next_door(incoming, candidate, criteria, result)
    if result.identified_by:
        result.score = 100.0
    name_ok = "name" in result.agreed or "company" in result.agreed
    address_ok = _address_agrees(incoming, candidate, result) or not german_rules
    result.linkable = name_ok and bool(result.identified_by or address_ok)
    return result


#: Agreement on one of these makes a candidate worth a person's look, even
#: when the name is too different for an identifier to count on its own.
REVIEW_EVIDENCE = ("name", "company", "street", *NEUTRAL_ON_CONFLICT, "vat")


def reviewable(result):
    """True if ``result`` has more in common than the locality (zip, city)."""
    return (
        result.linkable
        or bool(result.identified_by)
        or any(field in result.agreed for field in REVIEW_EVIDENCE)
        or result.near_street
    )


def decide(results, link_threshold, review_threshold, margin=2.0):
    """Return ``(decision, best_result)``; decision is link, review or new.

    A thin wrapper of :func:`matching.decision.decide_results` (the rules of
    :func:`matching.decision.match` on already scored results), for callers
    that do not need the ranked candidates and the reason.
    """
    from .decision import decide_results  # here: decision imports this module

    outcome = decide_results(results, link_threshold, review_threshold, margin=margin)
    return outcome.decision, outcome.best
