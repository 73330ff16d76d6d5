# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

#: product fields whose change alters what Amazon may sell
SELLABLE_FIELDS = {"active", "sale_ok", "is_storable"}


class ProductProduct(models.Model):
    _inherit = "product.product"

    amazon_offer_ids = fields.One2many(
        "amazon.seller.sku",
        "product_id",
        string="Amazon Offers",
        groups="amazon_seller_connector.group_amazon_user",
    )

    def write(self, vals):
        result = super().write(vals)
        if SELLABLE_FIELDS & vals.keys():
            # archived or no longer sold: Amazon gets 0 (and back again)
            self.env["amazon.seller.sku"]._amazon_stock_changed(self)
        return result

    @api.model
    def _amazon_find_by_sku(self, account, skus):
        """``{sku: product}`` of ``account`` by SKU assignment, internal
        reference, barcode (a few queries per page, not per line)."""
        skus = {sku for sku in skus if sku}
        if not skus:
            return {}
        found = {
            mapping.sku: mapping.product_id
            for mapping in self.env["amazon.seller.sku"].search(
                [
                    ("account_id", "=", account.id),
                    ("sku", "in", list(skus)),
                    ("product_id", "!=", False),
                ]
            )
        }
        Product = self.with_company(account.company_id)
        company_domain = Product._check_company_domain(account.company_id)
        for field in ("default_code", "barcode"):
            missing = list(skus - found.keys())
            if not missing:
                break
            for product in Product.search([(field, "in", missing), *company_domain]):
                found.setdefault(product[field], product)
        return found
