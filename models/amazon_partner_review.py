# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Review queue of possible duplicate customers created from Amazon orders."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..matching.partner_keys import match_values
from ..redact import buyer_data_guard

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
        check_company=True,
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
        "res.partner",
        string="Merged Into",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )

    def write(self, vals):
        if "account_id" in vals:
            raise UserError(self.env._("The account of a review cannot be changed."))
        return super().write(vals)

    @api.model
    def _amazon_create_for(self, account, customer, decision):
        """The review of a provisional customer with its candidates (all
        tied customers and the others the decision ranked)."""
        lines = [
            Command.create(
                {
                    "sequence": rank,
                    "candidate_id": candidate.partner_id,
                    "score": round(candidate.score, 1),
                    **self._amazon_criteria_text(candidate),
                }
            )
            for rank, candidate in enumerate(decision.candidates)
        ]
        return self.create(
            {
                "account_id": account.id,
                "partner_id": customer.id,
                "score": decision.score,
                "reason": self.env["res.partner"]._amazon_match_reason(decision),
                "line_ids": lines,
            }
        )

    @api.model
    def _amazon_criteria_text(self, candidate):
        """'Name 96 %' and 'ZIP 100 %', one criterion per line, for the
        agreeing and the disagreeing criteria."""
        label = self.env["res.partner"]._amazon_criterion_label

        def text(sims):
            return "\n".join(
                f"{label(field)} {round(sim)} %" for field, sim in sims.items()
            )

        return {
            "criteria_agreed": text(candidate.agreed),
            "criteria_disagreed": text(candidate.disagreed),
        }

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
                # sudo: users close reviews only through the line actions, and
                # the flag on the customer mirrors the review
                review.sudo().state = "different"
                review.partner_id.sudo().amazon_possible_duplicate = False

    def _merge_into(self, target):
        """Move orders and delivery address of the new customer to ``target``
        and merge it into ``target`` (archive it when Odoo refuses the merge)."""
        self.ensure_one()
        provisional = self.partner_id
        (provisional | target).check_access("write")
        created_by_amazon = target.amazon_created
        with buyer_data_guard():
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
        # the merge copies empty fields: the customer stays what it was
        # (an existing customer never becomes "created from Amazon")
        if target.amazon_created != created_by_amazon:
            target.sudo().amazon_created = created_by_amazon
        self.env.invalidate_all()

    def _move_own_delivery(self, provisional, target):
        """Orders shipped to the new customer itself get a delivery address
        under ``target`` (unless ``target`` already is that address)."""
        orders = self.env["sale.order"].search(
            [("partner_shipping_id", "=", provisional.id)]
        )
        if not orders:
            return
        values = match_values(provisional._amazon_match_row())
        delivery = target._amazon_find_or_create_delivery(values)
        orders.write({"partner_shipping_id": delivery.id})

    @api.model
    def _move_orders(self, provisional, target):
        """Fallback of the merge: re-link the orders only."""
        orders = self.env["sale.order"].search([("partner_id", "=", provisional.id)])
        orders.write({"partner_id": target.id, "partner_invoice_id": target.id})
