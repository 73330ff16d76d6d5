# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..matching.decision import MatchDecision
from ..matching.partner_keys import KEY_COLUMNS, stored_keys
from .common import AmazonCommon


def as_dict(partners, decision):
    """A decision as plain values: decision, partner, ranked candidates, reason."""
    return {
        "decision": decision.decision,
        "partner_id": decision.partner_id or False,
        "score": decision.score,
        "candidates": [(c.partner_id, c.score) for c in decision.candidates],
        "reason": partners._amazon_match_reason(decision),
    }


class MatchingCommon(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.duplicate_search = True
        cls.de = cls.env.ref("base.de")
        cls.hans = cls._partner("Hans Müller", "Hauptstraße 12a", "10115", "Berlin")

    @classmethod
    def _partner(cls, name, street, zip_code, city, **extra):
        return cls.env["res.partner"].create(
            dict(
                name=name, street=street, zip=zip_code, city=city, country_id=cls.de.id
            )
            | extra
        )

    def _match(self, **values):
        Partner = self.env["res.partner"]
        decision = Partner._amazon_match(
            self.account, dict({"country_code": "DE"}, **values)
        )
        return as_dict(Partner, decision)

    def _resolve(self, values):
        """``(customer, delivery, result dict)`` of the import's customer step."""
        Partner = self.env["res.partner"]
        customer, delivery, decision, review = Partner._amazon_find_or_create_customer(
            self.account, values
        )
        return customer, delivery, dict(as_dict(Partner, decision), review=review)


@tagged("post_install", "-at_install")
class TestPartnerMatching(MatchingCommon):
    def _fill(self):
        self.env["res.partner"]._amazon_fill_match_keys()

    def test_keys_stored(self):
        self._fill()
        self.assertEqual(self.hans.amazon_match_name, "hans mueller")
        self.assertEqual(self.hans.amazon_match_zip, "10115")
        self.assertEqual(self.hans.amazon_match_house_number, "12a")
        self.hans.street = "Lindenweg 5"
        # stale at once (the old key may hold erased data), fresh when searched
        self.assertFalse(self.hans.amazon_match_house_number)
        self.assertFalse(self.hans.amazon_match_parts)
        self._fill()
        self.assertEqual(self.hans.amazon_match_house_number, "5")
        self.assertEqual(self.hans.amazon_match_name, "hans mueller")

    def test_company_rename_makes_its_contacts_stale(self):
        company = self.env["res.partner"].create(
            {"name": "Muster GmbH", "is_company": True, "zip": "10115"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Eva Muster", "parent_id": company.id, "zip": "10115"}
        )
        self._fill()
        self.assertEqual(contact.amazon_match_company, "muster")
        company.name = "Beispiel AG"
        self.assertFalse(contact.amazon_match_parts)
        self._fill()
        self.assertEqual(contact.amazon_match_company, "beispiel")

    def test_edited_partner_found_by_the_next_search(self):
        """A customer whose address a user corrected is found there by the
        very next order: the search computes stale keys first."""
        self.hans.write({"street": "Lindenweg 5", "zip": "20095", "city": "Hamburg"})
        result = self._match(
            name="Hans Müller", street="Lindenweg 5", zip="20095", city="Hamburg"
        )
        self.assertEqual(result["decision"], "link", result["reason"])
        self.assertEqual(result["partner_id"], self.hans.id)

    def test_candidates_use_stored_keys(self):
        """The stored columns give back every key the scoring needs."""
        self.hans.write({"name": "Dr. Hans Peter Müller", "street": "Packstation 105"})
        self._fill()
        row = {column: self.hans[column] or None for column in KEY_COLUMNS}
        self.assertEqual(stored_keys(row), self.hans._amazon_match_keys())
        self.assertIsNone(stored_keys(dict(row, amazon_match_parts=None)))

    def test_fill_keys_in_batches(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET amazon_match_name = NULL WHERE id = %s",
                self.hans.id,
            )
        )
        self.hans.invalidate_recordset()
        self.assertGreaterEqual(self.env["res.partner"]._amazon_fill_match_keys(), 1)
        self.assertEqual(self.hans.amazon_match_name, "hans mueller")

    def test_repeat_buyer_spelling_variants_link(self):
        for name, street in (
            ("MUELLER, Hans", "Hauptstr. 12 A"),
            ("Dr. Hans Mueller", "Haupt-Straße 12a"),
            ("H. Müller", "Hauptstrasse 12A"),
        ):
            result = self._match(name=name, street=street, zip="10115", city="Berlin")
            self.assertEqual(result["decision"], "link", name)
            self.assertEqual(result["partner_id"], self.hans.id)
            self.assertEqual(result["candidates"][0][0], self.hans.id)

    def test_household_member_is_another_customer(self):
        """Another given name at the same address: never linked, no review."""
        result = self._match(
            name="Anna Müller", street="Hauptstraße 12a", zip="10115", city="Berlin"
        )
        self.assertEqual(result["decision"], "new")
        self.assertFalse(result["partner_id"])

    def test_same_name_next_door_is_reviewed(self):
        """The same name at another house number: a move or a typo, a person
        decides (never linked, never silently a new customer)."""
        result = self._match(
            name="Hans Müller", street="Hauptstraße 14", zip="10115", city="Berlin"
        )
        self.assertEqual(result["decision"], "review")
        self.assertEqual(result["candidates"][0][0], self.hans.id)

    def test_neighbour_with_another_name_is_new(self):
        result = self._match(
            name="Petra Schulz", street="Hauptstraße 14", zip="10115", city="Berlin"
        )
        self.assertEqual(result["decision"], "new")

    def test_namesake_elsewhere_is_new(self):
        result = self._match(
            name="Hans Müller", street="Bahnhofstraße 3", zip="80331", city="München"
        )
        self.assertEqual(result["decision"], "new")

    def test_similar_name_in_the_same_town_is_new_without_review(self):
        """Only the zip and the town in common: another customer, no review."""
        self._partner("Hans Müller", "Lindenweg 2", "10115", "Berlin")
        result = self._match(
            name="Hanns Miller", street="Lindenstraße 2", zip="10115", city="Berlin"
        )
        self.assertEqual(result["decision"], "new")
        self.assertGreaterEqual(  # close enough to the review threshold to matter
            result["candidates"][0][1], self.account.match_review_threshold
        )

    def test_same_name_on_another_street_type_is_reviewed(self):
        """ "Hauptweg" is not "Hauptstraße": moved or a namesake, a person decides."""
        result = self._match(
            name="Hans Müller", street="Hauptweg 12a", zip="10115", city="Berlin"
        )
        self.assertEqual(result["decision"], "review")
        self.assertEqual(result["candidates"][0][0], self.hans.id)

    def test_same_address_other_surname_is_reviewed_with_reason(self):
        result = self._match(
            name="Hans Maier", street="Hauptstraße 12a", zip="10115", city="Berlin"
        )
        self.assertEqual(result["decision"], "review")
        self.assertEqual(result["reason"], "same address, but the name differs")

    def test_review_reason_names_the_agreeing_identifier(self):
        Partner = self.env["res.partner"]
        decision = MatchDecision(
            "review",
            reason="identifier_name_differs",
            reason_args={"criterion": "amazon_email"},
        )
        label = Partner._amazon_criterion_label("amazon_email")
        self.assertEqual(
            Partner._amazon_match_reason(decision),
            f"{label} agrees, but the name differs",
        )

    def _assert_vat_identifies(self, company_name, vat_as_sent):
        """A buyer of ``company_name`` at another address is linked by VAT id."""
        company = self._partner(
            company_name,
            "Industriestr. 7",
            "34117",
            "Kassel",
            is_company=True,
            vat="DE123456788",
        )
        result = self._match(
            name="Petra Klein",
            company_name=company_name,
            vat=vat_as_sent,
            street="Werkstraße 1",
            zip="34123",
            city="Kassel",
        )
        self.assertEqual(
            (result["decision"], result["partner_id"]), ("link", company.id)
        )

    def test_business_buyer_with_vat(self):
        self._assert_vat_identifies("Schultze Farben GmbH", "DE 123 456 788")

    def test_rare_identifier_not_crowded_out_by_a_common_one(self):
        """Each identifier has its own lookup: 110 companies of the same name
        (more than one lookup returns) do not hide the one the VAT id finds."""
        self.env["res.partner"].create(
            [
                {"name": "Müller GmbH", "is_company": True, "zip": f"{10000 + i}"}
                for i in range(110)
            ]
        )
        self._assert_vat_identifies("Müller GmbH", "DE123456788")

    def test_business_buyer_without_vat(self):
        company = self._partner(
            "Schultze Farben GmbH",
            "Industriestr. 7",
            "34117",
            "Kassel",
            is_company=True,
        )
        same = self._match(
            name="Petra Klein",
            company_name="Schultze Farben G.m.b.H.",
            street="Industriestraße 7",
            zip="34117",
            city="Kassel",
        )
        self.assertEqual((same["decision"], same["partner_id"]), ("link", company.id))
        other = self._match(
            name="Petra Klein",
            company_name="Schultze Farben GmbH",
            street="Hafenweg 2",
            zip="20457",
            city="Hamburg",
        )
        self.assertNotEqual(other["decision"], "link")

    def test_archived_partner_found_and_unarchived(self):
        self.hans.action_archive()
        values = {
            "name": "Hans Müller",
            "street": "Hauptstraße 12a",
            "zip": "10115",
            "city": "Berlin",
            "country_code": "DE",
        }
        customer, delivery, result = self._resolve(values)
        self.assertEqual(result["decision"], "link")
        self.assertEqual(customer, self.hans)
        self.assertEqual(delivery, self.hans)
        self.assertTrue(self.hans.active)

    def test_link_creates_then_reuses_delivery_address(self):
        values = {
            "name": "Hans Müller",
            "street": "Hauptstraße 12a",
            "zip": "10115",
            "city": "Berlin",
            "country_code": "DE",
            "phone": "030 1234567",
        }
        self.hans.phone = "+49 30 1234567"
        moved = dict(values, street="Lindenweg 5", zip="10117")
        customer, delivery, result = self._resolve(moved)
        self.assertEqual((result["decision"], customer), ("link", self.hans))
        self.assertEqual((delivery.parent_id, delivery.type), (self.hans, "delivery"))
        again = dict(moved, street="Lindenweg 5 ", name="MÜLLER, Hans")
        self.assertEqual(self._resolve(again)[1], delivery)

    def test_duplicate_search_off_only_buyer_email(self):
        self.account.duplicate_search = False
        self.hans.amazon_buyer_email = "abc123@marketplace.amazon.de"
        values = {"name": "Hans Müller", "street": "Hauptstraße 12a", "zip": "10115"}
        self.assertEqual(self._match(**values)["decision"], "new")
        result = self._match(
            **values, amazon_buyer_email="ABC123@marketplace.amazon.de"
        )
        self.assertEqual(
            (result["decision"], result["partner_id"]), ("link", self.hans.id)
        )

    def test_presets_fill_criteria(self):
        account = self.account
        self.assertEqual(account.match_preset, "balanced")
        self.assertEqual(len(account.match_criterion_ids), 11)
        self.assertEqual(account.match_link_threshold, 85.0)
        account.match_preset = "strict"
        self.assertEqual(len(account.match_criterion_ids), 9)
        self.assertEqual(
            (account.match_link_threshold, account.match_review_threshold), (93.0, 80.0)
        )
        self.assertEqual(account.match_preset, "strict")
        name_line = account.match_criterion_ids.filtered(lambda c: c.field == "name")
        account.write(
            {
                "match_criterion_ids": [
                    Command.update(name_line.id, {"min_similarity": 90})
                ]
            }
        )
        self.assertEqual(account.match_preset, "custom")
        account.match_preset = "tolerant"
        self.assertEqual(account.match_review_threshold, 70.0)

    def test_candidate_queries_use_indexes(self):
        keys = {
            "name_key": "hans mueller",
            "company_key": "",
            "zip_key": "10115",
            "street_key": "haupt str",
            "city_key": "berlin",
            "amazon_email_key": "x@marketplace.amazon.de",
            "email_key": "",
            "phone_key": "+49301234567",
            "vat_key": "",
            "postnummer": "",
        }
        self.env.cr.execute(
            "INSERT INTO res_partner (name, complete_name, active, type,"
            " autopost_bills, amazon_match_name, amazon_match_zip, amazon_match_street,"
            " amazon_match_city) SELECT 'x' || g, 'x' || g, true, 'contact', 'ask',"
            " md5(g::text), lpad((g % 9000)::text, 5, '0'), 'str ' || (g % 700),"
            " 'city ' || (g % 300) FROM generate_series(1, 20000) AS g"
        )
        self.env.cr.execute("ANALYZE res_partner")
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for query in (
            self.env["res.partner"]._amazon_near_query(self.account, keys),
            self.env["res.partner"]._amazon_wide_query(self.account, keys, [1]),
        ):
            self.env.cr.execute(SQL("EXPLAIN %s", query))
            plans.append("\n".join(row[0] for row in self.env.cr.fetchall()))
            self.assertNotIn("Seq Scan on res_partner", plans[-1])
        self.assertIn("res_partner__amazon_match_zip_index", plans[0])
        self.assertIn("res_partner__amazon_match_name_index", plans[1])
