# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Review queue of possible duplicate customers created from Amazon orders."""

from odoo import api, fields, models
from odoo.exceptions import UserError

REVIEW_STATES = [
    ("to_review", "To Review"),
    ("same", "Same Customer"),
    ("different", "Different Customer"),
]


class AmazonPartnerReview(models.Model):
    _name = "amazon.partner.review"
    _description = "Amazon Customer to Review"
    _inherit = ["mail.thread"]
    _order = "state desc, score desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Seller Account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="New Customer",
        index=True,
        ondelete="set null",
        check_company=True,
        help="The customer created for the order, marked as possible duplicate.",
    )
    # computed with the reader's rights: a review never shows more of a
    # customer than the user may read on the customer itself
    partner_street = fields.Char(
        related="partner_id.street", string="Street", compute_sudo=False
    )
    partner_zip = fields.Char(
        related="partner_id.zip", string="ZIP", compute_sudo=False
    )
    partner_city = fields.Char(
        related="partner_id.city", string="City", compute_sudo=False
    )
    partner_email = fields.Char(
        related="partner_id.email", string="E-mail", compute_sudo=False
    )
    partner_phone = fields.Char(
        related="partner_id.phone", string="Phone", compute_sudo=False
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale Order",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    state = fields.Selection(
        REVIEW_STATES, required=True, default="to_review", tracking=True, index=True
    )
    score = fields.Float(string="Score (%)", digits=(5, 1), aggregator="max")
    reason = fields.Char()
    line_ids = fields.One2many(
        "amazon.partner.review.line", "review_id", string="Candidates"
    )
    result_partner_id = fields.Many2one(
        "res.partner", string="Merged Into", readonly=True, ondelete="set null"
    )

    @api.model
    def _amazon_purge_closed(self, company, cutoff):
        """Delete the closed reviews of ``company`` last changed before
        ``cutoff`` (their pairs go with them): Amazon's Data Protection
        Policy keeps derived buyer data no longer than the rest."""
        closed = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "!=", "to_review"),
                ("write_date", "<", cutoff),
            ]
        )
        closed.unlink()
        return len(closed)

    def action_all_different(self):
        """None of the candidates is this customer."""
        self.line_ids.filtered(
            lambda line: line.state == "open"
        ).action_different_customer()

    def action_open_merge_wizard(self):
        """Odoo's merge wizard with the new customer and the candidates."""
        self.ensure_one()
        partners = self.partner_id | self.line_ids.candidate_id.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids[:3],
            },
        }

    def _close_if_decided(self):
        """Close the review once no candidate is open."""
        for review in self.filtered(lambda r: r.state == "to_review"):
            if all(line.state != "open" for line in review.line_ids):
                review.state = "different"
                review.partner_id.amazon_possible_duplicate = False

    def _merge_into(self, target):
        """Move orders and delivery address of the new customer to ``target``
        and merge it into ``target`` (archive it when Odoo refuses the merge)."""
        self.ensure_one()
        provisional = self.partner_id
        (provisional | target).check_access("write")
        self._move_own_delivery(provisional, target)
        provisional.amazon_possible_duplicate = False
        try:
            with self.env.cr.savepoint():
                self.env["base.partner.merge.automatic.wizard"]._merge(
                    (provisional | target).ids, target, extra_checks=False
                )
        except UserError:
            self._move_orders(provisional, target)
            provisional.child_ids.write({"parent_id": target.id})
            provisional.action_archive()
        self.env.invalidate_all()

    def _move_own_delivery(self, provisional, target):
        """Orders shipped to the new customer itself get a delivery address
        under ``target`` (unless ``target`` already is that address)."""
        orders = self.env["sale.order"].search(
            [("partner_shipping_id", "=", provisional.id)]
        )
        if not orders:
            return
        values = self._partner_values(provisional)
        delivery = self.account_id._amazon_find_or_create_delivery(target, values)
        orders.write({"partner_shipping_id": delivery.id})

    @api.model
    def _partner_values(self, partner):
        """A partner as ``_amazon_match_partner`` input values."""
        return {
            "name": partner.name,
            "street": partner.street,
            "street2": partner.street2,
            "zip": partner.zip,
            "city": partner.city,
            "country_code": partner.country_id.code,
            "phone": partner.phone,
        }

    @api.model
    def _move_orders(self, provisional, target):
        """Fallback of the merge: re-link the orders only."""
        orders = self.env["sale.order"].search([("partner_id", "=", provisional.id)])
        orders.write({"partner_id": target.id, "partner_invoice_id": target.id})


class AmazonPartnerReviewLine(models.Model):
    _name = "amazon.partner.review.line"
    _description = "Amazon Customer to Review: Candidate"
    _order = "review_id, sequence, id"
    _check_company_auto = True

    review_id = fields.Many2one(
        "amazon.partner.review", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="review_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer()
    candidate_id = fields.Many2one(
        "res.partner",
        string="Existing Customer",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    candidate_street = fields.Char(
        related="candidate_id.street", string="Street", compute_sudo=False
    )
    candidate_zip = fields.Char(
        related="candidate_id.zip", string="ZIP", compute_sudo=False
    )
    candidate_city = fields.Char(
        related="candidate_id.city", string="City", compute_sudo=False
    )
    # Text, not Char: the list wraps them instead of cutting them off
    candidate_summary = fields.Text(
        compute="_compute_candidate_summary", string="Customer and Address"
    )
    candidate_email = fields.Char(
        related="candidate_id.email", string="E-mail", compute_sudo=False
    )
    candidate_active = fields.Boolean(
        related="candidate_id.active", string="Active", compute_sudo=False
    )
    score = fields.Float(string="Score (%)", digits=(5, 1))
    criteria_agreed = fields.Text(string="Agreeing Criteria")
    criteria_disagreed = fields.Text(string="Differing Criteria")
    state = fields.Selection(
        [
            ("open", "Open"),
            ("same", "Same Customer"),
            ("different", "Different Customer"),
        ],
        required=True,
        default="open",
    )

    @api.depends(
        "candidate_id.display_name",
        "candidate_id.street",
        "candidate_id.zip",
        "candidate_id.city",
    )
    def _compute_candidate_summary(self):
        """Name and address in one wrapped cell, one line each."""
        for line in self:
            partner = line.candidate_id
            town = " ".join(filter(None, (partner.zip, partner.city)))
            lines = (partner.display_name, partner.street, town)
            line.candidate_summary = "\n".join(filter(None, lines))

    def action_same_customer(self):
        """The new customer is this existing one: move and merge."""
        self.ensure_one()
        review = self.review_id
        if review.state != "to_review" or not review.partner_id:
            raise UserError(self.env._("This review is already closed."))
        target = self.candidate_id.commercial_partner_id
        review._merge_into(target)
        self.state = "same"
        review.write({"state": "same", "result_partner_id": target.id})
        (review.line_ids - self).filtered(
            lambda line: line.state == "open"
        ).state = "different"

    def action_different_customer(self):
        """Remember that the two are different; never propose them again."""
        for line in self:
            partner = line.review_id.partner_id
            if partner and partner != line.candidate_id:
                self.env["amazon.partner.pair"]._remember(
                    partner, line.candidate_id, line.review_id
                )
            line.state = "different"
        self.review_id._close_if_decided()
