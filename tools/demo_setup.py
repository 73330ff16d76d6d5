# Run by `make demo` inside `odoo shell`: a German company with one Amazon account
# linked to the offline simulator, its catalogue as products, orders imported.
# Idempotent: it runs on every start (the simulator is new each time).
import importlib
import os
import time

from odoo import Command

env = env  # noqa: F821 (provided by odoo shell)
SIMULATOR = os.environ.get("AMAZON_DEMO_SIMULATOR")
MODULE = "odoo.addons.amazon_seller_connector.simulator"


def setup_company():
    company = env.ref("base.main_company")
    if company.country_id.code != "DE":
        company.write(
            {
                "name": "Muster Handel GmbH",
                "street": "Hauptstraße 1",
                "zip": "10115",
                "city": "Berlin",
                "country_id": env.ref("base.de").id,
                "vat": "DE123456788",
                "currency_id": env.ref("base.EUR").id,
                "email": "info@muster-handel.example",
            }
        )
    if "chart_template" in company._fields and company.chart_template != "de_skr03":
        env["account.chart.template"].try_loading(
            "de_skr03", company, install_demo=False
        )
    if hasattr(company, "_map_eu_taxes"):  # OSS: fiscal positions per EU country
        company._map_eu_taxes()
    admin = env.ref("base.user_admin")
    admin.write({"lang": "de_DE", "tz": "Europe/Berlin", "password": "admin"})
    env["res.partner"].browse(admin.partner_id.id).lang = "de_DE"
    return company, admin


def setup_app():
    params = env["ir.config_parameter"]
    defaults = importlib.import_module(MODULE).DEFAULTS
    params.set_param(
        "amazon_seller_connector.application_id", defaults["application_id"]
    )
    params.set_param("amazon_seller_connector.lwa_client_id", defaults["client_id"])
    params.set_param(
        "amazon_seller_connector.lwa_client_secret", defaults["client_secret"]
    )
    params.set_param("amazon_seller_connector.app_is_draft", "True")
    # the demo talks to the simulator on this machine, never to Amazon
    params.set_param("amazon_seller_connector.custom_endpoint_hosts", "loopback")
    return defaults


def setup_products(company):
    """The simulator's SKU catalogue as storable products with German VAT."""
    Tax = env["account.tax"]
    sale = [("type_tax_use", "=", "sale"), ("company_id", "=", company.id)]
    taxes = {
        19: company.account_sale_tax_id
        or Tax.search([*sale, ("amount", "=", 19)], limit=1),
        7: Tax.search([*sale, ("amount", "=", 7)], limit=1),
    }
    catalogue = importlib.import_module(MODULE + ".catalogue").catalogue()
    Product = env["product.product"]
    known = set(
        Product.search([("default_code", "like", "SIM-")]).mapped("default_code")
    )
    Product.create(
        [
            {
                "name": row["title"],
                "default_code": row["sku"],
                "barcode": row["ean"],
                "list_price": float(row["price"]),
                "is_storable": True,
                "taxes_id": [Command.set(taxes[int(row["vat_rate"])].ids)],
            }
            for row in catalogue
            if row["sku"] not in known
        ]
    )


def setup_account(admin, defaults):
    Account = env["amazon.seller.account"]
    account = Account.search([("name", "=", "Muster Handel auf Amazon.de")], limit=1)
    if not account:
        account = Account.create(
            {"name": "Muster Handel auf Amazon.de", "responsible_id": admin.id}
        )
    if SIMULATOR:
        codes = ("de", "fr", "it", "es", "nl", "pl", "se", "be")
        marketplaces = env["amazon.seller.marketplace"].browse(
            [
                env.ref(f"amazon_seller_connector.marketplace_{code}").id
                for code in codes
            ]
        )
        account.write(
            {
                "api_base_url": SIMULATOR,
                "state": "linked",
                "selling_partner_id": defaults["seller_id"],
                "refresh_token": "Atzr|demo-refresh-token",
                "available_marketplace_ids": [Command.set(marketplaces.ids)],
                "marketplace_ids": [Command.set(marketplaces.ids)],
                "import_orders_since": "2020-01-01",
                "last_sync": False,
            }
        )
    return account


