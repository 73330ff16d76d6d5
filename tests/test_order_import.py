# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amazon orders become exact sale orders (against the offline simulator)."""

from odoo.tests import tagged

from .. import const
from . import order_factory as f
from .common import AmazonImportCommon


@tagged("post_install", "-at_install")
class TestOrderImport(AmazonImportCommon):
    def _lines(self, sale_order):
        return [
            (line.product_id, line.product_uom_qty, line.price_unit, line.tax_ids)
            for line in sale_order.order_line
        ]

    def test_fbm_order(self):
        self._import(
            f.order(
                "302-0000001-0000001", [f.item("SKU-TASSE", 12.90, 2, shipping=4.99)]
            )
        )
        record = self._record("302-0000001-0000001")
        so = record.sale_order_id
        self.assertEqual(record.state, "imported", record.reason)
        self.assertEqual(so.state, "sale")
        self.assertEqual(so.amount_total, 30.79)
        self.assertEqual(record.amazon_total, 30.79)
        tax = so.order_line[0].tax_ids
        self.assertEqual(tax.amount, 19)
        self.assertTrue(tax.price_include)
        self.assertEqual(
            self._lines(so),
            [
                (self.mug, 2, 12.90, tax),
                (self.account.shipping_product_id, 1, 4.99, tax),
            ],
        )
        self.assertAlmostEqual(so.amount_tax, 4.92)  # 25.80 -> 4.12, 4.99 -> 0.80
        self.assertEqual(so.client_order_ref, "302-0000001-0000001")
        self.assertEqual(so.amazon_order_id, "302-0000001-0000001")
        self.assertEqual(so.amazon_fulfillment_channel, "fbm")
        self.assertEqual(str(so.date_order), "2026-11-20 09:00:00")
        self.assertEqual(so.payment_term_id.name, "Amazon")
        self.assertEqual(so.source_id.name, "Amazon")
        self.assertEqual(so.tag_ids.mapped("name"), ["Amazon"])
        self.assertEqual(so.partner_id.name, "Erika Mustermann")
        self.assertEqual(so.partner_id.category_id.mapped("name"), ["Amazon"])
        self.assertEqual(so.partner_shipping_id.street, "Musterstraße 12a")
        self.assertEqual(so.partner_shipping_id.country_id.code, "DE")
        self.assertEqual(
            so.warehouse_id,
            self.env["stock.warehouse"].search(
                [("company_id", "=", self.company.id)], limit=1
            ),
        )
        self.assertEqual(so.picking_ids.move_ids.product_uom_qty, 2)
        self.assertIn(
            "/orders-v3/order/302-0000001-0000001", so.amazon_seller_central_url
        )

    def test_items_promotion_shipping_discount(self):
        self._import(
            f.order(
                "302-0000002-0000002",
                [
                    f.item("SKU-TASSE", 12.90, 3, promotion=3.00),
                    f.item(
                        "4006381333931",
                        24.00,
                        1,
                        rate=7,
                        shipping=3.99,
                        shipping_discount=3.99,
                    ),
                ],
            )
        )
        so = self._record("302-0000002-0000002").sale_order_id
        # 38.70 - 3.00 + 24.00 + 3.99 - 3.99 = 59.70
        self.assertEqual(so.amount_total, 59.70)
        discount = self.account.discount_product_id
        lines = {(line.product_id, line.price_unit) for line in so.order_line}
        self.assertIn((self.mug, 12.90), lines)
        self.assertIn((self.book, 24.00), lines)
        self.assertIn((discount, -3.00), lines)
        self.assertIn((discount, -3.99), lines)
        book_line = so.order_line.filtered(lambda line: line.product_id == self.book)
        self.assertEqual(book_line.tax_ids.amount, 7)
        shipping_discount = so.order_line.filtered(
            lambda line: line.price_unit == -3.99
        )
        self.assertEqual(shipping_discount.tax_ids.amount, 7)

    def test_gift_wrap_and_cash_on_delivery(self):
        self._import(
            f.order(
                "302-0000003-0000003",
                [
                    f.item(
                        "SKU-TASSE",
                        12.90,
                        1,
                        gift_wrap=3.99,
                        cod=5.00,
                        gift_message="Alles Gute!",
                    )
                ],
            )
        )
        record = self._record("302-0000003-0000003")
        so = record.sale_order_id
        self.assertEqual(so.amount_total, 21.89)
        self.assertEqual(so.amazon_gift_message, "Alles Gute!")
        products = so.order_line.mapped("product_id")
        self.assertIn(self.account.gift_wrap_product_id, products)
        self.assertIn(self.account.cod_fee_product_id, products)

    def test_quantity_not_divisible(self):
        """10.00 for 3 units: 2 x 3.33 + 1 x 3.34, the total stays exact."""
        payload = f.order("302-0000004-0000004", [f.item("SKU-TASSE", 3.33, 3)])
        item = payload["orderItems"][0]
        item["proceeds"] = f.money_mod.item_proceeds(
            {"ITEM": f.Decimal("10.00")}, {}, 19, "EUR"
        )
        payload["proceeds"] = f.money_mod.order_proceeds([item], "EUR")
        self._import(payload)
        so = self._record("302-0000004-0000004").sale_order_id
        self.assertEqual(so.amount_total, 10.00)
        self.assertEqual(sum(so.order_line.mapped("product_uom_qty")), 3)

    def test_business_order_with_vat(self):
        self._import(
            f.order(
                "302-0000005-0000005",
                [f.item("SKU-TASSE", 119.00, 1)],
                company="Beispiel Handel GmbH",
                vat="DE123456788",
                name="Max Einkauf",
            )
        )
        so = self._record("302-0000005-0000005").sale_order_id
        self.assertTrue(so.partner_id.is_company)
        self.assertEqual(so.partner_id.name, "Beispiel Handel GmbH")
        self.assertEqual(so.partner_id.vat, "DE123456788")
        self.assertEqual(so.amount_total, 119.00)

    def test_other_marketplace_oss(self):
        """Delivery to France: OSS fiscal position, French VAT, exact total."""
        self._import(
            f.order(
                "171-0000006-0000006",
                [f.item("SKU-TASSE", 14.90, 1, rate=20, shipping=4.90)],
                marketplace="FR",
                name="Jean Dupont",
                street="12 rue de la Paix",
                zip_code="75002",
                city="Paris",
                country="FR",
                email="jd@marketplace.amazon.fr",
            )
        )
        so = self._record("171-0000006-0000006").sale_order_id
        self.assertEqual(so.fiscal_position_id, self.fpos_fr)
        self.assertEqual(so.order_line.mapped("tax_ids").amount, 20)
        self.assertEqual(so.amount_total, 19.80)
        self.assertEqual(so.amazon_marketplace_id.code, "FR")

    def test_other_currency(self):
        self._import(
            f.order(
                "405-0000007-0000007",
                [f.item("SKU-TASSE", 59.99, 1, rate=23, currency="PLN")],
                marketplace="PL",
                currency="PLN",
                country="PL",
                city="Warszawa",
                zip_code="00-001",
            )
        )
        record = self._record("405-0000007-0000007")
        so = record.sale_order_id
        self.assertEqual(so.currency_id.name, "PLN")
        self.assertEqual(so.amount_total, 59.99)
        # No Polish VAT in this company: flagged, never a wrong total.
        self.assertEqual(record.state, "review")
        self.assertIn("No sales tax", record.reason)

    def test_unknown_sku_then_assignment(self):
        self._import(
            f.order(
                "302-0000008-0000008",
                [f.item("ALT-99999", 9.90, 1, title="Restposten")],
            )
        )
        record = self._record("302-0000008-0000008")
        so = record.sale_order_id
        self.assertEqual(record.state, "review")
        self.assertTrue(record.unknown_sku)
        self.assertIn("ALT-99999", record.reason)
        self.assertEqual(so.state, "draft", "an unknown article is not shipped")
        line = so.order_line
        self.assertEqual(line.product_id, self.account.fallback_product_id)
        self.assertEqual(line.name, "[ALT-99999] Restposten")
        self.assertEqual(so.amount_total, 9.90)
        line.product_id = self.mug
        self.assertEqual(self.account.sku_ids.product_id, self.mug)
        self.assertFalse(so.amazon_unknown_sku)
        so.action_confirm()
        record.action_mark_reviewed()
        self.assertEqual(record.state, "imported")
        self._import(f.order("302-0000009-0000009", [f.item("ALT-99999", 9.90, 1)]))
        self.assertEqual(
            self._record("302-0000009-0000009").sale_order_id.order_line.product_id,
            self.mug,
        )

    def test_fba_order(self):
        carrier = self.env.ref("delivery.free_delivery_carrier")
        self.account.carrier_id = carrier
        self._import(
            f.order(
                "302-0000010-0000010",
                [f.item("SKU-TASSE", 12.90, 1)],
                status="SHIPPED",
                fulfilled_by="AMAZON",
            )
        )
        so = self._record("302-0000010-0000010").sale_order_id
        self.assertEqual(so.amazon_fulfillment_channel, "fba")
        self.assertTrue(self.account.fba_warehouse_id)
        self.assertEqual(so.warehouse_id, self.account.fba_warehouse_id)
        self.assertEqual(so.picking_ids.state, "done")
        self.assertEqual(so.order_line.qty_delivered, 1)
        # Amazon shipped it: no label with the shop's carrier
        self.assertFalse(so.carrier_id)
        self.assertFalse(so.picking_ids.carrier_id)
        self._import(f.order("302-0000010-0000099", [f.item("SKU-TASSE", 12.90, 1)]))
        fbm = self._record("302-0000010-0000099").sale_order_id
        self.assertEqual(fbm.carrier_id, carrier, "the shop ships FBM orders")

    def test_fba_unshipped_and_pending_wait(self):
        self._import(
            f.order(
                "302-0000011-0000011",
                [f.item("SKU-TASSE", 12.90)],
                status="UNSHIPPED",
                fulfilled_by="AMAZON",
            ),
            f.order(
                "302-0000012-0000012", [f.item("SKU-TASSE", 12.90)], status="PENDING"
            ),
        )
        for order_id in ("302-0000011-0000011", "302-0000012-0000012"):
            record = self._record(order_id)
            self.assertEqual(record.state, "waiting")
            self.assertFalse(record.sale_order_id)
        self.sim.update_order(
            "302-0000012-0000012", fulfillment={"fulfillmentStatus": "UNSHIPPED"}
        )
        self._import()
        self.assertEqual(self._record("302-0000012-0000012").state, "imported")

    def test_cancelled_before_import(self):
        self._import(
            f.order(
                "302-0000013-0000013", [f.item("SKU-TASSE", 12.90)], status="CANCELLED"
            )
        )
        record = self._record("302-0000013-0000013")
        self.assertEqual(record.state, "cancelled")
        self.assertFalse(record.sale_order_id)

    def test_cancelled_after_import(self):
        self._import(f.order("302-0000014-0000014", [f.item("SKU-TASSE", 12.90)]))
        so = self._record("302-0000014-0000014").sale_order_id
        self._import(
            f.order(
                "302-0000014-0000014",
                [f.item("SKU-TASSE", 12.90)],
                status="CANCELLED",
                updated="2026-11-21T10:00:00Z",
            )
        )
        record = self._record("302-0000014-0000014")
        self.assertEqual(record.state, "cancelled")
        self.assertEqual(so.state, "cancel")
        self.assertEqual(len(record), 1)

    def test_cancelled_after_delivery_goes_to_review(self):
        self._import(f.order("302-0000015-0000015", [f.item("SKU-TASSE", 12.90)]))
        so = self._record("302-0000015-0000015").sale_order_id
        picking = so.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        self._import(
            f.order(
                "302-0000015-0000015",
                [f.item("SKU-TASSE", 12.90)],
                status="CANCELLED",
                updated="2026-11-21T10:00:00Z",
            )
        )
        record = self._record("302-0000015-0000015")
        self.assertEqual(record.state, "review")
        self.assertEqual(so.state, "sale")
        self.assertTrue(so.activity_ids)

    def test_update_of_imported_order(self):
        payload = f.order("302-0000016-0000016", [f.item("SKU-TASSE", 12.90)])
        self._import(payload)
        self._import(
            f.order(
                "302-0000016-0000016",
                [f.item("SKU-TASSE", 12.90)],
                status="SHIPPED",
                updated="2026-11-22T10:00:00Z",
            )
        )
        records = self._record("302-0000016-0000016")
        self.assertEqual(len(records), 1)
        self.assertEqual(records.amazon_status, "SHIPPED")
        self.assertEqual(records.state, "imported")
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("amazon_order_id", "=", "302-0000016-0000016")]
            ),
            1,
        )

    def test_total_mismatch_goes_to_review(self):
        payload = f.order("302-0000017-0000017", [f.item("SKU-TASSE", 12.90)])
        payload["proceeds"]["grandTotal"]["amount"] = "13.90"
        self._import(payload)
        record = self._record("302-0000017-0000017")
        self.assertEqual(record.state, "review")
        self.assertTrue(record.total_mismatch)
        self.assertIn("12.9", record.reason)
        self.assertIn("13.9", record.reason)

    def test_official_samples(self):
        """Amazon's own v2026 examples import without losing an order."""
        sample = f.sample_orders()
        self.assertEqual(len(sample), 8)
        self.account.import_orders_since = False  # the samples are from 2025
        outcomes = self.env["amazon.seller.order"]._amazon_process_payloads(
            self.account, sample
        )
        self.assertEqual(outcomes["error"], 0)
        for payload in sample:
            record = self._record(payload["orderId"])
            fulfillment = payload.get("fulfillment", {})
            action = const.status_action(
                fulfillment.get("fulfilledBy"), fulfillment.get("fulfillmentStatus")
            )
            with self.subTest(order=payload["orderId"], action=action):
                self.assertTrue(record)
                self.assertNotEqual(record.state, "error", record.reason)
                if action == const.IMPORT:
                    self.assertTrue(record.sale_order_id, record.reason)
                    self.assertEqual(
                        record.sale_order_id.amount_total, record.amazon_total
                    )
                elif action == const.WAIT:
                    self.assertEqual(record.state, "waiting")
                    self.assertFalse(record.sale_order_id)
                elif action == const.CANCEL:
                    self.assertEqual(record.state, "cancelled")
        self.assertTrue(
            any(self._record(p["orderId"]).sale_order_id for p in sample),
            "at least one official sample becomes a sale order",
        )

    def test_business_vat_without_prefix_or_invalid(self):
        """A VAT id without country prefix is completed; an invalid one never
        stops the order."""
        self._import(
            f.order(
                "302-0000018-0000018",
                [f.item("SKU-TASSE", 11.90)],
                company="Prefix GmbH",
                vat="123456788",
                email="p@marketplace.amazon.de",
            ),
            f.order(
                "302-0000019-0000019",
                [f.item("SKU-TASSE", 11.90)],
                company="Falsch UG",
                vat="000095418",
                email="f@marketplace.amazon.de",
            ),
        )
        good = self._record("302-0000018-0000018")
        self.assertEqual(good.sale_order_id.partner_id.vat, "DE123456788")
        bad = self._record("302-0000019-0000019")
        self.assertEqual(bad.state, "review")
        self.assertIn("VAT id is not valid", bad.reason)
        self.assertNotIn("000095418", bad.reason, "no buyer data in reasons")
        self.assertFalse(bad.sale_order_id.partner_id.vat)
        self.assertEqual(bad.sale_order_id.state, "sale")

    def test_orders_created_before_start_are_left_alone(self):
        payload = f.order("302-0000020-0000020", [f.item("SKU-TASSE", 12.90)])
        payload["createdTime"] = "2026-10-01T09:00:00Z"  # before 2026-11-01
        self._import(payload)
        self.assertFalse(self._record("302-0000020-0000020"))
