# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from ..exceptions import AmazonImportError
from ..utils import defer_fba_delivery, page_memoized

#: the binding's data: never written through the sale order
AMAZON_FIELDS = frozenset(
    (
        "amazon_binding_id",
        "amazon_order_id",
        "amazon_account_id",
        "amazon_marketplace_id",
        "amazon_fulfillment_channel",
        "amazon_gift_message",
        "amazon_unknown_sku",
        "amazon_total_mismatch",
        "amazon_cancel_requested",
        "amazon_ship_by",
        "amazon_shipment_state",
    )
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_binding_ids = fields.One2many(
        "amazon.seller.order", "sale_order_id", string="Amazon Order Records"
    )
    # the binding owns the Amazon data: the sale order only shows it
    amazon_binding_id = fields.Many2one(
        "amazon.seller.order",
        string="Amazon Order Record",
        compute="_compute_amazon_binding_id",
        store=True,
        index="btree_not_null",
    )
    amazon_order_id = fields.Char(
        string="Amazon Order ID",
        related="amazon_binding_id.amazon_order_id",
        store=True,
        index="btree_not_null",
    )
    amazon_account_id = fields.Many2one(
        string="Amazon Account",
        related="amazon_binding_id.account_id",
        store=True,
        index="btree_not_null",
    )
    amazon_marketplace_id = fields.Many2one(
        string="Marketplace", related="amazon_binding_id.marketplace_id"
    )
    amazon_fulfillment_channel = fields.Selection(
        string="Fulfilment", related="amazon_binding_id.fulfillment_channel"
    )
    amazon_gift_message = fields.Text(
        string="Gift Message", related="amazon_binding_id.gift_message"
    )
    amazon_unknown_sku = fields.Boolean(
        string="Unknown SKU", related="amazon_binding_id.unknown_sku"
    )
    amazon_total_mismatch = fields.Boolean(
        string="Total Mismatch", related="amazon_binding_id.total_mismatch"
    )
    amazon_review_notes = fields.Text(
        string="Amazon Review Notes", compute="_compute_amazon_review_notes"
    )
    amazon_seller_central_url = fields.Char(
        string="Seller Central", related="amazon_binding_id.seller_central_url"
    )
    amazon_cancel_requested = fields.Boolean(
        string="Buyer Asks to Cancel",
        related="amazon_binding_id.buyer_cancel_requested",
    )
    amazon_ship_by = fields.Datetime(
        string="Ship By (Amazon)", related="amazon_binding_id.ship_by_end"
    )
    amazon_shipment_state = fields.Selection(
        string="Amazon Shipment Confirmation",
        related="amazon_binding_id.shipment_state",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._amazon_check_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._amazon_check_fields([vals])
        return super().write(vals)

    def _amazon_check_fields(self, vals_list):
        """The Amazon fields follow the binding: nobody writes them here
        (they would re-route an order to another account's data)."""
        if any(AMAZON_FIELDS & set(vals) for vals in vals_list):
            raise AccessError(
                self.env._("The Amazon data of a sale order cannot be changed.")
            )

    @api.depends("amazon_binding_ids")
    def _compute_amazon_binding_id(self):
        for order in self:
            order.amazon_binding_id = order.amazon_binding_ids[:1]

    @api.depends("amazon_binding_id.state", "amazon_binding_id.reason")
    def _compute_amazon_review_notes(self):
        for order in self:
            binding = order.amazon_binding_id
            order.amazon_review_notes = (
                binding.reason if binding.state == "review" else False
            )

    # ------------------------------------------------------------------
    # Created from an Amazon order
    # ------------------------------------------------------------------
    @api.model
    def _amazon_create_from(self, binding, order, customer, delivery, products):
        """The sale order of an Amazon order and its review notes."""
        vals = self._amazon_prepare_values(binding, order, customer, delivery)
        lines, notes = self.env["sale.order.line"]._amazon_prepare_lines(
            binding.account_id,
            order,
            self.env["account.fiscal.position"].browse(vals.get("fiscal_position_id")),
            delivery.country_id,
            products,
        )
        vals["order_line"] = [Command.create(line) for line in lines]
        return self.create(vals), notes

    @api.model
    def _amazon_prepare_values(self, binding, order, customer, delivery):
        """Values of the sale order: the account's standard values, the
        customer and the fiscal position of the delivery country."""
        account = binding.account_id
        fiscal_position = self.env["account.fiscal.position"]._get_fiscal_position(
            customer, delivery
        )
        vals = {
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": delivery.id,
            "company_id": account.company_id.id,
            "date_order": order.purchase_date,
            "client_order_ref": order.order_id,
            "origin": binding.marketplace_id.name or "Amazon",
            "fiscal_position_id": fiscal_position.id,
            "pricelist_id": self._amazon_pricelist(account, order.currency).id,
            "payment_term_id": account.payment_term_id.id,
            "incoterm": account.incoterm_id.id,
            # Amazon ships FBA orders: no label booked with our carrier
            "carrier_id": not order.is_fba and account.carrier_id.id,
            "tag_ids": [Command.set(account.order_tag_ids.ids)],
            "source_id": account.source_id.id,
            "team_id": account.team_id.id,
            "user_id": account.user_id.id,
        }
        if order.is_fba:
            vals["warehouse_id"] = (
                self.env["stock.warehouse"]._amazon_fba_warehouse(account).id
            )
        elif account.warehouse_id:
            vals["warehouse_id"] = account.warehouse_id.id
        return {key: value for key, value in vals.items() if value is not False}

    @api.model
    def _amazon_pricelist(self, account, currency_code):
        """A pricelist of the order's currency (the currency of an Amazon
        marketplace only; created once when missing; looked up once per page
        of an import)."""
        company = account.company_id
        code = currency_code or company.currency_id.name
        return page_memoized(
            self.env["product.pricelist"],
            ("amazon_pricelist", company.id, code),
            lambda: self._amazon_find_pricelist(company, code),
        )

    @api.model
    def _amazon_find_pricelist(self, company, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        allowed = self.env["amazon.seller.marketplace"].search([]).currency_id
        if not currency or currency not in allowed | company.currency_id:
            raise AmazonImportError(
                self.env._(
                    "Amazon sent the currency %(code)s, which is not the currency "
                    "of any Amazon marketplace.",
                    code=code[:10],
                )
            )
        if not currency.active:
            # sudo: activating currencies needs accounting rights; only the
            # currency of a known Amazon marketplace is ever activated
            currency.sudo().active = True
        Pricelist = self.env["product.pricelist"]
        return Pricelist.search(
            [
                ("currency_id", "=", currency.id),
                *Pricelist._check_company_domain(company),
            ],
            limit=1,
        ) or Pricelist.sudo().create(  # sudo: pricelists need sales-manager rights
            {
                "name": f"Amazon {code}",
                "currency_id": currency.id,
                "company_id": company.id,
            }
        )

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.amazon_binding_id:
            # every invoice of an Amazon order knows it (uploads, refunds)
            values["amazon_binding_id"] = self.amazon_binding_id.id
        return values

    def _amazon_deliver_fba(self):
        """Amazon already shipped FBA orders: mark their delivery done (with
        the other FBA orders of the chunk of a page being imported, see
        :meth:`amazon.seller.order._amazon_process_chunk`)."""
        if defer_fba_delivery(self):
            return
        pickings = self.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True)._action_done()

    def _amazon_check_total(self, order):
        """Review notes when the total differs from what the buyer paid."""
        self.ensure_one()
        expected = float(order.total())
        if self.currency_id.compare_amounts(self.amount_total, expected):
            return [
                self.env._(
                    "The sale order total %(odoo)s differs from the %(amazon)s the "
                    "buyer paid at Amazon.",
                    odoo=self.amount_total,
                    amazon=expected,
                )
            ]
        return []
