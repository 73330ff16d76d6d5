# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from datetime import timedelta

from odoo import api, fields, models, modules
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

ORDER_STATES = [
    ("imported", "Imported"),
    ("review", "Needs review"),
    ("error", "Error"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
]
CHANNELS = [("fbm", "Merchant (FBM)"), ("fba", "Amazon (FBA)")]
PAYLOAD_RETENTION_PARAM = "amazon_seller_connector.payload_retention_days"
#: Amazon's Data Protection Policy: buyer data at most 30 days after delivery
MAX_PAYLOAD_DAYS = 30


class AmazonSellerOrder(models.Model):
    """One record per Amazon order: what the import did with it, and why."""

    _name = "amazon.seller.order"
    _description = "Amazon Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "purchase_date desc, id desc"
    _rec_name = "amazon_order_id"
    _check_company_auto = True

    amazon_order_id = fields.Char(
        string="Amazon Order", required=True, readonly=True, index=True
    )
    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        "amazon.seller.marketplace", string="Marketplace", readonly=True
    )
    state = fields.Selection(
        ORDER_STATES, required=True, default="imported", readonly=True, tracking=True
    )
    reason = fields.Text(readonly=True, help="Why the order needs attention.")
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, index="btree_not_null", copy=False
    )
    fulfillment_channel = fields.Selection(CHANNELS, readonly=True)
    amazon_status = fields.Char(string="Amazon Status", readonly=True)
    purchase_date = fields.Datetime(readonly=True)
    amazon_last_update = fields.Datetime(string="Last Change at Amazon", readonly=True)
    imported_on = fields.Datetime(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amazon_total = fields.Monetary(
        string="Amazon Total", readonly=True, help="What the buyer paid, per Amazon."
    )
    order_total = fields.Monetary(
        string="Sale Order Total", related="sale_order_id.amount_total"
    )
    unknown_sku = fields.Boolean(string="Unknown SKU", readonly=True)
    total_mismatch = fields.Boolean(readonly=True)
    payload = fields.Text(
        string="Amazon Data",
        readonly=True,
        groups="amazon_seller_connector.group_amazon_manager",
        help="The order as Amazon sent it; deleted after the retention period.",
    )
    payload_date = fields.Datetime(readonly=True)
    buyer_data_anonymised_on = fields.Datetime(
        string="Delivery Data Anonymised On",
        readonly=True,
        copy=False,
        help="When the delivery-only buyer data of this order was anonymised "
        "(retention period after delivery, Amazon's Data Protection Policy).",
    )
    seller_central_url = fields.Char(
        string="Seller Central", compute="_compute_seller_central_url"
    )

    _account_order_uniq = models.Constraint(
        "UNIQUE(account_id, amazon_order_id)",
        "This Amazon order is already recorded for this account.",
    )

    @api.depends("amazon_order_id", "marketplace_id", "account_id")
    def _compute_seller_central_url(self):
        for record in self:
            marketplace = record.marketplace_id or record.account_id.home_marketplace_id
            record.seller_central_url = (
                f"{marketplace.seller_central_url}/orders-v3/order/"
                f"{record.amazon_order_id}"
                if marketplace.seller_central_url and record.amazon_order_id
                else False
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Fetch the orders again from Amazon and import them."""
        for account, records in self.grouped("account_id").items():
            account._amazon_retry_orders(records.mapped("amazon_order_id"))
        return True

    def action_mark_reviewed(self):
        """The reviewer has checked the order: it counts as imported."""
        self.check_access("read")
        to_close = self.filtered(lambda r: r.state == "review")
        # sudo: Amazon users may not write the binding (state, sale order,
        # account); this action only closes the review of orders they can see
        to_close.sudo().write(
            {"state": "imported", "unknown_sku": False, "total_mismatch": False}
        )
        # sudo: the note is the binding's reason shown on the sale order, which
        # may belong to another salesperson
        to_close.sudo().sale_order_id.write({"amazon_review_notes": False})
        return True

    def action_open_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def action_open_seller_central(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.seller_central_url}

    def _amazon_store_payload(self, raw):
        """Keep Amazon's raw order for the retention period.

        A statement of its own, after the record is written: the payload
        (with buyer data) is never part of a statement that can fail, so
        it never reaches the server log.
        """
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE amazon_seller_order SET payload = %s, payload_date = %s "
                "WHERE id = %s",
                json.dumps(raw, ensure_ascii=False),
                fields.Datetime.now(),
                self.id,
            )
        )
        self.invalidate_recordset(["payload", "payload_date"])

    # ------------------------------------------------------------------
    # Data protection
    # ------------------------------------------------------------------
    @api.model
    def _amazon_payload_retention_days(self):
        """Days the raw order data is kept: the system parameter, between 1
        and Amazon's maximum of 30 (a wrong value falls back to 30)."""
        raw = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PAYLOAD_RETENTION_PARAM, MAX_PAYLOAD_DAYS)
        )
        try:
            days = int(str(raw).strip())
        except ValueError:
            _logger.warning(
                "%s is not a whole number of days; using %s",
                PAYLOAD_RETENTION_PARAM,
                MAX_PAYLOAD_DAYS,
            )
            return MAX_PAYLOAD_DAYS
        return min(max(days, 1), MAX_PAYLOAD_DAYS)

    @api.model
    def _cron_anonymise_buyer_data(self):
        """Anonymise the delivery-only buyer data of orders delivered (or
        cancelled) longer ago than their company's retention period.

        Kept, because German tax law requires them on invoices for 10 years:
        the customer's name, invoice address and VAT id. Anonymised: the
        recipient's phone and relay e-mail, separate delivery contacts (their
        country stays, as OSS evidence), gift messages, closed duplicate
        reviews with their pairs; the match keys follow the partners.
        """
        done = 0
        for company in self.env["res.company"].sudo().search([]):
            days = company._amazon_retention_days()
            cutoff = fields.Datetime.now() - timedelta(days=days)
            due = (
                self.sudo()
                .with_company(company)
                ._amazon_due_for_anonymisation(company, cutoff)
            )
            for batch in split_every(200, due.ids, self.browse):
                batch._amazon_anonymise()
                done += len(batch)
                if not modules.module.current_test:  # tests run in one transaction
                    self.env["ir.cron"]._commit_progress(len(batch))
            self.env["amazon.partner.review"].sudo()._amazon_purge_closed(
                company, cutoff
            )
        return done

    @api.model
    def _amazon_due_for_anonymisation(self, company, cutoff):
        """Orders of ``company`` whose buyer data is older than ``cutoff``:
        counted from the last delivery, the cancellation, or (orders without
        deliveries) the import."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id FROM amazon_seller_order b
                  JOIN sale_order so ON so.id = b.sale_order_id
                 WHERE b.company_id = %(company)s
                   AND b.buyer_data_anonymised_on IS NULL
                   AND CASE
                       WHEN so.state = 'cancel' THEN so.write_date
                       WHEN so.delivery_status = 'full' THEN (
                            SELECT max(p.date_done) FROM stock_picking p
                             WHERE p.sale_id = so.id AND p.state = 'done')
                       WHEN so.delivery_status IS NULL THEN b.imported_on
                       END < %(cutoff)s
                 ORDER BY b.id
                """,
                company=company.id,
                cutoff=cutoff,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _amazon_anonymise(self):
        """Anonymise the delivery-only data of these orders (see the cron)."""
        now = fields.Datetime.now()
        sale_orders = self.sale_order_id
        sale_orders.write({"amazon_gift_message": False})
        self.write({"buyer_data_anonymised_on": now})
        partners = (sale_orders.partner_shipping_id | sale_orders.partner_id).filtered(
            "amazon_created"
        )
        partners._amazon_anonymise_if_unused()

    @api.model
    def _cron_purge_payloads(self):
        """Delete Amazon's raw order data after the retention period."""
        days = self._amazon_payload_retention_days()
        limit = fields.Datetime.now() - timedelta(days=days)
        old = self.sudo().search(
            [("payload_date", "<", limit), ("payload_date", "!=", False)]
        )
        old.write({"payload": False, "payload_date": False})
        return len(old)
