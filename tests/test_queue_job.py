# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The job queue (OCA queue_job): pages and transmissions as jobs, run here
as queue_job's controller runs them (issue "scale out on queue_job"). The
system tests (tests_system/test_queue_jobs.py) run them in real processes,
killed and side by side."""

import threading
import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import fields, modules
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .. import const, jobs
from ..spapi import RateLimitWait
from . import order_factory as f
from .test_shipment import DHL_TRACKING, SEND_LOGGERS, ShipmentCommon


class JobQueueCommon(ShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not jobs.installed(cls.env):
            raise AssertionError(
                "queue_job is not installed: run the tests with `make test`, which "
                "installs it (requirements-oca.txt)"
            )
        from odoo.addons.queue_job.exception import RetryableJobError
        from odoo.addons.queue_job.job import Job

        cls.Job, cls.RetryableJobError = Job, RetryableJobError
        cls.env["ir.config_parameter"].sudo().set_param(jobs.PARAM, "True")

    def _jobs(self, *states):
        domain = [("identity_key", "=like", f"{jobs.KEY_PREFIX}:%")]
        if states:
            domain.append(("state", "in", states))
        return self.env["queue.job"].search(domain, order="id")

    def _perform(self, record):
        """Run one job as queue_job's controller does: done, or postponed
        (and the error returned) on a RetryableJobError."""
        job = self.Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        try:
            with self.env.cr.savepoint(), mute_logger(*SEND_LOGGERS):
                job.perform()
        except self.RetryableJobError as error:
            job.postpone(result=str(error), seconds=error.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            return error
        job.set_done()
        job.store()
        self.env.invalidate_all()
        return None

    def _run_pending(self, limit=50):
        """Every pending job, the ones queued on the way included."""
        ran = self.env["queue.job"]
        for _ in range(limit):
            pending = self._jobs("pending")[:1]
            if not pending:
                return ran
            error = self._perform(pending)
            self.assertIsNone(error, f"{pending.name}: {error}")
            ran |= pending
        raise AssertionError("jobs keep queueing jobs")


@tagged("post_install", "-at_install")
class TestImportJobs(JobQueueCommon):
    def _serve(self, count):
        orders = [
            f.order(
                f"302-7100000-{n:07d}",
                [f.item("SKU-TASSE", 12.90, item_id=f"71-{n}")],
            )
            for n in range(1, count + 1)
        ]
        self.sim.add_orders(orders)
        self.clock.advance(180)
        self.account.write({"last_sync": False, "import_orders_since": "2026-11-01"})
        return [order["orderId"] for order in orders]

    def test_scheduled_import_hands_each_page_to_one_job(self):
        order_ids = self._serve(5)
        with patch.object(const, "IMPORT_PAGE_SIZE", 2):
            cron = self.env["amazon.seller.account"]
            cron._cron_import_orders()
            cron._cron_import_orders()  # again: the same page is not queued twice
            (first,) = self._jobs()
            self.assertEqual(first.channel, f"root.amazon.orders.{self.account.id}")
            self.assertEqual(first.method_name, "_amazon_job_import_page")
            self.assertEqual(first.args, ["2026-11-01 00:00:00", False])
            self.assertFalse(self.env["sale.order"].search_count([]) - self.before)
            ran = self._run_pending()
        # three pages of 2, 2 and 1 orders, one job each, one after the other,
        # then the job that fetches orders in error again (none here)
        pages = ran.filtered(lambda j: j.method_name == "_amazon_job_import_page")
        self.assertEqual(len(pages), 3)
        self.assertEqual(len(set(pages.mapped("identity_key"))), 3)
        self.assertEqual(pages.mapped("result"), ["partial", "partial", "done"])
        self.assertEqual(
            (ran - pages).mapped("method_name"), ["_amazon_job_retry_errors"]
        )
        self.assertEqual(self._jobs().mapped("state"), ["done"] * 4)
        bindings = self.env["amazon.seller.order"].search(
            [("amazon_order_id", "in", order_ids)]
        )
        self.assertEqual(bindings.mapped("state"), ["imported"] * 5)
        self.assertEqual(len(bindings.sale_order_id), 5)
        self.assertTrue(self.account.last_sync)
        self.assertFalse(self.account.import_next_token)
        # the first page's job run again finds its window done: nothing happens
        again = self.account._amazon_job_import_page("2026-11-01 00:00:00", False)
        self.assertEqual(again, "stale")
        self.assertEqual(len(bindings.sale_order_id), 5)
        # nothing of the buyers is in the jobs
        stored = " ".join(str(job.args) + (job.name or "") for job in self._jobs())
        self.assertNotIn("@", stored)
        self.assertNotIn(bindings[0].sale_order_id.partner_id.name, stored)

    def setUp(self):
        super().setUp()
        self.before = self.env["sale.order"].search_count([])

    def test_throttled_page_is_postponed_not_failed(self):
        self._serve(1)
        self.account._amazon_enqueue_import()
        job = self._jobs()
        # more 429s than the job's brief retries
        self.sim.inject_fault("searchOrders", "status", count=3, status=429)
        error = self._perform(job)
        self.assertIsInstance(error, self.RetryableJobError)
        self.assertTrue(error.ignore_retry, "a 429 is no failed try")
        self.assertEqual(job.state, "pending")
        self.assertEqual(job.retry, 0)
        self.assertTrue(job.eta)
        self.assertFalse(self.account.last_import_error)
        self.assertEqual(self.env["sale.order"].search_count([]), self.before)
        self.assertIsNone(self._perform(job))
        self.assertEqual(self.env["sale.order"].search_count([]), self.before + 1)

    def test_page_job_waits_while_another_run_imports(self):
        self._serve(1)
        self.account._amazon_enqueue_import()
        job = self._jobs()
        with self.env.registry.cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (const.IMPORT_LOCK_NAMESPACE, self.account.id),
            )
            error = self._perform(job)
        self.assertIsInstance(error, self.RetryableJobError)
        self.assertEqual(job.state, "pending")
        self.assertEqual(self.env["sale.order"].search_count([]), self.before)

    def test_without_the_switch_the_scheduled_action_imports(self):
        self.env["ir.config_parameter"].sudo().set_param(jobs.PARAM, "False")
        self._serve(1)
        self.env["amazon.seller.account"]._cron_import_orders()
        self.assertFalse(self._jobs())
        self.assertEqual(self.env["sale.order"].search_count([]), self.before + 1)


@tagged("post_install", "-at_install")
class TestTransmissionJobs(JobQueueCommon):
    def _shipped(self, order_id):
        record = self._fbm_order(order_id)
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self.env.cr.precommit.run()  # what the commit of the validation does
        return record, picking.amazon_operation_ids

    def test_validated_delivery_sent_by_one_job_once(self):
        record, operation = self._shipped("302-7200000-0000001")
        (job,) = self._jobs()
        self.assertEqual(job.channel, f"root.amazon.shipments.{self.account.id}")
        at = fields.Datetime.to_string(operation.next_attempt_at)
        key = f"operation:{operation.id}:{at}"
        self.assertEqual(job.identity_key, f"{jobs.KEY_PREFIX}:{key}")
        # the scheduled sender finds the same job queued
        self.env["amazon.seller.operation"]._cron_send()
        self.assertEqual(len(self._jobs()), 1)
        # Amazon throttles: the job is postponed, nothing was accepted
        self.sim.inject_fault("confirmShipment", "status", count=2, status=429)
        error = self._perform(job)
        self.assertIsInstance(error, self.RetryableJobError)
        self.assertEqual((operation.state, operation.attempt_count), ("to_send", 0))
        self.assertFalse(self._accepted())
        self.assertIsNone(self._perform(job))
        self.assertEqual(operation.state, "done")
        self.assertEqual(len(self._accepted(record.amazon_order_id)), 1)
        # whatever runs it again, Amazon hears the package once
        self.assertEqual(operation._amazon_job_send(), "busy")
        operation._amazon_enqueue_send()
        self.env["amazon.seller.operation"]._cron_send()
        self.assertEqual(len(self._jobs()), 1)
        self.assertEqual(len(self._accepted(record.amazon_order_id)), 1)

    def test_failed_attempt_queues_the_next_one_for_later(self):
        _record, operation = self._shipped("302-7200000-0000002")
        job = self._jobs()
        self.sim.inject_fault("confirmShipment", "status", count=3, status=503)
        self.assertIsNone(self._perform(job))
        self.assertEqual((operation.state, operation.attempt_count), ("to_send", 1))
        later = self._jobs("pending")
        self.assertEqual(len(later), 1)
        self.assertEqual(later.eta, operation.next_attempt_at)
        self.assertGreater(later.eta, fields.Datetime.now() + timedelta(seconds=50))
        self.assertFalse(self._accepted())
        # run early, it only makes sure it waits
        operation.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.assertIsNone(self._perform(later))
        self.assertEqual(operation.state, "done")
        self.assertEqual(len(self._accepted()), 1)

    def test_send_again_queues_a_job_at_once(self):
        _record, operation = self._shipped("302-7200000-0000003")
        self._jobs().unlink()  # e.g. cancelled by an administrator
        operation.write({"state": "error", "next_attempt_at": False})
        operation._amazon_send_again()
        self.env.cr.precommit.run()
        (job,) = self._jobs()
        self.assertIsNone(self._perform(job))
        self.assertEqual(operation.state, "done")


@tagged("post_install", "-at_install")
class TestSharedRateLimits(JobQueueCommon):
    def test_buckets_in_the_database_shared_by_every_client(self):
        """Two clients (as two workers would have) take their tokens from the
        same row: together they get Amazon's rate, not twice of it."""
        Bucket = self.env["amazon.seller.rate.bucket"]
        account_key = f"test-{uuid.uuid4().hex}"
        first, second = Bucket._amazon_limiter(), Bucket._amazon_limiter()
        waits = [
            limiter.reserve(account_key, "confirmShipment")
            for _ in range(6)
            for limiter in (first, second)
        ]
        self.assertEqual(waits[:10], [0.0] * 10)  # Amazon's burst of 10
        pace = 2.0 * 0.98
        # then one token every 1/pace seconds, whichever client asks (less
        # what the bucket refilled meanwhile: a busy machine is slow)
        self.assertTrue(0 < waits[10] <= 1 / pace)
        self.assertAlmostEqual(waits[11] - waits[10], 1 / pace, delta=0.25)
        self.assertGreater(second.wait_time(account_key, "confirmShipment"), 1.0)
        # committed at once, on a cursor of its own (seen by every process)
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT level FROM amazon_seller_rate_bucket WHERE key = %s",
                [f"{account_key}:confirmShipment"],
            )
            self.assertAlmostEqual(cr.fetchone()[0], -2.0, delta=0.5)

    def test_workers_taking_tokens_at_once(self):
        """Four workers take 25 tokens each from one bucket at the same
        moment: each take is atomic (none lost, none failing to serialise)."""
        Bucket = self.env["amazon.seller.rate.bucket"]
        key = f"test-{uuid.uuid4().hex}:burst"
        store = Bucket._amazon_limiter().store
        barrier = threading.Barrier(4)
        errors = []

        def work():
            try:
                barrier.wait()
                for _ in range(25):
                    store.take(key, 0.0, 1000)  # no refill: pure counting
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(store.level(key, 0.0, 1000), 900.0)

    def test_job_never_waits_long_for_a_token(self):
        """Inside a job, a token further away than a few seconds is not
        waited for: the job is postponed and the token given back."""
        Bucket = self.env["amazon.seller.rate.bucket"]
        account_key = f"test-{uuid.uuid4().hex}"
        limiter = Bucket._amazon_limiter(max_wait=jobs.MAX_WAIT_SECONDS)
        for _ in range(20):  # searchOrders: a burst of 20, then one in 180 s
            limiter.reserve(account_key, "searchOrders")
        with self.assertRaises(RateLimitWait) as caught:
            limiter.reserve(account_key, "searchOrders")
        self.assertGreater(caught.exception.wait, 100)
        level = limiter.store.level(f"{account_key}:searchOrders", 0.0056 * 0.98, 20)
        self.assertAlmostEqual(level, 0.0, delta=0.1)  # the token went back

    def test_account_clients_use_the_database_buckets(self):
        # outside tests, an account's client at Amazon's pace
        with (
            patch.object(
                type(self.account),
                "_amazon_client_options",
                lambda self, purpose="api": {},
            ),
            patch.object(modules.module, "current_test", None),
        ):
            client = self.account._amazon_client()
            with self.account._amazon_client() as again:
                self.assertIs(again.tokens, client.tokens)  # one per process
        self.assertEqual(type(client.rate_limiter).__name__, "StoredRateLimiter")
        self.assertIsNone(client.rate_limiter.max_wait)
        in_job = self.account.with_context(job_uuid="x")._amazon_client(shared=True)
        self.assertEqual(in_job.rate_limiter.max_wait, jobs.MAX_WAIT_SECONDS)
        scaled = self.account._amazon_client(shared=True)
        self.assertEqual(type(scaled.rate_limiter).__name__, "StoredRateLimiter")
        self.assertEqual(scaled.rate_limiter.time_scale, 1000.0)
        own = self.account._amazon_client()  # tests keep their own buckets
        self.assertEqual(type(own.rate_limiter).__name__, "RateLimiter")


@tagged("post_install", "-at_install")
class TestJobQueueSetting(JobQueueCommon):
    def test_switch_in_the_settings(self):
        self.env["ir.config_parameter"].sudo().set_param(jobs.PARAM, "False")
        settings = Form(self.env["res.config.settings"])
        self.assertTrue(settings.amazon_job_queue_installed)
        settings.amazon_use_job_queue = True
        settings.save().execute()
        self.assertTrue(jobs.enabled(self.env))
        settings = Form(self.env["res.config.settings"])
        settings.amazon_use_job_queue = False
        settings.save().execute()
        self.assertFalse(jobs.enabled(self.env))
