# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amazon refunds: one record per Amazon transaction (its id is unique in
the database, so a refund read twice is recorded once). The record owns its
processing: it becomes a credit note against the order's invoice with the
refunded items, shipping, gift wrap, promotions and restocking fee, exact to
the cent, with the same taxes; it waits for the invoice when there is none
yet."""

import logging
from decimal import Decimal

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..redact import db_error_text

_logger = logging.getLogger(__name__)

#: refund amount kinds (spapi.finances.breakdown_kind) -> the order line they
#: credit; the amounts are gross (the charge and its VAT)
REFUND_PARTS = (
    ("item", ("item", "item_tax")),
    ("shipping", ("shipping", "shipping_tax")),
    ("gift_wrap", ("gift_wrap", "gift_wrap_tax")),
    ("cod_fee", ("cod_fee", "cod_fee_tax")),
    ("promotion", ("promotion", "promotion_tax", "shipping_promotion")),
)
CENT = Decimal("0.01")


class AmazonSellerRefund(models.Model):
    _name = "amazon.seller.refund"
    _description = "Amazon Refund"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "posted_at desc, id desc"
    _rec_name = "transaction_id"
    _check_company_auto = True

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
    transaction_id = fields.Char(
        string="Amazon Transaction", required=True, readonly=True
    )
    amazon_order_id = fields.Char(string="Amazon Order ID", readonly=True, index=True)
    binding_id = fields.Many2one(
        "amazon.seller.order",
        string="Amazon Order",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    posted_at = fields.Datetime(string="Posted On", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        string="Refunded to the Buyer",
        currency_field="currency_id",
        readonly=True,
        help="What the buyer got back (items, shipping, gift wrap, minus "
        "promotions and the restocking fee).",
    )
    restocking_fee = fields.Monetary(currency_field="currency_id", readonly=True)
    lines_data = fields.Json(
        string="Refunded Lines",
        readonly=True,
        help="Per order item: SKU, quantity and the refunded amounts by kind.",
    )
    state = fields.Selection(
        [
            ("waiting", "Waiting for the Invoice"),
            ("done", "Credit Note Created"),
            ("error", "Error"),
            ("skipped", "Recorded Only"),
        ],
        default="waiting",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    reason = fields.Text(readonly=True)
    credit_note_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, check_company=True
    )

    _transaction_uniq = models.UniqueIndex(
        "(transaction_id)", "This Amazon refund is recorded already."
    )

    # ------------------------------------------------------------------
    # Read from Amazon
    # ------------------------------------------------------------------
    @api.model
    def _amazon_record(self, account, refund):
        """The record of ``refund`` (spapi ``Refund``), created once."""
        existing = self.search([("transaction_id", "=", refund.transaction_id)])
        if existing:
            return existing, False
        currency = self.env["res.currency"].search(
            [("name", "=", refund.currency or "")], limit=1
        )
        lines = []
        restocking = Decimal(0)
        for item in refund.items:
            amounts = item.amounts()
            restocking += amounts.get("restocking_fee", Decimal(0))
            lines.append(
                {
                    "sku": item.sku,
                    "quantity": item.quantity or 0,
                    "order_item_id": item.order_item_id,
                    "amounts": {
                        kind: str(
                            -sum((amounts.get(k, Decimal(0)) for k in keys), Decimal(0))
                        )
                        for kind, keys in REFUND_PARTS
                    },
                }
            )
        buyer = (
            sum(
                (
                    Decimal(amount)
                    for line in lines
                    for amount in line["amounts"].values()
                ),
                Decimal(0),
            )
            - restocking
        )
        binding = self.env["amazon.seller.order"].search(
            [
                ("account_id", "=", account.id),
                ("amazon_order_id", "=", refund.order_id or ""),
            ],
            limit=1,
        )
        record = self.create(
            {
                "account_id": account.id,
                "transaction_id": refund.transaction_id,
                "amazon_order_id": refund.order_id,
                "binding_id": binding.id,
                "posted_at": refund.posted,
                "currency_id": currency.id or account.company_id.currency_id.id,
                "amount": float(buyer),
                "restocking_fee": float(restocking),
                "lines_data": lines,
            }
        )
        return record, True

    # ------------------------------------------------------------------
    # The credit note
    # ------------------------------------------------------------------
    def _amazon_process(self):
        """Turn waiting refunds into credit notes; one bad refund never
        stops the others (its error is on it)."""
        for refund in self.filtered(lambda r: r.state in ("waiting", "error")):
            try:
                with self.env.cr.savepoint():
                    refund._amazon_credit()
            except UserError as error:
                refund.write({"state": "error", "reason": error.args[0]})
            except Exception as error:  # noqa: BLE001 - recorded on the refund
                _logger.warning(
                    "Amazon refund %s failed: %s", refund.id, type(error).__name__
                )
                refund.write(
                    {
                        "state": "error",
                        "reason": db_error_text(error)
                        if isinstance(error, psycopg2.Error)
                        else self.env._(
                            "Unexpected error (%(kind)s).", kind=type(error).__name__
                        ),
                    }
                )

    def _amazon_credit(self):
        self.ensure_one()
        binding = self.binding_id or self.env["amazon.seller.order"].search(
            [
                ("account_id", "=", self.account_id.id),
                ("amazon_order_id", "=", self.amazon_order_id or ""),
            ],
            limit=1,
        )
        if not binding.sale_order_id:
            self.write(
                {
                    "binding_id": binding.id,
                    "reason": self.env._(
                        "The Amazon order is not imported (yet): the refund waits "
                        "for it."
                    ),
                }
            )
            return
        self.binding_id = binding
        sale_order = binding.sale_order_id
        invoices = sale_order.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        if not invoices:
            if sale_order.state == "cancel":
                self.write(
                    {
                        "state": "skipped",
                        "reason": self.env._(
                            "The order was cancelled in Odoo and never invoiced: the "
                            "refund is recorded, no credit note is needed."
                        ),
                    }
                )
            else:
                self.write(
                    {
                        "state": "waiting",
                        "reason": self.env._(
                            "No posted invoice of %(order)s yet: the credit note is "
                            "made when there is one.",
                            order=sale_order.name,
                        ),
                    }
                )
            return
        credit_note = self._amazon_credit_note(sale_order, invoices[:1])
        if self.account_id.refund_post:
            credit_note.action_post()
        self.write({"state": "done", "credit_note_id": credit_note.id, "reason": False})
        if (
            self.account_id.refund_return
            and sale_order.amazon_binding_id.fulfillment_channel == "fbm"  # not FBA
        ):
            try:
                with self.env.cr.savepoint():
                    self._amazon_return_receipt(sale_order)
            except UserError as error:  # the credit note stays; a person returns
                sale_order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Return not created"),
                    note=self.env._(
                        "The return of the refunded items could not be created "
                        "(%(reason)s). Create it from the delivery.",
                        reason=error.args[0] if error.args else "",
                    ),
                    user_id=(self.account_id.responsible_id or self.env.user).id,
                )

    def _amazon_credit_note(self, sale_order, invoice):
        """The credit note: per refunded item its units and its charges, with
        the taxes of the order's lines (gross prices, so that the total is
        what the buyer got back, to the cent)."""
        account = self.account_id
        values = sale_order._prepare_invoice()
        values.update(
            move_type="out_refund",
            reversed_entry_id=invoice.id,
            # the order id, as on the invoice (the transaction id is on the
            # refund the credit note links to)
            ref=self.env._("Amazon refund of %(order)s", order=self.amazon_order_id),
            amazon_binding_id=self.binding_id.id,
            amazon_refund_id=self.id,
            invoice_line_ids=[],
        )
        lines = []
        item_lines = sale_order.order_line.filtered("amazon_order_item_id")
        for data in self.lines_data or ():
            item_line = self._amazon_item_line(item_lines, data)
            if not item_line:
                raise UserError(
                    self.env._(
                        "The refunded article %(sku)s is not on the sale order "
                        "%(order)s.",
                        sku=data.get("sku") or "-",
                        order=sale_order.name,
                    )
                )
            amounts = {k: Decimal(v) for k, v in (data.get("amounts") or {}).items()}
            quantity = data.get("quantity") or 1
            if amounts.get("item"):
                lines.append(self._amazon_line(item_line, amounts["item"], quantity))
            for kind, product in (
                ("shipping", account.shipping_product_id),
                ("gift_wrap", account.gift_wrap_product_id),
                ("cod_fee", account.cod_fee_product_id),
                ("promotion", account.discount_product_id),
            ):
                if amounts.get(kind):
                    lines.append(
                        self._amazon_fee_line(
                            sale_order, item_line, product, amounts[kind]
                        )
                    )
        if self.restocking_fee:
            product = self.env.ref(
                "amazon_seller_connector.product_amazon_restocking_fee",
                raise_if_not_found=False,
            )
            reference = item_lines[:1]
            lines.append(
                self._amazon_fee_line(
                    sale_order,
                    reference,
                    product,
                    -Decimal(str(self.restocking_fee)),
                )
            )
        if not lines:
            raise UserError(self.env._("Amazon refunded nothing that is on the order."))
        values["invoice_line_ids"] = [Command.create(line) for line in lines]
        # sudo: the credit note is the connector's, made by the scheduled action
        return self.env["account.move"].sudo().create(values)

    def _amazon_item_line(self, item_lines, data):
        by_item = item_lines.filtered(
            lambda line: data.get("order_item_id")
            and line.amazon_order_item_id == data["order_item_id"]
        )
        return (
            by_item
            or item_lines.filtered(lambda line: line.amazon_sku == data.get("sku"))
        )[:1]

    def _amazon_line(self, sale_line, gross, quantity):
        """A credit note line of ``sale_line``'s product for ``gross``
        (``quantity`` units when the unit price is exact to the cent)."""
        unit = (gross / quantity).quantize(CENT)
        if unit * quantity != gross:
            unit, quantity = gross, 1
        values = sale_line._prepare_invoice_line(quantity=quantity)
        values["price_unit"] = float(unit)
        values["discount"] = 0.0
        # not linked to the sale line: a refund lowers no invoiced quantity,
        # so the order is not "to invoice" again and no later invoice of the
        # order bills what Amazon refunded (the credit note reverses the
        # invoice and belongs to the Amazon order)
        values.pop("sale_line_ids", None)
        return values

    def _amazon_fee_line(self, sale_order, item_line, product, gross):
        """A credit note line of a fee product, with the taxes the order
        charged on it (or on the item)."""
        fee_line = sale_order.order_line.filtered(
            lambda line: line.product_id == product
        )[:1]
        reference = fee_line or item_line
        values = reference._prepare_invoice_line(quantity=1)
        values.update(
            product_id=product.id if product else reference.product_id.id,
            name=product.display_name if product else reference.name,
            price_unit=float(gross),
            quantity=1,
            discount=0.0,
        )
        values.pop("sale_line_ids", None)  # as for the articles
        return values

    def _amazon_return_receipt(self, sale_order):
        """A return of the refunded units from the delivery (to be received
        by the warehouse), when the account says so."""
        refunded = {}
        for data in self.lines_data or ():
            key = data.get("order_item_id") or data.get("sku")
            refunded[key] = refunded.get(key, 0) + (data.get("quantity") or 0)
        for picking in sale_order.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        ).sorted("date_done"):
            if not any(refunded.values()):
                break
            # sudo: the return is the connector's, made by the scheduled action
            # for the warehouse to receive
            wizard = (
                self.env["stock.return.picking"]
                .sudo()
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({"picking_id": picking.id})
            )
            for line in wizard.product_return_moves:
                sale_line = line.move_id.sale_line_id
                # Amazon names the item by its order item id or by its SKU
                key = next(
                    (
                        k
                        for k in (sale_line.amazon_order_item_id, sale_line.amazon_sku)
                        if k and refunded.get(k)
                    ),
                    None,
                )
                if sale_line.product_id != line.product_id:
                    line.quantity = 0  # a kit's components: left to a person
                    continue
                # what is left to return of this move (returns made before)
                move = line.move_id
                returned = sum(
                    move.returned_move_ids.filtered(
                        lambda m: m.state != "cancel"
                    ).mapped("product_uom_qty")
                )
                line.quantity = max(
                    0, min(refunded.get(key, 0), move.quantity - returned)
                )
                refunded[key] = refunded.get(key, 0) - line.quantity
            if any(wizard.product_return_moves.mapped("quantity")):
                wizard.action_create_returns()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """'Retry': accountants and Amazon managers (write access on the
        refunds) make the credit note again."""
        self.check_access("write")
        # sudo: the credit note is made from the Amazon order and account the
        # accountant may not read, as the scheduled action makes it
        self.sudo()._amazon_process()
        return True

    def action_view_credit_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
        }
