# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One candidate of a customer to review, with the person's decision."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class AmazonPartnerReviewLine(models.Model):
    _name = "amazon.partner.review.line"
    _description = "Amazon Customer to Review: Candidate"
    _order = "review_id, sequence, id"
    _check_company_auto = True

    review_id = fields.Many2one(
        "amazon.partner.review",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
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

    def write(self, vals):
        if "review_id" in vals:
            raise UserError(
                self.env._("A candidate cannot be moved to another review.")
            )
        return super().write(vals)

    def action_same_customer(self):
        """The new customer is this existing one: move and merge."""
        self.ensure_one()
        review = self.review_id
        if review.state != "to_review" or not review.partner_id:
            raise UserError(self.env._("This review is already closed."))
        self.check_access("read")
        target = self.candidate_id.commercial_partner_id
        review._merge_into(target)
        # sudo: users may not write reviews; this action records their decision
        self.sudo().state = "same"
        review.sudo().write({"state": "same", "result_partner_id": target.id})
        (review.line_ids - self).filtered(
            lambda line: line.state == "open"
        ).sudo().state = "different"

    def action_different_customer(self):
        """Remember that the two are different; never propose them again."""
        self.check_access("read")
        for line in self:
            partner = line.review_id.partner_id
            if partner and partner != line.candidate_id:
                self.env["amazon.partner.pair"]._remember(
                    partner, line.candidate_id, line.review_id
                )
            # sudo: users may not write review lines; this records their decision
            line.sudo().state = "different"
        self.review_id._close_if_decided()
