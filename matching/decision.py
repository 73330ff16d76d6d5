"""The whole match decision for one incoming buyer: link, review or new.

:func:`match` scores every candidate partner with :func:`scoring.score` and
applies all rules on top of the scores; the caller (the Odoo model) only
fetches candidates, translates the reason code into a sentence and acts on
the :class:`MatchDecision`. :func:`match_in_stages` adds the wider search:
decide on the candidates close to the buyer and, only while the decision is
"new", fetch more and decide again on all of them.

Rules, in this order:

1. Blocked candidates never count (another given name, i.e. a household
   member; another valid VAT id; a "must" criterion disagrees).
2. Of two customers a person declared different (``known_pairs``), only the
   better one stays a candidate.
3. A candidate is only worth a look when it has more in common than the
   locality (:func:`scoring.reviewable`) and more than the name could be
   compared (:func:`has_evidence`: a name alone, e.g. of an order without
   address, is never reviewed).
4. Link when the best candidate can be linked (name plus address or an
   identifier, :attr:`scoring.Result.linkable`) and reaches
   ``link_threshold``; another customer that can be linked, reaches the
   threshold too and lies within ``margin`` is a tie, which goes to review
   with all tied customers first (never a silent link to one of them).
5. Review when a candidate reaches ``review_threshold``, or has the same name
   next door (:attr:`scoring.Result.next_door`: another house number of the
   same street and zip, or the same house number of a misspelt street),
   whatever its score.
6. New customer otherwise; the ranked candidates are kept as hints.
"""

from dataclasses import dataclass, field, replace

from .compare import given_compatible, similarity
from .scoring import (
    NEUTRAL_ON_CONFLICT,
    OTHER_HOUSE_NUMBER,
    STREET_DIFFERS,
    reviewable,
    score,
)

__all__ = [
    "LINK",
    "NEW",
    "REASONS",
    "REVIEW",
    "MatchDecision",
    "RankedCandidate",
    "decide_results",
    "has_evidence",
    "match",
    "match_in_stages",
    "same_address",
]

LINK, REVIEW, NEW = "link", "review", "new"
#: Candidates returned in :attr:`MatchDecision.candidates`.
MAX_CANDIDATES = 5
#: Identifiers named by the review reasons, most telling first.
IDENTIFIER_FIELDS = ("vat", "amazon_email", "email", "phone", "postnummer")
#: Fields that alone are no evidence worth a review (see :func:`has_evidence`).
NAME_ONLY = frozenset(("name", "company", "country"))
#: Name similarity :func:`same_address` needs for a person.
SAME_ADDRESS_NAME = 90.0

#: Reason code -> (decision, names of its arguments). The Odoo side turns
#: each code into a sentence; the arguments are plain strings or numbers.
REASONS = {
    # link
    "identifies": (LINK, ("criterion",)),
    "name_address": (LINK, ()),
    # review
    "tie": (REVIEW, ("count",)),
    "below_link_threshold": (REVIEW, ()),
    "identifier_name_differs": (REVIEW, ("criterion",)),
    "same_address_name_differs": (REVIEW, ()),
    "same_name_other_house_number": (REVIEW, ()),
    "same_name_street_differs": (REVIEW, ()),
    "same_house_other_suffix": (REVIEW, ()),
    "similar_name_only": (REVIEW, ()),
    # new
    "no_candidates": (NEW, ()),
    "no_similar_customer": (NEW, ()),
}


@dataclass(frozen=True)
class RankedCandidate:
    """One existing customer as the decision ranked it.

    ``partner_id`` is the commercial partner (the customer), ``score`` the
    best score of its rows (0–100), ``agreed`` / ``disagreed`` map each
    compared criterion field to its similarity (0–100).
    """

    partner_id: object
    score: float
    agreed: dict = field(default_factory=dict)
    disagreed: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MatchDecision:
    """Outcome of :func:`match` (immutable).

    ``decision``: "link", "review" or "new"; ``partner_id``: the customer to
    link (None unless "link"); ``score``: the score of the decisive candidate
    (0.0 for "new"); ``candidates``: up to :data:`MAX_CANDIDATES`
    :class:`RankedCandidate`, the decisive one (or the tied ones) first,
    then by score, blocked candidates left out; ``reason`` and
    ``reason_args``: a code of :data:`REASONS` and its arguments;
    ``stage``: how many candidate stages :func:`match_in_stages` used.
    """

    decision: str
    partner_id: object = None
    score: float = 0.0
    candidates: tuple = ()
    reason: str = "no_candidates"
    reason_args: dict = field(default_factory=dict)
    stage: int = 1

    @property
    def search_further(self):
        """True when a wider candidate search may still find the customer."""
        return self.decision == NEW


