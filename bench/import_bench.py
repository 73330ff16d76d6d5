# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order import benchmarks, run inside `odoo shell` by tools/bench.sh.

    BENCH=floor|import|memory|ratelimit BENCH_ORDERS=N  odoo shell -d DB < this file

floor      create and confirm the same sale orders straight through the ORM,
           partners and products already resolved (the floor for any import)
import     the real import from the simulator (rate limits off)
memory     the real import of BENCH_ORDERS orders; prints peak RSS
ratelimit  a backfill with Amazon's rate limits on, time-scaled
shipments  BENCH_ORDERS merchant-fulfilled orders imported, all deliveries
           validated in one batch, the confirmations sent with Amazon's
           limits on (time-scaled); then the sender's own cost per operation
invoices   BENCH_ORDERS merchant-fulfilled orders imported with the invoicing
           policy "when shipped" and upload on, all deliveries validated (an
           invoice each), the shipments confirmed and the invoices uploaded
           with Amazon's limits on (time-scaled); the Odoo side per invoice
           (creation and posting, PDF rendering, the sender's own work)
Prints one JSON line prefixed with BENCH_RESULT.
"""

import cProfile
import importlib
import json
import os
import pstats
import re
import resource
import sys
import threading
import time
import traceback

from odoo import Command
from odoo.orm.fields import Field
from odoo.sql_db import categorize_query

env = env  # noqa: F821 - provided by odoo shell
MODULE = "odoo.addons.amazon_seller_connector"
sim_mod = importlib.import_module(MODULE + ".simulator")
catalogue_mod = importlib.import_module(MODULE + ".simulator.catalogue")
spapi = importlib.import_module(MODULE + ".spapi")

MODE = os.environ.get("BENCH", "import")
COUNT = int(os.environ.get("BENCH_ORDERS", "1000"))
SCALE = float(os.environ.get("BENCH_TIME_SCALE", "20"))
TOKEN = "Atzr|bench"


def setup_company():
    company = env.company
    company.write(
        {"country_id": env.ref("base.de").id, "currency_id": env.ref("base.EUR").id}
    )
    # the taxes below are German: so is the fiscal country (l10n_de sets it)
    company.account_fiscal_country_id = env.ref("base.de")
    Tax = env["account.tax"]
    taxes = {}
    for rate in (19, 7):
        tax = Tax.search([("name", "=", f"Bench {rate}%")], limit=1)
        if not tax:
            group = env["account.tax.group"].create(
                {"name": f"Bench {rate}", "country_id": env.ref("base.de").id}
            )
            tax = Tax.create(
                {
                    "name": f"Bench {rate}%",
                    "amount": rate,
                    "type_tax_use": "sale",
                    "country_id": env.ref("base.de").id,
                    "tax_group_id": group.id,
                    "price_include_override": "tax_included",
                }
            )
        taxes[rate] = tax
    Product = env["product.product"]
    for row in catalogue_mod.catalogue():
        if not Product.search_count([("default_code", "=", row["sku"])]):
            Product.create(
                {
                    "name": row["title"],
                    "default_code": row["sku"],
                    "barcode": row["ean"],
                    "list_price": float(row["price"]),
                    "is_storable": True,
                    "taxes_id": [Command.set(taxes[int(row["vat_rate"])].ids)],
                }
            )
    env.cr.commit()
    return taxes


class RemoteSimulator:
    """A simulator in its own process (BENCH_SIM_URL): memory figures then
    count Odoo alone."""

    def __init__(self, url):
        self.url = url

    def stop(self):
        return None


def start_simulator(rate_limits="off"):
    if os.environ.get("BENCH_SIM_URL"):
        return RemoteSimulator(os.environ["BENCH_SIM_URL"]), os.environ["BENCH_SIM_URL"]
    sim = sim_mod.Simulator(
        refresh_tokens=(TOKEN,),
        generate=COUNT,
        seed=11,
        marketplaces=("DE",),
        rate_limits=rate_limits,
        time_scale=SCALE,
    )
    return sim, sim.start()


def bench_account(url):
    params = env["ir.config_parameter"].sudo()
    params.set_param(
        "amazon_seller_connector.lwa_client_id", sim_mod.DEFAULTS["client_id"]
    )
    params.set_param(
        "amazon_seller_connector.lwa_client_secret", sim_mod.DEFAULTS["client_secret"]
    )
    params.set_param("amazon_seller_connector.custom_endpoint_hosts", "loopback")
    account = env["amazon.seller.account"].create(
        {
            "name": f"Bench {MODE} {time.time()}",
            "state": "linked",
            "refresh_token": TOKEN,
            "selling_partner_id": sim_mod.DEFAULTS["seller_id"],
            "api_base_url": url,
            "import_orders_since": "2020-01-01",
            "marketplace_ids": [
                Command.set(env.ref("amazon_seller_connector.marketplace_de").ids)
            ],
        }
    )
    env.cr.commit()
    return account


#: CPU seconds of the last timed run: Odoo's process and its PostgreSQL
#: backend (less sensitive than wall time to other work on the machine)
CPU = {}


def cpu_seconds():
    """``(Odoo process, PostgreSQL backend of env.cr)`` CPU seconds so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    env.cr.execute("SELECT pg_backend_pid()")
    backend = env.cr.fetchone()[0]
    try:
        with open(f"/proc/{backend}/stat") as stat:
            fields_ = stat.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        database = (int(fields_[11]) + int(fields_[12])) / ticks
    except OSError:  # PostgreSQL on another machine
        database = float("nan")
    return usage.ru_utime + usage.ru_stime, database


def record_cpu(before):
    after = cpu_seconds()
    CPU.update(
        cpu_odoo_seconds=round(after[0] - before[0], 2),
        cpu_postgres_seconds=round(after[1] - before[1], 2),
    )


def run_import(account, options):
    cpu = cpu_seconds()
    started = time.perf_counter()
    type(account)._amazon_client_options = lambda self, purpose="api": options
    account._amazon_import_orders()
    elapsed = time.perf_counter() - started
    record_cpu(cpu)
    records = env["amazon.seller.order"].search([("account_id", "=", account.id)])
    states = {}
    for state in records.mapped("state"):
        states[state] = states.get(state, 0) + 1
    sale_orders = records.filtered("sale_order_id")
    return elapsed, states, len(sale_orders)


def run_floor(sim, taxes):
    """Same orders, partners and products resolved beforehand."""
    orders = [spapi.AmazonOrder.from_api(raw) for raw in sim.orders()]
    orders = [o for o in orders if o.priced and o.fulfillment_status != "CANCELLED"]
    products = {p.default_code: p for p in env["product.product"].search([])}
    fallback = env.ref("amazon_seller_connector.product_amazon_fallback")
    fee = env.ref("amazon_seller_connector.product_amazon_shipping")
    partners = env["res.partner"].create(
        [{"name": f"Floor {o.order_id}", "street": "Hauptstr. 1"} for o in orders]
    )
    env.cr.commit()
    cpu = cpu_seconds()
    started = time.perf_counter()
    for index, (order, partner) in enumerate(zip(orders, partners, strict=True)):
        lines = []
        for line in order.lines:
            for charge in line.charges:
                product = (
                    products.get(line.sku, fallback) if charge.kind == "item" else fee
                )
                rate = (
                    7
                    if charge.tax and abs(charge.tax) * 100 < abs(charge.gross) * 8
                    else 19
                )
                quantity = line.quantity if charge.kind == "item" else 1
                lines.append(
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": float(charge.gross) / quantity,
                            "tax_ids": [Command.set(taxes[rate].ids)],
                        }
                    )
                )
        sale_order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": order.order_id,
                "order_line": lines,
            }
        )
        sale_order.action_confirm()
        if index % 100 == 99:
            env.cr.commit()
            env.invalidate_all()
    env.cr.commit()
    elapsed = time.perf_counter() - started
    record_cpu(cpu)
    return elapsed, len(orders)


