# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestSecurity(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.sudo().refresh_token = "Atzr|secret-refresh-token"
        cls.env["ir.config_parameter"].sudo().set_param(
            "amazon_seller_connector.lwa_client_secret", "very-secret"
        )
        cls.salesman = new_test_user(
            cls.env, login="amz_sales", groups="sales_team.group_sale_salesman"
        )
        cls.amazon_manager = new_test_user(
            cls.env,
            login="amz_manager",
            groups="sales_team.group_sale_manager,"
            "amazon_seller_connector.group_amazon_manager",
        )

    def test_sales_user_cannot_read_secrets(self):
        account = self.account.with_user(self.salesman)
        with self.assertRaises(AccessError):
            account.read(["refresh_token"])
        with self.assertRaises(AccessError):
            self.env["ir.config_parameter"].with_user(self.salesman).get_param(
                "amazon_seller_connector.lwa_client_secret"
            )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.salesman).create({})

    def test_sales_user_without_amazon_group_cannot_read_account(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).read(["name"])

    def test_amazon_manager_configures_but_no_token(self):
        account = self.account.with_user(self.amazon_manager)
        account.write({"name": "Renamed"})
        self.assertEqual(account.name, "Renamed")
        self.assertNotIn("refresh_token", account.fields_get())
        with self.assertRaises(AccessError):
            account.read(["refresh_token"])

    def test_admin_reads_token(self):
        self.assertEqual(self.account.sudo().refresh_token, "Atzr|secret-refresh-token")
        admin = self.env.ref("base.user_admin")
        self.assertEqual(
            self.account.with_user(admin).refresh_token, "Atzr|secret-refresh-token"
        )

    def test_other_company_cannot_see_account(self):
        other_company = self.env["res.company"].create({"name": "Other GmbH"})
        other_user = new_test_user(
            self.env,
            login="amz_other",
            groups="amazon_seller_connector.group_amazon_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        accounts = self.env["amazon.seller.account"].with_user(other_user)
        self.assertFalse(accounts.search([("id", "=", self.account.id)]))
        with self.assertRaises(AccessError):
            accounts.browse(self.account.id).read(["name"])
