# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deliveries of Amazon orders: what Amazon must know, and what the packer
must see (ship-by date, buyer cancellation requests, gift message)."""

import logging
import re

from odoo import api, fields, models

from ..redact import buyer_data_guard

_logger = logging.getLogger(__name__)

TRACKING_SEPARATORS = re.compile(r"[\s,;]+")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_binding_id = fields.Many2one(
        string="Amazon Order", related="sale_id.amazon_binding_id"
    )
    amazon_operation_ids = fields.One2many(
        "amazon.seller.operation", "picking_id", string="Amazon Transmissions"
    )
    amazon_confirmation_state = fields.Selection(
        [
            ("pending", "To Send"),
            ("error", "Failed"),
            ("done", "Confirmed"),
        ],
        string="Amazon Confirmation",
        compute="_compute_amazon_confirmation_state",
        help="Whether Amazon knows that this delivery shipped.",
    )
    amazon_confirmation_error = fields.Text(
        string="Amazon's Answer", compute="_compute_amazon_confirmation_state"
    )
    amazon_ship_by = fields.Datetime(
        string="Ship By (Amazon)", related="sale_id.amazon_binding_id.ship_by_end"
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

    @api.depends("amazon_operation_ids.state", "amazon_operation_ids.answer")
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

    # ------------------------------------------------------------------
    # Validation: queue the confirmation, never stop the warehouse
    # ------------------------------------------------------------------
    def _amazon_not_amazon(self):
        return self.filtered(lambda p: not p.sudo().amazon_binding_id)

    def _check_warn_sms(self):
        # Amazon's buyers hear from Amazon only (its shipping notice, with the
        # tracking number we confirm): no text message, no warning about one
        return super(StockPicking, self._amazon_not_amazon())._check_warn_sms()

    def _send_confirmation_email(self):
        # no e-mail or text message to Amazon's buyers (Amazon's communication
        # guidelines: buyers are contacted through Amazon only)
        return super(StockPicking, self._amazon_not_amazon())._send_confirmation_email()

    def _action_done(self):
        result = super()._action_done()
        self._amazon_queue_confirmations()
        return result

    def _amazon_queue_confirmations(self):
        """Queue the shipment confirmations of validated deliveries of
        merchant-fulfilled Amazon orders. Whatever goes wrong here is
        recorded for a person: the delivery is validated anyway."""
        for picking in self.filtered(lambda p: p._amazon_confirms()):
            try:
                with self.env.cr.savepoint(), buyer_data_guard():
                    # sudo: a warehouse worker without Amazon rights validates;
                    # the queue belongs to the connector
                    picking.sudo().amazon_binding_id._amazon_queue_shipment(
                        picking.sudo()
                    )
            except Exception as error:  # noqa: BLE001 - the warehouse goes on
                _logger.warning(
                    "Delivery %s: Amazon confirmation not queued (%s)",
                    picking.id,
                    type(error).__name__,
                )
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
        """A done delivery to the customer of a merchant-fulfilled order."""
        self.ensure_one()
        binding = self.sudo().amazon_binding_id
        return bool(
            binding
            and binding.fulfillment_channel == "fbm"
            and self.state == "done"
            and self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
        )

    def action_amazon_send(self):
        """'Send to Amazon': queue (again) and send what failed."""
        self._amazon_queue_confirmations()
        failed = self.amazon_operation_ids.filtered(lambda o: o.state == "error")
        failed.action_retry()
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
        """``[(package key, order item id, quantity)]`` of the done moves."""
        self.ensure_one()
        result = []
        for move in self.move_ids.filtered(lambda m: m.state == "done"):
            line = move.sale_line_id
            if not line.amazon_order_item_id:
                continue
            for move_line in move.move_line_ids:
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

    def _amazon_packages(self, shipped, remaining):
        """``[{order item id: quantity}]``, one dict per package, each item
        capped to what is not confirmed yet; several tracking numbers
        without packages share the units out between them."""
        by_package = {}
        for package, item_id, quantity in shipped:
            left = remaining.get(item_id, 0)
            quantity = min(quantity, left)
            if quantity <= 0:
                continue
            remaining[item_id] = left - quantity
            items = by_package.setdefault(package, {})
            items[item_id] = items.get(item_id, 0) + quantity
        packages = [items for _key, items in sorted(by_package.items())]
        tracking = self._amazon_tracking_numbers()
        if len(packages) == 1 and len(tracking) > 1:
            packages = self._amazon_share_units(packages[0], len(tracking))
        return packages

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
        keyword the shipping method's name holds, or the name itself."""
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
            "name": carrier.name or self.env._("Other"),
            "method": mapping.shipping_method or None,
            "allow_untracked": bool(mapping.allow_untracked),
        }
