# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scheduled, incremental order import: windows, pages, commits, errors."""

import logging
from datetime import datetime, time, timedelta

import psycopg2

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

from ..exceptions import AmazonEndpointError, AmazonImportError
from ..redact import buyer_data_guard, db_error_text, describe_db_error
from ..spapi import AmazonOrder, AuthError, SpApiError
from ..spapi.order_lines import parse_datetime

_logger = logging.getLogger(__name__)

SYNC_OVERLAP = timedelta(minutes=10)
ADVISORY_LOCK_NAMESPACE = 742_318  # first key of pg_try_advisory_lock(int, int)


class ImportRun:
    """Per-run lookups shared by the orders of all pages (few queries)."""

    def __init__(self, account):
        self.account = account
        self.currencies = {}
        self.pricelists = {}
        self.countries = {}
        self.fiscal_positions = {}
        self.sale_taxes = None
        self.included_taxes = {}
        self.counts = {"imported": 0, "review": 0, "error": 0, "other": 0}


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    last_sync = fields.Datetime(
        string="Synchronised Until",
        readonly=True,
        copy=False,
        help="Orders changed at Amazon before this moment have been imported.",
    )
    last_import_run = fields.Datetime(string="Last Import", readonly=True, copy=False)
    last_import_error = fields.Text(readonly=True, copy=False)
    amazon_order_ids = fields.One2many("amazon.seller.order", "account_id")
    sku_ids = fields.One2many(
        "amazon.seller.sku", "account_id", string="SKU Assignments"
    )
    order_count = fields.Integer(compute="_compute_order_counts")
    review_count = fields.Integer(compute="_compute_order_counts")
    error_count = fields.Integer(compute="_compute_order_counts")

    def _compute_order_counts(self):
        groups = self.env["amazon.seller.order"]._read_group(
            [("account_id", "in", self.ids)], ["account_id", "state"], ["__count"]
        )
        counts = {(account.id, state): count for account, state, count in groups}
        for account in self:
            account.order_count = sum(
                count for (acc, _s), count in counts.items() if acc == account.id
            )
            account.review_count = counts.get((account.id, "review"), 0)
            account.error_count = counts.get((account.id, "error"), 0)

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_import_orders(self):
        accounts = self.search([("state", "=", "linked")])
        self._amazon_commit_progress(0, remaining=len(accounts))
        for account in accounts:
            account._amazon_import_orders()
            if not self._amazon_commit_progress(1):
                break  # out of time: the next run goes on from the sync points

    def action_import_orders(self):
        """'Import now': run the import of these accounts synchronously."""
        for account in self:
            account.check_access("write")
            if account.state != "linked":
                raise UserError(
                    self.env._(
                        "Link the account %(name)s with Amazon first.",
                        name=account.name,
                    )
                )
            account._amazon_import_orders()
        return self._amazon_import_notification()

    def _amazon_import_notification(self):
        error = self.filtered("last_import_error")[:1].last_import_error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon order import"),
                "message": error or self.env._("The orders have been imported."),
                "type": "warning" if error else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # One account
    # ------------------------------------------------------------------
    def _amazon_import_orders(self):
        """Import the orders changed since the last synchronisation.

        Never raises for Amazon or data problems: they are recorded on the
        account (and on the orders concerned) and the next run resumes from
        the last committed synchronisation point.
        """
        self.ensure_one()
        if not self._amazon_try_lock():
            _logger.info("Amazon account %s: import already running", self.id)
            return False
        try:
            return self._amazon_import_window()
        finally:
            self._amazon_unlock()

    def _amazon_import_window(self):
        since = self._amazon_sync_start()
        run = ImportRun(self)
        marketplace_ids = self._amazon_import_marketplace_ids()
        try:
            with self._amazon_client() as client:
                before = None
                for page in client.search_orders(
                    marketplace_ids, last_updated_after=since
                ):
                    self._amazon_import_payloads(page.orders, run)
                    before = page.last_updated_before or before
                    self._amazon_commit_progress(len(page.orders))
        except AuthError as error:
            self._amazon_record_import_error(error)
            self._amazon_handle_auth_error(error)
            return False
        except (SpApiError, AmazonEndpointError) as error:
            self._amazon_record_import_error(error)
            return False
        self._amazon_sync_done(before)
        return run.counts

    def _amazon_import_marketplace_ids(self):
        marketplaces = self.marketplace_ids or self.available_marketplace_ids
        return (marketplaces or self.home_marketplace_id).mapped(
            "amazon_marketplace_id"
        )

    def _amazon_sync_start(self):
        if self.last_sync:
            return self.last_sync - SYNC_OVERLAP
        start = self.import_orders_since or fields.Date.context_today(self)
        return datetime.combine(start, time.min)

    def _amazon_sync_done(self, before):
        """Move the synchronisation point, once every page is committed."""
        values = {"last_import_run": fields.Datetime.now(), "last_import_error": False}
        if before:
            values["last_sync"] = parse_datetime(before, "search")
        self.write(values)
        self._amazon_commit_progress(0)

    def _amazon_record_import_error(self, error):
        _logger.warning(
            "Amazon account %s: import stopped (%s)", self.id, type(error).__name__
        )
        message = self._amazon_error_message(error)
        self.write(
            {"last_import_run": fields.Datetime.now(), "last_import_error": message}
        )
        self.message_post(body=message)
        self._amazon_commit_progress(0)

    def _amazon_error_message(self, error):
        if isinstance(error, AmazonEndpointError):
            return error.args[0]
        return self.env._(
            "The order import stopped: %(reason)s. It resumes with the next run; "
            "no order is lost.",
            reason=str(error),
        )

    # ------------------------------------------------------------------
    # Transactions and locking
    # ------------------------------------------------------------------
    def _amazon_commit_progress(self, processed, remaining=None):
        """Commit what is done (per page), free the memory it used, and
        return the time left to a scheduled run.

        Tests run inside one transaction, which must not be committed.
        """
        if modules.module.current_test:
            return float("inf")
        cron = self.env["ir.cron"]
        if remaining is None:
            left = cron._commit_progress(processed)  # commits
        else:
            left = cron._commit_progress(processed, remaining=remaining)
        self.env.invalidate_all()
        return left

    def _amazon_try_lock(self):
        self.env.cr.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", (ADVISORY_LOCK_NAMESPACE, self.id)
        )
        return self.env.cr.fetchone()[0]

    def _amazon_unlock(self):
        self.env.cr.execute(
            "SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_LOCK_NAMESPACE, self.id)
        )

    # ------------------------------------------------------------------
    # Orders of a page
    # ------------------------------------------------------------------
    def _amazon_import_payloads(self, payloads, run=None):
        """Import raw Amazon orders; one bad order never stops the others."""
        run = run or ImportRun(self)
        order_ids = [str(p.get("orderId")) for p in payloads if isinstance(p, dict)]
        existing = {
            record.amazon_order_id: record
            for record in self.env["amazon.seller.order"].search(
                [("account_id", "=", self.id), ("amazon_order_id", "in", order_ids)]
            )
        }
        with buyer_data_guard():
            return self._amazon_import_parsed(payloads, existing, run)

    def _amazon_import_parsed(self, payloads, existing, run):
        parsed = [self._amazon_parse(payload, existing, run) for payload in payloads]
        products = self._amazon_products_for(
            line.sku for order, _raw in parsed if order for line in order.lines
        )
        for order, raw in parsed:
            if order:
                self._amazon_import_one(
                    order, raw, existing.get(order.order_id), products, run
                )
        return run.counts

    def _amazon_parse(self, payload, existing, run):
        try:
            return AmazonOrder.from_api(payload), payload
        except SpApiError as error:
            order_id = str((payload or {}).get("orderId") or "?")
            self._amazon_save_error(
                order_id, payload, existing.get(order_id), error, run
            )
            return None, payload

    def _amazon_import_one(self, order, raw, record, products, run):
        try:
            with self.env.cr.savepoint(), buyer_data_guard():
                self._amazon_apply(order, raw, record, products, run)
        except Exception as error:  # noqa: BLE001 - recorded on the order, never lost
            _logger.warning(
                "Amazon order %s not imported (%s)",
                order.order_id,
                self._amazon_log_text(error),
            )
            self._amazon_save_error(order.order_id, raw, record, error, run)

    def _amazon_save_error(self, order_id, raw, record, error, run):
        values = {"state": "error", "reason": self._amazon_reason_for(error)}
        run.counts["error"] += 1
        with self.env.cr.savepoint():
            if record and record.exists():
                record.write(values)
            else:
                record = self.env["amazon.seller.order"].create(
                    dict(values, account_id=self.id, amazon_order_id=order_id)
                )
            record._amazon_store_payload(raw)

    @api.model
    def _amazon_log_text(self, error):
        """What the log may say of an error: its kind, never its message
        (Odoo's and PostgreSQL's messages may repeat buyer data)."""
        if isinstance(error, psycopg2.Error):
            return db_error_text(error)
        if isinstance(error, (SpApiError, AmazonImportError)):
            return f"{type(error).__name__}: {error}"
        return type(error).__name__

    def _amazon_reason_for(self, error):
        """The reason shown on the order: our own sentence, never the row."""
        _ = self.env._
        if isinstance(error, SpApiError):
            return _(
                "Amazon sent data that cannot be read: %(error)s", error=str(error)
            )
        if isinstance(error, AmazonImportError):
            return _(
                "The sale order could not be created: %(error)s", error=error.args[0]
            )
        if isinstance(error, psycopg2.Error):
            return _(
                "The sale order could not be created: %(rule)s",
                rule=self._amazon_db_rule_text(error),
            )
        return _(
            "The sale order could not be created: Odoo refused the data "
            "(%(kind)s). Please check the article, the customer and the taxes "
            "of this order, then retry.",
            kind=type(error).__name__,
        )

    @api.model
    def _amazon_db_rule_text(self, error):
        """The meaning of the database rule a statement broke, in words."""
        _ = self.env._
        _kind, table, column, constraint = describe_db_error(error)
        model = next(
            (m for m in self.env.registry.values() if m._table == table and table),
            None,
        )
        description = model._description if model is not None else (table or "?")
        if constraint and model is not None and constraint in model._table_objects:
            # the constraint's own (translated) message, never the row
            message = (
                self.env["ir.model.constraint"]
                .sudo()
                .search_fetch(
                    [("name", "=", constraint), ("model.model", "=", model._name)],
                    ["message"],
                    limit=1,
                )
                .message
            ) or model._table_objects[constraint].get_error_message(model)
            if message:
                return message
        if isinstance(error, psycopg2.errors.NotNullViolation):
            field = model._fields.get(column) if model is not None else None
            return _(
                "the required field %(field)s of %(model)s is empty.",
                field=field.string if field else column,
                model=description,
            )
        return _(
            "a rule of the database (%(constraint)s on %(model)s) was violated.",
            constraint=constraint or type(error).__name__,
            model=description,
        )

    # ------------------------------------------------------------------
    # Retry
    # ------------------------------------------------------------------
    def _amazon_retry_orders(self, order_ids):
        self.ensure_one()
        self.check_access("write")
        try:
            with self._amazon_client() as client:
                payloads = [client.get_order(order_id) for order_id in order_ids]
        except (SpApiError, AmazonEndpointError) as error:
            raise UserError(self._amazon_error_message(error)) from error
        return self._amazon_import_payloads(payloads)
