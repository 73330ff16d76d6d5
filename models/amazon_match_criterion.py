# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..matching.presets import Criterion

CRITERION_FIELDS = [
    ("name", "Name"),
    ("company", "Company"),
    ("street", "Street and House Number"),
    ("zip", "ZIP"),
    ("city", "City"),
    ("country", "Country"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("vat", "VAT ID"),
    ("amazon_email", "Amazon Buyer E-mail"),
    ("postnummer", "Packstation Postnummer"),
]
COMPARISONS = [
    ("exact", "Exact"),
    ("normalized", "Normalised"),
    ("fuzzy", "Fuzzy"),
]
ROLES = [
    ("must", "Must Agree"),
    ("identifies", "Identifies on Its Own"),
    ("tiebreak", "Tie-breaker"),
]


class AmazonMatchCriterion(models.Model):
    _name = "amazon.match.criterion"
    _description = "Amazon Duplicate Search Criterion"
    _order = "account_id, sequence, id"

    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Seller Account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="account_id.company_id")
    sequence = fields.Integer(default=10)
    field = fields.Selection(CRITERION_FIELDS, string="Criterion", required=True)
    weight = fields.Float(
        default=0.1,
        digits=(3, 2),
        help="Share of this criterion in the score; 0 leaves it out.",
    )
    comparison = fields.Selection(
        COMPARISONS,
        required=True,
        default="fuzzy",
        help="Exact: equal as written after cleaning. Normalised: equal after "
        "German normalisation (Straße/Str., umlauts, blanks). Fuzzy: similar "
        "at least by the minimum similarity.",
    )
    min_similarity = fields.Float(
        string="Minimum Similarity (%)",
        default=85.0,
        help="Fuzzy comparison only: from this similarity on the criterion agrees.",
    )
    role = fields.Selection(
        ROLES,
        required=True,
        default="tiebreak",
        help="Must agree: a different value excludes the candidate. Identifies "
        "on its own: an equal value identifies the customer (with a similar "
        "name). Tie-breaker: only adds its weight to the score.",
    )

    _field_uniq = models.Constraint(
        "UNIQUE(account_id, field)",
        "Each criterion can be used only once per seller account.",
    )
    _weight_range = models.Constraint(
        "CHECK(weight >= 0 AND min_similarity >= 0 AND min_similarity <= 100)",
        "Weights must not be negative and similarities lie between 0 and 100.",
    )

    @api.model
    def _values_from_criterion(self, criterion, sequence):
        """Create values of a line from a ``matching.presets.Criterion``."""
        return {
            "sequence": sequence,
            "field": criterion.field,
            "weight": criterion.weight,
            "comparison": criterion.comparison,
            "min_similarity": criterion.min_similarity,
            "role": criterion.role,
        }

    def _to_criterion(self):
        """The ``matching.presets.Criterion`` of this line."""
        self.ensure_one()
        return Criterion(
            self.field,
            self.weight,
            self.comparison,
            self.min_similarity if self.comparison == "fuzzy" else 0.0,
            self.role,
        )
