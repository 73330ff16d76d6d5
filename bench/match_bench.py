# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmarks of the Odoo duplicate search; run inside ``odoo shell``.

    BENCH=german PARTNERS=100000 ORDERS=1000 bash tools/dev.sh odoo shell \\
        -d amazon_bench_match --no-http < bench/match_bench.py
    BENCH=simulator ORDERS=3000 bash tools/dev.sh odoo shell ... < bench/match_bench.py

``german``: loads PARTNERS seeded German partners (``matching.bench.german``:
15 % companies, household members, namesakes, neighbours) with COPY unless
they are there, times the key computation (``_amazon_fill_match_keys``, the
post-init hook), commits, then calls ``res.partner._amazon_match`` for ORDERS
orders (60 % repeat buyers with spelling noise, 40 % hard negatives) and
reports precision, recall, review share and latency p50/p95 (``STAGES=1``
adds the mean time per stage, overall and for the slowest 5 % of the calls).
``simulator``: the simulator's German orders (``simulator.generator``) are
resolved one after the other with ``_amazon_find_or_create_customer``, as the import
does; a link is correct when the customer was created for the same hidden
buyer. Nothing of that run is committed. Buyer data is never printed.
"""

import io
import os
import random
import statistics
import time

from odoo.addons.amazon_seller_connector import const
from odoo.addons.amazon_seller_connector.matching import decision as decision_mod
from odoo.addons.amazon_seller_connector.matching.bench import german as gb
from odoo.addons.amazon_seller_connector.matching.bench.german_data import (
    new_company,
    new_person,
)
from odoo.addons.amazon_seller_connector.matching.buyer import buyer_values
from odoo.addons.amazon_seller_connector.simulator.generator import generate
from odoo.addons.amazon_seller_connector.spapi.orders import AmazonOrder

SEED = 42
COLUMNS = (
    "name, complete_name, street, zip, city, country_id, phone, vat, "
    "amazon_buyer_email, is_company, active, type, autopost_bills, ref"
)


def stream_partners(rng, count):
    """Yield the seeded partner dicts (linear variant of gb.build_partners)."""
    persons = []
    for pid in range(count):
        roll = rng.random()
        if roll < 0.15:
            partner = new_company(rng, pid)
        elif roll < 0.29 and len(persons) > 10:
            kind = (
                "household"
                if roll < 0.23
                else "namesake"
                if roll < 0.26
                else "neighbour"
            )
            partner = gb._hard_negative(rng, pid, persons[-500:], kind)
        else:
            partner = new_person(rng, pid)
        if not partner["company"]:
            persons.append(partner)
            del persons[:-600]
        yield partner


def copy_rows(env, partners, country_id):
    buffer = io.StringIO()
    for p in partners:
        values = gb.partner_values(p)
        row = (
            values["name"],
            values["name"],
            values["street"],
            values["zip"],
            values["city"],
            str(country_id),
            values["phone"] or "\\N",
            values["vat"] or "\\N",
            values["amazon_buyer_email"],
            "t" if p["company"] else "f",
            "t",
            "contact",
            "ask",
            f"B{p['id']}",
        )
        buffer.write("\t".join(row) + "\n")
    buffer.seek(0)
    env.cr._obj.copy_expert(f"COPY res_partner ({COLUMNS}) FROM STDIN", buffer)


def load_partners(env, count):
    """COPY the partners not loaded yet; return (sample, seconds for keys)."""
    env.cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'B%'")
    loaded = env.cr.fetchone()[0]
    rng, sample_rng = random.Random(SEED), random.Random(SEED + 1)
    sample, chunk = [], []
    country_id = env.ref("base.de").id
    start = time.monotonic()
    for partner in stream_partners(rng, count):
        if sample_rng.random() < 5000 / count:
            sample.append(partner)
        if partner["id"] >= loaded:
            chunk.append(partner)
        if len(chunk) >= 50000:
            copy_rows(env, chunk, country_id)
            chunk = []
    if chunk:
        copy_rows(env, chunk, country_id)
    seconds = time.monotonic() - start
    print(f"partners: {count} ({count - loaded} loaded in {seconds:.1f} s)")
    start = time.monotonic()
    done = env["res.partner"]._amazon_fill_match_keys(only_missing=True)
    keys_seconds = time.monotonic() - start
    print(f"match keys of {done} partners computed in {keys_seconds:.1f} s")
    env.cr.execute("ANALYZE res_partner")
    env.cr.commit()
    return sample


def bench_account(env):
    account = env["amazon.seller.account"].search([("name", "=", "Bench")], limit=1)
    if not account:
        account = env["amazon.seller.account"].create(
            {
                "name": "Bench",
                "home_marketplace_id": env.ref(
                    "amazon_seller_connector.marketplace_de"
                ).id,
            }
        )
    account.write(
        {"duplicate_search": True, "match_preset": os.environ.get("PRESET", "balanced")}
    )
    return account


def build_orders(rng, sample, count):
    persons = [p for p in sample if not p["company"]]
    orders = []
    for index in range(count):
        if rng.random() < 0.6:
            partner = rng.choice(sample)
            orders.append((gb.repeat_order(rng, partner), partner["id"]))
            continue
        kind = rng.choice(["household", "namesake", "neighbour", "unrelated"])
        person = gb._hard_negative(rng, 10**8 + index, persons, kind)
        orders.append((gb.repeat_order(rng, person) | {"amazon_buyer_email": ""}, None))
    return orders


STAGE_METHODS = (
    "_amazon_near_query",
    "_amazon_wide_query",
    "_amazon_candidates",
    "_amazon_match_decision",
)


def match(env, account, values):
    """The duplicate search's decision as a plain dict (for the judging)."""
    decision = env["res.partner"]._amazon_match(account, values)
    return {
        "decision": decision.decision,
        "partner_id": decision.partner_id or False,
        "candidates": [(c.partner_id, c.score) for c in decision.candidates],
        "reason": env["res.partner"]._amazon_match_reason(decision),
    }


