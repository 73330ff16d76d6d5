# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class AmazonPartnerPair(models.Model):
    """Two customers a person declared different: never proposed again."""

    _name = "amazon.partner.pair"
    _description = "Amazon Customers Known to Be Different"
    _order = "id desc"

    partner_a_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    partner_b_id = fields.Many2one(
        "res.partner",
        string="Other Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )

    _pair_uniq = models.Constraint(
        "UNIQUE(partner_a_id, partner_b_id)",
        "This pair of customers is already known to be different.",
    )

    @api.model
    def _remember(self, partner, other):
        """Store that ``partner`` and ``other`` are different customers."""
        low, high = sorted((partner.id, other.id))
        if not self.search_count(
            [("partner_a_id", "=", low), ("partner_b_id", "=", high)], limit=1
        ):
            self.create({"partner_a_id": low, "partner_b_id": high})

    @api.model
    def _pairs_among(self, partner_ids):
        """Set of frozensets of the known-different pairs among ``partner_ids``."""
        if len(partner_ids) < 2:
            return set()
        ids = list(partner_ids)
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT partner_a_id, partner_b_id FROM amazon_partner_pair "
                "WHERE partner_a_id = ANY(%s) AND partner_b_id = ANY(%s)",
                ids,
                ids,
            )
        )
        return {frozenset(row) for row in self.env.cr.fetchall()}
