# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Encryption at rest of the Amazon secrets (refresh tokens, client secret).

The key comes from the server's configuration file, never from the
database, so that a stolen database dump holds no usable token::

    [amazon_seller_connector]
    encryption_key = <a long random string>

(``amazon_seller_connector_key`` in ``[options]`` works too, but Odoo warns
about unknown options there.) Without a key the values are stored as they
are and the settings page says so.

Stored values carry a prefix, so plain values written before a key was
configured are still read (and encrypted on their next write).
"""

import base64
import configparser
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from odoo.tools import config

CONFIG_KEY = "amazon_seller_connector_key"
SECTION, OPTION = "amazon_seller_connector", "encryption_key"
PREFIX = "fernet1:"


class VaultError(Exception):
    """A stored secret cannot be decrypted: ``args[0]`` is "missing" (no key
    configured) or "wrong" (another key)."""


@functools.lru_cache(maxsize=4)
def _file_secret(path):
    """The key of the ``[amazon_seller_connector]`` section of ``path``."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read([path])
    except configparser.Error:
        return ""
    return parser.get(SECTION, OPTION, fallback="")


def _secret():
    return config.get(CONFIG_KEY) or _file_secret(config.get("config") or "")


def _fernet():
    secret = _secret()
    if not secret:
        return None
    # any long random string: derive the 32-byte Fernet key from it
    digest = hashlib.sha256(str(secret).encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def is_configured():
    """True when the server configuration provides an encryption key."""
    return bool(_secret())


def encrypt(value):
    """The value to store: encrypted when a key is configured."""
    if not value:
        return value
    fernet = _fernet()
    if fernet is None:
        return value
    return PREFIX + fernet.encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(stored):
    """The clear value of a stored one (plain values are returned as they are)."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    fernet = _fernet()
    if fernet is None:
        raise VaultError("missing")
    try:
        return fernet.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise VaultError("wrong") from None
