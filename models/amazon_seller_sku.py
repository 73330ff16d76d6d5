# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amazon offers: one record per SKU of an account (its "Angebot").

The record started as the SKU-to-product assignment of the order import and
keeps that role (technical name ``amazon.seller.sku``); it also holds the
offer as Amazon reports it (marketplaces, fulfilment channel, product type,
quantities) and owns the merchant-fulfilled stock sent to Amazon: stock
changes mark it (``stock_dirty``), the outbound sender turns marked offers
into one ``stock_quantity`` transmission each, coalesced, and only when the
quantity differs from the last one Amazon accepted.
"""

import logging
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: stock changes of one offer within this many seconds send one update
STOCK_COALESCE_SECONDS = 60
CHANNELS = [
    ("merchant", "Merchant (FBM)"),
    ("amazon", "Amazon (FBA)"),
    ("both", "Both"),
]
PRECOMMIT_KEY = "amazon_seller_connector.stock_products"


class AmazonSellerSku(models.Model):
    _name = "amazon.seller.sku"
    _description = "Amazon Offer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sku"
    _rec_name = "sku"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.seller.account",
        string="Amazon Account",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    active = fields.Boolean(default=True)
    sku = fields.Char(string="SKU", required=True)
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        help="Empty: a listing read from Amazon that no product matched; "
        "assign one to sell and synchronise it.",
    )
    asin = fields.Char(string="ASIN", readonly=True)
    title = fields.Char(readonly=True, help="The listing's title at Amazon.")
    marketplace_ids = fields.Many2many(
        "amazon.seller.marketplace", string="Marketplaces", readonly=True
    )
    fulfillment_channel = fields.Selection(
        CHANNELS,
        string="Fulfilment",
        default="merchant",
        required=True,
        readonly=True,
        help="As Amazon reports the listing: shipped by you (merchant), by "
        "Amazon (FBA) or both. Only the merchant quantity is ever changed.",
    )
    product_type = fields.Char(
        readonly=True, help="Amazon's product type of the listing, needed to patch it."
    )
    listing_status = fields.Char(
        string="Amazon Status", readonly=True, help="BUYABLE, DISCOVERABLE …"
    )
    stock_sync = fields.Boolean(
        string="Synchronise Stock",
        default=True,
        tracking=True,
        help="Send this offer's merchant quantity to Amazon.",
    )
    own_stock_settings = fields.Boolean(
        string="Own Buffer and Handling Time",
        help="Use the buffer and handling time below instead of the account's.",
    )
    stock_buffer = fields.Integer(
        string="Safety Buffer",
        help="Units kept back from Amazon (not offered there).",
    )
    handling_days = fields.Integer(
        string="Handling Time (Days)",
        help="Days between the order and its shipment, sent with the quantity.",
    )
    quantity_odoo = fields.Integer(
        string="Quantity for Amazon",
        compute="_compute_quantity_odoo",
        help="What Odoo would send now: free quantity in the account's "
        "merchant warehouses minus the buffer, never below zero.",
    )
    quantity_sent = fields.Integer(
        readonly=True, copy=False, help="The last quantity Amazon accepted."
    )
    quantity_sent_at = fields.Datetime(string="Last Sent", readonly=True, copy=False)
    handling_sent = fields.Integer(
        string="Handling Time Sent", readonly=True, copy=False
    )
    quantity_amazon = fields.Integer(
        string="Amazon's Quantity",
        readonly=True,
        copy=False,
        help="The merchant quantity Amazon holds: as read from its listings, or "
        "the last quantity it accepted since.",
    )
    quantity_fba = fields.Integer(
        string="FBA Quantity",
        readonly=True,
        copy=False,
        help="Units at Amazon's fulfilment centres, as reported.",
    )
    amazon_read_at = fields.Datetime(
        string="Read from Amazon", readonly=True, copy=False
    )
    stock_error = fields.Text(string="Amazon's Answer", readonly=True, copy=False)
    stock_dirty = fields.Boolean(
        string="Stock Changed",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The stock changed since the last quantity was sent.",
    )
    stock_changed_at = fields.Datetime(
        string="Stock Changed On", readonly=True, copy=False
    )
    stock_update_count = fields.Integer(
        string="Quantity Updates", readonly=True, copy=False
    )
    stock_mismatch = fields.Boolean(
        string="Stock Differs",
        compute="_compute_stock_mismatch",
        search="_search_stock_mismatch",
        help="Amazon's quantity differs from what Odoo would send now.",
    )
    operation_ids = fields.One2many("amazon.seller.operation", "offer_id")

    _account_sku_uniq = models.Constraint(
        "UNIQUE(account_id, sku)", "This SKU is already assigned for this account."
    )
    _stock_buffer_positive = models.Constraint(
        "CHECK(stock_buffer >= 0 AND handling_days >= 0)",
        "The buffer and the handling time cannot be negative.",
    )

    # ------------------------------------------------------------------
    # The quantity Amazon gets
    # ------------------------------------------------------------------
    @api.depends_context("company")
    def _compute_quantity_odoo(self):
        quantities = self._amazon_quantities()
        for offer in self:
            offer.quantity_odoo = quantities.get(offer.id, 0)

    def _compute_stock_mismatch(self):
        quantities = self._amazon_quantities()
        for offer in self:
            offer.stock_mismatch = bool(
                offer.id in quantities
                and offer.amazon_read_at
                and quantities[offer.id] != offer.quantity_amazon
            )

    def _search_stock_mismatch(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        candidates = self.search(
            [
                ("stock_sync", "=", True),
                ("product_id", "!=", False),
                ("fulfillment_channel", "!=", "amazon"),
                ("amazon_read_at", "!=", False),
            ]
        )
        quantities = candidates._amazon_quantities()
        ids = [
            offer.id
            for offer in candidates
            if quantities.get(offer.id, 0) != offer.quantity_amazon
        ]
        wanted = (operator == "=") == value
        return [("id", "in" if wanted else "not in", ids)]

    def _amazon_stock_settings(self):
        """``(buffer, handling days)`` of the offer (its own or the account's)."""
        self.ensure_one()
        if self.own_stock_settings:
            return self.stock_buffer, self.handling_days
        return self.account_id.stock_buffer, self.account_id.handling_days

    def _amazon_synchronised(self):
        """Offers whose merchant quantity is Odoo's to send: once Amazon's
        listing has been read (so its channels are known and no offer is
        ever created at Amazon by a quantity), not fulfilled by Amazon only."""
        return self.filtered(
            lambda o: o.active
            and o.stock_sync
            and o.product_id
            and o.amazon_read_at
            and o.fulfillment_channel != "amazon"
            and o.account_id.stock_sync
        )

    def _amazon_quantities(self):
        """``{offer id: quantity}`` Amazon would get now, for the offers whose
        stock Odoo sends: the free quantity (on hand minus reserved) of the
        product in the account's merchant warehouses, as Odoo computes it
        (kits and units included), minus the buffer, never below zero, whole
        units. An archived product or one that may not be sold gives 0."""
        result = {}
        offers = self._amazon_synchronised()
        for account, group in offers.grouped("account_id").items():
            warehouses = account._amazon_stock_warehouses()
            products = group.product_id.with_context(
                active_test=False, warehouse_id=warehouses.ids
            ).with_company(account.company_id)
            # free_qty does not depend on the quants for the ORM: a value
            # cached earlier in this transaction may be stale
            products.invalidate_recordset(["free_qty"])
            free = {
                product.id: product.free_qty
                for product in products.filtered("is_storable")
            }
            for offer in group:
                product = offer.product_id
                if product.id not in free:
                    continue  # not stock-tracked: Amazon keeps its quantity
                buffer, _days = offer._amazon_stock_settings()
                sellable = product.active and product.sale_ok
                quantity = math.floor(free[product.id] + 1e-9) if sellable else 0
                result[offer.id] = max(0, quantity - buffer)
        return result

    # ------------------------------------------------------------------
    # Stock changes mark the offers
    # ------------------------------------------------------------------
    @api.model
    def _amazon_stock_changed(self, products):
        """The free quantity of ``products`` changed in this transaction: the
        offers are marked once, just before the commit (one statement however
        many moves, reservations or adjustments there were)."""
        data = self.env.cr.precommit.data
        pending = data.get(PRECOMMIT_KEY)
        if pending is None:
            pending = data[PRECOMMIT_KEY] = set()
            env = self.env
            self.env.cr.precommit.add(
                lambda: env["amazon.seller.sku"]._amazon_mark_changed(pending)
            )
        pending.update(products.ids)

    @api.model
    def _amazon_mark_changed(self, product_ids):
        """Mark the synchronised offers of ``product_ids`` (and of the kits
        made of them) and wake the sender when the changes have settled."""
        product_ids = set(product_ids)
        if not product_ids:
            return
        product_ids |= set(self._amazon_kits_of(product_ids))
        # the offers' flags only (record rules do not apply to the connector's
        # own bookkeeping; no user input reaches this statement)
        self.env.cr.execute(
            SQL(
                """
                UPDATE amazon_seller_sku o
                   SET stock_dirty = TRUE,
                       stock_changed_at = CASE WHEN o.stock_dirty
                           THEN o.stock_changed_at
                           ELSE (now() AT TIME ZONE 'UTC') END
                  FROM amazon_seller_account a
                 WHERE a.id = o.account_id
                   AND a.stock_sync
                   AND o.active AND o.stock_sync
                   AND o.amazon_read_at IS NOT NULL
                   AND o.fulfillment_channel != 'amazon'
                   AND o.product_id IN %s
             RETURNING o.id
                """,
                tuple(product_ids),
            )
        )
        if self.env.cr.fetchall():
            self.invalidate_model(["stock_dirty", "stock_changed_at"])
            self.env["amazon.seller.operation"]._amazon_trigger_sender(
                delay=STOCK_COALESCE_SECONDS
            )

    @api.model
    def _amazon_kits_of(self, product_ids):
        """Kits (bills of materials of type kit) containing ``product_ids``."""
        if "mrp.bom.line" not in self.env:
            return []
        # sudo: which kits a component belongs to, to mark their offers
        lines = (
            self.env["mrp.bom.line"]
            .sudo()
            .search(
                [
                    ("product_id", "in", list(product_ids)),
                    ("bom_id.type", "=", "phantom"),
                ]
            )
        )
        kits = self.env["product.product"]
        for bom in lines.bom_id:
            kits |= bom.product_id or bom.product_tmpl_id.product_variant_ids
        return kits.ids

    # ------------------------------------------------------------------
    # Marked offers become transmissions
    # ------------------------------------------------------------------
    @api.model
    def _amazon_queue_stock_updates(self, limit=1000):
        """Turn offers marked long enough ago (the changes have settled) into
        one ``stock_quantity`` transmission each: an open one gets the new
        quantity (never an older one after a newer one); nothing is sent when
        the quantity is the one Amazon accepted last."""
        settled = fields.Datetime.now() - timedelta(seconds=STOCK_COALESCE_SECONDS)
        offers = self.search(
            [
                ("stock_dirty", "=", True),
                ("stock_changed_at", "<=", settled),
                ("account_id.state", "=", "linked"),
            ],
            limit=limit,
        )
        if offers:
            offers._amazon_queue_stock()
        return offers

    def _amazon_queue_stock(self, force=False):
        """Queue the current quantity of these offers (``force``: even when
        Amazon accepted the same quantity last)."""
        Operation = self.env["amazon.seller.operation"]
        quantities = self._amazon_quantities()
        queued = Operation
        # the open update of each offer (never the whole history)
        open_by_offer = {
            operation.offer_id.id: operation
            for operation in Operation.search(
                [
                    ("offer_id", "in", self.ids),
                    ("kind", "=", "stock_quantity"),
                    ("state", "in", ("to_send", "error")),
                ],
                order="id",
            )
        }
        for offer in self:
            quantity = quantities.get(offer.id)
            values = {"stock_dirty": False, "stock_changed_at": False}
            if quantity is None:
                offer.write(values)
                continue
            _buffer, days = offer._amazon_stock_settings()
            payload = offer._amazon_stock_payload(quantity, days)
            open_operation = open_by_offer.get(offer.id, Operation)
            unchanged = offer._amazon_holds(quantity, days)
            if open_operation:
                if not open_operation._amazon_lock(states=("to_send", "error")):
                    continue  # being sent right now: looked at again next run
                open_operation._amazon_set_payload("stock_quantity", payload)
                open_operation._amazon_send_again()
                queued |= open_operation
            elif force or not unchanged:
                count = offer.stock_update_count + 1
                values["stock_update_count"] = count
                queued |= Operation._amazon_queue(
                    offer.account_id,
                    "stock_quantity",
                    f"stock:{offer.id}:{count}",
                    payload,
                    offer_id=offer,
                )
            offer.write(values)
        return queued

    def _amazon_holds(self, quantity, days):
        """True when Amazon holds ``quantity`` and ``days`` for the offer
        already: it accepted them last, and has reported no other quantity
        nor an error since."""
        self.ensure_one()
        return bool(
            quantity == self.quantity_sent == self.quantity_amazon
            and days == self.handling_sent
            and self.quantity_sent_at
            and not self.stock_error
        )

    def _amazon_stock_payload(self, quantity, days):
        self.ensure_one()
        return {
            "sku": self.sku,
            "quantity": quantity,
            "handling_days": days,
            "marketplace_ids": self._amazon_marketplace_codes(),
        }

    def _amazon_marketplace_codes(self):
        self.ensure_one()
        markets = self.marketplace_ids or self.account_id.marketplace_ids
        return sorted(markets.mapped("amazon_marketplace_id"))

    def _amazon_stock_accepted(self, quantity, days):
        """Amazon accepted ``quantity`` for the offer."""
        self.write(
            {
                "quantity_sent": quantity,
                "quantity_amazon": quantity,  # what Amazon holds now
                "handling_sent": days,
                "quantity_sent_at": fields.Datetime.now(),
                "stock_error": False,
            }
        )

    # ------------------------------------------------------------------
    # Listings read from Amazon
    # ------------------------------------------------------------------
    @api.model
    def _amazon_apply_listing(self, account, item, marketplace):
        """Create or update the offer of one listing item (spapi
        ``ListingItem``) read from ``marketplace``; the product is found by
        the order import's rules (assignment, internal reference, barcode)."""
        offer = self.with_context(active_test=False).search(
            [("account_id", "=", account.id), ("sku", "=", item.sku)], limit=1
        )
        merchant = item.is_merchant_fulfilled
        fba = any(not e.is_merchant for e in item.fulfillment_availability)
        channel = "both" if merchant and fba else ("amazon" if fba else "merchant")
        summary = item.summary(marketplace.amazon_marketplace_id) or item.summary()
        values = {
            "asin": item.asin or (offer.asin if offer else False),
            "title": (summary and summary.item_name)
            or (offer.title if offer else False),
            "product_type": item.product_type
            or (offer.product_type if offer else False),
            "fulfillment_channel": channel,
            "listing_status": ", ".join(item.status) or False,
            "quantity_amazon": item.quantity() or 0,
            "quantity_fba": sum(
                e.quantity or 0
                for e in item.fulfillment_availability
                if not e.is_merchant
            ),
            "amazon_read_at": fields.Datetime.now(),
        }
        if not offer:
            product = (
                self.env["product.product"]
                ._amazon_find_by_sku(account, [item.sku])
                .get(item.sku)
            )
            values.update(
                account_id=account.id,
                sku=item.sku,
                product_id=product.id if product else False,
                marketplace_ids=[fields.Command.set(marketplace.ids)],
            )
            return self.create(values)
        if marketplace not in offer.marketplace_ids:
            values["marketplace_ids"] = [fields.Command.link(marketplace.id)]
        offer.write(values)
        return offer

    # ------------------------------------------------------------------
    # Order import (the SKU assignment)
    # ------------------------------------------------------------------
    @api.model
    def _amazon_assign(self, account, sku, product):
        """Assign ``sku`` of ``account`` to ``product`` (from now on)."""
        mapping = self.with_context(active_test=False).search(
            [("account_id", "=", account.id), ("sku", "=", sku)]
        )
        if mapping:
            mapping.write({"product_id": product.id, "active": True})
        else:
            self.create(
                {"account_id": account.id, "sku": sku, "product_id": product.id}
            )

    def write(self, vals):
        result = super().write(vals)
        if {
            "product_id",
            "stock_sync",
            "own_stock_settings",
            "stock_buffer",
            "handling_days",
            "active",
        } & vals.keys():
            self._amazon_mark_offers()
        return result

    def _amazon_mark_offers(self):
        """Send these offers' quantity again (a setting changed)."""
        synchronised = self._amazon_synchronised()
        if synchronised:
            self.env.cr.execute(
                SQL(
                    "UPDATE amazon_seller_sku SET stock_dirty = TRUE, "
                    "stock_changed_at = (now() AT TIME ZONE 'UTC') - "
                    "make_interval(secs => %s) WHERE id IN %s",
                    STOCK_COALESCE_SECONDS,
                    tuple(synchronised.ids),
                )
            )
            self.invalidate_model(["stock_dirty", "stock_changed_at"])
            self.env["amazon.seller.operation"]._amazon_trigger_sender()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send_stock(self):
        """'Send quantity now': these offers' quantity goes out at once."""
        self.check_access("write")
        # sudo: the transmissions are the connector's; the user may write offers
        self.sudo()._amazon_synchronised()._amazon_queue_stock(force=True)
        return True

    def action_view_operations(self):
        self.ensure_one()
        domain = [("offer_id", "=", self.id)]
        name = self.env._("Transmissions")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "amazon.seller.operation",
            "view_mode": "list,form",
            "domain": domain,
        }
