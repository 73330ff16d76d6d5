# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .amazon_seller_order import CHANNELS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_order_id = fields.Char(
        string="Amazon Order ID", readonly=True, copy=False, index="btree_not_null"
    )
    amazon_account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    amazon_marketplace_id = fields.Many2one(
        "amazon.seller.marketplace", string="Marketplace", readonly=True, copy=False
    )
    amazon_fulfillment_channel = fields.Selection(
        CHANNELS, string="Fulfilment", readonly=True, copy=False
    )
    amazon_gift_message = fields.Text(string="Gift Message", readonly=True, copy=False)
    amazon_review_notes = fields.Text(string="Amazon Review Notes", copy=False)
    amazon_unknown_sku = fields.Boolean(string="Unknown SKU", copy=False)
    amazon_total_mismatch = fields.Boolean(string="Total Mismatch", copy=False)
    amazon_seller_central_url = fields.Char(
        string="Seller Central", compute="_compute_amazon_seller_central_url"
    )

    _amazon_order_uniq = models.UniqueIndex(
        "(amazon_account_id, amazon_order_id) WHERE amazon_order_id IS NOT NULL",
        "This Amazon order has already been imported.",
    )

    @api.depends("amazon_order_id", "amazon_marketplace_id")
    def _compute_amazon_seller_central_url(self):
        for order in self:
            host = order.amazon_marketplace_id.seller_central_url
            order.amazon_seller_central_url = (
                f"{host}/orders-v3/order/{order.amazon_order_id}"
                if host and order.amazon_order_id
                else False
            )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_order_item_id = fields.Char(readonly=True, copy=False)
    amazon_sku = fields.Char(string="Amazon SKU", readonly=True, copy=False)
    amazon_unknown_sku = fields.Boolean(copy=False)

    def write(self, vals):
        result = super().write(vals)
        if "product_id" in vals:
            self.filtered("amazon_unknown_sku")._amazon_save_sku_assignment()
        return result

    def _amazon_save_sku_assignment(self):
        """A product chosen for an unknown SKU is remembered for next time."""
        for line in self:
            # sudo: a salesperson without an Amazon group corrects the product
            # of a line they may write; the account is only read for its
            # fallback article and the assignment is the import's own data
            account = line.order_id.sudo().amazon_account_id
            if not line.amazon_sku or line.product_id == account.fallback_product_id:
                continue
            Sku = self.env["amazon.seller.sku"].sudo()
            mapping = Sku.search(
                [("account_id", "=", account.id), ("sku", "=", line.amazon_sku)]
            )
            if mapping:
                mapping.product_id = line.product_id
            else:
                Sku.create(
                    {
                        "account_id": account.id,
                        "sku": line.amazon_sku,
                        "product_id": line.product_id.id,
                    }
                )
            line.amazon_unknown_sku = False
            line.order_id.message_post(
                body=self.env._(
                    "SKU %(sku)s is now assigned to %(product)s for future orders.",
                    sku=line.amazon_sku,
                    product=line.product_id.display_name,
                )
            )
        orders = self.order_id.filtered(
            lambda o: o.amazon_unknown_sku
            and not any(o.order_line.mapped("amazon_unknown_sku"))
        )
        orders.amazon_unknown_sku = False
