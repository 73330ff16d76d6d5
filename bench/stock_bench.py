# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stock benchmarks, run inside `odoo shell` by tools/bench.sh.

    BENCH=offers|changes|hooks  odoo shell -d DB < this file

offers   BENCH_OFFERS (10,000) offers reconciled through JSON_LISTINGS_FEED:
         wall time, peak memory, feeds sent, what Amazon holds afterwards
changes  BENCH_CHANGES (1,000) stock changes over BENCH_PRODUCTS (200)
         products, each in its own transaction: updates sent (coalescing)
         and the rate achieved against patchListingsItem's (time-scaled)
hooks    validating deliveries of 50 lines with and without the stock hooks
Prints one JSON line prefixed with BENCH_RESULT.
"""

import importlib
import json
import os
import random
import resource
import time
from datetime import timedelta

from odoo import Command, fields

env = env  # noqa: F821 - provided by odoo shell
MODULE = "odoo.addons.amazon_seller_connector"
sim_mod = importlib.import_module(MODULE + ".simulator")
offer_mod = importlib.import_module(MODULE + ".models.amazon_seller_sku")

MODE = os.environ.get("BENCH", "offers")
SCALE = float(os.environ.get("BENCH_TIME_SCALE", "20"))
TOKEN = "Atzr|bench"
PATCH_RATE, PATCH_BURST = 5.0, 5


def rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def setup(count, sim):
    """``count`` storable products in stock, their listings at Amazon and
    their offers (as read from Amazon), one linked account."""
    params = env["ir.config_parameter"].sudo()
    params.set_param(
        "amazon_seller_connector.lwa_client_id", sim_mod.DEFAULTS["client_id"]
    )
    params.set_param(
        "amazon_seller_connector.lwa_client_secret", sim_mod.DEFAULTS["client_secret"]
    )
    params.set_param("amazon_seller_connector.custom_endpoint_hosts", "loopback")
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    account = env["amazon.seller.account"].create(
        {
            "name": f"Bench stock {time.time()}",
            "api_base_url": sim.base_url,
            "import_orders_since": "2026-11-01",
            "warehouse_id": warehouse.id,
            "marketplace_ids": [
                Command.set(env.ref("amazon_seller_connector.marketplace_de").ids)
            ],
        }
    )
    account.sudo().write(
        {
            "state": "linked",
            "selling_partner_id": sim_mod.DEFAULTS["seller_id"],
            "refresh_token": TOKEN,
        }
    )
    rng = random.Random(13)
    products = env["product.product"].create(
        [
            {
                "name": f"Artikel {n}",
                "default_code": f"BENCH-{n:05d}",
                "is_storable": True,
            }
            for n in range(count)
        ]
    )
    Quant = env["stock.quant"]
    for product in products:
        Quant._update_available_quantity(
            product, warehouse.lot_stock_id, rng.randrange(1, 60)
        )
        sim.add_listing(product.default_code, quantity=rng.randrange(0, 60))
    market = env.ref("amazon_seller_connector.marketplace_de")
    env["amazon.seller.sku"].create(
        [
            {
                "account_id": account.id,
                "sku": product.default_code,
                "product_id": product.id,
                "product_type": "PRODUCT",
                "amazon_read_at": fields.Datetime.now(),
                "marketplace_ids": [Command.set(market.ids)],
            }
            for product in products
        ]
    )
    account.stock_sync = True
    env.cr.flush()  # the stock hooks of the set-up run now
    # start in sync: what Amazon holds is what was sent last
    env.cr.execute("UPDATE amazon_seller_sku SET stock_dirty = FALSE")
    env.invalidate_all()
    env.cr.commit()
    return account, products, warehouse


def client_options(scale):
    Account = type(env["amazon.seller.account"])
    Account._amazon_client_options = lambda self, purpose="api": {
        "time_scale": scale,
        "max_retries": 8,
    }


def send_until_idle(sim=None, feeds=False):
    """Run the sender until nothing is due (feeds: processed by the
    simulator in between, as Amazon does)."""
    Operation = env["amazon.seller.operation"]
    Offer = env["amazon.seller.sku"]
    started = time.perf_counter()
    for _round in range(500):
        Operation._cron_send()
        env.cr.commit()
        if Operation._amazon_due(limit=1):
            continue
        if Offer.search_count([("stock_dirty", "=", True)], limit=1):
            settled = fields.Datetime.now() - timedelta(
                seconds=offer_mod.STOCK_COALESCE_SECONDS + 1
            )
            Offer.search([("stock_dirty", "=", True)]).write(
                {"stock_changed_at": settled}
            )
            env.cr.commit()
            continue
        if feeds and Operation.search_count([("state", "=", "sent")]):
            sim.process_feeds()
            Operation.search([("state", "=", "sent")]).write(
                {"next_attempt_at": fields.Datetime.now()}
            )
            env.cr.commit()
            continue
        break
    return time.perf_counter() - started


def bench_offers():
    count = int(os.environ.get("BENCH_OFFERS", "10000"))
    sim = sim_mod.Simulator(
        refresh_tokens=(TOKEN,), listings=False, feed_processing_seconds=0
    )
    sim.start()
    started = time.perf_counter()
    account, products, _warehouse = setup(count, sim)
    setup_seconds = time.perf_counter() - started
    client_options(1e6)
    before = rss_mb()
    started = time.perf_counter()
    operations = account._amazon_reconcile_stock()
    env.cr.commit()
    queue_seconds = time.perf_counter() - started
    send_seconds = send_until_idle(sim, feeds=True)
    elapsed = time.perf_counter() - started
    offers = env["amazon.seller.sku"].search([("account_id", "=", account.id)])
    quantities = offers._amazon_quantities()
    wrong = 0
    for offer in offers:
        listing = sim.listing(offer.sku)
        held = next(
            (
                entry["quantity"]
                for entry in listing["fulfillmentAvailability"]
                if entry["fulfillmentChannelCode"] == "DEFAULT"
            ),
            None,
        )
        wrong += held != quantities[offer.id]
    feeds = [f for f in sim.feeds() if f["feedType"] == "JSON_LISTINGS_FEED"]
    result = {
        "mode": "offers",
        "offers": count,
        "setup_seconds": round(setup_seconds, 1),
        "reconcile_seconds": round(elapsed, 2),
        "queue_seconds": round(queue_seconds, 2),
        "send_and_report_seconds": round(send_seconds, 2),
        "feeds_sent": len(feeds),
        "operations": len(operations),
        "operation_states": operations.mapped("state"),
        "amazon_wrong_after": wrong,
        "rss_before_mb": before,
        "peak_rss_mb": rss_mb(),
    }
    sim.stop()
    return result


def bench_changes():
    changes = int(os.environ.get("BENCH_CHANGES", "1000"))
    count = int(os.environ.get("BENCH_PRODUCTS", "200"))
    sim = sim_mod.Simulator(
        refresh_tokens=(TOKEN,), listings=False, rate_limits="amazon", time_scale=SCALE
    )
    sim.start()
    account, products, warehouse = setup(count, sim)
    client_options(SCALE)
    rng = random.Random(7)
    Quant = env["stock.quant"]
    started = time.perf_counter()
    for _number in range(changes):
        product = products[rng.randrange(count)]
        Quant._update_available_quantity(
            product, warehouse.lot_stock_id, rng.choice((-1, 1, 2, -2, 5))
        )
        env.cr.commit()
    change_seconds = time.perf_counter() - started
    marked = env["amazon.seller.sku"].search_count(
        [("account_id", "=", account.id), ("stock_dirty", "=", True)]
    )
    # the changes have settled (the coalescing window has passed)
    env["amazon.seller.sku"].search([("stock_dirty", "=", True)]).write(
        {
            "stock_changed_at": fields.Datetime.now()
            - timedelta(seconds=offer_mod.STOCK_COALESCE_SECONDS + 1)
        }
    )
    env.cr.commit()
    before = len(sim.listing_submissions())
    send_seconds = send_until_idle()
    submissions = sim.listing_submissions()[before:]
    patches = [s for s in submissions if s["source"] == "patchListingsItem"]
    allowed = PATCH_BURST + PATCH_RATE * SCALE * send_seconds
    offers = env["amazon.seller.sku"].search([("account_id", "=", account.id)])
    quantities = offers._amazon_quantities()
    wrong = sum(
        1
        for offer in offers
        if offer.quantity_sent != quantities[offer.id] and offer.stock_update_count
    )
    log = sim.call_log()
    result = {
        "mode": "changes",
        "changes": changes,
        "products": count,
        "change_seconds": round(change_seconds, 2),
        "ms_per_change_transaction": round(change_seconds / changes * 1000, 2),
        "offers_marked": marked,
        "updates_sent": len(patches),
        "coalescing_ratio": round(changes / max(len(patches), 1), 2),
        "send_seconds": round(send_seconds, 2),
        "time_scale": SCALE,
        "allowed_calls": round(allowed, 1),
        "share_of_allowed_rate": round(min(len(patches), allowed) / allowed, 3),
        "status": log["by_status"],
        "offers_not_matching_after": wrong,
        "peak_rss_mb": rss_mb(),
    }
    sim.stop()
    return result


def delivery(products, warehouse, partner):
    picking = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": partner.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": env.ref("stock.stock_location_customers").id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": 1,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": env.ref(
                            "stock.stock_location_customers"
                        ).id,
                    }
                )
                for product in products
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    for move in picking.move_ids:
        move.quantity = 1
        move.picked = True
    env.cr.commit()
    return picking


def bench_hooks():
    rounds = int(os.environ.get("BENCH_ROUNDS", "20"))
    sim = sim_mod.Simulator(refresh_tokens=(TOKEN,), listings=False)
    sim.start()
    account, products, warehouse = setup(50, sim)
    for product in products:  # enough stock for every round
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 5 * rounds
        )
    env.cr.commit()
    partner = env["res.partner"].create({"name": "Ladenkunde"})
    Offer = type(env["amazon.seller.sku"])
    original = Offer._amazon_stock_changed
    timings = {"with_hooks": [], "without_hooks": []}
    for number in range(2 * rounds):
        hooks = number % 2 == 0  # alternate, so that both see the same load
        Offer._amazon_stock_changed = (
            original if hooks else (lambda self, products: None)
        )
        picking = delivery(products, warehouse, partner)
        started = time.perf_counter()
        picking.button_validate()
        env.cr.commit()  # the marking runs in the commit
        timings["with_hooks" if hooks else "without_hooks"].append(
            time.perf_counter() - started
        )
    Offer._amazon_stock_changed = original
    median = {k: sorted(v)[len(v) // 2] for k, v in timings.items()}
    result = {
        "mode": "hooks",
        "lines": 50,
        "rounds": rounds,
        "median_ms_with_hooks": round(median["with_hooks"] * 1000, 1),
        "median_ms_without_hooks": round(median["without_hooks"] * 1000, 1),
        "overhead": round(median["with_hooks"] / median["without_hooks"] - 1, 3),
        "offers_marked": env["amazon.seller.sku"].search_count(
            [("account_id", "=", account.id), ("stock_dirty", "=", True)]
        ),
    }
    sim.stop()
    return result


result = {"offers": bench_offers, "changes": bench_changes, "hooks": bench_hooks}[
    MODE
]()
print("BENCH_RESULT " + json.dumps(result), flush=True)
