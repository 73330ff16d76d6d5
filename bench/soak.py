# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Soak run, inside `odoo shell` (make bench ARGS=soak): the scheduled import
every minute for an hour of simulated time, new orders arriving all the
time, the simulator injecting random faults on a few percent of the calls,
Amazon's rate limits on.

    SOAK_MINUTES=60 SOAK_RATE=3 SOAK_FAULTS=0.03  odoo shell -d DB < this file

Prints one JSON line prefixed with BENCH_RESULT: orders arrived and imported,
retries, 429s, orders in error, and the longest delay from an order's
arrival at Amazon to its sale order (simulated minutes).
"""

import importlib
import json
import logging
import os
import random
import time

from odoo import Command

env = env  # noqa: F821 - provided by odoo shell
MODULE = "odoo.addons.amazon_seller_connector"
sim_mod = importlib.import_module(MODULE + ".simulator")
testing = importlib.import_module(MODULE + ".simulator.testing")
timeutil = importlib.import_module(MODULE + ".simulator.timeutil")
generator = importlib.import_module(MODULE + ".simulator.generator")
catalogue_mod = importlib.import_module(MODULE + ".simulator.catalogue")
ratelimit = importlib.import_module(MODULE + ".spapi.ratelimit")

MINUTES = int(os.environ.get("SOAK_MINUTES", "60"))
RATE = float(os.environ.get("SOAK_RATE", "3"))  # new orders per minute
FAULTS = float(os.environ.get("SOAK_FAULTS", "0.05"))
TOKEN = "Atzr|soak"
FAULT_KINDS = [
    ("status", 429),
    ("status", 503),
    ("drop", None),
    ("truncated_json", None),
]
OPERATIONS = ("searchOrders", "token")


def setup(url):
    params = env["ir.config_parameter"].sudo()
    params.set_param(
        "amazon_seller_connector.lwa_client_id", sim_mod.DEFAULTS["client_id"]
    )
    params.set_param(
        "amazon_seller_connector.lwa_client_secret", sim_mod.DEFAULTS["client_secret"]
    )
    params.set_param("amazon_seller_connector.custom_endpoint_hosts", "loopback")
    company = env.company
    de = env.ref("base.de")
    company.write({"country_id": de.id, "currency_id": env.ref("base.EUR").id})
    taxes = {}
    for rate in (19, 7):
        group = env["account.tax.group"].create(
            {"name": f"Soak {rate}", "country_id": de.id}
        )
        taxes[rate] = env["account.tax"].create(
            {
                "name": f"Soak {rate}%",
                "amount": rate,
                "type_tax_use": "sale",
                "country_id": de.id,
                "tax_group_id": group.id,
                "price_include_override": "tax_included",
            }
        )
    Product = env["product.product"]
    for row in catalogue_mod.catalogue():
        if not Product.search_count([("default_code", "=", row["sku"])]):
            Product.create(
                {
                    "name": row["title"],
                    "default_code": row["sku"],
                    "taxes_id": [Command.set(taxes[int(row["vat_rate"])].ids)],
                }
            )
    account = env["amazon.seller.account"].create(
        {
            "name": f"Soak {time.time()}",
            "api_base_url": url,
            "import_orders_since": "2020-01-01",
            "marketplace_ids": [
                Command.set(env.ref("amazon_seller_connector.marketplace_de").ids)
            ],
        }
    )
    account.write(
        {"state": "linked", "selling_partner_id": "ASOAK0001", "refresh_token": TOKEN}
    )
    env.cr.commit()
    return account


def new_orders(rng, clock, count, serial):
    """``count`` orders created at the simulated now."""
    orders = generator.generate_orders(count, seed=serial, start=clock() - 1)
    for order in orders:
        order["createdTime"] = order["lastUpdatedTime"] = timeutil.iso(clock())
        order["orderId"] = (
            f"9{serial:02d}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"
        )
    return orders


class RetryCounter(logging.Handler):
    """Counts the client's HTTP retries (it logs each one)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record):
        if "retry" in record.getMessage():
            self.count += 1


def main():
    retries = RetryCounter()
    client_logger = logging.getLogger(MODULE + ".spapi.client")
    client_logger.addHandler(retries)
    client_logger.setLevel(logging.INFO)
    rng = random.Random(7)
    clock = testing.FakeClock()
    sim = sim_mod.Simulator(
        refresh_tokens=(TOKEN,), clock=clock, rate_limits="amazon", time_scale=1.0
    )
    url = sim.start()
    account = setup(url)
    Account = type(account)
    # the client lives on the simulated clock too: waiting for Amazon's
    # token buckets (and backing off) moves simulated time, as in production
    limiter = ratelimit.RateLimiter(clock=clock, sleep=clock.advance)
    Account._amazon_client_options = lambda self, purpose="api": {
        "clock": clock,
        "sleep": clock.advance,
        "rate_limiter": limiter,
    }
    arrived, imported_at, injected = {}, {}, 0
    started = time.monotonic()
    # orders arrive during MINUTES; ten more minutes let the last ones come in
    for minute in range(MINUTES + 10):
        clock.advance(60)
        count = sum(1 for _ in range(int(RATE * 3)) if rng.random() < 1 / 3)
        if count and minute < MINUTES:
            orders = new_orders(rng, clock, count, minute)
            sim.add_orders(orders)
            for order in orders:
                arrived[order["orderId"]] = clock()
        for operation in OPERATIONS:
            if rng.random() < FAULTS:
                kind, status = rng.choice(FAULT_KINDS)
                sim.inject_fault(operation, kind, count=1, status=status)
                injected += 1
        env["amazon.seller.account"]._cron_import_orders()
        env.cr.commit()
        done = env["amazon.seller.order"].search(
            [("account_id", "=", account.id), ("sale_order_id", "!=", False)]
        )
        for order_id in done.mapped("amazon_order_id"):
            imported_at.setdefault(order_id, clock())
    records = env["amazon.seller.order"].search([("account_id", "=", account.id)])
    calls = sim.call_log()
    importable = [
        oid for oid in arrived if oid in set(records.mapped("amazon_order_id"))
    ]
    delays = [
        (imported_at[oid] - arrived[oid]) / 60
        for oid in importable
        if oid in imported_at and oid in arrived
    ]
    slowest = sorted(
        ((imported_at[oid] - arrived[oid]) / 60, oid)
        for oid in importable
        if oid in imported_at and oid in arrived
    )[-3:]
    states = {}
    for state in records.mapped("state"):
        states[state] = states.get(state, 0) + 1
    result = {
        "simulated_minutes": MINUTES,
        "orders_arrived": len(arrived),
        "records": len(records),
        "sale_orders": len(records.filtered("sale_order_id")),
        "states": states,
        "duplicated": len(records) - len(set(records.mapped("amazon_order_id"))),
        "calls": calls["by_operation"],
        "statuses": calls["by_status"],
        "faults_injected": injected,
        "faulty_answers": sum(1 for c in calls["calls"] if c["fault"]),
        "throttled_429": calls["by_status"].get("429", 0),
        "http_retries": retries.count,
        "order_retries": sum(records.mapped("retry_count")),
        "longest_delay_minutes": round(max(delays), 1) if delays else None,
        "median_delay_minutes": round(sorted(delays)[len(delays) // 2], 1)
        if delays
        else None,
        "wall_seconds": round(time.monotonic() - started, 1),
        "slowest": [(round(d, 1), oid) for d, oid in slowest],
    }
    sim.stop()
    print("BENCH_RESULT " + json.dumps(result))


main()