def time_stages(env, spent):
    """Wrap the stages of the search (SQL building, candidate reading, the
    pure decision): ``spent`` collects the milliseconds per stage of the
    current call (``STAGES=1`` only)."""

    def timed(name, method):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                elapsed = 1000 * (time.perf_counter() - start)
                spent[name] = spent.get(name, 0.0) + elapsed

        return wrapper

    cls = type(env["res.partner"])
    for name in STAGE_METHODS[:3]:
        setattr(cls, name, timed(name, getattr(cls, name)))
    decision_mod.match = timed("_amazon_match_decision", decision_mod.match)


def report_stages(calls):
    """Mean ms per stage over all calls and over the slowest 5 %."""
    slowest = sorted(calls, key=lambda call: -call[0])[: max(1, len(calls) // 20)]
    for label, group in (("all calls", calls), ("slowest 5 %", slowest)):
        means = {
            name.removeprefix("_amazon_"): sum(c[1].get(name, 0.0) for c in group)
            / len(group)
            for name in STAGE_METHODS
        }
        text = ", ".join(f"{name} {value:.2f}" for name, value in means.items())
        print(f"stages ms ({label}): {text}")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_german(env):
    count = int(os.environ.get("PARTNERS", "100000"))
    sample = load_partners(env, count)
    account = bench_account(env)
    orders = build_orders(
        random.Random(SEED + 2), sample, int(os.environ.get("ORDERS", "1000"))
    )
    spent, calls = {}, []
    if os.environ.get("STAGES"):
        time_stages(env, spent)
    for values, __ in orders[:20]:  # warm-up
        match(env, account, values)
    stats, times = {"link": 0, "good": 0, "review": 0, "repeat": 0, "top": 0}, []
    for values, truth in orders:
        spent.clear()
        start = time.perf_counter()
        result = match(env, account, values)
        times.append(1000 * (time.perf_counter() - start))
        calls.append((times[-1], dict(spent)))
        judge(env, stats, result, truth)
    report(stats, len(orders))
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    load = os.getloadavg()[0]
    print(
        f"latency ms: p50 {p50:.2f} p95 {p95:.2f} max {max(times):.1f} "
        f"(load average {load:.1f})"
    )
    if os.environ.get("STAGES"):
        report_stages(calls)
    env.cr.rollback()


def ref_of(env, partner_id):
    if not partner_id:
        return None
    env.cr.execute("SELECT ref FROM res_partner WHERE id = %s", [partner_id])
    row = env.cr.fetchone()
    return row[0] if row else None


def judge(env, stats, result, truth):
    expected = f"B{truth}" if truth is not None else None
    stats["repeat"] += expected is not None
    if result["decision"] == "link":
        stats["link"] += 1
        stats["good"] += ref_of(env, result["partner_id"]) == expected
    elif result["decision"] == "review":
        stats["review"] += 1
        first = result["candidates"][0][0] if result["candidates"] else None
        stats["top"] += expected is not None and ref_of(env, first) == expected


def report(stats, orders):
    precision = stats["good"] / stats["link"] if stats["link"] else 1.0
    recall = stats["good"] / stats["repeat"] if stats["repeat"] else 1.0
    both = (stats["good"] + stats["top"]) / stats["repeat"] if stats["repeat"] else 1.0
    print(
        f"orders {orders}, repeat {stats['repeat']}, links {stats['link']} "
        f"(wrong {stats['link'] - stats['good']}): precision {precision:.4f}, "
        f"recall {recall:.4f}, review {100 * stats['review'] / orders:.2f} %, "
        f"recall link+review-top {both:.4f}"
    )


def becomes_sale_order(order):
    """True for the orders the import turns into sale orders (the others
    wait, e.g. PENDING without an address, or are cancelled)."""
    return const.status_action(order.fulfilled_by, order.fulfillment_status) == "import"


def miss_kind(order, values, result):
    """Why a repeat buyer was not linked, in a few words (no buyer data)."""
    address = "with address" if "street" in values else "no address"
    fba = "FBA" if order.is_fba else "FBM"
    return f"{address}, {fba}, {result['decision']}"


def run_simulator(env):
    account = bench_account(env)
    raws, truth = generate(int(os.environ.get("ORDERS", "3000")), SEED, ("DE",))
    owner, seen, misses, reviews = {}, set(), {}, {}
    stats = dict.fromkeys(["link", "good", "review", "repeat", "top"], 0)
    count = 0
    for raw in raws:
        order = AmazonOrder.from_api(raw)
        if not becomes_sale_order(order):
            continue
        count += 1
        key = truth[order.order_id]
        # the import's own values: recipient, buyer, e-mail, company, VAT id
        values = buyer_values(order)
        Partner = env["res.partner"]
        customer, __, decision, ___ = Partner._amazon_find_or_create_customer(
            account, values
        )
        result = {
            "decision": decision.decision,
            "partner_id": decision.partner_id or False,
            "candidates": [(c.partner_id, c.score) for c in decision.candidates],
            "reason": Partner._amazon_match_reason(decision),
        }
        repeat = key in seen
        stats["repeat"] += repeat
        seen.add(key)
        owner.setdefault(customer.id, key)
        good = result["decision"] == "link" and owner.get(result["partner_id"]) == key
        if result["decision"] == "link":
            stats["link"] += 1
            stats["good"] += good
        elif result["decision"] == "review":
            stats["review"] += 1
            first = result["candidates"][0][0] if result["candidates"] else None
            stats["top"] += owner.get(first) == key
            why = f"{'repeat' if repeat else 'new'} buyer: {result['reason']}"
            reviews[why] = reviews.get(why, 0) + 1
        if repeat and not good:
            kind = miss_kind(order, values, result)
            misses[kind] = misses.get(kind, 0) + 1
    print(f"{len(raws)} generated orders, {count} become sale orders")
    report(stats, count)
    for kind, number in sorted(misses.items(), key=lambda item: -item[1]):
        print(f"  repeat buyer not linked: {kind}: {number}")
    for why, number in sorted(reviews.items(), key=lambda item: -item[1]):
        print(f"  to review, {why}: {number}")
    env.cr.rollback()


BENCHES = {"german": run_german, "simulator": run_simulator}
BENCHES[os.environ.get("BENCH", "german")](env)  # noqa: F821
