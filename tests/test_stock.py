# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amazon's stock: merchant quantities pushed per offer as the stock changes,
the nightly reconcile through the listings feed, offers read from Amazon
(issue "Keep Amazon's stock right"). Each test asserts what Amazon holds."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .test_shipment import SEND_LOGGERS, ShipmentCommon

MERCHANT = "DEFAULT"


class StockCommon(ShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.pot = Product.create(
            {"name": "Teekanne", "default_code": "SKU-KANNE", "is_storable": True}
        )
        cls.board = Product.create(
            {
                "name": "Schneidebrett",
                "barcode": "4012345678901",
                "is_storable": True,
            }
        )
        cls.fba_product = Product.create(
            {"name": "Thermoskanne", "default_code": "SKU-FBA", "is_storable": True}
        )
        cls.both_product = Product.create(
            {"name": "Brotdose", "default_code": "SKU-BEIDE", "is_storable": True}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.account.write(
            {
                "stock_sync": True,
                "warehouse_id": cls.warehouse.id,
                "marketplace_ids": [
                    Command.set(
                        cls.env.ref("amazon_seller_connector.marketplace_de").ids
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        for sku in ("SKU-TASSE", "SKU-KANNE", "4012345678901"):
            self.sim.add_listing(sku, quantity=0, product_type="KITCHEN")
        self.sim.add_listing("SKU-FBA", amazon_quantity=30, product_type="KITCHEN")
        self.sim.add_listing(
            "SKU-BEIDE", quantity=2, amazon_quantity=10, product_type="KITCHEN"
        )
        self.sim.add_listing("SKU-UNBEKANNT", quantity=4, title="Fremdes Angebot")

    # -- helpers ---------------------------------------------------------------
    def _read_offers(self):
        with mute_logger(*SEND_LOGGERS):
            self.assertTrue(self.account._amazon_read_listings())
        return self.env["amazon.seller.sku"].search(
            [("account_id", "=", self.account.id)]
        )

    def _offer(self, sku):
        return self.env["amazon.seller.sku"].search(
            [("account_id", "=", self.account.id), ("sku", "=", sku)]
        )

    def _stock(self, product, quantity, location=None):
        self.env["stock.quant"]._update_available_quantity(
            product, location or self.stock, quantity
        )

    def _sync(self):
        """The stock changes have settled: the sender runs."""
        self.env.cr.flush()  # the commit's hooks mark the offers
        self.env["amazon.seller.sku"].search([("stock_dirty", "=", True)]).write(
            {"stock_changed_at": fields.Datetime.now() - timedelta(minutes=5)}
        )
        self._send()

    def _amazon(self, sku, channel=MERCHANT):
        listing = self.sim.listing(sku)
        for entry in listing.get("fulfillmentAvailability") or ():
            if entry["fulfillmentChannelCode"] == channel:
                return entry.get("quantity")
        return None

    def _patches(self, sku=None):
        return [
            s
            for s in self.sim.listing_submissions()
            if s["source"] == "patchListingsItem" and (sku is None or s["sku"] == sku)
        ]


@tagged("post_install", "-at_install")
class TestOffersFromAmazon(StockCommon):
    def test_listings_become_offers_matched_like_orders(self):
        # an assignment made by the order import is kept
        self.env["amazon.seller.sku"]._amazon_assign(
            self.account, "SKU-KANNE", self.pot
        )
        offers = self._read_offers()
        self.assertEqual(self._offer("SKU-KANNE").product_id, self.pot, "assignment")
        self.assertEqual(self._offer("SKU-TASSE").product_id, self.mug, "reference")
        self.assertEqual(self._offer("4012345678901").product_id, self.board, "barcode")
        unknown = self._offer("SKU-UNBEKANNT")
        self.assertFalse(unknown.product_id)
        self.assertEqual(unknown.title, "Fremdes Angebot")
        self.assertEqual(unknown.quantity_amazon, 4)
        self.assertIn(unknown, offers.search([("product_id", "=", False)]))
        self.assertEqual(self._offer("SKU-FBA").fulfillment_channel, "amazon")
        self.assertEqual(self._offer("SKU-FBA").quantity_fba, 30)
        both = self._offer("SKU-BEIDE")
        self.assertEqual(both.fulfillment_channel, "both")
        self.assertEqual(both.product_type, "KITCHEN")
        self.assertEqual(both.marketplace_ids.amazon_marketplace_id, "A1PA6795UKMFR9")
        # read twice: each SKU once
        count = len(offers)
        self.assertEqual(len(self._read_offers()), count)
        self.assertEqual(
            self.account.offer_unassigned_count,
            len(offers.filtered(lambda o: not o.product_id)),
        )

    def test_more_than_amazons_thousand_results(self):
        for number in range(1030):
            self.sim.add_listing(f"SKU-VIEL-{number:04d}", quantity=1)
            self.clock.advance(1)
        offers = self._read_offers()
        self.assertEqual(
            len(offers.filtered(lambda o: o.sku.startswith("SKU-VIEL-"))), 1030
        )

    def test_assigning_a_product_to_an_unknown_listing(self):
        self._read_offers()
        unknown = self._offer("SKU-UNBEKANNT")
        self._stock(self.pot, 6)
        unknown.product_id = self.pot
        self._sync()
        self.assertEqual(self._amazon("SKU-UNBEKANNT"), 6)


@tagged("post_install", "-at_install")
class TestStockPush(StockCommon):
    def setUp(self):
        super().setUp()
        self._read_offers()

    def test_sale_receipt_cancel_and_buffer(self):
        self._stock(self.mug, 10)
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 10)
        # a sale in Odoo (any channel) reserves 3
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Laden"}).id,
                "order_line": [
                    Command.create({"product_id": self.mug.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 7)
        # a receipt of 5
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.mug.id,
                            "product_uom_qty": 5,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.stock.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.quantity = 5
        receipt.move_ids.picked = True
        receipt.button_validate()
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 12)
        # the order is cancelled: its 3 come back
        order._action_cancel()
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 15)
        # a buffer of 4 on the account
        self.account.stock_buffer = 4
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 11)
        offer = self._offer("SKU-TASSE")
        self.assertEqual((offer.quantity_sent, offer.quantity_odoo), (11, 11))
        # more buffer than stock: never below zero
        offer.write(
            {"own_stock_settings": True, "stock_buffer": 40, "handling_days": 3}
        )
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 0)
        last = self._patches("SKU-TASSE")[-1]
        self.assertEqual(
            last["patches"][0]["value"],
            [
                {
                    "fulfillment_channel_code": "DEFAULT",
                    "quantity": 0,
                    "lead_time_to_ship_max_days": 3,
                }
            ],
        )

    def test_two_merchant_warehouses(self):
        second = self.env["stock.warehouse"].create(
            {"name": "Außenlager", "code": "AUS"}
        )
        self._stock(self.mug, 4)
        self._stock(self.mug, 6, second.lot_stock_id)
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 4, "only the account's warehouse")
        self.account.stock_warehouse_ids = self.warehouse | second
        self._offer("SKU-TASSE").action_send_stock()
        self._send()
        self.assertEqual(self._amazon("SKU-TASSE"), 10)

    def test_archived_product_goes_to_zero(self):
        self._stock(self.pot, 5)
        self._sync()
        self.assertEqual(self._amazon("SKU-KANNE"), 5)
        self.pot.product_tmpl_id.active = False
        self._sync()
        self.assertEqual(self._amazon("SKU-KANNE"), 0)

    def test_fba_offer_untouched_and_both_ways_only_merchant(self):
        self._stock(self.fba_product, 8)
        self._stock(self.both_product, 9)
        self._sync()
        self.assertFalse(self._patches("SKU-FBA"), "FBA is Amazon's")
        self.assertEqual(self._amazon("SKU-FBA", "AMAZON_EU"), 30)
        self.assertEqual(self._amazon("SKU-BEIDE"), 9)
        self.assertEqual(self._amazon("SKU-BEIDE", "AMAZON_EU"), 10, "FBA channel kept")

    def test_fifty_moves_one_update_unchanged_sends_nothing(self):
        for _number in range(50):
            self._stock(self.mug, 1)
            self.env.cr.flush()  # each move its own transaction
        self._stock(self.mug, -8)
        self._sync()
        patches = self._patches("SKU-TASSE")
        self.assertEqual(len(patches), 1, "coalesced")
        self.assertEqual(self._amazon("SKU-TASSE"), 42)
        # reserved and released again: the same quantity, nothing sent
        self.env["stock.quant"]._update_reserved_quantity(self.mug, self.stock, 2)
        self.env.cr.flush()
        self.env["stock.quant"]._update_reserved_quantity(self.mug, self.stock, -2)
        self._sync()
        self.assertEqual(len(self._patches("SKU-TASSE")), 1)
        self.assertFalse(self._offer("SKU-TASSE").stock_dirty)

    def test_old_stock_updates_cleaned_offer_keeps_the_last(self):
        self._stock(self.mug, 5)
        self._sync()
        offer = self._offer("SKU-TASSE")
        (done,) = offer.operation_ids
        self.assertEqual(done.state, "done")
        self.env.cr.execute(
            "UPDATE amazon_seller_operation SET write_date = now() - interval "
            "'31 days' WHERE id = %s",
            [done.id],
        )
        done.invalidate_recordset()
        Operation = self.env["amazon.seller.operation"]
        self.assertEqual(Operation._amazon_clean_stock_history(), 1)
        self.assertFalse(done.exists())
        self.assertEqual((offer.quantity_sent, offer.quantity_amazon), (5, 5))

    def test_throttled_and_outage_send_the_latest_quantity(self):
        self._stock(self.mug, 5)
        self.sim.inject_fault("patchListingsItem", "status", count=30, status=429)
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 0, "not through yet")
        self._stock(self.mug, 2)  # a newer quantity while Amazon is busy
        self.sim.faults.reset()
        self.sim.down()
        self._sync()
        self.sim.up()
        self._stock(self.mug, 1)
        self._sync()
        self._send()
        self.assertEqual(self._amazon("SKU-TASSE"), 8)
        accepted = [p for p in self._patches("SKU-TASSE") if p["status"] == "ACCEPTED"]
        sent = [p["patches"][0]["value"][0]["quantity"] for p in accepted]
        self.assertEqual(
            sent, sorted(sent), "never an older quantity after a newer one"
        )
        operations = self._offer("SKU-TASSE").operation_ids
        self.assertLessEqual(len(operations), 2)

    def test_invalid_answer_on_the_offer(self):
        self.sim.listings_store.unknown_sku = "invalid"
        self.sim.listings_store.items.pop("SKU-KANNE")  # deleted in Seller Central
        self._stock(self.pot, 3)
        with mute_logger(*SEND_LOGGERS):
            self._sync()
        offer = self._offer("SKU-KANNE")
        self.assertIn("does not match any listing", offer.stock_error)
        self.assertEqual(offer.operation_ids.state, "error")
        self.assertIn(offer, offer.search([("stock_error", "!=", False)]))

    def test_delivery_validation_lowers_amazon(self):
        self._stock(self.mug, 10)
        self._sync()
        record = self._fbm_order(
            "302-6500000-0000001", [self._item("SKU-TASSE", 2, "S-1")]
        )
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 8, "reserved by the Amazon order")
        self._validate(
            record.sale_order_id.picking_ids, tracking="00340434160000000061"
        )
        self._sync()
        self.assertEqual(self._amazon("SKU-TASSE"), 8, "shipped: on hand 8, free 8")
        self.assertEqual(
            self.mug.with_context(warehouse_id=self.warehouse.id).qty_available, 8
        )

    def _item(self, sku, quantity, item_id):
        from . import order_factory as f

        return f.item(sku, 12.90, quantity=quantity, item_id=item_id)