SEARCH_RATE, SEARCH_BURST = 0.0056, 20


def allowed(requests, seconds):
    """Requests Amazon's searchOrders limits allow in ``seconds`` (scaled)."""
    limit = SEARCH_BURST + SEARCH_RATE * SCALE * seconds
    return {
        "made": requests,
        "allowed": round(limit, 1),
        "share": round(min(requests, limit) / limit, 3) if limit else None,
    }


def fetch_only(sim, url):
    """The client alone paging through the backfill: how close to the limit."""
    client = spapi.SpApiClient(
        url,
        lwa_client_id=sim_mod.DEFAULTS["client_id"],
        lwa_client_secret=sim_mod.DEFAULTS["client_secret"],
        refresh_token=TOKEN,
        time_scale=SCALE,
        max_retries=8,
    )
    started = time.perf_counter()
    orders = 0
    with client:
        for page in client.search_orders(
            [env.ref("amazon_seller_connector.marketplace_de").amazon_marketplace_id],
            last_updated_after="2020-01-01T00:00:00Z",
        ):
            orders += len(page.orders)
    elapsed = time.perf_counter() - started
    log = sim.call_log()
    requests = log["by_operation"].get("searchOrders", 0)
    return {
        "orders": orders,
        "seconds": round(elapsed, 2),
        "status": log["by_status"],
        **allowed(requests, elapsed),
    }


