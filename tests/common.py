# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

from odoo.addons.base.tests.common import BaseCommon

_LOOPBACK = ("127.", "::1", "localhost")


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
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketplace_de = cls.env.ref("amazon_seller_connector.marketplace_de")
        cls.account = cls.env["amazon.seller.account"].create(
            {"name": "Test shop", "home_marketplace_id": cls.marketplace_de.id}
        )
