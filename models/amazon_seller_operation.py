# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbound queue: one record per thing the connector sends to Amazon.

Every operation has an idempotency key (unique per account: the same
shipment is never confirmed twice, whatever is clicked or retried), a state,
its attempts and Amazon's answer in plain words. :meth:`_amazon_send` sends
one operation and keeps no state outside the record, so the scheduled
action (:meth:`_cron_send`) or a job engine (OCA queue_job) can run it; the
scheduled action is triggered when an operation is committed, so it goes
out within seconds. Sending never blocks a user: whoever validates a
delivery only creates the operation.

What is sent is built by the record concerned (the Amazon order binding for
shipment confirmations): ``payload`` holds it, without buyer data.
"""

import json
import logging
from contextlib import ExitStack
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, mute_logger

from .. import jobs
from ..exceptions import AmazonEndpointError, AmazonSecretError
from ..spapi import (
    AuthError,
    InvalidGrant,
    InvalidResponse,
    RequestError,
    SpApiError,
    ThrottledError,
    TransientError,
)
from ..spapi.feeds import (
    JSON_CONTENT_TYPE,
    LISTINGS_FEED_TYPE,
    PDF_CONTENT_TYPE,
    VAT_INVOICE_FEED_TYPE,
    QuantityUpdate,
    encode_json,
    parse_listings_report,
    parse_xml_report,
    quantity_feed,
    vat_invoice_options,
)
from ..spapi.listings import quantity_patches
from ..spapi.shipments import FULFILMENT_FEED_TYPE, is_already_confirmed
from ..utils import commit_progress
from .stock_picking import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

OPERATION_STATES = [
    ("to_send", "To Send"),
    ("sent", "Sent"),
    ("done", "Done"),
    ("error", "Error"),
    ("cancelled", "Cancelled"),
]
SHIPMENT_KINDS = ("confirm_shipment", "fulfilment_feed")
OPERATION_KINDS = [
    ("confirm_shipment", "Shipment Confirmation"),
    ("fulfilment_feed", "Shipment Confirmation (Feed)"),
    ("stock_quantity", "Stock Quantity"),
    ("stock_feed", "Stock Reconcile (Feed)"),
    ("invoice_upload", "Invoice Upload"),
]
#: the SP-API operation whose rate limit an operation kind waits for
RATE_OPERATIONS = {
    "confirm_shipment": "confirmShipment",
    "fulfilment_feed": "createFeed",
    "stock_quantity": "patchListingsItem",
    "stock_feed": "createFeed",
    "invoice_upload": "createFeed:UPLOAD_VAT_INVOICE",
}
#: the job-queue channel of each kind (``root.amazon.<channel>.<account>``)
JOB_CHANNELS = {
    "confirm_shipment": "shipments",
    "fulfilment_feed": "shipments",
    "stock_quantity": "stock",
    "stock_feed": "stock",
    "invoice_upload": "invoices",
}
#: operations looked at per run of the sender (it runs again when more are due)
DUE_BATCH = 500
#: operations handed to the job queue per run of the scheduled action, and
#: per transaction of it
JOB_BATCH = 2000
JOB_CHUNK = 100
#: seconds a transmission job may run before its operation's next attempt
JOB_CLOCK_TOLERANCE = 5
#: an operation whose rate limit is further away than this is postponed
RATE_WAIT_SECONDS = 10
#: delays (minutes) after failed attempts; then an error for a person
SEND_DELAYS = (1, 5, 15, 60, 180, 720)
#: days the stock updates Amazon accepted are kept
STOCK_HISTORY_DAYS = 30
#: how often a submitted feed is looked at again (minutes)
FEED_POLL_MINUTES = 5
TODO = "mail.mail_activity_data_todo"


class AmazonSellerOperation(models.Model):
    _name = "amazon.seller.operation"
    _description = "Amazon Transmission"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(OPERATION_KINDS, required=True, readonly=True, index=True)
    idempotency_key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="The same key is never sent twice (per account).",
    )
    binding_id = fields.Many2one(
        "amazon.seller.order",
        string="Amazon Order",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    offer_id = fields.Many2one(
        "amazon.seller.sku",
        string="Offer",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    state = fields.Selection(
        OPERATION_STATES,
        required=True,
        default="to_send",
        readonly=True,
        index=True,
    )
    payload = fields.Text(
        string="Data Sent",
        readonly=True,
        help="What goes to Amazon (JSON; never buyer data).",
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True, copy=False)
    next_attempt_at = fields.Datetime(
        string="Next Attempt",
        readonly=True,
        copy=False,
        index=True,
        default=fields.Datetime.now,
    )
    last_attempt_at = fields.Datetime(string="Last Attempt", readonly=True, copy=False)
    done_at = fields.Datetime(string="Done On", readonly=True, copy=False)
    answer = fields.Text(
        string="Amazon's Answer", readonly=True, copy=False, help="In plain words."
    )
    request_id = fields.Char(string="Request ID", readonly=True, copy=False)
    feed_id = fields.Char(string="Feed ID", readonly=True, copy=False)
    processing_report = fields.Text(readonly=True, copy=False)

    _account_key_uniq = models.Constraint(
        "UNIQUE(account_id, idempotency_key)",
        "This transmission is already queued for this account.",
    )

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------
    @api.model
    def _amazon_queue(self, account, kind, key, payload, **links):
        """The operation with this key, created (and the sender triggered)
        when it does not exist yet; an existing one is returned as it is."""
        existing = self.search(
            [("account_id", "=", account.id), ("idempotency_key", "=", key)], limit=1
        )
        if existing:
            return existing
        # no "created" message and no follower: the record is the log itself
        operation = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(
            {
                "name": self._amazon_name_for(kind, links),
                "account_id": account.id,
                "kind": kind,
                "idempotency_key": key,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                **{name: record.id for name, record in links.items()},
            }
        )
        operation._amazon_trigger_sender(created=True)
        return operation

    def _amazon_trigger_sender(self, delay=0, created=False):
        """Run the sender right after this transaction is committed (or
        ``delay`` seconds later): one trigger, however many operations are
        queued before it runs. With the job queue, these operations get
        their jobs instead (``created``: made in this transaction)."""
        if self and not delay and jobs.enabled(self.env):
            self._amazon_enqueue_at_commit(created)
            return
        data = self.env.cr.precommit.data
        key = f"amazon_seller_connector.trigger_sender.{delay}"
        if data.get(key):
            return
        data[key] = True
        env = self.env

        def trigger():
            # sudo: whoever validates a delivery may wake the connector's sender
            cron = env.ref("amazon_seller_connector.ir_cron_send_operations").sudo()
            at = fields.Datetime.now() + timedelta(seconds=delay)
            pending = (
                env["ir.cron.trigger"]
                .sudo()
                .search_count(
                    [("cron_id", "=", cron.id), ("call_at", "<=", at)], limit=1
                )
            )
            if not pending:  # a waiting trigger runs the sender anyway
                cron._trigger(at=at if delay else None)
            env.flush_all()

        self.env.cr.precommit.add(trigger)

    def _amazon_enqueue_at_commit(self, created=False):
        """The jobs of these operations, made when this transaction commits
        (with what is due then: one job per operation and attempt)."""
        data = self.env.cr.precommit.data
        waiting = data.setdefault("amazon_seller_connector.enqueue_operations", {})
        first = not waiting
        for operation in self:
            waiting[operation.id] = waiting.get(operation.id, True) and created
        if not first:
            return
        env = self.env

        def enqueue():
            operations = env["amazon.seller.operation"].browse(list(waiting)).exists()
            for operation in operations:
                operation._amazon_enqueue_send(fresh=waiting[operation.id])
            waiting.clear()
            env.flush_all()

        self.env.cr.precommit.add(enqueue)

    def _amazon_enqueue_send(self, fresh=False):
        """Queue the job of each operation's next attempt (or look at its
        feed) unless it is queued already; the identity key is the
        operation and the time of the attempt."""
        now = fields.Datetime.now()
        for operation in self:
            at = operation.next_attempt_at
            if operation.state not in ("to_send", "sent") or not at:
                continue
            try:
                with self.env.cr.savepoint():
                    jobs.enqueue(
                        # sudo: the transmission is the connector's, as its
                        # scheduled action (a warehouse user only validated)
                        operation.sudo(),
                        "_amazon_job_send",
                        key=f"operation:{operation.id}:{fields.Datetime.to_string(at)}",
                        kind=JOB_CHANNELS[operation.kind],
                        description=self.env._(
                            "Amazon: %(operation)s", operation=operation.name
                        ),
                        eta=at if at > now else None,
                        fresh=fresh,
                    )
            except Exception as error:  # noqa: BLE001 - never stops who queued it
                # the scheduled action queues it on its next run
                _logger.warning(
                    "Amazon transmission %s not queued (%s)",
                    operation.id,
                    type(error).__name__,
                )

    def _amazon_job_send(self):
        """Job: send this operation (or look at its feed) once, then queue
        its next attempt if it has one. Postponed, never failed, while
        Amazon's rate limit (shared by every worker, in the database) makes
        it wait; the lock and the states keep it from being sent twice."""
        self.ensure_one()
        if not self._amazon_lock():
            if self.state in ("to_send", "sent"):
                # another transaction holds it (a person's, another worker):
                # looked at again shortly, when it is done with it
                raise jobs.retry_later(
                    self.env._("The transmission is being changed."), 5
                )
            return "busy"  # sent meanwhile, or cancelled
        if self.account_id.state != "linked":
            return "account not linked"  # sent once the account is linked again
        # a few seconds of tolerance: the runner's clock and this one differ
        tolerance = timedelta(seconds=JOB_CLOCK_TOLERANCE)
        if self.next_attempt_at and (
            self.next_attempt_at > fields.Datetime.now() + tolerance
        ):
            self._amazon_enqueue_send()  # moved later meanwhile
            return "later"
        with ExitStack() as stack:
            client = self._amazon_run_client({}, stack)
            wait = self._amazon_rate_wait(client)
            if wait > jobs.MAX_WAIT_SECONDS:
                raise jobs.retry_later(self.env._("Amazon's rate limit"), wait)
            self._amazon_send(client)
        self._amazon_enqueue_send()
        return self.state

    @api.model
    def _amazon_name_for(self, kind, links):
        label = dict(self._fields["kind"]._description_selection(self.env))[kind]
        parts = [label]
        if links.get("binding_id"):
            parts.append(links["binding_id"].amazon_order_id)
        if links.get("picking_id"):
            parts.append(links["picking_id"].name)
        if links.get("offer_id"):
            parts.append(links["offer_id"].sku)
        if links.get("move_id"):
            parts.append(links["move_id"].name)
        return " / ".join(parts)

    def _amazon_shipped_items(self):
        """``{order item id: quantity}`` a shipment confirmation names."""
        self.ensure_one()
        data = json.loads(self.payload or "{}")
        if "package" in data:
            return {
                item["orderItemId"]: item["quantity"]
                for item in data["package"].get("orderItems", ())
            }
        return dict(data.get("items") or {})

    def _amazon_set_payload(self, kind, payload):
        """New data for an operation Amazon has not accepted yet."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        values = {}
        if self.kind != kind:
            values["kind"] = kind
        if self.payload != text:
            values["payload"] = text
        if values:
            self.write(values)

    def _amazon_obsolete(self):
        """Nothing is left for this operation to send (the delivery now
        confirms everything with the others)."""
        self.filtered(lambda o: o.state in ("to_send", "error")).write(
            {
                "state": "cancelled",
                "next_attempt_at": False,
                "answer": self.env._(
                    "Not needed any more: the delivery is confirmed by its other "
                    "transmissions."
                ),
            }
        )

    def _amazon_send_again(self):
        """Back in the queue at once, attempts counted from zero."""
        waiting = self.filtered(lambda o: o.state in ("to_send", "error"))
        waiting.write(
            {
                "state": "to_send",
                "attempt_count": 0,
                "next_attempt_at": fields.Datetime.now(),
            }
        )
        if waiting:
            waiting._amazon_trigger_sender()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Send again (after a correction): the data is built anew from the
        record concerned; a cancelled transmission can be sent again too."""
        self.check_access("read")
        if not self.env.user.has_group("amazon_seller_connector.group_amazon_user"):
            raise UserError(self.env._("Only Amazon users can send transmissions."))
        # sudo: users may not write transmissions; this action only sends
        # again what they can see, with the data built by the connector
        operations = self.sudo()
        shipments = operations.filtered(
            lambda o: o.kind in SHIPMENT_KINDS and o.binding_id and o.picking_id
        )
        for (binding, picking), group in shipments.grouped(
            lambda o: (o.binding_id, o.picking_id)
        ).items():
            revived = group.filtered(lambda o: o.state == "cancelled")
            revived.write({"state": "error"})  # built anew with the others
            binding._amazon_queue_shipment(picking)._amazon_send_again()
            binding._amazon_update_shipment_state()
        (operations - shipments)._amazon_send_again()
        return True

    def action_cancel(self):
        """Never send these (e.g. the goods did not leave after all)."""
        self.check_access("read")
        if not self.env.user.has_group("amazon_seller_connector.group_amazon_user"):
            raise UserError(self.env._("Only Amazon users can cancel transmissions."))
        # sudo: the state is the queue's; Amazon users decide what is not sent
        cancelled = self.sudo().filtered(lambda o: o.state in ("to_send", "error"))
        cancelled.write({"state": "cancelled", "next_attempt_at": False})
        cancelled.binding_id._amazon_update_shipment_state()
        return True

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def _cron_send(self):
        """Send what is due, one operation after the other, each committed
        on its own: one failing operation never holds the others. One
        client per account for the run (its access token and rate-limit
        buckets); an operation whose rate limit would make the run wait
        longer than ``RATE_WAIT_SECONDS`` is postponed, not waited for."""
        # stock changes that have settled become transmissions first; a
        # problem there never holds the confirmations and uploads
        try:
            with self.env.cr.savepoint():
                self.env["amazon.seller.sku"]._amazon_queue_stock_updates()
        except CONCURRENCY_ERRORS:
            pass  # a user sends the same offer right now: the next run
        except Exception as error:  # noqa: BLE001 - logged, the run goes on
            _logger.warning(
                "Amazon stock updates not queued (%s)", type(error).__name__
            )
        commit_progress(self.env)
        if jobs.enabled(self.env):  # the job queue's workers send them
            due = self._amazon_due(limit=JOB_BATCH)
            for start in range(0, len(due), JOB_CHUNK):
                due[start : start + JOB_CHUNK]._amazon_enqueue_send()
                commit_progress(self.env)  # a few locks and savepoints at a time
            return
        due = self._amazon_due()
        commit_progress(self.env, remaining=len(due))
        with ExitStack() as stack:
            clients = {}
            for operation in due:
                # alone: what it reads (its order, the order's computed
                # states) is not computed for every operation of the batch
                operation = operation.with_prefetch(operation.ids)
                if not operation._amazon_lock():
                    continue  # another worker sends it right now
                if operation.account_id.state != "linked":
                    continue  # waits for the account to be linked again
                client = operation._amazon_run_client(clients, stack)
                wait = operation._amazon_rate_wait(client)
                if wait > RATE_WAIT_SECONDS:
                    operation.next_attempt_at = fields.Datetime.now() + timedelta(
                        seconds=wait
                    )
                else:
                    operation._amazon_send(client)
                if commit_progress(self.env, 1) <= 0:
                    break

    @api.model
    def _amazon_clean_stock_history(self, days=STOCK_HISTORY_DAYS):
        """Stock updates Amazon accepted (or that were cancelled) more than
        ``days`` ago: one per stock change, the offer keeps what counts (the
        last quantity sent and when). Confirmations and uploads stay."""
        old = self.search(
            [
                ("kind", "in", ("stock_quantity", "stock_feed")),
                ("state", "in", ("done", "cancelled")),
                ("write_date", "<", fields.Datetime.now() - timedelta(days=days)),
            ],
            limit=50_000,
        )
        old.unlink()
        return len(old)

    @api.model
    def _amazon_due(self, limit=DUE_BATCH):
        """Operations due now, of linked accounts (an account waiting to be
        linked again keeps its operations until it is)."""
        now = fields.Datetime.now()
        return self.search(
            Domain("state", "in", ("to_send", "sent"))
            & Domain("next_attempt_at", "<=", now)
            & Domain("account_id.state", "=", "linked"),
            order="next_attempt_at, id",
            limit=limit,
        )

    def _amazon_run_client(self, clients, stack):
        """The client of this operation's account for the run; None when it
        cannot be made (the error is recorded when the operation is sent)."""
        account = self.account_id
        if account.id not in clients:
            try:
                clients[account.id] = stack.enter_context(
                    account._amazon_client(max_retries=1)
                )
            except (AmazonEndpointError, AmazonSecretError, SpApiError, ValueError):
                clients[account.id] = None
        return clients[account.id]

    def _amazon_rate_wait(self, client):
        """Seconds this operation's Amazon operation makes the sender wait."""
        if client is None:
            return 0.0
        if self.state == "sent":  # looking at a feed may read its report too
            return max(client.wait_time(op) for op in ("getFeed", "getFeedDocument"))
        return client.wait_time(RATE_OPERATIONS[self.kind])

    def _amazon_lock(self, states=("to_send", "sent")):
        """Lock the row for this transaction; False when another worker has
        it or has just sent it (so the same operation is never sent by two
        workers)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM amazon_seller_operation WHERE id = %s "
                        "AND state IN %s FOR NO KEY UPDATE SKIP LOCKED",
                        self.id,
                        tuple(states),
                    )
                )
                locked = bool(self.env.cr.fetchone())
        except psycopg2.errors.SerializationFailure:
            return False  # changed by another worker since this run began
        if locked:
            self.invalidate_recordset()  # read what the lock protects
        return locked

    def _amazon_send(self, client=None):
        """Send this operation (or look at its feed) once; never raises."""
        self.ensure_one()
        self.last_attempt_at = fields.Datetime.now()
        try:
            with self.env.cr.savepoint():
                if client is None:
                    with self.account_id._amazon_client(max_retries=1) as own:
                        self._amazon_dispatch(own)
                else:
                    self._amazon_dispatch(client)
        except (AuthError, AmazonEndpointError, AmazonSecretError) as error:
            if (
                isinstance(error, AuthError)
                and not isinstance(error, InvalidGrant)
                and (error.status == 403)
            ):
                # the token is fine; the app lacks the role for this operation
                self._amazon_fail(
                    self.env._(
                        "Amazon refused access (%(reason)s): the Amazon app needs the "
                        "role for it (invoices: “Tax Invoicing”; not for sellers on "
                        "Amazon's VAT Calculation Service). Add the role in Seller "
                        "Central, then retry.",
                        reason=self._amazon_error_text(error),
                    )
                )
                return
            if isinstance(error, AuthError):
                self.account_id._amazon_handle_auth_error(error)
            self._amazon_later(self._amazon_error_text(error))
        except ThrottledError as error:  # Amazon's pace, not a failure
            if jobs.in_job(self.env):  # the job again later, nothing was sent
                seconds = getattr(error, "wait", 0) or (
                    60 / getattr(client, "time_scale", 1.0)
                )
                raise jobs.retry_later(
                    self.env._("Amazon's rate limit"), seconds
                ) from error
            self._amazon_later(self._amazon_error_text(error), counted=False)
        except (TransientError, InvalidResponse) as error:
            self._amazon_later(self._amazon_error_text(error))
        except RequestError as error:
            self._amazon_refused(error)
        except UserError as error:  # our own checks (e.g. no tracking number)
            self._amazon_fail(error.args[0])
        except Exception as error:  # noqa: BLE001 - recorded, the queue goes on
            _logger.warning(
                "Amazon transmission %s failed: %s", self.id, type(error).__name__
            )
            self._amazon_later(
                self.env._(
                    "Unexpected error (%(kind)s); it is sent again later.",
                    kind=type(error).__name__,
                )
            )

    def _amazon_dispatch(self, client):
        if self.state == "sent":
            return self._amazon_check_feed(client)
        return getattr(self, f"_amazon_send_{self.kind}")(client)

    # -- confirmShipment -------------------------------------------------------
    def _amazon_send_confirm_shipment(self, client):
        data = json.loads(self.payload)
        self.binding_id._amazon_check_shippable(self)
        try:
            client.confirm_shipment(
                data["order_id"], data["marketplace_id"], data["package"]
            )
        except RequestError as error:
            if not is_already_confirmed(error):
                raise
            self.request_id = error.request_id or False
            self._amazon_done(
                self.env._("Amazon already had this package (sent before).")
            )
            return
        self.request_id = client.last_request_id or False
        self._amazon_done(self.env._("Amazon accepted the shipment confirmation."))

    # -- order fulfilment feed ---------------------------------------------
    def _amazon_send_fulfilment_feed(self, client):
        data = json.loads(self.payload)
        self.binding_id._amazon_check_shippable(self)
        feed_id = client.submit_feed(
            FULFILMENT_FEED_TYPE,
            [data["marketplace_id"]],
            data["document"].encode("utf-8"),
            "text/xml; charset=UTF-8",
        )
        self.write(
            {
                "state": "sent",
                "feed_id": feed_id,
                "request_id": client.last_request_id or False,
                "answer": self.env._(
                    "Amazon received the feed %(feed)s and processes it.", feed=feed_id
                ),
                "next_attempt_at": fields.Datetime.now()
                + timedelta(minutes=FEED_POLL_MINUTES),
            }
        )

    def _amazon_check_feed(self, client):
        """A submitted feed: done, refused, or looked at again later; its
        processing report is read by the kind's own method."""
        feed = client.get_feed(self.feed_id)
        if not feed.finished:
            self.next_attempt_at = fields.Datetime.now() + timedelta(
                minutes=FEED_POLL_MINUTES
            )
            return
        if feed.processing_status != "DONE" or not feed.result_document_id:
            reason = self.env._(
                "Amazon could not process the feed %(feed)s (%(status)s).",
                feed=self.feed_id,
                status=feed.processing_status,
            )
            if self.kind == "stock_feed":  # the quantities are sent again
                self.write({"state": "to_send", "feed_id": False})
                self._amazon_later(reason)
            else:
                self._amazon_fail(reason)
            return
        document = client.get_feed_document(feed.result_document_id)
        getattr(self, f"_amazon_feed_report_{self.kind}")(document)

    def _amazon_feed_report_fulfilment_feed(self, document):
        report = parse_xml_report(document)
        self.processing_report = report_summary(report)
        if report.succeeded(1):
            self._amazon_done(self.env._("Amazon processed the feed without errors."))
        else:
            self._amazon_fail(
                self.env._(
                    "Amazon refused the shipment confirmation: %(reason)s",
                    reason=report_reasons(report, 1),
                )
            )

    # -- invoices and credit notes --------------------------------------------
    def _amazon_send_invoice_upload(self, client):
        """UPLOAD_VAT_INVOICE: the document's PDF (with its Factur-X data) and
        the feed options Amazon documents, on the order's marketplace."""
        data = json.loads(self.payload)
        picking = self.move_id.amazon_picking_id
        shipments = self.binding_id.operation_ids.filtered(
            lambda o: o.kind in SHIPMENT_KINDS
            and o.state in ("to_send", "sent", "error")
            and (not picking or o.picking_id == picking)
        )
        if shipments and self.move_id.move_type == "out_invoice":
            # Amazon refuses invoices of orders it does not know shipped
            self._amazon_later(
                self.env._("Waits for the shipment confirmation of the order."),
                counted=False,
            )
            return
        _name, pdf = self.move_id._amazon_invoice_pdf()
        options = vat_invoice_options(
            invoice_number=data["invoice_number"],
            order_id=data["order_id"],
            total_amount=data.get("total_amount"),
            total_vat_amount=data.get("total_vat_amount"),
            document_type=data["document_type"],
            transaction_id=data.get("transaction_id"),
        )
        feed_id = client.submit_feed(
            VAT_INVOICE_FEED_TYPE,
            [data["marketplace_id"]],
            pdf,
            PDF_CONTENT_TYPE,
            feed_options=options,
        )
        self.write(
            {
                "state": "sent",
                "feed_id": feed_id,
                "request_id": client.last_request_id or False,
                "answer": self.env._(
                    "Amazon received the document in feed %(feed)s and checks it.",
                    feed=feed_id,
                ),
                "next_attempt_at": fields.Datetime.now()
                + timedelta(minutes=FEED_POLL_MINUTES),
            }
        )

    def _amazon_feed_report_invoice_upload(self, document):
        report = parse_xml_report(document)
        self.processing_report = report_summary(report)
        if report.succeeded(1):
            warnings = "; ".join(
                f"{r.description} ({r.message_code})"
                for r in report.results_for(1)
                if not r.is_error
            )
            answer = self.env._("Amazon accepted the document.")
            if warnings:
                answer = self.env._(
                    "Amazon accepted the document, with warnings: %(warnings)s",
                    warnings=warnings,
                )
            self._amazon_done(answer)
        elif already_uploaded(report, 1):
            # an earlier attempt reached Amazon (a createFeed whose answer was
            # lost): Amazon has this very document, its number is Odoo's
            self._amazon_done(
                self.env._(
                    "Amazon has this document already (an earlier attempt "
                    "reached it): %(reason)s",
                    reason=report_reasons(report, 1),
                )
            )
        else:
            self._amazon_fail(
                self.env._(
                    "Amazon refused the document: %(reason)s",
                    reason=report_reasons(report, 1),
                )
            )

    # -- stock ---------------------------------------------------------------
    def _amazon_send_stock_quantity(self, client):
        """patchListingsItem of one offer's merchant quantity: the quantity of
        this moment, for an offer still synchronised, never while a stock feed
        with an older quantity waits at Amazon."""
        offer = self.offer_id
        account = self.account_id
        if not offer._amazon_synchronised():
            self._amazon_done(
                self.env._(
                    "Nothing sent: the offer is no longer synchronised (fulfilled "
                    "by Amazon, stock sync off or no product)."
                )
            )
            return
        if self.search_count(
            [
                ("account_id", "=", account.id),
                ("kind", "=", "stock_feed"),
                ("state", "=", "sent"),
            ],
            limit=1,
        ):
            self._amazon_later(
                self.env._("Waits for the stock feed being processed at Amazon."),
                counted=False,
            )
            return
        quantity = offer._amazon_quantities().get(offer.id, 0)
        _buffer, days = offer._amazon_stock_settings()
        data = offer._amazon_stock_payload(quantity, days)
        self.payload = json.dumps(data)
        if offer._amazon_holds(quantity, days):
            self._amazon_done(
                self.env._(
                    "Amazon has the quantity %(quantity)s already.", quantity=quantity
                )
            )
            return
        if not offer.product_type:
            item = client.get_listings_item(
                account.selling_partner_id,
                data["sku"],
                data["marketplace_ids"],
                included_data=("summaries",),
            )
            offer.product_type = item.product_type or "PRODUCT"
        answer = client.patch_listings_item(
            account.selling_partner_id,
            data["sku"],
            data["marketplace_ids"],
            offer.product_type,
            quantity_patches(
                data["quantity"],
                data["handling_days"] or None,
                # sold both ways: only the merchant entry changes
                op="merge" if offer.fulfillment_channel == "both" else "replace",
            ),
        )
        self.request_id = client.last_request_id or False
        issues = [i for i in answer.get("issues") or () if i.get("severity") == "ERROR"]
        if answer.get("status") == "ACCEPTED" and not issues:
            offer._amazon_stock_accepted(data["quantity"], data["handling_days"])
            self._amazon_done(
                self.env._(
                    "Amazon accepted the quantity %(quantity)s.",
                    quantity=data["quantity"],
                )
            )
            return
        reason = self.env._(
            "Amazon refused the quantity: %(issues)s",
            issues=issue_text(answer.get("issues")) or answer.get("status"),
        )
        offer.stock_error = reason
        self._amazon_fail(reason)

    def _amazon_send_stock_feed(self, client):
        """JSON_LISTINGS_FEED with the quantities of many offers, as they
        are when it is submitted (a feed sent again after a failure never
        carries the quantities of an earlier night)."""
        data = json.loads(self.payload)
        offers = (
            self.env["amazon.seller.sku"]
            .browse([entry[0] for entry in data["offers"]])
            .exists()
        )
        synchronised = offers._amazon_synchronised()
        quantities = synchronised._amazon_quantities()
        data["offers"] = [
            [
                offer.id,
                offer.sku,
                quantities.get(offer.id, 0),
                offer._amazon_stock_settings()[1],
                offer.product_type,
            ]
            for offer in synchronised
            if offer.product_type
        ]
        if not data["offers"]:
            self._amazon_done(self.env._("Nothing sent: no offer is synchronised."))
            return
        self.payload = json.dumps(data)
        updates = [
            QuantityUpdate(sku, product_type, quantity, days or None)
            for _id, sku, quantity, days, product_type in data["offers"]
        ]
        document = quantity_feed(
            self.account_id.selling_partner_id, updates, operation="PARTIAL_UPDATE"
        )
        feed_id = client.submit_feed(
            LISTINGS_FEED_TYPE,
            data["marketplace_ids"],
            encode_json(document),
            JSON_CONTENT_TYPE,
        )
        self.write(
            {
                "state": "sent",
                "feed_id": feed_id,
                "request_id": client.last_request_id or False,
                "answer": self.env._(
                    "Amazon received the feed %(feed)s and processes it.", feed=feed_id
                ),
                "next_attempt_at": fields.Datetime.now()
                + timedelta(minutes=FEED_POLL_MINUTES),
            }
        )

    def _amazon_feed_report_stock_feed(self, document):
        """Per offer: the quantity Amazon accepted, or its reason. The offers
        are then looked at again: a change while the feed waited at Amazon
        is sent after it (never an older quantity after a newer one)."""
        report = parse_listings_report(document)
        data = json.loads(self.payload)
        offers = (
            self.env["amazon.seller.sku"]
            .browse([entry[0] for entry in data["offers"]])
            .exists()
        )
        by_id = {offer.id: offer for offer in offers}
        refused = 0
        for number, (offer_id, _sku, quantity, days, _type) in enumerate(
            data["offers"], start=1
        ):
            offer = by_id.get(offer_id)
            if not offer:
                continue
            if report.accepted(number):
                offer._amazon_stock_accepted(quantity, days)
            else:
                refused += 1
                offer.stock_error = self.env._(
                    "Amazon refused the quantity: %(issues)s",
                    issues=issue_text(
                        [
                            {"code": i.code, "message": i.message}
                            for i in report.issues_for(number)
                            if i.severity == "ERROR"
                        ]
                        or [
                            {"code": i.code, "message": i.message}
                            for i in report.feed_errors
                        ]
                    ),
                )
        offers._amazon_mark_offers()
        self.processing_report = self.env._(
            "%(processed)s processed, %(accepted)s accepted, %(invalid)s refused",
            processed=report.messages_processed,
            accepted=report.messages_accepted,
            invalid=report.messages_invalid,
        )
        if refused:
            self._amazon_done(
                self.env._(
                    "Amazon applied the feed; %(count)s offers were refused (see "
                    "their answer).",
                    count=refused,
                )
            )
        else:
            self._amazon_done(self.env._("Amazon applied every quantity of the feed."))

    # ------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------
    def _amazon_done(self, answer):
        self.write(
            {
                "state": "done",
                "answer": answer,
                "done_at": fields.Datetime.now(),
                "next_attempt_at": False,
            }
        )
        if not self.picking_id:  # a delivery's to-dos close with all of it
            # the failure to-do is on the offer, the document or the operation
            self._amazon_close_failure_activities(self.offer_id or self.move_id or self)
        if self.binding_id:
            self.binding_id._amazon_operation_done(self)

    def _amazon_later(self, reason, counted=True):
        """Not sent this time (Amazon busy or down, authorization): the next
        attempt after a growing delay, then a person is asked. A throttled
        call (``counted=False``) is sent again a minute later."""
        if not counted:
            self.write(
                {
                    "answer": reason,
                    "next_attempt_at": fields.Datetime.now()
                    + timedelta(minutes=SEND_DELAYS[0]),
                }
            )
            return
        attempt = self.attempt_count + 1
        if attempt > len(SEND_DELAYS):
            self._amazon_fail(reason)
            return
        self.write(
            {
                "attempt_count": attempt,
                "answer": reason,
                "next_attempt_at": fields.Datetime.now()
                + timedelta(minutes=SEND_DELAYS[attempt - 1]),
            }
        )

    def _amazon_refused(self, error):
        """Amazon said no (400): the reason is Amazon's, a person corrects."""
        self.request_id = error.request_id or False
        self._amazon_fail(
            self.env._(
                "Amazon refused it: %(reason)s", reason=self._amazon_error_text(error)
            )
        )

    def _amazon_fail(self, reason):
        self.write(
            {
                "state": "error",
                "answer": reason,
                "attempt_count": self.attempt_count + 1,
                "next_attempt_at": False,
            }
        )
        self._amazon_schedule_activity(reason)
        if self.binding_id:
            self.binding_id._amazon_operation_failed(self)

    def _amazon_schedule_activity(self, reason):
        user = (
            self.picking_id.user_id
            or self.account_id.responsible_id
            or self.account_id.create_uid
        )
        record = self.picking_id or self.offer_id or self.move_id or self
        summary = self._amazon_failure_summary()
        if record.sudo().activity_ids.filtered(lambda a: a.summary == summary):
            return  # one open to-do is enough
        # sudo: the scheduled action puts the to-do on the record it concerns
        record.sudo().activity_schedule(
            TODO,
            user_id=user.id,
            summary=summary,
            note=reason,
        )

    def _amazon_failure_summary(self):
        return self.env._("Amazon transmission failed")

    def _amazon_close_failure_activities(self, record):
        """Mark done the failure to-dos the connector put on ``record`` (and
        only those)."""
        summary = self._amazon_failure_summary()
        # sudo: the to-dos are the connector's, whoever they are assigned to
        record.sudo().activity_ids.filtered(
            lambda a: a.summary == summary
        ).action_feedback(
            feedback=self.env._("Confirmed to Amazon.")
            if record._name == "stock.picking"
            else self.env._("Amazon accepted it.")
        )

    @api.model
    def _amazon_error_text(self, error):
        """Amazon's reason in words (its own message, codes; no secrets)."""
        if isinstance(error, SpApiError):
            details = [error.message or type(error).__name__]
            if error.amazon_code:
                details.append(f"({error.amazon_code})")
            return " ".join(details)
        return error.args[0] if error.args else type(error).__name__


