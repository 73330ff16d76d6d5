# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The redirect controller against the offline Amazon simulator."""

import importlib
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import hash_sign

from .common import LoopbackOnlyMixin, allow_simulator

sim_module = importlib.import_module("odoo.addons.amazon_seller_connector.simulator")
Simulator, DEFAULTS = sim_module.Simulator, sim_module.DEFAULTS

START = "/amazon_seller_connector/oauth/start"
CALLBACK = "/amazon_seller_connector/oauth/callback"
CONFIRM = "/amazon_seller_connector/oauth/confirm"
LINK_LOGGER = "odoo.addons.amazon_seller_connector.models.amazon_seller_account"
MANAGER = "amazon_seller_connector.group_amazon_manager"


class AmazonSimulatorCase(LoopbackOnlyMixin, HttpCase):
    """Simulator started once per class; app settings point at it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = Simulator(marketplaces=("DE", "FR"))
        cls.sim_url = cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        allow_simulator(cls.env)
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in (
            ("application_id", DEFAULTS["application_id"]),
            ("lwa_client_id", DEFAULTS["client_id"]),
            ("lwa_client_secret", DEFAULTS["client_secret"]),
            ("app_is_draft", "True"),
        ):
            params.set_param(f"amazon_seller_connector.{key}", value)
        cls.marketplace_de = cls.env.ref("amazon_seller_connector.marketplace_de")
        cls.marketplace_fr = cls.env.ref("amazon_seller_connector.marketplace_fr")

    def setUp(self):
        super().setUp()
        self.sim.reset()


@tagged("post_install", "-at_install")
class TestOAuthController(AmazonSimulatorCase):
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
        cls.manager2 = new_test_user(
            cls.env, login="manager2", groups=f"base.group_user,{MANAGER}"
        )
        cls.amazon_user = new_test_user(
            cls.env,
            login="amazon_user",
            groups="base.group_user,amazon_seller_connector.group_amazon_user",
        )

    # -- helpers ------------------------------------------------------------

    def _start(self, account=None, login="admin"):
        """The account's button, as ``login``: the consent URL to go to."""
        self.authenticate(login, login)
        account = account or self.account
        user = self.env["res.users"].search([("login", "=", login)])
        action = account.with_user(user).action_amazon_link()
        self.assertEqual(action["type"], "ir.actions.act_url")
        return action["url"]

    def _state(self, account=None, login="admin"):
        return parse_qs(urlsplit(self._start(account, login)).query)["state"][0]

    def _code(self, seller_id=None):
        return self.sim.tokens.issue_code(seller_id or self.sim.seller_id)

    def _callback(self, **params):
        res = self.url_open(f"{CALLBACK}?{urlencode(params)}")
        self.assertEqual(res.status_code, 200)
        self.env.invalidate_all()
        return res.text

    def _link(self, state, seller_id=None):
        seller_id = seller_id or self.sim.seller_id
        return self._callback(
            state=state,
            selling_partner_id=seller_id,
            spapi_oauth_code=self._code(seller_id),
        )

    def assertNothingSaved(self, account=None):
        account = account or self.account
        self.assertEqual(account.state, "draft")
        self.assertFalse(account.selling_partner_id)
        self.assertFalse(account.sudo().refresh_token)
        self.assertFalse(account.available_marketplace_ids)

    def assertError(self, html, fragment):
        self.assertIn('id="o_amazon_link_error"', html)
        self.assertIn(fragment, html)

    # -- consent URL --------------------------------------------------------

    def test_consent_url(self):
        url = urlsplit(self._start())
        query = parse_qs(url.query)
        self.assertEqual(f"{url.scheme}://{url.netloc}", self.sim_url)
        self.assertEqual(url.path, "/apps/authorize/consent")
        self.assertEqual(query["application_id"], [DEFAULTS["application_id"]])
        self.assertEqual(query["version"], ["beta"])
        self.assertEqual(
            query["redirect_uri"], [self.account.get_base_url() + CALLBACK]
        )
        self.assertTrue(query["state"][0])

    def test_consent_url_amazon_published(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "amazon_seller_connector.app_is_draft", False
        )
        self.account.api_base_url = False
        url = urlsplit(self.account._amazon_consent_url())
        self.assertEqual(url.netloc, "sellercentral-europe.amazon.com")
        self.assertNotIn("version", parse_qs(url.query))

    def test_start_requires_manager(self):
        with self.assertRaisesRegex(AccessError, "Only Amazon administrators"):
            self.account.with_user(self.amazon_user).action_amazon_link()
        self.assertFalse(self.env["amazon.oauth.state"].sudo().search([]))

    # -- success ------------------------------------------------------------

    def test_link_success(self):
        html = self._link(self._state())
        self.assertIn('id="o_amazon_link_success"', html)
        self.assertIn(f'href="/odoo/amazon-accounts/{self.account.id}"', html)
        account = self.account
        self.assertEqual(account.state, "linked")
        self.assertEqual(account.selling_partner_id, self.sim.seller_id)
        token = account.sudo().refresh_token
        self.assertTrue(token.startswith("Atzr|"))
        self.assertNotIn(token, html)
        self.assertFalse(self.sim.tokens.refresh[token]["revoked"])
        self.assertEqual(
            self.sim.tokens.refresh[token]["seller_id"], self.sim.seller_id
        )
        both = self.marketplace_de | self.marketplace_fr
        self.assertEqual(account.available_marketplace_ids, both)
        self.assertEqual(account.marketplace_ids, both)
        # the stored token works for the account's own client
        with account._amazon_client() as client:
            markets = client.get_marketplace_participations()
        self.assertEqual(len(markets), 2)

    def test_reauthorize_same_seller_keeps_selection(self):
        self._link(self._state())
        self.account.write({"marketplace_ids": [Command.set(self.marketplace_fr.ids)]})
        old_token = self.account.sudo().refresh_token
        self.account.sudo().state = "reauth"
        html = self._link(self._state())
        self.assertIn('id="o_amazon_link_success"', html)
        self.assertEqual(self.account.state, "linked")
        self.assertNotEqual(self.account.sudo().refresh_token, old_token)
        self.assertEqual(self.account.marketplace_ids, self.marketplace_fr)

    # -- state failures -----------------------------------------------------

    def test_state_replayed(self):
        state = self._state()
        self._link(state)
        token = self.account.sudo().refresh_token
        html = self._link(state)
        self.assertError(html, "already been used")
        self.assertEqual(self.account.sudo().refresh_token, token)

    def test_state_forged(self):
        state = self._state()
        forged = state[:-4] + ("AAAA" if not state.endswith("AAAA") else "BBBB")
        for bad in (forged, "garbage", "", "x" * 300):
            with self.subTest(state=bad[:10]):
                html = self._link(bad)
                self.assertError(html, "could not be verified")
                self.assertNothingSaved()
        # the genuine state is still usable afterwards
        self.assertIn('id="o_amazon_link_success"', self._link(state))

    def test_state_expired(self):
        self.authenticate("admin", "admin")
        nonce = self.env["amazon.oauth.state"]._issue(self.account)
        values = {"db": self.env.cr.dbname, "account": self.account.id, "uid": 2}
        state = hash_sign(
            self.env(su=True),
            "amazon_seller_connector.oauth_state",
            dict(values, jti=nonce.jti),
            expiration=timedelta(minutes=-1),
        )
        self.assertError(self._link(state), "older than 10 minutes")
        self.assertNothingSaved()

    def test_state_other_database(self):
        self.authenticate("admin", "admin")
        nonce = self.env["amazon.oauth.state"]._issue(self.account)
        values = {"db": "other_db", "account": self.account.id, "uid": self.env.uid}
        state = hash_sign(
            self.env(su=True),
            "amazon_seller_connector.oauth_state",
            dict(values, jti=nonce.jti),
            expiration=timedelta(minutes=10),
        )
        self.assertError(self._link(state), "could not be verified")
        self.assertNothingSaved()

    def test_state_other_user(self):
        state = self._state()
        self.authenticate("manager2", "manager2")
        self.assertError(self._link(state), "started by another user")
        self.assertNothingSaved()
        self.authenticate("amazon_user", "amazon_user")
        self.assertError(self._link(state), "started by another user")
        self.assertNothingSaved()
        # the user who started it can still finish
        self.authenticate("admin", "admin")
        self.assertIn('id="o_amazon_link_success"', self._link(state))

    # -- Amazon's answer ----------------------------------------------------

    @mute_logger(LINK_LOGGER)
    def test_consent_declined(self):
        state = self._state()
        html = self._callback(
            state=state,
            error="access_denied",
            error_description="The user denied the authorization request.",
        )
        self.assertError(html, "declined at Amazon")
        self.assertIn(f'href="/odoo/amazon-accounts/{self.account.id}"', html)
        self.assertNothingSaved()
        self.assertError(self._link(state), "already been used")

    @mute_logger(LINK_LOGGER)
    def test_code_expired_or_invalid(self):
        state = self._state()
        code = self._code()
        self.sim.tokens.codes[code]["expires"] = 0
        html = self._callback(
            state=state, selling_partner_id=self.sim.seller_id, spapi_oauth_code=code
        )
        self.assertError(html, "only valid for 5 minutes")
        self.assertNothingSaved()
        html = self._callback(
            state=self._state(),
            selling_partner_id=self.sim.seller_id,
            spapi_oauth_code="ANunknown",
        )
        self.assertError(html, "only valid for 5 minutes")
        self.assertNothingSaved()

    def test_answer_incomplete(self):
        html = self._callback(state=self._state(), selling_partner_id="A1")
        self.assertError(html, "incomplete")
        self.assertNothingSaved()

    @mute_logger(LINK_LOGGER)
    def test_invalid_client(self):
        secret = "wrong-secret-123"
        self.env["ir.config_parameter"].sudo().set_param(
            "amazon_seller_connector.lwa_client_secret", secret
        )
        with self.assertLogs(LINK_LOGGER, "WARNING") as logs:
            html = self._link(self._state())
        self.assertError(html, "application credentials")
        self.assertNotIn(secret, html)
        self.assertNotIn(secret, "\n".join(logs.output))
        self.assertNothingSaved()

    @mute_logger(LINK_LOGGER, "spapi.client")
    def test_network_errors(self):
        self.sim.inject_fault("token", "drop", count=5)
        self.assertError(self._link(self._state()), "could not be reached")
        self.assertNothingSaved()
        self.sim.reset()
        self.sim.inject_fault("token", "status", count=5, status=503)
        self.assertError(self._link(self._state()), "could not be reached")
        self.assertNothingSaved()

    @mute_logger(LINK_LOGGER, "spapi.client")
    def test_timeout(self):
        account_cls = type(self.env["amazon.seller.account"])
        options = {"timeout": (1, 0.5), "max_retries": 0}
        self.patch(
            account_cls, "_amazon_client_options", lambda self, purpose="api": options
        )
        self.sim.inject_fault("token", "hang", count=1, delay=3)
        self.assertError(self._link(self._state()), "could not be reached")
        self.assertNothingSaved()

    @mute_logger(LINK_LOGGER, "spapi.client")
    def test_participations_fail_after_exchange(self):
        self.sim.inject_fault(
            "getMarketplaceParticipations", "status", count=5, status=500
        )
        self.assertError(self._link(self._state()), "could not be reached")
        self.assertNothingSaved()

    # -- seller ids ---------------------------------------------------------

    def test_seller_already_linked_elsewhere(self):
        other = self.env["amazon.seller.account"].create(
            {
                "name": "Altes Konto",
                "home_marketplace_id": self.marketplace_de.id,
                "selling_partner_id": self.sim.seller_id,
                "active": False,
            }
        )
        html = self._link(self._state())
        self.assertError(html, "Altes Konto")
        self.assertNothingSaved()
        self.assertEqual(other.selling_partner_id, self.sim.seller_id)

    def _reauth_other_seller(self):
        self.account.sudo().write(
            {
                "state": "reauth",
                "selling_partner_id": "AOLDSELLER",
                "refresh_token": "Atzr|old",
            }
        )
        html = self._link(self._state(), seller_id="ANEWSELLER")
        self.assertIn('id="o_amazon_link_confirm"', html)
        self.assertIn("ANEWSELLER", html)
        self.assertEqual(self.account.selling_partner_id, "AOLDSELLER")
        self.assertEqual(self.account.sudo().refresh_token, "Atzr|old")
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return {"token": token, "csrf_token": csrf}

    def _confirm(self, form, decision):
        res = self.url_open(CONFIRM, data=dict(form, decision=decision))
        self.env.invalidate_all()
        return res

    def test_reauthorize_other_seller_confirmed(self):
        form = self._reauth_other_seller()
        res = self._confirm(form, "confirm")
        self.assertIn('id="o_amazon_link_success"', res.text)
        self.assertEqual(self.account.state, "linked")
        self.assertEqual(self.account.selling_partner_id, "ANEWSELLER")
        self.assertTrue(self.account.sudo().refresh_token.startswith("Atzr|"))
        self.assertNotEqual(self.account.sudo().refresh_token, "Atzr|old")
        self.assertError(self._confirm(form, "confirm").text, "already been used")

    def test_reauthorize_other_seller_cancelled(self):
        form = self._reauth_other_seller()
        res = self._confirm(form, "cancel")
        self.assertTrue(res.url.endswith(f"/odoo/amazon-accounts/{self.account.id}"))
        self.assertEqual(self.account.selling_partner_id, "AOLDSELLER")
        self.assertEqual(self.account.sudo().refresh_token, "Atzr|old")
        self.assertEqual(self.account.state, "reauth")
        self.assertFalse(self.env["amazon.oauth.state"].sudo().search([]))

    def test_reauthorize_other_seller_other_user(self):
        form = self._reauth_other_seller()
        self.authenticate("manager2", "manager2")
        form["csrf_token"] = self._csrf_token()
        self.assertError(self._confirm(form, "confirm").text, "another user")
        self.assertEqual(self.account.selling_partner_id, "AOLDSELLER")

    def _csrf_token(self):
        res = self.url_open("/odoo")
        return re.search(r'csrf_token: "([^"]+)"', res.text).group(1)

    def test_button_action(self):
        action = self.account.action_amazon_link()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(
            action["url"].startswith(self.sim_url + "/apps/authorize/consent?")
        )
        self.assertEqual(len(self.env["amazon.oauth.state"].sudo().search([])), 1)
        with self.assertRaises(AccessError):
            self.account.with_user(self.amazon_user).action_amazon_link()
