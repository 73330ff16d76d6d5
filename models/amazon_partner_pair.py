# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class AmazonPartnerPair(models.Model):
    """Two customers a person declared different: never proposed again."""

    _name = "amazon.partner.pair"
    _description = "Amazon Customers Known to Be Different"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_a_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_b_id = fields.Many2one(
        "res.partner",
        string="Other Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    review_id = fields.Many2one(
        "amazon.partner.review",
        string="Review",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
        help="The review in which a person declared the two different; the "
        "pair is deleted with it when the review's retention period ends.",
    )

    _pair_uniq = models.Constraint(
        "UNIQUE(company_id, partner_a_id, partner_b_id)",
        "This pair of customers is already known to be different.",
    )

    @api.model
    def _remember(self, partner, other, review=None):
        """Store that ``partner`` and ``other`` are different customers."""
        low, high = sorted((partner.id, other.id))
        company = review.company_id if review else self.env.company
        domain = [
            ("company_id", "=", company.id),
            ("partner_a_id", "=", low),
            ("partner_b_id", "=", high),
        ]
        if not self.search_count(domain, limit=1):
            self.create(
                {
                    "company_id": company.id,
                    "partner_a_id": low,
                    "partner_b_id": high,
                    "review_id": review.id if review else False,
                }
            )

    @api.model
    def _pairs_among(self, partner_ids, company):
        """Set of frozensets of the known-different pairs among ``partner_ids``
        declared in ``company``."""
        if len(partner_ids) < 2:
            return set()
        ids = list(partner_ids)
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT partner_a_id, partner_b_id FROM amazon_partner_pair "
                "WHERE company_id = %s AND partner_a_id = ANY(%s) "
                "AND partner_b_id = ANY(%s)",
                company.id,
                ids,
                ids,
            )
        )
        return {frozenset(row) for row in self.env.cr.fetchall()}
