# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models

WORDS = re.compile(r"\w+")


class AmazonCarrier(models.Model):
    """A carrier as Amazon knows it (Seller Central's spelling).

    Seeded with the common EU carriers; an Odoo shipping method whose name
    contains one of the keywords is sent with this code unless the account
    maps it otherwise.
    """

    _name = "amazon.carrier"
    _description = "Amazon Carrier"
    _order = "sequence, name"

    name = fields.Char(required=True)
    code = fields.Char(
        string="Amazon Carrier Code",
        required=True,
        help="Exactly as Seller Central spells it, e.g. DHL, Deutsche Post, DPD.",
    )
    sequence = fields.Integer(default=10)
    shipping_method = fields.Char(
        string="Default Ship Method",
        help="Sent when the account's mapping names none, e.g. Paket, Warenpost.",
    )
    keywords = fields.Char(
        help="Comma-separated words found in the names of Odoo shipping methods "
        "of this carrier (lower case), e.g. 'dhl paket, dhl'.",
    )
    allow_untracked = fields.Boolean(
        string="Untracked Shipments",
        help="Letters without tracking number are confirmed through Amazon's "
        "order fulfilment feed.",
    )

    _code_uniq = models.Constraint(
        "UNIQUE(code)", "This Amazon carrier code exists already."
    )

    @api.model
    def _amazon_for_name(self, name):
        """The seeded carrier whose keyword the shipping method's name holds
        (the longest keyword wins: 'dhl express' before 'dhl')."""
        text = f" {' '.join(WORDS.findall((name or '').lower()))} "
        best, length = self.browse(), 0
        for carrier in self.search([]):
            for keyword in (carrier.keywords or "").split(","):
                keyword = " ".join(WORDS.findall(keyword.lower()))
                # whole words only: "ups" is not in "groupsendung"
                if keyword and f" {keyword} " in text and len(keyword) > length:
                    best, length = carrier, len(keyword)
        return best
