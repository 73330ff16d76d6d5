"""Synthetic German repeat-buyer benchmark (seeded; no external data).

Run: ``cd /work/main && python -m matching.bench.german [--partners N]
[--orders N] [--seed S] [preset ...]``. A partner base with hard negatives
(household members, namesakes, neighbours) is generated, then orders: 60 %
from existing customers with spelling variants and Amazon line quirks, 40 %
from new customers (¼ household member, ¼ namesake elsewhere, ¼ neighbour,
¼ unrelated).
"""

import argparse
import random
import time

from ..decision import match
from ..normalize import keys_for
from ..scoring import PRESETS
from .common import BlockIndex
from .german_data import GIVEN, new_address, new_company, new_person
from .noise import (
    company_variant,
    name_variant,
    number_variant,
    order_lines,
    phone_variant,
    street_variant,
    typo,
)


def partner_values(p):
    """``keys_for`` input of a stored partner."""
    name = f"{p['company']} {p['legal']}" if p["company"] else ""
    return {
        "name": name or f"{p['given']} {p['surname']}",
        "street": f"{p['street_name']} {p['number']}",
        "zip": p["zip"],
        "city": p["city"],
        "country_code": "DE",
        "phone": p["phone"],
        "vat": p["vat"],
        "amazon_buyer_email": p["amazon"],
    }


def _other_given(rng, given):
    """A different given name (household member)."""
    choice = given
    while choice == given:
        choice = rng.choice(GIVEN)
    return choice


def _hard_negative(rng, pid, base, kind):
    """Household member, namesake elsewhere or neighbour of a base partner."""
    model = rng.choice(base)
    address = {k: model[k] for k in ("street_name", "number", "zip", "city")}
    if kind == "household":
        person = new_person(rng, pid, model["surname"], address)
        person["given"] = _other_given(rng, model["given"])
    elif kind == "namesake":
        person = new_person(rng, pid, model["surname"])
        person["given"] = model["given"]
    elif kind == "neighbour":
        address["number"] = str(int(model["number"].rstrip("ab")) + rng.randint(1, 9))
        person = new_person(rng, pid, address=address)
    else:
        person = new_person(rng, pid)
    return person


def build_partners(rng, count):
    """Partner base: 15 % companies, 8 % household, 3 % namesakes, 3 % neighbours."""
    base = []
    for pid in range(count):
        roll = rng.random()
        persons = [p for p in base if not p["company"]]
        if roll < 0.15:
            base.append(new_company(rng, pid))
        elif roll < 0.29 and len(persons) > 10:
            kind = (
                "household"
                if roll < 0.23
                else "namesake"
                if roll < 0.26
                else "neighbour"
            )
            base.append(_hard_negative(rng, pid, persons[-500:], kind))
        else:
            base.append(new_person(rng, pid))
    return base


def repeat_order(rng, p):
    """Order of existing customer ``p`` with spelling variants."""
    moved = rng.random() < 0.07
    address = new_address(rng) if moved else p
    street = f"{street_variant(rng, address['street_name'])} "
    street += number_variant(rng, address["number"])
    if rng.random() < 0.03:
        street = f"Packstation {rng.randint(100, 250)}"
    company = company_variant(rng, p["company"], p["legal"]) if p["company"] else ""
    lines = order_lines(rng, street, company)
    zip_code = address["zip"]
    if rng.random() < 0.01:
        zip_code = zip_code[:-1] + str((int(zip_code[-1]) + 1) % 10)
    keep_amazon = rng.random() < (0.95 if moved else 0.7)
    return {
        "name": name_variant(rng, p["given"], p["surname"]),
        "street": lines[0],
        "street2": lines[1],
        "street3": lines[2],
        "zip": zip_code,
        "city": address["city"] if rng.random() > 0.05 else typo(rng, address["city"]),
        "country_code": "DE",
        "phone": phone_variant(rng, p["phone"]) or (p["phone"] if moved else ""),
        "vat": p["vat"] if rng.random() < 0.5 else "",
        "amazon_buyer_email": p["amazon"] if keep_amazon else "",
    }


def build_orders(rng, base, count):
    """Return [(order values, true partner id or None, kind)]."""
    orders = []
    persons = [p for p in base if not p["company"]]
    for index in range(count):
        if rng.random() < 0.6:
            partner = rng.choice(base)
            orders.append((repeat_order(rng, partner), partner["id"], "repeat"))
            continue
        kind = rng.choice(["household", "namesake", "neighbour", "unrelated"])
        person = _hard_negative(rng, 10**6 + index, persons, kind)
        orders.append(
            (repeat_order(rng, person) | {"amazon_buyer_email": ""}, None, kind)
        )
    return orders


def evaluate(base_keys, index, orders, preset):
    """Decide every order; return counters."""
    criteria, link, review = PRESETS[preset]
    stats = dict.fromkeys(
        ["link", "link_ok", "review", "review_top_ok", "new", "repeat"], 0
    )
    for values, truth, _kind in orders:
        keys = keys_for(values)
        candidates = [(pid, pid, base_keys[pid]) for pid in index.candidates(keys)]
        found = match(keys, candidates, criteria, link, review)
        decision = found.decision
        stats[decision] += 1
        stats["repeat"] += truth is not None
        top = found.candidates[0].partner_id if found.candidates else None
        hit = truth is not None and top == truth
        stats["link_ok"] += decision == "link" and hit
        stats["review_top_ok"] += decision == "review" and hit
    return stats


def exact_name_baseline(base, orders):
    """Odoo merge-wizard rule: link on equal lower-cased name."""
    by_name = {}
    for p in base:
        by_name.setdefault(partner_values(p)["name"].lower(), p["id"])
    links = ok = 0
    for values, truth, _kind in orders:
        pid = by_name.get(values["name"].lower())
        links += pid is not None
        ok += pid is not None and pid == truth
    return links, ok


def report(label, stats, orders):
    """Print auto precision / recall / review share."""
    precision = stats["link_ok"] / max(stats["link"], 1)
    recall = stats["link_ok"] / max(stats["repeat"], 1)
    both = (stats["link_ok"] + stats["review_top_ok"]) / max(stats["repeat"], 1)
    print(
        f"{label:<14} auto precision {precision:.4f}  auto recall {recall:.4f}  "
        f"review {stats['review'] / len(orders):.2%}  recall auto+review {both:.4f}  "
        f"wrong links {stats['link'] - stats['link_ok']}"
    )


def main():
    """Generate the data, run the baseline and the presets, print figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=20000)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("presets", nargs="*", default=list(PRESETS))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = build_partners(rng, args.partners)
    orders = build_orders(rng, base, args.orders)
    base_keys = {p["id"]: keys_for(partner_values(p)) for p in base}
    index = BlockIndex(max_block=1000)
    for pid, keys in base_keys.items():
        index.add(pid, keys)
    print(f"{len(base)} partners, {len(orders)} orders, seed {args.seed}")
    links, ok = exact_name_baseline(base, orders)
    repeats = sum(truth is not None for _v, truth, _k in orders)
    print(
        f"{'lower(name)':<14} auto precision {ok / max(links, 1):.4f}  "
        f"auto recall {ok / repeats:.4f}  wrong links {links - ok}"
    )
    for preset in args.presets:
        start = time.perf_counter()
        stats = evaluate(base_keys, index, orders, preset)
        report(preset, stats, orders)
        per_order = 1000 * (time.perf_counter() - start) / len(orders)
        print(f"{'':<14} {per_order:.2f} ms/order")


if __name__ == "__main__":
    main()