def setup_shipments(account):
    """Deliveries as the warehouse leaves them: some shipped with DHL and
    confirmed, one confirmation refused by Amazon (a mistyped tracking
    number waiting for its correction), the others ready to validate."""
    params = env["ir.config_parameter"]
    if params.get_param("amazon_seller_connector.demo_shipments"):
        return
    service = env["product.product"].create({"name": "Versand", "type": "service"})
    Carrier = env["delivery.carrier"]
    dhl = Carrier.create({"name": "DHL Paket", "product_id": service.id})
    Carrier.create({"name": "Deutsche Post Brief", "product_id": service.id})
    open_deliveries = env["stock.picking"].search(
        [
            ("sale_id.amazon_binding_id.account_id", "=", account.id),
            ("sale_id.amazon_binding_id.fulfillment_channel", "=", "fbm"),
            ("sale_id.amazon_binding_id.amazon_status", "=", "UNSHIPPED"),
            ("sale_id.amazon_binding_id.buyer_cancel_requested", "=", False),
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ("done", "cancel")),
        ],
        order="id",
    )
    # three shipped and confirmed, one with a mistyped tracking number, and
    # one of an Amazon Business order (its invoice has a deadline)
    business = env["stock.picking"].search(
        [
            ("sale_id.amazon_binding_id.account_id", "=", account.id),
            ("sale_id.amazon_binding_id.is_business", "=", True),
            ("sale_id.amazon_binding_id.fulfillment_channel", "=", "fbm"),
            (
                "sale_id.amazon_binding_id.amazon_status",
                "in",
                ("UNSHIPPED", "PARTIALLY_SHIPPED"),
            ),
            ("sale_id.amazon_binding_id.buyer_cancel_requested", "=", False),
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ("done", "cancel")),
        ],
        order="id",
        limit=1,
    )
    shipped = (open_deliveries - business)[:4] | business
    tracking = ["00340434161234567801", "00340434161234567802", "00340434161234567803"]
    numbers = [*tracking, "DHL-12", "00340434161234567804"]
    for picking, number in zip(shipped, numbers, strict=False):
        picking.write({"carrier_id": dhl.id, "carrier_tracking_ref": number})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(skip_backorder=True).button_validate()
    env.cr.commit()
    send_all()
    params.set_param("amazon_seller_connector.demo_shipments", "1")
    env.cr.commit()


def simulator_control(path, data=None):
    """The simulator's control endpoint (demo only, on this machine)."""
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{SIMULATOR}/_sim{path}",
        data=json.dumps(data or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def send_all(rounds=3):
    """The scheduled actions as they run after a validation (invoices, then
    the sender), with Amazon processing the feeds at once between the runs
    (the demo does not wait for Amazon)."""
    Operation = env["amazon.seller.operation"]
    env["stock.picking"]._cron_amazon_invoices()
    env.cr.commit()
    for _round in range(rounds):
        Operation.search([("state", "in", ("to_send", "sent"))]).write(
            {"next_attempt_at": "2000-01-01 00:00:00"}
        )
        env.cr.commit()
        Operation._cron_send()
        env.cr.commit()
        simulator_control("/feeds/process")


def setup_duplicates(account):
    """The duplicate search on, and three new orders of people the demo
    knows already: a repeat buyer typing the address another way (linked to
    the existing customer, with a note on the sale order), the same name a
    few houses further (a review), another person of the same household (a
    new customer: another given name is another person)."""
    params = env["ir.config_parameter"]
    if params.get_param("amazon_seller_connector.demo_duplicates"):
        return
    account.duplicate_search = True
    customer = env["res.partner"].search(
        [
            ("amazon_buyer_email", "!=", False),
            ("street", "=ilike", "%straße %"),
            ("country_id.code", "=", "DE"),
            ("is_company", "=", False),
            ("parent_id", "=", False),
        ],
        order="id",
        limit=1,
    )
    if not customer or " " not in customer.name:
        return
    factory = importlib.import_module(MODULE.rsplit(".", 1)[0] + ".tests.order_factory")
    sku = importlib.import_module(MODULE + ".catalogue").catalogue()[0]["sku"]
    given, family = customer.name.split(" ", 1)
    street, number = customer.street.rsplit(" ", 1)
    other_number = str(int(number) + 4) if number.isdigit() else number + "b"
    buyers = [
        # the same buyer, the street abbreviated, the name in lower case
        (
            customer.name.lower(),
            street.replace("straße", "str.") + " " + number,
            customer.sudo().amazon_buyer_email,
        ),
        # the same name a few houses further: a typo or a move next door?
        (
            customer.name,
            f"{street} {other_number}",
            "demo-nachbar@marketplace.amazon.de",
        ),
        # the same household, another person
        (
            ("Lena" if given != "Lena" else "Paul") + " " + family,
            customer.street,
            "demo-haushalt@marketplace.amazon.de",
        ),
    ]
    orders = [
        factory.order(
            f"028-9000000-000000{number}",
            [factory.item(sku, 19.90, item_id=f"DEMO-DUP-{number}")],
            name=name,
            street=street_line,
            zip_code=customer.zip,
            city=customer.city,
            email=email,
            updated=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 300)),
        )
        for number, (name, street_line, email) in enumerate(buyers, start=1)
    ]
    simulator_control("/orders", orders)
    account.last_sync = False  # from the start again: nothing is imported twice
    account._amazon_import_orders()
    params.set_param("amazon_seller_connector.demo_duplicates", "1")
    env.cr.commit()