@tagged("post_install", "-at_install")
class TestStockReconcile(StockCommon):
    def setUp(self):
        super().setUp()
        self._read_offers()
        self._stock(self.mug, 7)
        self._stock(self.pot, 3)
        self._sync()

    def _reconcile(self):
        with mute_logger(*SEND_LOGGERS):
            operations = self.account._amazon_reconcile_stock()
            self._send()
            self.sim.process_feeds()
            self._send()
        return operations

    def test_hand_change_in_seller_central_corrected(self):
        self.sim.set_quantity("SKU-TASSE", 99)
        (feed,) = self._reconcile()
        self.assertEqual(feed.state, "done", feed.answer)
        self.assertEqual(self._amazon("SKU-TASSE"), 7)
        self.assertEqual(self._amazon("SKU-KANNE"), 3)
        self.assertIn("accepted", feed.processing_report)
        self.assertEqual(self._amazon("SKU-FBA", "AMAZON_EU"), 30, "FBA untouched")
        skus = {e[1] for e in __import__("json").loads(feed.payload)["offers"]}
        self.assertNotIn("SKU-FBA", skus)

    def test_invalid_sku_marked_rest_applied(self):
        self.sim.listings_store.unknown_sku = "invalid"
        self.sim.listings_store.items.pop("SKU-KANNE")
        self.sim.set_quantity("SKU-TASSE", 50)
        (feed,) = self._reconcile()
        self.assertEqual(feed.state, "done")
        self.assertEqual(self._amazon("SKU-TASSE"), 7, "the rest is applied")
        self.assertIn(
            "does not match any listing", self._offer("SKU-KANNE").stock_error
        )
        self.assertFalse(self._offer("SKU-TASSE").stock_error)

    def test_fatal_feed_is_sent_again(self):
        self.sim.set_quantity("SKU-TASSE", 50)
        self.sim.fail_listings_feeds(1)
        (feed,) = self._reconcile()
        self.assertEqual(feed.state, "to_send")
        self.assertEqual(feed.attempt_count, 1)
        self.assertIn("FATAL", feed.answer)
        with mute_logger(*SEND_LOGGERS):
            self._send()
            self.sim.process_feeds()
            self._send()
        self.assertEqual(feed.state, "done")
        self.assertEqual(self._amazon("SKU-TASSE"), 7)

    def test_update_held_while_the_feed_waits_then_newest_wins(self):
        """A feed with the 02:00 quantities waits at Amazon; a sale in the
        meantime is sent after it, so Amazon ends with the newer quantity."""
        patched = len(self._patches("SKU-TASSE"))  # the set-up's
        with mute_logger(*SEND_LOGGERS):
            (feed,) = self.account._amazon_reconcile_stock()
            self._send()
        self.assertEqual(feed.state, "sent")
        self._stock(self.mug, -2)  # 5 left, while the feed (7) waits
        self._sync()
        (update,) = self._offer("SKU-TASSE").operation_ids.filtered(
            lambda o: o.kind == "stock_quantity" and o.state != "done"
        )
        self.assertEqual(update.state, "to_send")
        self.assertIn("stock feed", update.answer)
        self.assertEqual(len(self._patches("SKU-TASSE")), patched, "held")
        with mute_logger(*SEND_LOGGERS):
            self.sim.process_feeds()
            self._send()
            self._send()
        self.assertEqual(feed.state, "done")
        self.assertEqual(self._amazon("SKU-TASSE"), 5, "the newer quantity last")

    def test_resent_feed_carries_the_current_quantities(self):
        self.sim.fail_listings_feeds(1)
        (feed,) = self._reconcile()
        self.assertEqual(feed.state, "to_send")
        self._stock(self.mug, -3)  # between the failed feed and its resend
        self.env.cr.flush()
        with mute_logger(*SEND_LOGGERS):
            self._send()
            self.sim.process_feeds()
            self._send()
        self.assertEqual(feed.state, "done")
        self.assertEqual(self._amazon("SKU-TASSE"), 4)

    def test_send_now_after_a_hand_change_sends(self):
        """Amazon's quantity was changed in Seller Central and read back:
        "Send Quantity Now" sends Odoo's quantity although Odoo sent the same
        one before."""
        self.sim.set_quantity("SKU-TASSE", 99)
        self._read_offers()
        offer = self._offer("SKU-TASSE")
        self.assertEqual((offer.quantity_sent, offer.quantity_amazon), (7, 99))
        offer.action_send_stock()
        self._send()
        self.assertEqual(self._amazon("SKU-TASSE"), 7)
        self.assertEqual(offer.quantity_amazon, 7)

    def test_offer_turned_fba_before_sending_is_not_patched(self):
        patched = len(self._patches("SKU-KANNE"))  # the set-up's
        self._stock(self.pot, 4)
        self.env.cr.flush()
        offer = self._offer("SKU-KANNE")
        self.env["amazon.seller.sku"].search([("stock_dirty", "=", True)]).write(
            {"stock_changed_at": fields.Datetime.now() - timedelta(minutes=5)}
        )
        self.env["amazon.seller.sku"]._amazon_queue_stock_updates()
        (operation,) = offer.operation_ids.filtered(lambda o: o.state == "to_send")
        offer.fulfillment_channel = "amazon"  # Amazon's listing says FBA now
        self._send()
        self.assertEqual(operation.state, "done")
        self.assertIn("no longer synchronised", operation.answer)
        self.assertEqual(len(self._patches("SKU-KANNE")), patched)

    def test_reconcile_now_button(self):
        self.sim.set_quantity("SKU-KANNE", 0)
        self.account.action_reconcile_stock()
        with mute_logger(*SEND_LOGGERS):
            self._send()
            self.sim.process_feeds()
            self._send()
        self.assertEqual(self._amazon("SKU-KANNE"), 3)

    def test_stock_differs_filter(self):
        self.sim.set_quantity("SKU-KANNE", 11)
        self._read_offers()
        Offer = self.env["amazon.seller.sku"]
        differing = Offer.search([("stock_mismatch", "=", True)])
        self.assertIn(self._offer("SKU-KANNE"), differing, "11 at Amazon, 3 in Odoo")
        self.assertIn(self._offer("SKU-BEIDE"), differing, "never sent: 2 against 0")
        self.assertNotIn(self._offer("SKU-TASSE"), differing)
        self.assertNotIn(self._offer("SKU-FBA"), differing, "Amazon's own stock")
        self.assertEqual(differing, Offer.search([("stock_mismatch", "!=", False)]))


@tagged("post_install", "-at_install")
class TestStockForms(StockCommon):
    def test_product_form_shows_its_offers(self):
        self._read_offers()
        template = self.mug.product_tmpl_id
        self.assertEqual(template.amazon_offer_count, 1)
        action = template.action_view_amazon_offers()
        self.assertEqual(
            self.env["amazon.seller.sku"].search(action["domain"]),
            self._offer("SKU-TASSE"),
        )

    def test_offer_form_as_amazon_user(self):
        self._read_offers()
        with Form(self._offer("SKU-UNBEKANNT")) as form:
            form.product_id = self.pot
        self.assertEqual(self._offer("SKU-UNBEKANNT").product_id, self.pot)
