# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    @api.model
    def _amazon_fba_warehouse(self, account):
        """The account's FBA warehouse, created on the first FBA order."""
        if account.fba_warehouse_id:
            return account.fba_warehouse_id
        # sudo: warehouses need stock-manager rights; the FBA warehouse is
        # created once, for this account's company, with a fixed name
        warehouse = self.sudo().create(
            {
                "name": self.env._("Amazon FBA (%(account)s)", account=account.name),
                "code": f"FBA{account.id}"[:5],
                "company_id": account.company_id.id,
            }
        )
        account.fba_warehouse_id = warehouse
        account.message_post(
            body=self.env._(
                "Created the warehouse %(name)s for stock at Amazon (FBA).",
                name=warehouse.name,
            )
        )
        return warehouse
