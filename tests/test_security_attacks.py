# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each attack of the security review, performed: it must fail now.

Secrets and endpoints (1), shared marketplaces and the consent flow (3), the
small holes (5). The duplicate-search findings (2) are in
test_partner_review_security.py, buyer data and retention (4, 6) in
test_data_protection.py.
"""

import logging
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlencode

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from . import order_factory as f
from .common import ENDPOINT_PARAM, AmazonImportCommon
from .test_oauth_controller import CALLBACK, AmazonSimulatorCase

MANAGER = "amazon_seller_connector.group_amazon_manager"
USER = "amazon_seller_connector.group_amazon_user"
IMPORT_LOGGER = "odoo.addons.amazon_seller_connector.models.amazon_seller_order"


class Listener:
    """A local HTTP server that records every request it gets (an attacker's
    host, as far as the tests are concerned)."""

    def __init__(self):
        self.requests = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                listener.requests.append((self.command, self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"access_token": "stolen", "expires_in": 3600}')

            do_GET = do_POST = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@tagged("post_install", "-at_install")
class TestEndpointAttacks(AmazonImportCommon):
    """Finding 1: the LWA secrets go only to Amazon (or the allowed simulator)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.listener = Listener()
        cls.addClassCleanup(cls.listener.stop)
        cls.amazon_manager = new_test_user(
            cls.env, login="amz_endpoint_manager", groups=f"base.group_user,{MANAGER}"
        )

    def setUp(self):
        super().setUp()
        self.listener.requests.clear()

    def test_amazon_manager_cannot_set_the_endpoint(self):
        account = self.account.with_user(self.amazon_manager)
        with self.assertRaises(AccessError):
            account.write({"api_base_url": self.listener.url})
        with self.assertRaises(AccessError):
            self.env["amazon.seller.account"].with_user(self.amazon_manager).create(
                {"name": "Phish", "api_base_url": self.listener.url}
            )
        self.assertNotIn("api_base_url", account.fields_get())

    def test_custom_endpoint_needs_the_system_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param(ENDPOINT_PARAM, False)
        self.sim.add_orders([f.order("302-1000000-0000001", [f.item("SKU-TASSE", 9)])])
        self.clock.advance(180)
        with mute_logger(IMPORT_LOGGER):
            self.account._amazon_import_orders()
        self.assertIn("custom API endpoint", self.account.last_import_error)
        self.assertFalse(self.sim.call_log()["calls"], "nothing was sent")

    def test_custom_endpoint_limited_to_loopback(self):
        params = self.env["ir.config_parameter"].sudo()
        for allowed, url, ok in (
            ("loopback", "http://127.0.0.1:8079", True),
            ("loopback", "http://10.0.0.7:8079", False),
            ("loopback", "https://evil.example.com", False),
            ("1", "http://localhost:8079", True),
            ("sim.example.org", "https://evil.example.com", False),
            ("sim.example.org", "http://sim.example.org", False),  # https only
            ("sim.example.org", "https://sim.example.org/", True),
            ("loopback", "file:///etc/passwd", False),
        ):
            with self.subTest(allowed=allowed, url=url):
                params.set_param(ENDPOINT_PARAM, allowed)
                self.account.api_base_url = url
                if ok:
                    self.assertEqual(self.account._amazon_endpoint(), url.rstrip("/"))
                else:
                    with self.assertRaises(UserError):
                        self.account._amazon_endpoint()

    def test_context_cannot_redirect_the_secrets(self):
        """Before: amazon_client_options in the context set lwa_token_url and
        every other client option; the client secret went to that host."""
        self.sim.add_orders([f.order("302-1000000-0000002", [f.item("SKU-TASSE", 9)])])
        self.clock.advance(180)
        hostile = {
            "lwa_token_url": self.listener.url + "/auth/o2/token",
            "endpoint": self.listener.url,
            "lwa_client_secret": "x",
        }
        self.account.with_context(amazon_client_options=hostile)._amazon_import_orders()
        self.assertFalse(self.listener.requests, "nothing reached the other host")
        self.assertTrue(self._record("302-1000000-0000002").sale_order_id)


