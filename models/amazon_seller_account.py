# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ipaddress
from urllib.parse import urlsplit

from odoo import api, fields, models

from .. import vault
from ..exceptions import AmazonEndpointError
from ..spapi import SpApiClient
from .amazon_seller_marketplace import REGIONS

PARAM_PREFIX = "amazon_seller_connector."
#: system parameter allowing ``api_base_url``: "1" (or "loopback") for hosts
#: of this machine only (the simulator), else a comma-separated list of the
#: https hosts allowed besides
CUSTOM_ENDPOINT_PARAM = "custom_endpoint_hosts"
LOOPBACK_WORDS = {"1", "true", "yes", "loopback"}
#: options of the client used while linking (the user waits for it)
LINK_CLIENT_OPTIONS = {"timeout": (5, 20), "max_retries": 1, "backoff_cap": 2}
ENCRYPTED_FIELDS = ("refresh_token",)


def is_loopback(host):
    """True for this machine's own addresses (127.0.0.0/8, ::1, localhost)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
        groups="base.group_system",
        copy=False,
        help="Leave empty to talk to Amazon. When set, the consent page, the "
        "token exchange and all SP-API calls go to this base URL (e.g. the "
        "offline Amazon simulator); the server must allow it with the system "
        "parameter amazon_seller_connector.custom_endpoint_hosts.",
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

    # across companies: one seller account is linked once, whatever the
    # company (a race of two callbacks cannot link it twice either)
    _selling_partner_uniq = models.Constraint(
        "UNIQUE(selling_partner_id)",
        "This Amazon seller account is already linked.",
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
    # CRUD: secrets are encrypted at rest (see vault.py)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._amazon_encrypt_values(v) for v in vals_list])

    def write(self, vals):
        return super().write(self._amazon_encrypt_values(vals))

    @api.model
    def _amazon_encrypt_values(self, vals):
        if not any(vals.get(name) for name in ENCRYPTED_FIELDS):
            return vals
        vals = dict(vals)
        for name in ENCRYPTED_FIELDS:
            if vals.get(name):
                vals[name] = vault.encrypt(vault.decrypt(vals[name]))
        return vals

    # ------------------------------------------------------------------
    # SP-API
    # ------------------------------------------------------------------
    @api.model
    def _amazon_app_param(self, key):
        """Read a setting of the SP-API application (system parameter)."""
        # sudo: system parameters are for system administrators; the import
        # of any Amazon user needs the application's settings
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)
        return vault.decrypt(value) if value else value

    def _amazon_refresh_token(self):
        """The account's refresh token in clear (never shown to users)."""
        self.ensure_one()
        # sudo: the token is readable by system administrators only; every
        # Amazon user's import is sent with it
        return vault.decrypt(self.sudo().refresh_token) or None

    def _amazon_endpoint(self):
        """The base URL every call goes to; None for Amazon's own endpoints.

        Outside tests and the demo, calls only go to Amazon's https endpoint
        of the account's region. ``api_base_url`` (system administrators
        only) is honoured only when the system parameter
        ``amazon_seller_connector.custom_endpoint_hosts`` allows its host:
        "1" for this machine (the simulator), or the https hosts it names.
        The LWA secrets are sent to this URL: nothing else, and nothing a
        user can put in a context, decides it.
        """
        self.ensure_one()
        # sudo: the field is for system administrators, every import uses it
        url = (self.sudo().api_base_url or "").strip()
        if not url:
            return None
        allowed = {
            word.strip().lower()
            for word in (self._amazon_app_param(CUSTOM_ENDPOINT_PARAM) or "").split(",")
            if word.strip()
        }
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        loopback_ok = is_loopback(host) and bool(allowed & LOOPBACK_WORDS)
        named_ok = host in allowed and parts.scheme == "https"
        if parts.scheme not in ("http", "https") or not (loopback_ok or named_ok):
            raise AmazonEndpointError(
                self.env._(
                    "The Amazon account %(account)s has a custom API endpoint that "
                    "this server does not allow. Ask your system administrator to "
                    "clear the API base URL in the account's technical settings.",
                    account=self.name,
                )
            )
        return url.rstrip("/")

    def _amazon_client_options(self, purpose="api"):
        """Client options (retries, timeouts) per purpose; tests patch this."""
        return dict(LINK_CLIENT_OPTIONS) if purpose == "link" else {}

    def _amazon_client(self, refresh_token=None, purpose="api", **options):
        """The one plain-Python SP-API client of this account.

        ``purpose="link"`` is the client of the linking calls (short timeouts,
        few retries; ``refresh_token`` the one just granted, or none to
        exchange a code). Every other call uses the account's refresh token.
        """
        self.ensure_one()
        if purpose != "link":
            refresh_token = self._amazon_refresh_token()
        return SpApiClient(
            endpoint=self._amazon_endpoint(),
            region=self.region,
            lwa_client_id=self._amazon_app_param("lwa_client_id") or "",
            lwa_client_secret=self._amazon_app_param("lwa_client_secret") or "",
            refresh_token=refresh_token,
            **{**self._amazon_client_options(purpose), **options},
        )
