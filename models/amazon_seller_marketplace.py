# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlsplit

from odoo import api, fields, models, tools

from ..spapi.const import MARKETPLACES

#: Amazon's own Seller Central hosts: the only consent pages ever used
SELLER_CENTRAL_HOSTS = frozenset(m.seller_central for m in MARKETPLACES.values())

REGIONS = [
    ("eu", "Europe"),
    ("na", "North America"),
    ("fe", "Far East"),
]


class AmazonSellerMarketplace(models.Model):
    _name = "amazon.seller.marketplace"
    _description = "Amazon Marketplace"
    _order = "sequence, id"

    name = fields.Char(required=True)
    code = fields.Char(required=True, help="Two-letter code, e.g. DE for Amazon.de.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    amazon_marketplace_id = fields.Char(
        string="Marketplace ID",
        required=True,
        help="Amazon's identifier of the marketplace, e.g. A1PA6795UKMFR9.",
    )
    region = fields.Selection(REGIONS, required=True)
    country_id = fields.Many2one("res.country", required=True)
    currency_id = fields.Many2one("res.currency", required=True)
    seller_central_url = fields.Char(
        string="Seller Central URL",
        required=True,
        help="Seller Central host where sellers of this marketplace sign in "
        "and authorise applications.",
    )
    domain = fields.Char(help="The marketplace's web shop, e.g. www.amazon.de.")

    _amazon_marketplace_id_uniq = models.Constraint(
        "UNIQUE(amazon_marketplace_id)",
        "A marketplace with this Amazon marketplace ID already exists.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def _amazon_seller_central_url(self, path=""):
        """``https://<Seller Central host><path>``, or False when the record
        names a host that is not one of Amazon's (never sent to users)."""
        self.ensure_one()
        parts = urlsplit((self.seller_central_url or "").strip())
        if parts.scheme != "https" or parts.hostname not in SELLER_CENTRAL_HOSTS:
            return False
        return f"https://{parts.hostname}{path}"

    @api.model
    def _amazon_by_marketplace_id(self, amazon_marketplace_id):
        """The marketplace of an Amazon marketplace id (cached, no query)."""
        return self.browse(
            self._amazon_ids_by_marketplace_id().get(amazon_marketplace_id)
        )

    @api.model
    @tools.ormcache()
    def _amazon_ids_by_marketplace_id(self):
        marketplaces = self.sudo().with_context(active_test=False).search([])
        return {m.amazon_marketplace_id: m.id for m in marketplaces}
