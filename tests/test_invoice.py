# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices and credit notes of Amazon orders: posted when the goods ship,
uploaded to Amazon with their Factur-X data, Amazon's refunds turned into
exact credit notes (issue "Invoices and credit notes"). Each test asserts
the documents and what Amazon received."""

import io
import time
from datetime import timedelta
from decimal import Decimal
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import OdooPdfFileReader

from . import order_factory as f
from .test_shipment import DHL_TRACKING, SEND_LOGGERS, ShipmentCommon


def real_pdf(self, report_ref, res_ids=None, data=None):
    """Odoo renders HTML in tests (no wkhtmltopdf): a small real PDF per
    invoice instead, so that the upload path is the production one."""
    from reportlab.pdfgen import canvas

    streams = {}
    for move in self.env["account.move"].browse(res_ids):
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.drawString(72, 720, f"{move.name} {move.amount_total:.2f}")
        page.save()
        streams[move.id] = {"stream": io.BytesIO(buffer.getvalue()), "attachment": None}
    return streams, "pdf"


class InvoiceCommon(ShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the generic chart of the test database: the company's fiscal country
        # is Germany, like its taxes (l10n_de sets it in a real database)
        cls.env.company.account_fiscal_country_id = cls.env.ref("base.de")
        cls.account.write({"invoice_policy": "ship", "invoice_upload": True})
        cls.startClassPatcher(
            __import__("unittest.mock").mock.patch.object(
                type(cls.env["ir.actions.report"]), "_pre_render_qweb_pdf", real_pdf
            )
        )

    def _validate(self, picking, *args, **kwargs):
        """Validated by the warehouse; the invoice follows right after the
        commit (the scheduled action the validation triggers)."""
        picking = super()._validate(picking, *args, **kwargs)
        self.assertFalse(
            self.env["account.move"].search([("amazon_picking_id", "in", picking.ids)]),
            "never inside the warehouse's transaction",
        )
        self._invoice_deliveries()
        return picking

    def _invoice_deliveries(self):
        with mute_logger("odoo.addons.amazon_seller_connector.models.stock_picking"):
            self.env["stock.picking"]._cron_amazon_invoices()

    def _upload(self):
        """The sender runs, Amazon processes the feeds, the sender reads them."""
        with mute_logger(*SEND_LOGGERS):
            self._send()
            self.sim.process_feeds()
            self._send()

    def _invoices(self, record):
        return record.sale_order_id.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice"
        )

    def _uploaded(self, order_id, document_type="Invoice"):
        return [
            i
            for i in self.sim.invoices()
            if i["orderId"] == order_id and i["documentType"] == document_type
        ]

    def _embedded(self, pdf):
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        return dict(reader.getAttachments())


@tagged("post_install", "-at_install")
class TestInvoiceOnShipment(InvoiceCommon):
    def test_fbm_b2c_invoice_posted_on_delivery_and_uploaded_once(self):
        order_id = "302-7000000-0000001"
        record = self._fbm_order(order_id)
        self.assertFalse(self._invoices(record), "nothing before the goods ship")
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        (invoice,) = self._invoices(record)
        sale_order = record.sale_order_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, sale_order.amount_total)
        self.assertEqual(invoice.amount_total, 12.90 * 2 + 24.00)
        self.assertEqual(invoice.partner_id, sale_order.partner_invoice_id)
        self.assertEqual(invoice.ref, order_id)
        self.assertEqual(invoice.invoice_payment_term_id, sale_order.payment_term_id)
        self.assertEqual(invoice.amazon_picking_id, picking)
        self.assertEqual(invoice.amazon_upload_state, "pending")
        self._upload()
        (sent,) = self._uploaded(order_id)
        self.assertEqual(sent["invoiceNumber"], invoice.name)
        self.assertEqual(sent["marketplaceId"], "A1PA6795UKMFR9")
        self.assertEqual(sent["totalAmount"], f"{invoice.amount_total:.2f}")
        self.assertEqual(sent["totalVatAmount"], f"{invoice.amount_tax:.2f}")
        self.assertEqual(sent["feedOptions"]["metadata:documenttype"], "Invoice")
        self.assertTrue(sent["pdf"].startswith(b"%PDF"))
        xml = self._embedded(sent["pdf"])["factur-x.xml"]
        self.assertIn(invoice.name.encode(), xml)
        self.assertIn(b"CrossIndustryInvoice", xml)
        self.assertEqual(invoice.amazon_upload_state, "done")
        self.assertFalse(sent["warnings"], sent["warnings"])
        # retried, clicked again: never twice
        invoice.action_amazon_upload()
        self._upload()
        self.assertEqual(len(self._uploaded(order_id)), 1)

    def test_fba_order_invoiced_on_import(self):
        order_id = "302-7000000-0000002"
        self._import(
            f.order(
                order_id,
                [f.item("SKU-TASSE", 12.90)],
                status="SHIPPED",
                fulfilled_by="AMAZON",
            )
        )
        self._invoice_deliveries()
        record = self._record(order_id)
        (invoice,) = self._invoices(record)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 12.90)
        self._upload()
        self.assertEqual(
            len(self._uploaded(order_id)),
            1,
            invoice.amazon_operation_ids.mapped(lambda o: (o.state, o.answer)),
        )

    def test_business_order_company_vat_and_deadline(self):
        order_id = "302-7000000-0000003"
        record = self._fbm_order(
            order_id,
            [f.item("SKU-TASSE", 11.90, item_id=f"{order_id}-1")],
            company="Muster GmbH",
            vat="DE123456788",
        )
        self.assertTrue(record.is_business)
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        (invoice,) = self._invoices(record)
        partner = invoice.partner_id.commercial_partner_id
        self.assertEqual(partner.name, "Muster GmbH")
        self.assertEqual(partner.vat, "DE123456788")
        self.assertTrue(invoice.amazon_upload_deadline)
        self.assertLessEqual(
            invoice.amazon_upload_deadline - fields.Datetime.now(),
            timedelta(days=3, hours=1),
        )
        self.assertEqual(invoice.amazon_upload_deadline.weekday() < 5, True)
        self.env["account.move"]._cron_upload_deadlines()
        # the deadline is within a business day: due today or tomorrow
        invoice.amazon_upload_deadline = fields.Datetime.now() - timedelta(hours=1)
        self.assertIn(invoice, invoice.search([("amazon_upload_due", "=", True)]))
        self.env["account.move"]._cron_upload_deadlines()
        self.assertIn(
            "Upload the invoice to Amazon", invoice.activity_ids.mapped("summary")
        )
        self._upload()
        self.assertNotIn(invoice, invoice.search([("amazon_upload_due", "=", True)]))

    def test_french_oss_order(self):
        order_id = "302-7000000-0000004"
        self.patch(self.sim, "marketplaces", ("DE", "FR"))  # the seller sells in France
        record = self._fbm_order(
            order_id,
            [f.item("SKU-TASSE", 12.00, rate=20, item_id=f"{order_id}-1")],
            country="FR",
            zip_code="75001",
            city="Paris",
            marketplace="FR",
        )
        picking = record.sale_order_id.picking_ids
        self._validate(picking, tracking=DHL_TRACKING)
        self.assertEqual(picking.state, "done")
        self.assertFalse(record.sale_order_id.activity_ids.mapped("note"))
        (invoice,) = self._invoices(record)
        self.assertEqual(invoice.fiscal_position_id, self.fpos_fr)
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 20)
        self.assertEqual(invoice.amount_total, 12.00)
        self.assertEqual(invoice.amount_tax, 2.00)
        self._upload()
        self.assertEqual(
            invoice.amazon_upload_state, "done", invoice.amazon_upload_answer
        )
        (sent,) = self._uploaded(order_id)
        self.assertEqual(sent["marketplaceId"], "A13V1IB3VIYZZH")

    def test_partial_shipment_invoiced_per_shipment(self):
        order_id = "302-7000000-0000005"
        record = self._fbm_order(order_id)
        first = record.sale_order_id.picking_ids
        self._validate(
            first,
            tracking="00340434160000000071",
            quantities={self.mug: 1, self.book: 0},
        )
        (one,) = self._invoices(record)
        self.assertEqual(one.amount_total, 12.90)
        backorder = record.sale_order_id.picking_ids - first
        self._validate(backorder, tracking="00340434160000000072")
        invoices = self._invoices(record)
        self.assertEqual(len(invoices), 2)
        self.assertAlmostEqual(
            sum(invoices.mapped("amount_total")), record.sale_order_id.amount_total, 2
        )
        self.assertEqual(record.sale_order_id.invoice_status, "invoiced")
        self._upload()
        uploaded = self._uploaded(order_id)
        self.assertEqual(len(uploaded), 2)
        # part invoices carry no order total Amazon could compare
        self.assertFalse(any(u["totalAmount"] for u in uploaded))

    def test_upload_switched_off_sends_nothing(self):
        self.account.invoice_upload = False
        record = self._fbm_order("302-7000000-0000006")
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self.assertEqual(self._invoices(record).state, "posted")
        self._upload()
        self.assertFalse(self.sim.invoices(include_rejected=True))

    def test_marketplace_without_invoice_upload(self):
        """Amazon takes no uploads on Amazon.com.be: nothing is sent, the
        accountant reads why on the invoice."""
        belgium = self.env.ref("amazon_seller_connector.marketplace_be")
        self.account.marketplace_ids = [Command.link(belgium.id)]
        self.patch(self.sim, "marketplaces", ("DE", "BE"))
        record = self._fbm_order(
            "302-7000000-0000007",
            [f.item("SKU-TASSE", 12.90, item_id="BE-1")],
            marketplace="BE",
            country="DE",
        )
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        invoice = self._invoices(record)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amazon_upload_state, "unsupported")
        self.assertIn("Amazon.com.be", invoice.amazon_upload_answer)
        self.assertFalse(invoice.amazon_operation_ids)
        self._upload()
        self.assertFalse(self.sim.invoices(include_rejected=True))

    def test_policy_left_to_the_merchant(self):
        self.account.invoice_policy = "manual"
        record = self._fbm_order("302-7000000-0000007")
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self.assertFalse(self._invoices(record))
        # the merchant invoices: the upload still follows
        invoice = record.sale_order_id._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amazon_binding_id, record)
        self._upload()
        self.assertEqual(len(self._uploaded("302-7000000-0000007")), 1)


@tagged("post_install", "-at_install")
class TestUploadFailures(InvoiceCommon):
    def test_rejected_then_retried_once(self):
        """The Amazon app lacks the Tax Invoicing role: the document shows
        Amazon's refusal; once the role is granted, a retry sends it once."""
        order_id = "302-7100000-0000001"
        record = self._fbm_order(order_id)
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        (invoice,) = self._invoices(record)
        self.sim.invoice_upload = False
        try:
            self._upload()
        finally:
            self.sim.invoice_upload = True
        self.assertEqual(invoice.amazon_upload_state, "error")
        self.assertIn("Tax Invoicing", invoice.amazon_upload_answer)
        self.assertEqual(self.account.state, "linked", "not an authorization problem")
        self.assertTrue(invoice.activity_ids)
        invoice.action_amazon_upload()
        self._upload()
        self.assertEqual(invoice.amazon_upload_state, "done")
        self.assertEqual(len(self._uploaded(order_id)), 1)
        self.assertFalse(invoice.activity_ids, "the to-do is closed once it went")

    def test_lost_answer_resent_counts_as_uploaded(self):
        """createFeed reached Amazon but its answer was lost: the document is
        sent again, Amazon says it has it, and the invoice is uploaded."""
        record = self._fbm_order("302-7000000-0000008")
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        invoice = self._invoices(record)
        self._upload()
        operation = invoice.amazon_operation_ids
        self.assertEqual(operation.state, "done")
        # as if the first feed's answer never came back
        operation.write({"state": "to_send", "feed_id": False, "attempt_count": 1})
        self._upload()
        self.assertEqual(operation.state, "done", operation.answer)
        self.assertIn("already", operation.answer)
        self.assertEqual(invoice.amazon_upload_state, "done")
        self.assertEqual(len(self._uploaded("302-7000000-0000008")), 1)
        rejected = [
            i
            for i in self.sim.invoices(include_rejected=True)
            if i["orderId"] == "302-7000000-0000008"
        ]
        self.assertEqual(len(rejected), 2, "the second feed reached Amazon")

    def test_429_and_outage_uploaded_later_never_twice(self):
        order_id = "302-7100000-0000002"
        record = self._fbm_order(order_id)
        self.sim.inject_fault("createFeed", "status", count=10, status=429)
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self._upload()
        self.assertFalse(self._uploaded(order_id))
        (invoice,) = self._invoices(record)
        self.assertEqual(invoice.amazon_upload_state, "pending")
        self.sim.faults.reset()
        self.sim.down()
        self._upload()
        self.sim.up()
        self._upload()
        self.assertEqual(len(self._uploaded(order_id)), 1)
        self._upload()
        self.assertEqual(len(self.sim.invoices(include_rejected=True)), 1)

    def test_invoice_waits_for_the_shipment_confirmation(self):
        order_id = "302-7100000-0000003"
        record = self._fbm_order(order_id)
        picking = self._validate(record.sale_order_id.picking_ids, tracking="bad#7")
        self._upload()
        self.assertEqual(picking.amazon_confirmation_state, "error")
        self.assertFalse(
            self.sim.invoices(include_rejected=True), "not before Amazon knows"
        )
        (invoice,) = self._invoices(record)
        self.assertIn("shipment confirmation", invoice.amazon_upload_answer)
        picking.carrier_tracking_ref = DHL_TRACKING
        picking.action_amazon_send()
        self._upload()
        self._upload()
        self.assertEqual(len(self._uploaded(order_id)), 1)


