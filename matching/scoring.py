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
* an automatic link needs the name (or company) to agree and either the
  address (street with house number plus zip or city, no Packstation) or an
  identifier;
* a person only reviews a candidate when the name, the company, the street
  (or its house number but for the suffix) or an identifier agrees: someone
  with a merely similar name elsewhere in the same town is another
  customer, not a possible duplicate.
"""

from dataclasses import dataclass, field

from .compare import given_compatible, same_street_other_suffix, similarity
from .presets import PRESETS, Criterion

__all__ = ["PRESETS", "Criterion", "Result", "decide", "score"]

#: Fields whose disagreement is neutral: people have several of them.
NEUTRAL_ON_CONFLICT = frozenset(["phone", "email", "amazon_email", "postnummer"])
#: An identifier needs at least this name (or company) similarity.
IDENTIFIER_NAME_FLOOR = 80.0


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


def _agrees(criterion, sim):
    """True if ``sim`` counts as agreement for ``criterion``."""
    if criterion.comparison == "fuzzy":
        return sim >= criterion.min_similarity
    return sim >= 100.0


def _compare_all(incoming, candidate, criteria, result):
    """Fill agreed/disagreed/blocked; return the weighted average 0–100."""
    total = weights = 0.0
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
        total += criterion.weight * sim / 100.0
        weights += criterion.weight
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

    Blocked results never count, nor do candidates that only share the
    locality (see :func:`reviewable`). Two different candidates that can both
    be linked and lie within ``margin`` of each other go to review.
    """
    ranked = sorted(
        (r for r in results if not r.blocked_reason),
        key=lambda r: (r.linkable, r.score),
        reverse=True,
    )
    worth = [r for r in ranked if reviewable(r)]
    if not worth or worth[0].score < review_threshold:
        return "new", (ranked[0] if ranked else None)
    ranked = worth
    best = ranked[0]
    if not best.linkable or best.score < link_threshold:
        return "review", best
    for other in ranked[1:]:
        if other.candidate is not None and other.candidate == best.candidate:
            continue
        tie = other.linkable and other.score >= link_threshold
        if tie and best.score - other.score <= margin:
            return "review", best
        break
    return "link", best