@tagged("post_install", "-at_install")
class TestMarketplaceAndLinkAttacks(AmazonSimulatorCase):
    """Finding 3: shared marketplaces, untrusted seller ids, linked once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Andere GmbH"})
        cls.account = cls.env["amazon.seller.account"].create(
            {
                "name": "Mein Shop",
                "home_marketplace_id": cls.marketplace_de.id,
                "api_base_url": cls.sim_url,
            }
        )
        cls.amazon_manager = new_test_user(
            cls.env, login="amz_mp_manager", groups=f"base.group_user,{MANAGER}"
        )

    def _state(self):
        self.authenticate("admin", "admin")
        url = self.account.with_user(self.env.ref("base.user_admin"))
        return url.action_amazon_link()["url"].split("state=")[1].split("&")[0]

    def _callback(self, **params):
        params["state"] = unquote(params["state"])
        res = self.url_open(f"{CALLBACK}?{urlencode(params)}")
        self.env.invalidate_all()
        return res

    def test_amazon_manager_cannot_edit_marketplaces(self):
        marketplace = self.marketplace_de.with_user(self.amazon_manager)
        with self.assertRaises(AccessError):
            marketplace.write({"seller_central_url": "https://phish.example.com"})
        self.assertTrue(marketplace.seller_central_url)  # still readable

    def test_consent_only_on_amazon_hosts(self):
        """Even a system administrator's typo or a hostile marketplace record
        never sends anybody to another host with a valid state."""
        self.account.api_base_url = False
        self.marketplace_de.seller_central_url = "https://phish.example.com"
        with self.assertRaisesRegex(UserError, "not one of Amazon's"):
            self.account._amazon_consent_url()
        self.assertFalse(self.env["amazon.oauth.state"].sudo().search([]))

    def test_selling_partner_id_is_checked(self):
        for bad in ("A1 OR 1=1", "<script>", "a1simseller0de", "A1\nINJECT", "A" * 60):
            with self.subTest(seller=bad):
                res = self._callback(
                    state=self._state(),
                    selling_partner_id=bad,
                    spapi_oauth_code=self.sim.tokens.issue_code(self.sim.seller_id),
                )
                self.assertIn("invalid seller ID", res.text)
                self.assertEqual(self.account.state, "draft")

    def test_seller_linked_once_across_companies(self):
        other = self.env["amazon.seller.account"].create(
            {
                "name": "Geheimes Konto der Andere GmbH",
                "company_id": self.company_b.id,
                "home_marketplace_id": self.marketplace_de.id,
                "selling_partner_id": self.sim.seller_id,
            }
        )
        self.assertEqual(other.company_id, self.company_b)
        res = self._callback(
            state=self._state(),
            selling_partner_id=self.sim.seller_id,
            spapi_oauth_code=self.sim.tokens.issue_code(self.sim.seller_id),
        )
        self.assertIn("already linked in another company", res.text)
        self.assertNotIn("Geheimes Konto", res.text)
        self.assertEqual(self.account.state, "draft")

    def test_database_refuses_a_second_link(self):
        self.env["amazon.seller.account"].create(
            {
                "name": "B",
                "company_id": self.company_b.id,
                "home_marketplace_id": self.marketplace_de.id,
                "selling_partner_id": "A2SAMESELLER",
            }
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.account.sudo().write({"selling_partner_id": "A2SAMESELLER"})
                self.env.flush_all()


@tagged("post_install", "-at_install")
class TestSmallHoles(AmazonSimulatorCase):
    """Finding 5: 500s, log injection, state rows from GET, rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["amazon.seller.account"].create(
            {
                "name": "Mein Shop",
                "home_marketplace_id": cls.marketplace_de.id,
                "api_base_url": cls.sim_url,
            }
        )
        cls.amazon_user = new_test_user(
            cls.env, login="amz_holes_user", groups=f"base.group_user,{USER}"
        )

    def test_start_by_get_writes_nothing_and_never_500(self):
        self.authenticate("amz_holes_user", "amz_holes_user")
        for value in ("²", "1", str(self.account.id), "x"):
            with self.subTest(account_id=value):
                res = self.url_open(
                    f"/amazon_seller_connector/oauth/start?account_id={value}"
                )
                self.assertNotEqual(res.status_code, 500)
        self.assertFalse(self.env["amazon.oauth.state"].sudo().search([]))

    def test_open_states_limited_per_user(self):
        for _ in range(12):
            self.account.action_amazon_link()
        states = self.env["amazon.oauth.state"].sudo().search([])
        self.assertEqual(len(states), 5)

    def test_error_parameter_not_logged(self):
        """Before: the callback wrote the ``error`` parameter into the log."""
        self.authenticate("admin", "admin")
        admin = self.env.ref("base.user_admin")
        url = self.account.with_user(admin).action_amazon_link()["url"]
        state = unquote(url.split("state=")[1].split("&")[0])
        injected = "access_denied\n2026-12-01 ERROR fake: admin password is 1234"
        records = []
        handler = logging.Handler(logging.INFO)
        handler.emit = lambda record: records.append(record.getMessage())
        logger = logging.getLogger(
            "odoo.addons.amazon_seller_connector.controllers.main"
        )
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        self.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(logging.INFO)
        res = self.url_open(f"{CALLBACK}?state={quote(state)}&error={quote(injected)}")
        self.assertIn("declined at Amazon", res.text)
        self.assertEqual(records, ["Amazon authorization not granted: other"])