def issue_text(issues):
    """Amazon's issues in words: "message (code)"; joined by "; "."""
    parts = []
    for issue in issues or ():
        message = str(issue.get("message") or "").strip()
        code = issue.get("code")
        if message:
            parts.append(f"{message} ({code})" if code else message)
    return "; ".join(parts)


def report_summary(report):
    """A processing report in a few words (what the accountant reads)."""
    return (
        f"{report.messages_processed} processed, {report.messages_successful} "
        f"successful, {report.messages_with_error} with errors, "
        f"{report.messages_with_warning} with warnings"
    )


def already_uploaded(report, message_id):
    """True when the only errors say that this document is at Amazon already
    (``InvoiceAlreadyUploaded``; Amazon does not publish the code, so its
    words count too)."""
    errors = [
        r
        for r in (*report.document_errors, *report.results_for(message_id))
        if r.is_error
    ]
    return bool(errors) and all(
        r.message_code == "79520" or "already been uploaded" in r.description.lower()
        for r in errors
    )


def report_reasons(report, message_id):
    """Amazon's descriptions of the errors of a message (or the document)."""
    results = [*report.document_errors, *report.results_for(message_id)]
    return "; ".join(
        f"{r.description} ({r.message_code})" if r.message_code else r.description
        for r in results
        if r.is_error
    )
