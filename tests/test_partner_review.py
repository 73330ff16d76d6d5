# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .test_partner_matching import MatchingCommon

BUYER = {
    "name": "Hans Müller",
    "street": "Lindenweg 5",
    "zip": "10115",
    "city": "Berlin",
    "country_code": "DE",
}


@tagged("post_install", "-at_install")
class TestPartnerReview(MatchingCommon):
    def _review_order(self, values=None):
        Partner = self.env["res.partner"]
        customer, delivery, decision, review = Partner._amazon_find_or_create_customer(
            self.account, values or BUYER
        )
        order = self.env["sale.order"].create(
            {"partner_id": customer.id, "partner_shipping_id": delivery.id}
        )
        Partner._amazon_note_match(self.account, order, decision, review)
        result = {"decision": decision.decision, "review_id": review.id}
        return customer, order, result

    def test_uncertain_buyer_gets_provisional_customer(self):
        customer, order, result = self._review_order()
        self.assertEqual(result["decision"], "review")
        self.assertNotEqual(customer, self.hans)
        self.assertTrue(customer.amazon_possible_duplicate)
        review = self.env["amazon.partner.review"].browse(result["review_id"])
        self.assertEqual(review.sale_order_id, order)
        self.assertEqual(review.line_ids.candidate_id, self.hans)
        self.assertEqual(
            review.line_ids.candidate_summary,
            "Hans Müller\nHauptstraße 12a\n10115 Berlin",
        )
        self.assertIn("Name", review.line_ids.criteria_agreed)
        self.assertTrue(review.reason)

    def test_same_customer_moves_orders_and_merges(self):
        customer, order, result = self._review_order()
        review = self.env["amazon.partner.review"].browse(result["review_id"])
        review.line_ids.action_same_customer()
        self.assertEqual(review.state, "same")
        self.assertEqual(order.partner_id, self.hans)
        self.assertEqual(order.partner_shipping_id.parent_id, self.hans)
        self.assertEqual(order.partner_shipping_id.street, "Lindenweg 5")
        self.assertFalse(customer.exists() and customer.active)

    def test_different_customer_is_remembered(self):
        customer, __, result = self._review_order()
        review = self.env["amazon.partner.review"].browse(result["review_id"])
        review.line_ids.action_different_customer()
        self.assertEqual(review.state, "different")
        self.assertFalse(customer.amazon_possible_duplicate)
        pair = self.env["amazon.partner.pair"].search(
            [("partner_a_id", "in", (customer | self.hans).ids)]
        )
        self.assertEqual(len(pair), 1)
        again = self._match(**BUYER)
        self.assertEqual(
            (again["decision"], again["partner_id"]), ("link", customer.id)
        )
        self.assertNotIn(self.hans.id, [pid for pid, __ in again["candidates"]])

    def test_link_written_on_chatter(self):
        values = dict(BUYER, street="Hauptstr. 12a")
        __, order, result = self._review_order(values)
        self.assertEqual(result["decision"], "link")
        self.assertIn("duplicate search", order.message_ids[0].body)

    def test_open_merge_wizard(self):
        __, __, result = self._review_order()
        review = self.env["amazon.partner.review"].browse(result["review_id"])
        action = review.action_open_merge_wizard()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        self.assertEqual(len(action["context"]["active_ids"]), 2)
