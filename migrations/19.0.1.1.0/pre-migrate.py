# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Before 19.0.1.1.0: "known different" pairs had no company, and a seller
could be linked once per company (now once in the database)."""


def migrate(cr, version):
    if not version:
        return
    # the younger accounts of a seller linked twice must be linked again:
    # the unique constraint on selling_partner_id can only be created then
    cr.execute(
        """
        UPDATE amazon_seller_account a
           SET selling_partner_id = NULL, state = 'reauth', refresh_token = NULL
         WHERE a.selling_partner_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM amazon_seller_account b
                        WHERE b.selling_partner_id = a.selling_partner_id
                          AND b.id < a.id)
        """
    )
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