CONFIRM_RATE, CONFIRM_BURST = 2.0, 10


def shipment_orders(count):
    """``count`` unshipped merchant-fulfilled orders, 1–3 items each."""
    factory = importlib.import_module(MODULE + ".tests.order_factory")
    skus = [row["sku"] for row in catalogue_mod.catalogue()]
    orders = []
    for number in range(count):
        order_id = f"305-{number // 10000:07d}-{number % 10000:07d}"
        items = [
            factory.item(
                skus[(number + k) % len(skus)],
                9.90 + k,
                quantity=1 + (number + k) % 2,
                item_id=f"{number:08d}{k:06d}",
            )
            for k in range(1 + number % 3)
        ]
        orders.append(
            factory.order(
                order_id,
                items,
                name=f"Kunde {number}",
                street=f"Hauptstraße {number % 200 + 1}",
                zip_code=f"{10115 + number % 800:05d}",
                email=f"buyer{number}@marketplace.amazon.de",
            )
        )
    return orders


def validate_all(carrier):
    """Every open Amazon delivery validated in one batch (a wave); the
    time of the whole validation and of the connector's part of it."""
    pickings = env["stock.picking"].search(
        [
            ("sale_id.amazon_binding_id", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ("done", "cancel")),
        ]
    )
    for picking in pickings:
        picking.carrier_id = carrier
        picking.carrier_tracking_ref = f"00340434{picking.id:012d}"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
    env.cr.commit()
    Picking = type(env["stock.picking"])
    original = Picking._amazon_queue_confirmations
    spent = [0.0]

    def timed(self):
        started = time.perf_counter()
        try:
            return original(self)
        finally:
            spent[0] += time.perf_counter() - started

    Picking._amazon_queue_confirmations = timed
    started = time.perf_counter()
    pickings.with_context(skip_backorder=True).button_validate()
    env.cr.commit()
    elapsed = time.perf_counter() - started
    Picking._amazon_queue_confirmations = original
    return pickings, elapsed, spent[0]


