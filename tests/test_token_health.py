# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revoked or expired refresh tokens: 'needs re-authorization', a to-do."""

import importlib

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..spapi import InvalidClient, InvalidGrant, TransientError
from .common import AmazonCommon, allow_simulator

sim_module = importlib.import_module("odoo.addons.amazon_seller_connector.simulator")
LINK_LOGGER = "odoo.addons.amazon_seller_connector.models.amazon_seller_account"


@tagged("post_install", "-at_install")
class TestTokenHealth(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = sim_module.Simulator(refresh_tokens=("Atzr|one", "Atzr|two"))
        cls.sim_url = cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        allow_simulator(cls.env)
        params = cls.env["ir.config_parameter"].sudo()
        defaults = sim_module.DEFAULTS
        params.set_param("amazon_seller_connector.lwa_client_id", defaults["client_id"])
        params.set_param(
            "amazon_seller_connector.lwa_client_secret", defaults["client_secret"]
        )
        cls.responsible = cls.env["res.users"].create(
            {"name": "Verantwortlich", "login": "amazon_responsible"}
        )
        cls.account.write(cls._linked("A1ONE", "Atzr|one"))
        cls.account_two = cls.account.copy({"name": "Zweiter Shop"})
        cls.account_two.write(cls._linked("A2TWO", "Atzr|two"))
        cls.accounts = cls.account | cls.account_two

    @classmethod
    def _linked(cls, seller_id, token):
        return {
            "state": "linked",
            "selling_partner_id": seller_id,
            "refresh_token": token,
            "api_base_url": cls.sim_url,
            "responsible_id": cls.responsible.id,
        }

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def _todos(self, account):
        todo = self.env.ref("mail.mail_activity_data_todo")
        return account.activity_ids.filtered(lambda a: a.activity_type_id == todo)

    def test_all_healthy(self):
        self.assertEqual(self.accounts._amazon_check_connection(), self.accounts)
        self.assertEqual(set(self.accounts.mapped("state")), {"linked"})

    @mute_logger(LINK_LOGGER)
    def test_revoked_token_needs_reauthorization(self):
        self.sim.revoke_refresh_token("Atzr|one")
        ok = self.accounts._amazon_check_connection()
        # the other account goes on
        self.assertEqual(ok, self.account_two)
        self.assertEqual(self.account.state, "reauth")
        self.assertEqual(self.account_two.state, "linked")
        todos = self._todos(self.account)
        self.assertEqual(len(todos), 1)
        self.assertEqual(todos.user_id, self.responsible)
        self.assertFalse(self._todos(self.account_two))
        # failing runs do not pile up activities: the open to-do stays alone
        self.account.state = "linked"
        self.account._amazon_handle_auth_error(InvalidGrant("again"))
        self.account._amazon_handle_auth_error(InvalidGrant("again"))
        self.assertEqual(len(self._todos(self.account)), 1)
        self.assertEqual(self.account.state, "reauth")

    @mute_logger(LINK_LOGGER)
    def test_handle_auth_error(self):
        self.assertFalse(self.account._amazon_handle_auth_error(InvalidClient("bad")))
        self.assertFalse(self.account._amazon_handle_auth_error(TransientError("down")))
        self.assertEqual(self.account.state, "linked")
        self.assertTrue(self.account._amazon_handle_auth_error(InvalidGrant("gone")))
        self.assertEqual(self.account.state, "reauth")
        self.assertTrue(self.account._amazon_handle_auth_error(InvalidGrant("gone")))
        self.assertEqual(len(self._todos(self.account)), 1)

    @mute_logger(LINK_LOGGER)
    def test_relink_closes_activity(self):
        self.account._amazon_handle_auth_error(InvalidGrant("gone"))
        self.account._amazon_finish_link("A1ONE", "Atzr|two")
        self.assertEqual(self.account.state, "linked")
        self.assertFalse(self._todos(self.account))

    @mute_logger(LINK_LOGGER, "spapi.client")
    def test_network_error_keeps_state(self):
        self.sim.inject_fault("getMarketplaceParticipations", "drop", count=10)
        self.assertFalse(self.accounts._amazon_check_connection())
        self.assertEqual(set(self.accounts.mapped("state")), {"linked"})

    def test_access_tokens_per_account(self):
        """One access token per account, never used for another; the
        clients of one process (runs, jobs) share it (``shared``: as outside
        tests)."""
        with (
            self.account._amazon_client(shared=True) as one,
            self.account_two._amazon_client(shared=True) as two,
        ):
            one.get_marketplace_participations()
            two.get_marketplace_participations()
            token_one = one.tokens.get("Atzr|one")["access_token"]
            token_two = two.tokens.get("Atzr|two")["access_token"]
        self.assertNotEqual(token_one, token_two)
        self.assertEqual(self.sim.call_log()["by_operation"].get("token"), 2)
        with self.account._amazon_client(shared=True) as again:  # the next job
            again.get_marketplace_participations()
            self.assertEqual(again.tokens.get("Atzr|one")["access_token"], token_one)
        self.assertEqual(self.sim.call_log()["by_operation"].get("token"), 2)

    def test_access_token_reused_within_a_run(self):
        """One client per run: one LWA call for several SP-API calls."""
        with self.account._amazon_client() as client:
            client.get_marketplace_participations()
            client.get_marketplace_participations()
        self.assertEqual(self.sim.call_log()["by_operation"].get("token"), 1)

    @mute_logger(LINK_LOGGER, "spapi.client")
    def test_revoked_during_run(self):
        """The cached access token is refused (403) and dropped; the refresh
        then fails with invalid_grant: 'needs re-authorization'."""
        with self.account._amazon_client() as client:
            client.get_marketplace_participations()
            self.sim.revoke_refresh_token("Atzr|one")
            with self.assertRaises(InvalidGrant) as caught:
                client.get_marketplace_participations()
        self.assertTrue(self.account._amazon_handle_auth_error(caught.exception))
        self.assertEqual(self.account.state, "reauth")
