# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sale order lines of an Amazon order: products, fees, discounts, taxes."""

from decimal import ROUND_DOWN, Decimal

from odoo import Command, models

from ..exceptions import AmazonImportError

CENT = Decimal("0.01")
FEE_PRODUCT_FIELDS = {
    "shipping": "shipping_product_id",
    "gift_wrap": "gift_wrap_product_id",
    "cod_fee": "cod_fee_product_id",
    "other": "shipping_product_id",
}


def split_quantity(gross, quantity):
    """``[(quantity, unit_price)]`` adding up exactly to ``gross``.

    10.00 for 3 units gives 2 x 3.33 and 1 x 3.34: prices have cents only.
    """
    if quantity <= 1:
        return [(max(quantity, 1), gross)]
    unit = (gross / quantity).quantize(CENT, rounding=ROUND_DOWN)
    rest = gross - unit * (quantity - 1)
    if rest == unit:
        return [(quantity, unit)]
    return [(quantity - 1, unit), (1, rest)]


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    # ------------------------------------------------------------------
    # Products (a few queries per page, not per line)
    # ------------------------------------------------------------------
    def _amazon_products_for(self, skus):
        """``{sku: product}`` by SKU assignment, internal reference, barcode."""
        skus = {sku for sku in skus if sku}
        if not skus:
            return {}
        found = {
            mapping.sku: mapping.product_id
            for mapping in self.env["amazon.seller.sku"].search(
                [("account_id", "=", self.id), ("sku", "in", list(skus))]
            )
        }
        Product = self.env["product.product"].with_company(self.company_id)
        company_domain = Product._check_company_domain(self.company_id)
        for field in ("default_code", "barcode"):
            missing = list(skus - found.keys())
            if not missing:
                break
            for product in Product.search([(field, "in", missing), *company_domain]):
                found.setdefault(product[field], product)
        return found

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------
    def _amazon_prepare_lines(self, order, so_vals, products, run):
        """Line values for every item and every charge, and review notes."""
        fiscal_position = self.env["account.fiscal.position"].browse(
            so_vals.get("fiscal_position_id")
        )
        country = (
            self.env["res.partner"].browse(so_vals["partner_shipping_id"]).country_id
        )
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
                lines += self._amazon_charge_lines(
                    charge, line, product, fiscal_position, country, notes, run
                )
        for charge in order.order_charges:
            lines += self._amazon_charge_lines(
                charge, None, None, fiscal_position, country, notes, run
            )
        return lines, notes

    def _amazon_charge_lines(
        self, charge, line, product, fiscal_position, country, notes, run
    ):
        if charge.kind == "item":
            product = product or self.fallback_product_id
            quantity = line.quantity
            name = self._amazon_item_description(line, product)
        else:
            product = self._amazon_fee_product(charge.kind)
            quantity = 1
            name = charge.description
        if not product:
            raise AmazonImportError(
                self.env._(
                    "No product is set for %(charge)s.", charge=charge.description
                )
            )
        taxes = self._amazon_line_taxes(
            charge, product, quantity, fiscal_position, country, notes, run
        )
        base = {
            "product_id": product.id,
            "name": name,
            "tax_ids": [Command.set(taxes.ids)],
            "product_uom_qty": quantity,
            "discount": 0.0,
        }
        if charge.kind == "item":
            base["amazon_order_item_id"] = line.order_item_id
            base["amazon_sku"] = line.sku
            base["amazon_unknown_sku"] = product == self.fallback_product_id
        return [
            dict(base, product_uom_qty=qty, price_unit=float(price))
            for qty, price in split_quantity(charge.gross, quantity)
        ]

    def _amazon_item_description(self, line, product):
        if product == self.fallback_product_id:
            return f"[{line.sku}] {line.title or ''}".strip()
        return product.get_product_multiline_description_sale()

    def _amazon_fee_product(self, kind):
        if kind.endswith("_discount"):
            return self.discount_product_id
        return self[FEE_PRODUCT_FIELDS.get(kind, "shipping_product_id")]

    # ------------------------------------------------------------------
    # Taxes
    # ------------------------------------------------------------------
    def _amazon_line_taxes(
        self, charge, product, quantity, fiscal_position, country, notes, run
    ):
        """The price-included sale tax that explains the VAT Amazon charged."""
        Tax = self.env["account.tax"]
        if run.sale_taxes is None:
            run.sale_taxes = Tax._amazon_sale_taxes(self.company_id)
        product_taxes = fiscal_position.map_tax(
            product.taxes_id._filter_taxes_by_company(self.company_id)
        )
        candidates = product_taxes | run.sale_taxes
        tax = Tax._amazon_find_tax(
            candidates, abs(charge.gross), abs(charge.tax), quantity, country
        )
        if not tax:
            if charge.tax:
                notes.append(
                    self.env._(
                        "No sales tax matches the VAT of %(amount)s Amazon charged on "
                        "%(charge)s; the line has no tax.",
                        amount=charge.tax,
                        charge=charge.description,
                    )
                )
            return Tax
        if tax.id not in run.included_taxes:
            run.included_taxes[tax.id] = tax._amazon_price_included()
        return run.included_taxes[tax.id]

    # ------------------------------------------------------------------
    # Currency, warehouse, checks
    # ------------------------------------------------------------------
    def _amazon_pricelist(self, currency_code, run):
        code = currency_code or self.company_id.currency_id.name
        if code not in run.pricelists:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", code)], limit=1)
            )
            marketplace_currencies = (
                self.env["amazon.seller.marketplace"].search([]).currency_id
                | self.company_id.currency_id
            )
            if not currency or currency not in marketplace_currencies:
                raise AmazonImportError(
                    self.env._(
                        "Amazon sent the currency %(code)s, which is not the currency "
                        "of any Amazon marketplace.",
                        code=code[:10],
                    )
                )
            if not currency.active:
                # sudo: activating currencies needs accounting rights; only the
                # currency of a known Amazon marketplace is ever activated
                currency.sudo().active = True
            Pricelist = self.env["product.pricelist"]
            pricelist = Pricelist.search(
                [
                    ("currency_id", "=", currency.id),
                    *Pricelist._check_company_domain(self.company_id),
                ],
                limit=1,
            ) or Pricelist.sudo().create(  # sudo: pricelists need sales-manager rights
                {
                    "name": f"Amazon {code}",
                    "currency_id": currency.id,
                    "company_id": self.company_id.id,
                }
            )
            run.pricelists[code] = pricelist
        return run.pricelists[code]

    def _amazon_warehouse_for(self, order):
        if order.is_fba:
            return self.fba_warehouse_id or self._amazon_create_fba_warehouse()
        return self.warehouse_id

    def _amazon_create_fba_warehouse(self):
        # sudo: warehouses need stock-manager rights; the FBA warehouse is
        # created once, for this account's company, with a fixed name
        warehouse = (
            self.env["stock.warehouse"]
            .sudo()
            .create(
                {
                    "name": self.env._("Amazon FBA (%(account)s)", account=self.name),
                    "code": f"FBA{self.id}"[:5],
                    "company_id": self.company_id.id,
                }
            )
        )
        self.fba_warehouse_id = warehouse
        self.message_post(
            body=self.env._(
                "Created the warehouse %(name)s for stock at Amazon (FBA).",
                name=warehouse.name,
            )
        )
        return warehouse

    def _amazon_validate_fba_delivery(self, sale_order):
        """Amazon already shipped FBA orders: mark their delivery done."""
        pickings = sale_order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True)._action_done()

    def _amazon_check_total(self, order, sale_order):
        expected = float(order.total())
        if sale_order.currency_id.compare_amounts(sale_order.amount_total, expected):
            sale_order.amazon_total_mismatch = True
            return [
                self.env._(
                    "The sale order total %(odoo)s differs from the %(amazon)s the "
                    "buyer paid at Amazon.",
                    odoo=sale_order.amount_total,
                    amazon=expected,
                )
            ]
        return []