def send_all(options):
    """Run the sender until nothing is due; wall time, time inside
    confirmShipment calls (Amazon's answer and the rate-limit waits)."""
    Account = type(env["amazon.seller.account"])
    Account._amazon_client_options = lambda self, purpose="api": options
    Client = spapi.SpApiClient
    original = Client.confirm_shipment
    inside = [0.0]

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            inside[0] += time.perf_counter() - started

    Client.confirm_shipment = timed
    Operation = env["amazon.seller.operation"]
    started = time.perf_counter()
    runs = 0
    while Operation._amazon_due(limit=1):
        Operation._cron_send()
        env.cr.commit()
        runs += 1
    elapsed = time.perf_counter() - started
    Client.confirm_shipment = original
    return elapsed, inside[0], runs


def run_shipments(taxes):
    sim = sim_mod.Simulator(
        refresh_tokens=(TOKEN,),
        orders=shipment_orders(COUNT),
        marketplaces=("DE",),
        rate_limits="amazon",
        time_scale=SCALE,
    )
    url = sim.start()
    account = bench_account(url)
    service = env["product.product"].create({"name": "Versand", "type": "service"})
    carrier = env["delivery.carrier"].create(
        {"name": "DHL Paket", "product_id": service.id}
    )
    env.cr.commit()
    import_seconds, states, _created = run_import(
        account, {"time_scale": SCALE, "max_retries": 8}
    )
    pickings, validate_seconds, queue_seconds = validate_all(carrier)
    Operation = env["amazon.seller.operation"]
    operations = Operation.search([("account_id", "=", account.id)])
    before = sim.call_log()["by_operation"].get("confirmShipment", 0)
    elapsed, inside, runs = send_all({"time_scale": SCALE, "max_retries": 8})
    log = sim.call_log()
    calls = log["by_operation"].get("confirmShipment", 0) - before
    accepted = [c for c in sim.confirmations() if c["accepted"]]
    per_package = {}
    for entry in accepted:
        key = (
            entry["orderId"],
            entry["request"]["packageDetail"]["packageReferenceId"],
        )
        per_package[key] = per_package.get(key, 0) + 1
    allowed_calls = CONFIRM_BURST + CONFIRM_RATE * SCALE * elapsed
    operations.invalidate_recordset()
    states_after = {}
    for state in operations.mapped("state"):
        states_after[state] = states_after.get(state, 0) + 1
    result = {
        "import_seconds": round(import_seconds, 2),
        "import_states": states,
        "deliveries": len(pickings),
        "validate_seconds": round(validate_seconds, 2),
        "connector_share_of_validation": round(queue_seconds / validate_seconds, 3),
        "operations": len(operations),
        "send_seconds": round(elapsed, 2),
        "sender_runs": runs,
        "confirm_calls": calls,
        "accepted": len(accepted),
        "sent_twice": sum(1 for n in per_package.values() if n > 1),
        "lost": len(operations) - len(per_package),
        "operation_states": states_after,
        "status": log["by_status"],
        "time_scale": SCALE,
        "allowed_calls": round(allowed_calls, 1),
        "share_of_allowed_rate": round(min(calls, allowed_calls) / allowed_calls, 3),
        "seconds_in_amazon_calls": round(inside, 2),
    }
    sim.stop()
    # the sender's own cost: the same operations again, Amazon unlimited
    fast = sim_mod.Simulator(
        refresh_tokens=(TOKEN,), orders=shipment_orders(COUNT), marketplaces=("DE",)
    )
    fast_url = fast.start()
    account.sudo().api_base_url = fast_url
    operations.write(
        {"state": "to_send", "attempt_count": 0, "next_attempt_at": "2000-01-01"}
    )
    env.cr.commit()
    profile = None
    if os.environ.get("BENCH_PROFILE"):  # where the sender's time goes
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    elapsed, inside, _runs = send_all({"time_scale": 1e6, "max_retries": 2})
    if profile is not None:
        import pstats
        import sys

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(40)
    done = Operation.search_count(
        [("account_id", "=", account.id), ("state", "=", "done")]
    )
    result["unlimited"] = {
        "operations": len(operations),
        "done": done,
        "seconds": round(elapsed, 2),
        "ms_per_operation": round(elapsed / len(operations) * 1000, 2),
        "ms_in_amazon_calls_per_operation": round(inside / len(operations) * 1000, 2),
        "sender_ms_per_operation": round(
            (elapsed - inside) / len(operations) * 1000, 2
        ),
    }
    fast.stop()
    return result


