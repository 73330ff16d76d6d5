# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.2.0: the Amazon order record owns the Amazon data of its sale
order; the gift message moved from the sale order to it."""

from odoo.tools import sql


def migrate(cr, version):
    if not version or not sql.column_exists(cr, "sale_order", "amazon_gift_message"):
        return
    cr.execute(
        """
        UPDATE amazon_seller_order b SET gift_message = so.amazon_gift_message
          FROM sale_order so
         WHERE so.id = b.sale_order_id AND so.amazon_gift_message IS NOT NULL
           AND b.buyer_data_anonymised_on IS NULL
        """
    )
    cr.execute("ALTER TABLE sale_order DROP COLUMN amazon_gift_message")
