# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Before 19.0.1.1.0: "known different" pairs had no company."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE amazon_partner_pair ADD COLUMN IF NOT EXISTS company_id int4"
    )
    cr.execute(
        """
        UPDATE amazon_partner_pair pair
           SET company_id = COALESCE(
               (SELECT company_id FROM res_partner WHERE id = pair.partner_a_id),
               (SELECT company_id FROM res_partner WHERE id = pair.partner_b_id),
               (SELECT min(id) FROM res_company))
         WHERE company_id IS NULL
        """
    )
