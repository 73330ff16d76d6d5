# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AmazonSellerSku(models.Model):
    """Explicit SKU-to-product assignment of one account."""

    _name = "amazon.seller.sku"
    _description = "Amazon SKU Assignment"
    _order = "sku"
    _rec_name = "sku"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    sku = fields.Char(string="SKU", required=True)
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, check_company=True
    )

    _account_sku_uniq = models.Constraint(
        "UNIQUE(account_id, sku)", "This SKU is already assigned for this account."
    )

    @api.model
    def _amazon_assign(self, account, sku, product):
        """Assign ``sku`` of ``account`` to ``product`` (from now on)."""
        mapping = self.search([("account_id", "=", account.id), ("sku", "=", sku)])
        if mapping:
            mapping.product_id = product
        else:
            self.create(
                {"account_id": account.id, "sku": sku, "product_id": product.id}
            )
