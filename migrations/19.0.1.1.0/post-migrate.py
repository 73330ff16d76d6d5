# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.1.0: the Amazon relay e-mail is no longer the partner's e-mail, and
partners created by the import are marked for the retention rule."""


def migrate(cr, version):
    if not version:
        return
    # the relay address was copied into the e-mail: mailings must not reach it
    cr.execute(
        """
        UPDATE res_partner SET email = NULL
         WHERE email ILIKE '%%@marketplace.amazon.%%'
        """
    )
    # reasons once repeated the failing row or the VAT id: our sentences now
    cr.execute(
        """
        UPDATE amazon_seller_order
           SET reason = 'The sale order could not be created; retry it to see why.'
         WHERE reason ILIKE '%%Failing row%%' OR reason ILIKE '%%DETAIL:%%'
        """
    )
    cr.execute(
        """
        UPDATE amazon_seller_order
           SET reason = regexp_replace(
               reason, 'VAT id [^ ]+ is not valid', 'VAT id is not valid', 'g')
         WHERE reason ILIKE '%%VAT id % is not valid%%'
        """
    )
    # created in the same import as the first Amazon order using them (the
    # import creates customer, delivery contact and sale order together)
    cr.execute(
        """
        UPDATE res_partner p SET amazon_created = TRUE
          FROM (SELECT partner, min(create_date) AS first_order
                  FROM (SELECT partner_id AS partner, create_date FROM sale_order
                         WHERE amazon_order_id IS NOT NULL
                        UNION ALL
                        SELECT partner_shipping_id, create_date FROM sale_order
                         WHERE amazon_order_id IS NOT NULL) AS uses
                 GROUP BY partner) AS first
         WHERE p.id = first.partner
           AND p.create_date BETWEEN first.first_order - interval '10 minutes'
                                 AND first.first_order
        """
    )
