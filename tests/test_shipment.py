# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shipment confirmation: what Amazon receives when a delivery is validated
(issue "Tell Amazon what shipped")."""

import json
from datetime import timedelta
from types import SimpleNamespace

from odoo import Command, fields
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from ..spapi import SpApiClient
from . import order_factory as f
from .common import REFRESH_TOKEN, AmazonImportCommon

SEND_LOGGERS = (
    "odoo.addons.amazon_seller_connector.models.amazon_seller_operation",
    "odoo.addons.amazon_seller_connector.models.amazon_seller_account",
    "odoo.addons.amazon_seller_connector.spapi.client",
    "httpx",
)
DHL_TRACKING = "00340434161234567890"


class ShipmentCommon(AmazonImportCommon):
    client_options = {
        "time_scale": 1000.0,
        "max_retries": 1,
        "backoff_base": 0.01,
        "backoff_cap": 0.02,
        "timeout": (2, 2),
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        service = cls.env["product.product"].create(
            {"name": "Versand", "type": "service"}
        )
        Carrier = cls.env["delivery.carrier"]
        cls.dhl = Carrier.create({"name": "DHL Paket", "product_id": service.id})
        cls.letter = Carrier.create(
            {"name": "Deutsche Post Brief", "product_id": service.id}
        )
        cls.forwarder = Carrier.create(
            {"name": "Spedition Schmidt", "product_id": service.id}
        )

    def _fbm_order(self, order_id, items=None, **values):
        items = items or [
            f.item("SKU-TASSE", 12.90, quantity=2, item_id=f"{order_id}-1"),
            f.item("4006381333931", 24.00, rate=7, item_id=f"{order_id}-2"),
        ]
        self._import(f.order(order_id, items, **values))
        record = self._record(order_id)
        self.assertEqual(record.state, "imported", record.reason)
        return record

    def _validate(
        self, picking, carrier=None, tracking=None, quantities=None, backorder=True
    ):
        """Validate ``picking`` as a warehouse worker would (all of it, or
        ``quantities`` per product, creating a backorder for the rest)."""
        picking.carrier_id = carrier or self.dhl
        picking.carrier_tracking_ref = tracking
        for move in picking.move_ids:
            wanted = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.quantity = wanted
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model"):
            wizard = Form(
                self.env[result["res_model"]].with_context(result["context"])
            ).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        self.assertEqual(picking.state, "done")
        return picking

    def _send(self):
        """The sender as the scheduled action runs it (after any delay)."""
        self.env["amazon.seller.operation"].search(
            [("state", "in", ("to_send", "sent"))]
        ).write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})
        with mute_logger(*SEND_LOGGERS):
            self.env["amazon.seller.operation"]._cron_send()

    def _accepted(self, order_id=None):
        return [
            entry
            for entry in self.sim.confirmations()
            if entry["accepted"] and (order_id is None or entry["orderId"] == order_id)
        ]


@tagged("post_install", "-at_install")
class TestShipmentConfirmation(ShipmentCommon):
    def test_full_order_shipped_with_dhl(self):
        record = self._fbm_order("302-6000000-0000001")
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self.assertEqual(picking.amazon_confirmation_state, "pending")
        self._send()
        (sent,) = self._accepted()
        self.assertEqual(sent["orderId"], "302-6000000-0000001")
        request = sent["request"]
        self.assertEqual(request["marketplaceId"], "A1PA6795UKMFR9")
        package = request["packageDetail"]
        self.assertEqual(package["carrierCode"], "DHL")
        self.assertEqual(package["shippingMethod"], "Paket")
        self.assertEqual(package["trackingNumber"], DHL_TRACKING)
        self.assertEqual(
            package["shipDate"][:16],
            picking.date_done.strftime("%Y-%m-%dT%H:%M"),
        )
        self.assertEqual(
            sorted((i["orderItemId"], i["quantity"]) for i in package["orderItems"]),
            [("302-6000000-0000001-1", 2), ("302-6000000-0000001-2", 1)],
        )
        self.assertEqual(picking.amazon_confirmation_state, "done")
        self.assertEqual(record.shipment_state, "done")
        operation = picking.amazon_operation_ids
        self.assertTrue(operation.request_id, "Amazon's request id is kept")
        self.assertEqual(operation.attempt_count, 0)
        # the next import sees the order shipped, with its package: no review
        self.clock.advance(180)
        self.account._amazon_import_orders()
        self.assertEqual(record.amazon_status, "SHIPPED")
        self.assertEqual(record.state, "imported")
        self.assertEqual(record.amazon_tracking_numbers, DHL_TRACKING)
        self.assertFalse(record.tracking_mismatch)

    def test_partial_shipment_then_backorder(self):
        record = self._fbm_order("302-6000000-0000002")
        first = record.sale_order_id.picking_ids
        self._validate(
            first,
            tracking="00340434160000000001",
            quantities={self.mug: 1, self.book: 0},
        )
        self._send()
        backorder = record.sale_order_id.picking_ids - first
        self.assertEqual(len(backorder), 1)
        self.clock.advance(180)
        self.account._amazon_import_orders()
        self.assertEqual(record.amazon_status, "PARTIALLY_SHIPPED")
        self.assertEqual(record.shipment_state, "partial")
        self._validate(backorder, tracking="00340434160000000002")
        self._send()
        sent = self._accepted()
        self.assertEqual(
            [
                sorted(
                    (i["orderItemId"], i["quantity"])
                    for i in e["request"]["packageDetail"]["orderItems"]
                )
                for e in sent
            ],
            [
                [("302-6000000-0000002-1", 1)],
                [("302-6000000-0000002-1", 1), ("302-6000000-0000002-2", 1)],
            ],
        )
        self.assertEqual(record.shipment_state, "done")
        self.clock.advance(180)
        self.account._amazon_import_orders()
        self.assertEqual(record.amazon_status, "SHIPPED")

    def test_two_packages_in_one_delivery(self):
        record = self._fbm_order("302-6000000-0000003")
        picking = record.sale_order_id.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        Package = self.env["stock.package"]
        for move, name in zip(picking.move_ids, ("P1", "P2"), strict=True):
            move.move_line_ids.result_package_id = Package.create({"name": name})
        self._validate(picking, tracking="00340434160000000011, 00340434160000000012")
        self._send()
        sent = self._accepted()
        self.assertEqual(len(sent), 2)
        self.assertEqual(
            sorted(e["request"]["packageDetail"]["trackingNumber"] for e in sent),
            ["00340434160000000011", "00340434160000000012"],
        )
        items = sorted(
            i["orderItemId"]
            for e in sent
            for i in e["request"]["packageDetail"]["orderItems"]
        )
        self.assertEqual(items, ["302-6000000-0000003-1", "302-6000000-0000003-2"])
        references = {e["request"]["packageDetail"]["packageReferenceId"] for e in sent}
        self.assertEqual(len(references), 2)

    def test_untracked_letter_through_the_feed(self):
        record = self._fbm_order(
            "302-6000000-0000004", [f.item("SKU-TASSE", 12.90, item_id="L-1")]
        )
        picking = self._validate(record.sale_order_id.picking_ids, carrier=self.letter)
        operation = picking.amazon_operation_ids
        self.assertEqual(operation.kind, "fulfilment_feed")
        self._send()
        self.assertEqual(operation.state, "sent")
        self.assertTrue(operation.feed_id)
        (feed,) = [f_ for f_ in self.sim.feeds() if f_["feedId"] == operation.feed_id]
        document = self.sim.feed_document(feed["inputFeedDocumentId"]).decode()
        self.assertIn("<AmazonOrderID>302-6000000-0000004</AmazonOrderID>", document)
        self.assertIn("<CarrierCode>Deutsche Post</CarrierCode>", document)
        self.assertIn("<ShippingMethod>Warenpost</ShippingMethod>", document)
        self.assertNotIn("ShipperTrackingNumber", document)
        self.sim.process_feeds()
        self._send()
        self.assertEqual(operation.state, "done", operation.answer)
        self.assertIn("1 processed, 1 successful", operation.processing_report)
        self.assertEqual(
            self.sim.order("302-6000000-0000004")["fulfillment"]["fulfillmentStatus"],
            "SHIPPED",
        )

    def test_unmapped_carrier_sent_by_name(self):
        record = self._fbm_order("302-6000000-0000005")
        self._validate(
            record.sale_order_id.picking_ids,
            carrier=self.forwarder,
            tracking="SPED-12345678",
        )
        self._send()
        (sent,) = self._accepted()
        package = sent["request"]["packageDetail"]
        self.assertEqual(
            (package["carrierCode"], package["carrierName"]),
            ("Other", "Spedition Schmidt"),
        )

    def test_account_mapping_wins(self):
        self.account.carrier_mapping_ids = [
            Command.create(
                {
                    "delivery_carrier_id": self.forwarder.id,
                    "amazon_carrier_id": self.env.ref(
                        "amazon_seller_connector.carrier_dpd"
                    ).id,
                    "shipping_method": "DPD Express",
                }
            )
        ]
        record = self._fbm_order("302-6000000-0000006")
        self._validate(
            record.sale_order_id.picking_ids,
            carrier=self.forwarder,
            tracking="01234567890123",
        )
        self._send()
        package = self._accepted()[0]["request"]["packageDetail"]
        self.assertEqual(
            (package["carrierCode"], package["shippingMethod"]), ("DPD", "DPD Express")
        )

    def test_one_sender_trigger_per_transaction(self):
        cron = self.env.ref("amazon_seller_connector.ir_cron_send_operations")
        Trigger = self.env["ir.cron.trigger"]
        records = [self._fbm_order(f"302-6000000-000010{n}") for n in range(3)]
        self.env.cr.flush()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        for number, record in enumerate(records):
            self._validate(
                record.sale_order_id.picking_ids,
                tracking=f"0034043416000000010{number}",
            )
        self.env.cr.flush()  # runs the hooks of the commit
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertEqual(len(self.env["amazon.seller.operation"].search([])), 3)

    def test_rate_limit_postpones_instead_of_waiting(self):
        """createFeed allows one call every two minutes once its burst is
        used: the sender postpones the letter and sends the parcel."""
        parcel = self._fbm_order("302-6000000-0000110")
        self._validate(parcel.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        letter = self._fbm_order(
            "302-6000000-0000111", [f.item("SKU-TASSE", 12.90, item_id="R-1")]
        )
        self._validate(letter.sale_order_id.picking_ids, carrier=self.letter)
        waits = {"createFeed": 120.0}
        self.patch(
            SpApiClient,
            "wait_time",
            lambda client, operation: waits.get(operation, 0.0),
        )
        self._send()
        self.assertEqual(parcel.operation_ids.state, "done")
        postponed = letter.operation_ids
        self.assertEqual(postponed.state, "to_send")
        self.assertEqual(postponed.attempt_count, 0, "waiting is not a failed attempt")
        self.assertGreater(
            postponed.next_attempt_at, fields.Datetime.now() + timedelta(seconds=100)
        )
        self.assertFalse(self.sim.feeds())
        waits.clear()
        self._send()
        self.assertEqual(postponed.state, "sent")

    def test_fba_orders_are_never_confirmed(self):
        self._import(
            f.order(
                "302-6000000-0000007",
                [f.item("SKU-TASSE", 12.90)],
                status="SHIPPED",
                fulfilled_by="AMAZON",
            )
        )
        record = self._record("302-6000000-0000007")
        self.assertEqual(record.sale_order_id.picking_ids.state, "done")
        self.assertFalse(self.env["amazon.seller.operation"].search([]))
        self._send()
        self.assertFalse(self.sim.confirmations())


@tagged("post_install", "-at_install")
class TestShipmentFailures(ShipmentCommon):
    def test_rejected_tracking_number_corrected_and_sent_once(self):
        record = self._fbm_order("302-6100000-0000001")
        picking = self._validate(record.sale_order_id.picking_ids, tracking="bad#1")
        self._send()
        operation = picking.amazon_operation_ids
        self.assertEqual(operation.state, "error")
        self.assertIn("TrackingNumber: is invalid", operation.answer)
        self.assertEqual(picking.amazon_confirmation_state, "error")
        self.assertIn("TrackingNumber", picking.amazon_confirmation_error)
        self.assertEqual(record.shipment_state, "error")
        self.assertTrue(picking.activity_ids, "a person is asked to correct it")
        self.assertEqual(self.account.operation_error_count, 1)
        # the worker corrects the tracking number and sends again
        picking.carrier_tracking_ref = DHL_TRACKING
        picking.action_amazon_send()
        self._send()
        self.assertEqual(operation.state, "done")
        self.assertEqual(len(self._accepted()), 1)
        self.assertEqual(
            self._accepted()[0]["request"]["packageDetail"]["trackingNumber"],
            DHL_TRACKING,
        )

    def test_missing_tracking_number_is_an_error_not_a_block(self):
        record = self._fbm_order("302-6100000-0000002")
        picking = self._validate(record.sale_order_id.picking_ids, tracking=False)
        self.assertEqual(picking.state, "done", "the warehouse is never stopped")
        self._send()
        operation = picking.amazon_operation_ids
        self.assertEqual(operation.state, "error")
        self.assertIn("no tracking number", operation.answer)
        self.assertFalse(self.sim.confirmations(), "nothing reached Amazon")

    def _fault_then_once(self, attempts=1, **fault):
        record = self._fbm_order(fault.pop("order_id"))
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self.sim.inject_fault("confirmShipment", count=20, **fault)
        self._send()
        operation = picking.amazon_operation_ids
        self.assertEqual(operation.state, "to_send")
        self.assertEqual(operation.attempt_count, attempts)
        self.assertGreater(operation.next_attempt_at, fields.Datetime.now())
        self.assertFalse(self._accepted())
        self.sim.faults.reset()
        self._send()
        self.assertEqual(operation.state, "done")
        self.assertEqual(len(self._accepted()), 1, "sent later, never twice")
        self._send()
        self.assertEqual(len(self._accepted()), 1)

    def test_429_storm(self):
        # Amazon's pace is not a failed attempt: no person is asked for it
        self._fault_then_once(
            attempts=0, order_id="302-6100000-0000003", kind="status", status=429
        )

    def test_503_with_an_html_body(self):
        self._fault_then_once(order_id="302-6100000-0000004", kind="status", status=503)

    def test_revoked_token_sent_after_relinking(self):
        record = self._fbm_order("302-6100000-0000005")
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self.sim.revoke_refresh_token(REFRESH_TOKEN)
        self._send()
        self.assertEqual(self.account.state, "reauth")
        self.assertEqual(picking.amazon_operation_ids.state, "to_send")
        self.sim.add_refresh_token("Atzr|relinked")
        self.account.sudo().write({"refresh_token": "Atzr|relinked", "state": "linked"})
        self._send()
        self.assertEqual(picking.amazon_operation_ids.state, "done")
        self.assertEqual(len(self._accepted()), 1)

    def test_validated_while_amazon_is_down(self):
        record = self._fbm_order("302-6100000-0000006")
        self.sim.down()
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self._send()
        self.assertEqual(picking.amazon_operation_ids.state, "to_send")
        self.sim.up()
        self._send()
        self.assertEqual(picking.amazon_operation_ids.state, "done")
        self.assertEqual(len(self._accepted()), 1)

    def test_validate_return_and_deliver_again_confirms_once(self):
        record = self._fbm_order("302-6100000-0000007")
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self._send()
        returned = self._return(picking)
        self.assertFalse(returned.amazon_operation_ids, "a return confirms nothing")
        again = self._return(returned)  # the goods go out once more
        self.assertEqual(again.picking_type_code, "outgoing")
        again.carrier_tracking_ref = "00340434169999999999"
        self.assertFalse(again.amazon_operation_ids, "everything is confirmed already")
        self._send()
        self.assertEqual(len(self._accepted()), 1)
        # the same delivery queued again keeps its one operation
        record._amazon_queue_shipment(picking)
        self.assertEqual(len(picking.amazon_operation_ids), 1)

    def _return(self, picking):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = line.move_id.quantity
        result = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(result["res_id"])
        for move in returned.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        returned.button_validate()
        return returned


@tagged("post_install", "-at_install")
class TestCorrections(ShipmentCommon):
    """A person corrects a delivery: every unit reaches Amazon once."""

    def _units(self, order_id):
        sent = {}
        for entry in self._accepted(order_id):
            for item in entry["request"]["packageDetail"]["orderItems"]:
                sent[item["orderItemId"]] = (
                    sent.get(item["orderItemId"], 0) + item["quantity"]
                )
        return sent

    def test_three_parcels_two_refused_then_corrected(self):
        order_id = "302-6300000-0000001"
        record = self._fbm_order(order_id)
        picking = self._validate(
            record.sale_order_id.picking_ids,
            tracking="00340434160000000031, bad#2, bad#3",
        )
        self._send()
        states = sorted(picking.amazon_operation_ids.mapped("state"))
        self.assertEqual(states, ["done", "error", "error"])
        self.clock.advance(180)
        self.account._amazon_import_orders()  # Amazon now holds one parcel
        picking.carrier_tracking_ref = (
            "00340434160000000031, 00340434160000000032, 00340434160000000033"
        )
        picking.action_amazon_send()
        self._send()
        self.assertEqual(
            self._units(order_id), {f"{order_id}-1": 2, f"{order_id}-2": 1}
        )
        self.assertEqual(
            sorted(
                e["request"]["packageDetail"]["trackingNumber"]
                for e in self._accepted(order_id)
            ),
            ["00340434160000000031", "00340434160000000032", "00340434160000000033"],
        )
        self.assertEqual(record.shipment_state, "done")
        self.assertEqual(
            self.sim.order(order_id)["fulfillment"]["fulfillmentStatus"], "SHIPPED"
        )

    def test_missing_tracking_then_two_numbers(self):
        order_id = "302-6300000-0000002"
        record = self._fbm_order(order_id)
        picking = self._validate(record.sale_order_id.picking_ids, tracking=False)
        self._send()
        self.assertEqual(picking.amazon_confirmation_state, "error")
        self.assertTrue(picking.amazon_can_send)
        picking.carrier_tracking_ref = "00340434160000000041,00340434160000000042"
        picking.action_amazon_send()
        self._send()
        self.assertEqual(len(self._accepted(order_id)), 2, "one per tracking number")
        self.assertEqual(
            self._units(order_id), {f"{order_id}-1": 2, f"{order_id}-2": 1}
        )
        self.assertEqual(picking.amazon_confirmation_state, "done")
        self.assertFalse(picking.amazon_can_send)

    def test_amazon_package_ids_of_its_own(self):
        """Amazon may name the packages with ids of its own: the backorder is
        still confirmed, nothing twice."""
        order_id = "302-6300000-0000003"
        record = self._fbm_order(order_id)
        first = record.sale_order_id.picking_ids
        self._validate(
            first,
            tracking="00340434160000000051",
            quantities={self.mug: 1, self.book: 0},
        )
        self._send()
        order = self.sim.order(order_id)
        packages = order["packages"]
        for number, package in enumerate(packages, start=1):
            package["packageReferenceId"] = f"AMZ-{number}"
        self.sim.update_order(order_id, packages=packages)
        self.clock.advance(180)
        self.account._amazon_import_orders()
        backorder = record.sale_order_id.picking_ids - first
        self._validate(backorder, tracking="00340434160000000052")
        self._send()
        self.assertEqual(
            self._units(order_id), {f"{order_id}-1": 2, f"{order_id}-2": 1}
        )
        self.assertEqual(record.shipment_state, "done")

    def test_cancelled_transmission_sent_again(self):
        order_id = "302-6300000-0000004"
        record = self._fbm_order(order_id)
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        operation = picking.amazon_operation_ids
        operation.action_cancel()
        self._send()
        self.assertFalse(self._accepted(order_id))
        self.assertTrue(picking.amazon_can_send, "nothing active: it may be sent")
        operation.action_retry()
        self._send()
        self.assertEqual(len(self._accepted(order_id)), 1)
        self.assertEqual(operation.state, "done")

    def test_success_keeps_other_to_dos(self):
        record = self._fbm_order("302-6300000-0000005")
        picking = self._validate(record.sale_order_id.picking_ids, tracking="bad#5")
        self._send()
        picking.activity_schedule(
            "mail.mail_activity_data_todo", summary="Abholung beim Spediteur klären"
        )
        picking.carrier_tracking_ref = DHL_TRACKING
        picking.action_amazon_send()
        self._send()
        self.assertEqual(
            picking.activity_ids.mapped("summary"), ["Abholung beim Spediteur klären"]
        )


@tagged("post_install", "-at_install")
class TestShipmentAccess(ShipmentCommon):
    def test_salesperson_and_packer_read_deliveries(self):
        record = self._fbm_order("302-6400000-0000001")
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        self._send()
        salesperson = new_test_user(
            self.env, "amazon_sales", groups="sales_team.group_sale_salesman"
        )
        values = picking.with_user(salesperson).web_read(
            {"name": {}, "amazon_confirmation_state": {}, "amazon_ship_by": {}}
        )
        self.assertEqual(values[0]["amazon_confirmation_state"], "done")
        packer = new_test_user(
            self.env, "amazon_packer", groups="stock.group_stock_user"
        )
        Picking = self.env["stock.picking"].with_user(packer)
        for name in ("amazon_ship_by_due", "amazon_cancel_requested"):
            Picking.search([(name, "=", True)])  # no access error
        values = picking.with_user(packer).web_read(
            {"amazon_operation_ids": {"fields": {"state": {}}}}
        )
        self.assertEqual(values[0]["amazon_operation_ids"][0]["state"], "done")


@tagged("post_install", "-at_install")
class TestShippingInSight(ShipmentCommon):
    def test_buyer_cancellation_request(self):
        payload = f.order(
            "302-6200000-0000001",
            [f.item("SKU-TASSE", 12.90, item_id="C-1")],
        )
        self._import(payload)
        record = self._record("302-6200000-0000001")
        self.assertFalse(record.buyer_cancel_requested)
        self.sim.update_order(
            "302-6200000-0000001",
            orderItems=[
                dict(
                    payload["orderItems"][0],
                    cancellation={
                        "cancellationRequest": {
                            "requester": "BUYER",
                            "cancelReason": "NO_LONGER_NEEDED",
                        }
                    },
                )
            ],
        )
        self.clock.advance(180)
        self.account._amazon_import_orders()
        self.assertTrue(record.buyer_cancel_requested)
        sale_order = record.sale_order_id
        self.assertTrue(sale_order.amazon_cancel_requested)
        self.assertTrue(sale_order.picking_ids.amazon_cancel_requested)
        self.assertIn(
            "Buyer asks to cancel the Amazon order",
            sale_order.activity_ids.mapped("summary"),
        )
        Binding = self.env["amazon.seller.order"]
        self.assertIn(record, Binding.search([("buyer_cancel_requested", "=", True)]))
        # the merchant cancels: nothing is confirmed to Amazon
        sale_order.action_cancel()
        self._send()
        self.assertFalse(self.sim.confirmations())

    def test_ship_by_window_filter_and_activity(self):
        soon = fields.Datetime.now() + timedelta(hours=3)
        payload = f.order("302-6200000-0000002", [f.item("SKU-TASSE", 12.90)])
        payload["fulfillment"]["shipByWindow"] = {
            "earliestDateTime": "2026-11-20T09:00:00Z",
            "latestDateTime": soon.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        later = f.order("302-6200000-0000003", [f.item("SKU-TASSE", 12.90)])
        later["fulfillment"]["shipByWindow"] = {
            "earliestDateTime": "2026-11-20T09:00:00Z",
            "latestDateTime": (soon + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        self._import(payload, later)
        due = self._record("302-6200000-0000002")
        self.assertTrue(due.ship_by_due)
        self.assertFalse(self._record("302-6200000-0000003").ship_by_due)
        Binding = self.env["amazon.seller.order"]
        self.assertEqual(
            Binding.search(
                [("ship_by_due", "=", True), ("account_id", "=", self.account.id)]
            ),
            due,
        )
        pickings = self.env["stock.picking"].search(
            [("sale_id.amazon_binding_id.ship_by_due", "=", True)]
        )
        self.assertEqual(pickings, due.sale_order_id.picking_ids)
        self.assertEqual(due.sale_order_id.picking_ids.amazon_ship_by, due.ship_by_end)
        Binding._cron_ship_by_reminders()
        Binding._cron_ship_by_reminders()
        reminders = due.sale_order_id.activity_ids.filtered(
            lambda a: a.summary == "Ship the Amazon order"
        )
        self.assertEqual(len(reminders), 1)
        reminders.action_feedback(feedback="Packt heute")
        Binding._cron_ship_by_reminders()
        self.assertFalse(
            due.sale_order_id.activity_ids.filtered(
                lambda a: a.summary == "Ship the Amazon order"
            ),
            "a reminder marked done does not come back every hour",
        )
        # once confirmed, it is no longer due
        self._validate(due.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self._send()
        due.invalidate_recordset()
        self.assertFalse(due.ship_by_due)

    def test_gift_on_the_delivery_and_its_slip(self):
        self._import(
            f.order(
                "302-6200000-0000004",
                [
                    f.item(
                        "SKU-TASSE",
                        12.90,
                        gift_wrap=3.0,
                        gift_message="Alles Gute, Oma!",
                    )
                ],
            )
        )
        record = self._record("302-6200000-0000004")
        picking = record.sale_order_id.picking_ids
        self.assertEqual(picking.amazon_gift_message, "Alles Gute, Oma!")
        self.assertEqual(picking.amazon_gift_wrap, "Classic")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("stock.report_deliveryslip", picking.ids)[0]
            .decode()
        )
        self.assertIn("Alles Gute, Oma!", html)
        self.assertIn("Classic", html)

    def test_service_level_shown(self):
        payload = f.order("302-6200000-0000005", [f.item("SKU-TASSE", 12.90)])
        payload["fulfillment"]["fulfillmentServiceLevel"] = "EXPEDITED"
        self._import(payload)
        picking = self._record("302-6200000-0000005").sale_order_id.picking_ids
        self.assertEqual(picking.amazon_service_level, "EXPEDITED")

    def test_tracking_number_differing_at_amazon_is_flagged(self):
        record = self._fbm_order("302-6200000-0000006")
        self._validate(record.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        self._send()
        order = self.sim.order("302-6200000-0000006")
        packages = order["packages"]
        packages[0]["trackingNumber"] = (
            "00340434168888888888"  # changed in Seller Central
        )
        self.sim.update_order("302-6200000-0000006", packages=packages)
        self.clock.advance(180)
        self.account._amazon_import_orders()
        self.assertTrue(record.tracking_mismatch)
        self.assertEqual(record.state, "imported", "no review for a shipped order")

    def test_no_delivery_mail_to_amazon_buyers(self):
        """Inventory's "Email Confirmation" mails the customer when a delivery
        is validated; not the customer of an Amazon order (FBM or FBA), even
        one with an e-mail address, but still the shop's own customers."""
        self.env.company.stock_move_email_validation = True
        template = self.env.company.stock_mail_confirmation_template_id
        self.assertTrue(template)
        fbm = self._fbm_order("302-6200000-0000011")
        known = fbm.sale_order_id.partner_id  # the shop knows the buyer's address
        known.email = "erika@example.com"
        fba_id = "302-6200000-0000012"
        self._import(
            f.order(
                fba_id,
                [f.item("SKU-TASSE", 12.90)],
                status="SHIPPED",
                fulfilled_by="AMAZON",
            )
        )
        fba = self._record(fba_id)
        self.assertEqual(fba.sale_order_id.partner_id, known)
        self._validate(fbm.sale_order_id.picking_ids, tracking=DHL_TRACKING)
        own = self.env["stock.picking"].create(
            {
                "picking_type_id": fbm.sale_order_id.picking_ids.picking_type_id.id,
                "partner_id": known.id,
                "location_id": fbm.sale_order_id.picking_ids.location_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            }
        )
        self.env["stock.move"].create(
            {
                "product_id": self.mug.id,
                "product_uom_qty": 1,
                "picking_id": own.id,
                "location_id": own.location_id.id,
                "location_dest_id": own.location_dest_id.id,
            }
        )
        own.action_confirm()
        self._validate(own)
        pickings = (fbm | fba).sale_order_id.picking_ids | own
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        mails = self.env["mail.message"].search(
            [("model", "=", "stock.picking"), ("res_id", "in", pickings.ids)]
        )
        mailed = mails.filtered(lambda m: known in m.partner_ids)
        self.assertEqual(mailed.mapped("res_id"), own.ids)

    def test_no_text_message_or_mail_to_amazon_buyers(self):
        """Odoo texts the customer when a delivery is validated (stock_sms);
        Amazon's buyers are contacted through Amazon only."""
        from odoo.addons.stock_sms.models import stock_picking as stock_sms

        # stock_sms stays quiet in tests: make it act as in production
        self.patch(
            stock_sms,
            "modules",
            SimpleNamespace(module=SimpleNamespace(current_test=None)),
        )
        sent = []
        self.patch(
            type(self.env["stock.picking"]),
            "_message_sms_with_template",
            lambda pickings, **kw: sent.extend(pickings.ids),
        )
        self.env.company.write(
            {
                "stock_text_confirmation": True,
                "stock_confirmation_type": "sms",
                "has_received_warning_stock_sms": False,
            }
        )
        record = self._fbm_order("302-6200000-0000008")
        amazon = record.sale_order_id.picking_ids
        amazon.partner_id.phone = "+49 30 1234567"
        own = self.env["stock.picking"].create(
            {
                "picking_type_id": amazon.picking_type_id.id,
                "partner_id": self.env["res.partner"]
                .create({"name": "Ladenkunde", "phone": "+49 30 7654321"})
                .id,
                "location_id": amazon.location_id.id,
                "location_dest_id": amazon.location_dest_id.id,
            }
        )
        both = amazon | own
        self.assertEqual(both._check_warn_sms(), own, "no SMS warning for Amazon")
        both._send_confirmation_email()
        self.assertEqual(sent, own.ids)

    def test_payload_holds_no_buyer_data(self):
        record = self._fbm_order(
            "302-6200000-0000007", name="Berta Buyer", street="Geheimweg 1"
        )
        picking = self._validate(
            record.sale_order_id.picking_ids, tracking=DHL_TRACKING
        )
        text = json.dumps(json.loads(picking.amazon_operation_ids.payload))
        self.assertNotIn("Berta", text)
        self.assertNotIn("Geheimweg", text)
