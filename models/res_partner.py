# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customers of Amazon orders: match keys, duplicate search, creation and the
anonymisation of their delivery data.

The match keys are stored, indexed columns computed by ``matching``, in
batches (:meth:`_amazon_fill_match_keys`): at install (``hooks``), at the
start of every import run and before each duplicate search for the partners
made or edited since. Creating a partner leaves them empty and editing one of
its fields they are made of empties them (in the same UPDATE), so that users
editing partners pay almost nothing for the duplicate search.

The duplicate search (:meth:`_amazon_match`): stage 1 finds candidates with
indexed lookups close to the buyer (identifiers, same zip and street, same
zip and similar name); stage 2, only while nothing fits, the same street in
the same city and the same name anywhere. Every lookup goes through
``_search()``, so record rules and the company filter apply before its
LIMIT. ``matching.decision`` takes the whole decision.
"""

from functools import lru_cache

from odoo import Command, api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, sql

from ..matching.decision import MatchDecision, match_in_stages, same_address
from ..matching.normalize import keys_for
from ..matching.partner_keys import KEY_COLUMNS, match_keys, match_values, stored_keys
from ..utils import page_memoized

#: Raw columns (SQL expressions over ``p``, parent ``pp``, country ``c``).
RAW_SELECT = SQL(
    """p.id, p.name, p.is_company, pp.name AS parent_name,
       pp.is_company AS parent_is_company, p.street, p.street2, p.zip, p.city,
       c.code AS country_code, p.email, p.phone, p.vat, p.amazon_buyer_email,
       COALESCE(p.commercial_partner_id, p.id) AS commercial_id"""
)
RAW_FROM = SQL(
    """res_partner p LEFT JOIN res_partner pp ON pp.id = p.parent_id
       LEFT JOIN res_country c ON c.id = p.country_id"""
)
BATCH = 5000
#: partners with stale keys read as candidates by one search (the newest);
#: the import run computes the keys of all of them in batches
STALE_CANDIDATES = 200
#: the partner fields the match keys are made of
KEY_SOURCES = frozenset(
    {
        "name",
        "is_company",
        "parent_id",
        "street",
        "street2",
        "zip",
        "city",
        "country_id",
        "email",
        "phone",
        "vat",
        "amazon_buyer_email",
    }
)
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


def col(column):
    return SQL.identifier("res_partner", column)


class ResPartner(models.Model):
    _inherit = "res.partner"

    amazon_buyer_email = fields.Char(
        string="Amazon Buyer E-mail",
        index="btree_not_null",
        copy=False,
        groups="amazon_seller_connector.group_amazon_user",
        help="The buyer's anonymised Amazon relay address "
        "(…@marketplace.amazon.de). It is never used as the customer's e-mail "
        "and is deleted with the other delivery data after the retention period.",
    )
    amazon_created = fields.Boolean(
        string="Created from Amazon",
        copy=False,
        readonly=True,
        help="Created by the Amazon order import: its delivery data (phone, "
        "relay e-mail) is anonymised after the retention period.",
    )
    amazon_anonymised = fields.Boolean(
        string="Delivery Data Anonymised", copy=False, readonly=True
    )
    amazon_last_order_on = fields.Datetime(
        string="Last Amazon Order", copy=False, readonly=True
    )
    amazon_possible_duplicate = fields.Boolean(
        string="Possible Duplicate",
        copy=False,
        help="Created from an Amazon order whose buyer resembles an existing "
        "customer; a person decides in Sales > Amazon > Customers to Review.",
    )
    amazon_review_ids = fields.One2many(
        "amazon.partner.review", "partner_id", string="Duplicate Reviews"
    )
    # --- match keys (normalised, see matching.normalize.keys_for); they hold
    # the relay e-mail and the phone too: read by the search in SQL only ---
    amazon_match_name = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_company = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_street = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )
    amazon_match_house_number = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
    )
    amazon_match_zip = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_city = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )
    amazon_match_country = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )
    amazon_match_phone = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_email = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_amazon_email = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_vat = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    amazon_match_postnummer = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )
    # given name, surname, legal form, Packstation: read with the candidates
    # so that they are never normalised again during the duplicate search
    amazon_match_parts = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )

    _amazon_match_zip_street_idx = models.Index(
        "(amazon_match_zip, amazon_match_street) WHERE amazon_match_street IS NOT NULL"
    )
    _amazon_match_street_city_idx = models.Index(
        "(amazon_match_street, amazon_match_city) WHERE amazon_match_street IS NOT NULL"
    )
    # similar names in a zip (pg_trgm, when the database has it)
    _amazon_match_name_trgm_idx = models.Index(
        lambda registry: "USING gin (amazon_match_name gin_trgm_ops)"
        if registry.has_trigram
        else ""
    )

    # stale keys (NULL parts) are recomputed in batches before the next
    # duplicate search: creating and editing partners costs almost nothing
    _amazon_match_stale_idx = models.Index("(id) WHERE amazon_match_parts IS NULL")

    def write(self, vals):
        result = super().write(vals)
        if KEY_SOURCES.intersection(vals):
            self._amazon_keys_stale(children="name" in vals or "is_company" in vals)
        return result

    def _amazon_keys_fresh(self):
        """Compute the keys of these partners now (the import's own new or
        refreshed customers: the next order of the run finds them by key)."""
        for partner in self:
            keys = match_keys(partner._amazon_match_row())
            for column in KEY_COLUMNS:
                # in the flush of the import's own rows (technical columns)
                self._fields[column]._update_cache(partner, keys[column], dirty=True)

    def _amazon_keys_stale(self, children=False):
        """The match keys of these partners (and of their contacts, whose
        keys name the company) are computed again before the next search;
        the old ones, which may hold erased data, go at once."""
        for column in KEY_COLUMNS:
            # in the same UPDATE as the write (the columns are technical:
            # no user writes them, whatever the user's groups)
            self._fields[column]._update_cache(self, None, dirty=True)
        if children and self.child_ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET amazon_match_parts = NULL "
                    "WHERE parent_id = ANY(%s) AND amazon_match_parts IS NOT NULL",
                    list(self.ids),
                )
            )
            self.child_ids.invalidate_recordset(["amazon_match_parts"])

    def _amazon_match_row(self):
        """The partner as a row of ``RAW_SELECT`` (input of ``match_values``)."""
        self.ensure_one()
        parent = self.parent_id
        return {
            "id": self.id,
            "commercial_id": self.commercial_partner_id.id,
            "name": self.name,
            "is_company": self.is_company,
            "parent_name": parent.name,
            "parent_is_company": parent.is_company,
            "street": self.street,
            "street2": self.street2,
            "zip": self.zip,
            "city": self.city,
            "country_code": self.country_id.code,
            "email": self.email,
            "phone": self.phone,
            "vat": self.vat,
            "amazon_buyer_email": self.sudo().amazon_buyer_email,
        }

    def _amazon_match_keys(self):
        """All ``keys_for`` keys of this partner (incl. given name, surname)."""
        return keys_for(match_values(self._amazon_match_row()))

    def _auto_init(self):
        """Create the key columns first: the ORM then skips computing them for
        every existing partner, the post-init hook fills them in batches."""
        for column in KEY_COLUMNS:
            if not sql.column_exists(self.env.cr, self._table, column):
                sql.create_column(self.env.cr, self._table, column, "varchar")
        return super()._auto_init()

    @api.model
    def _amazon_fill_match_keys(self, only_missing=True, limit=None):
        """Compute the match keys of all partners (or those whose keys are
        missing or stale) in SQL-sized batches, at most ``limit``.

        Returns the number of partners updated.
        """
        cr, last_id, done = self.env.cr, 0, 0
        self.env.flush_all()
        where = SQL("TRUE")
        if only_missing:
            where = SQL("p.amazon_match_parts IS NULL")
        while limit is None or done < limit:
            cr.execute(
                SQL(
                    "SELECT %s FROM %s WHERE p.id > %s AND %s ORDER BY p.id LIMIT %s",
                    RAW_SELECT,
                    RAW_FROM,
                    last_id,
                    where,
                    BATCH if limit is None else min(BATCH, limit - done),
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            self._amazon_write_match_keys(rows)
            last_id, done = rows[-1]["id"], done + len(rows)
        self.invalidate_model(list(KEY_COLUMNS))
        return done

    @api.model
    def _amazon_write_match_keys(self, rows):
        """One ``UPDATE ... FROM (VALUES ...)`` for a batch of partner rows."""
        columns = list(KEY_COLUMNS)
        values = []
        for row in rows:
            keys = match_keys(row)
            values.append((row["id"], *(keys[column] for column in columns)))
        assignments = ", ".join(f"{column} = v.{column}" for column in columns)
        self.env.cr.execute_values(
            f"UPDATE res_partner p SET {assignments} "  # noqa: S608
            f"FROM (VALUES %s) AS v(id, {', '.join(columns)}) WHERE p.id = v.id",
            values,
            template="(%s" + ", %s::varchar" * len(columns) + ")",
            page_size=1000,
        )

    # ------------------------------------------------------------------
    # Duplicate search
    # ------------------------------------------------------------------
    @api.model
    def _amazon_match(self, account, values):
        """The :class:`matching.decision.MatchDecision` for a buyer.

        ``values``: dict with any of name, company_name, street, street2,
        street3, zip, city, country_code, email, phone, vat,
        amazon_buyer_email.
        """
        incoming = keys_for(values)
        if not account.duplicate_search:
            return self._amazon_match_buyer_email(account, incoming)

        def near(_found):
            return self._amazon_candidates(
                account, self._amazon_near_query(account, incoming)
            )

        def wide(found):
            return self._amazon_candidates(
                account, self._amazon_wide_query(account, incoming, found)
            )

        stages = [near, wide] if account.match_nationwide_search else [near]
        return match_in_stages(
            incoming,
            stages,
            account._amazon_match_criteria(),
            account.match_link_threshold,
            account.match_review_threshold,
            known_pairs=lambda ids: self.env["amazon.partner.pair"]._pairs_among(
                ids, account.company_id
            ),
            margin=MARGIN,
        )

    @api.model
    def _amazon_match_buyer_email(self, account, incoming):
        """Duplicate search off: only the same Amazon buyer e-mail links."""
        email = incoming["amazon_email_key"]
        if not email:
            return MatchDecision("new")
        self.flush_model()
        query = self._amazon_branch(
            account,
            SQL(
                # the key, or the raw field of a partner whose keys are stale
                "(%s = %s OR (%s IS NULL AND lower(trim(%s)) = %s))",
                col("amazon_match_amazon_email"),
                email,
                col("amazon_match_parts"),
                col("amazon_buyer_email"),
                email,
            ),
            1,
            order=SQL("%s IS NULL DESC, %s", col("parent_id"), col("id")),
            select=SQL("COALESCE(%s, %s)", col("commercial_partner_id"), col("id")),
        )
        self.env.cr.execute(query)
        row = self.env.cr.fetchone()
        if not row:
            return MatchDecision("new")
        return MatchDecision(
            "link",
            partner_id=row[0],
            score=100.0,
            reason="identifies",
            reason_args={"criterion": "amazon_email"},
        )

    @api.model
    def _amazon_branch(self, account, where, limit, order=None, select=None):
        """``SELECT id`` of the partners the user may read in the account's
        company (record rules and company filter applied before the LIMIT,
        so other companies' partners never crowd out real matches)."""
        query = self._search(
            Domain(self._check_company_domain(account.company_id)), active_test=False
        )
        query.add_where(where)
        if order is not None:
            query.order = order
        query.limit = limit
        return SQL("(%s)", query.select(select or col("id")))

    @api.model
    def _amazon_near_query(self, account, keys):
        """Stage 1: a UNION of indexed lookups close to the buyer."""
        # one branch per identifier: a common one (e.g. a company name) must
        # not crowd out a rare one under a shared LIMIT
        branches = [
            self._amazon_branch(
                account, SQL("%s = %s", col(column), keys[key]), BRANCH_LIMIT
            )
            for column, key in IDENTIFIER_COLUMNS
            if keys[key]
        ]
        zip_key = keys["zip_key"]
        if zip_key and keys["street_key"]:
            branches.append(
                self._amazon_branch(
                    account,
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
                        account,
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
        # partners made or edited since the keys were last computed: read
        # as candidates, their keys computed on the fly (the search writes
        # nothing, so concurrent imports never collide on partner rows)
        branches.append(
            self._amazon_branch(
                account,
                SQL("%s IS NULL", col("amazon_match_parts")),
                STALE_CANDIDATES,
                order=SQL("%s DESC", col("id")),
            )
        )
        return SQL(" UNION ").join(branches)

    @api.model
    def _amazon_wide_query(self, account, keys, exclude_ids):
        """Stage 2: the same street in the same city (zip typo) and the same
        name anywhere unless COMMON_NAME partners carry it (too common to
        tell anything without the address)."""
        exclude = SQL("%s != ALL(%s::int[])", col("id"), list(exclude_ids))
        branches = []
        if keys["street_key"] and keys["city_key"]:
            branches.append(
                self._amazon_branch(
                    account,
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
                account,
                SQL(
                    "%s = %s AND %s AND (SELECT count(*) FROM (SELECT 1 FROM "
                    "res_partner same WHERE same.amazon_match_name = %s "
                    "AND (same.company_id IS NULL OR same.company_id = %s) "
                    "LIMIT %s) AS same) < %s",
                    col("amazon_match_name"),
                    name,
                    exclude,
                    name,
                    account.company_id.id,
                    COMMON_NAME,
                    COMMON_NAME,
                ),
                WIDE_LIMIT,
                order=col("id"),
            )
            for name in names
        ]
        return SQL(" UNION ").join(branches) if branches else None

    @api.model
    def _amazon_candidates(self, account, id_query):
        """``[(partner id, commercial id, keys)]`` of the partners found by
        ``id_query``, read with their stored match keys."""
        if id_query is None:
            return []
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM res_partner p WHERE p.id IN (%s)", KEYS_SELECT, id_query
            )
        )
        rows = self.env.cr.dictfetchall()
        missing = [row for row in rows if row["amazon_match_parts"] is None]
        raw = {}
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
        return [
            (
                row["id"],
                row["commercial_id"],
                stored_keys(row) or row_keys(tuple(raw[row["id"]].items())),
            )
            for row in rows
        ]

    @api.model
    def _amazon_match_reason(self, decision):
        """The decision's reason in words."""
        _ = self.env._
        args = decision.reason_args
        criterion = self._amazon_criterion_label(args.get("criterion"))
        sentences = {
            "identifies": _(
                "%(criterion)s identifies the customer", criterion=criterion
            ),
            "name_address": _("name and address agree"),
            "tie": _(
                "%(count)s existing customers fit equally well",
                count=args.get("count", 2),
            ),
            "below_link_threshold": _(
                "similar customer, score below the threshold for automatic links"
            ),
            "identifier_name_differs": _(
                "%(criterion)s agrees, but the name differs", criterion=criterion
            ),
            "same_address_name_differs": _("same address, but the name differs"),
            "same_name_other_house_number": _(
                "same name at another house number of the same street"
            ),
            "same_name_street_differs": _(
                "same name and house number, but the street is spelt differently"
            ),
            "same_house_other_suffix": _(
                "same street and house number with another suffix"
            ),
            "similar_name_only": _(
                "similar name, but neither the address nor an identifier agrees"
            ),
        }
        return sentences.get(decision.reason, "")

    @api.model
    def _amazon_criterion_label(self, field_name):
        if not field_name:
            return ""
        field = self.env["amazon.match.criterion"]._fields["field"]
        return dict(field._description_selection(self.env)).get(field_name, field_name)

    # ------------------------------------------------------------------
    # Customer and delivery address of an Amazon order
    # ------------------------------------------------------------------
    @api.model
    def _amazon_find_or_create_customer(self, account, values):
        """``(customer, delivery address, decision, review)`` of a buyer.

        Orders never wait: an uncertain buyer ('review') gets a new customer
        marked as possible duplicate plus a review record.
        """
        decision = self._amazon_match(account, values)
        review = self.env["amazon.partner.review"]
        if decision.decision == "link":
            customer = self.browse(decision.partner_id)
            customer._amazon_refresh_from(values)
        else:
            customer = self.create(self._amazon_customer_values(account, values))
        if decision.decision == "review":
            customer.amazon_possible_duplicate = True
            review = review._amazon_create_for(account, customer, decision)
        delivery = customer._amazon_find_or_create_delivery(values)
        (customer | delivery)._amazon_touch()
        # the next order of this run finds them by their keys
        (customer | delivery).filtered(
            lambda p: not p.sudo().amazon_match_parts
        )._amazon_keys_fresh()
        return customer, delivery, decision, review

    def _amazon_refresh_from(self, values):
        """Unarchive a linked customer; remember a first Amazon buyer e-mail."""
        if not self.active:
            self.action_unarchive()
        email = (values.get("amazon_buyer_email") or "").strip().lower()
        if email and not self.sudo().amazon_buyer_email:
            self.amazon_buyer_email = email

    @api.model
    def _amazon_customer_values(self, account, values):
        company_name = values.get("company_name")
        vals = self._amazon_address_values(values)
        vals.update(
            {
                "name": company_name
                or values.get("name")
                or self.env._(
                    "Amazon buyer %(ref)s", ref=values.get("order_ref") or ""
                ),
                "is_company": bool(company_name),
                "company_id": account.company_id.id,
                # Amazon's buyer e-mail is a relay address: kept in its own
                # field, never the partner's e-mail (no mailing may reach it)
                "amazon_buyer_email": (values.get("amazon_buyer_email") or "").lower()
                or False,
                "amazon_created": True,
                "category_id": [Command.set(account.partner_category_ids.ids)],
                "customer_rank": 1,
            }
        )
        if values.get("vat"):
            vals["vat"] = values["vat"]
        return vals

    @api.model
    def _amazon_address_values(self, values):
        code = (values.get("country_code") or "").upper()
        Country = self.env["res.country"]
        country = page_memoized(
            Country,
            ("country", code),
            lambda: Country.search([("code", "=", code)], limit=1),
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

    def _amazon_find_or_create_delivery(self, values):
        """The delivery address under this customer (the customer itself
        when it already is that address), compared on normalised keys."""
        self.ensure_one()
        incoming = keys_for(values)
        for partner in self | self.child_ids.filtered(lambda p: p.type == "delivery"):
            if same_address(partner._amazon_match_keys(), incoming, partner.is_company):
                return partner
        return self.create(
            dict(
                self._amazon_address_values(values),
                name=values.get("name") or self.name,
                type="delivery",
                parent_id=self.id,
                amazon_created=True,
            )
        )

    @api.model
    def _amazon_note_match(self, account, sale_order, decision, review):
        """Say on the sale order what the duplicate search did (a link by
        the Amazon buyer e-mail alone, without the search, needs no word)."""
        _ = self.env._
        reason = self._amazon_match_reason(decision)
        if decision.decision == "link" and account.duplicate_search:
            # no customer name in the chatter: it outlives the retention
            # period; the order's customer field shows who it is
            sale_order.message_post(
                body=_(
                    "Existing customer found by the duplicate search "
                    "(score %(score)s %%, %(reason)s).",
                    score=round(decision.score, 1),
                    reason=reason,
                )
            )
        elif decision.decision == "review" and review:
            review.sale_order_id = sale_order
            sale_order.message_post(
                body=_(
                    "Possible duplicate customer (score %(score)s %%, %(reason)s): "
                    "please check it in Sales > Amazon > Customers to Review.",
                    score=round(decision.score, 1),
                    reason=reason,
                )
            )

    # ------------------------------------------------------------------
    # Data protection
    # ------------------------------------------------------------------
    def _amazon_anonymise_if_unused(self):
        """Anonymise the delivery data of these partners once no Amazon order
        of theirs is still within its retention period.

        Every partner loses the Amazon relay e-mail. A partner created by the
        import also loses the recipient's phone (unless it became a customer
        of other sales), and a separate delivery contact of the import loses
        name, street, zip, city and e-mail too (its country stays as OSS
        evidence) and is archived. A customer keeps what invoices need (name,
        address, VAT id). No tracking value keeps the old data.
        """
        Binding = self.env["amazon.seller.order"].sudo()
        SaleOrder = self.env["sale.order"].sudo()
        for partner in self:
            pending = Binding.search_count(
                Domain("buyer_data_anonymised_on", "=", False)
                & (
                    Domain("sale_order_id.partner_id", "=", partner.id)
                    | Domain("sale_order_id.partner_shipping_id", "=", partner.id)
                ),
                limit=1,
            )
            if pending:
                continue
            values = {"amazon_buyer_email": False}
            other_sales = SaleOrder.search_count(
                [("partner_id", "=", partner.id), ("amazon_binding_id", "=", False)],
                limit=1,
            )
            if partner.amazon_created and not other_sales:
                values.update(phone=False, amazon_anonymised=True)
                if partner.type == "delivery" and partner.parent_id:
                    values.update(
                        name=self.env._("Anonymised delivery address"),
                        street=False,
                        street2=False,
                        zip=False,
                        city=False,
                        email=False,
                        active=False,
                    )
            partner.with_context(tracking_disable=True, mail_notrack=True).write(values)
            partner._amazon_purge_tracking(values)

    def _amazon_purge_tracking(self, values):
        """Delete the chatter tracking values that still show anonymised data."""
        fields_ = set(values) & {"name", "email", "phone"}
        if {"street", "zip", "city"} & set(values):
            fields_.add("contact_address_inline")
        if not fields_:
            return
        # sudo: tracking values are written by the ORM for any user
        self.env["mail.tracking.value"].sudo().search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "in", self.ids),
                ("field_id.name", "in", sorted(fields_)),
            ]
        ).unlink()

    def _amazon_touch(self):
        """Mark these partners as used by an order now: a concurrent
        anonymisation of them then fails to lock them and waits a day,
        instead of blanking an address an order was just sent to."""
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET amazon_last_order_on = now() "
                "WHERE id = ANY(%s)",
                self.ids,
            )
        )
        self.invalidate_recordset(["amazon_last_order_on"])
