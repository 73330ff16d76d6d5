# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One Amazon order -> one sale order: which orders, and what goes on them."""

import re

from stdnum.eu import vat as stdnum_vat

from odoo import Command, fields, models

# Amazon fulfilment statuses that make an order ready for a sale order.
READY_STATUSES = {
    "MERCHANT": {"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"},
    "AMAZON": {"SHIPPED"},
}
WAITING_STATUSES = {"PENDING", "PENDING_AVAILABILITY"}


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    # ------------------------------------------------------------------
    # Dispatch on Amazon's status
    # ------------------------------------------------------------------
    def _amazon_apply(self, order, raw, record, products, run):
        if record and not self._amazon_is_newer(order, record):
            return record
        if not record and self._amazon_is_before_start(order):
            return record  # an older order that changed: not ours to import
        if order.fulfillment_status == "CANCELLED":
            return self._amazon_apply_cancellation(order, raw, record, run)
        if record and record.sale_order_id:
            return self._amazon_apply_update(order, raw, record, run)
        if not self._amazon_is_ready(order):
            return self._amazon_apply_waiting(order, raw, record, run)
        return self._amazon_create_sale_order(order, raw, record, products, run)

    def _amazon_is_newer(self, order, record):
        """An order is processed again only when Amazon changed it, or when
        its last attempt failed."""
        return (
            record.state == "error"
            or not record.amazon_last_update
            or order.last_updated > record.amazon_last_update
        )

    def _amazon_is_before_start(self, order):
        """Orders created before "Import orders created since" stay in the
        merchant's previous system, even when Amazon changes them later."""
        return bool(self.import_orders_since) and (
            order.created.date() < self.import_orders_since
        )

    def _amazon_is_ready(self, order):
        return order.fulfillment_status in READY_STATUSES.get(order.fulfilled_by, ())

    def _amazon_apply_waiting(self, order, raw, record, run):
        """Pending orders wait (Amazon changes them when they become ready);
        other states that never become a sale order are recorded."""
        if order.fulfillment_status in WAITING_STATUSES or (
            order.is_fba and order.fulfillment_status == "UNSHIPPED"
        ):
            if record:  # e.g. an earlier error: keep it, with the new data
                record.write(self._amazon_prepare_record_values(order))
                record._amazon_store_payload(raw)
            return record
        run.counts["other"] += 1
        reason = self.env._(
            "Not imported: Amazon reports the status %(status)s.",
            status=order.fulfillment_status or "-",
        )
        return self._amazon_save_record(order, raw, record, "skipped", reason)

    def _amazon_apply_cancellation(self, order, raw, record, run):
        run.counts["other"] += 1
        sale_order = record.sale_order_id if record else self.env["sale.order"]
        if not sale_order or sale_order.state == "cancel":
            reason = self.env._("Cancelled at Amazon before it was imported.")
            return self._amazon_save_record(order, raw, record, "cancelled", reason)
        if any(sale_order.order_line.mapped("qty_delivered")):
            reason = self.env._(
                "Cancelled at Amazon after goods were delivered: check the "
                "delivery and the invoice of %(order)s.",
                order=sale_order.name,
            )
            self._amazon_schedule_review(sale_order, reason)
            return self._amazon_save_record(order, raw, record, "review", reason)
        sale_order._action_cancel()
        sale_order.message_post(body=self.env._("Cancelled at Amazon."))
        reason = self.env._(
            "Cancelled at Amazon after import; the sale order is cancelled."
        )
        return self._amazon_save_record(order, raw, record, "cancelled", reason)

    def _amazon_apply_update(self, order, raw, record, run):
        """An imported order changed at Amazon (e.g. shipped): keep the
        sale order, flag it when the amount changed."""
        run.counts["other"] += 1
        values = self._amazon_prepare_record_values(order)
        total = order.total() if order.priced else None
        currency = record.currency_id
        if total is not None and currency.compare_amounts(
            float(total), record.amazon_total
        ):
            values["state"] = "review"
            values["reason"] = self.env._(
                "Amazon changed the order total from %(old)s to %(new)s.",
                old=record.amazon_total,
                new=total,
            )
            values["amazon_total"] = float(total)
            self._amazon_schedule_review(record.sale_order_id, values["reason"])
        record.write(values)
        record._amazon_store_payload(raw)
        return record

    # ------------------------------------------------------------------
    # Records
    # ------------------------------------------------------------------
    def _amazon_prepare_record_values(self, order):
        marketplace = self.env["amazon.seller.marketplace"]._amazon_by_marketplace_id(
            order.marketplace_id
        )
        return {
            "marketplace_id": marketplace.id,
            "fulfillment_channel": "fba" if order.is_fba else "fbm",
            "amazon_status": order.fulfillment_status,
            "purchase_date": order.purchase_date,
            "amazon_last_update": order.last_updated,
        }

    def _amazon_save_record(self, order, raw, record, state, reason):
        values = dict(
            self._amazon_prepare_record_values(order), state=state, reason=reason
        )
        if record:
            record.write(values)
        else:
            record = self.env["amazon.seller.order"].create(
                dict(values, account_id=self.id, amazon_order_id=order.order_id)
            )
        record._amazon_store_payload(raw)
        return record

    def _amazon_schedule_review(self, sale_order, reason):
        sale_order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Check Amazon order"),
            note=reason,
            user_id=(self.responsible_id or self.env.user).id,
        )

    # ------------------------------------------------------------------
    # New sale order
    # ------------------------------------------------------------------
    def _amazon_create_sale_order(self, order, raw, record, products, run):
        company_self = self.with_company(self.company_id)
        values = company_self._amazon_prepare_buyer_values(order)
        customer, delivery, match = company_self._amazon_resolve_customer(values)
        sale_order = company_self._amazon_build_sale_order(
            order, customer, delivery, products, run
        )
        review = (sale_order.amazon_review_notes or "").splitlines()
        if values.get("invalid_vat"):
            review.append(
                self.env._(
                    "The buyer's VAT id is not valid; it was not stored on the "
                    "customer (Amazon's order data shows it for 30 days)."
                )
            )
        if match["decision"] == "review":
            review.append(self.env._("Possible duplicate customer."))
        if not sale_order.amazon_unknown_sku:  # an unknown article waits for review
            sale_order.action_confirm()
            sale_order.date_order = order.purchase_date
            if order.is_fba:
                company_self._amazon_validate_fba_delivery(sale_order)
        company_self._amazon_partner_post_process(sale_order, match)
        total_notes = company_self._amazon_check_total(order, sale_order)
        review += total_notes
        state = "review" if review else "imported"
        run.counts[state] += 1
        record = self._amazon_save_record(order, raw, record, state, "\n".join(review))
        record.write(
            {
                "sale_order_id": sale_order.id,
                "imported_on": fields.Datetime.now(),
                "currency_id": sale_order.currency_id.id,
                "amazon_total": float(order.total()),
                "unknown_sku": sale_order.amazon_unknown_sku,
                "total_mismatch": bool(total_notes),
            }
        )
        if review:
            self._amazon_schedule_review(sale_order, "\n".join(review))
        return record

    def _amazon_build_sale_order(self, order, customer, delivery, products, run):
        vals = self._amazon_prepare_sale_order_values(order, customer, delivery, run)
        lines, notes = self._amazon_prepare_lines(order, vals, products, run)
        vals["order_line"] = [Command.create(line) for line in lines]
        vals["amazon_review_notes"] = "\n".join(notes)
        vals["amazon_unknown_sku"] = any(
            line.get("amazon_unknown_sku") for line in lines
        )
        return self.env["sale.order"].create(vals)

    def _amazon_prepare_buyer_values(self, order):
        buyer, address = order.buyer, order.shipping_address
        values = {"amazon_buyer_email": buyer.email if buyer else None}
        if buyer:
            values.update(
                name=buyer.name,
                company_name=buyer.company,
                email=buyer.email,
                vat=buyer.vat_id if buyer.vat_type in (None, "VAT") else None,
            )
            if buyer.vat_id and buyer.vat_type in (None, "VAT"):
                values["vat_country"] = (
                    buyer.vat_address.country_code if buyer.vat_address else None
                )
        if address:
            values.update(
                name=address.name or values.get("name"),
                company_name=address.company or values.get("company_name"),
                street=address.street,
                street2=address.street2,
                street3=address.street3,
                zip=address.zip,
                city=address.city,
                country_code=address.country_code,
                phone=address.phone,
            )
        if not values.get("name") and not values.get("company_name"):
            values["order_ref"] = order.order_id  # names the customer instead
        values = {key: value for key, value in values.items() if value}
        return self._amazon_check_vat(values)

    def _amazon_check_vat(self, values):
        """A VAT id Amazon sends without its country prefix gets the country
        of the buyer; one that is still not valid is not stored on the
        customer (the order is flagged instead of failing)."""
        vat = values.get("vat")
        country = values.pop("vat_country", None) or values.get("country_code")
        if not vat:
            return values
        compact = re.sub(r"[^A-Za-z0-9]", "", vat).upper()
        if country and not compact[:2].isalpha():
            compact = (("EL" if country == "GR" else country) + compact).upper()
        if stdnum_vat.is_valid(compact):
            values["vat"] = compact
        else:
            values.pop("vat")
            values["invalid_vat"] = vat
        return values

    def _amazon_prepare_sale_order_values(self, order, customer, delivery, run):
        fiscal_position = self.env["account.fiscal.position"]._get_fiscal_position(
            customer, delivery
        )
        marketplace = self.env["amazon.seller.marketplace"]._amazon_by_marketplace_id(
            order.marketplace_id
        )
        vals = {
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": delivery.id,
            "company_id": self.company_id.id,
            "date_order": order.purchase_date,
            "client_order_ref": order.order_id,
            "origin": marketplace.name or "Amazon",
            "amazon_order_id": order.order_id,
            "amazon_account_id": self.id,
            "amazon_marketplace_id": marketplace.id,
            "amazon_fulfillment_channel": "fba" if order.is_fba else "fbm",
            "amazon_gift_message": order.gift_message or False,
            "fiscal_position_id": fiscal_position.id,
            "pricelist_id": self._amazon_pricelist(order.currency, run).id,
            "payment_term_id": self.payment_term_id.id,
            "incoterm": self.incoterm_id.id,
            "carrier_id": self.carrier_id.id,
            "tag_ids": [Command.set(self.order_tag_ids.ids)],
            "source_id": self.source_id.id,
            "team_id": self.team_id.id,
            "user_id": self.user_id.id,
        }
        warehouse = self._amazon_warehouse_for(order)
        if warehouse:
            vals["warehouse_id"] = warehouse.id
        return {key: value for key, value in vals.items() if value is not False}
