# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Nothing lost, nothing duplicated: overlaps, parallel runs, Amazon faults."""

from datetime import UTC, datetime, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from . import order_factory as f
from .common import AmazonImportCommon

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
