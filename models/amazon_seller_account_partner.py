# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customers of Amazon orders: duplicate search and creation.

The order import calls only ``_amazon_resolve_customer(values)`` and
``_amazon_partner_post_process(sale_order, result)``; benchmarks call
``_amazon_match_partner(values)``.

Pipeline: normalise the buyer (``matching.normalize.keys_for``), find
candidates with indexed SQL on the stored keys of ``res.partner`` (stage 1:
identifiers, same zip and street, same zip and similar name; stage 2 only
when that finds nothing: same street in the same city, same name anywhere),
score each criterion with rapidfuzz (``matching.scoring``) on the stored keys
of the candidates and decide.
"""

from odoo import Command, models

from ..matching.compare import given_compatible, similarity
from ..matching.normalize import keys_for

MAX_CANDIDATES = 5
IDENTIFIER_FIELDS = ("vat", "amazon_email", "email", "phone", "postnummer")
REVIEW_CANDIDATES = 3


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _amazon_match_partner(self, values):
        """Find the existing customer of an incoming buyer.

        ``values``: dict with any of name, company_name, street, street2,
        street3, zip, city, country_code, email, phone, vat,
        amazon_buyer_email. Returns ``{'decision': 'link'|'review'|'new',
        'partner_id': int or False, 'score': float, 'candidates':
        [(partner_id, score), ...]}`` plus ``reason`` and ``details`` (the
        agreeing and disagreeing criteria per candidate).
        """
        self.ensure_one()
        incoming = keys_for(values)
        if not self.duplicate_search:
            return self._amazon_match_buyer_email(incoming)
        criteria = self._match_criteria()
        rows = self._amazon_candidate_rows(self._amazon_near_query(incoming))
        results = self._amazon_score_rows(incoming, rows, criteria)
        results = self._amazon_drop_known_pairs(results)
        decision, best = self._amazon_decide(results)
        if decision == "new" and self.match_nationwide_search:
            query = self._amazon_wide_query(incoming, [row["id"] for row in rows])
            if query:
                more = self._amazon_candidate_rows(query)
                results += self._amazon_score_rows(incoming, more, criteria)
                results = self._amazon_drop_known_pairs(results)
                decision, best = self._amazon_decide(results)
        return self._amazon_match_result(decision, best, results)

    def _amazon_match_result(self, decision, best, results):
        """The public result dict of ``_amazon_match_partner``."""
        ranked = {}  # the decisive candidate first, then by score
        order = sorted(results, key=lambda r: (r is best, r.score), reverse=True)
        for result in order:
            if not result.blocked_reason and result.candidate not in ranked:
                ranked[result.candidate] = result
        top = list(ranked.values())[:MAX_CANDIDATES]
        return {
            "decision": decision,
            "partner_id": best.candidate if decision == "link" else False,
            "score": best.score if best and decision != "new" else 0.0,
            "candidates": [(r.candidate, round(r.score, 1)) for r in top],
            "reason": self._amazon_match_reason(decision, best),
            "details": {
                r.candidate: {"agreed": dict(r.agreed), "disagreed": dict(r.disagreed)}
                for r in top
            },
        }

    def _amazon_match_reason(self, decision, best):
        """Why the buyer was linked or sent to review, in words."""
        _ = self.env._
        if decision == "link" and getattr(best, "tie", False):
            return _("several existing customers fit equally well; linked the oldest")
        if decision == "link" and best.identified_by:
            label = self._amazon_criterion_label(best.identified_by)
            return _("%(criterion)s identifies the customer", criterion=label)
        if decision == "link":
            return _("name and address agree")
        if decision != "review":
            return ""
        if best.linkable and best.score >= self.match_link_threshold:
            return _("several customers fit equally well")
        if best.linkable:
            return _("similar customer, score below the threshold for automatic links")
        return self._amazon_review_reason(best)

    def _amazon_review_reason(self, best):
        """Why a candidate that cannot be linked is still worth a look."""
        _ = self.env._
        name_agrees = "name" in best.agreed or "company" in best.agreed
        identifier = next((f for f in IDENTIFIER_FIELDS if f in best.agreed), None)
        if identifier and not name_agrees:
            label = self._amazon_criterion_label(identifier)
            return _("%(criterion)s agrees, but the name differs", criterion=label)
        if "street" in best.agreed and not name_agrees:
            return _("same address, but the name differs")
        return _("similar name, but neither the address nor an identifier agrees")

    def _amazon_criterion_label(self, field_name):
        field = self.env["amazon.match.criterion"]._fields["field"]
        return dict(field._description_selection(self.env)).get(field_name, field_name)

    # ------------------------------------------------------------------
    # Resolution: customer and delivery address
    # ------------------------------------------------------------------
    def _amazon_resolve_customer(self, values):
        """Return ``(customer, delivery_address, match_result)``.

        Orders never wait: an uncertain buyer ('review') gets a new customer
        marked as possible duplicate plus a review record
        (``match_result['review_id']``).
        """
        self.ensure_one()
        result = self._amazon_match_partner(values)
        if result["decision"] == "link":
            customer = self.env["res.partner"].browse(result["partner_id"])
            self._amazon_refresh_customer(customer, values)
        else:
            customer = self._amazon_create_customer(values)
        if result["decision"] == "review":
            customer.amazon_possible_duplicate = True
            result["review_id"] = self._amazon_create_review(customer, result).id
        delivery = self._amazon_find_or_create_delivery(customer, values)
        return customer, delivery, result

    def _amazon_refresh_customer(self, customer, values):
        """Unarchive a linked customer; remember a first Amazon buyer e-mail."""
        if not customer.active:
            customer.action_unarchive()
        email = (values.get("amazon_buyer_email") or "").strip().lower()
        if email and not customer.amazon_buyer_email:
            customer.amazon_buyer_email = email

    def _amazon_create_customer(self, values):
        vals = self._amazon_prepare_customer_values(values)
        return self.env["res.partner"].create(vals)

    def _amazon_prepare_customer_values(self, values):
        company_name = values.get("company_name")
        vals = self._amazon_prepare_address_values(values)
        vals.update(
            {
                "name": company_name
                or values.get("name")
                or self.env._(
                    "Amazon buyer %(ref)s", ref=values.get("order_ref") or ""
                ),
                "is_company": bool(company_name),
                "company_id": self.company_id.id,
                # Amazon's buyer e-mail is a relay address: kept in its own
                # field, never the partner's e-mail (no mailing may reach it)
                "amazon_buyer_email": (values.get("amazon_buyer_email") or "").lower()
                or False,
                "amazon_created": True,
                "category_id": [Command.set(self.partner_category_ids.ids)],
                "customer_rank": 1,
            }
        )
        if values.get("vat"):
            vals["vat"] = values["vat"]
        return vals

    def _amazon_prepare_address_values(self, values):
        country = self.env["res.country"].search(
            [("code", "=", (values.get("country_code") or "").upper())], limit=1
        )
        street2 = ", ".join(
            v for v in (values.get("street2"), values.get("street3")) if v
        )
        return {
            "street": values.get("street") or False,
            "street2": street2 or False,
            "zip": values.get("zip") or False,
            "city": values.get("city") or False,
            "country_id": country.id or False,
            "phone": values.get("phone") or False,
        }

    def _amazon_find_or_create_delivery(self, customer, values):
        """The delivery address under the customer (the customer itself when
        it already is that address), compared on normalised keys."""
        incoming = keys_for(values)
        if self._amazon_same_address(customer, incoming):
            return customer
        for child in customer.child_ids.filtered(lambda p: p.type == "delivery"):
            if self._amazon_same_address(child, incoming):
                return child
        address = self._amazon_prepare_address_values(values)
        name = values.get("name") or customer.name
        return self.env["res.partner"].create(
            dict(
                address,
                name=name,
                type="delivery",
                parent_id=customer.id,
                amazon_created=True,
            )
        )

    def _amazon_same_address(self, partner, incoming):
        """Same street, house number, zip and Postnummer; for persons also a
        compatible name (a company's address serves all its buyers)."""
        keys = partner._amazon_match_keys()
        fields_ = ("street_key", "house_number", "zip_key", "country", "postnummer")
        if any(keys[key] != incoming[key] for key in fields_):
            return False
        if partner.is_company or not incoming["name_key"]:
            return True
        if not keys["name_key"]:
            return False
        name = similarity("name", incoming, keys)
        return name >= 90.0 and given_compatible(incoming, keys)

    # ------------------------------------------------------------------
    # After the sale order exists
    # ------------------------------------------------------------------
    def _amazon_partner_post_process(self, sale_order, result):
        """Write automatic links on the chatter; tie the review to the order."""
        _ = self.env._
        if result["decision"] == "link":
            # no customer name in the chatter: it outlives the retention
            # period; the order's customer field shows who it is
            sale_order.message_post(
                body=_(
                    "Existing customer found by the duplicate search "
                    "(score %(score)s %%, %(reason)s).",
                    score=round(result["score"], 1),
                    reason=result.get("reason") or "",
                )
            )
        elif result["decision"] == "review" and result.get("review_id"):
            review = self.env["amazon.partner.review"].browse(result["review_id"])
            review.sale_order_id = sale_order
            sale_order.message_post(
                body=_(
                    "Possible duplicate customer (score %(score)s %%, %(reason)s): "
                    "please check it in Sales > Amazon > Customers to Review.",
                    score=round(result["score"], 1),
                    reason=result.get("reason") or "",
                )
            )

    def _amazon_create_review(self, customer, result):
        """The review record of a provisional customer with its candidates."""
        lines = [
            Command.create(
                {
                    "sequence": rank,
                    "candidate_id": partner_id,
                    "score": candidate_score,
                    **self._amazon_review_criteria_text(result["details"][partner_id]),
                }
            )
            for rank, (partner_id, candidate_score) in enumerate(
                result["candidates"][:REVIEW_CANDIDATES]
            )
        ]
        return self.env["amazon.partner.review"].create(
            {
                "account_id": self.id,
                "partner_id": customer.id,
                "score": result["score"],
                "reason": result["reason"],
                "line_ids": lines,
            }
        )

    def _amazon_review_criteria_text(self, detail):
        """'Name 96 %' and 'ZIP 100 %', one criterion per line, for the
        agreeing and the disagreeing criteria."""

        def text(sims):
            return "\n".join(
                f"{self._amazon_criterion_label(field)} {round(sim)} %"
                for field, sim in sims.items()
            )

        return {
            "criteria_agreed": text(detail["agreed"]),
            "criteria_disagreed": text(detail["disagreed"]),
        }