@tagged("post_install", "-at_install")
class TestRefunds(InvoiceCommon):
    def _shipped(self, order_id, items=None):
        record = self._fbm_order(order_id, items)
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self._upload()
        return record

    def _read_refunds(self):
        with mute_logger(*SEND_LOGGERS):
            return self.account._amazon_read_refunds()

    def _refund(self, order_id, **values):
        """A refund Amazon posted ten minutes ago."""
        return self.sim.add_refund(order_id, posted=time.time() - 600, **values)

    def test_full_refund_with_shipping(self):
        order_id = "302-7200000-0000001"
        record = self._shipped(
            order_id,
            [f.item("SKU-TASSE", 12.90, quantity=2, shipping=4.90, item_id="R1-1")],
        )
        refund = self._refund(order_id, kind="full")
        (created,) = self._read_refunds()
        self.assertEqual(created.transaction_id, refund["transactionId"])
        credit = created.credit_note_id
        self.assertEqual(created.state, "done", created.reason)
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.amount_total, 30.70)
        # the order stays invoiced: nothing of it is billed again
        self.assertEqual(record.sale_order_id.invoice_status, "invoiced")
        self.assertEqual(credit.reversed_entry_id, self._invoices(record))
        self.assertEqual(
            sorted(credit.invoice_line_ids.mapped("product_id").ids),
            sorted((self.mug | self.account.shipping_product_id).ids),
        )
        self.assertEqual(
            credit.invoice_line_ids.filtered(
                lambda line: line.product_id == self.mug
            ).tax_ids,
            record.sale_order_id.order_line.filtered(
                lambda line: line.product_id == self.mug
            ).tax_ids,
        )
        self._upload()
        (sent,) = self._uploaded(order_id, "CreditNote")
        self.assertEqual(sent["transactionId"], refund["transactionId"])
        self.assertEqual(sent["invoiceNumber"], credit.name)
        self.assertEqual(
            Decimal(sent["totalAmount"]), Decimal(sent["expectedTotalAmount"])
        )
        # read twice: one record, one credit note
        self.assertFalse(self._read_refunds())
        self.assertEqual(
            self.env["amazon.seller.refund"].search_count(
                [("transaction_id", "=", refund["transactionId"])]
            ),
            1,
        )

    def test_partial_refund_of_one_item(self):
        order_id = "302-7200000-0000002"
        self._shipped(order_id)
        self._refund(order_id, kind="item", items={f"{order_id}-1": 1})
        (created,) = self._read_refunds()
        self.assertEqual(created.state, "done", created.reason)
        self.assertEqual(created.credit_note_id.amount_total, 12.90)
        line = created.credit_note_id.invoice_line_ids
        self.assertEqual((line.product_id, line.quantity), (self.mug, 1))

    def test_returned_items_received_back(self):
        """With returns on: each refund of a unit gives a return of that unit,
        a second refund of the next unit returns what is left."""
        self.account.refund_return = True
        order_id = "302-7200000-0000013"
        record = self._shipped(order_id)
        delivery = record.sale_order_id.picking_ids
        for _number in range(2):
            self._refund(order_id, kind="item", items={f"{order_id}-1": 1})
            (refund,) = self._read_refunds()
            self.assertEqual(refund.state, "done", refund.reason)
            self.assertEqual(refund.lines_data[0]["quantity"], 1, refund.lines_data)
        returns = delivery.return_ids
        self.assertEqual(
            len(returns), 2, record.sale_order_id.activity_ids.mapped("note")
        )
        self.assertEqual(set(returns.mapped("picking_type_code")), {"incoming"})
        self.assertEqual(returns.move_ids.product_id, self.mug)
        self.assertEqual(sum(returns.move_ids.mapped("product_uom_qty")), 2)
        # a third refund of the same item: nothing left to return
        self._refund(order_id, kind="item", items={f"{order_id}-1": 1})
        self._read_refunds()
        self.assertEqual(len(delivery.return_ids), 2)

    def test_refund_with_restocking_fee(self):
        order_id = "302-7200000-0000003"
        self._shipped(order_id, [f.item("SKU-TASSE", 30.00, item_id="R3-1")])
        refund = self._refund(order_id, kind="full", restocking_fee=Decimal("4.50"))
        (created,) = self._read_refunds()
        self.assertEqual(created.restocking_fee, 4.50)
        self.assertEqual(created.credit_note_id.amount_total, 25.50)
        self._upload()
        (sent,) = self._uploaded(order_id, "CreditNote")
        self.assertEqual(sent["totalAmount"], "25.50")
        self.assertEqual(sent["expectedTotalAmount"], "25.50")
        self.assertEqual(sent["transactionId"], refund["transactionId"])

    def test_one_failing_refund_never_stops_the_others(self):
        self._shipped("302-7200000-0000011")
        self._shipped("302-7200000-0000012")
        self._refund("302-7200000-0000011", kind="full")
        self._refund("302-7200000-0000012", kind="full")
        Refund = type(self.env["amazon.seller.refund"])
        original = Refund._amazon_credit

        def broken(refund):
            if refund.amazon_order_id == "302-7200000-0000011":
                raise RuntimeError("broken")
            return original(refund)

        with patch.object(Refund, "_amazon_credit", broken):
            created = self._read_refunds()
        self.assertEqual(len(created), 2)
        failed = created.filtered(lambda r: r.amazon_order_id.endswith("11"))
        self.assertEqual(failed.state, "error")
        self.assertEqual(failed.reason, "Unexpected error (RuntimeError).")
        other = created - failed
        self.assertEqual(other.state, "done", other.reason)
        self.assertTrue(other.credit_note_id)
        self.assertTrue(self.account.refunds_read_until, "the window moved on")
        failed.action_retry()
        self.assertEqual(failed.state, "done", failed.reason)

    def test_refund_before_the_invoice_waits(self):
        order_id = "302-7200000-0000004"
        self.account.invoice_policy = "manual"
        record = self._fbm_order(order_id)
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self._send()
        self._refund(order_id, kind="item", items={f"{order_id}-2": 1})
        (created,) = self._read_refunds()
        self.assertEqual(created.state, "waiting")
        self.assertIn("No posted invoice", created.reason)
        invoice = record.sale_order_id._create_invoices()
        invoice.action_post()
        self._read_refunds()
        self.assertEqual(created.state, "done")
        self.assertEqual(created.credit_note_id.amount_total, 24.00)
        self.assertEqual(created.credit_note_id.reversed_entry_id, invoice)

    def test_refund_of_a_cancelled_order_is_recorded(self):
        order_id = "302-7200000-0000005"
        self.account.invoice_policy = "manual"
        record = self._fbm_order(order_id)
        record.sale_order_id._action_cancel()
        self.sim.update_order(
            order_id,
            fulfillment={"fulfillmentStatus": "SHIPPED", "fulfilledBy": "MERCHANT"},
        )
        self._refund(order_id, kind="full")
        (created,) = self._read_refunds()
        self.assertEqual(created.state, "skipped")
        self.assertIn("cancelled", created.reason)
        self.assertFalse(created.credit_note_id)

    def test_credit_notes_left_as_drafts(self):
        self.account.refund_post = False
        order_id = "302-7200000-0000006"
        self._shipped(order_id)
        self._refund(order_id, kind="full")
        (created,) = self._read_refunds()
        self.assertEqual(created.credit_note_id.state, "draft")
        self._upload()
        self.assertFalse(self._uploaded(order_id, "CreditNote"), "drafts are not sent")
