# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Candidates of the duplicate search: indexed SQL blocking and scoring.

Stage 1 is one UNION of indexed lookups close to the buyer (identifiers, same
zip and street, same zip and similar name); stage 2, only when stage 1 finds
nothing, looks for the same street in the same city and the same name
anywhere (btree lookups: the former nationwide trigram search cost 12,000
heap rechecks for a common surname at 100k partners and did not change one
decision of the German benchmark; similar names under the zips one typo away
only added reviews).

Candidates are read with their stored match keys (``stored_keys``): nothing
is normalised again during the search.
"""

from functools import lru_cache

from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..matching.normalize import keys_for
from ..matching.scoring import NEUTRAL_ON_CONFLICT, decide, reviewable, score
from .res_partner import KEY_COLUMNS, RAW_FROM, RAW_SELECT, match_values, stored_keys

#: stored column -> key of ``keys_for``: one identifier lookup each
IDENTIFIER_COLUMNS = (
    ("amazon_match_amazon_email", "amazon_email_key"),
    ("amazon_match_email", "email_key"),
    ("amazon_match_phone", "phone_key"),
    ("amazon_match_vat", "vat_key"),
    ("amazon_match_postnummer", "postnummer"),
    ("amazon_match_company", "company_key"),
)
BRANCH_LIMIT = 50
NEAR_SIMILARITY = 0.3
NEAR_LIMIT = 20  # most similar names in the zip
WIDE_LIMIT = 20
COMMON_NAME = 30
NAME_ONLY = frozenset(("name", "company", "country"))
MARGIN = 2.0
#: candidate columns: ids and the stored match keys
KEYS_SELECT = SQL(
    ", ".join(
        ["p.id", "COALESCE(p.commercial_partner_id, p.id) AS commercial_id"]
        + [f"p.{column}" for column in KEY_COLUMNS]
    )
)


@lru_cache(maxsize=50000)
def row_keys(row_items):
    """Match keys of a raw candidate row whose keys are not stored yet."""
    return keys_for(match_values(dict(row_items)))


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    def _amazon_match_buyer_email(self, incoming):
        """Duplicate search off: only the same Amazon buyer e-mail links."""
        result = {"decision": "new", "partner_id": False, "score": 0.0}
        result.update(candidates=[], reason="", details={})
        email = incoming["amazon_email_key"]
        if not email:
            return result
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(commercial_partner_id, id) FROM res_partner "
                "WHERE amazon_match_amazon_email = %s AND %s "
                "ORDER BY parent_id IS NULL DESC, id LIMIT 1",
                email,
                self._amazon_company_condition(),
            )
        )
        row = self.env.cr.fetchone()
        if row:
            reason = self.env._("the Amazon buyer e-mail identifies the customer")
            result.update(decision="link", partner_id=row[0], score=100.0)
            result.update(candidates=[(row[0], 100.0)], reason=reason)
        return result

    def _amazon_company_condition(self):
        return SQL("(company_id IS NULL OR company_id = %s)", self.company_id.id)

    def _amazon_branch(self, where, limit, order=None):
        """``SELECT id`` of the partners the user may read in the account's
        company (record rules and company filter applied before the LIMIT,
        so other companies' partners never crowd out real matches)."""
        Partner = self.env["res.partner"]
        query = Partner._search(
            Domain(Partner._check_company_domain(self.company_id)), active_test=False
        )
        query.add_where(where)
        if order is not None:
            query.order = order
        query.limit = limit
        return SQL("(%s)", query.select(SQL.identifier(query.table, "id")))

    @staticmethod
    def _amazon_col(column):
        return SQL.identifier("res_partner", column)

    def _amazon_near_query(self, keys):
        """Stage 1: a UNION of indexed lookups close to the buyer."""
        col = self._amazon_col
        # one branch per identifier: a common one (e.g. a company name) must
        # not crowd out a rare one under a shared LIMIT
        branches = [
            self._amazon_branch(SQL("%s = %s", col(column), keys[key]), BRANCH_LIMIT)
            for column, key in IDENTIFIER_COLUMNS
            if keys[key]
        ]
        zip_key = keys["zip_key"]
        if zip_key and keys["street_key"]:
            branches.append(
                self._amazon_branch(
                    SQL(
                        "%s = %s AND %s = %s",
                        col("amazon_match_zip"),
                        zip_key,
                        col("amazon_match_street"),
                        keys["street_key"],
                    ),
                    BRANCH_LIMIT,
                )
            )
        for name in {keys["name_key"], keys["company_key"]} - {""}:
            if zip_key:
                similar = SQL("similarity(%s, %s)", col("amazon_match_name"), name)
                branches.append(
                    self._amazon_branch(
                        SQL(
                            "%s = %s AND %s >= %s",
                            col("amazon_match_zip"),
                            zip_key,
                            similar,
                            NEAR_SIMILARITY,
                        ),
                        NEAR_LIMIT,
                        order=SQL("%s DESC", similar),
                    )
                )
        return SQL(" UNION ").join(branches) if branches else None

    def _amazon_wide_query(self, keys, exclude_ids):
        """Stage 2: the same street in the same city (zip typo) and the same
        name anywhere unless COMMON_NAME partners carry it (too common to
        tell anything without the address)."""
        col = self._amazon_col
        exclude = SQL("%s != ALL(%s::int[])", col("id"), exclude_ids)
        branches = []
        if keys["street_key"] and keys["city_key"]:
            branches.append(
                self._amazon_branch(
                    SQL(
                        "%s = %s AND %s = %s AND %s",
                        col("amazon_match_street"),
                        keys["street_key"],
                        col("amazon_match_city"),
                        keys["city_key"],
                        exclude,
                    ),
                    BRANCH_LIMIT,
                )
            )
        names = sorted({keys["name_key"], keys["company_key"]} - {""})
        branches += [
            self._amazon_branch(
                SQL(
                    "%s = %s AND %s AND (SELECT count(*) FROM (SELECT 1 FROM "
                    "res_partner same WHERE same.amazon_match_name = %s "
                    "AND (same.company_id IS NULL OR same.company_id = %s) "
                    "LIMIT %s) AS same) < %s",
                    col("amazon_match_name"),
                    name,
                    exclude,
                    name,
                    self.company_id.id,
                    COMMON_NAME,
                    COMMON_NAME,
                ),
                WIDE_LIMIT,
                order=SQL("%s", col("id")),
            )
            for name in names
        ]
        return SQL(" UNION ").join(branches) if branches else None

    def _amazon_candidate_rows(self, id_query):
        """The partners found by ``id_query`` (any state) as dicts with
        ``id``, ``commercial_id`` and ``keys`` (their match keys)."""
        if id_query is None:
            return []
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM res_partner p WHERE p.id IN (%s) AND %s",
                KEYS_SELECT,
                id_query,
                self._amazon_company_condition(),
            )
        )
        rows = self.env.cr.dictfetchall()
        missing = []
        for row in rows:
            row["keys"] = stored_keys(row)
            if row["keys"] is None:
                missing.append(row)
        if missing:  # keys not stored yet (e.g. before the post-init hook)
            self.env.cr.execute(
                SQL(
                    "SELECT %s FROM %s WHERE p.id = ANY(%s)",
                    RAW_SELECT,
                    RAW_FROM,
                    [row["id"] for row in missing],
                )
            )
            raw = {row["id"]: row for row in self.env.cr.dictfetchall()}
            for row in missing:
                row["keys"] = row_keys(tuple(raw[row["id"]].items()))
        return rows

    def _amazon_score_rows(self, incoming, rows, criteria):
        """Score each candidate row; the result names its commercial partner."""
        results = [
            score(incoming, row["keys"], criteria, row["commercial_id"]) for row in rows
        ]
        for result in results:
            if not self._amazon_has_evidence(result):
                result.score = min(result.score, self.match_review_threshold - 0.1)
        return results

    @api.model
    def _amazon_has_evidence(self, result):
        """More than the name could be compared: an address or contact field
        agreed or (except for neutral ones) disagreed. A name alone, e.g. of
        an order without address, is never worth a review."""
        fields_ = set(result.agreed)
        fields_ |= set(result.disagreed) - NEUTRAL_ON_CONFLICT
        return bool(fields_ - NAME_ONLY)

    def _amazon_decide(self, results):
        """``matching.scoring.decide`` with the account's thresholds.

        Several candidates that can all be linked equally well have the same
        name and the same address or identifier: they are duplicates among
        the existing customers, so the oldest one is linked.
        """
        link = self.match_link_threshold
        decision, best = decide(results, link, self.match_review_threshold, MARGIN)
        if decision == "review" and best.linkable and best.score >= link:
            tied = [
                r
                for r in results
                if r.linkable
                and not r.blocked_reason
                and r.score >= best.score - MARGIN
            ]
            oldest = min(tied, key=lambda r: r.candidate)
            oldest.tie = True
            return "link", oldest
        return decision, best

    def _amazon_drop_known_pairs(self, results):
        """Drop candidates a person declared different from a better one.
        Only candidates that can still be linked or reviewed matter."""
        floor = self.match_review_threshold
        ids = {
            r.candidate
            for r in results
            if not r.blocked_reason and r.score >= floor and reviewable(r)
        }
        pairs = self.env["amazon.partner.pair"]._pairs_among(ids, self.company_id)
        if not pairs:
            return results
        kept, kept_ids = [], set()
        for result in sorted(
            results, key=lambda r: (r.linkable, r.score), reverse=True
        ):
            if any(frozenset((result.candidate, k)) in pairs for k in kept_ids):
                continue
            kept.append(result)
            if not result.blocked_reason:
                kept_ids.add(result.candidate)
        return kept
