# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Finding 2: the duplicate search keeps companies apart."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_partner_matching import MatchingCommon

USER = "amazon_seller_connector.group_amazon_user"
MANAGER = "amazon_seller_connector.group_amazon_manager"
BUYER = {
    "name": "Hans Müller",
    "street": "Lindenweg 5",
    "zip": "10115",
    "city": "Berlin",
    "country_code": "DE",
}


@tagged("post_install", "-at_install")
class TestReviewCompanies(MatchingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.account.company_id
        cls.company_b = cls.env["res.company"].create({"name": "B-Handel GmbH"})
        cls.secret = cls._partner(
            "Geheim Kundin",
            "Verborgene Gasse 1",
            "20095",
            "Hamburg",
            company_id=cls.company_a.id,
            email="geheim@example.com",
            phone="+49 40 1234567",
        )
        cls.account_b = cls.env["amazon.seller.account"].create(
            {"name": "Shop B", "company_id": cls.company_b.id, "duplicate_search": True}
        )
        cls.user_b = new_test_user(
            cls.env,
            login="amz_user_b",
            groups=f"base.group_user,{USER}",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.user_a = new_test_user(
            cls.env,
            login="amz_user_a",
            groups=f"base.group_user,{USER}",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="amz_manager_b",
            groups=f"base.group_user,{MANAGER}",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        # a review of company A with its candidates
        cls.hans.company_id = cls.company_a
        _c, _d, _decision, cls.review_a = cls.env[
            "res.partner"
        ]._amazon_find_or_create_customer(cls.account, BUYER)

    def test_user_cannot_create_reviews(self):
        Review = self.env["amazon.partner.review"].with_user(self.user_b)
        with self.assertRaises(AccessError):
            Review.create(
                {"account_id": self.account_b.id, "partner_id": self.secret.id}
            )

    def test_review_cannot_point_at_another_company(self):
        """Before: a review in B naming A's partner showed its e-mail, phone
        and address through related fields computed as superuser."""
        Review = self.env["amazon.partner.review"].with_user(self.manager_b)
        with self.assertRaisesRegex(UserError, "compan"):
            Review.create(
                {"account_id": self.account_b.id, "partner_id": self.secret.id}
            )
        with self.assertRaisesRegex(UserError, "compan"):
            Review.create(
                {
                    "account_id": self.account_b.id,
                    "line_ids": [Command.create({"candidate_id": self.secret.id})],
                }
            )
        review_b = Review.create({"account_id": self.account_b.id})
        for field in ("result_partner_id", "partner_id"):
            with self.subTest(field=field), self.assertRaisesRegex(UserError, "compan"):
                review_b.write({field: self.secret.id})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            review_b.write({"account_id": self.account.id})
        with self.assertRaisesRegex(UserError, "another review"):
            self.review_a.line_ids[:1].write({"review_id": review_b.id})

    def test_user_cannot_rewrite_reviews(self):
        review = self.review_a.with_user(self.user_a)
        line = review.line_ids[:1]
        for record, values in (
            (review, {"partner_id": self.hans.id}),
            (review, {"state": "same"}),
            (line, {"candidate_id": self.secret.id}),
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                record.write(values)
        line.action_different_customer()  # the decision itself works
        self.assertEqual(line.state, "different")

    def test_other_company_sees_no_review_data(self):
        self.assertTrue(self.review_a.line_ids)
        for model in (
            "amazon.partner.review",
            "amazon.partner.review.line",
            "amazon.partner.pair",
        ):
            with self.subTest(model=model):
                self.assertFalse(self.env[model].with_user(self.user_b).search([]))
        line = self.review_a.line_ids[:1].with_user(self.user_b)
        with self.assertRaises(AccessError):
            line.read(["candidate_street", "candidate_email"])

    def test_related_fields_use_the_readers_rights(self):
        field = self.env["amazon.partner.review"]._fields["partner_email"]
        self.assertFalse(field.compute_sudo)
        field = self.env["amazon.partner.review.line"]._fields["candidate_email"]
        self.assertFalse(field.compute_sudo)

    def test_pairs_are_per_company(self):
        line = self.review_a.line_ids[:1]
        line.action_different_customer()
        pair = self.env["amazon.partner.pair"].search([])
        self.assertEqual(pair.company_id, self.company_a)
        self.assertFalse(
            self.env["amazon.partner.pair"]._pairs_among(
                {pair.partner_a_id.id, pair.partner_b_id.id}, self.company_b
            )
        )

    def test_other_companies_never_crowd_out_matches(self):
        """Before: the identifier lookups took 50 rows first and filtered the
        company after, so 60 partners of company B with the buyer's e-mail
        hid company A's customer."""
        self.account.match_nationwide_search = False
        self.env["res.partner"].create(
            [
                {
                    "name": f"Fremd {n}",
                    "email": "hans.mueller@example.com",
                    "company_id": self.company_b.id,
                }
                for n in range(60)
            ]
        )
        known = self._partner(
            "Hans Müller",
            "Am Markt 3",
            "80331",
            "München",
            email="hans.mueller@example.com",
            company_id=self.company_a.id,
        )
        values = {
            "name": "Hans Müller",
            "street": "Nebenstraße 9",
            "zip": "50667",
            "city": "Köln",
            "country_code": "DE",
            "email": "hans.mueller@example.com",
        }
        manager_a = new_test_user(
            self.env,
            login="amz_manager_a",
            groups=f"base.group_user,{MANAGER}",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        for user in (self.env.user, manager_a):  # the cron, and "Import now"
            with self.subTest(user=user.login):
                decision = (
                    self.env["res.partner"]
                    .with_user(user)
                    ._amazon_match(self.account.with_user(user), values)
                )
                self.assertEqual(decision.decision, "link")
                self.assertEqual(decision.partner_id, known.id)
