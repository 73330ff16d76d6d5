# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Duplicate-search settings of a seller account: criteria and presets."""

from odoo import Command, api, fields, models

from ..matching.presets import PRESETS

MATCH_PRESETS = [
    ("strict", "Strict"),
    ("balanced", "Balanced"),
    ("tolerant", "Tolerant"),
    ("custom", "Custom"),
]
_CONFIG_FIELDS = {
    "match_criterion_ids",
    "match_link_threshold",
    "match_review_threshold",
}


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    match_preset = fields.Selection(
        MATCH_PRESETS,
        string="Preset",
        required=True,
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

    _match_thresholds = models.Constraint(
        "CHECK(match_review_threshold <= match_link_threshold)",
        "The threshold for asking a person must not exceed the one for linking.",
    )

    def _compute_match_review_count(self):
        groups = self.env["amazon.partner.review"]._read_group(
            [("account_id", "in", self.ids), ("state", "=", "to_review")],
            ["account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.match_review_count = counts.get(account.id, 0)

    @api.model
    def _match_preset_values(self, preset):
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

    @api.onchange("match_preset")
    def _onchange_match_preset(self):
        if self.match_preset and self.match_preset != "custom":
            self.update(self._match_preset_values(self.match_preset))

    @api.onchange(
        "match_criterion_ids", "match_link_threshold", "match_review_threshold"
    )
    def _onchange_match_config(self):
        if self.match_preset != "custom" and not self._match_is_preset():
            self.match_preset = "custom"

    def _match_is_preset(self):
        """True if criteria and thresholds equal those of the selected preset."""
        self.ensure_one()
        if self.match_preset not in PRESETS:
            return False
        criteria, link, review = PRESETS[self.match_preset]
        mine = {line._to_criterion() for line in self.match_criterion_ids}
        return (
            mine == set(criteria)
            and self.match_link_threshold == link
            and self.match_review_threshold == review
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            preset = vals.get("match_preset", "balanced")
            if preset != "custom" and not vals.get("match_criterion_ids"):
                vals.update(self._match_preset_values(preset))
        return super().create(vals_list)

    def write(self, vals):
        preset = vals.get("match_preset")
        if preset and preset != "custom":
            vals = {**vals, **self._match_preset_values(preset)}
        result = super().write(vals)
        if not preset and _CONFIG_FIELDS & set(vals):
            self.filtered(
                lambda a: a.match_preset != "custom" and not a._match_is_preset()
            ).write({"match_preset": "custom"})
        return result

    def _match_criteria(self):
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
