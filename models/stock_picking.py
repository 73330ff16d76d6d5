# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deliveries of Amazon orders: what Amazon must know, and what the packer
must see (ship-by date, buyer cancellation requests, gift message)."""

import logging
import re
from collections import Counter

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..redact import buyer_data_guard
from ..utils import commit_progress

_logger = logging.getLogger(__name__)

TRACKING_SEPARATORS = re.compile(r"[\s,;]+")
#: what Odoo retries itself (the whole validation runs again)
CONCURRENCY_ERRORS = (
    psycopg2.errors.TransactionRollbackError,
    psycopg2.errors.LockNotAvailable,
)
AMAZON_GROUPS = "stock.group_stock_user,amazon_seller_connector.group_amazon_user"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_binding_id = fields.Many2one(
        string="Amazon Order", related="sale_id.amazon_binding_id"
    )
    amazon_invoice_pending = fields.Boolean(
        string="Amazon Invoice Pending",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The invoice of this delivery is made in a moment (the Amazon "
        "account invoices when the order ships).",
    )
    amazon_operation_ids = fields.One2many(
        "amazon.seller.operation",
        "picking_id",
        string="Amazon Transmissions",
        groups=AMAZON_GROUPS,
    )
    amazon_confirmation_state = fields.Selection(
        [
            ("pending", "To Send"),
            ("error", "Failed"),
            ("done", "Confirmed"),
        ],
        string="Amazon Confirmation",
        compute="_compute_amazon_confirmation_state",
        compute_sudo=True,
        help="Whether Amazon knows that this delivery shipped.",
    )
    amazon_confirmation_error = fields.Text(
        string="Amazon's Answer",
        compute="_compute_amazon_confirmation_state",
        compute_sudo=True,
    )
    amazon_can_send = fields.Boolean(
        compute="_compute_amazon_confirmation_state", compute_sudo=True
    )
    amazon_ship_by = fields.Datetime(
        string="Ship By (Amazon)", related="sale_id.amazon_binding_id.ship_by_end"
    )
    amazon_ship_by_due = fields.Boolean(
        string="Amazon Shipping Due", related="sale_id.amazon_binding_id.ship_by_due"
    )
    amazon_service_level = fields.Char(
        string="Amazon Shipping Service",
        related="sale_id.amazon_binding_id.service_level",
    )
    amazon_cancel_requested = fields.Boolean(
        string="Buyer Asks to Cancel",
        related="sale_id.amazon_binding_id.buyer_cancel_requested",
    )
    amazon_gift_message = fields.Text(
        string="Gift Message", related="sale_id.amazon_binding_id.gift_message"
    )
    amazon_gift_wrap = fields.Char(
        string="Gift Wrap", related="sale_id.amazon_binding_id.gift_wrap"
    )

    @api.depends("amazon_operation_ids.state", "amazon_operation_ids.answer", "state")
    def _compute_amazon_confirmation_state(self):
        for picking in self:
            operations = picking.amazon_operation_ids.filtered(
                lambda o: o.state != "cancelled"
            )
            failed = operations.filtered(lambda o: o.state == "error")
            if failed:
                picking.amazon_confirmation_state = "error"
            elif operations.filtered(lambda o: o.state in ("to_send", "sent")):
                picking.amazon_confirmation_state = "pending"
            elif operations:
                picking.amazon_confirmation_state = "done"
            else:
                picking.amazon_confirmation_state = False
            picking.amazon_confirmation_error = (
                "\n".join(failed.mapped("answer")) or False
            )
            # nothing queued (or a failure): a person may send it
            picking.amazon_can_send = bool(
                picking.amazon_confirmation_state in (False, "error")
                and picking._amazon_confirms()
            )

    # ------------------------------------------------------------------
    # Validation: queue the confirmation, never stop the warehouse
    # ------------------------------------------------------------------
    def _check_warn_sms(self):
        # Amazon's buyers hear from Amazon only (its shipping notice, with the
        # tracking number we confirm): no text message, no warning about one
        return super(StockPicking, self._amazon_not_amazon())._check_warn_sms()

    def _send_confirmation_email(self):
        """No e-mail or text message to Amazon's buyers (Amazon's
        communication guidelines: buyers are contacted through Amazon only);
        everything else of the validation (a carrier's label) runs for all."""
        others = self._amazon_not_amazon()
        amazon = self - others
        if amazon:
            super(
                StockPicking, amazon.with_context(amazon_no_customer_message=True)
            )._send_confirmation_email()
        if others or not amazon:
            super(StockPicking, others)._send_confirmation_email()

    def message_post_with_source(self, source_ref, **kwargs):
        # the delivery e-mail (Inventory settings, "Email Confirmation"):
        # not to the buyer of an Amazon order, even a customer matched to a
        # partner with an e-mail address
        if self.env.context.get("amazon_no_customer_message") and isinstance(
            source_ref, models.BaseModel
        ):
            templates = self.mapped("company_id.stock_mail_confirmation_template_id")
            if source_ref._name == templates._name and source_ref in templates:
                return self.env["mail.message"]
        return super().message_post_with_source(source_ref, **kwargs)

    def _amazon_not_amazon(self):
        return self.filtered(lambda p: not p.sudo().amazon_binding_id)

    def _action_done(self):
        result = super()._action_done()
        self._amazon_queue_confirmations()
        self._amazon_mark_to_invoice()
        return result

    def _amazon_mark_to_invoice(self):
        """Deliveries whose invoice the account's policy makes: flagged here,
        invoiced right after the commit by the scheduled action, so that the
        warehouse never waits for accounting (nor for the journal's
        numbering, which one posting at a time may hold)."""
        pickings = self.filtered(
            lambda p: p.state == "done"
            and p.picking_type_code in ("outgoing", "dropship")
            and p.sudo().amazon_binding_id.account_id.invoice_policy == "ship"
            and not p.amazon_invoice_pending
        )
        if pickings:
            # sudo: the flag belongs to the connector, whoever validates
            pickings.sudo().amazon_invoice_pending = True
            self.env.ref(
                "amazon_seller_connector.ir_cron_amazon_invoices"
            ).sudo()._trigger()
        return pickings

    @api.model
    def _cron_amazon_invoices(self, limit=500):
        """Invoice the flagged deliveries, each in its own transaction; a
        failure is a to-do for the accountant on the sale order."""
        pickings = self.search([("amazon_invoice_pending", "=", True)], limit=limit)
        commit_progress(self.env, remaining=len(pickings))
        for picking in pickings:
            picking._amazon_create_invoice()
            picking.amazon_invoice_pending = False
            if commit_progress(self.env, 1) <= 0:
                break

    def _amazon_create_invoice(self):
        self.ensure_one()
        picking = self.with_company(self.company_id)
        binding = picking.amazon_binding_id
        try:
            with self.env.cr.savepoint(), buyer_data_guard():
                binding._amazon_invoice_shipment(picking)
        except CONCURRENCY_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - recorded for a person
            _logger.warning(
                "Delivery %s: Amazon invoice not created (%s)",
                self.id,
                type(error).__name__,
            )
            binding.sale_order_id.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Amazon invoice not created"),
                note=self.env._(
                    "The invoice of the delivery %(picking)s could not be created "
                    "(%(reason)s). Create it from the sale order.",
                    picking=self.name,
                    reason=error.args[0]
                    if isinstance(error, UserError) and error.args
                    else type(error).__name__,
                ),
                user_id=(binding.account_id.responsible_id or self.env.user).id,
            )

    def _amazon_queue_confirmations(self):
        """Queue the shipment confirmations of validated deliveries of
        merchant-fulfilled Amazon orders. Whatever goes wrong here is
        recorded for a person: the delivery is validated anyway. A conflict
        with a concurrent transaction is raised, so that Odoo runs the whole
        validation again."""
        for picking in self.filtered(lambda p: p._amazon_confirms()):
            try:
                with self.env.cr.savepoint(), buyer_data_guard():
                    # sudo: a warehouse worker without Amazon rights validates;
                    # the queue belongs to the connector
                    picking.sudo().amazon_binding_id._amazon_queue_shipment(
                        picking.sudo()
                    )
            except CONCURRENCY_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - the warehouse goes on
                _logger.warning(
                    "Delivery %s: Amazon confirmation not queued (%s)",
                    picking.id,
                    type(error).__name__,
                )
                # sudo: the to-do concerns the connector, on the delivery
                picking.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Amazon confirmation not queued"),
                    note=self.env._(
                        "The shipment confirmation of this delivery could not be "
                        "prepared (%(kind)s). Check the delivery and the Amazon "
                        "order, then use “Send to Amazon”.",
                        kind=type(error).__name__,
                    ),
                    user_id=picking.user_id.id or self.env.uid,
                )

    def _amazon_confirms(self):
        """A done delivery to the customer of a merchant-fulfilled order
        (from our warehouse, or drop-shipped by a supplier)."""
        self.ensure_one()
        binding = self.sudo().amazon_binding_id
        return bool(
            binding
            and binding.fulfillment_channel == "fbm"
            and self.state == "done"
            and self.picking_type_code in ("outgoing", "dropship")
            and self.location_dest_id.usage == "customer"
        )

    def action_amazon_send(self):
        """'Send to Amazon': the confirmations built anew from the delivery
        as it is now (a corrected tracking number), then sent."""
        self.check_access("write")
        Operation = self.env["amazon.seller.operation"]
        for picking in self.filtered(lambda p: p._amazon_confirms()):
            # sudo: as at validation, the queue belongs to the connector
            binding = picking.sudo().amazon_binding_id
            operations = binding._amazon_queue_shipment(picking.sudo())
            operations._amazon_send_again()
            binding._amazon_update_shipment_state()
            Operation |= operations
        return True

    # ------------------------------------------------------------------
    # What the delivery shipped
    # ------------------------------------------------------------------
    def _amazon_tracking_numbers(self):
        """The tracking numbers of the delivery (Odoo keeps several in one
        field, comma-separated)."""
        self.ensure_one()
        text = (self.carrier_tracking_ref or "").strip()
        return [part for part in TRACKING_SEPARATORS.split(text) if part]

    def _amazon_shipped_items(self):
        """``[(package key, order item id, quantity)]`` of the done moves, in
        the units of the order lines (Amazon's units). A kit (a bill of
        materials of type kit) counts the complete kits its components make."""
        self.ensure_one()
        result = []
        moves = self.move_ids.filtered(lambda m: m.state == "done")
        for line, line_moves in moves.grouped("sale_line_id").items():
            if not line.amazon_order_item_id:
                continue
            if line_moves.product_id != line.product_id:  # components of a kit
                quantity = self._amazon_kit_quantity(line, line_moves)
                if quantity > 0:
                    result.append((0, line.amazon_order_item_id, quantity))
                continue
            for move_line in line_moves.move_line_ids:
                quantity = move_line.product_uom_id._compute_quantity(
                    move_line.quantity, line.product_uom_id
                )
                if quantity <= 0:
                    continue
                package = move_line.result_package_id.id or 0
                result.append(
                    (package, line.amazon_order_item_id, int(round(quantity)))
                )
        return result

    @api.model
    def _amazon_kit_quantity(self, line, moves):
        """Complete kits of ``line`` that ``moves`` (its components) made."""
        if not hasattr(moves, "_compute_kit_quantities"):
            return 0  # components without the kit module: nothing to count
        bom = (
            self.env["mrp.bom"]
            .sudo()
            ._bom_find(
                line.product_id, company_id=line.company_id.id, bom_type="phantom"
            )
            .get(line.product_id)
        )
        if not bom:
            return 0
        # sale_mrp's naming: "incoming" are the moves towards the customer
        filters = {
            "incoming_moves": lambda m: True,
            "outgoing_moves": lambda m: False,
        }
        quantity = moves._compute_kit_quantities(
            line.product_id, line.product_uom_qty, bom, filters
        )
        return int(quantity + 1e-9)

    def _amazon_packages(self, fixed, remaining):
        """``[{order item id: quantity}]``, one dict per package of the
        delivery still to confirm: the units ``fixed`` (its operations Amazon
        has) sent are taken off first, then each item is capped to what is not
        confirmed yet."""
        self.ensure_one()
        sent = Counter()
        for operation in fixed:
            sent.update(operation._amazon_shipped_items())
        by_package = {}
        for package, item_id, quantity in self._amazon_shipped_items():
            taken = min(sent[item_id], quantity)
            sent[item_id] -= taken
            quantity = min(quantity - taken, remaining.get(item_id, 0))
            if quantity <= 0:
                continue
            remaining[item_id] -= quantity
            items = by_package.setdefault(package, {})
            items[item_id] = items.get(item_id, 0) + quantity
        return [items for _key, items in sorted(by_package.items())]

    @api.model
    def _amazon_share_units(self, items, count):
        """The units of one package shared out over ``count`` parcels."""
        parcels = [{} for _index in range(count)]
        slot = 0
        for item_id, quantity in sorted(items.items()):
            for _unit in range(quantity):
                parcel = parcels[slot % count]
                parcel[item_id] = parcel.get(item_id, 0) + 1
                slot += 1
        return [parcel for parcel in parcels if parcel]

    def _amazon_carrier(self, account):
        """``{code, name, method, allow_untracked}`` Amazon gets for the
        carrier of the delivery: the account's mapping, a seeded carrier whose
        keyword the shipping method's name holds, or the name itself (no
        carrier at all: ``Other`` without a name, refused before sending)."""
        self.ensure_one()
        carrier = self.carrier_id or self.sale_id.carrier_id or account.carrier_id
        mapping = account.carrier_mapping_ids.filtered(
            lambda m: m.delivery_carrier_id == carrier
        )[:1]
        amazon = mapping.amazon_carrier_id or (
            self.env["amazon.carrier"]._amazon_for_name(carrier.name)
            if carrier and not mapping
            else self.env["amazon.carrier"]
        )
        if amazon:
            return {
                "code": amazon.code,
                "name": None,
                "method": mapping.shipping_method or amazon.shipping_method or None,
                "allow_untracked": mapping.allow_untracked or amazon.allow_untracked,
            }
        return {
            "code": "Other",
            "name": carrier.name or None,
            "method": mapping.shipping_method or None,
            "allow_untracked": bool(mapping.allow_untracked),
        }
