# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..spapi import SpApiClient
from .amazon_seller_marketplace import REGIONS

PARAM_PREFIX = "amazon_seller_connector."

ACCOUNT_STATES = [
    ("draft", "Not linked"),
    ("linked", "Linked"),
    ("reauth", "Needs re-authorization"),
]


class AmazonSellerAccount(models.Model):
    _name = "amazon.seller.account"
    _description = "Amazon Seller Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    # --- Identity -------------------------------------------------------
    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    region = fields.Selection(REGIONS, required=True, default="eu")
    home_marketplace_id = fields.Many2one(
        "amazon.seller.marketplace",
        string="Home Marketplace",
        required=True,
        domain="[('region', '=', region)]",
        default=lambda self: self._default_home_marketplace(),
        help="The marketplace whose Seller Central is used to link the account.",
    )
    state = fields.Selection(
        ACCOUNT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    selling_partner_id = fields.Char(
        string="Seller ID",
        readonly=True,
        copy=False,
        help="Amazon's merchant token of the linked seller account.",
    )
    refresh_token = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Long-lived LWA refresh token granted by the seller.",
    )
    api_base_url = fields.Char(
        string="API Base URL",
        help="Leave empty to talk to Amazon. When set, the consent page, the "
        "token exchange and all SP-API calls go to this base URL (e.g. the "
        "offline Amazon simulator).",
    )
    marketplace_ids = fields.Many2many(
        "amazon.seller.marketplace",
        string="Marketplaces",
        domain="[('id', 'in', available_marketplace_ids)]",
        help="Marketplaces whose orders are imported.",
    )
    available_marketplace_ids = fields.Many2many(
        "amazon.seller.marketplace",
        "amazon_seller_account_available_marketplace_rel",
        string="Participating Marketplaces",
        readonly=True,
        copy=False,
        help="Marketplaces the seller sells on, as reported by Amazon.",
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Receives the activities when the account needs attention.",
    )

    # --- Standard values --------------------------------------------------
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        check_company=True,
        default=lambda self: self._default_ref("payment_term_amazon"),
    )
    incoterm_id = fields.Many2one("account.incoterms", string="Delivery Terms")
    carrier_id = fields.Many2one(
        "delivery.carrier", string="Shipping Method", check_company=True
    )
    order_tag_ids = fields.Many2many(
        "crm.tag",
        string="Order Type",
        default=lambda self: self._default_ref("crm_tag_amazon"),
        help="Tags set on every imported sale order.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Category",
        default=lambda self: self._default_ref("partner_category_amazon"),
        help="Tags set on customers created from Amazon orders.",
    )
    source_id = fields.Many2one(
        "utm.source",
        string="Source",
        default=lambda self: self._default_ref("utm_source_amazon"),
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        domain="[('share', '=', False)]",
    )

    # --- Products -----------------------------------------------------------
    fallback_product_id = fields.Many2one(
        "product.product",
        string="Article for Missing Assignment",
        check_company=True,
        default=lambda self: self._default_ref("product_amazon_fallback"),
        help="Used when an ordered SKU matches no product; the order is then "
        "flagged for review.",
    )
    shipping_product_id = fields.Many2one(
        "product.product",
        string="Shipping Costs",
        check_company=True,
        default=lambda self: self._default_ref("product_amazon_shipping"),
    )
    gift_wrap_product_id = fields.Many2one(
        "product.product",
        string="Gift Wrap",
        check_company=True,
        default=lambda self: self._default_ref("product_amazon_gift_wrap"),
    )
    cod_fee_product_id = fields.Many2one(
        "product.product",
        string="Cash on Delivery Fee",
        check_company=True,
        default=lambda self: self._default_ref("product_amazon_cod_fee"),
    )
    discount_product_id = fields.Many2one(
        "product.product",
        string="Promotion Discounts",
        check_company=True,
        default=lambda self: self._default_ref("product_amazon_discount"),
    )

    # --- Warehouses and import --------------------------------------------
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Default Warehouse",
        check_company=True,
        help="Warehouse for orders you ship yourself. Leave empty to use "
        "Odoo's default warehouse.",
    )
    fba_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="FBA Warehouse",
        check_company=True,
        help="Warehouse holding your stock at Amazon (Fulfilled by Amazon), "
        "so that Amazon-fulfilled orders never take stock from your shelves.",
    )
    duplicate_search = fields.Boolean(
        string="Activate Duplicate Search",
        help="Compare the buyers of new orders with your existing customers.",
    )
    import_orders_since = fields.Date(
        string="Import Orders Created Since",
        default=fields.Date.context_today,
        help="The first import fetches the orders created since this date.",
    )

    _selling_partner_company_uniq = models.Constraint(
        "UNIQUE(selling_partner_id, company_id)",
        "This Amazon seller account is already linked in this company.",
    )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    @api.model
    def _default_ref(self, xmlid):
        """Preselect a record created at install, if it still exists."""
        return self.env.ref(
            f"amazon_seller_connector.{xmlid}", raise_if_not_found=False
        )

    @api.model
    def _default_home_marketplace(self):
        country = self.env.company.country_id
        marketplace = self.env["amazon.seller.marketplace"].search(
            [("country_id", "=", country.id)], limit=1
        )
        return marketplace or self._default_ref("marketplace_de")

    # ------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------
    @api.onchange("region")
    def _onchange_region(self):
        if self.home_marketplace_id.region != self.region:
            self.home_marketplace_id = self.env["amazon.seller.marketplace"].search(
                [("region", "=", self.region)], limit=1
            )

    # ------------------------------------------------------------------
    # SP-API
    # ------------------------------------------------------------------
    @api.model
    def _amazon_app_param(self, key):
        """Read a setting of the SP-API application (system parameter)."""
        return self.env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)

    def _amazon_client(self, **kwargs):
        """Build the plain-Python SP-API client for this account.

        ``api_base_url`` sends every call (LWA included) to that base URL,
        which is how the offline simulator is used.
        """
        self.ensure_one()
        # Tests and benchmarks tune retries and back-off through the context.
        kwargs = dict(self.env.context.get("amazon_client_options") or {}, **kwargs)
        return SpApiClient(
            endpoint=self.api_base_url or None,
            region=self.region,
            lwa_client_id=self._amazon_app_param("lwa_client_id") or "",
            lwa_client_secret=self._amazon_app_param("lwa_client_secret") or "",
            refresh_token=self.sudo().refresh_token,
            **kwargs,
        )