def setup_invoices(account):
    """Invoices when the goods ship, uploaded to Amazon: the FBA orders are
    invoiced while they are imported, the deliveries shipped in
    `setup_shipments` when they are validated."""
    account.write({"invoice_policy": "ship", "invoice_upload": True})


def setup_refund(account):
    """One refund at Amazon for an invoiced order: read from the Finances
    API, it becomes a posted credit note uploaded to Amazon."""
    params = env["ir.config_parameter"]
    if params.get_param("amazon_seller_connector.demo_refund"):
        return
    invoice = env["account.move"].search(
        [
            ("amazon_binding_id.account_id", "=", account.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amazon_binding_id.fulfillment_channel", "=", "fbm"),
        ],
        order="id",
        limit=1,
    )
    if not invoice:
        return
    simulator_control(
        "/refunds",
        {
            "order_id": invoice.amazon_binding_id.amazon_order_id,
            "kind": "full",
            "posted": time.time() - 600,  # Amazon posted it ten minutes ago
        },
    )
    account._amazon_read_refunds()
    env.cr.commit()
    send_all(2)
    params.set_param("amazon_seller_connector.demo_refund", "1")
    env.cr.commit()


def setup_stock(account):
    """Stock on the shelves, the offers read from Amazon and every merchant
    quantity sent (the simulator's catalogue has FBA offers and listings
    without a product too)."""
    params = env["ir.config_parameter"]
    warehouse = account.warehouse_id or env["stock.warehouse"].search(
        [("company_id", "=", account.company_id.id)], limit=1
    )
    if not params.get_param("amazon_seller_connector.demo_stock"):
        products = env["product.product"].search(
            [("default_code", "like", "SIM-"), ("is_storable", "=", True)]
        )
        for number, product in enumerate(products):
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 3 + (number * 7) % 40
            )
        account.write({"stock_sync": True, "warehouse_id": warehouse.id})
        params.set_param("amazon_seller_connector.demo_stock", "1")
    account._amazon_read_listings()
    offers = env["amazon.seller.sku"].search([("account_id", "=", account.id)])
    offers._amazon_synchronised()._amazon_queue_stock(force=True)
    env.cr.commit()
    env["amazon.seller.operation"]._cron_send()
    env.cr.commit()


company, admin = setup_company()
if os.environ.get("DEMO_PHASE") == "company":  # before OSS is installed
    env.cr.commit()
    raise SystemExit(0)
defaults = setup_app()
setup_products(company)
account = setup_account(admin, defaults)
env.cr.commit()
if SIMULATOR:
    # Amazon's rates 1000 times faster for the first backfill (demo only)
    type(account)._amazon_client_options = lambda self, purpose="api": {
        "time_scale": 1000.0
    }
    setup_invoices(account)
    account._amazon_import_orders()
    env.cr.commit()
    setup_duplicates(account)
    setup_shipments(account)
    setup_refund(account)
    setup_stock(account)
print("demo ready:", account.name, account.order_count, "Amazon orders")
