# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.fields import Domain

from ..spapi.pricing import tax_fits
from ..utils import forget_page_memo, page_memoized


class AccountTax(models.Model):
    _inherit = "account.tax"

    @api.model
    def _amazon_taxes_for(
        self, company, charge, product, quantity, fiscal_position, country
    ):
        """``(price-included tax, notes)`` explaining the VAT Amazon charged."""
        product_taxes = fiscal_position.map_tax(
            product.taxes_id._filter_taxes_by_company(company)
        )
        candidates = product_taxes | self._amazon_sale_taxes(company)
        tax = self._amazon_find_tax(
            candidates, abs(charge.gross), abs(charge.tax), quantity, country
        )
        if tax:
            return tax._amazon_price_included(), []
        if not charge.tax:
            return self, []
        return self, [
            self.env._(
                "No sales tax matches the VAT of %(amount)s Amazon charged on "
                "%(charge)s; the line has no tax.",
                amount=charge.tax,
                charge=charge.description,
            )
        ]

    @api.model
    def _amazon_sale_taxes(self, company):
        """Percent sale taxes usable for Amazon lines (once per page of an
        import)."""
        return page_memoized(
            self,
            ("sale_taxes", company.id),
            lambda: self.search(
                Domain("type_tax_use", "=", "sale")
                & Domain("amount_type", "=", "percent")
                & Domain(self._check_company_domain(company))
            ),
        )

    @api.model
    def _amazon_find_tax(self, candidates, gross, tax, quantity, country=None):
        """The first candidate whose rate explains the VAT Amazon charged.

        Candidates are tried in order (the product's taxes mapped by the
        fiscal position first); among the others, taxes of the delivery
        country (OSS) come before the rest.
        """
        if not tax:
            zero = candidates.filtered(lambda t: not t.amount)
            return zero[:1]
        fitting = candidates.filtered(
            lambda t: t.amount and tax_fits(t.amount, gross, tax, quantity)
        )
        if country:
            fitting = fitting.sorted(lambda t: t.country_id != country)
        return fitting[:1]

    def _amazon_price_included(self):
        """The same tax computed on gross prices (created once if needed).

        Amazon's prices include VAT: with a price-included tax the sale
        order's total is the amount the buyer paid, to the cent.
        """
        self.ensure_one()
        if self.price_include:
            return self
        return page_memoized(self.browse(), ("twin", self.id), self._amazon_twin)

    def _amazon_twin(self):
        """The price-included twin of this tax, created when missing."""
        twin = self.with_context(active_test=False).search(
            Domain("company_id", "=", self.company_id.id)
            & Domain("type_tax_use", "=", self.type_tax_use)
            & Domain("amount_type", "=", self.amount_type)
            & Domain("amount", "=", self.amount)
            & Domain("tax_group_id", "=", self.tax_group_id.id)
            & Domain("country_id", "=", self.country_id.id)
            & Domain("price_include_override", "=", "tax_included"),
            limit=1,
        )
        if twin:
            return twin
        # a new sale tax: the page's lookup of the sale taxes is made again
        forget_page_memo()
        # sudo: taxes need accounting rights; the copy only differs from a
        # tax of the company in being computed on gross prices
        return self.sudo().copy(
            {
                "name": self.env._("%(name)s (incl.)", name=self.name),
                "price_include_override": "tax_included",
                "sequence": self.sequence + 1,
            }
        )
