# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib
import socket
from unittest.mock import patch

from odoo import Command

from odoo.addons.base.tests.common import BaseCommon

from ..spapi import _lwa as lwa

_LOOPBACK = ("127.", "::1", "localhost")
ENDPOINT_PARAM = "amazon_seller_connector.custom_endpoint_hosts"


def allow_simulator(env):
    """Let accounts talk to the simulator on this machine (system parameter)."""
    env["ir.config_parameter"].sudo().set_param(ENDPOINT_PARAM, "loopback")


def patch_client_options(case, options):
    """Tune the SP-API client of every account (retries, time scale) for a
    test class: through the one hook, never through the context."""
    model = type(case.env["amazon.seller.account"])
    base = model._amazon_client_options

    def options_for(self, purpose="api"):
        return {**base(self, purpose), **options}

    case.startClassPatcher(patch.object(model, "_amazon_client_options", options_for))


def _is_loopback(host):
    host = host.decode() if isinstance(host, bytes) else str(host)
    return host.startswith(_LOOPBACK) or host == "::1"


class LoopbackOnlyMixin:
    """Refuse every connection that is not to this machine.

    Odoo blocks outbound ``requests`` in tests, but not httpx, which
    python-amazon-sp-api uses: guard the socket layer so no test can reach
    Amazon (or anything else) by mistake.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        real_connect = socket.socket.connect
        real_getaddrinfo = socket.getaddrinfo

        def guarded_connect(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(
                address[0]
            ):
                raise ConnectionRefusedError(f"Test tried to reach {address[0]!r}")
            return real_connect(sock, address)

        def guarded_getaddrinfo(host, *args, **kwargs):
            if host is not None and not _is_loopback(host):
                raise socket.gaierror(f"Test tried to resolve {host!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        cls.classPatch(socket.socket, "connect", guarded_connect)
        cls.classPatch(socket, "getaddrinfo", guarded_getaddrinfo)


class AmazonCommon(LoopbackOnlyMixin, BaseCommon):
    def setUp(self):
        super().setUp()
        # access tokens are shared by the clients of a process: each test
        # starts without any, as a new process would
        lwa.clear_shared_token_caches()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketplace_de = cls.env.ref("amazon_seller_connector.marketplace_de")
        cls.account = cls.env["amazon.seller.account"].create(
            {"name": "Test shop", "home_marketplace_id": cls.marketplace_de.id}
        )


sim_module = importlib.import_module("odoo.addons.amazon_seller_connector.simulator")
REFRESH_TOKEN = "Atzr|import-tests"


class AmazonImportCommon(AmazonCommon):
    """A linked account talking to the offline simulator, German VAT set up."""

    #: Amazon's request rates, 1000 times faster: tests never wait.
    client_options = {"time_scale": 1000.0}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        allow_simulator(cls.env)
        patch_client_options(cls, cls.client_options)
        # Amazon hides changes of the last 2 minutes: tests move the clock on.
        cls.clock = importlib.import_module(
            "odoo.addons.amazon_seller_connector.simulator.testing"
        ).FakeClock()
        cls.sim = sim_module.Simulator(refresh_tokens=(REFRESH_TOKEN,), clock=cls.clock)
        cls.sim_url = cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        params = cls.env["ir.config_parameter"].sudo()
        defaults = sim_module.DEFAULTS
        params.set_param("amazon_seller_connector.lwa_client_id", defaults["client_id"])
        params.set_param(
            "amazon_seller_connector.lwa_client_secret", defaults["client_secret"]
        )
        cls.company = cls.env.company
        cls.company.write(
            {
                "country_id": cls.env.ref("base.de").id,
                "currency_id": cls.env.ref("base.EUR").id,
            }
        )
        cls._setup_taxes()
        cls._setup_products()
        cls.account.write(
            {
                "state": "linked",
                "selling_partner_id": defaults["seller_id"],
                "refresh_token": REFRESH_TOKEN,
                "api_base_url": cls.sim_url,
                "import_orders_since": "2026-11-01",
                "marketplace_ids": [
                    Command.set(
                        (
                            cls.env.ref("amazon_seller_connector.marketplace_de")
                            | cls.env.ref("amazon_seller_connector.marketplace_fr")
                            | cls.env.ref("amazon_seller_connector.marketplace_pl")
                        ).ids
                    )
                ],
            }
        )

    @classmethod
    def _tax(cls, name, amount, country):
        group = cls.env["account.tax.group"].create(
            {"name": f"VAT {amount} {country.code}", "country_id": country.id}
        )
        return cls.env["account.tax"].create(
            {
                "name": name,
                "amount": amount,
                "type_tax_use": "sale",
                "amount_type": "percent",
                "country_id": country.id,
                "tax_group_id": group.id,
            }
        )

    @classmethod
    def _setup_taxes(cls):
        de, fr = cls.env.ref("base.de"), cls.env.ref("base.fr")
        cls.tax_19 = cls._tax("19% USt", 19, de)
        cls.tax_7 = cls._tax("7% USt", 7, de)
        # OSS taxes belong to the company's fiscal country (as l10n_eu_oss makes them)
        cls.tax_fr_20 = cls._tax("20% TVA FR (OSS)", 20, de)
        cls.fpos_fr = cls.env["account.fiscal.position"].create(
            {
                "name": "OSS Frankreich",
                "auto_apply": True,
                "country_id": fr.id,
                "tax_ids": [Command.link(cls.tax_fr_20.id)],
            }
        )
        cls.tax_fr_20.original_tax_ids = [Command.link(cls.tax_19.id)]

    @classmethod
    def _setup_products(cls):
        Product = cls.env["product.product"]
        cls.mug = Product.create(
            {
                "name": "Kaffeetasse",
                "default_code": "SKU-TASSE",
                "is_storable": True,
                "list_price": 12.90,
                "taxes_id": [Command.set(cls.tax_19.ids)],
            }
        )
        cls.book = Product.create(
            {
                "name": "Kochbuch",
                "barcode": "4006381333931",
                "list_price": 24.00,
                "taxes_id": [Command.set(cls.tax_7.ids)],
            }
        )

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def _import(self, *orders):
        """Serve these orders from the simulator and run the import."""
        self.sim.add_orders(list(orders))
        self.clock.advance(180)
        self.account.last_sync = False
        return self.account._amazon_import_orders()

    def _record(self, order_id):
        return self.env["amazon.seller.order"].search(
            [("account_id", "=", self.account.id), ("amazon_order_id", "=", order_id)]
        )
