# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sale order lines of an Amazon order: products, fees, discounts, taxes."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from .. import const
from ..exceptions import AmazonImportError
from ..spapi.pricing import split_quantity

MANAGER_GROUP = "amazon_seller_connector.group_amazon_manager"
AMAZON_LINE_FIELDS = frozenset(
    ("amazon_order_item_id", "amazon_sku", "amazon_unknown_sku")
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_order_item_id = fields.Char(readonly=True, copy=False)
    amazon_sku = fields.Char(string="Amazon SKU", readonly=True, copy=False)
    amazon_unknown_sku = fields.Boolean(copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        self._amazon_check_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._amazon_check_fields([vals])
        result = super().write(vals)
        if "product_id" in vals:
            self.filtered("amazon_unknown_sku")._amazon_save_sku_assignment()
        return result

    def _amazon_check_fields(self, vals_list):
        """Only the import (the scheduled action or an Amazon administrator)
        writes the Amazon item data of a line: a forged SKU would change the
        account's assignments."""
        touched = any(AMAZON_LINE_FIELDS & set(vals) for vals in vals_list)
        if touched and not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._("The Amazon data of a sale order line cannot be changed.")
            )

    # ------------------------------------------------------------------
    # Lines of an Amazon order
    # ------------------------------------------------------------------
    @api.model
    def _amazon_prepare_lines(self, account, order, fiscal_position, country, products):
        """``(line values, review notes)`` for every item and every charge."""
        lines, notes = [], []
        for line in order.lines:
            if not line.priced or not line.quantity:
                continue
            product = products.get(line.sku)
            if not product:
                notes.append(
                    self.env._(
                        "Unknown SKU %(sku)s: the article for missing assignment was "
                        "used. Choose the right product and confirm the order.",
                        sku=line.sku or "-",
                    )
                )
            for charge in line.charges:
                values, note = self._amazon_charge_lines(
                    account, charge, line, product, fiscal_position, country
                )
                lines += values
                notes += note
        for charge in order.order_charges:
            values, note = self._amazon_charge_lines(
                account, charge, None, None, fiscal_position, country
            )
            lines += values
            notes += note
        return lines, notes

    @api.model
    def _amazon_charge_lines(
        self, account, charge, line, product, fiscal_position, country
    ):
        """Line values of one charge (an item, a fee, a discount)."""
        if charge.kind == "item":
            product = product or account.fallback_product_id
            quantity = line.quantity
            name = self._amazon_item_description(account, line, product)
        else:
            product = self._amazon_fee_product(account, charge.kind)
            quantity = 1
            name = charge.description
        if not product:
            raise AmazonImportError(
                self.env._(
                    "No product is set for %(charge)s.", charge=charge.description
                )
            )
        taxes, notes = self.env["account.tax"]._amazon_taxes_for(
            account.company_id, charge, product, quantity, fiscal_position, country
        )
        base = {
            "product_id": product.id,
            "name": name,
            "tax_ids": [Command.set(taxes.ids)],
            "discount": 0.0,
        }
        if charge.kind == "item":
            base["amazon_order_item_id"] = line.order_item_id
            base["amazon_sku"] = line.sku
            base["amazon_unknown_sku"] = product == account.fallback_product_id
        values = [
            dict(base, product_uom_qty=qty, price_unit=float(price))
            for qty, price in split_quantity(charge.gross, quantity)
        ]
        return values, notes

    @api.model
    def _amazon_item_description(self, account, line, product):
        if product == account.fallback_product_id:
            return f"[{line.sku}] {line.title or ''}".strip()
        return product.get_product_multiline_description_sale()

    @api.model
    def _amazon_fee_product(self, account, kind):
        if kind.endswith("_discount"):
            return account.discount_product_id
        return account[const.FEE_PRODUCT_FIELDS.get(kind, "shipping_product_id")]

    # ------------------------------------------------------------------
    # A person chose the product of an unknown SKU
    # ------------------------------------------------------------------
    def _amazon_save_sku_assignment(self):
        """A product chosen for an unknown SKU is remembered for next time."""
        for line in self:
            # sudo: a salesperson without an Amazon group corrects the product
            # of a line they may write; the account is only read for its
            # fallback article and the assignment is the import's own data
            account = line.order_id.sudo().amazon_account_id
            if (
                not line.amazon_sku
                or line.product_id == account.fallback_product_id
                or account.company_id != line.company_id
            ):
                continue
            self.env["amazon.seller.sku"].sudo()._amazon_assign(
                account, line.amazon_sku, line.product_id
            )
            line.sudo().amazon_unknown_sku = False
            line.order_id.message_post(
                body=self.env._(
                    "SKU %(sku)s is now assigned to %(product)s for future orders.",
                    sku=line.amazon_sku,
                    product=line.product_id.display_name,
                )
            )
        for order in self.order_id:
            binding = order.sudo().amazon_binding_id
            if binding.unknown_sku and not any(
                order.order_line.mapped("amazon_unknown_sku")
            ):
                # sudo: the flag is the binding's; the user fixed the lines
                binding.unknown_sku = False
