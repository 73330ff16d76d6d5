# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged

from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestAccountDefaults(AmazonCommon):
    def test_install_data_preselected(self):
        """A new account works out of the box: defaults created and preselected."""
        ref = self.env.ref
        account = self.account
        self.assertEqual(
            account.payment_term_id, ref("amazon_seller_connector.payment_term_amazon")
        )
        self.assertEqual(account.payment_term_id.name, "Amazon")
        self.assertEqual(account.source_id.name, "Amazon")
        self.assertEqual(account.order_tag_ids.mapped("name"), ["Amazon"])
        self.assertEqual(account.partner_category_ids.mapped("name"), ["Amazon"])
        fees = (
            account.shipping_product_id
            | account.gift_wrap_product_id
            | account.cod_fee_product_id
            | account.discount_product_id
        )
        self.assertEqual(len(fees), 4)
        self.assertEqual(set(fees.mapped("type")), {"service"})
        self.assertEqual(set(fees.mapped("list_price")), {0.0})
        self.assertEqual(account.fallback_product_id.default_code, "AMZ-UNKNOWN")
        self.assertEqual(account.state, "draft")
        self.assertFalse(account.warehouse_id, "empty means Odoo's default warehouse")
        self.assertEqual(account.company_id, self.env.company)

    def test_form_new_account(self):
        """Creating an account through the form as a merchant would."""
        with Form(self.env["amazon.seller.account"]) as form:
            form.name = "Mein Amazon-Shop"
            self.assertEqual(form.home_marketplace_id.code, "DE")
            form.region = "na"
            self.assertEqual(form.home_marketplace_id.region, "na")
        account = form.save()
        self.assertEqual(account.payment_term_id.name, "Amazon")
        self.assertEqual(account.responsible_id, self.env.user)

    def test_marketplaces_seeded(self):
        marketplaces = self.env["amazon.seller.marketplace"].search([])
        by_code = {m.code: m for m in marketplaces}
        self.assertEqual(by_code["DE"].amazon_marketplace_id, "A1PA6795UKMFR9")
        self.assertEqual(
            by_code["DE"].seller_central_url, "https://sellercentral-europe.amazon.com"
        )
        self.assertEqual(by_code["PL"].currency_id.name, "PLN")
        self.assertEqual(by_code["US"].region, "na")
        self.assertEqual(by_code["JP"].region, "fe")
        self.assertGreaterEqual(len(marketplaces), 20)