@dataclass(frozen=True)
class Outcome:
    """Decision on scored results, before they become a :class:`MatchDecision`.

    ``best`` is the decisive :class:`scoring.Result` (for "new" the best
    unblocked one, or None), ``ranked`` the unblocked results, best first.
    """

    decision: str
    best: object
    ranked: tuple
    reason: str
    reason_args: dict
    tied: tuple = ()


def has_evidence(result):
    """More than the name could be compared: an address or contact field
    agreed or (but for those whose conflict is neutral) disagreed."""
    fields_ = set(result.agreed)
    fields_ |= set(result.disagreed) - NEUTRAL_ON_CONFLICT
    return bool(fields_ - NAME_ONLY)


def _rank_key(result):
    """Candidates that can be linked first, then by score."""
    return (result.linkable, result.score)


def _drop_known_pairs(ranked, known_pairs):
    """Drop candidates a person declared different from a better one."""
    if not known_pairs:
        return ranked
    kept, kept_ids = [], set()
    for result in ranked:
        pairs = (frozenset((result.candidate, other)) for other in kept_ids)
        if any(pair in known_pairs for pair in pairs):
            continue
        kept.append(result)
        kept_ids.add(result.candidate)
    return kept


def _same_customer(a, b):
    """True if two results name the same (known) customer."""
    return a.candidate is not None and a.candidate == b.candidate


def _review_reason(best):
    """Reason code and arguments of a review of ``best`` (no tie)."""
    if best.linkable:
        return "below_link_threshold", {}
    name_agrees = "name" in best.agreed or "company" in best.agreed
    identifier = next((f for f in IDENTIFIER_FIELDS if f in best.agreed), None)
    if identifier and not name_agrees:
        return "identifier_name_differs", {"criterion": identifier}
    if "street" in best.agreed and not name_agrees:
        return "same_address_name_differs", {}
    if best.next_door == OTHER_HOUSE_NUMBER:
        return "same_name_other_house_number", {}
    if best.next_door == STREET_DIFFERS:
        return "same_name_street_differs", {}
    if best.near_street:
        return "same_house_other_suffix", {}
    return "similar_name_only", {}


def _link_or_tie(worth, link_threshold, margin):
    """Link outcome parts ``(decision, best, reason, args, tied)`` or None."""
    linkable = [r for r in worth if r.linkable and r.score >= link_threshold]
    if not linkable:
        return None
    best = linkable[0]
    tied = [best]
    for other in linkable[1:]:
        close = best.score - other.score <= margin
        if close and not any(_same_customer(other, r) for r in tied):
            tied.append(other)
    if len(tied) > 1:
        return REVIEW, best, "tie", {"count": len(tied)}, tuple(tied)
    reason = ("identifies", {"criterion": best.identified_by})
    if not best.identified_by:
        reason = ("name_address", {})
    return LINK, best, *reason, ()


def decide_results(
    results, link_threshold, review_threshold, known_pairs=frozenset(), margin=2.0
):
    """Apply the decision rules (see the module) to scored results.

    ``results``: :class:`scoring.Result` objects whose ``candidate`` is the
    customer id. Returns an :class:`Outcome`.
    """
    ranked = sorted(
        (r for r in results if not r.blocked_reason), key=_rank_key, reverse=True
    )
    ranked = _drop_known_pairs(ranked, known_pairs)
    worth = [r for r in ranked if reviewable(r) and has_evidence(r)]
    linked = _link_or_tie(worth, link_threshold, margin)
    if linked:
        decision, best, reason, args, tied = linked
        return Outcome(decision, best, tuple(ranked), reason, args, tied)
    to_review = [r for r in worth if r.score >= review_threshold or r.next_door]
    if to_review:
        best = to_review[0]
        return Outcome(REVIEW, best, tuple(ranked), *_review_reason(best))
    reason = "no_similar_customer" if results else "no_candidates"
    return Outcome(NEW, ranked[0] if ranked else None, tuple(ranked), reason, {})


