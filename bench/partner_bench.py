# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the duplicate search costs on partners, run inside `odoo shell` by
tools/bench.sh on two databases: one with the addon, one without.

    PARTNERS=10000 odoo shell -d DB < bench/partner_bench.py

Creates PARTNERS German partners in batches of 500 (as an import would),
then writes name, street and phone of all of them (the fields the match keys
follow), then writes a field the keys do not follow; prints one JSON line
prefixed with BENCH_RESULT. The same seeded data on both databases."""

import json
import os
import random
import time

env = env  # noqa: F821 - provided by odoo shell
COUNT = int(os.environ.get("PARTNERS", "10000"))
BATCH = 500
GIVEN = ["Anna", "Jürgen", "Özlem", "Hans-Peter", "Marie", "Lukas", "Sophie", "Björn"]
FAMILY = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner"]
STREETS = ["Hauptstraße", "Bahnhofstr.", "Am Markt", "Lindenweg", "Schulstraße"]
CITIES = [("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München")]


def rows(seed):
    rng = random.Random(seed)
    de = env.ref("base.de").id
    result = []
    for number in range(COUNT):
        zip_code, city = rng.choice(CITIES)
        result.append(
            {
                "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                "street": f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
                "zip": zip_code,
                "city": city,
                "country_id": de,
                "email": f"kunde{number}@example.de",
                "phone": f"+49 30 {rng.randint(1000000, 9999999)}",
            }
        )
    return result


def timed(function):
    started = time.perf_counter()
    function()
    env.cr.commit()
    return time.perf_counter() - started


def main():
    Partner = env["res.partner"].with_context(tracking_disable=True)
    data = rows(42)
    created = Partner
    started = time.perf_counter()
    for index in range(0, COUNT, BATCH):
        created |= Partner.create(data[index : index + BATCH])
        env.cr.commit()
    create_seconds = time.perf_counter() - started
    env.invalidate_all()
    partners = created

    def write_keys():
        for index in range(0, COUNT, BATCH):
            for offset, partner in enumerate(partners[index : index + BATCH]):
                partner.write(
                    {
                        "name": partner.name + " jun.",
                        "street": f"Neue Straße {(index + offset) % 90 + 1}",
                        "phone": f"+49 40 {index + offset:07d}",
                    }
                )
            env.flush_all()

    def write_other():
        for index in range(0, COUNT, BATCH):
            partners[index : index + BATCH].write({"comment": "<p>Stammkunde</p>"})
            env.flush_all()

    result = {
        "partners": COUNT,
        "addon": bool(
            env["ir.module.module"].search_count(
                [("name", "=", "amazon_seller_connector"), ("state", "=", "installed")]
            )
        ),
        "create_seconds": round(create_seconds, 2),
        "write_match_fields_seconds": round(timed(write_keys), 2),
        "write_other_field_seconds": round(timed(write_other), 2),
    }
    if result["addon"]:
        # the work moved out of the users' transactions: the keys of these
        # partners, computed in batches by the next import run
        Partner = env["res.partner"]
        result["deferred_key_fill_seconds"] = round(
            timed(lambda: Partner._amazon_fill_match_keys()), 2
        )
    print("BENCH_RESULT " + json.dumps(result), flush=True)


main()