@tagged("post_install", "-at_install")
class TestRights(AmazonImportCommon):
    """Finding 5: what Amazon users and salespeople may write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amazon_user = new_test_user(
            cls.env, login="amz_rights_user", groups=f"base.group_user,{USER}"
        )
        cls.salesman = new_test_user(
            cls.env,
            login="amz_rights_sales",
            groups="sales_team.group_sale_salesman_all_leads",
        )

    def test_amazon_user_cannot_rewire_orders(self):
        self._import(f.order("302-2000000-0000001", [f.item("UNKNOWN-1", 9)]))
        record = self._record("302-2000000-0000001").with_user(self.amazon_user)
        other_so = self.env["sale.order"].create(
            {"partner_id": self.env.user.partner_id.id}
        )
        for values in (
            {"state": "imported"},
            {"sale_order_id": other_so.id},
            {"account_id": self.account.id},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                record.write(values)
        record.action_mark_reviewed()  # what the review needs still works
        self.assertEqual(record.state, "imported")

    def test_salesman_corrects_the_product_of_an_amazon_line(self):
        self._import(f.order("302-2000000-0000002", [f.item("UNKNOWN-2", 9)]))
        sale_order = self._record("302-2000000-0000002").sale_order_id
        line = sale_order.order_line.filtered("amazon_unknown_sku")
        line.with_user(self.salesman).write({"product_id": self.mug.id})
        self.assertEqual(line.product_id, self.mug)
        mapping = self.env["amazon.seller.sku"].search([("sku", "=", "UNKNOWN-2")])
        self.assertEqual(mapping.product_id, self.mug)

    def test_unknown_currency_is_not_activated(self):
        chf = self.env.ref("base.CHF")
        chf.active = False
        payload = f.order(
            "302-2000000-0000003",
            [f.item("SKU-TASSE", 9, currency="CHF")],
            currency="CHF",
        )
        with mute_logger(IMPORT_LOGGER):
            self._import(payload)
        record = self._record("302-2000000-0000003")
        self.assertEqual(record.state, "error")
        self.assertIn("CHF", record.reason)
        self.assertFalse(chf.active)

    def test_purge_cron_survives_a_wrong_parameter(self):
        self._import(f.order("302-2000000-0000004", [f.item("SKU-TASSE", 9)]))
        record = self._record("302-2000000-0000004")
        params = self.env["ir.config_parameter"].sudo()
        key = "amazon_seller_connector.payload_retention_days"
        for value, kept in (
            ("abc", False),
            ("365", False),
            ("3.5", False),
            ("", False),
        ):
            with self.subTest(value=value):
                record._amazon_store_payload({"orderId": "x"})
                record.payload_date = datetime(2026, 10, 1)  # 2 months ago
                params.set_param(key, value)
                with mute_logger(
                    "odoo.addons.amazon_seller_connector.models.amazon_seller_order"
                ):
                    self.env["amazon.seller.order"]._cron_purge_payloads()
                self.assertEqual(bool(record.sudo().payload), kept)


@tagged("post_install", "-at_install")
class TestImportNowRights(AmazonImportCommon):
    """'Import now' by an Amazon administrator without accounting or stock
    rights: the few records it needs are created (each sudo explained)."""

    def test_amazon_manager_imports_without_accounting_rights(self):
        manager = new_test_user(
            self.env,
            login="amz_import_mgr",
            groups=f"base.group_user,sales_team.group_sale_manager,{MANAGER}",
        )
        self.sim.add_orders([f.order("302-2100000-0000001", [f.item("SKU-TASSE", 9)])])
        self.clock.advance(180)
        self.account.with_user(manager).action_import_orders()
        record = self._record("302-2100000-0000001")
        self.assertTrue(record.sale_order_id)
        self.assertEqual(record.sale_order_id.company_id, self.account.company_id)
        self.assertEqual(
            record.sale_order_id.order_line.tax_ids.mapped("price_include"), [True]
        )