def _ranked_candidates(outcome):
    """The decisive (or tied) customers first, then by score; one entry per
    customer, at most :data:`MAX_CANDIDATES`."""
    first = outcome.tied or ((outcome.best,) if outcome.best else ())
    rest = sorted(outcome.ranked, key=lambda r: r.score, reverse=True)
    found, seen = [], set()
    for result in (*first, *rest):
        key = id(result) if result.candidate is None else result.candidate
        if key in seen:
            continue
        seen.add(key)
        found.append(
            RankedCandidate(
                result.candidate,
                result.score,
                dict(result.agreed),
                dict(result.disagreed),
            )
        )
    return tuple(found[:MAX_CANDIDATES])


def _decision(outcome, stage=1):
    """The public :class:`MatchDecision` of an :class:`Outcome`."""
    best = outcome.best
    return MatchDecision(
        decision=outcome.decision,
        partner_id=best.candidate if outcome.decision == LINK else None,
        score=best.score if best and outcome.decision != NEW else 0.0,
        candidates=_ranked_candidates(outcome),
        reason=outcome.reason,
        reason_args=dict(outcome.reason_args),
        stage=stage,
    )


def _score_all(incoming_keys, candidates, criteria):
    """Score ``(candidate_id, commercial_id, keys)`` triples."""
    return [
        score(incoming_keys, keys, criteria, commercial_id)
        for _candidate_id, commercial_id, keys in candidates
    ]


def match(
    incoming_keys,
    candidates,
    criteria,
    link_threshold,
    review_threshold,
    known_pairs=frozenset(),
    margin=2.0,
):
    """Decide whether an incoming buyer is an existing customer.

    ``incoming_keys``: the ``normalize.keys_for`` dict of the buyer;
    ``candidates``: ``(candidate_id, commercial_id, keys)`` triples, one per
    partner row found (a customer or one of its delivery addresses; several
    rows of one customer count once, with their best score); ``criteria``:
    :class:`presets.Criterion` list; thresholds 0–100; ``known_pairs``: set
    of ``frozenset((customer_id, other_customer_id))`` declared different;
    ``margin``: score distance below which two linkable customers tie.
    Returns a :class:`MatchDecision`.
    """
    results = _score_all(incoming_keys, candidates, criteria)
    outcome = decide_results(
        results, link_threshold, review_threshold, known_pairs, margin
    )
    return _decision(outcome)


def match_in_stages(
    incoming_keys,
    stages,
    criteria,
    link_threshold,
    review_threshold,
    known_pairs=frozenset(),
    margin=2.0,
):
    """:func:`match` over candidate stages fetched only while needed.

    ``stages``: callables, cheapest first. Each is called with the tuple of
    the candidate ids found so far and returns more ``(candidate_id,
    commercial_id, keys)`` triples (ids already found are ignored). The first
    stage is always called; each further stage only while the decision on
    all candidates found so far is "new". ``known_pairs`` is a set, or a
    callable that gets the set of customer ids found so far and returns the
    known pairs among them (called once per decision). The result's
    ``stage`` says how many stages were called.
    """
    found, seen, decision = [], set(), None
    for number, fetch in enumerate(stages, start=1):
        for row in fetch(tuple(row[0] for row in found)):
            if row[0] not in seen:
                seen.add(row[0])
                found.append(row)
        pairs = known_pairs
        if callable(known_pairs):
            pairs = known_pairs({row[1] for row in found})
        decision = match(
            incoming_keys,
            found,
            criteria,
            link_threshold,
            review_threshold,
            pairs,
            margin,
        )
        decision = replace(decision, stage=number)
        if not decision.search_further:
            break
    return decision or MatchDecision(NEW, stage=0)


def same_address(partner_keys, incoming_keys, partner_is_company):
    """True if an existing partner already is the buyer's delivery address.

    Same street, house number, zip, country and Postnummer (normalised
    keys); for a person also a compatible name with a name similarity of at
    least :data:`SAME_ADDRESS_NAME` (a company's address serves all its
    buyers; a buyer without name takes any partner there).
    """
    fields_ = ("street_key", "house_number", "zip_key", "country", "postnummer")
    if any(partner_keys[key] != incoming_keys[key] for key in fields_):
        return False
    if partner_is_company or not incoming_keys["name_key"]:
        return True
    if not partner_keys["name_key"]:
        return False
    name = similarity("name", incoming_keys, partner_keys)
    return name >= SAME_ADDRESS_NAME and given_compatible(incoming_keys, partner_keys)
