# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAccountFormTour(HttpCase):
    def test_account_form_tour(self):
        self.start_tour("/odoo", "amazon_seller_connector_account_form", login="admin")
        account = self.env["amazon.seller.account"].search(
            [("name", "=", "Mein Shop auf Amazon.de")]
        )
        self.assertEqual(len(account), 1)
        self.assertEqual(account.payment_term_id.name, "Amazon")
        self.assertEqual(account.state, "draft")
