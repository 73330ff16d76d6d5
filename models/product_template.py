# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .product_product import SELLABLE_FIELDS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    amazon_offer_count = fields.Integer(
        string="Number of Amazon Offers",
        compute="_compute_amazon_offer_count",
        groups="amazon_seller_connector.group_amazon_user",
    )

    def _compute_amazon_offer_count(self):
        counts = dict(
            self.env["amazon.seller.sku"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids)],
                ["product_id"],
                ["__count"],
            )
        )
        for template in self:
            template.amazon_offer_count = sum(
                count
                for product, count in counts.items()
                if product.product_tmpl_id == template
            )

    def write(self, vals):
        result = super().write(vals)
        if SELLABLE_FIELDS & vals.keys():
            self.env["amazon.seller.sku"]._amazon_stock_changed(
                self.with_context(active_test=False).product_variant_ids
            )
        return result

    def action_view_amazon_offers(self):
        self.ensure_one()
        domain = [("product_id.product_tmpl_id", "=", self.id)]
        name = self.env._("Amazon Offers")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "amazon.seller.sku",
            "view_mode": "list,form",
            "domain": domain,
            "context": {"active_test": False},
        }
