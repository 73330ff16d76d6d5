# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The binding of one Amazon order: it owns the order's processing.

Like ``payment.transaction`` in Odoo's payment modules, the record reads
Amazon's data, decides by the status table (``const.STATUS_ACTIONS``), creates
or updates the sale order and records the outcome in plain words. The
account only hands over the pages of its import runs
(:meth:`_amazon_process_payloads`).
"""

import json
import logging
import re
from collections import Counter
from datetime import timedelta
from functools import partial
from itertools import zip_longest

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger, split_every

from .. import const
from ..exceptions import AmazonImportError
from ..matching.buyer import buyer_values
from ..redact import buyer_data_guard, db_error_text, describe_db_error
from ..spapi import AmazonOrder, SpApiError, format_date
from ..spapi.shipments import OrderFulfilment, fulfilment_feed
from ..utils import (
    commit_progress,
    deferred_fba_deliveries,
    forget_page_memo,
    page_memo,
)

_logger = logging.getLogger(__name__)

#: operation kinds that confirm shipments
SHIPMENT_KINDS = ("confirm_shipment", "fulfilment_feed")
#: Amazon statuses of a merchant order still (partly) to ship
UNSHIPPED = ("UNSHIPPED", "PARTIALLY_SHIPPED")
TRACKING_SEPARATORS = re.compile(r"[\s,;]+")
#: orders of a page processed together in one savepoint (a failure makes
#: the chunk's orders run again one by one)
CHUNK_SIZE = 25


class AmazonSellerOrder(models.Model):
    """One record per Amazon order: what the import did with it, and why."""

    _name = "amazon.seller.order"
    _description = "Amazon Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "purchase_date desc, id desc"
    _rec_name = "amazon_order_id"
    _check_company_auto = True

    amazon_order_id = fields.Char(
        string="Amazon Order", required=True, readonly=True, index=True
    )
    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        "amazon.seller.marketplace", string="Marketplace", readonly=True
    )
    state = fields.Selection(
        const.ORDER_STATES,
        required=True,
        default="waiting",
        readonly=True,
        tracking=True,
    )
    reason = fields.Text(readonly=True, help="Why the order needs attention.")
    sale_order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    fulfillment_channel = fields.Selection(const.CHANNELS, readonly=True)
    amazon_status = fields.Char(string="Amazon Status", readonly=True)
    purchase_date = fields.Datetime(readonly=True)
    amazon_last_update = fields.Datetime(string="Last Change at Amazon", readonly=True)
    imported_on = fields.Datetime(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amazon_total = fields.Monetary(
        string="Amazon Total", readonly=True, help="What the buyer paid, per Amazon."
    )
    order_total = fields.Monetary(
        string="Sale Order Total", related="sale_order_id.amount_total"
    )
    unknown_sku = fields.Boolean(string="Unknown SKU", readonly=True)
    total_mismatch = fields.Boolean(readonly=True)
    gift_message = fields.Text(
        readonly=True,
        help="The buyer's gift message (deleted after the retention period).",
    )
    retry_count = fields.Integer(
        string="Attempts", readonly=True, copy=False, help="Failed attempts so far."
    )
    next_retry_at = fields.Datetime(
        string="Next Attempt",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When an order in error is fetched from Amazon again.",
    )
    payload = fields.Text(
        string="Amazon Data",
        readonly=True,
        groups="amazon_seller_connector.group_amazon_manager",
        help="The order as Amazon sent it; deleted after the retention period.",
    )
    payload_date = fields.Datetime(readonly=True)
    buyer_data_anonymised_on = fields.Datetime(
        string="Delivery Data Anonymised On",
        readonly=True,
        copy=False,
        help="When the delivery-only buyer data of this order was anonymised "
        "(retention period after delivery, Amazon's Data Protection Policy).",
    )
    seller_central_url = fields.Char(
        string="Seller Central", compute="_compute_seller_central_url"
    )
    # --- shipping (merchant-fulfilled orders) --------------------------------
    service_level = fields.Char(
        string="Shipping Service", readonly=True, help="Amazon's service level."
    )
    ship_by_start = fields.Datetime(string="Ship From", readonly=True)
    ship_by_end = fields.Datetime(
        string="Ship By",
        readonly=True,
        index="btree_not_null",
        help="The end of Amazon's ship-by window: confirm the shipment before it.",
    )
    ship_by_due = fields.Boolean(
        string="Shipping Due",
        compute="_compute_ship_by_due",
        search="_search_ship_by_due",
        help="Not shipped yet and the ship-by window ends within the account's "
        "warning time (or has ended).",
    )
    buyer_cancel_requested = fields.Boolean(
        string="Buyer Asks to Cancel",
        readonly=True,
        help="The buyer asked Amazon to cancel (an item of) this order before it "
        "shipped: cancel the sale order, or ship it.",
    )
    gift_wrap = fields.Char(readonly=True, help="Amazon's gift-wrap choice.")
    is_business = fields.Boolean(
        string="Amazon Business",
        readonly=True,
        help="An Amazon Business order: Amazon expects its invoice within one "
        "business day of the shipment confirmation.",
    )
    invoice_ids = fields.One2many(
        "account.move", "amazon_binding_id", string="Invoices and Credit Notes"
    )
    operation_ids = fields.One2many(
        "amazon.seller.operation", "binding_id", string="Transmissions"
    )
    shipment_state = fields.Selection(
        [
            ("none", "Not Confirmed"),
            ("pending", "Confirmation Pending"),
            ("error", "Confirmation Failed"),
            ("partial", "Partially Confirmed"),
            ("done", "Confirmed"),
        ],
        string="Shipment Confirmation",
        default="none",
        readonly=True,
        copy=False,
        help="Kept by the sender and the import, never by the warehouse's "
        "validation (which never waits for this record).",
    )
    ship_by_reminded = fields.Datetime(
        string="Ship-by Reminder Sent",
        readonly=True,
        copy=False,
        help="When the ship-by reminder was scheduled (once per window end).",
    )
    amazon_tracking_numbers = fields.Char(
        string="Tracking Numbers at Amazon",
        readonly=True,
        help="The tracking numbers of the packages Amazon holds.",
    )
    tracking_mismatch = fields.Boolean(
        readonly=True,
        help="Amazon holds a tracking number that no delivery of the order has.",
    )
    amazon_shipped = fields.Json(
        string="Shipped at Amazon",
        readonly=True,
        copy=False,
        help="What Amazon holds shipped, at the last import: quantities per "
        "order item and the package references.",
    )

    _account_order_uniq = models.Constraint(
        "UNIQUE(account_id, amazon_order_id)",
        "This Amazon order is already recorded for this account.",
    )
    _sale_order_uniq = models.UniqueIndex(
        "(sale_order_id) WHERE sale_order_id IS NOT NULL",
        "This sale order already belongs to an Amazon order.",
    )

    @api.depends("amazon_order_id", "marketplace_id", "account_id")
    def _compute_seller_central_url(self):
        for record in self:
            marketplace = record.marketplace_id or record.account_id.home_marketplace_id
            record.seller_central_url = (
                marketplace._amazon_seller_central_url(
                    f"/orders-v3/order/{record.amazon_order_id}"
                )
                if marketplace and record.amazon_order_id
                else False
            )

    def _amazon_update_shipment_state(self):
        """The order's confirmation state from its transmissions and what is
        left to confirm (called by the sender and the import)."""
        for record in self:
            operations = record.operation_ids.filtered(
                lambda o: o.kind in SHIPMENT_KINDS and o.state != "cancelled"
            )
            states = set(operations.mapped("state"))
            if not operations:
                state = "none"
            elif "error" in states:
                state = "error"
            elif states & {"to_send", "sent"}:
                state = "pending"
            elif record._amazon_unconfirmed_quantities():
                state = "partial"
            else:
                state = "done"
            if record.shipment_state != state:
                record.shipment_state = state

    def _compute_ship_by_due(self):
        now = fields.Datetime.now()
        for record in self:
            limit = now + timedelta(hours=record.account_id.ship_by_warning_hours)
            record.ship_by_due = bool(
                record.fulfillment_channel == "fbm"
                and record.sale_order_id
                and record.sale_order_id.state != "cancel"
                and record.amazon_status in UNSHIPPED
                and record.shipment_state in ("none", "error", "partial")
                and record.ship_by_end
                and record.ship_by_end <= limit
            )

    def _search_ship_by_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        wanted = (operator == "=") == value
        now = fields.Datetime.now()
        ids = []
        # sudo: warehouse users filter their deliveries on it; the ids found
        # are then searched with their own rights
        for account in self.env["amazon.seller.account"].sudo().search([]):
            limit = now + timedelta(hours=account.ship_by_warning_hours)
            ids += (
                self.sudo()
                .search(
                    [
                        ("account_id", "=", account.id),
                        ("fulfillment_channel", "=", "fbm"),
                        ("sale_order_id", "!=", False),
                        ("sale_order_id.state", "!=", "cancel"),
                        ("amazon_status", "in", list(UNSHIPPED)),
                        ("shipment_state", "in", ["none", "error", "partial"]),
                        ("ship_by_end", "<=", limit),
                    ]
                )
                .ids
            )
        return [("id", "in" if wanted else "not in", ids)]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Fetch the orders again from Amazon and import them."""
        for account, records in self.grouped("account_id").items():
            account._amazon_retry_orders(records.mapped("amazon_order_id"))
        return True

    def action_mark_reviewed(self):
        """The reviewer has checked the order: it counts as imported."""
        self.check_access("read")
        to_close = self.filtered(lambda r: r.state == "review")
        # sudo: Amazon users may not write the binding (state, sale order,
        # account); this action only closes the review of orders they can see
        to_close.sudo().write(
            {
                "state": "imported",
                "reason": False,
                "unknown_sku": False,
                "total_mismatch": False,
            }
        )
        return True

    def action_open_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def action_open_seller_central(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.seller_central_url}

    # ------------------------------------------------------------------
    # Pages of an import run
    # ------------------------------------------------------------------
    @api.model
    def _amazon_process_payloads(self, account, payloads, stop_on_conflict=False):
        """Process one page of raw Amazon orders of ``account``.

        Returns a Counter of outcomes (imported, review, waiting, error, ...).
        One bad order never stops the others: the orders go through in
        chunks, each in a savepoint (:meth:`_amazon_process_chunk`); when one
        of a chunk fails, each of its orders runs again in a savepoint of its
        own and a failure is recorded on its binding, to be fetched again
        later.

        ``stop_on_conflict``: a page that is one transaction (a job) stops at
        the first order another process changed the same data for (e.g. the
        stock of an article): the orders after it would fail alike in this
        transaction's snapshot. The outcome ``"conflict"`` says so; the page
        is then processed again in a new transaction.
        """
        with buyer_data_guard(), page_memo():
            entries = [self._amazon_parse(payload) for payload in payloads]
            ids = [order_id for order_id, _order, _raw, _error in entries if order_id]
            bindings = {
                binding.amazon_order_id: binding
                for binding in self.search(
                    [("account_id", "=", account.id), ("amazon_order_id", "in", ids)]
                )
            }
            products = self.env["product.product"]._amazon_find_by_sku(
                account,
                {
                    line.sku
                    for _i, order, _r, _e in entries
                    if order
                    for line in order.lines
                },
            )
            outcomes = Counter()
            for chunk in self._amazon_chunks(entries, bindings):
                results = self._amazon_process_chunk(account, bindings, chunk, products)
                if results is None:  # one of them failed: each on its own
                    results = []
                    for entry in chunk:
                        results.append(
                            self._amazon_process_entry(
                                account, bindings, *entry, products
                            )
                        )
                        if stop_on_conflict and results[-1] == "conflict":
                            break
                outcomes.update(results)
                if stop_on_conflict and outcomes["conflict"]:
                    break
            return outcomes

    @api.model
    def _amazon_chunks(self, entries, bindings):
        """The page's entries in page order, in chunks of up to
        ``CHUNK_SIZE`` that go through together; an entry likely to fail (no
        id, unreadable, or its last attempt failed) is a chunk of its own, so
        that it never makes the others run twice."""
        chunk = []
        for entry in entries:
            order_id, _order, _raw, error = entry
            binding = bindings.get(order_id, self.browse()) if order_id else None
            if binding is None or error or binding.state == "error":
                if chunk:
                    yield chunk
                    chunk = []
                yield [entry]
                continue
            chunk.append(entry)
            if len(chunk) == CHUNK_SIZE:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    @api.model
    def _amazon_process_chunk(self, account, bindings, chunk, products):
        """The orders of ``chunk`` in one savepoint, their FBA deliveries
        validated together: what they write is flushed once for them all,
        which costs far less than once per order.

        Returns their outcomes, or None when one of them failed: then nothing
        of the chunk is kept, and :meth:`_amazon_process_payloads` processes
        each order again in a savepoint of its own, where a failure is
        recorded on the order's binding.
        """
        if len(chunk) < 2:
            return None
        known = dict(bindings)
        try:
            with self.env.cr.savepoint():
                with deferred_fba_deliveries() as fba_orders:
                    results = [
                        self._amazon_process_order(
                            account, bindings, order_id, order, raw, products
                        )
                        for order_id, order, raw, _error in chunk
                    ]
                if fba_orders:  # valued in the account's company, as alone
                    self.env["sale.order"].with_company(account.company_id).browse(
                        fba_orders
                    )._amazon_deliver_fba()
        except Exception as exc:  # noqa: BLE001 - each order is processed again
            _logger.info(
                "Amazon account %s: %s orders processed again one by one (%s)",
                account.id,
                len(chunk),
                self._amazon_log_text(exc),
            )
            bindings.clear()
            bindings.update(known)
            forget_page_memo()
            return None
        return results

    @api.model
    def _amazon_parse(self, payload):
        """``(order_id, AmazonOrder or None, payload, error or None)``."""
        order_id = None
        if isinstance(payload, dict) and payload.get("orderId"):
            order_id = str(payload["orderId"])[:64]
        try:
            return order_id, AmazonOrder.from_api(payload), payload, None
        except SpApiError as error:
            return order_id, None, payload, error

    @api.model
    def _amazon_process_entry(
        self, account, bindings, order_id, order, raw, error, products
    ):
        """One order of a page, protected by a savepoint; returns its outcome."""
        if not order_id:
            _logger.warning(
                "Amazon account %s: an order without id was skipped", account.id
            )
            return "invalid"
        try:
            with self.env.cr.savepoint():
                if error:
                    raise error
                return self._amazon_process_order(
                    account, bindings, order_id, order, raw, products
                )
        except Exception as exc:  # noqa: BLE001 - recorded on the order, never lost
            # what the order created is rolled back: the page looks up again
            forget_page_memo()
            _logger.warning(
                "Amazon order %s not imported (%s)",
                order_id,
                self._amazon_log_text(exc),
            )
            bindings[order_id] = self._amazon_record_failure(
                account, order_id, raw, exc
            )
            if isinstance(exc, psycopg2.errors.TransactionRollbackError):
                return "conflict"  # fetched again at once, in a new snapshot
            return "error"

    @api.model
    def _amazon_process_order(self, account, bindings, order_id, order, raw, products):
        """One parsed order of a page (inside a savepoint); returns its
        outcome."""
        binding, outcome = self._amazon_bind(
            account, bindings.get(order_id, self.browse()), order
        )
        if binding:
            bindings[order_id] = binding  # the page sees it from now on
            outcome = binding._amazon_apply(order, raw, products)
        return outcome

    @api.model
    def _amazon_bind(self, account, binding, order):
        """The binding to process ``order`` with (created when needed), or an
        empty one with the reason why the order is left alone."""
        if binding:
            if not binding._amazon_is_changed(order):
                return self.browse(), "unchanged"
            return binding, None
        if account._amazon_is_before_start(order):
            return self.browse(), "ignored"
        # its first outcome is no change worth a line in the chatter
        binding = self.with_context(tracking_disable=True).create(
            {"account_id": account.id, "amazon_order_id": order.order_id}
        )
        return binding, None

    def _amazon_is_changed(self, order):
        """An order is processed again when Amazon changed it, or when its
        last attempt failed."""
        return (
            self.state == "error"
            or not self.amazon_last_update
            or order.last_updated > self.amazon_last_update
        )

    # ------------------------------------------------------------------
    # One order: decide by the status table
    # ------------------------------------------------------------------
    def _amazon_apply(self, order, raw, products):
        """Process ``order`` (parsed) on this binding; returns the outcome."""
        self.ensure_one()
        action = const.status_action(order.fulfilled_by, order.fulfillment_status)
        values = self._amazon_order_values(order)
        asked_before = self.buyer_cancel_requested
        if action == const.CANCEL:
            outcome = self._amazon_cancel(values)
        elif self.sale_order_id:
            outcome = self._amazon_update(order, values)
        elif action == const.IMPORT:
            outcome = self._amazon_import(order, values, products)
        elif action == const.WAIT:
            outcome = self._amazon_save(values, "waiting", False)
        else:
            outcome = self._amazon_save(
                values,
                "skipped",
                self.env._(
                    "Not imported: Amazon reports the status %(status)s.",
                    status=order.fulfillment_status or "-",
                ),
            )
        self._amazon_store_payload(raw)
        if self.buyer_cancel_requested and not asked_before and self.sale_order_id:
            self._amazon_warn_cancel_request()
        if order.tracking_numbers:
            self._amazon_compare_tracking(order.tracking_numbers)
        if self.operation_ids:  # what Amazon now holds shipped may complete it
            self._amazon_update_shipment_state()
        return outcome

    def _amazon_warn_cancel_request(self):
        """The buyer asked to cancel: the salesperson decides before shipping."""
        sale_order = self.sale_order_id
        sale_order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Buyer asks to cancel the Amazon order"),
            note=self.env._(
                "The buyer asked Amazon to cancel %(order)s. Cancel the sale order "
                "(nothing is confirmed to Amazon then) or ship it.",
                order=self.amazon_order_id,
            ),
            user_id=(
                sale_order.user_id or self.account_id.responsible_id or self.env.user
            ).id,
        )

    def _amazon_compare_tracking(self, amazon_numbers):
        """Flag a tracking number Amazon holds that no delivery of ours has."""
        ours = set()
        for picking in self.sale_order_id.picking_ids:
            ours |= set(picking._amazon_tracking_numbers())
        self.tracking_mismatch = bool(set(amazon_numbers) - ours)

    def _amazon_order_values(self, order):
        marketplace = self.env["amazon.seller.marketplace"]._amazon_by_marketplace_id(
            order.marketplace_id
        )
        return {
            "marketplace_id": marketplace.id,
            "fulfillment_channel": "fba" if order.is_fba else "fbm",
            "amazon_status": order.fulfillment_status,
            "purchase_date": order.purchase_date,
            "amazon_last_update": order.last_updated,
            "retry_count": 0,
            "next_retry_at": False,
            "service_level": order.service_level or False,
            "ship_by_start": order.earliest_ship_date or False,
            "ship_by_end": order.latest_ship_date or False,
            "buyer_cancel_requested": order.buyer_cancellation_requested
            and order.fulfillment_status in UNSHIPPED,
            "gift_wrap": order.gift_wrap or False,
            "is_business": order.is_business,
            "amazon_tracking_numbers": ", ".join(order.tracking_numbers) or False,
            "amazon_shipped": {
                "items": {
                    line.order_item_id: line.quantity_shipped
                    for line in order.lines
                    if line.quantity_shipped
                },
                "packages": [p.reference for p in order.packages if p.reference],
            },
        }

    def _amazon_save(self, values, state, reason):
        """Record the outcome on the binding; returns the state."""
        self.write(dict(values, state=state, reason=reason))
        return state

    def _amazon_cancel(self, values):
        sale_order = self.sale_order_id
        if not sale_order or sale_order.state == "cancel":
            reason = self.env._("Cancelled at Amazon before it was imported.")
            return self._amazon_save(values, "cancelled", reason)
        if any(sale_order.order_line.mapped("qty_delivered")):
            reason = self.env._(
                "Cancelled at Amazon after goods were delivered: check the "
                "delivery and the invoice of %(order)s.",
                order=sale_order.name,
            )
            self._amazon_schedule_review(reason)
            return self._amazon_save(values, "review", reason)
        sale_order._action_cancel()
        sale_order.message_post(body=self.env._("Cancelled at Amazon."))
        reason = self.env._(
            "Cancelled at Amazon after import; the sale order is cancelled."
        )
        return self._amazon_save(values, "cancelled", reason)

    def _amazon_update(self, order, values):
        """An imported order changed at Amazon (e.g. shipped): keep the sale
        order, flag it when the amount changed."""
        total = order.total() if order.priced else None
        if total is not None and self.currency_id.compare_amounts(
            float(total), self.amazon_total
        ):
            reason = self.env._(
                "Amazon changed the order total from %(old)s to %(new)s.",
                old=self.amazon_total,
                new=total,
            )
            self._amazon_schedule_review(reason)
            values = dict(values, amazon_total=float(total))
            return self._amazon_save(values, "review", reason)
        self.write(values)
        return "updated"

    # ------------------------------------------------------------------
    # A new sale order
    # ------------------------------------------------------------------
    def _amazon_import(self, order, values, products):
        account = self.account_id.with_company(self.company_id)
        buyer = buyer_values(order)
        Partner = self.env["res.partner"].with_company(self.company_id)
        customer, delivery, match, review = Partner._amazon_find_or_create_customer(
            account, buyer
        )
        sale_order, notes = (
            self.env["sale.order"]
            .with_company(self.company_id)
            ._amazon_create_from(self, order, customer, delivery, products)
        )
        if buyer.get("invalid_vat"):
            notes.append(
                self.env._(
                    "The buyer's VAT id is not valid; it was not stored on the "
                    "customer (Amazon's order data shows it for 30 days)."
                )
            )
        if match.decision == "review":
            notes.append(self.env._("Possible duplicate customer."))
        unknown_sku = any(sale_order.order_line.mapped("amazon_unknown_sku"))
        if not unknown_sku:  # an unknown article waits for review as a quotation
            sale_order.action_confirm()
            sale_order.date_order = order.purchase_date
        Partner._amazon_note_match(account, sale_order, match, review)
        total_notes = sale_order._amazon_check_total(order)
        notes += total_notes
        state = "review" if notes else "imported"
        reason = "\n".join(notes) or False
        self.write(
            dict(
                values,
                state=state,
                reason=reason,
                sale_order_id=sale_order.id,
                imported_on=fields.Datetime.now(),
                currency_id=sale_order.currency_id.id,
                amazon_total=float(order.total()),
                unknown_sku=unknown_sku,
                total_mismatch=bool(total_notes),
                gift_message=order.gift_message or False,
            )
        )
        if order.is_fba and sale_order.state == "sale":
            # Amazon shipped it: delivered, and invoiced per the account's
            # policy (once the delivery knows its binding: no message to the
            # buyer, who hears from Amazon only)
            sale_order._amazon_deliver_fba()
        if notes:
            self._amazon_schedule_review(reason)
        return state

    def _amazon_schedule_review(self, reason):
        self.sale_order_id.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Check Amazon order"),
            note=reason,
            user_id=(self.account_id.responsible_id or self.env.user).id,
        )

    # ------------------------------------------------------------------
    # Shipment confirmation (merchant-fulfilled orders)
    # ------------------------------------------------------------------
    def _amazon_queue_shipment(self, picking):
        """Bring the confirmations of ``picking`` in line with what it
        shipped: the parcels already at Amazon (done, or a feed being
        processed) stay; the others are built anew from the delivery (a
        corrected tracking number), surplus ones are cancelled, missing ones
        queued. Only quantities not confirmed yet are confirmed (a return and
        a new delivery never confirm an item twice). Returns the open
        operations of the delivery."""
        self.ensure_one()
        Operation = self.env["amazon.seller.operation"]
        if self.fulfillment_channel != "fbm":
            return Operation  # Amazon ships FBA orders
        operations = self.operation_ids.filtered(
            lambda o: o.picking_id == picking and o.kind in SHIPMENT_KINDS
        )
        fixed = operations.filtered(lambda o: o.state in ("done", "sent"))
        rebuildable = operations.filtered(
            lambda o: o.state in ("to_send", "error")
        ).sorted("id")
        shipments = self._amazon_shipments(picking, fixed, rebuildable)
        used = [int(o.idempotency_key.rsplit(":", 1)[1]) for o in operations] or [-1]
        next_index = max(used) + 1
        result = Operation
        for operation, shipment in zip_longest(rebuildable, shipments):
            if shipment is None:
                operation._amazon_obsolete()
                continue
            kind, payload_for = shipment
            if operation is None:
                index, next_index = next_index, next_index + 1
                result |= Operation._amazon_queue(
                    self.account_id,
                    kind,
                    f"ship:{self.amazon_order_id}:{picking.id}:{index}",
                    payload_for(index),
                    binding_id=self,
                    picking_id=picking,
                )
            else:
                index = int(operation.idempotency_key.rsplit(":", 1)[1])
                operation._amazon_set_payload(kind, payload_for(index))
                result |= operation
        return result

    def _amazon_shipments(self, picking, fixed, rebuildable):
        """``[(kind, payload builder)]``, one per parcel of ``picking`` still
        to confirm (``fixed``: its operations Amazon has; ``rebuildable``:
        the ones built anew, not counted as confirmed)."""
        remaining = self._amazon_unconfirmed_quantities(exclude=rebuildable)
        packages = picking._amazon_packages(fixed, remaining)
        if not packages:
            return []
        carrier = picking._amazon_carrier(self.account_id)
        used = {
            (json.loads(o.payload).get("package") or {}).get("trackingNumber")
            for o in fixed
        }
        tracking = [n for n in picking._amazon_tracking_numbers() if n not in used]
        if len(packages) == 1 and len(tracking) > 1:
            packages = picking._amazon_share_units(packages[0], len(tracking))
        if not tracking and len(packages) == 1 and carrier["allow_untracked"]:
            items = packages[0]
            return [
                (
                    "fulfilment_feed",
                    lambda _index: self._amazon_feed_payload(picking, carrier, items),
                )
            ]
        result = []
        for position, items in enumerate(packages):
            number = (
                tracking[position]
                if position < len(tracking)
                else (tracking[-1:] or [None])[0]
            )
            result.append(
                (
                    "confirm_shipment",
                    partial(
                        self._amazon_package_payload, picking, carrier, number, items
                    ),
                )
            )
        return result

    def _amazon_package_payload(self, picking, carrier, tracking, items, index):
        package = {
            # unique per order, a positive number sent as a string
            "packageReferenceId": str(picking.id * 100 + index + 1),
            "carrierCode": carrier["code"],
            "trackingNumber": tracking,
            "shipDate": format_date(picking.date_done or fields.Datetime.now()),
            "orderItems": [
                {"orderItemId": item_id, "quantity": quantity}
                for item_id, quantity in sorted(items.items())
            ],
        }
        if carrier.get("name"):
            package["carrierName"] = carrier["name"]
        if carrier.get("method"):
            package["shippingMethod"] = carrier["method"]
        return {
            "order_id": self.amazon_order_id,
            "marketplace_id": self.marketplace_id.amazon_marketplace_id,
            "package": package,
        }

    def _amazon_feed_payload(self, picking, carrier, items):
        """An untracked shipment (a letter): the order fulfilment feed."""
        document = fulfilment_feed(
            self.account_id.selling_partner_id or "-",
            [
                OrderFulfilment(
                    order_id=self.amazon_order_id,
                    fulfillment_date=picking.date_done or fields.Datetime.now(),
                    carrier_code=carrier["code"],
                    carrier_name=carrier.get("name"),
                    shipping_method=carrier.get("method"),
                    items=tuple(sorted(items.items())),
                )
            ],
        )
        return {
            "order_id": self.amazon_order_id,
            "marketplace_id": self.marketplace_id.amazon_marketplace_id,
            "document": document.decode("utf-8"),
            "items": dict(sorted(items.items())),
        }

    def _amazon_unconfirmed_quantities(self, exclude=None):
        """``{order item id: quantity}`` ordered (in the units of the order
        line, which are Amazon's) and not confirmed or queued yet.

        Amazon's shipped quantities (read by the last import) and what our
        own accepted confirmations sent overlap: the larger of the two
        counts, so that units shipped outside Odoo (Seller Central) are not
        confirmed again and our confirmations do not count twice. Queued and
        failed transmissions (other than ``exclude``) hold their units."""
        self.ensure_one()
        ordered = Counter()
        # a few fields of the lines, not all of them
        lines = self.with_context(prefetch_fields=False).sale_order_id.order_line
        for line in lines.filtered("amazon_order_item_id"):
            ordered[line.amazon_order_item_id] += int(round(line.product_uom_qty))
        amazon = Counter((self.amazon_shipped or {}).get("items") or {})
        done, held = Counter(), Counter()
        operations = self.operation_ids.filtered(
            lambda o: o.kind in SHIPMENT_KINDS and o.state != "cancelled"
        ) - (exclude or self.env["amazon.seller.operation"])
        for operation in operations:
            target = done if operation.state == "done" else held
            target.update(operation._amazon_shipped_items())
        return {
            item: left
            for item, quantity in ordered.items()
            if (left := quantity - max(amazon[item], done[item]) - held[item]) > 0
        }

    # ------------------------------------------------------------------
    # Invoices (the account's invoicing policy)
    # ------------------------------------------------------------------
    def _amazon_invoice_shipment(self, picking):
        """The invoice of what ``picking`` shipped, posted (once per
        delivery): its articles with the quantities shipped, and on the first
        invoice of the order every fee and discount of the order."""
        self.ensure_one()
        Move = self.env["account.move"]
        # the delivery's order (an FBA order is delivered while it is imported)
        sale_order = picking.sale_id
        if (
            self.account_id.invoice_policy != "ship"
            or not sale_order
            or sale_order.state != "sale"
            or Move.search_count([("amazon_picking_id", "=", picking.id)], limit=1)
        ):
            return Move
        shipped = Counter()
        for _package, item_id, quantity in picking._amazon_shipped_items():
            shipped[item_id] += quantity
        lines = []
        for line in sale_order.order_line.filtered(lambda sol: not sol.display_type):
            if line.amazon_order_item_id:
                left = line.product_uom_qty - line.qty_invoiced
                quantity = min(shipped[line.amazon_order_item_id], left)
                shipped[line.amazon_order_item_id] -= quantity
            else:  # fees and discounts: with the first invoice
                quantity = line.product_uom_qty - line.qty_invoiced
            if line.product_uom_id.compare(quantity, 0) > 0:
                lines.append(
                    Command.create(line._prepare_invoice_line(quantity=quantity))
                )
        if not any(
            c[2].get("product_id")
            in sale_order.order_line.filtered("amazon_order_item_id").product_id.ids
            for c in lines
        ):
            return Move  # nothing of the order's articles in this delivery
        values = sale_order._prepare_invoice()
        values.update(
            invoice_line_ids=lines,
            amazon_binding_id=self.id,
            amazon_picking_id=picking.id,
            invoice_date=fields.Date.context_today(self),
        )
        invoice = Move.create(values)
        invoice.action_post()
        return invoice

    def _amazon_check_shippable(self, operation):
        """Checks just before sending: a cancelled order is never confirmed,
        a parcel needs its carrier and its tracking number."""
        record = self.with_context(prefetch_fields=False)  # two fields only
        if (
            record.amazon_status == "CANCELLED"
            or record.sale_order_id.state == "cancel"
        ):
            raise UserError(
                self.env._("The order is cancelled: nothing is confirmed to Amazon.")
            )
        picking = operation.picking_id.name or "-"
        if not self.account_id.selling_partner_id:
            raise UserError(
                self.env._(
                    "The Amazon account is not linked to a seller: link it first."
                )
            )
        data = json.loads(operation.payload)
        package = data.get("package")
        if package is None:
            return
        if package.get("carrierCode") == "Other" and not package.get("carrierName"):
            raise UserError(
                self.env._(
                    "The delivery %(picking)s has no shipping method: choose the "
                    "carrier on the delivery and send again.",
                    picking=picking,
                )
            )
        if not package.get("trackingNumber"):
            raise UserError(
                self.env._(
                    "The delivery %(picking)s has no tracking number. Enter it on the "
                    "delivery (Tracking Reference) and send again; letters without "
                    "tracking number need a carrier mapping that allows untracked "
                    "shipments.",
                    picking=picking,
                )
            )

    def _amazon_operation_done(self, operation):
        """Amazon accepted a confirmation: the invoices that waited for it go
        out with the next run."""
        self._amazon_update_shipment_state()
        picking = operation.picking_id
        self.operation_ids.filtered(
            lambda o: o.kind == "invoice_upload" and o.state == "to_send"
        ).write({"next_attempt_at": fields.Datetime.now()})
        if picking and not picking.amazon_operation_ids.filtered(
            lambda o: o.state == "error"
        ):
            operation._amazon_close_failure_activities(picking)

    def _amazon_operation_failed(self, operation):
        """A confirmation failed: the order shows it."""
        self._amazon_update_shipment_state()

    @api.model
    def _cron_ship_by_reminders(self):
        """A to-do on every merchant-fulfilled order whose ship-by window
        ends soon (or has ended) and that is not confirmed yet: once per
        window end, whether the to-do is then done or not."""
        summary = self.env._("Ship the Amazon order")
        due = self.search([("ship_by_due", "=", True)]).filtered(
            lambda r: not r.ship_by_reminded or r.ship_by_reminded < r.ship_by_end
        )
        for record in due:
            try:
                with self.env.cr.savepoint():
                    record._amazon_remind_ship_by(summary)
            except Exception as error:  # noqa: BLE001 - the others are reminded
                _logger.warning(
                    "Ship-by reminder of Amazon order record %s failed: %s",
                    record.id,
                    type(error).__name__,
                )

    def _amazon_remind_ship_by(self, summary):
        sale_order = self.sale_order_id
        sale_order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=self.env._(
                "Amazon expects %(order)s to ship by %(date)s (UTC).",
                order=self.amazon_order_id,
                date=fields.Datetime.to_string(self.ship_by_end)[:16],
            ),
            date_deadline=fields.Date.to_date(self.ship_by_end),
            user_id=(
                sale_order.user_id or self.account_id.responsible_id or self.env.user
            ).id,
        )
        self.ship_by_reminded = self.ship_by_end

    # ------------------------------------------------------------------
    # Errors and retries
    # ------------------------------------------------------------------
    @api.model
    def _amazon_record_failure(self, account, order_id, raw, error):
        """Record ``error`` on the binding of ``order_id`` (created when
        needed) and schedule the next attempt. Never raises: when even the
        ORM fails (a concurrent run holds the row), one plain statement
        records the error."""
        reason = self._amazon_reason_for(error)
        try:
            with self.env.cr.savepoint():
                binding = self.search(
                    [
                        ("account_id", "=", account.id),
                        ("amazon_order_id", "=", order_id),
                    ]
                )
                if not binding:
                    binding = self.create(
                        {"account_id": account.id, "amazon_order_id": order_id}
                    )
                concurrent = isinstance(error, psycopg2.errors.TransactionRollbackError)
                binding._amazon_schedule_retry(reason, at_once=concurrent)
                binding._amazon_store_payload(raw)
                return binding
        except Exception as exc:  # noqa: BLE001 - the order must stay visible
            _logger.warning(
                "Amazon order %s: error not recorded (%s)",
                order_id,
                self._amazon_log_text(exc),
            )
        return self.browse()

    def _amazon_schedule_retry(self, reason, at_once=False):
        """Error state with a growing delay before the next attempt; after
        the last one a person is asked. ``at_once``: a concurrent change
        (another run, a person) made it fail; the same run fetches it again
        after its next commit, when it sees the other change."""
        self.ensure_one()
        attempt = self.retry_count + 1
        delays = const.RETRY_DELAYS
        next_at = (
            fields.Datetime.now()
            + timedelta(minutes=0 if at_once else delays[attempt - 1])
            if attempt <= len(delays)
            else False
        )
        self.write(
            {
                "state": "error",
                "reason": reason,
                "retry_count": attempt,
                "next_retry_at": next_at,
            }
        )
        if not next_at:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Amazon order could not be imported"),
                note=reason,
                user_id=(self.account_id.responsible_id or self.env.user).id,
            )

    def _amazon_fetch_again(self, client, raise_errors=False):
        """Fetch these orders from Amazon and process them again."""
        account = self.account_id
        account.ensure_one()
        payloads = []
        for binding in self:
            try:
                payloads.append(client.get_order(binding.amazon_order_id))
            except SpApiError as error:
                if raise_errors:
                    raise
                binding._amazon_schedule_retry(account._amazon_error_message(error))
        if not payloads:
            return Counter()
        self.write({"amazon_last_update": False})  # processed whatever Amazon says
        return self._amazon_process_payloads(account, payloads)

    @api.model
    def _amazon_log_text(self, error):
        """What the log may say of an error: its kind, never its message
        (Odoo's and PostgreSQL's messages may repeat buyer data)."""
        if isinstance(error, psycopg2.Error):
            return db_error_text(error)
        if isinstance(error, (SpApiError, AmazonImportError)):
            return f"{type(error).__name__}: {error}"
        return type(error).__name__

    @api.model
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
        if isinstance(error, psycopg2.errors.TransactionRollbackError):
            return _(
                "Another process changed the same data at the same moment (e.g. "
                "the stock of an article); the order is fetched again at once."
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
            (m for m in self.env.registry.values() if table and m._table == table),
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
    # Amazon's raw data and data protection
    # ------------------------------------------------------------------
    def _amazon_store_payload(self, raw):
        """Keep Amazon's raw order for the retention period.

        A statement of its own, after the record is written: the payload
        (with buyer data) is never part of a statement that can fail, so
        it never reaches the server log.
        """
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE amazon_seller_order SET payload = %s, payload_date = %s "
                "WHERE id = %s",
                json.dumps(raw, ensure_ascii=False, default=str),
                fields.Datetime.now(),
                self.id,
            )
        )
        self.invalidate_recordset(["payload", "payload_date"])

    @api.model
    def _amazon_payload_retention_days(self):
        """Days the raw order data is kept: the system parameter, between 1
        and Amazon's maximum of 30 (a wrong value falls back to 30)."""
        maximum = const.MAX_RETENTION_DAYS
        raw = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(const.PAYLOAD_RETENTION_PARAM, maximum)
        )
        try:
            days = int(str(raw).strip())
        except ValueError:
            _logger.warning(
                "%s is not a whole number of days; using %s",
                const.PAYLOAD_RETENTION_PARAM,
                maximum,
            )
            return maximum
        return min(max(days, 1), maximum)

    @api.model
    def _cron_purge_payloads(self):
        """Delete Amazon's raw order data after the retention period."""
        limit = fields.Datetime.now() - timedelta(
            days=self._amazon_payload_retention_days()
        )
        old = self.sudo().search(
            [("payload_date", "<", limit), ("payload_date", "!=", False)]
        )
        old.write({"payload": False, "payload_date": False})
        return len(old)

    @api.model
    def _cron_anonymise_buyer_data(self):
        """Anonymise the delivery-only buyer data of orders delivered (or
        cancelled) longer ago than their company's retention period.

        Kept, because German tax law requires them on invoices for 10 years:
        the customer's name, invoice address and VAT id. Anonymised: the
        recipient's phone and relay e-mail, separate delivery contacts (their
        country stays, as OSS evidence), gift messages, closed duplicate
        reviews with their pairs; the match keys follow the partners.
        """
        done = 0
        for company in self.env["res.company"].sudo().search([]):
            cutoff = fields.Datetime.now() - timedelta(
                days=company._amazon_retention_days()
            )
            # the anonymised names in the company's language
            me = self.sudo().with_context(lang=company.partner_id.lang or "en_US")
            with buyer_data_guard():
                due = me._amazon_due_for_anonymisation(company, cutoff)
                for batch in split_every(200, due.ids, me.browse):
                    done += batch._amazon_anonymise_locked()
                    commit_progress(self.env, len(batch))
                self.env["amazon.partner.review"].sudo()._amazon_purge_closed(
                    company, cutoff
                )
        return done

    def _amazon_anonymise_locked(self):
        """Anonymise these orders once their partners are locked; a batch
        whose partners an import is using waits for the next run."""
        sale_orders = self.sale_order_id
        partners = sale_orders.partner_shipping_id | sale_orders.partner_id
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM res_partner WHERE id = ANY(%s) "
                        "FOR NO KEY UPDATE NOWAIT",
                        partners.ids,
                    )
                )
                self._amazon_anonymise()
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
            _logger.info("Amazon retention: %s orders wait for the next run", len(self))
            return 0
        return len(self)

    @api.model
    def _amazon_due_for_anonymisation(self, company, cutoff):
        """Orders of ``company`` whose buyer data is older than ``cutoff``:
        counted from the last delivery, the cancellation, or (orders without
        deliveries) the import."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id FROM amazon_seller_order b
                  JOIN sale_order so ON so.id = b.sale_order_id
                 WHERE b.company_id = %(company)s
                   AND b.buyer_data_anonymised_on IS NULL
                   AND CASE
                       WHEN so.state = 'cancel' THEN so.write_date
                       WHEN so.state != 'sale' THEN NULL  -- a quotation waits
                       WHEN so.delivery_status = 'full' THEN (
                            SELECT max(p.date_done) FROM stock_picking p
                             WHERE p.sale_id = so.id AND p.state = 'done')
                       WHEN so.delivery_status IS NULL THEN b.imported_on
                       -- shipped at Amazon, the delivery not validated in Odoo
                       WHEN b.amazon_status = 'SHIPPED' THEN b.amazon_last_update
                       END < %(cutoff)s
                 ORDER BY b.id
                """,
                company=company.id,
                cutoff=cutoff,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _amazon_anonymise(self):
        """Anonymise the delivery-only data of these orders (see the cron)."""
        self.with_context(tracking_disable=True).write(
            {"gift_message": False, "buyer_data_anonymised_on": fields.Datetime.now()}
        )
        sale_orders = self.sale_order_id
        (
            sale_orders.partner_shipping_id | sale_orders.partner_id
        )._amazon_anonymise_if_unused()
