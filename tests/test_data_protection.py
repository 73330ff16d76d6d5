# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Buyer data: never in logs or reasons (finding 4), deleted when Amazon's
Data Protection Policy says so (finding 6), secrets encrypted at rest."""

import importlib
import logging
from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, config, mute_logger

from .. import vault
from . import order_factory as f
from .common import REFRESH_TOKEN, AmazonImportCommon

sim_module = importlib.import_module("odoo.addons.amazon_seller_connector.simulator")
catalogue = importlib.import_module(
    "odoo.addons.amazon_seller_connector.simulator.catalogue"
).catalogue
OUR_LOGGERS = ("odoo.addons.amazon_seller_connector", "httpx", "sp_api")


class CapturingHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def buyer_data(payload):
    """Every name, street, e-mail and phone of a v2026 order payload."""
    found = set()
    buyer = payload.get("buyer") or {}
    found |= {buyer.get("buyerName"), buyer.get("buyerEmail")}
    address = (payload.get("recipient") or {}).get("deliveryAddress") or {}
    for key in ("name", "addressLine1", "addressLine2", "addressLine3", "phone"):
        found.add(address.get(key))
    return {value for value in found if value and len(value) > 4}


@tagged("post_install", "-at_install")
class TestNoBuyerDataInLogs(AmazonImportCommon):
    def _capture(self):
        """All records of the import at INFO, ours and the HTTP library's at
        DEBUG (the production level is INFO)."""
        handler = CapturingHandler()
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        self.addCleanup(root.removeHandler, handler)
        for name in OUR_LOGGERS:
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)
        return handler

    def _products(self):
        Product = self.env["product.product"]
        for entry in catalogue():
            if not Product.search_count([("default_code", "=", entry["sku"])]):
                Product.create({"name": entry["title"], "default_code": entry["sku"]})

    @staticmethod
    def _broken(order_id):
        payload = f.order(order_id, [], name="Kaputt Karl", street="Bruchweg 13")
        del payload["orderItems"]
        return payload

    def test_constraint_violation_leaves_a_readable_reason(self):
        """Before: psycopg2's "Failing row contains (…)" with the street and
        the phone was the order's reason, and Odoo logged the statement."""
        self.env.cr.execute(
            "ALTER TABLE res_partner ADD CONSTRAINT amazon_test_no_forbidden "
            "CHECK (street IS NULL OR street NOT LIKE 'Verbotene Gasse%')"
        )
        payload = f.order(
            "302-3000000-0000001",
            [f.item("SKU-TASSE", 12.90)],
            name="Gesine Geheimnisvoll",
            street="Verbotene Gasse 7",
            phone="+49 30 98765432",
            email="gesine777@marketplace.amazon.de",
        )
        handler = self._capture()
        with self.assertLogs("odoo.sql_db", "ERROR") as sql_logs:
            self._import(payload)
        record = self._record("302-3000000-0000001")
        self.assertEqual(record.state, "error")
        self.assertIn("amazon_test_no_forbidden", record.reason)
        for datum in buyer_data(payload) | {"Failing row"}:
            self.assertNotIn(datum, record.reason)
        log = "\n".join(handler.lines + sql_logs.output)
        for datum in buyer_data(payload):
            self.assertNotIn(datum, log)

    def test_sql_log_is_redacted(self):
        """Odoo's own 'bad query' record, as the sql_db logger writes it."""
        self.env.cr.execute(
            "ALTER TABLE res_partner ADD CONSTRAINT amazon_test_no_forbidden "
            "CHECK (street IS NULL OR street NOT LIKE 'Verbotene Gasse%')"
        )
        payload = f.order(
            "302-3000000-0000002",
            [f.item("SKU-TASSE", 12.90)],
            name="Gesine Geheimnisvoll",
            street="Verbotene Gasse 8",
        )
        with self.assertLogs("odoo.sql_db", "ERROR") as logs:
            self._import(payload)
        text = "\n".join(logs.output)
        self.assertIn("statement withheld", text)
        self.assertIn("amazon_test_no_forbidden", text)
        self.assertNotIn("Verbotene", text)
        self.assertNotIn("Geheimnisvoll", text)

    def test_full_import_log_has_no_buyer_data_or_token(self):
        """200 generated orders of 6 marketplaces, with faults, bad orders and
        a constraint violation: the captured log holds no buyer datum."""
        self._products()
        self.account.import_orders_since = "2020-01-01"
        self.env.cr.execute(
            "ALTER TABLE res_partner ADD CONSTRAINT amazon_test_no_forbidden "
            "CHECK (street IS NULL OR street NOT LIKE 'Verbotene Gasse%')"
        )
        generated = self.sim.generate(200, seed=7)
        self.sim.add_orders(
            [
                f.order(
                    "302-3000000-0000003",
                    [f.item("SKU-TASSE", 12.90)],
                    name="Gesine Geheimnisvoll",
                    street="Verbotene Gasse 9",
                    phone="+49 30 1112223",
                ),
                f.order(
                    "302-3000000-0000004",
                    [f.item("SKU-TASSE", 9, currency="CHF")],
                    currency="CHF",
                    name="Franz Fremdwährung",
                    street="Zollweg 4",
                ),
                self._broken("302-3000000-0000005"),
            ]
        )
        self.sim.inject_fault("searchOrders", "status", count=1, status=429)
        self.sim.inject_fault("searchOrders", "status", count=1, status=503)
        self.clock.advance(180)
        handler = self._capture()
        with self.assertLogs("odoo.sql_db", "ERROR") as sql_logs:
            self.account._amazon_import_orders()
        log = "\n".join(handler.lines + sql_logs.output)
        self.assertIn("statement withheld", log)
        records = self.env["amazon.seller.order"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertGreater(len(records.filtered("sale_order_id")), 100)
        self.assertIn("error", records.mapped("state"))
        secrets = {
            REFRESH_TOKEN,
            sim_module.DEFAULTS["client_secret"],
            *(token for token in self.sim.tokens.access),
        }
        data = set()
        for payload in [*generated, *self.sim.orders()]:
            data |= buyer_data(payload)
        self.assertGreater(len(data), 300)
        leaked = sorted(datum for datum in data | secrets if datum in log)
        self.assertEqual(leaked, [], "buyer data or tokens in the log")
        reasons = "\n".join(records.mapped(lambda r: r.reason or ""))
        self.assertEqual(sorted(d for d in data if d in reasons), [])


@tagged("post_install", "-at_install")
class TestRetention(AmazonImportCommon):
    """Amazon's DPP: delivery data anonymised 30 days after delivery, the
    invoice data kept for German tax law."""

    def _deliver(self, sale_order, days_ago):
        picking = sale_order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        picking.date_done = fields.Datetime.now() - timedelta(days=days_ago)
        return picking

    def _order(self, order_id, **values):
        payload = f.order(order_id, [f.item("SKU-TASSE", 12.90)], **values)
        self._import(payload)
        return self._record(order_id)

    def setUp(self):
        super().setUp()
        self.account.duplicate_search = True
        self.first = self._order(
            "302-4000000-0000001",
            name="Karla Kundin",
            street="Lindenweg 5",
            zip_code="10115",
            phone="+49 30 5550001",
            email="karla1@marketplace.amazon.de",
        )
        self.customer = self.first.sale_order_id.partner_id
        self.customer.vat = "DE123456788"
        gift = f.order(
            "302-4000000-0000002",
            [f.item("SKU-TASSE", 12.90, gift_message="Alles Gute, Oma!")],
            name="Karla Kundin",
            street="Lindenweg 5",
            zip_code="10115",
            email="karla1@marketplace.amazon.de",
        )
        # the same buyer ships to another address: a delivery contact
        gift["recipient"]["deliveryAddress"].update(
            name="Karla Kundin",
            addressLine1="Rosenstraße 9",
            postalCode="80331",
            city="München",
            phone="+49 89 5550002",
        )
        self._import(gift)
        self.second = self._record("302-4000000-0000002")
        self.delivery = self.second.sale_order_id.partner_shipping_id

    def test_setup(self):
        self.assertEqual(self.second.sale_order_id.partner_id, self.customer)
        self.assertNotEqual(self.delivery, self.customer)
        self.assertTrue(self.customer.amazon_created)
        self.assertEqual(
            self.customer.amazon_buyer_email, "karla1@marketplace.amazon.de"
        )
        self.assertFalse(self.customer.email, "the relay address is no mailing address")
        self.assertEqual(self.delivery.phone, "+49 89 5550002")

    def test_day_29_nothing_day_31_anonymised(self):
        self._deliver(self.first.sale_order_id, 31)
        self._deliver(self.second.sale_order_id, 29)
        Binding = self.env["amazon.seller.order"]
        Binding._cron_anonymise_buyer_data()
        self.assertTrue(self.first.buyer_data_anonymised_on)
        self.assertFalse(self.second.buyer_data_anonymised_on)
        # the customer still has an order within the period: kept as is
        self.assertEqual(self.customer.phone, "+49 30 5550001")
        self.assertEqual(
            self.second.sale_order_id.amazon_gift_message, "Alles Gute, Oma!"
        )

        self.second.sale_order_id.picking_ids.date_done -= timedelta(days=2)
        Binding._cron_anonymise_buyer_data()
        self.assertTrue(self.second.buyer_data_anonymised_on)
        # delivery-only data is gone
        self.assertFalse(self.customer.phone)
        self.assertFalse(self.customer.amazon_buyer_email)
        self.assertFalse(self.customer.amazon_match_amazon_email)
        self.assertFalse(self.customer.amazon_match_phone)
        self.assertFalse(self.second.sale_order_id.amazon_gift_message)
        delivery = self.delivery.with_context(active_test=False)
        self.assertFalse(delivery.active)
        self.assertFalse(
            delivery.street or delivery.zip or delivery.city or delivery.phone
        )
        self.assertNotIn("Karla", delivery.name)
        self.assertEqual(delivery.country_id.code, "DE", "OSS evidence stays")
        # what invoices need is kept
        self.assertEqual(self.customer.name, "Karla Kundin")
        self.assertEqual(
            (self.customer.street, self.customer.zip, self.customer.city),
            ("Lindenweg 5", "10115", "Berlin"),
        )
        self.assertEqual(self.customer.vat, "DE123456788")
        for sale_order in (self.first | self.second).sale_order_id:
            self.assertTrue(sale_order.partner_id and sale_order.partner_invoice_id)
            self.assertTrue(sale_order.partner_shipping_id.country_id)

    def test_duplicate_search_works_on_what_is_kept(self):
        for record in self.first | self.second:
            self._deliver(record.sale_order_id, 40)
        self.env["amazon.seller.order"]._cron_anonymise_buyer_data()
        third = self._order(
            "302-4000000-0000003",
            name="Karla Kundin",
            street="Lindenweg 5",
            zip_code="10115",
            email="karla-new@marketplace.amazon.de",
        )
        self.assertEqual(third.sale_order_id.partner_id, self.customer)

    def test_closed_reviews_and_pairs_deleted(self):
        review = self.env["amazon.partner.review"].create(
            {
                "account_id": self.account.id,
                "partner_id": self.delivery.id,
                "line_ids": [Command.create({"candidate_id": self.customer.id})],
            }
        )
        review.line_ids.action_different_customer()
        self.assertEqual(review.state, "different")
        pair = self.env["amazon.partner.pair"].search([("review_id", "=", review.id)])
        self.assertTrue(pair)
        open_review = review.copy({"state": "to_review"})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE amazon_partner_review SET write_date = %s WHERE id IN %s",
                fields.Datetime.now() - timedelta(days=31),
                (review.id, open_review.id),
            )
        )
        self.env["amazon.partner.review"].invalidate_model()
        self.env["amazon.seller.order"]._cron_anonymise_buyer_data()
        self.assertFalse(review.exists())
        self.assertFalse(pair.exists())
        self.assertTrue(open_review.exists(), "open reviews wait for a person")

    def test_no_tracking_value_keeps_anonymised_data(self):
        """Odoo's chatter tracks phone, name and address of partners: the
        old values must not survive there."""
        tracked = self.delivery.with_context(tracking_disable=False, mail_notrack=False)
        tracked.phone = "+49 89 5550003"  # a salesperson corrected it once
        self.env.cr.precommit.run()  # Odoo writes tracking values there
        Tracking = self.env["mail.tracking.value"].sudo()
        domain = [
            ("mail_message_id.model", "=", "res.partner"),
            ("mail_message_id.res_id", "=", self.delivery.id),
        ]
        self.assertTrue(Tracking.search(domain), "the correction was tracked")
        for record in self.first | self.second:
            self._deliver(record.sale_order_id, 40)
        self.env["amazon.seller.order"].with_context(
            tracking_disable=False, mail_notrack=False
        )._cron_anonymise_buyer_data()
        self.env.cr.precommit.run()
        values = Tracking.search(domain).mapped(
            lambda t: f"{t.old_value_char} {t.new_value_char}"
        )
        self.assertFalse([v for v in values if "5550" in v or "Rosen" in v])

    def test_draft_quotation_waits(self):
        """An order still a quotation (unknown article) keeps its address."""
        draft = self._order(
            "302-4000000-0000009",
            name="Dora Draft",
            street="Entwurfweg 1",
            zip_code="10115",
        )
        sale_order = draft.sale_order_id
        sale_order.action_cancel()
        sale_order.action_draft()
        draft.imported_on = fields.Datetime.now() - timedelta(days=60)
        self.env["amazon.seller.order"]._cron_anonymise_buyer_data()
        self.assertFalse(draft.buyer_data_anonymised_on)

    def test_relay_email_of_a_linked_existing_customer_goes(self):
        """A customer from before Amazon, linked by the duplicate search:
        the relay e-mail set on it is removed too, its own phone stays."""
        existing = self.env["res.partner"].create(
            {
                "name": "Egon Eigen",
                "street": "Altweg 3",
                "zip": "10115",
                "city": "Berlin",
                "country_id": self.env.ref("base.de").id,
                "phone": "+49 30 7770000",
            }
        )
        record = self._order(
            "302-4000000-0000010",
            name="Egon Eigen",
            street="Altweg 3",
            zip_code="10115",
            email="egon@marketplace.amazon.de",
        )
        self.assertEqual(record.sale_order_id.partner_id, existing)
        self.assertEqual(existing.amazon_buyer_email, "egon@marketplace.amazon.de")
        self._deliver(record.sale_order_id, 40)
        self.env["amazon.seller.order"]._cron_anonymise_buyer_data()
        self.assertFalse(existing.amazon_buyer_email)
        self.assertEqual(existing.phone, "+49 30 7770000")

    def test_retention_days_per_company(self):
        self.env.company.amazon_retention_days = 10
        self._deliver(self.first.sale_order_id, 11)
        self.env["amazon.seller.order"]._cron_anonymise_buyer_data()
        self.assertTrue(self.first.buyer_data_anonymised_on)
        with (
            self.assertRaises(psycopg2.errors.CheckViolation),
            mute_logger("odoo.sql_db"),
        ):
            with self.env.cr.savepoint():
                self.env.company.amazon_retention_days = 90
                self.env.flush_all()


