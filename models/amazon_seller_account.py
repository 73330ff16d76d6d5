# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An Amazon seller account: its settings, its link to Amazon, its client
and its import runs.

What happens to each Amazon order is the business of its binding,
``amazon.seller.order``; the account only fetches the pages (window, lock,
resume point, progress) and hands them over.

Linking is Amazon's website authorization workflow: the button issues a
signed single-use ``state`` (``amazon.oauth.state``) and sends the user to
Seller Central; ``/amazon_seller_connector/oauth/callback`` comes back with a
code that :meth:`_amazon_link` exchanges for the refresh token.
"""

import hashlib
import ipaddress
import logging
import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import psycopg2

from odoo import Command, api, fields, models, modules
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, mute_logger, str2bool

from .. import const, jobs, vault
from ..exceptions import AmazonEndpointError, AmazonLinkError, AmazonSecretError
from ..matching.presets import PRESETS
from ..spapi import (
    AuthError,
    InvalidClient,
    InvalidGrant,
    RateLimitWait,
    RequestError,
    SpApiClient,
    SpApiError,
    ThrottledError,
    TransientError,
    shared_token_cache,
)
from ..spapi.feeds import LISTINGS_FEED_MAX_MESSAGES
from ..spapi.order_lines import parse_datetime
from ..utils import can_commit, commit_progress
from .amazon_seller_marketplace import REGIONS
from .stock_picking import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

PARAM_PREFIX = "amazon_seller_connector."
ACCOUNT_STATES = [
    ("draft", "Not linked"),
    ("linked", "Linked"),
    ("reauth", "Needs re-authorization"),
]
MATCH_PRESETS = [
    ("strict", "Strict"),
    ("balanced", "Balanced"),
    ("tolerant", "Tolerant"),
    ("custom", "Custom"),
]
CALLBACK_PATH = "/amazon_seller_connector/oauth/callback"
MANAGER_GROUP = "amazon_seller_connector.group_amazon_manager"
TODO = "mail.mail_activity_data_todo"
#: system parameter allowing ``api_base_url``: "loopback" (or "1") for hosts
#: of this machine only (the simulator), and the https hosts it names
CUSTOM_ENDPOINT_PARAM = "custom_endpoint_hosts"
LOOPBACK_WORDS = {"1", "true", "yes", "loopback"}
#: options of the client used while linking (the user waits for it)
LINK_CLIENT_OPTIONS = {"timeout": (5, 20), "max_retries": 1, "backoff_cap": 2}
ENCRYPTED_FIELDS = ("refresh_token",)
#: set by the linking flow and Amazon's answers only (never by a user)
PROTECTED_FIELDS = frozenset(
    ("state", "selling_partner_id", "available_marketplace_ids")
)
#: Amazon merchant tokens ("A3TH9S8BH6GOGM"): upper-case letters and digits
SELLER_ID_PATTERN = re.compile(r"A[0-9A-Z]{7,31}")


class ImportBusy(Exception):
    """Another run holds the account's import lock."""


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


#: account settings that change the quantity every offer sends
STOCK_SETTINGS = {"stock_sync", "stock_warehouse_ids", "stock_buffer", "handling_days"}


