# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Match keys of partners for the duplicate search of Amazon buyers.

The keys are stored, indexed columns computed by ``matching.normalize``.
Their columns are created before the ORM sees the fields, so installing the
addon does not recompute them record by record: ``hooks.post_init_hook``
fills them in batches (:meth:`_amazon_fill_match_keys`).
"""

from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.tools import SQL, sql

from ..matching.normalize import keys_for

#: partner column -> key of ``keys_for``
MATCH_KEY_COLUMNS = {
    "amazon_match_name": "name_key",
    "amazon_match_company": "company_key",
    "amazon_match_street": "street_key",
    "amazon_match_house_number": "house_number",
    "amazon_match_zip": "zip_key",
    "amazon_match_city": "city_key",
    "amazon_match_country": "country",
    "amazon_match_phone": "phone_key",
    "amazon_match_email": "email_key",
    "amazon_match_amazon_email": "amazon_email_key",
    "amazon_match_vat": "vat_key",
    "amazon_match_postnummer": "postnummer",
}
#: keys_for keys stored together in ``amazon_match_parts`` (PARTS_SEPARATOR)
PARTS_KEYS = ("given_key", "surname_key", "legal_form", "packstation")
PARTS_SEPARATOR = "\x1f"
#: every column holding a match key (created before the ORM sees them)
KEY_COLUMNS = (*MATCH_KEY_COLUMNS, "amazon_match_parts")
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


def match_values(row):
    """``keys_for`` input from a partner row (dict of RAW_SELECT columns)."""
    if row["is_company"]:
        name, company = False, row["name"]
    else:
        name = row["name"]
        company = row["parent_name"] if row["parent_is_company"] else False
    values = {
        key: row[key]
        for key in ("street", "street2", "zip", "city", "country_code", "email")
    }
    values.update(
        name=name,
        company_name=company,
        phone=row["phone"],
        vat=row["vat"],
        amazon_buyer_email=row["amazon_buyer_email"],
    )
    return values


def match_keys(row):
    """Column values (None when empty) of the match keys of a partner row."""
    keys = keys_for(match_values(row))
    found = {column: keys[key] or None for column, key in MATCH_KEY_COLUMNS.items()}
    found["amazon_match_name"] = keys["name_key"] or keys["company_key"] or None
    found["amazon_match_parts"] = PARTS_SEPARATOR.join(keys[key] for key in PARTS_KEYS)
    return found


def stored_keys(row):
    """The ``keys_for`` dict of a partner from its stored key columns (a dict
    with the columns of KEY_COLUMNS), without normalising it again; None when
    the keys were not computed yet (``amazon_match_parts`` empty)."""
    if row["amazon_match_parts"] is None:
        return None
    parts = row["amazon_match_parts"].split(PARTS_SEPARATOR)
    keys = dict(zip(PARTS_KEYS, parts, strict=True))
    for column, key in MATCH_KEY_COLUMNS.items():
        keys[key] = row[column] or ""
    keys["name_key"] = " ".join(
        part for part in (keys["given_key"], keys["surname_key"]) if part
    )
    return keys


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
        string="Delivery Data Anonymised",
        copy=False,
        readonly=True,
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
    # --- match keys (normalised, see matching.normalize.keys_for) ----------
    amazon_match_name = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_company = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_street = fields.Char(compute="_compute_amazon_match_keys", store=True)
    amazon_match_house_number = fields.Char(
        compute="_compute_amazon_match_keys", store=True
    )
    amazon_match_zip = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_city = fields.Char(compute="_compute_amazon_match_keys", store=True)
    amazon_match_country = fields.Char(compute="_compute_amazon_match_keys", store=True)
    amazon_match_phone = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_email = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_amazon_email = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_vat = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    amazon_match_postnummer = fields.Char(
        compute="_compute_amazon_match_keys", store=True, index="btree_not_null"
    )
    # given name, surname, legal form, Packstation: read with the candidates
    # so that they are never normalised again during the duplicate search
    amazon_match_parts = fields.Char(compute="_compute_amazon_match_keys", store=True)

    _amazon_match_zip_street_idx = models.Index(
        "(amazon_match_zip, amazon_match_street) WHERE amazon_match_street IS NOT NULL"
    )
    _amazon_match_street_city_idx = models.Index(
        "(amazon_match_street, amazon_match_city) WHERE amazon_match_street IS NOT NULL"
    )

    @api.depends(
        "name",
        "is_company",
        "parent_id.name",
        "parent_id.is_company",
        "street",
        "street2",
        "zip",
        "city",
        "country_id.code",
        "email",
        "phone",
        "vat",
        "amazon_buyer_email",
    )
    def _compute_amazon_match_keys(self):
        for partner in self:
            keys = match_keys(partner._amazon_match_row())
            partner.update({key: value or False for key, value in keys.items()})

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
            "amazon_buyer_email": self.amazon_buyer_email,
        }

    def _amazon_anonymise_if_unused(self):
        """Anonymise the delivery data of these Amazon-created partners once
        no order of theirs is still within its retention period.

        A separate delivery contact loses name, street, zip, city, phone and
        e-mails (its country stays as OSS evidence) and is archived; a
        customer keeps what invoices need (name, address, VAT id) and loses
        the recipient's phone and the Amazon relay e-mail.
        """
        Binding = self.env["amazon.seller.order"].sudo()
        for partner in self:
            orders = (
                self.env["sale.order"]
                .sudo()
                .search(
                    [
                        "|",
                        ("partner_id", "=", partner.id),
                        ("partner_shipping_id", "=", partner.id),
                        ("amazon_order_id", "!=", False),
                    ]
                )
            )
            pending = Binding.search_count(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("buyer_data_anonymised_on", "=", False),
                ],
                limit=1,
            )
            if pending:
                continue
            values = {"phone": False, "amazon_buyer_email": False}
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
            partner.write(dict(values, amazon_anonymised=True))

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

    def init(self):
        """GIN trigram index on the name key (pg_trgm, created if missing)."""
        super().init()
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        sql.create_index(
            self.env.cr,
            "res_partner_amazon_match_name_trgm_idx",
            self._table,
            ["amazon_match_name gin_trgm_ops"],
            method="gin",
        )

    @api.model
    def _amazon_fill_match_keys(self, only_missing=True):
        """Compute the match keys of all partners in SQL-sized batches.

        Returns the number of partners updated.
        """
        cr, last_id, done = self.env.cr, 0, 0
        self.env.flush_all()
        where = SQL("TRUE")
        if only_missing:
            where = SQL("(p.amazon_match_name IS NULL OR p.amazon_match_parts IS NULL)")
        while True:
            cr.execute(
                SQL(
                    "SELECT %s FROM %s WHERE p.id > %s AND %s ORDER BY p.id LIMIT %s",
                    RAW_SELECT,
                    RAW_FROM,
                    last_id,
                    where,
                    BATCH,
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
        execute_values(
            self.env.cr._obj,
            f"UPDATE res_partner p SET {assignments} "  # noqa: S608
            f"FROM (VALUES %s) AS v(id, {', '.join(columns)}) WHERE p.id = v.id",
            values,
            template="(%s" + ", %s::varchar" * len(columns) + ")",
            page_size=1000,
        )
