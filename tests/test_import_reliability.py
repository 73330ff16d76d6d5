# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Nothing lost, nothing duplicated: overlaps, parallel runs, Amazon faults."""

import importlib
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import psycopg2
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from .. import const
from . import order_factory as f
from .common import REFRESH_TOKEN, AmazonImportCommon, sim_module

FAST_RETRIES = {
    "time_scale": 1000.0,
    "max_retries": 2,
    "backoff_base": 0.01,
    "backoff_cap": 0.05,
    "timeout": (2, 2),
}
IMPORT_LOGGERS = (
    "odoo.addons.amazon_seller_connector.models.amazon_seller_order",
    "odoo.addons.amazon_seller_connector.models.amazon_seller_account",
    "odoo.addons.amazon_seller_connector.spapi.client",
    "httpx",
)


@tagged("post_install", "-at_install")
class TestImportReliability(AmazonImportCommon):
    client_options = FAST_RETRIES

    def _orders(self, count, start=1):
        return [
            f.order(f"302-9000000-{n:07d}", [f.item("SKU-TASSE", 12.90)])
            for n in range(start, start + count)
        ]

    def _sale_orders(self):
        return self.env["sale.order"].search(
            [("amazon_account_id", "=", self.account.id)]
        )

    def test_overlapping_windows_one_sale_order_each(self):
        self._import(*self._orders(5))
        self.assertEqual(len(self._sale_orders()), 5)
        # a second run over the same window (and the scheduled overlap) adds nothing
        self.account.last_sync = False
        self.account._amazon_import_orders()
        self.account.last_sync = fields.Datetime.now() - timedelta(days=30)
        self.account._amazon_import_orders()
        self.assertEqual(len(self._sale_orders()), 5)
        self.assertEqual(
            self.env["amazon.seller.order"].search_count(
                [("account_id", "=", self.account.id)]
            ),
            5,
        )

    def _searches(self):
        return [
            call
            for call in self.sim.call_log()["calls"]
            if call["operation"] == "searchOrders"
        ]

    def test_sync_point_moves_after_success(self):
        """The sync point is Amazon's lastUpdatedBefore of the window; the
        next window asks from 10 minutes before it."""
        self._import(*self._orders(2))
        self.assertFalse(self.account.last_import_error)
        before = datetime.fromtimestamp(self.clock() - 120, tz=UTC).replace(tzinfo=None)
        self.assertEqual(self.account.last_sync, before.replace(microsecond=0))
        self.sim.reset()
        self.clock.advance(600)
        self.account._amazon_import_orders()
        query = self.sim.last_query("searchOrders")
        self.assertEqual(
            query["lastUpdatedAfter"],
            (before - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )

    def test_parallel_import_is_refused(self):
        """While another process imports this account, a second run waits."""
        self.sim.add_orders(self._orders(3))
        self.clock.advance(180)
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (742_318, self.account.id))
            self.assertFalse(self.account._amazon_import_orders())
            self.assertFalse(self._sale_orders())
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()
        self.account._amazon_import_orders()
        self.assertEqual(len(self._sale_orders()), 3)

    def test_recorded_order_is_not_created_twice(self):
        """A record written by another run (unique per account and order)."""
        orders = self._orders(1)
        self._import(*orders)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["amazon.seller.order"].create(
                    {
                        "account_id": self.account.id,
                        "amazon_order_id": orders[0]["orderId"],
                    }
                )
        self.assertEqual(len(self._sale_orders()), 1)

    def _fault_then_recover(self, kind, **fault):
        self.sim.add_orders(self._orders(4))
        self.clock.advance(180)
        self.account.last_sync = False
        self.sim.inject_fault(
            "searchOrders", kind, count=fault.pop("count", 10), **fault
        )
        with mute_logger(*IMPORT_LOGGERS):
            result = self.account._amazon_import_orders()
        self.assertFalse(result)
        self.assertTrue(self.account.last_import_error)
        self.assertFalse(self.account.last_sync, "the sync point must not move")
        self.sim.reset()
        self.sim.add_orders(self._orders(4))
        self.clock.advance(180)
        self.account._amazon_import_orders()
        self.assertEqual(len(self._sale_orders()), 4)
        self.assertFalse(self.account.last_import_error)

    def test_fault_429_storm(self):
        self._fault_then_recover("status", status=429)

    def test_fault_500(self):
        self._fault_then_recover("status", status=500)

    def test_fault_503_html(self):
        self._fault_then_recover("status", status=503)

    def test_fault_timeout(self):
        self._fault_then_recover("delay", delay=3, count=3)

    def test_fault_malformed_json(self):
        self._fault_then_recover("malformed_json")

    def test_fault_truncated_json(self):
        self._fault_then_recover("truncated_json")

    def test_fault_dropped_connection(self):
        self._fault_then_recover("drop")

    def test_transient_429_is_retried(self):
        """One 429 is absorbed by the retry: the run succeeds."""
        self.sim.add_orders(self._orders(2))
        self.clock.advance(180)
        self.sim.inject_fault("searchOrders", "status", count=1, status=429)
        with mute_logger(*IMPORT_LOGGERS):
            self.account._amazon_import_orders()
        self.assertEqual(len(self._sale_orders()), 2)
        self.assertFalse(self.account.last_import_error)

    def test_revoked_token(self):
        self.sim.add_orders(self._orders(2))
        self.clock.advance(180)
        self.sim.revoke_refresh_token(self.account.sudo().refresh_token)
        with mute_logger(*IMPORT_LOGGERS):
            self.account._amazon_import_orders()
        self.assertEqual(self.account.state, "reauth")
        self.assertTrue(self.account.activity_ids)
        self.assertFalse(self._sale_orders())
        self.assertNotIn(
            self.account.sudo().refresh_token, self.account.last_import_error
        )

    def test_bad_order_does_not_stop_the_others(self):
        good = self._orders(2)
        bad = f.order("302-9999999-0000001", [f.item("SKU-TASSE", 12.90)])
        bad["orderItems"][0]["quantityOrdered"] = "viele"
        with mute_logger(*IMPORT_LOGGERS):
            self._import(good[0], bad, good[1])
        self.assertEqual(len(self._sale_orders()), 2)
        record = self._record("302-9999999-0000001")
        self.assertEqual(record.state, "error")
        self.assertTrue(record.reason)
        self.assertTrue(record.sudo().payload)

    def _mixed_orders(self, prefix):
        """Five orders, the odd ones shipped by Amazon (FBA)."""
        return [
            f.order(
                f"{prefix}-{n:07d}",
                [f.item("SKU-TASSE", 12.90)],
                status="SHIPPED" if n % 2 else "UNSHIPPED",
                fulfilled_by="AMAZON" if n % 2 else "MERCHANT",
            )
            for n in range(1, 6)
        ]

    def test_page_goes_through_together(self):
        """Orders that go through are processed together: one savepoint for
        the chunk, one validation for its FBA deliveries, in the account's
        company whatever the company of the user running the import."""
        self.account.invoice_policy = "ship"
        other = self.env["res.company"].create({"name": "Andere Firma GmbH"})
        self.env.user.company_ids |= other
        # the user works in the other company, the account's one also allowed
        account = self.account.with_context(
            allowed_company_ids=[other.id, self.account.company_id.id]
        )
        self.assertEqual(account.env.company, other)
        Picking = type(self.env["stock.picking"])
        validated = []
        action_done = Picking._action_done

        def counting(pickings):
            validated.append((len(pickings), pickings.env.company))
            return action_done(pickings)

        Binding = type(self.env["amazon.seller.order"])
        with (
            patch.object(Picking, "_action_done", counting),
            patch.object(
                Binding, "_amazon_process_entry", side_effect=AssertionError
            ) as one_by_one,
        ):
            self.sim.add_orders(self._mixed_orders("302-7100000"))
            self.clock.advance(180)
            account.last_sync = False
            account._amazon_import_orders()
        one_by_one.assert_not_called()
        self.assertEqual(
            validated,
            [(3, self.account.company_id)],
            "the 3 FBA deliveries in one validation, in the account's company",
        )
        sale_orders = self._sale_orders()
        self.assertEqual(len(sale_orders), 5)
        fba = sale_orders.filtered(lambda so: so.amazon_fulfillment_channel == "fba")
        self.assertEqual(len(fba), 3)
        self.assertEqual(set(fba.picking_ids.mapped("state")), {"done"})
        self.assertEqual(fba.order_line.mapped("qty_delivered"), [1.0] * 3)
        self.assertEqual(
            set(fba.picking_ids.mapped("amazon_invoice_pending")),
            {True},
            "invoiced on shipment: Amazon shipped them",
        )
        fbm = (sale_orders - fba).picking_ids
        self.assertNotIn("done", fbm.mapped("state"))
        self.assertFalse(any(fbm.mapped("amazon_invoice_pending")))

    def test_failing_batch_delivery(self):
        """The chunk's FBA deliveries fail together (one of them cannot be
        validated): each order runs again alone; the others are delivered."""
        Picking = type(self.env["stock.picking"])
        action_done = Picking._action_done

        def refusing(pickings):
            if len(pickings) > 1:
                raise UserError("Lot required")
            return action_done(pickings)

        with (
            patch.object(Picking, "_action_done", refusing),
            mute_logger(*IMPORT_LOGGERS),
        ):
            self._import(*self._mixed_orders("302-7300000"))
        sale_orders = self._sale_orders()
        self.assertEqual(len(sale_orders), 5, "each imported once")
        fba = sale_orders.filtered(lambda so: so.amazon_fulfillment_channel == "fba")
        self.assertEqual(set(fba.picking_ids.mapped("state")), {"done"})
        bindings = self.env["amazon.seller.order"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(set(bindings.mapped("state")), {"imported"})

    def test_failing_order_inside_a_chunk(self):
        """An order failing after the chunk's others were processed: the
        chunk runs again order by order; the others are imported once (FBA
        deliveries done), the failing one is in error with nothing left of
        it."""
        orders = self._mixed_orders("302-7200000")
        failing = orders[2]["orderId"]  # an FBA order, in the middle
        SaleOrder = type(self.env["sale.order"])
        check_total = SaleOrder._amazon_check_total

        def failing_check(sale_order, order):
            if order.order_id == failing:
                raise UserError("broken")
            return check_total(sale_order, order)

        Binding = type(self.env["amazon.seller.order"])
        process_chunk = Binding._amazon_process_chunk
        chunks = []

        def recording(model, account, bindings, chunk, products):
            result = process_chunk(model, account, bindings, chunk, products)
            chunks.append((len(chunk), result))
            return result

        with (
            patch.object(SaleOrder, "_amazon_check_total", failing_check),
            patch.object(Binding, "_amazon_process_chunk", recording),
            mute_logger(*IMPORT_LOGGERS),
        ):
            self._import(*orders)
        self.assertEqual(chunks, [(5, None)], "tried together, then one by one")
        sale_orders = self._sale_orders()
        self.assertEqual(
            sorted(sale_orders.mapped("client_order_ref")),
            sorted(o["orderId"] for o in orders if o["orderId"] != failing),
        )
        fba = sale_orders.filtered(lambda so: so.amazon_fulfillment_channel == "fba")
        self.assertEqual(len(fba), 2)
        self.assertEqual(set(fba.picking_ids.mapped("state")), {"done"})
        bindings = self.env["amazon.seller.order"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(len(bindings), 5, "one binding per order, none twice")
        record = self._record(failing)
        self.assertEqual(record.state, "error")
        self.assertFalse(record.sale_order_id)
        self.assertFalse(
            self.env["sale.order"].search([("client_order_ref", "=", failing)])
        )
        self.assertEqual(
            bindings.filtered(lambda b: b.state == "imported").mapped("sale_order_id"),
            sale_orders,
        )

    def test_cron_runs_every_linked_account(self):
        self.sim.add_orders(self._orders(2))
        self.clock.advance(180)
        self.account.last_sync = False
        self.env["amazon.seller.account"]._cron_import_orders()
        self.assertEqual(len(self._sale_orders()), 2)

    def test_payloads_purged_after_retention(self):
        self._import(*self._orders(1))
        record = self.env["amazon.seller.order"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertTrue(record.sudo().payload)
        record.payload_date = datetime(2020, 1, 1)
        self.env["amazon.seller.order"]._cron_purge_payloads()
        self.assertFalse(record.sudo().payload)
        self.assertTrue(record.sale_order_id, "only the raw data is deleted")


@tagged("post_install", "-at_install")
class TestImportDefects(AmazonImportCommon):
    """Each defect of the import review, with the test that shows it."""

    client_options = FAST_RETRIES

    def _orders(self, count, start=1, prefix="302-8000000"):
        return [
            f.order(f"{prefix}-{n:07d}", [f.item("SKU-TASSE", 12.90)])
            for n in range(start, start + count)
        ]

    def _sale_orders(self, account=None):
        return self.env["sale.order"].search(
            [("amazon_account_id", "=", (account or self.account).id)]
        )

    def _second_account(self, name, token, orders):
        """Another account on its own simulator (its own seller)."""
        sim = sim_module.Simulator(refresh_tokens=(token,), clock=self.clock)
        url = sim.start()
        self.addCleanup(sim.stop)
        sim.add_orders(orders)
        account = self.account.copy(
            {
                "name": name,
                "api_base_url": url,
                "import_orders_since": "2026-11-01",
                "marketplace_ids": [Command.set(self.account.marketplace_ids.ids)],
            }
        )
        account.sudo().write(
            {
                "state": "linked",
                "refresh_token": token,
                "selling_partner_id": f"A{name}",
            }
        )
        return account, sim

    # -- 10 / 11: cron starvation, a long backlog goes on ------------------
    def test_busy_account_does_not_starve_the_others(self):
        """Three accounts, the first with a backlog of many pages. The real
        cron path (registry test mode: its commits are savepoints) gives the
        others their turn in the same run, hands the rest over at once, and
        the next run goes on from the saved page (not from the old start)."""
        self.sim.add_orders(self._orders(60))
        self.clock.advance(180)
        account_b, _sim_b = self._second_account(
            "SHOPB", "Atzr|b", self._orders(3, prefix="302-8100000")
        )
        account_c, _sim_c = self._second_account(
            "SHOPC", "Atzr|c", self._orders(3, prefix="302-8200000")
        )
        cron = self.env.ref("amazon_seller_connector.ir_cron_import_orders")
        cron_module = importlib.import_module("odoo.addons.base.models.ir_cron")
        with (
            patch.object(const, "IMPORT_PAGE_SIZE", 5),
            patch.object(cron_module, "MIN_TIME_PER_JOB", 0),
            self.enter_registry_test_mode(),
            self.registry.cursor() as cr,
        ):
            job_cron = cron.with_env(cron.env(cr=cr))
            job_cron.method_direct_trigger()
            env = job_cron.env
            for account in (account_b, account_c):
                orders = env["sale.order"].search(
                    [("amazon_account_id", "=", account.id)]
                )
                self.assertEqual(len(orders), 3, "the others had their turn")
            first = env["amazon.seller.account"].browse(self.account.id)
            done_first = env["sale.order"].search_count(
                [("amazon_account_id", "=", first.id)]
            )
            self.assertLess(done_first, 60, "the backlog is not finished in one run")
            self.assertTrue(first.import_next_token, "its resume point is saved")
            self.assertTrue(
                env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
                "the rest is handed over at once",
            )
            self.assertFalse(first.last_sync, "the sync point waits for the end")
            searches_before = len(self._searches())
            for _run in range(4):
                job_cron.method_direct_trigger()
            resumed = self._searches()[searches_before]
            self.assertIn("paginationToken", resumed["query"])
            self.assertEqual(
                env["sale.order"].search_count([("amazon_account_id", "=", first.id)]),
                60,
            )
            self.assertTrue(first.last_sync)

    def _searches(self):
        return [
            call
            for call in self.sim.call_log()["calls"]
            if call["operation"] == "searchOrders"
        ]

    # -- 12: the lock ---------------------------------------------------------
    def test_import_now_tells_when_another_import_runs(self):
        """Before: "The orders have been imported." while nothing ran."""
        self.env["amazon.seller.order"]._amazon_process_payloads(
            self.account, self._orders(1)
        )  # (no lock taken by this transaction)
        record = self._record("302-8000000-0000001")
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (742_318, self.account.id)
            )
            self.assertTrue(other.fetchone()[0])
            with self.assertRaisesRegex(UserError, "Another import"):
                self.account.action_import_orders()
            with self.assertRaisesRegex(UserError, "is running"):
                record.action_retry()
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()

    def test_the_lock_belongs_to_the_transaction(self):
        """Before: a session lock, released in a ``finally`` that could run in
        an aborted transaction, stayed on the pooled connection. Now it is a
        transaction lock: whatever ends the transaction (here the rollback of
        a savepoint around it) releases it, so another worker gets it."""
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            with self.env.cr.savepoint(flush=False) as savepoint:
                self.assertTrue(self.account._amazon_lock())
                other.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    (742_318, self.account.id),
                )
                self.assertFalse(other.fetchone()[0], "held while the run lasts")
                other.rollback()
                savepoint.rollback()
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", (742_318, self.account.id)
            )
            self.assertTrue(other.fetchone()[0], "released when the run ends")
        finally:
            other.rollback()
            other.close()

    # -- 13: one bad order never stops the others -------------------------------
    def test_the_same_order_twice_on_a_page(self):
        payload = self._orders(1)[0]
        changed = dict(payload, lastUpdatedTime="2026-11-20T11:00:00Z")
        outcomes = self.env["amazon.seller.order"]._amazon_process_payloads(
            self.account, [payload, changed]
        )
        self.assertEqual(outcomes["error"], 0, outcomes)
        self.assertEqual(len(self._record(payload["orderId"])), 1)
        self.assertEqual(len(self._sale_orders()), 1)

    def test_an_order_without_id_does_not_stop_the_page(self):
        good = self._orders(1)[0]
        outcomes = self.env["amazon.seller.order"]._amazon_process_payloads(
            self.account, [{"buyer": {}}, "not an order", good]
        )
        self.assertEqual(outcomes["invalid"], 2)
        self.assertEqual(len(self._sale_orders()), 1)

    def test_records_of_a_failed_order_are_not_reused(self):
        """Before: the run cached the pricelist an order had created inside
        its savepoint; when that order failed, every later order of the
        currency failed on the rolled-back pricelist."""
        self.env["product.pricelist"].search(
            [("currency_id.name", "=", "PLN")]
        ).action_archive()
        bad = f.order(
            "302-8300000-0000001",
            [f.item("SKU-TASSE", 50, shipping=15, currency="PLN", rate=23)],
            marketplace="PL",
            currency="PLN",
            country="PL",
        )
        good = f.order(
            "302-8300000-0000002",
            [f.item("SKU-TASSE", 50, currency="PLN", rate=23)],
            marketplace="PL",
            currency="PLN",
            country="PL",
        )
        shipping = self.account.shipping_product_id
        self.account.shipping_product_id = False  # the first order fails late
        with mute_logger(*IMPORT_LOGGERS):
            outcomes = self.env["amazon.seller.order"]._amazon_process_payloads(
                self.account, [bad, good]
            )
        self.account.shipping_product_id = shipping
        self.assertEqual(outcomes["error"], 1)
        self.assertEqual(self._record("302-8300000-0000001").state, "error")
        second = self._record("302-8300000-0000002")
        self.assertTrue(second.sale_order_id, second.reason)
        self.assertEqual(second.sale_order_id.currency_id.name, "PLN")

    def test_error_orders_are_retried_without_a_change_at_amazon(self):
        """Before: an order in error was fetched again only when Amazon
        changed it, so an unshipped order that failed was never imported."""
        self.account.fallback_product_id = False
        payload = f.order("302-8400000-0000001", [f.item("UNKNOWN-SKU", 9)])
        with mute_logger(*IMPORT_LOGGERS):
            self._import(payload)
        record = self._record("302-8400000-0000001")
        self.assertEqual((record.state, record.retry_count), ("error", 1))
        self.assertGreater(record.next_retry_at, fields.Datetime.now())
        self.assertEqual(self.account.error_count, 1)
        # the merchant fixes the setting; Amazon does not change the order
        self.account.fallback_product_id = self.env.ref(
            "amazon_seller_connector.product_amazon_fallback"
        )
        record.next_retry_at = fields.Datetime.now() - timedelta(minutes=1)
        self.clock.advance(900)
        self.account._amazon_import_orders()
        fetched = [
            call["path"]
            for call in self.sim.call_log()["calls"]
            if call["operation"] == "getOrder"
        ]
        self.assertEqual(fetched, ["/orders/2026-01-01/orders/302-8400000-0000001"])
        self.assertTrue(record.sale_order_id)
        self.assertEqual(record.state, "review")  # the unknown SKU waits
        self.assertEqual(record.retry_count, 0)

    def test_retries_grow_and_end_with_a_person(self):
        self._import(*self._orders(1))
        record = self._record("302-8000000-0000001")
        delays = []
        for _attempt in range(len(const.RETRY_DELAYS) + 1):
            before = fields.Datetime.now()
            record._amazon_schedule_retry("failed")
            if record.next_retry_at:
                delays.append(
                    round((record.next_retry_at - before).total_seconds() / 60)
                )
        self.assertEqual(delays, list(const.RETRY_DELAYS))
        self.assertFalse(record.next_retry_at)
        self.assertTrue(record.activity_ids, "after the last attempt a person decides")

    def test_a_concurrent_update_fails_one_order_only(self):
        """A serialization failure (a concurrent Retry) is recorded on the
        order; the others of the page are imported."""
        orders = self._orders(3)
        Binding = type(self.env["amazon.seller.order"])
        original = Binding._amazon_import

        def import_or_conflict(binding, order, values, products):
            if order.order_id == orders[1]["orderId"]:
                raise psycopg2.errors.SerializationFailure("concurrent update")
            return original(binding, order, values, products)

        with (
            patch.object(Binding, "_amazon_import", import_or_conflict),
            mute_logger(*IMPORT_LOGGERS),
        ):
            self._import(*orders)
        self.assertEqual(len(self._sale_orders()), 2)
        self.assertEqual(self._record(orders[1]["orderId"]).state, "error")

    # -- 17: faults of Amazon -----------------------------------------------------
    def test_pagination_token_expires_between_runs(self):
        """A run stops inside its window; when the next one comes after the
        token expired (24 h), the window starts over: each order once."""
        self.sim.add_orders(self._orders(15))
        self.clock.advance(180)
        with patch.object(const, "IMPORT_PAGE_SIZE", 5):
            self.assertEqual(self.account._amazon_run_import(budget=0), "partial")
            self.assertTrue(self.account.import_next_token)
            self.clock.advance(25 * 3600)
            with mute_logger(*IMPORT_LOGGERS):
                results = [self.account._amazon_run_import(budget=0) for _i in range(6)]
        self.assertIn("done", results)
        self.assertEqual(len(self._sale_orders()), 15)
        self.assertEqual(
            self.env["amazon.seller.order"].search_count(
                [("account_id", "=", self.account.id)]
            ),
            15,
        )

    def test_refresh_token_revoked_mid_run(self):
        self.sim.add_orders(self._orders(15))
        self.clock.advance(180)
        with patch.object(const, "IMPORT_PAGE_SIZE", 5):
            self.assertEqual(self.account._amazon_run_import(budget=0), "partial")
            self.sim.revoke_refresh_token(REFRESH_TOKEN)
            with mute_logger(*IMPORT_LOGGERS):
                self.assertEqual(self.account._amazon_run_import(budget=0), "error")
            self.assertEqual(self.account.state, "reauth")
            # the seller links again: a new token, the import goes on
            self.sim.add_refresh_token("Atzr|again")
            self.account.sudo().write(
                {"refresh_token": "Atzr|again", "state": "linked"}
            )
            self.assertEqual(self.account._amazon_run_import(budget=3600), "done")
        self.assertEqual(len(self._sale_orders()), 15)
