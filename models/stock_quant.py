# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        # every change of on hand or reserved quantity passes here (moves done
        # or cancelled, reservations made or released, inventory adjustments):
        # the Amazon offers of the product are marked before the commit
        result = super()._update_available_quantity(
            product_id, location_id, *args, **kwargs
        )
        if location_id.usage == "internal":
            self.env["amazon.seller.sku"]._amazon_stock_changed(product_id)
        return result
