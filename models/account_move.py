# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices and credit notes of Amazon orders: created when the goods ship
(the account's invoicing policy), uploaded to Amazon as PDFs with embedded
Factur-X data through the outbound queue, with Amazon's deadline in sight."""

import io
import logging
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter

from ..spapi import VAT_INVOICE_MARKETPLACES

_logger = logging.getLogger(__name__)

#: no documented limit for UPLOAD_VAT_INVOICE; Amazon's feed guidance: 10 MiB
MAX_PDF_BYTES = 10 * 1024 * 1024
FACTURX_NAME = "factur-x.xml"
UPLOAD_STATES = [
    ("pending", "To Upload"),
    ("error", "Upload Failed"),
    ("done", "Uploaded"),
    ("unsupported", "Not Taken by Amazon"),
]


def add_business_days(moment, days=1):
    """``moment`` plus ``days`` working days (Monday to Friday)."""
    result = moment
    while days > 0:
        result += timedelta(days=1)
        if result.weekday() < 5:
            days -= 1
    return result


class AccountMove(models.Model):
    _inherit = "account.move"

    amazon_binding_id = fields.Many2one(
        "amazon.seller.order",
        string="Amazon Order",
        readonly=True,
        index="btree_not_null",
        help="The Amazon order this invoice or credit note belongs to.",
    )
    amazon_picking_id = fields.Many2one(
        "stock.picking",
        string="Amazon Shipment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The delivery this invoice was created for (one invoice per shipment).",
    )
    amazon_refund_id = fields.Many2one(
        "amazon.seller.refund",
        string="Amazon Refund",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    amazon_operation_ids = fields.One2many(
        "amazon.seller.operation",
        "move_id",
        string="Amazon Uploads",
        groups="account.group_account_invoice,amazon_seller_connector.group_amazon_user",
    )
    amazon_upload_state = fields.Selection(
        UPLOAD_STATES,
        string="Amazon Upload",
        compute="_compute_amazon_upload_state",
        compute_sudo=True,
        store=True,
        help="Whether Amazon has this document (uploads are on when the Amazon "
        "account transmits invoices).",
    )
    amazon_upload_answer = fields.Text(
        string="Amazon's Answer on the Upload",
        compute="_compute_amazon_upload_state",
        compute_sudo=True,
        store=True,
    )
    amazon_upload_deadline = fields.Datetime(
        string="Upload Deadline",
        readonly=True,
        copy=False,
        help="Amazon Business orders: one business day after the shipment "
        "confirmation.",
    )
    amazon_deadline_reminded = fields.Boolean(
        string="Deadline Reminder Sent", readonly=True, copy=False
    )
    amazon_upload_due = fields.Boolean(
        string="Upload Due",
        compute="_compute_amazon_upload_due",
        search="_search_amazon_due",
    )

    @api.depends("amazon_operation_ids.state", "amazon_operation_ids.answer", "state")
    def _compute_amazon_upload_state(self):
        for move in self:
            operations = move.amazon_operation_ids.filtered(
                lambda o: o.state != "cancelled"
            )
            if not operations:
                unsupported = move.state == "posted" and move._amazon_no_upload_market()
                move.amazon_upload_state = unsupported and "unsupported"
                move.amazon_upload_answer = unsupported and self.env._(
                    "Amazon takes no invoice uploads on %(marketplace)s: give the "
                    "buyer this document another way (e.g. as a message in Seller "
                    "Central).",
                    marketplace=move.amazon_binding_id.marketplace_id.name,
                )
                continue
            last = operations.sorted("id")[-1]
            move.amazon_upload_state = {
                "done": "done",
                "error": "error",
            }.get(last.state, "pending")
            move.amazon_upload_answer = last.answer

    # ------------------------------------------------------------------
    # Posting queues the upload
    # ------------------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # credit notes go to Amazon with the refund they come from (Amazon
        # needs its transaction id); one made by hand stays in Odoo
        amazon = posted.filtered(
            lambda m: m.sudo().amazon_binding_id
            and (
                m.move_type == "out_invoice"
                or (m.move_type == "out_refund" and m.sudo().amazon_refund_id)
            )
        )
        for move in amazon:
            # sudo: the upload belongs to the connector, whoever posts
            move.sudo()._amazon_queue_upload()
        return posted

    def _amazon_no_upload_market(self):
        """True when the account uploads invoices but Amazon takes none on
        the order's marketplace (e.g. Amazon.com.be)."""
        self.ensure_one()
        binding = self.amazon_binding_id
        return bool(
            binding.account_id.invoice_upload
            and self.move_type in ("out_invoice", "out_refund")
            and binding.marketplace_id
            and binding.marketplace_id.amazon_marketplace_id
            not in VAT_INVOICE_MARKETPLACES
        )

    def _amazon_queue_upload(self):
        """One upload per document (its idempotency key), when the Amazon
        account transmits invoices and Amazon takes them on the order's
        marketplace."""
        self.ensure_one()
        binding = self.amazon_binding_id
        account = binding.account_id
        if not account.invoice_upload or self._amazon_no_upload_market():
            return self.env["amazon.seller.operation"]
        payload = self._amazon_upload_payload()
        operation = self.env["amazon.seller.operation"]._amazon_queue(
            account,
            "invoice_upload",
            f"invoice:{self.id}",
            payload,
            binding_id=binding,
            move_id=self,
        )
        if binding.is_business and not self.amazon_upload_deadline:
            self.amazon_upload_deadline = self._amazon_deadline()
        return operation

    def _amazon_deadline(self):
        """One business day after the shipment confirmation (or the shipment)."""
        self.ensure_one()
        picking = self.amazon_picking_id
        confirmed = picking.amazon_operation_ids.filtered(
            lambda o: o.state == "done" and o.done_at
        ).mapped("done_at")
        shipped = (
            min(confirmed)
            if confirmed
            else (picking.date_done or fields.Datetime.now())
        )
        return add_business_days(shipped)

    def _amazon_upload_payload(self):
        """What the upload sends besides the PDF (built when it is sent)."""
        self.ensure_one()
        binding = self.amazon_binding_id
        credit = self.move_type == "out_refund"
        # the totals go with a document that covers what Amazon knows as one
        # amount: the whole order, or one refund transaction
        whole = credit or not binding.currency_id.compare_amounts(
            self.amount_total, binding.sale_order_id.amount_total
        )
        values = {
            "order_id": binding.amazon_order_id,
            "marketplace_id": binding.marketplace_id.amazon_marketplace_id,
            "invoice_number": self.name,
            "document_type": "CreditNote" if credit else "Invoice",
            "transaction_id": self.amazon_refund_id.transaction_id or None,
        }
        if whole:
            values["total_amount"] = f"{self.amount_total:.2f}"
            values["total_vat_amount"] = f"{self.amount_tax:.2f}"
        return values

    # ------------------------------------------------------------------
    # The PDF Amazon gets
    # ------------------------------------------------------------------
    def _amazon_invoice_pdf(self):
        """``(file name, PDF bytes)``: Odoo's invoice report with the
        Factur-X (CII) data embedded, made once and kept on the document."""
        self.ensure_one()
        if self.state != "posted":
            raise UserError(self.env._("Only posted documents are sent to Amazon."))
        if not self.invoice_pdf_report_id:
            # no e-mail; the format left empty keeps Odoo's path where the CII
            # data is always embedded and never blocks the PDF
            self.env["account.move.send"].with_company(
                self.company_id
            )._generate_and_send_invoices(
                self,
                sending_methods=["manual"],
                invoice_edi_format=False,
                allow_fallback_pdf=False,
            )
            self.invalidate_recordset(
                ["invoice_pdf_report_id", "invoice_pdf_report_file"]
            )
        attachment = self.invoice_pdf_report_id
        if not attachment:
            raise UserError(
                self.env._("Odoo could not make the PDF of %(name)s.", name=self.name)
            )
        data = attachment.raw or b""
        if not data.startswith(b"%PDF"):
            raise UserError(
                self.env._(
                    "The document of %(name)s is not a PDF (is wkhtmltopdf installed "
                    "on the server?).",
                    name=self.name,
                )
            )
        data = self._amazon_with_facturx(data)
        if len(data) > MAX_PDF_BYTES:
            raise UserError(
                self.env._(
                    "The PDF of %(name)s is larger than 10 MB; Amazon does not "
                    "take it.",
                    name=self.name,
                )
            )
        return attachment.name, data

    def _amazon_with_facturx(self, data):
        """``data`` with the CII XML embedded when it has none yet (a PDF
        printed before, or made without Odoo's e-invoicing step)."""
        reader = OdooPdfFileReader(io.BytesIO(data), strict=False)
        names = {name for name, _content in reader.getAttachments()}
        if FACTURX_NAME in names:
            return data
        xml = self.env["account.edi.xml.cii"]._export_invoice(self)[0]
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        writer.addAttachment(FACTURX_NAME, xml, subtype="text/xml")
        buffer = io.BytesIO()
        writer.write(buffer)
        # not written back: the PDF of a posted invoice is an archived
        # document (GoBD, Odoo's audit trail); the same XML is added each time
        return buffer.getvalue()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_amazon_upload(self):
        """'Send to Amazon': queue (again) and send."""
        self.check_access("write")
        for move in self.filtered(lambda m: m.state == "posted"):
            # sudo: the uploads belong to the connector
            operation = move.sudo()._amazon_queue_upload()
            if operation.state in ("to_send", "error", "cancelled"):
                operation._amazon_set_payload(
                    "invoice_upload", move.sudo()._amazon_upload_payload()
                )
                if operation.state == "cancelled":
                    operation.state = "error"
                operation._amazon_send_again()
        return True

    @api.model
    def _cron_upload_deadlines(self):
        """A to-do on Amazon Business documents not uploaded when their
        deadline is a few hours away (or past)."""
        soon = fields.Datetime.now() + timedelta(hours=4)
        moves = self.search(
            [
                ("amazon_upload_deadline", "<=", soon),
                ("amazon_upload_state", "!=", "done"),
                ("amazon_deadline_reminded", "=", False),
                ("state", "=", "posted"),
            ]
        )
        for move in moves:
            account = move.amazon_binding_id.account_id
            move.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Upload the invoice to Amazon"),
                note=self.env._(
                    "Amazon expects the document of this business order by %(date)s "
                    "(UTC).",
                    date=fields.Datetime.to_string(move.amazon_upload_deadline)[:16],
                ),
                date_deadline=fields.Date.to_date(move.amazon_upload_deadline),
                user_id=(account.responsible_id or self.env.user).id,
            )
            move.amazon_deadline_reminded = True

    def _search_amazon_due(self, operator, value):
        """Overdue or due today (not uploaded yet)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        end = datetime.combine(fields.Date.context_today(self), time.max)
        domain = [
            ("amazon_upload_deadline", "<=", end),
            ("amazon_upload_state", "!=", "done"),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_amazon_upload_due(self):
        end = datetime.combine(fields.Date.context_today(self), time.max)
        for move in self:
            move.amazon_upload_due = bool(
                move.amazon_upload_deadline
                and move.amazon_upload_deadline <= end
                and move.amazon_upload_state != "done"
            )