@tagged("post_install", "-at_install")
class TestSecretsAtRest(AmazonImportCommon):
    KEY = "test-key-4f1c0a7e9b2d4e6f8a1b3c5d7e9f0a2b"

    def _raw_token(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT refresh_token FROM amazon_seller_account WHERE id = %s",
                self.account.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def test_without_key_settings_say_so(self):
        self.patch(vault, "_file_secret", lambda path: "")
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.amazon_secrets_encrypted)
        self.assertEqual(self._raw_token(), REFRESH_TOKEN)

    def test_with_key_tokens_and_secret_encrypted(self):
        self.patch(vault, "_file_secret", lambda path: "")
        with patch.dict(config.options, {vault.CONFIG_KEY: self.KEY}):
            settings = self.env["res.config.settings"].create({})
            self.assertTrue(settings.amazon_secrets_encrypted)
            settings.amazon_lwa_client_secret = sim_module.DEFAULTS["client_secret"]
            settings.execute()  # also encrypts the tokens stored before
            raw = self._raw_token()
            self.assertTrue(raw.startswith(vault.PREFIX))
            self.assertNotIn(REFRESH_TOKEN, raw)
            stored = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("amazon_seller_connector.lwa_client_secret")
            )
            self.assertTrue(stored.startswith(vault.PREFIX))
            # the import still works with the decrypted values
            self.sim.add_orders(
                [f.order("302-5000000-0000001", [f.item("SKU-TASSE", 12.90)])]
            )
            self.clock.advance(180)
            self.account._amazon_import_orders()
            self.assertTrue(self._record("302-5000000-0000001").sale_order_id)
            self.account.refresh_token = "Atzr|rotated"
            self.assertTrue(self._raw_token().startswith(vault.PREFIX))
            self.assertEqual(self.account._amazon_refresh_token(), "Atzr|rotated")
        # the key is gone: a clear error on the account, the import goes on
        with self.assertRaisesRegex(UserError, "no encryption key"):
            self.account._amazon_refresh_token()
        self.sim.add_orders(
            [f.order("302-5000000-0000002", [f.item("SKU-TASSE", 12.90)])]
        )
        self.clock.advance(180)
        self.assertFalse(self.account._amazon_import_orders())
        self.assertIn("encryption key", self.account.last_import_error)
