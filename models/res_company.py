# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

#: Amazon's Data Protection Policy: buyer data at most 30 days after delivery
MAX_RETENTION_DAYS = 30


class ResCompany(models.Model):
    _inherit = "res.company"

    amazon_retention_days = fields.Integer(
        string="Amazon Buyer Data Retention (Days)",
        default=MAX_RETENTION_DAYS,
        help="Days after the delivery (or the cancellation) of an Amazon order "
        "after which its delivery-only buyer data is anonymised: recipient "
        "phone, relay e-mail, separate delivery addresses, gift messages, "
        "closed duplicate reviews. What invoices need (customer name, invoice "
        "address, VAT id) is kept. At most 30 days (Amazon's Data Protection "
        "Policy).",
    )

    _amazon_retention_days_range = models.Constraint(
        "CHECK(amazon_retention_days IS NULL OR "
        "(amazon_retention_days >= 1 AND amazon_retention_days <= 30))",
        "The retention period of Amazon buyer data lies between 1 and 30 days.",
    )

    def _amazon_retention_days(self):
        self.ensure_one()
        days = self.amazon_retention_days or MAX_RETENTION_DAYS
        return min(max(days, 1), MAX_RETENTION_DAYS)

    def _get_text_validation(self, confirmation_type):
        # deliveries of Amazon orders: no e-mail, no text message to the buyer
        if self.env.context.get("amazon_no_customer_message"):
            return False
        return super()._get_text_validation(confirmation_type)