class AmazonSellerAccount(models.Model):
    _name = "amazon.seller.account"
    _description = "Amazon Seller Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    # --- Identity and link ------------------------------------------------
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
        help="Long-lived LWA refresh token granted by the seller (stored "
        "encrypted when the server configuration provides a key).",
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
        "delivery.carrier",
        string="Shipping Method",
        check_company=True,
        help="Set on the orders you ship yourself (FBM). Orders Amazon ships "
        "(FBA) get none, so that no label is booked for them.",
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

    # --- Products ---------------------------------------------------------
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
    sku_ids = fields.One2many("amazon.seller.sku", "account_id", string="Offers")
    offer_count = fields.Integer(
        string="Number of Offers", compute="_compute_offer_counts"
    )
    offer_unassigned_count = fields.Integer(
        string="Offers Without Product", compute="_compute_offer_counts"
    )

    # --- Invoices and refunds ------------------------------------------------
    invoice_policy = fields.Selection(
        [
            ("ship", "When the order ships"),
            ("manual", "Left to me"),
        ],
        string="Invoicing",
        default="manual",
        required=True,
        help="When the order ships: Odoo creates and posts the customer invoice "
        "of every shipment (merchant-fulfilled: when the delivery is validated; "
        "FBA: when the shipped order is imported).",
    )
    invoice_upload = fields.Boolean(
        string="Send Invoices to Amazon",
        help="Upload every posted invoice and credit note of an Amazon order to "
        "Amazon (not for sellers on Amazon's VAT Calculation Service, whose "
        "invoices Amazon issues).",
    )
    refund_post = fields.Boolean(
        string="Post Credit Notes",
        default=True,
        help="Post the credit notes made from Amazon refunds (off: they stay drafts "
        "for the accountant).",
    )
    refund_return = fields.Boolean(
        string="Returns for Refunded Items",
        help="Create a return of the refunded units from the delivery (merchant-"
        "fulfilled orders), to be received by the warehouse.",
    )
    refunds_read_until = fields.Datetime(readonly=True, copy=False)
    refund_ids = fields.One2many("amazon.seller.refund", "account_id")
    refund_open_count = fields.Integer(
        string="Refunds to Check", compute="_compute_refund_open_count"
    )

    # --- Stock ----------------------------------------------------------------
    stock_sync = fields.Boolean(
        string="Send Stock to Amazon",
        help="Send the merchant-fulfilled quantity of every synchronised offer "
        "to Amazon as the stock changes, and reconcile all of them every night. "
        "Offers fulfilled by Amazon are never touched.",
    )
    stock_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Stock Warehouses",
        check_company=True,
        help="Warehouses whose free quantity is offered on Amazon. Empty: the "
        "default warehouse of the account.",
    )
    stock_buffer = fields.Integer(
        string="Safety Buffer",
        help="Units of every article kept back from Amazon (an offer can set its own).",
    )
    handling_days = fields.Integer(
        string="Handling Time (Days)",
        help="Days between an order and its shipment, sent with the quantity. "
        "0: Amazon keeps the handling time set in Seller Central.",
    )
    listings_read_at = fields.Datetime(string="Offers Read", readonly=True, copy=False)
    listings_requested = fields.Boolean(
        string="Offers to Read", readonly=True, copy=False
    )
    stock_reconciled_at = fields.Datetime(
        string="Stock Reconciled", readonly=True, copy=False
    )

    # --- Warehouses -------------------------------------------------------
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

    # --- Shipping ------------------------------------------------------------
    carrier_mapping_ids = fields.One2many(
        "amazon.carrier.mapping",
        "account_id",
        string="Carriers",
        help="Which Amazon carrier code and ship method each of your shipping "
        "methods is sent with. Unmapped shipping methods are recognised by their "
        "name (DHL, DPD, GLS, ...) or sent by name.",
    )
    ship_by_warning_hours = fields.Integer(
        string="Warn Before Ship-by (Hours)",
        default=24,
        help="Unshipped orders whose ship-by window ends within these hours are "
        "listed as due and get a to-do.",
    )
    operation_ids = fields.One2many("amazon.seller.operation", "account_id")
    operation_error_count = fields.Integer(
        string="Transmission Errors", compute="_compute_operation_error_count"
    )

    # --- Order import -------------------------------------------------------
    import_orders_since = fields.Date(
        string="Import Orders Created Since",
        default=fields.Date.context_today,
        help="The first import fetches the orders created since this date.",
    )
    last_sync = fields.Datetime(
        string="Synchronised Until",
        readonly=True,
        copy=False,
        help="Orders changed at Amazon before this moment have been imported.",
    )
    # where a run stopped inside a window: the next run goes on from there
    import_window_start = fields.Datetime(readonly=True, copy=False)
    import_window_end = fields.Datetime(readonly=True, copy=False)
    import_next_token = fields.Char(readonly=True, copy=False)
    last_import_run = fields.Datetime(string="Last Import", readonly=True, copy=False)
    last_import_error = fields.Text(readonly=True, copy=False)
    amazon_order_ids = fields.One2many("amazon.seller.order", "account_id")
    order_count = fields.Integer(compute="_compute_order_counts")
    review_count = fields.Integer(compute="_compute_order_counts")
    error_count = fields.Integer(compute="_compute_order_counts")

    # --- Duplicate search ---------------------------------------------------
    duplicate_search = fields.Boolean(
        string="Activate Duplicate Search",
        help="Compare the buyers of new orders with your existing customers.",
    )
    match_preset = fields.Selection(
        MATCH_PRESETS,
        string="Preset",
        compute="_compute_match_preset",
        inverse="_inverse_match_preset",
        store=True,
        readonly=False,
        default="balanced",
        help="Calibrated on German test orders: Strict links the fewest orders "
        "automatically, Tolerant the most. Changing a criterion makes it Custom.",
    )
    match_criterion_ids = fields.One2many(
        "amazon.match.criterion", "account_id", string="Criteria", copy=True
    )
    match_link_threshold = fields.Float(
        string="Link Automatically From (%)",
        default=85.0,
        help="Score from which an order is linked to the existing customer.",
    )
    match_review_threshold = fields.Float(
        string="Ask a Person From (%)",
        default=75.0,
        help="Score from which a new customer is marked as possible duplicate "
        "and shown in the review list.",
    )
    match_nationwide_search = fields.Boolean(
        string="Nationwide Name Search",
        default=True,
        help="When nothing is found at the buyer's address, also look for "
        "the same name everywhere (finds customers who moved).",
    )
    match_review_count = fields.Integer(
        string="Customers to Review", compute="_compute_match_review_count"
    )

    # across companies: one seller account is linked once, whatever the
    # company (a race of two callbacks cannot link it twice either)
    _selling_partner_uniq = models.Constraint(
        "UNIQUE(selling_partner_id)",
        "This Amazon seller account is already linked.",
    )
    _match_thresholds = models.Constraint(
        "CHECK(match_review_threshold <= match_link_threshold)",
        "The threshold for asking a person must not exceed the one for linking.",
    )
    _stock_settings_positive = models.Constraint(
        "CHECK(stock_buffer >= 0 AND handling_days >= 0)",
        "The buffer and the handling time cannot be negative.",
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
    # Computes and onchanges
    # ------------------------------------------------------------------
    def _compute_order_counts(self):
        groups = self.env["amazon.seller.order"]._read_group(
            [("account_id", "in", self.ids)], ["account_id", "state"], ["__count"]
        )
        counts = {(account.id, state): count for account, state, count in groups}
        for account in self:
            account.order_count = sum(
                count for (acc, _s), count in counts.items() if acc == account.id
            )
            account.review_count = counts.get((account.id, "review"), 0)
            account.error_count = counts.get((account.id, "error"), 0)

    def _compute_refund_open_count(self):
        counts = dict(
            self.env["amazon.seller.refund"]._read_group(
                [("account_id", "in", self.ids), ("state", "in", ("waiting", "error"))],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.refund_open_count = counts.get(account, 0)

    def _compute_offer_counts(self):
        Offer = self.env["amazon.seller.sku"]
        total = dict(
            Offer._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        unassigned = dict(
            Offer._read_group(
                [("account_id", "in", self.ids), ("product_id", "=", False)],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.offer_count = total.get(account, 0)
            account.offer_unassigned_count = unassigned.get(account, 0)

    def _compute_operation_error_count(self):
        groups = self.env["amazon.seller.operation"]._read_group(
            [("account_id", "in", self.ids), ("state", "=", "error")],
            ["account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.operation_error_count = counts.get(account.id, 0)

    def _compute_match_review_count(self):
        groups = self.env["amazon.partner.review"]._read_group(
            [("account_id", "in", self.ids), ("state", "=", "to_review")],
            ["account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.match_review_count = counts.get(account.id, 0)

    @api.depends(
        "match_criterion_ids.field",
        "match_criterion_ids.weight",
        "match_criterion_ids.comparison",
        "match_criterion_ids.min_similarity",
        "match_criterion_ids.role",
        "match_link_threshold",
        "match_review_threshold",
    )
    def _compute_match_preset(self):
        """The preset whose criteria and thresholds these are, else Custom."""
        for account in self:
            mine = {line._to_criterion() for line in account.match_criterion_ids}
            thresholds = (account.match_link_threshold, account.match_review_threshold)
            account.match_preset = next(
                (
                    name
                    for name, (criteria, link, review) in PRESETS.items()
                    if mine == set(criteria) and thresholds == (link, review)
                ),
                "custom",
            )

    def _inverse_match_preset(self):
        """Choosing a preset sets its criteria and thresholds."""
        for account in self.filtered(lambda a: a.match_preset in PRESETS):
            account.write(self._amazon_preset_values(account.match_preset))

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
        if PROTECTED_FIELDS & set(vals) and not self.env.su:
            # only the linking flow and Amazon's answers set these (with sudo)
            raise AccessError(
                self.env._(
                    "The link of an Amazon account is set by Amazon's "
                    "authorization, not by hand."
                )
            )
        result = super().write(self._amazon_encrypt_values(vals))
        if STOCK_SETTINGS & vals.keys():
            # the quantities Amazon gets change with the settings
            offers = self.env["amazon.seller.sku"].search(
                [("account_id", "in", self.ids)]
            )
            offers._amazon_mark_offers()
        return result

    @api.model
    def _amazon_encrypt_values(self, vals):
        if not any(vals.get(name) for name in ENCRYPTED_FIELDS):
            return vals
        vals = dict(vals)
        for name in ENCRYPTED_FIELDS:
            if vals.get(name):
                vals[name] = vault.encrypt(self._amazon_decrypt(vals[name]))
        return vals

    # ------------------------------------------------------------------
    # The SP-API client
    # ------------------------------------------------------------------
    @api.model
    def _amazon_app_param(self, key):
        """Read a setting of the SP-API application (system parameter)."""
        # sudo: system parameters are for system administrators; the import
        # of any Amazon user needs the application's settings
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)
        return self._amazon_decrypt(value)

    @api.model
    def _amazon_decrypt(self, stored):
        """The clear value of a stored secret, or a clear error for people."""
        try:
            return vault.decrypt(stored)
        except vault.VaultError as error:
            if error.args[0] == "missing":
                message = self.env._(
                    "The Amazon secrets are stored encrypted, but the server "
                    "configuration has no encryption key. Ask your system "
                    "administrator to restore [amazon_seller_connector] "
                    "encryption_key in the configuration file."
                )
            else:
                message = self.env._(
                    "The Amazon secrets cannot be decrypted with the encryption key "
                    "of the server configuration (the key was changed). Ask your "
                    "system administrator to restore the former key, or link the "
                    "account again and enter the client secret again."
                )
            raise AmazonSecretError(message) from None

    def _amazon_refresh_token(self):
        """The account's refresh token in clear (never shown to users)."""
        self.ensure_one()
        # sudo: the token is readable by system administrators only; every
        # Amazon user's import is sent with it
        return self._amazon_decrypt(self.sudo().refresh_token) or None

    def _amazon_endpoint(self):
        """The base URL every call goes to; None for Amazon's own endpoints.

        Outside tests and the demo, calls only go to Amazon's https endpoint
        of the account's region. ``api_base_url`` (system administrators
        only) is honoured only when the system parameter
        ``amazon_seller_connector.custom_endpoint_hosts`` allows its host:
        "loopback" for this machine (the simulator), or the https hosts it
        names. The LWA secrets are sent to this URL: nothing else, and
        nothing a user can put in a context, decides it.
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
        options = {**self._amazon_client_options(purpose), **options}
        # Amazon meters the account, whichever process sends: its buckets are
        # in the database, shared by every worker and server; its access
        # token is fetched once per process, not per run or job. Tests, and
        # benchmarks that scale the time, keep their own unless they ask.
        time_scale = options.get("time_scale", 1.0)
        shared = options.pop("shared", None)
        if shared is None:
            shared = time_scale == 1.0 and not modules.module.current_test
        if shared:
            if "rate_limiter" not in options:
                # a job may not hold its worker and transaction for long
                max_wait = jobs.MAX_WAIT_SECONDS if jobs.in_job(self.env) else None
                options["rate_limiter"] = self.env[
                    "amazon.seller.rate.bucket"
                ]._amazon_limiter(time_scale, max_wait=max_wait)
            if purpose != "link" and "token_cache" not in options:
                endpoint = self._amazon_endpoint() or self.region
                options["token_cache"] = shared_token_cache(
                    endpoint, self._amazon_app_param("lwa_client_id") or ""
                )
        return SpApiClient(
            endpoint=self._amazon_endpoint(),
            region=self.region,
            lwa_client_id=self._amazon_app_param("lwa_client_id") or "",
            lwa_client_secret=self._amazon_app_param("lwa_client_secret") or "",
            refresh_token=refresh_token,
            **options,
        )

    def _amazon_seller_central_url(self, path=""):
        """Seller Central of the home marketplace (or the allowed simulator).

        The consent page is only ever one of Amazon's own Seller Central
        hosts (``SELLER_CENTRAL_HOSTS`` of the marketplace model), whatever
        the marketplace record says. Together with the ``state`` bound to
        the user's session, these locked hosts are what protects the flow:
        Amazon's Sellers API does not tell which seller granted the code, so
        the callback cannot check ``selling_partner_id`` against Amazon.
        """
        self.ensure_one()
        endpoint = self._amazon_endpoint()
        if endpoint:
            return endpoint + path
        marketplace = self.home_marketplace_id
        if marketplace.region != self.region:
            marketplace = marketplace.search([("region", "=", self.region)], limit=1)
        return marketplace._amazon_seller_central_url(path) or self._amazon_not_amazon(
            marketplace
        )

    def _amazon_not_amazon(self, marketplace):
        raise AmazonLinkError(
            self.env._(
                "The Seller Central address of the marketplace %(marketplace)s "
                "is not one of Amazon's. Nothing was sent. Please ask your "
                "system administrator to check the marketplace.",
                marketplace=marketplace.name,
            ),
            self,
        )

    # ------------------------------------------------------------------
    # Linking
    # ------------------------------------------------------------------
    def action_amazon_link(self):
        """'Link new webshop' / 'Re-authorize': off to Amazon's consent page."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._amazon_consent_url(),
            "target": "self",
        }

    def _amazon_check_manager(self):
        """Only Amazon administrators allowed to edit the account may link it."""
        if not self.env.user.has_group(MANAGER_GROUP) or not self.has_access("write"):
            raise AccessError(
                self.env._(
                    "Only Amazon administrators can link Amazon seller accounts."
                )
            )

    def _amazon_form_url(self):
        return f"/odoo/amazon-accounts/{self.id}" if self else "/odoo/amazon-accounts"

    def _amazon_consent_url(self):
        """Seller Central consent URL with a fresh single-use ``state``."""
        self.ensure_one()
        self._amazon_check_manager()
        app_id = self._amazon_app_param("application_id")
        if not app_id or not self._amazon_app_param("lwa_client_id"):
            raise AmazonLinkError(
                self.env._(
                    "The Amazon application is not set up yet. Please enter the "
                    "application ID and the LWA credentials in the settings."
                ),
                self,
            )
        consent = self._amazon_seller_central_url("/apps/authorize/consent")
        params = {
            "application_id": app_id,
            "state": self.env["amazon.oauth.state"]._issue_signed(self),
            "redirect_uri": self.get_base_url() + CALLBACK_PATH,
        }
        if str2bool(self._amazon_app_param("app_is_draft") or "0", False):
            params["version"] = "beta"
        return f"{consent}?{urlencode(params)}"

    def _amazon_link(self, code, selling_partner_id):
        """Exchange the code and link; returns a pending record to confirm
        when the account is re-authorized with another seller id."""
        self.ensure_one()
        if not code or not selling_partner_id:
            raise AmazonLinkError(
                self.env._("Amazon's answer is incomplete. Nothing was saved."), self
            )
        # untrusted input: only the shape of Amazon's merchant tokens passes
        if not SELLER_ID_PATTERN.fullmatch(selling_partner_id):
            raise AmazonLinkError(
                self.env._(
                    "Amazon's answer contains an invalid seller ID. Nothing was saved."
                ),
                self,
            )
        # the code first: whether a seller is linked elsewhere is told only
        # to someone Amazon just authorised for it
        refresh_token = self._amazon_exchange_code(code)
        self._amazon_check_seller_free(selling_partner_id)
        if self.selling_partner_id and self.selling_partner_id != selling_partner_id:
            return self.env["amazon.oauth.state"]._issue(
                self,
                kind="pending",
                selling_partner_id=selling_partner_id,
                refresh_token=refresh_token,
            )
        self._amazon_finish_link(selling_partner_id, refresh_token)
        return None

    @api.model
    def _amazon_confirm_pending(self, token):
        """The user confirmed linking another seller id: use the kept token."""
        account, row = self.env["amazon.oauth.state"]._verify(token, "pending")
        account._amazon_check_seller_free(row["selling_partner_id"])
        account._amazon_finish_link(row["selling_partner_id"], row["refresh_token"])
        return account

    @api.model
    def _amazon_cancel_pending(self, token):
        """Drop a pending re-authorization; returns its account."""
        account, _row = self.env["amazon.oauth.state"]._verify(token, "pending")
        return account

    def _amazon_check_seller_free(self, selling_partner_id):
        """One seller account is linked once, across all companies."""
        domain = Domain("selling_partner_id", "=", selling_partner_id) & Domain(
            "id", "!=", self.id
        )
        # sudo: the seller must be free in every company, also in those the
        # user cannot see (whose accounts are then not named)
        other = self.sudo().with_context(active_test=False).search(domain, limit=1)
        if other:
            raise self._amazon_seller_taken_error(selling_partner_id, other)

    def _amazon_seller_taken_error(self, selling_partner_id, other=None):
        if other and other.company_id in self.env.user.company_ids:
            message = self.env._(
                "This Amazon seller account (%(seller)s) is already linked to the "
                "Amazon account “%(account)s”. A seller account can only be "
                "linked once. Nothing was saved.",
                seller=selling_partner_id,
                account=other.display_name,
            )
        else:
            message = self.env._(
                "This Amazon seller account (%(seller)s) is already linked in "
                "another company. A seller account can only be linked once. "
                "Nothing was saved.",
                seller=selling_partner_id,
            )
        return AmazonLinkError(message, self)

    def _amazon_exchange_code(self, code):
        """Refresh token for ``spapi_oauth_code`` (valid 5 minutes, once)."""
        try:
            with self._amazon_client(purpose="link") as client:
                return client.exchange_authorization_code(code)["refresh_token"]
        except SpApiError as error:
            raise self._amazon_link_error(error) from None

    def _amazon_fetch_participations(self, refresh_token):
        try:
            with self._amazon_client(refresh_token, purpose="link") as client:
                return client.get_marketplace_participations()
        except SpApiError as error:
            raise self._amazon_link_error(error) from None

    def _amazon_link_error(self, error):
        """User-facing error for an SP-API failure (never the secrets)."""
        _logger.warning(
            "Amazon account %s: linking failed: %s", self.id, type(error).__name__
        )
        if isinstance(error, InvalidGrant):
            message = self.env._(
                "Amazon did not accept the authorization code: it is only valid for "
                "5 minutes and only once. Nothing was saved. Please start the "
                "linking again."
            )
        elif isinstance(error, InvalidClient):
            message = self.env._(
                "Amazon rejected the application credentials (LWA client ID or "
                "client secret). Please check the Amazon settings. Nothing was saved."
            )
        elif isinstance(error, (TransientError, ThrottledError)):
            message = self.env._(
                "Amazon could not be reached (network error or timeout). Nothing "
                "was saved. Please try again in a few minutes."
            )
        else:
            message = self.env._(
                "Amazon sent an unexpected answer. Nothing was saved. Please try "
                "again later."
            )
        return AmazonLinkError(message, self)

    def _amazon_finish_link(self, selling_partner_id, refresh_token):
        participations = self._amazon_fetch_participations(refresh_token)
        values = self._amazon_prepare_link_values(participations)
        values.update(
            selling_partner_id=selling_partner_id,
            refresh_token=refresh_token,
            state="linked",
        )
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                # sudo: the token is a system field; the manager was checked
                self.sudo().write(values)
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation:
            # a concurrent callback linked the same seller first
            raise self._amazon_seller_taken_error(selling_partner_id) from None
        self.activity_feedback(
            [TODO], feedback=self.env._("The Amazon account was re-authorized.")
        )
        Operation = self.env["amazon.seller.operation"]
        if Operation.search_count(
            [("account_id", "=", self.id), ("state", "in", ("to_send", "sent"))],
            limit=1,
        ):
            Operation._amazon_trigger_sender()  # what waited goes out now
        _logger.info("Amazon account %s linked", self.id)

    def _amazon_prepare_link_values(self, participations):
        """Participating marketplaces known in Odoo; selection defaults to all."""
        ids = [p["marketplace_id"] for p in participations if p.get("participating")]
        available = self.env["amazon.seller.marketplace"].search(
            [("amazon_marketplace_id", "in", ids)]
        )
        selected = self.marketplace_ids & available or available
        return {
            "available_marketplace_ids": [Command.set(available.ids)],
            "marketplace_ids": [Command.set(selected.ids)],
        }

    # ------------------------------------------------------------------
    # Token health
    # ------------------------------------------------------------------
    def _amazon_handle_auth_error(self, error):
        """React to an SP-API authorization error of this account.

        A rejected refresh token (``InvalidGrant``: revoked or expired) puts
        the account in 'needs re-authorization' and gives its responsible a
        to-do. Never raises; returns True when the account needs the user.
        """
        self.ensure_one()
        if not isinstance(error, InvalidGrant):
            _logger.warning(
                "Amazon account %s: SP-API request failed: %s",
                self.id,
                type(error).__name__,
            )
            return False
        _logger.warning(
            "Amazon account %s: refresh token rejected, needs re-authorization",
            self.id,
        )
        if self.state != "reauth":
            # sudo: the state is not for users to write; Amazon decided it
            self.sudo().write({"state": "reauth"})
            self._amazon_schedule_activity(
                self.env._("Re-authorize the Amazon account"),
                self.env._(
                    "Amazon no longer accepts the authorization of this account (it "
                    "was revoked or has expired). Open the account and click "
                    "“Re-authorize”."
                ),
            )
        return True

    def _amazon_schedule_activity(self, summary, note):
        """A to-do for the account's responsible (once per summary)."""
        self.ensure_one()
        todo = self.env.ref(TODO)
        if self.activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.summary == summary
        ):
            return
        user = self.responsible_id or self.create_uid
        # sudo: the cron and Amazon users put to-dos on the account they use
        self.sudo().activity_schedule(TODO, user_id=user.id, summary=summary, note=note)

    def _amazon_check_connection(self):
        """Ask Amazon for the participations of each account; never raises.

        Accounts whose authorization is gone are set to re-authorize; the
        others go on. Returns the accounts that answered.
        """
        ok = self.browse()
        for account in self.filtered(lambda a: a.state == "linked"):
            try:
                with account._amazon_client(max_retries=1) as client:
                    client.get_marketplace_participations()
            except SpApiError as error:
                account._amazon_handle_auth_error(error)
                continue
            except (AmazonEndpointError, AmazonSecretError) as error:
                account._amazon_record_import_error(error)
                continue
            ok |= account
        return ok

    # ------------------------------------------------------------------
    # Import runs
    # ------------------------------------------------------------------
    @api.model
    def _cron_import_orders(self):
        """One slice of the scheduled import; Odoo calls it again while it
        reports accounts remaining.

        Progress is counted in accounts. The accounts waiting longest come
        first; each gets its share of the time left, and an account stopped
        inside its window goes to the back with its resume point, so one
        busy account never starves the others.
        """
        accounts = self.search(
            [("state", "=", "linked")], order="last_import_run asc nulls first, id"
        )
        if jobs.enabled(self.env):  # the job queue's workers import the pages
            accounts._amazon_enqueue_import()
            return
        commit_progress(self.env, remaining=len(accounts))
        for index, account in enumerate(accounts):
            share = self._amazon_time_left() / (len(accounts) - index)
            result = account._amazon_run_import(budget=share)
            unfinished = 1 if result == "partial" else 0
            remaining = len(accounts) - index - 1 + unfinished
            if commit_progress(self.env, 1, remaining=remaining) <= 0:
                break  # Odoo calls again at once: the others' turn

    @api.model
    def _amazon_time_left(self):
        """Seconds left to the running scheduled action (an hour outside)."""
        end = self.env.context.get("cron_end_time")
        if not end or not can_commit(self.env):
            return 3600.0
        return max(end - time.monotonic(), 1.0)

    def action_import_orders(self):
        """'Import now': import synchronously for a while, then leave the
        rest to the scheduled action (the user never waits for a backfill)."""
        results = []
        for account in self:
            account.check_access("write")
            if account.state != "linked":
                raise UserError(
                    self.env._(
                        "Link the account %(name)s with Amazon first.",
                        name=account.name,
                    )
                )
            result = account._amazon_run_import(budget=const.MANUAL_IMPORT_SECONDS)
            if result == "busy":
                raise UserError(
                    self.env._(
                        "Another import of %(account)s is running. Please try "
                        "again in a few minutes.",
                        account=account.name,
                    )
                )
            results.append(result)
        return self._amazon_import_notification("partial" not in results)

    def _amazon_import_notification(self, finished):
        error = self.filtered("last_import_error")[:1].last_import_error
        if error:
            message, kind = error, "warning"
        elif not finished:
            message, kind = (
                self.env._(
                    "Amazon has more changed orders than fit in one go: the rest "
                    "is imported in the background within the next minutes."
                ),
                "info",
            )
            self._amazon_import_in_background()
        else:
            message, kind = self.env._("The orders have been imported."), "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon order import"),
                "message": message,
                "type": kind,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _amazon_import_in_background(self):
        """The rest of the window: the job of its next page, or the
        scheduled action at once."""
        if jobs.enabled(self.env):
            self._amazon_enqueue_import()
        else:
            self.env.ref("amazon_seller_connector.ir_cron_import_orders")._trigger()

    def _amazon_import_orders(self, budget=3600.0):
        """Import what changed at Amazon; True when the whole window was
        imported (False: another run is busy, or Amazon failed)."""
        return self._amazon_run_import(budget) == "done"

    def _amazon_run_import(self, budget):
        """Import the orders changed since the last synchronisation for at
        most ``budget`` seconds: "done", "partial" (resumes from the saved
        point), "error" (recorded on the account) or "busy" (another run).

        Never raises for Amazon or data problems: they are recorded on the
        account (and on the orders concerned) and the next run resumes from
        the committed resume point.
        """
        self.ensure_one()
        self._amazon_fill_match_keys()
        commit_progress(self.env)
        if not self._amazon_lock():
            _logger.info("Amazon account %s: import already running", self.id)
            return "busy"
        try:
            return self._amazon_import_window(time.monotonic() + budget)
        except ImportBusy:
            _logger.info("Amazon account %s: another run took over", self.id)
            return "busy"

    def _amazon_fill_match_keys(self):
        """The match keys of partners made or edited since the last run, in
        batches (the duplicate search reads them); a concurrent run doing
        the same is left to it."""
        try:
            with self.env.cr.savepoint():
                self.env["res.partner"]._amazon_fill_match_keys()
        except CONCURRENCY_ERRORS:
            self.env["res.partner"].invalidate_model()

    # ------------------------------------------------------------------
    # Import runs as jobs (OCA queue_job, see jobs.py)
    # ------------------------------------------------------------------
    def _amazon_enqueue_import(self, delay=0):
        """Queue the job of the page where each account's import goes on
        (``delay`` seconds from now).

        The identity key is the account, the window and the page token: the
        same page is never queued twice, however often the scheduled action
        and the running jobs ask. One account's problem never keeps the
        others' pages from being queued."""
        for account in self:
            after, _before, token = account._amazon_resume_point()
            start = fields.Datetime.to_string(after)
            digest = hashlib.sha1((token or "").encode()).hexdigest()[:16]
            try:
                with self.env.cr.savepoint():
                    jobs.enqueue(
                        # sudo: the import is the connector's, as its
                        # scheduled action
                        account.sudo(),
                        "_amazon_job_import_page",
                        start,
                        token or False,
                        key=f"orders:{account.id}:{start}:{digest}",
                        kind="orders",
                        eta=delay or None,
                        description=self.env._(
                            "Amazon: import orders of %(account)s",
                            account=account.name,
                        ),
                    )
            except Exception as error:  # noqa: BLE001 - the next run queues it
                _logger.warning(
                    "Amazon account %s: page not queued (%s)",
                    account.id,
                    type(error).__name__,
                )

    def _amazon_enqueue_retry_errors(self):
        """Queue the job that fetches the orders in error again (one per
        account and minute)."""
        minute = fields.Datetime.now().strftime("%Y-%m-%d %H:%M")
        jobs.enqueue(
            # sudo: the import is the connector's, as its scheduled action
            self.sudo(),
            "_amazon_job_retry_errors",
            key=f"retry:{self.id}:{minute}",
            kind="orders",
            description=self.env._(
                "Amazon: fetch the orders in error of %(account)s again",
                account=self.name,
            ),
            fresh=True,  # one per minute: a second one would only find none due
        )

    def _amazon_import_moved_since(self):
        """Another run committed a new import position after this job's
        snapshot was taken (queue_job loads the job before the job takes
        the import lock): this transaction cannot see where it stands."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT import_window_start, import_next_token, last_sync "
                    "FROM amazon_seller_account WHERE id = %s",
                    self.id,
                )
            )
            committed = cr.fetchone()
        if committed is None:  # created in this transaction: nobody else saw it
            return False
        as_text = fields.Datetime.to_string
        ours = (
            as_text(self.import_window_start) or None,
            self.import_next_token or None,
            as_text(self.last_sync) or None,
        )
        return ours != (
            as_text(committed[0]) or None,
            committed[1],
            as_text(committed[2]) or None,
        )

    def _amazon_job_import_page(self, window_start, token):
        """Job: one page of the import window, then the job of the next page.

        Pages follow each other (each token comes with the page before), so
        an account imports one page at a time, under its import lock; the
        accounts, the transmissions and other servers run side by side. The
        job is postponed, never failed, while another run holds the lock or
        Amazon's rate limit makes it wait; a job whose page another run has
        imported meanwhile does nothing. Amazon's and the data's problems
        are recorded as in the scheduled import. No call to Amazon follows
        the page's writes (the orders in error are fetched by a job of their
        own), so no lock of this job waits for Amazon.
        """
        if not self._amazon_job_begin():
            return "not linked"
        if self._amazon_import_moved_since():
            # looked at again in a new transaction, which sees the position
            raise jobs.retry_later(self.env._("The import moved on meanwhile."), 1)
        after, _before, current = self._amazon_resume_point()
        if (fields.Datetime.to_string(after), current or False) != (
            window_start,
            token or False,
        ):
            return "stale"  # another run imported this page
        if not token:
            self._amazon_fill_match_keys()
        client = None
        try:
            # a 429 or a blip is retried briefly; longer, the job is postponed
            with self._amazon_client(max_retries=2) as client:
                pages = client.search_orders(
                    self._amazon_import_marketplace_ids(),
                    last_updated_after=after,
                    max_results=const.IMPORT_PAGE_SIZE,
                    pagination_token=token or None,
                )
                page = next(iter(pages))
        except (ThrottledError, TransientError) as error:
            # Amazon's pace or a short outage: the same page again later
            raise self._amazon_job_later(error, client) from error
        except (SpApiError, AmazonEndpointError, AmazonSecretError) as error:
            result = self._amazon_import_failed(error, token)
            if result == "restarted":
                self._amazon_enqueue_import()
            return result
        outcomes = self.env["amazon.seller.order"]._amazon_process_payloads(
            self, page.orders, stop_on_conflict=True
        )
        if outcomes["conflict"]:
            # another process changed the same data: what is done is kept,
            # the same page again in a new transaction (the orders done are
            # recognised there)
            self._amazon_enqueue_import(delay=1)
            return "conflict"
        self._amazon_save_resume_point(after, page)
        if page.next_token:
            self._amazon_enqueue_import()
            return "partial"
        self._amazon_sync_done()
        self._amazon_enqueue_retry_errors()
        return "done"

    def _amazon_job_begin(self):
        """Start a job of this account's import: False when the account is
        not linked; postponed while another run holds the import lock."""
        self.ensure_one()
        if self.state != "linked":
            return False
        if not self._amazon_lock():
            raise jobs.retry_later(
                self.env._("Another import of the account is running."), 30
            )
        return True

    def _amazon_import_failed(self, error, token):
        """An import run refused by Amazon or stopped by the set-up: an
        expired pagination token starts the window over ("restarted", none
        of the orders imported is lost); the rest is recorded on the account
        ("error")."""
        if isinstance(error, RequestError) and token and error.status == 400:
            self._amazon_restart_window()
            return "restarted"
        self._amazon_record_import_error(error)
        if isinstance(error, AuthError):
            self._amazon_handle_auth_error(error)
        return "error"

    def _amazon_job_later(self, error, client):
        """The exception that postpones this job after ``error`` (Amazon's
        rate limit, or an outage)."""
        if isinstance(error, RateLimitWait):
            seconds = error.wait
        else:
            scale = client.time_scale if client else 1.0
            seconds = (60 if isinstance(error, ThrottledError) else 120) / scale
        return jobs.retry_later(
            self.env._("Amazon: %(reason)s", reason=type(error).__name__), seconds
        )

    def _amazon_job_retry_errors(self):
        """Job: fetch the orders in error that are due again (growing
        delays), under the account's import lock."""
        if not self._amazon_job_begin():
            return "not linked"
        client = None
        try:
            with self._amazon_client(max_retries=2) as client:
                self._amazon_retry_errors(client)
        except (ThrottledError, TransientError) as error:
            raise self._amazon_job_later(error, client) from error
        except (SpApiError, AmazonEndpointError, AmazonSecretError) as error:
            return self._amazon_import_failed(error, None)
        return "done"

    def _amazon_import_window(self, deadline):
        after, before, token = self._amazon_resume_point()
        try:
            with self._amazon_client() as client:
                pages = client.search_orders(
                    self._amazon_import_marketplace_ids(),
                    last_updated_after=after,
                    before=before,
                    max_results=const.IMPORT_PAGE_SIZE,
                    pagination_token=token,
                )
                for page in pages:
                    self.env["amazon.seller.order"]._amazon_process_payloads(
                        self, page.orders
                    )
                    self._amazon_save_resume_point(after, page)
                    self._amazon_commit()
                    if page.next_token and time.monotonic() >= deadline:
                        return "partial"  # resumes from the saved token
                self._amazon_retry_errors(client)
        except (SpApiError, AmazonEndpointError, AmazonSecretError) as error:
            result = self._amazon_import_failed(error, token)
            # after a restart, the next run starts the window over
            return "partial" if result == "restarted" else result
        self._amazon_sync_done()
        return "done"

    def _amazon_import_marketplace_ids(self):
        marketplaces = self.marketplace_ids or self.available_marketplace_ids
        return (marketplaces or self.home_marketplace_id).mapped(
            "amazon_marketplace_id"
        )

    def _amazon_resume_point(self):
        """``(last_updated_after, before, pagination_token)`` of this run.

        A saved token resumes the window with the filters of its first page
        (Amazon requires the same ones; the token keeps that page's
        lastUpdatedBefore, which becomes the sync point at the end)."""
        if self.import_next_token and self.import_window_start:
            return self.import_window_start, None, self.import_next_token
        if self.last_sync:
            start = self.last_sync - timedelta(minutes=const.SYNC_OVERLAP_MINUTES)
        else:
            since = self.import_orders_since or fields.Date.context_today(self)
            start = datetime.combine(since, datetime.min.time())
        return start, None, None

    def _amazon_save_resume_point(self, after, page):
        """After each page: where the next run goes on if this one stops."""
        end = self.import_window_end
        if page.last_updated_before:
            end = parse_datetime(page.last_updated_before, "search")
        self.write(
            {
                "import_window_start": after,
                "import_window_end": end,
                "import_next_token": page.next_token or False,
                # the accounts waiting longest come first in the next slice
                "last_import_run": fields.Datetime.now(),
            }
        )

    def _amazon_restart_window(self):
        """Amazon refused the saved token (expired): the window starts over
        (nothing is lost: the orders already imported are recognised)."""
        _logger.info("Amazon account %s: pagination token refused", self.id)
        self.write({"import_next_token": False, "import_window_end": False})
        self._amazon_commit()

    def _amazon_sync_done(self):
        """Move the synchronisation point, once every page is committed."""
        self.write(
            {
                "last_sync": self.import_window_end or self.last_sync,
                "last_import_run": fields.Datetime.now(),
                "last_import_error": False,
                "import_window_start": False,
                "import_window_end": False,
                "import_next_token": False,
            }
        )
        self._amazon_commit()

    def _amazon_record_import_error(self, error):
        _logger.warning(
            "Amazon account %s: import stopped (%s)", self.id, type(error).__name__
        )
        message = self._amazon_error_message(error)
        self.write(
            {"last_import_run": fields.Datetime.now(), "last_import_error": message}
        )
        self.message_post(body=message)

    def _amazon_error_message(self, error):
        if isinstance(error, (AmazonEndpointError, AmazonSecretError)):
            return error.args[0]
        return self.env._(
            "The order import stopped: %(reason)s. It resumes with the next run; "
            "no order is lost.",
            reason=str(error),
        )

    def _amazon_retry_errors(self, client):
        """Fetch again the orders in error that are due (growing delays)."""
        due = self.env["amazon.seller.order"].search(
            [
                ("account_id", "=", self.id),
                ("state", "=", "error"),
                ("next_retry_at", "<=", fields.Datetime.now()),
            ],
            order="next_retry_at, id",
            limit=const.RETRY_BATCH,
        )
        if due:
            due._amazon_fetch_again(client)
            self._amazon_commit()

    def _amazon_retry_orders(self, order_ids):
        """Fetch these orders again from Amazon now (a person asked)."""
        self.ensure_one()
        self.check_access("write")
        if not self._amazon_lock():
            raise UserError(
                self.env._(
                    "An import of %(account)s is running. Please try again in a "
                    "few minutes.",
                    account=self.name,
                )
            )
        bindings = self.env["amazon.seller.order"].search(
            [("account_id", "=", self.id), ("amazon_order_id", "in", order_ids)]
        )
        try:
            with self._amazon_client() as client:
                bindings._amazon_fetch_again(client, raise_errors=True)
        except (SpApiError, AmazonEndpointError, AmazonSecretError) as error:
            raise UserError(self._amazon_error_message(error)) from error

    # ------------------------------------------------------------------
    # Refunds
    # ------------------------------------------------------------------
    @api.model
    def _cron_refunds(self):
        """Read Amazon's refunds (Finances API) and make their credit notes."""
        accounts = self.search([("state", "=", "linked")])
        commit_progress(self.env, remaining=len(accounts))
        for account in accounts:
            account._amazon_read_refunds()
            if commit_progress(self.env, 1) <= 0:
                break

    def _amazon_read_refunds(self):
        """The refunds posted since the last run (a rolling window: Amazon
        shows transactions up to 48 hours late; each is recorded once), then
        every refund still waiting is looked at again."""
        self.ensure_one()
        Refund = self.env["amazon.seller.refund"]
        now = fields.Datetime.now()
        start = self.refunds_read_until or datetime.combine(
            self.import_orders_since or now.date(), datetime.min.time()
        )
        # Finances keeps 180 days; Amazon posts late by up to 48 hours
        after = max(start - timedelta(days=3), now - timedelta(days=179))
        before = now - timedelta(minutes=2)
        created = Refund
        failed = False
        try:
            with self._amazon_client() as client:
                for page in client.list_transactions(after, before):
                    for refund in page.refunds():
                        if not refund.transaction_id:
                            continue
                        try:
                            with self.env.cr.savepoint():
                                record, new = Refund._amazon_record(self, refund)
                        except CONCURRENCY_ERRORS:
                            raise
                        except Exception as error:  # noqa: BLE001 - next refund
                            # read again with the next window (never advanced
                            # past a refund that could not be recorded)
                            _logger.warning(
                                "Amazon account %s: a refund was not recorded (%s)",
                                self.id,
                                type(error).__name__,
                            )
                            failed = True
                            continue
                        if new:
                            created |= record
                    commit_progress(self.env)
        except (SpApiError, AmazonEndpointError, AmazonSecretError) as error:
            if isinstance(error, AuthError):
                self._amazon_handle_auth_error(error)
            self.last_import_error = self._amazon_error_message(error)
            return created
        if not failed:
            self.refunds_read_until = before
        Refund.search(
            [("account_id", "=", self.id), ("state", "in", ("waiting", "error"))]
        )._amazon_process()
        return created

    # ------------------------------------------------------------------
    # Offers and stock
    # ------------------------------------------------------------------
    def _amazon_stock_warehouses(self):
        """The merchant warehouses whose free quantity is offered."""
        self.ensure_one()
        return (
            self.stock_warehouse_ids
            or self.warehouse_id
            or self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1
            )
        )

    def action_read_listings(self):
        """'Read offers from Amazon': the listings are read in the background
        (a large catalogue takes minutes)."""
        self.check_access("write")
        self.write({"listings_requested": True})
        # sudo: any Amazon administrator may wake the connector's job
        self.env.ref("amazon_seller_connector.ir_cron_stock").sudo()._trigger()
        return self._amazon_stock_notification(
            self.env._(
                "The offers are read from Amazon in the background; they appear "
                "under Amazon > Offers within a few minutes."
            )
        )

    def action_reconcile_stock(self):
        """'Reconcile stock now': every synchronised offer's quantity goes
        to Amazon in one listings feed."""
        self.check_access("write")
        for account in self:
            if account.state != "linked" or not account.stock_sync:
                raise UserError(
                    self.env._(
                        "Link the account %(name)s and turn on “Send Stock to "
                        "Amazon” first.",
                        name=account.name,
                    )
                )
            # sudo: the transmissions belong to the connector
            account.sudo()._amazon_reconcile_stock()
        return self._amazon_stock_notification(
            self.env._(
                "The quantities of all offers are being sent to Amazon. Amazon "
                "processes the feed within minutes (sometimes longer); errors "
                "appear on the offers."
            )
        )

    def _amazon_stock_notification(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon offers"),
                "message": message,
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_seller_connector.amazon_seller_sku_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    @api.model
    def _cron_stock(self):
        """Offers read on request; every night (the scheduled action's
        time) the listings are read again and all quantities reconciled."""
        now = fields.Datetime.now()
        accounts = self.search([("state", "=", "linked")])
        commit_progress(self.env, remaining=len(accounts))
        for account in accounts:
            nightly = account.stock_sync and (
                not account.stock_reconciled_at
                or account.stock_reconciled_at < now - timedelta(hours=20)
            )
            if account.listings_requested or nightly:
                account._amazon_read_listings()
            if nightly:
                account._amazon_reconcile_stock()
            if commit_progress(self.env, 1) <= 0:
                break
        self.env["amazon.seller.operation"]._amazon_clean_stock_history()

    def _amazon_read_listings(self):
        """Read the seller's listings (searchListingsItems, per marketplace)
        into offers. searchListingsItems rather than the merchant listings
        report: it gives the product type (which every quantity update
        needs) and the quantity of each fulfilment channel, which the report
        lacks; past Amazon's 1,000 results per search it goes on from the
        last creation date seen. Never raises: the error is on the account."""
        self.ensure_one()
        Offer = self.env["amazon.seller.sku"]
        try:
            with self._amazon_client() as client:
                for marketplace in self.marketplace_ids:
                    for number, item in enumerate(
                        self._amazon_listing_items(client, marketplace), start=1
                    ):
                        try:
                            with self.env.cr.savepoint():
                                Offer._amazon_apply_listing(self, item, marketplace)
                        except CONCURRENCY_ERRORS:
                            raise
                        except Exception as error:  # noqa: BLE001 - next listing
                            _logger.warning(
                                "Amazon account %s: a listing was not read (%s)",
                                self.id,
                                type(error).__name__,
                            )
                        if number % 200 == 0:  # short transactions
                            commit_progress(self.env)
                    commit_progress(self.env)
        except (SpApiError, AmazonEndpointError, AmazonSecretError) as error:
            if isinstance(error, AuthError):
                self._amazon_handle_auth_error(error)
            self.write(
                {
                    "listings_requested": False,
                    "last_import_error": self._amazon_error_message(error),
                }
            )
            return False
        self.write(
            {"listings_requested": False, "listings_read_at": fields.Datetime.now()}
        )
        return True

    def _amazon_listing_items(self, client, marketplace):
        """Every listing item of ``marketplace``, each SKU once."""
        seen = set()
        created_after = None
        while True:
            last_created, found = None, 0
            for page in client.search_listings_items(
                self.selling_partner_id,
                [marketplace.amazon_marketplace_id],
                page_size=20,
                created_after=created_after,
                sort_by="createdDate",
                sort_order="ASC",
            ):
                for item in page.items:
                    found += 1
                    summary = item.summary(marketplace.amazon_marketplace_id)
                    if summary and summary.created:
                        last_created = summary.created
                    if item.sku not in seen:
                        seen.add(item.sku)
                        yield item
                total = page.number_of_results or 0
            if found < 1000 or total <= found or last_created is None:
                return
            # Amazon stops at 1,000 results: on from the last creation date
            if created_after is not None and last_created <= created_after:
                last_created = created_after + timedelta(seconds=1)
            created_after = last_created

    def _amazon_reconcile_stock(self):
        """Queue the nightly reconcile: every synchronised offer with its
        current quantity, in listings feeds of at most 10,000 offers (one
        per set of marketplaces)."""
        self.ensure_one()
        Offer = self.env["amazon.seller.sku"]
        offers = Offer.search(
            [
                ("account_id", "=", self.id),
                ("stock_sync", "=", True),
                ("product_id", "!=", False),
                ("fulfillment_channel", "!=", "amazon"),
            ]
        )._amazon_synchronised()
        without_type = offers.filtered(lambda o: not o.product_type)
        without_type.write(
            {
                "stock_error": self.env._(
                    "Amazon's product type of this listing is not known yet: read "
                    "the offers from Amazon."
                )
            }
        )
        offers -= without_type
        quantities = offers._amazon_quantities()
        stamp = fields.Datetime.now().strftime("%Y%m%d%H%M%S")
        Operation = self.env["amazon.seller.operation"]
        queued = Operation
        groups = offers.grouped(lambda o: tuple(o._amazon_marketplace_codes()))
        for markets, group in groups.items():
            entries = []
            for offer in group:
                if offer.id not in quantities:
                    continue
                _buffer, days = offer._amazon_stock_settings()
                entries.append(
                    [
                        offer.id,
                        offer.sku,
                        quantities[offer.id],
                        days,
                        offer.product_type,
                    ]
                )
            for index in range(0, len(entries), LISTINGS_FEED_MAX_MESSAGES):
                chunk = entries[index : index + LISTINGS_FEED_MAX_MESSAGES]
                queued |= Operation._amazon_queue(
                    self,
                    "stock_feed",
                    f"stockfeed:{stamp}:{'-'.join(markets)}:{index}",
                    {"marketplace_ids": list(markets), "offers": chunk},
                )
        self.stock_reconciled_at = fields.Datetime.now()
        return queued

    # ------------------------------------------------------------------
    # Transactions and locking
    # ------------------------------------------------------------------
    def _amazon_lock(self):
        """Take the account's import lock for this transaction.

        A transaction-level advisory lock: a failed run or a lost connection
        can never leave it behind on a pooled connection, and a commit
        releases it, so it is taken again after every commit (whoever gets
        it in between goes on from the saved resume point).
        """
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                const.IMPORT_LOCK_NAMESPACE,
                self.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _amazon_commit(self):
        """Commit (per page), then take the lock again; raise ImportBusy when
        another run got it in between."""
        commit_progress(self.env)
        if not self._amazon_lock():
            raise ImportBusy

    def _amazon_is_before_start(self, order):
        """Orders created before "Import orders created since" stay in the
        merchant's previous system, even when Amazon changes them later."""
        return bool(self.import_orders_since) and (
            order.created.date() < self.import_orders_since
        )

    # ------------------------------------------------------------------
    # Duplicate-search settings
    # ------------------------------------------------------------------
    @api.model
    def _amazon_preset_values(self, preset):
        """Values (criteria commands and thresholds) of a preset."""
        criteria, link, review = PRESETS[preset]
        Criterion = self.env["amazon.match.criterion"]
        lines = [
            Command.create(Criterion._values_from_criterion(crit, 10 * (i + 1)))
            for i, crit in enumerate(criteria)
        ]
        return {
            "match_criterion_ids": [Command.clear(), *lines],
            "match_link_threshold": link,
            "match_review_threshold": review,
        }

    def _amazon_match_criteria(self):
        """The account's criteria as ``matching.presets.Criterion`` objects."""
        self.ensure_one()
        if self.match_criterion_ids:
            return [line._to_criterion() for line in self.match_criterion_ids]
        return list(PRESETS["balanced"][0])

    def action_open_match_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_seller_connector.amazon_partner_review_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action
