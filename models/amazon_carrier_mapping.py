# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AmazonCarrierMapping(models.Model):
    """How an account tells Amazon which carrier shipped: an Odoo shipping
    method and its Amazon carrier code and ship method."""

    _name = "amazon.carrier.mapping"
    _description = "Amazon Carrier Mapping"
    _order = "account_id, id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.seller.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    delivery_carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Shipping Method",
        required=True,
        check_company=True,
        ondelete="cascade",
    )
    amazon_carrier_id = fields.Many2one(
        "amazon.carrier",
        string="Amazon Carrier",
        help="Empty: the shipping method's name is sent (carrier code Other).",
    )
    shipping_method = fields.Char(
        string="Amazon Ship Method",
        help="Exactly as in Seller Central, e.g. Paket, Warenpost, Großbrief.",
    )
    allow_untracked = fields.Boolean(
        string="Untracked Shipments",
        help="Shipments without tracking number (letters) are confirmed through "
        "Amazon's order fulfilment feed instead of being an error.",
    )

    _account_carrier_uniq = models.Constraint(
        "UNIQUE(account_id, delivery_carrier_id)",
        "This shipping method is mapped already for this account.",
    )
