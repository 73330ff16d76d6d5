# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

ORDER_STATES = [
    ("imported", "Imported"),
    ("review", "Needs review"),
    ("error", "Error"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
]
CHANNELS = [("fbm", "Merchant (FBM)"), ("fba", "Amazon (FBA)")]
PAYLOAD_RETENTION_PARAM = "amazon_seller_connector.payload_retention_days"


class AmazonSellerOrder(models.Model):
    """One record per Amazon order: what the import did with it, and why."""

    _name = "amazon.seller.order"
    _description = "Amazon Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "purchase_date desc, id desc"
    _rec_name = "amazon_order_id"
    _check_company_auto = True

    amazon_order_id = fields.Char(
        string="Amazon Order", required=True, readonly=True, index=True
    )
    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        "amazon.seller.marketplace", string="Marketplace", readonly=True
    )
    state = fields.Selection(
        ORDER_STATES, required=True, default="imported", readonly=True, tracking=True
    )
    reason = fields.Text(readonly=True, help="Why the order needs attention.")
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, index="btree_not_null", copy=False
    )
    fulfillment_channel = fields.Selection(CHANNELS, readonly=True)
    amazon_status = fields.Char(string="Amazon Status", readonly=True)
    purchase_date = fields.Datetime(readonly=True)
    amazon_last_update = fields.Datetime(string="Last Change at Amazon", readonly=True)
    imported_on = fields.Datetime(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amazon_total = fields.Monetary(
        string="Amazon Total", readonly=True, help="What the buyer paid, per Amazon."
    )
    order_total = fields.Monetary(
        string="Sale Order Total", related="sale_order_id.amount_total"
    )
    unknown_sku = fields.Boolean(string="Unknown SKU", readonly=True)
    total_mismatch = fields.Boolean(readonly=True)
    payload = fields.Text(
        string="Amazon Data",
        readonly=True,
        groups="amazon_seller_connector.group_amazon_manager",
        help="The order as Amazon sent it; deleted after the retention period.",
    )
    payload_date = fields.Datetime(readonly=True)
    seller_central_url = fields.Char(
        string="Seller Central", compute="_compute_seller_central_url"
    )

    _account_order_uniq = models.Constraint(
        "UNIQUE(account_id, amazon_order_id)",
        "This Amazon order is already recorded for this account.",
    )

    @api.depends("amazon_order_id", "marketplace_id", "account_id")
    def _compute_seller_central_url(self):
        for record in self:
            marketplace = record.marketplace_id or record.account_id.home_marketplace_id
            record.seller_central_url = (
                f"{marketplace.seller_central_url}/orders-v3/order/"
                f"{record.amazon_order_id}"
                if marketplace.seller_central_url and record.amazon_order_id
                else False
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Fetch the orders again from Amazon and import them."""
        for account, records in self.grouped("account_id").items():
            account._amazon_retry_orders(records.mapped("amazon_order_id"))
        return True

    def action_mark_reviewed(self):
        """The reviewer has checked the order: it counts as imported."""
        self.filtered(lambda r: r.state == "review").write(
            {"state": "imported", "unknown_sku": False, "total_mismatch": False}
        )
        self.sale_order_id.write({"amazon_review_notes": False})
        return True

    def action_open_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def action_open_seller_central(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.seller_central_url}

    # ------------------------------------------------------------------
    # Data protection
    # ------------------------------------------------------------------
    @api.model
    def _cron_purge_payloads(self):
        """Delete Amazon's raw order data after the retention period."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PAYLOAD_RETENTION_PARAM, 30)
        )
        limit = fields.Datetime.now() - timedelta(days=days)
        old = self.sudo().search(
            [("payload_date", "<", limit), ("payload_date", "!=", False)]
        )
        old.write({"payload": False, "payload_date": False})
        return len(old)