class Timer:
    """Total time spent in a method (patched on its class while running)."""

    def __init__(self, cls, name):
        self.cls, self.name, self.seconds, self.calls = cls, name, 0.0, 0
        self.first = self.last = None  # start of the first, end of the last call
        self.original = getattr(cls, name)
        timer = self

        def timed(*args, **kwargs):
            started = time.perf_counter()
            if timer.first is None:
                timer.first = started
            try:
                return timer.original(*args, **kwargs)
            finally:
                timer.last = time.perf_counter()
                timer.seconds += timer.last - started
                timer.calls += 1

        setattr(cls, name, timed)

    def stop(self):
        setattr(self.cls, self.name, self.original)


def run_invoices(taxes):
    sim = sim_mod.Simulator(
        refresh_tokens=(TOKEN,),
        orders=shipment_orders(COUNT),
        marketplaces=("DE",),
        rate_limits="amazon",
        time_scale=SCALE,
    )
    url = sim.start()
    account = bench_account(url)
    account.write({"invoice_policy": "ship", "invoice_upload": True})
    service = env["product.product"].create({"name": "Versand", "type": "service"})
    carrier = env["delivery.carrier"].create(
        {"name": "DHL Paket", "product_id": service.id}
    )
    env.cr.commit()
    run_import(account, {"time_scale": SCALE, "max_retries": 8})
    pickings, validate_seconds, _queue = validate_all(carrier)
    # the invoices are made right after the validation's commit
    invoicing = Timer(type(env["stock.picking"]), "_amazon_create_invoice")
    started = time.perf_counter()
    env["stock.picking"]._cron_amazon_invoices(limit=len(pickings))
    env.cr.commit()
    invoicing_seconds = time.perf_counter() - started
    invoicing.stop()
    Move = env["account.move"]
    invoices = Move.search(
        [("amazon_binding_id.account_id", "=", account.id), ("state", "=", "posted")]
    )
    rendering = Timer(type(Move), "_amazon_invoice_pdf")
    submitting = Timer(spapi.SpApiClient, "submit_feed")
    Account = type(env["amazon.seller.account"])
    Account._amazon_client_options = lambda self, purpose="api": {
        "time_scale": SCALE,
        "max_retries": 8,
    }
    Operation = env["amazon.seller.operation"]
    uploads = Operation.search(
        [("account_id", "=", account.id), ("kind", "=", "invoice_upload")]
    )
    started = time.perf_counter()
    runs = 0
    while Operation._amazon_due(limit=1):
        Operation._cron_send()
        env.cr.commit()
        runs += 1
    send_seconds = time.perf_counter() - started
    rendering.stop()
    submitting.stop()
    log = sim.call_log()
    feeds = log["by_operation"].get("createFeed", 0)
    # the upload window: from the first feed to the end of the last one
    window = (submitting.last - submitting.first) if submitting.calls else 0.0
    allowed_feeds = 1 + (1 / 3) * SCALE * window
    # Amazon processes the feeds; the sender reads their reports
    sim.process_feeds()
    Operation.search([("state", "=", "sent")]).write({"next_attempt_at": "2000-01-01"})
    env.cr.commit()
    while Operation._amazon_due(limit=1):
        Operation._cron_send()
        env.cr.commit()
    accepted = sim.invoices()
    uploads.invalidate_recordset()
    states = {}
    for state in uploads.mapped("state"):
        states[state] = states.get(state, 0) + 1
    per_invoice = {}
    for entry in accepted:
        per_invoice[entry["invoiceNumber"]] = (
            per_invoice.get(entry["invoiceNumber"], 0) + 1
        )
    sender_seconds = send_seconds - submitting.seconds
    by_kind = {}
    for operation in Operation.search([("account_id", "=", account.id)]):
        key = f"{operation.kind}:{operation.state}"
        by_kind[key] = by_kind.get(key, 0) + 1
    result = {
        "operations": by_kind,
        "deliveries": len(pickings),
        "invoices": len(invoices),
        "validate_seconds": round(validate_seconds, 2),
        "ms_per_invoice_created_and_posted": round(
            invoicing.seconds / max(len(invoices), 1) * 1000, 1
        ),
        "invoicing_seconds": round(invoicing_seconds, 2),
        "ms_per_invoice_pdf": round(
            rendering.seconds / max(rendering.calls, 1) * 1000, 1
        ),
        "pdf_renderings": rendering.calls,
        "upload_operations": len(uploads),
        "send_seconds": round(send_seconds, 2),
        "sender_runs": runs,
        "create_feed_calls": feeds,
        "time_scale": SCALE,
        "upload_window_seconds": round(window, 2),
        "achieved_feeds_per_hour_real_time": round(feeds / window * 3600 / SCALE)
        if window
        else None,
        "allowed_feeds_in_window": round(allowed_feeds, 1),
        "share_of_allowed_rate": round(min(feeds, allowed_feeds) / allowed_feeds, 3),
        "ms_odoo_side_per_upload": round(
            sender_seconds / max(len(uploads), 1) * 1000, 1
        ),
        "accepted_by_amazon": len(accepted),
        "uploaded_twice": sum(1 for n in per_invoice.values() if n > 1),
        "upload_states": states,
        "status": log["by_status"],
        "invoices_per_day_at_amazon_rate": round(86400 / 3),
        "invoices_per_day_generic_create_feed": round(86400 * 0.0083),
    }
    sim.stop()
    return result


class Measured:
    """Optional instrumentation of a floor or import run, printed to stderr
    (the benchmark's .log file):

    BENCH_PROFILE=1      cProfile's top entries, by cumulative and own time
                         (BENCH_PROFILE_OUT=path also dumps the statistics)
    BENCH_QUERIES=1      SQL statements counted by verb and table (the
                         result gets the total); BENCH_QUERY_STACK=regex
                         adds where the matching statements come from
    BENCH_FIELDS=1       computed fields: calls, records, seconds
    """

    def __init__(self):
        self.profile = self.queries = self.fields = None
        self.stacks = {}

    def _hook(self, _cr, query, _params, _start, delay):
        text = query.decode() if isinstance(query, bytes) else str(query)
        kind, table = categorize_query(text)
        verb = text.split(None, 1)[0].upper() if text.strip() else "?"
        if verb == "UPDATE":
            table = text.split(None, 2)[1].strip('"')
        count, seconds = self.queries.get((verb, kind, table), (0, 0.0))
        self.queries[verb, kind, table] = (count + 1, seconds + delay)
        if self.stack_re and self.stack_re.search(text):
            frames = tuple(
                f"{'/'.join(f.filename.rsplit('/', 2)[-2:])}:{f.lineno}:{f.name}"
                for f in traceback.extract_stack()[:-1]
                if not any(p in f.filename for p in ("/orm/", "sql_db", "<string>"))
            )[-12:]
            self.stacks[text[:90], frames] = self.stacks.get((text[:90], frames), 0) + 1

    def __enter__(self):
        if os.environ.get("BENCH_QUERIES"):
            self.queries = {}
            pattern = os.environ.get("BENCH_QUERY_STACK")
            self.stack_re = re.compile(pattern) if pattern else None
            thread = threading.current_thread()
            thread.query_hooks = (*getattr(thread, "query_hooks", ()), self._hook)
        if os.environ.get("BENCH_FIELDS"):
            self.fields = {}
            self.original_compute = original = Field.compute_value
            stats = self.fields

            def compute_value(field, records):
                started = time.perf_counter()
                try:
                    return original(field, records)
                finally:
                    calls, count, seconds = stats.get(str(field), (0, 0, 0.0))
                    stats[str(field)] = (
                        calls + 1,
                        count + len(records),
                        seconds + time.perf_counter() - started,
                    )

            Field.compute_value = compute_value
        if os.environ.get("BENCH_PROFILE"):
            self.profile = cProfile.Profile()
            self.profile.enable()
        return self

    def __exit__(self, *_exc):
        if self.profile is not None:
            self.profile.disable()
            if os.environ.get("BENCH_PROFILE_OUT"):
                self.profile.dump_stats(os.environ["BENCH_PROFILE_OUT"])
            stats = pstats.Stats(self.profile, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(120)
            stats.sort_stats("tottime").print_stats(60)
        if self.fields is not None:
            Field.compute_value = self.original_compute
            ranked = sorted(self.fields.items(), key=lambda item: -item[1][2])
            for name, (calls, count, seconds) in ranked[:80]:
                print(
                    f"FIELDS {calls:7d} {count:7d} {seconds:8.2f}s {name}",
                    file=sys.stderr,
                )
        if self.queries is not None:
            thread = threading.current_thread()
            thread.query_hooks = tuple(h for h in thread.query_hooks if h != self._hook)
            print(f"QUERIES total {self.total_queries()}", file=sys.stderr)
            ranked = sorted(self.queries.items(), key=lambda item: -item[1][0])
            for key, (count, seconds) in ranked[:60]:
                print(f"QUERIES {count:8d} {seconds:8.2f}s {key}", file=sys.stderr)
            ranked = sorted(self.stacks.items(), key=lambda item: -item[1])
            for (text, frames), count in ranked[:40]:
                print(f"STACK {count:6d} {text}", file=sys.stderr)
                for frame in frames:
                    print(f"STACK        {frame}", file=sys.stderr)

    def total_queries(self):
        if self.queries is None:
            return None
        return sum(count for count, _seconds in self.queries.values())


def main():
    taxes = setup_company()
    if MODE in ("shipments", "invoices"):
        run = run_shipments if MODE == "shipments" else run_invoices
        result = {"mode": MODE, "orders": COUNT, **run(taxes)}
        result["peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        print("BENCH_RESULT " + json.dumps(result), flush=True)
        return
    result = {"mode": MODE, "orders": COUNT}
    if MODE == "floor":
        sim, _url = start_simulator()
        with Measured() as measured:
            elapsed, created = run_floor(sim, taxes)
        result.update(seconds=round(elapsed, 2), sale_orders=created, **CPU)
        if measured.total_queries() is not None:
            result["queries"] = measured.total_queries()
    elif MODE in ("import", "memory"):
        sim, url = start_simulator()
        account = bench_account(url)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with Measured() as measured:
            elapsed, states, created = run_import(account, {"time_scale": 1e6})
        result.update(
            seconds=round(elapsed, 2),
            states=states,
            sale_orders=created,
            rss_before_import_mb=round(rss_before, 1),
            **CPU,
        )
        if measured.total_queries() is not None:
            result["queries"] = measured.total_queries()
    else:
        sim, url = start_simulator("amazon")
        result["fetch_only"] = fetch_only(sim, url)
        sim.reset()
        account = bench_account(url)
        options = {"time_scale": SCALE, "max_retries": 8}
        elapsed, states, created = run_import(account, options)
        log = sim.call_log()
        result.update(
            allowed_requests=allowed(
                log["by_operation"].get("searchOrders", 0), elapsed
            ),
            seconds=round(elapsed, 2),
            states=states,
            sale_orders=created,
            time_scale=SCALE,
            by_operation=log["by_operation"],
            by_status=log["by_status"],
        )
    result["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    sim.stop()
    print("BENCH_RESULT " + json.dumps(result), flush=True)


main()
